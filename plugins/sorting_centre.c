/*
 * sorting_centre.c — a recyclables sorting centre (再生资源分拣中心, plan
 * tasks 28 and 31; 附件3): hand and machine sorting of collected
 * recyclables or mixed waste into bales of each material and a residue of
 * rejects (to incineration or landfill).
 *
 * Materials keep their identity: a tonne of waste_paper leaves as
 * waste_paper, on port recyclables (the recovered share) or on port
 * residue (the rest). Nothing is kept and nothing is lost (dust and
 * moisture losses of a sorting line are below the precision of the
 * rates). The type makes no material.
 *
 * The recovery rate of a material is chosen by its name, ASCII
 * case-insensitively, by the first of these words it contains, in this
 * order: "paper" -> recovery_paper, "plastic" -> recovery_plastic,
 * "metal" -> recovery_metal, "glass" -> recovery_glass, "textile" ->
 * recovery_textile; a name with none of them -> recovery_other. So
 * "waste_paper" and "Paperboard" are paper, "metal_plastic_composite" is
 * plastic (plastic is tested before metal), "ferrous_scrap" and
 * "cardboard" are other: name model materials with these words.
 */
#include "facility.h"

enum { P_RECYCLABLES, P_RESIDUE, N_PORTS };
enum { N_CLASSES = 6 };

static const flow_param_decl params[N_CLASSES] = {
    /* ESTIMATE for all five: separation efficiencies of sorting lines for
     * source-separated recyclables are 70–95 %; the lower values for film
     * plastics and soiled textiles */
    { "recovery_paper", "t/t", 0.85, 0, 1, "recovered share of materials named *paper*" },
    { "recovery_plastic", "t/t", 0.75, 0, 1, "recovered share of materials named *plastic*" },
    { "recovery_metal", "t/t", 0.95, 0, 1, "recovered share of materials named *metal*" },
    { "recovery_glass", "t/t", 0.90, 0, 1, "recovered share of materials named *glass*" },
    { "recovery_textile", "t/t", 0.60, 0, 1, "recovered share of materials named *textile*" },
    /* ESTIMATE: 0: food, ash, wood and the unnamed rest are rejects unless
     * the model says otherwise */
    { "recovery_other", "t/t", 0, 0, 1, "recovered share of every other material" },
};
static const char *const words[N_CLASSES - 1] = { "paper", "plastic", "metal", "glass", "textile" };
static const char *const ports[N_PORTS] = { "recyclables", "residue" };
static const char *const metrics[] = { "throughput_t", "recovered_t", "recovery_rate_pct" };

/* The recovery class of material m: the index of its parameter. */
static int material_class(const flow_type_ctx *ctx, int m)
{
    const char *name = flow_type_ctx_material_name(ctx, m);
    for (int k = 0; k < N_CLASSES - 1; k++)
        if (fac_name_has(name, words[k]))
            return k;
    return N_CLASSES - 1;
}

static int transfer(const flow_type_ctx *ctx, void *state, flow_transfer *T)
{
    (void)state;
    double p[N_CLASSES];
    int rc = fac_params(ctx, params, N_CLASSES, p);
    if (rc < 0)
        return rc;
    for (int m = 0; m < T->n_materials && rc == 0; m++) {
        double r = p[material_class(ctx, m)];
        if ((rc = fac_coef(T, P_RECYCLABLES, m, m, r)) == 0)
            rc = fac_coef(T, P_RESIDUE, m, m, 1 - r);
    }
    return rc;
}

static int step(const flow_type_ctx *ctx, void *state, const double *in, const double *out,
                double *met)
{
    (void)state;
    double t = fac_sum(in, (size_t)flow_type_ctx_n_materials(ctx));
    double r = fac_port_sum(ctx, out, P_RECYCLABLES);
    met[0] = t;
    met[1] = r;
    met[2] = fac_pct(r, t);
    return 0;
}

FLOW_PLUGIN_DEFINE(sorting_centre, "sorting_centre",
    .description = "recyclables sorting centre: recovery per material (by name), residue",
    .version = "1.0",
    .params = params, .n_params = N_CLASSES,
    .ports = ports, .n_ports = N_PORTS,
    .metrics = metrics, .n_metrics = 3,
    .transfer = transfer, .transfer_by_rows = 1,
    .step = step);
