-- tests/lua/scenarios.lua — scenarios: levers, shift, remove, add, edit,
-- on_year hooks (h:set, h:get), several scenarios in one file through
-- flow.load_scenarios, and errors in hooks (with their traceback).
-- The model is data/base.lua; every expected value is worked out by hand.
local flow = require "flow"
local here = arg[0]:match("^(.*)/[^/]*$") or "."
local T = dofile(here .. "/check.lua")

local function landfilled(r, want, what)
  for i, y in ipairs { 2020, 2021, 2022 } do
    T.near(r:indicator("landfilled", y), want[i], string.format("%s: landfilled %d", what, y))
  end
end

-- the model file alone: a scenario named after the model
local base = flow.load(here .. "/data/base.lua")
local rb = flow.run(base)
landfilled(rb, { 55, 25, 25 }, "base")
local own = flow.load_scenarios(here .. "/data/base.lua")
T.eq(#own, 1, "a model file is one scenario")
T.eq(own[1].name, "base", "named after the model")
landfilled(own[1]:run(), { 55, 25, 25 }, "base as a scenario")

local scs = flow.load_scenarios(here .. "/data/plans.lua")
T.eq(#scs, 6, "scenarios in plans.lua")
local by = {}
for _, sc in ipairs(scs) do by[sc.name] = sc end

-- levers: rec_share 0.2, 0.4, 0.6: inc gets 75, 55, 35 against 20, 50, 50
-- -> overflow 55, 5, 0
local r = by.levers:run()
T.eq(r.name, "levers", "result named after the scenario")
landfilled(r, { 55, 5, 0 }, "levers")
T.near(r:param("rec_share", 2021), 0.4, "levers: the lever's series")

-- shift cap by a year: 20, 20, 50 -> overflow 55, 55, 25
r = by.late:run()
landfilled(r, { 55, 55, 25 }, "late")
T.near(r:param("cap", 2021), 20, "late: capacity shifted")

-- remove old_dump (and its fixed flow): inc gets 80 -> overflow 60, 30, 30
r = by["closed dump"]:run()
landfilled(r, { 60, 30, 30 }, "closed dump")
T.raises(function() return r:flow("sort->old_dump:msw", 2020) end, "closed dump: the flow is gone",
         "no flow 'sort->old_dump:msw'")

-- add a digester taking 0.1: inc gets 65 -> overflow 45, 15, 15
r = by.digester:run()
landfilled(r, { 45, 15, 15 }, "digester")
T.near(r:flow("sort->digester:msw", 2022), 10, "digester: its flow")

-- edit: gen 200: rec 40, dump 5, inc 155 -> overflow 135, 105, 105
r = by.edit:run()
landfilled(r, { 135, 105, 105 }, "edit")

-- hook: in 2021 it reads 2020's landfilled (55 > 50) and sets rec_share
-- 0.5 from 2021 on: inc gets 45 < 50 -> overflow 55, 0, 0
r = by.hook:run()
landfilled(r, { 55, 0, 0 }, "hook")
T.near(r:param("rec_share", 2020), 0.2, "hook: 2020 untouched")
T.near(r:param("rec_share", 2022), 0.5, "hook: set from 2021 on")

-- the scenarios did not change the model they started from
landfilled(flow.run(base), { 55, 25, 25 }, "base after the scenarios")

-- a scenario over a description in memory, its verdicts
do
  local sc = flow.scenario { name = "mem", model = base, levers = { gen = 50 } }
  -- gen 50: rec 10, dump 5, inc 35 -> overflow 15, 0, 0; target <= 30 met, margin 30
  local rm = sc:run()
  landfilled(rm, { 15, 0, 0 }, "in-memory scenario")
  local t = rm:targets()[1]
  T.eq(t.met, true, "in-memory scenario: target met")
  T.near(t.margin, 30, "in-memory scenario: margin")
  -- the base model meets it too: 25 <= 30, margin 5
  T.near(rb:targets()[1].margin, 5, "base: margin")
end

-- hooks given to flow.run directly: h:set with a year sets that year only;
-- h:get with a year reads it. gen 100, 100, 300 -> sort->rec 20, 20, 60
do
  local seen = {}
  local rh = flow.run(base, { name = "direct", on_year = function(h, year)
    if year == 2020 then h:set("gen", 300, 2022) end
    if year > 2020 then
      seen[year] = h:get("flow", "sort->rec:msw")                 -- the year before
      seen[-year] = h:get("param", "gen", 2020)                     -- a year given
    end
  end })
  T.near(rh:flow("sort->rec:msw", 2021), 20, "h:set(year): 2021 untouched")
  T.near(rh:flow("sort->rec:msw", 2022), 60, "h:set(year): 2022 set")
  T.near(seen[2021], 20, "h:get: the year before (2020)")
  T.near(seen[2022], 20, "h:get: the year before (2021)")
  T.near(seen[-2022], 100, "h:get: a given year")
end

-- an error in a hook: its message, where it was raised, and a traceback
do
  local line
  local err = T.raises(function()
    return flow.run(base, { name = "broken", on_year = function(h, year)
      if year == 2021 then
        line = debug.getinfo(1, "l").currentline; local t = nil; return t.field
      end
    end })
  end, "a runtime error in a hook", "on_year hook of scenario 'broken', year 2021",
     "attempt to index", "stack traceback")
  T.truthy(err and err:find("scenarios.lua:" .. tostring(line) .. ":", 1, true),
           "a runtime error in a hook names its line")
  T.raises(function()
    return flow.run(base, { name = "lever", on_year = function(h) h:set("rec_shar", 0.5) end })
  end, "a hook setting an unknown lever", "no parameter 'rec_shar' (did you mean 'rec_share'?)")
end

-- scenario errors
T.raises(function() return flow.scenario { name = "x", model = base, lever = {} } end,
         "unknown scenario field", "scenario 'x': unknown field 'lever'")
T.raises(function() return flow.scenario { model = base } end, "scenario without a name", "name")
T.raises(function() return flow.scenario { name = "y", model = base, levers = { nope = 1 } }:run() end,
         "a lever for an unknown parameter", "no parameter 'nope'")
T.raises(function() return flow.scenario { name = "z", model = base, remove = { "nowhere" } }:run() end,
         "removing an unknown process", "remove: no process 'nowhere'")

T.done("scenarios")
