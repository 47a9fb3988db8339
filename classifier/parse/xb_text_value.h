/*
 * xb_text_value.h - assembly of one value for the text-like parsers (form,
 * CSV, text/plain, multipart form fields).
 *
 * A parser hands over the bytes of a value as it finds them: runs copied 1:1
 * from the body, or single decoded bytes (from %XX, a doubled quote) that
 * stand for raw bytes elsewhere. The accumulator keeps the decoded bytes and,
 * once a decoded byte was added, one raw offset per byte, which becomes the
 * value's raw_offsets. When the value reaches max_value_len and more bytes
 * follow, the full buffer is handed to the parser's emit function as a
 * segment (cut after a whitespace or at a character boundary) and the rest
 * stays, so memory is bounded by max_value_len whatever the value's size.
 *
 * Parsers deliver values that lie inside one chunk and need no decoding
 * straight from the chunk (zero copy); only values that cross a chunk
 * boundary, need decoding or are longer than max_value_len pass through here.
 */
#ifndef XB_TEXT_VALUE_H
#define XB_TEXT_VALUE_H

#include "../core/xb_common.h"

/* The parser's value callback: data[0..len) decoded, raw span, raw offsets
 * (len + 1 entries, NULL when data[i] sits at raw_start + i), segment flag. */
typedef xb_status (*xbt_emit_fn)(void *ctx, const uint8_t *data, size_t len,
                                 size_t raw_start, size_t raw_end,
                                 const size_t *offsets, bool segment);

typedef struct xbt_value {
    uint8_t *data;
    size_t len;
    size_t cap;
    size_t *off;       /* raw offset of each byte, valid when mapped */
    size_t off_cap;
    size_t raw_start;  /* raw offset of data[0] (or of the value start) */
    size_t max;        /* max_value_len: bytes held before a segment is cut */
    bool mapped;       /* a decoded byte was added: off[] is in use */
    bool segmented;    /* a segment of this value was already emitted */
} xbt_value;

/* max is clamped to at least 16 so that a segment always holds a character. */
void xbt_value_init(xbt_value *v, size_t max);
void xbt_value_free(xbt_value *v);

/* Start a new value whose first raw byte is at raw_start. */
static inline void xbt_value_begin(xbt_value *v, size_t raw_start)
{
    v->len = 0;
    v->raw_start = raw_start;
    v->mapped = false;
    v->segmented = false;
}

/* True while nothing was copied: a value ending in the current chunk can be
 * delivered from the chunk itself. */
static inline bool xbt_value_empty(const xbt_value *v)
{
    return v->len == 0 && !v->mapped && !v->segmented;
}

/* Append n bytes that are a 1:1 copy of the raw bytes starting at raw. */
xb_status xbt_value_copy(xbt_value *v, const uint8_t *p, size_t n, size_t raw,
                         xbt_emit_fn emit, void *ctx);

/* Append one decoded byte produced by raw bytes starting at raw. */
xb_status xbt_value_put_mapped_slow(xbt_value *v, uint8_t c, size_t raw,
                                    xbt_emit_fn emit, void *ctx);

static inline xb_status xbt_value_put_mapped(xbt_value *v, uint8_t c, size_t raw,
                                             xbt_emit_fn emit, void *ctx)
{
    if (v->mapped && v->len < v->max && v->len + 1 < v->cap && v->len + 2 <= v->off_cap) {
        v->data[v->len] = c;
        v->off[v->len++] = raw;
        return XB_OK;
    }
    return xbt_value_put_mapped_slow(v, c, raw, emit, ctx);
}

/* The value ends; its raw bytes end at raw_end. Emits what is held (a last
 * segment when segments were emitted before) and empties the accumulator. */
xb_status xbt_value_end(xbt_value *v, size_t raw_end, xbt_emit_fn emit, void *ctx);

/*
 * Deliver data[0..len), raw span [raw_start, raw_start + len), directly
 * (zero copy) when it fits in max, else through the accumulator in segments.
 * v must be empty (xbt_value_empty); it is empty again afterwards.
 */
xb_status xbt_value_direct(xbt_value *v, const uint8_t *data, size_t len,
                           size_t raw_start, xbt_emit_fn emit, void *ctx);

#endif
