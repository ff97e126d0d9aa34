-- tests/bad/series_nan.lua — a series with a NaN value.
-- expect: tests/bad/series_nan.lua:7: flow.linear: the value for 2021 is NaN
-- expect: not a finite number
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:param("gen", flow.linear { [2020] = 1, [2021] = 0 / 0 })   -- at fault
return m
