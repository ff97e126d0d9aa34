-- expect: tests/bad/data/bad_year.csv:2
-- expect: 'x': the year '2020.5' is not a whole number
-- a year that is not whole
local flow = require "flow"
local d = flow.data("data/bad_year.csv")
local m = flow.model { name = "bad", years = { 2020, 2021 } }
m:param("x", d:series("x"))
return m
