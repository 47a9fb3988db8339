/*
 * rp_render_json.c - the report as JSON for other systems; see
 * rp_render.h. Numbers are integers except the threshold percentages.
 */
#include <stdlib.h>
#include <string.h>

#include "classifier/record/xb_record.h"
#include "rp_jsonw.h"
#include "rp_render.h"
#include "rp_time.h"

const char *rp_ftz_status(const rp_report *r, const rp_ftz_report *f)
{
    return f->deadline_day >= r->opt.as_of_day ? "due" : "deadline passed";
}

void rp_fmt_count(uint64_t v, char out[32])
{
    char digits[32];
    int n = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)v);
    int k = 0;
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            out[k++] = ',';
        out[k++] = digits[i];
    }
    out[k] = '\0';
}

static void day(xb_buf *b, bool comma, const char *key, int64_t d)
{
    char s[11];
    xb_date_format(d, s);
    rp_jw_kv(b, comma, key, s);
}

static void time_ms(xb_buf *b, bool comma, const char *key, int64_t ms)
{
    if (!ms) {
        if (comma)
            xb_buf_append_char(b, ',');
        rp_jw_key(b, key);
        xb_buf_append_str(b, "null");
        return;
    }
    char s[32];
    xb_format_time_cst(ms, s);
    rp_jw_kv(b, comma, key, s);
}

static void tally(xb_buf *b, const char *name, const rp_tally *t, bool findings)
{
    xb_buf_printf(b, ",\"%s\":[", name);
    for (size_t i = 0; i < t->n; i++) {
        const rp_tally_item *it = &t->items[i];
        xb_buf_append_str(b, i ? ",{" : "{");
        rp_jw_kv(b, false, "key", it->key);
        rp_jw_kv(b, true, "label", it->label);
        rp_jw_ku(b, true, "transfers", it->transfers);
        rp_jw_ku(b, true, "blocked", it->blocked);
        if (findings) {
            rp_jw_ku(b, true, "findings", it->findings);
        } else {
            rp_jw_ku(b, true, "bytes", it->bytes);
            rp_jw_ku(b, true, "data_records", it->data_records);
            rp_jw_ku(b, true, "individuals", it->subjects);
        }
        xb_buf_append_char(b, '}');
    }
    xb_buf_append_char(b, ']');
}

static void ftz_report(xb_buf *b, const rp_report *r, const rp_exporter_report *e,
                       const rp_ftz_report *f, bool with_exporter)
{
    xb_buf_append_char(b, '{');
    bool comma = false;
    if (with_exporter) {
        rp_jw_kv(b, false, "exporter_id", e->id);
        rp_jw_kv(b, true, "exporter_uscc", e->uscc);
        rp_jw_kv(b, true, "exporter_name", e->name);
        comma = true;
    }
    rp_jw_kv(b, comma, "zone", f->zone);
    day(b, true, "export_day", f->export_day);
    day(b, true, "deadline", f->deadline_day);
    xb_buf_printf(b, ",\"business_days_left\":%lld", (long long)f->business_days_left);
    rp_jw_kv(b, true, "status", rp_ftz_status(r, f));
    rp_jw_ku(b, true, "transfers", f->transfers);
    rp_jw_ku(b, true, "exempt", f->exempt);
    rp_jw_kv(b, true, "first_transfer", f->first_transfer);
    rp_jw_kv(b, true, "last_transfer", f->last_transfer);
    rp_jw_kv(b, true, "destinations", f->recipients);
    const rp_ftz_rule *rule = rp_ftz_rule_for(f->zone);
    rp_jw_kv(b, true, "report_to", rule ? rule->authority : "");
    rp_jw_kv(b, true, "basis", rule ? rule->basis : "");
    xb_buf_append_char(b, '}');
}

