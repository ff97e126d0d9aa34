-- tests/bad/unknown_overflow.lua — an overflow to a process that does not exist.
-- expect: tests/bad/unknown_overflow.lua:7: no process 'landfil' (did you mean 'landfill'?)
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:process("house", "source", { generation = { msw = 100 } })
m:process("inc", "sink", { capacity = 50, overflow = "landfil" })   -- at fault
m:process("landfill", "stock")
m:flow("house", "inc", "rest")
return m
