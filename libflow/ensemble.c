/*
 * ensemble.c — ensembles: declaring uncertain parameters, drawing sample
 * i of each from its counter-based stream (sample.c) with Latin hypercube
 * strata and shared drivers, and the summaries of a run (moments,
 * percentiles, the probability that each target is met). Running the
 * samples on threads is ensrun.c.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "ensemble_int.h"

int flow_ensemble_new(flow_ensemble **out, const flow_model *m)
{
    *out = NULL;
    if (!m || !flow_model_is_compiled(m))
        return flow_error__set(FLOW_ESTATE, "ensemble: the model is not compiled");
    flow_ensemble *e = flow_alloc__calloc(&m->alloc, 1, sizeof *e);
    if (!e)
        return flow_error__nomem("ensemble");
    e->m = m;
    e->T = flow_model_n_years(m);
    *out = e;
    return 0;
}

void flow_ensemble_free(flow_ensemble *e)
{
    if (!e)
        return;
    const flow_allocator *a = &e->m->alloc;
    for (int k = 0; k < e->n_u; k++) {
        flow_alloc__free(a, e->u[k].name);
        flow_alloc__free(a, e->u[k].vals);
    }
    flow_alloc__free(a, e->u);
    flow_alloc__free(a, e->base);
    flow_alloc__free(a, e->perm_keys);
    flow_alloc__free(a, e->perms);
    for (int k = 0; k < FLOW_ITEM_KIND_COUNT_; k++)
        flow_alloc__free(a, e->keep[k]);
    flow_alloc__free(a, e->met);
    flow_alloc__free(a, e->draws);
    flow_alloc__free(a, e);
}

static int check_new(const flow_ensemble *e, const flow_uncertain *u, int *param)
{
    if (e->ran)
        return flow_error__set(FLOW_ESTATE, "ensemble: it has run; declare parameters before");
    int rc = flow_model_find_param(e->m, u->param, param);
    if (rc) {
        char why[512]; /* a copy: the message is formatted into the buffer it came from */
        snprintf(why, sizeof why, "%s", flow_error_last());
        return flow_error__set(rc, "uncertainty: %s", why);
    }
    const flow_param *p = &e->m->params[*param];
    if (p->product)
        return flow_error__set(FLOW_EINVAL,
                               "uncertainty of '%s': a derived parameter (a product); declare the "
                               "uncertainty of its factors",
                               u->param);
    for (int k = 0; k < e->n_u; k++)
        if (e->u[k].param == *param)
            return flow_error__set(FLOW_EEXIST, "uncertainty of '%s' is declared twice", u->param);
    if ((unsigned)u->apply > FLOW_APPLY_SHIFT)
        return flow_error__set(FLOW_EINVAL, "uncertainty of '%s': invalid apply %d", u->param, (int)u->apply);
    if (u->driver && !(u->rho >= -1 && u->rho <= 1))
        return flow_error__set(FLOW_EINVAL, "uncertainty of '%s': rho = %g outside [-1, 1]", u->param, u->rho);
    return flow_dist_check(&u->dist, u->param);
}

/* Copies the discrete values and probabilities into the ensemble. */
static int copy_values(const flow_allocator *a, ens_param *q, const flow_dist *d)
{
    q->dist = *d;
    q->dist.values = q->dist.probs = NULL;
    if (d->kind != FLOW_DIST_DISCRETE)
        return 0;
    q->vals = flow_alloc__malloc(a, 2 * d->n * sizeof *q->vals);
    if (!q->vals)
        return flow_error__nomem("ensemble: discrete values");
    memcpy(q->vals, d->values, d->n * sizeof *q->vals);
    q->dist.values = q->vals;
    if (d->probs) {
        memcpy(q->vals + d->n, d->probs, d->n * sizeof *q->vals);
        q->dist.probs = q->vals + d->n;
    }
    return 0;
}

int flow_ensemble_add(flow_ensemble *e, const flow_uncertain *u)
{
    int param, rc = check_new(e, u, &param);
    if (rc)
        return rc;
    const flow_allocator *a = &e->m->alloc;
    size_t cap = (size_t)e->cap_u;
    if ((rc = flow_alloc__grow(a, (void **)&e->u, &cap, (size_t)e->n_u + 1, sizeof *e->u,
                               "ensemble: parameters")) != 0)
        return rc;
    e->cap_u = (int)cap;
    ens_param *q = &e->u[e->n_u];
    memset(q, 0, sizeof *q);
    q->name = flow_alloc__strdup(a, u->param);
    if (!q->name || (rc = copy_values(a, q, &u->dist)) != 0) {
        flow_alloc__free(a, q->name);
        return q->name ? rc : flow_error__nomem("ensemble: a name");
    }
    const flow_param *p = &e->m->params[param];
    q->param = param;
    q->apply = u->apply;
    q->key = flow_stream_key(u->key ? u->key : u->param);
    q->has_driver = u->driver != NULL;
    q->driver = u->driver ? flow_stream_key(u->driver) : 0;
    q->rho = u->driver ? u->rho : 0;
    q->has_bounds = p->has_bounds;
    q->lo = p->lo;
    q->hi = p->hi;
    e->n_u++;
    return 0;
}

/* ---- drawing ---- */

static double open01(double u)
{
    if (!(u > 0))
        return DBL_MIN;
    if (!(u < 1))
        return nextafter(1.0, 0.0);
    return u;
}

