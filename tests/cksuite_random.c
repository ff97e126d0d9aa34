/*
 * cksuite_random.c — 1,000 random models (seeded, deterministic), each
 * compiled and run; for every process, material and year the mass balance
 * is recomputed here, independently of the engine, from the rows of
 * flow_sim_data() and the stock rows, and the whole system is checked to
 * conserve mass: generation in = sinks received + the change of all stocks.
 *
 * The generator stays inside what the contract defines: every split and
 * source has a rest flow to a later process, so shares add to 1 exactly;
 * no two flows of one material join the same two processes (the engine
 * refuses them: their results could not be told apart);
 * shares of a process add to at most 0.9, so every loop has an exit and no
 * system is singular; capacities sit on splits and stocks, inside cycles
 * or not, with an overflow or a backlog; a source may leave a material
 * undeclared and generate only what its fixed flows of it take; fixed
 * flows leave sources only, below what the source generates; stock-driven
 * paths never fall, so no inflow is negative. Generation and the inflows of stock-driven stocks are computed
 * here from the series the generator chose, not read from the engine.
 *
 * Every item that holds something must be one the engine counts live
 * (live.c), in every model.
 *
 * Beyond the balance, every fixed and share flow is checked against its
 * definition (amount, or share x the base the process routes) and every
 * capacity against its bound. Most models have 2..40 processes; every 25th
 * or so has 70..119 with extra backward flows, so that some cycles exceed
 * the dense limit and go to GMRES.
 *
 * A self-test drops one flow from a copy of the results of every model and
 * asserts that the checker then finds an imbalance, and enlarges a share
 * flow and asserts that the routing check notices: the test can fail.
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cktest.h"

#define N_MODELS 1000
#define N_CHUNKS 10
#define MAXP 128 /* most models have 2..40 processes; 1 in 25 has 70..119 */
#define MAXM 4
#define MAXY 12
#define MAXPARAMS 512
#define MAXFLOWS 2048
#define TOL 1e-9

/* ------------------------------------------------------------------ */
/* A deterministic generator: xorshift64*                              */
/* ------------------------------------------------------------------ */

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t rnext(rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * UINT64_C(2685821657736338717);
}

static double unif(rng *r) /* [0, 1) */
{
    return (double)(rnext(r) >> 11) * (1.0 / 9007199254740992.0);
}

static double urange(rng *r, double lo, double hi)
{
    return lo + (hi - lo) * unif(r);
}

static int irand(rng *r, int n) /* [0, n) */
{
    return (int)(rnext(r) % (uint64_t)n);
}

/* ------------------------------------------------------------------ */
/* The generator's own record of the model                             */
/* ------------------------------------------------------------------ */

enum { GP_CONST, GP_STEP, GP_LINEAR, GP_PRODUCT };

typedef struct gparam {
    int kind;
    int n;
    int years[4];
    double vals[4];
    int a, b; /* GP_PRODUCT */
} gparam;

typedef struct gen {
    flow_model *m;
    int first, ny, nm, np;
    int kind[MAXP];
    int smode[MAXP];
    flow_lifetime lt[MAXP];
    int npar;
    gparam par[MAXPARAMS];
    /* sources: generation coef x param (param -1: coef alone); has_gen */
    int has_gen[MAXP][MAXM];
    double gen_coef[MAXP][MAXM];
    int gen_par[MAXP][MAXM];
    /* stock-driven paths */
    int has_path[MAXP][MAXM];
    double path_coef[MAXP][MAXM];
    int path_par[MAXP][MAXM];
    double init[MAXP][MAXM];
    int has_backlog[MAXP];
    int has_overflow[MAXP];
    int reach[MAXP][MAXP];
    int n_flow_items, n_stock_items;
    /* the flows as added (index = the flow's index) */
    int nflows;
    double flow_coef[MAXFLOWS];
    int flow_par[MAXFLOWS];
    int flow_from[MAXFLOWS], flow_mat[MAXFLOWS], flow_mode[MAXFLOWS];
    int has_rest[MAXP][MAXM];
    unsigned used[MAXP][MAXP]; /* the materials (bits) of the flows between two processes */
    int cap_par[MAXP];
} gen;

/* The value of a parameter in a year, by the rules of flow.h: step holds a
 * value until the next point, linear draws straight lines, and outside the
 * points every rule holds the nearest end value. */
static double gp_eval(const gen *g, int idx, int year)
{
    const gparam *p = &g->par[idx];
    switch (p->kind) {
    case GP_CONST:
        return p->vals[0];
    case GP_PRODUCT:
        return gp_eval(g, p->a, year) * gp_eval(g, p->b, year);
    case GP_STEP: {
        double v = p->vals[0];
        for (int k = 0; k < p->n; k++)
            if (p->years[k] <= year)
                v = p->vals[k];
        return v;
    }
    default:
        if (year <= p->years[0])
            return p->vals[0];
        if (year >= p->years[p->n - 1])
            return p->vals[p->n - 1];
        for (int k = 0; k + 1 < p->n; k++)
            if (p->years[k] <= year && year < p->years[k + 1])
                return p->vals[k] + (p->vals[k + 1] - p->vals[k]) * (year - p->years[k]) /
                                        (double)(p->years[k + 1] - p->years[k]);
        return NAN;
    }
}

static double amount(const gen *g, double coef, int par, int year)
{
    return par < 0 ? coef : coef * gp_eval(g, par, year);
}

