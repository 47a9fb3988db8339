/*
 * xb_edit.c - the edit list (span + replacement text) shared by masking and
 * watermarking, and the checks every edit list passes before a body is
 * rewritten; see xb_rewrite.h.
 */
#include <stdlib.h>
#include <string.h>

#include "xb_rewrite.h"
#include "xb_tf_utf8.h"

xb_status xb_edit_list_add(xb_edit_list *l, xb_span span, xb_span context,
                           const char *text, size_t text_len, xb_syntax syntax,
                           bool exact)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        xb_edit *p = realloc(l->items, cap * sizeof(*p));
        if (!p)
            return XB_ERR_NOMEM;
        l->items = p;
        l->cap = cap;
    }
    char *copy = malloc(text_len + 1);
    if (!copy)
        return XB_ERR_NOMEM;
    if (text_len)
        memcpy(copy, text, text_len);
    copy[text_len] = '\0';
    xb_edit *e = &l->items[l->n];
    e->span = span;
    e->context = context;
    e->text = copy;
    e->text_len = text_len;
    e->syntax = syntax;
    e->exact = exact;
    e->seq = l->n; /* seqs are always a permutation of 0..n-1 */
    l->n++;
    return XB_OK;
}

static int cmp_edit(const void *a, const void *b)
{
    const xb_edit *x = a, *y = b;
    if (x->span.start != y->span.start)
        return x->span.start < y->span.start ? -1 : 1;
    if (x->span.end != y->span.end)
        return x->span.end < y->span.end ? -1 : 1;
    if (x->seq != y->seq)
        return x->seq < y->seq ? -1 : 1;
    return 0;
}

void xb_edit_list_sort(xb_edit_list *l)
{
    if (l->n > 1)
        qsort(l->items, l->n, sizeof(*l->items), cmp_edit);
}

void xb_edit_list_free(xb_edit_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i].text);
    free(l->items);
    l->items = NULL;
    l->n = l->cap = 0;
}

static bool edit_ok(const xb_edit *e, size_t body_len)
{
    if (!e->exact)
        return false;
    if (e->span.start > e->span.end || e->span.end > body_len)
        return false;
    if (e->syntax == XB_SYNTAX_NONE || e->syntax > XB_SYNTAX_TEXT)
        return false;
    if (e->context.end != 0 &&
        (e->context.start > e->span.start || e->span.end > e->context.end ||
         e->context.end > body_len))
        return false;
    if (e->text_len && !e->text)
        return false;
    return xb_u8_valid((const uint8_t *)e->text, e->text_len);
}

xb_status xb_edits_check(const xb_edit *edits, size_t n_edits, size_t body_len,
                         size_t *bad)
{
    for (size_t i = 0; i < n_edits; i++) {
        bool ok = edit_ok(&edits[i], body_len);
        if (ok && i > 0 && edits[i].span.start < edits[i - 1].span.end)
            ok = false; /* unsorted or overlapping */
        if (!ok) {
            if (bad)
                *bad = i;
            return XB_ERR_INVALID;
        }
    }
    return XB_OK;
}
