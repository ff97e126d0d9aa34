-- tests/bad/bad_lifetime.lua — a lifetime of a kind that does not exist.
-- expect: tests/bad/bad_lifetime.lua:7: no lifetime kind 'normall' (did you mean 'normal'?)
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:process("house", "source", { generation = { msw = 100 } })
m:process("cars", "stock", { mode = "inuse", lifetime = { "normall", mean = 10, sd = 2 } })   -- at fault
m:process("scrap", "sink")
m:flow("house", "cars", "rest")
m:flow("cars", "scrap", "rest")
return m
