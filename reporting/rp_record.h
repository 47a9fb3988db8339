/*
 * rp_record.h - the fields of a filed transfer record that reports and
 * trace need, read back from its canonical text (classifier/record/
 * xb_record.h) with the project's streaming JSON parser.
 *
 * A parser object is reused from record to record: the strings of the last
 * parsed record live in it and stay valid until the next parse. Absent
 * strings are "" (never NULL), absent numbers 0.
 */
#ifndef RP_RECORD_H
#define RP_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classifier/core/xb_common.h"

typedef struct rp_category {
    const char *category;
    const char *level;
    uint64_t count;
    size_t n_paths;
} rp_category;

typedef struct rp_reason {
    const char *entry;
    const char *category;
    const char *path;
    const char *article;
    const char *mechanism;
} rp_reason;

typedef struct rp_record {
    uint64_t v;
    const char *transfer_id, *node, *chain, *prev_hash;
    uint64_t seq;
    const char *ts_start, *ts_end;
    int64_t ts_start_ms;           /* 0 when ts_start does not parse */
    bool ts_ok;
    const char *direction, *scenario;

    const char *exporter_id, *exporter_uscc, *exporter_name, *exporter_ftz,
               *exporter_ftz_list_version;
    bool exporter_ciio;
    const char *recipient_id, *recipient_name, *recipient_country, *recipient_role;
    const char *dest_country, *dest_host, *dest_uri, *method;

    const char *content_type, *content_encoding, *inspection, *inspection_error;
    uint64_t bytes_original, bytes_sent, records;
    const char *sha256_original, *sha256_sent;

    rp_category *categories;
    size_t n_categories;

    uint64_t subjects_general, subjects_sensitive, ytd_general, ytd_sensitive;
    int year;

    const char *route, *exempt_article, *rule, *outcome, *enforced, *mode;
    const char *mechanism_type, *mechanism_ref;
    rp_reason *reasons;
    size_t n_reasons;

    const char *watermark_id, *watermark_key_id, *watermark_scheme;
    const char *catalog_version, *policy_version, *engine_version;
} rp_record;

typedef struct rp_record_parser rp_record_parser;

rp_record_parser *rp_record_parser_new(void);
void rp_record_parser_free(rp_record_parser *p);

/* Parse one canonical record. On failure returns an error status with a
 * message in err (the text is not JSON, or not a record object). */
xb_status rp_record_parse(rp_record_parser *p, const char *text, size_t len, rp_record *out,
                          char *err, size_t err_size);

/* The record's "enforced" outcome, falling back to "outcome" (what happened
 * to the data: allow, mask, watermark, block). */
const char *rp_record_effect(const rp_record *r);
/* True when the data did not leave (enforced block). */
bool rp_record_blocked(const rp_record *r);

struct xb_buf;
/* What a reason is about, for people: its catalog entry (or category),
 * else "mechanism REF", else "rule R" of the record; then " at PATH" and
 * " (ARTICLE)" when present. Appended to out. */
void rp_reason_describe(const rp_reason *x, const rp_record *r, struct xb_buf *out);

#endif
