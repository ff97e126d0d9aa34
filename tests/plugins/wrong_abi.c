/*
 * wrong_abi.c — a module built for plugin ABI 99: refused. The descriptor
 * is written by hand, as FLOW_PLUGIN_DEFINE would always stamp this ABI.
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

static const flow_process_type desc = {
    .abi_major = 99, .abi_minor = 3, .struct_size = sizeof(flow_process_type),
    .name = "wrong_abi", .ports = ports, .n_ports = 1, .transfer = transfer,
};

const flow_process_type *flow_plugin_entry(void);
const flow_process_type *flow_plugin_entry(void)
{
    return &desc;
}
