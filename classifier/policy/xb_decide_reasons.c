/*
 * xb_decide_reasons.c - the reasons of a decision, in the order an officer
 * reads them: why the rule applies, notes on the parties and scenario, the
 * mechanisms relied on or rejected and why, the data behind the decision
 * (one reason per catalog entry and field path, array indices shown as '*',
 * with the article and the mechanism relied on), and content that could not
 * be inspected.
 * At most XB_DECISION_MAX_REASONS are kept; the rest are counted.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xb_china_time.h"
#include "xb_decide_internal.h"

#define MAX_UNINSPECTED_REASONS 32

static char *dup_str(const char *s)
{
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (d)
        memcpy(d, s, n + 1);
    return d;
}

typedef struct rbuild {
    xb_decision *d;
    size_t cap;
    xb_status st;
} rbuild;

static xb_reason *add(rbuild *b, xb_reason_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static xb_reason *add(rbuild *b, xb_reason_kind kind, const char *fmt, ...)
{
    xb_decision *d = b->d;
    if (b->st != XB_OK)
        return NULL;
    if (d->n_reasons >= XB_DECISION_MAX_REASONS) {
        d->reasons_truncated++;
        return NULL;
    }
    if (d->n_reasons == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16;
        xb_reason *nr = realloc(d->reasons, cap * sizeof(*nr));
        if (!nr) {
            b->st = XB_ERR_NOMEM;
            return NULL;
        }
        d->reasons = nr;
        b->cap = cap;
    }
    char note[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(note, sizeof(note), fmt, ap);
    va_end(ap);
    xb_reason *r = &d->reasons[d->n_reasons];
    memset(r, 0, sizeof(*r));
    r->kind = kind;
    r->note = dup_str(note);
    if (!r->note) {
        b->st = XB_ERR_NOMEM;
        return NULL;
    }
    d->n_reasons++;
    return r;
}

static void set_path(rbuild *b, xb_reason *r, const char *path)
{
    if (!r || !path)
        return;
    r->path = dup_str(path);
    if (!r->path)
        b->st = XB_ERR_NOMEM;
}

/* The path with array indices replaced: /a/3/b -> /a/ * /b (JSON Pointer),
 * /a[1]/b[2] -> /a/b (XML), @1024 -> @* (text lines). */
static char *generalise(const char *p)
{
    size_t n = strlen(p);
    char *out = malloc(n + 3);
    if (!out)
        return NULL;
    size_t o = 0, i = 0;
    while (i < n) {
        size_t j;
        if (p[i] == '/') {
            out[o++] = '/';
            i++;
            for (j = i; j < n && p[j] >= '0' && p[j] <= '9'; j++)
                ;
            if (j > i && (j == n || p[j] == '/' || p[j] == '#')) {
                out[o++] = '*';
                i = j;
            }
            continue;
        }
        if (p[i] == '[') {
            for (j = i + 1; j < n && p[j] >= '0' && p[j] <= '9'; j++)
                ;
            if (j > i + 1 && j < n && p[j] == ']') {
                i = j + 1;
                continue;
            }
        }
        if (p[i] == '@' && (i == 0 || p[i - 1] == '#')) {
            for (j = i + 1; j < n && p[j] >= '0' && p[j] <= '9'; j++)
                ;
            if (j > i + 1 && j == n) {
                out[o++] = '@';
                out[o++] = '*';
                i = j;
                continue;
            }
        }
        out[o++] = p[i++];
    }
    out[o] = '\0';
    return out;
}

/* ---- data reasons -------------------------------------------------------- */

typedef struct item {
    const xb_entry *entry;
    char *path;
    const xb_mechanism *mech;
    uint16_t flags;
    uint8_t need;
    uint8_t masked;
    size_t count;   /* findings in this group */
} item;

