-- bench/big_model.lua — a made-up model of 10,000 processes for the scale
-- of flowsim report --html (docs/performance.md): a city sends its waste
-- to 100 districts, each district to 98 collection points (sinks) and a
-- landfill of its own (a stock): 10,001 processes, 10,000 flows, 11 years.
--   flowsim run bench/big_model.lua -o big.h5; flowsim report big.h5 --html big.html
local flow = require "flow"

local m = flow.model { name = "big", years = { 2020, 2030 } }
m:material("msw", "domestic")
m:param("gen", flow.linear { [2020] = 1e6, [2030] = 1.3e6 }, { unit = "t/a" })
m:process("city", "source", { generation = { msw = "gen" } })
for d = 1, 100 do
  local district = "district_" .. d
  m:process(district, "split")
  m:flow("city", district, { share = 0.01, material = "msw" })
  for p = 1, 98 do
    local point = district .. "_point_" .. p
    m:process(point, "sink")
    m:flow(district, point, { share = (1 + (p % 7)) / 500, material = "msw" })
  end
  m:process(district .. "_landfill", "stock")
  m:flow(district, district .. "_landfill", "rest")
end
return m
