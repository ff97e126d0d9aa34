/*
 * reuse.c — what an ensemble need not compute again: the processes that
 * no varying parameter reaches.
 *
 * An ensemble changes a few parameters from one sample to the next. A
 * process none of whose own parameters varies (generation, shares and
 * fixed amounts of its flows, capacity, its type's parameters) and that
 * receives from no process that varies computes the same numbers in
 * every sample: the same inputs through the same operations. So, once a
 * simulation has run in full (flow_sim__reuse_capture), its next runs
 * keep that run's values of those processes' flows, stocks and metrics
 * (flow_sim_reset clears only the items of the processes that vary), and
 * the year step passes over them, adding what they send to the processes
 * that vary (their flows of the year: what the process added to each
 * input when it ran) at the point of the step where they ran. Every input
 * is then summed in the same order as in a full run, so the results are
 * the same to the bit. The expression nodes of indicators that read only
 * such processes (and constants, and parameters that do not vary) keep
 * their values too.
 *
 * Left out, and so always computed: the processes of cycles, those with
 * an in-use stock driven by a path (sources() reads their cohorts), and a
 * process that sends one input two flows (the order of its two additions
 * is its routine's). Setting any other parameter than the varying ones,
 * or the balance tolerance, ends the reuse (flow_sim__reuse_off).
 */
#include <string.h>

#include "sim_int.h"

/* Marks the processes that a varying parameter reaches directly. */
static void own_params(const flow_sim *s, const unsigned char *pv, unsigned char *var)
{
    const flow_model *m = s->m;
    const flow_compiled *c = &m->c;
    for (size_t i = 0; i < m->n_gens; i++)
        if (m->gens[i].param >= 0 && pv[m->gens[i].param])
            var[m->gens[i].process] = 1;
    for (size_t i = 0; i < m->n_paths; i++)
        var[m->paths[i].process] = 1;
    for (int e = 0; e < c->E; e++)
        if (c->e_param[e] >= 0 && pv[c->e_param[e]])
            var[c->e_from[e]] = 1;
    for (int p = 0; p < c->P; p++) {
        const flow_process *pr = &m->procs[p];
        if (pr->cap_param != FLOW_NONE && pv[pr->cap_param])
            var[p] = 1;
        for (int i = 0; pr->type && i < c->ty[c->p_typed[p]].n_params; i++)
            if (pr->tset[i] && pr->tparam[i] != FLOW_NONE && pv[pr->tparam[i]])
                var[p] = 1;
    }
    for (int k = 0; k < c->C; k++)
        if (s->plan[k].kind == FLOW_PLAN_CYCLE || s->plan[k].kind == FLOW_PLAN_CYCLE_SMALL)
            for (int i = c->c_start[k]; i < c->c_start[k + 1]; i++)
                var[c->order[i]] = 1;
}

/* Whether fixed process p sends two of its flows to one input of a
 * process that varies. */
static int sends_twice(const flow_compiled *c, const unsigned char *var, int p)
{
    for (int e = c->p_estart[p]; e < c->p_eend[p]; e++)
        for (int f = e + 1; var[c->e_to[e]] && f < c->p_eend[p]; f++)
            if (c->e_to[f] == c->e_to[e] && c->e_mat[f] == c->e_mat[e])
                return 1;
    return 0;
}

/* The processes that vary: reached by a varying parameter, or
 * downstream of one that varies, or (sends_twice) left out. */
static void varying(const flow_sim *s, const unsigned char *pv, unsigned char *var)
{
    const flow_compiled *c = &s->m->c;
    memset(var, 0, (size_t)c->P);
    own_params(s, pv, var);
    for (int changed = 1; changed;) {
        changed = 0;
        for (int e = 0; e < c->E; e++)
            if (var[c->e_from[e]] && !var[c->e_to[e]])
                var[c->e_to[e]] = changed = 1;
        for (int p = 0; !changed && p < c->P; p++)
            if (!var[p] && sends_twice(c, var, p))
                var[p] = changed = 1;
    }
}

/* The runs of consecutive items (start, length) in runs[] that belong to
 * processes that vary, of n items owned by owner[i] (owner NULL: item i is
 * process i), less those marked in skip (may be NULL); returns how many. */
static int varying_runs(const flow_sim *s, int n, const int *owner, const unsigned char *skip, int *runs)
{
    int nr = 0;
    for (int i = 0; i < n; i++) {
        if (!s->rpvar[owner ? owner[i] : i] || (skip && skip[i]))
            continue;
        if (nr > 0 && runs[2 * nr - 2] + runs[2 * nr - 1] == i) {
            runs[2 * nr - 1]++;
        } else {
            runs[2 * nr] = i;
            runs[2 * nr + 1] = 1;
            nr++;
        }
    }
    return nr;
}

