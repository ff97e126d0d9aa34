-- expect: tests/bad/data/field_count.csv:3
-- expect: 2 fields, but the header has 5 columns
-- a row cut short
local flow = require "flow"
local d = flow.data("data/field_count.csv")
local m = flow.model { name = "bad", years = { 2020, 2021 } }
m:param("x", d:series("x"))
return m
