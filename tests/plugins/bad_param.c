/*
 * bad_param.c — a parameter whose default lies outside its bounds: refused,
 * naming the parameter.
 */
#include "flow_plugin.h"

static int transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    (void)ctx;
    (void)state;
    (void)T;
    return 0;
}

static const flow_param_decl params[] = {
    { "capacity", "t/a", 1000, 0, 1e9, NULL },
    { "efficiency", "1", 1.5, 0, 1, "default above the upper bound" },
};
static const char *const ports[] = { "out" };

FLOW_PLUGIN_DEFINE(bad_param, "bad_param",
    .params = params, .n_params = 2,
    .ports = ports, .n_ports = 1,
    .transfer = transfer);