/* A parameter with values in [lo, hi] (non-decreasing when rising is
 * set); const, step or linear, with points that may lie outside the years
 * of the model. */
static int gp_new(gen *g, rng *r, double lo, double hi, int rising)
{
    ck_assert_int_lt(g->npar, MAXPARAMS);
    int idx = g->npar;
    gparam *p = &g->par[idx];
    char name[32];
    snprintf(name, sizeof name, "p%d", idx);
    int kind = irand(r, 3);
    int got = -1;
    if (kind == GP_CONST) {
        p->kind = GP_CONST;
        p->n = 1;
        p->vals[0] = urange(r, lo, hi);
        ck_assert_flow_ok(flow_model_add_param_const(g->m, name, NULL, p->vals[0], &got));
    } else {
        p->kind = kind;
        p->n = 1 + irand(r, 4);
        int y = g->first - 2 + irand(r, 4);
        double v = urange(r, lo, lo + (hi - lo) * 0.5);
        for (int k = 0; k < p->n; k++) {
            p->years[k] = y;
            p->vals[k] = rising ? v : urange(r, lo, hi);
            y += 1 + irand(r, g->ny + 1);
            v += urange(r, 0.0, (hi - lo) * 0.5 / p->n);
        }
        ck_assert_flow_ok(flow_model_add_param(g->m, name, NULL,
                                               kind == GP_STEP ? FLOW_INTERP_STEP
                                                               : FLOW_INTERP_LINEAR,
                                               (size_t)p->n, p->years, p->vals, &got));
    }
    ck_assert_int_eq(got, idx);
    g->npar++;
    return idx;
}

/* A share parameter in [0, 1]: sometimes the product of two. */
static int gp_share(gen *g, rng *r)
{
    if (irand(r, 5) == 0) {
        int a = gp_new(g, r, 0.0, 1.0, 0), b = gp_new(g, r, 0.0, 1.0, 0);
        int idx = g->npar, got = -1;
        char name[32];
        snprintf(name, sizeof name, "p%d", idx);
        ck_assert_int_lt(idx, MAXPARAMS);
        ck_assert_flow_ok(flow_model_add_param_product(g->m, name, NULL, a, b, &got));
        ck_assert_int_eq(got, idx);
        g->par[idx].kind = GP_PRODUCT;
        g->par[idx].a = a;
        g->par[idx].b = b;
        g->npar++;
        return idx;
    }
    return gp_new(g, r, 0.0, 1.0, 0);
}

/* Survival at integer age of the lifetimes used for stock-driven stocks,
 * written out here: fixed L leaves at ceil(L); exponential exp(-a/mean);
 * Weibull exp(-(a/lambda)^k). All have S(0) = 1. */
static double survival(const flow_lifetime *lt, int age)
{
    switch (lt->kind) {
    case FLOW_LT_FIXED:
        return age < (int)ceil(lt->a) ? 1.0 : 0.0;
    case FLOW_LT_EXPONENTIAL:
        return exp(-age / lt->a);
    case FLOW_LT_WEIBULL:
        return exp(-pow(age / lt->b, lt->a));
    default:
        return NAN;
    }
}

static int can_receive(const gen *g, int p)
{
    return g->kind[p] != FLOW_SOURCE &&
           !(g->kind[p] == FLOW_STOCK && g->smode[p] == FLOW_STOCK_INUSE_DRIVEN);
}

/* A process after p that may receive (the last process always can). */
static int forward_target(const gen *g, rng *r, int p)
{
    for (;;) {
        int t = p + 1 + irand(r, g->np - p - 1);
        if (can_receive(g, t))
            return t;
    }
}

static int any_target(const gen *g, rng *r, int p)
{
    for (;;) {
        int t = irand(r, g->np);
        if (t != p && can_receive(g, t))
            return t;
    }
}

/* A process before p that may receive, if there is one. */
static int backward_target(const gen *g, rng *r, int p)
{
    for (int tries = 0; tries < 8 && p > 1; tries++) {
        int t = 1 + irand(r, p - 1);
        if (can_receive(g, t))
            return t;
    }
    return any_target(g, r, p);
}

/* A target for a flow of material from p (backward: before p, for the
 * large models' cycles) that no flow of p of that material goes to yet
 * (the engine refuses two flows of one material between two processes:
 * their results could not be told apart), or -1 when the tries find none. */
static int free_target(const gen *g, rng *r, int p, int material, int backward)
{
    unsigned mask = material == FLOW_ALL ? ~0u : 1u << material;
    for (int tries = 0; tries < 16; tries++) {
        int t = backward ? backward_target(g, r, p) : any_target(g, r, p);
        if (!(g->used[p][t] & mask))
            return t;
    }
    return -1;
}

static void add_flow(gen *g, int from, int to, int material, flow_mode mode, double coef,
                     int par)
{
    int idx = -1;
    ck_assert_flow_ok(flow_model_add_flow(g->m, from, to, material, mode, coef, par, &idx));
    ck_assert_int_eq(idx, g->nflows);
    ck_assert_int_lt(idx, MAXFLOWS);
    g->flow_coef[idx] = coef;
    g->flow_par[idx] = par;
    g->flow_from[idx] = from;
    g->flow_mat[idx] = material;
    g->flow_mode[idx] = mode;
    g->nflows++;
    if (mode == FLOW_REST)
        for (int m = 0; m < g->nm; m++)
            if (material == FLOW_ALL || material == m)
                g->has_rest[from][m] = 1;
    g->reach[from][to] = 1;
    g->used[from][to] |= material == FLOW_ALL ? ~0u : 1u << material;
    g->n_flow_items += material == FLOW_ALL ? g->nm : 1;
}

