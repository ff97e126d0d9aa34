/*
 * sludge_brick_kiln.c — a sintered-brick kiln that takes sewage sludge as
 * an additive to shale and coal gangue (景县瑞发, 附件4 row 27: 9000万
 * bricks a year, 6,000 t/a of sludge).
 *
 * Physics: in firing, the water and the organic matter of the sludge
 * leave with the kiln gas and its ash is bound in the brick body; the
 * shale and gangue lose their moisture, carbon and crystal water (loss on
 * firing). The type looks at each input's category: a FLOW_CAT_SLUDGE
 * material gives bricks = (1 - sludge_moisture) × sludge_ash_dry per
 * tonne; every other material (shale, gangue, C&D fines) gives bricks =
 * 1 - other_loss. The balance of each goes to flue_gas. Nothing is kept.
 */
#include "facility.h"

enum { P_BRICKS, P_GAS, N_PORTS };
enum { K_MOISTURE, K_ASH, K_LOSS, N_PARAMS };

static const flow_param_decl params[N_PARAMS] = {
    /* hengshui-facts §2 "sludge co-firing": dewatered sludge of 80 % moisture */
    { "sludge_moisture", "t/t", 0.80, 0, 1, "water per tonne of sludge received" },
    /* ESTIMATE: as sludge_cofiring, ash 0.45 t per t of dry solids */
    { "sludge_ash_dry", "t/t", 0.45, 0, 1, "ash per tonne of sludge dry solids" },
    /* ESTIMATE: loss on firing of shale and coal gangue, moisture included, 8–15 % */
    { "other_loss", "t/t", 0.12, 0, 1, "mass lost in firing per tonne of other raw material" },
};
static const char *const ports[N_PORTS] = { "bricks", "flue_gas" };
static const char *const materials[N_PORTS] = { "bricks", "flue_gas" };
static const char *const metrics[] = { "throughput_t", "sludge_t", "bricks_t" };

static int transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    (void)state;
    double p[N_PARAMS];
    int made[N_PORTS], rc;
    if ((rc = fac_params(ctx, params, N_PARAMS, p)) < 0 || (rc = fac_made(ctx, N_PORTS, made)) < 0)
        return rc;
    double sludge = (1 - p[K_MOISTURE]) * p[K_ASH];
    for (int m = 0; m < T->n_materials && rc == 0; m++) {
        double b = flow_type_ctx_material_category(ctx, m) == FLOW_CAT_SLUDGE ? sludge
                                                                              : 1 - p[K_LOSS];
        double share[N_PORTS] = { b, 1 - b };
        rc = fac_split(T, m, N_PORTS, made, share);
    }
    return rc;
}

static int step(const flow_type_ctx *ctx, void *state, const double *in, const double *out,
                double *met)
{
    (void)state;
    int M = flow_type_ctx_n_materials(ctx);
    double sludge = 0;
    for (int m = 0; m < M; m++)
        if (flow_type_ctx_material_category(ctx, m) == FLOW_CAT_SLUDGE)
            sludge += in[m];
    met[0] = fac_sum(in, (size_t)M);
    met[1] = sludge;
    met[2] = fac_port_sum(ctx, out, P_BRICKS);
    return 0;
}

FLOW_PLUGIN_DEFINE(sludge_brick_kiln, "sludge_brick_kiln",
    .description = "sintered-brick kiln with sewage sludge as additive: bricks, kiln gas",
    .version = "1.0",
    .params = params, .n_params = N_PARAMS,
    .ports = ports, .n_ports = N_PORTS,
    .metrics = metrics, .n_metrics = 3,
    .transfer = transfer, .transfer_by_rows = 1,
    .step = step,
    .materials = materials, .n_materials = N_PORTS);
