-- tests/bad/overflow_without_capacity.lua — an overflow without a capacity.
-- expect: tests/bad/overflow_without_capacity.lua:7: process 'inc': an overflow needs a capacity
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:process("house", "source", { generation = { msw = 100 } })
m:process("inc", "sink", { overflow = "landfill" })   -- at fault
m:process("landfill", "stock")
m:flow("house", "inc", "rest")
return m