/* A source that does not declare a material generates what its fixed
 * flows of it take (flow.h); its share and rest flows of it carry 0. */
static double implicit_gen(const gen *g, int p, int m, int year)
{
    double sum = 0;
    for (int f = 0; f < g->nflows; f++)
        if (g->flow_from[f] == p && g->flow_mode[f] == FLOW_FIXED &&
            (g->flow_mat[f] == FLOW_ALL || g->flow_mat[f] == m))
            sum += amount(g, g->flow_coef[f], g->flow_par[f], year);
    return sum;
}

static void closure(gen *g, int out[MAXP][MAXP])
{
    memcpy(out, g->reach, sizeof g->reach);
    for (int k = 0; k < g->np; k++)
        for (int i = 0; i < g->np; i++)
            if (out[i][k])
                for (int j = 0; j < g->np; j++)
                    if (out[k][j])
                        out[i][j] = 1;
}

static int seed_big(uint64_t seed)
{
    return seed % 25 == 0;
}

static void generate(gen *g, uint64_t seed)
{
    rng r = { seed ? seed : 1 };
    memset(g, 0, sizeof *g);
    g->first = 2000 + irand(&r, 30);
    g->ny = 1 + irand(&r, MAXY);
    g->nm = 1 + irand(&r, MAXM);
    /* 2..40 processes; every 25th model is larger, so that its cycles
     * exceed the dense limit and are solved by GMRES */
    int big = seed_big(seed);
    g->np = big ? 70 + irand(&r, 50) : 2 + irand(&r, 39);
    ck_assert_flow_ok(flow_model_new(&g->m, g->first, g->first + g->ny - 1, NULL));

    char name[32];
    for (int m = 0; m < g->nm; m++) {
        snprintf(name, sizeof name, "m%d", m);
        ck_assert_flow_ok(flow_model_add_material(g->m, name, (flow_category)irand(&r, 9), "t",
                                                  NULL));
    }

    /* kinds: 0 a source, the last a sink */
    for (int p = 0; p < g->np; p++) {
        double u = unif(&r);
        int k;
        if (p == 0)
            k = FLOW_SOURCE;
        else if (p == g->np - 1)
            k = FLOW_SINK;
        else
            k = u < 0.1 ? FLOW_SOURCE : u < 0.5 ? FLOW_SPLIT : u < 0.85 ? FLOW_STOCK : FLOW_SINK;
        g->kind[p] = k;
        if (k == FLOW_STOCK) {
            double v = unif(&r);
            g->smode[p] = v < 0.35 ? FLOW_STOCK_ACCUMULATE
                        : v < 0.6 ? FLOW_STOCK_STORAGE
                        : v < 0.85 ? FLOW_STOCK_INUSE
                                   : FLOW_STOCK_INUSE_DRIVEN;
        }
        snprintf(name, sizeof name, "proc%d", p);
        int idx = -1;
        ck_assert_flow_ok(flow_model_add_process(g->m, name, (flow_kind)k, &idx));
        ck_assert_int_eq(idx, p);
    }

    for (int p = 0; p < g->np; p++) {
        int k = g->kind[p];
        if (k == FLOW_SINK)
            continue;
        int inuse = 0, driven = 0;
        if (k == FLOW_STOCK) {
            ck_assert_flow_ok(flow_model_set_stock_mode(g->m, p, (flow_stock_mode)g->smode[p]));
            if (g->smode[p] == FLOW_STOCK_INUSE || g->smode[p] == FLOW_STOCK_INUSE_DRIVEN) {
                inuse = 1;
                driven = g->smode[p] == FLOW_STOCK_INUSE_DRIVEN;
                flow_lifetime *lt = &g->lt[p];
                int kind = irand(&r, driven ? 3 : 5);
                switch (kind) {
                case 0: *lt = (flow_lifetime){ FLOW_LT_FIXED, urange(&r, 0.5, 6.0), 0.0 }; break;
                case 1: *lt = (flow_lifetime){ FLOW_LT_EXPONENTIAL, urange(&r, 1.0, 8.0), 0.0 }; break;
                case 2: *lt = (flow_lifetime){ FLOW_LT_WEIBULL, urange(&r, 0.5, 3.0),
                                                urange(&r, 1.0, 8.0) }; break;
                case 3: *lt = (flow_lifetime){ FLOW_LT_NORMAL, urange(&r, 2.0, 8.0),
                                                urange(&r, 0.5, 3.0) }; break;
                default: *lt = (flow_lifetime){ FLOW_LT_LOGNORMAL, urange(&r, 2.0, 8.0),
                                                 urange(&r, 0.5, 3.0) }; break;
                }
                ck_assert_flow_ok(flow_model_set_lifetime(g->m, p, lt));
            } else {
                for (int m = 0; m < g->nm; m++)
                    if (irand(&r, 2)) {
                        g->init[p][m] = urange(&r, 0.0, 500.0);
                        ck_assert_flow_ok(flow_model_set_initial_stock(g->m, p, m, g->init[p][m]));
                    }
            }
            if (driven)
                for (int m = 0; m < g->nm; m++)
                    if (irand(&r, 10) < 7) {
                        g->has_path[p][m] = 1;
                        g->path_coef[p][m] = urange(&r, 10.0, 300.0);
                        g->path_par[p][m] = irand(&r, 3) ? gp_new(g, &r, 0.5, 2.0, 1) : -1;
                        ck_assert_flow_ok(flow_model_set_stock_path(g->m, p, m,
                                                                    g->path_coef[p][m],
                                                                    g->path_par[p][m]));
                    }
        }

        /* the rest: always for splits, sources and in-use stocks (so that
         * what they send on adds up exactly), sometimes for the others; its
         * targets chosen first, so that the fixed and share flows avoid them */
        int want_rest = k == FLOW_SPLIT || k == FLOW_SOURCE || inuse || irand(&r, 10) < 3;
        int rest_all = want_rest && irand(&r, 10) < 7, rest_to[MAXM];
        for (int m = 0; want_rest && m < (rest_all ? 1 : g->nm); m++) {
            rest_to[m] = forward_target(g, &r, p);
            g->used[p][rest_to[m]] |= rest_all ? ~0u : 1u << m;
        }

        double budget = 0.9;
        if (k == FLOW_SOURCE) {
            budget = 0.7;
            /* 1 material in 4 is not declared: the source then generates
             * what its fixed flows of it take; of the declared, 1 in 5 is 0 */
            for (int m = 0; m < g->nm; m++) {
                if (irand(&r, 4) == 0) {
                    g->has_gen[p][m] = 0;
                    int t = irand(&r, 2) ? free_target(g, &r, p, m, 0) : -1;
                    if (t >= 0)
                        add_flow(g, p, t, m, FLOW_FIXED, urange(&r, 1.0, 50.0), FLOW_NONE);
                    continue;
                }
                g->has_gen[p][m] = 1;
                g->gen_coef[p][m] = irand(&r, 5) ? urange(&r, 1.0, 100.0) : 0.0;
                g->gen_par[p][m] = irand(&r, 2) ? gp_new(g, &r, 0.5, 2.0, 0) : -1;
                ck_assert_flow_ok(flow_model_set_generation(g->m, p, m, g->gen_coef[p][m],
                                                            g->gen_par[p][m]));
            }
            /* a fixed flow of at most 0.2 of the smallest generation */
            int m = irand(&r, g->nm);
            if (g->has_gen[p][m] && irand(&r, 3) == 0) {
                double lo = INFINITY;
                for (int y = 0; y < g->ny; y++) {
                    double v = amount(g, g->gen_coef[p][m], g->gen_par[p][m], g->first + y);
                    if (v < lo)
                        lo = v;
                }
                int t = free_target(g, &r, p, m, 0);
                if (t >= 0)
                    add_flow(g, p, t, m, FLOW_FIXED, 0.2 * lo * unif(&r), FLOW_NONE);
            }
        }

        /* share flows, at most `budget` together for every material; in
         * the large models the first goes back, to make large cycles */
        int nshare = big ? 1 + irand(&r, 3) : irand(&r, 4);
        for (int j = 0; j < nshare; j++) {
            int m = irand(&r, 2) ? FLOW_ALL : irand(&r, g->nm);
            double coef = budget / nshare * unif(&r);
            int par = irand(&r, 2) ? gp_share(g, &r) : FLOW_NONE;
            int to = free_target(g, &r, p, m, big && j == 0);
            if (to >= 0)
                add_flow(g, p, to, m, FLOW_SHARE, coef, par);
        }

        for (int m = 0; want_rest && m < (rest_all ? 1 : g->nm); m++)
            add_flow(g, p, rest_to[m], rest_all ? FLOW_ALL : m, FLOW_REST, 0.0, FLOW_NONE);
    }

    /* capacities on splits and stocks, inside cycles or not (a binding
     * capacity in a cycle is solved for by the engine), with an overflow
     * or a backlog */
    static int cl[MAXP][MAXP];
    closure(g, cl);
    for (int p = 0; p < g->np; p++) {
        int k = g->kind[p];
        int ok = k == FLOW_SPLIT ||
                 (k == FLOW_STOCK && g->smode[p] != FLOW_STOCK_INUSE_DRIVEN);
        if (!ok || irand(&r, 4) != 0)
            continue;
        int over = FLOW_NONE;
        if (irand(&r, 2))
            over = forward_target(g, &r, p);
        int cap = gp_new(g, &r, 0.0, 200.0, 0);
        g->cap_par[p] = cap;
        ck_assert_flow_ok(flow_model_set_capacity(g->m, p, cap, over));
        if (over == FLOW_NONE) {
            g->has_backlog[p] = 1;
        } else {
            g->has_overflow[p] = 1;
            g->reach[p][over] = 1;
            g->n_flow_items += g->nm;
            /* the new edge p -> over: whatever reaches p now reaches
             * what over reaches */
            for (int i = 0; i < g->np; i++)
                if (i == p || cl[i][p])
                    for (int j = 0; j < g->np; j++)
                        if (j == over || cl[over][j])
                            cl[i][j] = 1;
        }
    }

    for (int p = 0; p < g->np; p++) {
        if (g->kind[p] == FLOW_STOCK)
            g->n_stock_items += g->nm;
        if (g->has_backlog[p])
            g->n_stock_items += g->nm;
    }
}

