/*
 * cksuite_results.c — the HDF5 results store: a round trip against hand
 * values, provenance against the FIPS 180-2 test vector, atomic writes
 * (abandon, simulated write failures, a writer killed mid-way) and every
 * kind of bad file (not HDF5, HDF5 but not ours, a newer version,
 * truncated, a missing scenario); samples of a random run written and read
 * back; indicators' titles, and files from before they were written; a
 * kind whose values are corrupt is read once, not at every call.
 */
#define _GNU_SOURCE /* putenv; RTLD_NEXT */
#include <dlfcn.h>
#include <hdf5.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <dirent.h>
#include <stddef.h>

#ifdef HAVE_CONFIG_H
#include "config.h" /* FLOW_FAULT_INJECTION: ./configure --enable-fault-injection */
#endif

#include "cktest.h"

#define TOL 1e-12

static char dir[512];

/* Every H5Dread of the process, libflow's included (an executable's
 * definition comes before libhdf5's), counted, then passed on. */
static long n_dread;
herr_t H5Dread(hid_t d, hid_t mt, hid_t ms, hid_t fs, hid_t pl, void *buf)
{
    static herr_t (*real)(hid_t, hid_t, hid_t, hid_t, hid_t, void *);
    if (!real)
        *(void **)&real = dlsym(RTLD_NEXT, "H5Dread");
    n_dread++;
    return real(d, mt, ms, fs, pl, buf);
}

static void mkdir_tmp(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/results-test-XXXXXX", t && t[0] ? t : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void rm_tmp(void)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char p[1024];
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
    closedir(d);
    rmdir(dir);
}

/* Entries of the folder (the temporary files a writer leaves must not). */
static int n_entries(void)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (d)
        closedir(d);
    return n;
}

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

/* A city of 100 t/a msw (2021-2023): 60 % to recycling, the rest to a
 * landfill that keeps it; an indicator "recycled" = flows to recycling,
 * target >= 50 in 2023 (met: 60), and "landfilled" <= 30 (missed: 40). */
static flow_sim *run_city(flow_model **mp, double share)
{
    flow_model *m;
    int msw, city, rec, lf, k, node, ind;
    ck_assert_flow_ok(flow_model_new(&m, 2021, 2023, NULL));
    ck_assert_flow_ok(flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &msw));
    ck_assert_flow_ok(flow_model_add_process(m, "city", FLOW_SOURCE, &city));
    ck_assert_flow_ok(flow_model_add_process(m, "recycling", FLOW_SINK, &rec));
    ck_assert_flow_ok(flow_model_add_process(m, "landfill", FLOW_STOCK, &lf));
    ck_assert_flow_ok(flow_model_set_generation(m, city, msw, 100, FLOW_NONE));
    ck_assert_flow_ok(flow_model_add_param_const(m, "share", "1", share, &k));
    ck_assert_flow_ok(flow_model_add_flow(m, city, rec, FLOW_ALL, FLOW_SHARE, 1, k, NULL));
    ck_assert_flow_ok(flow_model_add_flow(m, city, lf, FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL));
    flow_selector sel = FLOW_SELECTOR_INIT;
    sel.to = &rec;
    sel.n_to = 1;
    ck_assert_flow_ok(flow_expr_flows(m, &sel, &node));
    ck_assert_flow_ok(flow_model_add_indicator(m, "recycled", "t/a", node, "plan 附件1 row 5", &ind));
    ck_assert_flow_ok(flow_model_add_target(m, ind, 2023, FLOW_CMP_GE, 50, "附件1 row 5", NULL));
    sel.to = &lf;
    ck_assert_flow_ok(flow_expr_flows(m, &sel, &node));
    ck_assert_flow_ok(flow_model_add_indicator(m, "landfilled", "t/a", node, NULL, &ind));
    ck_assert_flow_ok(flow_model_add_target(m, ind, 2023, FLOW_CMP_LE, 30, NULL, NULL));
    ck_assert_flow_ok(flow_model_compile(m));
    flow_sim *s;
    ck_assert_flow_ok(flow_sim_new(&s, m));
    ck_assert_flow_ok(flow_sim_run(s));
    *mp = m;
    return s;
}

/* Writes one scenario "plan" (share 0.6) to path; 0 or the error. */
static int write_file(const char *path, const flow_provenance *prov, double share)
{
    flow_model *m;
    flow_sim *s = run_city(&m, share);
    flow_results *r;
    int rc = flow_results_create(&r, path);
    if (!rc)
        rc = flow_results_write(r, "plan", s, prov);
    if (!rc)
        rc = flow_results_commit(r);
    else
        flow_results_close(r);
    flow_sim_free(s);
    flow_model_free(m);
    return rc;
}

