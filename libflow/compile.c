/*
 * compile.c — turns a model as built into the tables the year step runs on.
 *
 * Compiling checks everything that needs the whole model (kinds, routes,
 * series values and shares in every year), expands flows into edges (one
 * per material), groups edges by (process, material) for routing, orders
 * the process graph by strongly connected components (iterative Tarjan,
 * topological order) and lays out the result items (their names: items.c).
 * Afterwards the model is read-only.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow_int.h"
#include "flow_plugin.h"

#define SHARE_TOL 1e-9

/* ---- freeing ------------------------------------------------------------------ */


void flow_compile__free(flow_model *m)
{
    flow_compiled *c = &m->c;
    const flow_allocator *a = &m->alloc;
    flow_alloc__free(a, c->e_name);
    flow_alloc__free(a, c->s_name);
    flow_alloc__free(a, c->name_buf);
    void *arrs[] = { c->e_from, c->e_to, c->e_mat, c->e_param, c->e_flow, c->e_mode, c->e_coef,
                     c->p_estart, c->p_eend, c->p_fast, c->p_gstart, c->p_gend, c->p_uniform, c->p_ustart, c->eu, c->gh, c->fixed_e, c->p_ovf, c->g_proc, c->g_mat, c->g_start, c->g_end, c->g_rest,
                     c->g_nfixed, c->g_nshare, c->eh, c->pm_group, c->pm_gen, c->pm_path, c->pm_init, c->p_stock,
                     c->p_backlog, c->s_proc, c->s_mat, c->p_inuse, c->surv, c->c_start, c->order,
                     c->c_cycle, c->pv, c->param_use, c->p_typed, c->ty, c->ty_edge, c->ty_port_to,
                     c->met_name, c->met_buf, c->met_proc, c->c_joint, c->c_n, c->c_nz };
    for (size_t i = 0; i < sizeof arrs / sizeof *arrs; i++)
        flow_alloc__free(a, arrs[i]);
    flow_nameidx__free(&c->e_ix, a);
    flow_nameidx__free(&c->s_ix, a);
    flow_nameidx__free(&c->met_ix, a);
    memset(c, 0, sizeof *c);
    flow_indicator__free_compiled(m);
    m->compiled = 0;
}

/* ---- helpers ------------------------------------------------------------------- */

int flow_compile__routes_all(const flow_process *p)
{
    return p->kind == FLOW_SOURCE || p->kind == FLOW_SPLIT ||
           (p->kind == FLOW_STOCK && (p->smode == FLOW_STOCK_INUSE || p->smode == FLOW_STOCK_INUSE_DRIVEN));
}

/* Takes the inputs only through parameters: no flows may enter it. */
static int takes_no_inflow(const flow_process *p)
{
    return p->kind == FLOW_SOURCE || (p->kind == FLOW_STOCK && p->smode == FLOW_STOCK_INUSE_DRIVEN);
}

#define ALLOC_ARR(ptr, n)                                                     \
    do {                                                                      \
        (ptr) = flow_alloc__calloc(&m->alloc, (size_t)(n),  \
                                   sizeof *(ptr));                            \
        if (!(ptr)) {                                                         \
            rc = flow_error__nomem("the compiled model");                     \
            goto fail;                                                        \
        }                                                                     \
    } while (0)

/* Checks a value fed by an amount: finite, >= 0, and <= 1 for a share. */
static int amount_ok(const flow_model *m, double coef, int param, int t, int share)
{
    double v = param == FLOW_NONE ? coef : coef * m->c.pv[(size_t)t * m->c.NP + param];
    return isfinite(v) && v >= 0 && (!share || v <= 1 + SHARE_TOL);
}

static int check_amount(const flow_model *m, const flow_origin *o, double coef, int param,
                        int t, int share, const char *what)
{
    double v = param == FLOW_NONE ? coef : coef * m->c.pv[(size_t)t * m->c.NP + param];
    if (isfinite(v) && v >= 0 && (!share || v <= 1 + SHARE_TOL))
        return 0;
    const char *pname = param == FLOW_NONE ? NULL : m->params[param].name;
    const char *why = !isfinite(v) ? "is not finite" : v < 0 ? "is negative" : "is more than 1";
    if (pname)
        return flow_model__err(o, FLOW_EVALUE, "parameter '%s', year %d: %s %g %s", pname,
                               m->first + t, what, v, why);
    return flow_model__err(o, FLOW_EVALUE, "year %d: %s %g %s", m->first + t, what, v, why);
}

int flow_compile__group_shares(const flow_model *m, int g, double sum, int t)
{
    const flow_compiled *c = &m->c;
    const flow_process *p = &m->procs[c->g_proc[g]];
    int exact = flow_compile__routes_all(p) && c->g_rest[g] < 0 && c->g_nfixed[g] == 0;
    if (exact ? fabs(sum - 1) <= SHARE_TOL : sum <= 1 + SHARE_TOL)
        return 0;
    const flow_origin *o = &p->origin;
    for (int e = c->g_start[g] + c->g_nfixed[g]; e < c->g_end[g]; e++)
        if (c->e_mode[e] == FLOW_SHARE) {
            o = &m->flows[c->e_flow[e]].origin;
            break;
        }
    return flow_model__err(o, FLOW_ESHARES, "process '%s', material '%s', year %d: shares add to %.10g, %s",
                           p->name, m->mats[c->g_mat[g]].name, m->first + t, sum,
                           exact ? "not 1" : "more than 1");
}

/* ---- parameters ---------------------------------------------------------------- */

static int eval_params(flow_model *m)
{
    flow_compiled *c = &m->c;
    int T = c->T, NP = c->NP;
    double col[1000];
    for (int p = 0; p < NP; p++) {
        const flow_param *pr = &m->params[p];
        if (pr->product) {
            /* a and b were defined before p, so they are evaluated. */
            for (int t = 0; t < T; t++)
                c->pv[(size_t)t * NP + p] = c->pv[(size_t)t * NP + pr->a] * c->pv[(size_t)t * NP + pr->b];
        } else {
            char prefix[600] = "";
            if (pr->origin.file)
                snprintf(prefix, sizeof prefix, "%s:%d: ", pr->origin.file, pr->origin.line);
            int rc = flow_series__eval(pr, m->first, T, col, prefix);
            if (rc)
                return rc;
            for (int t = 0; t < T; t++)
                c->pv[(size_t)t * NP + p] = col[t];
        }
        for (int t = 0; t < T; t++) {
            double v = c->pv[(size_t)t * NP + p];
            if (!isfinite(v))
                return flow_model__err(&pr->origin, FLOW_EVALUE, "parameter '%s', year %d: value %g is not finite",
                                       pr->name, m->first + t, v);
            if (pr->has_bounds && (v < pr->lo || v > pr->hi))
                return flow_model__err(&pr->origin, FLOW_EVALUE,
                                       "parameter '%s', year %d: value %g is outside its bounds [%g, %g]",
                                       pr->name, m->first + t, v, pr->lo, pr->hi);
        }
    }
    return 0;
}

