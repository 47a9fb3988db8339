/*
 * xb_diags.c - the list of problems found while loading catalogs (or
 * building an engine from them). Each problem keeps its own copy of the file
 * name and a formatted message, so diagnostics outlive the catalogs and the
 * XML documents they came from.
 *
 * Allocation failures are absorbed: a diagnostic that cannot be stored is
 * dropped, but the caller still sees the error status of the operation that
 * produced it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xb_catalog.h"

/* Upper bound on stored diagnostics: a hostile or badly broken file must not
 * make the loader allocate without limit. */
#define XB_DIAGS_MAX 10000

void xb_diags_add(xb_diags *d, const char *file, size_t line, const char *fmt, ...)
{
    if (!d || d->n >= XB_DIAGS_MAX)
        return;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 8;
        xb_diag *p = realloc(d->items, cap * sizeof(*p));
        if (!p)
            return;
        d->items = p;
        d->cap = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    char *msg = NULL;
    int k = vasprintf(&msg, fmt, ap);
    va_end(ap);
    if (k < 0)
        return;
    char *f = strdup(file ? file : "");
    if (!f) {
        free(msg);
        return;
    }
    xb_diag *it = &d->items[d->n++];
    it->file = f;
    it->line = line;
    it->message = msg;
}

void xb_diags_free(xb_diags *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++) {
        free(d->items[i].file);
        free(d->items[i].message);
    }
    free(d->items);
    d->items = NULL;
    d->n = d->cap = 0;
}
