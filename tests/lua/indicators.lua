-- tests/lua/indicators.lua — indicator expressions (flow.sum selectors,
-- flow.stock, flow.change, flow.at, flow.min/max/ratio, arithmetic,
-- flow.param, flow.ref) and targets with their verdicts and margins, all
-- against values worked out by hand.
local flow = require "flow"
local T = dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/check.lua")

-- house generates msw 100, 110, 120 (linear); factory ash 10 a year.
-- sort sends 0.4 of msw to market, the rest to landfill; ash to landfill.
-- flows:            2020  2021  2022
--   house->sort      100   110   120
--   sort->market      40    44    48
--   sort->landfill    60    66    72
--   factory->landfill 10    10    10   (ash)
-- landfill stock: msw 60, 126, 198; ash 10, 20, 30
local m = flow.model { name = "ind", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:material("ash", "industrial")
m:param("gen", flow.linear { [2020] = 100, [2022] = 120 })
m:process("house", "source", { generation = { msw = "gen" } })
m:process("factory", "source", { generation = { ash = 10 } })
m:process("sort", "split")
m:process("market", "sink")
m:process("landfill", "stock")
m:flow("house", "sort", "rest")
m:flow("sort", "market", { share = 0.4, material = "msw" })
m:flow("sort", "landfill", "rest")
m:flow("factory", "landfill", "rest")

local function ind(name, expr) m:indicator(name, expr, { unit = "t/a", source = "hand" }) end
ind("to_landfill", flow.sum { to = "landfill" })                          -- 70, 76, 82
ind("landfill_msw", flow.sum { to = "landfill", material = "msw" })       -- 60, 66, 72
ind("from_sources", flow.sum { from_kind = "source" })                    -- 110, 120, 130
ind("to_sinks", flow.sum { to_kind = "sink" })                            -- 40, 44, 48
ind("to_stocks", flow.sum { to_kind = { "stock", "sink" } })              -- 110, 120, 130
ind("from_split", flow.sum { from_kind = "split", to = "landfill" })     -- 60, 66, 72
ind("domestic", flow.sum { category = "domestic" })                       -- 200, 220, 240
ind("industrial", flow.sum { category = { "industrial" } })               -- 10, 10, 10
ind("from_list", flow.sum { from = { "house", "factory" } })              -- 110, 120, 130
ind("everything", flow.sum {})                                            -- 210, 230, 250
ind("stock_all", flow.stock {})                                           -- 70, 146, 228
ind("stock_ash", flow.stock { process = "landfill", material = "ash" })   -- 10, 20, 30
ind("stock_dom", flow.stock { category = "domestic" })                    -- 60, 126, 198
ind("rate", flow.sum { to = "market" } / flow.sum { from = "house" } * 100)   -- 40, 40, 40
ind("change", flow.change(flow.sum { to = "landfill" }, 2020))            -- 0, 6/70, 12/70
ind("at2020", flow.at(flow.sum { to = "market" }, 2020))                  -- 40, 40, 40
ind("arith", (flow.sum { to = "market" } + 10) * 2 - 5)                   -- 95, 103, 111
ind("arith_left", 1000 - 2 * flow.sum { to = "market" })                  -- 920, 912, 904
ind("neg", -flow.sum { to = "market" })                                   -- -40, -44, -48
ind("minmax", flow.min(flow.sum { to = "market" }, 42) + flow.max(flow.sum { to = "market" }, 42))
                                                                          -- 82, 86, 90
ind("ratio", flow.ratio(flow.sum { to = "market" }, flow.sum { to = "landfill" }))  -- 40/70, 44/76, 48/82
ind("param", flow.param "gen")                                            -- 100, 110, 120
ind("ref", flow.ref "to_landfill" / 2)                                    -- 35, 38, 41
ind("const", 7)                                                           -- 7
ind("nan", flow.sum { to = "market", material = "ash" } / flow.sum { from = "factory", material = "msw" })
                                                                          -- 0 / 0: NaN

-- targets (base = the indicator in the first year)
m:target("rate", 2022, ">=", 35, { source = "plan row 1" })   -- 40 >= 35: met, margin 5
m:target("rate", 2022, ">", 45)                               -- 40 > 45: missed, margin -5
m:target("to_landfill", 2022, "<=", 80)                       -- 82 <= 80: missed, margin -2
m:target("to_landfill", 2021, "<", 80)                        -- 76 < 80: met, margin 4
m:target("from_sources", 2022, "rises")                       -- rises 10 a year: met; smallest rise 10
m:target("at2020", 2022, "rises")                             -- flat: missed; smallest rise 0
m:target("nan", 2022, ">=", 0)                                -- NaN: not judged

local r = flow.run(m)
local want = {
  to_landfill = { 70, 76, 82 }, landfill_msw = { 60, 66, 72 }, from_sources = { 110, 120, 130 },
  to_sinks = { 40, 44, 48 }, to_stocks = { 110, 120, 130 }, from_split = { 60, 66, 72 },
  domestic = { 200, 220, 240 }, industrial = { 10, 10, 10 }, from_list = { 110, 120, 130 },
  everything = { 210, 230, 250 }, stock_all = { 70, 146, 228 }, stock_ash = { 10, 20, 30 },
  stock_dom = { 60, 126, 198 }, rate = { 40, 40, 40 }, change = { 0, 6 / 70, 12 / 70 },
  at2020 = { 40, 40, 40 }, arith = { 95, 103, 111 }, arith_left = { 920, 912, 904 },
  neg = { -40, -44, -48 }, minmax = { 82, 86, 90 }, ratio = { 40 / 70, 44 / 76, 48 / 82 },
  param = { 100, 110, 120 }, ref = { 35, 38, 41 }, const = { 7, 7, 7 }, nan = { 0 / 0, 0 / 0, 0 / 0 },
}
for name, v in pairs(want) do
  for i, y in ipairs { 2020, 2021, 2022 } do
    T.near(r:indicator(name, y), v[i], string.format("indicator %s %d", name, y))
  end
end
local s = r:series("indicator", "stock_all")
T.near(s[2021], 146, "indicator series")
T.near(r:row("indicator", 2022).ref, 41, "indicator row")

local tg = r:targets()
T.eq(#tg, 7, "number of targets")
local function verdict(i, indicator, year, cmp, achieved, met, margin, base)
  local t = tg[i]
  local what = string.format("target %d (%s %s)", i, indicator, cmp)
  T.eq(t.indicator, indicator, what .. ": indicator")
  T.eq(t.year, year, what .. ": year")
  T.eq(t.cmp, cmp, what .. ": cmp")
  T.near(t.achieved, achieved, what .. ": achieved")
  T.eq(t.met, met, what .. ": met")
  if margin == nil then T.eq(t.margin, nil, what .. ": margin") else T.near(t.margin, margin, what .. ": margin") end
  T.near(t.base, base, what .. ": base")
end
verdict(1, "rate", 2022, ">=", 40, true, 5, 40)
verdict(2, "rate", 2022, ">", 40, false, -5, 40)
verdict(3, "to_landfill", 2022, "<=", 82, false, -2, 70)
verdict(4, "to_landfill", 2021, "<", 76, true, 4, 70)
verdict(5, "from_sources", 2022, "rises", 10, true, 10, 110)
verdict(6, "at2020", 2022, "rises", 0, false, 0, 40)
verdict(7, "nan", 2022, ">=", 0 / 0, nil, nil, 0 / 0)
T.eq(tg[1].source, "plan row 1", "target source")
T.eq(tg[1].value, 35, "target value")

-- the target table: met 1, 4, 5; missed 2, 3, 6; 7 not judged; the second
-- result is the number missed
local text, missed = r:report()
T.eq(missed, 3, "report: missed targets")
T.truthy(text:find("3 met, 3 missed, 1 not judged", 1, true), "report: summary line")

-- errors in expressions name the line of the indicator
do
  local e = flow.model { name = "e", years = { 2020, 2020 } }
  e:material("msw", "domestic")
  e:process("h", "source", { generation = { msw = 1 } })
  e:process("sink", "sink")
  e:flow("h", "sink", "rest")
  local line = debug.getinfo(1, "l").currentline; e:indicator("bad", flow.sum { to = "sinc" })
  T.raises(function() return flow.run(e) end, "selector naming an unknown process",
           "indicators.lua:" .. line .. ": no process 'sinc' (did you mean 'sink'?)")
end
T.raises(function()
  local e = flow.model { name = "e", years = { 2020, 2020 } }
  e:material("msw", "domestic")
  e:process("h", "source", { generation = { msw = 1 } })
  e:process("s", "sink")
  e:flow("h", "s", "rest")
  e:indicator("bad", flow.sum { too = "s" })
  return flow.run(e)
end, "selector with an unknown field", "selector: unknown field 'too'")
T.raises(function()
  local e = flow.model { name = "e", years = { 2020, 2020 } }
  e:material("msw", "domestic")
  e:process("h", "source", { generation = { msw = 1 } })
  e:process("s", "sink")
  e:flow("h", "s", "rest")
  e:indicator("bad", flow.ref "later")
  e:indicator("later", 1)
  return flow.run(e)
end, "flow.ref of an indicator defined later", "later")

T.done("indicators")
