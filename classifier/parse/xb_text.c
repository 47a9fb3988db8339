/*
 * xb_text.c - text/plain bodies: every line is one value.
 *
 * Lines are split on LF; one CR right before the LF (or at the end of the
 * body) is not part of the line. Each non-empty line is reported as an
 * XB_VALUE_TEXT value with path "@<absolute byte offset of the line>",
 * record = line index (0-based, empty lines count) and an empty field. A
 * line that lies inside one chunk is delivered from the chunk (zero copy);
 * a line that crosses chunks is assembled, and a line longer than
 * max_value_len is delivered in segments cut at whitespace or a character
 * boundary. A UTF-8 byte order mark at the start is skipped.
 *
 * Text that is not UTF-8 (or contains NUL bytes) is treated as binary:
 * XB_ERR_MALFORMED "text: binary or non-UTF-8 content at byte N". A
 * charset= other than utf-8 / us-ascii is XB_ERR_UNSUPPORTED.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/xb_buf.h"
#include "xb_parser.h"
#include "xb_text_utf8.h"
#include "xb_text_value.h"

static const uint8_t utf8_bom[3] = {0xEF, 0xBB, 0xBF};

struct xb_parser {
    xb_sink sink;
    size_t base;         /* base_offset */
    xb_buf path;         /* path_prefix + "@N" */
    size_t prefix_len;
    xbt_value line;      /* a line that crosses chunks */
    size_t consumed;     /* body bytes fed before the current chunk */
    size_t line_origin;  /* absolute offset of the current line's first byte */
    bool in_line;        /* bytes of the current line came in earlier chunks */
    uint8_t bom_seen;    /* bytes of a leading BOM matched so far (0..3) */
    bool started;        /* the BOM check is over */
    int64_t record;      /* index of the current line */
    xb_status status;
    char msg[160];
};

static xb_status fail(xb_parser *p, xb_status st, const char *what, size_t at)
{
    snprintf(p->msg, sizeof(p->msg), "text: %s at byte %zu", what, at);
    p->status = st;
    return st;
}

/* path = prefix + "@" + decimal offset (called once per line). */
static xb_status render_path(xb_parser *p, size_t offset)
{
    char tmp[24];
    size_t n = 0;
    do {
        tmp[sizeof(tmp) - 1 - n++] = (char)('0' + offset % 10);
        offset /= 10;
    } while (offset);
    tmp[sizeof(tmp) - 1 - n++] = '@';
    p->path.len = p->prefix_len;
    if (xb_buf_append(&p->path, tmp + sizeof(tmp) - n, n) != XB_OK)
        return XB_ERR_NOMEM;
    p->path.data[p->path.len] = '\0';
    return XB_OK;
}

/* The accumulator's (and the direct path's) value callback. */
static xb_status emit(void *ctx, const uint8_t *data, size_t len, size_t raw_start,
                      size_t raw_end, const size_t *offsets, bool segment)
{
    xb_parser *p = ctx;
    size_t bad = xbt_utf8_check(data, len, true);
    if (bad < len)
        return fail(p, XB_ERR_MALFORMED, "binary or non-UTF-8 content",
                    offsets ? offsets[bad] : raw_start + bad);
    if (render_path(p, p->line_origin) != XB_OK)
        return fail(p, XB_ERR_NOMEM, "out of memory", raw_start);
    xb_value v;
    v.kind = XB_VALUE_TEXT;
    v.syntax = XB_SYNTAX_TEXT;
    v.path = p->path.data;
    v.path_len = p->path.len;
    v.field = "";
    v.field_len = 0;
    v.data = data;
    v.len = len;
    v.raw_start = raw_start;
    v.raw_end = raw_end;
    v.raw_offsets = offsets;
    v.exact = true;
    v.record = p->record;
    v.segment = segment;
    if (!p->sink.value)
        return XB_OK;
    xb_status st = p->sink.value(p->sink.ctx, &v);
    if (st != XB_OK) {
        snprintf(p->msg, sizeof(p->msg), "text: value sink stopped the parse (%s) at byte %zu",
                 xb_status_name(st), raw_end);
        p->status = st;
    }
    return st;
}

static xb_parser *text_create(const xb_parser_params *pp)
{
    xb_parser *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    xb_limits defaults;
    xb_limits_default(&defaults);
    const xb_limits *lim = pp->limits ? pp->limits : &defaults;
    p->sink = pp->sink;
    p->base = pp->base_offset;
    xbt_value_init(&p->line, lim->max_value_len ? lim->max_value_len : defaults.max_value_len);
    if (xb_buf_reserve(&p->path, 32) != XB_OK ||
        (pp->path_prefix && xb_buf_append_str(&p->path, pp->path_prefix) != XB_OK)) {
        xb_buf_free(&p->path);
        free(p);
        return NULL;
    }
    p->prefix_len = p->path.len;
    char cs[64];
    if (pp->content_type && xb_content_type_param(pp->content_type, "charset", cs, sizeof(cs)) &&
        strcasecmp(cs, "utf-8") && strcasecmp(cs, "utf8") && strcasecmp(cs, "us-ascii")) {
        snprintf(p->msg, sizeof(p->msg), "text: charset %s is not supported", cs);
        p->status = XB_ERR_UNSUPPORTED;
    }
    return p;
}

