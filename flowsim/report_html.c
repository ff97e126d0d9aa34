/*
 * report_html.c — flowsim report FILE.h5 --html PAGE: reads results files
 * through libflow's reader (flow.h) and writes one HTML page that holds
 * plotly.js, the data as JSON and the page's script (flowsim/report.js),
 * so that it opens offline. The layout of the data is in
 * docs/report-html.md; ensembles come from samples/indicators.
 */
#define _XOPEN_SOURCE 700 /* mkstemp, fdopen */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flow.h"
#include "flowsim.h"
#include "json_out.h"
#include "report_html.h"

/* in the head of every page, and what a page replaces must hold (own_page_or_new) */
#define GENERATOR_MARK "<meta name=\"generator\" content=\"flowsim report --html\">"

#define SAMPLES_WHAT "indicators" /* the ensemble of the indicators: samples/indicators */

static const char *const kind_key[] = { "flows", "stocks", NULL, "indicators", "metrics" };

/* "key": the attribute a (null when absent) */
static void put_attr(FILE *f, flow_results *r, int s, const char *a, int comma)
{
    fprintf(f, "%s\"%s\":", comma ? "," : "", a);
    fs_json_string(f, flow_results_attr(r, s, a));
}

static void put_attrs(FILE *f, flow_results *r, int s)
{
    static const char *const names[] = { "model_file", "model_sha256", "scenario_file", "scenario_sha256",
                                         "description", "plugin_versions", "created", "libflow_version" };
    fputs("\"attrs\":{", f);
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        put_attr(f, r, s, names[i], i > 0);
    putc('}', f);
}

/* "flows": {"names": [...], "units": [...], "values": [[year...] per item]}
 * (metrics: names only; indicators: titles too) */
static int put_items(FILE *f, flow_results *r, int s, flow_item_kind k, int n_years, double *buf)
{
    int n = flow_results_n_items(r, s, k);
    fprintf(f, ",\"%s\":{\"names\":[", kind_key[k]);
    for (int i = 0; i < n; i++) {
        fputs(i ? "," : "", f);
        fs_json_string(f, flow_results_item_name(r, s, k, i));
    }
    fputs("],\"units\":[", f);
    for (int i = 0; i < n; i++) {
        fputs(i ? "," : "", f);
        fs_json_string(f, flow_results_item_unit(r, s, k, i));
    }
    if (k == FLOW_ITEM_INDICATOR) {
        fputs("],\"titles\":[", f);
        for (int i = 0; i < n; i++) {
            fputs(i ? "," : "", f);
            fs_json_string(f, flow_results_indicator_title(r, s, i));
        }
    }
    fputs("],\"values\":[", f);
    for (int i = 0; k != FLOW_ITEM_METRIC && i < n; i++) {
        if (flow_results_series(r, s, k, i, buf) != 0)
            return FS_ERROR;
        fputs(i ? "," : "", f);
        fs_json_numbers(f, buf, n_years);
    }
    fputs("]}", f);
    return FS_OK;
}

