/*
 * rp_render_csv.c - the report as one CSV table in long form; see
 * rp_render.h.
 *
 * Every row has the same columns; `section` says what the row is
 * (summary, outcome, country, recipient, category, route, day, threshold,
 * route-now, mechanism, blocked-reason, blocked, ftz-report), so the table
 * can be filtered or pivoted in a spreadsheet. UTF-8 with a byte-order mark
 * (so spreadsheets read Chinese names correctly), RFC 4180 quoting, CRLF
 * line ends. Text cells that a spreadsheet would take for a formula (=, +,
 * -, @ first) are prefixed with an apostrophe.
 */
#include <stdlib.h>
#include <string.h>

#include "classifier/record/xb_record.h"
#include "rp_render.h"
#include "rp_time.h"

enum { C_SECTION, C_ID, C_USCC, C_NAME, C_KEY, C_LABEL, C_TRANSFERS, C_BLOCKED, C_BYTES,
       C_DATA_RECORDS, C_INDIVIDUALS, C_FINDINGS, C_COUNT, C_LIMIT, C_PERCENT, C_ROUTE,
       C_DATE, C_DEADLINE, C_STATUS, C_DETAIL, C_N };

static const char *const columns[C_N] = {
    "section", "exporter_id", "exporter_uscc", "exporter_name", "key", "label", "transfers",
    "blocked", "bytes", "data_records", "individuals", "findings", "count", "limit",
    "percent", "route", "date", "deadline", "status", "detail"};

typedef struct row {
    char cell[C_N][2048];
    bool text[C_N];
} row;

static void cell(row *r, int c, const char *s)
{
    snprintf(r->cell[c], sizeof(r->cell[c]), "%s", s ? s : "");
    r->text[c] = true;
}

static void num(row *r, int c, uint64_t v)
{
    snprintf(r->cell[c], sizeof(r->cell[c]), "%llu", (unsigned long long)v);
    r->text[c] = false;
}

static void field(xb_buf *b, const char *s, bool text)
{
    bool formula = text && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@');
    bool quote = formula || strpbrk(s, ",\"\r\n") != NULL;
    if (!quote) {
        xb_buf_append_str(b, s);
        return;
    }
    xb_buf_append_char(b, '"');
    if (formula)
        xb_buf_append_char(b, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            xb_buf_append_char(b, '"');
        xb_buf_append_char(b, *p);
    }
    xb_buf_append_char(b, '"');
}

static bool emit(xb_buf *b, row *r, FILE *out)
{
    for (int c = 0; c < C_N; c++) {
        if (c)
            xb_buf_append_char(b, ',');
        field(b, r->cell[c], r->text[c]);
    }
    xb_buf_append_str(b, "\r\n");
    memset(r, 0, sizeof(*r));
    bool ok = b->len == 0 || fwrite(b->data, 1, b->len, out) == b->len;
    xb_buf_reset(b);
    return ok;
}

static void who(row *r, const char *section, const rp_exporter_report *e)
{
    cell(r, C_SECTION, section);
    cell(r, C_ID, e->id);
    cell(r, C_USCC, e->uscc);
    cell(r, C_NAME, e->name);
}

static void date(row *r, int c, int64_t d)
{
    char s[11];
    xb_date_format(d, s);
    cell(r, c, s);
}

static bool tally(xb_buf *b, row *r, FILE *out, const char *section,
                  const rp_exporter_report *e, const rp_tally *t, bool findings)
{
    bool ok = true;
    for (size_t i = 0; i < t->n && ok; i++) {
        const rp_tally_item *it = &t->items[i];
        who(r, section, e);
        cell(r, C_KEY, it->key);
        cell(r, C_LABEL, it->label);
        num(r, C_TRANSFERS, it->transfers);
        num(r, C_BLOCKED, it->blocked);
        if (findings) {
            num(r, C_FINDINGS, it->findings);
        } else {
            num(r, C_BYTES, it->bytes);
            num(r, C_DATA_RECORDS, it->data_records);
            num(r, C_INDIVIDUALS, it->subjects);
        }
        if (!strcmp(section, "day"))
            cell(r, C_DATE, it->key);
        ok = emit(b, r, out);
    }
    return ok;
}

static bool ftz_rows(xb_buf *b, row *r, FILE *out, const rp_report *rep,
                     const rp_exporter_report *e, bool due_only)
{
    bool ok = true;
    for (size_t i = 0; i < e->n_ftz && ok; i++) {
        const rp_ftz_report *f = &e->ftz_reports[i];
        if (due_only && f->deadline_day < rep->opt.as_of_day)
            continue;
        char detail[512];
        const rp_ftz_rule *rule = rp_ftz_rule_for(f->zone);
        snprintf(detail, sizeof(detail),
                 "%lld business days left; %llu exempt; destinations %s; transfers %s..%s; "
                 "report to %s",
                 (long long)f->business_days_left, (unsigned long long)f->exempt, f->recipients,
                 f->first_transfer, f->last_transfer, rule ? rule->authority : "?");
        who(r, "ftz-report", e);
        cell(r, C_KEY, f->zone);
        num(r, C_TRANSFERS, f->transfers);
        date(r, C_DATE, f->export_day);
        date(r, C_DEADLINE, f->deadline_day);
        cell(r, C_STATUS, rp_ftz_status(rep, f));
        cell(r, C_DETAIL, detail);
        ok = emit(b, r, out);
    }
    return ok;
}

