/*
 * items.c — the result items of a compiled model: their names, unique
 * within each kind (checked when the model is compiled, so that a name
 * read back from results, an export or a diff means one item), and the
 * look-ups by name and index.
 *
 * Flows are "from->to:material"; the flows a model does not define one by
 * one are qualified always, so that a name never depends on which other
 * flows exist: "from[overflow]->to:material" for the overflow of a
 * capacity, "from[port]->to:material" for a port of a typed process.
 * Stocks are "process:material", backlogs "process/backlog:material",
 * metrics "process:metric"; parameters and indicators keep their names
 * (model.c and indicator.c refuse a name defined twice).
 */
#include <stdio.h>
#include <string.h>

#include "flow_int.h"
#include "flow_plugin.h"

/* ---- names -------------------------------------------------------------------- */

static int unique_names(flow_model *m);

/* What names a flow item apart from the other flows between the same two
 * processes: NULL for a flow the model defined (at most one per material
 * between two processes: unique_names checks it), "overflow" for the
 * overflow of a capacity, the port of a typed process. */
static const char *edge_qualifier(const flow_model *m, int e)
{
    const flow_compiled *c = &m->c;
    if (c->e_mode[e] == FLOW_OVERFLOW)
        return "overflow";
    if (c->e_mode[e] == FLOW_PORT)
        return m->procs[c->e_from[e]].type->ports[m->flows[c->e_flow[e]].port];
    return NULL;
}

/* The names of all result items in one block: one allocation, not one per
 * item (a large model has half a million flow items). Flows
 * "from->to:material", or "from[overflow]->to:material" and
 * "from[port]->to:material" for the flows a model does not define one by
 * one (docs/results-format.md); stocks "process:material" and backlogs
 * "process/backlog:material". */
int flow_items__names(flow_model *m)
{
    flow_compiled *c = &m->c;
    size_t total = 0;
    for (int e = 0; e < c->E; e++) {
        const char *q = edge_qualifier(m, e);
        total += strlen(m->procs[c->e_from[e]].name) + strlen(m->procs[c->e_to[e]].name) +
                 strlen(m->mats[c->e_mat[e]].name) + 4 + (q ? strlen(q) + 2 : 0);
    }
    for (int i = 0; i < c->S; i++) {
        int p = c->s_proc[i];
        total += strlen(m->procs[p].name) + strlen(m->mats[c->s_mat[i]].name) + 2 +
                 (c->p_backlog[p] >= 0 && i >= c->p_backlog[p] ? 8 : 0);
    }
    char *buf = flow_alloc__malloc(&m->alloc, total ? total : 1);
    if (!buf)
        return flow_error__nomem("result item names");
    c->name_buf = buf;
    char *w = buf;
#define PUT(str)                                    \
    do {                                            \
        size_t l_ = strlen(str);                    \
        memcpy(w, (str), l_);                       \
        w += l_;                                    \
    } while (0)
    for (int e = 0; e < c->E; e++) {
        const char *q = edge_qualifier(m, e);
        c->e_name[e] = w;
        PUT(m->procs[c->e_from[e]].name);
        if (q) {
            PUT("[");
            PUT(q);
            PUT("]");
        }
        PUT("->");
        PUT(m->procs[c->e_to[e]].name);
        PUT(":");
        PUT(m->mats[c->e_mat[e]].name);
        *w++ = '\0';
    }
    for (int i = 0; i < c->S; i++) {
        int p = c->s_proc[i];
        c->s_name[i] = w;
        PUT(m->procs[p].name);
        if (c->p_backlog[p] >= 0 && i >= c->p_backlog[p])
            PUT("/backlog");
        PUT(":");
        PUT(m->mats[c->s_mat[i]].name);
        *w++ = '\0';
    }
#undef PUT
    return unique_names(m);
}

/* ---- uniqueness ------------------------------------------------------------------ */

/* What item i of a kind is, for an error naming it, and where the model
 * defines it. */