START_TEST(test_round_trip)
{
    mkdir_tmp();
    char path[600], model[600];
    snprintf(path, sizeof path, "%s/out.h5", dir);
    snprintf(model, sizeof model, "%s/model.lua", dir);
    FILE *f = fopen(model, "w");
    fputs("abc", f); /* FIPS 180-2 appendix B.1: SHA-256("abc") */
    fclose(f);
    flow_provenance prov = { model, NULL, "round trip", 42, 1 };
    ck_assert_flow_ok(write_file(path, &prov, 0.6));
    unlink(model);
    ck_assert_int_eq(n_entries(), 1); /* the file, no temporary left */

    flow_results *r;
    ck_assert_flow_ok(flow_results_open(&r, path));
    ck_assert_int_eq(flow_results_n_scenarios(r), 1);
    ck_assert_str_eq(flow_results_scenario(r, 0), "plan");
    int s, first, last, item;
    ck_assert_flow_ok(flow_results_find_scenario(r, "plan", &s));
    ck_assert_flow_ok(flow_results_years(r, s, &first, &last));
    ck_assert_int_eq(first, 2021);
    ck_assert_int_eq(last, 2023);
    /* by hand: 60 to recycling, 40 to the landfill, which holds 40 x years */
    double v;
    ck_assert_flow_ok(flow_results_find_item(r, s, FLOW_ITEM_FLOW, "city->recycling:msw", &item));
    ck_assert_flow_ok(flow_results_get(r, s, FLOW_ITEM_FLOW, item, 2022, &v));
    ck_assert_double_eq_tol(v, 60, TOL);
    ck_assert_str_eq(flow_results_item_unit(r, s, FLOW_ITEM_FLOW, item), "t/a");
    double series[3];
    ck_assert_flow_ok(flow_results_find_item(r, s, FLOW_ITEM_STOCK, "landfill:msw", &item));
    ck_assert_flow_ok(flow_results_series(r, s, FLOW_ITEM_STOCK, item, series));
    ck_assert_double_eq_tol(series[0], 40, TOL);
    ck_assert_double_eq_tol(series[2], 120, TOL);
    ck_assert_flow_ok(flow_results_find_item(r, s, FLOW_ITEM_INDICATOR, "recycled", &item));
    ck_assert_str_eq(flow_results_item_unit(r, s, FLOW_ITEM_INDICATOR, item), "t/a");
    ck_assert_flow_ok(flow_results_find_item(r, s, FLOW_ITEM_PARAM, "share", &item));
    ck_assert_flow_ok(flow_results_get(r, s, FLOW_ITEM_PARAM, item, 2021, &v));
    ck_assert_double_eq_tol(v, 0.6, TOL);
    ck_assert_int_eq(flow_results_n_items(r, s, FLOW_ITEM_METRIC), 0);
    /* targets: recycled 60 >= 50 met; landfilled 40 <= 30 missed */
    ck_assert_int_eq(flow_results_n_targets(r, s), 2);
    flow_results_target_info t;
    ck_assert_flow_ok(flow_results_target(r, s, 0, &t));
    ck_assert_str_eq(t.indicator, "recycled");
    ck_assert_int_eq(t.year, 2023);
    ck_assert_int_eq(t.cmp, FLOW_CMP_GE);
    ck_assert_double_eq_tol(t.value, 50, TOL);
    ck_assert_double_eq_tol(t.achieved, 60, TOL);
    ck_assert_int_eq(t.met, 1);
    ck_assert_str_eq(t.source, "附件1 row 5");
    ck_assert_flow_ok(flow_results_target(r, s, 1, &t));
    ck_assert_int_eq(t.met, 0);
    ck_assert_double_eq_tol(t.achieved, 40, TOL);
    /* provenance */
    ck_assert_str_eq(flow_results_attr(r, -1, "format"), "libflow-results");
    ck_assert_str_eq(flow_results_attr(r, -1, "libflow_version"), flow_version());
    ck_assert_str_eq(flow_results_attr(r, s, "model_sha256"),
                     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    ck_assert_str_eq(flow_results_attr(r, s, "model_file"), model);
    ck_assert_str_eq(flow_results_attr(r, s, "description"), "round trip");
    ck_assert_ptr_null(flow_results_attr(r, s, "scenario_sha256"));
    /* errors of reading */
    ck_assert_flow_error(flow_results_find_scenario(r, "plam", &s), FLOW_ENOTFOUND, "no scenario 'plam'",
                         "did you mean 'plan'", "holds 'plan'");
    ck_assert_flow_error(flow_results_get(r, 0, FLOW_ITEM_FLOW, 0, 2030, &v), FLOW_ERANGE, "2021-2023");
    ck_assert_flow_error(flow_results_find_item(r, 0, FLOW_ITEM_FLOW, "city->recyclng:msw", &item), FLOW_ENOTFOUND,
                         "did you mean 'city->recycling:msw'");
    flow_results_close(r);
    rm_tmp();
}
END_TEST

START_TEST(test_several_scenarios_and_names)
{
    mkdir_tmp();
    char path[600];
    snprintf(path, sizeof path, "%s/two.h5", dir);
    flow_model *m1, *m2;
    flow_sim *a = run_city(&m1, 0.6), *b = run_city(&m2, 0.2);
    flow_results *r;
    ck_assert_flow_ok(flow_results_create(&r, path));
    ck_assert_flow_ok(flow_results_set_compression(r, 0));
    ck_assert_flow_error(flow_results_set_compression(r, 10), FLOW_EINVAL, "0..9");
    ck_assert_flow_ok(flow_results_write(r, "zeta", a, NULL));
    ck_assert_flow_ok(flow_results_write(r, "alpha", b, NULL));
    ck_assert_flow_error(flow_results_write(r, "alpha", b, NULL), FLOW_EEXIST, "holds a scenario 'alpha'");
    /* a failed write leaves only abandoning */
    ck_assert_flow_error(flow_results_write(r, "a/b", b, NULL), FLOW_EINVAL, "'a/b'");
    ck_assert_flow_ok(flow_results_commit(r));
    ck_assert_flow_ok(flow_results_open(&r, path));
    /* in the order written */
    ck_assert_str_eq(flow_results_scenario(r, 0), "zeta");
    ck_assert_str_eq(flow_results_scenario(r, 1), "alpha");
    int item;
    double v;
    ck_assert_flow_ok(flow_results_find_item(r, 1, FLOW_ITEM_FLOW, "city->recycling:msw", &item));
    ck_assert_flow_ok(flow_results_get(r, 1, FLOW_ITEM_FLOW, item, 2021, &v));
    ck_assert_double_eq_tol(v, 20, TOL);
    flow_results_close(r);
    /* a simulation not run to its end is refused */
    flow_sim_reset(a);
    ck_assert_flow_ok(flow_results_create(&r, path));
    ck_assert_flow_error(flow_results_write(r, "x", a, NULL), FLOW_ESTATE, "has run 0 of its 3 years");
    flow_results_close(r);
    ck_assert_flow_ok(flow_results_open(&r, path)); /* the file before, intact */
    ck_assert_int_eq(flow_results_n_scenarios(r), 2);
    flow_results_close(r);
    flow_sim_free(a);
    flow_sim_free(b);
    flow_model_free(m1);
    flow_model_free(m2);
    rm_tmp();
}
END_TEST

/* Samples of a random run, written one at a time and read back. Sample i,
 * year t, item j holds 100 i + 10 t + j + 0.5 (a pattern any mix-up of
 * the three indices breaks); sample 1 is never written and reads as 0. */
static double pattern(int i, int t, int j)
{
    return 100.0 * i + 10.0 * t + j + 0.5;
}

static void fill_sample(double v[3][2], int i)
{
    for (int t = 0; t < 3; t++)
        for (int j = 0; j < 2; j++)
            v[t][j] = pattern(i, t, j);
}

START_TEST(test_samples)
{
    mkdir_tmp();
    char path[600];
    snprintf(path, sizeof path, "%s/samples.h5", dir);
    flow_model *m;
    flow_sim *s = run_city(&m, 0.6);
    flow_results *r;
    double v[3][2];
    ck_assert_flow_ok(flow_results_create(&r, path));
    ck_assert_flow_error(flow_results_samples_write(r, 0, &v[0][0]), FLOW_EINVAL, "no samples dataset is open");
    ck_assert_flow_ok(flow_results_write(r, "plan", s, NULL));
    ck_assert_flow_ok(flow_results_samples_begin(r, "plan", "recycled", 3, 3, 2));
    ck_assert_flow_error(flow_results_samples_write(r, 3, &v[0][0]), FLOW_EINVAL, "sample 3 is not in [0, 3)");
    fill_sample(v, 2);
    ck_assert_flow_ok(flow_results_samples_write(r, 2, &v[0][0]));
    fill_sample(v, 0);
    ck_assert_flow_ok(flow_results_samples_write(r, 0, &v[0][0]));
    /* a second dataset, and one of a scenario that has nothing else */
    ck_assert_flow_ok(flow_results_samples_begin(r, "plan", "empty", 2, 3, 0));
    ck_assert_flow_ok(flow_results_samples_begin(r, "ensemble", "recycled", 1, 3, 2));
    fill_sample(v, 7);
    ck_assert_flow_ok(flow_results_samples_write(r, 0, &v[0][0]));
    ck_assert_flow_ok(flow_results_commit(r));

    /* the layout of docs/results-format.md, read with HDF5 alone */
    hid_t h = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t d = H5Dopen2(h, "/scenarios/plan/samples/recycled", H5P_DEFAULT);
    ck_assert_int_ge(d, 0);
    hid_t sp = H5Dget_space(d), ty = H5Dget_type(d);
    hsize_t dims[3];
    ck_assert_int_eq(H5Sget_simple_extent_dims(sp, dims, NULL), 3);
    ck_assert(dims[0] == 3 && dims[1] == 3 && dims[2] == 2);
    ck_assert(H5Tequal(ty, H5T_IEEE_F64LE) > 0);
    double raw[3][3][2];
    ck_assert_int_ge(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw), 0);
    ck_assert_double_eq(raw[2][1][0], 210.5);
    ck_assert_double_eq(raw[1][2][1], 0);
    H5Tclose(ty);
    H5Sclose(sp);
    H5Dclose(d);
    H5Fclose(h);

    int plan, ens, n, T, k;
    ck_assert_flow_ok(flow_results_open(&r, path));
    ck_assert_flow_ok(flow_results_find_scenario(r, "plan", &plan));
    ck_assert_flow_ok(flow_results_samples_size(r, plan, "recycled", &n, &T, &k));
    ck_assert(n == 3 && T == 3 && k == 2);
    for (int i = 0; i < 3; i++) {
        double got[3][2];
        ck_assert_flow_ok(flow_results_samples_read(r, plan, "recycled", i, &got[0][0]));
        for (int t = 0; t < 3; t++)
            for (int j = 0; j < 2; j++)
                ck_assert_double_eq(got[t][j], i == 1 ? 0 : pattern(i, t, j));
    }
    ck_assert_flow_ok(flow_results_samples_size(r, plan, "empty", &n, &T, &k));
    ck_assert(n == 2 && T == 3 && k == 0);
    ck_assert_flow_ok(flow_results_samples_read(r, plan, "empty", 1, NULL));
    ck_assert_flow_ok(flow_results_find_scenario(r, "ensemble", &ens));
    ck_assert_flow_ok(flow_results_samples_read(r, ens, "recycled", 0, &v[0][0]));
    ck_assert_double_eq(v[2][1], pattern(7, 2, 1));
    /* errors name the file, the scenario and the samples */
    ck_assert_flow_error(flow_results_samples_size(r, plan, "recyled", &n, &T, &k), FLOW_ENOTFOUND,
                         "samples.h5", "scenario 'plan' has no samples 'recyled'");
    ck_assert_flow_error(flow_results_samples_read(r, plan, "recycled", 3, &v[0][0]), FLOW_ENOTFOUND,
                         "has 3 samples, not a sample 3");
    ck_assert_flow_error(flow_results_samples_read(r, plan, "recycled", -1, &v[0][0]), FLOW_ENOTFOUND,
                         "not a sample -1");
    ck_assert_flow_error(flow_results_samples_read(r, plan, "a/b", 0, &v[0][0]), FLOW_EINVAL, "'a/b'");
    ck_assert_flow_error(flow_results_samples_size(r, 9, "recycled", &n, &T, &k), FLOW_ENOTFOUND, "no scenario 9");
    flow_results_close(r);

    /* samples whose years are not the scenario's: refused when read */
    snprintf(path, sizeof path, "%s/years.h5", dir);
    ck_assert_flow_ok(flow_results_create(&r, path));
    ck_assert_flow_ok(flow_results_write(r, "plan", s, NULL));
    ck_assert_flow_ok(flow_results_samples_begin(r, "plan", "recycled", 1, 4, 2));
    ck_assert_flow_ok(flow_results_commit(r));
    ck_assert_flow_ok(flow_results_open(&r, path));
    ck_assert_flow_error(flow_results_samples_size(r, 0, "recycled", &n, &T, &k), FLOW_EIO,
                         "samples/recycled is not float64[samples][years][items] of its years");
    flow_results_close(r);
    /* samples of a name a scenario has: an error, and the writer can only
     * be abandoned; bad sizes and names */
    snprintf(path, sizeof path, "%s/twice.h5", dir);
    ck_assert_flow_ok(flow_results_create(&r, path));
    ck_assert_flow_error(flow_results_samples_begin(r, "plan", "a/b", 1, 3, 2), FLOW_EINVAL, "bad scenario or dataset name");
    ck_assert_flow_error(flow_results_samples_begin(r, "plan", "x", 0, 3, 2), FLOW_EINVAL, "sizes 0 x 3 x 2");
    ck_assert_flow_ok(flow_results_samples_begin(r, "plan", "x", 1, 3, 2));
    ck_assert_flow_error(flow_results_samples_begin(r, "plan", "x", 1, 3, 2), FLOW_EIO, "twice.h5", "already exists");
    ck_assert_flow_error(flow_results_samples_write(r, 0, &v[0][0]), FLOW_EINVAL, "twice.h5");
    flow_results_close(r);
    ck_assert(!exists(path));
    flow_sim_free(s);
    flow_model_free(m);
    rm_tmp();
}
END_TEST

