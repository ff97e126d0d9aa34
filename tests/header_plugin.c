/* header_plugin.c — flow_plugin.h compiles alone under -std=c11 -pedantic
 * -Werror, FLOW_PLUGIN_DEFINE (static form) included. */
#include "flow_plugin.h"

static int transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    (void)ctx;
    (void)state;
    (void)T;
    return 0;
}

static const flow_param_decl params[] = {
    { "efficiency", "1", 0.5, 0, 1, "a share" },
};
static const char *const ports[] = { "out" };

FLOW_PLUGIN_DEFINE(hdr, "hdr",
    .params = params, .n_params = 1,
    .ports = ports, .n_ports = 1,
    .transfer = transfer);

int main(void)
{
    const flow_process_type *t = flow_plugin_hdr();
    return t->abi_major == FLOW_PLUGIN_ABI_MAJOR && t->struct_size == sizeof *t ? 0 : 1;
}
