/*
 * carbon_regeneration.c — thermal regeneration of spent activated carbon
 * (河北佐英, 附件4 row 12: 1万 t/a, 热再生法).
 *
 * Physics: drying, desorption and pyrolysis of the adsorbed organics, then
 * steam activation at 800–900 °C that also burns off a little carbon. Per
 * tonne of spent carbon received (wet, loaded): yield regenerated_carbon,
 * fines_share hazardous_residue (fines and ash caught in the dust
 * filter), the balance flue_gas (water, desorbed organics burnt in the
 * afterburner, carbon burn-off). Nothing is kept. Inputs are treated
 * alike.
 */
#include "facility.h"

enum { P_CARBON, P_RESIDUE, P_GAS, N_PORTS };
enum { K_YIELD, K_FINES, K_CAPACITY, N_PARAMS };

static const flow_param_decl params[N_PARAMS] = {
    /* ESTIMATE: spent carbon carries 20–40 % water and adsorbate, and 5–10 %
     * of the carbon is lost per cycle: 0.7 t regenerated per t received */
    { "yield", "t/t", 0.70, 0, 0.9, "regenerated carbon per tonne of spent carbon" },
    /* ESTIMATE: attrition fines and ash, 3–8 % */
    { "fines_share", "t/t", 0.05, 0, 0.1, "fines and ash (HW) per tonne of spent carbon" },
    /* 附件4 row 12: 1万 t/a */
    { "design_capacity_t", "t/a", 10000, 0, 1e7, "design throughput, for utilisation" },
};
static const char *const ports[N_PORTS] = { "regenerated_carbon", "hazardous_residue", "flue_gas" };
static const char *const materials[N_PORTS] = { "regenerated_carbon", "hazardous_residue",
                                                "flue_gas" };
static const char *const metrics[] = { "throughput_t", "regenerated_t", "utilisation_pct" };

static int transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    (void)state;
    double p[N_PARAMS];
    int made[N_PORTS], rc;
    if ((rc = fac_params(ctx, params, N_PARAMS, p)) < 0 || (rc = fac_made(ctx, N_PORTS, made)) < 0)
        return rc;
    /* bounds: yield + fines <= 1 */
    double share[N_PORTS] = { p[K_YIELD], p[K_FINES], 1 - p[K_YIELD] - p[K_FINES] };
    return fac_split_all(T, N_PORTS, made, share);
}

/* throughput, carbon regenerated, load of the capacity (%) */
static void metrics_of(const flow_type_ctx *ctx, const double *p, double t, const double *out,
                       double *met)
{
    met[0] = t;
    met[1] = fac_port_sum(ctx, out, P_CARBON);
    met[2] = fac_pct(t, p[K_CAPACITY]);
}
FAC_DEFINE_STEP(metrics_of)

FLOW_PLUGIN_DEFINE(carbon_regeneration, "carbon_regeneration",
    .description = "thermal regeneration of spent activated carbon: regenerated carbon, fines, off-gas",
    .version = "1.0",
    .params = params, .n_params = N_PARAMS,
    .ports = ports, .n_ports = N_PORTS,
    .metrics = metrics, .n_metrics = 3,
    .transfer = transfer, .transfer_by_rows = 1,
    .step = step,
    .materials = materials, .n_materials = N_PORTS);
