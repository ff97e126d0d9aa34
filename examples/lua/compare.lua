-- examples/lua/compare.lua — a script for `flowsim exec` (or plain lua5.4
-- with the flow module installed): runs every scenario of a file and
-- prints one indicator of each, year by year, side by side.
--
--   flowsim exec examples/lua/compare.lua scripts/demo_plan.lua recycling_rate
local flow = require "flow"

local file = arg[1] or "scripts/demo_plan.lua"
local indicator = arg[2] or "recycling_rate"

local scenarios, results = flow.load_scenarios(file), {}
local header = { "year" }
for i, sc in ipairs(scenarios) do
  results[i] = sc:run()
  header[#header + 1] = sc.name
end
print(indicator .. " by scenario (" .. file .. ")")
print(table.concat(header, "\t"))
local first = results[1]:series("indicator", indicator)
local years = {}
for year in pairs(first) do years[#years + 1] = year end
table.sort(years)
for _, year in ipairs(years) do
  local row = { tostring(year) }
  for _, r in ipairs(results) do row[#row + 1] = string.format("%.4g", r:indicator(indicator, year)) end
  print(table.concat(row, "\t"))
end
