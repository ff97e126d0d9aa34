-- tests/bad/inuse_no_lifetime.lua — an in-use stock without a lifetime.
-- expect: tests/bad/inuse_no_lifetime.lua:7: process 'cars': an in-use stock needs a lifetime
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:process("house", "source", { generation = { msw = 100 } })
m:process("cars", "stock", { mode = "inuse" })   -- at fault
m:process("scrap", "sink")
m:flow("house", "cars", "rest")
m:flow("cars", "scrap", "rest")
return m