/* The parameters that may vary: those named, and every product of one. */
static void varying_params(const flow_model *m, const unsigned char *vary, unsigned char *pv)
{
    const int NP = m->c.NP;
    memcpy(pv, vary, (size_t)NP);
    for (int changed = 1; changed;) {
        changed = 0;
        for (int p = 0; p < NP; p++)
            if (m->params[p].product && !pv[p] && (pv[m->params[p].a] || pv[m->params[p].b]))
                pv[p] = changed = 1;
    }
}

/* The expression nodes whose value is the same in every run: constants,
 * parameters that do not vary, sums of items of fixed processes only,
 * and operations on such nodes (operands precede the node). */
static void fixed_nodes(flow_sim *s, const unsigned char *pv)
{
    const flow_model *m = s->m;
    const flow_compiled *c = &m->c;
    for (size_t k = 0; k < m->n_nodes; k++) {
        const flow_node *n = &m->nodes[k];
        int fixed = 1;
        switch (n->kind) {
        case FLOW_NODE_FLOWS:
        case FLOW_NODE_STOCKS:
        case FLOW_NODE_METRICS: {
            const int *owner = n->kind == FLOW_NODE_FLOWS ? c->e_from
                               : n->kind == FLOW_NODE_STOCKS ? c->s_proc : c->met_proc;
            for (int i = 0; fixed && i < n->n_items; i++)
                fixed = !s->rpvar[owner[n->items[i]]];
            break;
        }
        case FLOW_NODE_PARAM:
            fixed = !pv[n->param];
            break;
        case FLOW_NODE_CONST:
            break;
        case FLOW_NODE_OP:
            fixed = s->rnode[n->a] && s->rnode[n->b];
            break;
        default: /* AT, CHANGE */
            fixed = s->rnode[n->a];
        }
        s->rnode[k] = (unsigned char)fixed;
    }
}

/* The port flows of the typed processes that vary outside cycles: the
 * step writes only the rows their transfers list (typed_lean, emit_rows),
 * so the reset clears what it wrote (the log), not all n_ports x M of
 * them in every year. The log's room: n_ports x M a year for each. */
static void logged_ports(flow_sim *s)
{
    const flow_compiled *c = &s->m->c;
    size_t room = 0;
    memset(s->rlogged, 0, (size_t)c->E);
    for (int k = 0; k < c->NT; k++) {
        const flow_typed *ty = &c->ty[k];
        if (!s->rpvar[ty->p] || ty->in_cycle)
            continue;
        for (int r = 0; r < ty->n_ports * c->M; r++)
            if (c->ty_edge[ty->edge0 + r] >= 0)
                s->rlogged[c->ty_edge[ty->edge0 + r]] = 1;
        room += (size_t)ty->n_ports * (size_t)c->M * (size_t)c->T;
    }
    s->rlog_room = room;
}