/* ------------------------------------------------------------------ */
/* The independent balance check                                       */
/* ------------------------------------------------------------------ */

typedef struct layout {
    int nf, ns;
    flow_item_info *fi;
    flow_item_info *si;
    double *driven; /* [t][p][m] inflow of stock-driven stocks, computed here */
} layout;

static void layout_init(layout *L, const gen *g)
{
    L->nf = flow_model_n_items(g->m, FLOW_ITEM_FLOW);
    L->ns = flow_model_n_items(g->m, FLOW_ITEM_STOCK);
    L->fi = calloc((size_t)L->nf + 1, sizeof *L->fi);
    L->si = calloc((size_t)L->ns + 1, sizeof *L->si);
    L->driven = calloc((size_t)g->ny * MAXP * MAXM, sizeof *L->driven);
    ck_assert(L->fi && L->si && L->driven);
    for (int i = 0; i < L->nf; i++)
        ck_assert_flow_ok(flow_model_item_info(g->m, FLOW_ITEM_FLOW, i, &L->fi[i]));
    for (int i = 0; i < L->ns; i++)
        ck_assert_flow_ok(flow_model_item_info(g->m, FLOW_ITEM_STOCK, i, &L->si[i]));
    /* i_t = (s_t - sum_{c<t} i_c S(t - c)) / S(0), S(0) = 1 */
    for (int p = 0; p < g->np; p++)
        for (int m = 0; m < g->nm; m++) {
            if (!g->has_path[p][m])
                continue;
            for (int t = 0; t < g->ny; t++) {
                double v = amount(g, g->path_coef[p][m], g->path_par[p][m], g->first + t);
                for (int c = 0; c < t; c++)
                    v -= L->driven[((size_t)c * MAXP + p) * MAXM + m] * survival(&g->lt[p], t - c);
                L->driven[((size_t)t * MAXP + p) * MAXM + m] = v;
            }
        }
}

