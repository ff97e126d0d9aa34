/*
 * indicator.c — indicators and targets: expressions over the results.
 *
 * A plan's indicators are sums of flows or stocks picked by selectors
 * (from/to process, process kind, material, category), parameters
 * (exogenous figures), and arithmetic on them: ratios, changes relative
 * to a base year. They are kept as a small expression graph; compiling
 * turns every selector into the list of result items it sums, so that a
 * year's evaluation is a walk over index lists — cheap enough to run for
 * every Monte Carlo sample.
 */
#include <math.h>
#include <string.h>

#include "flow_int.h"

static const char *const cmp_names[] = { ">=", ">", "<=", "<", "rises" };

const char *flow_cmp_name(flow_cmp c)
{
    return (unsigned)c < sizeof cmp_names / sizeof *cmp_names ? cmp_names[c] : NULL;
}

int flow_cmp_parse(const char *name, flow_cmp *out)
{
    int v, rc = flow_model__parse_name("comparator", name, cmp_names, sizeof cmp_names / sizeof *cmp_names, &v);
    if (rc == 0)
        *out = (flow_cmp)v;
    return rc;
}

/* ---- definitions ------------------------------------------------------------- */

static void free_node(const flow_allocator *a, flow_node *n)
{
    flow_alloc__free(a, n->from);
    flow_alloc__free(a, n->to);
    flow_alloc__free(a, n->mats);
    flow_alloc__free(a, n->fk);
    flow_alloc__free(a, n->tk);
    flow_alloc__free(a, n->cats);
    flow_alloc__free(a, n->items);
    flow_alloc__free(a, n->metric);
}

void flow_indicator__free_compiled(flow_model *m)
{
    for (size_t i = 0; i < m->n_nodes; i++) {
        flow_alloc__free(&m->alloc, m->nodes[i].items);
        m->nodes[i].items = NULL;
        m->nodes[i].n_items = 0;
    }
}

void flow_indicator__free_defs(flow_model *m)
{
    const flow_allocator *a = &m->alloc;
    for (size_t i = 0; i < m->n_nodes; i++)
        free_node(a, &m->nodes[i]);
    for (size_t i = 0; i < m->n_inds; i++) {
        flow_alloc__free(a, m->inds[i].name);
        flow_alloc__free(a, m->inds[i].unit);
        flow_alloc__free(a, m->inds[i].source);
        flow_alloc__free(a, m->inds[i].title);
    }
    for (size_t i = 0; i < m->n_targets; i++)
        flow_alloc__free(a, m->targets[i].source);
    flow_alloc__free(a, m->nodes);
    flow_alloc__free(a, m->inds);
    flow_alloc__free(a, m->targets);
}

static int new_node(flow_model *m, int kind, flow_node **out, int *idx)
{
    if (m->compiled)
        return flow_model__err(&m->cur, FLOW_ESTATE, "cannot add an expression: the model is compiled");
    int rc = flow_alloc__grow(&m->alloc, (void **)&m->nodes, &m->cap_nodes, m->n_nodes + 1,
                              sizeof *m->nodes, "the expression table");
    if (rc)
        return rc;
    flow_node *n = &m->nodes[m->n_nodes];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->depth = 1;
    n->a = n->b = n->param = -1;
    n->origin = m->cur;
    *out = n;
    *idx = (int)m->n_nodes;
    return 0;
}

static int check_node(const flow_model *m, int node)
{
    if (node < 0 || (size_t)node >= m->n_nodes)
        return flow_model__err(&m->cur, FLOW_ENOTFOUND, "no expression node %d", node);
    return 0;
}

/* The depth of new node idx from its operands'; a node deeper than
 * FLOW_EXPR_MAX_DEPTH is taken back with an error (an expression built by
 * a runaway loop, not a plan's indicator). */
static int set_depth(flow_model *m, int idx)
{
    flow_node *n = &m->nodes[idx];
    int da = n->a >= 0 ? m->nodes[n->a].depth : 0, db = n->b >= 0 ? m->nodes[n->b].depth : 0;
    n->depth = 1 + (da > db ? da : db);
    if (n->depth <= FLOW_EXPR_MAX_DEPTH)
        return 0;
    m->n_nodes--;
    return flow_model__err(&m->cur, FLOW_EINVAL, "expression: nested more than %d deep", FLOW_EXPR_MAX_DEPTH);
}

