/*
 * rp_render_html.c - the report as one self-contained HTML page; see
 * rp_render.h.
 *
 * Everything is inline: CSS in a <style> element, charts as SVG drawn here
 * (volume over time, transfers by country and by data category, one gauge
 * per legal threshold). No script, font, image or style sheet is loaded, so
 * the page renders the same offline, in an archive and on paper (@media
 * print: one exporter per page, colours kept). Key numbers carry
 * data-metric attributes so that tools can find them.
 */
#include <stdlib.h>
#include <string.h>

#include "classifier/core/xb_buf.h"
#include "classifier/record/xb_record.h"
#include "rp_render.h"
#include "rp_time.h"

#define MAX_BARS 10

static void esc(xb_buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': xb_buf_append_str(b, "&amp;"); break;
        case '<': xb_buf_append_str(b, "&lt;"); break;
        case '>': xb_buf_append_str(b, "&gt;"); break;
        case '"': xb_buf_append_str(b, "&quot;"); break;
        case '\'': xb_buf_append_str(b, "&#39;"); break;
        default: xb_buf_append_char(b, *s);
        }
    }
}

static void count(xb_buf *b, uint64_t v)
{
    char s[32];
    rp_fmt_count(v, s);
    xb_buf_append_str(b, s);
}

/* A key number: <span class="num" data-metric=...>1,234</span> */
static void metric(xb_buf *b, const char *name, uint64_t v)
{
    xb_buf_printf(b, "<span class=\"num\" data-metric=\"%s\" data-value=\"%llu\">", name,
                  (unsigned long long)v);
    count(b, v);
    xb_buf_append_str(b, "</span>");
}

static void date(xb_buf *b, int64_t d)
{
    char s[11];
    xb_date_format(d, s);
    xb_buf_append_str(b, s);
}

static const char *const style =
    "body{font-family:system-ui,-apple-system,'Segoe UI','Noto Sans CJK SC','PingFang SC',"
    "sans-serif;margin:24px;color:#1b1f24;background:#fff;line-height:1.4}"
    "h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:2px "
    "solid #1f4e79;padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px;color:#1f4e79}"
    ".meta{color:#555;font-size:13px}.cards{display:flex;flex-wrap:wrap;gap:10px;margin:10px 0}"
    ".card{border:1px solid #ccd;border-radius:6px;padding:8px 12px;min-width:120px}"
    ".card .lbl{font-size:12px;color:#555}.card .num{font-size:20px;font-weight:600}"
    "table{border-collapse:collapse;font-size:13px;margin:6px 0 12px;min-width:50%}"
    "th,td{border:1px solid #ccd;padding:3px 8px;text-align:left;vertical-align:top}"
    "th{background:#eef2f7}td.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".badge{display:inline-block;padding:1px 7px;border-radius:9px;font-size:12px;color:#fff}"
    ".ok{background:#2e7d32}.warn{background:#e08a00}.bad{background:#c62828}.na{background:#78909c}"
    ".route{font-weight:600}.alert{color:#c62828;font-weight:600}"
    ".charts{display:flex;flex-wrap:wrap;gap:18px}svg{font-size:11px}"
    ".note{font-size:12px;color:#555}"
    "@media print{body{margin:10mm}section.exporter{break-before:page}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}.card,table,svg"
    "{break-inside:avoid}}";

static const char *const palette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b",
                                      "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#d62728",
                                      "#aec7e8"};

