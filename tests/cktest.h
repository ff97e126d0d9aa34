/*
 * cktest.h — helpers shared by the Check suites: a counting allocator that
 * can fail the n-th allocation, suite declarations, float comparison.
 */
#ifndef CKTEST_H
#define CKTEST_H

#include <check.h>
#include <stddef.h>

#include "flow.h"

/* A counting allocator. fail_at = n > 0 makes the n-th allocation (counting
 * malloc and realloc from 1 since the last reset) return NULL; 0 never fails. */
typedef struct cktest_alloc {
    flow_allocator a;   /* pass &x.a to libflow */
    long calls;         /* allocations attempted */
    long live;          /* blocks allocated and not yet freed */
    long fail_at;
    int failed;         /* set when the injected failure happened */
} cktest_alloc;

void cktest_alloc_init(cktest_alloc *c, long fail_at);

/* The suites, one per module. */
Suite *flow_error_suite(void);
Suite *flow_series_suite(void);
Suite *flow_stock_suite(void);
Suite *flow_model_suite(void);
Suite *flow_sim_suite(void);
Suite *flow_random_suite(void);
Suite *flow_oom_suite(void);
Suite *flow_indicator_suite(void);
Suite *flow_plugin_suite(void);
Suite *flow_types_suite(void);
Suite *flow_typed_suite(void);
Suite *flow_rows_suite(void);
Suite *flow_results_suite(void);
Suite *flow_balance_suite(void);
Suite *flow_guards_suite(void);
Suite *flow_cycle_suite(void);
Suite *flow_cycle_random_suite(void);
Suite *flow_sample_suite(void);
Suite *flow_ensemble_suite(void);
Suite *flow_lusmall_suite(void);

/* cklive.c: 0 when every item of s that holds anything is live (live.c),
 * else 1 with the first that is not named in why[n]. */
struct flow_sim;
int ck_live_check(const struct flow_sim *s, char *why, size_t n);

/* Asserts that call returned code and that flow_error_last() contains
 * every one of the given substrings (NULL-terminated). */
#define ck_assert_flow_error(call, code, ...)                                   \
    do {                                                                        \
        int rc_ = (call);                                                       \
        ck_assert_msg(rc_ == (code), "%s returned %d (%s), expected %d; error: %s", \
                      #call, rc_, flow_strerror(rc_), (int)(code), flow_error_last()); \
        const char *subs_[] = { __VA_ARGS__, NULL };                            \
        for (int i_ = 0; subs_[i_]; i_++)                                       \
            ck_assert_msg(strstr(flow_error_last(), subs_[i_]) != NULL,         \
                          "error '%s' does not contain '%s'", flow_error_last(), subs_[i_]); \
    } while (0)

#define ck_assert_flow_ok(call)                                                  \
    do {                                                                        \
        int rc_ = (call);                                                       \
        ck_assert_msg(rc_ == 0, "%s failed: %d: %s", #call, rc_, flow_error_last()); \
    } while (0)

#endif /* CKTEST_H */
