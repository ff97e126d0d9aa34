-- scripts/bau.lua — business as usual: 2020 practice continues, only the
-- drivers grow (population, industrial value added: drivers.csv). Every
-- lever (levers.csv), facility capacity (facilities.csv) and exogenous
-- indicator (exogenous.csv) is held at its first value, 2020's: no new
-- plant of 附件4 is built, no rate of use or recovery improves, the
-- generation intensities of 附件1 rows 1–2 stay at 0.5 and 0.03 t/万元.
-- Why: the yardstick for the plan — `flowsim diff` of bau and plan is the
-- plan's effect.
local flow = require "flow"

local levers = {}
for _, file in ipairs { "levers.csv", "facilities.csv", "exogenous.csv" } do
  local d = flow.data("../models/hengshui/" .. file)
  for _, name in ipairs(d:names()) do levers[name] = d:value(name, d:years(name)[1]) end
end

return flow.scenario {
  name = "bau",
  description = "2020 practice held, drivers grow",
  model = "../models/hengshui.lua",
  levers = levers,
}
