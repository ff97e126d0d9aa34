-- scripts/demo_plan.lua — two policy scenarios over the teaching model
-- (models/demo.lua), for the examples of the README and the man page:
-- "baseline", the model as it is, and "plan", which sorts more waste to
-- recycling and opens the incinerator's second line a year early.
--
--   flowsim run scripts/demo_plan.lua -o out.h5
--   flowsim diff out.h5:plan out.h5:baseline
--
-- Every number is ESTIMATE, as in the model: it shows the mechanisms.
local flow = require "flow"

return {
  flow.scenario { name = "baseline", model = "../models/demo.lua" },
  flow.scenario {
    name = "plan",
    model = "../models/demo.lua",                 -- relative to this file
    -- ESTIMATE: 30 % of collected waste to recycling in 2020, 50 % in 2025
    levers = { sorting_to_recycling = flow.linear { [2020] = 0.30, [2025] = 0.50 } },
    shift = { incinerator_capacity = -1 },        -- the second line in 2022, not 2023
  },
}
