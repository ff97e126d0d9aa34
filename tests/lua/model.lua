-- tests/lua/model.lua — building a model from Lua and reading its results:
-- materials, parameters in every form (number, flow.linear, flow.step, a
-- plain year table, {param =, coef =}), every process kind and stock mode,
-- share / fixed / rest flows per material and for all materials, a
-- capacity with an overflow, a capacity with a backlog. Every expected
-- value is worked out by hand in the comments.
local flow = require "flow"
local T = dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/check.lua")

-- ---------------------------------------------------------------------
-- A. a city: source -> sorting -> recycling / incinerator (capacity,
-- overflow to a landfill with an initial stock) / a storage yard.
local m = flow.model { name = "city", years = { 2020, 2022 } }
m:material("msw", "domestic")
m:material("glass", "industrial")
m:param("gen_msw", flow.linear { [2020] = 100, [2022] = 120 })   -- 100, 110, 120
m:param("gen_glass", 50)                                         -- 50 every year
m:param("share_rec", flow.step { [2020] = 0.2, [2021] = 0.5 })   -- 0.2, 0.5, 0.5
m:param("cap", { [2020] = 80, [2022] = 100 })                    -- a year table is linear: 80, 90, 100
m:process("house", "source", { generation = { msw = "gen_msw", glass = "gen_glass" } })
m:process("sort", "split")
m:process("rec", "split")
m:process("market", "sink")
m:process("inc", "sink", { capacity = "cap", overflow = "landfill" })
m:process("landfill", "stock", { initial = { msw = 1000 } })     -- accumulate (the default)
m:process("yard", "stock", { mode = "storage" })
m:flow("house", "sort", "rest")                                  -- all materials
m:flow("sort", "rec", { share = "share_rec", material = "msw" })
m:flow("sort", "yard", { fixed = 10, material = "glass" })
m:flow("sort", "inc", "rest")                                    -- all materials
m:flow("rec", "market", { share = 0.6, material = "msw" })
m:flow("rec", "landfill", "rest")
m:flow("yard", "market", { fixed = 4, material = "glass" })      -- the yard keeps the rest

local r = flow.run(m)
T.eq(select(1, r:years()), 2020, "first year")
T.eq(select(2, r:years()), 2022, "last year")

-- parameters
T.near(r:param("gen_msw", 2021), 110, "linear parameter midway")
T.near(r:param("share_rec", 2020), 0.2, "step parameter, first step")
T.near(r:param("share_rec", 2022), 0.5, "step parameter, held after its last point")
T.near(r:param("cap", 2021), 90, "year-table parameter (linear)")
T.near(r:param("gen_glass", 2022), 50, "constant parameter")

-- 2020: msw 100 -> rec 0.2*100 = 20, inc 80; glass 50 -> yard 10, inc 40.
-- inc receives 120 > cap 80: accepts rho = 80/120 = 2/3; the overflow takes
-- 1/3: msw 80/3, glass 40/3. rec: market 0.6*20 = 12, landfill 8.
T.near(r:flow("house->sort:msw", 2020), 100, "house->sort msw 2020")
T.near(r:flow("house->sort:glass", 2020), 50, "house->sort glass 2020 (rest of all materials)")
T.near(r:flow("sort->rec:msw", 2020), 20, "share 2020")
T.near(r:flow("sort->inc:msw", 2020), 80, "rest msw 2020")
T.near(r:flow("sort->yard:glass", 2020), 10, "fixed glass 2020")
T.near(r:flow("sort->inc:glass", 2020), 40, "rest glass 2020")
T.near(r:flow("inc[overflow]->landfill:msw", 2020), 80 / 3, "overflow msw 2020")
T.near(r:flow("inc[overflow]->landfill:glass", 2020), 40 / 3, "overflow glass 2020")
T.near(r:flow("rec->market:msw", 2020), 12, "rec->market 2020")
T.near(r:flow("rec->landfill:msw", 2020), 8, "rec->landfill 2020")
-- landfill msw: 1000 + 8 + 80/3; glass 40/3
T.near(r:stock("landfill:msw", 2020), 1000 + 8 + 80 / 3, "landfill msw 2020 (initial stock)")
T.near(r:stock("landfill:glass", 2020), 40 / 3, "landfill glass 2020")
-- yard (storage): 0 + 10 in, 4 out -> 6
T.near(r:stock("yard:glass", 2020), 6, "yard 2020")
T.near(r:flow("yard->market:glass", 2020), 4, "yard->market 2020")

