/*
 * cksuite_cycle_random.c — the property test of issue 12: random loops
 * with two or three capacities, their overflows into the loop (to the next
 * process, downstream, or upstream of it) or out of it, each solved by
 * libflow and by an independent solver written here: a hand-coded linear
 * model of the loop (Gaussian elimination) and nested one-dimensional
 * bracketing over the accepted fractions (Illinois' regula falsi, with
 * halving to find the bracket). None of libflow's solver code is used.
 *
 * The loop: a source sends g_a t of a and g_b t of b to N0; N0 .. N(n-1)
 * form a ring; Ni sends the share e[i][m] of material m to its sink Xi,
 * the rest to N(i+1 mod n). Some Ni have a capacity C (all materials) and
 * overflow to a sink Zi or to another Nj. Accepted fractions rho in
 * [0, 1]: for each capacity, accepted = C, or rho = 1 and accepted <= C.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cktest.h"

#define NMAX 6
#define NLOOPS 400
#define NOSOL 1 /* the reference's "no fractions keep within the capacities" */

/* A deterministic generator (xorshift64*), fixed seed: every run tests
 * the same loops. */
static unsigned long long rng_state;

static double uniform(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (double)((rng_state * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static int pick(int n) { return (int)(uniform() * n); }

typedef struct loop {
    int n, ncap;
    double g[2];
    double e[NMAX][2];
    int cap[NMAX];            /* position in the capacity list, or -1 */
    int ci[3];                /* the capacity processes */
    double C[3];
    int ovf[3];               /* overflow: a ring index, or -1 (its sink Zi) */
    /* the reference's state */
    double rho[NMAX];
    double x[NMAX][2];        /* inputs */
} loop;

/* x = g + A(rho) x for material m, by Gaussian elimination with partial
 * pivoting. 1 when (nearly) singular: all goes round. */
static int ref_linear(loop *L, int m)
{
    int n = L->n;
    double a[NMAX][NMAX + 1];
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++)
            a[i][j] = i == j;
        a[i][n] = i == 0 ? L->g[m] : 0;
    }
    for (int j = 0; j < n; j++) {
        a[(j + 1) % n][j] -= L->rho[j] * (1 - L->e[j][m]);
        if (L->cap[j] >= 0 && L->ovf[L->cap[j]] >= 0)
            a[L->ovf[L->cap[j]]][j] -= 1 - L->rho[j];
    }
    double scale = 1; /* a pivot below 1e-12 of the largest entry: all goes round */
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            scale = fmax(scale, fabs(a[i][j]));
    for (int k = 0; k < n; k++) {
        int r = k;
        for (int i = k + 1; i < n; i++)
            if (fabs(a[i][k]) > fabs(a[r][k]))
                r = i;
        for (int j = 0; j <= n; j++) {
            double t = a[k][j];
            a[k][j] = a[r][j];
            a[r][j] = t;
        }
        if (!(fabs(a[k][k]) > 1e-12 * scale))
            return 1;
        for (int i = k + 1; i < n; i++) {
            double f = a[i][k] / a[k][k];
            for (int j = k; j <= n; j++)
                a[i][j] -= f * a[k][j];
        }
    }
    for (int i = n - 1; i >= 0; i--) {
        double v = a[i][n];
        for (int j = i + 1; j < n; j++)
            v -= a[i][j] * L->x[j][m];
        L->x[i][m] = v / a[i][i];
    }
    return 0;
}

static int ref_level(loop *L, int l);

/* What capacity l accepts beyond C at fraction rho (the later ones
 * solved); *st: 0, or NOSOL / singular (then "too much"). */
static double ref_f(loop *L, int l, double rho, int *st)
{
    int i = L->ci[l];
    L->rho[i] = rho;
    *st = ref_level(L, l + 1);
    if (*st)
        return INFINITY;
    return rho * (L->x[i][0] + L->x[i][1]) - L->C[l];
}

static int ref_level(loop *L, int l)
{
    if (l == L->ncap)
        return ref_linear(L, 0) || ref_linear(L, 1);
    int st;
    double f1 = ref_f(L, l, 1, &st);
    if (!st && f1 <= 0)
        return 0;
    /* a lower end: halve from 1/2 until it accepts less than C */
    double lo = 0.5, hi = 1, flo = INFINITY, fhi = f1;
    for (int k = 0; k < 45; k++, lo /= 2) {
        flo = ref_f(L, l, lo, &st);
        if (!st && flo <= 0)
            break;
        hi = lo;
        fhi = flo;
    }
    if (st || flo > 0)
        return NOSOL;
    /* Illinois: regula falsi that halves the value kept at the end that
     * stays; a point where the later capacities fail counts as "too much"
     * and is bisected past */
    int side = 0;
    for (int it = 0; it < 300 && hi - lo > 1e-15 * hi && flo != 0; it++) {
        double r = isfinite(fhi) ? lo - flo * (hi - lo) / (fhi - flo) : 0.5 * (lo + hi);
        if (!(r > lo && r < hi))
            r = 0.5 * (lo + hi);
        double fr = ref_f(L, l, r, &st);
        if (fabs(fr) <= 1e-15 * L->C[l]) {
            lo = hi = r;
            break;
        }
        if (fr < 0) {
            lo = r;
            flo = fr;
            if (side == -1)
                fhi /= 2;
            side = -1;
        } else {
            hi = r;
            fhi = fr;
            if (side == 1)
                flo /= 2;
            side = 1;
        }
    }
    /* the state at the root (lo: accepts <= C); where the later
     * capacities fail just above lo, f jumps there without a root: then
     * there is no solution */
    double f = ref_f(L, l, lo, &st);
    return st || fabs(f) > 1e-9 * L->C[l] ? NOSOL : 0;
}

/* A loop that keeps a material going round whatever the fractions: its
 * system is singular with every fraction 1 and with every fraction 1/2
 * (then "has no exit" is the right complaint, not the capacities). */
static int closed(loop *L)
{
    int sing = 1;
    for (int h = 0; h < 2 && sing; h++) {
        for (int l = 0; l < L->ncap; l++)
            L->rho[L->ci[l]] = h ? 0.5 : 1;
        sing = ref_linear(L, 0) || ref_linear(L, 1);
    }
    return sing;
}

static void make_loop(loop *L)
{
    memset(L, 0, sizeof *L);
    L->n = 2 + pick(NMAX - 1);
    L->ncap = 2 + pick(2);
    if (L->ncap > L->n)
        L->ncap = L->n;
    L->g[0] = 1 + 99 * uniform();
    L->g[1] = 1 + 99 * uniform();
    for (int i = 0; i < L->n; i++) {
        L->cap[i] = -1;
        L->rho[i] = 1;
        for (int m = 0; m < 2; m++)
            /* now and then a material with no exit here (issue 12 §1) */
            L->e[i][m] = uniform() < 0.2 ? 0 : 0.02 + 0.58 * uniform();
    }
    for (int l = 0; l < L->ncap; l++) {
        int i;
        do
            i = pick(L->n);
        while (L->cap[i] >= 0);
        L->cap[i] = l;
        L->ci[l] = i;
        L->C[l] = (0.02 + 0.6 * uniform()) * (L->g[0] + L->g[1]);
        int to = pick(L->n + 1) - 1; /* -1: out, to its sink */
        L->ovf[l] = to == i ? -1 : to;
    }
}

static int proc(flow_model *m, const char *prefix, int i, flow_kind k)
{
    char name[16];
    int p = -1;
    snprintf(name, sizeof name, "%s%d", prefix, i);
    ck_assert_flow_ok(flow_model_add_process(m, name, k, &p));
    return p;
}

static flow_model *libflow_model(const loop *L)
{
    flow_model *m = NULL;
    ck_assert_flow_ok(flow_model_new(&m, 2020, 2020, NULL));
    int mat[2], N[NMAX], X[NMAX], src = -1;
    ck_assert_flow_ok(flow_model_add_material(m, "a", FLOW_CAT_DOMESTIC, "t", &mat[0]));
    ck_assert_flow_ok(flow_model_add_material(m, "b", FLOW_CAT_DOMESTIC, "t", &mat[1]));
    ck_assert_flow_ok(flow_model_add_process(m, "src", FLOW_SOURCE, &src));
    for (int i = 0; i < L->n; i++) {
        N[i] = proc(m, "N", i, FLOW_SPLIT);
        X[i] = proc(m, "X", i, FLOW_SINK);
    }
    for (int k = 0; k < 2; k++)
        ck_assert_flow_ok(flow_model_set_generation(m, src, mat[k], L->g[k], FLOW_NONE));
    ck_assert_flow_ok(flow_model_add_flow(m, src, N[0], FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL));
    for (int i = 0; i < L->n; i++) {
        for (int k = 0; k < 2; k++)
            ck_assert_flow_ok(flow_model_add_flow(m, N[i], X[i], mat[k], FLOW_SHARE, L->e[i][k], FLOW_NONE, NULL));
        ck_assert_flow_ok(flow_model_add_flow(m, N[i], N[(i + 1) % L->n], FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL));
    }
    for (int l = 0; l < L->ncap; l++) {
        int i = L->ci[l], par = -1;
        char name[16];
        snprintf(name, sizeof name, "C%d", i);
        ck_assert_flow_ok(flow_model_add_param_const(m, name, NULL, L->C[l], &par));
        int to = L->ovf[l] >= 0 ? N[L->ovf[l]] : proc(m, "Z", i, FLOW_SINK);
        ck_assert_flow_ok(flow_model_set_capacity(m, N[i], par, to));
    }
    ck_assert_flow_ok(flow_model_compile(m));
    return m;
}

/* flow item "N<i><arrow><to><j>:<mat>" in 2020 */
static double get(const flow_sim *s, int i, const char *arrow, const char *to, int j, const char *mat)
{
    char name[64];
    int it = -1;
    double v = NAN;
    snprintf(name, sizeof name, "N%d%s%s%d:%s", i, arrow, to, j, mat);
    ck_assert_flow_ok(flow_model_find_item(flow_sim_model(s), FLOW_ITEM_FLOW, name, &it));
    ck_assert_flow_ok(flow_sim_get(s, FLOW_ITEM_FLOW, it, 2020, &v));
    return v;
}

/* Compares libflow's flows with the reference's. Tolerance: 1e-9 of the
 * mass going round (the sum of all inputs). Both solvers stop with each
 * binding capacity met to about 1e-12 of C (libflow: 1e-12, the
 * reference: 1e-15, or its bracket 1e-15 wide); an error e in an
 * accepted amount moves the flows by e times the loop's amplification
 * (how much more goes round than enters), so 1e-9 leaves a factor of
 * 1000 for it; Gaussian elimination adds a few ulps times the same
 * factor. The capacity bound itself is strict: accepted <= C (1 + 1e-12);
 * the four flows summed for it add a few ulps at most. */
static int compare(const loop *L, const flow_sim *s, char *why, size_t size)
{
    static const char *mn[2] = { "a", "b" };
    double mass = 0;
    for (int i = 0; i < L->n; i++)
        mass += L->x[i][0] + L->x[i][1];
    for (int i = 0; i < L->n; i++) {
        double acc = 0;
        for (int m = 0; m < 2; m++) {
            double x = L->x[i][m], r = L->rho[i];
            double want_x = r * L->e[i][m] * x, want_next = r * (1 - L->e[i][m]) * x;
            double vx = get(s, i, "->", "X", i, mn[m]);
            double vn = get(s, i, "->", "N", (i + 1) % L->n, mn[m]);
            if (!(fabs(vx - want_x) <= 1e-9 * mass && fabs(vn - want_next) <= 1e-9 * mass)) {
                snprintf(why, size, "N%d, %s: libflow %.12g, %.12g; reference %.12g, %.12g", i, mn[m], vx, vn,
                         want_x, want_next);
                return 1;
            }
            acc += vx + vn;
            int l = L->cap[i];
            if (l >= 0) {
                double vo = L->ovf[l] >= 0 ? get(s, i, "[overflow]->", "N", L->ovf[l], mn[m])
                                           : get(s, i, "[overflow]->", "Z", i, mn[m]);
                if (!(fabs(vo - (1 - r) * x) <= 1e-9 * mass)) {
                    snprintf(why, size, "N%d overflow %s: %.12g, not %.12g", i, mn[m], vo, (1 - r) * x);
                    return 1;
                }
            }
        }
        if (L->cap[i] >= 0 && !(acc <= L->C[L->cap[i]] * (1 + 1e-12))) {
            snprintf(why, size, "N%d accepts %.17g, capacity %.17g", i, acc, L->C[L->cap[i]]);
            return 1;
        }
    }
    return 0;
}

/* The reference is itself checked against the conditions (accepted <= C,
 * and = C where rho < 1), so that a wrong reference cannot pass by
 * agreeing with a wrong libflow. */
static void check_reference(const loop *L, int seed)
{
    for (int l = 0; l < L->ncap; l++) {
        int i = L->ci[l];
        double a = L->rho[i] * (L->x[i][0] + L->x[i][1]);
        ck_assert_msg(a <= L->C[l] * (1 + 1e-9), "loop %d: reference accepts %g > %g", seed, a, L->C[l]);
        ck_assert_msg(L->rho[i] == 1 || fabs(a - L->C[l]) <= 1e-9 * L->C[l], "loop %d: reference %g vs %g", seed,
                      a, L->C[l]);
    }
}

START_TEST(test_random_loops)
{
    int n_ok = 0, n_nosol = 0, n_inside = 0, n_out = 0, n3 = 0, n_bad = 0;
    char first[500] = "";
    rng_state = 0x9E3779B97F4A7C15ULL;
    for (int seed = 0; seed < NLOOPS; seed++) {
        loop L;
        make_loop(&L);
        for (int l = 0; l < L.ncap; l++) {
            n_inside += L.ovf[l] >= 0;
            n_out += L.ovf[l] < 0;
        }
        n3 += L.ncap == 3;
        int st = ref_level(&L, 0);
        if (getenv("CYCLE_DEBUG") && seed == atoi(getenv("CYCLE_DEBUG"))) {
            printf("n %d ncap %d g %g %g st %d\n", L.n, L.ncap, L.g[0], L.g[1], st);
            for (int i = 0; i < L.n; i++)
                printf(" N%d e %g %g cap %d rho %.17g x %g %g\n", i, L.e[i][0], L.e[i][1], L.cap[i], L.rho[i], L.x[i][0], L.x[i][1]);
            for (int l = 0; l < L.ncap; l++)
                printf(" cap %d at N%d C %g ovf %d\n", l, L.ci[l], L.C[l], L.ovf[l]);
        }
        flow_model *m = libflow_model(&L);
        flow_sim *s = NULL;
        ck_assert_flow_ok(flow_sim_new(&s, m));
        int rc = flow_sim_run(s), bad = 0;
        char why[400] = "";
        if (st) {
            /* no solution: libflow must say so, naming a capacity */
            bad = !(rc == FLOW_EVALUE && strstr(flow_error_last(), "must accept more than its capacities")) &&
                  !(rc == FLOW_ESINGULAR && strstr(flow_error_last(), "has no exit") && closed(&L));
            if (bad)
                snprintf(why, sizeof why, "the reference finds no solution, libflow: %d %s", rc, flow_error_last());
            n_nosol++;
        } else {
            check_reference(&L, seed);
            if (rc)
                snprintf(why, sizeof why, "%s", flow_error_last());
            bad = rc || compare(&L, s, why, sizeof why);
            n_ok++;
        }
        if (bad && getenv("CYCLE_RANDOM_VERBOSE"))
            printf("loop %d: %s\n", seed, why);
        if (bad && !n_bad++)
            snprintf(first, sizeof first, "loop %d (%d capacities): %s", seed, L.ncap, why);
        flow_sim_free(s);
        flow_model_free(m);
    }
    /* the sample covers what it must (these counts are of the generator,
     * fixed by its seed) */
    ck_assert_int_eq(n_ok + n_nosol, NLOOPS);
    ck_assert_int_ge(n_ok, NLOOPS / 2);
    ck_assert_int_ge(n3, NLOOPS / 4);
    ck_assert_int_ge(n_inside, NLOOPS / 2);
    ck_assert_int_ge(n_out, NLOOPS / 8);
    if (getenv("CYCLE_RANDOM_VERBOSE"))
        printf("random loops: %d solved, %d without solution; %d with three capacities; overflows %d inside, "
               "%d out; %d wrong\n", n_ok, n_nosol, n3, n_inside, n_out, n_bad);
    ck_assert_msg(n_bad == 0, "%d of %d loops wrong; the first: %s", n_bad, NLOOPS, first);
}
END_TEST

Suite *flow_cycle_random_suite(void)
{
    Suite *s = suite_create("cycle_random");
    TCase *tc = tcase_create("loops");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_random_loops);
    suite_add_tcase(s, tc);
    return s;
}
