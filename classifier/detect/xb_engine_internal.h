/*
 * xb_engine_internal.h - the compiled form of the catalogs (xb_engine) and
 * the per-scan detection state. Private to classifier/detect and
 * classifier/scan.
 *
 * Building the engine turns catalog entries into indexes that make the
 * per-value work cheap: detector id -> entries using it, normalised field
 * name -> entries, keyword first character -> keywords, plus JIT-compiled
 * PCRE2 patterns grouped by scope.
 */
#ifndef XB_ENGINE_INTERNAL_H
#define XB_ENGINE_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "../core/xb_arena.h"
#include "../core/xb_buf.h"
#include "../parse/xb_parser.h"
#include "../scan/xb_scan.h"
#include "xb_detector_ids.h"
#include "xb_evidence.h"
#include "xb_normalize.h"
#include "xb_pattern_filter.h"
#include "xb_value_memo.h"

typedef struct xb_idx_list {
    uint32_t *items;
    size_t n;
    size_t cap;
} xb_idx_list;

typedef struct xb_rt_entry {
    const xb_entry *e;
    xb_level level;
    bool field_only;     /* no validators/patterns: a named field is enough */
    double min_conf;
    size_t *word_len;    /* lengths of e->hotwords then e->exclude_words */
} xb_rt_entry;

typedef struct xb_rt_pattern {
    pcre2_code *code;
    xb_pattern_scope scope;
    int validator;       /* xb_det_id or -1 */
    double confidence;
    uint32_t entry;
    size_t min_length;   /* PCRE2_INFO_MINLENGTH: shorter subjects cannot match */
    bool needs_hint;     /* confidence only reaches min-confidence in a named field */
    xb_pattern_filter filter; /* subjects that cannot match (xb_pattern_filter.h) */
} xb_rt_pattern;

typedef struct xb_field_slot {
    char *name;          /* normalised field name, NULL = empty slot */
    xb_idx_list entries;
} xb_field_slot;

typedef struct xb_affix_rule {
    char *text;          /* normalised prefix or suffix */
    size_t len;
    uint32_t entry;
} xb_affix_rule;

typedef struct xb_keyword {
    char *text;          /* UTF-8, ASCII letters lower-cased */
    size_t len;
    uint32_t first_cp;   /* first code point (lower-cased) */
    bool ascii;          /* needs word boundaries */
    uint32_t entry;
} xb_keyword;

typedef struct xb_kw_bucket {
    uint32_t cp;         /* 0 = empty */
    xb_idx_list keywords;
} xb_kw_bucket;

typedef struct xb_content_rule {
    char *text;          /* lower-cased media type, extension or raw magic */
    size_t len;
    uint32_t entry;
} xb_content_rule;

struct xb_engine {
    const xb_catalog_set *set;
    xb_rt_entry *entries;
    size_t n_entries;

    xb_idx_list by_det[XB_D_COUNT];

    xb_rt_pattern *patterns;
    size_t n_patterns;
    size_t scope_start[4];  /* patterns of scope s: [scope_start[s], scope_start[s + 1]) */
    bool has_token_patterns, has_value_patterns, has_text_patterns;

    xb_field_slot *fields;
    size_t fields_cap;   /* power of two */
    xb_affix_rule *prefixes;
    size_t n_prefixes;
    xb_affix_rule *suffixes;
    size_t n_suffixes;

    xb_keyword *keywords;
    size_t n_keywords;
    xb_kw_bucket *kw_buckets;
    size_t kw_cap;       /* power of two */
    bool kw_has_ascii;
    uint8_t kw_first[256]; /* 1 for bytes that can start a keyword */
    uint8_t kw_first_cp[65536 / 8]; /* bitmap of the BMP code points that
                                       start a keyword: most CJK characters
                                       of a text are ruled out in one test */

    xb_content_rule *ctypes;
    size_t n_ctypes;
    xb_content_rule *exts;
    size_t n_exts;
    xb_content_rule *magics;
    size_t n_magics;
    size_t max_magic;
};

