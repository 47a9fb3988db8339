/*
 * xb_decide_mech.c - which mechanisms on file cover which findings.
 *
 * A mechanism counts for a finding when all of these hold:
 *   - it belongs to the exporter (it is declared inside the <exporter>);
 *   - its type satisfies the route the finding needs: an assessment
 *     satisfies everything; a standard contract filing or a certification
 *     only "scc-or-cert"; nothing satisfies "prohibited";
 *   - it is valid today, China time: valid-from <= today <= valid-until;
 *   - the transfer's recipient is in its scope (an unknown recipient is in
 *     no scope);
 *   - the transfer's purpose is in its scope, when it names purposes;
 *   - one of its categories covers the finding's entry: the entry id, an
 *     entry-id prefix "x.y.*", the entry's data category, or "*".
 * Content that could not be inspected is only covered by "*".
 * Several mechanisms may together cover one transfer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xb_china_time.h"
#include "xb_decide_internal.h"

bool xb_mechanism_type_satisfies(xb_mechanism_type t, xb_decision_route need)
{
    switch (need) {
    case XB_DECISION_SCC_OR_CERT:
        return true; /* scc, certification, or the stronger assessment */
    case XB_DECISION_ASSESSMENT:
        return t == XB_MECH_ASSESSMENT;
    case XB_DECISION_NONE:
    case XB_DECISION_EXEMPT:
        return true;
    case XB_DECISION_PROHIBITED:
        break;
    }
    return false;
}

bool xb_mechanism_covers_entry(const xb_mechanism *m, const xb_entry *e)
{
    for (size_t i = 0; i < m->n_categories; i++) {
        const char *cat = m->categories[i];
        size_t n = strlen(cat);
        if (!strcmp(cat, "*"))
            return true;
        if (!e)
            continue;
        if (n >= 2 && !strcmp(cat + n - 2, ".*")) {
            if (e->id && !strncmp(e->id, cat, n - 1))
                return true;
        } else if ((e->id && !strcmp(e->id, cat)) ||
                   (e->data_category && !strcmp(e->data_category, cat))) {
            return true;
        }
    }
    return false;
}

static bool covers_everything(const xb_mechanism *m)
{
    for (size_t i = 0; i < m->n_categories; i++)
        if (!strcmp(m->categories[i], "*"))
            return true;
    return false;
}

/* "a, b, c" of a list, cut to fit. */
static void join(char *buf, size_t size, char *const *v, size_t n)
{
    size_t off = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && off + 8 < size; i++) {
        int k = snprintf(buf + off, size - off, "%s%s", i ? ", " : "", v[i]);
        if (k < 0 || (size_t)k >= size - off) {
            snprintf(buf + (size > 4 ? size - 4 : 0), size > 4 ? 4 : size, "...");
            return;
        }
        off += (size_t)k;
    }
}

const char *xb_mechanism_unusable(const xb_dctx *c, const xb_mechanism *m, char *buf,
                                  size_t size)
{
    char date[11], list[256];
    if (c->today < m->valid_from) {
        xb_date_format(m->valid_from, date);
        snprintf(buf, size, "%s %s is not valid before %s", xb_mechanism_type_name(m->type),
                 m->ref, date);
        return buf;
    }
    if (c->today > m->valid_until) {
        xb_date_format(m->valid_until, date);
        snprintf(buf, size, "%s %s expired on %s", xb_mechanism_type_name(m->type), m->ref,
                 date);
        return buf;
    }
    const xb_recipient *r = c->in->recipient;
    bool in_scope = false;
    for (size_t i = 0; r && r->id && i < m->n_recipients; i++)
        in_scope = in_scope || !strcmp(m->recipients[i], r->id);
    if (!in_scope) {
        join(list, sizeof(list), m->recipients, m->n_recipients);
        if (r)
            snprintf(buf, size, "%s %s is scoped to recipient(s) %s, not %s",
                     xb_mechanism_type_name(m->type), m->ref, list, r->id);
        else
            snprintf(buf, size, "%s %s is scoped to recipient(s) %s and the recipient of "
                     "this transfer is unknown", xb_mechanism_type_name(m->type), m->ref, list);
        return buf;
    }
    if (m->n_purposes) {
        bool ok = false;
        for (size_t i = 0; c->purpose && i < m->n_purposes; i++)
            ok = ok || !strcmp(m->purposes[i], c->purpose);
        if (!ok) {
            join(list, sizeof(list), m->purposes, m->n_purposes);
            if (c->purpose)
                snprintf(buf, size, "%s %s is scoped to purpose(s) %s, not '%s'",
                         xb_mechanism_type_name(m->type), m->ref, list, c->purpose);
            else
                snprintf(buf, size, "%s %s is scoped to purpose(s) %s and the transfer "
                         "declares no purpose", xb_mechanism_type_name(m->type), m->ref, list);
            return buf;
        }
    }
    return NULL;
}

void xb_cover_free(xb_cover *cov)
{
    free(cov->by);
    memset(cov, 0, sizeof(*cov));
}

xb_status xb_decide_cover(const xb_dctx *c, const xb_eval *ev, xb_cover *cov)
{
    memset(cov, 0, sizeof(*cov));
    cov->by = calloc(c->n ? c->n : 1, sizeof(*cov->by));
    const xb_mechanism **usable = calloc(c->ex->n_mechanisms + 1, sizeof(*usable));
    if (!cov->by || !usable) {
        free(usable);
        xb_cover_free(cov);
        return XB_ERR_NOMEM;
    }
    size_t n_usable = 0;
    char why[512];
    for (size_t i = 0; i < c->ex->n_mechanisms; i++)
        if (!xb_mechanism_unusable(c, &c->ex->mechanisms[i], why, sizeof(why)))
            usable[n_usable++] = &c->ex->mechanisms[i];

    for (size_t i = 0; i < c->n; i++) {
        xb_decision_route need = (xb_decision_route)ev->needs[i];
        if (need == XB_DECISION_NONE)
            continue;
        cov->n_needed++;
        for (size_t k = 0; k < n_usable && need != XB_DECISION_PROHIBITED; k++)
            if (xb_mechanism_type_satisfies(usable[k]->type, need) &&
                xb_mechanism_covers_entry(usable[k], c->f[i].entry)) {
                cov->by[i] = usable[k];
                break;
            }
        if (!cov->by[i])
            cov->n_uncovered++;
    }
    if (ev->needs_uninspected) {
        for (size_t k = 0; k < n_usable && !cov->uninspected_by; k++)
            if (xb_mechanism_type_satisfies(usable[k]->type, ev->needs_uninspected) &&
                covers_everything(usable[k]))
                cov->uninspected_by = usable[k];
        cov->uninspected_uncovered = cov->uninspected_by == NULL;
    }
    free(usable);
    return XB_OK;
}
