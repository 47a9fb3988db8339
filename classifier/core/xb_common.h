/*
 * xb_common.h - status codes, limits and small value types shared by every
 * part of the classifier library.
 *
 * The classifier is a plain C11 library: no nginx headers, no global mutable
 * state after initialisation, so that the nginx module, the command-line tool
 * and the tests all drive exactly the same code.
 */
#ifndef XB_COMMON_H
#define XB_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Result of library calls. Zero is success, everything else is an error. */
typedef enum xb_status {
    XB_OK = 0,
    XB_ERR_NOMEM,       /* allocation failed */
    XB_ERR_MALFORMED,   /* body does not parse as its declared type */
    XB_ERR_LIMIT,       /* a configured limit was hit (depth, size, bomb) */
    XB_ERR_FORBIDDEN,   /* hostile construct refused (DOCTYPE, entity, ...) */
    XB_ERR_UNSUPPORTED, /* e.g. an unknown Content-Encoding */
    XB_ERR_IO,          /* file could not be read or written */
    XB_ERR_INVALID,     /* invalid argument or configuration */
    XB_ERR_STATE        /* API used out of order */
} xb_status;

/* Short stable name of a status, for messages and JSON ("malformed", ...). */
const char *xb_status_name(xb_status st);

/*
 * Limits applied while reading one body. They bound memory and CPU so that a
 * hostile body (deep nesting, decompression bomb, endless value) fails
 * cleanly instead of exhausting the worker.
 */
typedef struct xb_limits {
    size_t max_depth;        /* JSON/XML nesting depth (default 64) */
    size_t max_value_len;    /* bytes of one value buffered before it is
                                classified in segments (default 64 KiB) */
    size_t max_decoded_size; /* bytes produced by gzip/deflate (64 MiB) */
    size_t max_ratio;        /* decoded:encoded ratio for gzip/deflate (200) */
    size_t max_findings;     /* findings kept per body (100000) */
    size_t max_parts;        /* multipart parts (256) */
    size_t max_columns;      /* CSV columns (4096) */
    size_t max_carriers;     /* watermark carrier values kept (4096) */
} xb_limits;

/* Fill *l with the documented defaults. */
void xb_limits_default(xb_limits *l);

/* Half-open byte range [start, end) in the identity (decoded) body. */
typedef struct xb_span {
    size_t start;
    size_t end;
} xb_span;

/*
 * Syntax a value was written in. Rewriting (masking, watermarks) needs it to
 * re-encode replacement text: JSON string escapes, XML entities, percent
 * encoding, CSV quoting.
 */
typedef enum xb_syntax {
    XB_SYNTAX_NONE = 0,
    XB_SYNTAX_JSON,
    XB_SYNTAX_XML,
    XB_SYNTAX_FORM,
    XB_SYNTAX_CSV,
    XB_SYNTAX_TEXT
} xb_syntax;

const char *xb_syntax_name(xb_syntax s);

#endif