/* Copies a list of ints (or enums of int size) checked against [0, lim). */
static int copy_list(flow_model *m, const void *src, size_t n, size_t sz, int lim,
                     const char *what, void **dst)
{
    *dst = NULL;
    if (n == 0)
        return 0;
    if (!src)
        return flow_model__err(&m->cur, FLOW_EINVAL, "selector: %s list is NULL with %zu entries", what, n);
    for (size_t i = 0; i < n; i++) {
        int v = *(const int *)((const char *)src + i * sz);
        if (v < 0 || v >= lim)
            return flow_model__err(&m->cur, FLOW_ENOTFOUND, "selector: no %s with index %d", what, v);
    }
    *dst = flow_alloc__malloc(&m->alloc, n * sz);
    if (!*dst)
        return flow_error__nomem("a selector");
    memcpy(*dst, src, n * sz);
    return 0;
}

static int sum_node(flow_model *m, int kind, const flow_selector *sel, int *node)
{
    flow_selector any = FLOW_SELECTOR_INIT;
    if (!sel)
        sel = &any;
    if (kind == FLOW_NODE_STOCKS && (sel->n_to || sel->n_to_kind))
        return flow_model__err(&m->cur, FLOW_EINVAL, "a stock selector picks processes by 'from' only, not 'to'");
    int idx, rc;
    flow_node *n;
    if ((rc = new_node(m, kind, &n, &idx)))
        return rc;
    void *p[6] = { 0 };
    if ((rc = copy_list(m, sel->from, sel->n_from, sizeof(int), (int)m->n_procs, "process", &p[0])) ||
        (rc = copy_list(m, sel->to, sel->n_to, sizeof(int), (int)m->n_procs, "process", &p[1])) ||
        (rc = copy_list(m, sel->materials, sel->n_materials, sizeof(int), (int)m->n_mats, "material", &p[2])) ||
        (rc = copy_list(m, sel->from_kind, sel->n_from_kind, sizeof(flow_kind), FLOW_TYPED + 1, "process kind", &p[3])) ||
        (rc = copy_list(m, sel->to_kind, sel->n_to_kind, sizeof(flow_kind), FLOW_TYPED + 1, "process kind", &p[4])) ||
        (rc = copy_list(m, sel->categories, sel->n_categories, sizeof(flow_category), FLOW_CAT_COUNT_, "category", &p[5]))) {
        for (int i = 0; i < 6; i++)
            flow_alloc__free(&m->alloc, p[i]);
        return rc;
    }
    n->from = p[0];
    n->n_from = sel->n_from;
    n->to = p[1];
    n->n_to = sel->n_to;
    n->mats = p[2];
    n->n_mats = sel->n_materials;
    n->fk = p[3];
    n->n_fk = sel->n_from_kind;
    n->tk = p[4];
    n->n_tk = sel->n_to_kind;
    n->cats = p[5];
    n->n_cats = sel->n_categories;
    m->n_nodes++;
    *node = idx;
    return 0;
}

int flow_expr_flows(flow_model *m, const flow_selector *sel, int *node)
{
    return sum_node(m, FLOW_NODE_FLOWS, sel, node);
}

int flow_expr_stocks(flow_model *m, const flow_selector *sel, int *node)
{
    return sum_node(m, FLOW_NODE_STOCKS, sel, node);
}

int flow_expr_metrics(flow_model *m, const int *procs, size_t n_procs, const char *metric, int *node)
{
    if (!metric || !metric[0])
        return flow_model__err(&m->cur, FLOW_EINVAL, "expression: a metric needs its name");
    int idx, rc;
    flow_node *n;
    if ((rc = new_node(m, FLOW_NODE_METRICS, &n, &idx)))
        return rc;
    void *p = NULL;
    if ((rc = copy_list(m, procs, n_procs, sizeof(int), (int)m->n_procs, "process", &p)))
        return rc;
    n->metric = flow_alloc__strdup(&m->alloc, metric);
    if (!n->metric) {
        flow_alloc__free(&m->alloc, p);
        return flow_error__nomem("an expression");
    }
    n->from = p;
    n->n_from = n_procs;
    m->n_nodes++;
    *node = idx;
    return 0;
}

int flow_expr_param(flow_model *m, int param, int *node)
{
    if (param < 0 || (size_t)param >= m->n_params)
        return flow_model__err(&m->cur, FLOW_ENOTFOUND, "expression: no parameter with index %d", param);
    flow_node *n;
    int idx, rc = new_node(m, FLOW_NODE_PARAM, &n, &idx);
    if (rc)
        return rc;
    n->param = param;
    m->n_nodes++;
    *node = idx;
    return 0;
}

