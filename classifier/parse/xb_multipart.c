/*
 * xb_multipart.c - multipart/form-data (and multipart/mixed) bodies.
 *
 * Each part is classified by its own type: a plain form field (no
 * Content-Type, no filename) is one value named by the field; a part whose
 * type has a parser (JSON, XML, CSV, form, text - or a filename with such an
 * extension) is streamed into a nested parser whose paths are prefixed with
 * "<name>#" and whose offsets are absolute in the body; any other part
 * (images, PDFs, octet streams, base64 or quoted-printable transfer
 * encodings) is reported as not inspectable, with its name, type and
 * filename, and never silently called clean. Records of nested parts are
 * renumbered so they stay unique across parts.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/xb_buf.h"
#include "xb_parser.h"

#define MAX_HEADERS 8192

enum mp_state { MP_PREAMBLE, MP_AFTER_DELIM, MP_AFTER_DELIM_DASH, MP_AFTER_DELIM_CR,
                MP_HEADERS, MP_BODY, MP_EPILOGUE };

enum part_kind { PART_FIELD, PART_PARSED, PART_SKIPPED };

struct xb_parser {
    xb_sink sink;
    const xb_limits *limits;
    size_t base;
    char *prefix;
    char delim[80];       /* "\r\n--" boundary */
    size_t delim_len;
    size_t match;         /* bytes of delim matched so far */
    enum mp_state st;
    size_t pos;
    xb_buf headers;
    size_t parts;
    /* current part */
    enum part_kind kind;
    char name[256], filename[256], ctype[256], skip_reason[64];
    size_t part_start;
    const xb_parser_ops *ops;
    xb_parser *nested;
    xb_buf field;         /* value of a plain field */
    xb_buf out;           /* body bytes awaiting delivery */
    size_t out_start;     /* body offset of out[0] */
    int64_t record_base, part_max_record;
    xb_status err;
    char msg[300];
};

/* Forward nested values with records renumbered. */
static xb_status nested_value(void *ctx, const xb_value *v)
{
    xb_parser *p = ctx;
    if (v->record == XB_RECORD_NONE)
        return p->sink.value(p->sink.ctx, v);
    xb_value w = *v;
    w.record = v->record + p->record_base;
    if (v->record > p->part_max_record)
        p->part_max_record = v->record;
    return p->sink.value(p->sink.ctx, &w);
}

static void nested_uninspectable(void *ctx, const char *path, const char *reason,
                                 const char *detail, size_t rs, size_t re, const char *ct,
                                 const char *fn)
{
    xb_parser *p = ctx;
    if (p->sink.uninspectable)
        p->sink.uninspectable(p->sink.ctx, path, reason, detail, rs, re, ct, fn);
}

static xb_parser *mp_create(const xb_parser_params *pp)
{
    char boundary[72];
    if (!pp->content_type ||
        !xb_content_type_param(pp->content_type, "boundary", boundary, sizeof(boundary)) ||
        !boundary[0])
        return NULL;
    xb_parser *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->sink = pp->sink;
    p->limits = pp->limits;
    p->base = pp->base_offset;
    p->prefix = strdup(pp->path_prefix ? pp->path_prefix : "");
    p->delim_len = (size_t)snprintf(p->delim, sizeof(p->delim), "\r\n--%s", boundary);
    /* The first delimiter may start the body: pretend a CRLF came before. */
    p->match = 2;
    if (!p->prefix) {
        free(p);
        return NULL;
    }
    return p;
}

static xb_status fail(xb_parser *p, xb_status st, const char *what)
{
    if (p->err == XB_OK) {
        snprintf(p->msg, sizeof(p->msg), "multipart: %s", what);
        p->err = st;
    }
    return st;
}

/* Copy a header parameter value (name="x" or name=x) into out. */
static void header_param(const char *h, const char *param, char *out, size_t size)
{
    out[0] = '\0';
    size_t pl = strlen(param);
    for (const char *s = h; (s = strcasestr(s, param)) != NULL; s += pl) {
        if (s > h && (isalnum((unsigned char)s[-1]) || s[-1] == '*'))
            continue;
        const char *v = s + pl;
        while (*v == ' ')
            v++;
        if (*v != '=')
            continue;
        v++;
        while (*v == ' ')
            v++;
        size_t k = 0;
        if (*v == '"') {
            v++;
            while (*v && *v != '"' && k + 1 < size)
                out[k++] = *v++;
        } else {
            while (*v && *v != ';' && *v != '\r' && *v != '\n' && k + 1 < size)
                out[k++] = *v++;
        }
        out[k] = '\0';
        return;
    }
}

static void header_value(const char *h, const char *name, char *out, size_t size)
{
    out[0] = '\0';
    size_t nl = strlen(name);
    for (const char *line = h; line && *line;) {
        if (!strncasecmp(line, name, nl) && line[nl] == ':') {
            const char *v = line + nl + 1;
            while (*v == ' ' || *v == '\t')
                v++;
            size_t k = 0;
            while (v[k] && v[k] != '\r' && v[k] != '\n' && k + 1 < size) {
                out[k] = v[k];
                k++;
            }
            out[k] = '\0';
            return;
        }
        line = strchr(line, '\n');
        if (line)
            line++;
    }
}

