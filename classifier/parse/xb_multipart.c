/*
 * xb_multipart.c - multipart/form-data and multipart/mixed bodies: framing.
 *
 * The boundary comes from the Content-Type. A delimiter is "--boundary" at
 * the start of the body or after a line end (CRLF, or a bare LF as some
 * clients send), followed by "--" (the close delimiter), or by optional
 * spaces and a line end; the line end before a delimiter belongs to the
 * delimiter, not to the part. Each part has a header block ending with an
 * empty line (at most XBM_MAX_HEADER bytes) and a body that
 * xb_multipart_part.c classifies and hands on, streaming.
 *
 * Finding delimiters: within a chunk, memmem looks for "\n--boundary". A
 * chunk may end inside a delimiter: its tail is held back when it is a
 * prefix of the pattern (the pattern has a single '\n', so only the last LF
 * of the tail can start one), and so is a CR at the very end. The held bytes
 * are known - they equal the pattern's prefix - so they are not copied; on a
 * mismatch they are handed to the part from the pattern itself. Part bytes
 * in the chunk are passed on without copying.
 *
 * The line end of the empty line that closes a part's headers may double as
 * the line end of the next delimiter (an empty part written as
 * "headers CRLF CRLF --boundary"), as the start of the body may for the first
 * delimiter. Bytes before the first delimiter (preamble) and after the close
 * delimiter (epilogue) are ignored. A body that ends before the close delimiter is
 * XB_ERR_MALFORMED, more than limits->max_parts parts XB_ERR_LIMIT.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xb_multipart_internal.h"

xb_status xbm_fail(xb_parser *p, xb_status st, const char *fmt, ...)
{
    if (p->status != XB_OK)
        return p->status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
    va_end(ap);
    p->status = st;
    return st;
}

static inline size_t abs_of(const xb_parser *p, const uint8_t *q)
{
    return p->chunk_abs + (size_t)(q - p->chunk);
}

xb_parser *xbm_create(const xb_parser_params *pp, unsigned depth)
{
    xb_parser *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    xb_limits_default(&p->limits);
    if (pp->limits)
        p->limits = *pp->limits;
    xb_limits defaults;
    xb_limits_default(&defaults);
    if (!p->limits.max_parts)
        p->limits.max_parts = defaults.max_parts;
    if (!p->limits.max_value_len)
        p->limits.max_value_len = defaults.max_value_len;
    p->sink = pp->sink;
    p->base = pp->base_offset;
    p->depth = depth;
    p->state = XBM_PREAMBLE;
    p->next_record = 0;
    xbt_value_init(&p->field, p->limits.max_value_len);
    if (pp->path_prefix && xb_buf_append_str(&p->prefix, pp->path_prefix) != XB_OK) {
        free(p);
        return NULL;
    }
    char boundary[XBM_MAX_BOUNDARY + 2];
    if (!pp->content_type ||
        !xb_content_type_param(pp->content_type, "boundary", boundary, sizeof(boundary))) {
        xbm_fail(p, XB_ERR_MALFORMED, "multipart: no boundary parameter in the Content-Type");
        return p;
    }
    size_t blen = strlen(boundary);
    if (blen == 0 || blen > XBM_MAX_BOUNDARY || strpbrk(boundary, "\r\n")) {
        xbm_fail(p, XB_ERR_MALFORMED, "multipart: invalid boundary parameter");
        return p;
    }
    p->pat_len = blen + 3;
    p->pat = malloc(p->pat_len);
    if (!p->pat) {
        xb_buf_free(&p->prefix);
        free(p);
        return NULL;
    }
    memcpy(p->pat, "\n--", 3);
    memcpy(p->pat + 3, boundary, blen);
    /* the body starts as if after a line end: "--boundary" may come first */
    p->carry = 1;
    p->carry_virtual = true;
    p->carry_abs = p->base;
    return p;
}

static xb_parser *mp_create(const xb_parser_params *pp)
{
    return xbm_create(pp, 0);
}

/* Bytes that are not part of a delimiter: the current part's, or ignored. */
static xb_status data(xb_parser *p, const uint8_t *d, size_t n, size_t abs, bool last)
{
    if (p->state != XBM_BODY || n == 0)
        return XB_OK;
    return xbm_part_data(p, d, n, abs, last);
}

