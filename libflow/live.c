/*
 * live.c — which items of a simulation can carry something: the
 * (process, material) pairs that may hold or receive a material, and the
 * flow items that may be other than +0.
 *
 * A city's model routes dozens of materials through processes that each
 * see a few: in the Hengshui plan's ensemble 293 of the 5,844 flow items
 * are live, and 310 of the 4,730 (process, material) pairs. A flow item
 * can carry only when its process may hold its material, or when it is
 * a fixed amount; a process may hold a material it generates, holds at
 * the start, follows a stock path of, or receives through a flow item
 * that can carry. A typed process's port rows are what its type makes
 * of its inputs, which no declaration states: a port item is live from
 * the first transfer that gives its row a release or a coefficient for a
 * material the process may receive (flow_live__port, then
 * flow_live__grow, from typed.c), and what it
 * reaches from then on; the typed process then counts the material as
 * one it may send (its balance sums what it sent of each). The
 * processes of cycles, solved as systems over all their materials, are
 * live in every material and flow item.
 *
 * Liveness only grows. An item that is not live has held +0 since the
 * simulation was made: what reaches it is +0 (+0 times a share or a
 * rate, +0 less +0), and a port row becomes live before the step writes
 * it. So a sum may pass over the items that are not live and a reset
 * need not clear them, and the results stay the same to the bit. The
 * year step's loops over a process's materials (typed.c, balance.c,
 * route.c) read its live materials, lv_mat; run_split its live routing
 * groups, lv_g. Readers that keep lists built from it (the indicators'
 * sums, the reuse's clearing) compare lv_epoch, which each growth
 * advances, with the epoch of their list.
 */
#include <string.h>

#include "sim_int.h"

static void mark_pm(flow_sim *s, int p, int m);

/* Process p may receive material m (through a live flow item): so it
 * may hold it. A typed process's transfer keeps the terms of the
 * materials it may receive only (typed.c): a new one asks it again. Its
 * own transfer cannot make one of its inputs live but through a cycle,
 * whose processes receive every material from the start. */
static void mark_in(flow_sim *s, int p, int m)
{
    const flow_compiled *c = &s->m->c;
    size_t pm = (size_t)p * (size_t)c->M + (size_t)m;
    if (!s->lv_in[pm]) {
        s->lv_in[pm] = 1;
        if (c->p_typed[p] >= 0 && s->tvalid)
            s->tvalid[c->p_typed[p]] = 0;
    }
    mark_pm(s, p, m);
}

/* Marks material m live at process p, and queues it when it was not. */
static void mark_pm(flow_sim *s, int p, int m)
{
    size_t pm = (size_t)p * (size_t)s->m->c.M + (size_t)m;
    if (!s->lv_pm[pm]) {
        s->lv_pm[pm] = 1;
        s->lv_queue[s->lv_nqueue++] = (int)pm;
    }
}

/* The routing groups of each process that the step runs (route.c,
 * run_split): all but those of a material it cannot hold whose flows are
 * constant shares (no fixed amount): those carry +0, as their rows hold,
 * and their shares were checked once for every year (compile_check.c),
 * nor can a run change them. */
static void live_groups(flow_sim *s)
{
    const flow_compiled *c = &s->m->c;
    int n = 0;
    for (int p = 0; p < c->P; p++) {
        s->lv_g0[p] = n;
        for (int k = c->p_gstart[p]; k < c->p_gend[p]; k++) {
            const flow_group_hot g = c->gh[k];
            int skip = !s->lv_pm[(size_t)p * c->M + g.mat] && g.nfix == 0;
            for (int e = g.start; skip && e < g.start + g.nshare; e++)
                skip = c->eh[e].param < 0;
            if (!skip)
                s->lv_g[n++] = k;
        }
    }
    s->lv_g0[c->P] = n;
}

/* The live stock items (of a live (process, material)), for the sum of
 * their values in four sums (sim.c, sum_abs): item i goes to sum i % 4,
 * the last n % 4 items to sum 0; each sum's items in ascending order. */
