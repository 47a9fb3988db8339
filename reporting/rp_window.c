/*
 * rp_window.c - planning which records a windowed read needs; see
 * rp_window.h.
 */
#include "rp_window.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct planner {
    rp_window_plan *plan;
    const rp_cp_lookup *cps;
    const char *to_id;
    size_t pending;        /* chains whose lead-in is not located yet */
    int error;
} planner;

static rp_window_chain *get(rp_window_plan *plan, const char *chain, bool create)
{
    for (size_t i = 0; i < plan->n_chains; i++)
        if (!strcmp(plan->chains[i].chain, chain))
            return &plan->chains[i];
    if (!create)
        return NULL;
    rp_window_chain *c = realloc(plan->chains, (plan->n_chains + 1) * sizeof(*c));
    if (!c)
        return NULL;
    plan->chains = c;
    rp_window_chain *w = &c[plan->n_chains];
    memset(w, 0, sizeof(*w));
    w->chain = strdup(chain);
    if (!w->chain)
        return NULL;
    plan->n_chains++;
    return w;
}

const rp_window_chain *rp_window_find(const rp_window_plan *plan, const char *chain)
{
    return get((rp_window_plan *)plan, chain, false);
}

/* Forward pass over the window: the seq range of every chain in it. */
static int in_window(void *ctx, const rp_entry *e)
{
    planner *p = ctx;
    uint64_t seq;
    if (!e->chain[0] || !rp_parse_seq(e->seq, &seq))
        return 0; /* unreadable entries are the verifier's business */
    rp_window_chain *w = get(p->plan, e->chain, true);
    if (!w) {
        p->error = 1;
        return -1;
    }
    if (!w->first || seq < w->first)
        w->first = seq;
    if (seq > w->last)
        w->last = seq;
    return 0;
}

/* Backward pass before the window: locate each chain's lead-in start. */
static int before_window(void *ctx, const rp_entry *e)
{
    planner *p = ctx;
    uint64_t seq;
    if (!rp_parse_seq(e->seq, &seq))
        return 0;
    rp_window_chain *w = get(p->plan, e->chain, false);
    if (!w || w->lead_in_found || seq >= w->first)
        return 0;
    if (seq >= w->from) /* entries come newest first: the oldest needed so far */
        snprintf(p->plan->start_id, sizeof(p->plan->start_id), "%s", e->id);
    if (seq <= w->from) { /* reached (or, if it is missing, passed) the start */
        w->lead_in_found = true;
        if (--p->pending == 0)
            return 1;
    }
    return 0;
}

int rp_window_plan_make(rp_source *s, const char *from_id, const char *to_id,
                        const char *last_id, const rp_cp_lookup *cps, rp_window_plan *plan,
                        char *err, size_t err_size)
{
    memset(plan, 0, sizeof(*plan));
    if (!last_id[0])
        return 0; /* empty stream */
    const char *end = rp_stream_id_cmp(to_id, last_id) < 0 ? to_id : last_id;
    planner p = {plan, cps, to_id, 0, 0};
    rp_visitor fwd = {&p, in_window, NULL, NULL};
    if (rp_stream_id_cmp(from_id, end) <= 0 &&
        rp_source_records(s, from_id, end, &fwd, err, err_size) < 0)
        return -1;
    if (p.error) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    snprintf(plan->start_id, sizeof(plan->start_id), "%s", from_id);
    for (size_t i = 0; i < plan->n_chains; i++) {
        rp_window_chain *w = &plan->chains[i];
        uint64_t anchor = cps->before(cps->ctx, w->chain, w->first);
        w->from = anchor + 1;
        w->to = cps->from(cps->ctx, w->chain, w->last);
        if (w->from < w->first)
            p.pending++;
        else
            w->lead_in_found = true;
    }
    if (p.pending) {
        rp_visitor back = {&p, before_window, NULL, NULL};
        if (rp_source_records_reverse(s, from_id, &back, err, err_size) < 0)
            return -1;
    }
    return 0;
}

void rp_window_plan_free(rp_window_plan *plan)
{
    for (size_t i = 0; i < plan->n_chains; i++)
        free(plan->chains[i].chain);
    free(plan->chains);
    memset(plan, 0, sizeof(*plan));
}

void rp_window_ids(int64_t from_ms, int64_t to_ms, char from_id[48], char to_id[48])
{
    snprintf(from_id, 48, "%lld-0", (long long)(from_ms < 0 ? 0 : from_ms));
    snprintf(to_id, 48, "%lld-18446744073709551615", (long long)(to_ms < 0 ? 0 : to_ms));
}

/* ---- checkpoint index without signatures ------------------------------ */

typedef struct cp_item {
    char *chain;
    uint64_t seq;
} cp_item;

struct rp_cp_index {
    cp_item *items;
    size_t n, cap;
};

rp_cp_index *rp_cp_index_new(void)
{
    return calloc(1, sizeof(rp_cp_index));
}

void rp_cp_index_free(rp_cp_index *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < x->n; i++)
        free(x->items[i].chain);
    free(x->items);
    free(x);
}

int rp_cp_index_add(void *ctx, const rp_checkpoint *c)
{
    rp_cp_index *x = ctx;
    uint64_t seq;
    if (!rp_parse_seq(c->seq, &seq) || !c->chain[0])
        return 0;
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 16;
        cp_item *p = realloc(x->items, cap * sizeof(*p));
        if (!p)
            return -1;
        x->items = p;
        x->cap = cap;
    }
    x->items[x->n].chain = strdup(c->chain);
    if (!x->items[x->n].chain)
        return -1;
    x->items[x->n++].seq = seq;
    return 0;
}

static uint64_t idx_before(void *ctx, const char *chain, uint64_t below)
{
    rp_cp_index *x = ctx;
    uint64_t best = 0;
    for (size_t i = 0; i < x->n; i++)
        if (x->items[i].seq < below && x->items[i].seq > best && !strcmp(x->items[i].chain, chain))
            best = x->items[i].seq;
    return best;
}

static uint64_t idx_from(void *ctx, const char *chain, uint64_t at_least)
{
    rp_cp_index *x = ctx;
    uint64_t best = 0;
    for (size_t i = 0; i < x->n; i++)
        if (x->items[i].seq >= at_least && (!best || x->items[i].seq < best) &&
            !strcmp(x->items[i].chain, chain))
            best = x->items[i].seq;
    return best;
}

rp_cp_lookup rp_cp_index_lookup(rp_cp_index *x)
{
    rp_cp_lookup l = {x, idx_before, idx_from};
    return l;
}
