/*
 * inuse_stock.c — an in-use stock of durable goods (vehicles, appliances,
 * buildings) as a dynamic stock model: each year's inflow is a cohort
 * that leaves as end-of-life waste over the years by a lifetime
 * distribution (the inflow-driven model of ODYM, Pauliuk & Heeren 2020).
 *
 * With i_c the inflow of year c (per material) and S(a) the survival
 * function, the share of a cohort still in use at integer age a:
 *
 *     outflow(t) = i_t (1 - S(0))                              [coef]
 *                + sum over c < t of i_c (S(t-1-c) - S(t-c))   [release]
 *
 * The first term is a coefficient of the year's input; the second is
 * released from the process's stock, which the core keeps (what the
 * columns do not send out). S(a) = 1 - CDF(a) at integer age a, no
 * half-year shift, as ODYM. The distributions (parameter distribution):
 *   0 fixed:      S(a) = 1 if a < L else 0, L = lifetime_mean_years
 *                 (every cohort leaves whole at age ceil(L));
 *   1 normal:     S(a) = Q(a; mean, sd) (gsl_cdf_gaussian_Q); S(0) < 1,
 *                 the normal's mass below age 0 leaves the first year;
 *   2 lognormal:  of the given mean and sd: sigma² = ln(1 + sd²/mean²),
 *                 mu = ln(mean) - sigma²/2 (gsl_cdf_lognormal_Q);
 *   3 Weibull:    shape k = weibull_shape, scale = mean / Γ(1 + 1/k)
 *                 (gsl_cdf_weibull_Q); sd is not used.
 * The parameter is rounded to the nearest code. A normal or lognormal
 * with sd 0 is the fixed lifetime; a lognormal or Weibull of mean 0 has
 * S = 0 (everything leaves the year it comes).
 *
 * State: the cohorts, inflow[year][material], allocated in init() for the
 * model's years and materials and filled by step(). The release of a
 * material never exceeds the stock the core gives (an initial stock set
 * in the model has no age, so the type releases only the cohorts it
 * received; the clamp keeps the release within the stock when parameters
 * change over the years). Materials keep their identity; the type makes
 * none.
 */
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>

#include "facility.h"

enum { P_EOL, N_PORTS };
enum { K_DIST, K_MEAN, K_SD, K_SHAPE, N_PARAMS };
enum { D_FIXED, D_NORMAL, D_LOGNORMAL, D_WEIBULL };

static const flow_param_decl params[N_PARAMS] = {
    /* ESTIMATE: normal, ODYM's most common choice for product lifetimes */
    { "distribution", "code", D_NORMAL, 0, 3, "lifetime distribution: 0 fixed, 1 normal, 2 lognormal, 3 Weibull" },
    /* ESTIMATE: 15 a, mid-range of vehicles (12–15 a in China) and large
     * appliances (10–15 a); set per stock */
    { "lifetime_mean_years", "a", 15, 0, 200, "mean lifetime (the lifetime itself when fixed)" },
    /* ESTIMATE: a third of the mean */
    { "lifetime_sd_years", "a", 5, 0, 100, "standard deviation of the lifetime (normal, lognormal)" },
    /* ESTIMATE: 2, a wear-out failure rate */
    { "weibull_shape", "1", 2, 0.2, 20, "shape k of the Weibull lifetime" },
};
static const char *const ports[N_PORTS] = { "end_of_life" };
static const char *const metrics[] = { "inflow_t", "outflow_t", "stock_t" };

typedef struct inuse_state {
    double *inflow;     /* [n_years × M]: the cohort of year first + y, material m, t */
    double *surv;       /* [n_years + 1]: S(a) of this year's parameters, scratch */
    int first, n_years, M;
} inuse_state;

static double survival(const double *p, double a)
{
    int dist = (int)lround(p[K_DIST]);
    double mean = p[K_MEAN], sd = p[K_SD];
    if (dist == D_FIXED || (dist != D_WEIBULL && sd <= 0))
        return a < mean ? 1 : 0;
    if (dist == D_NORMAL)
        return gsl_cdf_gaussian_Q(a - mean, sd);
    if (mean <= 0)
        return 0;
    if (a <= 0)
        return 1;
    if (dist == D_LOGNORMAL) {
        double s2 = log1p(sd * sd / (mean * mean));
        return gsl_cdf_lognormal_Q(a, log(mean) - s2 / 2, sqrt(s2));
    }
    double k = p[K_SHAPE];
    return gsl_cdf_weibull_Q(a, mean / gsl_sf_gamma(1 + 1 / k), k);
}

