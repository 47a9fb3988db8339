/*
 * rp_render_text.c - the pending FTZ post-export reports as plain text for
 * a terminal (`xborder report --due` without --format).
 */
#include <string.h>

#include "rp_render.h"
#include "rp_time.h"

bool rp_render_due_text(const rp_report *r, FILE *out)
{
    char as_of[11];
    xb_date_format(r->opt.as_of_day, as_of);
    size_t n = 0;
    for (size_t i = 0; i < r->n_exporters; i++) {
        const rp_exporter_report *e = r->exporters[i];
        for (size_t k = 0; k < e->n_ftz; k++) {
            const rp_ftz_report *f = &e->ftz_reports[k];
            if (f->deadline_day < r->opt.as_of_day)
                continue;
            char exported[11], deadline[11];
            xb_date_format(f->export_day, exported);
            xb_date_format(f->deadline_day, deadline);
            if (n++ == 0)
                fprintf(out, "%-10s  %-3s  %-10s  %-20s  %-18s  %-14s  %9s  %s\n", "deadline",
                        "bd", "exported", "exporter", "uscc", "zone", "transfers",
                        "destinations");
            fprintf(out, "%-10s  %3lld  %-10s  %-20.20s  %-18s  %-14.14s  %9llu  %s\n", deadline,
                    (long long)f->business_days_left, exported, e->name[0] ? e->name : e->id,
                    e->uscc, f->zone, (unsigned long long)f->transfers, f->recipients);
        }
    }
    if (n == 0)
        fprintf(out, "No FTZ post-export report is pending as of %s.\n", as_of);
    else
        fprintf(out, "%zu pending report%s as of %s (bd: business days left; %s).\n", n,
                n == 1 ? "" : "s", as_of, r->calendar_note);
    return !ferror(out);
}
