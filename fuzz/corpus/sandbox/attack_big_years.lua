local flow = require "flow"
return flow.model { name = "m", years = { 4294969316, 4294969320 } }
