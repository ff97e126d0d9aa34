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
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "flow_int.h"

/* The totals are computed year by year from the inflows and two tables of
 * the lifetime; the by-cohort values are products of the same numbers, so
 * they are not stored unless a caller asks for a whole n x n array. */
struct flow_dsm {
    flow_allocator alloc; /* a copy: the result must not depend on the caller's struct */
    size_t n;
    /* one block of 6 n doubles: the four series, then the two tables */
    double *stock, *outflow, *inflow, *stock_change;
    /* by age, stored age-reversed so that the year loop reads them forwards
     * as it reads the inflows: rs[n-1-a] = S(a), the share of a cohort
     * still in stock at age a; rq[n-1-a] = q(a), the share leaving at age
     * a: q(0) = 1 - S(0), q(a) = S(a-1) - S(a). */
    double *rs, *rq;
    /* n x n, [t * n + c]: NULL until flow_dsm_*_by_cohort() asks for them */
    double *stock_by_cohort, *outflow_by_cohort;
};

/* A stock-driven model divides by S(0). A fixed lifetime of 0 has S(0) = 0
 * (refused with its own message); otherwise only a normal lifetime with a
 * mean well below zero has S(0) < 1, and as S(0) shrinks the needed inflow grows
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

/* What a lifetime parameter must be besides finite. */
enum { LT_ANY, LT_POSITIVE, LT_NONNEGATIVE };

/* Validates one parameter; report = 0 checks silently (for the survival
 * function, which returns NaN rather than an error). */
static int lt_param(const flow_lifetime *lt, const char *name, double v, int range, int report)
{
    if (isfinite(v) && (range == LT_ANY || (range == LT_POSITIVE ? v > 0 : v >= 0)))
        return 0;
    if (!report)
        return FLOW_EINVAL;
    return flow_error__set(FLOW_EINVAL, "%s lifetime: %s is %g: must be finite%s",
                           lt_kind_name(lt->kind), name, v,
                           range == LT_POSITIVE ? " and > 0" : range == LT_NONNEGATIVE ? " and >= 0" : "");
}