static void layout_free(layout *L)
{
    free(L->fi);
    free(L->si);
    free(L->driven);
}

/* Counts the violations of the balance in the results flows[t][item],
 * stocks[t][item]; describes the first in msg. */
static int check_balance(const gen *g, const layout *L, const double *flows,
                         const double *stocks, char *msg, size_t msglen)
{
    int bad = 0;
    msg[0] = '\0';
    for (int t = 0; t < g->ny; t++) {
        int year = g->first + t;
        for (int m = 0; m < g->nm; m++) {
            double in[MAXP] = { 0 }, out[MAXP] = { 0 }, s1[MAXP] = { 0 }, s0[MAXP] = { 0 };
            double gen_in[MAXP] = { 0 };
            for (int i = 0; i < L->nf; i++) {
                if (L->fi[i].material != m)
                    continue;
                double v = flows[(size_t)t * (size_t)L->nf + (size_t)i];
                if (!(v >= -1e-9)) {
                    if (!bad++)
                        snprintf(msg, msglen, "flow %s = %g in %d", L->fi[i].name, v, year);
                }
                in[L->fi[i].to] += v;
                out[L->fi[i].from] += v;
            }
            for (int i = 0; i < L->ns; i++) {
                if (L->si[i].material != m)
                    continue;
                int p = L->si[i].from;
                double now = stocks[(size_t)t * (size_t)L->ns + (size_t)i];
                double before;
                int is_backlog = strstr(L->si[i].name, "/backlog:") != NULL;
                if (t > 0)
                    before = stocks[(size_t)(t - 1) * (size_t)L->ns + (size_t)i];
                else
                    before = g->kind[p] == FLOW_STOCK && !is_backlog ? g->init[p][m] : 0.0;
                if (!(now >= -1e-9)) {
                    if (!bad++)
                        snprintf(msg, msglen, "stock %s = %g in %d", L->si[i].name, now, year);
                }
                s1[p] += now;
                s0[p] += before;
            }
            double sys_in = 0.0, sys_out = 0.0, sys_scale = 0.0;
            for (int p = 0; p < g->np; p++) {
                if (g->kind[p] == FLOW_SOURCE)
                    gen_in[p] = g->has_gen[p][m] ? amount(g, g->gen_coef[p][m], g->gen_par[p][m], year)
                                                 : implicit_gen(g, p, m, year);
                if (g->kind[p] == FLOW_STOCK && g->smode[p] == FLOW_STOCK_INUSE_DRIVEN)
                    gen_in[p] = L->driven[((size_t)t * MAXP + p) * MAXM + m];
                sys_in += gen_in[p];
                sys_out += s1[p] - s0[p];
                sys_scale += gen_in[p] + in[p] + out[p] + fabs(s1[p]) + fabs(s0[p]);
                if (g->kind[p] == FLOW_SINK) {
                    sys_out += in[p];
                    if (out[p] != 0.0 && !bad++)
                        snprintf(msg, msglen, "sink proc%d sends %g of m%d in %d", p, out[p],
                                 m, year);
                    continue;
                }
                double res = gen_in[p] + in[p] - out[p] - (s1[p] - s0[p]);
                double scale = fmax(fmax(gen_in[p] + in[p], out[p]), fmax(fabs(s1[p]), fabs(s0[p])));
                if (!(fabs(res) <= TOL * scale + 1e-12)) {
                    if (!bad++)
                        snprintf(msg, msglen,
                                 "proc%d (kind %d mode %d), m%d, %d: in %.17g + gen %.17g - out "
                                 "%.17g - dstock %.17g = %g",
                                 p, g->kind[p], g->smode[p], m, year, in[p], gen_in[p], out[p],
                                 s1[p] - s0[p], res);
                }
            }
            if (!(fabs(sys_in - sys_out) <= TOL * sys_scale + 1e-12)) {
                if (!bad++)
                    snprintf(msg, msglen, "system, m%d, %d: in %.17g, out + dstock %.17g", m,
                             year, sys_in, sys_out);
            }
        }
    }
    return bad;
}

