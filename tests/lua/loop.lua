-- tests/lua/loop.lua — recycling loops solved by the engine against the
-- closed forms worked out by hand: a process fed b from outside that
-- gets back a fraction r of its own input carries x = b / (1 - r).
local flow = require "flow"
local T = dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/check.lua")

-- A. a two-process loop: a sends 10 % out and the rest to b; b sends all
-- back. r = 0.9, b = 100: x_a = 100 / (1 - 0.9) = 1000, a->b = 900,
-- b->a = 900, a->out = 100 (all that enters leaves).
do
  local m = flow.model { name = "loop", years = { 2020, 2020 } }
  m:material("msw", "domestic")
  m:process("src", "source", { generation = { msw = 100 } })
  m:process("a", "split")
  m:process("b", "split")
  m:process("out", "sink")
  m:flow("src", "a", "rest")
  m:flow("a", "out", { share = 0.1 })
  m:flow("a", "b", "rest")
  m:flow("b", "a", "rest")
  local r = flow.run(m)
  T.near(r:flow("a->b:msw", 2020), 900, "r = 0.9: a->b = r * b / (1 - r)")
  T.near(r:flow("b->a:msw", 2020), 900, "r = 0.9: b->a")
  T.near(r:flow("a->out:msw", 2020), 100, "r = 0.9: a->out = b")
end

-- B. the sorting / recycling loop of a city, the loop factor changing by
-- year: sort sends s to rec, the rest to inc; rec sends 0.6 to market and
-- its residues (0.4) back to sort: r = 0.4 * s.
-- s = 0.5, 0.75, 1 (linear 2020-2022): r = 0.2, 0.3, 0.4;
-- x_sort = 100 / (1 - r) = 125, 142.857142..., 166.666...
-- rec gets s * x_sort: 62.5, 107.142857..., 166.666...
-- market 0.6 of that: 37.5, 64.2857..., 100; inc (1 - s) x_sort: 62.5, 35.714..., 0
do
  local m = flow.model { name = "city loop", years = { 2020, 2022 } }
  m:material("msw", "domestic")
  m:param("s", flow.linear { [2020] = 0.5, [2022] = 1 })
  m:process("house", "source", { generation = { msw = 100 } })
  m:process("sort", "split")
  m:process("rec", "split")
  m:process("market", "sink")
  m:process("inc", "sink")
  m:flow("house", "sort", "rest")
  m:flow("sort", "rec", { share = "s", material = "msw" })
  m:flow("sort", "inc", "rest")
  m:flow("rec", "market", { share = 0.6, material = "msw" })
  m:flow("rec", "sort", "rest")
  local r = flow.run(m)
  local s = { 0.5, 0.75, 1 }
  for i, y in ipairs { 2020, 2021, 2022 } do
    local rr = 0.4 * s[i]
    local x = 100 / (1 - rr)
    T.near(r:flow("sort->rec:msw", y), s[i] * x, "sort->rec " .. y)
    T.near(r:flow("rec->sort:msw", y), 0.4 * s[i] * x, "rec->sort " .. y)
    T.near(r:flow("rec->market:msw", y), 0.6 * s[i] * x, "rec->market " .. y)
    T.near(r:flow("sort->inc:msw", y), (1 - s[i]) * x, "sort->inc " .. y)
    -- what enters leaves: market + inc = 100
    T.near(r:flow("rec->market:msw", y) + r:flow("sort->inc:msw", y), 100, "balance " .. y)
  end
  T.near(r:flow("sort->rec:msw", 2020), 62.5, "sort->rec 2020, by hand")
  T.near(r:flow("rec->market:msw", 2022), 100, "everything recycled in 2022")
end

-- C. a capacity inside the loop: a sends half out, half to b; b (capacity
-- 30, overflow to dump) sends what it accepts back to a. Without the
-- capacity x_a = 100 / 0.5 = 200 and b would get 100 > 30, so it binds:
-- b accepts 30, x_a = 100 + 30 = 130, b gets 65, 35 overflow to dump,
-- a->out = 65; out + dump = 100.
do
  local m = flow.model { name = "capped loop", years = { 2020, 2020 } }
  m:material("msw", "domestic")
  m:process("src", "source", { generation = { msw = 100 } })
  m:process("a", "split")
  m:process("b", "split", { capacity = 30, overflow = "dump" })
  m:process("out", "sink")
  m:process("dump", "stock")
  m:flow("src", "a", "rest")
  m:flow("a", "out", { share = 0.5 })
  m:flow("a", "b", "rest")
  m:flow("b", "a", "rest")
  local r = flow.run(m)
  T.near(r:flow("b->a:msw", 2020), 30, "capped loop: b returns its capacity", 1e-7)
  T.near(r:flow("a->b:msw", 2020), 65, "capped loop: a->b", 1e-7)
  T.near(r:flow("b[overflow]->dump:msw", 2020), 35, "capped loop: overflow", 1e-7)
  T.near(r:flow("a->out:msw", 2020), 65, "capped loop: a->out", 1e-7)
  T.near(r:stock("dump:msw", 2020), 35, "capped loop: the dump keeps the overflow", 1e-7)
end

T.done("loop")
