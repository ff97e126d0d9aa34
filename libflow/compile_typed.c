/*
 * compile_typed.c — the compiled tables of the processes of plugin types
 * and the size of each cycle's system.
 *
 * After the edges are in topological order and the components known:
 * numbers the typed processes, gives each its slices of the simulation's
 * blocks (edges by port and material, coefficients, releases, parameters,
 * state), names their metric items ("process:metric"), and sizes the
 * system each cycle is solved as (one per material, or one over processes
 * x materials when a typed process is in it).
 */
#include <stdint.h>
#include <string.h>

#include "flow_int.h"
#include "flow_plugin.h"

/* Numbers the typed processes (p_typed) and allocates their tables. */
static int alloc_typed(flow_model *m)
{
    flow_compiled *c = &m->c;
    int P = c->P, M = c->M, rc = 0;
    FLOW_COMPILE_ALLOC(c->p_typed, P);
    int NT = 0, nedge = 0, nport = 0, nmet = 0;
    size_t namebytes = 0;
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
    FLOW_COMPILE_ALLOC(c->ty, NT ? NT : 1);
    FLOW_COMPILE_ALLOC(c->ty_edge, nedge ? nedge : 1);
    FLOW_COMPILE_ALLOC(c->ty_port_to, nport ? nport : 1);
    FLOW_COMPILE_ALLOC(c->met_name, nmet ? nmet : 1);
    FLOW_COMPILE_ALLOC(c->met_proc, nmet ? nmet : 1);
    FLOW_COMPILE_ALLOC(c->met_buf, namebytes ? namebytes : 1);
    c->NMET = nmet;
fail:
    return rc;
}

/* Names the metric items of typed process p from metric item nmet on, into
 * the names' block at *w; advances both. */
static void name_metrics(flow_model *m, int p, int *nmet, char **w)
{
    flow_compiled *c = &m->c;
    const flow_process_type *t = m->procs[p].type;
    for (size_t j = 0; j < t->n_metrics; j++) {
        c->met_proc[*nmet] = p;
        c->met_name[(*nmet)++] = *w;
        size_t l1 = strlen(m->procs[p].name), l2 = strlen(t->metrics[j]);
        memcpy(*w, m->procs[p].name, l1);
        (*w)[l1] = ':';
        memcpy(*w + l1 + 1, t->metrics[j], l2 + 1);
        *w += l1 + l2 + 2;
    }
}

/* The edge of each (port, material) of typed process p, and where each
 * port goes. */
static void map_ports(flow_model *m, int p, const flow_typed *ty)
{
    flow_compiled *c = &m->c;
    for (int e = c->p_estart[p]; e < c->p_eend[p]; e++)
        if (c->e_mode[e] == FLOW_PORT) {
            int port = m->flows[c->e_flow[e]].port;
            c->ty_edge[ty->edge0 + port * c->M + c->e_mat[e]] = e;
            c->ty_port_to[ty->port0 + port] = c->e_to[e];
        }
}

/* Where each typed process's slices start in the blocks of the
 * simulation (the running sizes in `at`, advanced); its metric items. */
static int lay_typed(flow_model *m, flow_typed *at, char **w)
{
    flow_compiled *c = &m->c;
    int M = c->M;
    for (int p = 0; p < c->P; p++) {
        int k = c->p_typed[p];
        if (k < 0)
            continue;
        const flow_process_type *t = m->procs[p].type;
        flow_typed *ty = &c->ty[k];
        *ty = (flow_typed){ .t = t, .p = p, .n_ports = (int)t->n_ports, .n_params = (int)t->n_params,
                            .n_metrics = (int)t->n_metrics, .edge0 = at->edge0, .port0 = at->port0,
                            .metric0 = at->metric0, .coef0 = at->coef0, .rel0 = at->rel0,
                            .par0 = at->par0, .state0 = at->state0, .par_const = 1 };
        for (int i = 0; i < ty->n_params; i++)
            if (m->procs[p].tset[i] && m->procs[p].tparam[i] != FLOW_NONE)
                ty->par_const = 0;
        at->edge0 += ty->n_ports * M;
        at->port0 += ty->n_ports;
        at->coef0 += (size_t)ty->n_ports * M * M;
        at->rel0 += (size_t)ty->n_ports * M;
        at->par0 += ty->n_params;
        /* flow_plugin validates state_size <= FLOW_STATE_MAX: no wrap here,
         * but a model may have many processes */
        if (t->state_size > FLOW_STATE_MAX || at->state0 > SIZE_MAX - FLOW_STATE_MAX - 16)
            return flow_model__err(&m->procs[p].origin, FLOW_EINVAL,
                                   "process '%s' (type '%s'): state_size %zu is too large", m->procs[p].name,
                                   t->name, t->state_size);
        at->state0 += (t->state_size + 15) / 16 * 16;
        if (ty->n_ports * M > c->ty_maxrel)
            c->ty_maxrel = ty->n_ports * M;
        name_metrics(m, p, &at->metric0, w);
        map_ports(m, p, ty);
    }
    return 0;
}

/* Cycles: the size of each system and a bound on its entries; marks the
 * typed processes solved in a cycle and those the lean step routes. */
static int size_cycles(flow_model *m)
{
    flow_compiled *c = &m->c;
    int M = c->M, rc = 0;
    FLOW_COMPILE_ALLOC(c->c_joint, c->C);
    FLOW_COMPILE_ALLOC(c->c_n, c->C);
    FLOW_COMPILE_ALLOC(c->c_nz, c->C);
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
        if (un > 0x7fffffff / 4 || nz > 0x7fffffff / 4)
            return flow_error__set(FLOW_EINVAL, "a cycle of %d processes and %d materials is too large to solve", n, M);
        c->c_n[k] = (int)un;
        c->c_nz[k] = (int)nz + (int)un;
        if (c->c_n[k] > c->max_cycle)
            c->max_cycle = c->c_n[k];
        if (n > c->max_cycle_procs)
            c->max_cycle_procs = n;
    }
    for (int k = 0; k < c->NT; k++)
        c->ty[k].lean = !c->ty[k].in_cycle && m->procs[c->ty[k].p].cap_param == FLOW_NONE;
fail:
    return rc;
}

int flow_compile__typed(flow_model *m)
{
    flow_compiled *c = &m->c;
    int rc;
    if ((rc = alloc_typed(m)))
        return rc;
    flow_typed at = { 0 }; /* the running sizes: where the next one starts */
    char *w = c->met_buf;
    if ((rc = lay_typed(m, &at, &w)))
        return rc;
    c->ty_ncoef = at.coef0;
    c->ty_nrel = at.rel0;
    c->ty_npar = at.par0;
    /* after the states: typed.c's row marks and verified flags (flow_sim.tstate) */
    c->ty_marks = at.state0;
    c->ty_state = at.state0 + (size_t)c->ty_maxrel + (size_t)c->NT;
    return size_cycles(m);
}