/* Horizontal bars: the top items of a tally and "other". */
static void bar_chart(xb_buf *b, const char *title, const char *id, const rp_tally *t)
{
    size_t n = t->n < MAX_BARS ? t->n : MAX_BARS;
    uint64_t other = 0, max = 1;
    for (size_t i = 0; i < t->n; i++) {
        if (i >= MAX_BARS)
            other += t->items[i].transfers;
        else if (t->items[i].transfers > max)
            max = t->items[i].transfers;
    }
    if (other > max)
        max = other;
    size_t rows = n + (other ? 1 : 0);
    int h = 24 + (int)rows * 20 + 6;
    xb_buf_printf(b, "<figure><svg id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" width=\"360\" "
                     "height=\"%d\" viewBox=\"0 0 360 %d\" role=\"img\" aria-label=\"",
                  id, h, h);
    esc(b, title);
    xb_buf_append_str(b, "\"><text x=\"0\" y=\"14\" font-weight=\"600\">");
    esc(b, title);
    xb_buf_append_str(b, "</text>");
    if (!rows)
        xb_buf_append_str(b, "<text x=\"0\" y=\"36\" fill=\"#777\">no transfers</text>");
    for (size_t i = 0; i < rows; i++) {
        const char *label = i < n ? t->items[i].label : "other";
        uint64_t v = i < n ? t->items[i].transfers : other;
        int y = 24 + (int)i * 20;
        double w = 190.0 * (double)v / (double)max;
        xb_buf_append_str(b, "<text x=\"0\" y=\"");
        xb_buf_printf(b, "%d\">", y + 13);
        char cut[64];
        snprintf(cut, sizeof(cut), "%.22s", label);
        esc(b, cut);
        xb_buf_printf(b, "</text><rect x=\"130\" y=\"%d\" width=\"%.1f\" height=\"15\" "
                         "fill=\"%s\"/><text x=\"%.1f\" y=\"%d\">",
                      y + 2, w < 1 ? 1 : w, palette[i % 11], 134 + (w < 1 ? 1 : w), y + 13);
        count(b, v);
        xb_buf_append_str(b, "</text>");
    }
    xb_buf_append_str(b, "</svg></figure>");
}

/* Buckets of the volume chart: days, or weeks / months for long periods. */
typedef struct bucket {
    int64_t start;
    uint64_t allowed, blocked;
} bucket;

static int64_t bucket_start(int64_t day, int unit)
{
    if (unit == 0)
        return day;
    if (unit == 1)
        return day - rp_weekday(day); /* Monday */
    int y, m, d;
    xb_civil_from_days(day, &y, &m, &d);
    return xb_days_from_civil(y, m, 1);
}

static int64_t bucket_next(int64_t start, int unit)
{
    if (unit == 0)
        return start + 1;
    if (unit == 1)
        return start + 7;
    int y, m, d;
    xb_civil_from_days(start, &y, &m, &d);
    return m == 12 ? xb_days_from_civil(y + 1, 1, 1) : xb_days_from_civil(y, m + 1, 1);
}

