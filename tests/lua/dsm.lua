-- tests/lua/dsm.lua — the dynamic stock model from Lua (flow.dsm) against
-- cases worked out by hand, ODYM's conventions (docs/architecture.md):
-- survival S(a) = 1 - CDF(a) at whole ages, stock at year end, a fixed
-- lifetime L empties a cohort in year c + ceil(L), arrays from 1.
local flow = require "flow"
local T = dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/check.lua")

-- Phi, the standard normal CDF, from tables
local PHI_M2, PHI_M1 = 0.02275013194817921, 0.15865525393145707
local PHI_1, PHI_2, PHI_3 = 0.8413447460685429, 0.9772498680518208, 0.9986501019683699

-- A. inflow-driven, fixed lifetime 5, inflow 1..10: cohort c is in stock
-- in years c..c+4 and leaves in c+5.
-- stock_t = sum of the last five inflows: 1, 3, 6, 10, 15, 20, 25, 30, 35, 40
-- outflow_t = inflow_{t-5}: 0, 0, 0, 0, 0, 1, 2, 3, 4, 5
do
  local d = flow.dsm { inflow = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, lifetime = { "fixed", 5 } }
  T.near_list(d.stock, { 1, 3, 6, 10, 15, 20, 25, 30, 35, 40 }, "fixed 5: stock")
  T.near_list(d.outflow, { 0, 0, 0, 0, 0, 1, 2, 3, 4, 5 }, "fixed 5: outflow")
  T.near_list(d.inflow, { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, "fixed 5: inflow echoed")
  -- stock change = inflow - outflow: 1, 2, 3, 4, 5, 5, 5, 5, 5, 5
  T.near_list(d.stock_change, { 1, 2, 3, 4, 5, 5, 5, 5, 5, 5 }, "fixed 5: stock change")
  -- by cohort, [year][cohort]: cohort c holds c in years c..c+4
  T.eq(#d.stock_by_cohort, 10, "by cohort: 10 years")
  T.eq(#d.stock_by_cohort[1], 10, "by cohort: 10 cohorts")
  T.near(d.stock_by_cohort[3][1], 1, "stock_by_cohort[3][1]")
  T.near(d.stock_by_cohort[3][3], 3, "stock_by_cohort[3][3]")
  T.near(d.stock_by_cohort[3][4], 0, "stock_by_cohort[3][4]: not yet born")
  T.near(d.stock_by_cohort[5][1], 1, "stock_by_cohort[5][1]: last year in stock")
  T.near(d.stock_by_cohort[6][1], 0, "stock_by_cohort[6][1]: gone")
  T.near(d.stock_by_cohort[10][6], 6, "stock_by_cohort[10][6]")
  T.near(d.stock_by_cohort[10][5], 0, "stock_by_cohort[10][5]")
  T.near(d.outflow_by_cohort[6][1], 1, "outflow_by_cohort[6][1]")
  T.near(d.outflow_by_cohort[10][5], 5, "outflow_by_cohort[10][5]")
  T.near(d.outflow_by_cohort[10][6], 0, "outflow_by_cohort[10][6]")
  T.near(d.outflow_by_cohort[5][1], 0, "outflow_by_cohort[5][1]")
  -- every year: the cohorts add up to the totals
  for t = 1, 10 do
    local s, o = 0, 0
    for c = 1, 10 do s, o = s + d.stock_by_cohort[t][c], o + d.outflow_by_cohort[t][c] end
    T.near(s, d.stock[t], "cohorts add up to the stock in year " .. t)
    T.near(o, d.outflow[t], "cohorts add up to the outflow in year " .. t)
  end
end

-- B. normal lifetime, mean 2, sd 1, one inflow of 1 in year 1: stock at
-- age a = S(a) = 1 - Phi(a - 2), not truncated at 0:
-- 1 - Phi(-2), 1 - Phi(-1), 0.5, 1 - Phi(1), 1 - Phi(2);
-- outflow in year 1 = 1 - S(0) = Phi(-2), then S(a-1) - S(a).
do
  local d = flow.dsm { inflow = { 1, 0, 0, 0, 0 }, lifetime = { "normal", mean = 2, sd = 1 } }
  local S = { 1 - PHI_M2, 1 - PHI_M1, 0.5, 1 - PHI_1, 1 - PHI_2 }
  T.near_list(d.stock, S, "normal(2, 1): stock", 1e-12)
  T.near_list(d.outflow, { PHI_M2, S[1] - S[2], S[2] - S[3], S[3] - S[4], S[4] - S[5] },
              "normal(2, 1): outflow", 1e-12)
  T.near(d.stock_by_cohort[4][1], 1 - PHI_1, "normal(2, 1): stock_by_cohort[4][1]", 1e-12)
  T.near(d.stock_by_cohort[4][2], 0, "normal(2, 1): stock_by_cohort[4][2] (no inflow)", 1e-12)
end

-- C. stock-driven, fixed lifetime 2, stock 10 every year: the year-1 inflow
-- of 10 stays two years, leaves in year 3 and is replaced then.
-- inflow 10, 0, 10, 0; outflow 0, 0, 10, 0.
do
  local d = flow.dsm { stock = { 10, 10, 10, 10 }, lifetime = { "fixed", 2 } }
  T.near_list(d.inflow, { 10, 0, 10, 0 }, "stock-driven: inflow")
  T.near_list(d.outflow, { 0, 0, 10, 0 }, "stock-driven: outflow")
  T.near_list(d.stock, { 10, 10, 10, 10 }, "stock-driven: stock")
  T.near(d.stock_by_cohort[4][3], 10, "stock-driven: stock_by_cohort[4][3]")
  T.near(d.stock_by_cohort[4][1], 0, "stock-driven: stock_by_cohort[4][1]")
  -- a growing path with a stock-driven normal lifetime: year 1 inflow is
  -- stock_1 / S(0); with mean 2, sd 1: 10 / (1 - Phi(-2))
  local e = flow.dsm { stock = { 10 }, lifetime = { "normal", mean = 2, sd = 1 } }
  T.near(e.inflow[1], 10 / (1 - PHI_M2), "stock-driven: inflow divided by S(0)", 1e-12)
end

-- D. every lifetime kind by its name form; one inflow of 1, stock = S(age).
do
  local function stock(lt, n)
    local inflow = { 1 }
    for i = 2, n do inflow[i] = 0 end
    return flow.dsm { inflow = inflow, lifetime = lt }.stock
  end
  -- fixed, positional and named: {"fixed", L = 3}: 1, 1, 1, 0
  T.near_list(stock({ "fixed", 3 }, 4), { 1, 1, 1, 0 }, "{'fixed', 3}")
  T.near_list(stock({ "fixed", L = 3 }, 4), { 1, 1, 1, 0 }, "{'fixed', L = 3}")
  -- a fractional L: gone in year c + ceil(2.5) = c + 3
  T.near_list(stock({ "fixed", 2.5 }, 4), { 1, 1, 1, 0 }, "{'fixed', 2.5}")
  -- normal: see B
  T.near_list(stock({ "normal", mean = 2, sd = 1 }, 3), { 1 - PHI_M2, 1 - PHI_M1, 0.5 }, "normal", 1e-12)
  -- folded normal of N(2, 1): S(0) = 1; S(1) = Q(-1) + Q(3) = Phi(1) + 1 - Phi(3)
  T.near_list(stock({ "foldednormal", mean = 2, sd = 1 }, 2), { 1, PHI_1 + 1 - PHI_3 }, "foldednormal", 1e-12)
  -- lognormal with the mean and sd of the lifetime itself: mean = e^0.5 and
  -- sd = sqrt(e (e - 1)) give sigma^2 = ln(1 + sd^2/mean^2) = ln e = 1 and
  -- mu = ln mean - sigma^2/2 = 0: S(1) = 1 - Phi(ln 1) = 0.5; S(0) = 1
  local e = math.exp(1)
  T.near_list(stock({ "lognormal", mean = math.exp(0.5), sd = math.sqrt(e * (e - 1)) }, 2), { 1, 0.5 },
              "lognormal", 1e-12)
  -- Weibull shape k = 2, scale 4: S(a) = exp(-(a/4)^2): 1, exp(-1/16), exp(-1/4)
  T.near_list(stock({ "weibull", shape = 2, scale = 4 }, 3), { 1, math.exp(-1 / 16), math.exp(-1 / 4) },
              "weibull", 1e-12)
  -- exponential, mean 2: S(a) = exp(-a/2): 1, exp(-1/2), exp(-1)
  T.near_list(stock({ "exponential", mean = 2 }, 3), { 1, math.exp(-0.5), math.exp(-1) }, "exponential", 1e-12)
end

-- F. a fixed lifetime of 0: goods used up within their year of inflow
-- (S(0) = 0): the stock stays 0, the outflow is the inflow, and each
-- cohort leaves whole in its own year.
do
  local d = flow.dsm { inflow = { 3, 1, 4, 0, 5 }, lifetime = { "fixed", 0 } }
  T.near_list(d.stock, { 0, 0, 0, 0, 0 }, "fixed 0: stock")
  T.near_list(d.outflow, { 3, 1, 4, 0, 5 }, "fixed 0: outflow = inflow")
  T.near_list(d.stock_change, { 0, 0, 0, 0, 0 }, "fixed 0: stock change")
  T.near(d.outflow_by_cohort[3][3], 4, "fixed 0: outflow_by_cohort[3][3]")
  T.near(d.outflow_by_cohort[4][3], 0, "fixed 0: outflow_by_cohort[4][3]")
  T.near(d.stock_by_cohort[3][3], 0, "fixed 0: stock_by_cohort[3][3]")
end

-- G. the by-cohort results of a long series, read where they are asked
-- for, against closed forms at sampled (year, cohort) pairs, with
-- inflow_c = 1 + (c % 7) (c counted from 1):
-- fixed lifetime 7: a cohort is in stock exactly 7 years, ages 0..6, and
--   leaves whole at age 7: s[t][c] = i_c if 0 <= t - c < 7, o[t][c] = i_c
--   if t - c = 7;
-- exponential mean 4: s[t][c] = i_c exp(-(t-c)/4),
--   o[t][c] = i_c (exp(-(t-c-1)/4) - exp(-(t-c)/4)) for t > c, 0 for t = c.
do
  local n = 1000
  local inflow = {}
  for c = 1, n do inflow[c] = 1 + c % 7 end
  local f = flow.dsm { inflow = inflow, lifetime = { "fixed", 7 } }
  local e = flow.dsm { inflow = inflow, lifetime = { "exponential", mean = 4 } }
  T.eq(#f.stock_by_cohort, n, "1000 years: #stock_by_cohort")
  T.eq(#f.outflow_by_cohort[500], n, "1000 years: #outflow_by_cohort[500]")
  local picks = { { 1, 1 }, { 7, 1 }, { 8, 1 }, { 9, 1 }, { 500, 493 }, { 500, 494 }, { 500, 500 },
                  { 1000, 993 }, { 1000, 994 }, { 1000, 1000 }, { 3, 500 }, { 999, 1000 } }
  for _, p in ipairs(picks) do
    local t, c = p[1], p[2]
    local a, ic = t - c, inflow[c]
    local what = string.format("[%d][%d]", t, c)
    T.near(f.stock_by_cohort[t][c], (a >= 0 and a < 7) and ic or 0, "fixed 7: stock_by_cohort" .. what)
    T.near(f.outflow_by_cohort[t][c], a == 7 and ic or 0, "fixed 7: outflow_by_cohort" .. what)
    T.near(e.stock_by_cohort[t][c], a >= 0 and ic * math.exp(-a / 4) or 0, "exponential 4: stock_by_cohort" .. what,
           1e-12)
    T.near(e.outflow_by_cohort[t][c], a > 0 and ic * (math.exp(-(a - 1) / 4) - math.exp(-a / 4)) or 0,
           "exponential 4: outflow_by_cohort" .. what, 1e-12)
  end
  -- the totals stay tables: year 1000 holds cohorts 994..1000
  local want = 0
  for c = 994, 1000 do want = want + inflow[c] end
  T.eq(type(f.stock), "table", "the stock is a table")
  T.near(f.stock[1000], want, "fixed 7: stock[1000]")
  T.near(f.outflow[1000], inflow[993], "fixed 7: outflow[1000]")
  -- a row read twice is the same row; pairs goes 1..n in order
  T.eq(rawequal(f.stock_by_cohort[10], f.stock_by_cohort[10]), true, "a row is made once")
  local k, sum = 0, 0
  for i, v in pairs(f.stock_by_cohort[10]) do
    k = k + 1
    if i ~= k then T.eq(i, k, "pairs in order") end
    sum = sum + v
  end
  T.eq(k, n, "pairs over a row: n cohorts")
  T.near(sum, f.stock[10], "pairs over a row: the cohorts add up to the stock")
  local rows = 0
  for t, row in pairs(e.outflow_by_cohort) do rows = rows + 1; if t == 3 then T.near(row[3], 0, "pairs: a row") end end
  T.eq(rows, n, "pairs over a matrix: n years")
  -- the matrices outlive the result table that held them
  local m = flow.dsm { inflow = { 5, 6 }, lifetime = { "fixed", 1 } }.outflow_by_cohort
  collectgarbage()
  collectgarbage()
  T.near(m[2][1], 5, "a matrix kept after its result is gone")
  -- out of range, not a whole number, written to: one clear error each
  T.raises(function() return f.stock_by_cohort[0] end, "year 0", "stock_by_cohort[0]", "from 1 to 1000")
  T.raises(function() return f.stock_by_cohort[1001] end, "year n + 1", "stock_by_cohort[1001]", "1 to 1000")
  T.raises(function() return f.stock_by_cohort[2.5] end, "a fractional year", "stock_by_cohort[2.5]",
           "whole number")
  T.raises(function() return e.outflow_by_cohort.x end, "a name for a year", "outflow_by_cohort[x]")
  T.raises(function() return f.stock_by_cohort[3][0] end, "cohort 0", "stock_by_cohort[3][0]", "the cohort")
  T.raises(function() return e.outflow_by_cohort[1000][1001] end, "cohort n + 1",
           "outflow_by_cohort[1000][1001]", "from 1 to 1000")
  T.raises(function() f.stock_by_cohort[1] = {} end, "writing a row", "stock_by_cohort is read-only")
  T.raises(function() f.stock_by_cohort[1][1] = 0 end, "writing a value", "read-only")
  -- the error names the line that indexed
  T.raises(function() return f.stock_by_cohort[0] end, "the line", "dsm.lua:")
end

-- E. errors
T.raises(function() return flow.dsm { inflow = { 1 } } end, "no lifetime", "lifetime")
T.raises(function() return flow.dsm { lifetime = { "fixed", 2 } } end, "neither inflow nor stock",
         "inflow = {...} or stock = {...}")
T.raises(function() return flow.dsm { inflow = {}, lifetime = { "fixed", 2 } } end, "empty inflow", "empty")
T.raises(function() return flow.dsm { inflow = { 1, "x" }, lifetime = { "fixed", 2 } } end,
         "a value that is not a number", "inflow[2] is not a number")
T.raises(function() return flow.dsm { inflow = { 1 }, lifetime = { "normall", mean = 2, sd = 1 } } end,
         "unknown lifetime kind", "no lifetime kind 'normall' (did you mean 'normal'?)")
T.raises(function() return flow.dsm { inflow = { 1 }, lifetime = { "normal", mean = 2 } } end,
         "normal lifetime without sd", "sd")
T.raises(function() return flow.dsm { inflow = { 1 }, lifetime = { "weibull", shape = 2 } } end,
         "weibull lifetime without scale", "scale")
T.raises(function() return flow.dsm { inflow = { 1 }, lifetime = { "normal", mean = 2, sd = -1 } } end,
         "a negative sd", "sd", "-1")
T.raises(function() return flow.dsm { inflow = { 1 }, lifetime = { "fixed", -1 } } end,
         "a negative fixed lifetime", "L (a) is -1: must be finite and >= 0")
-- a fixed lifetime of 0 with a stock path: the stock is 0 whatever comes in
T.raises(function() return flow.dsm { stock = { 10, 10 }, lifetime = { "fixed", 0 } } end,
         "stock-driven with a fixed lifetime of 0", "fixed lifetime of 0", "S(0) = 0")
T.raises(function() return flow.dsm { inflow = { 1 }, lifetime = "normal" } end, "a lifetime that is not a table",
         "table")
-- indices in messages count from 1, as the Lua arrays do: the second value
T.raises(function() return flow.dsm { inflow = { 1, -1 }, lifetime = { "fixed", 2 } } end,
         "a negative inflow", "inflow[2] is -1")
-- stock 10 then 0 with lifetime 5: the year-1 cohort still holds 10 in year 2
T.raises(function() return flow.dsm { stock = { 10, 0 }, lifetime = { "fixed", 5 } } end,
         "a stock path falling faster than its cohorts leave", "value 2 of the series", "= 0",
         "still hold 10", "allow_negative_inflow = true")
-- allowed: inflow 10, then (0 - 10) / S(0) = -10; outflow 0, 0
do
  local d = flow.dsm { stock = { 10, 0 }, lifetime = { "fixed", 5 }, allow_negative_inflow = true }
  T.near_list(d.inflow, { 10, -10 }, "allow_negative_inflow: inflow")
  T.near_list(d.stock, { 10, 0 }, "allow_negative_inflow: stock")
end

T.done("dsm")