static xb_status delimiter(xb_parser *p, size_t body_end)
{
    xb_status st = XB_OK;
    if (p->state == XBM_BODY)
        st = xbm_part_end(p, body_end);
    p->state = XBM_AFTER_DELIM;
    return st;
}

/* PREAMBLE / BODY: find the next delimiter in [s, end). Returns where to go
 * on, or NULL on error. */
static const uint8_t *scan(xb_parser *p, const uint8_t *s, const uint8_t *end)
{
    const uint8_t *pat = p->pat;
    size_t m = p->pat_len;
    static const uint8_t cr = '\r';
    if (p->carry) {
        size_t need = m - p->carry, avail = (size_t)(end - s);
        size_t k = need < avail ? need : avail;
        if (memcmp(s, pat + p->carry, k) == 0) {
            if (k < need) {
                p->carry += k;
                return end;
            }
            size_t body_end = p->pending_cr ? p->cr_abs : p->carry_abs;
            p->carry = 0;
            p->carry_virtual = false;
            p->pending_cr = false;
            return delimiter(p, body_end) == XB_OK ? s + k : NULL;
        }
        /* not a delimiter: the held bytes belong to the part */
        if (p->pending_cr && data(p, &cr, 1, p->cr_abs, false) != XB_OK)
            return NULL;
        p->pending_cr = false;
        size_t skip = p->carry_virtual ? 1 : 0;
        if (data(p, pat + skip, p->carry - skip, p->carry_abs, false) != XB_OK)
            return NULL;
        p->carry = 0;
        p->carry_virtual = false;
    }
    const uint8_t *f = memmem(s, (size_t)(end - s), pat, m);
    if (f) {
        size_t body_end;
        if (f == s) {
            /* a CR held from the last chunk is the delimiter's */
            body_end = p->pending_cr ? p->cr_abs : abs_of(p, f);
        } else {
            const uint8_t *e = f[-1] == '\r' ? f - 1 : f;
            if (p->pending_cr && data(p, &cr, 1, p->cr_abs, false) != XB_OK)
                return NULL;
            if (data(p, s, (size_t)(e - s), abs_of(p, s), true) != XB_OK)
                return NULL;
            body_end = abs_of(p, e);
        }
        p->pending_cr = false;
        return delimiter(p, body_end) == XB_OK ? f + m : NULL;
    }
    /* hold back a possible start of a delimiter at the end of the chunk */
    const uint8_t *hold = end;
    size_t tail = (size_t)(end - s) < m - 1 ? (size_t)(end - s) : m - 1;
    const uint8_t *q = tail ? memrchr(end - tail, '\n', tail) : NULL;
    if (q && memcmp(q, pat, (size_t)(end - q)) == 0) {
        hold = q;
        p->carry = (size_t)(end - q);
        p->carry_abs = abs_of(p, q);
    }
    if (hold > s) {
        bool cr_before = hold[-1] == '\r';
        const uint8_t *e = cr_before ? hold - 1 : hold;
        if (p->pending_cr && data(p, &cr, 1, p->cr_abs, false) != XB_OK)
            return NULL;
        if (data(p, s, (size_t)(e - s), abs_of(p, s), false) != XB_OK)
            return NULL;
        p->pending_cr = cr_before;
        p->cr_abs = abs_of(p, hold - 1);
    }
    return end;
}

/* HEADERS: collect lines until the empty one. */
static const uint8_t *headers(xb_parser *p, const uint8_t *s, const uint8_t *end)
{
    while (s < end) {
        const uint8_t *lf = memchr(s, '\n', (size_t)(end - s));
        const uint8_t *stop = lf ? lf + 1 : end;
        size_t n = (size_t)(stop - s);
        if (p->hdr.len + n > XBM_MAX_HEADER) {
            xbm_fail(p, XB_ERR_LIMIT,
                     "multipart: headers of part %zu longer than %d bytes at byte %zu",
                     p->n_parts + 1, XBM_MAX_HEADER, p->hdr_abs);
            return NULL;
        }
        if (xb_buf_append(&p->hdr, s, n) != XB_OK) {
            xbm_fail(p, XB_ERR_NOMEM, "multipart: out of memory");
            return NULL;
        }
        s = stop;
        if (!lf)
            break;
        size_t line = p->hdr.len - p->hdr_line;
        if (line == 1 || (line == 2 && p->hdr.data[p->hdr_line] == '\r')) {
            p->hdr.len = p->hdr_line; /* drop the empty line */
            if (xbm_part_begin(p, abs_of(p, s)) != XB_OK)
                return NULL;
            /* the empty line's LF may be the delimiter's too: an empty
             * body written without a line of its own */
            p->state = XBM_BODY;
            p->carry = 1;
            p->carry_virtual = true;
            p->carry_abs = abs_of(p, s);
            p->pending_cr = false;
            return s;
        }
        p->hdr_line = p->hdr.len;
    }
    return s;
}

