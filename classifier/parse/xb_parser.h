/*
 * xb_parser.h - the contract between body parsers and the detection engine.
 *
 * Every parser (JSON, XML, form, multipart, CSV, text) is an incremental
 * state machine: it is fed the identity body (after Content-Encoding was
 * removed) in chunks that may split anywhere - inside a UTF-8 sequence, an
 * escape, a string, a tag - and it reports each scalar value to a sink as soon
 * as the value is complete. It never keeps a copy of the body: memory is
 * O(nesting depth + longest value).
 *
 * Values longer than limits->max_value_len are delivered in segments
 * (value.segment = true), cut at a whitespace or character boundary, so that
 * a 100 MB text field is classified with bounded memory. Field-name rules that
 * judge a whole value do not apply to segments.
 *
 * Offsets: every value carries the byte span of its encoded form in the body
 * (JSON: the characters between the quotes; XML: the text or attribute value
 * as written; form: the percent-encoded value; CSV: the cell without its
 * quotes). When the decoded bytes are not a 1:1 copy of the raw bytes (escapes,
 * entities, %XX, doubled quotes) the parser also supplies raw_offsets so that a
 * match inside the value can be mapped back to exact raw bytes for rewriting.
 */
#ifndef XB_PARSER_H
#define XB_PARSER_H

#include "../core/xb_common.h"

/* What kind of scalar a value event carries. */
typedef enum xb_value_kind {
    XB_VALUE_STRING = 0, /* JSON string, XML text, form value, CSV cell */
    XB_VALUE_NUMBER,     /* JSON number (digits as written) */
    XB_VALUE_KEY,        /* JSON object key; classified too (opaque keys) */
    XB_VALUE_ATTRIBUTE,  /* XML attribute value */
    XB_VALUE_TEXT        /* a segment (line) of a text/plain body */
} xb_value_kind;

/* Record index of values that are not inside any record. */
#define XB_RECORD_NONE ((int64_t)-1)

/*
 * One scalar value. All pointers are valid only during the sink call.
 */
typedef struct xb_value {
    xb_value_kind kind;
    xb_syntax syntax;

    /* Rendered path of the value:
     *   JSON      RFC 6901 JSON Pointer            /users/3/idNo
     *   XML       XPath-like, index on every step  /export[1]/person[2]/idNo[1]
     *             attributes as a final @name step /export[1]/person[2]/@id
     *   form      the form key                     idNo
     *   CSV       the column name from the header  身份证号  (or #3 when unnamed)
     *   text      @<byte offset of the line>       @1024
     *   multipart part name, then '#', then the inner path: file#/users/0/idNo */
    const char *path;
    size_t path_len;

    /* The field name that names this value: last JSON key, XML element or
     * attribute local name, form key, CSV column. Empty for array elements
     * without a key (the enclosing key is used then), text and keys. */
    const char *field;
    size_t field_len;

    /* Decoded value, UTF-8 (escapes resolved). Not NUL-terminated. */
    const uint8_t *data;
    size_t len;

    /* Span of the encoded value in the body. */
    size_t raw_start;
    size_t raw_end;

    /* NULL when data[i] sits at raw_start + i for all i (no escapes).
     * Otherwise an array of len + 1 offsets: raw_offsets[i] is the body offset
     * of the first raw byte that produced data[i]; raw_offsets[len] == raw_end. */
    const size_t *raw_offsets;

    /* False when the raw span is only approximate (e.g. a base64 multipart
     * part): findings in it can be reported but not rewritten in place. */
    bool exact;

    /* Record the value belongs to (array element, CSV row, text line),
     * 0-based, or XB_RECORD_NONE. XML parsers set it to XB_RECORD_NONE and
     * set xb_parser_ops.records_by_path; the engine derives records from the
     * indexed paths at the end of the body. */
    int64_t record;

    /* True when this is one piece of a value longer than max_value_len. */
    bool segment;
} xb_value;

/*
 * The sink receives parser output. value() returns XB_OK to continue or an
 * error to stop parsing (the parser returns that error from feed()).
 */
typedef struct xb_sink {
    void *ctx;
    xb_status (*value)(void *ctx, const xb_value *v);
    /* A region the parser could not inspect: a multipart part of an
     * unsupported type, a binary part. reason is a short stable code
     * ("unsupported_type", "binary", ...), detail a human message. */
    void (*uninspectable)(void *ctx, const char *path, const char *reason,
                          const char *detail, size_t raw_start, size_t raw_end,
                          const char *content_type, const char *filename);
} xb_sink;

/* Parameters given to a parser instance. */
typedef struct xb_parser_params {
    const xb_limits *limits;
    xb_sink sink;
    /* Added to every reported offset (for parts nested in multipart). */
    size_t base_offset;
    /* Prepended to every reported path ("part#"), may be NULL. */
    const char *path_prefix;
    /* Full Content-Type header value (parameters such as boundary= and
     * charset= are read from it). */
    const char *content_type;
} xb_parser_params;

typedef struct xb_parser xb_parser;

/*
 * A parser implementation. create() returns NULL on allocation failure.
 * feed() consumes all of data or returns an error. finish() signals the end
 * of the body and reports truncation as XB_ERR_MALFORMED. error_message()
 * gives a human-readable reason for the last error ("unexpected '}' at byte
 * 1042"), with the absolute byte offset.
 */
typedef struct xb_parser_ops {
    const char *name; /* "json", "xml", ... */
    xb_syntax syntax;
    bool records_by_path;
    xb_parser *(*create)(const xb_parser_params *params);
    xb_status (*feed)(xb_parser *p, const uint8_t *data, size_t len);
    xb_status (*finish)(xb_parser *p);
    const char *(*error_message)(const xb_parser *p);
    void (*destroy)(xb_parser *p);
} xb_parser_ops;

extern const xb_parser_ops xb_json_parser;
extern const xb_parser_ops xb_xml_parser;
extern const xb_parser_ops xb_form_parser;
extern const xb_parser_ops xb_multipart_parser;
extern const xb_parser_ops xb_csv_parser;
extern const xb_parser_ops xb_text_parser;

/*
 * Pick the parser for a Content-Type value (case-insensitive media type,
 * parameters ignored): application/json and any +json, application/xml,
 * text/xml and any +xml, application/x-www-form-urlencoded,
 * multipart/form-data, text/csv, text/plain. Returns NULL for anything else:
 * the body is then not inspectable.
 */
const xb_parser_ops *xb_parser_for_content_type(const char *content_type);

/*
 * Read a parameter (e.g. "boundary", "charset") from a Content-Type value.
 * Writes at most out_size-1 bytes plus NUL; returns false when absent.
 */
bool xb_content_type_param(const char *content_type, const char *name,
                           char *out, size_t out_size);

#endif
