/*
 * stock.c — lifetimes and the dynamic stock model (DSM).
 *
 * An in-use stock (buildings, vehicles, appliances) keeps what flows into it
 * for a lifetime and then releases it as end-of-life outflow. This file
 * gives the survival function of each lifetime distribution and the two
 * classic DSM computations, inflow-driven and stock-driven, with the
 * conventions of ODYM (Pauliuk & Heeren 2020, dynamic_stock_model.py):
 * cohort c = year of inflow, survival S(a) = 1 - CDF(a) at integer ages
 * with no half-year shift, stock counted at year end, and outflow in the
 * inflow year counted as i_c (1 - S(0)). docs/architecture.md, "Dynamic
 * stock model", has the formulas.
 *
 * GSL's default error handler aborts and libflow never replaces it, so
 * every lifetime is validated before any GSL CDF sees its parameters.
 */
#include <assert.h>
#include <math.h>
#include <stdint.h>

#include <gsl/gsl_cdf.h>

#include "flow_int.h"

struct flow_dsm {
    flow_allocator alloc; /* a copy: the result must not depend on the caller's struct */
    size_t n;
    double *stock, *outflow, *inflow, *stock_change;
    double *stock_by_cohort, *outflow_by_cohort; /* n x n, [t * n + c] */
    double *sf; /* S(0..n), scratch: freed before the result is handed out */
};

/* A stock-driven model divides by S(0). Only a normal lifetime with a mean
 * well below zero has S(0) < 1, and as S(0) shrinks the needed inflow grows
 * as 1/S(0) while almost all of it leaves in the same year: below this
 * bound inflow - outflow would lose the stock change to rounding
 * (eps / S(0) ~ 2e-10 of the stock), and such a lifetime is a modelling
 * mistake anyway. */
static const double dsm_min_s0 = 1e-6;

/* How far below zero (relative to the stock and the surviving cohorts)
 * the numerator of a stock-driven inflow may fall and still count as zero:
 * rounding noise of a stock path that is exactly flat or exactly follows
 * its cohorts' decay. */
static const double dsm_neg_tol = 1e-12;

static const char *lt_kind_name(flow_lifetime_kind k)
{
    switch (k) {
    case FLOW_LT_FIXED: return "fixed";
    case FLOW_LT_NORMAL: return "normal";
    case FLOW_LT_FOLDEDNORMAL: return "folded normal";
    case FLOW_LT_LOGNORMAL: return "lognormal";
    case FLOW_LT_WEIBULL: return "Weibull";
    case FLOW_LT_EXPONENTIAL: return "exponential";
    }
    return "?";
}

/* The parameters of the normal distribution underlying a lognormal
 * lifetime with mean m and sd s, by matching moments:
 * sigma^2 = ln(1 + s^2/m^2), zeta = ln m - sigma^2/2. (ODYM's
 * dynamic_stock_model.py writes ln(1 + m^2/s^2), the ratio inverted; the
 * moment-matched form is the one docs/architecture.md prescribes.)
 * Returns 0 when an extreme ratio s/m makes sigma zero (underflow) or
 * infinite (overflow): GSL would then divide 0 by 0 or inf by inf. */
static int lognormal_params(double m, double s, double *zeta, double *sigma)
{
    double r = s / m;
    double s2 = log1p(r * r);
    *sigma = sqrt(s2);
    *zeta = log(m) - s2 / 2;
    return isfinite(*sigma) && *sigma > 0 && isfinite(*zeta);
}

/* Validates one parameter; report = 0 checks silently (for the survival
 * function, which returns NaN rather than an error). */
static int lt_param(const flow_lifetime *lt, const char *name, double v,
                    int positive, int report)
{
    if (isfinite(v) && (!positive || v > 0))
        return 0;
    if (!report)
        return FLOW_EINVAL;
    return flow_error__set(FLOW_EINVAL, "%s lifetime: %s is %g: must be finite%s",
                           lt_kind_name(lt->kind), name, v,
                           positive ? " and > 0" : "");
}

