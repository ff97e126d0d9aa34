-- tests/bad/flow_out_of_sink.lua — a flow out of a sink.
-- expect: tests/bad/flow_out_of_sink.lua:10: flow market->landfill: 'market' is a sink, nothing flows out of it
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:process("house", "source", { generation = { msw = 100 } })
m:process("market", "sink")
m:process("landfill", "stock")
m:flow("house", "market", "rest")
m:flow("market", "landfill", "rest")   -- at fault
return m
