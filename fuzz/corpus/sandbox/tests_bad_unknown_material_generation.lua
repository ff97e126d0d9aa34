-- tests/bad/unknown_material_generation.lua — generation of a material that does not exist.
-- expect: tests/bad/unknown_material_generation.lua:7: no material 'glas' (did you mean 'glass'?)
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:material("glass", "industrial")
m:process("house", "source", { generation = { msw = 100, glas = 5 } })   -- at fault
m:process("landfill", "stock")
m:flow("house", "landfill", "rest")
return m
