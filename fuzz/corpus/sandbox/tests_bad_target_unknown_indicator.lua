-- tests/bad/target_unknown_indicator.lua — a target for an indicator that does not exist.
-- expect: tests/bad/target_unknown_indicator.lua:10: no indicator 'recyling_rate' (did you mean 'recycling_rate'?)
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:process("house", "source", { generation = { msw = 100 } })
m:process("market", "sink")
m:flow("house", "market", "rest")
m:indicator("recycling_rate", flow.sum { to = "market" } / flow.sum { from = "house" })
m:target("recyling_rate", 2022, ">=", 0.5)   -- at fault
return m