static const flow_origin *describe(const flow_model *m, flow_item_kind kind, int i, char *buf, size_t n)
{
    const flow_compiled *c = &m->c;
    if (kind == FLOW_ITEM_FLOW) {
        const char *from = m->procs[c->e_from[i]].name, *to = m->procs[c->e_to[i]].name;
        if (c->e_mode[i] == FLOW_OVERFLOW) {
            snprintf(buf, n, "the overflow of process '%s' to '%s'", from, to);
            return &m->procs[c->e_from[i]].origin;
        }
        const flow_flowdef *f = &m->flows[c->e_flow[i]];
        if (c->e_mode[i] == FLOW_PORT)
            snprintf(buf, n, "port '%s' of process '%s' to '%s'", edge_qualifier(m, i), from, to);
        else
            snprintf(buf, n, "the flow %s->%s of %s%s%s", from, to, f->material == FLOW_ALL ? "all materials" : "'",
                     f->material == FLOW_ALL ? "" : m->mats[f->material].name, f->material == FLOW_ALL ? "" : "'");
        return &f->origin;
    }
    if (kind == FLOW_ITEM_STOCK) {
        int p = c->s_proc[i];
        snprintf(buf, n, "the %s of process '%s'", c->p_backlog[p] >= 0 && i >= c->p_backlog[p] ? "backlog" : "stock",
                 m->procs[p].name);
        return &m->procs[p].origin;
    }
    int p = c->met_proc[i];
    snprintf(buf, n, "metric '%s' of process '%s'", c->met_name[i] + strlen(m->procs[p].name) + 1, m->procs[p].name);
    return &m->procs[p].origin;
}

/* The error for two items of a kind that got the same name: FLOW_EEXIST
 * at the later definition, naming both. */
static int clash(const flow_model *m, flow_item_kind kind, const char *name, int j, int i)
{
    static const char *const words[] = { "flow", "stock", "", "", "metric" };
    char d[2][300], at[300] = "";
    const flow_origin *o[2] = { describe(m, kind, j, d[0], sizeof d[0]), describe(m, kind, i, d[1], sizeof d[1]) };
    int later = o[0]->file && o[1]->file && strcmp(o[0]->file, o[1]->file) == 0 && o[0]->line > o[1]->line ? 0 : 1;
    const flow_origin *oj = o[1 - later], *oi = o[later];
    if (oj->file)
        snprintf(at, sizeof at, " (%s:%d)", oj->file, oj->line);
    const flow_compiled *c = &m->c;
    if (kind == FLOW_ITEM_FLOW && c->e_mode[i] != FLOW_OVERFLOW && c->e_mode[j] != FLOW_OVERFLOW &&
        c->e_mode[i] != FLOW_PORT && c->e_mode[j] != FLOW_PORT && c->e_from[i] == c->e_from[j] &&
        c->e_to[i] == c->e_to[j])
        return flow_model__err(oi, FLOW_EEXIST, "flow '%s' is defined twice: by %s%s and by %s; two flows of one "
                               "material between the same processes cannot be told apart in the results: make "
                               "them one flow", name, d[1 - later], at, d[later]);
    return flow_model__err(oi, FLOW_EEXIST, "two %ss are named '%s': %s%s and %s; rename a process or a material "
                           "(names holding '->', ':', '[' or '/' can make two result names the same)",
                           words[kind], name, d[1 - later], at, d[later]);
}

/* Indexes names[0..n-1] into ix; the first name given twice is an error. */
static int index_names(flow_model *m, flow_item_kind kind, flow_nameidx *ix, char **names, int n)
{
    for (int i = 0; i < n; i++) {
        int j = flow_nameidx__find(ix, names[i], names, sizeof *names);
        if (j >= 0)
            return clash(m, kind, names[i], j, i);
        /* n: sized for all at once */
        int rc = flow_nameidx__add(ix, &m->alloc, i, (size_t)n, names, sizeof *names);
        if (rc)
            return rc;
    }
    return 0;
}

/* 1 when no name a flow's name is made of holds a separator ('[', ']',
 * ':', "->") and no port is called "overflow": then a flow's name parses
 * back into (from, port or overflow, to, material) in one way only, and
 * flows_apart suffices. */