static void live_stocks(flow_sim *s)
{
    const flow_compiled *c = &s->m->c;
    const int n4 = c->S - c->S % 4;
    int n = 0;
    for (int r = 0; r < 4; r++) {
        s->lv_s0[r] = n;
        for (int i = r; i < n4; i += 4)
            if (flow_live__stock(s, i))
                s->lv_st[n++] = i;
        for (int i = n4; r == 0 && i < c->S; i++)
            if (flow_live__stock(s, i))
                s->lv_st[n++] = i;
    }
    s->lv_s0[4] = n;
}

/* Propagates what is queued: a flow item of a process that may hold its
 * material is live (a port item only by flow_live__port), and a live
 * item makes its material live where it goes. Then the per-process
 * lists. Each (process, material) is queued once in the simulation's
 * life, so all the growths together read each edge a few times. */
static void close_over(flow_sim *s)
{
    const flow_compiled *c = &s->m->c;
    const int M = c->M;
    while (s->lv_nqueue > 0) {
        const int pm = s->lv_queue[--s->lv_nqueue], p = pm / M, m = pm % M;
        for (int e = c->p_estart[p]; e < c->p_eend[p]; e++)
            if (c->e_mat[e] == m && c->e_mode[e] != FLOW_PORT) {
                s->lv_e[e] = 1;
                mark_in(s, c->e_to[e], m);
            }
    }
    int n = 0;
    for (int p = 0; p < c->P; p++) {
        s->lv_m0[p] = n;
        for (int m = 0; m < M; m++)
            if (s->lv_pm[(size_t)p * M + m])
                s->lv_mat[n++] = m;
        /* the same, the even materials first (typed_lean's two sums) */
        int ne = 0, j = s->lv_m0[p];
        for (int i = s->lv_m0[p]; i < n; i++)
            ne += (s->lv_mat[i] & 1) == 0;
        s->lv_neven[p] = ne;
        for (int i = s->lv_m0[p]; i < n; i++)
            if ((s->lv_mat[i] & 1) == 0)
                s->lv_eo[j++] = s->lv_mat[i];
        for (int i = s->lv_m0[p]; i < n; i++)
            if (s->lv_mat[i] & 1)
                s->lv_eo[j++] = s->lv_mat[i];
    }
    s->lv_m0[c->P] = n;
    live_groups(s);
    live_stocks(s);
    s->lv_epoch++;
}

