/*
 * sample.c — the sampler of the ensembles: probability distributions
 * (their checks and inverse CDFs, through GSL) and the counter-based
 * streams that make draw i of a parameter a pure function of (seed, i,
 * the parameter's name), whatever the thread that draws it.
 *
 * The stream is SplitMix64's finaliser (Stafford's mix 13) chained over
 * the seed, the key (a 64-bit FNV-1a hash of the name, mixed), the sample
 * index and a draw number: no state, so any thread or process may compute
 * any draw in any order and get the same bits.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "ensemble_int.h"

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

unsigned long long flow_stream_key(const char *name)
{
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a, 64 bits */
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * 0x100000001b3ULL;
    return mix64(h);
}

double flow_stream_uniform(unsigned long long seed, unsigned long long sample, unsigned long long key,
                           unsigned draw)
{
    uint64_t x = mix64((uint64_t)seed + 0x9e3779b97f4a7c15ULL);
    x = mix64(x ^ (uint64_t)key);
    x = mix64(x + ((uint64_t)sample + 1) * 0x9e3779b97f4a7c15ULL);
    x = mix64(x ^ (((uint64_t)draw + 1) * 0xd1b54a32d192ed03ULL));
    return ((double)(x >> 11) + 0.5) * 0x1.0p-53; /* in (0, 1), never 0 or 1 */
}

const char *flow_dist_name(flow_dist_kind k)
{
    static const char *const names[] = { "normal", "lognormal", "uniform", "triangular",
                                         "beta",   "pert",      "discrete" };
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : NULL;
}

int flow_dist_parse(const char *name, flow_dist_kind *out)
{
    for (int k = 0; flow_dist_name((flow_dist_kind)k); k++)
        if (strcmp(name, flow_dist_name((flow_dist_kind)k)) == 0) {
            *out = (flow_dist_kind)k;
            return 0;
        }
    return flow_error__set(FLOW_ENOTFOUND,
                           "no distribution '%s' (known: normal, lognormal, uniform, triangular, beta, pert, "
                           "discrete)",
                           name);
}

static int bad(const char *who, const char *fmt, ...) FLOW_PRINTF(2, 3);
static int bad(const char *who, const char *fmt, ...)
{
    char what[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return flow_error__set(FLOW_EINVAL, "uncertainty of '%s': %s", who, what);
}

static int check_discrete(const flow_dist *d, const char *who)
{
    if (d->n < 1 || !d->values)
        return flow_error__set(FLOW_EINVAL, "uncertainty of '%s': a discrete distribution needs values", who);
    double sum = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (!isfinite(d->values[i]))
            return bad(who, "value %zu of the discrete distribution is not finite", i + 1);
        if (d->probs && !(d->probs[i] >= 0 && isfinite(d->probs[i])))
            return bad(who, "probability %zu is %g, not >= 0", i + 1, d->probs[i]);
        sum += d->probs ? d->probs[i] : 0;
    }
    if (d->probs && fabs(sum - 1) > 1e-9)
        return bad(who, "the probabilities add to %.12g, not 1", sum);
    return 0;
}

static int check_range(const char *who, double lo, double mode, double hi, int has_mode)
{
    if (!(lo <= hi))
        return bad(who, "min = %g > max = %g", lo, hi);
    if (has_mode && !(lo <= mode && mode <= hi))
        return bad(who, "mode = %g outside [min, max] = [%g, %g]", mode, lo, hi);
    return 0;
}

int flow_dist_check(const flow_dist *d, const char *who)
{
    if (!who)
        who = "?";
    for (int i = 0; i < 4; i++)
        if (!isfinite((&d->a)[i]))
            return bad(who, "parameter %d of the distribution is not finite", i + 1);
    switch (d->kind) {
    case FLOW_DIST_NORMAL:
        return d->b < 0 ? bad(who, "sd = %g < 0", d->b) : 0;
    case FLOW_DIST_LOGNORMAL:
        if (!(d->a > 0))
            return bad(who, "a log-normal needs mean > 0 (mean = %g)", d->a);
        return d->b < 0 ? bad(who, "sd = %g < 0", d->b) : 0;
    case FLOW_DIST_UNIFORM:
        return check_range(who, d->a, 0, d->b, 0);
    case FLOW_DIST_TRIANGULAR:
    case FLOW_DIST_PERT:
        if (d->kind == FLOW_DIST_PERT && !(d->d >= 0))
            return bad(who, "PERT lambda = %g < 0", d->d);
        return check_range(who, d->a, d->b, d->c, 1);
    case FLOW_DIST_BETA:
        if (!(d->a > 0))
            return bad(who, "beta alpha = %g <= 0", d->a);
        if (!(d->b > 0))
            return bad(who, "beta beta = %g <= 0", d->b);
        return check_range(who, d->c, 0, d->d, 0);
    case FLOW_DIST_DISCRETE:
        return check_discrete(d, who);
    }
    return flow_error__set(FLOW_EINVAL, "uncertainty of '%s': invalid distribution kind %d", who, (int)d->kind);
}

static double triangular_q(double lo, double mode, double hi, double u)
{
    if (hi == lo)
        return lo;
    double f = (mode - lo) / (hi - lo);
    if (u < f)
        return lo + sqrt(u * (hi - lo) * (mode - lo));
    return hi - sqrt((1 - u) * (hi - lo) * (hi - mode));
}

static double beta_q(double alpha, double beta, double lo, double hi, double u)
{
    return lo + (hi - lo) * gsl_cdf_beta_Pinv(u, alpha, beta);
}

static double discrete_q(const flow_dist *d, double u)
{
    double cum = 0;
    for (size_t i = 0; i + 1 < d->n; i++) {
        cum += d->probs ? d->probs[i] : 1.0 / (double)d->n;
        if (u < cum)
            return d->values[i];
    }
    return d->values[d->n - 1];
}

double flow_dist_quantile(const flow_dist *d, double u)
{
    switch (d->kind) {
    case FLOW_DIST_NORMAL:
        return d->a + gsl_cdf_gaussian_Pinv(u, d->b > 0 ? d->b : 1) * (d->b > 0);
    case FLOW_DIST_LOGNORMAL: {
        /* from the mean and sd of the value: s^2 = ln(1 + sd^2/mean^2),
         * mu = ln(mean) - s^2/2 */
        double s2 = log1p(d->b * d->b / (d->a * d->a));
        if (s2 == 0)
            return d->a;
        return gsl_cdf_lognormal_Pinv(u, log(d->a) - s2 / 2, sqrt(s2));
    }
    case FLOW_DIST_UNIFORM:
        return d->a + u * (d->b - d->a);
    case FLOW_DIST_TRIANGULAR:
        return triangular_q(d->a, d->b, d->c, u);
    case FLOW_DIST_BETA:
        return beta_q(d->a, d->b, d->c, d->d, u);
    case FLOW_DIST_PERT: {
        /* PERT = a beta on [min, max], alpha = 1 + l (mode - min) / (max - min),
         * beta = 1 + l (max - mode) / (max - min) (Vose, Risk Analysis, 2008) */
        double range = d->c - d->a, l = d->d > 0 ? d->d : 4;
        if (range == 0)
            return d->a;
        return beta_q(1 + l * (d->b - d->a) / range, 1 + l * (d->c - d->b) / range, d->a, d->c, u);
    }
    case FLOW_DIST_DISCRETE:
        return discrete_q(d, u);
    }
    return NAN;
}
