-- scripts/plan_mc.lua — the plan under uncertainty as scenario plan_mc:
-- scripts/plan.lua's scenario and its declared uncertainty (per-capita
-- generation relative normals moving with a shared driver, rho 0.7; the
-- industrial intensities log-normal; the sorting coverage a PERT and the
-- kitchen capture a triangular, both relative and clamped to their
-- bounds; the waste-salt line's commissioning delayed 0, 1 or 2 years,
-- p = .5/.3/.2; each range's ESTIMATE basis is in plan.lua), read from
-- plan.lua so that the two never differ. Why: the ensemble benchmark
-- (bench/bench_mc.sh, docs/performance.md) and the examples that keep
-- the ensemble apart from the plan's own results (scenario plan_mc).
local flow = require "flow"

local s = flow.scenario {
  name = "plan_mc",
  description = "the plan with uncertain generation, sorting and the waste-salt line's date",
  model = "../models/hengshui.lua",
}
s.uncertainty = flow.load_scenarios(s.dir .. "/plan.lua")[1].uncertainty
return s
