/*
 * xb_decide_json.c - a decision as one JSON object, for `xborder decide`,
 * for the body of a blocked request and for logs. Field names are stable;
 * README.md "Export policy" shows an example.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "xb_china_time.h"
#include "xb_decide.h"

/* A writer whose first failure sticks, so that a failed allocation in the
 * middle can never leave a well-formed-looking but incomplete object. */
typedef struct jw {
    xb_buf *b;
    xb_status st;
} jw;

static void put(jw *w, const char *s)
{
    if (w->st == XB_OK)
        w->st = xb_buf_append_str(w->b, s);
}

static void putc_(jw *w, char ch)
{
    if (w->st == XB_OK)
        w->st = xb_buf_append_char(w->b, ch);
}

static void putf(jw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(jw *w, const char *fmt, ...)
{
    char tmp[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    put(w, tmp);
}

static void esc(jw *w, const char *s)
{
    if (w->st == XB_OK)
        w->st = xb_buf_append_json_escaped(w->b, s, strlen(s));
}

static void str(jw *b, const char *s)
{
    if (!s) {
        put(b, "null");
        return;
    }
    putc_(b, '"');
    esc(b, s);
    putc_(b, '"');
}

static void key(jw *b, const char *k, bool first)
{
    if (!first)
        putc_(b, ',');
    putc_(b, '"');
    put(b, k);
    put(b, "\":");
}

static void kstr(jw *b, const char *k, const char *v)
{
    key(b, k, false);
    str(b, v);
}

static void counts(jw *b, const char *k, const xb_subject_counts *c)
{
    key(b, k, false);
    putf(b, "{\"general\":%llu,\"sensitive\":%llu}", (unsigned long long)c->general,
                  (unsigned long long)c->sensitive);
}

static void reason(jw *b, const xb_reason *r)
{
    put(b, "{\"kind\":");
    str(b, xb_reason_kind_name(r->kind));
    kstr(b, "entry", r->entry);
    kstr(b, "category", r->category);
    kstr(b, "path", r->path);
    kstr(b, "article", r->article);
    kstr(b, "mechanism", r->mechanism);
    kstr(b, "note", r->note);
    if (r->kind == XB_REASON_DATA) {
        key(b, "count", false);
        putf(b, "%zu", r->count);
        key(b, "masked", false);
        put(b, r->masked ? "true" : "false");
    }
    putc_(b, '}');
}

xb_status xb_decision_to_json(const xb_decision *d, const xb_finding *findings,
                              size_t n_findings, xb_buf *out)
{
    jw w = {out, XB_OK}, *b = &w;
    size_t start = out->len;
    putc_(b, '{');
    key(b, "route", true);
    str(b, xb_decision_route_name(d->route));
    kstr(b, "article", d->article);
    kstr(b, "rule", xb_rule_name(d->rule));
    kstr(b, "outcome", xb_outcome_name(d->outcome));
    kstr(b, "enforced", xb_outcome_name(d->enforced));
    kstr(b, "mode", d->monitor ? "monitor" : "enforce");
    key(b, "watermark", false);
    put(b, d->watermark ? "true" : "false");

    kstr(b, "exporter", d->exporter ? d->exporter->id : NULL);
    kstr(b, "uscc", d->exporter ? d->exporter->uscc : NULL);
    kstr(b, "recipient", d->recipient ? d->recipient->id : NULL);
    kstr(b, "dest_country", d->dest_country[0] ? d->dest_country : NULL);
    kstr(b, "scenario", d->scenario && d->scenario[0] ? d->scenario : NULL);
    kstr(b, "purpose", d->purpose);
    kstr(b, "policy_version", d->policy_version);

    key(b, "reasons", false);
    putc_(b, '[');
    for (size_t i = 0; i < d->n_reasons; i++) {
        if (i)
            putc_(b, ',');
        reason(b, &d->reasons[i]);
    }
    putc_(b, ']');
    if (d->reasons_truncated) {
        key(b, "reasons_truncated", false);
        putf(b, "%zu", d->reasons_truncated);
    }

    key(b, "mechanisms", false);
    putc_(b, '[');
    for (size_t i = 0; i < d->n_mechanisms; i++) {
        const xb_mechanism *m = d->mechanisms[i];
        char until[11];
        xb_date_format(m->valid_until, until);
        if (i)
            putc_(b, ',');
        put(b, "{\"id\":");
        str(b, m->id);
        kstr(b, "type", xb_mechanism_type_name(m->type));
        kstr(b, "ref", m->ref);
        kstr(b, "valid_until", until);
        putc_(b, '}');
    }
    putc_(b, ']');

    counts(b, "subjects", &d->subjects);
    counts(b, "counters_after", &d->counters_after);
    key(b, "year", false);
    putf(b, "%d", d->year);

    if (d->outcome == XB_OUTCOME_MASK) {
        key(b, "mask", false);
        putc_(b, '[');
        for (size_t i = 0; i < d->n_mask; i++) {
            size_t k = d->mask[i];
            if (i)
                putc_(b, ',');
            str(b, k < n_findings && findings ? findings[k].path : NULL);
        }
        putc_(b, ']');
        key(b, "masked", false);
        put(b, "{\"rule\":");
        str(b, xb_rule_name(d->masked_rule));
        kstr(b, "route", xb_decision_route_name(d->masked_route));
        kstr(b, "article", d->masked_article);
        putc_(b, '}');
    }
    kstr(b, "message_zh", d->message_zh);
    kstr(b, "message_en", d->message_en);
    putc_(b, '}');
    if (w.st != XB_OK)
        out->len = start;
    return w.st;
}
