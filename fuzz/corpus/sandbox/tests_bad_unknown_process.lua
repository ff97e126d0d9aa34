-- tests/bad/unknown_process.lua — a flow from a process that does not exist.
-- expect: tests/bad/unknown_process.lua:10: no process 'sortng' (did you mean 'sorting'?)
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:process("house", "source", { generation = { msw = 100 } })
m:process("sorting", "split")
m:process("landfill", "stock")
m:flow("house", "sorting", "rest")
m:flow("sortng", "landfill", "rest")   -- at fault
return m
