-- tests/bad/duplicate_param.lua — a parameter defined twice.
-- expect: tests/bad/duplicate_param.lua:7: parameter 'gen' is defined twice (first at tests/bad/duplicate_param.lua:6)
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:param("gen", 100)
m:param("gen", 200)   -- at fault
return m
