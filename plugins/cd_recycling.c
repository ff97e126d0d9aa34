/*
 * cd_recycling.c — a construction and demolition (C&D) waste recycling
 * plant (衡水新伟建材, 河北国昌建材: 附件4 rows 23–24): crushing,
 * screening, magnetic separation and air sifting of concrete, brick and
 * rubble into recycled aggregate, with rebar recovered and a residue of
 * light fraction (wood, plastics, paper) and soil fines.
 *
 * The type looks at each input's category: a FLOW_CAT_CONSTRUCTION
 * material gives aggregate_share recycled_aggregate, metal_share
 * ferrous_scrap and the balance residue; a material of any other category
 * cannot make aggregate and goes whole to residue. Nothing is kept (dust
 * is below the precision of the shares).
 */
#include "facility.h"

enum { P_AGGREGATE, P_FERROUS, P_RESIDUE, N_PORTS };
enum { K_AGGREGATE, K_METAL, N_PARAMS };

static const flow_param_decl params[N_PARAMS] = {
    /* ESTIMATE: fixed Chinese C&D plants recover 80–90 % of demolition
     * waste as aggregate; mixed waste lower */
    { "aggregate_share", "t/t", 0.80, 0, 0.95, "recycled aggregate per tonne of C&D waste" },
    /* ESTIMATE: rebar and other steel 1–3 % of demolition waste */
    { "metal_share", "t/t", 0.02, 0, 0.05, "ferrous scrap per tonne of C&D waste" },
};
static const char *const ports[N_PORTS] = { "recycled_aggregate", "ferrous_scrap", "residue" };
static const char *const materials[N_PORTS] = { "recycled_aggregate", "ferrous_scrap", "residue" };
static const char *const metrics[] = { "throughput_t", "aggregate_t", "recycling_rate_pct" };

static int transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    (void)state;
    double p[N_PARAMS];
    int made[N_PORTS], rc;
    if ((rc = fac_params(ctx, params, N_PARAMS, p)) < 0 || (rc = fac_made(ctx, N_PORTS, made)) < 0)
        return rc;
    const double cd[N_PORTS] = { p[K_AGGREGATE], p[K_METAL], 1 - p[K_AGGREGATE] - p[K_METAL] };
    const double other[N_PORTS] = { 0, 0, 1 };
    for (int m = 0; m < T->n_materials && rc == 0; m++)
        rc = fac_split(T, m, N_PORTS, made,
                       flow_type_ctx_material_category(ctx, m) == FLOW_CAT_CONSTRUCTION ? cd : other);
    return rc;
}

static int step(const flow_type_ctx *ctx, void *state, const double *in, const double *out,
                double *met)
{
    (void)state;
    double t = fac_sum(in, (size_t)flow_type_ctx_n_materials(ctx));
    double agg = fac_port_sum(ctx, out, P_AGGREGATE);
    met[0] = t;
    met[1] = agg;
    met[2] = fac_pct(agg + fac_port_sum(ctx, out, P_FERROUS), t);
    return 0;
}

FLOW_PLUGIN_DEFINE(cd_recycling, "cd_recycling",
    .description = "C&D waste recycling: recycled aggregate, ferrous scrap, residue",
    .version = "1.0",
    .params = params, .n_params = N_PARAMS,
    .ports = ports, .n_ports = N_PORTS,
    .metrics = metrics, .n_metrics = 3,
    .transfer = transfer, .transfer_by_rows = 1,
    .step = step,
    .materials = materials, .n_materials = N_PORTS);
