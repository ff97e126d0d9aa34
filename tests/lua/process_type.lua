-- tests/lua/process_type.lua — process types written in Lua
-- (flow.process_type): they register like C modules and behave the same
-- to the core. Expected values are hand calculations in the comments.
local flow = require "flow"
local T = dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/check.lua")

local calls = 0
flow.process_type {
  name = "lua_sorter", description = "recovers a share of every material",
  params = { { "recovery", unit = "1", default = 0.5, lo = 0, hi = 1, doc = "share recovered" } },
  ports = { "recovered", "residue" },
  metrics = { "throughput_t" },
  transfer = function(c)
    calls = calls + 1
    local r = c:param("recovery")
    c:pass("recovered", r)
    c:pass("residue", 1 - r)
  end,
  step = function(c, input)
    local sum = 0
    for _, v in pairs(input) do sum = sum + v end
    return { throughput_t = sum }
  end,
}

local function model(opts)
  opts = opts or {}
  local m = flow.model { name = "lt", years = { 2021, 2023 } }
  m:material("msw", "domestic")
  m:material("paper", "domestic")
  m:process("src", "source", { generation = opts.gen or { msw = 100, paper = 50 } })
  m:process("sorter", opts.type or "lua_sorter", { params = opts.params,
    ports = opts.ports or { recovered = "market", residue = "landfill" },
    capacity = opts.capacity, overflow = opts.capacity and "bypass" or nil })
  m:process("market", "sink")
  m:process("landfill", "sink")
  m:process("bypass", "sink")
  m:flow("src", "sorter", "rest")
  return m
end

-- A. recovery 0.3: recovered 30 msw and 15 paper, residue 70 and 35;
-- throughput 150; constant parameters: transfer() asked once in 3 years
do
  calls = 0
  local r = flow.run(model { params = { recovery = 0.3 } })
  T.near(r:flow("sorter[recovered]->market:msw", 2022), 30, "0.3 x 100")
  T.near(r:flow("sorter[recovered]->market:paper", 2022), 15, "0.3 x 50")
  T.near(r:flow("sorter[residue]->landfill:msw", 2023), 70, "0.7 x 100")
  T.near(r:metric("sorter:throughput_t", 2021), 150, "throughput")
  T.eq(calls, 1, "transfer() asked once while the parameters do not change")
end

-- B. a stateful type that reads its stock: a yard keeping what it gets and
-- releasing a quarter of last year's stock. Input 40 a year:
--   2021: release 0, stock 40; 2022: release 10, stock 70;
--   2023: release 17.5, stock 92.5. Asked every year (it reads the stock).
flow.process_type {
  name = "lua_yard", ports = { "out" }, state = true,
  init = function(c, state) state.years = 0 end,
  transfer = function(c, state)
    calls = calls + 1
    state.years = state.years + 1
    for _, m in ipairs(c:materials()) do c:release("out", m, 0.25 * c:stock(m)) end
  end,
}
do
  calls = 0
  local m = flow.model { name = "yard", years = { 2021, 2023 } }
  m:material("msw", "domestic")
  m:process("src", "source", { generation = { msw = 40 } })
  m:process("yard", "lua_yard", { ports = { out = "sink" } })
  m:process("sink", "sink")
  m:flow("src", "yard", "rest")
  local r = flow.run(m)
  T.near_list({ r:flow("yard[out]->sink:msw", 2021), r:flow("yard[out]->sink:msw", 2022), r:flow("yard[out]->sink:msw", 2023) },
              { 0, 10, 17.5 }, "releases")
  T.near(r:stock("yard:msw", 2023), 92.5, "stock 2023")
  T.eq(calls, 3, "a type with state is asked every year")
end

