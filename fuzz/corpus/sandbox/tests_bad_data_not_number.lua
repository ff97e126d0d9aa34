-- expect: tests/bad/data/not_number.csv:3
-- expect: 'x' 2021: the value '1,5' is not a finite number
-- a decimal comma (quoted, as a spreadsheet writes it) is not a number
local flow = require "flow"
local d = flow.data("data/not_number.csv")
local m = flow.model { name = "bad", years = { 2020, 2021 } }
m:param("x", d:series("x"))
return m
