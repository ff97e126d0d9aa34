-- tests/bad/path_accumulate.lua — a stock path on an accumulating stock.
-- expect: tests/bad/path_accumulate.lua:7: process 'landfill': option 'path' does not apply to a stock of mode accumulate (it is for a stock of mode inuse_driven)
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:process("house", "source", { generation = { msw = 100 } })
m:process("landfill", "stock", { path = { msw = 1000 } })   -- at fault
m:flow("house", "landfill", "rest")
return m
