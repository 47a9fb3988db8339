/*
 * rp_report.c - aggregation of filed records into the report model; see
 * rp_report.h. Thresholds are in rp_thresholds.c, FTZ zones in rp_ftz.c.
 */
#include "rp_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "classifier/core/xb_buf.h"
#include "rp_time.h"

const char *rp_validity_name(rp_validity v)
{
    switch (v) {
    case RP_VALIDITY_UNCHECKED: return "unchecked";
    case RP_VALIDITY_VALID: return "valid";
    case RP_VALIDITY_EXPIRING: return "expiring";
    case RP_VALIDITY_EXPIRED: return "expired";
    case RP_VALIDITY_NOT_YET: return "not-yet-valid";
    case RP_VALIDITY_NOT_ON_FILE: return "not-on-file";
    }
    return "unknown";
}

rp_report *rp_report_new(const rp_report_options *o)
{
    rp_report *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->opt = *o;
    if (!r->opt.max_listed)
        r->opt.max_listed = 1000;
    int y, m, d;
    xb_civil_from_days(o->has_to ? o->to_day : o->as_of_day, &y, &m, &d);
    r->year = y;
    return r;
}

static void free_exporter(rp_exporter_report *e)
{
    free(e->key);
    free(e->id);
    free(e->uscc);
    free(e->name);
    free(e->ftz);
    rp_tally *t[] = {&e->by_outcome, &e->by_country, &e->by_recipient, &e->by_category,
                     &e->by_day, &e->by_route, &e->block_reasons};
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        rp_tally_free(t[i]);
    for (size_t i = 0; i < e->n_blocked_list; i++) {
        rp_blocked *b = &e->blocked_list[i];
        free(b->ts);
        free(b->transfer_id);
        free(b->destination);
        free(b->recipient);
        free(b->rule);
        free(b->route);
        free(b->reasons);
    }
    free(e->blocked_list);
    for (size_t i = 0; i < e->n_mechs; i++) {
        free(e->mechs[i].type);
        free(e->mechs[i].ref);
        free(e->mechs[i].policy_id);
    }
    free(e->mechs);
    for (size_t i = 0; i < e->n_ftz; i++) {
        free(e->ftz_reports[i].zone);
        free(e->ftz_reports[i].first_transfer);
        free(e->ftz_reports[i].last_transfer);
        free(e->ftz_reports[i].recipients);
    }
    free(e->ftz_reports);
    free(e);
}

void rp_report_free(rp_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_exporters; i++)
        free_exporter(r->exporters[i]);
    free(r->exporters);
    free(r->policy_note);
    free(r->calendar_note);
    free(r->source);
    free(r);
}

static char *dup(const char *s)
{
    return strdup(s ? s : "");
}

static rp_exporter_report *get_exporter(rp_report *r, const rp_record *rec)
{
    const char *key = rec->exporter_uscc[0] ? rec->exporter_uscc
                      : rec->exporter_id[0] ? rec->exporter_id
                                            : "(unknown exporter)";
    for (size_t i = 0; i < r->n_exporters; i++)
        if (!strcmp(r->exporters[i]->key, key))
            return r->exporters[i];
    rp_exporter_report **p = realloc(r->exporters, (r->n_exporters + 1) * sizeof(*p));
    if (!p)
        return NULL;
    r->exporters = p;
    rp_exporter_report *e = calloc(1, sizeof(*e));
    if (!e)
        return NULL;
    e->key = dup(key);
    e->id = dup(rec->exporter_id);
    e->uscc = dup(rec->exporter_uscc);
    e->name = dup(rec->exporter_name);
    e->ftz = dup(rec->exporter_ftz);
    e->ciio = rec->exporter_ciio;
    e->year = r->year;
    if (!e->key || !e->id || !e->uscc || !e->name || !e->ftz) {
        free_exporter(e);
        return NULL;
    }
    r->exporters[r->n_exporters++] = e;
    return e;
}

