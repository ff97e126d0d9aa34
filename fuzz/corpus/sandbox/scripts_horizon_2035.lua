-- scripts/horizon_2035.lua — the plan run on to 2035: the drivers grow on
-- (drivers.csv gives them to 2035), every other series holds its 2025
-- value, and the facilities finished "2025年底" (carbon regeneration,
-- acid regeneration, fly-ash washing) enter in 2026. Why: the plan's
-- horizon ends in 2025, but the landfills' fill years (the rigid
-- landfill's 49,600 m³, 附件4 row 13) lie beyond it.
local flow = require "flow"

return flow.scenario {
  name = "plan_2035",
  description = "the plan, years to 2035",
  model = "../models/hengshui.lua",
  edit = function(m) m.last = 2035 end,
}
