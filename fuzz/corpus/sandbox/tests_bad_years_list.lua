-- tests/bad/years_list.lua — a list of years, not {first, last}: the third was ignored.
-- expect: tests/bad/years_list.lua:4: flow.model: years = {first, last}: give the first and the last year only, got 3 values
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2025, 2022 } }   -- at fault
m:material("msw", "domestic")
return m
