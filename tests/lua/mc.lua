-- tests/lua/mc.lua — flow.mc from Lua: common random numbers across two
-- scenarios of one model, the uncertainty of a model and a scenario's
-- replacing it, relative and shifted draws, the summary against the
-- draws, and the errors (a Lua process type, nothing uncertain, a bad
-- distribution naming its file and line). The plan's ranges (at the end).
local flow = require "flow"
local T = dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/check.lua")

local function model()
  local m = flow.model { name = "m", years = { 2020, 2023 } }
  m:material("w", "domestic")
  m:param("gen", 100, { uncertainty = { "uniform", min = 0.9, max = 1.1, relative = true } })
  m:param("share", 0.4, { bounds = { 0, 1 } })
  m:param("cap", flow.step { [2020] = 0, [2022] = 30 })
  m:process("src", "source", { generation = { w = "gen" } })
  m:process("plant", "sink")
  m:process("fill", "sink")
  m:flow("src", "plant", { fixed = "cap", material = "w" })
  m:flow("src", "fill", { share = "share", material = "w" })
  m:flow("src", "burn", "rest", { material = "w" })
  m:process("burn", "sink")
  m:indicator("landfilled", flow.sum { to = "fill" }, { unit = "t" })
  m:indicator("treated", flow.sum { to = "plant" }, { unit = "t" })
  m:target("landfilled", 2023, "<=", 45)
  return m
end

-- two scenarios share gen: the same draw in every sample (CRN); the
-- second one's share (of all the source sends on) is higher by 0.1, so its
-- landfill is 0.1 x 100 g higher, sample by sample
local a = flow.scenario { name = "a", model = model() }
local b = flow.scenario { name = "b", model = model(), levers = { share = 0.5 } }
local ea = flow.mc(a, { n = 300, seed = 3, threads = 2 })
local eb = flow.mc(b, { n = 300, seed = 3, threads = 3 })
for i = 1, 300 do
  local g = ea:draw(i, "gen")
  T.eq(eb:draw(i, "gen"), g, "CRN: sample " .. i)
  T.truthy(g >= 0.9 and g <= 1.1, "relative uniform in [0.9, 1.1]")
end
-- landfilled = share x 100 g: its mean is 0.4 x 100 x E[g] = 40
local sa, sb = ea:summary("landfilled", 2023), eb:summary("landfilled", 2023)
-- mean of U(0.9, 1.1) is 1, sd 0.2 / sqrt 12 = 0.0577; 300 samples: se of the
-- mean of 0.4 x 100 g is 40 x 0.0577 / sqrt 300 = 0.133; 5 of them
T.near(sa.mean, 40, "mean of a", 0.67 / 40)
T.near(sb.mean - sa.mean, 0.1 * (sa.mean / 0.4), "paired difference", 1e-9)

-- a scenario's uncertainty replaces the model's (gen fixed to 100 +- 0:
-- a normal of sd 0 is its mean) and shifts the plant's start by 1 year
local c = flow.scenario { name = "c", model = model(), uncertainty = {
  gen = { "normal", mean = 100, sd = 0 },
  cap = { "discrete", values = { 1 }, apply = "shift" } } }
local ec = flow.mc(c, { n = 10 })
-- cap shifted: 2022 takes 2021's 0, 2023 takes 2022's 30
T.near(ec:summary("treated", 2022).mean, 0, "the plant starts a year late")
T.near(ec:summary("treated", 2023).mean, 30, "and then treats 30")
T.eq(ec:summary("landfilled", 2022).sd, 0, "no spread")
local rows = ec:targets()
T.eq(rows[1].p, 1, "landfilled 2023 = 0.4 x 100 = 40 <= 45: always met")
T.truthy(ec:report():find("100.0 %", 1, true), "the table")

-- errors
local function err(f, want)
  local ok, e = pcall(f)
  T.truthy(not ok, "an error: " .. want)
  T.truthy(tostring(e):find(want, 1, true), "'" .. want .. "' in: " .. tostring(e))