-- 2021: msw 110 -> rec 55, inc 55; glass -> yard 10, inc 40; inc gets 95 > 90:
-- rho = 90/95; overflow msw 55*5/95, glass 40*5/95. rec: market 33, landfill 22.
T.near(r:flow("sort->rec:msw", 2021), 55, "share 2021 (step)")
T.near(r:flow("inc[overflow]->landfill:msw", 2021), 55 * 5 / 95, "overflow msw 2021")
T.near(r:flow("inc[overflow]->landfill:glass", 2021), 40 * 5 / 95, "overflow glass 2021")
T.near(r:stock("landfill:msw", 2021), 1000 + 8 + 80 / 3 + 22 + 55 * 5 / 95, "landfill msw 2021")
T.near(r:stock("landfill:glass", 2021), 40 / 3 + 40 * 5 / 95, "landfill glass 2021")
T.near(r:stock("yard:glass", 2021), 6 + 10 - 4, "yard 2021: last year's stock + input - out")

-- 2022: msw 120 -> rec 60, inc 60; inc gets 100 = cap: nothing overflows.
T.near(r:flow("inc[overflow]->landfill:msw", 2022), 0, "no overflow 2022")
T.near(r:flow("rec->market:msw", 2022), 36, "rec->market 2022")
T.near(r:stock("landfill:msw", 2022), 1000 + 8 + 80 / 3 + 22 + 55 * 5 / 95 + 24, "landfill msw 2022")
T.near(r:stock("yard:glass", 2022), 18, "yard 2022")

-- series and rows
local s = r:series("flow", "sort->rec:msw")
T.near(s[2020], 20, "series 2020")
T.near(s[2021], 55, "series 2021")
T.near(s[2022], 60, "series 2022")
T.eq(s[2019], nil, "series has no year before the first")
local row = r:row("flow", 2022)
T.near(row["rec->landfill:msw"], 24, "row: rec->landfill 2022")
T.near(row["house->sort:glass"], 50, "row: house->sort glass 2022")
local srow = r:row("stock", 2020)
T.near(srow["yard:glass"], 6, "stock row: yard 2020")
T.near(srow["yard:msw"], 0, "stock row: yard msw (never received)")
-- every process of kind stock has one item per material
local names = {}
for _, n in ipairs(r:names("stock")) do names[n] = true end
T.truthy(names["landfill:msw"] and names["landfill:glass"] and names["yard:msw"] and names["yard:glass"],
         "stock names")
T.raises(function() return r:flow("sort->rek:msw", 2020) end, "unknown flow name", "no flow 'sort->rek:msw'",
         "did you mean 'sort->rec:msw'")
T.raises(function() return r:flow("sort->rec:msw", 2023) end, "a year not simulated", "2023")

-- ---------------------------------------------------------------------
-- B. a capacity without an overflow: a backlog, fed back first next year.
-- gen = {param = "gen", coef = 0.5} with gen = 200: 100 t/a.
-- 2020: 100 available, cap 70: 70 pass, backlog 30
-- 2021: 100 + 30 = 130 available: 70 pass, backlog 60
-- 2022: 100 + 60 = 160: 70 pass, backlog 90
local b = flow.model { name = "backlog", years = { 2020, 2022 } }
b:material("msw", "domestic")
b:param("gen", 200)
b:process("src", "source", { generation = { msw = { param = "gen", coef = 0.5 } } })
b:process("plant", "split", { capacity = 70 })
b:process("out", "sink")
b:flow("src", "plant", "rest")
b:flow("plant", "out", "rest")
local rb = flow.run(b)
for i, y in ipairs { 2020, 2021, 2022 } do
  T.near(rb:flow("plant->out:msw", y), 70, "backlog: plant passes its capacity " .. y)
  T.near(rb:stock("plant/backlog:msw", y), 30 * i, "backlog " .. y)
  T.near(rb:flow("src->plant:msw", y), 100, "generation with coef " .. y)
