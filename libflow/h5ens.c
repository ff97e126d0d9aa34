/*
 * h5ens.c — writing an ensemble into a results file: the samples kept
 * (through the public samples API), and the group ensemble/ of a
 * scenario: the summary of the indicators per year and the probability
 * that each target is met. Strings are fixed-length UTF-8 (format
 * version 2's rule). docs/results-format.md is the contract. And reading
 * the group back (flowsim report and export of an ensemble and of a
 * sensitivity analysis).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ensemble_int.h"
#include "h5_int.h"

static int write_samples(flow_results *r, const char *name, const flow_ensemble *e)
{
    if (e->N > 0x7fffffffL)
        return flow_error__set(FLOW_EINVAL, "%s: %ld samples are too many for one file", r->path, e->N);
    static const flow_item_kind order[] = { FLOW_ITEM_INDICATOR, FLOW_ITEM_FLOW, FLOW_ITEM_STOCK,
                                            FLOW_ITEM_METRIC, FLOW_ITEM_PARAM };
    for (size_t j = 0; j < sizeof order / sizeof order[0]; j++) {
        flow_item_kind k = order[j];
        if (!e->keep[k])
            continue;
        size_t n = (size_t)e->T * (size_t)e->n_items[k];
        int rc = flow_results_samples_begin(r, name, flow_h5__kind_group[k], (int)e->N, e->T, e->n_items[k]);
        for (long i = 0; i < e->N && rc == 0; i++)
            rc = flow_results_samples_write(r, (int)i, e->keep[k] + (size_t)i * n);
        if (rc)
            return rc;
    }
    return 0;
}

static int attr(hid_t loc, const char *name, hid_t type, const void *v)
{
    hid_t sp = H5Screate(H5S_SCALAR), a = -1;
    int ok = sp >= 0 && (a = H5Acreate2(loc, name, type, sp, H5P_DEFAULT, H5P_DEFAULT)) >= 0 &&
             H5Awrite(a, type, v) >= 0;
    if (a >= 0)
        H5Aclose(a);
    if (sp >= 0)
        H5Sclose(sp);
    return ok ? 0 : -1;
}

static int put(hid_t g, const char *name, hid_t type, int rank, const hsize_t *dims, const void *data)
{
    hid_t sp = H5Screate_simple(rank, dims, NULL), d = -1;
    int ok = sp >= 0 && (d = H5Dcreate2(g, name, type, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) >= 0 &&
             H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0;
    if (d >= 0)
        H5Dclose(d);
    if (sp >= 0)
        H5Sclose(sp);
    return ok ? 0 : -1;
}

/* summary float64[7][T][I]: mean, sd, p5, p25, p50, p75, p95 */
static int put_summary(hid_t g, const flow_ensemble *e)
{
    int I = e->n_items[FLOW_ITEM_INDICATOR], first = flow_model_first_year(e->m);
    size_t plane = (size_t)e->T * (size_t)I;
    double *s = malloc((7 * plane + 1) * sizeof *s), q[7];
    if (!s)
        return flow_error__nomem("ensemble summary");
    int rc = 0;
    for (int t = 0; t < e->T && rc == 0; t++)
        for (int i = 0; i < I && rc == 0; i++) {
            rc = flow_ensemble_summary(e, FLOW_ITEM_INDICATOR, i, first + t, q);
            for (int k = 0; k < 7; k++)
                s[(size_t)k * plane + (size_t)t * (size_t)I + (size_t)i] = q[k];
        }
    hsize_t dims[3] = { 7, (hsize_t)e->T, (hsize_t)I };
    if (rc == 0 && I > 0 && put(g, "summary", H5T_NATIVE_DOUBLE, 3, dims, s) < 0)
        rc = -1;
    free(s);
    return rc;
}

typedef struct rec_pmet {
    char indicator[256];
    int32_t year;
    char cmp[8];
    int64_t n_met, n_judged;
    double p_met, p_lo, p_hi;
} rec_pmet;

