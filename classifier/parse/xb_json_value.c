/*
 * xb_json_value.c - values, paths, records and events of the JSON parser.
 *
 * The tokenizer (xb_json.c) finds where values start and end; this file turns
 * them into xb_value events: it assembles a value that spans chunks or has
 * escapes (zero copy otherwise), keeps raw offsets for escaped values, cuts
 * values longer than max_value_len into segments, maintains the container
 * stack, the RFC 6901 path and the decoded keys that give each value its
 * field, and formats error messages with absolute byte offsets.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xb_json_internal.h"

xb_status xbj_fail(xb_json *j, xb_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(j->errmsg, sizeof(j->errmsg), fmt, ap);
    va_end(ap);
    j->status = st;
    j->state = XBJ_ERROR;
    return st;
}

xb_status xbj_unexpected(xb_json *j, const uint8_t *p, const char *note)
{
    uint8_t c = *p;
    size_t at = xbj_pos(j, p);
    if (c > 0x20 && c < 0x7f)
        return xbj_fail(j, XB_ERR_MALFORMED, "json: unexpected '%c' at byte %zu%s",
                        (char)c, at, note);
    return xbj_fail(j, XB_ERR_MALFORMED, "json: unexpected byte 0x%02x at byte %zu%s",
                    (unsigned)c, at, note);
}

static xb_status nomem(xb_json *j)
{
    return xbj_fail(j, XB_ERR_NOMEM, "json: out of memory");
}

/* Append to a buffer; the capacity test is inlined (called per key). */
static inline bool buf_put(xb_buf *b, const void *p, size_t n)
{
    if (b->cap - b->len <= n && xb_buf_reserve(b, n) != XB_OK)
        return false;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    return true;
}

/* ---- value accumulation ------------------------------------------------ */

static xb_status voff_reserve(xb_json *j, size_t need)
{
    if (need <= j->voff_cap)
        return XB_OK;
    size_t cap = j->voff_cap ? j->voff_cap : 64;
    while (cap < need)
        cap *= 2;
    size_t *n = realloc(j->voff, cap * sizeof(*n));
    if (!n)
        return nomem(j);
    j->voff = n;
    j->voff_cap = cap;
    return XB_OK;
}

xb_status xbj_flush_run(xb_json *j, const uint8_t *p)
{
    size_t n = (size_t)(p - j->run);
    if (n == 0)
        return XB_OK;
    size_t old = j->vbuf.len;
    if (!buf_put(&j->vbuf, j->run, n))
        return nomem(j);
    if (j->v_escaped) {
        if (voff_reserve(j, old + n + 1) != XB_OK)
            return XB_ERR_NOMEM;
        size_t raw = xbj_pos(j, j->run);
        for (size_t i = 0; i < n; i++)
            j->voff[old + i] = raw + i;
    }
    j->run = p;
    return XB_OK;
}

xb_status xbj_enable_escapes(xb_json *j)
{
    if (j->v_escaped)
        return XB_OK;
    if (voff_reserve(j, j->vbuf.len + 8) != XB_OK)
        return XB_ERR_NOMEM;
    /* Until now the value was a 1:1 copy of its raw bytes. */
    for (size_t i = 0; i < j->vbuf.len; i++)
        j->voff[i] = j->v_raw_start + i;
    j->v_escaped = true;
    return XB_OK;
}

/* Report one value to the sink (inlined into the per-value paths). */
static inline xb_status emit(xb_json *j, xb_value_kind kind, const uint8_t *data,
                             size_t len, size_t raw_start, size_t raw_end,
                             const size_t *offsets, bool segment)
{
    if (!j->sink.value)
        return XB_OK;
    xb_value v;
    v.kind = kind;
    v.syntax = XB_SYNTAX_JSON;
    v.path = j->path.data;
    v.path_len = j->path.len;
    v.field = "";
    v.field_len = 0;
    if (kind != XB_VALUE_KEY && j->depth > 0) {
        const xb_json_level *l = &j->levels[j->depth - 1];
        if (l->field_len) {
            v.field = (l->field_in_keys ? j->keys.data : j->path.data) + l->field_off;
            v.field_len = l->field_len;
        }
    }
    v.data = data;
    v.len = len;
    v.raw_start = raw_start;
    v.raw_end = raw_end;
    v.raw_offsets = offsets;
    v.exact = true;
    v.record = j->record;
    v.segment = segment;
    xb_status st = j->sink.value(j->sink.ctx, &v);
    if (st != XB_OK)
        return xbj_fail(j, st, "json: value sink stopped the parse (%s) at byte %zu",
                        xb_status_name(st), raw_end);
    return XB_OK;
}

static bool is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