static void volume_chart(xb_buf *b, const char *id, const rp_tally *days)
{
    int64_t first = 0, last = 0;
    bool any = false;
    for (size_t i = 0; i < days->n; i++) {
        int64_t d;
        if (!xb_date_parse(days->items[i].key, &d))
            continue;
        if (!any || d < first)
            first = d;
        if (!any || d > last)
            last = d;
        any = true;
    }
    int unit = !any || last - first < 120 ? 0 : (last - first < 120 * 7 ? 1 : 2);
    static const char *const unit_name[] = {"day", "week", "month"};
    size_t nb = 0;
    bucket *bk = NULL;
    if (any) {
        for (int64_t s = bucket_start(first, unit); s <= last; s = bucket_next(s, unit))
            nb++;
        bk = calloc(nb, sizeof(*bk));
        if (!bk)
            nb = 0;
        size_t k = 0;
        for (int64_t s = bucket_start(first, unit); bk && s <= last; s = bucket_next(s, unit))
            bk[k++].start = s;
        for (size_t i = 0; i < days->n && bk; i++) {
            int64_t d;
            if (!xb_date_parse(days->items[i].key, &d))
                continue;
            int64_t s = bucket_start(d, unit);
            size_t lo = 0, hi = nb;
            while (lo + 1 < hi) { /* last bucket starting <= s */
                size_t mid = (lo + hi) / 2;
                if (bk[mid].start <= s)
                    lo = mid;
                else
                    hi = mid;
            }
            bk[lo].allowed += days->items[i].transfers - days->items[i].blocked;
            bk[lo].blocked += days->items[i].blocked;
        }
    }
    uint64_t max = 2;
    for (size_t i = 0; i < nb; i++)
        if (bk[i].allowed + bk[i].blocked > max)
            max = bk[i].allowed + bk[i].blocked;
    max += max % 2; /* the middle grid line stays a whole number */
    const int W = 720, H = 220, left = 50, top = 24, plot_h = 150, plot_w = W - left - 10;
    xb_buf_printf(b, "<figure><svg id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
                     "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"transfers "
                     "per %s\"><text x=\"0\" y=\"14\" font-weight=\"600\">Transfers per %s "
                     "(blue: left the country, red: blocked)</text>",
                  id, W, H, W, H, unit_name[unit], unit_name[unit]);
    for (int g = 0; g <= 2; g++) {
        int y = top + plot_h - g * plot_h / 2;
        xb_buf_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#dde\"/>"
                         "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">",
                      left, y, W - 10, y, left - 4, y + 4);
        count(b, max * (uint64_t)g / 2);
        xb_buf_append_str(b, "</text>");
    }
    double bw = nb ? (double)plot_w / (double)nb : 0;
    for (size_t i = 0; i < nb; i++) {
        double x = left + bw * (double)i;
        double ha = (double)plot_h * (double)bk[i].allowed / (double)max;
        double hb = (double)plot_h * (double)bk[i].blocked / (double)max;
        double y0 = top + plot_h;
        char label[11];
        xb_date_format(bk[i].start, label);
        xb_buf_printf(b, "<g><title>%s: %llu left, %llu blocked</title>", label,
                      (unsigned long long)bk[i].allowed, (unsigned long long)bk[i].blocked);
        if (bk[i].allowed)
            xb_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                             "fill=\"#1f77b4\"/>",
                          x + bw * 0.1, y0 - ha, bw * 0.8, ha);
        if (bk[i].blocked)
            xb_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                             "fill=\"#d62728\"/>",
                          x + bw * 0.1, y0 - ha - hb, bw * 0.8, hb);
        xb_buf_append_str(b, "</g>");
        if (i == 0 || i == nb - 1 || (nb > 2 && i == nb / 2))
            xb_buf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
                          x + bw / 2, top + plot_h + 16, label);
    }
    if (!nb)
        xb_buf_printf(b, "<text x=\"%d\" y=\"%d\" fill=\"#777\">no transfers</text>", left + 10,
                      top + plot_h / 2);
    xb_buf_append_str(b, "</svg></figure>");
    free(bk);
}

static void gauges(xb_buf *b, const char *id, const rp_exporter_report *e)
{
    const int W = 720, row = 46;
    int H = 20 + RP_N_THRESHOLDS * row;
    xb_buf_printf(b, "<figure><svg id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
                     "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"thresholds\">"
                     "<text x=\"0\" y=\"14\" font-weight=\"600\">Individuals since 1 January %d "
                     "against the legal thresholds</text>",
                  id, W, H, W, H, e->year);
    for (int i = 0; i < RP_N_THRESHOLDS; i++) {
        const rp_threshold *t = &e->thresholds[i];
        int y = 22 + i * row;
        double pct = t->percent > 100 ? 100 : t->percent;
        const char *color = t->percent >= 100 ? "#c62828" : t->percent >= 80 ? "#e08a00"
                                                                               : "#2e7d32";
        double w = 500.0 * pct / 100.0;
        xb_buf_printf(b, "<g data-threshold=\"%s\"><text x=\"0\" y=\"%d\">", t->id, y + 12);
        esc(b, t->label);
        xb_buf_printf(b, "</text><rect x=\"0\" y=\"%d\" width=\"500\" height=\"14\" "
                         "fill=\"#eceff1\" stroke=\"#b0bec5\"/>"
                         "<rect x=\"0\" y=\"%d\" width=\"%.1f\" height=\"14\" fill=\"%s\"/>"
                         "<line x1=\"400\" y1=\"%d\" x2=\"400\" y2=\"%d\" stroke=\"#555\" "
                         "stroke-dasharray=\"2,2\"/><text x=\"510\" y=\"%d\">",
                      y + 17, y + 17, w, color, y + 15, y + 33, y + 29);
        count(b, t->count);
        xb_buf_append_str(b, " / ");
        count(b, t->limit);
        xb_buf_printf(b, " (%.1f%%)</text></g>", t->percent);
    }
    xb_buf_append_str(b, "</svg></figure>");
}

enum table_kind { T_VOLUME, T_FINDINGS, T_COUNT };

