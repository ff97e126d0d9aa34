/*
 * alloc.c — the injectable allocator and the few helpers built on it.
 *
 * Every allocation of a model, its simulations and the dynamic stock model
 * goes through a flow_allocator, so that tests can fail the n-th
 * allocation and check that every path frees what it built.
 */
#if defined(__linux__) && !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE /* madvise's MADV_HUGEPAGE */
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "flow_int.h"

/* Blocks of at least this size from the default allocator are offered to
 * the kernel for transparent huge pages (see huge_pages). */
#define HUGE_MIN ((size_t)4 << 20)
#define HUGE_PAGE ((uintptr_t)2 << 20)

static void *std_malloc(size_t size, void *ud)
{
    (void)ud;
    return malloc(size);
}

static void *std_realloc(void *p, size_t size, void *ud)
{
    (void)ud;
    return realloc(p, size);
}

static void std_free(void *p, void *ud)
{
    (void)ud;
    free(p);
}

const flow_allocator flow_alloc__default = { std_malloc, std_realloc, std_free, NULL };

void *flow_alloc__malloc(const flow_allocator *a, size_t size)
{
    return a->malloc(size ? size : 1, a->ud);
}

/* The result arrays of a large model are tens or hundreds of MB, walked
 * through once a year: with 4 KiB pages the step spends part of its time
 * in page walks (a year's flow row of 10,000 processes spans 1,000
 * pages). Where the kernel leaves transparent huge pages to madvise (the
 * default of Debian and most distributions), the 2 MiB-aligned part of
 * such a block is marked for them before its first use. A hint only: a
 * kernel without them, or a refusal, changes nothing. Only for blocks of
 * the default allocator: a caller's allocator may not want its memory
 * advised. docs/performance.md has the measurements. */
static void huge_pages(void *p, size_t size)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    uintptr_t b = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    uintptr_t e = ((uintptr_t)p + size) & ~(HUGE_PAGE - 1);
    if (e > b)
        (void)madvise((void *)b, e - b, MADV_HUGEPAGE);
#else
    (void)p;
    (void)size;
#endif
}

void *flow_alloc__calloc(const flow_allocator *a, size_t n, size_t sz)
{
    if (sz && n > SIZE_MAX / sz)
        return NULL;
    if (a->malloc == std_malloc) {
        /* calloc leaves a fresh mapping untouched (its pages are zero):
         * the pages of a block sized for the worst case (a simulation's
         * pools of transfer coefficients, 7 MB for the Hengshui plan) are
         * faulted in only where used, and the advice comes before the
         * first page is */
        void *q = calloc(n ? n : 1, sz ? sz : 1);
        if (q && n * sz >= HUGE_MIN)
            huge_pages(q, n * sz);
        return q;
    }
    void *p = flow_alloc__malloc(a, n * sz);
    if (p)
        memset(p, 0, (n * sz) != 0 ? n * sz : 1);
    return p;
}

void *flow_alloc__realloc(const flow_allocator *a, void *p, size_t size)
{
    return a->realloc(p, size ? size : 1, a->ud);
}

void flow_alloc__free(const flow_allocator *a, void *p)
{
    if (p)
        a->free(p, a->ud);
}

char *flow_alloc__strdup(const flow_allocator *a, const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = flow_alloc__malloc(a, n);
    if (d)
        memcpy(d, s, n);
    return d;
}

int flow_alloc__grow(const flow_allocator *a, void **arr, size_t *cap,
                     size_t need, size_t sz, const char *what)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 8;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2 / sz)
            return flow_error__nomem(what);
        ncap *= 2;
    }
    void *p = flow_alloc__realloc(a, *arr, ncap * sz);
    if (!p)
        return flow_error__nomem(what);
    *arr = p;
    *cap = ncap;
    return 0;
}

size_t flow_util__levenshtein(const char *a, const char *b)
{
    /* Two rows on the stack; names longer than 63 bytes are compared on
     * their first 63 — enough to suggest a name, never used for identity. */
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63) la = 63;
    if (lb > 63) lb = 63;
    size_t prev[64], cur[64];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t best = del < ins ? del : ins;
            cur[j] = best < sub ? best : sub;
        }
        memcpy(prev, cur, (lb + 1) * sizeof *prev);
    }
    return prev[lb];
}

/* ---- name index --------------------------------------------------------------- */

static size_t name_hash(const char *s)
{
    size_t h = 1469598103934665603u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static const char *name_at(const void *arr, size_t stride, int i)
{
    return *(const char *const *)((const char *)arr + (size_t)i * stride);
}

int flow_nameidx__find(const flow_nameidx *ix, const char *name, const void *arr, size_t stride)
{
    if (!ix->cap)
        return -1;
    size_t mask = ix->cap - 1;
    for (size_t h = name_hash(name) & mask;; h = (h + 1) & mask) {
        int v = ix->slot[h];
        if (v == 0)
            return -1;
        if (strcmp(name_at(arr, stride, v - 1), name) == 0)
            return v - 1;
    }
}

static void put(int *slot, size_t cap, const char *name, int index)
{
    size_t mask = cap - 1;
    size_t h = name_hash(name) & mask;
    while (slot[h])
        h = (h + 1) & mask;
    slot[h] = index + 1;
}

int flow_nameidx__add(flow_nameidx *ix, const flow_allocator *a, int index, size_t n,
                      const void *arr, size_t stride)
{
    /* keep the load under one half */
    if (2 * n > ix->cap) {
        size_t ncap = ix->cap ? ix->cap : 16;
        while (2 * n > ncap)
            ncap *= 2;
        int *ns = flow_alloc__calloc(a, ncap, sizeof *ns);
        if (!ns)
            return flow_error__nomem("a name index");
        for (size_t i = 0; i < ix->cap; i++)
            if (ix->slot[i])
                put(ns, ncap, name_at(arr, stride, ix->slot[i] - 1), ix->slot[i] - 1);
        flow_alloc__free(a, ix->slot);
        ix->slot = ns;
        ix->cap = ncap;
    }
    put(ix->slot, ix->cap, name_at(arr, stride, index), index);
    return 0;
}

void flow_nameidx__free(flow_nameidx *ix, const flow_allocator *a)
{
    flow_alloc__free(a, ix->slot);
    ix->slot = NULL;
    ix->cap = 0;
}
