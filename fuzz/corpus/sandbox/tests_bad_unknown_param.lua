-- tests/bad/unknown_param.lua — a share naming a parameter that does not exist.
-- expect: tests/bad/unknown_param.lua:10: no parameter 'recycling_shar' (did you mean 'recycling_share'?)
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:param("recycling_share", 0.3)
m:process("house", "source", { generation = { msw = 100 } })
m:process("rec", "sink")
m:process("landfill", "stock")
m:flow("house", "rec", { share = "recycling_shar" })   -- at fault
m:flow("house", "landfill", "rest")
return m
