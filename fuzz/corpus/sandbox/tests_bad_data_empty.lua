-- expect: tests/bad/data/empty.csv: the file is empty (a header line is required)
-- a data file with nothing but a comment
local flow = require "flow"
local d = flow.data("data/empty.csv")
local m = flow.model { name = "bad", years = { 2020, 2021 } }
m:param("x", d:series("x"))
return m
