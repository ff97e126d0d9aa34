/*
 * dismantling.c — dismantling of end-of-life vehicles and of spent
 * batteries (附件4 rows 18, 20–22: 春风 and 知城 vehicle dismantling,
 * Ni-Cd and lead-acid battery recycling).
 *
 * Physics: vehicles are drained (oils, fuel, coolant, refrigerant: the
 * hazardous parts, with the starter battery), stripped of parts, then
 * shredded: steel to ferrous_scrap, copper and aluminium to
 * nonferrous_scrap, plastics recovered from bumpers and tanks, the rest
 * (foam, glass, rubber: shredder residue) to residue. Batteries are
 * broken and separated: the lead or nickel-cadmium grids and active mass
 * to nonferrous_scrap, the casing plastic, the electrolyte to
 * hazardous_parts, the rest to residue.
 *
 * The type looks at each input's name: a material whose name contains
 * "batter" (ASCII case-insensitively: battery, batteries) takes the
 * battery_* shares; any other material is taken as vehicles. Nothing is
 * kept; the residue is the balance of each column.
 */
#include "facility.h"

enum { P_FERROUS, P_NONFERROUS, P_PLASTIC, P_HAZARDOUS, P_RESIDUE, N_PORTS };
enum { K_FE, K_NF, K_PL, K_HZ, K_BNF, K_BPL, K_BHZ, N_PARAMS };

static const flow_param_decl params[N_PARAMS] = {
    /* ESTIMATE for the vehicle shares: a passenger car is ≈ 65–70 % steel
     * and iron, 7–10 % non-ferrous metals, 8–12 % plastics of which a part
     * is recovered, 3–5 % fluids and battery */
    { "ferrous_share", "t/t", 0.65, 0, 0.75, "ferrous scrap per tonne of vehicles" },
    { "nonferrous_share", "t/t", 0.08, 0, 0.1, "non-ferrous scrap per tonne of vehicles" },
    { "plastic_share", "t/t", 0.05, 0, 0.1, "recovered plastic per tonne of vehicles" },
    { "hazardous_share", "t/t", 0.04, 0, 0.05, "hazardous parts (fluids, batteries) per tonne of vehicles" },
    /* ESTIMATE for the battery shares: a lead-acid battery is ≈ 60–70 %
     * lead and lead compounds, 6–8 % polypropylene case, 15–20 %
     * electrolyte (dilute sulphuric acid) */
    { "battery_metal_share", "t/t", 0.65, 0, 0.7, "non-ferrous metal (grids, active mass) per tonne of batteries" },
    { "battery_plastic_share", "t/t", 0.07, 0, 0.1, "recovered casing plastic per tonne of batteries" },
    { "battery_hazardous_share", "t/t", 0.18, 0, 0.2, "electrolyte (HW) per tonne of batteries" },
};
static const char *const ports[N_PORTS] = { "ferrous_scrap", "nonferrous_scrap", "recovered_plastic",
                                            "hazardous_parts", "residue" };
static const char *const materials[N_PORTS] = { "ferrous_scrap", "nonferrous_scrap",
                                                "recovered_plastic", "hazardous_parts", "residue" };
static const char *const metrics[] = { "throughput_t", "metals_t", "hazardous_t" };

static int transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    (void)state;
    double p[N_PARAMS];
    int made[N_PORTS], rc;
    if ((rc = fac_params(ctx, params, N_PARAMS, p)) < 0 || (rc = fac_made(ctx, N_PORTS, made)) < 0)
        return rc;
    /* the upper bounds of each set add to 1: the residue is >= 0 */
    const double vehicle[N_PORTS] = { p[K_FE], p[K_NF], p[K_PL], p[K_HZ],
                                      1 - p[K_FE] - p[K_NF] - p[K_PL] - p[K_HZ] };
    const double battery[N_PORTS] = { 0, p[K_BNF], p[K_BPL], p[K_BHZ],
                                      1 - p[K_BNF] - p[K_BPL] - p[K_BHZ] };
    for (int m = 0; m < T->n_materials && rc == 0; m++)
        rc = fac_split(T, m, N_PORTS, made,
                       fac_name_has(flow_type_ctx_material_name(ctx, m), "batter") ? battery : vehicle);
    return rc;
}

static int step(const flow_type_ctx *ctx, void *state, const double *in, const double *out,
                double *met)
{
    (void)state;
    met[0] = fac_sum(in, (size_t)flow_type_ctx_n_materials(ctx));
    met[1] = fac_port_sum(ctx, out, P_FERROUS) + fac_port_sum(ctx, out, P_NONFERROUS);
    met[2] = fac_port_sum(ctx, out, P_HAZARDOUS);
    return 0;
}

FLOW_PLUGIN_DEFINE(dismantling, "dismantling",
    .description = "dismantling of end-of-life vehicles and batteries: metals, plastic, hazardous parts, residue",
    .version = "1.0",
    .params = params, .n_params = N_PARAMS,
    .ports = ports, .n_ports = N_PORTS,
    .metrics = metrics, .n_metrics = 3,
    .transfer = transfer, .transfer_by_rows = 1,
    .step = step,
    .materials = materials, .n_materials = N_PORTS);
