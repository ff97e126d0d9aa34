-- expect: tests/bad/data/no_source.csv:2
-- expect: 'x' 2020: the source is empty
-- a number without its source
local flow = require "flow"
local d = flow.data("data/no_source.csv")
local m = flow.model { name = "bad", years = { 2020, 2021 } }
m:param("x", d:series("x"))
return m