static int plain_names(const flow_model *m)
{
    for (size_t i = 0; i < m->n_mats + m->n_procs; i++) {
        const char *n = i < m->n_mats ? m->mats[i].name : m->procs[i - m->n_mats].name;
        if (strpbrk(n, "[]:") || strstr(n, "->"))
            return 0;
        const flow_process_type *t = i < m->n_mats ? NULL : m->procs[i - m->n_mats].type;
        for (size_t k = 0; t && k < t->n_ports; k++)
            if (strpbrk(t->ports[k], "[]:") || strstr(t->ports[k], "->") || strcmp(t->ports[k], "overflow") == 0)
                return 0;
    }
    return 1;
}

/* With plain names, two flows get the same name only when the model
 * defines two flows of one material between the same processes (an
 * overflow is one per process and material, a port one per process, port
 * and material): found in one pass over the routing groups, whose edges
 * are contiguous, without hashing half a million names. */
static int flows_apart(flow_model *m)
{
    const flow_compiled *c = &m->c;
    int *group = flow_alloc__malloc(&m->alloc, (size_t)(c->P ? c->P : 1) * sizeof *group);
    int *edge = flow_alloc__malloc(&m->alloc, (size_t)(c->P ? c->P : 1) * sizeof *edge);
    int rc = 0;
    if (!group || !edge) {
        rc = flow_error__nomem("the check of the flow names");
        goto done;
    }
    for (int p = 0; p < c->P; p++)
        group[p] = -1;
    for (int g = 0; g < c->G && !rc; g++)
        for (int e = c->g_start[g]; e < c->g_end[g]; e++) {
            int to = c->e_to[e];
            if (group[to] == g) {
                rc = clash(m, FLOW_ITEM_FLOW, c->e_name[e], edge[to], e);
                break;
            }
            group[to] = g;
            edge[to] = e;
        }
done:
    flow_alloc__free(&m->alloc, group);
    flow_alloc__free(&m->alloc, edge);
    return rc;
}

/* Flows, stocks and metrics: each name once within its kind. Stocks and
 * metrics (a few thousand) through a hash set, kept for the look-ups by
 * name; flows so too when a name holds a separator, else by structure. */
static int unique_names(flow_model *m)
{
    flow_compiled *c = &m->c;
    int rc = plain_names(m) ? flows_apart(m) : index_names(m, FLOW_ITEM_FLOW, &c->e_ix, c->e_name, c->E);
    if (!rc)
        rc = index_names(m, FLOW_ITEM_STOCK, &c->s_ix, c->s_name, c->S);
    if (!rc)
        rc = index_names(m, FLOW_ITEM_METRIC, &c->met_ix, c->met_name, c->NMET);
    return rc;
}

/* ---- items ----------------------------------------------------------------------- */

int flow_model_n_items(const flow_model *m, flow_item_kind kind)
{
    if (!m->compiled)
        return 0;
    switch (kind) {
    case FLOW_ITEM_FLOW: return m->c.E;
    case FLOW_ITEM_STOCK: return m->c.S;
    case FLOW_ITEM_PARAM: return m->c.NP;
    case FLOW_ITEM_INDICATOR: return (int)m->n_inds;
    case FLOW_ITEM_METRIC: return m->c.NMET;
    default: return 0;
    }
}

