/*
 * cksuite_lusmall.c — the small dense LU of cycles (libflow/lusmall.c),
 * taken directly: the engine's matrices (I - A, diagonally dominant by
 * columns) never make it exchange rows, so only a matrix of another kind
 * reaches the exchange. The file is compiled into this test (its symbols
 * are internal to libflow.so). Expected solutions are worked by hand in
 * each test.
 */
#include <check.h>
#include <math.h>

#include "cktest.h"
#include "flow_int.h"

/* a x = b solved in place: b becomes x */
static int solve(int n, double *a, int *piv, double *b)
{
    int rc = flow_solver__lu_small(n, a, piv);
    if (rc == 0)
        flow_solver__lu_small_solve(n, a, piv, b);
    return rc;
}

/* A zero on the diagonal: without the exchange the first pivot is 0.
 * 2 x1 = 2, x0 + x1 = 3: x = (2, 1). */
START_TEST(test_exchange_first_column)
{
    double a[] = { 0, 2, 1, 1 }, b[] = { 2, 3 };
    int piv[2];
    ck_assert_int_eq(solve(2, a, piv, b), 0);
    ck_assert_int_eq(piv[0], 1);
    ck_assert_double_eq_tol(b[0], 2, 1e-15);
    ck_assert_double_eq_tol(b[1], 1, 1e-15);
}
END_TEST

/* The exchange made necessary by elimination: rows 0 and 1 are equal in
 * their first two columns, so after column 0 the entry (1,1) is 0 and
 * row 2 must come up. x = (1, 2, 3): b = (1+2, 1+2+3, 2+3). */
START_TEST(test_exchange_after_elimination)
{
    double a[] = { 1, 1, 0, 1, 1, 1, 0, 1, 1 }, b[] = { 3, 6, 5 };
    int piv[3];
    ck_assert_int_eq(solve(3, a, piv, b), 0);
    ck_assert_int_eq(piv[0], 0);
    ck_assert_int_eq(piv[1], 2);
    ck_assert_double_eq_tol(b[0], 1, 1e-14);
    ck_assert_double_eq_tol(b[1], 2, 1e-14);
    ck_assert_double_eq_tol(b[2], 3, 1e-14);
}
END_TEST

/* A matrix of the engine's kind: process 0 sends half to 1 and half to
 * 2; 1 sends 0.9 back to 0, 2 all of it. I - A (row = receiver) with
 * b = (1, 0, 0): x0 = 1 + 0.9 x1 + x2, x1 = x2 = x0 / 2, so
 * x0 = 1 / 0.05 = 20, x1 = x2 = 10. No row is exchanged. */
START_TEST(test_engine_kind_no_exchange)
{
    double a[] = { 1, -0.9, -1, -0.5, 1, 0, -0.5, 0, 1 }, b[] = { 1, 0, 0 };
    int piv[3];
    ck_assert_int_eq(solve(3, a, piv, b), 0);
    for (int k = 0; k < 3; k++)
        ck_assert_int_eq(piv[k], k);
    ck_assert_double_eq_tol(b[0], 20, 1e-12);
    ck_assert_double_eq_tol(b[1], 10, 1e-12);
    ck_assert_double_eq_tol(b[2], 10, 1e-12);
}
END_TEST

/* Random matrices of every size up to FLOW_SMALL_MAX, entries in
 * [-1, 1): the answer x must satisfy the original system, residual
 * |a x - b| within 1e-10 of |a| |x| + |b| in every row (a backward-stable
 * LU leaves about n eps of that). Most of these exchange rows. */
START_TEST(test_random_residual)
{
    unsigned long long st = 12345;
    int exchanged = 0;
    for (int round = 0; round < 300; round++) {
        int n = 1 + round % FLOW_SMALL_MAX, piv[FLOW_SMALL_MAX];
        double a[FLOW_SMALL_MAX * FLOW_SMALL_MAX], a0[FLOW_SMALL_MAX * FLOW_SMALL_MAX], b[FLOW_SMALL_MAX],
            b0[FLOW_SMALL_MAX];
        for (int i = 0; i < n * n + n; i++) {
            st = st * 6364136223846793005ULL + 1442695040888963407ULL;
            double u = (double)(st >> 11) / 9007199254740992.0 * 2 - 1;
            if (i < n * n)
                a[i] = a0[i] = u;
            else
                b[i - n * n] = b0[i - n * n] = u;
        }
        if (solve(n, a, piv, b) != 0)
            continue; /* (nearly) singular: not this test's case */
        for (int k = 0; k < n; k++)
            exchanged += piv[k] != k;
        for (int i = 0; i < n; i++) {
            double r = -b0[i], scale = fabs(b0[i]);
            for (int j = 0; j < n; j++) {
                r += a0[i * n + j] * b[j];
                scale += fabs(a0[i * n + j] * b[j]);
            }
            ck_assert_msg(fabs(r) <= 1e-10 * scale, "round %d (n = %d), row %d: residual %g of %g", round, n, i, r,
                          scale);
        }
    }
    ck_assert_int_gt(exchanged, 100);
}
END_TEST

/* A loop that keeps all its mass (1 sends all to 0, 0 all to 1) has no
 * unique solution: FLOW_ESINGULAR, however the rows are exchanged. */
START_TEST(test_singular)
{
    double a[] = { 1, -1, -1, 1 };
    int piv[2];
    ck_assert_int_eq(flow_solver__lu_small(2, a, piv), FLOW_ESINGULAR);
}
END_TEST

Suite *flow_lusmall_suite(void)
{
    Suite *s = suite_create("lusmall");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_exchange_first_column);
    tcase_add_test(tc, test_exchange_after_elimination);
    tcase_add_test(tc, test_engine_kind_no_exchange);
    tcase_add_test(tc, test_random_residual);
    tcase_add_test(tc, test_singular);
    suite_add_tcase(s, tc);
    return s;
}
