-- tests/lua/data/base.lua — the model the scenarios of tests/lua/scenarios.lua
-- change (data of a test, not a test). Base results, by hand:
-- sort: rec 0.2 * 100 = 20, old_dump 5 (fixed), inc the rest 75;
-- inc capacity 20, 50, 50 (step): overflow to landfill 55, 25, 25.
local flow = require "flow"
local m = flow.model { name = "base", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:param("gen", 100)
m:param("rec_share", 0.2)
m:param("cap", flow.step { [2020] = 20, [2021] = 50 })
m:process("house", "source", { generation = { msw = "gen" } })
m:process("sort", "split")
m:process("rec", "sink")
m:process("inc", "sink", { capacity = "cap", overflow = "landfill" })
m:process("landfill", "stock")
m:process("old_dump", "stock")
m:flow("house", "sort", "rest")
m:flow("sort", "rec", { share = "rec_share" })
m:flow("sort", "old_dump", { fixed = 5 })
m:flow("sort", "inc", "rest")
m:indicator("landfilled", flow.sum { to = "landfill" })
m:target("landfilled", 2022, "<=", 30)
return m
