-- expect: tests/bad/data_missing_file.lua:5: tests/bad/data/nowhere.csv
-- a data file that does not exist: the line of the call, the path
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2021 } }
local d = flow.data("data/nowhere.csv")
return m
