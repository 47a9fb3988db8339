/*
 * xb_form.c - application/x-www-form-urlencoded bodies, streaming.
 *
 * "k=v&k2=v2": '+' stands for a space and %XX for a byte. Every non-empty
 * value is one XB_VALUE_STRING whose path is the decoded key (after the
 * path prefix) and whose field is the key's last name (users[3][idNo] ->
 * idNo, see xb_form_keys.h); the key itself is reported first as an
 * XB_VALUE_KEY (opaque keys can carry identifiers too). Keys with a numeric
 * index belong to a record: one per distinct (array name, index) pair, in
 * order of first appearance; other keys have XB_RECORD_NONE.
 *
 * Spans are the encoded bytes (value after '=', up to '&'). A value whose
 * decoded bytes differ from its raw bytes ('+' or %XX) has raw_offsets; a
 * value that lies inside one chunk and has no '+' or escape is delivered
 * from the chunk (zero copy); others are assembled, and values longer than
 * max_value_len come in segments. Keys longer than max_value_len are
 * XB_ERR_LIMIT. A '%' not followed by two hex digits, or decoded bytes that
 * are not UTF-8, are XB_ERR_MALFORMED with the byte offset.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/xb_buf.h"
#include "xb_form_keys.h"
#include "xb_parser.h"
#include "xb_text_utf8.h"
#include "xb_text_value.h"

/* Bytes that interrupt a run: bit 1 inside a value, bit 2 inside a key. */
#define IN_VALUE 1
#define IN_KEY 2
static const uint8_t special[256] = {
    ['&'] = IN_VALUE | IN_KEY, ['%'] = IN_VALUE | IN_KEY,
    ['+'] = IN_VALUE | IN_KEY, ['='] = IN_KEY,
};

