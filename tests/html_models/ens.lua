-- tests/html_models/ens.lua — an ensemble whose bands and P(met) are
-- known in closed form, for tests/html.sh: gen is uniform on [80, 120]
-- t/a, the landfilled share rises 0.6, 0.7, 0.8 over 2020-2022, so
-- landfilled is uniform on [48, 72], [56, 84], [64, 96] t/a and burned
-- (the rest) on [32, 48], [24, 36], [16, 24]; the targets landfilled <= 54
-- in 2020 and <= 88 in 2022 are met with probability (54 - 48)/24 = 0.25
-- and (88 - 64)/32 = 0.75. burned is declared first, so that the
-- indicators' order in the file differs from the page's (landfill first).
local flow = require "flow"

local m = flow.model { name = "ens", years = { 2020, 2022 } }
m:material("w", "domestic")
m:param("gen", 100, { unit = "t/a" })
m:param("share", flow.linear { [2020] = 0.6, [2022] = 0.8 }, { bounds = { 0, 1 } })
m:process("src", "source", { generation = { w = "gen" } })
m:process("fill", "sink")
m:process("burn", "sink")
m:flow("src", "fill", { share = "share", material = "w" })
m:flow("src", "burn", "rest", { material = "w" })
m:indicator("burned", flow.sum { to = "burn" }, { unit = "t/a" })
m:indicator("landfilled", flow.sum { to = "fill" }, { unit = "t/a" })
m:target("landfilled", 2020, "<=", 54)
m:target("landfilled", 2022, "<=", 88)
return flow.scenario { name = "ens_mc", model = m,
                       uncertainty = { gen = { "uniform", min = 80, max = 120 } } }