/* Keep the latest name/FTZ/CIIO status an exporter was filed with. */
static void refresh_exporter(rp_exporter_report *e, const rp_record *rec)
{
    if (rec->exporter_name[0] && strcmp(e->name, rec->exporter_name)) {
        char *n = strdup(rec->exporter_name);
        if (n) {
            free(e->name);
            e->name = n;
        }
    }
    if (rec->exporter_ftz[0] && strcmp(e->ftz, rec->exporter_ftz)) {
        char *z = strdup(rec->exporter_ftz);
        if (z) {
            free(e->ftz);
            e->ftz = z;
        }
    }
    e->ciio = e->ciio || rec->exporter_ciio;
}

static xb_status count(rp_tally *t, const char *key, const char *label, const rp_record *rec,
                       bool blocked)
{
    rp_tally_item *it = rp_tally_get(t, key, label);
    if (!it)
        return XB_ERR_NOMEM;
    it->transfers++;
    if (blocked)
        it->blocked++;
    else {
        it->bytes += rec->bytes_sent;
        it->data_records += rec->records;
        it->subjects += rec->subjects_general + rec->subjects_sensitive;
    }
    return XB_OK;
}

static const xb_exporter *policy_exporter(const xb_policy *p, const rp_exporter_report *e)
{
    for (size_t i = 0; p && i < p->n_exporters; i++) {
        const xb_exporter *x = &p->exporters[i];
        if ((e->id[0] && !strcmp(x->id, e->id)) ||
            (e->uscc[0] && x->uscc && !strcasecmp(x->uscc, e->uscc)))
            return x;
    }
    return NULL;
}

static const xb_mechanism *policy_mechanism(const xb_exporter *x, const char *ref)
{
    for (size_t j = 0; x && j < x->n_mechanisms; j++)
        if (!strcmp(x->mechanisms[j].ref, ref) || !strcmp(x->mechanisms[j].id, ref))
            return &x->mechanisms[j];
    return NULL;
}

static rp_validity validity_on(int64_t day, int64_t from, int64_t until, int64_t *left)
{
    *left = until - day;
    if (day < from)
        return RP_VALIDITY_NOT_YET;
    if (day > until)
        return RP_VALIDITY_EXPIRED;
    return until - day <= RP_EXPIRING_DAYS ? RP_VALIDITY_EXPIRING : RP_VALIDITY_VALID;
}

/* Validity on the as-of date, and the mechanisms on file that the period
 * did not use. */
static xb_status add_mechanism(rp_report *r, rp_exporter_report *e, const char *type,
                               const char *ref, int64_t ms);

static void finish_mechanisms(rp_report *r, rp_exporter_report *e)
{
    const xb_policy *p = r->opt.policy;
    if (!p)
        return;
    const xb_exporter *x = policy_exporter(p, e);
    for (size_t j = 0; x && j < x->n_mechanisms; j++) {
        const xb_mechanism *mm = &x->mechanisms[j];
        bool used = false;
        for (size_t k = 0; k < e->n_mechs && !used; k++)
            used = !strcmp(e->mechs[k].ref, mm->ref) || !strcmp(e->mechs[k].ref, mm->id);
        if (!used && add_mechanism(r, e, xb_mechanism_type_name(mm->type), mm->ref, 0) == XB_OK)
            e->mechs[e->n_mechs - 1].transfers = 0;
    }
    for (size_t k = 0; k < e->n_mechs; k++) {
        rp_mechanism *m = &e->mechs[k];
        if (m->policy_id)
            m->validity = validity_on(r->opt.as_of_day, m->valid_from, m->valid_until,
                                      &m->days_left);
        else
            m->validity = RP_VALIDITY_NOT_ON_FILE;
    }
}

/* Count a transfer (ms != 0) relying on a mechanism; ms == 0 registers an
 * unused mechanism on file. */
