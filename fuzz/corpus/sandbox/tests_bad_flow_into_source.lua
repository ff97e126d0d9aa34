-- tests/bad/flow_into_source.lua — a flow into a source.
-- expect: tests/bad/flow_into_source.lua:11: flow sort->house: 'house' is a source, nothing flows into it
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:process("house", "source", { generation = { msw = 100 } })
m:process("sort", "split")
m:process("landfill", "stock")
m:flow("house", "sort", "rest")
m:flow("sort", "landfill", { share = 0.5 })
m:flow("sort", "house", "rest")   -- at fault
return m
