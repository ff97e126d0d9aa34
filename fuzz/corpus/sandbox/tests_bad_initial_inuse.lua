-- tests/bad/initial_inuse.lua — an initial stock on an in-use stock (its cohorts would have no age).
-- expect: tests/bad/initial_inuse.lua:7: process 'cars': option 'initial' does not apply to a stock of mode inuse (it is for a stock of mode accumulate or storage, or a process of a plugin type)
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:process("house", "source", { generation = { msw = 100 } })
m:process("cars", "stock", { mode = "inuse", lifetime = { "fixed", 12 }, initial = { msw = 50 } })   -- at fault
m:process("scrap", "sink")
m:flow("house", "cars", "rest")
m:flow("cars", "scrap", "rest")
return m