static xb_status add_mechanism(rp_report *r, rp_exporter_report *e, const char *type,
                               const char *ref, int64_t ms)
{
    for (size_t i = 0; i < e->n_mechs; i++) {
        rp_mechanism *m = &e->mechs[i];
        if (!strcmp(m->ref, ref) && (!type[0] || !m->type[0] || !strcmp(m->type, type))) {
            m->transfers++;
            if (ms < m->first_ms || !m->first_ms)
                m->first_ms = ms;
            if (ms > m->last_ms)
                m->last_ms = ms;
            if (m->policy_id && (rp_cst_day(ms) < m->valid_from ||
                                 rp_cst_day(ms) > m->valid_until))
                m->used_outside++;
            if (!m->type[0] && type[0]) {
                char *t = strdup(type);
                if (t) {
                    free(m->type);
                    m->type = t;
                }
            }
            return XB_OK;
        }
    }
    if (e->n_mechs == e->cap_mechs) {
        size_t cap = e->cap_mechs ? e->cap_mechs * 2 : 4;
        rp_mechanism *p = realloc(e->mechs, cap * sizeof(*p));
        if (!p)
            return XB_ERR_NOMEM;
        e->mechs = p;
        e->cap_mechs = cap;
    }
    rp_mechanism *m = &e->mechs[e->n_mechs];
    memset(m, 0, sizeof(*m));
    m->type = dup(type);
    m->ref = dup(ref);
    if (!m->type || !m->ref) {
        free(m->type);
        free(m->ref);
        return XB_ERR_NOMEM;
    }
    m->transfers = 1;
    m->first_ms = m->last_ms = ms;
    e->n_mechs++;
    const xb_mechanism *found = policy_mechanism(policy_exporter(r->opt.policy, e), ref);
    if (r->opt.policy)
        m->checked = true;
    if (found) {
        m->policy_id = strdup(found->id);
        if (!m->policy_id)
            return XB_ERR_NOMEM;
        m->valid_from = found->valid_from;
        m->valid_until = found->valid_until;
        if (!m->type[0]) {
            char *t = strdup(xb_mechanism_type_name(found->type));
            if (t) {
                free(m->type);
                m->type = t;
            }
        }
        if (ms && (rp_cst_day(ms) < m->valid_from || rp_cst_day(ms) > m->valid_until))
            m->used_outside++;
    }
    return XB_OK;
}

/* What a reason is about: its catalog entry (or category), else the
 * mechanism it names, else the rule the decision applied. */
static const char *reason_subject(const rp_reason *x, const rp_record *rec, char *buf,
                                  size_t size)
{
    if (x->entry[0])
        return x->entry;
    if (x->category[0])
        return x->category;
    if (x->mechanism[0]) {
        snprintf(buf, size, "mechanism %s", x->mechanism);
        return buf;
    }
    snprintf(buf, size, "rule %s", rec->rule[0] ? rec->rule : "?");
    return buf;
}

/* Two reasons of one decision that differ only by path (the same entry
 * found in two fields): one reason why the transfer was blocked. */
static bool same_reason(const rp_reason *a, const rp_reason *b)
{
    return !strcmp(a->article, b->article) && !strcmp(a->entry, b->entry) &&
           !strcmp(a->category, b->category) && !strcmp(a->mechanism, b->mechanism);
}

