-- tests/bad/model_missing_years.lua — flow.model without years.
-- expect: tests/bad/model_missing_years.lua:4: flow.model: years = {first, last} with whole years is required
local flow = require "flow"
local m = flow.model { name = "bad", year = { 2020, 2022 } }   -- at fault
return m
