-- scripts/hengshui_table.lua — the Hengshui table: runs bau and plan,
-- writes both to a results file (default hengshui.h5 in the current
-- folder) and prints, the landfill reductions first (附件1 rows 29, 32,
-- 34), each indicator of 附件1: row, name, unit, the plan's 2020 value,
-- the model's 2020 value, the 2025 target, the 2025 value under bau and
-- under the plan, and whether each meets it; then the rigid landfill's
-- fill year and the electricity from incineration.
--   flowsim exec scripts/hengshui_table.lua [OUT.h5]
-- It is the main job: `flowsim` with no arguments runs it (the installed
-- copy, or the source tree's for flowsim run from its build tree).
-- English names wrap at spaces onto continuation lines (never cut).
-- Series indicators (exogenous.csv) are marked "assumed": their verdict
-- restates the scenario; qualitative ones "not quantified".
local flow = require "flow"

local out = arg and arg[1] or "hengshui.h5"
-- an existing OUT is replaced only when it is a results file (an earlier
-- run's): anything else of that name stays, and nothing runs
do
  local h = io.open(out, "rb")
  if h then
    h:close()
    local ok, f = pcall(flow.results_open, out)
    if not ok then
      io.stderr:write("flowsim: refusing to replace ", out, ": ", (tostring(f):gsub("^.-: ", "", 1)),
                      "; remove it or run in another folder\n")
      os.exit(1)
    end
    f:close()
  end
end
-- relative to this file; the path read tells where this file is (a host
-- may run it without arg[0])
local rows, _, csv = flow.read_csv("../models/hengshui/indicators.csv")
local here = csv:match("^(.*)/%.%./models/hengshui/indicators%.csv$") or "."

local function scenario(file) return flow.load_scenarios(here .. "/" .. file)[1] end
local bau, plan = scenario("bau.lua"):run(), scenario("plan.lua"):run()
local w = flow.results_create(out)
bau:save(w)
plan:save(w)
w:commit()

local function verdicts(r)
  local v = {}
  for _, t in ipairs(r:targets()) do v[t.indicator] = t.met end
  return v
end
local vb, vp = verdicts(bau), verdicts(plan)
local function yn(v) return v == nil and "-" or (v and "yes" or "NO") end
local function num(x) return x == nil and "" or flow.format_number(x) end

local first = { ["29"] = 1, ["32"] = 2, ["34"] = 3 }
table.sort(rows, function(a, b)
  local fa, fb = first[a.row] or 9, first[b.row] or 9
  if fa ~= fb then return fa < fb end
  return a.line < b.line
end)

print(string.format("Hengshui zero-waste plan (衡政办字〔2022〕57号), 附件1: bau and plan, %d-%d",
                    bau:years()))
-- the English name wrapped at spaces into lines of at most W characters,
-- never cut inside a word (a word longer than W stands alone)
local W = 32
local function wrap(text)
  local lines, cur = {}, ""
  for word in text:gmatch("%S+") do
    if cur ~= "" and #cur + 1 + #word > W then
      lines[#lines + 1], cur = cur, word
    else
      cur = cur == "" and word or (cur .. " " .. word)
    end
  end
  lines[#lines + 1] = cur
  return lines
end

local fmt = "%-4s %-" .. W .. "s %-10s %10s %10s %10s %10s %10s  %-7s %s"
print(string.format(fmt, "row", "indicator", "unit", "2020 plan", "2020 model", "2025 tgt", "2025 bau",
                    "2025 plan", "met b/p", "附件1"))
for i, r in ipairs(rows) do
  if i == 4 then print("") end
  local model20, b25, p25, target, met = "", "", "", r.cmp, "not quantified"
  if r.kind ~= "qualitative" then
    local y20 = r.plan_2020:find("2021", 1, true) and 2021 or 2020
    model20 = num(plan:indicator(r.id, y20))
    b25, p25 = num(bau:indicator(r.id, 2025)), num(plan:indicator(r.id, 2025))
    target = r.cmp == "rises" and "rises" or (r.cmp .. " " .. r.target_2025)
    met = yn(vb[r.id]) .. "/" .. yn(vp[r.id]) .. (r.kind == "series" and r.id:sub(1, 4) ~= "r21_" and
                                                  r.id:sub(1, 4) ~= "r22_" and " assumed" or "")
  end
  local plan20 = r.plan_2020:gsub("（2021年）", " (2021)"):gsub("（kg/亩）", " kg/mu")
  local name = wrap(r.name_en)
  print(string.format(fmt, r.row, name[1], r.unit, plan20, model20, target, b25, p25, met, r.name_zh))
  for k = 2, #name do print(string.format("%-4s %s", "", name[k])) end
end
-- fill years: the plan run on to 2035 (scripts/horizon_2035.lua)
local long = scenario("horizon_2035.lua"):run()
local function fill(r, name)
  local first, last = r:years()
  local y = r:indicator(name, last)
  return y > 0 and string.format("full in %d", math.floor(y)) or string.format("not full by %d", last)
end
print("")
print(string.format("rigid landfill (49,600 m3, 附件4 row 13, from 2023; bau builds none): plan %s",
                    fill(long, "rigid_landfill_fill_year")))
print(string.format("sanitary landfills (volume estimated): bau %s, plan %s",
                    fill(bau, "sanitary_landfill_fill_year"), fill(long, "sanitary_landfill_fill_year")))
print(string.format("electricity from incineration 2025: bau %s GWh, plan %s GWh (gross)",
                    num(bau:indicator("electricity_gwh", 2025)), num(plan:indicator("electricity_gwh", 2025))))
print("results written to " .. out .. " (scenarios bau and plan; flowsim report " .. out .. ")")
