/*
 * no_transfer.c — a type without its required transfer callback: refused.
 */
#include "flow_plugin.h"

static const char *const ports[] = { "out" };

FLOW_PLUGIN_DEFINE(no_transfer, "no_transfer",
    .description = "has no transfer()",
    .ports = ports, .n_ports = 1);