/* ---- edges ---------------------------------------------------------------------- */

typedef struct tmp_edge {
    int from, to, mat, flow, param;
    flow_mode mode;
    double coef;
} tmp_edge;

static int mode_rank(flow_mode m)
{
    switch (m) {
    case FLOW_FIXED: return 0;
    case FLOW_SHARE: return 1;
    case FLOW_REST: return 2;
    default: return 3; /* overflow: after every routing group */
    }
}

static int cmp_edge(const void *pa, const void *pb)
{
    const tmp_edge *a = pa, *b = pb;
    if (a->from != b->from)
        return a->from < b->from ? -1 : 1;
    int oa = a->mode == FLOW_OVERFLOW, ob = b->mode == FLOW_OVERFLOW;
    if (oa != ob)
        return oa - ob;
    if (a->mat != b->mat)
        return a->mat < b->mat ? -1 : 1;
    int ra = mode_rank(a->mode), rb = mode_rank(b->mode);
    if (ra != rb)
        return ra - rb;
    if (a->flow != b->flow)
        return a->flow < b->flow ? -1 : 1;
    return 0;
}

/* Orders the edges by cmp_edge: a counting sort by source process (a
 * large model has hundreds of thousands of edges, a process a handful),
 * then an insertion sort within each process's block. Replaces *te. */
static int sort_edges(flow_model *m, tmp_edge **te, size_t ne)
{
    int P = (int)m->n_procs, rc = 0;
    size_t *start = flow_alloc__calloc(&m->alloc, (size_t)P + 1, sizeof *start);
    tmp_edge *out = flow_alloc__calloc(&m->alloc, ne ? ne : 1, sizeof *out);
    if (!start || !out) {
        rc = flow_error__nomem("the edge table");
        goto done;
    }
    for (size_t i = 0; i < ne; i++)
        start[(*te)[i].from + 1]++;
    for (int p = 0; p < P; p++)
        start[p + 1] += start[p];
    for (size_t i = 0; i < ne; i++)
        out[start[(*te)[i].from]++] = (*te)[i];
    /* start[p] now holds the end of block p; its beginning is start[p-1] */
    for (int p = 0; p < P; p++) {
        size_t lo = p ? start[p - 1] : 0, hi = start[p];
        for (size_t i = lo + 1; i < hi; i++) {
            tmp_edge x = out[i];
            size_t j = i;
            while (j > lo && cmp_edge(&out[j - 1], &x) > 0) {
                out[j] = out[j - 1];
                j--;
            }
            out[j] = x;
        }
    }
    flow_alloc__free(&m->alloc, *te);
    *te = out;
    out = NULL;
done:
    flow_alloc__free(&m->alloc, start);
    flow_alloc__free(&m->alloc, out);
    return rc;
}

/* ---- Tarjan ---------------------------------------------------------------------- */

/* Iterative Tarjan over processes, edges from p_estart/e_to. Components
 * come out in reverse topological order; they are written to the back of
 * order[] so that the result reads in topological order. */
static int tarjan(flow_model *m)
{
    flow_compiled *c = &m->c;
    int P = c->P, rc = 0;
    int *index = NULL, *low = NULL, *stack = NULL, *onstk = NULL, *cs_node = NULL, *cs_edge = NULL;
    int *cstart_rev = NULL;
    ALLOC_ARR(index, P);
    ALLOC_ARR(low, P);
    ALLOC_ARR(stack, P);
    ALLOC_ARR(onstk, P);
    ALLOC_ARR(cs_node, P);
    ALLOC_ARR(cs_edge, P);
    ALLOC_ARR(cstart_rev, P + 1);
    for (int i = 0; i < P; i++)
        index[i] = -1;
    int next = 0, sp = 0, ncomp = 0, filled = P; /* order is filled from the back */
    for (int root = 0; root < P; root++) {
        if (index[root] >= 0)
            continue;
        int csp = 0;
        cs_node[csp] = root;
        cs_edge[csp] = c->p_estart[root];
        csp++;
        index[root] = low[root] = next++;
        stack[sp++] = root;
        onstk[root] = 1;
        while (csp > 0) {
            int v = cs_node[csp - 1];
            int e = cs_edge[csp - 1];
            if (e < c->p_eend[v]) {
                cs_edge[csp - 1]++;
                int w = c->e_to[e];
                if (index[w] < 0) {
                    index[w] = low[w] = next++;
                    stack[sp++] = w;
                    onstk[w] = 1;
                    cs_node[csp] = w;
                    cs_edge[csp] = c->p_estart[w];
                    csp++;
                } else if (onstk[w] && index[w] < low[v]) {
                    low[v] = index[w];
                }
                continue;
            }
            /* v is done */
            if (low[v] == index[v]) {
                /* pop the component; place it before what is filled */
                int w, k = 0;
                do {
                    w = stack[--sp];
                    onstk[w] = 0;
                    k++;
                } while (w != v);
                filled -= k;
                for (int i = 0; i < k; i++)
                    c->order[filled + i] = stack[sp + i];
                cstart_rev[ncomp++] = filled;
            }
            csp--;
            if (csp > 0) {
                int u = cs_node[csp - 1];
                if (low[v] < low[u])
                    low[u] = low[v];
            }
        }
    }
    /* components were emitted last-first: cstart_rev holds their starts in
     * decreasing order */
    c->C = ncomp;
    ALLOC_ARR(c->c_start, ncomp + 1);
    ALLOC_ARR(c->c_cycle, ncomp);
    for (int i = 0; i < ncomp; i++)
        c->c_start[i] = cstart_rev[ncomp - 1 - i];
    c->c_start[ncomp] = P;
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
    flow_alloc__free(&m->alloc, index);
    flow_alloc__free(&m->alloc, low);
    flow_alloc__free(&m->alloc, stack);
    flow_alloc__free(&m->alloc, onstk);
    flow_alloc__free(&m->alloc, cs_node);
    flow_alloc__free(&m->alloc, cs_edge);
    flow_alloc__free(&m->alloc, cstart_rev);
    return rc;
}