static xb_status add_blocked(rp_report *r, rp_exporter_report *e, const rp_record *rec)
{
    xb_status st = XB_OK;
    /* Why: one tally entry per reason (article and catalog entry), counted
     * once per blocked transfer however many fields it was found in. */
    for (size_t i = 0; i < rec->n_reasons && st == XB_OK; i++) {
        const rp_reason *x = &rec->reasons[i];
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = same_reason(&rec->reasons[j], x);
        if (seen)
            continue;
        char key[768], label[512], what[160];
        const char *subject = reason_subject(x, rec, what, sizeof(what));
        bool about_rule = !x->entry[0] && !x->category[0] && !x->mechanism[0];
        snprintf(key, sizeof(key), "%s|%s|%s|%s", x->article, x->entry, x->category,
                 x->mechanism);
        snprintf(label, sizeof(label), "%s%s%s%s%s", subject, x->article[0] ? " - " : "",
                 x->article, rec->rule[0] && !about_rule ? " - rule " : "",
                 about_rule ? "" : rec->rule);
        rp_tally_item *it = rp_tally_get(&e->block_reasons, key, label);
        if (!it)
            return XB_ERR_NOMEM;
        it->transfers++;
        it->blocked++;
    }
    if (!rec->n_reasons) {
        char key[256];
        snprintf(key, sizeof(key), "rule %s, route %s", rec->rule[0] ? rec->rule : "?",
                 rec->route[0] ? rec->route : "?");
        rp_tally_item *it = rp_tally_get(&e->block_reasons, key, NULL);
        if (!it)
            return XB_ERR_NOMEM;
        it->transfers++;
        it->blocked++;
    }
    if (e->n_blocked_list >= r->opt.max_listed) {
        e->blocked_not_listed++;
        return XB_OK;
    }
    if (e->n_blocked_list == e->cap_blocked_list) {
        size_t cap = e->cap_blocked_list ? e->cap_blocked_list * 2 : 16;
        rp_blocked *p = realloc(e->blocked_list, cap * sizeof(*p));
        if (!p)
            return XB_ERR_NOMEM;
        e->blocked_list = p;
        e->cap_blocked_list = cap;
    }
    xb_buf reasons = XB_BUF_INIT, dest = XB_BUF_INIT, rcpt = XB_BUF_INIT;
    for (size_t i = 0; i < rec->n_reasons; i++) {
        if (i)
            xb_buf_append_str(&reasons, "; ");
        rp_reason_describe(&rec->reasons[i], rec, &reasons);
    }
    xb_buf_printf(&dest, "%s%s%s", rec->dest_country, rec->dest_host[0] ? " " : "",
                  rec->dest_host);
    xb_buf_printf(&rcpt, "%s", rec->recipient_name[0] ? rec->recipient_name : rec->recipient_id);
    rp_blocked *b = &e->blocked_list[e->n_blocked_list];
    b->ts = dup(rec->ts_start);
    b->transfer_id = dup(rec->transfer_id);
    b->destination = dup(xb_buf_cstr(&dest));
    b->recipient = dup(xb_buf_cstr(&rcpt));
    b->rule = dup(rec->rule);
    b->route = dup(rec->route);
    b->reasons = dup(xb_buf_cstr(&reasons));
    xb_buf_free(&reasons);
    xb_buf_free(&dest);
    xb_buf_free(&rcpt);
    e->n_blocked_list++;
    if (!b->ts || !b->transfer_id || !b->destination || !b->recipient || !b->rule ||
        !b->route || !b->reasons)
        return XB_ERR_NOMEM;
    return XB_OK;
}

