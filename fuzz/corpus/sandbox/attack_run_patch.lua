local flow = require "flow"
flow.Scenario.run = function(self, w) return w end
return flow.model { name = "m", years = { 2020, 2021 } }
