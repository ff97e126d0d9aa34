-- tests/bad/share_over_rest.lua — shares beside a rest flow adding to more than 1 (only from 2021: 0.8 + 0.4).
-- expect: tests/bad/share_over_rest.lua:13: process 'sort', material 'msw', year 2021: shares add to 1.2, more than 1
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:param("s", flow.step { [2020] = 0.5, [2021] = 0.8 })
m:process("house", "source", { generation = { msw = 100 } })
m:process("sort", "split")
m:process("a", "sink")
m:process("b", "sink")
m:process("c", "sink")
m:flow("house", "sort", "rest")
m:flow("sort", "a", { share = "s" })   -- at fault
m:flow("sort", "b", { share = 0.4 })
m:flow("sort", "c", "rest")
return m
