-- tests/bad/lifetime_storage.lua — a lifetime on a storage stock.
-- expect: tests/bad/lifetime_storage.lua:7: process 'yard': option 'lifetime' does not apply to a stock of mode storage
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:process("house", "source", { generation = { msw = 100 } })
m:process("yard", "stock", { mode = "storage", lifetime = { "normal", mean = 2, sd = 1 } })   -- at fault
m:process("plant", "sink")
m:flow("house", "yard", "rest")
m:flow("yard", "plant", { share = 0.5 })
return m
