-- tests/lua/data/plans.lua — several scenarios of data/base.lua in one file
-- (data of tests/lua/scenarios.lua, which has the expected values).
local flow = require "flow"
return {
  flow.scenario { name = "levers", model = "base.lua",
                  levers = { rec_share = flow.linear { [2020] = 0.2, [2022] = 0.6 } } },
  flow.scenario { name = "late", model = "base.lua", shift = { cap = 1 } },
  flow.scenario { name = "closed dump", model = "base.lua", remove = { "old_dump" } },
  flow.scenario { name = "digester", model = "base.lua",
                  add = function(m)
                    m:process("digester", "sink")
                    m:flow("sort", "digester", { share = 0.1, material = "msw" })
                  end },
  flow.scenario { name = "edit", model = "base.lua", edit = function(m) m:set("gen", 200) end },
  flow.scenario { name = "hook", model = "base.lua",
                  on_year = function(h, year)
                    -- h:get reads the year before: in 2021, 2020's 55 t
                    if year == 2021 and h:get("indicator", "landfilled") > 50 then
                      h:set("rec_share", 0.5)
                    end
                  end },
}