end

-- ---------------------------------------------------------------------
-- C. in-use stocks inside a model.
-- inflow-driven, fixed lifetime 2, inflow 10 a year: a cohort leaves in
-- its year + 2. stock 10, 20, 20, 20; end-of-life outflow 0, 0, 10, 10.
-- stock-driven, fixed lifetime 2, stock path 10: inflow 10, 0, 10, 0;
-- outflow 0, 0, 10, 0 (the 2020 cohort leaves in 2022, replaced at once).
local u = flow.model { name = "inuse", years = { 2020, 2023 } }
u:material("steel", "construction")
u:process("supply", "source", { generation = { steel = 10 } })
u:process("cars", "stock", { mode = "inuse", lifetime = { "fixed", 2 } })
u:process("houses", "stock", { mode = "inuse_driven", lifetime = { "fixed", 2 },
                               path = { steel = 10 } })
u:process("scrap", "sink")
u:flow("supply", "cars", "rest")
u:flow("cars", "scrap", "rest")
u:flow("houses", "scrap", "rest")
local ru = flow.run(u)
local want_stock, want_out = { 10, 20, 20, 20 }, { 0, 0, 10, 10 }
local want_dout = { 0, 0, 10, 0 }
for i, y in ipairs { 2020, 2021, 2022, 2023 } do
  T.near(ru:stock("cars:steel", y), want_stock[i], "inflow-driven stock " .. y)
  T.near(ru:flow("cars->scrap:steel", y), want_out[i], "inflow-driven outflow " .. y)
  T.near(ru:stock("houses:steel", y), 10, "stock-driven stock " .. y)
  T.near(ru:flow("houses->scrap:steel", y), want_dout[i], "stock-driven outflow " .. y)
end

-- ---------------------------------------------------------------------
-- D. the table form of flow.model, and a compiled model run twice.
local tm = flow.model {
  name = "table", years = { 2020, 2021 },
  materials = { { "msw", "domestic" } },
  parameters = { g = flow.linear { [2020] = 10, [2021] = 20 }, k = { value = 0.25, unit = "1" } },
  processes = { { "h", "source", generation = { msw = "g" } }, { "a", "sink" }, { "b", "sink" } },
  flows = { { "h", "a", share = "k" }, { "h", "b", "rest" } },
}
local c = tm:compile()
local n = c:counts()
T.eq(n.materials, 1, "counts: materials")
T.eq(n.processes, 3, "counts: processes")
T.eq(n.parameters, 2, "counts: parameters")
for pass = 1, 2 do
  local rt = flow.run(c)
  T.near(rt:flow("h->a:msw", 2021), 5, "table form: 0.25 * 20, run " .. pass)   -- 0.25 * 20
  T.near(rt:flow("h->b:msw", 2020), 7.5, "table form: rest 10 - 2.5, run " .. pass)
end

-- E. m:flow(from, to, how, opts): the documented four-argument form, how a
-- table and opts the material (docs/lua-api.md, "Flows").
-- h generates 10 msw: a gets 0.3 * 10 = 3, b the rest 7.
T.ok(function()
  local f = flow.model { name = "four", years = { 2020, 2020 } }
  f:material("msw", "domestic")
  f:process("h", "source", { generation = { msw = 10 } })
  f:process("a", "sink")
  f:process("b", "sink")
  f:flow("h", "a", { share = 0.3 }, { material = "msw" })
  f:flow("h", "b", "rest", { material = "msw" })
  local rf = flow.run(f)
  T.near(rf:flow("h->a:msw", 2020), 3, "four-argument flow: share")
  T.near(rf:flow("h->b:msw", 2020), 7, "four-argument flow: rest")
end, "m:flow(from, to, {share = 0.3}, {material = 'msw'})")

T.done("model")
