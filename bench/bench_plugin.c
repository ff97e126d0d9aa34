/*
 * bench_plugin.c — the cost of a process of a plugin type inside the year
 * step (make bench; docs/performance.md).
 *
 * Two models of the same shape, n processes each fed by its own source of
 * M materials (M - 4 wastes and the 4 materials the incinerator makes),
 * over 30 years:
 *   - "typed": the processes are of the type "incinerator" (the module of
 *     plugins/, found through $FLOW_PLUGIN_PATH), its 4 ports to 4 sinks;
 *   - "split": the processes are core splits with 4 FLOW_ALL flows to the
 *     same 4 sinks (3 shares and the rest): the same flow items, routed by
 *     the core's fast path.
 * It prints µs per simulated year and ns per process-year of each, their
 * difference (what the plugin costs beyond the core's own routing), and
 * how many times the type's transfer() was called in a run: with constant
 * parameters once per process, not once per process-year.
 *
 *   bench_plugin [n]     n processes (default 1000)
 *   bench_plugin n typed only the incinerator model (for a profiler)
 *   bench_plugin n split only the core split model
 * Exits non-zero only when libflow reports an error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "flow.h"
#include "flow_plugin.h"

#define YEARS 30
#define GOAL_NS 100.0
#define MIN_REPS 10
#define MIN_SECONDS 1.5

static void check(int rc, const char *what)
{
    if (rc) {
        fprintf(stderr, "bench_plugin: %s: %s\n", what, flow_error_last());
        exit(1);
    }
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static flow_model *build(int n, int typed, const flow_process_type *t)
{
    static const char *const wastes[] = { "food", "plastics", "paper", "textiles", "wood", "other" };
    const int NW = 6;
    flow_model *m;
    char name[64];
    check(flow_model_new(&m, 2021, 2021 + YEARS - 1, NULL), "flow_model_new");
    for (int w = 0; w < NW; w++)
        check(flow_model_add_material(m, wastes[w], FLOW_CAT_DOMESTIC, "t", NULL), "material");
    for (size_t k = 0; k < t->n_materials; k++)
        check(flow_model_add_material(m, t->materials[k], FLOW_CAT_PRODUCT, "t", NULL), "material");
    int sink[8];
    for (size_t k = 0; k < t->n_ports && k < 8; k++) {
        snprintf(name, sizeof name, "sink_%s", t->ports[k]);
        check(flow_model_add_process(m, name, FLOW_SINK, &sink[k]), "sink");
    }
    for (int i = 0; i < n; i++) {
        int src, p;
        snprintf(name, sizeof name, "city%d", i);
        check(flow_model_add_process(m, name, FLOW_SOURCE, &src), "source");
        for (int w = 0; w < NW; w++)
            check(flow_model_set_generation(m, src, w, 10.0 + (i + w) % 7, FLOW_NONE), "generation");
        snprintf(name, sizeof name, "plant%d", i);
        if (typed)
            check(flow_model_add_typed_process(m, name, "incinerator", &p), "typed process");
        else
            check(flow_model_add_process(m, name, FLOW_SPLIT, &p), "split");
        check(flow_model_add_flow(m, src, p, FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL), "flow");
        for (size_t k = 0; k < t->n_ports && k < 8; k++) {
            if (typed)
                check(flow_model_add_port_flow(m, p, t->ports[k], sink[k], NULL), "port");
            else if (k + 1 < t->n_ports)
                check(flow_model_add_flow(m, p, sink[k], FLOW_ALL, FLOW_SHARE, 0.05 * (double)(k + 1), FLOW_NONE,
                                          NULL), "flow");
            else
                check(flow_model_add_flow(m, p, sink[k], FLOW_ALL, FLOW_REST, 0, FLOW_NONE, NULL), "flow");
        }
    }
    check(flow_model_compile(m), "flow_model_compile");
    return m;
}

/* The best 30-year run over the repetitions. */
static double best_run(flow_sim *s, long *transfers)
{
    double best = 1e30, t0 = now();
    for (int r = 0; r < MIN_REPS || now() - t0 < MIN_SECONDS; r++) {
        check(flow_sim_reset(s), "flow_sim_reset");
        double a = now();
        check(flow_sim_run(s), "flow_sim_run");
        double d = now() - a;
        if (d < best)
            best = d;
        flow_sim_stats st;
        flow_sim_get_stats(s, &st);
        *transfers = st.type_transfers;
    }
    return best;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 1000;
    int only = -1; /* -1 both models; 1 the typed one; 0 the split one */
    if (argc > 2)
        only = strcmp(argv[2], "typed") == 0 ? 1 : strcmp(argv[2], "split") == 0 ? 0 : -2;
    if (n < 1 || only == -2) {
        fprintf(stderr, "usage: bench_plugin [processes >= 1 [typed | split]]\n");
        return 2;
    }
    const flow_process_type *t;
    check(flow_plugin_find("incinerator", &t), "flow_plugin_find(incinerator)");
    printf("bench_plugin: %d processes x %d years; type 'incinerator' from %s\n", n, YEARS,
           flow_plugin_origin(t) ? flow_plugin_origin(t) : "(registered)");
    double sec[2] = { 0, 0 };
    long calls[2] = { 0, 0 };
    int items = 0, mats = 0;
    for (int typed = 1; typed >= 0; typed--) {
        if (only >= 0 && typed != only)
            continue;
        flow_model *m = build(n, typed, t);
        flow_sim *s;
        check(flow_sim_new(&s, m), "flow_sim_new");
        sec[typed] = best_run(s, &calls[typed]);
        items = flow_model_n_items(m, FLOW_ITEM_FLOW);
        mats = flow_model_n_materials(m);
        flow_sim_free(s);
        flow_model_free(m);
    }
    double py = (double)n * YEARS;
    printf("  materials %d, flow items %d (both models)\n", mats, items);
    printf("  %-34s %10s %16s\n", "model", "us/year", "ns/process-year");
    printf("  %-34s %10.2f %16.1f\n", "incinerator (plugin type)", 1e6 * sec[1] / YEARS, 1e9 * sec[1] / py);
    printf("  %-34s %10.2f %16.1f\n", "split with the same flows (core)", 1e6 * sec[0] / YEARS, 1e9 * sec[0] / py);
    double extra = 1e9 * (sec[1] - sec[0]) / py;
    printf("  plugin beyond the core's routing: %.1f ns/process-year\n", extra);
    printf("  transfer() calls in a run: %ld (%.3f per process-year; 1 per process when parameters are "
           "constant)\n", calls[1], (double)calls[1] / py);
    printf("goal: incinerator under %.0f ns/process-year: %.1f  %s\n", GOAL_NS, 1e9 * sec[1] / py,
           1e9 * sec[1] / py < GOAL_NS ? "OK" : "MISSED");
    printf("BENCH_PLUGIN processes=%d years=%d materials=%d flow_items=%d typed_ns=%.2f split_ns=%.2f "
           "transfer_calls=%ld\n", n, YEARS, mats, items, 1e9 * sec[1] / py, 1e9 * sec[0] / py, calls[1]);
    flow_plugin_shutdown();
    return 0;
}