/* Nothing at the path until commit; abandoning leaves nothing. */
START_TEST(test_atomic_abandon)
{
    mkdir_tmp();
    char path[600];
    snprintf(path, sizeof path, "%s/out.h5", dir);
    flow_model *m;
    flow_sim *s = run_city(&m, 0.6);
    flow_results *r;
    ck_assert_flow_ok(flow_results_create(&r, path));
    ck_assert_flow_ok(flow_results_write(r, "plan", s, NULL));
    ck_assert(!exists(path));
    ck_assert_int_eq(n_entries(), 1); /* the temporary file */
    flow_results_close(r);
    ck_assert(!exists(path));
    ck_assert_int_eq(n_entries(), 0);
    /* a folder that cannot be written */
    char bad[700];
    snprintf(bad, sizeof bad, "%s/no/such/dir/out.h5", dir);
    ck_assert_flow_error(flow_results_create(&r, bad), FLOW_EIO, "cannot write in the folder", "no/such/dir");
    flow_sim_free(s);
    flow_model_free(m);
    rm_tmp();
}
END_TEST

#ifdef FLOW_FAULT_INJECTION
/* Every write of a file failing in turn (FLOW_RESULTS_FAULT=k, as a full
 * disk would): each time an error, nothing new at the path, the previous
 * file intact, no temporary file left. Only in a build with the test
 * hooks (--enable-fault-injection); not run otherwise. */