-- C. conformance over random draws (fixed seed): mass conserved through
-- the core (what leaves the sorter, overflow included, is what arrived),
-- capacity respected (throughput <= capacity), zero input gives zero
-- output
math.randomseed(20211)
for i = 1, 40 do
  local rec, a, b = math.random(), 200 * math.random(), 200 * math.random()
  local cap = 50 + 300 * math.random()
  local r = flow.run(model { params = { recovery = rec }, gen = { msw = a, paper = b }, capacity = cap })
  local out = 0
  for _, to in ipairs { "[recovered]->market", "[residue]->landfill", "[overflow]->bypass" } do
    for _, mat in ipairs { "msw", "paper" } do out = out + r:flow("sorter" .. to .. ":" .. mat, 2022) end
  end
  T.near(out, a + b, "draw " .. i .. ": mass conserved", 1e-9)
  T.truthy(r:metric("sorter:throughput_t", 2022) <= cap * (1 + 1e-12), "draw " .. i .. ": capacity respected")
  T.near(r:metric("sorter:throughput_t", 2022), math.min(a + b, cap), "draw " .. i .. ": throughput", 1e-9)
end
do
  local r = flow.run(model { params = { recovery = 0.4 }, gen = { msw = 0, paper = 0 } })
  T.near(r:flow("sorter[recovered]->market:msw", 2022) + r:flow("sorter[residue]->landfill:paper", 2022), 0, "zero in, zero out")
  T.near(r:metric("sorter:throughput_t", 2022), 0, "zero in, zero metric")
end

-- E. c:set: single coefficients that change the material (written by rows:
-- a type in Lua declares transfer_by_rows, and the core reads only the
-- rows c:set asked for). 0.25 of each tonne of msw and paper leaves as
-- ash, the rest is kept: ash 0.25 x (100 + 40) = 35 a year, no msw out;
-- stocks after two years 2 x 75 = 150 of msw and 2 x 30 = 60 of paper.
flow.process_type {
  name = "lua_asher", ports = { "ash" },
  transfer = function(c)
    c:set("ash", "ash", "msw", 0.25)
    c:set("ash", "ash", "paper", 0.25)
  end,
}
do
  local m = flow.model { name = "asher", years = { 2021, 2022 } }
  m:material("msw", "domestic")
  m:material("paper", "domestic")
  m:material("ash", "industrial")
  m:process("src", "source", { generation = { msw = 100, paper = 40 } })
  m:process("asher", "lua_asher", { ports = { ash = "sink" } })
  m:process("sink", "sink")
  m:flow("src", "asher", "rest")
  local r = flow.run(m)
  T.near(r:flow("asher[ash]->sink:ash", 2022), 35, "ash from c:set")
  T.near(r:flow("asher[ash]->sink:msw", 2022), 0, "no msw as itself")
  T.near(r:stock("asher:msw", 2022), 150, "msw kept")
  T.near(r:stock("asher:paper", 2022), 60, "paper kept")
end

-- D. errors: a parameter out of its bounds by name; a Lua error in the
-- transfer with its message; a bad declaration
T.raises(function() return flow.run(model { params = { recovery = 1.5 } }) end, "out of bounds",
         "'recovery'", "1.5", "[0, 1]")
flow.process_type { name = "lua_broken", ports = { "out" },
                    transfer = function(c) c:pass("nowhere", 1) end }
T.raises(function() return flow.run(model { type = "lua_broken", ports = { out = "market" } }) end,
         "Lua error in transfer", "process 'sorter' (type 'lua_broken'), year 2021",
         "the Lua transfer() of type 'lua_broken'", "no port 'nowhere'")
T.raises(function() return flow.process_type { name = "lua_sorter", ports = { "x" }, transfer = print } end,
         "registered twice", "lua_sorter", "already registered")
T.raises(function() return flow.process_type { name = "nothing", ports = { "x" } } end,
         "no transfer", "transfer = function")
T.raises(function()
  return flow.process_type { name = "badp", ports = { "x" }, transfer = print,
                             params = { { "k", default = 2, lo = 0, hi = 1 } } }
end, "default out of bounds", "parameter 'k'", "default 2")

T.done("process_type")
