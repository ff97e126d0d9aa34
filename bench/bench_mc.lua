-- bench/bench_mc.lua — the Hengshui plan under uncertainty, for
-- `flowsim mc bench/bench_mc.lua -n N -j J` (docs/performance.md,
-- "Ensembles"): per-capita generation and industrial intensities
-- relative (normal), the sorting coverage a PERT, the kitchen-waste
-- capture a beta, the waste-salt line's commissioning delayed 0-2 years.
-- No Lua hooks: the plan scenario as scripts/plan.lua runs it.
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
