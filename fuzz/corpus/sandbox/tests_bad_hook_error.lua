-- tests/bad/hook_error.lua — a Lua runtime error in an on_year hook: its line and a traceback.
-- expect: tests/bad/hook_error.lua:12: attempt to perform arithmetic on a nil value
-- expect: on_year hook of scenario 'broken', year 2021
-- expect: stack traceback:
-- run: run
-- traceback: yes
local flow = require "flow"
local sc = flow.scenario { name = "broken", model = "../../models/demo.lua",
  on_year = function(h, year)
    if year == 2021 then
      local x = nil
      return x + 1   -- at fault
    end
  end }
return sc
