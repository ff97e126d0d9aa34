/*
 * sim_int.h — what the files of the year step share (never installed):
 * sim.c (simulations: creation, overrides, results, the step's driver),
 * route.c (core processes), typed.c (processes of plugin types), cycle.c
 * (cycles: their systems and the capacities inside them). The state of a
 * simulation, struct flow_sim, is in flow_int.h (balance.c and
 * indicator.c read it too).
 */
#ifndef FLOW_SIM_INT_H
#define FLOW_SIM_INT_H

#include "flow_int.h"
#include "flow_plugin.h"

#define VALUE_TOL 1e-9
#define CORRUPT_REL 0.01 /* the test hook FLOW_SIM_CORRUPT (sim.c, sim_hooks) */

/* Per-step context: rows of the year being simulated. */
typedef struct flow_step {
    flow_sim *s;
    const flow_model *m;
    const flow_compiled *c;
    int t, M;
    const double *pv;     /* parameter values of t */
    double *flows;        /* flow row of t */
    double *stocks;       /* stock row of t */
    const double *sprev;  /* stock row of t - 1, or NULL in the first year */
    double floor;         /* NOISE x the mass in play */
    const char *err;      /* this thread's flow_error_last(), read without a
                             thread-local look-up */
} flow_step;

/* coef x the value of param in the step's year (param FLOW_NONE: coef) */
static inline double flow_route__amount(const flow_step *st, double coef, int param)
{
    return param == FLOW_NONE ? coef : coef * st->pv[param];
}

/* route.c: core processes (sources, splits, sinks, stocks), their
 * capacities and backlogs; the comments above the definitions say more. */
void flow_route__corrupt(const flow_step *st, int only);
double flow_route__stock_prev(const flow_step *st, int item);
void flow_route__old_cohorts(const flow_step *st, int p, int mat, double *eol, double *stock);
int flow_route__err_pm(const flow_step *st, int p, int mat, int code, const char *fmt, ...) FLOW_PRINTF(5, 6);
void flow_route__backlog_take(const flow_step *st, int p);
double flow_route__backlog_taken(const flow_step *st, int p, int mat);
double flow_route__capacity_left(const flow_step *st, int p);
double flow_route__capacity_rho(const flow_step *st, int p, const double *xp);
int flow_route__coeffs(const flow_step *st, int p, int mat, double rho);
void flow_route__backlog_keep(const flow_step *st, int p, int mat, double taken, double waits);
int flow_route__finish(const flow_step *st, int p, int mat, double rho, double x);
double flow_route__value(const flow_step *st, int e, double x);
int flow_route__share_error(const flow_step *st, int p, int mat, int g, double sum);
int flow_route__uniform(const flow_step *st, const flow_plan *pl);
double flow_route__sent(const flow_step *st, int p, int mat);
int flow_route__process(const flow_step *st, int p);
void flow_route__keep(const flow_step *st, int p);

/* reuse.c: adds what the fixed component k sends to the inputs of the
 * processes that vary (its flows of the year, held since the reset). */
void flow_sim__reuse_replay(const flow_step *st, int k);
/* reuse.c: zeroes the inputs of the processes that vary (those of the
 * fixed ones are never read while reusing). */
void flow_sim__reuse_clear_inputs(flow_sim *s);

/* typed.c: processes of plugin types. */
void flow_typed__fini(flow_sim *s);
int flow_typed__init(flow_sim *s);
int flow_typed__coefs(const flow_step *st, int k);
int flow_typed__emit(const flow_step *st, int k, const double *xp);
int flow_typed__run(const flow_step *st, int p);

/* cycle.c: cycles, solved as linear systems; the accepted fractions of the
 * capacities inside them (docs/architecture.md, "Capacities in a cycle"). */
int flow_cycle__run(const flow_step *st, int k);
int flow_cycle__run_small(const flow_step *st, int k);

#endif /* FLOW_SIM_INT_H */
