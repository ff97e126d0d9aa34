/*
 * composting.c — aerobic composting of source-separated organic waste
 * (kitchen and market waste, green waste, manure; plan tasks on 厨余垃圾
 * and 畜禽粪污 堆肥, 附件3).
 *
 * Physics: microbes oxidise part of the organic carbon to CO2 and the heat
 * evaporates much of the water, so the mass falls by more than half. Per
 * tonne received (wet): compost (matured, screened), residue (screening
 * rejects: plastics, glass, stones) and the balance to air as flue_gas
 * (CO2 and water vapour). Nothing is kept. Inputs are treated alike.
 */
#include "facility.h"

enum { P_COMPOST, P_RESIDUE, P_GAS, N_PORTS };
enum { K_COMPOST, K_RESIDUE, N_PARAMS };

static const flow_param_decl params[N_PARAMS] = {
    /* ESTIMATE: food waste of 70–80 % moisture loses 50–70 % of its mass in
     * composting; 0.35 t of compost per t received */
    { "compost_share", "t/t", 0.35, 0, 0.6, "compost per tonne received" },
    /* ESTIMATE: 5–15 % impurities in separately collected kitchen waste */
    { "residue_share", "t/t", 0.10, 0, 0.3, "screening rejects per tonne received" },
};
static const char *const ports[N_PORTS] = { "compost", "residue", "flue_gas" };
static const char *const materials[N_PORTS] = { "compost", "residue", "flue_gas" };
static const char *const metrics[] = { "throughput_t", "compost_t" };

static int transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    (void)state;
    double p[N_PARAMS];
    int made[N_PORTS], rc;
    if ((rc = fac_params(ctx, params, N_PARAMS, p)) < 0 || (rc = fac_made(ctx, N_PORTS, made)) < 0)
        return rc;
    /* bounds: compost + residue <= 0.9, the gas >= 0.1 */
    double share[N_PORTS] = { p[K_COMPOST], p[K_RESIDUE], 1 - p[K_COMPOST] - p[K_RESIDUE] };
    return fac_split_all(T, N_PORTS, made, share);
}

static int step(const flow_type_ctx *ctx, void *state, const double *in, const double *out,
                double *met)
{
    (void)state;
    met[0] = fac_sum(in, (size_t)flow_type_ctx_n_materials(ctx));
    met[1] = fac_port_sum(ctx, out, P_COMPOST);
    return 0;
}

FLOW_PLUGIN_DEFINE(composting, "composting",
    .description = "aerobic composting: compost, screening residue, CO2 and water vapour",
    .version = "1.0",
    .params = params, .n_params = N_PARAMS,
    .ports = ports, .n_ports = N_PORTS,
    .metrics = metrics, .n_metrics = 2,
    .transfer = transfer, .transfer_by_rows = 1,
    .step = step,
    .materials = materials, .n_materials = N_PORTS);
