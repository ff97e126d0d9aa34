-- tests/bad/series_table_key.lua — a plain year table with a key that is not a year.
-- expect: tests/bad/series_table_key.lua:7: parameter 'gen'
-- expect: keys must be whole years, got x
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:param("gen", { [2020] = 1, x = 2 })   -- at fault
return m
