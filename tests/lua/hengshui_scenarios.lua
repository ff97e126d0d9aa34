-- tests/lua/hengshui_scenarios.lua — the Hengshui scenarios (scripts/)
-- run and differ as they should. Expected values are hand calculations
-- from the plan's and the data files' figures, written here:
--   row 34 (incineration share of capacity) = incineration / (incineration
--     + landfill + kitchen digestion) capacity:
--     bau 2025: 365,000 / (365,000 + 730,000) = 33.333 %;
--     plan 2023: 1,314,000 / (1,314,000 + 36,500) = 97.297 %
--       (365,000 + 292,000 + 3 × 219,000 = 1,314,000 t/a);
--     plan 2025: 1,314,000 / (1,314,000 + 36,500 + 91,250) = 91.139 %.
--   bau rows 29 and 32: every share held, no storage released, so what is
--     landfilled or stored grows with industrial value added: 1.05^5 =
--     1.2762816, a decline of −27.628 %.
--   row 25 (recycled share of urban waste), 2025: informal 22 % +
--     coverage × 0.12 × 30 % recyclables + coverage × 0.22 × 50 % kitchen:
--     plan (coverage 1) 22 + 3.6 + 11 = 36.6 %; stalled at 0.8:
--     22 + 2.88 + 8.8 = 33.68 %.
--   the plan to 2035: industrial value added 4.2e6 × 1.05^15 =
--     8,731,498.4 万元 in 2035 (drivers.csv compounded).
--   the outage of 2024: the other four plants, 292,000 + 3 × 219,000 =
--     949,000 t/a, run full: 949,000 t × 380 kWh/t = 360.62 GWh.
local flow = require "flow"
local T = dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/check.lua")
local here = arg[0]:match("^(.*)/[^/]*$") or "."

local function run(file)
  local sc = flow.load_scenarios(here .. "/../../scripts/" .. file)[1]
  return sc:run()
end
local bau, plan = run("bau.lua"), run("plan.lua")
local late, stall = run("what_if_salt_late.lua"), run("what_if_sorting_80.lua")
local iva8, outage = run("what_if_iva8.lua"), run("what_if_plant_outage.lua")
local tol = 1e-6

T.near(bau:indicator("r34_incineration_capacity_share", 2025), 36500000 / 1095000, "bau row 34", tol)
T.near(plan:indicator("r34_incineration_capacity_share", 2023), 131400000 / 1350500, "plan row 34 in 2023", tol)
T.near(plan:indicator("r34_incineration_capacity_share", 2025), 131400000 / 1441750, "plan row 34 in 2025", tol)
T.near(bau:indicator("r29_hw_landfill_decline", 2025), -27.62815625, "bau row 29: grows with IVA", tol)
T.near(bau:indicator("r32_isw_stored_disposed_decline", 2025), -27.62815625, "bau row 32: grows with IVA", tol)
T.near(plan:indicator("r25_msw_recycling", 2025), 36.6, "plan row 25", tol)
T.near(stall:indicator("r25_msw_recycling", 2025), 33.68, "sorting stalls: row 25", tol)
T.near(outage:indicator("electricity_gwh", 2024), 360.62, "outage: four plants full", tol)

-- the landfill reductions (rows 29, 32, 34): met by the plan, missed by bau
local function met(r, id)
  for _, t in ipairs(r:targets()) do
    if t.indicator == id then return t.met end
  end
end
for _, id in ipairs { "r29_hw_landfill_decline", "r32_isw_stored_disposed_decline", "r34_incineration_capacity_share" } do
  T.eq(met(plan, id), true, "plan meets " .. id)
  T.eq(met(bau, id), false, "bau misses " .. id)
end
-- what-ifs: each misses what it threatens, and no more of the landfill rows
T.eq(met(late, "r29_hw_landfill_decline"), false, "salt phase 2 late: row 29 missed")
T.truthy(late:indicator("salt_line_overflow_t", 2025) > 0 and plan:indicator("salt_line_overflow_t", 2025) == 0,
         "salt phase 2 late: the line overflows in 2025, the plan's does not")
T.eq(met(stall, "r25_msw_recycling"), false, "sorting stalls: row 25 missed")
T.eq(met(iva8, "r32_isw_stored_disposed_decline"), false, "IVA +8 %/a: row 32 missed")
T.eq(met(iva8, "r01_isw_intensity"), true, "IVA +8 %/a: the intensity target still met")
T.truthy(outage:indicator("msw_landfilled_t", 2024) > 0, "outage: raw waste landfilled in 2024")
T.near(plan:indicator("msw_landfilled_t", 2024), 0, "plan: no raw waste landfilled in 2024")
T.near(outage:indicator("msw_landfilled_t", 2025), 0, "outage: back to none in 2025")
-- qualitative rows carry no target (never reported as met)
for _, t in ipairs(plan:targets()) do
  for _, q in ipairs { "r06_", "r36_", "r37_", "r51_" } do
    T.truthy(t.indicator:sub(1, 4) ~= q, "no target for the qualitative " .. q)
  end
end
-- the years extended by a scenario, the drivers compounded to 2035
local long = run("horizon_2035.lua")
T.eq(select(2, long:years()), 2035, "horizon_2035 runs to 2035")
T.near(long:param("industrial_value_added", 2035), 4.2e6 * 1.05 ^ 15, "IVA compounded to 2035", 1e-9)
T.done("hengshui_scenarios")
