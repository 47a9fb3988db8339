/*
 * xb_encode.c - re-encode decoded replacement text for the syntax of the
 * value it is written into (JSON string, XML text or attribute, form value,
 * CSV cell, plain text). The rules are documented in xb_rewrite.h.
 */
#include <string.h>

#include "xb_rewrite.h"

/* RFC 8259 number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool is_json_number(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && s[i] == '-')
        i++;
    if (i >= n)
        return false;
    if (s[i] == '0') {
        i++;
    } else if (s[i] >= '1' && s[i] <= '9') {
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
    } else {
        return false;
    }
    if (i < n && s[i] == '.') {
        size_t d = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == d)
            return false;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t d = i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == d)
            return false;
    }
    return i == n;
}

static xb_status encode_json(const xb_encode_ctx *ctx, const char *s, size_t n,
                             xb_buf *out)
{
    if (ctx->quoted)
        return xb_buf_append_json_escaped(out, s, n);
    /* A bare token (number) is only ever replaced whole: the validity of a
     * partial replacement would depend on the digits around it. */
    if (!ctx->whole)
        return XB_ERR_INVALID;
    if (is_json_number(s, n))
        return xb_buf_append(out, s, n);
    xb_status st = xb_buf_append_char(out, '"');
    if (st == XB_OK)
        st = xb_buf_append_json_escaped(out, s, n);
    if (st == XB_OK)
        st = xb_buf_append_char(out, '"');
    return st;
}

static xb_status encode_xml(const xb_encode_ctx *ctx, const char *s, size_t n,
                            xb_buf *out)
{
    if (ctx->cdata) {
        if (memmem(s, n, "]]>", 3))
            return XB_ERR_INVALID;
        return xb_buf_append(out, s, n);
    }
    size_t run = 0;
    xb_status st = XB_OK;
    for (size_t i = 0; i < n && st == XB_OK; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *rep;
        switch (c) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&apos;"; break;
        case '\t': rep = "&#9;"; break;
        case '\n': rep = "&#10;"; break;
        case '\r': rep = "&#13;"; break;
        default:
            if (c < 0x20)
                return XB_ERR_INVALID; /* not an XML 1.0 character */
            continue;
        }
        st = xb_buf_append(out, s + run, i - run);
        if (st == XB_OK)
            st = xb_buf_append_str(out, rep);
        run = i + 1;
    }
    if (st == XB_OK)
        st = xb_buf_append(out, s + run, n - run);
    return st;
}

static xb_status encode_form(const char *s, size_t n, xb_buf *out)
{
    static const char hex[] = "0123456789ABCDEF";
    xb_status st = xb_buf_reserve(out, n);
    for (size_t i = 0; i < n && st == XB_OK; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
            (c >= '0' && c <= '9') || c == '*' || c == '-' || c == '.' || c == '_') {
            st = xb_buf_append_char(out, (char)c);
        } else if (c == ' ') {
            st = xb_buf_append_char(out, '+');
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            st = xb_buf_append(out, e, 3);
        }
    }
    return st;
}

static xb_status append_doubling_quotes(const char *s, size_t n, xb_buf *out)
{
    size_t run = 0;
    xb_status st = XB_OK;
    for (size_t i = 0; i < n && st == XB_OK; i++) {
        if (s[i] != '"')
            continue;
        st = xb_buf_append(out, s + run, i + 1 - run); /* includes the quote */
        if (st == XB_OK)
            st = xb_buf_append_char(out, '"');
        run = i + 1;
    }
    if (st == XB_OK)
        st = xb_buf_append(out, s + run, n - run);
    return st;
}

static xb_status encode_csv(const xb_encode_ctx *ctx, const char *s, size_t n,
                            xb_buf *out)
{
    if (ctx->quoted)
        return append_doubling_quotes(s, n, out);
    bool special = false;
    for (size_t i = 0; i < n && !special; i++)
        special = s[i] == '"' || s[i] == ',' || s[i] == '\r' || s[i] == '\n';
    if (!special)
        return xb_buf_append(out, s, n);
    if (!ctx->whole)
        return XB_ERR_INVALID;
    xb_status st = xb_buf_append_char(out, '"');
    if (st == XB_OK)
        st = append_doubling_quotes(s, n, out);
    if (st == XB_OK)
        st = xb_buf_append_char(out, '"');
    return st;
}

xb_status xb_encode_for_syntax(xb_syntax syntax, const xb_encode_ctx *ctx,
                               const char *text, size_t len, xb_buf *out)
{
    xb_encode_ctx defaults = {syntax == XB_SYNTAX_JSON, false, false};
    if (!ctx)
        ctx = &defaults;
    size_t mark = out->len;
    xb_status st;
    switch (syntax) {
    case XB_SYNTAX_JSON: st = encode_json(ctx, text, len, out); break;
    case XB_SYNTAX_XML: st = encode_xml(ctx, text, len, out); break;
    case XB_SYNTAX_FORM: st = encode_form(text, len, out); break;
    case XB_SYNTAX_CSV: st = encode_csv(ctx, text, len, out); break;
    case XB_SYNTAX_TEXT: st = xb_buf_append(out, text, len); break;
    case XB_SYNTAX_NONE:
    default: st = XB_ERR_INVALID; break;
    }
    if (st != XB_OK)
        out->len = mark;
    return st;
}
