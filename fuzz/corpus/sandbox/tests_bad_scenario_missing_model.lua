-- tests/bad/scenario_missing_model.lua — a scenario naming a model file that does not exist.
-- expect: tests/bad/scenario_missing_model.lua:5:
-- expect: no_such_model.lua
local flow = require "flow"
local sc = flow.scenario { name = "plan", model = "no_such_model.lua" }   -- at fault
return sc