int flow_sim__reuse_prepare(flow_sim *s, const unsigned char *vary)
{
    const flow_compiled *c = &s->m->c;
    const flow_allocator *a = s->alloc;
    unsigned char *pv = flow_alloc__malloc(a, (size_t)c->NP + 1);
    s->rpvar = flow_alloc__malloc(a, (size_t)c->P + 1);
    s->rvary = flow_alloc__malloc(a, (size_t)c->NP + 1);
    s->rfixed = flow_alloc__calloc(a, (size_t)c->C + 1, 1);
    s->rvisit = flow_alloc__malloc(a, ((size_t)c->C + 1) * sizeof *s->rvisit);
    s->rrep0 = flow_alloc__calloc(a, (size_t)c->C + 1, sizeof *s->rrep0);
    s->rrep_e = flow_alloc__malloc(a, ((size_t)c->E + 1) * sizeof *s->rrep_e);
    s->rrep_xi = flow_alloc__malloc(a, ((size_t)c->E + 1) * sizeof *s->rrep_xi);
    const int n[4] = { c->E, c->S, c->NMET, c->P };
    for (int k = 0; k < 4; k++)
        s->rzero[k] = flow_alloc__malloc(a, (2 * (size_t)n[k] + 1) * sizeof(int));
    s->rlogged = flow_alloc__malloc(a, (size_t)c->E + 1);
    s->rclr[0] = flow_alloc__malloc(a, ((size_t)c->E + 1) * sizeof(int));
    s->rclr[1] = flow_alloc__malloc(a, ((size_t)c->S + 1) * sizeof(int));
    s->rclr[2] = flow_alloc__malloc(a, ((size_t)c->P * (size_t)c->M + 1) * sizeof(int));
    s->rnode = flow_alloc__malloc(a, s->m->n_nodes + 1);
    s->rnvar = flow_alloc__malloc(a, (s->m->n_nodes + 1) * sizeof *s->rnvar);
    s->rprod = flow_alloc__malloc(a, ((size_t)c->NP + 1) * sizeof *s->rprod);
    if (!pv || !s->rnode || !s->rnvar || !s->rprod || !s->rpvar || !s->rvary || !s->rfixed || !s->rvisit || !s->rrep0 || !s->rrep_e || !s->rrep_xi || !s->rzero[0] ||
        !s->rzero[1] || !s->rzero[2] || !s->rzero[3] ||
        !s->rlogged || !s->rclr[0] || !s->rclr[1] || !s->rclr[2]) {
        flow_alloc__free(a, pv);
        flow_sim__reuse_free(s);
        return flow_error__nomem("ensemble: the rows computed once");
    }
    memcpy(s->rvary, vary, (size_t)c->NP);
    varying_params(s->m, vary, pv);
    varying(s, pv, s->rpvar);
    fixed_nodes(s, pv);
    s->nrprod = 0;
    for (int i = 0; i < s->n_prod; i++)
        if (pv[s->prod[i]])
            s->rprod[s->nrprod++] = s->prod[i];
    flow_alloc__free(a, pv);
    s->nrnvar = 0;
    for (size_t k = 0; k < s->m->n_nodes; k++)
        if (!s->rnode[k])
            s->rnvar[s->nrnvar++] = (int)k;
    /* the components computed once, and what each adds to the inputs of
     * processes that vary: its flows to them, in the order of its edges */
    int nr = 0;
    for (int k = 0; k < c->C; k++) {
        const flow_plan *pl = &s->plan[k];
        s->rrep0[k] = nr;
        if (pl->kind == FLOW_PLAN_CYCLE || pl->kind == FLOW_PLAN_CYCLE_SMALL || s->rpvar[pl->p])
            continue;
        s->rfixed[k] = 1;
        for (int e = c->p_estart[pl->p]; e < c->p_eend[pl->p]; e++)
            if (s->rpvar[c->e_to[e]]) {
                s->rrep_e[nr] = e;
                s->rrep_xi[nr++] = c->e_to[e] * c->M + c->e_mat[e];
            }
    }
    s->rrep0[c->C] = nr;
    logged_ports(s);
    s->rnzero[0] = varying_runs(s, c->E, c->e_from, s->rlogged, s->rzero[0]);
    s->rnzero[1] = varying_runs(s, c->S, c->s_proc, NULL, s->rzero[1]);
    s->rnzero[2] = varying_runs(s, c->NMET, c->met_proc, NULL, s->rzero[2]);
    s->rnzero[3] = varying_runs(s, c->P, NULL, NULL, s->rzero[3]);
    s->rlog = flow_alloc__malloc(a, (s->rlog_room + 1) * sizeof *s->rlog);
    if (!s->rlog) {
        flow_sim__reuse_free(s);
        return flow_error__nomem("ensemble: the rows computed once");
    }
    s->rnlog = 0;
    s->rclr_epoch = s->lv_epoch - 1; /* built at the first clearing */
    s->reuse = 0;
    s->rready = 1;
    return 0;
}

/* Whether flow item e is +0 in every year of the run (its replay would
 * add +0 to an input, which changes nothing). */
static int always_zero(const flow_sim *s, int e)
{
    const flow_compiled *c = &s->m->c;
    uint64_t any = 0;
    for (int t = 0; t < c->T; t++)
        any |= flow__bits_or(s->data[FLOW_ITEM_FLOW] + (size_t)t * (size_t)c->E + e, 1);
    return any == 0;
}

void flow_sim__reuse_capture(flow_sim *s)
{
    const flow_compiled *c = &s->m->c;
    if (!s->rready || s->reuse || s->failed || s->t != c->T)
        return;
    /* the replay keeps the flows that carried something */
    int n = 0;
    for (int k = 0; k < c->C; k++) {
        int j0 = s->rrep0[k], j1 = s->rrep0[k + 1];
        s->rrep0[k] = n;
        for (int j = j0; j < j1; j++)
            if (!always_zero(s, s->rrep_e[j])) {
                s->rrep_e[n] = s->rrep_e[j];
                s->rrep_xi[n++] = s->rrep_xi[j];
            }
    }
    s->rrep0[c->C] = n;
    /* the components the step visits: those that vary, and the fixed
     * ones that add something to an input of one that varies */
    s->nrvisit = 0;
    for (int k = 0; k < c->C; k++)
        if (!s->rfixed[k] || s->rrep0[k + 1] > s->rrep0[k])
            s->rvisit[s->nrvisit++] = k;
    /* the next reset clears all the logged port flows, which this run
     * wrote without a log; from then on the log says what to clear */
    s->rnlog = 0;
    s->rall = 1;
    s->reuse = 1;
}

