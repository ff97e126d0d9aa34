-- tests/bad/param_string.lua — a parameter whose value is a string.
-- expect: tests/bad/param_string.lua:6: parameter 'gen': expected a number, a series or a table {[year] = value}, got string
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:param("gen", "lots")   -- at fault
return m
