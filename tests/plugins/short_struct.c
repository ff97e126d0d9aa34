/*
 * short_struct.c — a descriptor whose struct_size ends before the
 * callbacks that plugin ABI 1.0 requires: refused (a module built against
 * a broken or foreign header).
 */
#include <stddef.h>

#include "flow_plugin.h"

static const char *const ports[] = { "out" };

static const flow_process_type desc = {
    .abi_major = FLOW_PLUGIN_ABI_MAJOR, .abi_minor = FLOW_PLUGIN_ABI_MINOR,
    .struct_size = offsetof(flow_process_type, state_size),
    .name = "short_struct", .ports = ports, .n_ports = 1,
};

const flow_process_type *flow_plugin_entry(void);
const flow_process_type *flow_plugin_entry(void)
{
    return &desc;
}