static int put_targets(FILE *f, flow_results *r, int s)
{
    int n = flow_results_n_targets(r, s);
    fputs(",\"targets\":[", f);
    for (int i = 0; i < n; i++) {
        flow_results_target_info t;
        if (flow_results_target(r, s, i, &t) != 0)
            return FS_ERROR;
        fputs(i ? ",{\"indicator\":" : "{\"indicator\":", f);
        fs_json_string(f, t.indicator);
        fprintf(f, ",\"year\":%d,\"cmp\":", t.year);
        fs_json_string(f, flow_cmp_name(t.cmp));
        fputs(",\"value\":", f);
        fs_json_number(f, t.cmp == FLOW_CMP_RISES ? NAN : t.value);
        fputs(",\"achieved\":", f);
        fs_json_number(f, t.achieved);
        fprintf(f, ",\"met\":%d,\"source\":", t.met);
        fs_json_string(f, t.source);
        putc('}', f);
    }
    putc(']', f);
    return FS_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The p-quantile of n sorted values (linear between order statistics). */
static double quantile(const double *v, int n, double p)
{
    if (n == 0)
        return NAN;
    double h = p * (n - 1);
    int lo = (int)h;
    return lo + 1 < n ? v[lo] + (h - lo) * (v[lo + 1] - v[lo]) : v[lo];
}

/* Whether sample x ([year][item]) meets target t of indicator item ind:
 * 1, 0, or -1 when it cannot be judged (as flow_sim_target). */
static int sample_met(const double *x, int ny, int ni, int first, const flow_results_target_info *t, int ind)
{
    int y = t->year - first;
    if (y < 0 || y >= ny)
        return -1;
    if (t->cmp == FLOW_CMP_RISES) {
        for (int j = 1; j <= y; j++) {
            double d = x[j * ni + ind] - x[(j - 1) * ni + ind];
            if (d != d)
                return -1;
            if (!(d > 0))
                return 0;
        }
        return y > 0 ? 1 : -1;
    }
    double v = x[y * ni + ind];
    if (v != v)
        return -1;
    switch (t->cmp) {
    case FLOW_CMP_GE: return v >= t->value;
    case FLOW_CMP_GT: return v > t->value;
    case FLOW_CMP_LE: return v <= t->value;
    default: return v < t->value;
    }
}

/* "pmet": the share of the samples meeting each target (null: none judged) */
static int put_pmet(FILE *f, flow_results *r, int s, const double *all, int ns, int ny, int ni)
{
    int first, last, nt = flow_results_n_targets(r, s);
    flow_results_years(r, s, &first, &last);
    fputs(",\"pmet\":[", f);
    for (int i = 0; i < nt; i++) {
        flow_results_target_info t;
        int ind, met = 0, judged = 0;
        if (flow_results_target(r, s, i, &t) != 0)
            return FS_ERROR;
        if (flow_results_find_item(r, s, FLOW_ITEM_INDICATOR, t.indicator, &ind) == 0) {
            for (int k = 0; k < ns; k++) {
                int m = sample_met(all + (size_t)k * ny * ni, ny, ni, first, &t, ind);
                judged += m >= 0;
                met += m == 1;
            }
        }
        fputs(i ? "," : "", f);
        fs_json_number(f, judged ? (double)met / judged : NAN);
    }
    putc(']', f);
    return FS_OK;
}

/* "q": {"p5": [[indicator...] per year], ...} from all samples */
static void put_quantiles(FILE *f, const double *all, int ns, int ny, int ni, double *col)
{
    static const double ps[] = { 0.05, 0.25, 0.5, 0.75, 0.95 };
    static const char *const pn[] = { "p5", "p25", "p50", "p75", "p95" };
    fputs(",\"q\":{", f);
    for (int p = 0; p < 5; p++) {
        fprintf(f, "%s\"%s\":[", p ? "," : "", pn[p]);
        for (int i = 0; i < ni; i++) {
            fputs(i ? ",[" : "[", f);
            for (int y = 0; y < ny; y++) {
                int n = 0;
                for (int k = 0; k < ns; k++) {
                    double v = all[((size_t)k * ny + y) * ni + i];
                    if (v == v)
                        col[n++] = v;
                }
                qsort(col, (size_t)n, sizeof *col, cmp_double);
                fputs(y ? "," : "", f);
                fs_json_number(f, quantile(col, n, ps[p]));
            }
            putc(']', f);
        }
        putc(']', f);
    }
    putc('}', f);
}

/* "samples": the ensemble of the indicators (samples/indicators, one item
 * per indicator), or null when the file has none. */
static int put_samples(FILE *f, flow_results *r, int s)
{
    int ns, ny, ni;
    if (flow_results_samples_size(r, s, SAMPLES_WHAT, &ns, &ny, &ni) != 0 ||
        ni != flow_results_n_items(r, s, FLOW_ITEM_INDICATOR) || ns < 1) {
        fputs(",\"samples\":null", f);
        return FS_OK;
    }
    double *all = malloc(sizeof *all * (size_t)ns * ny * (ni ? ni : 1));
    double *col = malloc(sizeof *col * (size_t)ns);
    int rc = all && col ? FS_OK : FS_ERROR;
    for (int k = 0; rc == FS_OK && k < ns; k++)
        if (flow_results_samples_read(r, s, SAMPLES_WHAT, k, all + (size_t)k * ny * ni) != 0)
            rc = FS_ERROR;
    if (rc == FS_OK) {
        fprintf(f, ",\"samples\":{\"n\":%d", ns);
        put_quantiles(f, all, ns, ny, ni, col);
        rc = put_pmet(f, r, s, all, ns, ny, ni);
        putc('}', f);
    }
    free(all);
    free(col);
    return rc;
}

static int put_scenario(FILE *f, flow_results *r, int fi, int s)
{
    int first, last;
    if (flow_results_years(r, s, &first, &last) != 0)
        return FS_ERROR;
    int ny = last - first + 1;
    double *buf = malloc(sizeof *buf * (size_t)ny);
    if (!buf)
        return FS_ERROR;
    fputs("{\"name\":", f);
    fs_json_string(f, flow_results_scenario(r, s));
    fprintf(f, ",\"file\":%d,\"first\":%d,\"last\":%d,", fi, first, last);
    put_attrs(f, r, s);
    int rc = FS_OK;
    for (int k = 0; rc == FS_OK && k < FLOW_ITEM_KIND_COUNT_; k++)
        if (kind_key[k])
            rc = put_items(f, r, s, (flow_item_kind)k, ny, buf);
    if (rc == FS_OK)
        rc = put_targets(f, r, s);
    if (rc == FS_OK)
        rc = put_samples(f, r, s);
    putc('}', f);
    free(buf);
    return rc;
}

/* The data of the page: {"generator", "plotly", "files": [...], "scenarios": [...]} */
static int put_data(FILE *f, flow_results **rs, char *const *files, int nfiles, const char *scenario)
{
    fputs("{\"generator\":", f);
    fs_json_string(f, flow_version());
    fputs(",\"plotly\":", f);
    fs_json_string(f, fs_report_plotly_version);
    fputs(",\"files\":[", f);
    for (int i = 0; i < nfiles; i++) {
        fputs(i ? ",{\"path\":" : "{\"path\":", f);
        fs_json_string(f, files[i]);
        put_attr(f, rs[i], -1, "libflow_version", 1);
        put_attr(f, rs[i], -1, "created", 1);
        putc('}', f);
    }
    fputs("],\"scenarios\":[", f);
    int rc = FS_OK, n = 0;
    for (int i = 0; rc == FS_OK && i < nfiles; i++) {
        for (int s = 0; rc == FS_OK && s < flow_results_n_scenarios(rs[i]); s++) {
            if (scenario && strcmp(scenario, flow_results_scenario(rs[i], s)) != 0)
                continue;
            fputs(n++ ? "," : "", f);
            rc = put_scenario(f, rs[i], i, s);
            if (rc != FS_OK)
                fs_error("report --html: %s: %s", files[i], flow_error_last());
        }
    }
    fputs("]}", f);
    return rc;
}

static void put_page(FILE *f, flow_results **rs, char *const *files, int nfiles, const char *scenario, int *rc)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          GENERATOR_MARK "\n"
          "<title>libflow report</title>\n<style>\n",
          f);
    fputs(fs_report_css, f);
    fputs("</style>\n</head>\n<body>\n<div id=\"app\"><p id=\"loading\">Loading the report…</p></div>\n"
          "<pre id=\"selftest\" hidden></pre>\n<script>\n",
          f);
    fputs(fs_report_plotly, f);
    fputs("\n</script>\n<script type=\"application/json\" id=\"flow-data\">", f);
    *rc = put_data(f, rs, files, nfiles, scenario);
    fputs("</script>\n<script>\n", f);
    fputs(fs_report_js, f);
    fputs("\n</script>\n</body>\n</html>\n", f);
}

