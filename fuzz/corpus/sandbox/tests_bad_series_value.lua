-- tests/bad/series_value.lua — a series with a value that is not a number.
-- expect: tests/bad/series_value.lua:6: flow.step: the value for 2021 is a string, not a number
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:param("gen", flow.step { [2020] = 1, [2021] = "high" })   -- at fault
return m
