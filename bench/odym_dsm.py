#!/usr/bin/python3
"""bench/odym_dsm.py - the peer of bench/bench_dsm.lua (make bench).

The algorithm of ODYM's DynamicStockModel (Pauliuk & Heeren 2020,
github.com/IndEcol/ODYM, dynamic_stock_model.py) with its normal
lifetime, written out here with numpy and scipy so that libflow needs no
Python package to run its benchmark: the survival table is filled cohort
by cohort with scipy.stats.norm.sf (compute_sf), the stock by cohort is
the inflow times that table (compute_s_c_inflow_driven), the outflow by
cohort its year-on-year decrease with the first-year loss on the diagonal
(compute_o_c_from_s_c), the totals are row sums; the stock-driven model
is ODYM's year loop (compute_stock_driven_model, without the negative
inflow correction). The inputs are those of bench/bench_dsm.c.

    /usr/bin/python3 bench/odym_dsm.py [years [repetitions]]

prints one line:
    ODYM n=... inflow_min_s=... inflow_median_s=... inflow_max_s=...
         stock_min_s=... stock_median_s=... stock_max_s=... last_stock=...
         last_inflow=...
(CPU seconds per call, as os.clock() in Lua; last_stock is the stock of
the last year of the inflow-driven model, last_inflow the inflow of the
last year of the stock-driven one, for bench_dsm.lua to check that both
sides computed the same thing.)
"""
import math
import statistics
import sys
import time

import numpy as np
import scipy.stats

MEAN, SD = 20.0, 6.0


def survival_table(n):
    """sf[t, c]: the share of cohort c still in stock at the end of year t."""
    sf = np.zeros((n, n))
    for c in range(n):
        sf[c:, c] = scipy.stats.norm.sf(np.arange(0, n - c), loc=MEAN, scale=SD)
    return sf


def inflow_driven(inflow):
    n = len(inflow)
    sf = survival_table(n)
    s_c = np.einsum("c,tc->tc", inflow, sf)
    o_c = np.zeros((n, n))
    o_c[1:, :] = -np.diff(s_c, axis=0)
    o_c[np.diag_indices(n)] = inflow - np.diag(s_c)
    stock = s_c.sum(axis=1)
    outflow = o_c.sum(axis=1)
    change = np.concatenate(([stock[0]], np.diff(stock)))
    return stock, outflow, change


def stock_driven(stock):
    n = len(stock)
    sf = survival_table(n)
    s_c = np.zeros((n, n))
    o_c = np.zeros((n, n))
    inflow = np.zeros(n)
    if sf[0, 0] != 0:
        inflow[0] = stock[0] / sf[0, 0]
    s_c[:, 0] = inflow[0] * sf[:, 0]
    o_c[0, 0] = inflow[0] - s_c[0, 0]
    for m in range(1, n):
        o_c[m, :m] = s_c[m - 1, :m] - s_c[m, :m]
        if sf[m, m] != 0:
            inflow[m] = (stock[m] - s_c[m, :].sum()) / sf[m, m]
        s_c[m:, m] = inflow[m] * sf[m:, m]
        o_c[m, m] = inflow[m] * (1 - sf[m, m])
    return inflow, o_c.sum(axis=1)


def timed(fn, arg, reps):
    times, result = [], None
    for _ in range(reps):
        t0 = time.process_time()
        result = fn(arg)
        times.append(time.process_time() - t0)
    return min(times), statistics.median(times), max(times), result


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 9
    t = np.arange(n, dtype=float)
    inflow = 100 + 50 * np.sin(t / 10) + t / 100
    stock = 2000 + 1000 * t / n
    i_min, i_med, i_max, (s, _, _) = timed(inflow_driven, inflow, reps)
    s_min, s_med, s_max, (i, _) = timed(stock_driven, stock, reps)
    print("ODYM n=%d inflow_min_s=%.6f inflow_median_s=%.6f inflow_max_s=%.6f "
          "stock_min_s=%.6f stock_median_s=%.6f stock_max_s=%.6f last_stock=%.17g last_inflow=%.17g"
          % (n, i_min, i_med, i_max, s_min, s_med, s_max, s[-1], i[-1]))
    assert math.isfinite(s[-1]) and math.isfinite(i[-1])


if __name__ == "__main__":
    main()