/* 1 when out names the same file as one of the inputs */
static int is_input(const char *out, char *const *files, int nfiles)
{
    struct stat so, si;
    if (stat(out, &so) != 0)
        return 0;
    for (int i = 0; i < nfiles; i++)
        if (stat(files[i], &si) == 0 && si.st_dev == so.st_dev && si.st_ino == so.st_ino)
            return 1;
    return 0;
}

/* The page may replace only a page of its own (a model's source, notes or
 * anything else named by mistake stays): FS_OK when out does not exist or
 * is a regular file whose head holds the page's generator mark. */
static int own_page_or_new(const char *out)
{
    struct stat so;
    if (stat(out, &so) != 0)
        return FS_OK; /* a new page (a folder that is missing is the writer's error) */
    char head[1024] = "";
    FILE *f = S_ISREG(so.st_mode) ? fopen(out, "rb") : NULL;
    size_t n = f ? fread(head, 1, sizeof head - 1, f) : 0;
    if (f)
        fclose(f);
    head[n] = '\0';
    if (!strstr(head, GENERATOR_MARK)) {
        fs_error("report --html: refusing to replace %s: it is not a page of flowsim report --html "
                 "(remove it or give another name)", out);
        return FS_ERROR;
    }
    return FS_OK;
}

static int check_args(const char *out, char *const *files, int nfiles)
{
    for (int i = 0; i < nfiles; i++) {
        size_t n = strlen(files[i]);
        if (n < 3 || strcmp(files[i] + n - 3, ".h5") != 0) {
            fs_error("report --html: %s: the page is made from results files (.h5): run the model with "
                     "-o FILE.h5 first", files[i]);
            return FS_USAGE;
        }
    }
    if (is_input(out, files, nfiles)) {
        fs_error("report --html: %s is one of the results files read: give another name for the page", out);
        return FS_USAGE;
    }
    return own_page_or_new(out);
}