START_TEST(test_atomic_write_failures)
{
    mkdir_tmp();
    char path[600];
    snprintf(path, sizeof path, "%s/out.h5", dir);
    ck_assert_flow_ok(write_file(path, NULL, 0.6)); /* the previous run's file */
    int failures = 0;
    /* one static buffer for the variable: setenv in a loop would allocate */
    static char env[64] = "FLOW_RESULTS_FAULT=0";
    putenv(env);
    for (int k = 1; k < 200; k++) {
        snprintf(env, sizeof env, "FLOW_RESULTS_FAULT=%d", k);
        int rc = write_file(path, NULL, 0.2);
        snprintf(env, sizeof env, "FLOW_RESULTS_FAULT=0");
        if (rc == 0)
            break; /* k is past the last write: all were tried */
        failures++;
        ck_assert_int_eq(rc, FLOW_EIO);
        ck_assert_msg(strstr(flow_error_last(), "simulated write failure"), "%s", flow_error_last());
        ck_assert_int_eq(n_entries(), 1);
        flow_results *r;
        int item;
        double v;
        ck_assert_flow_ok(flow_results_open(&r, path));
        ck_assert_flow_ok(flow_results_find_item(r, 0, FLOW_ITEM_FLOW, "city->recycling:msw", &item));
        ck_assert_flow_ok(flow_results_get(r, 0, FLOW_ITEM_FLOW, item, 2021, &v));
        ck_assert_double_eq_tol(v, 60, TOL); /* still the first file's */
        flow_results_close(r);
    }
    ck_assert_int_gt(failures, 10); /* attributes, tables, values: many writes were tried */
    rm_tmp();
}
END_TEST

