/*
 * fuzz_results.c — fuzz target: the results reader. The input is a
 * results file (HDF5): written into the fuzzer's scratch folder, opened
 * with flow_results_open, then every read function of flow.h is called
 * over every scenario, kind, item, year, target, attribute and samples
 * dataset the file claims, and just outside those ranges. The reader
 * must answer each with a value or an error, never a crash, a hang or a
 * read out of bounds.
 */
#include <stdlib.h>

#include "flow.h"
#include "fuzz.h"

/* how far a walk goes into one table: the corpus's files are smaller; a
 * larger claim is read at its ends */
#define MAX_WALK 16
/* the largest series or sample read whole (values) */
#define MAX_VALUES (1 << 20)

static const char *const file_attrs[] = { "format", "libflow_version", "created", "nothing", NULL };
static const char *const scen_attrs[] = { "model_file", "model_sha256", "scenario_file", "scenario_sha256",
                                          "plugin_versions", "created", "description", "nothing", NULL };
static const char *const samples[] = { "flows", "stocks", "params", "indicators", "metrics", "total", "a/b", "",
                                       NULL };

static void walk_attrs(flow_results *r, int s, const char *const *names)
{
    for (const char *const *a = names; *a; a++)
        (void)flow_results_attr(r, s, *a);
}

/* indices 0..n-1 (at most MAX_WALK of them, then the last), and the two
 * just outside */
static int next_index(int i, int n)
{
    if (i < 0)
        return 0;
    if (i + 1 == MAX_WALK && n > MAX_WALK + 1)
        return n - 1;
    return i + 1;
}

static void walk_items(flow_results *r, int s, flow_item_kind k, int first, int last, int years_ok)
{
    int n = flow_results_n_items(r, s, k);
    long long ny = (long long)last - first + 1;
    double *series = years_ok && ny > 0 && ny <= MAX_VALUES ? malloc((size_t)ny * sizeof *series) : NULL;
    for (int i = -1; i <= n; i = next_index(i, n)) {
        const char *name = flow_results_item_name(r, s, k, i);
        (void)flow_results_item_unit(r, s, k, i);
        int found;
        if (name)
            (void)flow_results_find_item(r, s, k, name, &found);
        if (k == FLOW_ITEM_INDICATOR)
            (void)flow_results_indicator_title(r, s, i);
        double v;
        if (i <= 0 || i >= n - 1) { /* one value: at the ends of the table and of the years */
            (void)flow_results_get(r, s, k, i, first, &v);
            (void)flow_results_get(r, s, k, i, last, &v);
            (void)flow_results_get(r, s, k, i, first - 1, &v);
            (void)flow_results_get(r, s, k, i, last + 1, &v);
        }
        if (series)
            (void)flow_results_series(r, s, k, i, series);
        if (n < 0)
            break;
    }
    free(series);
}

static void walk_samples(flow_results *r, int s)
{
    for (const char *const *w = samples; *w; w++) {
        int n, ny, ni;
        if (flow_results_samples_size(r, s, *w, &n, &ny, &ni) != 0)
            continue;
        long long count = (long long)ny * ni;
        double *v = count >= 0 && count <= MAX_VALUES ? malloc((size_t)(count ? count : 1) * sizeof *v) : NULL;
        if (v) {
            (void)flow_results_samples_read(r, s, *w, 0, v);
            (void)flow_results_samples_read(r, s, *w, n - 1, v);
            (void)flow_results_samples_read(r, s, *w, n, v);
            (void)flow_results_samples_read(r, s, *w, -1, v);
        }
        free(v);
    }
}

static void walk_scenario(flow_results *r, int s)
{
    const char *name = flow_results_scenario(r, s);
    int found;
    if (name)
        (void)flow_results_find_scenario(r, name, &found);
    int first = 0, last = -1;
    int years_ok = flow_results_years(r, s, &first, &last) == 0;
    for (int k = -1; k <= FLOW_ITEM_METRIC + 1; k++)
        walk_items(r, s, (flow_item_kind)k, first, last, years_ok);
    int nt = flow_results_n_targets(r, s);
    for (int t = -1; t <= nt; t = next_index(t, nt)) {
        flow_results_target_info info;
        (void)flow_results_target(r, s, t, &info);
        if (nt < 0)
            break;
    }
    walk_attrs(r, s, scen_attrs);
    walk_samples(r, s);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_scratch_dir();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *file = fuzz_write_input("results.h5", data, size);
    flow_results *r;
    if (flow_results_open(&r, file) != 0)
        return 0;
    walk_attrs(r, -1, file_attrs);
    int n = flow_results_n_scenarios(r);
    (void)flow_results_find_scenario(r, "nothing", &(int){ 0 });
    for (int s = -1; s <= n; s = next_index(s, n)) {
        walk_scenario(r, s);
        if (n < 0)
            break;
    }
    flow_results_close(r);
    return 0;
}
