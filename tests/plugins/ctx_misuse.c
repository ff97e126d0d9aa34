/*
 * ctx_misuse.c — a type whose transfer() asks for the stock of material
 * 99999 of a model that has one: the call must fail naming the process and
 * the type, never abort the program (issue 13, item 9).
 */
#include "flow_plugin.h"

static int transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    (void)state;
    T->coef[0] = 1; /* all of material 0 to port out */
    return flow_type_ctx_stock(ctx, 99999) == 0 ? 0 : 0;
}

static const char *const ports[] = { "out" };

FLOW_PLUGIN_DEFINE(ctx_misuse, "ctx_misuse",
    .ports = ports, .n_ports = 1,
    .transfer = transfer);
