/*
 * bench_engine.c — the engine benchmark (`make bench`).
 *
 * Generates layered random models with small loops (deterministic: own
 * xorshift, fixed seed) of 100, 1,000 and 10,000 processes x 10 materials
 * over 30 years, and measures: the microseconds per simulated year of
 * flow_sim_run(), its growth with the model, the ratio to a plain C loop
 * doing the same arithmetic over flat arrays (the floor), how the time of
 * only writing rows of that size grows (the store floor), the peak memory
 * of the largest run against its result arrays, and that the year step
 * allocates nothing. Prints a table, one machine-readable line per size and
 * OK/MISSED per goal. docs/performance.md explains every figure.
 *
 * Exits non-zero only when libflow reports an error (or the benchmark runs
 * out of memory); a missed goal is printed, never a failure.
 *
 * Usage: bench_engine [--quick] [processes ...]   (default 100 1000 10000)
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "flow.h"

/* ------------------------------------------------------------------ */
/* The shape of the generated models                                   */
/* ------------------------------------------------------------------ */

#define FIRST_YEAR 2021
#define LAST_YEAR 2050
#define N_YEARS (LAST_YEAR - FIRST_YEAR + 1)
#define N_MAT 10
#define N_LAYERS 10          /* layer 0 sources, 1..8 splits, 9 sinks and stocks */
#define FLOWS_PER_PROCESS 5  /* flows (FLOW_ALL) per process, over the whole model */
#define N_GROWTH 8           /* generation growth series */
#define N_TREND 64           /* share trend series */
#define LOOP_FRACTION 0.09   /* of the splits in loops */
#define CAPACITY_EVERY 50    /* one split in this many (outside loops) has a capacity */
#define CAPACITY_FILL 0.85   /* capacity = this x estimated input in CAP_YEAR */
#define CAP_YEAR 2040
#define SEED UINT64_C(0x2545F4914F6CDD1D)

/* Goals of the issue. */
#define GOAL_SCALING 12.0    /* 10x the model costs at most 12x the time */
#define GOAL_RUN_S 0.5       /* 10,000 processes, 30 years */
#define GOAL_FLOOR 3.0       /* engine time / floor time */
#define GOAL_MEMORY 2.0      /* peak memory / result arrays */
#define GOAL_SIZE 10000

#define MAX_SIZES 8
#define MIN_REPS 8           /* timed runs of engine and floor per size, at least... */
#define MIN_TOTAL_S 2.0      /* ...and at least this many seconds of them together */

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void *xcalloc(size_t n, size_t sz)
{
    void *p = calloc(n ? n : 1, sz ? sz : 1);
    if (!p) {
        fprintf(stderr, "bench_engine: out of memory (%zu x %zu bytes)\n", n, sz);
        exit(2);
    }
    return p;
}

