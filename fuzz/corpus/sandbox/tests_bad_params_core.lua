-- tests/bad/params_core.lua — type parameters (even none) on a process of a core kind.
-- expect: tests/bad/params_core.lua:7: process 'landfill': option 'params' does not apply to a sink (it is for a process of a plugin type)
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:process("house", "source", { generation = { msw = 100 } })
m:process("landfill", "sink", { params = {} })   -- at fault
m:flow("house", "landfill", "rest")
return m
