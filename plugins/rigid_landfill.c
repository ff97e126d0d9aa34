/*
 * rigid_landfill.c — a hazardous-waste landfill in roofed concrete cells
 * (刚性填埋场, GB 18598): 河北佐英's 49,600 m³ (附件4 row 13). Keeps what it
 * receives (see landfill.h for the volume and the fill year).
 *
 * One port, leachate: a share of every tonne received, the same year. It
 * defaults to 0: the waste is stabilised (fly ash blocks, bagged waste
 * salt) and the cells are roofed and sealed, so nothing is meant to leave;
 * the port exists for a model that wants to book drainage. Inputs are
 * treated alike.
 */
#include "landfill.h"

enum { P_LEACHATE, N_PORTS };

static const flow_param_decl params[] = {
    /* hengshui-facts §2 "hazardous-waste density in the rigid landfill":
     * 1.2 t/m³ (ESTIMATE there, range 1.0–1.5) */
    { "density_t_m3", "t/m3", 1.2, 0.1, 3, "in-place density of the stabilised waste in the cells" },
    /* 附件4 row 13: 库容4.96万立方米 (hengshui-facts §2: ≈ 59,500 t at 1.2 t/m³) */
    { "volume_m3", "m3", 49600, 1, 1e9, "total cell volume" },
    /* ESTIMATE: 0, sealed roofed cells (see above) */
    { "leachate_share", "t/t", 0, 0, 0.5, "leachate per tonne received, the same year" },
};
static const char *const ports[N_PORTS] = { "leachate" };
static const char *const materials[N_PORTS] = { "leachate" };

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

FLOW_PLUGIN_DEFINE(rigid_landfill, "rigid_landfill",
    .description = "hazardous-waste landfill in concrete cells: keeps what it receives; volume used, remaining, fill year",
    .version = "1.0",
    .params = params, .n_params = 2 + N_PORTS,
    .ports = ports, .n_ports = N_PORTS,
    .metrics = landfill_metrics, .n_metrics = LANDFILL_N_METRICS,
    .state_size = sizeof(landfill_state),
    .transfer_stateless = 1, /* the state is the volume filled: step() and the metrics only */
    .transfer = transfer, .transfer_by_rows = 1,
    .step = step,
    .materials = materials, .n_materials = N_PORTS);