/* The current line ends; its bytes in this chunk are [s, e) (e excludes a
 * CR before the LF). */
static xb_status end_line(xb_parser *p, const uint8_t *s, const uint8_t *e, size_t abs_s)
{
    xb_status st;
    size_t n = (size_t)(e - s);
    if (!p->in_line) {
        p->line_origin = abs_s;
        st = xbt_value_direct(&p->line, s, n, abs_s, emit, p);
    } else {
        st = xbt_value_copy(&p->line, s, n, abs_s, emit, p);
        size_t raw_end = abs_s + n;
        if (st == XB_OK && n == 0 && p->line.len > 0 && p->line.data[p->line.len - 1] == '\r') {
            /* the CR of a CRLF came at the end of the previous chunk */
            p->line.len--;
            raw_end--;
        }
        if (st == XB_OK)
            st = xbt_value_end(&p->line, raw_end, emit, p);
    }
    p->in_line = false;
    p->record++;
    return st;
}

/* Bytes at the start of the body: skip a BOM (possibly split over chunks).
 * Returns the first byte of the chunk after it. */
static const uint8_t *skip_bom(xb_parser *p, const uint8_t *s, const uint8_t *end,
                              bool at_end)
{
    while (s < end && p->bom_seen < 3 && *s == utf8_bom[p->bom_seen]) {
        p->bom_seen++;
        s++;
    }
    if (s == end && p->bom_seen < 3 && !at_end)
        return s; /* still undecided */
    p->started = true;
    if (p->bom_seen < 3 && p->bom_seen > 0) {
        /* a BOM prefix that is not a BOM: those bytes start the first line */
        p->line_origin = p->base;
        p->in_line = true;
        xbt_value_begin(&p->line, p->base);
        if (xbt_value_copy(&p->line, utf8_bom, p->bom_seen, p->base, emit, p) != XB_OK)
            return NULL;
    }
    return s;
}

static xb_status text_feed(xb_parser *p, const uint8_t *data, size_t len)
{
    if (p->status != XB_OK)
        return p->status;
    const uint8_t *s = data, *end = data + len;
    size_t abs0 = p->base + p->consumed; /* absolute offset of data[0] */
    p->consumed += len;
    if (!p->started) {
        s = skip_bom(p, s, end, false);
        if (!s)
            return p->status ? p->status : (p->status = XB_ERR_NOMEM);
    }
    while (s < end) {
        const uint8_t *lf = memchr(s, '\n', (size_t)(end - s));
        size_t abs_s = abs0 + (size_t)(s - data);
        if (!lf) {
            /* the line continues in the next chunk */
            if (!p->in_line) {
                p->in_line = true;
                p->line_origin = abs_s;
                xbt_value_begin(&p->line, abs_s);
            }
            xb_status st = xbt_value_copy(&p->line, s, (size_t)(end - s), abs_s, emit, p);
            if (st != XB_OK)
                return p->status = st;
            break;
        }
        const uint8_t *e = lf > s && lf[-1] == '\r' ? lf - 1 : lf;
        xb_status st = end_line(p, s, e, abs_s);
        if (st != XB_OK)
            return p->status = st;
        s = lf + 1;
    }
    return XB_OK;
}

static xb_status text_finish(xb_parser *p)
{
    if (p->status != XB_OK)
        return p->status;
    if (!p->started) {
        const uint8_t none = 0;
        if (!skip_bom(p, &none, &none, true))
            return p->status ? p->status : (p->status = XB_ERR_NOMEM);
    }
    if (p->in_line) {
        size_t abs_end = p->base + p->consumed;
        xb_status st = end_line(p, NULL, NULL, abs_end);
        if (st != XB_OK)
            return p->status = st;
    }
    return XB_OK;
}

static const char *text_error(const xb_parser *p)
{
    return p->msg;
}

static void text_destroy(xb_parser *p)
{
    if (!p)
        return;
    xbt_value_free(&p->line);
    xb_buf_free(&p->path);
    free(p);
}

const xb_parser_ops xb_text_parser = {
    .name = "text",
    .syntax = XB_SYNTAX_TEXT,
    .records_by_path = false,
    .create = text_create,
    .feed = text_feed,
    .finish = text_finish,
    .error_message = text_error,
    .destroy = text_destroy,
};
