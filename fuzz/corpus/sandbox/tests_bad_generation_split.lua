-- tests/bad/generation_split.lua — generation (even an empty table) on a split.
-- expect: tests/bad/generation_split.lua:7: process 'sorting': option 'generation' does not apply to a split (it is for a source)
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:process("house", "source", { generation = { msw = 100 } })
m:process("sorting", "split", { generation = {} })   -- at fault
m:process("landfill", "sink")
m:flow("house", "sorting", "rest")
m:flow("sorting", "landfill", "rest")
return m
