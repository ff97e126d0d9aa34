/*
 * sanitary_landfill.c — a lined MSW landfill (GB 16889): keeps what it
 * receives (see landfill.h for the volume and the fill year).
 *
 * Two ports take a constant share of every tonne received the same year:
 * leachate (the waste's own water squeezed out) and landfill_gas (CH4 and
 * CO2 of the degradable carbon). Both default to 0: gas forms over decades
 * (first-order decay), which a share of the year's input cannot represent,
 * and most leachate is infiltrated rain, which is not waste mass. A model
 * that wants a crude short-term balance sets them (fresh MSW gives 0.1–0.2
 * t/t of leachate). Inputs are treated alike.
 */
#include "landfill.h"

enum { P_LEACHATE, P_GAS, N_PORTS };

static const flow_param_decl params[] = {
    /* ESTIMATE: compactor-placed MSW with daily cover 0.8–1.0 t/m³; the bin
     * density of 0.145–0.22 t/m³ (hengshui-facts §1.6) is loose waste */
    { "density_t_m3", "t/m3", 0.9, 0.1, 3, "in-place density of the compacted waste" },
    /* ESTIMATE: no Hengshui landfill volume was found (hengshui-facts §3);
     * 1 Mm³ is a placeholder of the size of a county-town landfill: set it */
    { "volume_m3", "m3", 1e6, 1, 1e9, "total cell volume (airspace)" },
    /* ESTIMATE: 0, see above */
    { "leachate_share", "t/t", 0, 0, 0.5, "leachate per tonne received, the same year" },
    /* ESTIMATE: 0, see above */
    { "gas_share", "t/t", 0, 0, 0.5, "landfill gas per tonne received, the same year" },
};
static const char *const ports[N_PORTS] = { "leachate", "landfill_gas" };
static const char *const materials[N_PORTS] = { "leachate", "landfill_gas" };

static int transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    (void)state;
    return landfill_transfer(ctx, T, params, N_PORTS);
}

static int step(const flow_type_ctx *ctx, void *state, const double *in, const double *out,
                double *met)
{
    return landfill_step(ctx, state, in, out, met, params, N_PORTS);
}

FLOW_PLUGIN_DEFINE(sanitary_landfill, "sanitary_landfill",
    .description = "sanitary MSW landfill: keeps what it receives; volume used, remaining, fill year",
    .version = "1.0",
    .params = params, .n_params = 2 + N_PORTS,
    .ports = ports, .n_ports = N_PORTS,
    .metrics = landfill_metrics, .n_metrics = LANDFILL_N_METRICS,
    .state_size = sizeof(landfill_state),
    .transfer_stateless = 1, /* the state is the volume filled: step() and the metrics only */
    .transfer = transfer, .transfer_by_rows = 1,
    .step = step,
    .materials = materials, .n_materials = N_PORTS);
