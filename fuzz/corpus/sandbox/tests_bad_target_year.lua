-- tests/bad/target_year.lua — a target outside the model's years.
-- expect: tests/bad/target_year.lua:10: target for 'landfilled': year 2030 is outside the model's years 2020-2022
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:process("house", "source", { generation = { msw = 100 } })
m:process("landfill", "stock")
m:flow("house", "landfill", "rest")
m:indicator("landfilled", flow.sum { to = "landfill" })
m:target("landfilled", 2030, "<=", 10)   -- at fault
return m