/* Hex digit value plus one; 0 for bytes that are not hex digits. */
static const uint8_t hex_plus1[256] = {
    ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7,
    ['7'] = 8, ['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14,
    ['e'] = 15, ['f'] = 16, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14,
    ['E'] = 15, ['F'] = 16,
};

struct xb_parser {
    xb_sink sink;
    size_t base;          /* base_offset */
    size_t consumed;      /* body bytes fed before the current chunk */
    size_t chunk_abs;     /* absolute offset of the current chunk */
    const uint8_t *chunk;
    const uint8_t *run;   /* start of the bytes not yet handed to an accumulator */

    bool in_value;        /* after the '=' of the current pair */
    uint8_t esc;          /* 0, or hex digits of a %XX still expected (2, 1) */
    uint8_t esc_hi;
    size_t esc_at;        /* absolute offset of the '%' */

    xbt_value key;        /* the decoded key (never segmented) */
    xbt_value val;
    size_t max_len;

    xb_buf path;          /* prefix + decoded key, NUL-terminated */
    size_t prefix_len;
    size_t field_off;     /* field within path */
    size_t field_len;
    int64_t record;       /* record of the current key */
    xbf_records records;

    xb_status status;
    char msg[200];
};

static inline size_t abs_of(const xb_parser *p, const uint8_t *q)
{
    return p->chunk_abs + (size_t)(q - p->chunk);
}

static xb_status fail(xb_parser *p, xb_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static xb_status fail(xb_parser *p, xb_status st, const char *fmt, ...)
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

static xb_status deliver(xb_parser *p, xb_value_kind kind, const uint8_t *data, size_t len,
                         size_t raw_start, size_t raw_end, const size_t *offsets, bool segment)
{
    size_t bad = xbt_utf8_check(data, len, false);
    if (bad < len)
        return fail(p, XB_ERR_MALFORMED, "form: decoded %s is not UTF-8 at byte %zu",
                    kind == XB_VALUE_KEY ? "key" : "value",
                    offsets ? offsets[bad] : raw_start + bad);
    if (!p->sink.value)
        return XB_OK;
    xb_value v;
    v.kind = kind;
    v.syntax = XB_SYNTAX_FORM;
    v.path = p->path.data;
    v.path_len = p->path.len;
    if (kind == XB_VALUE_KEY) {
        v.field = "";
        v.field_len = 0;
    } else {
        v.field = p->path.data + p->field_off;
        v.field_len = p->field_len;
    }
    v.data = data;
    v.len = len;
    v.raw_start = raw_start;
    v.raw_end = raw_end;
    v.raw_offsets = offsets;
    v.exact = true;
    v.record = p->record;
    v.segment = segment;
    xb_status st = p->sink.value(p->sink.ctx, &v);
    if (st != XB_OK)
        return fail(p, st, "form: value sink stopped the parse (%s) at byte %zu",
                    xb_status_name(st), raw_end);
    return XB_OK;
}

static xb_status emit_value(void *ctx, const uint8_t *data, size_t len, size_t raw_start,
                            size_t raw_end, const size_t *offsets, bool segment)
{
    return deliver(ctx, XB_VALUE_STRING, data, len, raw_start, raw_end, offsets, segment);
}

/* The key is complete: it becomes the path, field and record of what
 * follows, and is reported itself. Segments mean the key is too long. */
static xb_status emit_key(void *ctx, const uint8_t *data, size_t len, size_t raw_start,
                          size_t raw_end, const size_t *offsets, bool segment)
{
    xb_parser *p = ctx;
    (void)raw_end;
    if (segment)
        return fail(p, XB_ERR_LIMIT, "form: key longer than %zu bytes at byte %zu",
                    p->max_len, raw_start);
    size_t bad = xbt_utf8_check(data, len, false);
    if (bad < len)
        return fail(p, XB_ERR_MALFORMED, "form: decoded key is not UTF-8 at byte %zu",
                    offsets ? offsets[bad] : raw_start + bad);
    p->path.len = p->prefix_len;
    if (xb_buf_append(&p->path, data, len) != XB_OK || !xb_buf_cstr(&p->path))
        return fail(p, XB_ERR_NOMEM, "form: out of memory");
    xbf_key_info ki;
    xbf_key_analyse(data, len, &ki);
    p->field_off = p->prefix_len + ki.field_off;
    p->field_len = ki.field_len;
    if (ki.has_index) {
        xb_status st = xbf_records_get(&p->records, data, ki.name_len, ki.index, &p->record);
        if (st == XB_ERR_LIMIT)
            return fail(p, st, "form: more than %d records at byte %zu", XBF_MAX_RECORDS,
                        raw_start);
        if (st != XB_OK)
            return fail(p, st, "form: out of memory");
    }
    return deliver(p, XB_VALUE_KEY, data, len, raw_start, raw_end, offsets, false);
}

static xbt_value *current(xb_parser *p)
{
    return p->in_value ? &p->val : &p->key;
}

/* Hand the bytes [run, q) to the current accumulator. */
static xb_status flush_run(xb_parser *p, const uint8_t *q)
{
    size_t n = (size_t)(q - p->run);
    if (n == 0)
        return XB_OK;
    xb_status st;
    if (p->in_value)
        st = xbt_value_copy(&p->val, p->run, n, abs_of(p, p->run), emit_value, p);
    else
        st = xbt_value_copy(&p->key, p->run, n, abs_of(p, p->run), emit_key, p);
    p->run = q;
    return st != XB_OK ? fail(p, st, "form: out of memory") : XB_OK;
}

/* One hex digit of a %XX escape. */
static xb_status escape_digit(xb_parser *p, uint8_t c)
{
    int h = hex_plus1[c] - 1;
    if (h < 0)
        return fail(p, XB_ERR_MALFORMED, "form: invalid percent-escape at byte %zu", p->esc_at);
    if (p->esc == 2) {
        p->esc_hi = (uint8_t)h;
        p->esc = 1;
        return XB_OK;
    }
    p->esc = 0;
    uint8_t b = (uint8_t)(p->esc_hi << 4 | h);
    xb_status st = p->in_value ? xbt_value_put_mapped(&p->val, b, p->esc_at, emit_value, p)
                               : xbt_value_put_mapped(&p->key, b, p->esc_at, emit_key, p);
    return st != XB_OK ? fail(p, st, "form: out of memory") : XB_OK;
}

/* The key ends at q (at '=', '&' or the end of the body). */
static xb_status key_end(xb_parser *p, const uint8_t *q, size_t raw_end)
{
    if (q && flush_run(p, q) != XB_OK)
        return p->status;
    /* an empty key: the value's path is the prefix alone */
    p->path.len = p->prefix_len;
    p->path.data[p->path.len] = '\0';
    p->field_off = p->prefix_len;
    p->field_len = 0;
    p->record = XB_RECORD_NONE;
    xb_status st = xbt_value_end(&p->key, raw_end, emit_key, p);
    return st != XB_OK ? fail(p, st, "form: out of memory") : XB_OK;
}

/* The value ends at q (at '&' or the end of the chunk/body). */
static xb_status value_end(xb_parser *p, const uint8_t *q, size_t raw_end)
{
    xb_status st;
    if (q && xbt_value_empty(&p->val)) {
        /* the whole value is [run, q) of this chunk */
        st = xbt_value_direct(&p->val, p->run, (size_t)(q - p->run), abs_of(p, p->run),
                              emit_value, p);
        p->run = q;
    } else {
        if (q && flush_run(p, q) != XB_OK)
            return p->status;
        st = xbt_value_end(&p->val, raw_end, emit_value, p);
    }
    return st != XB_OK ? fail(p, st, "form: out of memory") : XB_OK;
}

static xb_parser *form_create(const xb_parser_params *pp)
{
    xb_parser *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    xb_limits defaults;
    xb_limits_default(&defaults);
    const xb_limits *lim = pp->limits ? pp->limits : &defaults;
    p->sink = pp->sink;
    p->base = pp->base_offset;
    p->max_len = lim->max_value_len ? lim->max_value_len : defaults.max_value_len;
    xbt_value_init(&p->key, p->max_len);
    xbt_value_init(&p->val, p->max_len);
    p->max_len = p->key.max;
    xbf_records_init(&p->records);
    p->record = XB_RECORD_NONE;
    if (xb_buf_reserve(&p->path, 64) != XB_OK ||
        (pp->path_prefix && xb_buf_append_str(&p->path, pp->path_prefix) != XB_OK)) {
        xb_buf_free(&p->path);
        free(p);
        return NULL;
    }
    p->prefix_len = p->path.len;
    p->path.data[p->path.len] = '\0';
    xbt_value_begin(&p->key, p->base);
    return p;
}

static xb_status form_feed(xb_parser *p, const uint8_t *data, size_t len)
{
    if (p->status != XB_OK)
        return p->status;
    p->chunk = data;
    p->chunk_abs = p->base + p->consumed;
    p->consumed += len;
    const uint8_t *s = data, *end = data + len;
    while (p->esc && s < end)
        if (escape_digit(p, *s++) != XB_OK)
            return p->status;
    p->run = s;
    while (s < end) {
        const uint8_t mask = p->in_value ? IN_VALUE : IN_KEY;
        while (s < end && !(special[*s] & mask))
            s++;
        if (s == end)
            break;
        switch (*s) {
        case '+':
            if (flush_run(p, s) != XB_OK ||
                xbt_value_put_mapped(current(p), ' ', abs_of(p, s),
                                     p->in_value ? emit_value : emit_key, p) != XB_OK)
                return fail(p, XB_ERR_NOMEM, "form: out of memory");
            p->run = ++s;
            break;
        case '%': {
            if (flush_run(p, s) != XB_OK)
                return p->status;
            /* a run of complete escapes (%E5%BC%A0...) in this chunk */
            xbt_value *acc = current(p);
            xbt_emit_fn emit = p->in_value ? emit_value : emit_key;
            while (end - s >= 3 && s[0] == '%' && hex_plus1[s[1]] && hex_plus1[s[2]]) {
                uint8_t b = (uint8_t)((hex_plus1[s[1]] - 1) << 4 | (hex_plus1[s[2]] - 1));
                if (xbt_value_put_mapped(acc, b, abs_of(p, s), emit, p) != XB_OK)
                    return fail(p, XB_ERR_NOMEM, "form: out of memory");
                s += 3;
            }
            if (s < end && *s == '%') {
                /* an escape cut by the end of the chunk, or an invalid one */
                p->esc_at = abs_of(p, s);
                p->esc = 2;
                s++;
                while (p->esc && s < end)
                    if (escape_digit(p, *s++) != XB_OK)
                        return p->status;
            }
            p->run = s;
            break;
        }
        case '=':
            if (key_end(p, s, abs_of(p, s)) != XB_OK)
                return p->status;
            p->in_value = true;
            s++;
            xbt_value_begin(&p->val, abs_of(p, s));
            p->run = s;
            break;
        default: /* '&' */
            if (p->in_value ? value_end(p, s, abs_of(p, s)) : key_end(p, s, abs_of(p, s)))
                return p->status;
            p->in_value = false;
            s++;
            xbt_value_begin(&p->key, abs_of(p, s));
            p->run = s;
            break;
        }
    }
    xb_status st = flush_run(p, end);
    p->chunk = NULL;
    p->run = NULL;
    return st;
}

static xb_status form_finish(xb_parser *p)
{
    if (p->status != XB_OK)
        return p->status;
    size_t end = p->base + p->consumed;
    if (p->esc)
        return fail(p, XB_ERR_MALFORMED, "form: truncated percent-escape at byte %zu", p->esc_at);
    if (p->in_value)
        return value_end(p, NULL, end);
    return key_end(p, NULL, end);
}

static const char *form_error(const xb_parser *p)
{
    return p->msg;
}

static void form_destroy(xb_parser *p)
{
    if (!p)
        return;
    xbt_value_free(&p->key);
    xbt_value_free(&p->val);
    xbf_records_free(&p->records);
    xb_buf_free(&p->path);
    free(p);
}

const xb_parser_ops xb_form_parser = {
    .name = "form",
    .syntax = XB_SYNTAX_FORM,
    .records_by_path = false,
    .create = form_create,
    .feed = form_feed,
    .finish = form_finish,
    .error_message = form_error,
    .destroy = form_destroy,
};