static xb_status add_ftz(rp_exporter_report *e, const rp_record *rec, int64_t day)
{
    rp_ftz_report *f = NULL;
    for (size_t i = 0; i < e->n_ftz; i++)
        if (e->ftz_reports[i].export_day == day && !strcmp(e->ftz_reports[i].zone, rec->exporter_ftz))
            f = &e->ftz_reports[i];
    if (!f) {
        if (e->n_ftz == e->cap_ftz) {
            size_t cap = e->cap_ftz ? e->cap_ftz * 2 : 8;
            rp_ftz_report *p = realloc(e->ftz_reports, cap * sizeof(*p));
            if (!p)
                return XB_ERR_NOMEM;
            e->ftz_reports = p;
            e->cap_ftz = cap;
        }
        f = &e->ftz_reports[e->n_ftz];
        memset(f, 0, sizeof(*f));
        f->zone = dup(rec->exporter_ftz);
        f->export_day = day;
        f->first_transfer = dup(rec->transfer_id);
        f->last_transfer = dup(rec->transfer_id);
        f->recipients = dup("");
        if (!f->zone || !f->first_transfer || !f->last_transfer || !f->recipients)
            return XB_ERR_NOMEM;
        e->n_ftz++;
    } else {
        char *t = dup(rec->transfer_id);
        if (!t)
            return XB_ERR_NOMEM;
        free(f->last_transfer);
        f->last_transfer = t;
    }
    f->transfers++;
    if (!strcmp(rec->route, "exempt") || !strcmp(rec->route, "none"))
        f->exempt++;
    const char *country = rec->dest_country[0] ? rec->dest_country : rec->recipient_country;
    if (country[0]) {
        /* Distinct countries, space separated. */
        size_t n = strlen(country);
        bool seen = false;
        for (const char *p = f->recipients; (p = strstr(p, country)) != NULL; p += n)
            if ((p == f->recipients || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
                seen = true;
        if (!seen && strlen(f->recipients) < 200) {
            size_t len = strlen(f->recipients) + n + 2;
            char *s = malloc(len);
            if (!s)
                return XB_ERR_NOMEM;
            snprintf(s, len, "%s%s%s", f->recipients, f->recipients[0] ? " " : "", country);
            free(f->recipients);
            f->recipients = s;
        }
    }
    return XB_OK;
}

static bool exporter_selected(const rp_report *r, const rp_record *rec)
{
    const char *x = r->opt.exporter;
    return !x || !*x || !strcmp(x, rec->exporter_id) || !strcasecmp(x, rec->exporter_uscc);
}

xb_status rp_report_add(rp_report *r, const rp_record *rec)
{
    r->records_read++;
    if (!rec->ts_ok) {
        r->records_unreadable++;
        return XB_OK;
    }
    int64_t ms = rec->ts_start_ms;
    int64_t day = rp_cst_day(ms);
    if (!exporter_selected(r, rec))
        return XB_OK;
    /* The last counters filed this year (for sources without counter sets). */
    int y, m, d;
    xb_civil_from_days(day, &y, &m, &d);
    bool in_period = !((r->opt.has_from && day < r->opt.from_day) ||
                       (r->opt.has_to && day > r->opt.to_day));
    if (!in_period && y != r->year)
        return XB_OK;
    rp_exporter_report *e = get_exporter(r, rec);
    if (!e)
        return XB_ERR_NOMEM;
    if (y == r->year && (rec->year == r->year || !rec->year) && ms >= e->rec_ytd_ms &&
        (!r->opt.has_to || day <= r->opt.to_day)) {
        e->rec_ytd_ms = ms;
        e->rec_ytd_general = rec->ytd_general;
        e->rec_ytd_sensitive = rec->ytd_sensitive;
    }
    if (!in_period)
        return XB_OK;

    r->records_in_period++;
    if (!r->first_ms || ms < r->first_ms)
        r->first_ms = ms;
    if (ms > r->last_ms)
        r->last_ms = ms;
    refresh_exporter(e, rec);
    bool blocked = rp_record_blocked(rec);
    e->transfers++;
    if (blocked) {
        e->blocked++;
    } else {
        e->bytes_sent += rec->bytes_sent;
        e->data_records += rec->records;
        e->subjects_general += rec->subjects_general;
        e->subjects_sensitive += rec->subjects_sensitive;
    }

    char key[256], label[512];
    const char *effect = rp_record_effect(rec);
    if (!strcmp(rec->mode, "monitor") && rec->outcome[0] && strcmp(rec->outcome, effect))
        snprintf(key, sizeof(key), "%s (monitor mode: %s)", rec->outcome, effect);
    else
        snprintf(key, sizeof(key), "%s", effect[0] ? effect : "unknown");
    xb_status st = count(&e->by_outcome, key, NULL, rec, blocked);

    const char *country = rec->dest_country[0] ? rec->dest_country
                          : rec->recipient_country[0] ? rec->recipient_country
                                                      : "unknown";
    if (!st)
        st = count(&e->by_country, country, NULL, rec, blocked);

    const char *rid = rec->recipient_id[0] ? rec->recipient_id
                      : rec->recipient_name[0] ? rec->recipient_name
                                               : "(no recipient named)";
    snprintf(label, sizeof(label), "%s%s%s%s", rec->recipient_name[0] ? rec->recipient_name : rid,
             rec->recipient_country[0] ? " (" : "", rec->recipient_country,
             rec->recipient_country[0] ? ")" : "");
    if (!st)
        st = count(&e->by_recipient, rid, label, rec, blocked);

    for (size_t i = 0; i < rec->n_categories && !st; i++) {
        const rp_category *c = &rec->categories[i];
        snprintf(label, sizeof(label), "%s (%s)", c->category, c->level[0] ? c->level : "?");
        rp_tally_item *it = rp_tally_get(&e->by_category, c->category, label);
        if (!it) {
            st = XB_ERR_NOMEM;
            break;
        }
        it->transfers++;
        it->findings += c->count;
        if (blocked)
            it->blocked++;
    }

    char date[11];
    xb_date_format(day, date);
    if (!st)
        st = count(&e->by_day, date, NULL, rec, blocked);
    if (!st)
        st = count(&e->by_route, rec->route[0] ? rec->route : "unknown", NULL, rec, blocked);

    /* mechanisms relied on: by transfers that left under a decision that
     * allowed them (not those that left in monitor mode despite a block) */
    if (!st && !blocked && strcmp(rec->outcome, "block") != 0) {
        if (rec->mechanism_ref[0])
            st = add_mechanism(r, e, rec->mechanism_type, rec->mechanism_ref, ms);
        for (size_t i = 0; i < rec->n_reasons && !st; i++)
            if (rec->reasons[i].mechanism[0] && strcmp(rec->reasons[i].mechanism,
                                                       rec->mechanism_ref))
                st = add_mechanism(r, e, "", rec->reasons[i].mechanism, ms);
    }
    if (!st && blocked)
        st = add_blocked(r, e, rec);
    if (!st && !blocked && rp_ftz_rule_for(rec->exporter_ftz))
        st = add_ftz(e, rec, day);
    return st;
}

void rp_report_set_ytd(rp_exporter_report *e, uint64_t general, uint64_t sensitive,
                       uint64_t baseline_general, uint64_t baseline_sensitive,
                       const char *source)
{
    e->ytd_general = general + baseline_general;
    e->ytd_sensitive = sensitive + baseline_sensitive;
    e->baseline_general = baseline_general;
    e->baseline_sensitive = baseline_sensitive;
    e->ytd_source = source;
    e->ytd_from_counters = true;
}

static int cmp_ftz(const void *a, const void *b)
{
    const rp_ftz_report *x = a, *y = b;
    return x->export_day < y->export_day ? -1 : x->export_day > y->export_day;
}

static int cmp_exporter(const void *a, const void *b)
{
    const rp_exporter_report *x = *(rp_exporter_report *const *)a,
                             *y = *(rp_exporter_report *const *)b;
    return strcmp(x->key, y->key);
}

void rp_report_finish(rp_report *r)
{
    if (r->n_exporters > 1)
        qsort(r->exporters, r->n_exporters, sizeof(*r->exporters), cmp_exporter);
    for (size_t i = 0; i < r->n_exporters; i++) {
        rp_exporter_report *e = r->exporters[i];
        if (!e->ytd_from_counters) {
            e->ytd_general = e->rec_ytd_general;
            e->ytd_sensitive = e->rec_ytd_sensitive;
            e->ytd_source = "the counters filed with the exporter's last record of the year";
        }
        rp_thresholds_compute(e);
        finish_mechanisms(r, e);
        rp_tally_sort_by_count(&e->by_outcome);
        rp_tally_sort_by_count(&e->by_country);
        rp_tally_sort_by_count(&e->by_recipient);
        rp_tally_sort_by_count(&e->by_category);
        rp_tally_sort_by_count(&e->by_route);
        rp_tally_sort_by_count(&e->block_reasons);
        rp_tally_sort_by_key(&e->by_day);
        const rp_ftz_rule *rule = rp_ftz_rule_for(e->ftz);
        for (size_t k = 0; k < e->n_ftz; k++) {
            rp_ftz_report *f = &e->ftz_reports[k];
            const rp_ftz_rule *fr = rp_ftz_rule_for(f->zone);
            int n = fr ? fr->business_days : rule ? rule->business_days : 0;
            f->deadline_day = rp_add_business_days(r->opt.calendar, f->export_day, n);
            f->business_days_left =
                rp_business_days_between(r->opt.calendar, r->opt.as_of_day, f->deadline_day);
            if (f->deadline_day < r->opt.as_of_day)
                f->business_days_left = -rp_business_days_between(
                    r->opt.calendar, f->deadline_day, r->opt.as_of_day);
        }
        if (e->n_ftz > 1)
            qsort(e->ftz_reports, e->n_ftz, sizeof(rp_ftz_report), cmp_ftz);
    }
}