/* ---- routes ------------------------------------------------------------------------ */

/* Which (process, material) pairs can receive mass: from generation, a
 * stock path, or an edge out of a pair that receives. A worklist over the
 * pairs; each pair enters once. */
static int check_routes(flow_model *m)
{
    flow_compiled *c = &m->c;
    int P = c->P, M = c->M, rc = 0;
    unsigned char *recv = NULL;
    int *work = NULL, *from = NULL;
    ALLOC_ARR(recv, (size_t)P * M);
    ALLOC_ARR(work, (size_t)P * M);
    ALLOC_ARR(from, (size_t)P * M);
    int nw = 0;
    for (int i = 0; i < P * M; i++) {
        from[i] = -1;
        if (c->pm_gen[i] >= 0 || c->pm_path[i] >= 0) {
            recv[i] = 1;
            work[nw++] = i;
        }
    }
    /* a source with no generation of a material generates what its fixed
     * flows take */
    for (int g = 0; g < c->G; g++) {
        int pm = c->g_proc[g] * M + c->g_mat[g];
        if (m->procs[c->g_proc[g]].kind == FLOW_SOURCE && !recv[pm]) {
            recv[pm] = 1;
            work[nw++] = pm;
        }
    }
    while (nw > 0) {
        int pm = work[--nw];
        int p = pm / M, mat = pm % M;
        int g = c->pm_group[pm];
        if (g >= 0) {
            for (int e = c->g_start[g]; e < c->g_end[g]; e++) {
                int q = c->e_to[e] * M + mat;
                if (!recv[q]) {
                    recv[q] = 1;
                    from[q] = p;
                    work[nw++] = q;
                }
            }
        }
        if (c->p_ovf[p] >= 0) {
            int q = c->e_to[c->p_ovf[p]] * M + mat;
            if (!recv[q]) {
                recv[q] = 1;
                from[q] = p;
                work[nw++] = q;
            }
        }
        const flow_process *pr = &m->procs[p];
        if (pr->type) /* a type may make any material of any it receives */
            for (int e = c->p_estart[p]; e < c->p_eend[p]; e++) {
                int q = c->e_to[e] * M + c->e_mat[e];
                if (c->e_mode[e] == FLOW_PORT && !recv[q]) {
                    recv[q] = 1;
                    from[q] = p;
                    work[nw++] = q;
                }
            }
        if (g < 0 && flow_compile__routes_all(pr)) {
            const char *src = from[pm] >= 0 ? m->procs[from[pm]].name : NULL;
            rc = flow_model__err(&pr->origin, FLOW_EROUTE,
                                 "process '%s' receives material '%s'%s%s%s but has no flow of it out",
                                 pr->name, m->mats[mat].name, src ? " (from '" : "", src ? src : "",
                                 src ? "')" : "");
            goto fail;
        }
    }
fail:
    flow_alloc__free(&m->alloc, recv);
    flow_alloc__free(&m->alloc, work);
    flow_alloc__free(&m->alloc, from);
    return rc;
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
    ALLOC_ARR(delta, P);
    ALLOC_ARR(tmp_i, E);
    ALLOC_ARR(tmp_d, E);
    ALLOC_ARR(tmp_s, E);
    ALLOC_ARR(tmp_h, E);
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
    for (int g = 0; g < c->G; g++) {
        int d = delta[c->g_proc[g]];
        c->g_start[g] += d;
        c->g_end[g] += d;
        if (c->g_rest[g] >= 0)
            c->g_rest[g] += d;
    }
    for (int p = 0; p < P; p++) {
        c->p_estart[p] += delta[p];
        c->p_eend[p] += delta[p];
        if (c->p_ovf[p] >= 0)
            c->p_ovf[p] += delta[p];
    }
fail:
    flow_alloc__free(&m->alloc, delta);
    flow_alloc__free(&m->alloc, tmp_i);
    flow_alloc__free(&m->alloc, tmp_d);
    flow_alloc__free(&m->alloc, tmp_s);
    flow_alloc__free(&m->alloc, tmp_h);
    return rc;
}

/* ---- compile ----------------------------------------------------------------------- */

static int dedupe_pm(flow_model *m);

/* What a process with a lifetime is when the lifetime would be ignored
 * (with its article), or NULL for an in-use stock, which uses it. */
static const char *lifetime_ignored_by(const flow_process *p)
{
    switch (p->kind) {
    case FLOW_SOURCE: return "a source";
    case FLOW_SPLIT: return "a split";
    case FLOW_SINK: return "a sink";
    case FLOW_TYPED: return "a process of a plugin type";
    case FLOW_STOCK: break;
    }
    if (p->smode == FLOW_STOCK_ACCUMULATE)
        return "an accumulating stock";
    return p->smode == FLOW_STOCK_STORAGE ? "a storage stock" : NULL;
}

