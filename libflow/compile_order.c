/*
 * compile_order.c — the order in which the year step visits processes.
 *
 * Orders the process graph by its strongly connected components
 * (iterative Tarjan, in topological order), marks the components that are
 * cycles (solved as one system), and moves the edges of each process into
 * that order so that the year step streams through the edge arrays.
 */
#include <string.h>

#include "flow_int.h"

/* The working arrays of tarjan(), [P] each (cstart_rev [P + 1]). */
typedef struct scc_work {
    int *index, *low, *stack, *onstk, *cs_node, *cs_edge, *cstart_rev;
    int next, sp, ncomp, filled;
} scc_work;

/* Pops the component whose root is v off the stack and places it before
 * what is filled of order[] (components come out last-first). */
static void pop_component(flow_compiled *c, scc_work *w, int v)
{
    int x, k = 0;
    do {
        x = w->stack[--w->sp];
        w->onstk[x] = 0;
        k++;
    } while (x != v);
    w->filled -= k;
    for (int i = 0; i < k; i++)
        c->order[w->filled + i] = w->stack[w->sp + i];
    w->cstart_rev[w->ncomp++] = w->filled;
}

static void push_node(const flow_compiled *c, scc_work *w, int *csp, int v)
{
    w->index[v] = w->low[v] = w->next++;
    w->stack[w->sp++] = v;
    w->onstk[v] = 1;
    w->cs_node[*csp] = v;
    w->cs_edge[*csp] = c->p_estart[v];
    (*csp)++;
}

/* The depth-first search from root, with an explicit call stack
 * (cs_node, cs_edge) instead of recursion. */
static void scc_from(flow_compiled *c, scc_work *w, int root)
{
    int csp = 0;
    push_node(c, w, &csp, root);
    while (csp > 0) {
        int v = w->cs_node[csp - 1];
        int e = w->cs_edge[csp - 1];
        if (e < c->p_eend[v]) {
            w->cs_edge[csp - 1]++;
            int x = c->e_to[e];
            if (w->index[x] < 0)
                push_node(c, w, &csp, x);
            else if (w->onstk[x] && w->index[x] < w->low[v])
                w->low[v] = w->index[x];
            continue;
        }
        /* v is done */
        if (w->low[v] == w->index[v])
            pop_component(c, w, v);
        csp--;
        if (csp > 0) {
            int u = w->cs_node[csp - 1];
            if (w->low[v] < w->low[u])
                w->low[u] = w->low[v];
        }
    }
}

/* c_start from the components' starts (emitted last-first: cstart_rev
 * holds them in decreasing order); c_cycle marks the components of more
 * than one process or with an edge to themselves. */
static int mark_components(flow_model *m, const int *cstart_rev, int ncomp)
{
    flow_compiled *c = &m->c;
    int rc = 0;
    c->C = ncomp;
    FLOW_COMPILE_ALLOC(c->c_start, ncomp + 1);
    FLOW_COMPILE_ALLOC(c->c_cycle, ncomp);
    for (int i = 0; i < ncomp; i++)
        c->c_start[i] = cstart_rev[ncomp - 1 - i];
    c->c_start[ncomp] = c->P;
    for (int k = 0; k < ncomp; k++) {
        int n = c->c_start[k + 1] - c->c_start[k];
        int cyc = n > 1;
        if (!cyc) {
            int p = c->order[c->c_start[k]];
            for (int e = c->p_estart[p]; e < c->p_eend[p]; e++)
                if (c->e_to[e] == p)
                    cyc = 1;
        }
        c->c_cycle[k] = cyc;
        if (cyc && n > c->max_cycle)
            c->max_cycle = n;
    }
fail:
    return rc;
}

/* Iterative Tarjan over processes, edges from p_estart/e_to. Components
 * come out in reverse topological order; they are written to the back of
 * order[] so that the result reads in topological order. */
