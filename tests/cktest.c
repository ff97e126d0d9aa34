/*
 * cktest.c — the counting, failing allocator used by the suites.
 */
#include <stdlib.h>

#include "cktest.h"

/* Each block carries its size in front so that live counts stay honest
 * across realloc. */
typedef union hdr {
    size_t size;
    max_align_t align;
} hdr;

static void *ck_malloc(size_t size, void *ud)
{
    cktest_alloc *c = ud;
    c->calls++;
    if (c->fail_at > 0 && c->calls == c->fail_at) {
        c->failed = 1;
        return NULL;
    }
    hdr *h = malloc(sizeof(hdr) + size);
    if (!h)
        return NULL;
    h->size = size;
    c->live++;
    return h + 1;
}

static void *ck_realloc(void *p, size_t size, void *ud)
{
    cktest_alloc *c = ud;
    if (!p)
        return ck_malloc(size, ud);
    c->calls++;
    if (c->fail_at > 0 && c->calls == c->fail_at) {
        c->failed = 1;
        return NULL;
    }
    hdr *h = (hdr *)p - 1;
    hdr *n = realloc(h, sizeof(hdr) + size);
    if (!n)
        return NULL;
    n->size = size;
    return n + 1;
}

static void ck_free(void *p, void *ud)
{
    cktest_alloc *c = ud;
    if (!p)
        return;
    c->live--;
    free((hdr *)p - 1);
}

void cktest_alloc_init(cktest_alloc *c, long fail_at)
{
    c->a.malloc = ck_malloc;
    c->a.realloc = ck_realloc;
    c->a.free = ck_free;
    c->a.ud = c;
    c->calls = 0;
    c->live = 0;
    c->fail_at = fail_at;
    c->failed = 0;
}