static const char *type_from_filename(const char *fn)
{
    const char *dot = strrchr(fn, '.');
    if (!dot)
        return NULL;
    if (!strcasecmp(dot, ".json"))
        return "application/json";
    if (!strcasecmp(dot, ".xml"))
        return "application/xml";
    if (!strcasecmp(dot, ".csv"))
        return "text/csv";
    if (!strcasecmp(dot, ".txt"))
        return "text/plain";
    return NULL;
}

static xb_status start_part(xb_parser *p)
{
    const char *h = xb_buf_cstr(&p->headers);
    char disp[512], cte[64];
    header_value(h, "Content-Disposition", disp, sizeof(disp));
    header_param(disp, "name", p->name, sizeof(p->name));
    header_param(disp, "filename", p->filename, sizeof(p->filename));
    header_value(h, "Content-Type", p->ctype, sizeof(p->ctype));
    header_value(h, "Content-Transfer-Encoding", cte, sizeof(cte));
    if (++p->parts > (p->limits && p->limits->max_parts ? p->limits->max_parts : 256))
        return fail(p, XB_ERR_LIMIT, "too many parts");
    p->part_start = p->pos;
    p->out_start = p->pos;
    p->part_max_record = -1;
    p->skip_reason[0] = '\0';
    xb_buf_reset(&p->field);
    bool encoded = cte[0] && strcasecmp(cte, "7bit") && strcasecmp(cte, "8bit") &&
                   strcasecmp(cte, "binary");
    const char *type = p->ctype[0] ? p->ctype
                     : p->filename[0] ? type_from_filename(p->filename) : NULL;
    if (encoded) {
        p->kind = PART_SKIPPED;
        snprintf(p->skip_reason, sizeof(p->skip_reason), "unsupported_encoding");
        return XB_OK;
    }
    if (!type && !p->filename[0]) {
        p->kind = PART_FIELD;
        return XB_OK;
    }
    p->ops = type ? xb_parser_for_content_type(type) : NULL;
    if (!p->ops || p->ops == &xb_multipart_parser) {
        p->kind = PART_SKIPPED;
        snprintf(p->skip_reason, sizeof(p->skip_reason), "unsupported_type");
        return XB_OK;
    }
    char prefix[600];
    snprintf(prefix, sizeof(prefix), "%s%s#", p->prefix, p->name[0] ? p->name : p->filename);
    xb_parser_params pp;
    memset(&pp, 0, sizeof(pp));
    pp.limits = p->limits;
    pp.sink.ctx = p;
    pp.sink.value = nested_value;
    pp.sink.uninspectable = nested_uninspectable;
    pp.base_offset = p->base + p->pos;
    pp.path_prefix = prefix;
    pp.content_type = type;
    p->nested = p->ops->create(&pp);
    if (!p->nested)
        return fail(p, XB_ERR_NOMEM, "cannot create a parser for a part");
    p->kind = PART_PARSED;
    return XB_OK;
}

/* Deliver buffered body bytes of the current part. */
static xb_status flush_out(xb_parser *p)
{
    if (p->out.len == 0)
        return XB_OK;
    xb_status st = XB_OK;
    if (p->kind == PART_PARSED) {
        st = p->ops->feed(p->nested, (const uint8_t *)p->out.data, p->out.len);
        if (st != XB_OK) {
            char m[280];
            snprintf(m, sizeof(m), "part '%s': %s", p->name, p->ops->error_message(p->nested));
            fail(p, st, m);
        }
    } else if (p->kind == PART_FIELD) {
        size_t max = p->limits && p->limits->max_value_len ? p->limits->max_value_len : 65536;
        size_t room = p->field.len < max ? max - p->field.len : 0;
        st = xb_buf_append(&p->field, p->out.data, p->out.len < room ? p->out.len : room);
    }
    p->out_start += p->out.len;
    xb_buf_reset(&p->out);
    return st;
}