static int tarjan(flow_model *m)
{
    flow_compiled *c = &m->c;
    int P = c->P, rc = 0;
    scc_work w = { 0 };
    FLOW_COMPILE_ALLOC(w.index, P);
    FLOW_COMPILE_ALLOC(w.low, P);
    FLOW_COMPILE_ALLOC(w.stack, P);
    FLOW_COMPILE_ALLOC(w.onstk, P);
    FLOW_COMPILE_ALLOC(w.cs_node, P);
    FLOW_COMPILE_ALLOC(w.cs_edge, P);
    FLOW_COMPILE_ALLOC(w.cstart_rev, P + 1);
    for (int i = 0; i < P; i++)
        w.index[i] = -1;
    w.filled = P; /* order is filled from the back */
    for (int root = 0; root < P; root++)
        if (w.index[root] < 0)
            scc_from(c, &w, root);
    rc = mark_components(m, w.cstart_rev, w.ncomp);
fail:
    flow_alloc__free(&m->alloc, w.index);
    flow_alloc__free(&m->alloc, w.low);
    flow_alloc__free(&m->alloc, w.stack);
    flow_alloc__free(&m->alloc, w.onstk);
    flow_alloc__free(&m->alloc, w.cs_node);
    flow_alloc__free(&m->alloc, w.cs_edge);
    flow_alloc__free(&m->alloc, w.cstart_rev);
    return rc;
}

/* Shifts the groups' and processes' edge indices by delta[process]. */
static void shift_edge_indices(flow_compiled *c, const int *delta)
{
    for (int g = 0; g < c->G; g++) {
        int d = delta[c->g_proc[g]];
        c->g_start[g] += d;
        c->g_end[g] += d;
        if (c->g_rest[g] >= 0)
            c->g_rest[g] += d;
    }
    for (int p = 0; p < c->P; p++) {
        c->p_estart[p] += delta[p];
        c->p_eend[p] += delta[p];
        if (c->p_ovf[p] >= 0)
            c->p_ovf[p] += delta[p];
    }
}

/* Moves the blocks of edges of each process into the topological order of
 * the processes, so that the year step, which visits processes in that
 * order, streams through the edge arrays instead of jumping between
 * blocks. Within a block the order (material, then fixed, share, rest;
 * overflow last) is kept, so groups stay contiguous and only shift. */
static int edges_in_order(flow_model *m)
{
    flow_compiled *c = &m->c;
    int P = c->P, E = c->E, rc = 0;
    int *delta = NULL, *tmp_i = NULL;
    double *tmp_d = NULL;
    char **tmp_s = NULL;
    flow_edge_hot *tmp_h = NULL;
    FLOW_COMPILE_ALLOC(delta, P);
    FLOW_COMPILE_ALLOC(tmp_i, E);
    FLOW_COMPILE_ALLOC(tmp_d, E);
    FLOW_COMPILE_ALLOC(tmp_s, E);
    FLOW_COMPILE_ALLOC(tmp_h, E);
    int next = 0;
    for (int i = 0; i < P; i++) {
        int p = c->order[i];
        delta[p] = next - c->p_estart[p];
        next += c->p_eend[p] - c->p_estart[p];
    }
#define PERMUTE(arr, tmp)                                            \
    do {                                                             \
        for (int e = 0; e < E; e++)                                  \
            (tmp)[e + delta[c->e_from[e]]] = (arr)[e];               \
        memcpy((arr), (tmp), (size_t)E * sizeof *(arr));             \
    } while (0)
    /* e_from last: it drives the permutation */
    PERMUTE(c->e_to, tmp_i);
    PERMUTE(c->e_mat, tmp_i);
    PERMUTE(c->e_param, tmp_i);
    PERMUTE(c->e_flow, tmp_i);
    PERMUTE((int *)c->e_mode, tmp_i);
    PERMUTE(c->e_coef, tmp_d);
    PERMUTE(c->e_name, tmp_s);
    PERMUTE(c->eh, tmp_h);
    PERMUTE(c->e_from, tmp_i);
#undef PERMUTE
    shift_edge_indices(c, delta);
fail:
    flow_alloc__free(&m->alloc, delta);
    flow_alloc__free(&m->alloc, tmp_i);
    flow_alloc__free(&m->alloc, tmp_d);
    flow_alloc__free(&m->alloc, tmp_s);
    flow_alloc__free(&m->alloc, tmp_h);
    return rc;
}

int flow_compile__order(flow_model *m)
{
    flow_compiled *c = &m->c;
    int rc = 0;
    FLOW_COMPILE_ALLOC(c->order, c->P);
    if (!(rc = tarjan(m)))
        rc = edges_in_order(m);
fail:
    return rc;
}
