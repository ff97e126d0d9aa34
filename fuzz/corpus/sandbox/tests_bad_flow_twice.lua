-- tests/bad/flow_twice.lua — two flows of one material between the same processes: their results could not be told apart.
-- expect: tests/bad/flow_twice.lua:13: flow 'sort->landfill:msw' is defined twice
-- expect: by the flow sort->landfill of all materials (tests/bad/flow_twice.lua:12) and by the flow sort->landfill of 'msw'
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:material("glass", "domestic")
m:process("house", "source", { generation = { msw = 100, glass = 10 } })
m:process("sort", "split")
m:process("landfill", "sink")
m:flow("house", "sort", "rest")
m:flow("sort", "landfill", "rest")
m:flow("sort", "landfill", { share = 0.5, material = "msw" })   -- at fault
return m