/* The live items (live.c) of the runs of flows and stocks that the reset
 * clears, and of the inputs the year step clears: those that are not
 * live hold +0 already. */
static void live_clears(flow_sim *s)
{
    const int M = s->m->c.M;
    s->rnclr[0] = s->rnclr[1] = s->rnclr[2] = 0;
    for (int r = 0; r < s->rnzero[0]; r++) /* flows */
        for (int i = s->rzero[0][2 * r]; i < s->rzero[0][2 * r] + s->rzero[0][2 * r + 1]; i++)
            if (s->lv_e[i])
                s->rclr[0][s->rnclr[0]++] = i;
    for (int r = 0; r < s->rnzero[1]; r++) /* stocks */
        for (int i = s->rzero[1][2 * r]; i < s->rzero[1][2 * r] + s->rzero[1][2 * r + 1]; i++)
            if (flow_live__stock(s, i))
                s->rclr[1][s->rnclr[1]++] = i;
    for (int r = 0; r < s->rnzero[3]; r++) /* inputs: processes */
        for (int p = s->rzero[3][2 * r]; p < s->rzero[3][2 * r] + s->rzero[3][2 * r + 1]; p++)
            for (int j = s->lv_m0[p]; j < s->lv_m0[p + 1]; j++)
                s->rclr[2][s->rnclr[2]++] = p * M + s->lv_mat[j];
    s->rclr_epoch = s->lv_epoch;
}

void flow_sim__reuse_clear(flow_sim *s)
{
    const flow_compiled *c = &s->m->c;
    if (s->rclr_epoch != s->lv_epoch)
        live_clears(s);
    for (int e = 0; s->rall && e < c->E; e++)
        for (int t = 0; s->rlogged[e] && t < c->T; t++)
            s->data[FLOW_ITEM_FLOW][(size_t)t * (size_t)c->E + (size_t)e] = 0;
    s->rall = 0;
    for (size_t i = 0; i < s->rnlog; i++)
        s->data[FLOW_ITEM_FLOW][s->rlog[i]] = 0;
    s->rnlog = 0;
    const int n[2] = { c->E, c->S };
    const flow_item_kind kind[2] = { FLOW_ITEM_FLOW, FLOW_ITEM_STOCK };
    for (int k = 0; k < 2; k++)
        for (int t = 0; t < c->T; t++) {
            double *row = s->data[kind[k]] + (size_t)t * (size_t)n[k];
            for (int i = 0; i < s->rnclr[k]; i++)
                row[s->rclr[k][i]] = 0;
        }
    for (int t = 0; t < c->T; t++) {
        double *row = s->data[FLOW_ITEM_METRIC] + (size_t)t * (size_t)c->NMET;
        for (int r = 0; r < s->rnzero[2]; r++)
            memset(row + s->rzero[2][2 * r], 0, (size_t)s->rzero[2][2 * r + 1] * sizeof *row);
    }
}

void flow_sim__reuse_off(flow_sim *s)
{
    s->reuse = 0;
    s->rready = 0;
}

void flow_sim__reuse_free(flow_sim *s)
{
    const flow_allocator *a = s->alloc;
    void *arrs[] = { s->rnode, s->rnvar, s->rprod, s->rpvar, s->rvary, s->rfixed, s->rvisit, s->rrep0, s->rrep_e, s->rrep_xi, s->rzero[0], s->rzero[1],
                     s->rzero[2], s->rzero[3], s->rlogged, s->rlog, s->rclr[0], s->rclr[1], s->rclr[2] };
    for (size_t i = 0; i < sizeof arrs / sizeof *arrs; i++)
        flow_alloc__free(a, arrs[i]);
    s->rnode = s->rpvar = s->rvary = s->rfixed = NULL;
    s->rnvar = s->rprod = NULL;
    s->rvisit = NULL;
    s->rrep0 = s->rrep_e = s->rrep_xi = NULL;
    s->rzero[0] = s->rzero[1] = s->rzero[2] = s->rzero[3] = NULL;
    s->rlogged = NULL;
    s->rlog = NULL;
    s->rclr[0] = s->rclr[1] = s->rclr[2] = NULL;
    s->rnlog = s->rlog_room = 0;
    s->reuse = s->rready = 0;
}

void flow_sim__reuse_clear_inputs(flow_sim *s)
{
    if (s->rclr_epoch != s->lv_epoch)
        live_clears(s);
    for (int i = 0; i < s->rnclr[2]; i++)
        s->x[s->rclr[2][i]] = 0;
}

void flow_sim__reuse_replay(const flow_step *st, int k)
{
    flow_sim *s = st->s;
    for (int j = s->rrep0[k]; j < s->rrep0[k + 1]; j++)
        s->x[s->rrep_xi[j]] += st->flows[s->rrep_e[j]];
}
