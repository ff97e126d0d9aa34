/*
 * press.c — a process type built out of tree, against an installed
 * libflow: a dewatering press. Each tonne received leaves as pressed
 * material (the same material) or as water squeezed out (the material
 * "water", which the model must define). The share of water is the
 * parameter "water_share"; the metric "water_t" is the water removed.
 *
 *     make                      # builds press.so with pkg-config --cflags --libs libflow
 *     FLOW_PLUGIN_PATH=$PWD flowsim model.lua
 */
#include <flow_plugin.h>

static int transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    (void)state;
    int M = flow_type_ctx_n_materials(ctx);
    int water = flow_type_ctx_type_material(ctx, 0);
    double w = flow_type_ctx_param(ctx, 0);
    for (int m = 0; m < M; m++) {
        T->coef[(0 * M + m) * M + m] = 1 - w;     /* port "pressed": the same material */
        T->coef[(1 * M + water) * M + m] += w;    /* port "water": as water */
    }
    return 0;
}

static int step(const flow_type_ctx *ctx, void *state, const double *in, const double *out,
                double *metrics)
{
    (void)state;
    (void)in;
    int M = flow_type_ctx_n_materials(ctx);
    double water = 0;
    for (int m = 0; m < M; m++)
        water += out[1 * M + m];
    metrics[0] = water;
    return 0;
}

static const flow_param_decl params[] = {
    { "water_share", "t/t", 0.3, 0, 0.9, "water squeezed out per tonne received" },
};
static const char *const ports[] = { "pressed", "water" };
static const char *const metrics[] = { "water_t" };
static const char *const materials[] = { "water" };

FLOW_PLUGIN_DEFINE(press, "press",
    .description = "dewatering press (examples/plugin)",
    .version = "1.0",
    .params = params, .n_params = 1,
    .ports = ports, .n_ports = 2,
    .metrics = metrics, .n_metrics = 1,
    .materials = materials, .n_materials = 1,
    .transfer = transfer,
    .step = step);