/* Checks what each flow carries, from the definitions: a fixed flow its
 * amount; a share flow its share of the base B the process routes, where
 * B = what it accepted (split, source, accumulate), last year's stock plus
 * that (storage), or -- for processes whose rest flow sends on all of B,
 * in-use stocks included -- the sum of their outflows. And a capacity:
 * what a process accepts is at most C, and exactly C when some of its
 * input overflowed or was held back; a backlog is worked off first (first
 * in, first out): when last year's backlog fits in C, what waits at the
 * end of the year is only this year's input (at most it, per material);
 * when it does not, nothing of this year's input is taken (what waits is
 * at least it). Counts violations; the first in msg. */
static int check_routing(const gen *g, const layout *L, const double *flows,
                         const double *stocks, char *msg, size_t msglen)
{
    int bad = 0;
    msg[0] = '\0';
    for (int t = 0; t < g->ny; t++) {
        int year = g->first + t;
        double acc_total[MAXP] = { 0 }, held[MAXP] = { 0 }, wait0[MAXP] = { 0 };
        double in_pm[MAXP][MAXM] = { { 0 } }, wait_pm[MAXP][MAXM] = { { 0 } };
        for (int m = 0; m < g->nm; m++) {
            double in[MAXP] = { 0 }, sent[MAXP] = { 0 }, over[MAXP] = { 0 };
            double bl1[MAXP] = { 0 }, bl0[MAXP] = { 0 }, st0[MAXP] = { 0 };
            for (int i = 0; i < L->nf; i++) {
                if (L->fi[i].material != m)
                    continue;
                double v = flows[(size_t)t * (size_t)L->nf + (size_t)i];
                in[L->fi[i].to] += v;
                if (L->fi[i].mode == FLOW_OVERFLOW)
                    over[L->fi[i].from] += v;
                else
                    sent[L->fi[i].from] += v;
            }
            for (int i = 0; i < L->ns; i++) {
                if (L->si[i].material != m)
                    continue;
                int p = L->si[i].from;
                double now = stocks[(size_t)t * (size_t)L->ns + (size_t)i];
                int is_backlog = strstr(L->si[i].name, "/backlog:") != NULL;
                double before = t > 0 ? stocks[(size_t)(t - 1) * (size_t)L->ns + (size_t)i]
                                      : g->kind[p] == FLOW_STOCK && !is_backlog ? g->init[p][m] : 0.0;
                if (!is_backlog) {
                    st0[p] = before;
                } else {
                    bl1[p] = now;
                    bl0[p] = before;
                }
            }
            double base[MAXP];
            for (int p = 0; p < g->np; p++) {
                /* accepted = input + backlog carried in - backlog kept - overflow */
                double accepted = in[p] + bl0[p] - bl1[p] - over[p];
                if (g->kind[p] == FLOW_SOURCE)
                    accepted = g->has_gen[p][m] ? amount(g, g->gen_coef[p][m], g->gen_par[p][m], year)
                                                : implicit_gen(g, p, m, year);
                acc_total[p] += accepted;
                held[p] += over[p] + bl1[p];
                wait0[p] += bl0[p];
                in_pm[p][m] = in[p];
                wait_pm[p][m] = bl1[p];
                if (g->kind[p] == FLOW_SOURCE && !g->has_gen[p][m])
                    base[p] = 0; /* its share flows carry nothing */
                else if (g->has_rest[p][m] || g->kind[p] == FLOW_SPLIT)
                    base[p] = sent[p];
                else if (g->kind[p] == FLOW_STOCK && g->smode[p] == FLOW_STOCK_STORAGE)
                    base[p] = st0[p] + accepted;
                else
                    base[p] = accepted;
                if (g->kind[p] == FLOW_SOURCE &&
                    !(fabs(sent[p] - accepted) <= TOL * accepted + 1e-12) && !bad++)
                    snprintf(msg, msglen, "source proc%d sends %.17g of m%d in %d, generates %.17g",
                             p, sent[p], m, year, accepted);
            }
            for (int i = 0; i < L->nf; i++) {
                const flow_item_info *f = &L->fi[i];
                if (f->material != m || (f->mode != FLOW_SHARE && f->mode != FLOW_FIXED))
                    continue;
                double v = flows[(size_t)t * (size_t)L->nf + (size_t)i];
                double coef = g->flow_coef[f->flow];
                double e = f->mode == FLOW_FIXED ? coef
                                                 : amount(g, coef, g->flow_par[f->flow], year) *
                                                       base[f->from];
                double scale = fmax(fabs(base[f->from]), fabs(e));
                if (!(fabs(v - e) <= TOL * scale + 1e-12) && !bad++)
                    snprintf(msg, msglen, "%s (%s) in %d is %.17g, not %.17g (base %.17g)",
                             f->name, f->mode == FLOW_FIXED ? "fixed" : "share", year, v, e,
                             base[f->from]);
            }
        }
        for (int p = 0; p < g->np; p++) {
            if (!g->has_backlog[p] && !g->has_overflow[p])
                continue;
            double c = gp_eval(g, g->cap_par[p], year);
            double tol = TOL * fmax(c, acc_total[p]) + 1e-12;
            if (acc_total[p] > c + tol && !bad++)
                snprintf(msg, msglen, "proc%d accepts %.17g in %d, capacity %.17g", p,
                         acc_total[p], year, c);
            if (held[p] > tol && fabs(acc_total[p] - c) > tol && !bad++)
                snprintf(msg, msglen, "proc%d holds back %.17g in %d but accepts %.17g < %.17g",
                         p, held[p], year, acc_total[p], c);
            for (int m = 0; m < g->nm && g->has_backlog[p]; m++) {
                double w = wait_pm[p][m], x = in_pm[p][m], mt = TOL * fmax(c, x + wait0[p]) + 1e-12;
                if (wait0[p] <= c - tol && w > x + mt && !bad++)
                    snprintf(msg, msglen, "proc%d, m%d, %d: backlog %.17g fits the capacity %.17g, yet %.17g "
                             "waits, more than the input %.17g", p, m, year, wait0[p], c, w, x);
                if (wait0[p] > c + tol && w < x - mt && !bad++)
                    snprintf(msg, msglen, "proc%d, m%d, %d: backlog %.17g exceeds the capacity %.17g, yet "
                             "only %.17g of the input %.17g waits", p, m, year, wait0[p], c, w, x);
            }
        }
    }
    return bad;
}

