-- tests/bad/unknown_category.lua — a material of a category that does not exist.
-- expect: tests/bad/unknown_category.lua:6: no category 'domestc' (did you mean 'domestic'?)
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:material("glass", "domestc")   -- at fault
m:process("house", "source", { generation = { msw = 100 } })
m:process("landfill", "stock")
m:flow("house", "landfill", "rest")
return m
