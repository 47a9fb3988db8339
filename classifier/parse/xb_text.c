/*
 * xb_text.c - text/plain bodies: every line is one value.
 *
 * Lines are split on LF (a CR before it is dropped); a line longer than
 * max_value_len is delivered in segments cut at a space or a UTF-8 boundary.
 * Path "@<byte offset of the line>", record = line index. NUL bytes or invalid
 * UTF-8 make the body binary: XB_ERR_MALFORMED. A charset other than UTF-8 or
 * US-ASCII is XB_ERR_UNSUPPORTED.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/xb_buf.h"
#include "xb_parser.h"

struct xb_parser {
    xb_sink sink;
    size_t base;
    char *prefix;
    size_t max_len;
    xb_buf line;        /* bytes of the current line (or segment) */
    size_t line_start;  /* body offset of line[0] */
    size_t line_origin; /* body offset of the line's first byte (for the path) */
    size_t pos;         /* body bytes consumed */
    int64_t record;
    bool segmented;
    uint8_t utf8_need;  /* continuation bytes still expected */
    xb_status err;
    bool unsupported_charset;
    char msg[160];
    xb_buf path;
};

static xb_parser *text_create(const xb_parser_params *pp)
{
    xb_parser *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->sink = pp->sink;
    p->base = pp->base_offset;
    p->prefix = strdup(pp->path_prefix ? pp->path_prefix : "");
    p->max_len = pp->limits && pp->limits->max_value_len >= 16 ? pp->limits->max_value_len : 65536;
    char cs[64];
    if (pp->content_type && xb_content_type_param(pp->content_type, "charset", cs, sizeof(cs)) &&
        strcasecmp(cs, "utf-8") && strcasecmp(cs, "utf8") && strcasecmp(cs, "us-ascii")) {
        p->unsupported_charset = true;
        snprintf(p->msg, sizeof(p->msg), "text: charset %s is not supported", cs);
    }
    if (!p->prefix) {
        free(p);
        return NULL;
    }
    return p;
}

static xb_status emit(xb_parser *p, size_t len, bool segment)
{
    if (len == 0)
        return XB_OK;
    xb_buf_reset(&p->path);
    if (xb_buf_printf(&p->path, "%s@%zu", p->prefix, p->base + p->line_origin) != XB_OK)
        return XB_ERR_NOMEM;
    xb_value v;
    memset(&v, 0, sizeof(v));
    v.kind = XB_VALUE_TEXT;
    v.syntax = XB_SYNTAX_TEXT;
    v.path = p->path.data;
    v.path_len = p->path.len;
    v.field = "";
    v.data = (const uint8_t *)p->line.data;
    v.len = len;
    v.raw_start = p->base + p->line_start;
    v.raw_end = v.raw_start + len;
    v.exact = true;
    v.record = p->record;
    v.segment = segment;
    return p->sink.value(p->sink.ctx, &v);
}

/* Deliver the buffered part of an over-long line, keeping the tail after the
 * last space (or the last complete UTF-8 character). */
static xb_status flush_segment(xb_parser *p)
{
    size_t cut = p->line.len;
    for (size_t i = p->line.len; i > p->line.len / 2; i--)
        if (p->line.data[i - 1] == ' ') {
            cut = i;
            break;
        }
    if (cut == p->line.len)
        while (cut > 0 && ((unsigned char)p->line.data[cut] & 0xC0) == 0x80 && cut < p->line.len)
            cut--;
    while (cut > 0 && cut < p->line.len && ((unsigned char)p->line.data[cut] & 0xC0) == 0x80)
        cut--;
    if (cut == 0)
        cut = p->line.len;
    xb_status st = emit(p, cut, true);
    if (st != XB_OK)
        return st;
    size_t rest = p->line.len - cut;
    memmove(p->line.data, p->line.data + cut, rest);
    p->line.len = rest;
    p->line_start += cut;
    p->segmented = true;
    return XB_OK;
}

static xb_status end_line(xb_parser *p)
{
    size_t len = p->line.len;
    if (len > 0 && p->line.data[len - 1] == '\r')
        len--;
    xb_status st = emit(p, len, p->segmented);
    p->line.len = 0;
    p->segmented = false;
    p->record++;
    return st;
}

static xb_status text_feed(xb_parser *p, const uint8_t *data, size_t len)
{
    if (p->err != XB_OK)
        return p->err;
    if (p->unsupported_charset)
        return p->err = XB_ERR_UNSUPPORTED;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = data[i];
        size_t at = p->pos + i;
        bool bad = false;
        if (p->utf8_need) {
            if ((c & 0xC0) != 0x80)
                bad = true;
            else
                p->utf8_need--;
        } else if (c == 0) {
            bad = true;
        } else if (c >= 0x80) {
            if (c >= 0xC2 && c <= 0xDF)
                p->utf8_need = 1;
            else if (c >= 0xE0 && c <= 0xEF)
                p->utf8_need = 2;
            else if (c >= 0xF0 && c <= 0xF4)
                p->utf8_need = 3;
            else
                bad = true;
        }
        if (bad) {
            snprintf(p->msg, sizeof(p->msg),
                     "text: binary or non-UTF-8 content at byte %zu", p->base + at);
            return p->err = XB_ERR_MALFORMED;
        }
        if (c == '\n') {
            xb_status st = end_line(p);
            if (st != XB_OK)
                return p->err = st;
            p->line_start = p->line_origin = at + 1;
            continue;
        }
        if (p->line.len == 0 && !p->segmented)
            p->line_start = p->line_origin = at;
        if (xb_buf_append_char(&p->line, (char)c) != XB_OK)
            return p->err = XB_ERR_NOMEM;
        if (p->line.len >= p->max_len && !p->utf8_need) {
            xb_status st = flush_segment(p);
            if (st != XB_OK)
                return p->err = st;
        }
    }
    p->pos += len;
    return XB_OK;
}

static xb_status text_finish(xb_parser *p)
{
    if (p->err != XB_OK)
        return p->err;
    if (p->unsupported_charset)
        return p->err = XB_ERR_UNSUPPORTED;
    if (p->utf8_need) {
        snprintf(p->msg, sizeof(p->msg), "text: truncated UTF-8 sequence at end of body");
        return p->err = XB_ERR_MALFORMED;
    }
    if (p->line.len > 0 || p->segmented)
        return p->err = end_line(p);
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
    xb_buf_free(&p->line);
    xb_buf_free(&p->path);
    free(p->prefix);
    free(p);
}

const xb_parser_ops xb_text_parser = {
    "text", XB_SYNTAX_TEXT, false, text_create, text_feed, text_finish, text_error, text_destroy,
};
