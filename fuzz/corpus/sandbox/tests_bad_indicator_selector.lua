-- tests/bad/indicator_selector.lua — an indicator selecting a process that does not exist.
-- expect: tests/bad/indicator_selector.lua:9: no process 'landfil' (did you mean 'landfill'?)
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:process("house", "source", { generation = { msw = 100 } })
m:process("landfill", "stock")
m:flow("house", "landfill", "rest")
m:indicator("landfilled", flow.sum { to = "landfil" })   -- at fault
return m