static hid_t pmet_type(void)
{
    hid_t s256 = H5Tcopy(H5T_C_S1), s8 = H5Tcopy(H5T_C_S1);
    H5Tset_size(s256, 256);
    H5Tset_size(s8, 8);
    H5Tset_cset(s256, H5T_CSET_UTF8);
    H5Tset_cset(s8, H5T_CSET_UTF8);
    static const char *const names[] = { "indicator", "year", "cmp", "n_met", "n_judged", "p_met", "p_lo", "p_hi" };
    const size_t offs[] = { offsetof(rec_pmet, indicator), offsetof(rec_pmet, year),     offsetof(rec_pmet, cmp),
                            offsetof(rec_pmet, n_met),     offsetof(rec_pmet, n_judged), offsetof(rec_pmet, p_met),
                            offsetof(rec_pmet, p_lo),      offsetof(rec_pmet, p_hi) };
    const hid_t types[] = { s256, H5T_NATIVE_INT32, s8, H5T_NATIVE_INT64, H5T_NATIVE_INT64,
                            H5T_NATIVE_DOUBLE, H5T_NATIVE_DOUBLE, H5T_NATIVE_DOUBLE };
    hid_t t = flow_h5__compound(sizeof(rec_pmet), 8, names, offs, types);
    H5Tclose(s256);
    H5Tclose(s8);
    return t;
}

/* targets: one record per target of the model */
static int put_targets(hid_t g, const flow_ensemble *e)
{
    if (e->n_targets == 0)
        return 0;
    rec_pmet *rec = calloc((size_t)e->n_targets, sizeof *rec);
    hid_t t = pmet_type();
    int rc = rec && t >= 0 ? 0 : -1;
    for (int k = 0; k < e->n_targets && rc == 0; k++) {
        flow_target_info ti;
        flow_pmet pm;
        if (flow_model_target_info(e->m, k, &ti) || flow_ensemble_p_met(e, k, &pm))
            rc = -1;
        snprintf(rec[k].indicator, sizeof rec[k].indicator, "%s", flow_model_indicator_name(e->m, ti.indicator));
        snprintf(rec[k].cmp, sizeof rec[k].cmp, "%s", flow_cmp_name(ti.cmp));
        rec[k].year = ti.year;
        rec[k].n_met = pm.n_met;
        rec[k].n_judged = pm.n_judged;
        rec[k].p_met = pm.p;
        rec[k].p_lo = pm.lo;
        rec[k].p_hi = pm.hi;
    }
    hsize_t dims[1] = { (hsize_t)e->n_targets };
    if (rc == 0 && put(g, "targets", t, 1, dims, rec) < 0)
        rc = -1;
    if (t >= 0)
        H5Tclose(t);
    free(rec);
    return rc;
}