/* Every libflow call goes through this: an engine error ends the run. */
static void check(int rc, const char *what)
{
    if (rc < 0) {
        fprintf(stderr, "bench_engine: %s: %s (%s)\n", what, flow_error_last(),
                flow_strerror(rc));
        exit(1);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* xorshift64* (Vigna): deterministic on every platform. */
typedef struct rng {
    uint64_t s;
} rng;

static uint64_t rng_next(rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * UINT64_C(2685821657736338717);
}

static double rng_unit(rng *r) /* [0, 1) */
{
    return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

static int rng_int(rng *r, int n) /* [0, n) */
{
    return (int)(rng_next(r) % (uint64_t)n);
}

/* ------------------------------------------------------------------ */
/* A counting allocator: how much libflow allocates, and when          */
/* ------------------------------------------------------------------ */

typedef struct counter {
    long calls;        /* malloc + realloc calls */
    size_t live;       /* bytes requested and not freed */
    size_t peak;       /* the largest live */
} counter;

/* The size of each block sits in a header in front of it, padded to keep
 * the block aligned for any type. */
typedef union hdr {
    size_t size;
    max_align_t align;
} hdr;

static void *cnt_malloc(size_t size, void *ud)
{
    counter *c = ud;
    c->calls++;
    hdr *h = malloc(sizeof(hdr) + size);
    if (!h)
        return NULL;
    h->size = size;
    c->live += size;
    if (c->live > c->peak)
        c->peak = c->live;
    return h + 1;
}

static void *cnt_realloc(void *p, size_t size, void *ud)
{
    counter *c = ud;
    if (!p)
        return cnt_malloc(size, ud);
    c->calls++;
    hdr *h = (hdr *)p - 1;
    size_t old = h->size;
    hdr *n = realloc(h, sizeof(hdr) + size);
    if (!n)
        return NULL;
    n->size = size;
    c->live = c->live - old + size;
    if (c->live > c->peak)
        c->peak = c->live;
    return n + 1;
}

static void cnt_free(void *p, void *ud)
{
    counter *c = ud;
    if (!p)
        return;
    hdr *h = (hdr *)p - 1;
    c->live -= h->size;
    free(h);
}

/* ------------------------------------------------------------------ */
/* Every allocation of the process (glibc only)                        */
/* ------------------------------------------------------------------ */

/* GSL allocates some memory itself, past flow_allocator. To see that too,
 * the benchmark interposes malloc, calloc and realloc for the whole
 * process (libgsl's calls included) and forwards them to glibc's own.
 * Elsewhere, and under a sanitizer (which has its own malloc), only
 * flow_allocator is counted. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) \
    || __has_feature(thread_sanitizer)
#define BENCH_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define BENCH_SANITIZED 1
#endif

#if defined(__GLIBC__) && !defined(BENCH_SANITIZED)
#define BENCH_COUNT_MALLOC 1
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);

static long process_allocs;

void *malloc(size_t size)
{
    process_allocs++;
    return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
    process_allocs++;
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
    process_allocs++;
    return __libc_realloc(p, size);
}
#else
static long process_allocs;
#endif

/* Whether the counting above sees this process's allocations: not when
 * the platform is not glibc, nor under valgrind, which replaces malloc. */
static int process_allocs_counted(void)
{
#if defined(BENCH_COUNT_MALLOC)
    void *(*volatile fn)(size_t) = malloc; /* a call the compiler cannot elide */
    long before = process_allocs;
    free(fn(16));
    return process_allocs > before;
#else
    return 0;
#endif
}

/* ------------------------------------------------------------------ */
/* Memory of the process                                               */
/* ------------------------------------------------------------------ */

static long maxrss_kib(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return -1;
    return ru.ru_maxrss; /* KiB on Linux */
}

static long vmrss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0) {
            kib = strtol(line + 6, NULL, 10);
            break;
        }
    fclose(f);
    return kib;
}

/* ------------------------------------------------------------------ */
/* The generator                                                       */
/* ------------------------------------------------------------------ */

/* A series from FIRST_YEAR to LAST_YEAR: linear from v0 to v1 (two points),
 * or the constant v0. */
typedef struct gen_param {
    double v0, v1;
    int is_const;
} gen_param;

typedef struct gen_flow {
    int from, to;
    flow_mode mode;   /* FLOW_SHARE or FLOW_REST, always FLOW_ALL materials */
    double coef;
    int param;
} gen_flow;

typedef struct gen_source {
    int process, material;
    double coef;
    int param;
} gen_source;

typedef struct gen_capacity {
    int process, param, overflow;
} gen_capacity;

typedef struct spec {
    int n_proc;
    int layer_start[N_LAYERS + 1];
    flow_kind *kind;
    int *loop;            /* loop id per process, -1 outside loops */
    int n_loops, loop_procs;
    gen_param *params;
    int n_params, cap_params;
    gen_flow *flows;
    int n_flows, cap_flows;
    gen_source *gens;
    int n_gens;
    gen_capacity *caps;
    int n_caps;
    int n_stocks;
} spec;

static double param_value(const gen_param *p, int year)
{
    if (p->is_const)
        return p->v0;
    return p->v0 + (p->v1 - p->v0) * (double)(year - FIRST_YEAR)
                       / (double)(LAST_YEAR - FIRST_YEAR);
}

static int spec_add_param(spec *sp, double v0, double v1, int is_const)
{
    if (sp->n_params == sp->cap_params) {
        sp->cap_params = sp->cap_params ? 2 * sp->cap_params : 128;
        sp->params = realloc(sp->params, (size_t)sp->cap_params * sizeof *sp->params);
        if (!sp->params) {
            fprintf(stderr, "bench_engine: out of memory\n");
            exit(2);
        }
    }
    sp->params[sp->n_params] = (gen_param){ v0, v1, is_const };
    return sp->n_params++;
}

static void spec_add_flow(spec *sp, int from, int to, flow_mode mode, double coef,
                          int param)
{
    if (sp->n_flows == sp->cap_flows) {
        fprintf(stderr, "bench_engine: generator overran its flow budget\n");
        exit(2);
    }
    sp->flows[sp->n_flows++] = (gen_flow){ from, to, mode, coef, param };
}

static int layer_of(const spec *sp, int p)
{
    int l = 0;
    while (p >= sp->layer_start[l + 1])
        l++;
    return l;
}

static int random_in_layer(const spec *sp, rng *r, int l)
{
    int a = sp->layer_start[l], b = sp->layer_start[l + 1];
    return a + rng_int(r, b - a);
}

/* q, or the next process of q's layer (cyclically) that is not among
 * targets[0..nt-1], or of another layer from `lo` on when the small
 * layers of a small model are all targets: the engine refuses two flows
 * of one material between the same two processes. Draws no random
 * number, so that the models stay those measured before wherever they
 * had no such pair. */
static int distinct_target(const spec *sp, int q, int lo, const int *targets, int nt)
{
    int lq = layer_of(sp, q);
    for (int k = 0; k < N_LAYERS - lo; k++) {
        int l = lo + (lq - lo + k) % (N_LAYERS - lo);
        int a = sp->layer_start[l], b = sp->layer_start[l + 1];
        for (int step = 0; step < b - a; step++) {
            int c = a + ((l == lq ? q - a : 0) + step) % (b - a), dup = 0;
            for (int i = 0; i < nt; i++)
                dup |= targets[i] == c;
            if (!dup)
                return c;
        }
    }
    return q; /* every later process is a target: compiling says so */
}

/* Total input (all materials) of every process in `year`, capacities
 * ignored: the generator's own estimate, used to size capacities so that
 * they bind in the later years. Jacobi sweeps: the graph is layered and its
 * loops have a gain below 0.3, so a few dozen sweeps settle. */
static void spec_estimate_input(const spec *sp, int year, double *x)
{
    int n = sp->n_proc;
    double *gen = xcalloc((size_t)n, sizeof *gen);
    double *out_share = xcalloc((size_t)n, sizeof *out_share);
    double *share = xcalloc((size_t)sp->n_flows, sizeof *share);
    double *nx = xcalloc((size_t)n, sizeof *nx);

    for (int i = 0; i < sp->n_gens; i++)
        gen[sp->gens[i].process] +=
            sp->gens[i].coef * param_value(&sp->params[sp->gens[i].param], year);
    for (int f = 0; f < sp->n_flows; f++)
        if (sp->flows[f].mode == FLOW_SHARE) {
            share[f] = sp->flows[f].coef * param_value(&sp->params[sp->flows[f].param], year);
            out_share[sp->flows[f].from] += share[f];
        }
    for (int f = 0; f < sp->n_flows; f++)
        if (sp->flows[f].mode == FLOW_REST)
            share[f] = 1.0 - out_share[sp->flows[f].from];

    memcpy(x, gen, (size_t)n * sizeof *x);
    for (int sweep = 0; sweep < 500; sweep++) {
        memcpy(nx, gen, (size_t)n * sizeof *nx);
        for (int f = 0; f < sp->n_flows; f++)
            nx[sp->flows[f].to] += share[f] * x[sp->flows[f].from];
        double diff = 0.0; /* the largest change, relative to 1 + the input */
        for (int p = 0; p < n; p++) {
            double d = (nx[p] > x[p] ? nx[p] - x[p] : x[p] - nx[p]) / (1.0 + x[p]);
            if (d > diff)
                diff = d;
            x[p] = nx[p];
        }
        if (sweep > N_LAYERS && diff < 1e-13)
            break;
    }
    free(gen);
    free(out_share);
    free(share);
    free(nx);
}

/* A layered model of n processes:
 *  - layer 0: sources (n/10), generating every material (coef x a growth
 *    series that rises linearly from 1 in 2021 to 1.2..1.8 in 2050);
 *  - layers 1..8: splits; each non-terminal process has 5 or 6 flows, so
 *    that the model has exactly 5n flows: one rest flow to the next layer
 *    and share flows to the next layer (70 %) or a later one, their
 *    coefficients adding to 0.3..0.75, each times a trend series of
 *    0.6..1.2 (so 18..90 % of the process together);
 *  - loops: runs of 2..5 neighbouring splits of one layer (9 % of the
 *    splits), each sending a share to the next of the run and the last
 *    back to the first, so each loop is a strongly connected component of
 *    exactly its run (no other flow stays inside a layer or goes back);
 *  - one in 50 splits outside loops has a capacity (85 % of its estimated
 *    input in 2040) whose overflow goes to a sink;
 *  - layer 9: sinks, and every third an accumulating stock (n/20 together).
 * All flows carry FLOW_ALL materials. */
static void spec_generate(spec *sp, int n)
{
    rng r = { SEED ^ (uint64_t)n * UINT64_C(0x9E3779B97F4A7C15) };
    memset(sp, 0, sizeof *sp);
    sp->n_proc = n;

    int n_src = n / 10 < 2 ? 2 : n / 10;
    int n_term = n / 20 < 4 ? 4 : n / 20;
    int n_mid = n - n_src - n_term;
    sp->layer_start[0] = 0;
    sp->layer_start[1] = n_src;
    for (int l = 1; l < N_LAYERS - 1; l++)
        sp->layer_start[l + 1] = sp->layer_start[l] + n_mid / (N_LAYERS - 2)
                                 + (l - 1 < n_mid % (N_LAYERS - 2));
    sp->layer_start[N_LAYERS] = n;

    sp->kind = xcalloc((size_t)n, sizeof *sp->kind);
    sp->loop = xcalloc((size_t)n, sizeof *sp->loop);
    for (int p = 0; p < n; p++) {
        int l = layer_of(sp, p);
        sp->loop[p] = -1;
        if (l == 0)
            sp->kind[p] = FLOW_SOURCE;
        else if (l < N_LAYERS - 1)
            sp->kind[p] = FLOW_SPLIT;
        else if ((p - sp->layer_start[l]) % 3 == 2) {
            sp->kind[p] = FLOW_STOCK;
            sp->n_stocks++;
        } else {
            sp->kind[p] = FLOW_SINK;
        }
    }

    /* Loops: runs of neighbours inside a split layer, of 2, 3, 4, 5, 2, ...
     * processes, as many as keep LOOP_FRACTION of the splits in loops (a
     * quota carried from layer to layer), so that every size has the same
     * share of cycles; each at a random free place of its layer. */
    double quota = 0.0;
    int k = 2;
    for (int l = 1; l < N_LAYERS - 1; l++) {
        int a = sp->layer_start[l], b = sp->layer_start[l + 1];
        quota += LOOP_FRACTION * (b - a);
        while (quota >= k && b - a >= k) {
            int at = -1;
            for (int attempt = 0; attempt < 64 && at < 0; attempt++) {
                int c = a + rng_int(&r, b - a - k + 1), free_run = 1;
                for (int i = 0; i < k; i++)
                    free_run &= sp->loop[c + i] < 0;
                if (free_run)
                    at = c;
            }
            if (at < 0)
                break; /* the layer is full: the quota moves on */
            for (int i = 0; i < k; i++)
                sp->loop[at + i] = sp->n_loops;
            sp->n_loops++;
            sp->loop_procs += k;
            quota -= k;
            k = k == 5 ? 2 : k + 1;
        }
    }

    /* Series: growth of generation, trends of shares. */
    for (int g = 0; g < N_GROWTH; g++)
        spec_add_param(sp, 1.0, 1.2 + 0.6 * rng_unit(&r), 0);
    for (int t = 0; t < N_TREND; t++)
        spec_add_param(sp, 0.6 + 0.6 * rng_unit(&r), 0.6 + 0.6 * rng_unit(&r), 0);

    /* Flows: exactly FLOWS_PER_PROCESS x n, spread evenly over the
     * non-terminal processes. */
    int n_nt = n - n_term;
    long total = (long)FLOWS_PER_PROCESS * n;
    sp->cap_flows = (int)total;
    sp->flows = xcalloc((size_t)total, sizeof *sp->flows);
    for (int p = 0; p < n_nt; p++) {
        int l = layer_of(sp, p);
        int deg = (int)(total / n_nt)
                  + (int)((long)(p + 1) * (total % n_nt) / n_nt
                          - (long)p * (total % n_nt) / n_nt);
        int n_share = deg - 1;
        /* a small model's last layers may hold fewer processes than a
         * process has flows: one flow to each at most (and the loop's) */
        int room = n - sp->layer_start[l + 1] - 1 + (sp->loop[p] >= 0);
        if (n_share > room)
            n_share = room;
        int targets[16];
        double w[16], wsum = 0.0;
        int nt = 0;

        if (sp->loop[p] >= 0) {
            /* the next member of the run, or the first for the last */
            int q = p + 1;
            if (q >= n || sp->loop[q] != sp->loop[p]) {
                q = p;
                while (q > 0 && sp->loop[q - 1] == sp->loop[p])
                    q--;
            }
            targets[nt++] = q;
        }
        while (nt < n_share) {
            int q = -1;
            for (int attempt = 0; attempt < 8; attempt++) {
                int tl = l + 1;
                if (tl < N_LAYERS - 1 && rng_unit(&r) >= 0.7)
                    tl = l + 2 + rng_int(&r, N_LAYERS - 1 - (l + 1));
                q = random_in_layer(sp, &r, tl);
                int dup = 0;
                for (int i = 0; i < nt; i++)
                    dup |= targets[i] == q;
                if (!dup)
                    break;
            }
            targets[nt] = distinct_target(sp, q, l + 1, targets, nt);
            nt++;
        }
        for (int i = 0; i < n_share; i++) {
            w[i] = 0.5 + rng_unit(&r);
            wsum += w[i];
        }
        /* The shares' sum stays <= 0.75 x 1.2 (largest trend) < 1, so the
         * rest flow always carries something. */
        double s = 0.3 + 0.45 * rng_unit(&r);
        for (int i = 0; i < n_share; i++)
            spec_add_flow(sp, p, targets[i], FLOW_SHARE, s * w[i] / wsum,
                          N_GROWTH + rng_int(&r, N_TREND));
        spec_add_flow(sp, p, distinct_target(sp, random_in_layer(sp, &r, l + 1), l + 1, targets, n_share),
                      FLOW_REST, 0.0, -1);
    }

    /* Generation: every source, every material. */
    sp->gens = xcalloc((size_t)n_src * N_MAT, sizeof *sp->gens);
    for (int p = 0; p < n_src; p++)
        for (int m = 0; m < N_MAT; m++)
            sp->gens[sp->n_gens++] = (gen_source){
                p, m, 100.0 * (m + 1) * (0.5 + rng_unit(&r)), rng_int(&r, N_GROWTH)
            };

    /* Capacities, sized from the generator's own estimate of the inputs. */
    double *x = xcalloc((size_t)n, sizeof *x);
    spec_estimate_input(sp, CAP_YEAR, x);
    sp->caps = xcalloc((size_t)n, sizeof *sp->caps);
    /* every CAPACITY_EVERY-th split outside loops that receives anything */
    int eligible = 0;
    for (int p = sp->layer_start[1]; p < sp->layer_start[N_LAYERS - 1]; p++) {
        if (sp->loop[p] >= 0 || x[p] <= 0.0 || eligible++ % CAPACITY_EVERY != CAPACITY_EVERY / 2)
            continue;
        int sink;
        do
            sink = random_in_layer(sp, &r, N_LAYERS - 1);
        while (sp->kind[sink] != FLOW_SINK);
        sp->caps[sp->n_caps++] = (gen_capacity){
            p, spec_add_param(sp, CAPACITY_FILL * x[p], 0.0, 1), sink
        };
    }
    free(x);
}

static void spec_free(spec *sp)
{
    free(sp->kind);
    free(sp->loop);
    free(sp->params);
    free(sp->flows);
    free(sp->gens);
    free(sp->caps);
}

/* ------------------------------------------------------------------ */
/* Building the libflow model                                          */
/* ------------------------------------------------------------------ */

static flow_model *model_build(const spec *sp, const flow_allocator *alloc)
{
    flow_model *m;
    char name[64];
    int idx;

    check(flow_model_new(&m, FIRST_YEAR, LAST_YEAR, alloc), "flow_model_new");
    for (int k = 0; k < N_MAT; k++) {
        snprintf(name, sizeof name, "mat%d", k);
        check(flow_model_add_material(m, name, (flow_category)(k % FLOW_CAT_COUNT_), "t",
                                      &idx), "flow_model_add_material");
    }
    for (int i = 0; i < sp->n_params; i++) {
        const gen_param *gp = &sp->params[i];
        snprintf(name, sizeof name, "par%d", i);
        if (gp->is_const) {
            check(flow_model_add_param_const(m, name, "t/a", gp->v0, &idx),
                  "flow_model_add_param_const");
        } else {
            int years[2] = { FIRST_YEAR, LAST_YEAR };
            double values[2] = { gp->v0, gp->v1 };
            check(flow_model_add_param(m, name, NULL, FLOW_INTERP_LINEAR, 2, years, values,
                                       &idx), "flow_model_add_param");
        }
        if (idx != i) {
            fprintf(stderr, "bench_engine: parameter %d got index %d\n", i, idx);
            exit(1);
        }
    }
    for (int p = 0; p < sp->n_proc; p++) {
        snprintf(name, sizeof name, "L%d_p%d", layer_of(sp, p), p);
        check(flow_model_add_process(m, name, sp->kind[p], &idx), "flow_model_add_process");
        if (sp->kind[p] == FLOW_STOCK)
            check(flow_model_set_stock_mode(m, p, FLOW_STOCK_ACCUMULATE),
                  "flow_model_set_stock_mode");
    }
    for (int i = 0; i < sp->n_gens; i++)
        check(flow_model_set_generation(m, sp->gens[i].process, sp->gens[i].material,
                                        sp->gens[i].coef, sp->gens[i].param),
              "flow_model_set_generation");
    for (int i = 0; i < sp->n_caps; i++)
        check(flow_model_set_capacity(m, sp->caps[i].process, sp->caps[i].param,
                                      sp->caps[i].overflow), "flow_model_set_capacity");
    for (int f = 0; f < sp->n_flows; f++) {
        const gen_flow *gf = &sp->flows[f];
        check(flow_model_add_flow(m, gf->from, gf->to, FLOW_ALL, gf->mode, gf->coef,
                                  gf->mode == FLOW_SHARE ? gf->param : FLOW_NONE, &idx),
              "flow_model_add_flow");
        if (idx != f) {
            fprintf(stderr, "bench_engine: flow %d got index %d\n", f, idx);
            exit(1);
        }
    }
    return m;
}

/* ------------------------------------------------------------------ */
/* The floor: the same arithmetic over flat arrays                     */
/* ------------------------------------------------------------------ */

typedef struct floor_loop {
    int n_items, n_in, n_gen, n_stock;
    int *src, *dst;       /* input slots (process x N_MAT + material), in process order */
    double *share;        /* [t][item]: coef x param(t); the rest: 1 - sum of shares */
    double *out;          /* [t][item] */
    int *gen_slot;
    double *gen;          /* [t][g] */
    int *stock_slot;
    double *stock;        /* [t][k] */
    double *input;
} floor_loop;

/* Builds the floor from the compiled model's flow items (from, to,
 * material, flow index, mode) and the generator's series, items ordered by
 * their origin process, which the generator numbered in topological order
 * of the layers. Overflow items get a share of 0: the floor has no
 * capacities, it only does the per-item arithmetic. */
static void floor_build(floor_loop *fl, const spec *sp, const flow_model *m)
{
    int ni = flow_model_n_items(m, FLOW_ITEM_FLOW);
    flow_item_info *info = xcalloc((size_t)ni, sizeof *info);
    int *order = xcalloc((size_t)ni, sizeof *order);
    int *count = xcalloc((size_t)sp->n_proc + 1, sizeof *count);
    double *share_sum = xcalloc((size_t)sp->n_proc * N_YEARS, sizeof *share_sum);

    memset(fl, 0, sizeof *fl);
    fl->n_items = ni;
    fl->n_in = sp->n_proc * N_MAT;
    for (int i = 0; i < ni; i++) {
        check(flow_model_item_info(m, FLOW_ITEM_FLOW, i, &info[i]), "flow_model_item_info");
        count[info[i].from + 1]++;
    }
    for (int p = 0; p < sp->n_proc; p++)
        count[p + 1] += count[p];
    for (int i = 0; i < ni; i++)
        order[count[info[i].from]++] = i;

    for (int f = 0; f < sp->n_flows; f++)
        if (sp->flows[f].mode == FLOW_SHARE)
            for (int t = 0; t < N_YEARS; t++)
                share_sum[(size_t)sp->flows[f].from * N_YEARS + t] +=
                    sp->flows[f].coef
                    * param_value(&sp->params[sp->flows[f].param], FIRST_YEAR + t);

    fl->src = xcalloc((size_t)ni, sizeof *fl->src);
    fl->dst = xcalloc((size_t)ni, sizeof *fl->dst);
    fl->share = xcalloc((size_t)ni * N_YEARS, sizeof *fl->share);
    fl->out = xcalloc((size_t)ni * N_YEARS, sizeof *fl->out);
    for (int k = 0; k < ni; k++) {
        const flow_item_info *it = &info[order[k]];
        fl->src[k] = it->from * N_MAT + it->material;
        fl->dst[k] = it->to * N_MAT + it->material;
        for (int t = 0; t < N_YEARS; t++) {
            double v = 0.0;
            if (it->flow >= 0 && it->mode == FLOW_SHARE) {
                const gen_flow *gf = &sp->flows[it->flow];
                v = gf->coef * param_value(&sp->params[gf->param], FIRST_YEAR + t);
            } else if (it->flow >= 0 && it->mode == FLOW_REST) {
                v = 1.0 - share_sum[(size_t)it->from * N_YEARS + t];
            }
            fl->share[(size_t)t * ni + k] = v;
        }
    }

    fl->n_gen = sp->n_gens;
    fl->gen_slot = xcalloc((size_t)sp->n_gens, sizeof *fl->gen_slot);
    fl->gen = xcalloc((size_t)sp->n_gens * N_YEARS, sizeof *fl->gen);
    for (int g = 0; g < sp->n_gens; g++) {
        const gen_source *gs = &sp->gens[g];
        fl->gen_slot[g] = gs->process * N_MAT + gs->material;
        for (int t = 0; t < N_YEARS; t++)
            fl->gen[(size_t)t * sp->n_gens + g] =
                gs->coef * param_value(&sp->params[gs->param], FIRST_YEAR + t);
    }

    fl->n_stock = sp->n_stocks * N_MAT;
    fl->stock_slot = xcalloc((size_t)fl->n_stock, sizeof *fl->stock_slot);
    fl->stock = xcalloc((size_t)fl->n_stock * N_YEARS, sizeof *fl->stock);
    for (int p = 0, k = 0; p < sp->n_proc; p++)
        if (sp->kind[p] == FLOW_STOCK)
            for (int mat = 0; mat < N_MAT; mat++)
                fl->stock_slot[k++] = p * N_MAT + mat;
    fl->input = xcalloc((size_t)fl->n_in, sizeof *fl->input);

    free(info);
    free(order);
    free(count);
    free(share_sum);
}

/* One 30-year run of the floor; returns a checksum so that nothing is
 * optimised away. */
static double floor_run(floor_loop *fl)
{
    int ni = fl->n_items;
    for (int t = 0; t < N_YEARS; t++) {
        double *in = fl->input;
        const double *sh = fl->share + (size_t)t * ni;
        double *out = fl->out + (size_t)t * ni;
        memset(in, 0, (size_t)fl->n_in * sizeof *in);
        for (int g = 0; g < fl->n_gen; g++)
            in[fl->gen_slot[g]] += fl->gen[(size_t)t * fl->n_gen + g];
        for (int k = 0; k < ni; k++) {
            double v = sh[k] * in[fl->src[k]];
            in[fl->dst[k]] += v;
            out[k] = v;
        }
        double *st = fl->stock + (size_t)t * fl->n_stock;
        for (int k = 0; k < fl->n_stock; k++)
            st[k] = (t ? st[k - fl->n_stock] : 0.0) + in[fl->stock_slot[k]];
    }
    double sum = 0.0;
    const double *last = fl->stock + (size_t)(N_YEARS - 1) * fl->n_stock;
    for (int k = 0; k < fl->n_stock; k++)
        sum += last[k];
    return sum;
}

static void floor_free(floor_loop *fl)
{
    free(fl->src);
    free(fl->dst);
    free(fl->share);
    free(fl->out);
    free(fl->gen_slot);
    free(fl->gen);
    free(fl->stock_slot);
    free(fl->stock);
    free(fl->input);
}

/* ------------------------------------------------------------------ */
/* Measuring one size                                                  */
/* ------------------------------------------------------------------ */

typedef struct result {
    int n_proc, n_flows, n_flow_items, n_stock_items, n_param_items;
    int n_loops, loop_procs, n_caps, caps_binding;
    double gen_s, build_s, compile_s, sim_new_s, cold_run_s, reset_s;
    double run_s, run_med_s;      /* best and median of the repetitions; goals use the best */
    double floor_s, floor_med_s;
    double store_s;               /* the store floor: best 30-year run */
    int reps;                     /* of each, engine and floor */
    int dense_solves, sparse_solves;
    double max_balance_error, mass_closure;
    size_t result_bytes, lib_peak_bytes;
    long lib_calls_build, lib_calls_run, lib_calls_reset; /* counting allocator (count_allocs) */
    int lib_runs;                  /* its flow_sim_run calls */
    long proc_allocs_run;          /* every malloc of the process in flow_sim_run, -1 unknown */
    int runs;                      /* flow_sim_run calls of the timed model */
    long rss_before_kib, rss_peak_kib; /* -1 when not measured */
} result;

typedef struct timing {
    double median, min;
    int reps;
} timing;

/* Times a and b in alternating blocks of two runs, so that a slow spell
 * of the machine (a shared virtual machine has them) falls on both alike,
 * while the second run of each block finds the caches as a run just left
 * them, as back-to-back runs would. Goes on until each ran at least
 * min_reps times and a and b together took min_total seconds (at most
 * 5000 runs each; only 4 once 20 s are spent). */
typedef double (*timed_fn)(void *ud);

static double median_sorted(const double *t, int n)
{
    return n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
}

static void repeat_pair(timed_fn fa, void *ua, timing *ta, timed_fn fb, void *ub, timing *tb,
                        int min_reps, double min_total)
{
    enum { MAX_REPS = 5000, BLOCK = 2 };
    static double a[MAX_REPS], b[MAX_REPS];
    double total = 0.0;
    int n = 0;
    while (n + BLOCK <= MAX_REPS) {
        for (int k = 0; k < BLOCK; k++)
            total += a[n + k] = fa(ua);
        for (int k = 0; k < BLOCK; k++)
            total += b[n + k] = fb(ub);
        n += BLOCK;
        if (n >= min_reps && total >= min_total)
            break;
        if (n >= 4 && total >= 20.0)
            break;
    }
    qsort(a, (size_t)n, sizeof *a, cmp_double);
    qsort(b, (size_t)n, sizeof *b, cmp_double);
    *ta = (timing){ median_sorted(a, n), a[0], n };
    *tb = (timing){ median_sorted(b, n), b[0], n };
}

typedef struct engine_ud {
    flow_sim *s;
    long proc_in_run;             /* the process's allocations in the timed runs */
} engine_ud;

static double time_engine_run(void *p)
{
    engine_ud *e = p;
    check(flow_sim_reset(e->s), "flow_sim_reset");
    long p1 = process_allocs;
    double t0 = now_s();
    check(flow_sim_run(e->s), "flow_sim_run");
    double t1 = now_s();
    e->proc_in_run += process_allocs - p1;
    return t1 - t0;
}

typedef struct floor_ud {
    floor_loop *fl;
    volatile double sink;
} floor_ud;

static double time_floor_run(void *p)
{
    floor_ud *f = p;
    double t0 = now_s();
    f->sink += floor_run(f->fl);
    return now_s() - t0;
}

/* In and out of the whole system in the last year, from the engine's
 * results against the generator's own generation: |1 - out/in|. Terminal
 * processes have no outflows, so what reaches them is what left. */
static double mass_closure(const spec *sp, const flow_model *m, const flow_sim *s)
{
    double in = 0.0, out = 0.0;
    for (int g = 0; g < sp->n_gens; g++)
        in += sp->gens[g].coef * param_value(&sp->params[sp->gens[g].param], LAST_YEAR);
    const double *row = flow_sim_row(s, FLOW_ITEM_FLOW, LAST_YEAR);
    int ni = flow_model_n_items(m, FLOW_ITEM_FLOW);
    if (!row)
        return 1.0;
    for (int i = 0; i < ni; i++) {
        flow_item_info it;
        check(flow_model_item_info(m, FLOW_ITEM_FLOW, i, &it), "flow_model_item_info");
        if (sp->kind[it.to] == FLOW_SINK || sp->kind[it.to] == FLOW_STOCK)
            out += row[i];
    }
    return in > 0.0 ? (out > in ? out - in : in - out) / in : 1.0;
}

/* The capacities that send something to their overflow in the last year. */
static int capacities_binding(const spec *sp, const flow_model *m, const flow_sim *s)
{
    const double *row = flow_sim_row(s, FLOW_ITEM_FLOW, LAST_YEAR);
    int ni = flow_model_n_items(m, FLOW_ITEM_FLOW), n = 0;
    char *seen = xcalloc((size_t)sp->n_proc, 1);
    for (int i = 0; row && i < ni; i++) {
        flow_item_info it;
        check(flow_model_item_info(m, FLOW_ITEM_FLOW, i, &it), "flow_model_item_info");
        if (it.mode == FLOW_OVERFLOW && row[i] > 0.0 && !seen[it.from]) {
            seen[it.from] = 1;
            n++;
        }
    }
    free(seen);
    return n;
}

/* Peak memory: a model built with the default allocator, measured as the
 * growth of the peak RSS over the RSS before building it. Meaningful only
 * when no earlier work of this process reached a higher peak, so main()
 * measures the largest size first. */
static void measure_memory(const spec *sp, result *res)
{
    flow_model *m;
    flow_sim *s;
    long before = vmrss_kib(), peak_before = maxrss_kib();

    m = model_build(sp, NULL);
    check(flow_model_compile(m), "flow_model_compile");
    check(flow_sim_new(&s, m), "flow_sim_new");
    check(flow_sim_run(s), "flow_sim_run");
    long peak = maxrss_kib();
    flow_sim_free(s);
    flow_model_free(m);
    if (before > 0 && peak > peak_before) {
        res->rss_before_kib = before;
        res->rss_peak_kib = peak;
    }
}

/* What libflow allocates, through a counting flow_allocator: to build,
 * compile and create the simulation; in each of COUNT_RUNS runs and in
 * the resets between them; the most it holds at once; and whether
 * flow_model_free leaves anything behind. A model of its own: the timed
 * one has the default allocator, as a caller has it (large blocks of the
 * default allocator are offered to the kernel for huge pages, alloc.c). */
#define COUNT_RUNS 3
static void count_allocs(const spec *sp, result *res)
{
    counter cnt = { 0, 0, 0 };
    flow_allocator alloc = { cnt_malloc, cnt_realloc, cnt_free, &cnt };
    flow_model *m = model_build(sp, &alloc);
    check(flow_model_compile(m), "flow_model_compile");
    flow_sim *s;
    check(flow_sim_new(&s, m), "flow_sim_new");
    res->lib_calls_build = cnt.calls;
    for (int r = 0; r < COUNT_RUNS; r++) {
        long c0 = cnt.calls;
        if (r > 0) {
            check(flow_sim_reset(s), "flow_sim_reset");
            res->lib_calls_reset += cnt.calls - c0;
            c0 = cnt.calls;
        }
        check(flow_sim_run(s), "flow_sim_run");
        res->lib_calls_run += cnt.calls - c0;
    }
    res->lib_runs = COUNT_RUNS;
    res->lib_peak_bytes = cnt.peak;
    flow_sim_free(s);
    flow_model_free(m);
    if (cnt.live != 0)
        fprintf(stderr, "bench_engine: %zu bytes of libflow still allocated after "
                "flow_model_free (a leak)\n", cnt.live);
}

/* The store floor: only the stores of the result rows. Each run first
 * clears the rows (untimed, as flow_sim_reset clears the engine's), then
 * writes every item of every year's row, in order. It does no arithmetic
 * and reads nothing: how the time of writing rows of this size grows on
 * this machine, which no engine that must fill them can grow less than
 * by much. */
typedef struct store_ud {
    double *rows;
    size_t n;                     /* items a year */
    volatile double sink;
} store_ud;

static double time_store_run(void *p)
{
    store_ud *u = p;
    memset(u->rows, 0, u->n * N_YEARS * sizeof *u->rows);
    double t0 = now_s();
    for (int t = 0; t < N_YEARS; t++) {
        double *row = u->rows + (size_t)t * u->n, v = (double)t;
        for (size_t k = 0; k < u->n; k++)
            row[k] = v + (double)k;
    }
    double t1 = now_s();
    u->sink += u->rows[u->n * N_YEARS - 1];
    return t1 - t0;
}

static void measure(int n, int quick, int with_memory, result *res)
{
    spec sp;
    double t0;

    memset(res, 0, sizeof *res);
    res->rss_before_kib = res->rss_peak_kib = -1;
    t0 = now_s();
    spec_generate(&sp, n);
    res->gen_s = now_s() - t0;
    res->n_proc = n;
    res->n_loops = sp.n_loops;
    res->loop_procs = sp.loop_procs;
    res->n_caps = sp.n_caps;

    if (with_memory)
        measure_memory(&sp, res);
    count_allocs(&sp, res);

    t0 = now_s();
    flow_model *m = model_build(&sp, NULL);
    res->build_s = now_s() - t0;
    t0 = now_s();
    check(flow_model_compile(m), "flow_model_compile");
    res->compile_s = now_s() - t0;
    res->n_flows = flow_model_n_flows(m);
    res->n_flow_items = flow_model_n_items(m, FLOW_ITEM_FLOW);
    res->n_stock_items = flow_model_n_items(m, FLOW_ITEM_STOCK);
    res->n_param_items = flow_model_n_items(m, FLOW_ITEM_PARAM);
    /* every kind of result item (flows, stocks, parameters, indicators) */
    for (int k = 0; k < FLOW_ITEM_KIND_COUNT_; k++)
        res->result_bytes += (size_t)N_YEARS * sizeof(double)
                             * (size_t)flow_model_n_items(m, (flow_item_kind)k);

    flow_sim *s;
    t0 = now_s();
    check(flow_sim_new(&s, m), "flow_sim_new");
    res->sim_new_s = now_s() - t0;

    /* The cold run: the first touch of the result arrays included. */
    long p0 = process_allocs;
    t0 = now_s();
    check(flow_sim_run(s), "flow_sim_run");
    res->cold_run_s = now_s() - t0;
    res->proc_allocs_run = process_allocs - p0;

    flow_sim_stats st;
    flow_sim_get_stats(s, &st);
    res->dense_solves = st.dense_solves;
    res->sparse_solves = st.sparse_solves;
    res->max_balance_error = st.max_balance_error;
    res->mass_closure = mass_closure(&sp, m, s);
    res->caps_binding = capacities_binding(&sp, m, s);

    t0 = now_s();
    check(flow_sim_reset(s), "flow_sim_reset");
    res->reset_s = now_s() - t0;

    floor_loop fl;
    floor_build(&fl, &sp, m);
    floor_ud f = { &fl, 0.0 };
    time_floor_run(&f); /* the first touch of its arrays, as the engine's cold run */

    engine_ud e = { s, 0 };
    timing te, tf;
    repeat_pair(time_engine_run, &e, &te, time_floor_run, &f, &tf, quick ? 1 : MIN_REPS,
                quick ? 0.05 : MIN_TOTAL_S);
    res->run_s = te.min;
    res->run_med_s = te.median;
    res->reps = te.reps;
    res->floor_s = tf.min;
    res->floor_med_s = tf.median;
    res->proc_allocs_run += e.proc_in_run;
    res->runs = 1 + te.reps;
    if (!process_allocs_counted())
        res->proc_allocs_run = -1;

    /* the store floor, in the floor's output rows (the size of the
     * engine's flow rows), once the others are done */
    store_ud u = { fl.out, (size_t)fl.n_items, 0.0 };
    time_store_run(&u);
    double total = 0.0;
    res->store_s = INFINITY;
    for (int r = 0; r < (quick ? 1 : MIN_REPS) || total < (quick ? 0.0 : MIN_TOTAL_S / 4); r++) {
        double dt = time_store_run(&u);
        total += dt;
        if (dt < res->store_s)
            res->store_s = dt;
    }
    floor_free(&fl);

    flow_sim_free(s);
    flow_model_free(m);
    spec_free(&sp);
}

/* ------------------------------------------------------------------ */
/* Reporting                                                           */
/* ------------------------------------------------------------------ */

static void print_machine(void)
{
    char cpu[256] = "unknown";
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f) {
        char line[512];
        while (fgets(line, sizeof line, f))
            if (strncmp(line, "model name", 10) == 0) {
                char *v = strchr(line, ':');
                if (v) {
                    v++;
                    while (*v == ' ' || *v == '\t')
                        v++;
                    v[strcspn(v, "\n")] = '\0';
                    snprintf(cpu, sizeof cpu, "%s", v);
                }
                break;
            }
        fclose(f);
    }
    struct utsname u;
    int have_uname = uname(&u) == 0;
    printf("libflow engine benchmark (libflow %s)\n", flow_version());
    printf("machine:   %ld CPUs online, %s, %s %s\n", sysconf(_SC_NPROCESSORS_ONLN), cpu,
           have_uname ? u.sysname : "?", have_uname ? u.release : "?");
#if defined(__clang__)
    const char *cc = "clang";
#elif defined(__GNUC__)
    const char *cc = "gcc";
#else
    const char *cc = "cc";
#endif
#if defined(__VERSION__)
    const char *ver = __VERSION__;
#else
    const char *ver = "?";
#endif
#if defined(__OPTIMIZE__)
    const char *opt = "optimised";
#else
    const char *opt = "NOT optimised";
#endif
    printf("compiler:  %s %s (benchmark %s; the library's flags are those of configure)\n",
           cc, ver, opt);
    printf("models:    layered random, seed %#llx: %d layers, %d materials, %d years "
           "%d-%d,\n           %d flows (FLOW_ALL) per process, loops of 2-5 processes, "
           "capacities with overflow\n\n",
           (unsigned long long)SEED, N_LAYERS, N_MAT, N_YEARS, FIRST_YEAR, LAST_YEAR,
           FLOWS_PER_PROCESS);
}