static xb_status end_part(xb_parser *p, size_t part_end)
{
    xb_status st = flush_out(p);
    if (st != XB_OK)
        return st;
    char path[600];
    snprintf(path, sizeof(path), "%s%s", p->prefix, p->name[0] ? p->name : p->filename);
    if (p->kind == PART_PARSED) {
        st = p->ops->finish(p->nested);
        if (st != XB_OK) {
            char m[280];
            snprintf(m, sizeof(m), "part '%s': %s", p->name, p->ops->error_message(p->nested));
            fail(p, st, m);
        }
        p->ops->destroy(p->nested);
        p->nested = NULL;
        if (p->part_max_record >= 0)
            p->record_base += p->part_max_record + 1;
    } else if (p->kind == PART_FIELD && p->field.len > 0) {
        xb_value v;
        memset(&v, 0, sizeof(v));
        v.kind = XB_VALUE_STRING;
        v.syntax = XB_SYNTAX_TEXT;
        v.path = path;
        v.path_len = strlen(path);
        v.field = p->name;
        v.field_len = strlen(p->name);
        v.data = (const uint8_t *)p->field.data;
        v.len = p->field.len;
        v.raw_start = p->base + p->part_start;
        v.raw_end = p->base + p->part_start + p->field.len;
        v.exact = true;
        v.record = XB_RECORD_NONE;
        st = p->sink.value(p->sink.ctx, &v);
    } else if (p->kind == PART_SKIPPED && p->sink.uninspectable) {
        char detail[900];
        snprintf(detail, sizeof(detail), "part '%s' (%s%s%s) is not inspected",
                 p->name, p->ctype[0] ? p->ctype : "no type", p->filename[0] ? ", file " : "",
                 p->filename);
        p->sink.uninspectable(p->sink.ctx, path, p->skip_reason, detail,
                              p->base + p->part_start, p->base + part_end,
                              p->ctype[0] ? p->ctype : NULL,
                              p->filename[0] ? p->filename : NULL);
    }
    return st;
}

static xb_status mp_feed(xb_parser *p, const uint8_t *d, size_t n)
{
    if (p->err != XB_OK)
        return p->err;
    for (size_t i = 0; i < n && p->err == XB_OK; i++) {
        uint8_t c = d[i];
        switch (p->st) {
        case MP_PREAMBLE:
        case MP_BODY:
            if (c == (uint8_t)p->delim[p->match]) {
                if (++p->match == p->delim_len) {
                    size_t part_end = p->pos + i + 1 - p->delim_len;
                    if (p->st == MP_BODY && end_part(p, part_end) != XB_OK)
                        return p->err ? p->err : XB_ERR_MALFORMED;
                    p->match = 0;
                    p->st = MP_AFTER_DELIM;
                }
                break;
            }
            if (p->match > 0) {
                /* the withheld bytes were body data after all */
                if (p->st == MP_BODY &&
                    xb_buf_append(&p->out, p->delim, p->match) != XB_OK)
                    return fail(p, XB_ERR_NOMEM, "out of memory");
                p->match = 0;
                if (c == (uint8_t)p->delim[0]) {
                    p->match = 1;
                    break;
                }
            }
            if (p->st == MP_BODY && xb_buf_append_char(&p->out, (char)c) != XB_OK)
                return fail(p, XB_ERR_NOMEM, "out of memory");
            break;
        case MP_AFTER_DELIM:
            if (c == '-')
                p->st = MP_AFTER_DELIM_DASH;
            else if (c == '\r')
                p->st = MP_AFTER_DELIM_CR;
            else if (c == ' ' || c == '\t')
                ;
            else
                return fail(p, XB_ERR_MALFORMED, "bad delimiter line");
            break;
        case MP_AFTER_DELIM_DASH:
            if (c != '-')
                return fail(p, XB_ERR_MALFORMED, "bad closing delimiter");
            p->st = MP_EPILOGUE;
            break;
        case MP_AFTER_DELIM_CR:
            if (c != '\n')
                return fail(p, XB_ERR_MALFORMED, "bad delimiter line end");
            xb_buf_reset(&p->headers);
            p->st = MP_HEADERS;
            break;
        case MP_HEADERS:
            if (p->headers.len >= MAX_HEADERS)
                return fail(p, XB_ERR_LIMIT, "part headers too long");
            if (xb_buf_append_char(&p->headers, (char)c) != XB_OK)
                return fail(p, XB_ERR_NOMEM, "out of memory");
            if ((p->headers.len == 2 && !memcmp(p->headers.data, "\r\n", 2)) ||
                (p->headers.len >= 4 &&
                 !memcmp(p->headers.data + p->headers.len - 4, "\r\n\r\n", 4))) {
                p->pos += i + 1;
                xb_status st = start_part(p);
                p->pos -= i + 1;
                if (st != XB_OK)
                    return st;
                p->st = MP_BODY;
            }
            break;
        case MP_EPILOGUE:
            break;
        }
    }
    if (p->err == XB_OK && p->st == MP_BODY && flush_out(p) != XB_OK)
        return p->err ? p->err : XB_ERR_MALFORMED;
    p->pos += n;
    return p->err;
}

static xb_status mp_finish(xb_parser *p)
{
    if (p->err != XB_OK)
        return p->err;
    if (p->st != MP_EPILOGUE)
        return fail(p, XB_ERR_MALFORMED, "body ends before the closing boundary");
    return XB_OK;
}

static const char *mp_error(const xb_parser *p)
{
    return p->msg;
}

static void mp_destroy(xb_parser *p)
{
    if (!p)
        return;
    if (p->nested)
        p->ops->destroy(p->nested);
    xb_buf_free(&p->headers);
    xb_buf_free(&p->field);
    xb_buf_free(&p->out);
    free(p->prefix);
    free(p);
}

const xb_parser_ops xb_multipart_parser = {
    "multipart", XB_SYNTAX_NONE, false, mp_create, mp_feed, mp_finish, mp_error, mp_destroy,
};