static int write_group(flow_results *r, const char *name, const flow_ensemble *e)
{
    hid_t sg = H5Gopen2(r->file, "scenarios", H5P_DEFAULT), g = -1, eg = -1;
    if (sg >= 0)
        g = H5Gopen2(sg, name, H5P_DEFAULT);
    if (g >= 0)
        eg = H5Gcreate2(g, "ensemble", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    long long n = e->N;
    unsigned long long seed = e->o.seed;
    int lhs = e->o.lhs;
    int rc = eg < 0 ? -1 : 0;
    if (rc == 0 && (attr(eg, "n_samples", H5T_NATIVE_LLONG, &n) < 0 || attr(eg, "seed", H5T_NATIVE_ULLONG, &seed) < 0 ||
                    attr(eg, "lhs", H5T_NATIVE_INT, &lhs) < 0))
        rc = -1;
    if (rc == 0)
        rc = put_summary(eg, e);
    if (rc == 0)
        rc = put_targets(eg, e);
    if (eg >= 0)
        H5Gclose(eg);
    if (g >= 0)
        H5Gclose(g);
    if (sg >= 0)
        H5Gclose(sg);
    if (rc == -1)
        rc = flow_h5__io_error(r, "cannot write the ensemble group");
    return rc;
}

int flow_results_write_ensemble(flow_results *r, const char *name, const flow_ensemble *e)
{
    if (!r->writing || r->failed)
        return flow_error__set(FLOW_EINVAL, "%s: not a writer that can go on", r->path);
    if (!e->ran)
        return flow_error__set(FLOW_ESTATE, "%s: the ensemble has not run", r->path);
    int rc = write_samples(r, name, e);
    if (rc)
        return rc;
    flow_h5__quiet q;
    flow_h5__quiet_on(&q);
    rc = write_group(r, name, e);
    flow_h5__quiet_off(&q);
    if (rc)
        r->failed = 1;
    return rc;
}

/* ---- sensitivity ---- */

typedef struct rec_sens {
    char indicator[256];
    int32_t year;
    char factor[256];
    double s1, se;
} rec_sens;

static hid_t sens_type(void)
{
    hid_t s256 = H5Tcopy(H5T_C_S1);
    H5Tset_size(s256, 256);
    H5Tset_cset(s256, H5T_CSET_UTF8);
    static const char *const names[] = { "indicator", "year", "factor", "s1", "se" };
    const size_t offs[] = { offsetof(rec_sens, indicator), offsetof(rec_sens, year), offsetof(rec_sens, factor),
                            offsetof(rec_sens, s1), offsetof(rec_sens, se) };
    const hid_t types[] = { s256, H5T_NATIVE_INT32, s256, H5T_NATIVE_DOUBLE, H5T_NATIVE_DOUBLE };
    hid_t t = flow_h5__compound(sizeof(rec_sens), 5, names, offs, types);
    H5Tclose(s256);
    return t;
}

static int sens_records(flow_results *r, const flow_sensitivity_row *rows, int n, rec_sens *rec)
{
    for (int k = 0; k < n; k++) {
        if (!rows[k].indicator || !rows[k].factor || strlen(rows[k].indicator) > 255 || strlen(rows[k].factor) > 255)
            return flow_error__set(FLOW_EINVAL, "%s: sensitivity row %d: a missing name or one of 256 bytes or more",
                                   r->path, k);
        snprintf(rec[k].indicator, sizeof rec[k].indicator, "%s", rows[k].indicator);
        snprintf(rec[k].factor, sizeof rec[k].factor, "%s", rows[k].factor);
        rec[k].year = rows[k].year;
        rec[k].s1 = rows[k].s1;
        rec[k].se = rows[k].se;
    }
    return 0;
}

int flow_results_write_sensitivity(flow_results *r, const char *name, const flow_sensitivity_row *rows, int n,
                                   long n_samples)
{
    if (!r->writing || r->failed || n < 0 || !flow_h5__valid_scenario_name(name))
        return flow_error__set(FLOW_EINVAL, "%s: not a writer that can go on, a bad scenario name or n < 0", r->path);
    rec_sens *rec = calloc((size_t)n + 1, sizeof *rec);
    if (!rec)
        return flow_error__nomem("sensitivity");
    int rc = sens_records(r, rows, n, rec);
    if (rc) {
        free(rec);
        return rc;
    }
    flow_h5__quiet q;
    flow_h5__quiet_on(&q);
    char path[600];
    snprintf(path, sizeof path, "scenarios/%s", name);
    hid_t g = H5Gopen2(r->file, path, H5P_DEFAULT), eg = -1, t = sens_type();
    if (g >= 0)
        eg = H5Lexists(g, "ensemble", H5P_DEFAULT) > 0 ? H5Gopen2(g, "ensemble", H5P_DEFAULT)
                                                       : H5Gcreate2(g, "ensemble", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hsize_t dims[1] = { (hsize_t)n };
    long long ns = n_samples;
    int ok = eg >= 0 && t >= 0 && put(eg, "sensitivity", t, 1, dims, rec) == 0 &&
             attr(eg, "sensitivity_n_samples", H5T_NATIVE_LLONG, &ns) == 0;
    if (t >= 0)
        H5Tclose(t);
    if (eg >= 0)
        H5Gclose(eg);
    if (g >= 0)
        H5Gclose(g);
    rc = ok ? 0 : flow_h5__io_error(r, "cannot write ensemble/sensitivity");
    flow_h5__quiet_off(&q);
    free(rec);
    if (rc)
        r->failed = 1;
    return rc;
}

/* ---- reading ---- */

/* ensemble/ of scenario i of a reader, or -1 (the error set) */
static hid_t open_group(flow_results *r, int scenario)
{
    if (r->writing)
        return flow_error__set(FLOW_EINVAL, "%s: opened for writing", r->path), -1;
    const char *name = flow_results_scenario(r, scenario);
    if (!name)
        return flow_error__set(FLOW_ENOTFOUND, "%s: no scenario %d", r->path, scenario), -1;
    char path[600];
    snprintf(path, sizeof path, "scenarios/%s", name);
    hid_t sg = H5Gopen2(r->file, path, H5P_DEFAULT), g = -1;
    if (sg >= 0 && H5Lexists(sg, "ensemble", H5P_DEFAULT) > 0)
        g = H5Gopen2(sg, "ensemble", H5P_DEFAULT);
    else if (sg >= 0)
        flow_error__set(FLOW_ENOTFOUND, "%s: scenario '%s' has no ensemble", r->path, name);
    else
        flow_h5__io_error(r, "cannot open the scenario's group");
    if (sg >= 0 && H5Lexists(sg, "ensemble", H5P_DEFAULT) > 0 && g < 0)
        flow_h5__io_error(r, "cannot open the ensemble group");
    if (sg >= 0)
        H5Gclose(sg);
    return g;
}

static int read_attr(hid_t g, const char *name, hid_t type, void *v)
{
    hid_t a = H5Aopen(g, name, H5P_DEFAULT);
    int ok = a >= 0 && H5Aread(a, type, v) >= 0;
    if (a >= 0)
        H5Aclose(a);
    return ok ? 0 : -1;
}

/* the records of ensemble/targets, malloc'ed, or NULL with *n = 0 when none */
static int read_targets(flow_results *r, hid_t g, rec_pmet **out, int *n)
{
    *out = NULL;
    *n = 0;
    if (H5Lexists(g, "targets", H5P_DEFAULT) <= 0)
        return 0;
    hid_t d = H5Dopen2(g, "targets", H5P_DEFAULT), sp = d >= 0 ? H5Dget_space(d) : -1, t = pmet_type();
    hssize_t k = sp >= 0 ? H5Sget_simple_extent_npoints(sp) : -1;
    rec_pmet *rec = k >= 0 ? calloc((size_t)k + 1, sizeof *rec) : NULL;
    int ok = rec && t >= 0 && H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, rec) >= 0;
    if (t >= 0)
        H5Tclose(t);
    if (sp >= 0)
        H5Sclose(sp);
    if (d >= 0)
        H5Dclose(d);
    if (!ok) {
        free(rec);
        return flow_h5__io_error(r, "cannot read ensemble/targets");
    }
    *out = rec;
    *n = (int)k;
    return 0;
}

/* Whether scenario of reader r is one whose cache may be used. */
static int cacheable(const flow_results *r, int scenario)
{
    return !r->writing && r->sc && scenario >= 0 && scenario < r->n_scen;
}

/* The records of ensemble/targets of a scenario, read at the first call
 * and kept by the reader (a report or export asks for them one by one). */
static int cached_targets(flow_results *r, int scenario, const rec_pmet **rec, int *n)
{
    scen_cache *sc = cacheable(r, scenario) ? &r->sc[scenario] : NULL;
    if (!sc || !sc->ens_tloaded) {
        hid_t g = open_group(r, scenario);
        rec_pmet *got = NULL;
        int k = 0, rc = g < 0 ? flow_error_last_code() : read_targets(r, g, &got, &k);
        if (g >= 0)
            H5Gclose(g);
        if (rc)
            return rc;
        sc->ens_targets = got; /* open_group succeeded: sc is not NULL */
        sc->ens_nt = k;
        sc->ens_tloaded = 1;
    }
    *rec = sc->ens_targets;
    *n = sc->ens_nt;
    return 0;
}

int flow_results_ensemble_info(flow_results *r, int scenario, long *n_samples, unsigned long long *seed, int *lhs,
                               int *n_targets)
{
    flow_h5__quiet q;
    flow_h5__quiet_on(&q);
    hid_t g = open_group(r, scenario);
    int rc = g < 0 ? flow_error_last_code() : 0;
    if (rc == 0 && H5Aexists(g, "n_samples") == 0) /* flowsim sensitivity -o: ensemble/sensitivity alone */
        rc = flow_error__set(FLOW_ENOTFOUND, "%s: scenario '%s' has no ensemble (only a sensitivity analysis)",
                             r->path, flow_results_scenario(r, scenario));
    long long n = 0;
    unsigned long long s = 0;
    int l = 0;
    if (rc == 0 && (read_attr(g, "n_samples", H5T_NATIVE_LLONG, &n) < 0 || read_attr(g, "seed", H5T_NATIVE_ULLONG, &s) < 0 ||
                    read_attr(g, "lhs", H5T_NATIVE_INT, &l) < 0))
        rc = flow_h5__io_error(r, "cannot read the ensemble's attributes");
    const rec_pmet *rec = NULL;
    int k = 0;
    if (rc == 0)
        rc = cached_targets(r, scenario, &rec, &k);
    if (g >= 0)
        H5Gclose(g);
    flow_h5__quiet_off(&q);
    if (rc)
        return rc;
    *n_samples = (long)n;
    *seed = s;
    *lhs = l;
    *n_targets = k;
    return 0;
}

int flow_results_ensemble_target(flow_results *r, int scenario, int target, flow_results_pmet *out)
{
    flow_h5__quiet q;
    flow_h5__quiet_on(&q);
    const rec_pmet *rec = NULL;
    int k = 0, rc = cached_targets(r, scenario, &rec, &k);
    if (rc == 0 && (target < 0 || target >= k))
        rc = flow_error__set(FLOW_ENOTFOUND, "%s: no ensemble target %d (there are %d)", r->path, target, k);
    if (rc == 0) {
        const rec_pmet *p = &rec[target];
        snprintf(out->indicator, sizeof out->indicator, "%.*s", (int)sizeof p->indicator, p->indicator);
        snprintf(out->cmp, sizeof out->cmp, "%.*s", (int)sizeof p->cmp, p->cmp);
        out->year = p->year;
        out->pm = (flow_pmet){ (long)p->n_met, (long)p->n_judged, p->p_met, p->p_lo, p->p_hi };
    }
    flow_h5__quiet_off(&q);
    return rc;
}

/* ensemble/summary of g into s (7 x T x I doubles), its shape checked */
static int read_summary(flow_results *r, hid_t g, int T, int I, double *s)
{
    hid_t d = H5Dopen2(g, "summary", H5P_DEFAULT), sp = d >= 0 ? H5Dget_space(d) : -1;
    hsize_t dims[3] = { 0, 0, 0 };
    int ok = sp >= 0 && H5Sget_simple_extent_ndims(sp) == 3 && H5Sget_simple_extent_dims(sp, dims, NULL) == 3 &&
             dims[0] == 7 && dims[1] == (hsize_t)T && dims[2] == (hsize_t)I &&
             H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, s) >= 0;
    if (sp >= 0)
        H5Sclose(sp);
    if (d >= 0)
        H5Dclose(d);
    return ok ? 0 : flow_h5__io_error(r, "cannot read ensemble/summary (not float64[7][years][indicators])");
}