static int check_structure(flow_model *m)
{
    for (size_t i = 0; i < m->n_flows; i++) {
        const flow_flowdef *f = &m->flows[i];
        const flow_process *a = &m->procs[f->from], *b = &m->procs[f->to];
        if (a->kind == FLOW_SINK)
            return flow_model__err(&f->origin, FLOW_EINVAL, "flow %s->%s: '%s' is a sink, nothing flows out of it",
                                   a->name, b->name, a->name);
        if (takes_no_inflow(b))
            return flow_model__err(&f->origin, FLOW_EINVAL, "flow %s->%s: '%s' is a %s, nothing flows into it",
                                   a->name, b->name, b->name,
                                   b->kind == FLOW_SOURCE ? "source" : "stock-driven in-use stock");
    }
    for (size_t i = 0; i < m->n_procs; i++) {
        const flow_process *p = &m->procs[i];
        if (p->kind == FLOW_STOCK && (p->smode == FLOW_STOCK_INUSE || p->smode == FLOW_STOCK_INUSE_DRIVEN) &&
            !p->has_lifetime)
            return flow_model__err(&p->origin, FLOW_EINVAL, "process '%s': an in-use stock needs a lifetime", p->name);
        const char *ignored_by = p->has_lifetime ? lifetime_ignored_by(p) : NULL;
        if (ignored_by)
            return flow_model__err(&p->lt_origin, FLOW_EINVAL,
                                   "process '%s': a lifetime applies only to an in-use stock (mode inuse or "
                                   "inuse_driven), not to %s", p->name, ignored_by);
        if (p->cap_param != FLOW_NONE && p->overflow != FLOW_NONE && takes_no_inflow(&m->procs[p->overflow]))
            return flow_model__err(&p->origin, FLOW_EINVAL, "process '%s': overflow cannot go to '%s', a %s",
                                   p->name, m->procs[p->overflow].name, flow_kind_name(m->procs[p->overflow].kind));
        if (p->cap_param != FLOW_NONE && p->kind == FLOW_STOCK && p->smode == FLOW_STOCK_INUSE_DRIVEN)
            return flow_model__err(&p->origin, FLOW_EINVAL,
                                   "process '%s': a stock-driven in-use stock cannot have a capacity", p->name);
    }
    for (size_t i = 0; i < m->n_gens; i++) {
        const flow_pm_amount *g = &m->gens[i];
        if (m->procs[g->process].kind != FLOW_SOURCE)
            return flow_model__err(&g->origin, FLOW_EINVAL, "process '%s' is a %s: only a source has generation",
                                   m->procs[g->process].name, flow_kind_name(m->procs[g->process].kind));
    }
    for (size_t i = 0; i < m->n_paths; i++) {
        const flow_pm_amount *g = &m->paths[i];
        const flow_process *p = &m->procs[g->process];
        if (p->kind != FLOW_STOCK || p->smode != FLOW_STOCK_INUSE_DRIVEN)
            return flow_model__err(&g->origin, FLOW_EINVAL,
                                   "process '%s': only a stock-driven in-use stock has a stock path", p->name);
    }
    for (size_t i = 0; i < m->n_inits; i++) {
        const flow_pm_amount *g = &m->inits[i];
        const flow_process *p = &m->procs[g->process];
        if (p->kind != FLOW_TYPED &&
            (p->kind != FLOW_STOCK || (p->smode != FLOW_STOCK_ACCUMULATE && p->smode != FLOW_STOCK_STORAGE)))
            return flow_model__err(&g->origin, FLOW_EINVAL,
                                   "process '%s': only an accumulating or storage stock, or a process of a "
                                   "plugin type, has an initial stock", p->name);
    }
    /* typed processes: the materials their type makes, every port connected once */
    size_t nports = 0;
    for (size_t i = 0; i < m->n_procs; i++)
        if (m->procs[i].type)
            nports += m->procs[i].type->n_ports;
    int *port_flow = NULL, *port0 = NULL, rc = 0;
    if (nports > 0) {
        port_flow = flow_alloc__calloc(&m->alloc, nports, sizeof *port_flow);
        port0 = flow_alloc__calloc(&m->alloc, m->n_procs, sizeof *port0);
        if (!port_flow || !port0) {
            rc = flow_error__nomem("the port table");
            goto done;
        }
        for (size_t i = 0, k = 0; i < m->n_procs; i++) {
            port0[i] = (int)k;
            if (m->procs[i].type)
                k += m->procs[i].type->n_ports;
        }
        for (size_t k = 0; k < nports; k++)
            port_flow[k] = -1;
        for (size_t f = 0; f < m->n_flows; f++) {
            const flow_flowdef *fd = &m->flows[f];
            if (fd->mode != FLOW_PORT)
                continue;
            int *slot = &port_flow[port0[fd->from] + fd->port];
            if (*slot >= 0) {
                const flow_process *p = &m->procs[fd->from];
                rc = flow_model__err(&fd->origin, FLOW_EEXIST, "process '%s': port '%s' goes to '%s' already",
                                     p->name, p->type->ports[fd->port], m->procs[m->flows[*slot].to].name);
                goto done;
            }
            *slot = (int)f;
        }
    }
    for (size_t i = 0; i < m->n_procs; i++) {
        const flow_process *p = &m->procs[i];
        const flow_process_type *t = p->type;
        if (!t)
            continue;
        for (size_t k = 0; k < t->n_materials; k++)
            if (flow_nameidx__find(&m->mat_ix, t->materials[k], m->mats, sizeof *m->mats) < 0) {
                rc = flow_model__err(&p->origin, FLOW_EINVAL,
                                     "process '%s' (type '%s') makes material '%s', which the model does not "
                                     "define", p->name, t->name, t->materials[k]);
                goto done;
            }
        for (size_t k = 0; k < t->n_ports; k++)
            if (port_flow[port0[i] + k] < 0) {
                rc = flow_model__err(&p->origin, FLOW_EINVAL,
                                     "process '%s' (type '%s'): port '%s' goes nowhere (every port needs "
                                     "a destination)", p->name, t->name, t->ports[k]);
                goto done;
            }
    }
done:
    flow_alloc__free(&m->alloc, port_flow);
    flow_alloc__free(&m->alloc, port0);
    if (rc)
        return rc;
    return dedupe_pm(m);
}

/* Keeps the last entry of each (process, material) pair of generation,
 * initial stock and stock path: setting a pair again replaces it. */
static int dedupe_pm(flow_model *m)
{
    size_t PM = m->n_procs * m->n_mats;
    int *last = flow_alloc__calloc(&m->alloc, PM ? PM : 1, sizeof *last);
    if (!last)
        return flow_error__nomem("the compiled model");
    flow_pm_amount *arrs[3] = { m->gens, m->inits, m->paths };
    size_t *counts[3] = { &m->n_gens, &m->n_inits, &m->n_paths };
    for (int l = 0; l < 3; l++) {
        flow_pm_amount *a = arrs[l];
        size_t n = *counts[l], w = 0;
        for (size_t i = 0; i < PM; i++)
            last[i] = -1;
        for (size_t i = 0; i < n; i++)
            last[(size_t)a[i].process * m->n_mats + a[i].material] = (int)i;
        for (size_t i = 0; i < n; i++)
            if (last[(size_t)a[i].process * m->n_mats + a[i].material] == (int)i)
                a[w++] = a[i];
        *counts[l] = w;
    }
    flow_alloc__free(&m->alloc, last);
    return 0;
}

