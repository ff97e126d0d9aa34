-- tests/lua/typed.lua — processes of plugin types in Lua models: the test
-- type "good" (tests/plugins/good.c, found through FLOW_PLUGIN_PATH, which
-- make check sets): each material goes to port "out" at the share
-- "efficiency" (default 0.75) and to port "loss" at the rest; its metric
-- "throughput" is the tonnes it received.
local flow = require "flow"
local T = dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/check.lua")

local function city(params)
  local m = flow.model { name = "typed", years = { 2021, 2023 } }
  m:material("msw", "domestic")
  m:material("paper", "domestic")
  m:param("eff", flow.step { [2021] = 0.6, [2023] = 0.9 })
  m:process("src", "source", { generation = { msw = 100, paper = 20 } })
  m:process("plant", "good", { params = params, ports = { out = "market", loss = "landfill" } })
  m:process("market", "sink")
  m:process("landfill", "sink")
  m:flow("src", "plant", "rest")
  return m
end

-- A. a constant parameter: out = 0.6 x input, loss = 0.4 x input
do
  local r = flow.run(city { efficiency = 0.6 })
  T.near(r:flow("plant[out]->market:msw", 2022), 60, "out = 0.6 x 100")
  T.near(r:flow("plant[loss]->landfill:paper", 2022), 8, "loss = 0.4 x 20")
  T.near(r:metric("plant:throughput", 2022), 120, "throughput = 100 + 20")
end

-- B. the default (0.75), and a parameter series by name (0.6, 0.6, 0.9)
do
  local r = flow.run(city(nil))
  T.near(r:flow("plant[out]->market:msw", 2021), 75, "default efficiency 0.75")
  r = flow.run(city { efficiency = "eff" })
  T.near(r:flow("plant[out]->market:msw", 2022), 60, "series: 0.6 in 2022")
  T.near(r:flow("plant[out]->market:msw", 2023), 90, "series: 0.9 in 2023")
end

-- C. errors name the site and what is wrong
T.raises(function() return flow.run(city { efficiency = 1.5 }) end, "parameter out of bounds",
  "typed.lua:", "'efficiency'", "1.5", "[0, 1]")
T.raises(function() return flow.run(city { efficency = 0.5 }) end, "unknown parameter",
  "typed.lua:", "efficency", "efficiency")
do
  local m = city(nil)
  m:process("other", "goood")
  T.raises(function() return flow.run(m) end, "unknown type", "typed.lua:", "'goood'", "good")
end
do
  local m = flow.model { name = "typed", years = { 2021, 2021 } }
  m:material("msw", "domestic")
  m:process("src", "source", { generation = { msw = 1 } })
  m:process("plant", "good", { ports = { out = "sink" } })
  m:process("sink", "sink")
  m:flow("src", "plant", "rest")
  T.raises(function() return flow.run(m) end, "port not connected", "typed.lua:", "port 'loss' goes nowhere")
  m = flow.model { name = "typed", years = { 2021, 2021 } }
  m:material("msw", "domestic")
  m:process("plant", "good", { ports = { out = "sink", lost = "sink" } })
  m:process("sink", "sink")
  T.raises(function() return flow.run(m) end, "unknown port", "typed.lua:", "no port 'lost'", "did you mean 'loss'")
end

T.done("typed")
