-- expect: tests/bad/data_no_series.lua:6: tests/bad/data/good.csv: no series 'z'
-- a name the data file does not hold
local flow = require "flow"
local d = flow.data("data/good.csv")
local m = flow.model { name = "bad", years = { 2020, 2021 } }
m:param("z", d:series("z"))
return m