int flow_expr_const(flow_model *m, double value, int *node)
{
    if (!isfinite(value))
        return flow_model__err(&m->cur, FLOW_EVALUE, "expression: constant %g is not finite", value);
    flow_node *n;
    int idx, rc = new_node(m, FLOW_NODE_CONST, &n, &idx);
    if (rc)
        return rc;
    n->value = value;
    m->n_nodes++;
    *node = idx;
    return 0;
}

int flow_expr_op(flow_model *m, flow_op op, int a, int b, int *node)
{
    int rc;
    if ((rc = check_node(m, a)) || (rc = check_node(m, b)))
        return rc;
    if ((unsigned)op > FLOW_OP_MAX)
        return flow_model__err(&m->cur, FLOW_EINVAL, "expression: invalid operator %d", (int)op);
    flow_node *n;
    int idx;
    if ((rc = new_node(m, FLOW_NODE_OP, &n, &idx)))
        return rc;
    n->op = op;
    n->a = a;
    n->b = b;
    m->n_nodes++;
    if ((rc = set_depth(m, idx)))
        return rc;
    *node = idx;
    return 0;
}

static int year_node(flow_model *m, int kind, int a, int year, int *node)
{
    int rc = check_node(m, a);
    if (rc)
        return rc;
    if (year < m->first || year > m->last)
        return flow_model__err(&m->cur, FLOW_ERANGE, "expression: year %d is outside the model's years %d-%d",
                               year, m->first, m->last);
    flow_node *n;
    int idx;
    if ((rc = new_node(m, kind, &n, &idx)))
        return rc;
    n->a = a;
    n->year = year;
    m->n_nodes++;
    if ((rc = set_depth(m, idx)))
        return rc;
    *node = idx;
    return 0;
}

int flow_expr_at(flow_model *m, int a, int year, int *node)
{
    return year_node(m, FLOW_NODE_AT, a, year, node);
}

int flow_expr_change(flow_model *m, int a, int base_year, int *node)
{
    return year_node(m, FLOW_NODE_CHANGE, a, base_year, node);
}

int flow_model_add_indicator(flow_model *m, const char *name, const char *unit, int node,
                             const char *source, int *idx)
{
    int rc;
    if (m->compiled)
        return flow_model__err(&m->cur, FLOW_ESTATE, "cannot add indicator '%s': the model is compiled",
                               name ? name : "");
    if (!name || !*name)
        return flow_model__err(&m->cur, FLOW_EINVAL, "indicator without a name");
    if ((rc = check_node(m, node)))
        return rc;
    for (size_t i = 0; i < m->n_inds; i++)
        if (strcmp(m->inds[i].name, name) == 0)
            return flow_model__err(&m->cur, FLOW_EEXIST, "indicator '%s' is defined twice", name);
    if ((rc = flow_alloc__grow(&m->alloc, (void **)&m->inds, &m->cap_inds, m->n_inds + 1, sizeof *m->inds,
                               "the indicator table")))
        return rc;
    flow_indicator *d = &m->inds[m->n_inds];
    memset(d, 0, sizeof *d);
    d->name = flow_alloc__strdup(&m->alloc, name);
    d->unit = flow_alloc__strdup(&m->alloc, unit ? unit : "");
    d->source = flow_alloc__strdup(&m->alloc, source ? source : "");
    if (!d->name || !d->unit || !d->source) {
        flow_alloc__free(&m->alloc, d->name);
        flow_alloc__free(&m->alloc, d->unit);
        flow_alloc__free(&m->alloc, d->source);
        return flow_error__nomem("an indicator");
    }
    d->node = node;
    d->origin = m->cur;
    if (idx)
        *idx = (int)m->n_inds;
    m->n_inds++;
    return 0;
}

int flow_model_find_indicator(const flow_model *m, const char *name, int *idx)
{
    for (size_t i = 0; name && i < m->n_inds; i++)
        if (strcmp(m->inds[i].name, name) == 0) {
            if (idx)
                *idx = (int)i;
            return 0;
        }
    const char *near = name ? flow_model__nearest(name, (const char *const *)(const void *)m->inds, m->n_inds,
                                                  sizeof *m->inds)
                            : NULL;
    if (near)
        return flow_error__set(FLOW_ENOTFOUND, "no indicator '%s' (did you mean '%s'?)", name, near);
    return flow_error__set(FLOW_ENOTFOUND, "no indicator '%s'", name ? name : "(null)");
}

int flow_model_n_indicators(const flow_model *m) { return (int)m->n_inds; }