/* ---- per-scan detection state ---- */

#define XB_FIELD_CACHE 256
#define XB_FIELD_MAX_ENTRIES 32

typedef struct xb_field_cache_slot {
    uint64_t hash;
    size_t len;
    char *name;          /* raw field bytes (owned) */
    uint32_t entries[XB_FIELD_MAX_ENTRIES];
    uint8_t n;
    uint8_t coord;       /* 0 none, 1 latitude field, 2 longitude field */
    bool used;
    uint8_t *words;      /* per entry: does the field name hold one of its
                            hotwords / exclusion words (FIELD_WORDS_* bits);
                            NULL until needed, n_entries bytes */
} xb_field_cache_slot;

/* A number seen in a latitude- or longitude-named field, waiting for its
 * partner in the same object. */
typedef struct xb_pending_coord {
    bool set;
    double v;
    int decimals;
    char *parent;        /* path without the last step */
    size_t span_start, span_end;
    char *path;
    char *text;
    int64_t record;
    xb_syntax syntax;
    bool exact;
} xb_pending_coord;

typedef struct xb_findings {
    xb_finding *items;
    size_t n;
    size_t cap;
    size_t max;
    bool truncated;
    xb_arena strings;   /* paths, values and identifiers of the findings */
} xb_findings;

typedef struct xb_detect_ctx {
    const xb_engine *engine;
    xb_findings *out;
    bool keep_values;
    xb_norm norm;
    pcre2_match_data *md;
    xb_field_cache_slot cache[XB_FIELD_CACHE];
    xb_pending_coord lat, lon;
    /* value being processed */
    const xb_value *v;
    xb_field_cache_slot *field_slot; /* cache slot of the current field, or NULL */
    const uint32_t *hinted;   /* entries whose field names match */
    size_t n_hinted;
    uint8_t field_coord;      /* coordinate kind of the current field */
    size_t value_first_finding; /* index of the first finding of this value */
    xb_buf scratch;
    xb_record_ctx rec;        /* record evidence, provisional findings (xb_evidence.c) */
    xb_value_memo memo;       /* values classified clean (xb_value_memo.h) */
    bool use_memo;
    bool stateful;            /* this value's outcome depended on more than itself */
    uint64_t field_hash;      /* xb_hash64 of the current value's field name */
    /* strings shared by the findings of the current value */
    const char *value_path;
    const char *shared_text;  /* copy of value bytes [shared_ds, shared_de) */
    size_t shared_ds, shared_de;
    const char *shared_ident; /* copy of the last identifier */
    const char *shared_ident_src;
    size_t shared_ident_len;
} xb_detect_ctx;

xb_status xb_detect_ctx_init(xb_detect_ctx *dc, const xb_engine *e,
                             xb_findings *out, bool keep_values);
void xb_detect_ctx_free(xb_detect_ctx *dc);

/* Classify one value; findings are appended to dc->out. */
xb_status xb_detect_value(xb_detect_ctx *dc, const xb_value *v);

/* Findings for a content type / file name / body prefix of a body or part.
 * path names the part ("" for the body). */
xb_status xb_detect_content(xb_detect_ctx *dc, const char *path,
                            const char *content_type, const char *filename,
                            const uint8_t *prefix, size_t prefix_len,
                            size_t span_start, size_t span_end);

/* End of the body: withdraw provisional findings of the last record that
 * found no evidence (xb_evidence.h). Call before reading the findings. */
void xb_detect_finish(xb_detect_ctx *dc);

/* True when the value produced no finding (for watermark carriers). */
bool xb_detect_last_value_clean(const xb_detect_ctx *dc);

/* Field-name normalisation: ASCII lower-case, '_' '-' '.' ' ' removed. */
size_t xb_field_normalize(const char *in, size_t n, char *out, size_t out_size);

/* Internal list helper. */
int xb_idx_push(xb_idx_list *l, uint32_t v);

void xb_findings_free(xb_findings *f);

#endif
