-- tests/bad/capacity_inuse_driven.lua — a capacity on a stock-driven in-use stock (it takes no inflow to limit).
-- expect: tests/bad/capacity_inuse_driven.lua:6: process 'buildings': option 'capacity' does not apply to a stock of mode inuse_driven (it is for every process but a stock of mode inuse_driven)
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:process("buildings", "stock", { mode = "inuse_driven", lifetime = { "fixed", 30 }, path = { msw = 1000 },
                                 capacity = 50, overflow = "landfill" })   -- at fault
m:process("demolition", "sink")
m:process("landfill", "sink")
m:flow("buildings", "demolition", "rest")
return m
