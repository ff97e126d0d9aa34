-- tests/lua/facilities.lua — the facility types of plugins/ run through the
-- core in a small model: a city's MSW to an incinerator (defaults of
-- plugins/incinerator.c, from hengshui-facts §2), its bottom ash to a
-- sanitary landfill of 1,000 m3 at 1.1 t/m3. Hand calculations:
--   1,000 t/a burnt: bottom ash 0.22 x 1000 = 220, fly ash 0.035 x 1000 = 35,
--   ferrous 0.015 x 1000 = 15, flue gas 1000 - 270 = 730 t/a;
--   electricity 380 kWh/t x 1000 = 380,000 kWh, net 0.8 x that = 304,000;
--   landfill: 220 t/a kept, volume 220 / 1.1 = 200 m3/a, so 1,000 m3 are
--   used at the end of the 5th year: 2025 (2021 + 4); remaining after 2022:
--   1000 - 400 = 600 m3.
local flow = require "flow"
local T = dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/check.lua")

local m = flow.model { name = "facilities", years = { 2021, 2026 } }
m:material("msw", "domestic")
for _, name in ipairs { "bottom_ash", "fly_ash", "ferrous_scrap", "flue_gas", "leachate", "landfill_gas" } do
  m:material(name, "product")
end
m:process("city", "source", { generation = { msw = 1000 } })
m:process("plant", "incinerator", {
  ports = { bottom_ash = "landfill", fly_ash = "hw", ferrous_scrap = "market", flue_gas = "air" } })
m:process("landfill", "sanitary_landfill", {
  params = { density_t_m3 = 1.1, volume_m3 = 1000 },
  ports = { leachate = "air", landfill_gas = "air" } })
m:process("hw", "sink")
m:process("market", "sink")
m:process("air", "sink")
m:flow("city", "plant", "rest")
-- indicators over plugin types and their metrics (by hand: everything the
-- incinerator receives leaves it, 1,000 t/a; 220 t/a reach the landfill;
-- 380,000 kWh; the landfill holds 440 t after two years)
m:indicator("out_of_incinerators", flow.sum { from_type = "incinerator" })
m:indicator("into_landfills", flow.sum { to_type = "sanitary_landfill", material = "bottom_ash" })
m:indicator("out_of_typed", flow.sum { from_kind = "typed" })
m:indicator("kwh", flow.metric("electricity_kwh"))
m:indicator("kwh_of_type", flow.metric("electricity_kwh", { type = "incinerator" }))
m:indicator("kwh_per_t", flow.metric("electricity_kwh") / flow.metric("throughput_t", { process = "plant" }))
m:indicator("landfilled", flow.stock { type = "sanitary_landfill" })
m:indicator("no_digesters", flow.sum { from_type = "anaerobic_digestion" })

local r = flow.run(m)
T.near(r:indicator("out_of_incinerators", 2022), 1000, "sum by from_type")
T.near(r:indicator("into_landfills", 2022), 220, "sum by to_type")
T.near(r:indicator("out_of_typed", 2022), 1000, "sum by from_kind = typed")
T.near(r:indicator("kwh", 2022), 380000, "a metric over every process")
T.near(r:indicator("kwh_of_type", 2022), 380000, "a metric over a type")
T.near(r:indicator("kwh_per_t", 2022), 380, "a ratio of metrics")
T.near(r:indicator("landfilled", 2022), 440, "stock by type")
T.near(r:indicator("no_digesters", 2022), 0, "a known type with no process sums to 0")
do
  local m2 = flow.model { name = "bad", years = { 2021, 2021 } }
  m2:material("msw", "domestic")
  m2:indicator("x", flow.metric("electricty_kwh"))
  T.raises(function() return flow.run(m2) end, "unknown metric", "facilities.lua:", "no process reports a metric 'electricty_kwh'")
  m2 = flow.model { name = "bad", years = { 2021, 2021 } }
  m2:material("msw", "domestic")
  m2:indicator("y", flow.sum { from_type = "incinerater" })
  T.raises(function() return flow.run(m2) end, "unknown type", "facilities.lua:", "'incinerater' is not a plugin type")
end
T.near(r:flow("plant[bottom_ash]->landfill:bottom_ash", 2022), 220, "bottom ash 22 %")
T.near(r:flow("plant[fly_ash]->hw:fly_ash", 2022), 35, "fly ash 3.5 %")
T.near(r:flow("plant[ferrous_scrap]->market:ferrous_scrap", 2022), 15, "ferrous 1.5 %")
T.near(r:flow("plant[flue_gas]->air:flue_gas", 2022), 730, "flue gas: the rest")
T.near(r:metric("plant:electricity_kwh", 2022), 380000, "380 kWh/t")
T.near(r:metric("plant:electricity_net_kwh", 2022), 304000, "net 80 %")
T.near(r:stock("landfill:bottom_ash", 2022), 440, "two years of bottom ash kept")
T.near(r:metric("landfill:remaining_m3", 2022), 600, "1000 - 2 x 200 m3")
T.near(r:metric("landfill:fill_year", 2024), 0, "not full in 2024")
T.near(r:metric("landfill:fill_year", 2026), 2025, "full at the end of 2025")
T.done("facilities")