#else
/* A default (release) build has no test hooks: FLOW_RESULTS_FAULT set
 * makes no write fail, whatever its value; the file is written and holds
 * the values of the run (the city's 100 t/a, a share 0.6 of it to
 * recycling: 60 t/a, by hand). */
START_TEST(test_fault_hook_ignored)
{
    mkdir_tmp();
    char path[600];
    snprintf(path, sizeof path, "%s/out.h5", dir);
    /* one static buffer for the variable: setenv in a loop would allocate */
    static char env[64] = "FLOW_RESULTS_FAULT=1";
    putenv(env);
    static const int values[] = { 1, 2, 5, 20 };
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
        snprintf(env, sizeof env, "FLOW_RESULTS_FAULT=%d", values[i]);
        ck_assert_flow_ok(write_file(path, NULL, 0.6));
        ck_assert_int_eq(n_entries(), 1); /* the file, no temporary one */
        flow_results *r;
        int item;
        double v;
        ck_assert_flow_ok(flow_results_open(&r, path));
        ck_assert_flow_ok(flow_results_find_item(r, 0, FLOW_ITEM_FLOW, "city->recycling:msw", &item));
        ck_assert_flow_ok(flow_results_get(r, 0, FLOW_ITEM_FLOW, item, 2021, &v));
        ck_assert_double_eq_tol(v, 60, TOL);
        flow_results_close(r);
    }
    snprintf(env, sizeof env, "FLOW_RESULTS_FAULT=0");
    rm_tmp();
}
END_TEST
#endif

