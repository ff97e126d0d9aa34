-- tests/lua/data/names_typed.lua — a model whose flows used to share one
-- result name (data of tests/lua/names.lua and tests/names.sh, not a
-- test): an incinerator (plugins/incinerator.c) whose ports bottom_ash
-- and fly_ash both go to the landfill while its capacity overflows there
-- too. By hand, every year: city generates 1,000 t msw; the plant's
-- capacity 800 accepts rho = 0.8, so 200 t msw overflow to the landfill;
-- of the 800 t burnt, bottom ash 0.22 x 800 = 176, fly ash fly x 800
-- (0.035: 28), ferrous 0.015 x 800 = 12, flue gas 800 - 176 - 28 - 12 =
-- 584. Into the sinks: 200 + 176 + 28 + 12 + 584 = 1,000.
local flow = require "flow"
local m = flow.model { name = "names_typed", years = { 2020, 2021 } }
m:material("msw", "domestic")
for _, name in ipairs { "bottom_ash", "fly_ash", "ferrous_scrap", "flue_gas" } do
  m:material(name, "product")
end
m:param("fly", 0.035)
m:process("city", "source", { generation = { msw = 1000 } })
m:process("plant", "incinerator", {
  capacity = 800, overflow = "landfill",
  params = { fly_ash_share = "fly" },
  ports = { bottom_ash = "landfill", fly_ash = "landfill", ferrous_scrap = "market", flue_gas = "air" } })
m:process("landfill", "sink")
m:process("market", "sink")
m:process("air", "sink")
m:flow("city", "plant", "rest")
return m
