-- scripts/what_if_plant_outage.lua — the plan, but the largest
-- incineration plant, 中节能（衡水） (1,000 t/d, 附件4 row 9), is out of
-- service for all of 2024. Its waste goes to the other four plants in
-- turn and what they cannot take to the sanitary landfill kept as a
-- back-up. Why: with the landfills closing (附件3 task 13), spare
-- incineration capacity is what keeps raw domestic waste out of
-- landfill; this shows how much a year's outage sends there and what it
-- costs in electricity.
local flow = require "flow"

return flow.scenario {
  name = "plant_outage_2024",
  description = "incin_hengshui out of service in 2024",
  model = "../models/hengshui.lua",
  levers = { cap_incin_hengshui = flow.linear { [2020] = 365000, [2023] = 365000, [2024] = 0, [2025] = 365000 } },
}