end
local plain = flow.model { name = "p", years = { 2020, 2021 } }
plain:material("w", "domestic")
plain:param("gen", 1)
plain:process("src", "source", { generation = { w = "gen" } })
plain:process("out", "sink")
plain:flow("src", "out", "rest", { material = "w" })
err(function() flow.mc(plain, { n = 10 }) end, "declares no uncertainty")
local bad = flow.scenario { name = "bad", model = model(), uncertainty = { share = { "beta", alpha = -1, beta = 2 } } }
err(function() flow.mc(bad, { n = 10 }) end, "mc.lua:74: uncertainty of 'share': beta alpha = -1 <= 0")
err(function() flow.mc(flow.scenario { name = "x", model = model(), uncertainty = { gen = { "normal" } } }, { n = 5 }) end,
    "uncertainty of 'gen': a normal distribution needs sd")
err(function() flow.mc(flow.scenario { name = "x", model = model(), uncertainty = { gen = { "gamma" } } }, { n = 5 }) end,
    "no distribution 'gamma'")
flow.process_type { name = "mc_lua_type", ports = { "out" }, transfer = function(cx) cx:pass("out", 1) end }
local lt = model()
lt:process("lt", "mc_lua_type", { ports = { out = "fill" } })
err(function() flow.mc(lt, { n = 5 }) end, "written in Lua: Monte Carlo runs no Lua")
-- goal seek. landfilled = share x 100 (gen fixed): the target
-- landfilled <= 40 is just met at share = 40 / 100 = 0.4 (hand-solved)
local function seekmodel(uncertain)
  local m = flow.model { name = "s", years = { 2020, 2021 } }
  m:material("w", "domestic")
  m:param("gen", 100, { uncertainty = uncertain })
  m:param("share", 0.5, { bounds = { 0, 1 } })
  m:process("src", "source", { generation = { w = "gen" } })
  m:process("fill", "sink")
  m:process("burn", "sink")
  m:flow("src", "fill", { share = "share", material = "w" })
  m:flow("src", "burn", "rest", { material = "w" })
  m:indicator("landfilled", flow.sum { to = "fill" }, { unit = "t" })
  m:target("landfilled", 2021, "<=", 40)
  return m
end
local sk = flow.seek(seekmodel(), { target = "landfilled", lever = "share", range = { 0, 1 } })
T.near(sk.value, 0.4, "the lever at which the target is just met", 1e-5)
local whole = flow.seek(seekmodel(), { target = "landfilled", lever = "share", range = { 0, 0.3 } })
T.eq(whole.met, "always", "met over the whole range")
T.near(whole.at_hi, 40 - 30, "its margin at the top of the range")
T.eq(flow.seek(seekmodel(), { target = "landfilled", lever = "share", range = { 0.5, 1 } }).met, "never", "missed")
-- with gen ~ N(100, 10): P(100 share (gen / 100) <= 40) = Phi((40 / share - 100) / 10) = 0.9 when
-- 40 / share = 100 + 1.281552 x 10, share = 40 / 112.81552 = 0.354561. P(met) from 4000 samples has
-- se sqrt(.9 x .1 / 4000) = 0.00474; dP/dshare there = -phi(1.2816) x 40 / share^2 / 10 = -5.585, so
-- the share found has se 0.00474 / 5.585 = 0.00085; 5 of them: 0.0043
local sp = flow.seek(seekmodel({ "normal", mean = 100, sd = 10 }),
                     { target = "landfilled", lever = "share", range = { 0.2, 0.6 }, prob = 0.9, n = 4000, seed = 5,
                       threads = 2 })
T.near(sp.value, 0.354561, "the lever at which P(met) = 0.9", 0.0043 / 0.354561)
err(function() flow.seek(seekmodel(), { target = "landfilled", lever = "shar", range = { 0, 1 } }) end,
    "no parameter 'shar' (did you mean 'share'?)")
err(function() flow.seek(seekmodel(), { target = "landfiled", lever = "share", range = { 0, 1 } }) end,
    "no target on indicator 'landfiled' (did you mean 'landfilled'?)")
err(function() flow.seek(seekmodel(), { target = "landfilled", lever = "share", range = { 1, 0 } }) end,
    "range = {lo, hi} with lo < hi")
