/*
 * xb_text_value.c - value accumulator of the text-like parsers; see
 * xb_text_value.h.
 */
#include <stdlib.h>
#include <string.h>

#include "xb_text_utf8.h"
#include "xb_text_value.h"

void xbt_value_init(xbt_value *v, size_t max)
{
    memset(v, 0, sizeof(*v));
    v->max = max < 16 ? 16 : max;
}

void xbt_value_free(xbt_value *v)
{
    free(v->data);
    free(v->off);
    v->data = NULL;
    v->off = NULL;
    v->len = v->cap = v->off_cap = 0;
}

/* Room for `need` bytes (and, when mapped, need + 1 offsets). */
static xb_status reserve(xbt_value *v, size_t need)
{
    if (need > v->cap) {
        size_t cap = v->cap ? v->cap : 256;
        while (cap < need)
            cap *= 2;
        if (cap > v->max + 8 && need <= v->max + 8)
            cap = v->max + 8;
        uint8_t *d = realloc(v->data, cap);
        if (!d)
            return XB_ERR_NOMEM;
        v->data = d;
        v->cap = cap;
    }
    if (v->mapped && need + 1 > v->off_cap) {
        size_t cap = v->off_cap ? v->off_cap : 64;
        while (cap < need + 1)
            cap *= 2;
        size_t *o = realloc(v->off, cap * sizeof(*o));
        if (!o)
            return XB_ERR_NOMEM;
        v->off = o;
        v->off_cap = cap;
    }
    return XB_OK;
}

/* The buffer is full and more bytes follow (the next one from next_raw):
 * emit a segment and keep the uncut tail. */
static xb_status cut_segment(xbt_value *v, size_t next_raw, xbt_emit_fn emit, void *ctx)
{
    size_t len = v->len;
    size_t cut = xbt_segment_cut(v->data, len);
    size_t raw_end;
    if (v->mapped) {
        if (reserve(v, len) != XB_OK)
            return XB_ERR_NOMEM;
        if (cut == len)
            v->off[len] = next_raw;
        raw_end = v->off[cut];
    } else {
        raw_end = cut == len ? next_raw : v->raw_start + cut;
    }
    xb_status st = emit(ctx, v->data, cut, v->raw_start, raw_end,
                        v->mapped ? v->off : NULL, true);
    if (st != XB_OK)
        return st;
    memmove(v->data, v->data + cut, len - cut);
    if (v->mapped)
        memmove(v->off, v->off + cut, (len - cut) * sizeof(*v->off));
    v->len = len - cut;
    v->raw_start = raw_end;
    v->segmented = true;
    return XB_OK;
}

xb_status xbt_value_copy(xbt_value *v, const uint8_t *p, size_t n, size_t raw,
                         xbt_emit_fn emit, void *ctx)
{
    while (v->len + n > v->max) {
        size_t take = v->max - v->len;
        xb_status st = xbt_value_copy(v, p, take, raw, emit, ctx);
        if (st != XB_OK)
            return st;
        p += take;
        n -= take;
        raw += take;
        if ((st = cut_segment(v, raw, emit, ctx)) != XB_OK)
            return st;
    }
    if (n == 0)
        return XB_OK;
    if (reserve(v, v->len + n) != XB_OK)
        return XB_ERR_NOMEM;
    if (v->len == 0 && !v->mapped)
        v->raw_start = raw;
    memcpy(v->data + v->len, p, n);
    if (v->mapped)
        for (size_t i = 0; i < n; i++)
            v->off[v->len + i] = raw + i;
    v->len += n;
    return XB_OK;
}

xb_status xbt_value_put_mapped_slow(xbt_value *v, uint8_t c, size_t raw,
                                    xbt_emit_fn emit, void *ctx)
{
    if (v->len + 1 > v->max) {
        xb_status st = cut_segment(v, raw, emit, ctx);
        if (st != XB_OK)
            return st;
    }
    if (!v->mapped) {
        if (v->len == 0)
            v->raw_start = raw;
        v->mapped = true;
        if (reserve(v, v->len + 1) != XB_OK)
            return XB_ERR_NOMEM;
        for (size_t i = 0; i < v->len; i++)
            v->off[i] = v->raw_start + i;
    } else if (reserve(v, v->len + 1) != XB_OK) {
        return XB_ERR_NOMEM;
    }
    v->data[v->len] = c;
    v->off[v->len] = raw;
    v->len++;
    return XB_OK;
}

xb_status xbt_value_end(xbt_value *v, size_t raw_end, xbt_emit_fn emit, void *ctx)
{
    xb_status st = XB_OK;
    if (v->len > 0) {
        const size_t *off = NULL;
        if (v->mapped) {
            if (reserve(v, v->len) != XB_OK)
                return XB_ERR_NOMEM;
            v->off[v->len] = raw_end;
            off = v->off;
        }
        st = emit(ctx, v->data, v->len, v->raw_start, raw_end, off, v->segmented);
    }
    v->len = 0;
    v->mapped = false;
    v->segmented = false;
    return st;
}

xb_status xbt_value_direct(xbt_value *v, const uint8_t *data, size_t len,
                           size_t raw_start, xbt_emit_fn emit, void *ctx)
{
    if (len <= v->max)
        return len ? emit(ctx, data, len, raw_start, raw_start + len, NULL, false) : XB_OK;
    xbt_value_begin(v, raw_start);
    xb_status st = xbt_value_copy(v, data, len, raw_start, emit, ctx);
    if (st == XB_OK)
        st = xbt_value_end(v, raw_start + len, emit, ctx);
    v->len = 0;
    v->mapped = v->segmented = false;
    return st;
}
