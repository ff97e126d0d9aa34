-- expect: tests/bad/data/missing_column.csv:1
-- expect: the header lacks the column 'source' (it has: name, year, value, unit)
-- a data file without the source column
local flow = require "flow"
local d = flow.data("data/missing_column.csv")
local m = flow.model { name = "bad", years = { 2020, 2021 } }
m:param("x", d:series("x"))
return m
