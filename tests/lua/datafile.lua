-- tests/lua/datafile.lua — flow.data and flow.read_csv on a good file
-- (tests/lua/data/series.csv: a BOM, CRLF line ends, a comment, a blank
-- line, quoted fields with a comma and a doubled quote, an extra column).
-- The bad files are tests/bad/data_*.lua.
local flow = require "flow"
local T = dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/check.lua")

local d = flow.data("data/series.csv")          -- relative to this file
T.eq(table.concat(d:names(), ","), "gen,rate", "names in the file's order")
T.near(d:value("gen", 2020), 100, "gen 2020")
T.near(d:value("gen", 2025), 150.5, "gen 2025")
T.near(d:value("rate"), 0.25, "a series of one year needs no year")
T.eq(d:unit("gen"), "t/a", "unit")
T.eq(d:source("gen", 2020), "附件1 row 10, 2020", "a quoted source with a comma")
T.eq(d:source("rate"), 'say "hi"', "a doubled quote")
T.eq(table.concat(d:years("gen"), ","), "2020,2025", "years sorted")
T.raises(function() return d:value("gen") end, "several years", "'gen' has several years")
T.raises(function() local _ = d:value("gen", 2023) end, "a missing year", "datafile.lua:", "'gen' has no value for 2023")
-- the series: linear by default, step on request; in a model: 2022 is
-- 100 + 2/5 x 50.5 = 120.2 (linear), 100 (step)
local m = flow.model { name = "data", years = { 2020, 2025 } }
m:material("w", "domestic")
m:param("gen", d:series("gen"), { unit = d:unit("gen") })
m:param("gen_step", d:series("gen", "step"))
m:process("city", "source", { generation = { w = "gen" } })
m:process("dump", "sink")
m:flow("city", "dump", "rest")
local r = flow.run(m)
T.near(r:flow("city->dump:w", 2022), 120.2, "linear between the file's years")
T.near(r:param("gen_step", 2022), 100, "step")
-- the rows of any CSV
local rows, cols = flow.read_csv("data/series.csv")
T.eq(#rows, 3, "three rows (comment and blank skipped)")
T.eq(table.concat(cols, ","), "name,year,value,unit,source,note", "columns, BOM stripped")
T.eq(rows[1].note, "first", "an extra column kept")
T.eq(rows[2].line, 5, "line numbers count every line")
T.eq(rows[2].note, "", "an empty last field")
T.done("datafile")
