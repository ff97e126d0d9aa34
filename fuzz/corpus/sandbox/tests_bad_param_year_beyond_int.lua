-- tests/bad/param_year_beyond_int.lua — a point of a series in year 2^32 + 2021 was read as 2021.
-- expect: point 2: the year is not a whole number of int's range
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:param("gen", flow.linear { [2020] = 100, [4294969317] = 300 })   -- at fault
m:process("house", "source", { generation = { msw = "gen" } })
m:process("dump", "sink")
m:flow("house", "dump", "rest")
return m