/* The tables of the typed processes, their metric items, and the size of
 * each cycle's system; after the edges are in order and the components
 * known. */
static int compile_typed(flow_model *m)
{
    flow_compiled *c = &m->c;
    int P = c->P, M = c->M, rc = 0;
    ALLOC_ARR(c->p_typed, P);
    int NT = 0, nedge = 0, nport = 0, nmet = 0, npar = 0;
    size_t ncoef = 0, nrel = 0, nstate = 0, namebytes = 0;
    for (int p = 0; p < P; p++) {
        c->p_typed[p] = -1;
        const flow_process_type *t = m->procs[p].type;
        if (!t)
            continue;
        c->p_typed[p] = NT++;
        nedge += (int)t->n_ports * M;
        nport += (int)t->n_ports;
        nmet += (int)t->n_metrics;
        for (size_t k = 0; k < t->n_metrics; k++)
            namebytes += strlen(m->procs[p].name) + strlen(t->metrics[k]) + 2;
    }
    c->NT = NT;
    ALLOC_ARR(c->ty, NT ? NT : 1);
    ALLOC_ARR(c->ty_edge, nedge ? nedge : 1);
    ALLOC_ARR(c->ty_port_to, nport ? nport : 1);
    ALLOC_ARR(c->met_name, nmet ? nmet : 1);
    ALLOC_ARR(c->met_proc, nmet ? nmet : 1);
    ALLOC_ARR(c->met_buf, namebytes ? namebytes : 1);
    c->NMET = nmet;
    nedge = nport = nmet = 0;
    char *w = c->met_buf;
    for (int p = 0; p < P; p++) {
        int k = c->p_typed[p];
        if (k < 0)
            continue;
        const flow_process_type *t = m->procs[p].type;
        flow_typed *ty = &c->ty[k];
        ty->t = t;
        ty->p = p;
        ty->n_ports = (int)t->n_ports;
        ty->n_params = (int)t->n_params;
        ty->n_metrics = (int)t->n_metrics;
        ty->edge0 = nedge;
        ty->port0 = nport;
        ty->metric0 = nmet;
        ty->coef0 = ncoef;
        ty->rel0 = nrel;
        ty->par0 = npar;
        ty->state0 = nstate;
        ty->par_const = 1;
        for (int i = 0; i < ty->n_params; i++)
            if (m->procs[p].tset[i] && m->procs[p].tparam[i] != FLOW_NONE)
                ty->par_const = 0;
        nedge += ty->n_ports * M;
        nport += ty->n_ports;
        ncoef += (size_t)ty->n_ports * M * M;
        nrel += (size_t)ty->n_ports * M;
        npar += ty->n_params;
        /* flow_plugin validates state_size <= FLOW_STATE_MAX: no wrap here,
         * but a model may have many processes */
        if (t->state_size > FLOW_STATE_MAX || nstate > SIZE_MAX - FLOW_STATE_MAX - 16)
            return flow_model__err(&m->procs[p].origin, FLOW_EINVAL,
                                   "process '%s' (type '%s'): state_size %zu is too large", m->procs[p].name,
                                   t->name, t->state_size);
        nstate += (t->state_size + 15) / 16 * 16;
        if (ty->n_ports * M > c->ty_maxrel)
            c->ty_maxrel = ty->n_ports * M;
        for (int j = 0; j < ty->n_metrics; j++) {
            c->met_proc[nmet] = p;
            c->met_name[nmet++] = w;
            size_t l1 = strlen(m->procs[p].name), l2 = strlen(t->metrics[j]);
            memcpy(w, m->procs[p].name, l1);
            w[l1] = ':';
            memcpy(w + l1 + 1, t->metrics[j], l2 + 1);
            w += l1 + l2 + 2;
        }
        for (int e = c->p_estart[p]; e < c->p_eend[p]; e++)
            if (c->e_mode[e] == FLOW_PORT) {
                int port = m->flows[c->e_flow[e]].port;
                c->ty_edge[ty->edge0 + port * M + c->e_mat[e]] = e;
                c->ty_port_to[ty->port0 + port] = c->e_to[e];
            }
    }
    c->ty_ncoef = ncoef;
    c->ty_nrel = nrel;
    c->ty_npar = npar;
    c->ty_state = nstate;
    /* cycles: the size of each system and a bound on its entries */
    ALLOC_ARR(c->c_joint, c->C);
    ALLOC_ARR(c->c_n, c->C);
    ALLOC_ARR(c->c_nz, c->C);
    c->max_cycle = c->max_cycle_procs = 0;
    for (int k = 0; k < c->C; k++) {
        int n = c->c_start[k + 1] - c->c_start[k];
        if (!c->c_cycle[k])
            continue;
        long nz = 0;
        for (int i = c->c_start[k]; i < c->c_start[k + 1]; i++) {
            int p = c->order[i];
            nz += c->p_eend[p] - c->p_estart[p];
            if (c->p_typed[p] >= 0) {
                c->c_joint[k] = 1;
                c->ty[c->p_typed[p]].in_cycle = 1;
                nz += (long)c->ty[c->p_typed[p]].n_ports * M * M;
            }
        }
        long un = c->c_joint[k] ? (long)n * M : n;
        if (un > 0x7fffffff / 4 || nz > 0x7fffffff / 4) {
            rc = flow_error__set(FLOW_EINVAL, "a cycle of %d processes and %d materials is too large to solve", n, M);
            goto fail;
        }
        c->c_n[k] = (int)un;
        c->c_nz[k] = (int)nz + (int)un;
        if (c->c_n[k] > c->max_cycle)
            c->max_cycle = c->c_n[k];
        if (n > c->max_cycle_procs)
            c->max_cycle_procs = n;
    }
    for (int k = 0; k < NT; k++)
        c->ty[k].lean = !c->ty[k].in_cycle && m->procs[c->ty[k].p].cap_param == FLOW_NONE;
fail:
    return rc;
}

