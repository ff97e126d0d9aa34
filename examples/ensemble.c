/*
 * ensemble.c — Monte Carlo through the C API: the probability that a
 * landfill target is met when the waste generated is uncertain.
 *
 *   households --(gen t/a)--> sorting;  sorting --share s--> landfill,
 *   the rest --> incinerator.   gen ~ N(1000, 100), s = 0.3 (bounds [0, 1]).
 *
 * Target: landfilled <= 330 t in 2025. landfilled = 0.3 gen ~ N(300, 30),
 * so P(met) = Phi((330 - 300) / 30) = Phi(1) = 0.8413: the program runs
 * 20,000 samples on 2 threads, prints P(met) with its Wilson interval and
 * the summary of landfilled in 2025, and fails when the closed form lies
 * outside the interval widened to 5 standard errors.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "flow.h"

static int build(flow_model **out)
{
    flow_model *m;
    int w, gen, share, hh, sorting, fill, incin, node, ind, rc;
    if ((rc = flow_model_new(&m, 2020, 2025, NULL)) != 0)
        return rc;
    *out = m;
    flow_selector sel = FLOW_SELECTOR_INIT;
    if ((rc = flow_model_add_material(m, "msw", FLOW_CAT_DOMESTIC, "t", &w)) ||
        (rc = flow_model_add_param_const(m, "gen", "t/a", 1000, &gen)) ||
        (rc = flow_model_add_param_const(m, "landfill_share", NULL, 0.3, &share)) ||
        (rc = flow_model_set_param_bounds(m, share, 0, 1)) ||
        (rc = flow_model_add_process(m, "households", FLOW_SOURCE, &hh)) ||
        (rc = flow_model_add_process(m, "sorting", FLOW_SPLIT, &sorting)) ||
        (rc = flow_model_add_process(m, "landfill", FLOW_SINK, &fill)) ||
        (rc = flow_model_add_process(m, "incinerator", FLOW_SINK, &incin)) ||
        (rc = flow_model_set_generation(m, hh, w, 1, gen)) ||
        (rc = flow_model_add_flow(m, hh, sorting, w, FLOW_REST, 0, FLOW_NONE, NULL)) ||
        (rc = flow_model_add_flow(m, sorting, fill, w, FLOW_SHARE, 1, share, NULL)) ||
        (rc = flow_model_add_flow(m, sorting, incin, w, FLOW_REST, 0, FLOW_NONE, NULL)))
        return rc;
    sel.to = &fill;
    sel.n_to = 1;
    if ((rc = flow_expr_flows(m, &sel, &node)) || (rc = flow_model_add_indicator(m, "landfilled", "t", node, NULL, &ind)) ||
        (rc = flow_model_add_target(m, ind, 2025, FLOW_CMP_LE, 330, NULL, NULL)))
        return rc;
    return flow_model_compile(m);
}

int main(void)
{
    flow_model *m = NULL;
    flow_ensemble *e = NULL;
    flow_uncertain gen = { .param = "gen", .apply = FLOW_APPLY_SET };
    gen.dist.kind = FLOW_DIST_NORMAL;
    gen.dist.a = 1000;
    gen.dist.b = 100;
    flow_ensemble_opts o = FLOW_ENSEMBLE_OPTS_INIT;
    o.n_samples = 20000;
    o.threads = 2;
    o.seed = 2026;
    flow_pmet pm;
    double s[FLOW_SUMMARY_N];
    if (build(&m) || flow_ensemble_new(&e, m) || flow_ensemble_add(e, &gen) || flow_ensemble_run(e, &o) ||
        flow_ensemble_p_met(e, 0, &pm) || flow_ensemble_summary(e, FLOW_ITEM_INDICATOR, 0, 2025, s)) {
        fprintf(stderr, "ensemble: %s\n", flow_error_last());
        flow_ensemble_free(e);
        flow_model_free(m);
        return EXIT_FAILURE;
    }
    printf("P(landfilled <= 330 t in 2025) = %.4f (95 %% interval %.4f - %.4f; %ld of %ld samples)\n", pm.p, pm.lo,
           pm.hi, pm.n_met, pm.n_judged);
    printf("landfilled in 2025: mean %.1f, sd %.1f, p5 %.1f, p50 %.1f, p95 %.1f t\n", s[0], s[1], s[2], s[4], s[6]);
    double exact = 0.841344746, se = sqrt(exact * (1 - exact) / (double)pm.n_judged);
    int ok = fabs(pm.p - exact) < 5 * se;
    printf("closed form Phi(1) = %.4f: %s\n", exact, ok ? "within 5 standard errors" : "OUTSIDE 5 standard errors");
    flow_ensemble_free(e);
    flow_model_free(m);
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