static void tally_table(xb_buf *b, const char *title, const char *first_col,
                        const rp_tally *t, enum table_kind kind)
{
    bool findings = kind == T_FINDINGS;
    xb_buf_append_str(b, "<h3>");
    esc(b, title);
    xb_buf_append_str(b, "</h3>");
    if (!t->n) {
        xb_buf_append_str(b, "<p class=\"note\">none</p>");
        return;
    }
    xb_buf_append_str(b, "<table><tr><th>");
    esc(b, first_col);
    if (kind == T_COUNT) {
        xb_buf_append_str(b, "</th><th>attempts</th></tr>");
        for (size_t i = 0; i < t->n; i++) {
            xb_buf_append_str(b, "<tr><td>");
            esc(b, t->items[i].label);
            xb_buf_append_str(b, "</td><td class=\"n\">");
            count(b, t->items[i].transfers);
            xb_buf_append_str(b, "</td></tr>");
        }
        xb_buf_append_str(b, "</table>");
        return;
    }
    xb_buf_append_str(b, findings ? "</th><th>transfers</th><th>blocked</th><th>findings</th></tr>"
                                  : "</th><th>transfers</th><th>blocked</th><th>bytes sent</th>"
                                    "<th>data records</th><th>individuals</th></tr>");
    for (size_t i = 0; i < t->n; i++) {
        const rp_tally_item *it = &t->items[i];
        xb_buf_append_str(b, "<tr><td>");
        esc(b, it->label);
        xb_buf_append_str(b, "</td><td class=\"n\">");
        count(b, it->transfers);
        xb_buf_append_str(b, "</td><td class=\"n\">");
        count(b, it->blocked);
        if (findings) {
            xb_buf_append_str(b, "</td><td class=\"n\">");
            count(b, it->findings);
        } else {
            xb_buf_append_str(b, "</td><td class=\"n\">");
            count(b, it->bytes);
            xb_buf_append_str(b, "</td><td class=\"n\">");
            count(b, it->data_records);
            xb_buf_append_str(b, "</td><td class=\"n\">");
            count(b, it->subjects);
        }
        xb_buf_append_str(b, "</td></tr>");
    }
    xb_buf_append_str(b, "</table>");
}

static const char *validity_class(rp_validity v)
{
    switch (v) {
    case RP_VALIDITY_VALID: return "ok";
    case RP_VALIDITY_EXPIRING: return "warn";
    case RP_VALIDITY_UNCHECKED: return "na";
    default: return "bad";
    }
}

static void ftz_table(xb_buf *b, const rp_report *r, const rp_exporter_report *e,
                      bool due_only, bool with_exporter)
{
    xb_buf_append_str(b, "<table><tr>");
    if (with_exporter)
        xb_buf_append_str(b, "<th>exporter</th>");
    xb_buf_append_str(b, "<th>zone</th><th>export day</th><th>deadline</th><th>status</th>"
                         "<th>transfers</th><th>of which exempt</th><th>destinations</th>"
                         "<th>transfer ids</th><th>report to</th></tr>");
    for (size_t i = 0; i < e->n_ftz; i++) {
        const rp_ftz_report *f = &e->ftz_reports[i];
        if (due_only && f->deadline_day < r->opt.as_of_day)
            continue;
        bool due = f->deadline_day >= r->opt.as_of_day;
        xb_buf_append_str(b, "<tr>");
        if (with_exporter) {
            xb_buf_append_str(b, "<td>");
            esc(b, e->name[0] ? e->name : e->id);
            xb_buf_append_str(b, " (");
            esc(b, e->uscc);
            xb_buf_append_str(b, ")</td>");
        }
        xb_buf_append_str(b, "<td>");
        esc(b, f->zone);
        xb_buf_append_str(b, "</td><td>");
        date(b, f->export_day);
        xb_buf_append_str(b, "</td><td data-metric=\"ftz-deadline\">");
        date(b, f->deadline_day);
        xb_buf_printf(b, "</td><td><span class=\"badge %s\">%s</span> ",
                      !due ? "bad" : f->business_days_left <= 3 ? "warn" : "ok",
                      rp_ftz_status(r, f));
        xb_buf_printf(b, "%lld business day%s %s</td><td class=\"n\">",
                      (long long)(f->business_days_left < 0 ? -f->business_days_left
                                                            : f->business_days_left),
                      (f->business_days_left == 1 || f->business_days_left == -1) ? "" : "s",
                      due ? "left" : "overdue");
        count(b, f->transfers);
        xb_buf_append_str(b, "</td><td class=\"n\">");
        count(b, f->exempt);
        xb_buf_append_str(b, "</td><td>");
        esc(b, f->recipients);
        xb_buf_append_str(b, "</td><td>");
        esc(b, f->first_transfer);
        if (strcmp(f->first_transfer, f->last_transfer)) {
            xb_buf_append_str(b, " .. ");
            esc(b, f->last_transfer);
        }
        const rp_ftz_rule *rule = rp_ftz_rule_for(f->zone);
        xb_buf_append_str(b, "</td><td>");
        esc(b, rule ? rule->authority : "");
        xb_buf_append_str(b, "</td></tr>");
    }
    xb_buf_append_str(b, "</table>");
}