/* The page into a temporary file next to out (".NAME.tmp-XXXXXX"), then renamed. */
static int write_page(const char *out, flow_results **rs, char *const *files, int nfiles, const char *scenario)
{
    char dir[4096], tmp[4096 + 64];
    const char *base = strrchr(out, '/') ? strrchr(out, '/') + 1 : out;
    if (snprintf(tmp, sizeof tmp, "%s/.%s.tmp-XXXXXX", fs_dir_of(out, dir, sizeof dir), base) >= (int)sizeof tmp) {
        fs_error("report --html: %s: the name is too long", out);
        return FS_USAGE;
    }
    mode_t mask = umask(0);
    umask(mask);
    int fd = mkstemp(tmp), rc = FS_OK;
    if (fd >= 0)
        fchmod(fd, 0666 & ~mask); /* mkstemp's 0600: the page is a document, made as any file */
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        fs_error("report --html: cannot write %s: %s", out, strerror(errno));
        if (fd >= 0)
            close(fd), unlink(tmp);
        return FS_ERROR;
    }
    put_page(f, rs, files, nfiles, scenario, &rc);
    int werr = ferror(f);
    if (fclose(f) != 0 || werr) {
        if (rc == FS_OK)
            fs_error("report --html: cannot write %s: %s", out, strerror(errno));
        rc = FS_ERROR;
    }
    if (rc == FS_OK && rename(tmp, out) != 0) {
        fs_error("report --html: cannot write %s: %s", out, strerror(errno));
        rc = FS_ERROR;
    }
    if (rc != FS_OK)
        unlink(tmp);
    return rc;
}

/* 1 when scenario (NULL: any) is in one of the files */
static int has_scenario(flow_results **rs, int nfiles, const char *scenario)
{
    int s;
    for (int i = 0; i < nfiles; i++)
        if (!scenario ? flow_results_n_scenarios(rs[i]) > 0 : flow_results_find_scenario(rs[i], scenario, &s) == 0)
            return 1;
    return 0;
}

int fs_report_html(const char *out, char *const *files, int nfiles, const char *scenario)
{
    int rc = check_args(out, files, nfiles);
    if (rc != FS_OK)
        return rc;
    flow_results **rs = calloc((size_t)nfiles, sizeof *rs);
    if (!rs) {
        fs_error("out of memory");
        return FS_ERROR;
    }
    for (int i = 0; rc == FS_OK && i < nfiles; i++)
        if (flow_results_open(&rs[i], files[i]) != 0) {
            fs_error("report --html: %s", flow_error_last());
            rc = FS_ERROR;
        }
    if (rc == FS_OK && !has_scenario(rs, nfiles, scenario)) {
        fs_error("report --html: %s", scenario ? flow_error_last() : "the results files hold no scenario");
        rc = FS_USAGE;
    }
    if (rc == FS_OK)
        rc = write_page(out, rs, files, nfiles, scenario);
    if (rc == FS_OK)
        printf("report: %s\n", out);
    for (int i = 0; i < nfiles; i++)
        flow_results_close(rs[i]);
    free(rs);
    return rc;
}
