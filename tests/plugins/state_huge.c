/*
 * state_huge.c — a type declaring a state_size near SIZE_MAX: refused when
 * it is loaded (the core's rounding of the size would wrap), naming it
 * (issue 13, item 9).
 */
#include <stdint.h>

#include "flow_plugin.h"

static int transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    (void)ctx;
    (void)state;
    (void)T;
    return 0;
}

static const char *const ports[] = { "out" };

FLOW_PLUGIN_DEFINE(state_huge, "state_huge",
    .ports = ports, .n_ports = 1,
    .state_size = SIZE_MAX - 3,
    .transfer = transfer);
