/*
 * compile.c — turns a model as built into the tables the year step runs on.
 *
 * flow_model_compile runs the phases below in order; each fills part of
 * m->c and the first that fails frees all that is filled. The checks that
 * need the whole model are in compile_check.c, the order of the process
 * graph (Tarjan's components) in compile_order.c, the tables of typed
 * processes and the sizes of cycles in compile_typed.c, the names of the
 * result items in items.c. Here: the parameters over the years, the edges
 * (one per flow and material), the routing groups, the tables the year
 * step streams, and the stock items. Afterwards the model is read-only.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow_int.h"
#include "flow_plugin.h"

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

/* ---- parameters ---------------------------------------------------------------- */

/* The value of every parameter in every year (pv), checked: finite and
 * within its bounds. */
static int eval_params(flow_model *m)
{
    flow_compiled *c = &m->c;
    int T = c->T, NP = c->NP, rc = 0;
    double col[1000];
    FLOW_COMPILE_ALLOC(c->pv, (size_t)T * NP);
    FLOW_COMPILE_ALLOC(c->param_use, NP);
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
            rc = flow_series__eval(pr, m->first, T, col, prefix);
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
fail:
    return rc;
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

/* The edges before they are sorted: one per flow and material, and M
 * overflow edges per process with a capacity and an overflow. */
static int expand_flows(flow_model *m, tmp_edge **te, size_t *ne)
{
    int M = m->c.M, P = m->c.P, rc = 0;
    size_t n = 0;
    for (size_t i = 0; i < m->n_flows; i++)
        n += m->flows[i].material == FLOW_ALL ? (size_t)M : 1;
    for (int p = 0; p < P; p++)
        if (m->procs[p].cap_param != FLOW_NONE && m->procs[p].overflow != FLOW_NONE)
            n += (size_t)M;
    if (n > (size_t)0x7fffffff)
        return flow_error__set(FLOW_EINVAL, "model has too many flows (%zu)", n);
    tmp_edge *out;
    FLOW_COMPILE_ALLOC(out, n);
    size_t k = 0;
    for (size_t i = 0; i < m->n_flows; i++) {
        const flow_flowdef *f = &m->flows[i];
        int m0 = f->material == FLOW_ALL ? 0 : f->material;
        int m1 = f->material == FLOW_ALL ? M : f->material + 1;
        for (int mat = m0; mat < m1; mat++)
            out[k++] = (tmp_edge){ f->from, f->to, mat, (int)i, f->param, f->mode, f->coef };
    }
    for (int p = 0; p < P; p++)
        if (m->procs[p].cap_param != FLOW_NONE && m->procs[p].overflow != FLOW_NONE)
            for (int mat = 0; mat < M; mat++)
                out[k++] = (tmp_edge){ p, m->procs[p].overflow, mat, -1, FLOW_NONE, FLOW_OVERFLOW, 1 };
    *te = out;
    *ne = n;
fail:
    return rc;
}

/* The edge arrays from the sorted edges te[E]. */
static int store_edges(flow_model *m, const tmp_edge *te)
{
    flow_compiled *c = &m->c;
    int E = c->E, P = c->P, rc = 0;
    FLOW_COMPILE_ALLOC(c->e_from, E);
    FLOW_COMPILE_ALLOC(c->e_to, E);
    FLOW_COMPILE_ALLOC(c->e_mat, E);
    FLOW_COMPILE_ALLOC(c->e_param, E);
    FLOW_COMPILE_ALLOC(c->e_flow, E);
    FLOW_COMPILE_ALLOC(c->e_mode, E);
    FLOW_COMPILE_ALLOC(c->e_coef, E);
    FLOW_COMPILE_ALLOC(c->e_name, E);
    FLOW_COMPILE_ALLOC(c->p_estart, P + 1);
    FLOW_COMPILE_ALLOC(c->p_eend, P);
    FLOW_COMPILE_ALLOC(c->p_fast, P);
    FLOW_COMPILE_ALLOC(c->p_ovf, P);
    for (int e = 0; e < E; e++) {
        c->e_from[e] = te[e].from;
        c->e_to[e] = te[e].to;
        c->e_mat[e] = te[e].mat;
        c->e_param[e] = te[e].param;
        c->e_flow[e] = te[e].flow;
        c->e_mode[e] = te[e].mode;
        c->e_coef[e] = te[e].coef;
    }
fail:
    return rc;
}

/* Each process's block of edges, and its first overflow edge. */
static void index_edges(flow_compiled *c)
{
    int E = c->E, P = c->P;
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
}

/* The edges: one per flow and material, plus overflow edges, sorted by
 * source process, then material, then mode (cmp_edge). */
static int lay_edges(flow_model *m)
{
    tmp_edge *te = NULL;
    size_t ne = 0;
    int rc;
    if (!(rc = expand_flows(m, &te, &ne)) && !(rc = sort_edges(m, &te, ne))) {
        m->c.E = (int)ne;
        if (!(rc = store_edges(m, te)))
            index_edges(&m->c);
    }
    flow_alloc__free(&m->alloc, te);
    return rc;
}

/* ---- routing groups ----------------------------------------------------------------- */

/* Counts the routing groups (a process's non-overflow, non-port edges of
 * one material) and allocates their tables and the (process, material)
 * look-ups. */
static int alloc_groups(flow_model *m)
{
    flow_compiled *c = &m->c;
    int E = c->E, G = 0, rc = 0;
    size_t PM = (size_t)c->P * c->M;
    for (int e = 0; e < E; e++)
        if (c->e_mode[e] != FLOW_OVERFLOW && c->e_mode[e] != FLOW_PORT &&
            (e == 0 || c->e_from[e] != c->e_from[e - 1] || c->e_mat[e] != c->e_mat[e - 1]))
            G++;
    c->G = G;
    FLOW_COMPILE_ALLOC(c->g_proc, G);
    FLOW_COMPILE_ALLOC(c->g_mat, G);
    FLOW_COMPILE_ALLOC(c->g_start, G);
    FLOW_COMPILE_ALLOC(c->g_end, G);
    FLOW_COMPILE_ALLOC(c->g_rest, G);
    FLOW_COMPILE_ALLOC(c->g_nfixed, G);
    FLOW_COMPILE_ALLOC(c->g_nshare, G);
    FLOW_COMPILE_ALLOC(c->eh, E);
    FLOW_COMPILE_ALLOC(c->pm_group, PM);
    FLOW_COMPILE_ALLOC(c->pm_gen, PM);
    FLOW_COMPILE_ALLOC(c->pm_path, PM);
    FLOW_COMPILE_ALLOC(c->pm_init, PM);
fail:
    return rc;
}

/* Fills the groups from the sorted edges: a group holds its fixed edges,
 * then its shares, then at most one rest. */
static int fill_groups(flow_model *m)
{
    flow_compiled *c = &m->c;
    int M = c->M;
    for (int e = 0, g = -1; e < c->E; e++) {
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
                return flow_model__err(&f->origin, FLOW_EINVAL,
                                       "process '%s', material '%s': two rest flows (to '%s' and '%s')",
                                       m->procs[c->e_from[e]].name, m->mats[c->e_mat[e]].name,
                                       m->procs[c->e_to[c->g_rest[g]]].name, m->procs[c->e_to[e]].name);
            }
            c->g_rest[g] = e;
        }
    }
    return 0;
}

