-- models/demo.lua — a small teaching model, bundled as flowsim's default
-- until the Hengshui model lands: a city's household waste through sorting
-- and recycling (residues go back to sorting: a loop), an incinerator with
-- a capacity that overflows to a landfill.
--
-- Every number is ESTIMATE: illustrative, chosen to show the mechanisms
-- (a loop, a binding capacity, a landfill target); it describes no city.
local flow = require "flow"

local m = flow.model {
  name = "demo",
  years = { 2020, 2025 },
}

m:material("msw", "domestic")                  -- mixed household waste
m:material("recyclate", "product")             -- never generated: shows a material a source does not declare

-- ESTIMATE: 100 kt in 2020, +3 %/a (1.03^5 = 1.159274 in 2025)
m:param("msw_generation", flow.linear { [2020] = 100000, [2025] = 115927.4 }, { unit = "t/a" })
-- ESTIMATE: the share of collected waste sent to recycling rises from 20 % to 40 % (a lever)
m:param("sorting_to_recycling", flow.linear { [2020] = 0.20, [2025] = 0.40 }, { unit = "1" })
-- ESTIMATE: a 75 kt/a incinerator, a second line of 25 kt/a from 2023
m:param("incinerator_capacity", flow.step { [2020] = 75000, [2023] = 100000 }, { unit = "t/a" })

m:process("households", "source", { generation = { msw = "msw_generation" } })
m:process("sorting", "split")
m:process("recycling", "split")
m:process("market", "sink")
m:process("incinerator", "sink", { capacity = "incinerator_capacity", overflow = "landfill" })
m:process("landfill", "stock")

m:flow("households", "sorting", "rest")
m:flow("sorting", "recycling", { share = "sorting_to_recycling", material = "msw" })
m:flow("sorting", "incinerator", "rest")
m:flow("recycling", "market", { share = 0.7, material = "msw" })   -- ESTIMATE: 70 % recovered
m:flow("recycling", "sorting", "rest")                             -- residues resorted: the loop

m:indicator("landfilled", flow.sum { to = "landfill" }, { unit = "t/a" })
m:indicator("recycling_rate", flow.sum { to = "market" } / flow.sum { from = "households" } * 100,
            { unit = "%" })
m:indicator("landfill_change", flow.change(flow.sum { to = "landfill" } + 1, 2020) * 100, { unit = "%" })

-- ESTIMATE targets, for the demonstration
m:target("recycling_rate", 2025, ">=", 25, { source = "demo target" })
m:target("landfilled", 2025, "<=", 1000, { source = "demo target" })
m:target("recycling_rate", 2025, "rises", { source = "demo target" })

return m
