local flow = require "flow"
local m = flow.model { name = "m", years = { 2020, 2021 } }
m:material("msw", "domestic")
m:process("a", "source", { generation = { msw = 1 } })
m:process("b", "sink")
m:flow("a", "b", "rest")
m:indicator(("x"):rep(120), flow.sum { to = "b" })
return m
