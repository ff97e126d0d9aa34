-- tests/bad/indicator_title.lua — an indicator's title that is not a string.
-- expect: tests/bad/indicator_title.lua:9: indicator 'landfilled': title must be a string, not a number
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:process("house", "source", { generation = { msw = 100 } })
m:process("landfill", "stock")
m:flow("house", "landfill", "rest")
m:indicator("landfilled", flow.sum { to = "landfill" }, { title = 29 })   -- at fault
return m
