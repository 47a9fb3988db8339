/*
 * xb_json_internal.h - state of the streaming JSON parser, shared by its
 * tokenizer (xb_json.c) and its value/path/event helpers (xb_json_value.c).
 *
 * Everything the parser knows lives in struct xb_json so that feed() can
 * return at any byte and resume on the next chunk (nginx style). Memory is
 * O(depth + longest value): the container stack, the decoded keys of the open
 * objects, the rendered path, and one value buffer (plus its raw offsets when
 * the value has escapes). Nothing here is global; one instance per body.
 */
#ifndef XB_JSON_INTERNAL_H
#define XB_JSON_INTERNAL_H

#include "../core/xb_buf.h"
#include "xb_parser.h"

/* Tokenizer states. The number states are contiguous (see xbj_in_number). */
enum xb_json_state {
    XBJ_START = 0,   /* first byte of the body: a BOM may start here */
    XBJ_BOM1,        /* saw EF, expect BB */
    XBJ_BOM2,        /* saw EF BB, expect BF */
    XBJ_TOP,         /* expect the (first) top-level value */
    XBJ_VALUE,       /* expect a value (after ':' or ',' in an array) */
    XBJ_ARR_FIRST,   /* after '[': a value or ']' */
    XBJ_OBJ_FIRST,   /* after '{': a key or '}' */
    XBJ_OBJ_NEXT,    /* after ',' in an object: a key */
    XBJ_COLON,       /* after a key */
    XBJ_AFTER,       /* after a value inside a container: ',' or close */
    XBJ_DONE,        /* after a complete top-level value */
    XBJ_STR,         /* inside a string (key or value) */
    XBJ_ESC,         /* after a backslash */
    XBJ_UHEX,        /* inside the 4 hex digits of \uXXXX */
    XBJ_SURR_BS,     /* after a high surrogate: expect '\' */
    XBJ_SURR_U,      /* after a high surrogate and '\': expect 'u' */
    XBJ_UTF8,        /* inside a UTF-8 sequence split by a chunk boundary */
    XBJ_LIT,         /* inside true / false / null */
    XBJ_NUM_MINUS,   /* number: saw '-' */
    XBJ_NUM_ZERO,    /* number: integer part is "0" */
    XBJ_NUM_INT,     /* number: integer digits */
    XBJ_NUM_DOT,     /* number: saw '.' */
    XBJ_NUM_FRAC,    /* number: fraction digits */
    XBJ_NUM_E,       /* number: saw 'e' / 'E' */
    XBJ_NUM_ESIGN,   /* number: saw the exponent sign */
    XBJ_NUM_EXP,     /* number: exponent digits */
    XBJ_ERROR        /* a sticky error was reported */
};

#define XBJ_NO_DEPTH ((size_t)-1)

/* One open container. */
typedef struct xb_json_level {
    size_t path_base;  /* path length before this container's member token */
    size_t key_base;   /* keys length where this object's current key starts */
    size_t field_off;  /* field of the values directly inside: an offset */
    size_t field_len;  /* into path (the key's path token) or into keys
                          (keys with '~' or '/', whose token is escaped) */
    uint64_t next_index; /* arrays: index of the next element */
    bool is_array;
    bool field_in_keys;
} xb_json_level;

typedef struct xb_json {
    /* configuration */
    xb_sink sink;
    size_t base_offset;
    size_t prefix_len;     /* bytes of params->path_prefix at path start */
    size_t max_depth;
    size_t max_value_len;
    bool seq_mode;         /* NDJSON / JSON lines / json-seq */

    /* position */
    size_t consumed;       /* body bytes fed before the current chunk */
    const uint8_t *chunk;  /* current chunk (valid during feed only) */
    size_t chunk_abs;      /* absolute offset of chunk[0] */
    uint8_t state;
    bool finished;

    /* containers and the rendered path */
    xb_json_level *levels;
    size_t depth;
    size_t levels_cap;
    xb_buf path;           /* prefix + JSON Pointer, NUL-terminated */
    xb_buf keys;           /* decoded keys that contain '~' or '/' */

    /* records */
    size_t rec_depth;      /* depth whose value starts are records */
    int64_t record;
    int64_t next_record;

    /* the value being read */
    const uint8_t *run;    /* start of not-yet-copied bytes in the chunk */
    xb_buf vbuf;           /* decoded bytes copied so far */
    size_t *voff;          /* raw offsets, one per vbuf byte (v_escaped) */
    size_t voff_cap;
    size_t v_raw_start;    /* absolute raw offset of vbuf[0] / run start */
    xb_value_kind v_kind;  /* STRING, NUMBER or KEY */
    bool v_escaped;
    bool v_segmented;

    /* escapes and split UTF-8 sequences */
    size_t esc_start;      /* absolute offset of the escape's backslash */
    uint32_t hex_acc;
    uint32_t hi_surrogate;
    uint8_t hex_n;
    uint8_t u8[4];
    uint8_t u8_have;
    uint8_t u8_need;
    size_t u8_start;

    /* literals */
    const char *lit;
    uint8_t lit_idx;

    /* top level */
    bool sep_seen;         /* whitespace seen after the last top-level value */

    xb_status status;
    char errmsg[160];
} xb_json;

/* Absolute offset of byte p of the current chunk. */
static inline size_t xbj_pos(const xb_json *j, const uint8_t *p)
{
    return j->chunk_abs + (size_t)(p - j->chunk);
}

static inline bool xbj_in_number(uint8_t state)
{
    return state >= XBJ_NUM_MINUS && state <= XBJ_NUM_EXP;
}

/* Run the tokenizer over one chunk (j->chunk, j->chunk_abs set). */
xb_status xbj_tokenize(xb_json *j, const uint8_t *p, const uint8_t *end);

/* A string (after its quote) or number (at its first byte) starts at run. */
static inline void xbj_value_begin(xb_json *j, const uint8_t *run, xb_value_kind kind)
{
    j->run = run;
    j->vbuf.len = 0;
    j->v_raw_start = xbj_pos(j, run);
    j->v_escaped = false;
    j->v_segmented = false;
    j->v_kind = kind;
}

/* Errors: record a sticky error and message, return the status. */
xb_status xbj_fail(xb_json *j, xb_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "json: unexpected 'c' at byte N<note>" for byte p of the current chunk. */
xb_status xbj_unexpected(xb_json *j, const uint8_t *p, const char *note);

/* Value accumulation. */
xb_status xbj_flush_run(xb_json *j, const uint8_t *p);
xb_status xbj_enable_escapes(xb_json *j);
/* The value reached max_value_len and more bytes follow: emit a segment.
 * p: end of the active run to flush first, or NULL when nothing is pending.
 * next_raw is the absolute offset of the raw byte about to be added. */
xb_status xbj_overflow(xb_json *j, const uint8_t *p, size_t next_raw);
/* Append decoded bytes produced by raw bytes starting at raw. contiguous:
 * the bytes are a 1:1 copy of raw[0..n); otherwise all come from raw. */
xb_status xbj_append_decoded(xb_json *j, const uint8_t *b, size_t n,
                             size_t raw, bool contiguous);
/* Complete the current value whose raw bytes end at p (run is active) or,
 * with p == NULL, at raw_end (everything already in vbuf). */
xb_status xbj_value_end(xb_json *j, const uint8_t *p, size_t raw_end);

/* Containers and paths. */
xb_status xbj_push(xb_json *j, bool is_array, const uint8_t *p);
void xbj_pop(xb_json *j);
xb_status xbj_element_path(xb_json *j, xb_json_level *l);
void xbj_top_value_path(xb_json *j);

#endif
