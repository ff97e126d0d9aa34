/*
 * no_ports.c — a type with no output port: refused.
 */
#include "flow_plugin.h"

static int transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    (void)ctx;
    (void)state;
    (void)T;
    return 0;
}

FLOW_PLUGIN_DEFINE(no_ports, "no_ports", .transfer = transfer);