static void exporter_section(xb_buf *b, const rp_report *r, const rp_exporter_report *e,
                             size_t index)
{
    char id[32];
    xb_buf_printf(b, "<section class=\"exporter\" data-exporter=\"");
    esc(b, e->key);
    xb_buf_append_str(b, "\"><h2>");
    esc(b, e->name[0] ? e->name : e->id);
    xb_buf_append_str(b, "</h2><p class=\"meta\">exporter id ");
    esc(b, e->id);
    xb_buf_append_str(b, " &middot; USCC ");
    esc(b, e->uscc[0] ? e->uscc : "-");
    if (e->ftz[0]) {
        xb_buf_append_str(b, " &middot; free-trade zone ");
        esc(b, e->ftz);
    }
    if (e->ciio)
        xb_buf_append_str(b, " &middot; <b>critical information infrastructure operator</b>");
    xb_buf_append_str(b, "</p><div class=\"cards\">");
    static const char *const labels[] = {"transfers", "blocked", "bytes sent", "data records",
                                         "individuals (PI) this year",
                                         "individuals (sensitive PI) this year"};
    static const char *const names[] = {"transfers", "blocked", "bytes-sent", "data-records",
                                        "ytd-general", "ytd-sensitive"};
    uint64_t values[] = {e->transfers, e->blocked, e->bytes_sent, e->data_records,
                         e->ytd_general, e->ytd_sensitive};
    for (size_t i = 0; i < 6; i++) {
        xb_buf_printf(b, "<div class=\"card\"><div class=\"lbl\">%s</div>", labels[i]);
        metric(b, names[i], values[i]);
        xb_buf_append_str(b, "</div>");
    }
    xb_buf_append_str(b, "<div class=\"card\"><div class=\"lbl\">route the volume now "
                         "requires</div><span class=\"num route\" data-metric=\"route-now\">");
    esc(b, e->route_now);
    xb_buf_append_str(b, "</span></div></div><p>");
    esc(b, e->route_basis);
    xb_buf_append_str(b, ".");
    if (e->alert) {
        xb_buf_append_str(b, " <span class=\"alert\">");
        esc(b, e->alert);
        xb_buf_append_str(b, ".</span>");
    }
    xb_buf_append_str(b, "</p>");

    snprintf(id, sizeof(id), "gauges-%zu", index);
    gauges(b, id, e);
    xb_buf_append_str(b, "<p class=\"note\">Counted ");
    esc(b, e->ytd_source);
    if (e->baseline_general || e->baseline_sensitive) {
        xb_buf_append_str(b, ", including individuals exported through other channels (");
        count(b, e->baseline_general);
        xb_buf_append_str(b, " general, ");
        count(b, e->baseline_sensitive);
        xb_buf_append_str(b, " sensitive)");
    }
    xb_buf_append_str(b, ". The dashed line marks 80%. Per transfer, important data, FTZ lists "
                         "and the exemptions of Arts. 3-5 can still change the route.</p>");

    xb_buf_append_str(b, "<div class=\"charts\">");
    snprintf(id, sizeof(id), "volume-%zu", index);
    volume_chart(b, id, &e->by_day);
    snprintf(id, sizeof(id), "countries-%zu", index);
    bar_chart(b, "Transfers by destination country", id, &e->by_country);
    snprintf(id, sizeof(id), "categories-%zu", index);
    bar_chart(b, "Transfers by data category", id, &e->by_category);
    xb_buf_append_str(b, "</div>");

    tally_table(b, "Transfers by outcome", "outcome", &e->by_outcome, T_VOLUME);
    tally_table(b, "Transfers by destination country", "country", &e->by_country, T_VOLUME);
    tally_table(b, "Transfers by recipient", "recipient", &e->by_recipient, T_VOLUME);
    tally_table(b, "Transfers by data category", "category (level)", &e->by_category,
                T_FINDINGS);
    tally_table(b, "Transfers by required route", "route", &e->by_route, T_VOLUME);

    xb_buf_append_str(b, "<h3>Mechanisms relied on</h3>");
    if (!e->n_mechs) {
        xb_buf_append_str(b, "<p class=\"note\">No transfer of the period relied on a "
                             "mechanism.</p>");
    } else {
        xb_buf_append_str(b, "<table><tr><th>type</th><th>reference</th><th>transfers</th>"
                             "<th>valid from</th><th>valid until</th><th>validity</th>"
                             "<th>transfers outside validity</th></tr>");
        for (size_t i = 0; i < e->n_mechs; i++) {
            const rp_mechanism *m = &e->mechs[i];
            xb_buf_append_str(b, "<tr><td>");
            esc(b, m->type[0] ? m->type : "?");
            xb_buf_append_str(b, "</td><td>");
            esc(b, m->ref);
            xb_buf_append_str(b, "</td><td class=\"n\">");
            count(b, m->transfers);
            xb_buf_append_str(b, "</td><td>");
            if (m->policy_id)
                date(b, m->valid_from);
            xb_buf_append_str(b, "</td><td>");
            if (m->policy_id)
                date(b, m->valid_until);
            xb_buf_printf(b, "</td><td><span class=\"badge %s\">%s</span>",
                          validity_class(m->validity), rp_validity_name(m->validity));
            if (m->validity == RP_VALIDITY_EXPIRING)
                xb_buf_printf(b, " %lld days left", (long long)m->days_left);
            xb_buf_append_str(b, "</td><td class=\"n\">");
            if (m->policy_id)
                count(b, m->used_outside);
            xb_buf_append_str(b, "</td></tr>");
        }
        xb_buf_append_str(b, "</table>");
    }
    xb_buf_append_str(b, "<p class=\"note\">");
    esc(b, r->policy_note);
    xb_buf_append_str(b, "</p>");

    xb_buf_append_str(b, "<h3>Blocked attempts</h3>");
    if (!e->blocked) {
        xb_buf_append_str(b, "<p class=\"note\">none</p>");
    } else {
        tally_table(b, "Why they were blocked", "reason", &e->block_reasons, T_COUNT);
        xb_buf_append_str(b, "<table><tr><th>time</th><th>transfer</th><th>destination</th>"
                             "<th>recipient</th><th>rule</th><th>route required</th>"
                             "<th>reasons</th></tr>");
        for (size_t i = 0; i < e->n_blocked_list; i++) {
            const rp_blocked *x = &e->blocked_list[i];
            const char *cells[] = {x->ts, x->transfer_id, x->destination, x->recipient,
                                   x->rule, x->route, x->reasons};
            xb_buf_append_str(b, "<tr>");
            for (size_t k = 0; k < 7; k++) {
                xb_buf_append_str(b, "<td>");
                esc(b, cells[k]);
                xb_buf_append_str(b, "</td>");
            }
            xb_buf_append_str(b, "</tr>");
        }
        xb_buf_append_str(b, "</table>");
        if (e->blocked_not_listed) {
            xb_buf_append_str(b, "<p class=\"note\">and ");
            count(b, e->blocked_not_listed);
            xb_buf_append_str(b, " more blocked attempts (see the CSV or JSON for the reasons "
                                 "summary above).</p>");
        }
    }

    xb_buf_append_str(b, "<h3>FTZ post-export reports</h3>");
    if (!e->n_ftz) {
        xb_buf_append_str(b, "<p class=\"note\">");
        xb_buf_append_str(b, rp_ftz_rule_for(e->ftz)
                                 ? "No transfer of the period needs a report."
                                 : "This exporter is not registered in a zone that asks for "
                                   "a report after each export.");
        xb_buf_append_str(b, "</p>");
    } else {
        ftz_table(b, r, e, false, false);
    }
    xb_buf_append_str(b, "</section>");
}

