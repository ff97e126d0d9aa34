-- scripts/plan.lua — the plan: the model as written. Each lever follows
-- its plan path (levers.csv: the later years of each name) and each
-- facility of 附件4 enters on its date (facilities.csv: a plant finished
-- "年底" serves from the next year; the waste-salt line's phases from
-- 2023 and 2025, facts §2). Why: the scenario the plan describes, to
-- read against its own 2025 targets.
--
-- The uncertainty below is used only by `flowsim mc`, `seek --prob` and
-- `sensitivity` (the run without uncertainty, `flowsim run`, is the plan
-- as written): how likely each 2025 target is met if the 2020 data and
-- the projects' dates are as uncertain as these ranges. Each range gives
-- its basis in `source`; all are ESTIMATEs (the plan states no ranges).
-- No Lua hooks. scripts/plan_mc.lua is this scenario under the name
-- plan_mc (the ensemble benchmark, bench/bench_mc.sh).
local flow = require "flow"

return flow.scenario {
  name = "plan",
  description = "the plan's measures and projects on their dates",
  model = "../models/hengshui.lua",
  uncertainty = {
    urban_msw_per_capita = { "normal", sd = 0.05, driver = "growth", rho = 0.7,
      source = "ESTIMATE: DERIVED from 附件1 row 10 over an ESTIMATEd urban population (urban share 54–57 %, "
        .. "facts §2: ±3 %) and recycled share (附件1 row 25); sd 5 % covers both. One driver with the rural "
        .. "rate: both follow the same consumption trend (rho 0.7, not 1: towns and villages differ)" },
    rural_msw_per_capita = { "normal", sd = 0.05, driver = "growth", rho = 0.7,
      source = "ESTIMATE: as urban_msw_per_capita (附件1 row 10, the rural population and recovered share "
        .. "ESTIMATEd, generation.csv)" },
    isw_intensity = { "lognormal", sd = 0.10,
      source = "ESTIMATE: 附件1 row 1 gives one digit (0.5); industrial value added 380–480亿元 around 420 "
        .. "(facts §2, ±10 %)" },
    hw_intensity = { "lognormal", sd = 0.10,
      source = "ESTIMATE: 附件1 row 2 gives one digit (0.03); the same value added (facts §2, ±10 %)" },
    sorting_coverage = { "pert", min = 0.85, mode = 1.0, max = 1.05, relative = true,
      source = "ESTIMATE: the path to 100 % (附件1 row 11) may fall short by up to 15 %, most likely held; "
        .. "2020's 50 % is itself an ESTIMATE (levers.csv); clamped to [0, 1]" },
    urban_kitchen_capture = { "triangular", min = 0.8, mode = 1.0, max = 1.1, relative = true,
      source = "ESTIMATE: the 22 % capture of 2025 is itself an ESTIMATE (levers.csv, plan task 12); "
        .. "-20 % to +10 % of it" },
    cap_salt_line = { "discrete", values = { 0, 1, 2 }, p = { 0.5, 0.3, 0.2 }, apply = "shift",
      source = "ESTIMATE: the phases' start years are not in the plan (附件4 row 10; facts §2 takes 2023 and "
        .. "2025); on time or one or two years late, later less likely" },
  },
}
