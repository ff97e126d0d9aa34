-- tests/bad/table_form_share_sum.lua — an error in the table form of flow.model names the flow.model line.
-- expect: tests/bad/table_form_share_sum.lua:4: process 'h', material 'msw', year 2020: shares add to 0.9, not 1
local flow = require "flow"
return flow.model { name = "bad", years = { 2020, 2020 },   -- at fault
  materials = { { "msw", "domestic" } },
  processes = { { "h", "source", generation = { msw = 1 } }, { "a", "sink" }, { "b", "sink" } },
  flows = { { "h", "a", share = 0.5 }, { "h", "b", share = 0.4 } },
}