xb_status xbj_overflow(xb_json *j, const uint8_t *p, size_t next_raw)
{
    if (p && xbj_flush_run(j, p) != XB_OK)
        return XB_ERR_NOMEM;
    if (j->v_kind == XB_VALUE_KEY)
        return xbj_fail(j, XB_ERR_LIMIT,
                        "json: object key longer than %zu bytes at byte %zu",
                        j->max_value_len, j->v_raw_start);
    /* vbuf holds complete UTF-8 characters only, so its end is a character
     * boundary; prefer to cut just after a whitespace in the second half. */
    size_t len = j->vbuf.len;
    const uint8_t *b = (const uint8_t *)j->vbuf.data;
    size_t cut = len;
    for (size_t i = len; i > len / 2; i--) {
        if (is_space(b[i - 1])) {
            cut = i;
            break;
        }
    }
    size_t raw_end;
    if (j->v_escaped) {
        if (voff_reserve(j, len + 1) != XB_OK)
            return XB_ERR_NOMEM;
        if (cut == len)
            j->voff[len] = next_raw;
        raw_end = j->voff[cut];
    } else {
        raw_end = cut == len ? next_raw : j->v_raw_start + cut;
    }
    xb_status st = emit(j, j->v_kind, b, cut,
                        j->v_raw_start, raw_end, j->v_escaped ? j->voff : NULL, true);
    if (st != XB_OK)
        return st;
    memmove(j->vbuf.data, j->vbuf.data + cut, len - cut);
    if (j->v_escaped)
        memmove(j->voff, j->voff + cut, (len - cut) * sizeof(*j->voff));
    j->vbuf.len = len - cut;
    j->v_raw_start = raw_end;
    j->v_segmented = true;
    return XB_OK;
}

xb_status xbj_append_decoded(xb_json *j, const uint8_t *b, size_t n,
                             size_t raw, bool contiguous)
{
    if (j->vbuf.len + n > j->max_value_len) {
        xb_status st = xbj_overflow(j, NULL, raw);
        if (st != XB_OK)
            return st;
    }
    size_t old = j->vbuf.len;
    if (!buf_put(&j->vbuf, b, n))
        return nomem(j);
    if (j->v_escaped) {
        if (voff_reserve(j, old + n + 1) != XB_OK)
            return XB_ERR_NOMEM;
        for (size_t i = 0; i < n; i++)
            j->voff[old + i] = contiguous ? raw + i : raw;
    }
    return XB_OK;
}

/* Non-zero when a byte of w is '~' or '/' (a byte equal to t becomes zero
 * after XOR with t; the classic "has zero byte" test finds it). */
static inline uint64_t swar_tilde_or_slash(uint64_t w)
{
    const uint64_t ones = UINT64_C(0x0101010101010101);
    const uint64_t highs = UINT64_C(0x8080808080808080);
    uint64_t a = w ^ (ones * '~'), b = w ^ (ones * '/');
    return ((a - ones) & ~a & highs) | ((b - ones) & ~b & highs);
}

