/*
 * alt/good.c — a second type named "good" in another directory, to test
 * the search order of FLOW_PLUGIN_PATH: told apart by its description.
 */
#include "flow_plugin.h"

static int transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    (void)ctx;
    (void)state;
    (void)T;
    return 0;
}

static const char *const ports[] = { "out" };

FLOW_PLUGIN_DEFINE(good, "good",
    .description = "the good of tests/plugins/alt",
    .ports = ports, .n_ports = 1,
    .transfer = transfer);