int flow_results_ensemble_summary(flow_results *r, int scenario, int item, double *out)
{
    if (r->writing)
        return flow_error__set(FLOW_EINVAL, "%s: opened for writing", r->path);
    int first, last, I = flow_results_n_items(r, scenario, FLOW_ITEM_INDICATOR);
    int rc = I < 0 ? flow_error_last_code() : flow_results_years(r, scenario, &first, &last);
    if (rc)
        return rc;
    if (item < 0 || item >= I)
        return flow_error__set(FLOW_ENOTFOUND, "%s: no indicator %d (there are %d)", r->path, item, I);
    int T = last - first + 1;
    flow_h5__quiet q;
    flow_h5__quiet_on(&q);
    hid_t g = open_group(r, scenario);
    rc = g < 0 ? flow_error_last_code() : 0;
    double *s = rc ? NULL : malloc((size_t)7 * (size_t)T * (size_t)I * sizeof *s);
    if (rc == 0 && !s)
        rc = flow_error__nomem("ensemble summary");
    if (rc == 0 && H5Lexists(g, "summary", H5P_DEFAULT) <= 0)
        rc = flow_error__set(FLOW_ENOTFOUND, "%s: scenario '%s' has no ensemble summary", r->path,
                             flow_results_scenario(r, scenario));
    if (rc == 0)
        rc = read_summary(r, g, T, I, s);
    for (int k = 0; k < 7 && rc == 0; k++)
        for (int t = 0; t < T; t++)
            out[(size_t)k * (size_t)T + (size_t)t] = s[((size_t)k * (size_t)T + (size_t)t) * (size_t)I + (size_t)item];
    free(s);
    if (g >= 0)
        H5Gclose(g);
    flow_h5__quiet_off(&q);
    return rc;
}

