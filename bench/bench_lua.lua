-- bench_lua.lua — the cost of the Lua layer (make bench; flowsim exec).
--
-- 1. Loading and compiling a 1,000-process model from Lua: a model file
--    (1,000 processes x 5 flows, 10 materials) is written to a temporary
--    file, then flow.load + compile are timed. Goal: under 50 ms.
-- 2. An on_year hook that sets one lever: a 1,000-year run of a small model
--    with and without the hook; the difference per call. Goal: under 2 us.
-- Times are CPU seconds (os.clock), best of several repetitions.
local flow = require "flow"

local function best(n, f)
  local b = math.huge
  for _ = 1, n do
    local t0 = os.clock()
    f()
    b = math.min(b, os.clock() - t0)
  end
  return b
end

-- 1. a layered model of n processes written as a Lua file
local function write_model(path, n)
  local out = {}
  local function w(s) out[#out + 1] = s end
  w('local flow = require "flow"')
  w('local m = flow.model { name = "bench", years = { 2021, 2050 } }')
  for k = 1, 10 do w(string.format('m:material("m%d", "domestic")', k)) end
  w('m:param("growth", flow.linear { [2021] = 1, [2050] = 1.5 })')
  local layers, per = 10, n // 10
  local function name(l, i) return string.format("p%d_%d", l, i) end
  for l = 1, layers do
    for i = 1, per do
      local kind = l == 1 and "source" or (l == layers and "sink" or "split")
      if kind == "source" then
        w(string.format('m:process("%s", "source", { generation = { m1 = { param = "growth", coef = %d }, m2 = 50 } })',
          name(l, i), 100 + i))
      else
        w(string.format('m:process("%s", "%s")', name(l, i), kind))
      end
    end
  end
  for l = 1, layers - 1 do
    for i = 1, per do
      local a = name(l, i)
      for j = 1, 4 do
        w(string.format('m:flow("%s", "%s", { share = 0.1 })', a, name(l + 1, (i + j * 7) % per + 1)))
      end
      w(string.format('m:flow("%s", "%s", "rest")', a, name(l + 1, i)))
    end
  end
  w('return m')
  local f = assert(io.open(path, "w"))
  f:write(table.concat(out, "\n"), "\n")
  f:close()
end

local path = os.tmpname()
write_model(path, 1000)
local last
local t_load = best(7, function() last = flow.load(path) end)
local t_compile = best(7, function() flow.load(path):compile() end)
local c = last:compile()
local n = c:counts()
os.remove(path)

-- 2. the hook
local m = flow.model { name = "hook", years = { 1001, 2000 } }
m:material("msw", "domestic")
m:param("share", 0.3)
m:process("city", "source", { generation = { msw = 100 } })
m:process("sort", "split")
m:process("a", "sink")
m:process("b", "sink")
m:flow("city", "sort", "rest")
m:flow("sort", "a", { share = "share" })
m:flow("sort", "b", "rest")
local compiled = m:compile()
local years = 1000
local t_plain = best(9, function() flow.run(compiled) end)
local t_hook = best(9, function()
  flow.run(compiled, { on_year = function(h, y) h:set("share", 0.3 + (y % 2) * 0.1, y) end })
end)
local per_call = (t_hook - t_plain) / years

print(string.format("lua: load %d processes, %d flows (%d flow items): load %.1f ms, load + compile %.1f ms (goal < 50 ms) %s",
  n.processes, n.flows, n.flow_items, t_load * 1e3, t_compile * 1e3, t_compile < 0.05 and "OK" or "MISSED"))
print(string.format("lua: on_year hook setting one lever: %.2f us per call (run of %d years: %.2f ms plain, %.2f ms with the hook) (goal < 2 us) %s",
  per_call * 1e6, years, t_plain * 1e3, t_hook * 1e3, per_call < 2e-6 and "OK" or "MISSED"))
print(string.format("BENCH lua_load_compile_s=%.6f lua_load_s=%.6f processes=%d hook_us_per_call=%.3f",
  t_compile, t_load, n.processes, per_call * 1e6))