static uint64_t seed_of(int k)
{
    return (uint64_t)(k + 1) * UINT64_C(0x9E3779B97F4A7C15) ^ UINT64_C(0xD1B54A32D192ED03);
}

/* Builds, runs and checks model k. Returns 0, or 1 with a description of
 * what went wrong in why (so that a chunk reports all its failures). */
static int run_one(int k, char *why, size_t whylen)
{
    gen *g = malloc(sizeof *g);
    ck_assert_ptr_nonnull(g);
    uint64_t seed = seed_of(k);
    generate(g, seed);
    flow_sim *s = NULL;
    layout L = { 0, 0, NULL, NULL, NULL };
    int failed = 1;
    char msg[512];

    int rc = flow_model_compile(g->m);
    if (rc != 0) {
        snprintf(why, whylen, "model %d (seed %llu): compile: %s", k, (unsigned long long)seed,
                 flow_error_last());
        goto done;
    }
    ck_assert_int_eq(flow_model_n_items(g->m, FLOW_ITEM_FLOW), g->n_flow_items);
    ck_assert_int_eq(flow_model_n_items(g->m, FLOW_ITEM_STOCK), g->n_stock_items);
    ck_assert_int_eq(flow_model_n_items(g->m, FLOW_ITEM_PARAM), g->npar);

    ck_assert_flow_ok(flow_sim_new(&s, g->m));
    rc = flow_sim_run(s);
    if (rc != 0) {
        snprintf(why, whylen, "model %d (seed %llu): run: %s", k, (unsigned long long)seed,
                 flow_error_last());
        goto done;
    }

    /* every item that holds something is one the engine counts live
     * (live.c: the sums and resets pass over the others) */
    if (ck_live_check(s, msg, sizeof msg)) {
        snprintf(why, whylen, "model %d (seed %llu): liveness: %s", k, (unsigned long long)seed, msg);
        goto done;
    }

    layout_init(&L, g);
    const double *flows = flow_sim_data(s, FLOW_ITEM_FLOW);
    const double *stocks = flow_sim_data(s, FLOW_ITEM_STOCK);
    int bad = check_balance(g, &L, flows, stocks, msg, sizeof msg);
    if (bad) {
        snprintf(why, whylen, "model %d (seed %llu, %d processes, %d materials, %d years): "
                 "%d violations; first: %s",
                 k, (unsigned long long)seed, g->np, g->nm, g->ny, bad, msg);
        goto done;
    }

    bad = check_routing(g, &L, flows, stocks, msg, sizeof msg);
    if (bad) {
        snprintf(why, whylen, "model %d (seed %llu): routing: %d violations; first: %s", k,
                 (unsigned long long)seed, bad, msg);
        goto done;
    }

    /* the parameters as the engine saw them are the ones chosen here */
    const double *pars = flow_sim_data(s, FLOW_ITEM_PARAM);
    for (int i = 0; i < g->npar; i++) {
        flow_item_info info;
        int pi = -1;
        ck_assert_flow_ok(flow_model_item_info(g->m, FLOW_ITEM_PARAM, i, &info));
        ck_assert_int_eq(sscanf(info.name, "p%d", &pi), 1);
        ck_assert(pi >= 0 && pi < g->npar);
        for (int t = 0; t < g->ny; t++) {
            double e = gp_eval(g, pi, g->first + t);
            double v = pars[(size_t)t * (size_t)g->npar + (size_t)i];
            if (!(fabs(v - e) <= 1e-12 * (1.0 + fabs(e)))) {
                snprintf(why, whylen, "model %d: parameter %s in %d is %.17g, not %.17g", k,
                         info.name, g->first + t, v, e);
                goto done;
            }
        }
    }

    /* self-test: drop the largest flow of a copy; the checker must notice */
    size_t nfv = (size_t)g->ny * (size_t)L.nf;
    size_t big = 0;
    for (size_t i = 0; i < nfv; i++)
        if (flows[i] > flows[big])
            big = i;
    if (nfv > 0 && flows[big] > 1e-6) {
        double *copy = malloc(nfv * sizeof *copy);
        ck_assert_ptr_nonnull(copy);
        memcpy(copy, flows, nfv * sizeof *copy);
        copy[big] = 0.0;
        ck_assert_msg(check_balance(g, &L, copy, stocks, msg, sizeof msg) > 0,
                      "model %d: the checker missed a dropped flow", k);
        /* and the routing check a share flow half as large again */
        memcpy(copy, flows, nfv * sizeof *copy);
        for (size_t i = 0; i < nfv; i++)
            if (L.fi[i % (size_t)L.nf].mode == FLOW_SHARE && copy[i] > 1e-6) {
                copy[i] *= 1.5;
                ck_assert_msg(check_routing(g, &L, copy, stocks, msg, sizeof msg) > 0,
                              "model %d: the checker missed a wrong share", k);
                break;
            }
        free(copy);
    }
    failed = 0;

done:
    layout_free(&L);
    flow_sim_free(s);
    flow_model_free(g->m);
    free(g);
    return failed;
}

