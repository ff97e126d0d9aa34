/*
 * sludge_cofiring.c — dewatered sewage sludge co-fired in a coal power
 * plant's boilers (衡丰 and 恒兴 power plants, 附件4 row 26: 250 t/d).
 *
 * Physics: the sludge's water evaporates and its organic matter burns,
 * both leaving with the flue gas; its ash (the mineral part of the dry
 * solids) joins the plant's coal ash, reported here as sludge_ash (a
 * general industrial solid waste, not HW18 fly ash). Per tonne received:
 * sludge_ash = (1 - moisture) × ash_content_dry; flue_gas the balance.
 * Nothing is kept. Inputs are treated alike (as dewatered sludge). The
 * heat of an 80 %-moisture sludge roughly only evaporates its own water,
 * so no electricity is booked.
 */
#include "facility.h"

enum { P_ASH, P_GAS, N_PORTS };
enum { K_MOISTURE, K_ASH, K_CAPACITY, N_PARAMS };

static const flow_param_decl params[N_PARAMS] = {
    /* hengshui-facts §2 "sludge co-firing": 80 % moisture */
    { "moisture", "t/t", 0.80, 0, 1, "water per tonne of sludge received" },
    /* ESTIMATE: Chinese municipal sludge is ash-rich, volatile solids
     * 40–60 % of the dry solids: ash 0.45 t per t of dry solids */
    { "ash_content_dry", "t/t", 0.45, 0, 1, "ash per tonne of dry solids" },
    /* hengshui-facts §2 "sludge co-firing": 250 t/d × 365 = 91,250 t/a
     * (DERIVED from 附件4 row 26) */
    { "design_capacity_t", "t/a", 91250, 0, 1e7, "design throughput, for utilisation" },
};
static const char *const ports[N_PORTS] = { "sludge_ash", "flue_gas" };
static const char *const materials[N_PORTS] = { "sludge_ash", "flue_gas" };
static const char *const metrics[] = { "throughput_t", "dry_solids_t", "utilisation_pct" };

static int transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    (void)state;
    double p[N_PARAMS];
    int made[N_PORTS], rc;
    if ((rc = fac_params(ctx, params, N_PARAMS, p)) < 0 || (rc = fac_made(ctx, N_PORTS, made)) < 0)
        return rc;
    double ash = (1 - p[K_MOISTURE]) * p[K_ASH];
    double share[N_PORTS] = { ash, 1 - ash };
    return fac_split_all(T, N_PORTS, made, share);
}

/* throughput, dry solids, load of the capacity (%) */
static void metrics_of(const flow_type_ctx *ctx, const double *p, double t, const double *out,
                       double *met)
{
    (void)ctx;
    (void)out;
    met[0] = t;
    met[1] = t * (1 - p[K_MOISTURE]);
    met[2] = fac_pct(t, p[K_CAPACITY]);
}
FAC_DEFINE_STEP(metrics_of)

FLOW_PLUGIN_DEFINE(sludge_cofiring, "sludge_cofiring",
    .description = "sewage sludge co-fired in a coal power plant: sludge ash, flue gas",
    .version = "1.0",
    .params = params, .n_params = N_PARAMS,
    .ports = ports, .n_ports = N_PORTS,
    .metrics = metrics, .n_metrics = 3,
    .transfer = transfer, .transfer_by_rows = 1,
    .step = step,
    .materials = materials, .n_materials = N_PORTS);
