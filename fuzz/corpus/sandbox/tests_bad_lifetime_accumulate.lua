-- tests/bad/lifetime_accumulate.lua — a lifetime on an accumulating stock (the default mode): it would be ignored.
-- expect: tests/bad/lifetime_accumulate.lua:7: process 'landfill': option 'lifetime' does not apply to a stock of mode accumulate (it is for a stock of mode inuse or inuse_driven)
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:process("house", "source", { generation = { msw = 100 } })
m:process("landfill", "stock", { lifetime = { "fixed", 30 } })   -- at fault
m:flow("house", "landfill", "rest")
return m
