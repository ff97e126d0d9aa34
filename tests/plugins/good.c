/*
 * good.c — a valid process type, loaded as a module by the plugin suite:
 * each material goes to port "out" at the share "efficiency" and to port
 * "loss" at the rest; step() reports the tonnes received as the metric
 * "throughput" and keeps a running total in its state.
 */
#include "flow_plugin.h"

static int transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    (void)state;
    int M = flow_type_ctx_n_materials(ctx);
    double eff = flow_type_ctx_param(ctx, 0);
    for (int m = 0; m < M; m++) {
        T->coef[(0 * M + m) * M + m] = eff;
        T->coef[(1 * M + m) * M + m] = 1 - eff;
    }
    return 0;
}

static int step(const flow_type_ctx *ctx, void *state, const double *in, const double *out,
                double *metrics)
{
    (void)out;
    double sum = 0;
    for (int m = 0; m < flow_type_ctx_n_materials(ctx); m++)
        sum += in[m];
    metrics[0] = sum;
    *(double *)state += sum;
    return 0;
}

static const flow_param_decl params[] = {
    { "efficiency", "1", 0.75, 0, 1, "share of each material sent to port out" },
};
static const char *const ports[] = { "out", "loss" };
static const char *const metrics[] = { "throughput" };

FLOW_PLUGIN_DEFINE(good, "good",
    .description = "a valid test type (tests/plugins)",
    .version = "1.0",
    .params = params, .n_params = 1,
    .ports = ports, .n_ports = 2,
    .metrics = metrics, .n_metrics = 1,
    .state_size = sizeof(double),
    .transfer = transfer,
    .step = step);
