-- tests/lua/names.lua — every result item has a name of its own: the two
-- models of tests/lua/data/names_*.lua, whose overflow and port flows used
-- to share the name of another flow between the same processes, read by
-- name in memory (r:flow, r:row) and from a results file (f:get); and a
-- model whose flows cannot be named apart is refused at compile time,
-- naming both definitions. Expected values by hand in the data files.
local flow = require "flow"
local T = dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/check.lua")
local dir = (arg[0]:match("^(.*)/[^/]*$") or ".")

-- every kind's names are distinct; returns the flow names as a set
local function distinct(r, what)
  local set
  for _, k in ipairs { "flow", "stock", "param", "indicator", "metric" } do
    local seen, dup = {}, nil
    for _, n in ipairs(r:names(k)) do
      if seen[n] then dup = n end
      seen[n] = true
    end
    T.eq(dup, nil, what .. ": no " .. k .. " name given twice")
    if k == "flow" then set = seen end
  end
  return set
end

-- the flows into the sinks of a row, summed: all that was generated
local function into_sinks(row, sinks)
  local sum = 0
  for name, v in pairs(row) do
    local to = name:match("%->([%w_]+):")
    if sinks[to] then sum = sum + v end
  end
  return sum
end

local function tmpfile(name)
  local d = os.getenv("FLOW_TEST_TMPDIR")
  return d and (d .. "/" .. name) or os.tmpname()
end

-- a typed process: ports bottom_ash and fly_ash and the overflow all to the landfill
do
  local r = flow.run(dofile(dir .. "/data/names_typed.lua"))
  local names = distinct(r, "typed")
  T.eq(names["plant->landfill:fly_ash"], nil, "typed: a port flow is named by its port")
  local want = {
    ["city->plant:msw"] = 1000,
    ["plant[overflow]->landfill:msw"] = 200,          -- (1 - 0.8) x 1000
    ["plant[bottom_ash]->landfill:bottom_ash"] = 176, -- 0.22 x 800
    ["plant[fly_ash]->landfill:fly_ash"] = 28,        -- 0.035 x 800
    ["plant[ferrous_scrap]->market:ferrous_scrap"] = 12,
    ["plant[flue_gas]->air:flue_gas"] = 584,          -- 800 - 216
    ["plant[bottom_ash]->landfill:fly_ash"] = 0,      -- a port carries its own material only
    ["plant[overflow]->landfill:fly_ash"] = 0,        -- no fly ash arrives at the plant
  }
  for name, v in pairs(want) do
    for _, y in ipairs { 2020, 2021 } do T.near(r:flow(name, y), v, "typed: " .. name .. " " .. y) end
  end
  local sinks = { landfill = true, market = true, air = true }
  T.near(into_sinks(r:row("flow", 2021), sinks), 1000, "typed: the flows into the sinks add up to the generation")
  local path = tmpfile("names_typed.h5")
  os.remove(path)
  r:save(path)
  local f = flow.results_open(path)
  local s = f:scenarios()[1]
  for name, v in pairs(want) do T.near(f:get(s, "flow", name, 2021), v, "typed, from the file: " .. name) end
  local fnames = f:names(s, "flow")
  T.eq(#fnames, #r:names("flow"), "typed: the file holds every flow")
  f:close()
  os.remove(path)
end

-- a split: overflow and "rest" both to the landfill
do
  local r = flow.run(dofile(dir .. "/data/names_split.lua"))
  distinct(r, "split")
  local want = {
    ["households->sorting:msw"] = 1000,
    ["sorting[overflow]->landfill:msw"] = 400, -- (1 - 0.6) x 1000
    ["sorting->recycling:msw"] = 180,          -- 0.3 x 600
    ["sorting->landfill:msw"] = 420,           -- the rest of 600
  }
  for name, v in pairs(want) do
    for _, y in ipairs { 2020, 2021 } do T.near(r:flow(name, y), v, "split: " .. name .. " " .. y) end
  end
  T.near(into_sinks(r:row("flow", 2020), { landfill = true, recycling = true }), 1000,
         "split: the flows into the sinks add up to the generation")
  T.eq(#r:names("flow"), 4, "split: four flow items")
end

-- two flows of one material between the same processes cannot be named
-- apart: refused, naming both lines
do
  local m = flow.model { name = "clash", years = { 2020, 2020 } }
  m:material("msw", "domestic")
  m:process("households", "source", { generation = { msw = 100 } })
  m:process("sorting", "split")
  m:process("landfill", "sink")
  m:flow("households", "sorting", "rest")
  local l1 = debug.getinfo(1, "l").currentline + 1
  m:flow("sorting", "landfill", "rest")
  local l2 = debug.getinfo(1, "l").currentline + 1
  m:flow("sorting", "landfill", { share = 0.5, material = "msw" })
  T.raises(function() return flow.run(m) end, "two flows sorting->landfill of msw",
           "names.lua:" .. l1, "names.lua:" .. l2, "sorting->landfill:msw")
end
T.done("names")