static void exporter(xb_buf *b, const rp_report *r, const rp_exporter_report *e)
{
    xb_buf_append_char(b, '{');
    rp_jw_kv(b, false, "id", e->id);
    rp_jw_kv(b, true, "uscc", e->uscc);
    rp_jw_kv(b, true, "name", e->name);
    rp_jw_kv(b, true, "ftz", e->ftz);
    xb_buf_printf(b, ",\"ciio\":%s", e->ciio ? "true" : "false");
    rp_jw_ku(b, true, "transfers", e->transfers);
    rp_jw_ku(b, true, "blocked", e->blocked);
    rp_jw_ku(b, true, "bytes_sent", e->bytes_sent);
    rp_jw_ku(b, true, "data_records", e->data_records);
    rp_jw_ku(b, true, "individuals_general", e->subjects_general);
    rp_jw_ku(b, true, "individuals_sensitive", e->subjects_sensitive);
    tally(b, "by_outcome", &e->by_outcome, false);
    tally(b, "by_country", &e->by_country, false);
    tally(b, "by_recipient", &e->by_recipient, false);
    tally(b, "by_category", &e->by_category, true);
    tally(b, "by_route", &e->by_route, false);
    tally(b, "by_day", &e->by_day, false);

    xb_buf_append_str(b, ",\"year_to_date\":{");
    xb_buf_printf(b, "\"year\":%d", e->year);
    rp_jw_ku(b, true, "general", e->ytd_general);
    rp_jw_ku(b, true, "sensitive", e->ytd_sensitive);
    rp_jw_ku(b, true, "baseline_general", e->baseline_general);
    rp_jw_ku(b, true, "baseline_sensitive", e->baseline_sensitive);
    rp_jw_kv(b, true, "source", e->ytd_source);
    xb_buf_append_str(b, ",\"thresholds\":[");
    for (int i = 0; i < RP_N_THRESHOLDS; i++) {
        const rp_threshold *t = &e->thresholds[i];
        xb_buf_append_str(b, i ? ",{" : "{");
        rp_jw_kv(b, false, "id", t->id);
        rp_jw_kv(b, true, "label", t->label);
        rp_jw_ku(b, true, "count", t->count);
        rp_jw_ku(b, true, "limit", t->limit);
        xb_buf_printf(b, ",\"percent\":%.2f", t->percent);
        rp_jw_kv(b, true, "route_from_limit", t->route_from);
        rp_jw_kv(b, true, "basis", t->basis);
        xb_buf_append_char(b, '}');
    }
    xb_buf_append_char(b, ']');
    rp_jw_kv(b, true, "route_now", e->route_now);
    rp_jw_kv(b, true, "route_basis", e->route_basis);
    rp_jw_kv(b, true, "alert", e->alert);
    xb_buf_append_char(b, '}');

    xb_buf_append_str(b, ",\"mechanisms\":[");
    for (size_t i = 0; i < e->n_mechs; i++) {
        const rp_mechanism *m = &e->mechs[i];
        xb_buf_append_str(b, i ? ",{" : "{");
        rp_jw_kv(b, false, "type", m->type);
        rp_jw_kv(b, true, "ref", m->ref);
        rp_jw_ku(b, true, "transfers", m->transfers);
        time_ms(b, true, "first_used", m->first_ms);
        time_ms(b, true, "last_used", m->last_ms);
        rp_jw_kv(b, true, "validity", rp_validity_name(m->validity));
        if (m->policy_id) {
            rp_jw_kv(b, true, "policy_id", m->policy_id);
            day(b, true, "valid_from", m->valid_from);
            day(b, true, "valid_until", m->valid_until);
            xb_buf_printf(b, ",\"days_left\":%lld", (long long)m->days_left);
            rp_jw_ku(b, true, "transfers_outside_validity", m->used_outside);
        }
        xb_buf_append_char(b, '}');
    }
    xb_buf_append_char(b, ']');

    xb_buf_append_str(b, ",\"blocked_attempts\":{");
    rp_jw_ku(b, false, "total", e->blocked);
    rp_jw_ku(b, true, "not_listed", e->blocked_not_listed);
    tally(b, "reasons", &e->block_reasons, false);
    xb_buf_append_str(b, ",\"attempts\":[");
    for (size_t i = 0; i < e->n_blocked_list; i++) {
        const rp_blocked *x = &e->blocked_list[i];
        xb_buf_append_str(b, i ? ",{" : "{");
        rp_jw_kv(b, false, "time", x->ts);
        rp_jw_kv(b, true, "transfer_id", x->transfer_id);
        rp_jw_kv(b, true, "destination", x->destination);
        rp_jw_kv(b, true, "recipient", x->recipient);
        rp_jw_kv(b, true, "rule", x->rule);
        rp_jw_kv(b, true, "route", x->route);
        rp_jw_kv(b, true, "reasons", x->reasons);
        xb_buf_append_char(b, '}');
    }
    xb_buf_append_str(b, "]}");

    xb_buf_append_str(b, ",\"ftz_reports\":[");
    for (size_t i = 0; i < e->n_ftz; i++) {
        if (i)
            xb_buf_append_char(b, ',');
        ftz_report(b, r, e, &e->ftz_reports[i], false);
    }
    xb_buf_append_str(b, "]}");
}

