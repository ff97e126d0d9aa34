-- tests/bad/model_unknown_field.lua — flow.model with a misspelt field, in the documented form `return flow.model {...}` (a tail call).
-- expect: tests/bad/model_unknown_field.lua:4: flow.model: unknown field 'proceses'
local flow = require "flow"
return flow.model {   -- at fault
  name = "bad", years = { 2020, 2022 },
  materials = { { "msw", "domestic" } },
  proceses = { { "house", "source" } },
}