/* the records of ensemble/sensitivity of scenario i, malloc'ed, their
 * number and the attribute sensitivity_n_samples */
static int read_sens(flow_results *r, int scenario, rec_sens **out, int *n, long long *n_samples)
{
    *out = NULL;
    hid_t g = open_group(r, scenario);
    if (g < 0)
        return flow_error_last_code();
    int rc = 0;
    if (H5Lexists(g, "sensitivity", H5P_DEFAULT) <= 0)
        rc = flow_error__set(FLOW_ENOTFOUND, "%s: scenario '%s' has no sensitivity analysis", r->path,
                             flow_results_scenario(r, scenario));
    hid_t d = rc ? -1 : H5Dopen2(g, "sensitivity", H5P_DEFAULT), sp = d >= 0 ? H5Dget_space(d) : -1;
    hid_t t = rc ? -1 : sens_type();
    hssize_t k = sp >= 0 ? H5Sget_simple_extent_npoints(sp) : -1;
    rec_sens *rec = k >= 0 && k < 0x7fffffff ? calloc((size_t)k + 1, sizeof *rec) : NULL;
    if (rc == 0 && k >= 0 && k < 0x7fffffff && !rec)
        rc = flow_error__nomem("sensitivity");
    if (rc == 0 && !(rec && t >= 0 && H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, rec) >= 0 &&
                     read_attr(g, "sensitivity_n_samples", H5T_NATIVE_LLONG, n_samples) == 0))
        rc = flow_h5__io_error(r, "cannot read ensemble/sensitivity");
    if (t >= 0)
        H5Tclose(t);
    if (sp >= 0)
        H5Sclose(sp);
    if (d >= 0)
        H5Dclose(d);
    H5Gclose(g);
    if (rc) {
        free(rec);
        return rc;
    }
    *out = rec;
    *n = (int)k;
    return 0;
}

