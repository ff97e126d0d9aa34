-- tests/bad/series_year_key.lua — a series keyed by a year that is not whole.
-- expect: tests/bad/series_year_key.lua:6: flow.linear: keys must be whole years, got 2020.5
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:param("gen", flow.linear { [2020] = 1, [2020.5] = 2 })   -- at fault
return m