int flow_model_item_info(const flow_model *m, flow_item_kind kind, int item, flow_item_info *out)
{
    if (!m->compiled)
        return flow_error__set(FLOW_ESTATE, "the model is not compiled: it has no result items yet");
    int n = flow_model_n_items(m, kind);
    if ((unsigned)kind >= FLOW_ITEM_KIND_COUNT_ || item < 0 || item >= n)
        return flow_error__set(FLOW_ENOTFOUND, "no result item %d of kind %d (there are %d)", item, (int)kind, n);
    const flow_compiled *c = &m->c;
    memset(out, 0, sizeof *out);
    switch (kind) {
    case FLOW_ITEM_FLOW:
        out->name = c->e_name[item];
        out->from = c->e_from[item];
        out->to = c->e_to[item];
        out->material = c->e_mat[item];
        out->flow = c->e_flow[item];
        out->mode = c->e_mode[item];
        break;
    case FLOW_ITEM_STOCK:
        out->name = c->s_name[item];
        out->from = c->s_proc[item];
        out->to = -1;
        out->material = c->s_mat[item];
        out->flow = -1;
        break;
    case FLOW_ITEM_PARAM:
        out->name = m->params[item].name;
        out->from = out->to = out->material = out->flow = -1;
        break;
    case FLOW_ITEM_METRIC:
        out->name = c->met_name[item];
        out->from = c->met_proc[item];
        out->to = out->material = out->flow = -1;
        break;
    default:
        out->name = m->inds[item].name;
        out->from = out->to = out->material = out->flow = -1;
        break;
    }
    return 0;
}

/* Item name of a kind in names[0..n-1], through its index when it has
 * one (the flows of a model with plain names have none), or
 * FLOW_ENOTFOUND naming the nearest. */
static int find_named(const flow_nameidx *ix, char *const *names, int n, const char *what, const char *name,
                      int *item)
{
    int i = ix->cap ? flow_nameidx__find(ix, name, names, sizeof *names) : n - 1;
    while (!ix->cap && i >= 0 && strcmp(names[i], name) != 0)
        i--;
    if (i >= 0) {
        if (item)
            *item = i;
        return 0;
    }
    const char *near = flow_model__nearest(name, (const char *const *)names, (size_t)n, sizeof *names);
    return flow_error__set(FLOW_ENOTFOUND, "no %s '%s'%s%s%s", what, name, near ? " (did you mean '" : "",
                           near ? near : "", near ? "'?)" : "");
}

int flow_model_find_item(const flow_model *m, flow_item_kind kind, const char *name, int *item)
{
    if (!m->compiled)
        return flow_error__set(FLOW_ESTATE, "the model is not compiled: it has no result items yet");
    if (!name)
        return flow_error__set(FLOW_EINVAL, "flow_model_find_item: name is NULL");
    const flow_compiled *c = &m->c;
    switch (kind) {
    case FLOW_ITEM_FLOW: return find_named(&c->e_ix, c->e_name, c->E, "flow", name, item);
    case FLOW_ITEM_STOCK: return find_named(&c->s_ix, c->s_name, c->S, "stock", name, item);
    case FLOW_ITEM_PARAM: return flow_model_find_param(m, name, item);
    case FLOW_ITEM_INDICATOR: return flow_model_find_indicator(m, name, item);
    case FLOW_ITEM_METRIC: return find_named(&c->met_ix, c->met_name, c->NMET, "metric", name, item);
    default: return flow_error__set(FLOW_EINVAL, "invalid item kind %d", (int)kind);
    }
}

/* A flow the model defined is preferred; an overflow or port flow of the
 * same processes and material is found when there is no such flow. */
int flow_model_find_flow_item(const flow_model *m, int from, int to, int material, int *item)
{
    if (!m->compiled)
        return flow_error__set(FLOW_ESTATE, "the model is not compiled: it has no result items yet");
    const flow_compiled *c = &m->c;
    if (from < 0 || from >= c->P)
        return flow_error__set(FLOW_ENOTFOUND, "no process with index %d", from);
    int other = -1;
    for (int e = c->p_estart[from]; e < c->p_eend[from]; e++)
        if (c->e_to[e] == to && c->e_mat[e] == material) {
            if (c->e_mode[e] == FLOW_OVERFLOW || c->e_mode[e] == FLOW_PORT) {
                if (other < 0)
                    other = e;
                continue;
            }
            if (item)
                *item = e;
            return 0;
        }
    if (other >= 0) {
        if (item)
            *item = other;
        return 0;
    }
    return flow_error__set(FLOW_ENOTFOUND, "no flow of material '%s' from '%s' to '%s'",
                           material >= 0 && material < c->M ? m->mats[material].name : "?",
                           m->procs[from].name, to >= 0 && to < c->P ? m->procs[to].name : "?");
}