static void header(xb_buf *b, const rp_report *r)
{
    char now[32];
    xb_format_time_cst(rp_now_ms(), now);
    xb_buf_append_char(b, '{');
    rp_jw_kv(b, false, "format", "xborder-report/1");
    rp_jw_kv(b, true, "generated", now);
    day(b, true, "as_of", r->opt.as_of_day);
    rp_jw_kv(b, true, "source", r->source ? r->source : "");
    xb_buf_append_str(b, ",\"period\":{");
    if (r->opt.has_from)
        day(b, false, "from", r->opt.from_day);
    else
        xb_buf_append_str(b, "\"from\":null");
    if (r->opt.has_to)
        day(b, true, "to", r->opt.to_day);
    else
        xb_buf_append_str(b, ",\"to\":null");
    time_ms(b, true, "first_transfer", r->first_ms);
    time_ms(b, true, "last_transfer", r->last_ms);
    xb_buf_append_char(b, '}');
    rp_jw_kv(b, true, "exporter_filter", r->opt.exporter);
    rp_jw_ku(b, true, "records_read", r->records_read);
    rp_jw_ku(b, true, "records_in_period", r->records_in_period);
    rp_jw_ku(b, true, "records_unreadable", r->records_unreadable);
    rp_jw_kv(b, true, "mechanisms_checked_against", r->policy_note);
    rp_jw_kv(b, true, "business_days", r->calendar_note);
}

bool rp_render_json(const rp_report *r, bool due_only, FILE *raw, FILE *out)
{
    xb_buf b = XB_BUF_INIT;
    header(&b, r);
    bool ok = true;
    if (due_only) {
        xb_buf_append_str(&b, ",\"due\":[");
        bool first = true;
        for (size_t i = 0; i < r->n_exporters; i++) {
            const rp_exporter_report *e = r->exporters[i];
            for (size_t k = 0; k < e->n_ftz; k++) {
                if (e->ftz_reports[k].deadline_day < r->opt.as_of_day)
                    continue;
                if (!first)
                    xb_buf_append_char(&b, ',');
                first = false;
                ftz_report(&b, r, e, &e->ftz_reports[k], true);
            }
        }
        xb_buf_append_str(&b, "]}\n");
        ok = rp_jw_flush(&b, out);
        xb_buf_free(&b);
        return ok;
    }
    xb_buf_append_str(&b, ",\"exporters\":[");
    for (size_t i = 0; i < r->n_exporters && ok; i++) {
        if (i)
            xb_buf_append_char(&b, ',');
        exporter(&b, r, r->exporters[i]);
        ok = rp_jw_flush(&b, out);
    }
    xb_buf_append_char(&b, ']');
    ok = ok && rp_jw_flush(&b, out);
    if (raw && ok) {
        char chunk[65536];
        size_t n;
        rewind(raw);
        while ((n = fread(chunk, 1, sizeof(chunk), raw)) > 0 && ok)
            ok = fwrite(chunk, 1, n, out) == n;
        ok = ok && !ferror(raw);
    }
    xb_buf_append_str(&b, "}\n");
    ok = ok && rp_jw_flush(&b, out);
    xb_buf_free(&b);
    return ok;
}
