/*
 * cklive.c — the invariant of live.c, checked from outside the engine:
 * every flow and stock item of the years run, and every input of the
 * last, that holds anything (any bit set: -0 and NaN too) is one the
 * simulation counts live. The sums and resets that read only live items
 * are right exactly when it holds.
 */
#include <stdio.h>
#include <string.h>

#include "cktest.h"
#include "flow_int.h"

int ck_live_check(const flow_sim *s, char *why, size_t n)
{
    const flow_compiled *c = &s->m->c;
    const size_t M = (size_t)c->M;
    for (int t = 0; t < s->t; t++) {
        const double *f = s->data[FLOW_ITEM_FLOW] + (size_t)t * (size_t)c->E;
        const double *st = s->data[FLOW_ITEM_STOCK] + (size_t)t * (size_t)c->S;
        for (int e = 0; e < c->E; e++)
            if (!s->lv_e[e] && flow__bits(f + e)) {
                snprintf(why, n, "flow item %d (%s), year index %d: %g, but not live", e, c->e_name[e], t, f[e]);
                return 1;
            }
        for (int i = 0; i < c->S; i++)
            if (!flow_live__stock(s, i) && flow__bits(st + i)) {
                snprintf(why, n, "stock item %d (%s), year index %d: %g, but not live", i, c->s_name[i], t, st[i]);
                return 1;
            }
    }
    for (size_t i = 0; i < (size_t)c->P * M; i++)
        if (!s->lv_pm[i] && flow__bits(s->x + i)) {
            snprintf(why, n, "the input of process %zu, material %zu: %g, but not live", i / M, i % M, s->x[i]);
            return 1;
        }
    return 0;
}
