-- tests/bad/unknown_kind.lua — a process of a kind that does not exist.
-- expect: tests/bad/unknown_kind.lua:7: no process kind 'splt' (did you mean 'split'?)
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:process("house", "source", { generation = { msw = 100 } })
m:process("sort", "splt")   -- at fault
m:flow("house", "sort", "rest")
return m