/* The routing groups, the packed edges (eh) and the look-ups of
 * generation, stock paths and initial stocks by (process, material). */
static int lay_groups(flow_model *m)
{
    flow_compiled *c = &m->c;
    int M = c->M, rc;
    if ((rc = alloc_groups(m)))
        return rc;
    for (int i = 0; i < c->P * M; i++)
        c->pm_group[i] = c->pm_gen[i] = c->pm_path[i] = -1;
    if ((rc = fill_groups(m)))
        return rc;
    for (int e = 0; e < c->E; e++)
        c->eh[e] = (flow_edge_hot){ c->e_to[e] * M + c->e_mat[e], c->e_param[e], c->e_coef[e] };
    for (size_t i = 0; i < m->n_gens; i++)
        c->pm_gen[m->gens[i].process * M + m->gens[i].material] = (int)i;
    for (size_t i = 0; i < m->n_paths; i++)
        c->pm_path[m->paths[i].process * M + m->paths[i].material] = (int)i;
    for (size_t i = 0; i < m->n_inits; i++)
        c->pm_init[m->inits[i].process * M + m->inits[i].material] = m->inits[i].coef;
    return 0;
}

/* ---- the tables the year step streams ------------------------------------------------ */

/* Which processes take the fast paths, and the list of fixed edges. */
static int lay_fast(flow_model *m)
{
    flow_compiled *c = &m->c;
    int rc = 0;
    for (int p = 0; p < c->P; p++)
        c->p_fast[p] = m->procs[p].cap_param != FLOW_NONE ? 0
                       : m->procs[p].kind == FLOW_SPLIT    ? 1
                       : m->procs[p].kind == FLOW_SOURCE   ? 2
                                                           : 0;
    c->NF = 0;
    for (int e = 0; e < c->E; e++)
        c->NF += c->e_mode[e] == FLOW_FIXED;
    FLOW_COMPILE_ALLOC(c->fixed_e, c->NF);
    for (int e = 0, i = 0; e < c->E; e++)
        if (c->e_mode[e] == FLOW_FIXED)
            c->fixed_e[i++] = e;
fail:
    return rc;
}

