/*
 * xb_form.c - application/x-www-form-urlencoded bodies, streaming.
 *
 * "k=v&k2=v2": '+' is a space and %XX a byte; the decoded key is the path and
 * the field (the last bracketed name for PHP-style keys: users[3][idNo] has
 * field idNo). Keys carrying a numeric index (users[3][idNo], users.3.idNo)
 * belong to a record: one record per distinct (array name, index) pair, in
 * order of first appearance. Decoded bytes must be valid UTF-8. Memory: one
 * key and one value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/xb_buf.h"
#include "xb_parser.h"

#define MAX_RECORD_KEYS 4096

struct xb_parser {
    xb_sink sink;
    size_t base;
    char *prefix;
    size_t max_len;
    bool in_value;
    int pct;            /* 0: no escape, 1: after '%', 2: after one hex digit */
    uint8_t pct_val;
    size_t pct_at;
    xb_buf key;
    xb_buf val;
    size_t *offs;
    size_t offs_cap;
    bool decoded;       /* value bytes differ from raw bytes */
    size_t val_start, val_end;
    size_t pos;
    char **record_keys; /* "name[index]" seen, in order */
    size_t n_record_keys;
    xb_buf path;
    xb_status err;
    char msg[200];
};

static xb_parser *form_create(const xb_parser_params *pp)
{
    xb_parser *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->sink = pp->sink;
    p->base = pp->base_offset;
    p->prefix = strdup(pp->path_prefix ? pp->path_prefix : "");
    p->max_len = pp->limits && pp->limits->max_value_len ? pp->limits->max_value_len : 65536;
    if (!p->prefix) {
        free(p);
        return NULL;
    }
    return p;
}

static xb_status fail(xb_parser *p, xb_status st, const char *what, size_t at)
{
    snprintf(p->msg, sizeof(p->msg), "form: %s at byte %zu", what, p->base + at);
    return p->err = st;
}

static bool utf8_valid(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint8_t c = s[i];
        size_t k = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
                 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        if (!k || i + k > n)
            return false;
        for (size_t j = 1; j < k; j++)
            if ((s[i + j] & 0xC0) != 0x80)
                return false;
        i += k;
    }
    return true;
}

/* users[3][idNo] -> field idNo, record key "users[3]" */
static void analyse_key(const char *k, size_t n, const char **field, size_t *field_len,
                        char *rec, size_t rec_size)
{
    *field = k;
    *field_len = n;
    rec[0] = '\0';
    const char *last_open = NULL;
    for (size_t i = 0; i < n; i++)
        if (k[i] == '[')
            last_open = k + i;
    if (last_open && n > 0 && k[n - 1] == ']' && (size_t)(last_open - k) + 2 < n + 1) {
        *field = last_open + 1;
        *field_len = (size_t)(k + n - 1 - *field);
    } else {
        const char *dot = memrchr(k, '.', n);
        if (dot) {
            *field = dot + 1;
            *field_len = (size_t)(k + n - *field);
        }
    }
    /* first numeric index: "[3]" or ".3." */
    for (size_t i = 0; i < n; i++) {
        if (k[i] != '[' && k[i] != '.')
            continue;
        size_t j = i + 1;
        while (j < n && k[j] >= '0' && k[j] <= '9')
            j++;
        if (j > i + 1 && (j == n || k[j] == ']' || k[j] == '.')) {
            snprintf(rec, rec_size, "%.*s", (int)(j - 0), k);
            return;
        }
    }
}

static int64_t record_of(xb_parser *p, const char *rec)
{
    if (!rec[0])
        return XB_RECORD_NONE;
    for (size_t i = 0; i < p->n_record_keys; i++)
        if (!strcmp(p->record_keys[i], rec))
            return (int64_t)i;
    if (p->n_record_keys >= MAX_RECORD_KEYS)
        return XB_RECORD_NONE;
    char **r = realloc(p->record_keys, (p->n_record_keys + 1) * sizeof(*r));
    if (!r)
        return XB_RECORD_NONE;
    p->record_keys = r;
    r[p->n_record_keys] = strdup(rec);
    if (!r[p->n_record_keys])
        return XB_RECORD_NONE;
    return (int64_t)p->n_record_keys++;
}