static void page_header(xb_buf *b, const rp_report *r, const char *title)
{
    char now[32];
    xb_format_time_cst(rp_now_ms(), now);
    xb_buf_append_str(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                         "<meta name=\"viewport\" content=\"width=device-width\"><title>");
    esc(b, title);
    xb_buf_printf(b, "</title><style>%s</style></head><body><header><h1>", style);
    esc(b, title);
    xb_buf_append_str(b, "</h1><p class=\"meta\">Period: ");
    if (r->opt.has_from)
        date(b, r->opt.from_day);
    else
        xb_buf_append_str(b, "first record");
    xb_buf_append_str(b, " to ");
    if (r->opt.has_to)
        date(b, r->opt.to_day);
    else
        xb_buf_append_str(b, "last record");
    xb_buf_append_str(b, " (China time) &middot; as of ");
    date(b, r->opt.as_of_day);
    xb_buf_append_str(b, " &middot; generated ");
    esc(b, now);
    xb_buf_append_str(b, "<br>Source: ");
    esc(b, r->source ? r->source : "");
    if (r->opt.exporter) {
        xb_buf_append_str(b, " &middot; exporter ");
        esc(b, r->opt.exporter);
    }
    xb_buf_append_str(b, "<br>Records read: ");
    metric(b, "records-read", r->records_read);
    xb_buf_append_str(b, ", in the period: ");
    metric(b, "records-in-period", r->records_in_period);
    if (r->records_unreadable) {
        xb_buf_append_str(b, ", <span class=\"alert\">without a readable time: ");
        count(b, r->records_unreadable);
        xb_buf_append_str(b, "</span>");
    }
    xb_buf_append_str(b, "</p></header>");
}