static int lt_check(const flow_lifetime *lt, int report)
{
    int rc;
    if (!lt)
        return report ? flow_error__set(FLOW_EINVAL, "lifetime is NULL") : FLOW_EINVAL;
    switch (lt->kind) {
    case FLOW_LT_FIXED:
        return lt_param(lt, "L (a)", lt->a, 1, report);
    case FLOW_LT_NORMAL:
    case FLOW_LT_FOLDEDNORMAL:
        /* The mean may be <= 0: an unusual lifetime, but a defined one. */
        if ((rc = lt_param(lt, "mean (a)", lt->a, 0, report)) != 0)
            return rc;
        return lt_param(lt, "sd (b)", lt->b, 1, report);
    case FLOW_LT_LOGNORMAL: {
        double zeta, sigma;
        if ((rc = lt_param(lt, "mean (a)", lt->a, 1, report)) != 0)
            return rc;
        if ((rc = lt_param(lt, "sd (b)", lt->b, 1, report)) != 0)
            return rc;
        if (lognormal_params(lt->a, lt->b, &zeta, &sigma))
            return 0;
        if (!report)
            return FLOW_EINVAL;
        return flow_error__set(FLOW_EINVAL,
                               "lognormal lifetime: mean %g and sd %g give sigma = %g: "
                               "sd/mean is out of range", lt->a, lt->b, sigma);
    }
    case FLOW_LT_WEIBULL:
        if ((rc = lt_param(lt, "shape k (a)", lt->a, 1, report)) != 0)
            return rc;
        return lt_param(lt, "scale lambda (b)", lt->b, 1, report);
    case FLOW_LT_EXPONENTIAL:
        return lt_param(lt, "mean (a)", lt->a, 1, report);
    }
    if (!report)
        return FLOW_EINVAL;
    return flow_error__set(FLOW_EINVAL, "lifetime kind %d is not a flow_lifetime_kind (0 to %d)",
                           (int)lt->kind, (int)FLOW_LT_EXPONENTIAL);
}

int flow_lifetime_check(const flow_lifetime *lt)
{
    return lt_check(lt, 1);
}

/* S(age) of a validated lifetime. GSL's upper tails (_Q) give 1 - CDF
 * without the cancellation of 1 - P near CDF = 1, where the stock-driven
 * model divides by S(0) and long-lived cohorts survive in small shares. */
static double survival(const flow_lifetime *lt, double age)
{
    switch (lt->kind) {
    case FLOW_LT_FIXED:
        /* ODYM: S(a) = [a < L], so a cohort is gone in year c + ceil(L). */
        return age < lt->a ? 1.0 : 0.0;
    case FLOW_LT_NORMAL:
        /* Not truncated at 0 (ODYM): S(0) = 1 - Phi(-mean/sd) < 1, the
         * lost mass being the outflow of the inflow year. */
        return gsl_cdf_ugaussian_Q((age - lt->a) / lt->b);
    case FLOW_LT_FOLDEDNORMAL: {
        /* CDF(a) = Phi((a-mu)/sd) - Phi((-a-mu)/sd), so
         * S(a) = Q((a-mu)/sd) + Q((a+mu)/sd): two tails, no cancellation.
         * S(0) = 1 exactly; rounding could push the sum past 1 elsewhere. */
        if (age <= 0)
            return 1.0;
        double s = gsl_cdf_ugaussian_Q((age - lt->a) / lt->b)
                   + gsl_cdf_ugaussian_Q((age + lt->a) / lt->b);
        return s < 1.0 ? s : 1.0;
    }
    case FLOW_LT_LOGNORMAL: {
        /* CDF(0) = 0; GSL would take log(0) to get there. */
        double zeta, sigma;
        if (age <= 0)
            return 1.0;
        lognormal_params(lt->a, lt->b, &zeta, &sigma);
        return gsl_cdf_lognormal_Q(age, zeta, sigma);
    }
    case FLOW_LT_WEIBULL:
        /* GSL's order is (x, scale, exponent): (age, lambda = b, k = a). */
        return gsl_cdf_weibull_Q(age, lt->b, lt->a);
    case FLOW_LT_EXPONENTIAL:
        return gsl_cdf_exponential_Q(age, lt->a);
    }
    return NAN;
}

double flow_lifetime_survival(const flow_lifetime *lt, int age)
{
    if (age < 0 || lt_check(lt, 0) != 0)
        return NAN;
    return survival(lt, (double)age);
}

/* ------------------------------------------------------------------ */
/* The dynamic stock model                                             */
/* ------------------------------------------------------------------ */

void flow_dsm_free(flow_dsm *d)
{
    if (!d)
        return;
    flow_allocator a = d->alloc;
    flow_alloc__free(&a, d->stock);
    flow_alloc__free(&a, d->outflow);
    flow_alloc__free(&a, d->inflow);
    flow_alloc__free(&a, d->stock_change);
    flow_alloc__free(&a, d->stock_by_cohort);
    flow_alloc__free(&a, d->outflow_by_cohort);
    flow_alloc__free(&a, d->sf);
    flow_alloc__free(&a, d);
}