START_TEST(test_random_models)
{
    /* _i is the chunk: models [_i * per, (_i + 1) * per); every model is
     * run, and the failures are reported together */
    int per = N_MODELS / N_CHUNKS;
    int nfail = 0;
    char first[3][768];
    for (int k = _i * per; k < (_i + 1) * per; k++) {
        char why[768];
        if (run_one(k, why, sizeof why)) {
            if (nfail < 3)
                memcpy(first[nfail], why, sizeof why);
            nfail++;
        }
    }
    ck_assert_msg(nfail == 0, "%d of %d models failed: %s%s%s%s%s", nfail, per, first[0],
                  nfail > 1 ? " | " : "", nfail > 1 ? first[1] : "",
                  nfail > 2 ? " | " : "", nfail > 2 ? first[2] : "");
}
END_TEST

/* The checker on a hand-made model: source 100 -> split, 0.3 -> a sink,
 * rest -> a landfill stock. Correct results pass; a wrong stock fails. */
START_TEST(test_checker_itself)
{
    gen *g = calloc(1, sizeof *g);
    ck_assert_ptr_nonnull(g);
    g->first = 2020;
    g->ny = 2;
    g->nm = 1;
    g->np = 4;
    ck_assert_flow_ok(flow_model_new(&g->m, 2020, 2021, NULL));
    ck_assert_flow_ok(flow_model_add_material(g->m, "m0", FLOW_CAT_DOMESTIC, "t", NULL));
    ck_assert_flow_ok(flow_model_add_process(g->m, "src", FLOW_SOURCE, NULL));
    ck_assert_flow_ok(flow_model_add_process(g->m, "split", FLOW_SPLIT, NULL));
    ck_assert_flow_ok(flow_model_add_process(g->m, "sink", FLOW_SINK, NULL));
    ck_assert_flow_ok(flow_model_add_process(g->m, "lf", FLOW_STOCK, NULL));
    g->kind[0] = FLOW_SOURCE;
    g->kind[1] = FLOW_SPLIT;
    g->kind[2] = FLOW_SINK;
    g->kind[3] = FLOW_STOCK;
    g->has_gen[0][0] = 1;
    g->gen_coef[0][0] = 100.0;
    g->gen_par[0][0] = -1;
    ck_assert_flow_ok(flow_model_set_generation(g->m, 0, 0, 100.0, FLOW_NONE));
    ck_assert_flow_ok(flow_model_add_flow(g->m, 0, 1, 0, FLOW_SHARE, 1.0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(g->m, 1, 2, 0, FLOW_SHARE, 0.3, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_add_flow(g->m, 1, 3, 0, FLOW_REST, 0.0, FLOW_NONE, NULL));
    ck_assert_flow_ok(flow_model_compile(g->m));
    layout L;
    layout_init(&L, g);
    ck_assert_int_eq(L.nf, 3);
    ck_assert_int_eq(L.ns, 1);
    /* flows [t][0..2] = 100, 30, 70; stock 70, 140 */
    double flows[6], stocks[2] = { 70.0, 140.0 };
    for (int t = 0; t < 2; t++)
        for (int i = 0; i < 3; i++)
            flows[t * 3 + i] = L.fi[i].to == 1 ? 100.0 : L.fi[i].to == 2 ? 30.0 : 70.0;
    char msg[512];
    ck_assert_int_eq(check_balance(g, &L, flows, stocks, msg, sizeof msg), 0);
    stocks[1] = 139.0;
    ck_assert_int_gt(check_balance(g, &L, flows, stocks, msg, sizeof msg), 0);
    stocks[1] = 140.0;
    flows[4] = 31.0; /* 2021: a flow out of the split too large */
    ck_assert_int_gt(check_balance(g, &L, flows, stocks, msg, sizeof msg), 0);
    layout_free(&L);
    flow_model_free(g->m);
    free(g);
}
END_TEST

Suite *flow_random_suite(void)
{
    Suite *s = suite_create("random");
    TCase *tc = tcase_create("checker");
    tcase_add_test(tc, test_checker_itself);
    suite_add_tcase(s, tc);
    tc = tcase_create("models");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_random_models, 0, N_CHUNKS);
    suite_add_tcase(s, tc);
    return s;
}
