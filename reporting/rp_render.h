/*
 * rp_render.h - the three report formats.
 *
 *   HTML  self-contained page: inline CSS and SVG charts (volume over time,
 *         split by country and category, threshold gauges), no external
 *         asset, printable (@media print).
 *   CSV   one table in long form (section, exporter, key, label, numbers)
 *         that any spreadsheet opens: UTF-8 with a byte-order mark, RFC 4180
 *         quoting, CRLF line ends.
 *   JSON  for other systems; the export additionally embeds the stream
 *         entries and checkpoints exactly as filed (appended by the caller,
 *         see rp_render_json) so that `xborder verify --file` can check it.
 *
 * due_only restricts the output to the FTZ post-export reports whose
 * deadline has not passed (`xborder report --due`).
 */
#ifndef RP_RENDER_H
#define RP_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "rp_report.h"

/* raw: a file holding the JSON members to append to the top-level object
 * (`,"heads":{...},"checkpoints":[...],"records":[...]`), read from its
 * start; NULL for none. Returns false on a write error. */
bool rp_render_json(const rp_report *r, bool due_only, FILE *raw, FILE *out);
bool rp_render_csv(const rp_report *r, bool due_only, FILE *out);
bool rp_render_html(const rp_report *r, bool due_only, FILE *out);
/* Plain text list of the pending FTZ reports (--due without --format). */
bool rp_render_due_text(const rp_report *r, FILE *out);

/* Shared wording. */
const char *rp_ftz_status(const rp_report *r, const rp_ftz_report *f); /* "due", "deadline passed" */
/* "1,234,567" */
void rp_fmt_count(uint64_t v, char out[32]);

#endif
