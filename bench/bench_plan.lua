-- bench_plan.lua — where the time of one scenario run goes, phase by
-- phase (make bench; flowsim exec bench/bench_plan.lua SCENARIO.lua [N] [OUT.h5]).
--
-- The first run in the process is what `flowsim run SCENARIO.lua -o
-- OUT.h5` does after its start-up (cold: plugins loaded, pages touched
-- for the first time); N - 1 more runs (default 10) show the same work
-- warm. Phases: load (the scenario file), apply (the model and its data
-- files), compile, run (the simulation made and stepped), report (the
-- target table), create (the results file), write (the scenario into it),
-- commit (closed, synced, renamed into place). CPU milliseconds
-- (os.clock); bench/bench_cmd times whole commands in wall time.
local flow = require "flow"

local script = assert(arg and arg[1], "usage: bench_plan.lua SCENARIO.lua [N] [OUT.h5]")
local n = tonumber(arg[2]) or 10
local out = arg[3] or os.tmpname() .. ".h5"
local phases = { "load", "apply", "compile", "run", "report", "create", "write", "commit" }
local times = {}
for _, p in ipairs(phases) do times[p] = {} end

local function once()
  local t = os.clock()
  local function lap(p)
    local u = os.clock()
    table.insert(times[p], (u - t) * 1e3)
    t = u
  end
  local sc = flow.load_scenarios(script)[1]; lap("load")
  local m = sc:apply(); lap("apply")
  local c = m:compile(); lap("compile")
  local r = flow.run(c, { name = sc.name, on_year = sc.on_year }); lap("run")
  r:report(); lap("report")
  local w = flow.results_create(out); lap("create")
  r:save(w); lap("write")
  w:commit(); lap("commit")
end

for _ = 1, n do
  once()
  collectgarbage()
end
os.remove(out)

print(string.format("%s, CPU ms per phase: the first run in the process, then min / median of %d more",
                    script, n - 1))
local total = { 0, 0, 0 }
for _, p in ipairs(phases) do
  local v = times[p]
  local first = table.remove(v, 1)
  table.sort(v)
  local min, med = v[1] or first, v[(#v + 1) // 2] or first
  total[1], total[2], total[3] = total[1] + first, total[2] + min, total[3] + med
  print(string.format("  %-8s %7.2f   %7.2f / %7.2f", p, first, min, med))
end
print(string.format("  %-8s %7.2f   %7.2f / %7.2f", "total", total[1], total[2], total[3]))
