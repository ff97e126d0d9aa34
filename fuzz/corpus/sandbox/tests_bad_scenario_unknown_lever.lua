-- tests/bad/scenario_unknown_lever.lua — a scenario lever for a parameter that does not exist.
-- expect: tests/bad/scenario_unknown_lever.lua:5:
-- expect: no parameter 'recycling_shar'
local flow = require "flow"
local sc = flow.scenario { name = "plan", model = "../../models/demo.lua",   -- at fault
                           levers = { recycling_shar = 0.5 } }
return sc
