/*
 * xb_mask_edits.c - findings to mask -> rewrite edits, merging findings
 * whose spans overlap; see xb_mask_edits.h for the merge rules.
 */
#include <stdlib.h>
#include <string.h>

#include "xb_mask.h"
#include "xb_mask_edits.h"

typedef struct item {
    const xb_finding *f;
    size_t index;
    xb_mask_rule rule;
} item;

static int cmp_item(const void *a, const void *b)
{
    const item *x = a, *y = b;
    if (x->f->span.start != y->f->span.start)
        return x->f->span.start < y->f->span.start ? -1 : 1;
    if (x->f->span.end != y->f->span.end)
        return x->f->span.end > y->f->span.end ? -1 : 1; /* longer first */
    return x->index < y->index ? -1 : (x->index > y->index);
}

static bool same_span(const xb_finding *a, const xb_finding *b)
{
    return a->span.start == b->span.start && a->span.end == b->span.end;
}

static bool one_to_one(const xb_finding *f)
{
    return f->span.end - f->span.start == strlen(f->value);
}

/* Container's text with each inner finding replaced by its own rendition.
 * Returns false when an inner finding cannot be placed. */
static bool substitute(const item *c, const item *inner, size_t n_inner,
                       xb_buf *out, xb_status *st)
{
    const char *v = c->f->value;
    size_t vlen = strlen(v);
    size_t cursor = 0;
    const xb_finding *prev = NULL;
    for (size_t k = 0; k < n_inner; k++) {
        const xb_finding *f = inner[k].f;
        if (prev && same_span(prev, f))
            continue;
        if (prev && f->span.start < prev->span.end)
            return false; /* inner findings overlapping each other */
        size_t flen = strlen(f->value);
        size_t at = SIZE_MAX;
        if (one_to_one(c->f)) {
            size_t expect = f->span.start - c->f->span.start;
            if (expect >= cursor && expect + flen <= vlen &&
                memcmp(v + expect, f->value, flen) == 0)
                at = expect;
        }
        if (at == SIZE_MAX && flen > 0) {
            const char *p = memmem(v + cursor, vlen - cursor, f->value, flen);
            if (p)
                at = (size_t)(p - v);
        }
        if (at == SIZE_MAX)
            return false;
        if ((*st = xb_buf_append(out, v + cursor, at - cursor)) != XB_OK ||
            (*st = xb_mask_apply(inner[k].rule, f->value, flen, out)) != XB_OK)
            return false;
        cursor = at + flen;
        prev = f;
    }
    *st = xb_buf_append(out, v + cursor, vlen - cursor);
    return *st == XB_OK;
}

/* The decoded text of the union of a cluster's spans. */
static xb_status union_text(const item *it, size_t n, xb_buf *out)
{
    bool splice = true;
    for (size_t k = 0; k < n && splice; k++)
        splice = one_to_one(it[k].f);
    size_t covered = it[0].f->span.start;
    for (size_t k = 0; k < n; k++) {
        const xb_finding *f = it[k].f;
        size_t from = 0;
        if (splice) {
            if (f->span.end <= covered)
                continue;
            if (f->span.start < covered)
                from = covered - f->span.start;
            covered = f->span.end;
        }
        xb_status st = xb_buf_append(out, f->value + from, strlen(f->value) - from);
        if (st != XB_OK)
            return st;
    }
    return XB_OK;
}

/* Masked replacement text for the cluster it[0..n). */
static xb_status cluster_text(const item *it, size_t n, size_t end, xb_buf *text,
                              xb_buf *scratch)
{
    const item *c = &it[0];
    bool contains_all = c->f->span.end == end;
    if (!contains_all) {
        xb_buf_reset(scratch);
        xb_status st = union_text(it, n, scratch);
        if (st == XB_OK)
            st = xb_mask_apply(XB_MASK_STRICT, scratch->data, scratch->len, text);
        return st;
    }
    /* Findings with the container's very span: use the most specific rule. */
    size_t same = 1;
    while (same < n && same_span(it[same].f, c->f))
        same++;
    xb_mask_rule rule = c->rule;
    for (size_t k = 0; k < same && rule == XB_MASK_GENERIC; k++)
        rule = it[k].rule;
    const char *v = c->f->value;
    if (same == n)
        return xb_mask_apply(rule, v, strlen(v), text);
    xb_buf_reset(scratch);
    xb_status st = XB_OK;
    if (!substitute(c, it + same, n - same, scratch, &st)) {
        if (st != XB_OK)
            return st;
        return xb_mask_apply(XB_MASK_STRICT, v, strlen(v), text);
    }
    return xb_mask_apply(rule, scratch->data, scratch->len, text);
}

static xb_status check_finding(const xb_scan_result *r, size_t index)
{
    if (index >= r->n_findings)
        return XB_ERR_INVALID;
    const xb_finding *f = &r->findings[index];
    if (!f->exact || !f->value || f->syntax == XB_SYNTAX_NONE ||
        f->span.start > f->span.end)
        return XB_ERR_INVALID;
    return XB_OK;
}

xb_status xb_mask_edits(const xb_scan_result *r, const size_t *idx, size_t n_idx,
                        xb_edit_list *out, size_t *bad)
{
    if (n_idx == 0)
        return XB_OK;
    for (size_t i = 0; i < n_idx; i++)
        if (check_finding(r, idx[i]) != XB_OK) {
            if (bad)
                *bad = idx[i];
            return XB_ERR_INVALID;
        }
    item *it = malloc(n_idx * sizeof(*it));
    if (!it)
        return XB_ERR_NOMEM;
    size_t n = 0;
    for (size_t i = 0; i < n_idx; i++) {
        const xb_finding *f = &r->findings[idx[i]];
        if (f->span.start == f->span.end)
            continue;
        it[n].f = f;
        it[n].index = idx[i];
        it[n].rule = xb_mask_rule_for_finding(f->detector, f->entry);
        n++;
    }
    qsort(it, n, sizeof(*it), cmp_item);
    /* Drop repeated indices (adjacent after sorting). */
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (m == 0 || it[m - 1].index != it[i].index)
            it[m++] = it[i];
    n = m;

    size_t first_new = out->n;
    xb_buf text = XB_BUF_INIT, scratch = XB_BUF_INIT;
    xb_status st = XB_OK;
    for (size_t i = 0; i < n && st == XB_OK;) {
        size_t end = it[i].f->span.end, j = i + 1;
        while (j < n && it[j].f->span.start < end) {
            if (it[j].f->span.end > end)
                end = it[j].f->span.end;
            j++;
        }
        xb_buf_reset(&text);
        st = cluster_text(it + i, j - i, end, &text, &scratch);
        if (st == XB_OK) {
            const xb_finding *f = it[i].f;
            xb_span span = {f->span.start, end};
            xb_span ctx = f->value_span;
            if (ctx.start > span.start || ctx.end < span.end)
                ctx.start = ctx.end = 0; /* unknown */
            st = xb_edit_list_add(out, span, ctx, text.data ? text.data : "",
                                  text.len, f->syntax, true);
        }
        i = j;
    }
    if (st != XB_OK) {
        for (size_t k = first_new; k < out->n; k++)
            free(out->items[k].text);
        out->n = first_new;
    }
    xb_buf_free(&text);
    xb_buf_free(&scratch);
    free(it);
    return st;
}