const char *flow_model_indicator_name(const flow_model *m, int i)
{
    return i >= 0 && (size_t)i < m->n_inds ? m->inds[i].name : NULL;
}

const char *flow_model_indicator_unit(const flow_model *m, int i)
{
    return i >= 0 && (size_t)i < m->n_inds ? m->inds[i].unit : NULL;
}

const char *flow_model_indicator_source(const flow_model *m, int i)
{
    return i >= 0 && (size_t)i < m->n_inds ? m->inds[i].source : NULL;
}

int flow_model_set_indicator_title(flow_model *m, int i, const char *title)
{
    if (m->compiled)
        return flow_model__err(&m->cur, FLOW_ESTATE, "cannot set an indicator's title: the model is compiled");
    if (i < 0 || (size_t)i >= m->n_inds)
        return flow_model__err(&m->cur, FLOW_ENOTFOUND, "indicator title: no indicator with index %d", i);
    char *t = NULL;
    if (title && *title && !(t = flow_alloc__strdup(&m->alloc, title)))
        return flow_error__nomem("an indicator's title");
    flow_alloc__free(&m->alloc, m->inds[i].title);
    m->inds[i].title = t;
    return 0;
}

const char *flow_model_indicator_title(const flow_model *m, int i)
{
    if (i < 0 || (size_t)i >= m->n_inds)
        return NULL;
    return m->inds[i].title ? m->inds[i].title : "";
}

int flow_model_add_target(flow_model *m, int indicator, int year, flow_cmp cmp, double value,
                          const char *source, int *idx)
{
    int rc;
    if (m->compiled)
        return flow_model__err(&m->cur, FLOW_ESTATE, "cannot add a target: the model is compiled");
    if (indicator < 0 || (size_t)indicator >= m->n_inds)
        return flow_model__err(&m->cur, FLOW_ENOTFOUND, "target: no indicator with index %d", indicator);
    const char *iname = m->inds[indicator].name;
    if (year < m->first || year > m->last)
        return flow_model__err(&m->cur, FLOW_ERANGE, "target for '%s': year %d is outside the model's years %d-%d",
                               iname, year, m->first, m->last);
    if ((unsigned)cmp > FLOW_CMP_RISES)
        return flow_model__err(&m->cur, FLOW_EINVAL, "target for '%s': invalid comparator %d", iname, (int)cmp);
    if (cmp != FLOW_CMP_RISES && !isfinite(value))
        return flow_model__err(&m->cur, FLOW_EVALUE, "target for '%s': value %g is not finite", iname, value);
    if ((rc = flow_alloc__grow(&m->alloc, (void **)&m->targets, &m->cap_targets, m->n_targets + 1,
                               sizeof *m->targets, "the target table")))
        return rc;
    flow_target *t = &m->targets[m->n_targets];
    t->source = flow_alloc__strdup(&m->alloc, source ? source : "");
    if (!t->source)
        return flow_error__nomem("a target");
    t->indicator = indicator;
    t->year = year;
    t->cmp = cmp;
    t->value = value;
    t->origin = m->cur;
    if (idx)
        *idx = (int)m->n_targets;
    m->n_targets++;
    return 0;
}

int flow_model_n_targets(const flow_model *m) { return (int)m->n_targets; }

int flow_model_target_info(const flow_model *m, int target, flow_target_info *out)
{
    if (target < 0 || (size_t)target >= m->n_targets)
        return flow_error__set(FLOW_ENOTFOUND, "no target with index %d (there are %zu)", target, m->n_targets);
    const flow_target *t = &m->targets[target];
    out->indicator = t->indicator;
    out->year = t->year;
    out->cmp = t->cmp;
    out->value = t->value;
    out->source = t->source;
    return 0;
}

/* ---- compile ------------------------------------------------------------------ */

static int in_list(const int *l, size_t n, int v)
{
    if (n == 0)
        return 1;
    for (size_t i = 0; i < n; i++)
        if (l[i] == v)
            return 1;
    return 0;
}

static int matches(const flow_model *m, const flow_node *n, int from, int to, int mat)
{
    const flow_compiled *c = &m->c;
    (void)c;
    if (!in_list(n->from, n->n_from, from) || !in_list(n->mats, n->n_mats, mat))
        return 0;
    if (!in_list((const int *)n->fk, n->n_fk, (int)m->procs[from].kind))
        return 0;
    if (!in_list((const int *)n->cats, n->n_cats, (int)m->mats[mat].cat))
        return 0;
    if (to >= 0 && (!in_list(n->to, n->n_to, to) || !in_list((const int *)n->tk, n->n_tk, (int)m->procs[to].kind)))
        return 0;
    return 1;
}

