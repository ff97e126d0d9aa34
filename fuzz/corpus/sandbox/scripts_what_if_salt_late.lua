-- scripts/what_if_salt_late.lua — the plan, but phase 2 of the waste-salt
-- line (附件4 row 10: + 20万 t/a) comes two years late, in 2027 instead
-- of 2025. The producers' stored salt is still released from 2025 (HW may
-- be stored for one year at most, 固废法 §81), so what phase 1 (10万 t/a)
-- cannot take is landfilled. Why: the line is the plan's largest HW
-- project; this shows how much of the landfill reduction (附件1 row 29)
-- and of the utilisation (row 14) hangs on its date. Run it to 2027 with
-- years = 2027 to see phase 2 arrive.
local flow = require "flow"

local phases = flow.linear { [2020] = 0, [2022] = 0, [2023] = 100000, [2026] = 100000, [2027] = 300000 }
return flow.scenario {
  name = "salt_phase2_late",
  description = "waste-salt line phase 2 in 2027, two years late",
  model = "../models/hengshui.lua",
  levers = { cap_salt_line = phases },
}