static int init(const flow_type_ctx *ctx, void *state)
{
    inuse_state *st = state;
    int first, last;
    flow_type_ctx_years(ctx, &first, &last);
    int M = flow_type_ctx_n_materials(ctx);
    if (last < first || M < 0)
        return FLOW_EINVAL;
    st->first = first;
    st->n_years = last - first + 1;
    st->M = M;
    st->inflow = calloc((size_t)st->n_years * (size_t)(M > 0 ? M : 1), sizeof *st->inflow);
    st->surv = calloc((size_t)st->n_years + 1, sizeof *st->surv);
    if (!st->inflow || !st->surv) {
        free(st->inflow);
        free(st->surv);
        st->inflow = st->surv = NULL;
        return FLOW_ENOMEM;
    }
    return 0;
}

static void fini(void *state)
{
    inuse_state *st = state;
    free(st->inflow);
    free(st->surv);
    st->inflow = st->surv = NULL;
}

/* The index of this year among the model's years, or a negative error. */
static int year_index(const flow_type_ctx *ctx, const inuse_state *st)
{
    if (!st->inflow || !st->surv || st->M != flow_type_ctx_n_materials(ctx))
        return FLOW_ESTATE;
    int y = flow_type_ctx_year(ctx) - st->first;
    return y >= 0 && y < st->n_years ? y : FLOW_ERANGE;
}

static int transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    inuse_state *st = state;
    double p[N_PARAMS];
    int rc = fac_params(ctx, params, N_PARAMS, p);
    if (rc < 0)
        return rc;
    int y = year_index(ctx, st);
    if (y < 0)
        return y;
    for (int a = 0; a <= y; a++) {
        st->surv[a] = survival(p, a);
        if (!(st->surv[a] >= 0 && st->surv[a] <= 1))
            return FLOW_EVALUE;
    }
    int M = st->M;
    for (int m = 0; m < M; m++) {
        /* the diagonal, one row a material; T arrives zeroed, so none
         * when nothing fails in its first year (a fixed lifetime) */
        if (1 - st->surv[0] != 0) {
            double *row = fac_row(T, P_EOL, m);
            if (!row)
                return FLOW_EPLUGIN;
            row[m] = 1 - st->surv[0];
        }
        double r = 0;
        for (int c = 0; c < y; c++) {
            /* the share of cohort c that reaches its end of life this year */
            double d = st->surv[y - 1 - c] - st->surv[y - c];
            if (d > 0)
                r += st->inflow[(size_t)c * M + m] * d;
        }
        double s = flow_type_ctx_stock(ctx, m);
        if (isnan(s) || isinf(s))
            return FLOW_EVALUE;
        if (r > s)
            r = s;
        *fac_release(T, P_EOL, m) = r > 0 ? r : 0;
    }
    return 0;
}

static int step(const flow_type_ctx *ctx, void *state, const double *in, const double *out,
                double *met)
{
    inuse_state *st = state;
    int y = year_index(ctx, st);
    if (y < 0)
        return y;
    int M = st->M;
    double stock = 0;
    for (int m = 0; m < M; m++) {
        st->inflow[(size_t)y * M + m] = in[m];
        double s = flow_type_ctx_stock(ctx, m);
        if (s > 0)
            stock += s;
    }
    double i = fac_sum(in, (size_t)M), o = fac_sum(out, (size_t)M);
    met[0] = i;
    met[1] = o;
    met[2] = stock + i - o > 0 ? stock + i - o : 0;
    return 0;
}

FLOW_PLUGIN_DEFINE(inuse_stock, "inuse_stock",
    .description = "in-use stock of durable goods: cohorts, lifetime distribution, end-of-life outflow",
    .version = "1.0",
    .params = params, .n_params = N_PARAMS,
    .ports = ports, .n_ports = N_PORTS,
    .metrics = metrics, .n_metrics = 3,
    .state_size = sizeof(inuse_state),
    .init = init,
    .transfer = transfer, .transfer_by_rows = 1,
    .step = step,
    .fini = fini);