/* The groups as the step reads them: per process, in topological order,
 * packed (gh). */
static int lay_hot_groups(flow_model *m)
{
    flow_compiled *c = &m->c;
    int P = c->P, M = c->M, rc = 0;
    FLOW_COMPILE_ALLOC(c->p_gstart, P);
    FLOW_COMPILE_ALLOC(c->p_gend, P);
    FLOW_COMPILE_ALLOC(c->gh, c->G);
    int gk = 0;
    for (int i = 0; i < P; i++) {
        int p = c->order[i];
        c->p_gstart[p] = gk;
        for (int mat = 0; mat < M; mat++) {
            int g = c->pm_group[p * M + mat];
            if (g < 0)
                continue;
            if (c->g_end[g] - c->g_start[g] > 65535 || mat > 65535)
                return flow_error__set(FLOW_EINVAL, "process '%s': more than 65,535 flows of one material or "
                                                    "more than 65,536 materials", m->procs[p].name);
            c->gh[gk++] = (flow_group_hot){ c->g_start[g], (unsigned short)c->g_nfixed[g],
                                            (unsigned short)c->g_nshare[g],
                                            (unsigned short)(c->g_end[g] - c->g_start[g]),
                                            (unsigned short)mat };
        }
        c->p_gend[p] = gk;
    }
fail:
    return rc;
}

/* 1 when fast process p routes every material by the same flows (to the
 * same processes, modes, parameters and coefficients) as material 0. */
static unsigned char is_uniform(const flow_compiled *c, int p)
{
    int k0 = c->p_gstart[p], ng = c->p_gend[p] - k0;
    if (!c->p_fast[p] || ng != c->M || c->M < 2)
        return 0;
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
    return (unsigned char)ok;
}

/* The uniform processes, and material 0's edges of each, in topological
 * order (eu). */
static int lay_uniform(flow_model *m)
{
    flow_compiled *c = &m->c;
    int P = c->P, rc = 0;
    FLOW_COMPILE_ALLOC(c->p_uniform, P);
    for (int p = 0; p < P; p++)
        c->p_uniform[p] = is_uniform(c, p);
    int nu = 0;
    for (int p = 0; p < P; p++)
        if (c->p_uniform[p])
            nu += c->gh[c->p_gstart[p]].n;
    FLOW_COMPILE_ALLOC(c->p_ustart, P);
    FLOW_COMPILE_ALLOC(c->eu, nu);
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
fail:
    return rc;
}

/* ---- stock items ------------------------------------------------------------------- */

/* Numbers the stock items: M for each stock process (and typed process),
 * then M for each backlog (a capacity without overflow); the in-use
 * stocks among them. */
