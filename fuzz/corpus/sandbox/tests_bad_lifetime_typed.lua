-- tests/bad/lifetime_typed.lua — a lifetime on a process of a plugin type (inuse_stock takes its lifetime as params).
-- expect: tests/bad/lifetime_typed.lua:7: process 'cars': option 'lifetime' does not apply to a process of type 'inuse_stock'
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:process("house", "source", { generation = { msw = 100 } })
m:process("cars", "inuse_stock", { lifetime = { "fixed", 12 }, ports = { end_of_life = "scrap" } })   -- at fault
m:process("scrap", "sink")
m:flow("house", "cars", "rest")
return m