static int dsm_array(flow_dsm *d, double **p, size_t count, const char *what)
{
    *p = flow_alloc__calloc(&d->alloc, count, sizeof **p);
    return *p ? 0 : flow_error__nomem(what);
}

/* Everything both drivers share before computing: the calling contract,
 * n, the lifetime, the input series (what = "inflow" or "stock"), and the
 * allocation of the result with S(0..n) filled in. Inputs are checked
 * before anything is allocated. */
static int dsm_begin(flow_dsm **out, const double *x, const char *what, size_t n,
                     const flow_lifetime *lt, const flow_allocator *alloc)
{
    assert(out != NULL);
    if (!out)
        return flow_error__set(FLOW_EINVAL, "dynamic stock model: out is NULL");
    *out = NULL;
    if (n == 0)
        return flow_error__set(FLOW_EINVAL, "dynamic stock model: n is 0: need at least one year");
    int rc = lt_check(lt, 1);
    if (rc)
        return rc;
    assert(x != NULL);
    if (!x)
        return flow_error__set(FLOW_EINVAL, "dynamic stock model: %s is NULL", what);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]) || x[i] < 0)
            return flow_error__set(FLOW_EVALUE, "%s[%zu] is %g: amounts must be finite and >= 0",
                                   what, i, x[i]);
    /* The by-cohort tables hold n * n doubles; calloc guards the
     * multiplication by sizeof(double). */
    if (n > SIZE_MAX / n)
        return flow_error__set(FLOW_ENOMEM,
                               "dynamic stock model: %zu years: an n x n cohort table "
                               "does not fit in memory", n);

    const flow_allocator *a = alloc ? alloc : &flow_alloc__default;
    flow_dsm *d = flow_alloc__calloc(a, 1, sizeof *d);
    if (!d)
        return flow_error__nomem("a dynamic stock model");
    d->alloc = *a;
    d->n = n;
    if ((rc = dsm_array(d, &d->stock, n, "the stock of a dynamic stock model")) != 0
        || (rc = dsm_array(d, &d->outflow, n, "the outflow of a dynamic stock model")) != 0
        || (rc = dsm_array(d, &d->inflow, n, "the inflow of a dynamic stock model")) != 0
        || (rc = dsm_array(d, &d->stock_change, n,
                           "the stock change of a dynamic stock model")) != 0
        || (rc = dsm_array(d, &d->stock_by_cohort, n * n,
                           "the stock by cohort of a dynamic stock model")) != 0
        || (rc = dsm_array(d, &d->outflow_by_cohort, n * n,
                           "the outflow by cohort of a dynamic stock model")) != 0
        || (rc = dsm_array(d, &d->sf, n + 1,
                           "the survival table of a dynamic stock model")) != 0) {
        flow_dsm_free(d);
        return rc;
    }
    /* Computed once: the loops below need S(t - c) n^2 / 2 times. */
    for (size_t age = 0; age <= n; age++)
        d->sf[age] = survival(lt, (double)age);
    *out = d;
    return 0;
}

/* The year loop of both drivers, O(n^2). given is the inflow (stock_driven
 * = 0) or the stock path (stock_driven = 1). ODYM's
 * compute_s_c_inflow_driven / compute_o_c_from_s_c and
 * compute_stock_driven_model:
 *   s[t][c] = i_c S(t - c)                 (c <= t)
 *   o[t][c] = s[t-1][c] - s[t][c]          (c < t)
 *   o[c][c] = i_c (1 - S(0))
 *   stock-driven: i_t = (stock_t - sum_{c<t} i_c S(t - c)) / S(0). */