static inline uint64_t load64(const uint8_t *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

static inline uint32_t load32(const uint8_t *p)
{
    uint32_t w;
    memcpy(&w, p, 4);
    return w;
}

/* Copy key k[0..n) to o (which has room for n + 8 bytes) and tell whether it
 * contains '~' or '/', which RFC 6901 escapes. Keys are short: overlapping
 * word loads avoid a byte loop and a call to memcpy. */
static inline bool copy_key_token(char *o, const uint8_t *k, size_t n)
{
    uint64_t hit;
    if (n >= 8) {
        size_t i = 0;
        hit = 0;
        for (; i + 8 < n; i += 8) {
            uint64_t w = load64(k + i);
            hit |= swar_tilde_or_slash(w);
            memcpy(o + i, &w, 8);
        }
        uint64_t w = load64(k + n - 8);
        hit |= swar_tilde_or_slash(w);
        memcpy(o + n - 8, &w, 8);
    } else if (n >= 4) {
        uint32_t lo = load32(k), hi = load32(k + n - 4);
        hit = swar_tilde_or_slash(lo | (uint64_t)hi << 32);
        memcpy(o, &lo, 4);
        memcpy(o + n - 4, &hi, 4);
    } else if (n > 0) {
        uint8_t b0 = k[0], b1 = k[n >> 1], b2 = k[n - 1];
        hit = swar_tilde_or_slash(b0 | (uint64_t)b1 << 8 | (uint64_t)b2 << 16);
        o[0] = (char)b0;
        o[n >> 1] = (char)b1;
        o[n - 1] = (char)b2;
    } else {
        hit = 0;
    }
    return hit != 0;
}

/* A key was read: it becomes the last token of the path and the field of
 * the values of this member; then it is reported itself. */
static xb_status key_done(xb_json *j, const uint8_t *data, size_t len,
                          size_t raw_end, const size_t *offsets)
{
    xb_json_level *l = &j->levels[j->depth - 1];
    j->path.len = l->path_base;
    if (j->path.cap - j->path.len <= 2 * len + 10 && xb_buf_reserve(&j->path, 2 * len + 10) != XB_OK)
        return nomem(j);
    char *o = j->path.data + j->path.len;
    *o++ = '/';
    if (!copy_key_token(o, data, len)) {
        o += len;
        l->field_in_keys = false;
        l->field_off = l->path_base + 1;
    } else {
        for (size_t i = 0; i < len; i++) {
            uint8_t c = data[i];
            if (c == '~' || c == '/') {
                *o++ = '~';
                *o++ = c == '~' ? '0' : '1';
            } else {
                *o++ = (char)c;
            }
        }
        j->keys.len = l->key_base;
        if (!buf_put(&j->keys, data, len))
            return nomem(j);
        l->field_in_keys = true;
        l->field_off = l->key_base;
    }
    l->field_len = len;
    *o = '\0';
    j->path.len = (size_t)(o - j->path.data);
    return emit(j, XB_VALUE_KEY, data, len, j->v_raw_start, raw_end, offsets, false);
}

xb_status xbj_value_end(xb_json *j, const uint8_t *p, size_t raw_end)
{
    const uint8_t *data;
    size_t len;
    const size_t *offsets = NULL;
    if (p && j->vbuf.len == 0 && !j->v_escaped) {
        /* zero copy: the whole (remaining) value is inside this chunk */
        data = j->run;
        len = (size_t)(p - j->run);
    } else {
        if (p && xbj_flush_run(j, p) != XB_OK)
            return XB_ERR_NOMEM;
        data = (const uint8_t *)j->vbuf.data;
        len = j->vbuf.len;
        if (j->v_escaped) {
            if (voff_reserve(j, len + 1) != XB_OK)
                return XB_ERR_NOMEM;
            j->voff[len] = raw_end;
            offsets = j->voff;
        }
    }
    if (j->v_kind == XB_VALUE_KEY)
        return key_done(j, data, len, raw_end, offsets);
    return emit(j, j->v_kind, data, len, j->v_raw_start, raw_end, offsets, j->v_segmented);
}

/* ---- containers, paths, records ---------------------------------------- */

xb_status xbj_push(xb_json *j, bool is_array, const uint8_t *p)
{
    if (j->depth >= j->max_depth)
        return xbj_fail(j, XB_ERR_LIMIT, "json: nesting deeper than %zu at byte %zu",
                        j->max_depth, xbj_pos(j, p));
    if (j->depth == j->levels_cap) {
        size_t cap = j->levels_cap ? j->levels_cap * 2 : 16;
        xb_json_level *n = realloc(j->levels, cap * sizeof(*n));
        if (!n)
            return nomem(j);
        j->levels = n;
        j->levels_cap = cap;
    }
    xb_json_level *l = &j->levels[j->depth];
    l->path_base = j->path.len;
    l->key_base = j->keys.len;
    l->next_index = 0;
    l->is_array = is_array;
    l->field_off = 0;
    l->field_len = 0;
    l->field_in_keys = false;
    if (is_array && j->depth > 0) {
        /* an array inherits the field of the member holding it */
        const xb_json_level *parent = &j->levels[j->depth - 1];
        l->field_off = parent->field_off;
        l->field_len = parent->field_len;
        l->field_in_keys = parent->field_in_keys;
    }
    j->depth++;
    if (is_array && j->rec_depth == XBJ_NO_DEPTH)
        j->rec_depth = j->depth; /* the outermost array: its elements are records */
    return XB_OK;
}

void xbj_pop(xb_json *j)
{
    xb_json_level *l = &j->levels[j->depth - 1];
    j->keys.len = l->key_base;
    j->path.len = l->path_base;
    j->path.data[j->path.len] = '\0';
    if (!j->seq_mode && j->depth == j->rec_depth) {
        j->rec_depth = XBJ_NO_DEPTH;
        j->record = XB_RECORD_NONE;
    }
    j->depth--;
}

xb_status xbj_element_path(xb_json *j, xb_json_level *l)
{
    char digits[24];
    size_t n = 0;
    uint64_t i = l->next_index++;
    do {
        digits[sizeof(digits) - 1 - n++] = (char)('0' + i % 10);
        i /= 10;
    } while (i);
    j->path.len = l->path_base;
    if (j->path.cap - j->path.len <= n + 2 && xb_buf_reserve(&j->path, n + 2) != XB_OK)
        return nomem(j);
    char *o = j->path.data + j->path.len;
    *o++ = '/';
    memcpy(o, digits + sizeof(digits) - n, n);
    o[n] = '\0';
    j->path.len += n + 1;
    return XB_OK;
}

void xbj_top_value_path(xb_json *j)
{
    j->path.len = j->prefix_len;
    j->path.data[j->path.len] = '\0';
    j->keys.len = 0;
}
