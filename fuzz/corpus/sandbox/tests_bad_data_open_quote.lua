-- expect: tests/bad/data/open_quote.csv:2
-- expect: a quoted field is not closed
-- a quote not closed
local flow = require "flow"
local d = flow.data("data/open_quote.csv")
local m = flow.model { name = "bad", years = { 2020, 2021 } }
m:param("x", d:series("x"))
return m
