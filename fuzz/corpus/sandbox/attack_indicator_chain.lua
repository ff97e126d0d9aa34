local flow = require "flow"
local m = flow.model { name = "m", years = { 2020, 2021 } }
m:material("msw", "domestic")
m:process("a", "source", { generation = { msw = 1 } })
m:process("b", "sink")
m:flow("a", "b", "rest")
m:indicator("i0", flow.sum { to = "b" })
for i = 1, 60 do m:indicator("i" .. i, flow.ref("i" .. (i - 1)) + flow.ref("i" .. (i - 1))) end
return m
