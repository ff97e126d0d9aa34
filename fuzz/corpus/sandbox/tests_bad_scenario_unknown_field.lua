-- tests/bad/scenario_unknown_field.lua — a scenario with a misspelt field, returned directly (`return flow.scenario {...}`, a tail call).
-- expect: tests/bad/scenario_unknown_field.lua:4: scenario 'plan': unknown field 'lever'
local flow = require "flow"
return flow.scenario { name = "plan", model = "../../models/demo.lua", lever = { x = 1 } }   -- at fault