static int number_stocks(flow_model *m)
{
    flow_compiled *c = &m->c;
    int P = c->P, M = c->M, rc = 0;
    FLOW_COMPILE_ALLOC(c->p_stock, P);
    FLOW_COMPILE_ALLOC(c->p_backlog, P);
    FLOW_COMPILE_ALLOC(c->p_inuse, P);
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
fail:
    return rc;
}

/* The stock items: their process and material. */
static int lay_stocks(flow_model *m)
{
    flow_compiled *c = &m->c;
    int rc;
    if ((rc = number_stocks(m)))
        return rc;
    FLOW_COMPILE_ALLOC(c->s_name, c->S);
    FLOW_COMPILE_ALLOC(c->s_proc, c->S);
    FLOW_COMPILE_ALLOC(c->s_mat, c->S);
    for (int p = 0; p < c->P; p++)
        for (int pass = 0; pass < 2; pass++) {
            int base = pass == 0 ? c->p_stock[p] : c->p_backlog[p];
            if (base < 0)
                continue;
            for (int mat = 0; mat < c->M; mat++) {
                c->s_proc[base + mat] = p;
                c->s_mat[base + mat] = mat;
            }
        }
fail:
    return rc;
}

/* The survival S(0..T) of each in-use stock's lifetime; a stock-driven
 * one needs S(0) > 0. */
static int lay_survival(flow_model *m)
{
    flow_compiled *c = &m->c;
    int T = c->T, rc = 0;
    FLOW_COMPILE_ALLOC(c->surv, (size_t)(c->NI ? c->NI : 1) * (T + 1));
    for (int p = 0; p < c->P; p++) {
        if (c->p_inuse[p] < 0)
            continue;
        double *S0 = c->surv + (size_t)c->p_inuse[p] * (T + 1);
        for (int a = 0; a <= T; a++)
            S0[a] = flow_lifetime_survival(&m->procs[p].lt, a);
        if (m->procs[p].smode == FLOW_STOCK_INUSE_DRIVEN && !(S0[0] > 0))
            return flow_model__err(&m->procs[p].origin, FLOW_EINVAL,
                                   "process '%s': a stock-driven in-use stock needs survival S(0) > 0 "
                                   "(its lifetime lets nothing survive the inflow year)", m->procs[p].name);
    }
fail:
    return rc;
}

/* ---- the phases ---------------------------------------------------------------------- */

int flow_model_compile(flow_model *m)
{
    if (m->compiled)
        return flow_error__set(FLOW_ESTATE, "the model is compiled already");
    flow_compiled *c = &m->c;
    memset(c, 0, sizeof *c);
    c->T = m->last - m->first + 1;
    c->M = (int)m->n_mats;
    c->P = (int)m->n_procs;
    c->NP = (int)m->n_params;
    int rc;
    if ((rc = flow_compile__check_structure(m)) || /* kinds, lifetimes, owners, ports */
        (rc = eval_params(m)) ||                   /* parameters over the years */
        (rc = lay_edges(m)) ||                     /* flows into edges, sorted */
        (rc = lay_groups(m)) ||                    /* (process, material) routing groups */
        (rc = flow_compile__check_amounts(m)) ||   /* amounts and shares in every year */
        (rc = flow_compile__check_routes(m)) ||    /* what a process receives, it sends on */
        (rc = flow_compile__order(m)) ||           /* components, edges in their order */
        (rc = flow_compile__typed(m)) ||           /* typed processes; cycle sizes */
        (rc = lay_fast(m)) || (rc = lay_hot_groups(m)) || (rc = lay_uniform(m)) ||
        (rc = lay_stocks(m)) ||                    /* stock and backlog items */
        (rc = flow_items__names(m)) ||             /* names of the items */
        (rc = lay_survival(m)) ||                  /* in-use stocks' survival */
        (rc = flow_indicator__compile(m))) {       /* indicators' item lists */
        flow_compile__free(m);
        return rc;
    }
    m->compiled = 1;
    return 0;
}