int flow_model_compile(flow_model *m)
{
    if (m->compiled)
        return flow_error__set(FLOW_ESTATE, "the model is compiled already");
    flow_compiled *c = &m->c;
    memset(c, 0, sizeof *c);
    int rc = 0;
    tmp_edge *te = NULL;
    unsigned char *pconst = NULL; /* parameters constant over the years */
    c->T = m->last - m->first + 1;
    c->M = (int)m->n_mats;
    c->P = (int)m->n_procs;
    c->NP = (int)m->n_params;
    int T = c->T, M = c->M, P = c->P, NP = c->NP;

    if ((rc = check_structure(m)))
        goto fail;

    /* parameters over the axis */
    ALLOC_ARR(c->pv, (size_t)T * NP);
    ALLOC_ARR(c->param_use, NP);
    if ((rc = eval_params(m)))
        goto fail;
    /* parameters with the same value in every year: what they feed need
     * be checked in one year only (a model's shares are mostly constants) */
    ALLOC_ARR(pconst, NP);
    for (int p = 0; p < NP; p++) {
        pconst[p] = 1;
        for (int t = 1; t < T && pconst[p]; t++)
            pconst[p] = c->pv[(size_t)t * NP + p] == c->pv[p];
    }
#define YEARS_OF(param) ((param) == FLOW_NONE || pconst[(param)] ? 1 : T)

    /* edges */
    size_t ne = 0;
    for (size_t i = 0; i < m->n_flows; i++)
        ne += m->flows[i].material == FLOW_ALL ? (size_t)M : 1;
    for (int p = 0; p < P; p++)
        if (m->procs[p].cap_param != FLOW_NONE && m->procs[p].overflow != FLOW_NONE)
            ne += (size_t)M;
    if (ne > (size_t)0x7fffffff) {
        rc = flow_error__set(FLOW_EINVAL, "model has too many flows (%zu)", ne);
        goto fail;
    }
    ALLOC_ARR(te, ne);
    size_t k = 0;
    for (size_t i = 0; i < m->n_flows; i++) {
        const flow_flowdef *f = &m->flows[i];
        int m0 = f->material == FLOW_ALL ? 0 : f->material;
        int m1 = f->material == FLOW_ALL ? M : f->material + 1;
        for (int mat = m0; mat < m1; mat++)
            te[k++] = (tmp_edge){ f->from, f->to, mat, (int)i, f->param, f->mode, f->coef };
    }
    for (int p = 0; p < P; p++)
        if (m->procs[p].cap_param != FLOW_NONE && m->procs[p].overflow != FLOW_NONE)
            for (int mat = 0; mat < M; mat++)
                te[k++] = (tmp_edge){ p, m->procs[p].overflow, mat, -1, FLOW_NONE, FLOW_OVERFLOW, 1 };
    if ((rc = sort_edges(m, &te, ne)))
        goto fail;
    int E = c->E = (int)ne;
    ALLOC_ARR(c->e_from, E);
    ALLOC_ARR(c->e_to, E);
    ALLOC_ARR(c->e_mat, E);
    ALLOC_ARR(c->e_param, E);
    ALLOC_ARR(c->e_flow, E);
    ALLOC_ARR(c->e_mode, E);
    ALLOC_ARR(c->e_coef, E);
    ALLOC_ARR(c->e_name, E);
    ALLOC_ARR(c->p_estart, P + 1);
    ALLOC_ARR(c->p_eend, P);
    ALLOC_ARR(c->p_fast, P);
    ALLOC_ARR(c->p_ovf, P);
    for (int e = 0; e < E; e++) {
        c->e_from[e] = te[e].from;
        c->e_to[e] = te[e].to;
        c->e_mat[e] = te[e].mat;
        c->e_param[e] = te[e].param;
        c->e_flow[e] = te[e].flow;
        c->e_mode[e] = te[e].mode;
        c->e_coef[e] = te[e].coef;
    }
    flow_alloc__free(&m->alloc, te);
    te = NULL;
    for (int p = 0, e = 0; p <= P; p++) {
        while (e < E && c->e_from[e] < p)
            e++;
        c->p_estart[p] = e;
        if (p > 0)
            c->p_eend[p - 1] = e;
    }
    for (int p = 0; p < P; p++) {
        c->p_ovf[p] = -1;
        for (int e = c->p_estart[p]; e < c->p_eend[p]; e++)
            if (c->e_mode[e] == FLOW_OVERFLOW) {
                c->p_ovf[p] = e;
                break;
            }
    }

    /* routing groups */
    int G = 0;
    for (int e = 0; e < E; e++)
        if (c->e_mode[e] != FLOW_OVERFLOW && c->e_mode[e] != FLOW_PORT &&
            (e == 0 || c->e_from[e] != c->e_from[e - 1] || c->e_mat[e] != c->e_mat[e - 1]))
            G++;
    c->G = G;
    ALLOC_ARR(c->g_proc, G);
    ALLOC_ARR(c->g_mat, G);
    ALLOC_ARR(c->g_start, G);
    ALLOC_ARR(c->g_end, G);
    ALLOC_ARR(c->g_rest, G);
    ALLOC_ARR(c->g_nfixed, G);
    ALLOC_ARR(c->g_nshare, G);
    ALLOC_ARR(c->eh, E);
    ALLOC_ARR(c->pm_group, (size_t)P * M);
    ALLOC_ARR(c->pm_gen, (size_t)P * M);
    ALLOC_ARR(c->pm_path, (size_t)P * M);
    ALLOC_ARR(c->pm_init, (size_t)P * M);
    for (int i = 0; i < P * M; i++)
        c->pm_group[i] = c->pm_gen[i] = c->pm_path[i] = -1;
    for (int e = 0, g = -1; e < E; e++) {
        if (c->e_mode[e] == FLOW_OVERFLOW || c->e_mode[e] == FLOW_PORT)
            continue;
        if (g < 0 || c->e_from[e] != c->g_proc[g] || c->e_mat[e] != c->g_mat[g]) {
            g++;
            c->g_proc[g] = c->e_from[e];
            c->g_mat[g] = c->e_mat[e];
            c->g_start[g] = e;
            c->g_rest[g] = -1;
            c->pm_group[c->e_from[e] * M + c->e_mat[e]] = g;
        }
        c->g_end[g] = e + 1;
        if (c->e_mode[e] == FLOW_FIXED)
            c->g_nfixed[g]++;
        if (c->e_mode[e] == FLOW_SHARE)
            c->g_nshare[g]++;
        if (c->e_mode[e] == FLOW_REST) {
            if (c->g_rest[g] >= 0) {
                const flow_flowdef *f = &m->flows[c->e_flow[e]];
                rc = flow_model__err(&f->origin, FLOW_EINVAL,
                                     "process '%s', material '%s': two rest flows (to '%s' and '%s')",
                                     m->procs[c->e_from[e]].name, m->mats[c->e_mat[e]].name,
                                     m->procs[c->e_to[c->g_rest[g]]].name, m->procs[c->e_to[e]].name);
                goto fail;
            }
            c->g_rest[g] = e;
        }
    }
    for (int e = 0; e < E; e++)
        c->eh[e] = (flow_edge_hot){ c->e_to[e] * M + c->e_mat[e], c->e_param[e], c->e_coef[e] };
    for (size_t i = 0; i < m->n_gens; i++)
        c->pm_gen[m->gens[i].process * M + m->gens[i].material] = (int)i;
    for (size_t i = 0; i < m->n_paths; i++)
        c->pm_path[m->paths[i].process * M + m->paths[i].material] = (int)i;
    for (size_t i = 0; i < m->n_inits; i++)
        c->pm_init[m->inits[i].process * M + m->inits[i].material] = m->inits[i].coef;

    /* amounts in every year */
    for (int e = 0; e < E; e++) {
        if (c->e_mode[e] == FLOW_REST || c->e_mode[e] == FLOW_OVERFLOW || c->e_mode[e] == FLOW_PORT)
            continue;
        const flow_flowdef *f = &m->flows[c->e_flow[e]];
        if (c->e_param[e] != FLOW_NONE)
            c->param_use[c->e_param[e]] |= c->e_mode[e] == FLOW_SHARE ? 3 : 1;
        for (int t = 0; t < YEARS_OF(c->e_param[e]); t++)
            if (!amount_ok(m, c->e_coef[e], c->e_param[e], t, c->e_mode[e] == FLOW_SHARE)) {
                char what[600];
                snprintf(what, sizeof what, "%s %s->%s:%s", c->e_mode[e] == FLOW_SHARE ? "share of" : "fixed flow",
                         m->procs[c->e_from[e]].name, m->procs[c->e_to[e]].name, m->mats[c->e_mat[e]].name);
                rc = check_amount(m, &f->origin, c->e_coef[e], c->e_param[e], t, c->e_mode[e] == FLOW_SHARE, what);
                goto fail;
            }
    }
    flow_pm_amount *lists[2] = { m->gens, m->paths };
    size_t counts[2] = { m->n_gens, m->n_paths };
    for (int l = 0; l < 2; l++)
        for (size_t i = 0; i < counts[l]; i++) {
            const flow_pm_amount *g = &lists[l][i];
            if (g->param != FLOW_NONE)
                c->param_use[g->param] |= 1;
            for (int t = 0; t < YEARS_OF(g->param); t++)
                if (!amount_ok(m, g->coef, g->param, t, 0)) {
                    char what[300];
                    snprintf(what, sizeof what, "%s of '%s' in '%s'", l == 0 ? "generation" : "stock path",
                             m->mats[g->material].name, m->procs[g->process].name);
                    rc = check_amount(m, &g->origin, g->coef, g->param, t, 0, what);
                    goto fail;
                }
        }
    for (int p = 0; p < P; p++) {
        const flow_process *pr = &m->procs[p];
        if (pr->cap_param == FLOW_NONE)
            continue;
        c->param_use[pr->cap_param] |= 1;
        char what[300];
        snprintf(what, sizeof what, "capacity of '%s'", pr->name);
        for (int t = 0; t < T; t++)
            if ((rc = check_amount(m, &pr->origin, 1, pr->cap_param, t, 0, what)))
                goto fail;
    }
    /* the parameters of typed processes, in every year their values can change */
    for (int p = 0; p < P; p++) {
        const flow_process *pr = &m->procs[p];
        for (size_t i = 0; pr->type && i < pr->type->n_params; i++) {
            const flow_param_decl *d = &pr->type->params[i];
            if (!pr->tset[i] || pr->tparam[i] == FLOW_NONE)
                continue;
            for (int t = 0; t < YEARS_OF(pr->tparam[i]); t++) {
                double v = pr->tcoef[i] * c->pv[(size_t)t * NP + pr->tparam[i]];
                if (!(v >= d->lo && v <= d->hi)) {
                    rc = flow_model__err(&pr->origin, FLOW_EVALUE,
                                         "process '%s' (type '%s'), parameter '%s', year %d: %g is outside its "
                                         "bounds [%g, %g] (from parameter '%s')",
                                         pr->name, pr->type->name, d->name, m->first + t, v, d->lo, d->hi,
                                         m->params[pr->tparam[i]].name);
                    goto fail;
                }
            }
        }
    }
    /* shares of every group in every year in which one of them can change */
    for (int g = 0; g < G; g++) {
        int years = 1;
        double sum0 = 0;
        for (int e = c->g_start[g] + c->g_nfixed[g]; e < c->g_end[g]; e++)
            if (c->e_mode[e] == FLOW_SHARE && YEARS_OF(c->e_param[e]) > 1)
                years = T;
        for (int t = 0; t < years; t++) {
            double sum = 0;
            for (int e = c->g_start[g] + c->g_nfixed[g]; e < c->g_end[g]; e++)
                if (c->e_mode[e] == FLOW_SHARE)
                    sum += c->e_param[e] == FLOW_NONE ? c->e_coef[e]
                                                      : c->e_coef[e] * c->pv[(size_t)t * NP + c->e_param[e]];
            if (t > 0 && sum == sum0)
                continue;
            sum0 = sum;
            if ((rc = flow_compile__group_shares(m, g, sum, t)))
                goto fail;
        }
    }
#undef YEARS_OF
    flow_alloc__free(&m->alloc, pconst);
    pconst = NULL;

    if ((rc = check_routes(m)))
        goto fail;

    /* order */
    ALLOC_ARR(c->order, P);
    if ((rc = tarjan(m)))
        goto fail;
    if ((rc = edges_in_order(m)))
        goto fail;
    if ((rc = compile_typed(m)))
        goto fail;
    for (int p = 0; p < P; p++)
        c->p_fast[p] = m->procs[p].cap_param != FLOW_NONE ? 0
                       : m->procs[p].kind == FLOW_SPLIT    ? 1
                       : m->procs[p].kind == FLOW_SOURCE   ? 2
                                                           : 0;
    c->NF = 0;
    for (int e = 0; e < E; e++)
        c->NF += c->e_mode[e] == FLOW_FIXED;
    ALLOC_ARR(c->fixed_e, c->NF);
    for (int e = 0, i = 0; e < E; e++)
        if (c->e_mode[e] == FLOW_FIXED)
            c->fixed_e[i++] = e;
    /* groups as the step reads them: per process, in topological order */
    ALLOC_ARR(c->p_gstart, P);
    ALLOC_ARR(c->p_gend, P);
    ALLOC_ARR(c->gh, G);
    {
        int gk = 0;
        for (int i = 0; i < P; i++) {
            int p = c->order[i];
            c->p_gstart[p] = gk;
            for (int mat = 0; mat < M; mat++) {
                int g = c->pm_group[p * M + mat];
                if (g < 0)
                    continue;
                if (c->g_end[g] - c->g_start[g] > 65535 || mat > 65535) {
                    rc = flow_error__set(FLOW_EINVAL, "process '%s': more than 65,535 flows of one material or "
                                                      "more than 65,536 materials", m->procs[p].name);
                    goto fail;
                }
                c->gh[gk++] = (flow_group_hot){ c->g_start[g], (unsigned short)c->g_nfixed[g],
                                                (unsigned short)c->g_nshare[g],
                                                (unsigned short)(c->g_end[g] - c->g_start[g]),
                                                (unsigned short)mat };
            }
            c->p_gend[p] = gk;
        }
    }
    ALLOC_ARR(c->p_uniform, P);
    for (int p = 0; p < P; p++) {
        int k0 = c->p_gstart[p], ng = c->p_gend[p] - k0;
        if (!c->p_fast[p] || ng != M || M < 2)
            continue;
        const flow_group_hot *g0 = &c->gh[k0];
        int ok = g0->n <= FLOW_UNIFORM_MAX && g0->mat == 0;
        for (int q = 1; ok && q < ng; q++) {
            const flow_group_hot *gk2 = &c->gh[k0 + q];
            ok = gk2->mat == q && gk2->nfix == g0->nfix && gk2->nshare == g0->nshare && gk2->n == g0->n &&
                 gk2->start == g0->start + q * g0->n;
            for (int j = 0; ok && j < g0->n; j++) {
                int a = g0->start + j, b = gk2->start + j;
                ok = c->e_to[a] == c->e_to[b] && c->e_mode[a] == c->e_mode[b] && c->e_param[a] == c->e_param[b] &&
                     c->e_coef[a] == c->e_coef[b];
            }
        }
        /* a source may leave materials undeclared: run_uniform routes
         * those as run_split does (its fixed flows only) */
        c->p_uniform[p] = (unsigned char)ok;
    }
    {
        int nu = 0;
        for (int p = 0; p < P; p++)
            if (c->p_uniform[p])
                nu += c->gh[c->p_gstart[p]].n;
        ALLOC_ARR(c->p_ustart, P);
        ALLOC_ARR(c->eu, nu);
        int ku = 0;
        for (int i = 0; i < P; i++) {
            int p = c->order[i];
            if (!c->p_uniform[p])
                continue;
            const flow_group_hot *g0 = &c->gh[c->p_gstart[p]];
            c->p_ustart[p] = ku;
            for (int j = 0; j < g0->n; j++)
                c->eu[ku++] = c->eh[g0->start + j];
        }
    }

    /* stock items: stock processes, then backlogs */
    ALLOC_ARR(c->p_stock, P);
    ALLOC_ARR(c->p_backlog, P);
    ALLOC_ARR(c->p_inuse, P);
    int S = 0, NI = 0;
    for (int p = 0; p < P; p++) {
        const flow_process *pr = &m->procs[p];
        c->p_stock[p] = c->p_backlog[p] = c->p_inuse[p] = -1;
        if (pr->kind == FLOW_STOCK || pr->kind == FLOW_TYPED) {
            c->p_stock[p] = S;
            S += M;
            if (pr->smode == FLOW_STOCK_INUSE || pr->smode == FLOW_STOCK_INUSE_DRIVEN)
                c->p_inuse[p] = NI++;
        }
    }
    for (int p = 0; p < P; p++)
        if (m->procs[p].cap_param != FLOW_NONE && m->procs[p].overflow == FLOW_NONE) {
            c->p_backlog[p] = S;
            S += M;
        }
    c->S = S;
    c->NI = NI;
    ALLOC_ARR(c->s_name, S);
    ALLOC_ARR(c->s_proc, S);
    ALLOC_ARR(c->s_mat, S);
    for (int p = 0; p < P; p++)
        for (int pass = 0; pass < 2; pass++) {
            int base = pass == 0 ? c->p_stock[p] : c->p_backlog[p];
            if (base < 0)
                continue;
            for (int mat = 0; mat < M; mat++) {
                c->s_proc[base + mat] = p;
                c->s_mat[base + mat] = mat;
            }
        }
    if ((rc = flow_items__names(m)))
        goto fail;
    ALLOC_ARR(c->surv, (size_t)(NI ? NI : 1) * (T + 1));
    for (int p = 0; p < P; p++) {
        if (c->p_inuse[p] < 0)
            continue;
        double *S0 = c->surv + (size_t)c->p_inuse[p] * (T + 1);
        for (int a = 0; a <= T; a++)
            S0[a] = flow_lifetime_survival(&m->procs[p].lt, a);
        if (m->procs[p].smode == FLOW_STOCK_INUSE_DRIVEN && !(S0[0] > 0)) {
            rc = flow_model__err(&m->procs[p].origin, FLOW_EINVAL,
                                 "process '%s': a stock-driven in-use stock needs survival S(0) > 0 "
                                 "(its lifetime lets nothing survive the inflow year)", m->procs[p].name);
            goto fail;
        }
    }
    if ((rc = flow_indicator__compile(m)))
        goto fail;
    m->compiled = 1;
    return 0;
fail:
    flow_alloc__free(&m->alloc, te);
    flow_alloc__free(&m->alloc, pconst);
    flow_compile__free(m);
    return rc;
}
