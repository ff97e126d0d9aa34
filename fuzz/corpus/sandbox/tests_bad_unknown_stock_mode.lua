-- tests/bad/unknown_stock_mode.lua — a stock of a mode that does not exist.
-- expect: tests/bad/unknown_stock_mode.lua:7: process 'landfill': no stock mode 'acumulate' (did you mean 'accumulate'?)
local flow = require "flow"
local m = flow.model { name = "bad", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:process("house", "source", { generation = { msw = 100 } })
m:process("landfill", "stock", { mode = "acumulate" })   -- at fault
m:flow("house", "landfill", "rest")
return m
