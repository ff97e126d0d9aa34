-- tests/bad/mode_sink.lua — a stock mode on a sink.
-- expect: tests/bad/mode_sink.lua:7: process 'landfill': option 'mode' does not apply to a sink (it is for a stock)
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:process("house", "source", { generation = { msw = 100 } })
m:process("landfill", "sink", { mode = "accumulate" })   -- at fault
m:flow("house", "landfill", "rest")
return m
