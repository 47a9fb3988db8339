/*
 * xb_record_decision.c - the decision part of a transfer record, from the
 * decision (see xb_record_decision.h).
 */
#include "xb_record_decision.h"

#include <stdlib.h>
#include <string.h>

static const char *mode_name(const xb_decision *d)
{
    return d->monitor ? "monitor" : "enforce";
}

/* index of the category of entry id in cats[0..n), or n */
static size_t find_category(const xb_record_category *cats, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(cats[i].category, id) == 0)
            return i;
    }
    return n;
}

static bool has_path(const char *const *paths, size_t n, const char *p)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(paths[i], p) == 0)
            return true;
    }
    return false;
}

/*
 * Categories from the DATA reasons. Paths of one category are gathered in
 * parts->paths, category by category: a first pass counts, a second fills.
 */
static xb_status set_categories(xb_transfer_record *r, const xb_decision *d,
                                const xb_catalog_set *set, xb_record_parts *parts)
{
    size_t n_data = 0;
    for (size_t i = 0; i < d->n_reasons; i++) {
        if (d->reasons[i].kind == XB_REASON_DATA && d->reasons[i].entry)
            n_data++;
    }
    if (n_data == 0)
        return XB_OK;

    xb_record_category *cats = calloc(n_data, sizeof(*cats));
    size_t *order = calloc(n_data, sizeof(*order));     /* reason -> category */
    const char **paths = calloc(n_data, sizeof(*paths));
    if (!cats || !order || !paths) {
        free(cats);
        free(order);
        free(paths);
        return XB_ERR_NOMEM;
    }

    size_t n_cats = 0, k = 0;
    for (size_t i = 0; i < d->n_reasons; i++) {
        const xb_reason *re = &d->reasons[i];
        if (re->kind != XB_REASON_DATA || !re->entry)
            continue;
        size_t c = find_category(cats, n_cats, re->entry);
        if (c == n_cats) {
            const xb_entry *e = set ? xb_catalog_set_find(set, re->entry) : NULL;
            cats[c].category = re->entry;
            cats[c].level = e ? xb_level_name(e->level) : NULL;
            n_cats++;
        }
        cats[c].count += re->count;
        cats[c].n_paths++;  /* upper bound for now */
        order[k++] = c;
    }

    /* slices of paths[] per category, then distinct paths into them */
    size_t start = 0;
    for (size_t c = 0; c < n_cats; c++) {
        cats[c].paths = paths + start;
        start += cats[c].n_paths;
        cats[c].n_paths = 0;
    }
    k = 0;
    for (size_t i = 0; i < d->n_reasons; i++) {
        const xb_reason *re = &d->reasons[i];
        if (re->kind != XB_REASON_DATA || !re->entry)
            continue;
        size_t c = order[k++];
        const char **slice = (const char **)cats[c].paths;
        const char *p = re->path ? re->path : "";
        if (!has_path(slice, cats[c].n_paths, p))
            slice[cats[c].n_paths++] = p;
    }
    free(order);

    parts->categories = cats;
    parts->paths = paths;
    r->categories = cats;
    r->n_categories = n_cats;
    return XB_OK;
}

static xb_status set_reasons(xb_transfer_record *r, const xb_decision *d, xb_record_parts *parts)
{
    if (d->n_reasons == 0)
        return XB_OK;
    xb_record_reason *rs = calloc(d->n_reasons, sizeof(*rs));
    if (!rs)
        return XB_ERR_NOMEM;
    for (size_t i = 0; i < d->n_reasons; i++) {
        const xb_reason *re = &d->reasons[i];
        rs[i].entry = re->entry;
        rs[i].category = re->category;
        rs[i].path = re->path;
        rs[i].article = re->article;
        rs[i].mechanism = re->mechanism;
    }
    parts->reasons = rs;
    r->reasons = rs;
    r->n_reasons = d->n_reasons;
    return XB_OK;
}

xb_status xb_record_set_decision(xb_transfer_record *r, const xb_decision *d,
                                 const xb_catalog_set *set, xb_record_parts *parts)
{
    memset(parts, 0, sizeof(*parts));

    const xb_exporter *ex = d->exporter;
    if (ex) {
        r->exporter_id = ex->id;
        r->exporter_uscc = ex->uscc;
        r->exporter_name = ex->name;
        r->exporter_ftz = ex->ftz_zone;
        r->exporter_ftz_list_version = ex->ftz_list_version;
        r->exporter_ciio = ex->ciio;
    }
    const xb_recipient *rc = d->recipient;
    if (rc) {
        r->recipient_id = rc->id;
        r->recipient_name = rc->name;
        r->recipient_country = rc->country;
        r->recipient_role = rc->role == XB_ROLE_ENTRUSTED ? "entrusted" : "controller";
    }
    if (d->dest_country[0])
        r->dest_country = d->dest_country;
    if (d->scenario && d->scenario[0])
        r->scenario = d->scenario;

    r->subjects_general = d->subjects.general;
    r->subjects_sensitive = d->subjects.sensitive;
    r->ytd_general = d->counters_after.general;
    r->ytd_sensitive = d->counters_after.sensitive;
    r->year = d->year;

    r->route = xb_decision_route_name(d->route);
    if (d->route == XB_DECISION_EXEMPT)
        r->exempt_article = d->article;
    r->rule = xb_rule_name(d->rule);
    r->outcome = xb_outcome_name(d->outcome);
    r->enforced = xb_outcome_name(d->enforced);
    r->mode = mode_name(d);
    if (d->n_mechanisms > 0 && d->mechanisms[0]) {
        r->mechanism_type = xb_mechanism_type_name(d->mechanisms[0]->type);
        r->mechanism_ref = d->mechanisms[0]->ref;
    }
    r->policy_version = d->policy_version;

    xb_status st = set_categories(r, d, set, parts);
    if (st == XB_OK)
        st = set_reasons(r, d, parts);
    if (st != XB_OK)
        xb_record_parts_free(parts);
    return st;
}

void xb_record_parts_free(xb_record_parts *parts)
{
    free(parts->categories);
    free((void *)parts->paths);
    free(parts->reasons);
    memset(parts, 0, sizeof(*parts));
}