/* The metric items of a METRICS node: metric n->metric of the processes
 * listed (any process when none are). A name no selected process reports
 * is an error, not a silent 0: a typo would otherwise pass unseen. */
static int metric_items(flow_model *m, flow_node *n)
{
    const flow_compiled *c = &m->c;
    int cnt = 0;
    for (int pass = 0; pass < 2; pass++) {
        cnt = 0;
        for (int i = 0; i < c->NMET; i++) {
            int p = c->met_proc[i];
            const char *name = c->met_name[i] + strlen(m->procs[p].name) + 1;
            if (strcmp(name, n->metric) != 0 || !in_list(n->from, n->n_from, p))
                continue;
            if (pass == 1)
                n->items[cnt] = i;
            cnt++;
        }
        if (pass == 0) {
            if (cnt == 0)
                return flow_model__err(&n->origin, FLOW_ENOTFOUND, "no %sprocess reports a metric '%s'",
                                       n->n_from ? "selected " : "", n->metric);
            n->items = flow_alloc__calloc(&m->alloc, (size_t)cnt, sizeof *n->items);
            if (!n->items)
                return flow_error__nomem("an indicator's item list");
        }
    }
    n->n_items = cnt;
    return 0;
}

int flow_indicator__compile(flow_model *m)
{
    const flow_compiled *c = &m->c;
    for (size_t k = 0; k < m->n_nodes; k++) {
        flow_node *n = &m->nodes[k];
        if (n->kind == FLOW_NODE_METRICS) {
            int rc = metric_items(m, n);
            if (rc)
                return rc;
            continue;
        }
        if (n->kind != FLOW_NODE_FLOWS && n->kind != FLOW_NODE_STOCKS)
            continue;
        int cnt = 0, lim = n->kind == FLOW_NODE_FLOWS ? c->E : c->S;
        for (int pass = 0; pass < 2; pass++) {
            cnt = 0;
            for (int i = 0; i < lim; i++) {
                int ok;
                if (n->kind == FLOW_NODE_FLOWS) {
                    ok = matches(m, n, c->e_from[i], c->e_to[i], c->e_mat[i]);
                } else {
                    int p = c->s_proc[i];
                    ok = c->p_stock[p] >= 0 && i < c->p_stock[p] + c->M && i >= c->p_stock[p] &&
                         matches(m, n, p, -1, c->s_mat[i]);
                }
                if (!ok)
                    continue;
                if (pass == 1)
                    n->items[cnt] = i;
                cnt++;
            }
            if (pass == 0) {
                n->items = flow_alloc__calloc(&m->alloc, (size_t)cnt, sizeof *n->items);
                if (!n->items)
                    return flow_error__nomem("an indicator's item list");
            }
        }
        n->n_items = cnt;
    }
    return 0;
}

/* ---- evaluation --------------------------------------------------------------- */

/* The value of node k in year index t, from the values of its operands:
 * v holds every node's value in every year evaluated so far (operands
 * precede the node that uses them, and AT and CHANGE read earlier or the
 * same year), so each node is evaluated once a year, without recursion. */
static double node_value(const flow_sim *s, int k, int t, const double *v)
{
    const flow_model *m = s->m;
    const flow_compiled *c = &m->c;
    const flow_node *n = &m->nodes[k];
    size_t N = m->n_nodes;
    switch (n->kind) {
    case FLOW_NODE_FLOWS:
    case FLOW_NODE_STOCKS:
    case FLOW_NODE_METRICS: {
        const double *row = n->kind == FLOW_NODE_FLOWS    ? s->data[FLOW_ITEM_FLOW] + (size_t)t * c->E
                            : n->kind == FLOW_NODE_STOCKS ? s->data[FLOW_ITEM_STOCK] + (size_t)t * c->S
                                                          : s->data[FLOW_ITEM_METRIC] + (size_t)t * c->NMET;
        /* the live items only: the others hold +0, which adds nothing
         * (the sum starts at +0 and so is never -0) */
        const int *items = n->kind == FLOW_NODE_METRICS ? n->items : s->lv_items + s->lv_i0[k];
        const int ni = n->kind == FLOW_NODE_METRICS ? n->n_items : s->lv_nitems[k];
        double sum = 0;
        for (int i = 0; i < ni; i++)
            sum += row[items[i]];
        return sum;
    }
    case FLOW_NODE_PARAM:
        return s->data[FLOW_ITEM_PARAM][(size_t)t * c->NP + n->param];
    case FLOW_NODE_CONST:
        return n->value;
    case FLOW_NODE_OP: {
        double a = v[(size_t)t * N + n->a], b = v[(size_t)t * N + n->b];
        switch (n->op) {
        case FLOW_OP_ADD: return a + b;
        case FLOW_OP_SUB: return a - b;
        case FLOW_OP_MUL: return a * b;
        case FLOW_OP_DIV: return b != 0 ? a / b : NAN;
        case FLOW_OP_MIN: return fmin(a, b);
        default: return fmax(a, b);
        }
    }
    case FLOW_NODE_AT: {
        int ty = n->year - m->first;
        return ty <= t ? v[(size_t)ty * N + n->a] : NAN;
    }
    default: { /* CHANGE */
        int ty = n->year - m->first;
        if (ty > t)
            return NAN;
        double base = v[(size_t)ty * N + n->a], now = v[(size_t)t * N + n->a];
        return base != 0 ? (now - base) / base : NAN;
    }
    }
}

