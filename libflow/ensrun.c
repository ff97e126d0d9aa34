/*
 * ensrun.c — running an ensemble: the set-up (the parameters' series
 * without uncertainty, the Latin hypercube permutations, the result
 * arrays) and a pool of POSIX threads, each worker with its own
 * simulation of the shared, read-only compiled model. Workers claim
 * chunks of consecutive samples from one atomic counter; every sample
 * is a pure function of (seed, index), so the results do not depend on
 * the number of workers or on which one ran a sample. In an MPI build
 * each rank runs its share [lo, hi) of the samples so, and ensmpi.c
 * gathers the shares.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ensemble_int.h"

#define CHUNK 16

/* ---- set-up ---- */

/* The parameters' series as the model gives them: one plain run. */
static int base_series(flow_ensemble *e)
{
    const flow_allocator *a = &e->m->alloc;
    flow_sim *s;
    int rc = flow_sim_new(&s, e->m);
    if (rc)
        return rc;
    if ((rc = flow_sim_run(s)) != 0) {
        char why[512]; /* a copy: the message is formatted into the buffer it came from */
        snprintf(why, sizeof why, "%s", flow_error_last());
        flow_sim_free(s);
        return flow_error__set(rc, "ensemble: the run without uncertainty fails: %s", why);
    }
    e->base = flow_alloc__malloc(a, ((size_t)e->n_u * (size_t)e->T + 1) * sizeof *e->base);
    if (!e->base) {
        flow_sim_free(s);
        return flow_error__nomem("ensemble: series");
    }
    const double *pv = flow_sim_data(s, FLOW_ITEM_PARAM);
    int P = flow_model_n_items(e->m, FLOW_ITEM_PARAM);
    for (int k = 0; k < e->n_u; k++)
        for (int t = 0; t < e->T; t++)
            e->base[(size_t)k * (size_t)e->T + (size_t)t] = pv[(size_t)t * (size_t)P + (size_t)e->u[k].param];
    flow_sim_free(s);
    return 0;
}

/* The index of key among the LHS permutations, adding it if new. */
static int perm_of(flow_ensemble *e, uint64_t key)
{
    for (int j = 0; j < e->n_perms; j++)
        if (e->perm_keys[j] == key)
            return j;
    e->perm_keys[e->n_perms] = key;
    return e->n_perms++;
}

/* Fisher-Yates driven by the key's own stream (draw 7): the same
 * permutation on every thread and process. */
static void shuffle(const flow_ensemble *e, long *p, uint64_t key)
{
    for (long j = 0; j < e->N; j++)
        p[j] = j;
    for (long t = e->N - 1; t > 0; t--) {
        long r = (long)(flow_stream_uniform(e->o.seed, (unsigned long long)t, key, 7) * (double)(t + 1));
        if (r > t)
            r = t;
        long x = p[t];
        p[t] = p[r];
        p[r] = x;
    }
}

static int lhs_setup(flow_ensemble *e)
{
    const flow_allocator *a = &e->m->alloc;
    e->perm_keys = flow_alloc__malloc(a, (2 * (size_t)e->n_u + 1) * sizeof *e->perm_keys);
    if (!e->perm_keys)
        return flow_error__nomem("ensemble: LHS");
    for (int k = 0; k < e->n_u; k++) {
        e->u[k].perm = perm_of(e, e->u[k].key);
        if (e->u[k].has_driver)
            e->u[k].dperm = perm_of(e, e->u[k].driver);
    }
    e->perms = flow_alloc__malloc(a, ((size_t)e->n_perms * (size_t)e->N + 1) * sizeof *e->perms);
    if (!e->perms)
        return flow_error__nomem("ensemble: LHS permutations");
    for (int j = 0; j < e->n_perms; j++)
        shuffle(e, e->perms + (size_t)j * (size_t)e->N, e->perm_keys[j]);
    return 0;
}

