-- tests/bad/duplicate_material.lua — a material defined twice.
-- expect: tests/bad/duplicate_material.lua:6: material 'msw' is defined twice
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:material("msw", "industrial")   -- at fault
m:process("house", "source", { generation = { msw = 100 } })
m:process("landfill", "stock")
m:flow("house", "landfill", "rest")
return m