/* Each FLOWS and STOCKS node's items that are live (live.c), in the
 * order of its items. */
static void live_items(flow_sim *s)
{
    const flow_model *m = s->m;
    size_t at = 0;
    for (size_t k = 0; k < m->n_nodes; k++) {
        const flow_node *n = &m->nodes[k];
        s->lv_i0[k] = at;
        s->lv_nitems[k] = 0;
        for (int i = 0; i < n->n_items && (n->kind == FLOW_NODE_FLOWS || n->kind == FLOW_NODE_STOCKS); i++) {
            int it = n->items[i];
            int live = n->kind == FLOW_NODE_FLOWS ? s->lv_e[it] : flow_live__stock(s, it);
            if (live)
                s->lv_items[at + (size_t)s->lv_nitems[k]++] = it;
        }
        at += (size_t)s->lv_nitems[k];
    }
    s->lv_nodes_epoch = s->lv_epoch;
}

/* Years are evaluated in order (flow_sim_step), so the rows of the years
 * before t are those of this run. */
void flow_indicator__eval_year(flow_sim *s, int t, double *row)
{
    const flow_model *m = s->m;
    double *v = s->nodeval;
    if (s->lv_nodes_epoch != s->lv_epoch)
        live_items(s);
    if (s->reuse) /* the others keep the value of the run captured (reuse.c) */
        for (int j = 0; j < s->nrnvar; j++)
            v[(size_t)t * m->n_nodes + (size_t)s->rnvar[j]] = node_value(s, s->rnvar[j], t, v);
    else
        for (size_t k = 0; k < m->n_nodes; k++)
            v[(size_t)t * m->n_nodes + k] = node_value(s, (int)k, t, v);
    for (size_t i = 0; i < m->n_inds; i++)
        row[i] = v[(size_t)t * m->n_nodes + (size_t)m->inds[i].node];
}

int flow_sim_target(const flow_sim *s, int target, double *achieved, int *met)
{
    const flow_model *m = s->m;
    if (target < 0 || (size_t)target >= m->n_targets)
        return flow_error__set(FLOW_ENOTFOUND, "no target with index %d (there are %zu)", target, m->n_targets);
    const flow_target *tg = &m->targets[target];
    int ty = tg->year - m->first;
    size_t I = m->n_inds;
    const double *v = s->data[FLOW_ITEM_INDICATOR];
    *achieved = NAN;
    *met = -1;
    if (ty >= s->t)
        return 0;
    double a;
    if (tg->cmp == FLOW_CMP_RISES) {
        /* the smallest rise from one year to the next up to the target year */
        a = INFINITY;
        for (int y = 1; y <= ty; y++)
            a = fmin(a, v[(size_t)y * I + tg->indicator] - v[(size_t)(y - 1) * I + tg->indicator]);
        if (ty == 0)
            a = NAN;
    } else {
        a = v[(size_t)ty * I + tg->indicator];
    }
    *achieved = a;
    if (isnan(a))
        return 0;
    switch (tg->cmp) {
    case FLOW_CMP_GE: *met = a >= tg->value; break;
    case FLOW_CMP_GT: *met = a > tg->value; break;
    case FLOW_CMP_LE: *met = a <= tg->value; break;
    case FLOW_CMP_LT: *met = a < tg->value; break;
    default: *met = a > 0; break;
    }
    return 0;
}
