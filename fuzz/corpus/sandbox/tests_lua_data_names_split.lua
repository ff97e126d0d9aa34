-- tests/lua/data/names_split.lua — the other model whose flows used to
-- share one result name (data of tests/lua/names.lua and tests/names.sh,
-- not a test), with no plugin: a split with a capacity that overflows to
-- the landfill and a "rest" flow to the landfill as well (the pattern of
-- docs/lua-api.md). By hand, every year: 1,000 t msw reach sorting; its
-- capacity 600 accepts rho = 0.6, so 400 t overflow to the landfill; of
-- the 600 t sorted, share x 600 go to recycling (0.3: 180) and the rest
-- (420) to the landfill. Into the sinks: 400 + 180 + 420 = 1,000.
local flow = require "flow"
local m = flow.model { name = "names_split", years = { 2020, 2021 } }
m:material("msw", "domestic")
m:param("to_recycling", 0.3)
m:process("households", "source", { generation = { msw = 1000 } })
m:process("sorting", "split", { capacity = 600, overflow = "landfill" })
m:process("recycling", "sink")
m:process("landfill", "sink")
m:flow("households", "sorting", "rest")
m:flow("sorting", "recycling", { share = "to_recycling", material = "msw" })
m:flow("sorting", "landfill", "rest")
return m
