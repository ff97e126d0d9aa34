-- tests/bad/lifetime_split.lua — a lifetime on a split.
-- expect: tests/bad/lifetime_split.lua:7: process 'sorting': option 'lifetime' does not apply to a split (it is for a stock of mode inuse or inuse_driven)
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:process("house", "source", { generation = { msw = 100 } })
m:process("sorting", "split", { lifetime = { "fixed", 3 } })   -- at fault
m:process("landfill", "sink")
m:flow("house", "sorting", "rest")
m:flow("sorting", "landfill", "rest")
return m
