-- scripts/plan.lua — the plan: the model as written. Each lever follows
-- its plan path (levers.csv: the later years of each name) and each
-- facility of 附件4 enters on its date (facilities.csv: a plant finished
-- "年底" serves from the next year; the waste-salt line's phases from
-- 2023 and 2025, facts §2). Why: the scenario the plan describes, to
-- read against its own 2025 targets.
local flow = require "flow"

return flow.scenario {
  name = "plan",
  description = "the plan's measures and projects on their dates",
  model = "../models/hengshui.lua",
}
