-- tests/bad/unknown_material.lua — a flow of a material that does not exist.
-- expect: tests/bad/unknown_material.lua:8: no material 'mws' (did you mean 'msw'?)
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:process("house", "source", { generation = { msw = 100 } })
m:process("landfill", "stock")
m:flow("house", "landfill", { share = 1, material = "mws" })   -- at fault
return m