int flow_live__new(flow_sim *s)
{
    const flow_model *m = s->m;
    const flow_compiled *c = &m->c;
    const size_t PM = (size_t)c->P * (size_t)c->M;
    s->lv_pm = flow_alloc__calloc(s->alloc, PM + 1, 1);
    s->lv_in = flow_alloc__calloc(s->alloc, PM + 1, 1);
    s->lv_tkeep = flow_alloc__calloc(s->alloc, (size_t)c->NT + 1, 1);
    s->lv_e = flow_alloc__calloc(s->alloc, (size_t)c->E + 1, 1);
    s->lv_m0 = flow_alloc__malloc(s->alloc, ((size_t)c->P + 1) * sizeof *s->lv_m0);
    s->lv_mat = flow_alloc__malloc(s->alloc, (PM + 1) * sizeof *s->lv_mat);
    s->lv_queue = flow_alloc__malloc(s->alloc, (PM + 1) * sizeof *s->lv_queue);
    s->lv_eo = flow_alloc__malloc(s->alloc, (PM + 1) * sizeof *s->lv_eo);
    s->lv_neven = flow_alloc__malloc(s->alloc, ((size_t)c->P + 1) * sizeof *s->lv_neven);
    s->lv_st = flow_alloc__malloc(s->alloc, ((size_t)c->S + 1) * sizeof *s->lv_st);
    s->lv_g0 = flow_alloc__malloc(s->alloc, ((size_t)c->P + 1) * sizeof *s->lv_g0);
    s->lv_g = flow_alloc__malloc(s->alloc, ((size_t)c->G + 1) * sizeof *s->lv_g);
    /* the indicators' lists of live items (indicator.c builds them) */
    size_t n_items = 0;
    for (size_t k = 0; k < m->n_nodes; k++)
        n_items += (size_t)m->nodes[k].n_items;
    s->lv_items = flow_alloc__malloc(s->alloc, (n_items + 1) * sizeof *s->lv_items);
    s->lv_nitems = flow_alloc__calloc(s->alloc, m->n_nodes + 1, sizeof *s->lv_nitems);
    s->lv_i0 = flow_alloc__calloc(s->alloc, m->n_nodes + 1, sizeof *s->lv_i0);
    if (!s->lv_pm || !s->lv_in || !s->lv_tkeep || !s->lv_e || !s->lv_m0 || !s->lv_mat || !s->lv_queue || !s->lv_eo ||
        !s->lv_neven || !s->lv_st || !s->lv_g0 || !s->lv_g || !s->lv_items || !s->lv_nitems || !s->lv_i0)
        return flow_error__nomem("a simulation's live items");
    s->lv_nqueue = 0;
    for (int k = 0; k < c->NT; k++) /* an initial stock is kept until a transfer sends it */
        s->lv_tkeep[k] = flow__bits_or(c->pm_init + (size_t)c->ty[k].p * c->M, c->M) != 0;
    for (size_t i = 0; i < m->n_gens; i++)
        mark_pm(s, m->gens[i].process, m->gens[i].material);
    for (size_t i = 0; i < m->n_paths; i++)
        mark_pm(s, m->paths[i].process, m->paths[i].material);
    for (size_t i = 0; i < PM; i++)
        if (c->pm_init[i] != 0)
            mark_pm(s, (int)(i / (size_t)c->M), (int)(i % (size_t)c->M));
    for (int e = 0; e < c->E; e++)
        if (c->e_mode[e] == FLOW_FIXED) { /* sent whatever the process holds */
            s->lv_e[e] = 1;
            mark_in(s, c->e_to[e], c->e_mat[e]);
        }
    for (int k = 0; k < c->C; k++)
        for (int i = c->c_start[k]; c->c_cycle[k] && i < c->c_start[k + 1]; i++) {
            int p = c->order[i];
            for (int mat = 0; mat < c->M; mat++)
                mark_in(s, p, mat);
            for (int e = c->p_estart[p]; e < c->p_eend[p]; e++) {
                s->lv_e[e] = 1;
                mark_in(s, c->e_to[e], c->e_mat[e]);
            }
        }
    close_over(s);
    s->lv_nodes_epoch = s->lv_epoch - 1; /* the indicators' lists: built at their first evaluation */
    return 0;
}

void flow_live__port(flow_sim *s, int e)
{
    const flow_compiled *c = &s->m->c;
    if (s->lv_e[e])
        return;
    s->lv_e[e] = 1;
    s->lv_grown = 1;
    /* the typed process sends the material: its balance (bout) and its
     * lists count it */
    mark_pm(s, c->e_from[e], c->e_mat[e]);
    mark_in(s, c->e_to[e], c->e_mat[e]);
}

void flow_live__keeps(flow_sim *s, int k)
{
    if (s->lv_tkeep[k])
        return;
    s->lv_tkeep[k] = 1;
    s->lv_grown = 1;
    flow_live__grow(s);
}

void flow_live__grow(flow_sim *s)
{
    if (!s->lv_grown)
        return;
    s->lv_grown = 0;
    close_over(s);
}

void flow_live__free(flow_sim *s)
{
    void *arrs[] = { s->lv_pm, s->lv_in, s->lv_tkeep, s->lv_e,  s->lv_m0,    s->lv_mat,    s->lv_eo, s->lv_neven,
                     s->lv_st, s->lv_queue, s->lv_g0,  s->lv_g, s->lv_items, s->lv_nitems, s->lv_i0 };
    for (size_t i = 0; i < sizeof arrs / sizeof *arrs; i++)
        flow_alloc__free(s->alloc, arrs[i]);
    s->lv_pm = s->lv_in = s->lv_tkeep = s->lv_e = NULL;
    s->lv_m0 = s->lv_mat = s->lv_eo = s->lv_neven = s->lv_st = s->lv_queue = s->lv_g0 = s->lv_g = NULL;
    s->lv_items = s->lv_nitems = NULL;
    s->lv_i0 = NULL;
}
