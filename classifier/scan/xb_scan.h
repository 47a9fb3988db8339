/*
 * xb_scan.h - the public face of the classifier: build an engine from rule
 * catalogs once, then classify bodies with it, streaming.
 *
 *   xb_engine *e = xb_engine_build(set, NULL, &diags);     // at config time
 *   xb_scan *s = xb_scan_new(e, "application/json", "gzip", NULL);
 *   xb_scan_feed(s, chunk1, n1); xb_scan_feed(s, chunk2, n2); ...
 *   xb_scan_finish(s);
 *   const xb_scan_result *r = xb_scan_get_result(s);   // findings etc.
 *   xb_scan_free(s);
 *
 * The engine is immutable after it is built and may be shared by any number
 * of scans (and, after fork, by nginx workers). A scan is used by one thread.
 *
 * Spans in findings are byte offsets in the identity body, i.e. after
 * Content-Encoding was removed; for identity-encoded bodies that is the body
 * as received.
 */
#ifndef XB_SCAN_H
#define XB_SCAN_H

#include "../catalog/xb_catalog.h"
#include "../core/xb_common.h"

typedef struct xb_engine xb_engine;
typedef struct xb_scan xb_scan;

/* Rank of an identifier for counting individuals: a record's strongest
 * identifier decides who the record is about. */
typedef enum xb_subject_rank {
    XB_SUBJECT_NONE = 0,
    XB_SUBJECT_EMAIL = 1,
    XB_SUBJECT_MOBILE = 2,
    XB_SUBJECT_DOCUMENT = 3, /* passport, travel permit, residence permit */
    XB_SUBJECT_RESIDENT_ID = 4
} xb_subject_rank;

typedef struct xb_finding {
    const xb_entry *entry;  /* the catalog entry = the category */
    xb_level level;         /* effective level (switches applied) */
    char *path;             /* see xb_parser.h for the path syntax */
    xb_span span;           /* the matched bytes */
    xb_span value_span;     /* the whole value the match sits in */
    bool exact;             /* span can be rewritten in place */
    xb_syntax syntax;       /* how the value is encoded in the body */
    double confidence;      /* 0..1 */
    const char *detector;   /* "cn_ric18", "pattern", "field_name", "keyword",
                               "content_type", "person_name", "address" ... */
    int64_t record;         /* record index, XB_RECORD_NONE for none */
    xb_subject_rank subject_rank;
    char *identifier;       /* canonical identifier for de-duplication
                               (e.g. 11010519491231002X), NULL when the
                               finding does not identify a person */
    char *value;            /* matched text as decoded from the body */
    bool high_precision;    /* coordinates with >= 5 decimals */
} xb_finding;

/* A region of the body that could not be inspected. */
typedef struct xb_uninspectable {
    char *path;
    char *reason;        /* stable code: unsupported_type, binary, ... */
    char *detail;
    char *content_type;
    char *filename;
    xb_span span;
} xb_uninspectable;

/* A free-text string value that may carry a watermark (collected only when
 * xb_scan_options.collect_carriers is set). Identifiers, numbers, emails,
 * URLs, enums and other values with findings are never carriers. */
typedef struct xb_carrier {
    char *path;          /* canonical path without array / element indices */
    char *value;         /* decoded value */
    xb_span span;        /* raw span of the value */
    bool exact;
    xb_syntax syntax;
    int64_t record;
} xb_carrier;

typedef enum xb_inspection {
    XB_INSPECTED = 0,       /* the whole body was parsed and classified */
    XB_INSPECTED_PARTIAL,   /* some parts could not be inspected */
    XB_NOT_INSPECTABLE      /* unknown/binary type, malformed or hostile body */
} xb_inspection;

typedef struct xb_scan_result {
    xb_inspection inspection;
    xb_status status;        /* XB_OK, or why inspection stopped */
    char *error;             /* human message with byte offset, or NULL */
    const char *parser;      /* "json", "xml", ..., or NULL */
    xb_finding *findings;
    size_t n_findings;
    bool findings_truncated; /* limits.max_findings was reached */
    xb_uninspectable *uninspectable;
    size_t n_uninspectable;
    xb_carrier *carriers;
    size_t n_carriers;
    size_t bytes_in;         /* encoded bytes fed */
    size_t bytes_decoded;    /* identity bytes parsed */
    size_t values;           /* scalar values seen */
    int64_t records;         /* number of records seen (0 when none) */
} xb_scan_result;

typedef struct xb_engine_options {
    /* Reserved for future tuning; NULL means defaults. */
    int unused;
} xb_engine_options;

/*
 * Compile a catalog set into an engine: PCRE2 patterns are compiled and
 * JIT-compiled, field names, keywords and content types are indexed. The set
 * must outlive the engine. Problems are reported as diags; returns NULL on
 * error.
 */
xb_engine *xb_engine_build(const xb_catalog_set *set,
                           const xb_engine_options *opts, xb_diags *diags);
void xb_engine_free(xb_engine *e);
const xb_catalog_set *xb_engine_catalogs(const xb_engine *e);

typedef struct xb_scan_options {
    xb_limits limits;
    bool collect_carriers;   /* gather watermark carriers */
    bool keep_values;        /* fill xb_finding.value (default true) */
    bool no_value_memo;      /* classify every repeated value again (tests;
                                default false: xb_value_memo.h) */
} xb_scan_options;

void xb_scan_options_default(xb_scan_options *o);

/*
 * Start classifying one body. content_type is the full header value (may be
 * NULL: not inspectable); content_encoding may be NULL. Never returns NULL
 * except on allocation failure; problems with the type or encoding show up
 * in the result.
 */
xb_scan *xb_scan_new(const xb_engine *e, const char *content_type,
                     const char *content_encoding, const xb_scan_options *opts);
/* Feed the next chunk as received. Returns the first error; further feeds
 * after an error are ignored and return that error again. */
xb_status xb_scan_feed(xb_scan *s, const void *data, size_t len);
/* End of body: completes parsing and finalises records. */
xb_status xb_scan_finish(xb_scan *s);
/* Valid after finish (and partially before). */
const xb_scan_result *xb_scan_get_result(const xb_scan *s);
void xb_scan_free(xb_scan *s);

/* One-shot helper over a memory buffer; the caller frees with xb_scan_free. */
xb_scan *xb_scan_buffer(const xb_engine *e, const char *content_type,
                        const char *content_encoding, const void *data,
                        size_t len, const xb_scan_options *opts);

#endif
