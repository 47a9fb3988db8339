/*
 * rp_render_text.c - the pending FTZ post-export reports as plain text for
 * a terminal (`xborder report --due` without --format).
 */
#include <stdint.h>
#include <string.h>

#include "rp_render.h"
#include "rp_time.h"

/* Columns a code point takes in a terminal: 2 for East Asian wide and
 * full-width characters (CJK, Hangul, full-width forms), 1 otherwise. */
static int columns_of(uint32_t cp)
{
    return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                   (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                   (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                   (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD)
               ? 2
               : 1;
}

/* Print s in a cell of `width` columns: cut at a character boundary (never
 * inside a UTF-8 sequence), padded with spaces. */
static void put_cell(FILE *out, const char *s, int width)
{
    const unsigned char *p = (const unsigned char *)s;
    int used = 0;
    while (*p) {
        size_t len = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3
                                 : (*p >> 3) == 30 ? 4 : 1;
        uint32_t cp = len == 1 ? *p : (uint32_t)(*p & (0x7F >> len));
        size_t k = 1;
        for (; k < len && (p[k] & 0xC0) == 0x80; k++)
            cp = (cp << 6) | (p[k] & 0x3F);
        if (k < len)
            len = k, cp = 0xFFFD; /* a broken sequence: print what is there */
        int w = columns_of(cp);
        if (used + w > width)
            break;
        fwrite(p, 1, len, out);
        used += w;
        p += len;
    }
    for (; used < width; used++)
        fputc(' ', out);
}

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
            fprintf(out, "%-10s  %3lld  %-10s  ", deadline, (long long)f->business_days_left,
                    exported);
            put_cell(out, e->name[0] ? e->name : e->id, 20);
            fprintf(out, "  %-18s  ", e->uscc);
            put_cell(out, f->zone, 14);
            fprintf(out, "  %9llu  %s\n", (unsigned long long)f->transfers, f->recipients);
        }
    }
    if (n == 0)
        fprintf(out, "No FTZ post-export report is pending as of %s.\n", as_of);
    else
        fprintf(out, "%zu pending report%s as of %s (bd: business days left; %s).\n", n,
                n == 1 ? "" : "s", as_of, r->calendar_note);
    return !ferror(out);
}
