-- tests/bad/param_bounds.lua — a parameter leaving its bounds.
-- expect: tests/bad/param_bounds.lua:6: parameter 'coverage', year 2022: value 1.2 is outside its bounds [0, 1]
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:param("coverage", flow.linear { [2020] = 0.8, [2022] = 1.2 }, { bounds = { 0, 1 } })   -- at fault
return m
