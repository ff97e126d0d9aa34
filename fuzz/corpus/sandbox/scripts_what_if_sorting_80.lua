-- scripts/what_if_sorting_80.lua — the plan, but the sorting coverage of
-- the main city's communities (附件1 row 11) stalls at 80 % from 2023
-- instead of reaching 100 % in 2025. Sorted communities deliver extra
-- recyclables and kitchen waste (levers.csv: capture × coverage), so less
-- of both is separated. Why: row 25 (≥ 35 % recycled) and row 10 (≤ 55万 t
-- collected) depend on it; this shows whether they still hold.
local flow = require "flow"

return flow.scenario {
  name = "sorting_stalls_80",
  description = "sorting coverage stalls at 80 % from 2023",
  model = "../models/hengshui.lua",
  levers = { sorting_coverage = flow.linear { [2020] = 0.5, [2021] = 0.7, [2023] = 0.8 } },
}
