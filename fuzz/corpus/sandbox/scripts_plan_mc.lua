-- scripts/plan_mc.lua — the plan (scripts/plan.lua) under uncertainty,
-- for `flowsim mc scripts/plan_mc.lua -n N -j J`: per-capita generation
-- relative normals moving with a shared driver (rho 0.7), the industrial
-- intensities log-normal, the sorting coverage a PERT and the kitchen
-- capture a triangular (both relative, clamped to their bounds), the
-- waste-salt line's commissioning delayed 0, 1 or 2 years (p = .5/.3/.2).
-- Why: how likely each 2025 target is met if the 2020 data and the
-- projects' dates are as uncertain as these ranges (illustrative ranges,
-- not estimates from the plan). No Lua hooks. Also the ensemble benchmark
-- (bench/bench_mc.sh, docs/performance.md).
local flow = require "flow"

return flow.scenario {
  name = "plan_mc",
  description = "the plan with uncertain generation, sorting and the waste-salt line's date",
  model = "../models/hengshui.lua",
  uncertainty = {
    urban_msw_per_capita = { "normal", sd = 0.05, driver = "growth", rho = 0.7 },
    rural_msw_per_capita = { "normal", sd = 0.05, driver = "growth", rho = 0.7 },
    isw_intensity = { "lognormal", sd = 0.10 },
    hw_intensity = { "lognormal", sd = 0.10 },
    sorting_coverage = { "pert", min = 0.85, mode = 1.0, max = 1.05, relative = true },
    urban_kitchen_capture = { "triangular", min = 0.8, mode = 1.0, max = 1.1, relative = true },
    cap_salt_line = { "discrete", values = { 0, 1, 2 }, p = { 0.5, 0.3, 0.2 }, apply = "shift" },
  },
}