/* A writer killed before it commits: the target keeps the previous file. */
START_TEST(test_killed_writer)
{
    mkdir_tmp();
    char path[600];
    snprintf(path, sizeof path, "%s/out.h5", dir);
    ck_assert_flow_ok(write_file(path, NULL, 0.6));
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        flow_model *m;
        flow_sim *s = run_city(&m, 0.2);
        flow_results *r;
        if (flow_results_create(&r, path) == 0 && flow_results_write(r, "plan", s, NULL) == 0)
            raise(SIGKILL); /* mid-way: written, not committed */
        _exit(3);
    }
    int status;
    waitpid(pid, &status, 0);
    ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    flow_results *r;
    int item;
    double v;
    ck_assert_flow_ok(flow_results_open(&r, path));
    ck_assert_flow_ok(flow_results_find_item(r, 0, FLOW_ITEM_FLOW, "city->recycling:msw", &item));
    ck_assert_flow_ok(flow_results_get(r, 0, FLOW_ITEM_FLOW, item, 2021, &v));
    ck_assert_double_eq_tol(v, 60, TOL);
    flow_results_close(r);
    rm_tmp();
}
END_TEST

START_TEST(test_bad_files)
{
    mkdir_tmp();
    char path[600], good[600];
    flow_results *r;
    /* missing */
    snprintf(path, sizeof path, "%s/none.h5", dir);
    ck_assert_flow_error(flow_results_open(&r, path), FLOW_EIO, "none.h5", "No such file");
    /* not HDF5 */
    snprintf(path, sizeof path, "%s/text.h5", dir);
    FILE *f = fopen(path, "w");
    fputs("indicator,year,value\n", f);
    fclose(f);
    ck_assert_flow_error(flow_results_open(&r, path), FLOW_EIO, "text.h5: not an HDF5 file");
    /* HDF5, not ours; then ours with a newer version */
    snprintf(path, sizeof path, "%s/other.h5", dir);
    hid_t h = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    H5Fclose(h);
    ck_assert_flow_error(flow_results_open(&r, path), FLOW_EINVAL, "other.h5: an HDF5 file, but not libflow results");
    snprintf(good, sizeof good, "%s/good.h5", dir);
    ck_assert_flow_ok(write_file(good, NULL, 0.6));
    h = H5Fopen(good, H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t a = H5Aopen(h, "format_version", H5P_DEFAULT);
    int v99 = 99;
    H5Awrite(a, H5T_NATIVE_INT, &v99);
    H5Aclose(a);
    H5Fclose(h);
    ck_assert_flow_error(flow_results_open(&r, good), FLOW_EINVAL, "results format version 99",
                         "reads version 2");
    /* truncated at several points: an error (at open or when read), never a crash */
    ck_assert_flow_ok(write_file(good, NULL, 0.6));
    struct stat st;
    stat(good, &st);
    const double cuts[] = { 0.05, 0.3, 0.6, 0.9, 0.99 };
    for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++) {
        snprintf(path, sizeof path, "%s/cut.h5", dir);
        FILE *in = fopen(good, "rb"), *out = fopen(path, "wb");
        long n = (long)(cuts[i] * (double)st.st_size);
        for (long j = 0; j < n; j++)
            fputc(fgetc(in), out);
        fclose(in);
        fclose(out);
        int rc = flow_results_open(&r, path);
        if (rc == 0) {
            int failed = 0;
            for (int k = 0; k < FLOW_ITEM_KIND_COUNT_ && !failed; k++) {
                flow_error_clear();
                flow_results_n_items(r, 0, (flow_item_kind)k);
                failed = flow_error_last_code() == FLOW_EIO;
            }
            if (!failed) {
                flow_error_clear();
                failed = flow_results_n_targets(r, 0) == 0 && flow_error_last_code() == FLOW_EIO;
            }
            flow_results_close(r);
            ck_assert_msg(failed, "a file cut to %.0f %% read without an error", 100 * cuts[i]);
        } else {
            ck_assert_int_eq(rc, FLOW_EIO);
            ck_assert_msg(strstr(flow_error_last(), "cut.h5"), "%s", flow_error_last());
        }
    }
    rm_tmp();
}
END_TEST

/* Flips one byte of a file at offset. */
static void flip(const char *path, long offset)
{
    FILE *f = fopen(path, "r+b");
    ck_assert_ptr_nonnull(f);
    fseek(f, offset, SEEK_SET);
    int c = fgetc(f);
    fseek(f, offset, SEEK_SET);
    fputc(c ^ 0x5a, f);
    fclose(f);
}

/* A corrupted value chunk (each chunk carries a checksum): an error, never
 * a wrong number. */
