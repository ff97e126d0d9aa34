-- tests/bad/years_beyond_int.lua — years above 2^31 ran as 2020-2024 (truncated to int).
-- expect: tests/bad/years_beyond_int.lua:4: flow.model: years 4294969316-4294969320: years must lie in 1000-9999
local flow = require "flow"
local m = flow.model { name = "bad", years = { 4294969316, 4294969320 } }   -- at fault
m:material("msw", "domestic")
return m