/* The stream's uniform of sample i, stratified when the run is LHS. */
static double stream_u(const flow_ensemble *e, long i, uint64_t key, int perm)
{
    double u = flow_stream_uniform(e->o.seed, (unsigned long long)i, key, 0);
    if (!e->o.lhs)
        return u;
    return open01(((double)e->perms[(size_t)perm * (size_t)e->N + (size_t)i] + u) / (double)e->N);
}

double flow_ensemble__uniform(const flow_ensemble *e, long i, int k)
{
    const ens_param *q = &e->u[k];
    double own = stream_u(e, i, q->key, q->perm);
    if (!q->has_driver)
        return own;
    double d = stream_u(e, i, q->driver, q->dperm);
    if (q->rho == 1)
        return d;
    if (q->rho == -1)
        return 1 - d;
    double z = q->rho * gsl_cdf_ugaussian_Pinv(d) + sqrt(1 - q->rho * q->rho) * gsl_cdf_ugaussian_Pinv(own);
    return open01(gsl_cdf_ugaussian_P(z));
}

int flow_ensemble_draw(const flow_ensemble *e, long sample, int k, double *out)
{
    if (!e->ran || sample < 0 || sample >= e->N || k < 0 || k >= e->n_u)
        return flow_error__set(FLOW_ENOTFOUND, "ensemble: no draw %d of sample %ld", k, sample);
    *out = e->draws[(size_t)sample * (size_t)e->n_u + (size_t)k];
    return 0;
}

long flow_ensemble_n_samples(const flow_ensemble *e)
{
    return e->ran ? e->N : 0;
}

const double *flow_ensemble_values(const flow_ensemble *e, flow_item_kind kind)
{
    if (!e->ran || (unsigned)kind >= FLOW_ITEM_KIND_COUNT_)
        return NULL;
    return e->keep[kind];
}

/* ---- summaries ---- */

static int find_kept(const flow_ensemble *e, flow_item_kind kind, int item, int year)
{
    if (!e->ran || (unsigned)kind >= FLOW_ITEM_KIND_COUNT_ || !e->keep[kind])
        return flow_error__set(FLOW_ESTATE, "ensemble: not run, or the items of kind %d were not kept", (int)kind);
    if (item < 0 || item >= e->n_items[kind])
        return flow_error__set(FLOW_ENOTFOUND, "ensemble: no item %d", item);
    int t = year - flow_model_first_year(e->m);
    if (t < 0 || t >= e->T)
        return flow_error__set(FLOW_ENOTFOUND, "ensemble: year %d outside the model's axis", year);
    return 0;
}

int flow_ensemble_summary(const flow_ensemble *e, flow_item_kind kind, int item, int year, double out[7])
{
    int rc = find_kept(e, kind, item, year);
    if (rc)
        return rc;
    double *v = flow_alloc__malloc(&e->m->alloc, (size_t)e->N * sizeof *v);
    if (!v)
        return flow_error__nomem("ensemble: a summary");
    size_t n = 0, stride = (size_t)e->T * (size_t)e->n_items[kind];
    const double *src = e->keep[kind] + (size_t)(year - flow_model_first_year(e->m)) * (size_t)e->n_items[kind] + (size_t)item;
    for (long i = 0; i < e->N; i++)
        if (!isnan(src[(size_t)i * stride]))
            v[n++] = src[(size_t)i * stride];
    static const double q[] = { 0.05, 0.25, 0.5, 0.75, 0.95 };
    for (int k = 0; k < 7; k++)
        out[k] = NAN;
    if (n > 0) {
        gsl_sort(v, 1, n);
        out[0] = gsl_stats_mean(v, 1, n);
        out[1] = n > 1 ? gsl_stats_sd_m(v, 1, n, out[0]) : 0;
        for (int k = 0; k < 5; k++)
            out[2 + k] = gsl_stats_quantile_from_sorted_data(v, 1, n, q[k]);
    }
    flow_alloc__free(&e->m->alloc, v);
    return 0;
}

int flow_ensemble_p_met(const flow_ensemble *e, int target, flow_pmet *out)
{
    if (!e->ran)
        return flow_error__set(FLOW_ESTATE, "ensemble: not run");
    if (target < 0 || target >= e->n_targets)
        return flow_error__set(FLOW_ENOTFOUND, "ensemble: no target %d", target);
    long met = 0, judged = 0;
    for (long i = 0; i < e->N; i++) {
        int v = e->met[(size_t)i * (size_t)e->n_targets + (size_t)target];
        met += v == 1;
        judged += v >= 0;
    }
    out->n_met = met;
    out->n_judged = judged;
    out->p = out->lo = out->hi = NAN;
    if (judged == 0)
        return 0;
    /* Wilson score interval (Wilson 1927): centre (p + z^2/2n) / (1 + z^2/n),
     * half-width z / (1 + z^2/n) sqrt(p (1 - p) / n + z^2 / 4n^2) */
    double n = (double)judged, p = (double)met / n, z = 1.959963984540054, z2 = z * z;
    double c = (p + z2 / (2 * n)) / (1 + z2 / n);
    double h = z / (1 + z2 / n) * sqrt(p * (1 - p) / n + z2 / (4 * n * n));
    out->p = p;
    out->lo = fmax(0, c - h);
    out->hi = fmin(1, c + h);
    return 0;
}
