/* xb_buf.c - growable byte buffer; see xb_buf.h. */
#include "xb_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

xb_status xb_buf_reserve(xb_buf *b, size_t extra)
{
    if (b->cap - b->len > extra)
        return XB_OK;
    size_t need = b->len + extra + 1;
    if (need < b->len)
        return XB_ERR_NOMEM;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) {
        if (cap > SIZE_MAX / 2)
            return XB_ERR_NOMEM;
        cap *= 2;
    }
    char *p = realloc(b->data, cap);
    if (!p)
        return XB_ERR_NOMEM;
    b->data = p;
    b->cap = cap;
    return XB_OK;
}

xb_status xb_buf_append(xb_buf *b, const void *p, size_t n)
{
    if (n == 0)
        return XB_OK;
    xb_status st = xb_buf_reserve(b, n);
    if (st != XB_OK)
        return st;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return XB_OK;
}

xb_status xb_buf_append_str(xb_buf *b, const char *s)
{
    return xb_buf_append(b, s, strlen(s));
}

xb_status xb_buf_append_char(xb_buf *b, char c)
{
    xb_status st = xb_buf_reserve(b, 1);
    if (st != XB_OK)
        return st;
    b->data[b->len++] = c;
    return XB_OK;
}

xb_status xb_buf_printf(xb_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        va_end(ap2);
        return XB_ERR_INVALID;
    }
    xb_status st = xb_buf_reserve(b, (size_t)n);
    if (st != XB_OK) {
        va_end(ap2);
        return st;
    }
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    b->len += (size_t)n;
    return XB_OK;
}

xb_status xb_buf_append_json_escaped(xb_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    xb_status st = xb_buf_reserve(b, n + 2);
    if (st != XB_OK)
        return st;
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        if ((st = xb_buf_append(b, s + run, i - run)) != XB_OK)
            return st;
        run = i + 1;
        char esc[7] = {'\\', 0, 0, 0, 0, 0, 0};
        size_t elen = 2;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        default:
            esc[1] = 'u'; esc[2] = '0'; esc[3] = '0';
            esc[4] = hex[c >> 4]; esc[5] = hex[c & 15];
            elen = 6;
        }
        if ((st = xb_buf_append(b, esc, elen)) != XB_OK)
            return st;
    }
    return xb_buf_append(b, s + run, n - run);
}

const char *xb_buf_cstr(xb_buf *b)
{
    if (xb_buf_reserve(b, 0) != XB_OK)
        return "";
    b->data[b->len] = '\0';
    return b->data;
}

void xb_buf_reset(xb_buf *b)
{
    b->len = 0;
}

void xb_buf_free(xb_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

char *xb_buf_take(xb_buf *b)
{
    if (xb_buf_reserve(b, 0) != XB_OK)
        return NULL;
    b->data[b->len] = '\0';
    char *p = b->data;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}
