-- tests/bad/unknown_comparator.lua — a target with a comparator that does not exist.
-- expect: tests/bad/unknown_comparator.lua:10: no comparator '=>'
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:process("house", "source", { generation = { msw = 100 } })
m:process("landfill", "stock")
m:flow("house", "landfill", "rest")
m:indicator("landfilled", flow.sum { to = "landfill" })
m:target("landfilled", 2022, "=>", 10)   -- at fault
return m
