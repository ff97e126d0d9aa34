-- tests/bad/returns_number.lua — a model file returning a number.
-- expect: tests/bad/returns_number.lua: expected a model, a scenario or a list of them, got number
-- a model file must return its model
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
return 42