static int arrays(flow_ensemble *e)
{
    const flow_allocator *a = &e->m->alloc;
    size_t N = (size_t)e->N, T = (size_t)e->T;
    for (int k = 0; k < FLOW_ITEM_KIND_COUNT_; k++) {
        e->n_items[k] = flow_model_n_items(e->m, (flow_item_kind)k);
        if (!(e->o.keep & FLOW_KEEP(k)) || e->n_items[k] == 0)
            continue;
        if ((size_t)e->n_items[k] > SIZE_MAX / 8 / T / N)
            return flow_error__set(FLOW_ENOMEM, "ensemble: %ld samples of %d items are too many", e->N, e->n_items[k]);
        /* calloc: a large block gets transparent huge pages (alloc.c), so
         * that writing the samples faults in 2 MB at a time, not 4 kB */
        e->keep[k] = flow_alloc__calloc(a, N * T * (size_t)e->n_items[k], sizeof(double));
        if (!e->keep[k])
            return flow_error__nomem("ensemble: the samples kept");
    }
    e->n_targets = flow_model_n_targets(e->m);
    e->met = flow_alloc__malloc(a, N * (size_t)e->n_targets + 1);
    e->draws = flow_alloc__malloc(a, (N * (size_t)e->n_u + 1) * sizeof *e->draws);
    if (!e->met || !e->draws)
        return flow_error__nomem("ensemble: the verdicts");
    return 0;
}

static int check_opts(const flow_ensemble *e, const flow_ensemble_opts *o)
{
    if (e->ran || e->base)
        return flow_error__set(FLOW_ESTATE, "ensemble: it has run (or tried to) already");
    if (o->version != FLOW_ENSEMBLE_OPTS_VERSION)
        return flow_error__set(FLOW_EINVAL, "ensemble: options of version %d, not %d", o->version,
                               FLOW_ENSEMBLE_OPTS_VERSION);
    if (o->n_samples < 1)
        return flow_error__set(FLOW_EINVAL, "ensemble: %ld samples; at least 1 is needed", o->n_samples);
    if (o->threads < 1 || o->threads > o->n_samples)
        return flow_error__set(FLOW_EINVAL, "ensemble: %d threads for %ld samples; give 1 to %ld", o->threads,
                               o->n_samples, o->n_samples);
    return 0;
}

/* ---- one sample ---- */

static double applied(const ens_param *q, const double *base, int T, int t, double x)
{
    double v;
    switch (q->apply) {
    case FLOW_APPLY_SCALE: v = base[t] * x; break;
    case FLOW_APPLY_ADD: v = base[t] + x; break;
    case FLOW_APPLY_SHIFT: {
        long k = lround(x), src = (long)t - k;
        v = base[src < 0 ? 0 : src >= T ? T - 1 : src];
        break;
    }
    default: v = x; break;
    }
    if (q->has_bounds)
        v = v < q->lo ? q->lo : v > q->hi ? q->hi : v;
    return v;
}

static int run_sample(flow_ensemble *e, flow_sim *s, long i)
{
    int rc = flow_sim_reset(s), first = flow_model_first_year(e->m);
    for (int k = 0; k < e->n_u && rc == 0; k++) {
        const ens_param *q = &e->u[k];
        double x = flow_dist_quantile(&q->dist, flow_ensemble__uniform(e, i, k));
        e->draws[(size_t)i * (size_t)e->n_u + (size_t)k] = x;
        const double *base = e->base + (size_t)k * (size_t)e->T;
        for (int t = 0; t < e->T && rc == 0; t++)
            rc = flow_sim_set_param(s, q->param, first + t, applied(q, base, e->T, t, x));
    }
    if (rc == 0)
        rc = flow_sim_run(s);
    if (rc)
        return rc;
    /* the worker's first complete sample: its processes that no uncertain
     * parameter reaches are not computed again (reuse.c) */
    flow_sim__reuse_capture(s);
    for (int k = 0; k < FLOW_ITEM_KIND_COUNT_; k++) {
        size_t n = (size_t)e->T * (size_t)e->n_items[k];
        if (e->keep[k])
            memcpy(e->keep[k] + (size_t)i * n, flow_sim_data(s, (flow_item_kind)k), n * sizeof(double));
    }
    int8_t *met = e->met + (size_t)i * (size_t)e->n_targets;
    for (int t = 0; t < e->n_targets; t++) {
        double achieved;
        int m = -1;
        flow_sim_target(s, t, &achieved, &m);
        met[t] = (int8_t)m;
    }
    return 0;
}

/* ---- the pool ---- */

typedef struct pool {
    flow_ensemble *e;
    atomic_long next, done;
    atomic_int stop;
} pool;

typedef struct worker {
    pool *p;
    flow_sim *s;            /* made and freed on the calling thread */
    pthread_t th;
    int started;
    long failed;            /* the sample that failed, or -1 */
    int rc;
    char msg[512];
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    flow_ensemble *e = w->p->e;
    flow_sim *s = w->s;
    while (!atomic_load(&w->p->stop)) {
        long c = atomic_fetch_add(&w->p->next, CHUNK);
        if (c >= e->hi)
            break;
        long end = c + CHUNK < e->hi ? c + CHUNK : e->hi;
        for (long i = c; i < end; i++) {
            if ((w->rc = run_sample(e, s, i)) != 0) {
                snprintf(w->msg, sizeof w->msg, "%s", flow_error_last());
                w->failed = i;
                atomic_store(&w->p->stop, 1); /* no new chunk: every lower sample is claimed */
                break;
            }
            atomic_fetch_add(&w->p->done, 1);
        }
        if (w->rc)
            break;
    }
    return NULL;
}

