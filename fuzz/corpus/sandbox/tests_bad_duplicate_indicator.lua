-- tests/bad/duplicate_indicator.lua — an indicator defined twice.
-- expect: tests/bad/duplicate_indicator.lua:10: indicator 'landfilled' is defined twice
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:process("house", "source", { generation = { msw = 100 } })
m:process("landfill", "stock")
m:flow("house", "landfill", "rest")
m:indicator("landfilled", flow.sum { to = "landfill" })
m:indicator("landfilled", flow.stock { process = "landfill" })   -- at fault
return m
