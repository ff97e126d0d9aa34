/*
 * check_libflow.c — the one Check runner: every module's suite.
 */
#include <stdlib.h>

#include "cktest.h"

int main(void)
{
    SRunner *sr = srunner_create(flow_error_suite());
    srunner_add_suite(sr, flow_series_suite());
    srunner_add_suite(sr, flow_stock_suite());
    srunner_add_suite(sr, flow_model_suite());
    srunner_add_suite(sr, flow_sim_suite());
    srunner_add_suite(sr, flow_random_suite());
    srunner_add_suite(sr, flow_oom_suite());
    srunner_add_suite(sr, flow_indicator_suite());
    srunner_add_suite(sr, flow_plugin_suite());
    srunner_add_suite(sr, flow_types_suite());
    srunner_add_suite(sr, flow_typed_suite());
    srunner_add_suite(sr, flow_rows_suite());
    srunner_add_suite(sr, flow_results_suite());
    srunner_add_suite(sr, flow_balance_suite());
    srunner_add_suite(sr, flow_guards_suite());
    srunner_add_suite(sr, flow_cycle_suite());
    srunner_add_suite(sr, flow_cycle_random_suite());
    srunner_add_suite(sr, flow_sample_suite());
    srunner_add_suite(sr, flow_ensemble_suite());
    srunner_add_suite(sr, flow_lusmall_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
