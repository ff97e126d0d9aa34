-- tests/bad/two_rest.lua — two rest flows of one process and material.
-- expect: tests/bad/two_rest.lua:12: process 'sort', material 'msw': two rest flows (to 'a' and 'b')
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:process("house", "source", { generation = { msw = 100 } })
m:process("sort", "split")
m:process("a", "sink")
m:process("b", "sink")
m:flow("house", "sort", "rest")
m:flow("sort", "a", "rest")
m:flow("sort", "b", "rest")   -- at fault
return m
