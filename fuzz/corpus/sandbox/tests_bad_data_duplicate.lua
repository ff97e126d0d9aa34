-- expect: tests/bad/data/duplicate.csv:4
-- expect: 'x' 2020 is given twice (first at line 2)
-- the same name and year twice
local flow = require "flow"
local d = flow.data("data/duplicate.csv")
local m = flow.model { name = "bad", years = { 2020, 2021 } }
m:param("x", d:series("x"))
return m