/* The records of ensemble/sensitivity of a scenario, read at the first
 * call and kept by the reader (an export asks for them row by row). */
static int cached_sens(flow_results *r, int scenario, const rec_sens **rec, int *n, long long *n_samples)
{
    scen_cache *sc = cacheable(r, scenario) ? &r->sc[scenario] : NULL;
    if (!sc || !sc->sens_loaded) {
        flow_h5__quiet q;
        flow_h5__quiet_on(&q);
        rec_sens *got = NULL;
        int k = 0;
        long long ns = 0;
        int rc = read_sens(r, scenario, &got, &k, &ns);
        flow_h5__quiet_off(&q);
        if (rc)
            return rc;
        sc->sens = got; /* read_sens succeeded: the scenario exists, sc is not NULL */
        sc->sens_n = k;
        sc->sens_ns = ns;
        sc->sens_loaded = 1;
    }
    *rec = sc->sens;
    *n = sc->sens_n;
    *n_samples = sc->sens_ns;
    return 0;
}

int flow_results_sensitivity_info(flow_results *r, int scenario, int *n_rows, long *n_samples)
{
    const rec_sens *rec;
    int n;
    long long ns;
    int rc = cached_sens(r, scenario, &rec, &n, &ns);
    if (rc)
        return rc;
    *n_rows = n;
    *n_samples = (long)ns;
    return 0;
}

int flow_results_sensitivity_row(flow_results *r, int scenario, int row, flow_results_sens *out)
{
    const rec_sens *rec;
    int n;
    long long ns;
    int rc = cached_sens(r, scenario, &rec, &n, &ns);
    if (rc == 0 && (row < 0 || row >= n))
        rc = flow_error__set(FLOW_ENOTFOUND, "%s: no sensitivity row %d (there are %d)", r->path, row, n);
    if (rc == 0) {
        const rec_sens *p = &rec[row];
        snprintf(out->indicator, sizeof out->indicator, "%.*s", (int)sizeof p->indicator, p->indicator);
        snprintf(out->factor, sizeof out->factor, "%.*s", (int)sizeof p->factor, p->factor);
        out->year = p->year;
        out->s1 = p->s1;
        out->se = p->se;
    }
    return rc;
}
