-- tests/bad/singular_loop.lua — a loop with no exit, found when the year is solved.
-- expect: tests/bad/singular_loop.lua:
-- expect: year 2020, material 'msw': the cycle of processes 'a', 'b' has no exit
-- run: run
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:process("house", "source", { generation = { msw = 100 } })
m:process("a", "split")
m:process("b", "split")
m:flow("house", "a", "rest")
m:flow("a", "b", "rest")
m:flow("b", "a", "rest")
return m
