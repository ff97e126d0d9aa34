-- tests/bad/inuse_driven_lifetime_zero.lua — a stock-driven in-use stock with a fixed lifetime of 0: nothing stays to the end of its inflow year, so no inflow can make its stock.
-- expect: tests/bad/inuse_driven_lifetime_zero.lua:6: process 'buildings': a stock-driven in-use stock needs survival S(0) > 0
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:process("buildings", "stock", { mode = "inuse_driven", lifetime = { "fixed", 0 }, path = { msw = 1000 } })   -- at fault
m:process("demolition", "sink")
m:flow("buildings", "demolition", "rest")
return m
