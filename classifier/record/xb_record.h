/*
 * xb_record.h - the transfer record (存证记录): what is filed for every
 * cross-border transfer, in a canonical encoding that can be hash-chained and
 * signed, so that an auditor can prove that no record was altered, removed,
 * inserted or reordered.
 *
 * A record is the proof of a transfer, never a copy of its data: it carries
 * categories, field paths, counts, digests and the decision - no values.
 *
 * Canonical encoding (format version 1): one JSON object, UTF-8, keys in
 * byte-wise lexicographic order at every level, no insignificant whitespace,
 * strings with only the escapes RFC 8259 requires (\" \\ and \u00XX for
 * control characters), integers in decimal, booleans as true/false, no
 * floating-point numbers. Absent optional values are omitted, never null.
 *
 * Chaining: every record carries the chain id, its gap-free sequence number
 * in that chain and prev_hash, the hash of the previous record of the chain
 * (64 zeros for seq 1). hash = hex(SHA-256(canonical bytes)). The record as
 * filed is the canonical text; its hash is stored next to it.
 */
#ifndef XB_RECORD_H
#define XB_RECORD_H

#include "../core/xb_buf.h"

#define XB_HASH_HEX 65 /* 64 hex digits + NUL */

typedef struct xb_record_category {
    const char *category;  /* catalog entry id */
    const char *level;     /* general | pi | sensitive-pi | important | core */
    uint64_t count;        /* findings of this category */
    const char *const *paths; /* distinct field paths (no values) */
    size_t n_paths;
} xb_record_category;

typedef struct xb_record_reason {
    const char *entry;
    const char *category;
    const char *path;
    const char *article;
    const char *mechanism; /* reference relied on, may be NULL */
} xb_record_reason;

typedef struct xb_transfer_record {
    /* identity and order */
    const char *transfer_id;  /* 16 hex digits */
    const char *node;         /* gateway node id */
    const char *chain;        /* chain id (node/worker slot) */
    uint64_t seq;             /* 1, 2, 3 ... in the chain */
    int64_t ts_start_ms;      /* Unix time in ms; rendered with +08:00 */
    int64_t ts_end_ms;
    char prev_hash[XB_HASH_HEX];

    /* parties */
    const char *exporter_id, *exporter_uscc, *exporter_name, *exporter_ftz,
               *exporter_ftz_list_version;
    bool exporter_ciio;
    const char *recipient_id, *recipient_name, *recipient_country, *recipient_role;
    const char *dest_country, *dest_host, *dest_uri, *method;
    const char *direction;    /* push | pull */
    const char *scenario;

    /* content */
    const char *content_type, *content_encoding;
    uint64_t bytes_original, bytes_sent, records;
    char sha256_original[XB_HASH_HEX];
    char sha256_sent[XB_HASH_HEX];
    const char *inspection;   /* inspected | partial | not-inspectable */
    const char *inspection_error; /* may be NULL */

    /* findings summary */
    const xb_record_category *categories;
    size_t n_categories;

    /* counting */
    uint64_t subjects_general, subjects_sensitive;
    uint64_t ytd_general, ytd_sensitive;
    int year;

    /* decision */
    const char *route;        /* none | exempt | scc-or-cert | assessment | prohibited */
    const char *exempt_article; /* when route is exempt */
    const char *rule;         /* R0..R10 */
    const char *outcome;      /* allow | mask | watermark | block (decided) */
    const char *enforced;     /* what was done (monitor mode: allow) */
    const char *mode;         /* enforce | monitor */
    const xb_record_reason *reasons;
    size_t n_reasons;
    const char *mechanism_type, *mechanism_ref;
    const char *watermark_id, *watermark_key_id;

    /* versions */
    const char *catalog_version, *policy_version, *engine_version;
} xb_transfer_record;

/* Append the canonical encoding of r to out. */
xb_status xb_record_encode(const xb_transfer_record *r, xb_buf *out);

/* SHA-256 of data as 64 lower-case hex digits. */
void xb_sha256_hex(const void *data, size_t n, char out[XB_HASH_HEX]);

/* The prev_hash of the first record of a chain. */
extern const char xb_record_genesis[XB_HASH_HEX];

/* Format a Unix time in ms as RFC 3339 in China time: 2026-11-22T19:50:24.123+08:00 */
void xb_format_time_cst(int64_t ms, char out[32]);

#endif