static const char *verdict(int ok)
{
    return ok ? "OK" : "MISSED";
}

int main(int argc, char **argv)
{
    int sizes[MAX_SIZES], n_sizes = 0, quick = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            quick = 1;
        } else if (n_sizes < MAX_SIZES && atoi(argv[i]) >= 20) {
            sizes[n_sizes++] = atoi(argv[i]);
        } else {
            fprintf(stderr, "usage: %s [--quick] [processes ...]   (each >= 20, at most %d)\n",
                    argv[0], MAX_SIZES);
            return 2;
        }
    }
    if (n_sizes == 0) {
        sizes[n_sizes++] = 100;
        sizes[n_sizes++] = 1000;
        sizes[n_sizes++] = 10000;
    }
    /* ascending for the table; measured descending (memory first) */
    for (int i = 1; i < n_sizes; i++)
        for (int j = i; j > 0 && sizes[j - 1] > sizes[j]; j--) {
            int t = sizes[j];
            sizes[j] = sizes[j - 1];
            sizes[j - 1] = t;
        }

    setvbuf(stdout, NULL, _IOLBF, 0);
    print_machine();

    result res[MAX_SIZES];
    for (int i = n_sizes - 1; i >= 0; i--) {
        printf("measuring %d processes...\n", sizes[i]);
        measure(sizes[i], quick, i == n_sizes - 1, &res[i]);
    }

    printf("\nmodels\n");
    printf("%10s %8s %10s %7s %7s %12s %10s %9s %9s %9s\n", "processes", "flows",
           "flow items", "stock", "param", "loops/procs", "caps/bind", "build s",
           "compile s", "sim_new s");
    for (int i = 0; i < n_sizes; i++) {
        const result *r = &res[i];
        char loops[32], caps[32];
        snprintf(loops, sizeof loops, "%d/%d", r->n_loops, r->loop_procs);
        snprintf(caps, sizeof caps, "%d/%d", r->n_caps, r->caps_binding);
        printf("%10d %8d %10d %7d %7d %12s %10s %9.4f %9.4f %9.4f\n", r->n_proc, r->n_flows,
               r->n_flow_items, r->n_stock_items, r->n_param_items, loops, caps, r->build_s,
               r->compile_s, r->sim_new_s);
    }

    printf("\nthe year step (best of the repetitions, engine and floor alternating)\n");
    printf("%10s %10s %10s %10s %9s %10s %9s %9s %6s %7s %7s %10s %7s\n", "processes",
           "us/year", "(median)", "30-y run s", "cold s", "floor us/y", "(median)", "eng/floor",
           "reps", "x prev", "floor x", "store us/y", "store x");
    for (int i = 0; i < n_sizes; i++) {
        const result *r = &res[i];
        char scal[32] = "-", fscal[32] = "-", sscal[32] = "-";
        if (i > 0 && res[i - 1].run_s > 0 && res[i - 1].floor_s > 0) {
            snprintf(scal, sizeof scal, "%.2f", r->run_s / res[i - 1].run_s);
            snprintf(fscal, sizeof fscal, "%.2f", r->floor_s / res[i - 1].floor_s);
            snprintf(sscal, sizeof sscal, "%.2f", r->store_s / res[i - 1].store_s);
        }
        printf("%10d %10.2f %10.2f %10.4f %9.4f %10.2f %9.2f %9.2f %6d %7s %7s %10.2f %7s\n",
               r->n_proc, 1e6 * r->run_s / N_YEARS, 1e6 * r->run_med_s / N_YEARS, r->run_s,
               r->cold_run_s, 1e6 * r->floor_s / N_YEARS, 1e6 * r->floor_med_s / N_YEARS,
               r->floor_s > 0 ? r->run_s / r->floor_s : 0.0, r->reps, scal, fscal,
               1e6 * r->store_s / N_YEARS, sscal);
    }
    printf("(store: only the stores of the result rows, no arithmetic: how writing rows of\n"
           " this size grows on this machine)\n");

    printf("\nchecks and memory (allocations per run: through flow_allocator / whole process)\n");
    printf("%10s %9s %9s %9s %9s %13s %9s %9s %11s %12s %12s\n", "processes", "solves/y",
           "balance", "closure", "allocs", "in run", "in reset", "reset s", "result MiB",
           "libflow MiB", "RSS grew MiB");
    for (int i = 0; i < n_sizes; i++) {
        const result *r = &res[i];
        char rss[32] = "-", inrun[48];
        if (r->rss_peak_kib > 0)
            snprintf(rss, sizeof rss, "%.1f", (r->rss_peak_kib - r->rss_before_kib) / 1024.0);
        if (r->proc_allocs_run >= 0)
            snprintf(inrun, sizeof inrun, "%ld/%ld", r->lib_calls_run / r->lib_runs,
                     r->proc_allocs_run / r->runs);
        else
            snprintf(inrun, sizeof inrun, "%ld/?", r->lib_calls_run / r->lib_runs);
        printf("%10d %9d %9.1e %9.1e %9ld %13s %9ld %9.4f %11.1f %12.1f %12s\n", r->n_proc,
               r->dense_solves + r->sparse_solves, r->max_balance_error, r->mass_closure,
               r->lib_calls_build, inrun, r->lib_calls_reset, r->reset_s,
               r->result_bytes / 1048576.0, r->lib_peak_bytes / 1048576.0, rss);
    }
    printf("(solves/y: cycle systems solved in the last year; allocs: to build, compile and\n"
           " create the simulation; in reset: all resets together)\n");

    printf("\n");
    for (int i = 0; i < n_sizes; i++) {
        const result *r = &res[i];
        printf("BENCH processes=%d materials=%d years=%d flows=%d flow_items=%d "
               "stock_items=%d param_items=%d loops=%d loop_processes=%d capacities=%d "
               "capacities_binding=%d generator_s=%.6f build_s=%.6f compile_s=%.6f "
               "sim_new_s=%.6f cold_run_s=%.6f run_s=%.6f run_median_s=%.6f "
               "us_per_year=%.3f us_per_year_median=%.3f reps=%d floor_s=%.6f "
               "floor_median_s=%.6f floor_us_per_year=%.3f engine_floor=%.3f "
               "engine_floor_median=%.3f scaling_vs_prev=%.3f floor_scaling_vs_prev=%.3f "
               "store_us_per_year=%.3f store_scaling_vs_prev=%.3f "
               "reset_s=%.6f solves_per_year=%d runs=%d allocs_build=%ld allocs_run=%ld count_runs=%d "
               "process_allocs_run=%ld allocs_reset=%ld result_bytes=%zu "
               "libflow_peak_bytes=%zu rss_peak_delta_bytes=%ld max_balance_error=%.3g "
               "mass_closure=%.3g\n",
               r->n_proc, N_MAT, N_YEARS, r->n_flows, r->n_flow_items, r->n_stock_items,
               r->n_param_items, r->n_loops, r->loop_procs, r->n_caps, r->caps_binding,
               r->gen_s, r->build_s, r->compile_s, r->sim_new_s, r->cold_run_s, r->run_s,
               r->run_med_s, 1e6 * r->run_s / N_YEARS, 1e6 * r->run_med_s / N_YEARS, r->reps,
               r->floor_s, r->floor_med_s, 1e6 * r->floor_s / N_YEARS,
               r->floor_s > 0 ? r->run_s / r->floor_s : 0.0,
               r->floor_med_s > 0 ? r->run_med_s / r->floor_med_s : 0.0,
               i > 0 && res[i - 1].run_s > 0 ? r->run_s / res[i - 1].run_s : 0.0,
               i > 0 && res[i - 1].floor_s > 0 ? r->floor_s / res[i - 1].floor_s : 0.0,
               1e6 * r->store_s / N_YEARS,
               i > 0 && res[i - 1].store_s > 0 ? r->store_s / res[i - 1].store_s : 0.0,
               r->reset_s, r->dense_solves + r->sparse_solves, r->runs, r->lib_calls_build,
               r->lib_calls_run, r->lib_runs, r->proc_allocs_run, r->lib_calls_reset, r->result_bytes,
               r->lib_peak_bytes,
               r->rss_peak_kib > 0 ? 1024 * (r->rss_peak_kib - r->rss_before_kib) : -1L,
               r->max_balance_error, r->mass_closure);
    }

    /* Goals, on the best times: on a shared machine noise only ever adds
     * time, so the best run is what reproduces. A size missing from the
     * command line makes its goal n/a. */
    printf("\ngoals (on the best times)\n");
    for (int i = 1; i < n_sizes; i++)
        if (res[i].n_proc == 10 * res[i - 1].n_proc) {
            double q = res[i].run_s / res[i - 1].run_s;
            char what[64];
            snprintf(what, sizeof what, "time %d / time %d processes", res[i].n_proc,
                     res[i - 1].n_proc);
            printf("  %-46s %9.2f x   (<= %.0f)     %s\n", what, q, GOAL_SCALING,
                   verdict(q <= GOAL_SCALING));
            snprintf(what, sizeof what, "  the same for the floor / the store floor");
            printf("  %-46s %5.2f / %5.2f x  (information)\n", what,
                   res[i].floor_s / res[i - 1].floor_s, res[i].store_s / res[i - 1].store_s);
        }
    int big = -1;
    for (int i = 0; i < n_sizes; i++)
        if (res[i].n_proc == GOAL_SIZE)
            big = i;
    if (big >= 0)
        printf("  %-46s %9.3f s   (< %.1f s)    %s\n", "10000 processes, 30 years",
               res[big].run_s, GOAL_RUN_S, verdict(res[big].run_s < GOAL_RUN_S));
    else
        printf("  %-46s %9s     (< %.1f s)    n/a\n", "10000 processes, 30 years", "-",
               GOAL_RUN_S);
    double worst_floor = 0.0;
    int worst_at = 0;
    long lib_in_run = 0, proc_in_run = 0;
    for (int i = 0; i < n_sizes; i++) {
        double q = res[i].run_s / res[i].floor_s;
        if (q > worst_floor) {
            worst_floor = q;
            worst_at = res[i].n_proc;
        }
        lib_in_run += res[i].lib_calls_run;
        if (res[i].proc_allocs_run < 0 || proc_in_run < 0)
            proc_in_run = -1;
        else
            proc_in_run += res[i].proc_allocs_run;
    }
    {
        char what[64];
        snprintf(what, sizeof what, "engine / floor (worst: %d processes)", worst_at);
        printf("  %-46s %9.2f x   (<= %.0f)      %s\n", what, worst_floor, GOAL_FLOOR,
               verdict(worst_floor <= GOAL_FLOOR));
    }
    printf("  %-46s %9ld     (0)           %s\n", "allocations in all runs, flow_allocator",
           lib_in_run, verdict(lib_in_run == 0));
    if (proc_in_run >= 0)
        printf("  %-46s %9ld     (0)           %s\n", "allocations in all runs, whole process",
               proc_in_run, verdict(proc_in_run == 0));
    else
        printf("  %-46s %9s     (0)           n/a (not counted here)\n",
               "allocations in all runs, whole process", "-");
    const result *mr = &res[n_sizes - 1];
    {
        char what[64];
        snprintf(what, sizeof what, "peak RSS growth / result arrays (%d)", mr->n_proc);
        if (mr->rss_peak_kib > 0) {
            double q = 1024.0 * (double)(mr->rss_peak_kib - mr->rss_before_kib)
                       / (double)mr->result_bytes;
            printf("  %-46s %9.2f x   (<= %.0f)      %s\n", what, q, GOAL_MEMORY,
                   verdict(q <= GOAL_MEMORY));
        } else {
            printf("  %-46s %9s     (<= %.0f)      n/a (no new RSS peak)\n", what, "-",
                   GOAL_MEMORY);
        }
        snprintf(what, sizeof what, "libflow peak bytes / result arrays (%d)", mr->n_proc);
        printf("  %-46s %9.2f x   (information)\n", what,
               (double)mr->lib_peak_bytes / (double)mr->result_bytes);
    }
    double worst_closure = 0.0;
    for (int i = 0; i < n_sizes; i++)
        if (res[i].mass_closure > worst_closure)
            worst_closure = res[i].mass_closure;
    printf("  %-46s %9.1e     (<= 1e-9)      %s\n", "sanity: |1 - mass out / in| in 2050",
           worst_closure, worst_closure <= 1e-9 ? "OK" : "WRONG: the results do not close");
    return 0;
}
