-- tests/bad/share_sum.lua — shares of a split without a rest flow that do not add to 1.
-- expect: tests/bad/share_sum.lua:11: process 'sort', material 'msw', year 2020: shares add to 1.15, not 1
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:process("house", "source", { generation = { msw = 100 } })
m:process("sort", "split")
m:process("a", "sink")
m:process("b", "sink")
m:flow("house", "sort", "rest")
m:flow("sort", "a", { share = 0.75 })   -- at fault
m:flow("sort", "b", { share = 0.4 })
return m