static void page_footer(xb_buf *b, const rp_report *r)
{
    xb_buf_append_str(b, "<footer><h2>About this report</h2><p class=\"note\">Built by "
                         "<code>xborder report</code> from the filed transfer records (one per "
                         "transfer, hash-chained and checkpoint-signed; check them with "
                         "<code>xborder verify</code>). Records carry categories, field paths, "
                         "counts and decisions, never the exported values. Business days: ");
    esc(b, r->calendar_note);
    xb_buf_append_str(b, ".</p></footer></body></html>\n");
}

bool rp_render_html(const rp_report *r, bool due_only, FILE *out)
{
    xb_buf b = XB_BUF_INIT;
    bool ok = true;
    if (due_only) {
        page_header(&b, r, "Pending FTZ post-export reports");
        bool any = false;
        for (size_t i = 0; i < r->n_exporters; i++) {
            const rp_exporter_report *e = r->exporters[i];
            bool has = false;
            for (size_t k = 0; k < e->n_ftz; k++)
                has = has || e->ftz_reports[k].deadline_day >= r->opt.as_of_day;
            if (has) {
                ftz_table(&b, r, e, true, true);
                any = true;
            }
        }
        if (!any)
            xb_buf_append_str(&b, "<p>No FTZ report is pending.</p>");
        page_footer(&b, r);
        ok = fwrite(b.data, 1, b.len, out) == b.len;
        xb_buf_free(&b);
        return ok;
    }
    page_header(&b, r, "Cross-border data export report (数据出境情况报告)");
    if (!r->n_exporters)
        xb_buf_append_str(&b, "<p>No transfer in the period.</p>");
    ok = fwrite(b.data, 1, b.len, out) == b.len;
    xb_buf_reset(&b);
    for (size_t i = 0; i < r->n_exporters && ok; i++) {
        exporter_section(&b, r, r->exporters[i], i);
        ok = fwrite(b.data, 1, b.len, out) == b.len;
        xb_buf_reset(&b);
    }
    page_footer(&b, r);
    ok = ok && fwrite(b.data, 1, b.len, out) == b.len;
    xb_buf_free(&b);
    return ok;
}