static int lt_check(const flow_lifetime *lt, int report)
{
    int rc;
    if (!lt)
        return report ? flow_error__set(FLOW_EINVAL, "lifetime is NULL") : FLOW_EINVAL;
    switch (lt->kind) {
    case FLOW_LT_FIXED:
        /* L = 0: goods used up within their year of inflow (S(0) = 0). */
        return lt_param(lt, "L (a)", lt->a, LT_NONNEGATIVE, report);
    case FLOW_LT_NORMAL:
    case FLOW_LT_FOLDEDNORMAL:
        /* The mean may be <= 0: an unusual lifetime, but a defined one. */
        if ((rc = lt_param(lt, "mean (a)", lt->a, LT_ANY, report)) != 0)
            return rc;
        return lt_param(lt, "sd (b)", lt->b, LT_POSITIVE, report);
    case FLOW_LT_LOGNORMAL: {
        double zeta, sigma;
        if ((rc = lt_param(lt, "mean (a)", lt->a, LT_POSITIVE, report)) != 0)
            return rc;
        if ((rc = lt_param(lt, "sd (b)", lt->b, LT_POSITIVE, report)) != 0)
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
        if ((rc = lt_param(lt, "shape k (a)", lt->a, LT_POSITIVE, report)) != 0)
            return rc;
        return lt_param(lt, "scale lambda (b)", lt->b, LT_POSITIVE, report);
    case FLOW_LT_EXPONENTIAL:
        return lt_param(lt, "mean (a)", lt->a, LT_POSITIVE, report);
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
        /* ODYM: S(a) = [a < L], so a cohort is gone in year c + ceil(L);
         * L = 0 gives S(0) = 0: all of it leaves in its year of inflow. */
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
    flow_alloc__free(&a, d->stock); /* the block of the series and tables */
    flow_alloc__free(&a, d->stock_by_cohort);
    flow_alloc__free(&a, d->outflow_by_cohort);
    flow_alloc__free(&a, d);
}

/* The two tables of a validated lifetime, ages 0..n-1: S(a) is evaluated
 * once per age, never inside the year loop. */
static void dsm_tables(flow_dsm *d, const flow_lifetime *lt)
{
    size_t n = d->n;
    double prev = 1; /* S(-1): nothing has left before the year of inflow */
    for (size_t a = 0; a < n; a++) {
        double s = survival(lt, (double)a);
        d->rs[n - 1 - a] = s;
        d->rq[n - 1 - a] = prev - s;
        prev = s;
    }
}

/* Everything both drivers share before computing: the calling contract,
 * n, the lifetime, the input series (what = "inflow" or "stock"), and the
 * allocation of the result with its tables filled in. Inputs are checked
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
    /* calloc guards the multiplication by sizeof(double), not this one */
    if (n > SIZE_MAX / 6)
        return flow_error__set(FLOW_ENOMEM, "dynamic stock model: %zu years do not fit in memory", n);

    const flow_allocator *a = alloc ? alloc : &flow_alloc__default;
    flow_dsm *d = flow_alloc__calloc(a, 1, sizeof *d);
    if (!d)
        return flow_error__nomem("a dynamic stock model");
    d->alloc = *a;
    d->n = n;
    d->stock = flow_alloc__calloc(&d->alloc, 6 * n, sizeof *d->stock);
    if (!d->stock) {
        flow_dsm_free(d);
        return flow_error__nomem("the series of a dynamic stock model");
    }
    d->outflow = d->stock + n;
    d->inflow = d->stock + 2 * n;
    d->stock_change = d->stock + 3 * n;
    d->rs = d->stock + 4 * n;
    d->rq = d->stock + 5 * n;
    dsm_tables(d, lt);
    *out = d;
    return 0;
}

/* In year t, what the earlier cohorts c < t still hold, sum i_c S(t-c),
 * and what leaves of them, sum i_c q(t-c): with r = rs or rq, r[n-1-t+c].
 * Two partial sums of each: the additions of one chain wait for each
 * other, two chains overlap. */
static void dsm_earlier(const flow_dsm *d, size_t t, double *held, double *leaving)
{
    const double *in = d->inflow, *s = d->rs + (d->n - 1 - t), *q = d->rq + (d->n - 1 - t);
    double s0 = 0, s1 = 0, q0 = 0, q1 = 0;
    size_t c = 0;
    for (; c + 1 < t; c += 2) {
        s0 += in[c] * s[c];
        q0 += in[c] * q[c];
        s1 += in[c + 1] * s[c + 1];
        q1 += in[c + 1] * q[c + 1];
    }
    if (c < t) {
        s0 += in[c] * s[c];
        q0 += in[c] * q[c];
    }
    *held = s0 + s1;
    *leaving = q0 + q1;
}

/* The year loop of both drivers, O(n^2) multiply-adds. given is the
 * inflow (stock_driven = 0) or the stock path (stock_driven = 1). ODYM's
 * compute_s_c_inflow_driven / compute_o_c_from_s_c and
 * compute_stock_driven_model, summed over cohorts as they go:
 *   s[t][c] = i_c S(t - c), o[t][c] = i_c q(t - c)      (c <= t)
 *   stock-driven: i_t = (stock_t - sum_{c<t} i_c S(t - c)) / S(0). */
static int dsm_run(flow_dsm *d, const double *given, int stock_driven, unsigned flags)
{
    size_t n = d->n;
    const double S0 = d->rs[n - 1], q0 = d->rq[n - 1];
    for (size_t t = 0; t < n; t++) {
        double surviving, out_old;
        dsm_earlier(d, t, &surviving, &out_old);
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
                                           t, t + 1, given[t], surviving, need / S0);
                need = 0; /* rounding noise of an exactly flat or decaying path */
            }
            in = need / S0;
        } else {
            in = given[t];
        }
        d->inflow[t] = in;
        d->stock[t] = surviving + in * S0;
        d->outflow[t] = out_old + in * q0;
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

/* Hands the result out, or frees it on error. */
static int dsm_end(flow_dsm **out, int rc)
{
    if (rc) {
        flow_dsm_free(*out);
        *out = NULL;
    }
    return rc;
}