START_TEST(test_corrupt_files)
{
    mkdir_tmp();
    char path[600];
    snprintf(path, sizeof path, "%s/good.h5", dir);
    ck_assert_flow_ok(write_file(path, NULL, 0.6));
    /* where the first chunk of flows/values lies */
    hid_t h = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t d = H5Dopen2(h, "/scenarios/plan/flows/values", H5P_DEFAULT);
    hsize_t off[2];
    unsigned mask;
    haddr_t addr;
    hsize_t size;
    hid_t sp = H5Dget_space(d);
    ck_assert_int_ge(H5Dget_chunk_info(d, sp, 0, off, &mask, &addr, &size), 0);
    H5Sclose(sp);
    H5Dclose(d);
    H5Fclose(h);
    flip(path, (long)addr + (long)size / 2);
    flow_results *r;
    int item;
    ck_assert_flow_ok(flow_results_open(&r, path));
    ck_assert_flow_error(flow_results_find_item(r, 0, FLOW_ITEM_FLOW, "city->recycling:msw", &item), FLOW_EIO,
                         "good.h5", "cannot read /scenarios/plan/flows/values");
    flow_results_close(r);
    /* corrupted metadata: tests/results.sh (HDF5 1.10 itself leaks a
     * little memory when it fails on corrupted metadata, which would
     * spoil this suite's valgrind run) */
    rm_tmp();
}
END_TEST

/* Indicators' titles (UTF-8, the plan's words) go to the title column of
 * indicators/index and read back; an indicator without one reads "". */
START_TEST(test_indicator_titles)
{
    static const char title[] = "工业危险废物填埋处置量下降幅度★"; /* 附件1 row 29 */
    flow_model *m;
    int node, ind;
    ck_assert_flow_ok(flow_model_new(&m, 2021, 2022, NULL));
    ck_assert_flow_ok(flow_expr_const(m, 1, &node));
    ck_assert_flow_ok(flow_model_add_indicator(m, "r29", "%", node, NULL, &ind));
    ck_assert_flow_ok(flow_model_add_indicator(m, "plain", "%", node, NULL, NULL));
    ck_assert_str_eq(flow_model_indicator_title(m, ind), "");
    ck_assert_flow_ok(flow_model_set_indicator_title(m, ind, "draft"));
    ck_assert_flow_ok(flow_model_set_indicator_title(m, ind, title)); /* replaces it */
    ck_assert_str_eq(flow_model_indicator_title(m, ind), title);
    ck_assert_ptr_null(flow_model_indicator_title(m, 2));
    ck_assert_flow_error(flow_model_set_indicator_title(m, 2, "x"), FLOW_ENOTFOUND, "no indicator with index 2");
    ck_assert_flow_ok(flow_model_compile(m));
    ck_assert_flow_error(flow_model_set_indicator_title(m, ind, "x"), FLOW_ESTATE, "compiled");
    flow_sim *s;
    ck_assert_flow_ok(flow_sim_new(&s, m));
    ck_assert_flow_ok(flow_sim_run(s));
    mkdir_tmp();
    char path[600];
    snprintf(path, sizeof path, "%s/titles.h5", dir);
    flow_results *r;
    ck_assert_flow_ok(flow_results_create(&r, path));
    ck_assert_flow_ok(flow_results_write(r, "plan", s, NULL));
    ck_assert_flow_ok(flow_results_commit(r));
    flow_sim_free(s);
    flow_model_free(m);

    ck_assert_flow_ok(flow_results_open(&r, path));
    int item;
    ck_assert_flow_ok(flow_results_find_item(r, 0, FLOW_ITEM_INDICATOR, "r29", &item));
    ck_assert_str_eq(flow_results_indicator_title(r, 0, item), title);
    ck_assert_flow_ok(flow_results_find_item(r, 0, FLOW_ITEM_INDICATOR, "plain", &item));
    ck_assert_str_eq(flow_results_indicator_title(r, 0, item), "");
    ck_assert_ptr_null(flow_results_indicator_title(r, 0, 2));
    ck_assert_ptr_null(flow_results_indicator_title(r, 1, 0));
    flow_results_close(r);
    /* h5py's view: the column is there, under that name */
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t d = H5Dopen2(f, "/scenarios/plan/indicators/index", H5P_DEFAULT), t = H5Dget_type(d);
    ck_assert_int_ge(H5Tget_member_index(t, "title"), 0);
    H5Tclose(t);
    H5Dclose(d);
    H5Fclose(f);
    rm_tmp();
}
END_TEST

/* A file written before indicators had titles: its indicators/index has
 * name and unit only (rebuilt here so); it reads, titles as "". */