static int dsm_run(flow_dsm *d, const double *given, int stock_driven, unsigned flags)
{
    size_t n = d->n;
    const double *sf = d->sf;
    for (size_t t = 0; t < n; t++) {
        double *s = d->stock_by_cohort + t * n;
        double *o = d->outflow_by_cohort + t * n;
        const double *s_prev = t ? s - n : s; /* read only for c < t */
        double surviving = 0, out_old = 0;
        for (size_t c = 0; c < t; c++) {
            s[c] = d->inflow[c] * sf[t - c];
            o[c] = s_prev[c] - s[c];
            surviving += s[c];
            out_old += o[c];
        }
        double in;
        if (stock_driven) {
            double need = given[t] - surviving;
            if (need < 0 && !(flags & FLOW_DSM_ALLOW_NEGATIVE_INFLOW)) {
                double scale = given[t] > surviving ? given[t] : surviving;
                if (need < -dsm_neg_tol * scale)
                    return flow_error__set(FLOW_EVALUE,
                                           "stock-driven model: stock[%zu] (value %zu of the series, "
                                           "counting from 1) = %g but earlier cohorts still hold %g: "
                                           "it would need an inflow of %g (FLOW_DSM_ALLOW_NEGATIVE_INFLOW, "
                                           "in Lua allow_negative_inflow = true, allows it)",
                                           t, t + 1, given[t], surviving, need / sf[0]);
                need = 0; /* rounding noise of an exactly flat or decaying path */
            }
            in = need / sf[0];
        } else {
            in = given[t];
        }
        d->inflow[t] = in;
        s[t] = in * sf[0];
        o[t] = in * (1 - sf[0]);
        d->stock[t] = surviving + s[t];
        d->outflow[t] = out_old + o[t];
        d->stock_change[t] = in - d->outflow[t];
        /* Finite inputs can still add up past DBL_MAX (or divide past it
         * by a small S(0)); a result is never allowed to hold inf/NaN. */
        if (!isfinite(d->stock[t]) || !isfinite(d->outflow[t]) || !isfinite(in)
            || !isfinite(d->stock_change[t]))
            return flow_error__set(FLOW_EVALUE,
                                   "dynamic stock model: year %zu: stock %g, inflow %g, "
                                   "outflow %g: amounts too large", t, d->stock[t], in,
                                   d->outflow[t]);
    }
    return 0;
}

/* Hands the result out (scratch freed) or frees it on error. */
static int dsm_end(flow_dsm **out, int rc)
{
    flow_dsm *d = *out;
    if (rc) {
        flow_dsm_free(d);
        *out = NULL;
        return rc;
    }
    flow_alloc__free(&d->alloc, d->sf);
    d->sf = NULL;
    return 0;
}

int flow_dsm_inflow_driven(flow_dsm **out, const double *inflow, size_t n,
                           const flow_lifetime *lt, const flow_allocator *alloc)
{
    int rc = dsm_begin(out, inflow, "inflow", n, lt, alloc);
    if (rc)
        return rc;
    return dsm_end(out, dsm_run(*out, inflow, 0, 0));
}

int flow_dsm_stock_driven(flow_dsm **out, const double *stock, size_t n,
                          const flow_lifetime *lt, unsigned flags,
                          const flow_allocator *alloc)
{
    assert(out != NULL);
    if (!out)
        return flow_error__set(FLOW_EINVAL, "dynamic stock model: out is NULL");
    *out = NULL;
    /* Unknown bits are refused so that a future flag is never silently
     * ignored by an older library. */
    if (flags & ~(unsigned)FLOW_DSM_ALLOW_NEGATIVE_INFLOW)
        return flow_error__set(FLOW_EINVAL, "stock-driven model: unknown flags 0x%x",
                               flags & ~(unsigned)FLOW_DSM_ALLOW_NEGATIVE_INFLOW);
    /* S(0) is checked before anything is allocated; only a bad lifetime
     * (reported by dsm_begin) stops us from evaluating it here. */
    if (lt_check(lt, 0) == 0) {
        double s0 = survival(lt, 0.0);
        if (!(s0 >= dsm_min_s0))
            return flow_error__set(FLOW_EINVAL,
                                   "stock-driven model: %s lifetime (a = %g, b = %g) has "
                                   "S(0) = %g, below %g: the inflow is divided by S(0), the "
                                   "share of an inflow still in stock at the end of its year",
                                   lt_kind_name(lt->kind), lt->a, lt->b, s0, dsm_min_s0);
    }
    int rc = dsm_begin(out, stock, "stock", n, lt, alloc);
    if (rc)
        return rc;
    return dsm_end(out, dsm_run(*out, stock, 1, flags));
}

size_t flow_dsm_length(const flow_dsm *d)
{
    assert(d != NULL);
    return d ? d->n : 0;
}

const double *flow_dsm_stock(const flow_dsm *d)
{
    assert(d != NULL);
    return d ? d->stock : NULL;
}

const double *flow_dsm_outflow(const flow_dsm *d)
{
    assert(d != NULL);
    return d ? d->outflow : NULL;
}

const double *flow_dsm_inflow(const flow_dsm *d)
{
    assert(d != NULL);
    return d ? d->inflow : NULL;
}

const double *flow_dsm_stock_change(const flow_dsm *d)
{
    assert(d != NULL);
    return d ? d->stock_change : NULL;
}

const double *flow_dsm_stock_by_cohort(const flow_dsm *d)
{
    assert(d != NULL);
    return d ? d->stock_by_cohort : NULL;
}

const double *flow_dsm_outflow_by_cohort(const flow_dsm *d)
{
    assert(d != NULL);
    return d ? d->outflow_by_cohort : NULL;
}
