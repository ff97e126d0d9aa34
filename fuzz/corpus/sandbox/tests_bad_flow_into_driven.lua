-- tests/bad/flow_into_driven.lua — a flow into a stock-driven in-use stock.
-- expect: tests/bad/flow_into_driven.lua:9: flow house->buildings: 'buildings' is a stock-driven in-use stock, nothing flows into it
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:process("house", "source", { generation = { msw = 100 } })
m:process("buildings", "stock", { mode = "inuse_driven", lifetime = { "fixed", 30 }, path = { msw = 1000 } })
m:process("demolition", "sink")
m:flow("house", "buildings", "rest")   -- at fault
m:flow("buildings", "demolition", "rest")
return m
