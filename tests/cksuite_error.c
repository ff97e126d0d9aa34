/*
 * cksuite_error.c — the error API: codes, messages, clearing, and the
 * thread-locality of the last error.
 */
#include <pthread.h>
#include <string.h>

#include "cktest.h"

START_TEST(test_strerror_all_codes)
{
    /* every documented code has its own text; unknown codes say so */
    for (int c = FLOW_EPLUGIN; c <= FLOW_OK; c++) {
        ck_assert_ptr_nonnull(flow_strerror(c));
        ck_assert_str_ne(flow_strerror(c), "unknown error");
        for (int d = FLOW_EPLUGIN; d < c; d++)
            ck_assert_str_ne(flow_strerror(c), flow_strerror(d));
    }
    ck_assert_str_eq(flow_strerror(-999), "unknown error");
    ck_assert_str_eq(flow_strerror(FLOW_ENOMEM), "out of memory");
}
END_TEST

START_TEST(test_last_error_and_clear)
{
    flow_error_clear();
    ck_assert_str_eq(flow_error_last(), "");
    ck_assert_int_eq(flow_error_last_code(), 0);
    flow_model *m = NULL;
    ck_assert_flow_error(flow_model_new(&m, 2025, 2020, NULL), FLOW_EINVAL, "2020", "2025");
    ck_assert_ptr_null(m);
    ck_assert_int_eq(flow_error_last_code(), FLOW_EINVAL);
    flow_error_clear();
    ck_assert_str_eq(flow_error_last(), "");
}
END_TEST

static void *other_thread(void *arg)
{
    (void)arg;
    flow_model *m = NULL;
    int rc = flow_model_new(&m, 2030, 2020, NULL);
    static int ok;
    ok = rc == FLOW_EINVAL && strstr(flow_error_last(), "2030") != NULL;
    return &ok;
}

START_TEST(test_error_is_thread_local)
{
    flow_model *m = NULL;
    ck_assert_flow_error(flow_model_new(&m, 2025, 2020, NULL), FLOW_EINVAL, "2025");
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, other_thread, NULL), 0);
    void *res;
    pthread_join(th, &res);
    ck_assert_int_eq(*(int *)res, 1);
    /* this thread's message is untouched by the other's */
    ck_assert_ptr_null(strstr(flow_error_last(), "2030"));
    ck_assert_ptr_nonnull(strstr(flow_error_last(), "2025"));
}
END_TEST

START_TEST(test_version)
{
    ck_assert_str_eq(flow_version(), FLOW_VERSION_STRING);
}
END_TEST

START_TEST(test_enum_names)
{
    flow_category cat;
    ck_assert_flow_ok(flow_category_parse("sludge", &cat));
    ck_assert_int_eq(cat, FLOW_CAT_SLUDGE);
    ck_assert_str_eq(flow_category_name(FLOW_CAT_MEDICAL), "medical");
    ck_assert_flow_error(flow_category_parse("sludg", &cat), FLOW_ENOTFOUND, "sludg", "did you mean 'sludge'");
    ck_assert_ptr_null(flow_category_name(FLOW_CAT_COUNT_));
    flow_kind k;
    ck_assert_flow_ok(flow_kind_parse("stock", &k));
    ck_assert_int_eq(k, FLOW_STOCK);
    ck_assert_flow_error(flow_kind_parse("spilt", &k), FLOW_ENOTFOUND, "did you mean 'split'");
    flow_interp ip;
    ck_assert_flow_ok(flow_interp_parse("steffen", &ip));
    ck_assert_int_eq(ip, FLOW_INTERP_STEFFEN);
    ck_assert_flow_error(flow_interp_parse("linaer", &ip), FLOW_ENOTFOUND, "did you mean 'linear'");
    ck_assert_str_eq(flow_mode_name(FLOW_REST), "rest");
}
END_TEST

START_TEST(test_bad_allocator)
{
    flow_allocator a = { NULL, NULL, NULL, NULL };
    flow_model *m = (flow_model *)&a; /* must be reset to NULL */
    ck_assert_flow_error(flow_model_new(&m, 2020, 2025, &a), FLOW_EINVAL, "allocator");
    ck_assert_ptr_null(m);
    ck_assert_flow_error(flow_model_new(&m, 1000, 2100, NULL), FLOW_EINVAL, "at most 1000 years");
}
END_TEST

Suite *flow_error_suite(void)
{
    Suite *s = suite_create("error");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_strerror_all_codes);
    tcase_add_test(tc, test_last_error_and_clear);
    tcase_add_test(tc, test_error_is_thread_local);
    tcase_add_test(tc, test_version);
    tcase_add_test(tc, test_enum_names);
    tcase_add_test(tc, test_bad_allocator);
    suite_add_tcase(s, tc);
    return s;
}
