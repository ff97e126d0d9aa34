-- bench_dsm.lua — flow.dsm against ODYM's DynamicStockModel, side by side
-- in one run (make bench; docs/performance.md, "The dynamic stock model").
--
-- flow.dsm on 1,000 years with a normal lifetime (mean 20 a, sd 6 a),
-- inflow- and stock-driven, on the inputs of bench/bench_dsm.c; then, if
-- /usr/bin/python3 has numpy and scipy, bench/odym_dsm.py (ODYM's
-- algorithm on the same inputs) in the same run, and the ratio. Goal:
-- flow.dsm at least 20x faster than ODYM. Without that Python the peer is
-- skipped and the figure measured for ODYM on the reference machine is
-- printed instead. Times are CPU seconds per call (os.clock; the peer uses
-- time.process_time), min / median / max over the repetitions.
--
--   flowsim exec bench/bench_dsm.lua [years [repetitions]]
local flow = require "flow"

local n = tonumber(arg and arg[1]) or 1000
local reps = tonumber(arg and arg[2]) or 50
-- ODYM's inflow-driven model at 1,000 years on the machine of
-- docs/performance.md (numpy 1.24, scipy 1.10): the reference when the
-- peer cannot run here
local ODYM_REFERENCE_S = 0.07

local function stats(t)
  table.sort(t)
  local k = #t
  local med = k % 2 == 1 and t[(k + 1) // 2] or (t[k // 2] + t[k // 2 + 1]) / 2
  return t[1], med, t[k]
end

local function timed(spec)
  local t, last = {}, nil
  for r = 1, reps do
    local t0 = os.clock()
    last = flow.dsm(spec)
    t[r] = os.clock() - t0
  end
  local lo, med, hi = stats(t)
  return { min = lo, median = med, max = hi, result = last }
end

local inflow, stock = {}, {}
for t = 0, n - 1 do
  inflow[t + 1] = 100 + 50 * math.sin(t / 10) + t / 100
  stock[t + 1] = 2000 + 1000 * t / n
end
local lifetime = { "normal", mean = 20, sd = 6 }
local fi = timed { inflow = inflow, lifetime = lifetime }
local fs = timed { stock = stock, lifetime = lifetime }

local function ms(x) return x * 1e3 end
print(string.format("dsm Lua: flow.dsm, %d years, normal lifetime (20, 6), %d calls each: inflow-driven "
  .. "min %.3f / median %.3f / max %.3f ms; stock-driven min %.3f / median %.3f / max %.3f ms",
  n, reps, ms(fi.min), ms(fi.median), ms(fi.max), ms(fs.min), ms(fs.median), ms(fs.max)))

-- the peer, when this machine can run it
local dir = (arg and arg[0] and arg[0]:match("^(.*)/[^/]*$")) or "."
local odym
local p = io.popen(string.format("/usr/bin/python3 '%s/odym_dsm.py' %d 9 2>/dev/null", dir, n))
if p then
  local line = p:read("a") or ""
  p:close()
  if line:match("^ODYM ") then
    odym = {}
    for k, v in line:gmatch("([%w_]+)=([%-%d%.e+]+)") do odym[k] = tonumber(v) end
  end
end

local ratio, peer
if odym and odym.inflow_min_s then
  -- the same inputs must give the same numbers: a check on the comparison
  local last_s, last_i = fi.result.stock[n], fs.result.inflow[n]
  local agree = math.abs(last_s - odym.last_stock) <= 1e-9 * math.abs(last_s)
    and math.abs(last_i - odym.last_inflow) <= 1e-9 * math.abs(last_i)
  print(string.format("dsm ODYM: the same inputs in /usr/bin/python3 (bench/odym_dsm.py), 9 calls each: "
    .. "inflow-driven min %.1f / median %.1f / max %.1f ms; stock-driven min %.1f / median %.1f / max %.1f ms; "
    .. "results agree with flow.dsm: %s",
    ms(odym.inflow_min_s), ms(odym.inflow_median_s), ms(odym.inflow_max_s), ms(odym.stock_min_s),
    ms(odym.stock_median_s), ms(odym.stock_max_s), agree and "yes" or "NO"))
  ratio, peer = odym.inflow_min_s / fi.min, "measured"
else
  print(string.format("dsm ODYM: /usr/bin/python3 with numpy and scipy not found: ODYM's reference figure, "
    .. "%.0f ms (docs/performance.md)", ms(ODYM_REFERENCE_S)))
  ratio, peer = ODYM_REFERENCE_S / fi.min, "reference"
end
print(string.format("dsm: flow.dsm is %.0fx faster than ODYM (%s), inflow-driven, best calls (goal >= 20x) %s",
  ratio, peer, ratio >= 20 and "OK" or "MISSED"))
print(string.format("BENCH dsm_lua_years=%d dsm_lua_inflow_min_s=%.6f dsm_lua_inflow_median_s=%.6f "
  .. "dsm_lua_inflow_max_s=%.6f dsm_lua_stock_min_s=%.6f dsm_lua_stock_median_s=%.6f odym_inflow_min_s=%.6f "
  .. "odym_peer=%s speedup=%.1f",
  n, fi.min, fi.median, fi.max, fs.min, fs.median, odym and odym.inflow_min_s or ODYM_REFERENCE_S, peer, ratio))