static int str_cmp(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int item_cmp(const void *pa, const void *pb)
{
    const item *a = pa, *b = pb;
    int c = str_cmp(a->entry ? a->entry->id : NULL, b->entry ? b->entry->id : NULL);
    if (!c)
        c = str_cmp(a->path, b->path);
    if (!c)
        c = (int)a->masked - (int)b->masked;
    if (!c)
        c = (int)a->need - (int)b->need;
    if (!c)
        c = str_cmp(a->mech ? a->mech->id : NULL, b->mech ? b->mech->id : NULL);
    if (!c)
        c = (int)a->flags - (int)b->flags;
    return c;
}

/* Findings of one group (same entry, generalised path, mechanism, flags,
 * need, masked) make one reason. A body has many findings and few groups,
 * so findings are first merged in a hash table (pointers compared: entries
 * and mechanisms are unique per catalog set and policy), and only the
 * groups are sorted. */
static uint64_t item_hash(const item *it)
{
    uint64_t h = 1469598103934665603ull;
    const uintptr_t words[3] = {(uintptr_t)it->entry, (uintptr_t)it->mech,
                                ((uintptr_t)it->flags << 16) | ((uintptr_t)it->need << 8) |
                                    it->masked};
    for (size_t i = 0; i < 3; i++)
        h = (h ^ (uint64_t)words[i]) * 1099511628211ull;
    for (const unsigned char *q = (const unsigned char *)it->path; *q; q++)
        h = (h ^ *q) * 1099511628211ull;
    return h;
}

static bool item_same(const item *a, const item *b)
{
    return a->entry == b->entry && a->mech == b->mech && a->flags == b->flags &&
           a->need == b->need && a->masked == b->masked && !strcmp(a->path, b->path);
}

static void what_it_is(const xb_dctx *c, const item *it, char *buf, size_t size)
{
    uint16_t fl = it->flags;
    const xb_entry *e = it->entry;
    if (fl & XB_F_ONLIST)
        snprintf(buf, size, "on the negative list of FTZ %s (%s)", c->ex->ftz_zone,
                 c->ex->ftz_list_version);
    else if (fl & XB_F_PROHIBITED)
        snprintf(buf, size, "data that may not leave China (its entry's route is prohibited)");
    else if (fl & XB_F_IMPORTANT)
        snprintf(buf, size, "%s data (%s)", e && xb_entry_level(e) == XB_LEVEL_CORE
                                                ? "core" : "important",
                 e ? xb_provenance_name(e->provenance) : "?");
    else if (fl & XB_F_SELF_ASSESS)
        snprintf(buf, size, "self-defined important data; its entry requires assessment");
    else if (fl & XB_F_SELF_SCC)
        snprintf(buf, size, "self-defined important data; its entry requires scc-or-cert");
    else if (fl & XB_F_SELF_NOTE)
        snprintf(buf, size, "self-defined important data (not declared under Art. 2); "
                            "logged for review");
    else if (fl & XB_F_BELOW)
        snprintf(buf, size, "important-data entry below its threshold of %llu individuals "
                            "(this year after this transfer): not counted as important data",
                 e ? (unsigned long long)e->threshold : 0ull);
    else if ((fl & XB_F_OTHER_SCENARIO) && !(fl & (XB_F_PI | XB_F_SENSITIVE)))
        snprintf(buf, size, "entry scoped to other scenarios: does not apply to this transfer");
    else if (fl & XB_F_SENSITIVE)
        snprintf(buf, size, "sensitive personal information");
    else
        snprintf(buf, size, "personal information");
}

/* Findings that matter for the decision or explain it. Entries of another
 * zone's FTZ list, and important-data entries of a sector the exporter
 * declared it is not in, are left out: they concern other processors. */
static bool relevant(uint16_t fl)
{
    return (fl & ~(XB_F_OTHER_LIST | XB_F_OTHER_SECTOR)) != 0;
}

static void data_reasons(rbuild *b, const xb_dctx *c, const xb_eval *final,
                         const xb_cover *cov, const uint8_t *masked)
{
    size_t k = 0;
    for (size_t i = 0; i < c->n; i++)
        k += relevant(final->flags[i]);
    if (k == 0)
        return;
    item *items = calloc(k, sizeof(*items));
    if (!items) {
        b->st = XB_ERR_NOMEM;
        return;
    }
    size_t slots = 16;
    while (slots < 2 * k)
        slots *= 2;
    size_t *table = calloc(slots, sizeof(*table)); /* group index + 1, 0 = free */
    if (!table) {
        free(items);
        b->st = XB_ERR_NOMEM;
        return;
    }
    size_t groups = 0;
    for (size_t i = 0; i < c->n && b->st == XB_OK; i++) {
        if (!relevant(final->flags[i]))
            continue;
        item cand = {0};
        cand.entry = c->f[i].entry;
        cand.path = generalise(c->f[i].path ? c->f[i].path : "");
        cand.flags = final->flags[i];
        cand.masked = xb_dctx_masked(masked, i);
        cand.need = cand.masked ? 0 : final->needs[i];
        cand.mech = cand.masked ? NULL : cov->by[i];
        if (!cand.path) {
            b->st = XB_ERR_NOMEM;
            break;
        }
        size_t slot = (size_t)item_hash(&cand) & (slots - 1);
        while (table[slot] && !item_same(&items[table[slot] - 1], &cand))
            slot = (slot + 1) & (slots - 1);
        if (table[slot]) {
            items[table[slot] - 1].count++;
            free(cand.path);
        } else {
            cand.count = 1;
            items[groups] = cand;
            table[slot] = ++groups;
        }
    }
    free(table);
    k = groups;
    if (b->st == XB_OK)
        qsort(items, k, sizeof(*items), item_cmp);
    for (size_t i = 0; i < k && b->st == XB_OK; i++) {
        const item *it = &items[i];
        char what[256], tail[256] = "";
        what_it_is(c, it, what, sizeof(what));
        if (it->masked)
            snprintf(tail, sizeof(tail), "; masked");
        else if (it->need && it->mech)
            snprintf(tail, sizeof(tail), "; covered by %s %s",
                     xb_mechanism_type_name(it->mech->type), it->mech->ref);
        else if (it->need == XB_DECISION_PROHIBITED)
            snprintf(tail, sizeof(tail), "; no mechanism can allow it");
        else if (it->need)
            snprintf(tail, sizeof(tail), "; needs %s and no valid mechanism on file covers it",
                     xb_decision_route_name((xb_decision_route)it->need));
        else if ((it->flags & XB_F_ONLIST) && it->entry &&
                 it->entry->route != XB_ROUTE_NONE && final->ftz_below_threshold)
            snprintf(tail, sizeof(tail), "; below the list's threshold of %llu",
                     (unsigned long long)it->entry->threshold);
        xb_reason *r = add(b, XB_REASON_DATA, "%s%s", what, tail);
        if (r) {
            r->entry = it->entry ? it->entry->id : NULL;
            r->category = it->entry ? it->entry->data_category : NULL;
            set_path(b, r, it->path);
            r->article = it->entry && it->entry->article && it->entry->article[0]
                             ? it->entry->article : b->d->article;
            r->mechanism = it->mech ? it->mech->ref : NULL;
            r->count = it->count;
            r->masked = it->masked;
        }
    }
    for (size_t i = 0; i < k; i++)
        free(items[i].path);
    free(items);
}

/* ---- rule, mechanisms, uninspected, notes -------------------------------- */

static void rule_reason(rbuild *b, const xb_dctx *c, const xb_eval *ev, const char *prefix)
{
    unsigned long long g = (unsigned long long)ev->after.general;
    unsigned long long s = (unsigned long long)ev->after.sensitive;
    char text[512];
    switch (ev->rule) {
    case XB_RULE_R0:
        snprintf(text, sizeof(text), "destination CN%s: not an export",
                 c->in->recipient ? " and the recipient is in mainland China"
                                  : " and no overseas recipient");
        break;
    case XB_RULE_R1:
        snprintf(text, sizeof(text), "exporter registered in FTZ %s (list %s), not a CIIO; "
                 "no data of this transfer is on the list", c->ex->ftz_zone,
                 c->ex->ftz_list_version);
        break;
    case XB_RULE_R2:
        snprintf(text, sizeof(text), "exporter registered in FTZ %s (list %s): data on the "
                 "list takes the route its entry gives%s", c->ex->ftz_zone,
                 c->ex->ftz_list_version,
                 ev->route == XB_DECISION_EXEMPT ? " (none reached here)" : "");
        break;
    case XB_RULE_R3:
        snprintf(text, sizeof(text), "no personal information or important data, "
                 "Art. 3 scenario");
        break;
    case XB_RULE_R4:
        snprintf(text, sizeof(text), "personal information collected abroad and re-exported "
                 "(scenario %s), no domestic important data", XB_SCENARIO_REEXPORT);
        break;
    case XB_RULE_R5:
        snprintf(text, sizeof(text), "personal information without important data, scenario %s",
                 ev->r5_item == 2 ? XB_SCENARIO_HR
                 : ev->r5_item == 3 ? XB_SCENARIO_EMERGENCY : XB_SCENARIO_CONTRACT);
        break;
    case XB_RULE_R6:
        snprintf(text, sizeof(text), "%s", ev->route == XB_DECISION_PROHIBITED
                 ? "data whose export is prohibited"
                 : "important data (published or notified), content that could not be "
                   "inspected, or a self-defined entry requiring assessment");
        break;
    case XB_RULE_R7:
        snprintf(text, sizeof(text), "critical information infrastructure operator exporting "
                 "personal information");
        break;
    case XB_RULE_R8:
        snprintf(text, sizeof(text), "this year after this transfer: %llu individuals' general "
                 "PI (assessment from 1,000,000), %llu individuals' sensitive PI (from 10,000)",
                 g, s);
        break;
    case XB_RULE_R9:
        snprintf(text, sizeof(text), "this year after this transfer: %llu individuals' general "
                 "PI (scc-or-cert from 100,000), %llu individuals' sensitive PI (from 1)%s",
                 g, s, g < 100000 && s < 1 ? "; a self-defined entry requires scc-or-cert" : "");
        break;
    case XB_RULE_R10:
        if (ev->route == XB_DECISION_NONE)
            snprintf(text, sizeof(text), "no personal information or important data");
        else
            snprintf(text, sizeof(text), "this year after this transfer: %llu individuals' "
                     "general PI (< 100,000) and no sensitive PI; not a CIIO", g);
        break;
    }
    xb_reason *r = add(b, XB_REASON_RULE, "%s%s %s: %s", prefix, xb_rule_name(ev->rule),
                       xb_decision_route_name(ev->route), text);
    if (r)
        r->article = ev->article;
}

static bool needs_mechanism(xb_decision_route r)
{
    return r == XB_DECISION_SCC_OR_CERT || r == XB_DECISION_ASSESSMENT ||
           r == XB_DECISION_PROHIBITED;
}

static void mechanism_reasons(rbuild *b, const xb_dctx *c, const xb_eval *first)
{
    xb_decision *d = b->d;
    char date_from[11], date_until[11];
    for (size_t i = 0; i < d->n_mechanisms; i++) {
        const xb_mechanism *m = d->mechanisms[i];
        xb_date_format(m->valid_from, date_from);
        xb_date_format(m->valid_until, date_until);
        xb_reason *r = add(b, XB_REASON_MECHANISM, "relied on %s %s (%s), valid %s to %s",
                           xb_mechanism_type_name(m->type), m->ref, m->id, date_from,
                           date_until);
        if (r)
            r->mechanism = m->ref;
    }
    if (!needs_mechanism(first->route))
        return;
    if (c->ex->n_mechanisms == 0) {
        add(b, XB_REASON_MECHANISM, "exporter %s has no mechanism on file", c->ex->id);
        return;
    }
    for (size_t i = 0; i < c->ex->n_mechanisms; i++) {
        const xb_mechanism *m = &c->ex->mechanisms[i];
        bool relied = false;
        for (size_t k = 0; k < d->n_mechanisms; k++)
            relied = relied || d->mechanisms[k] == m;
        if (relied)
            continue;
        char why[512];
        const char *bad = xb_mechanism_unusable(c, m, why, sizeof(why));
        xb_reason *r = NULL;
        if (bad) {
            r = add(b, XB_REASON_MECHANISM, "not counted: %s", bad);
        } else if (!xb_mechanism_type_satisfies(m->type, first->route)) {
            r = add(b, XB_REASON_MECHANISM, "not counted: a %s (%s) does not satisfy a "
                    "required %s", xb_mechanism_type_name(m->type), m->ref,
                    xb_decision_route_name(first->route));
        } else {
            /* in force and in scope, but which needed categories does it miss? */
            char miss[400] = "";
            size_t off = 0, shown = 0;
            for (size_t f = 0; f < c->n && shown < 6; f++) {
                const xb_entry *e = c->f[f].entry;
                if (!first->needs[f] || !e || xb_mechanism_covers_entry(m, e) ||
                    (e->id && strstr(miss, e->id)))
                    continue;
                int w = snprintf(miss + off, sizeof(miss) - off, "%s%s", shown ? ", " : "",
                                 e->id ? e->id : "?");
                if (w < 0 || (size_t)w >= sizeof(miss) - off)
                    break;
                off += (size_t)w;
                shown++;
            }
            if (shown)
                r = add(b, XB_REASON_MECHANISM, "not counted for every category: %s %s does "
                        "not cover %s", xb_mechanism_type_name(m->type), m->ref, miss);
        }
        if (r)
            r->mechanism = m->ref;
    }
}

static void uninspected_reasons(rbuild *b, const xb_dctx *c)
{
    if (!c->uninspected)
        return;
    const char *effect = c->uninspected_blocks
                             ? "counts as possibly important data"
                             : "passed by policy (on-uninspectable pass)";
    const xb_decide_input *in = c->in;
    for (size_t i = 0; i < in->n_uninspectable && i < MAX_UNINSPECTED_REASONS; i++) {
        const xb_uninspectable *u = &in->uninspectable[i];
        xb_reason *r = add(b, XB_REASON_UNINSPECTED, "not inspected (%s%s%s): %s",
                           u->reason ? u->reason : "unknown", u->detail ? ": " : "",
                           u->detail ? u->detail : "", effect);
        if (r) {
            char *g = generalise(u->path ? u->path : "");
            if (!g)
                b->st = XB_ERR_NOMEM;
            r->path = g;
        }
    }
    if (in->n_uninspectable > MAX_UNINSPECTED_REASONS)
        add(b, XB_REASON_UNINSPECTED, "%zu more regions not inspected",
            in->n_uninspectable - MAX_UNINSPECTED_REASONS);
    if (in->inspection == XB_NOT_INSPECTABLE && in->n_uninspectable == 0)
        add(b, XB_REASON_UNINSPECTED, "the body could not be inspected: %s", effect);
    else if (in->inspection == XB_INSPECTED_PARTIAL && in->n_uninspectable == 0)
        add(b, XB_REASON_UNINSPECTED, "the body was only partly inspected: %s", effect);
    if (in->findings_truncated)
        add(b, XB_REASON_UNINSPECTED, "the findings limit was reached: counts are a lower "
            "bound and the rest %s", effect);
}

static void notes(rbuild *b, const xb_dctx *c)
{
    for (size_t i = 0; i < c->n_unknown; i++)
        add(b, XB_REASON_NOTE, "unknown scenario tag '%.*s' ignored", (int)c->unknown_len[i],
            c->unknown_tags[i]);
    if (c->ex->ftz_zone && c->ex->ciio)
        add(b, XB_REASON_NOTE, "exporter %s is a CIIO: the FTZ negative list and its Art. 6 "
            "exemption do not apply", c->ex->id);
    else if (c->ftz_list_missing)
        add(b, XB_REASON_NOTE, "exporter %s is registered in FTZ %s (list %s) but that list "
            "is not loaded: the national rules apply", c->ex->id, c->ex->ftz_zone,
            c->ex->ftz_list_version);
    const xb_recipient *r = c->in->recipient;
    if (!c->domestic && !strcmp(b->d->dest_country, "CN") && r)
        add(b, XB_REASON_NOTE, "destination is mainland China but recipient %s is in %s: "
            "access by an overseas party is an export", r->id, r->country);
    if (!b->d->dest_country[0])
        add(b, XB_REASON_NOTE, "destination country unknown: treated as cross-border");
}

xb_status xb_decide_reasons(const xb_dctx *c, const xb_eval *first, const xb_eval *final,
                            const xb_cover *cov, const uint8_t *masked, xb_decision *d)
{
    rbuild b = {d, 0, XB_OK};
    rule_reason(&b, c, first, "");
    if (final != first)
        rule_reason(&b, c, final, "once masked: ");
    notes(&b, c);
    mechanism_reasons(&b, c, first);
    data_reasons(&b, c, final, cov, masked);
    uninspected_reasons(&b, c);
    return b.st;
}
