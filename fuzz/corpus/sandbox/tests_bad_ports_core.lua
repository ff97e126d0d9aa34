-- tests/bad/ports_core.lua — ports on a process of a core kind.
-- expect: tests/bad/ports_core.lua:7: process 'sorting': option 'ports' does not apply to a split (it is for a process of a plugin type)
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:process("house", "source", { generation = { msw = 100 } })
m:process("sorting", "split", { ports = { rest = "landfill" } })   -- at fault
m:process("landfill", "sink")
m:flow("house", "sorting", "rest")
m:flow("sorting", "landfill", "rest")
return m