int flow_dsm_inflow_driven(flow_dsm **out, const double *inflow, size_t n,
                           const flow_lifetime *lt, const flow_allocator *alloc)
{
    int rc = dsm_begin(out, inflow, "inflow", n, lt, alloc);
    if (rc)
        return rc;
    memcpy((*out)->inflow, inflow, n * sizeof *inflow);
    return dsm_end(out, dsm_run(*out, inflow, 0, 0));
}

/* S(0) is checked before anything is allocated: the stock-driven model
 * divides by it. Only a bad lifetime (reported by dsm_begin) stops us
 * from evaluating it here. */
static int dsm_check_s0(const flow_lifetime *lt)
{
    if (lt_check(lt, 0) != 0)
        return 0;
    double s0 = survival(lt, 0.0);
    if (s0 == 0 && lt->kind == FLOW_LT_FIXED)
        return flow_error__set(FLOW_EINVAL,
                               "stock-driven model: a fixed lifetime of 0 has S(0) = 0: nothing "
                               "of an inflow is left at the end of its year, so no inflow can make "
                               "a stock (an inflow-driven model can use it)");
    if (!(s0 >= dsm_min_s0))
        return flow_error__set(FLOW_EINVAL,
                               "stock-driven model: %s lifetime (a = %g, b = %g) has "
                               "S(0) = %g, below %g: the inflow is divided by S(0), the "
                               "share of an inflow still in stock at the end of its year",
                               lt_kind_name(lt->kind), lt->a, lt->b, s0, dsm_min_s0);
    return 0;
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
    int rc = dsm_check_s0(lt);
    if (rc)
        return rc;
    if ((rc = dsm_begin(out, stock, "stock", n, lt, alloc)))
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

/* i_c r(t - c) for c <= t, 0 for a cohort not yet in; r = rs or rq. */
static double cohort_value(const flow_dsm *d, const double *r, size_t t, size_t c)
{
    return c <= t ? d->inflow[c] * r[d->n - 1 - t + c] : 0;
}

double flow_dsm_stock_by_cohort_at(const flow_dsm *d, size_t t, size_t c)
{
    assert(d != NULL);
    if (!d || t >= d->n || c >= d->n)
        return NAN;
    return cohort_value(d, d->rs, t, c);
}

double flow_dsm_outflow_by_cohort_at(const flow_dsm *d, size_t t, size_t c)
{
    assert(d != NULL);
    if (!d || t >= d->n || c >= d->n)
        return NAN;
    return cohort_value(d, d->rq, t, c);
}

/* A by-cohort array, made on the first call and kept by the result: the
 * values are fixed once the result is, so filling them in later is not a
 * change a caller holding a const result could see. */
static const double *by_cohort(const flow_dsm *cd, int outflow)
{
    assert(cd != NULL);
    if (!cd)
        return NULL;
    flow_dsm *d = (flow_dsm *)cd;
    double **slot = outflow ? &d->outflow_by_cohort : &d->stock_by_cohort;
    if (*slot)
        return *slot;
    size_t n = d->n;
    const char *what = outflow ? "the outflow by cohort of a dynamic stock model"
                               : "the stock by cohort of a dynamic stock model";
    if (n > SIZE_MAX / n) {
        flow_error__set(FLOW_ENOMEM, "%s: %zu x %zu values do not fit in memory", what, n, n);
        return NULL;
    }
    double *m = flow_alloc__calloc(&d->alloc, n * n, sizeof *m);
    if (!m) {
        flow_error__nomem(what);
        return NULL;
    }
    const double *r = outflow ? d->rq : d->rs;
    for (size_t t = 0; t < n; t++)
        for (size_t c = 0; c <= t; c++)
            m[t * n + c] = cohort_value(d, r, t, c);
    return *slot = m;
}

const double *flow_dsm_stock_by_cohort(const flow_dsm *d)
{
    return by_cohort(d, 0);
}

const double *flow_dsm_outflow_by_cohort(const flow_dsm *d)
{
    return by_cohort(d, 1);
}
