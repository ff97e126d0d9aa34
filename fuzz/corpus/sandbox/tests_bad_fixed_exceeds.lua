-- tests/bad/fixed_exceeds.lua — fixed flows taking more than a split receives (in 2021), found at run time.
-- expect: tests/bad/fixed_exceeds.lua:9: process 'sort', material 'msw', year 2021:
-- run: run
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:param("gen", flow.step { [2020] = 100, [2021] = 10 })
m:process("house", "source", { generation = { msw = "gen" } })
m:process("sort", "split")   -- at fault
m:process("a", "sink")
m:process("b", "sink")
m:flow("house", "sort", "rest")
m:flow("sort", "a", { fixed = 50 })
m:flow("sort", "b", "rest")
return m