static bool exporter_rows(xb_buf *b, row *r, FILE *out, const rp_report *rep,
                          const rp_exporter_report *e)
{
    char detail[512];
    who(r, "summary", e);
    cell(r, C_KEY, e->key);
    cell(r, C_LABEL, e->ftz[0] ? e->ftz : "");
    num(r, C_TRANSFERS, e->transfers);
    num(r, C_BLOCKED, e->blocked);
    num(r, C_BYTES, e->bytes_sent);
    num(r, C_DATA_RECORDS, e->data_records);
    num(r, C_INDIVIDUALS, e->subjects_general + e->subjects_sensitive);
    cell(r, C_ROUTE, e->route_now);
    cell(r, C_DETAIL, e->ciio ? "critical information infrastructure operator" : "");
    bool ok = emit(b, r, out);
    ok = ok && tally(b, r, out, "outcome", e, &e->by_outcome, false);
    ok = ok && tally(b, r, out, "country", e, &e->by_country, false);
    ok = ok && tally(b, r, out, "recipient", e, &e->by_recipient, false);
    ok = ok && tally(b, r, out, "category", e, &e->by_category, true);
    ok = ok && tally(b, r, out, "route", e, &e->by_route, false);
    ok = ok && tally(b, r, out, "day", e, &e->by_day, false);
    for (int i = 0; i < RP_N_THRESHOLDS && ok; i++) {
        const rp_threshold *t = &e->thresholds[i];
        char pct[32];
        who(r, "threshold", e);
        cell(r, C_KEY, t->id);
        cell(r, C_LABEL, t->label);
        num(r, C_COUNT, t->count);
        num(r, C_LIMIT, t->limit);
        snprintf(pct, sizeof(pct), "%.2f", t->percent);
        cell(r, C_PERCENT, pct);
        r->text[C_PERCENT] = false;
        cell(r, C_ROUTE, t->route_from);
        snprintf(detail, sizeof(detail), "%s; year %d; %s", t->basis, e->year, e->ytd_source);
        cell(r, C_DETAIL, detail);
        ok = emit(b, r, out);
    }
    if (ok) {
        who(r, "route-now", e);
        cell(r, C_KEY, "route-now");
        num(r, C_COUNT, e->ytd_general);
        cell(r, C_ROUTE, e->route_now);
        cell(r, C_STATUS, e->alert ? e->alert : "");
        cell(r, C_DETAIL, e->route_basis);
        ok = emit(b, r, out);
    }
    for (size_t i = 0; i < e->n_mechs && ok; i++) {
        const rp_mechanism *m = &e->mechs[i];
        who(r, "mechanism", e);
        cell(r, C_KEY, m->ref);
        cell(r, C_LABEL, m->type);
        num(r, C_TRANSFERS, m->transfers);
        cell(r, C_STATUS, rp_validity_name(m->validity));
        if (m->policy_id) {
            date(r, C_DATE, m->valid_from);
            date(r, C_DEADLINE, m->valid_until);
            snprintf(detail, sizeof(detail),
                     "policy mechanism %s; %lld days left; %llu transfers outside its validity",
                     m->policy_id, (long long)m->days_left, (unsigned long long)m->used_outside);
            cell(r, C_DETAIL, detail);
        } else {
            cell(r, C_DETAIL, rep->policy_note);
        }
        ok = emit(b, r, out);
    }
    ok = ok && tally(b, r, out, "blocked-reason", e, &e->block_reasons, false);
    for (size_t i = 0; i < e->n_blocked_list && ok; i++) {
        const rp_blocked *x = &e->blocked_list[i];
        who(r, "blocked", e);
        cell(r, C_KEY, x->transfer_id);
        cell(r, C_LABEL, x->reasons);
        num(r, C_BLOCKED, 1);
        cell(r, C_ROUTE, x->route);
        cell(r, C_DATE, x->ts);
        snprintf(detail, sizeof(detail), "rule %s; destination %s; recipient %s", x->rule,
                 x->destination, x->recipient);
        cell(r, C_DETAIL, detail);
        ok = emit(b, r, out);
    }
    return ok && ftz_rows(b, r, out, rep, e, false);
}

bool rp_render_csv(const rp_report *r, bool due_only, FILE *out)
{
    xb_buf b = XB_BUF_INIT;
    row *rw = calloc(1, sizeof(*rw));
    if (!rw)
        return false;
    xb_buf_append_str(&b, "\xEF\xBB\xBF");
    for (int c = 0; c < C_N; c++) {
        if (c)
            xb_buf_append_char(&b, ',');
        xb_buf_append_str(&b, columns[c]);
    }
    xb_buf_append_str(&b, "\r\n");
    bool ok = fwrite(b.data, 1, b.len, out) == b.len;
    xb_buf_reset(&b);
    for (size_t i = 0; i < r->n_exporters && ok; i++)
        ok = due_only ? ftz_rows(&b, rw, out, r, r->exporters[i], true)
                      : exporter_rows(&b, rw, out, r, r->exporters[i]);
    xb_buf_free(&b);
    free(rw);
    return ok;
}