static void wait_progress(pool *p, const flow_ensemble_opts *o, worker *w, int n)
{
    if (!o->progress)
        return;
    struct timespec nap = { 0, 200 * 1000 * 1000 };
    long share = p->e->hi - p->e->lo; /* under MPI: this rank's */
    for (;;) {
        long done = atomic_load(&p->done);
        o->progress(done, share, o->ud);
        if (done >= share || atomic_load(&p->stop))
            break;
        int running = 0;
        for (int j = 0; j < n; j++)
            running += w[j].started;
        if (!running)
            break;
        nanosleep(&nap, NULL);
    }
}

/* The lowest failed sample's error, prefixed with its index. */
static int first_failure(const worker *w, int n)
{
    const worker *f = NULL;
    for (int j = 0; j < n; j++)
        if (w[j].rc && (!f || w[j].failed < f->failed))
            f = &w[j];
    return f ? flow_error__set(f->rc, "sample %ld: %s", f->failed, f->msg) : 0;
}

static int pool_run(flow_ensemble *e, const flow_ensemble_opts *o)
{
    pool p = { .e = e };
    atomic_init(&p.next, e->lo);
    atomic_init(&p.done, 0);
    atomic_init(&p.stop, 0);
    worker *w = flow_alloc__calloc(&e->m->alloc, (size_t)o->threads, sizeof *w);
    if (!w)
        return flow_error__nomem("ensemble: workers");
    /* every allocation on this thread: the model's allocator need not be
     * thread-safe (flowsim's sandbox counts its memory), and stepping a
     * simulation never allocates */
    /* the parameters the samples change */
    int NP = flow_model_n_items(e->m, FLOW_ITEM_PARAM);
    unsigned char *vary = flow_alloc__calloc(&e->m->alloc, (size_t)NP + 1, 1);
    int rc = vary ? 0 : flow_error__nomem("ensemble: workers");
    for (int k = 0; vary && k < e->n_u; k++)
        vary[e->u[k].param] = 1;
    for (int j = 0; j < o->threads && rc == 0; j++)
        if ((rc = flow_sim_new(&w[j].s, e->m)) == 0)
            rc = flow_sim__reuse_prepare(w[j].s, vary);
    flow_alloc__free(&e->m->alloc, vary);
    for (int j = 0; j < o->threads && rc == 0; j++) {
        w[j].p = &p;
        w[j].failed = -1;
        if (pthread_create(&w[j].th, NULL, work, &w[j]) != 0) {
            atomic_store(&p.stop, 1);
            rc = flow_error__set(FLOW_ENOMEM, "ensemble: cannot start thread %d of %d", j + 1, o->threads);
            break;
        }
        w[j].started = 1;
    }
    if (rc == 0)
        wait_progress(&p, o, w, o->threads);
    for (int j = 0; j < o->threads; j++)
        if (w[j].started)
            pthread_join(w[j].th, NULL);
    if (rc == 0)
        rc = first_failure(w, o->threads);
    for (int j = 0; j < o->threads; j++)
        flow_sim_free(w[j].s);
    flow_alloc__free(&e->m->alloc, w);
    return rc;
}

int flow_ensemble_run(flow_ensemble *e, const flow_ensemble_opts *o)
{
    int rc = check_opts(e, o);
    if (rc)
        return rc;
    e->o = *o;
    e->o.keep |= FLOW_KEEP(FLOW_ITEM_INDICATOR);
    e->N = o->n_samples;
    if ((rc = flow_ensemble__mpi_split(e)) != 0)
        return rc;
    if (e->o.threads > e->hi - e->lo) /* an MPI rank's share may be smaller than -j */
        e->o.threads = (int)(e->hi - e->lo);
    if ((rc = base_series(e)) == 0 && (!o->lhs || (rc = lhs_setup(e)) == 0) && (rc = arrays(e)) == 0)
        rc = pool_run(e, &e->o);
    /* every rank joins, failed or not: a rank that returned alone would
     * leave the others waiting for its samples */
    if ((rc = flow_ensemble__mpi_join(e, rc)) != 0)
        return rc;
    e->ran = 1;
    return 0;
}
