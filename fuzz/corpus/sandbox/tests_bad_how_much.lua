-- tests/bad/how_much.lua — a flow without share, fixed or rest.
-- expect: tests/bad/how_much.lua:8: flow house->landfill: say how much
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:process("house", "source", { generation = { msw = 100 } })
m:process("landfill", "stock")
m:flow("house", "landfill")   -- at fault
return m
