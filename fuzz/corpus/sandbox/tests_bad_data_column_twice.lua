-- expect: tests/bad/data/column_twice.csv:1: the column 'year' appears twice
-- a header with a column twice
local flow = require "flow"
local d = flow.data("data/column_twice.csv")
local m = flow.model { name = "bad", years = { 2020, 2021 } }
m:param("x", d:series("x"))
return m
