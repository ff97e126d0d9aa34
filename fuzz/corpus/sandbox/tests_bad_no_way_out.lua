-- tests/bad/no_way_out.lua — a material that reaches a split with no way out of it.
-- expect: tests/bad/no_way_out.lua:8: process 'sort' receives material 'glass' (from 'house') but has no flow of it out
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:material("glass", "industrial")
m:process("house", "source", { generation = { msw = 100, glass = 10 } })
m:process("sort", "split")   -- at fault
m:process("landfill", "stock")
m:flow("house", "sort", "rest")
m:flow("sort", "landfill", { share = 1, material = "msw" })
return m