static void begin_headers(xb_parser *p, const uint8_t *s)
{
    p->state = XBM_HEADERS;
    p->hdr.len = 0;
    p->hdr_line = 0;
    p->hdr_abs = abs_of(p, s);
}

/* After "--boundary": one byte of "--", padding or the line end. */
static bool after_delimiter(xb_parser *p, const uint8_t *s)
{
    uint8_t c = *s;
    switch (p->state) {
    case XBM_AFTER_DELIM:
        if (c == '-') {
            p->state = XBM_CLOSE_DASH;
            return true;
        }
        /* fall through */
    case XBM_PADDING:
        if (c == ' ' || c == '\t') {
            p->state = XBM_PADDING;
            return true;
        }
        if (c == '\r') {
            p->state = XBM_PAD_CR;
            return true;
        }
        if (c == '\n') {
            begin_headers(p, s + 1);
            return true;
        }
        break;
    case XBM_PAD_CR:
        if (c == '\n') {
            begin_headers(p, s + 1);
            return true;
        }
        break;
    case XBM_CLOSE_DASH:
        if (c == '-') {
            p->state = XBM_EPILOGUE;
            return true;
        }
        break;
    default:
        break;
    }
    xbm_fail(p, XB_ERR_MALFORMED,
             "multipart: unexpected byte 0x%02x after the boundary at byte %zu", (unsigned)c,
             abs_of(p, s));
    return false;
}

static xb_status mp_feed(xb_parser *p, const uint8_t *d, size_t len)
{
    if (p->status != XB_OK)
        return p->status;
    p->chunk = d;
    p->chunk_abs = p->base + p->consumed;
    p->consumed += len;
    const uint8_t *s = d, *end = d + len;
    while (s < end) {
        switch (p->state) {
        case XBM_PREAMBLE:
        case XBM_BODY:
            s = scan(p, s, end);
            break;
        case XBM_HEADERS:
            s = headers(p, s, end);
            break;
        case XBM_EPILOGUE:
            s = end;
            break;
        default:
            s = after_delimiter(p, s) ? s + 1 : NULL;
            break;
        }
        if (!s)
            return p->status;
    }
    p->chunk = NULL;
    return XB_OK;
}

static xb_status mp_finish(xb_parser *p)
{
    if (p->status != XB_OK)
        return p->status;
    size_t end = p->base + p->consumed;
    char label[32];
    switch (p->state) {
    case XBM_EPILOGUE:
        return XB_OK;
    case XBM_PREAMBLE:
        return xbm_fail(p, XB_ERR_MALFORMED,
                        "multipart: missing closing boundary (no delimiter found)");
    case XBM_BODY:
        return xbm_fail(p, XB_ERR_MALFORMED,
                        "multipart: missing closing boundary at byte %zu (in part '%s')", end,
                        xbm_part_label(p, label, sizeof(label)));
    default:
        return xbm_fail(p, XB_ERR_MALFORMED, "multipart: missing closing boundary at byte %zu",
                        end);
    }
}

static const char *mp_error(const xb_parser *p)
{
    return p->msg;
}

static void mp_destroy(xb_parser *p)
{
    if (!p)
        return;
    xbm_part_release(p);
    xbt_value_free(&p->field);
    xb_buf_free(&p->hdr);
    xb_buf_free(&p->path);
    xb_buf_free(&p->prefix);
    free(p->pat);
    free(p);
}

const xb_parser_ops xb_multipart_parser = {
    .name = "multipart",
    .syntax = XB_SYNTAX_NONE,
    .records_by_path = false,
    .create = mp_create,
    .feed = mp_feed,
    .finish = mp_finish,
    .error_message = mp_error,
    .destroy = mp_destroy,
};