static xb_status end_pair(xb_parser *p, size_t at)
{
    if (p->pct)
        return fail(p, XB_ERR_MALFORMED, "truncated %-escape", p->pct_at);
    xb_status st = XB_OK;
    if (p->key.len > 0 || p->val.len > 0) {
        if (!utf8_valid((const uint8_t *)p->key.data, p->key.len) ||
            !utf8_valid((const uint8_t *)p->val.data, p->val.len))
            return fail(p, XB_ERR_MALFORMED, "decoded text is not UTF-8", at);
    }
    if (p->val.len > 0) {
        const char *field;
        size_t field_len;
        char rec[256];
        analyse_key(p->key.data ? p->key.data : "", p->key.len, &field, &field_len, rec,
                    sizeof(rec));
        xb_buf_reset(&p->path);
        if (xb_buf_append_str(&p->path, p->prefix) ||
            xb_buf_append(&p->path, p->key.data, p->key.len) || !xb_buf_cstr(&p->path))
            return XB_ERR_NOMEM;
        p->offs[p->val.len] = p->base + p->val_end;
        xb_value v;
        memset(&v, 0, sizeof(v));
        v.kind = XB_VALUE_STRING;
        v.syntax = XB_SYNTAX_FORM;
        v.path = p->path.data;
        v.path_len = p->path.len;
        v.field = field;
        v.field_len = field_len;
        v.data = (const uint8_t *)p->val.data;
        v.len = p->val.len;
        v.raw_start = p->base + p->val_start;
        v.raw_end = p->base + p->val_end;
        v.raw_offsets = p->decoded ? p->offs : NULL;
        v.exact = true;
        v.record = record_of(p, rec);
        v.segment = p->val.len >= p->max_len;
        st = p->sink.value(p->sink.ctx, &v);
    }
    xb_buf_reset(&p->key);
    xb_buf_reset(&p->val);
    p->in_value = false;
    p->decoded = false;
    return st;
}

static xb_status put(xb_parser *p, uint8_t c, size_t raw)
{
    xb_buf *b = p->in_value ? &p->val : &p->key;
    if (b->len >= p->max_len)
        return XB_OK;
    if (p->in_value) {
        if (p->val.len + 1 >= p->offs_cap) {
            size_t cap = p->offs_cap ? p->offs_cap * 2 : 256;
            size_t *o = realloc(p->offs, cap * sizeof(*o));
            if (!o)
                return XB_ERR_NOMEM;
            p->offs = o;
            p->offs_cap = cap;
        }
        p->offs[p->val.len] = p->base + raw;
    }
    return xb_buf_append_char(b, (char)c);
}

static int hexval(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static xb_status form_feed(xb_parser *p, const uint8_t *d, size_t n)
{
    if (p->err != XB_OK)
        return p->err;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = d[i];
        size_t at = p->pos + i;
        xb_status st = XB_OK;
        if (p->pct) {
            int h = hexval(c);
            if (h < 0)
                return fail(p, XB_ERR_MALFORMED, "invalid %-escape", p->pct_at);
            if (p->pct == 1) {
                p->pct_val = (uint8_t)(h << 4);
                p->pct = 2;
            } else {
                p->pct = 0;
                st = put(p, p->pct_val | (uint8_t)h, p->pct_at);
                if (p->in_value)
                    p->val_end = at + 1;
            }
        } else if (c == '&' || c == ';') {
            st = end_pair(p, at);
        } else if (c == '=' && !p->in_value) {
            p->in_value = true;
            p->val_start = p->val_end = at + 1;
        } else if (c == '%') {
            p->pct = 1;
            p->pct_at = at;
            if (p->in_value)
                p->decoded = true;
        } else if (c == '\r' || c == '\n') {
            /* line breaks some clients append are ignored */
        } else {
            if (c == '+' && p->in_value)
                p->decoded = true;
            st = put(p, c == '+' ? ' ' : c, at);
            if (p->in_value)
                p->val_end = at + 1;
        }
        if (st != XB_OK) {
            if (p->err == XB_OK)
                p->err = st;
            return st;
        }
    }
    p->pos += n;
    return XB_OK;
}

static xb_status form_finish(xb_parser *p)
{
    if (p->err != XB_OK)
        return p->err;
    xb_status st = end_pair(p, p->pos);
    if (st != XB_OK && p->err == XB_OK)
        p->err = st;
    return st;
}

static const char *form_error(const xb_parser *p)
{
    return p->msg;
}

static void form_destroy(xb_parser *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_record_keys; i++)
        free(p->record_keys[i]);
    free(p->record_keys);
    free(p->offs);
    xb_buf_free(&p->key);
    xb_buf_free(&p->val);
    xb_buf_free(&p->path);
    free(p->prefix);
    free(p);
}

const xb_parser_ops xb_form_parser = {
    "form", XB_SYNTAX_FORM, false, form_create, form_feed, form_finish, form_error, form_destroy,
};
