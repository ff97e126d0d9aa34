-- expect: tests/bad/data/unit_differs.csv:3
-- expect: 'x': the unit 'kt' differs from 't' at line 2
-- one series in two units
local flow = require "flow"
local d = flow.data("data/unit_differs.csv")
local m = flow.model { name = "bad", years = { 2020, 2021 } }
m:param("x", d:series("x"))
return m