START_TEST(test_index_without_title)
{
    mkdir_tmp();
    char path[600];
    snprintf(path, sizeof path, "%s/old.h5", dir);
    ck_assert_flow_ok(write_file(path, NULL, 0.6));
    /* strings of fixed length, as format version 2 has them */
    struct old { char name[16], unit[4]; } rec[2] = { { "recycled", "t/a" }, { "landfilled", "t/a" } };
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT), str = H5Tcopy(H5T_C_S1), su = H5Tcopy(H5T_C_S1);
    ck_assert_int_ge(f, 0);
    H5Tset_size(str, sizeof rec[0].name);
    H5Tset_size(su, sizeof rec[0].unit);
    H5Tset_cset(str, H5T_CSET_UTF8);
    H5Tset_cset(su, H5T_CSET_UTF8);
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(struct old));
    H5Tinsert(t, "name", offsetof(struct old, name), str);
    H5Tinsert(t, "unit", offsetof(struct old, unit), su);
    hsize_t n = 2;
    hid_t sp = H5Screate_simple(1, &n, NULL);
    ck_assert_int_ge(H5Ldelete(f, "/scenarios/plan/indicators/index", H5P_DEFAULT), 0);
    hid_t d = H5Dcreate2(f, "/scenarios/plan/indicators/index", t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    ck_assert_int_ge(H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, rec), 0);
    H5Dclose(d);
    H5Sclose(sp);
    H5Tclose(t);
    H5Tclose(str);
    H5Tclose(su);
    H5Fclose(f);

    flow_results *r;
    ck_assert_flow_ok(flow_results_open(&r, path));
    int item;
    double v;
    ck_assert_flow_ok(flow_results_find_item(r, 0, FLOW_ITEM_INDICATOR, "landfilled", &item));
    ck_assert_int_eq(item, 1);
    ck_assert_str_eq(flow_results_indicator_title(r, 0, item), "");
    ck_assert_flow_ok(flow_results_get(r, 0, FLOW_ITEM_INDICATOR, item, 2022, &v));
    ck_assert_double_eq_tol(v, 40, TOL); /* by hand: 100 t/a, 60 % recycled */
    flow_results_close(r);
    rm_tmp();
}
END_TEST

/* A file whose flows' values are integers (corrupt: they are float64).
 * The first look-up reads the flows' index and fails on the values; every
 * later one gives the same error without reading the file again (the
 * fuzzer's slow-values-read input made each call read a damaged dataset
 * anew); the indicators, undamaged, still read. */
START_TEST(test_failed_kind_remembered)
{
    mkdir_tmp();
    char path[600];
    snprintf(path, sizeof path, "%s/bad_values.h5", dir);
    ck_assert_flow_ok(write_file(path, NULL, 0.6));
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    ck_assert_int_ge(f, 0);
    hid_t d = H5Dopen2(f, "/scenarios/plan/flows/values", H5P_DEFAULT), sp = H5Dget_space(d);
    H5Dclose(d);
    ck_assert_int_ge(H5Ldelete(f, "/scenarios/plan/flows/values", H5P_DEFAULT), 0);
    d = H5Dcreate2(f, "/scenarios/plan/flows/values", H5T_NATIVE_INT, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    ck_assert_int_ge(d, 0);
    H5Dclose(d);
    H5Sclose(sp);
    H5Fclose(f);

    flow_results *r;
    ck_assert_flow_ok(flow_results_open(&r, path));
    double v;
    int rc = flow_results_get(r, 0, FLOW_ITEM_FLOW, 0, 2022, &v);
    ck_assert_int_ne(rc, 0);
    char first[512];
    snprintf(first, sizeof first, "%s", flow_error_last());
    ck_assert_ptr_nonnull(strstr(first, "flows/values holds integer values"));
    long reads = n_dread;
    ck_assert_int_eq(flow_results_get(r, 0, FLOW_ITEM_FLOW, 0, 2021, &v), rc);
    ck_assert_str_eq(flow_error_last(), first);
    ck_assert_int_eq(n_dread, reads); /* nothing read again */
    ck_assert_flow_ok(flow_results_get(r, 0, FLOW_ITEM_INDICATOR, 0, 2022, &v));
    ck_assert_double_eq_tol(v, 60, TOL); /* by hand: 100 t/a, 60 % recycled */
    flow_results_close(r);
    rm_tmp();
}
END_TEST

Suite *flow_results_suite(void)
{
    Suite *s = suite_create("results");
    TCase *tc = tcase_create("hdf5");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_round_trip);
    tcase_add_test(tc, test_several_scenarios_and_names);
    tcase_add_test(tc, test_atomic_abandon);
#ifdef FLOW_FAULT_INJECTION
    tcase_add_test(tc, test_atomic_write_failures);
#else
    tcase_add_test(tc, test_fault_hook_ignored);
#endif
    tcase_add_test(tc, test_killed_writer);
    tcase_add_test(tc, test_bad_files);
    tcase_add_test(tc, test_corrupt_files);
    tcase_add_test(tc, test_samples);
    tcase_add_test(tc, test_indicator_titles);
    tcase_add_test(tc, test_index_without_title);
    tcase_add_test(tc, test_failed_kind_remembered);
    suite_add_tcase(s, tc);
    return s;
}