err(function() flow.seek(seekmodel({ "normal", sd = 0.1 }), { target = "landfilled", lever = "gen", range = { 0, 1 },
                                                                prob = 0.5, n = 10 }) end,
    "the lever 'gen' is uncertain")
-- sensitivity: landfilled = g1 + g2, g1 ~ N(100, 20), g2 ~ N(100, 10)
-- independent: Sobol' first-order S1 = 20^2 / (20^2 + 10^2) = 0.8, S2 = 0.2.
-- Tolerance: 5 of the estimator's own standard errors (from its n terms)
-- plus 5 x S / sqrt(n) for the error of Var(f) (the relative se of a
-- normal sample's variance from 2n values is sqrt(2 / 2n) = 1 / sqrt n).
local sm = flow.model { name = "add", years = { 2020, 2021 } }
sm:material("w", "domestic")
sm:param("g1", 100, { uncertainty = { "normal", mean = 100, sd = 20 } })
sm:param("g2", 100, { uncertainty = { "normal", mean = 100, sd = 10 } })
sm:process("s1", "source", { generation = { w = "g1" } })
sm:process("s2", "source", { generation = { w = "g2" } })
sm:process("fill", "sink")
sm:flow("s1", "fill", "rest", { material = "w" })
sm:flow("s2", "fill", "rest", { material = "w" })
sm:indicator("landfilled", flow.sum { to = "fill" }, { unit = "t" })
sm:target("landfilled", 2021, "<=", 250)
local n = 4000
local sr = flow.sensitivity(sm, { n = n, seed = 2, threads = 2 })
local rows = sr.targets[1].rows
T.eq(rows[1].factor, "g1", "g1 ranks first")
T.near(rows[1].s, 0.8, "S1 of g1", (5 * rows[1].se + 5 * 0.8 / math.sqrt(n)) / 0.8)
T.near(rows[2].s, 0.2, "S1 of g2", (5 * rows[2].se + 5 * 0.2 / math.sqrt(n)) / 0.2)
T.truthy(flow.format_sensitivity("add", sr):find("g1", 1, true), "the table")

-- scripts/plan.lua declares its uncertainty (issue 14's "flowsim mc
-- scripts/plan.lua"), each range with its basis in source; plan_mc.lua
-- the same ranges; the run without uncertainty is the plan as written
-- (row 25 in 2025: 36.6 %, the hand calculation of hengshui_scenarios.lua).
local function same(a, b)
  if type(a) ~= "table" or type(b) ~= "table" then return a == b end
  for k, v in pairs(a) do if not same(v, b[k]) then return false end end
  for k in pairs(b) do if a[k] == nil then return false end end
  return true
end
local here = arg[0]:match("^(.*)/[^/]*$") or "."
local plan = flow.load_scenarios(here .. "/../../scripts/plan.lua")[1]
local planmc = flow.load_scenarios(here .. "/../../scripts/plan_mc.lua")[1]
local count = 0
for name, spec in pairs(plan.uncertainty or {}) do
  count = count + 1
  T.truthy(type(spec.source) == "string" and (spec.source:find("^ESTIMATE: ") or spec.source:find("附件", 1, true)),
           "plan.lua: the source of " .. name)
  T.truthy(same(planmc.uncertainty[name], spec), "plan_mc.lua declares " .. name .. " as plan.lua does")
end
T.eq(count, 7, "plan.lua declares seven uncertain parameters")
err(function() flow.mc(flow.scenario { name = "x", model = model(),
                                       uncertainty = { gen = { "normal", sd = 0.1, source = 5 } } }, { n = 5 }) end,
    "uncertainty of 'gen': source must be a string")
for name in pairs(planmc.uncertainty) do T.truthy(plan.uncertainty[name], "plan.lua declares " .. name) end
local pe = flow.mc(plan, { n = 20, seed = 1, threads = 2 })
T.near(pe.result:indicator("r25_msw_recycling", 2025), 36.6, "plan: the run without uncertainty, row 25", 1e-6)
T.eq(pe.n, 20, "plan: 20 samples")
T.done()
