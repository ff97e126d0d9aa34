-- tests/bad/share_more_than_one.lua — a single share above 1.
-- expect: tests/bad/share_more_than_one.lua:9: year 2020: share of house->a:msw 1.5 is more than 1
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:process("house", "source", { generation = { msw = 100 } })
m:process("a", "sink")
m:process("b", "sink")
m:flow("house", "a", { share = 1.5 })   -- at fault
m:flow("house", "b", "rest")
return m
