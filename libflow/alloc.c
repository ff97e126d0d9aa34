/*
 * alloc.c — the injectable allocator and the few helpers built on it.
 *
 * Every allocation of a model, its simulations and the dynamic stock model
 * goes through a flow_allocator, so that tests can fail the n-th
 * allocation and check that every path frees what it built.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flow_int.h"

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

void *flow_alloc__calloc(const flow_allocator *a, size_t n, size_t sz)
{
    if (sz && n > SIZE_MAX / sz)
        return NULL;
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
