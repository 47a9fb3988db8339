/*
 * rp_export_read.c - reads the stream entries held in an exported file (the
 * JSON of `xborder report --format json`, or a raw dump with one entry per
 * line) with the streaming JSON parser; see rp_source.h for the formats.
 *
 * The file is fed in 64 KiB chunks in NDJSON mode, which also accepts a
 * single (pretty-printed) object. Entries are recognised by their paths:
 *   /records/N/<field>      a record entry of the report export
 *   /checkpoints/N/<field>  a checkpoint of the report export
 *   /heads/<chain>          a head ("seq hash")
 *   /<field>                a field of a one-entry-per-line dump
 * The fields of one entry are contiguous in document order, so an entry is
 * complete when the next path belongs to another entry.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classifier/core/xb_buf.h"
#include "classifier/parse/xb_parser.h"
#include "rp_source.h"

enum { F_ID, F_CHAIN, F_SEQ, F_HASH, F_REC, F_CP, F_SIG, F_KEY_ID, F_COUNT };
static const char *const field_names[F_COUNT] = {"id", "chain", "seq", "hash",
                                                 "rec", "cp", "sig", "key_id"};

enum group_kind { G_NONE, G_RECORDS, G_CHECKPOINTS, G_LINE };

typedef struct reader {
    const rp_visitor *v;
    enum group_kind kind;
    long long index;
    xb_buf field[F_COUNT];
    bool has[F_COUNT];
    int last_field;        /* field of the previous value (segments) */
    bool last_segment;
    xb_buf head_chain;
    int rc;                /* first non-zero callback result */
    size_t entries;
} reader;

static void clear_group(reader *r)
{
    for (int i = 0; i < F_COUNT; i++) {
        xb_buf_reset(&r->field[i]);
        r->has[i] = false;
    }
    r->last_field = -1;
    r->last_segment = false;
}

static const char *str(reader *r, int f)
{
    return xb_buf_cstr(&r->field[f]);
}

/* Deliver the entry collected so far, if it is one. */
static int flush(reader *r)
{
    int rc = 0;
    if (r->has[F_REC]) {
        if (r->v->record) {
            rp_entry e = {str(r, F_ID), str(r, F_CHAIN), str(r, F_SEQ), str(r, F_HASH),
                          str(r, F_REC), r->field[F_REC].len};
            rc = r->v->record(r->v->ctx, &e);
        }
        r->entries++;
    } else if (r->has[F_CP]) {
        if (r->v->checkpoint) {
            rp_checkpoint c = {str(r, F_ID),  str(r, F_CHAIN), str(r, F_SEQ),   str(r, F_HASH),
                               str(r, F_CP),  str(r, F_SIG),   str(r, F_KEY_ID)};
            rc = r->v->checkpoint(r->v->ctx, &c);
        }
        r->entries++;
    }
    clear_group(r);
    return rc;
}

/* Read a non-negative decimal at p (up to '/'); advances *p. */
static bool read_index(const char **p, const char *end, long long *out)
{
    long long v = 0;
    const char *s = *p;
    if (s >= end || *s < '0' || *s > '9')
        return false;
    while (s < end && *s >= '0' && *s <= '9') {
        v = v * 10 + (*s - '0');
        if (v > (1LL << 50))
            return false;
        s++;
    }
    *p = s;
    *out = v;
    return true;
}

static int field_index(const char *name, size_t n)
{
    for (int i = 0; i < F_COUNT; i++)
        if (strlen(field_names[i]) == n && !memcmp(field_names[i], name, n))
            return i;
    return -1;
}

/* JSON Pointer token unescaping: ~1 -> '/', ~0 -> '~'. */
static xb_status unescape_token(xb_buf *out, const char *s, size_t n)
{
    xb_buf_reset(out);
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '~' && i + 1 < n && (s[i + 1] == '0' || s[i + 1] == '1')) {
            c = s[i + 1] == '0' ? '~' : '/';
            i++;
        }
        if (xb_buf_append_char(out, c) != XB_OK)
            return XB_ERR_NOMEM;
    }
    return XB_OK;
}

static bool prefix(const char **p, const char *end, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(end - *p) < n || memcmp(*p, lit, n))
        return false;
    *p += n;
    return true;
}

static xb_status on_value(void *ctx, const xb_value *val)
{
    reader *r = ctx;
    if (val->kind != XB_VALUE_STRING && val->kind != XB_VALUE_NUMBER)
        return XB_OK;
    const char *p = val->path, *end = val->path + val->path_len;
    enum group_kind kind = G_NONE;
    long long index = 0;
    const char *name = NULL;
    size_t name_len = 0;

    if (prefix(&p, end, "/heads/")) {
        if (val->kind != XB_VALUE_STRING || memchr(p, '/', (size_t)(end - p)))
            return XB_OK;
        if (unescape_token(&r->head_chain, p, (size_t)(end - p)) != XB_OK)
            return XB_ERR_NOMEM;
        if (r->v->head) {
            xb_buf value = XB_BUF_INIT;
            if (xb_buf_append(&value, val->data, val->len) != XB_OK) {
                xb_buf_free(&value);
                return XB_ERR_NOMEM;
            }
            int rc = r->v->head(r->v->ctx, xb_buf_cstr(&r->head_chain), xb_buf_cstr(&value));
            xb_buf_free(&value);
            if (rc) {
                r->rc = rc;
                return XB_ERR_STATE;
            }
        }
        return XB_OK;
    }
    p = val->path;
    if (prefix(&p, end, "/records/"))
        kind = G_RECORDS;
    else if (prefix(&p, end, "/checkpoints/"))
        kind = G_CHECKPOINTS;
    if (kind != G_NONE) {
        if (!read_index(&p, end, &index) || p >= end || *p != '/')
            return XB_OK;
        name = p + 1;
        name_len = (size_t)(end - name);
    } else if (val->record != XB_RECORD_NONE && val->path_len > 1 && val->path[0] == '/' &&
               !memchr(val->path + 1, '/', val->path_len - 1)) {
        kind = G_LINE;
        index = val->record;
        name = val->path + 1;
        name_len = val->path_len - 1;
    } else {
        return XB_OK;
    }
    if (memchr(name, '/', name_len))
        return XB_OK; /* nested deeper: not an entry field */
    if (kind != r->kind || index != r->index) {
        int rc = flush(r);
        if (rc) {
            r->rc = rc;
            return XB_ERR_STATE;
        }
        r->kind = kind;
        r->index = index;
    }
    int f = field_index(name, name_len);
    if (f < 0)
        return XB_OK;
    bool continuation = r->last_field == f && r->last_segment;
    if (!continuation)
        xb_buf_reset(&r->field[f]);
    if (xb_buf_append(&r->field[f], val->data, val->len) != XB_OK)
        return XB_ERR_NOMEM;
    r->has[f] = true;
    r->last_field = f;
    r->last_segment = val->segment;
    return XB_OK;
}

int rp_export_read(const char *path, const rp_visitor *v, char *err, size_t err_size)
{
    err[0] = '\0';
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, err_size, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    reader r;
    memset(&r, 0, sizeof(r));
    r.v = v;
    r.last_field = -1;
    xb_limits lim;
    xb_limits_default(&lim);
    lim.max_depth = 16;
    xb_parser_params params = {&lim, {&r, on_value, NULL}, 0, NULL, "application/x-ndjson"};
    xb_parser *p = xb_json_parser.create(&params);
    int rc = 0;
    if (!p) {
        snprintf(err, err_size, "out of memory");
        fclose(f);
        return -1;
    }
    static const size_t chunk = 65536;
    uint8_t *buf = malloc(chunk);
    xb_status st = buf ? XB_OK : XB_ERR_NOMEM;
    while (st == XB_OK) {
        size_t n = fread(buf, 1, chunk, f);
        if (n == 0)
            break;
        st = xb_json_parser.feed(p, buf, n);
    }
    if (st == XB_OK && ferror(f)) {
        snprintf(err, err_size, "read error on %s", path);
        rc = -1;
    } else if (st == XB_OK) {
        st = xb_json_parser.finish(p);
    }
    if (rc == 0 && st == XB_ERR_STATE && r.rc) {
        rc = r.rc < 0 ? -1 : 0; /* stopped by a callback */
        if (rc < 0 && !err[0])
            snprintf(err, err_size, "reading %s stopped", path);
    } else if (rc == 0 && st != XB_OK) {
        snprintf(err, err_size, "%s: %s", path,
                 st == XB_ERR_NOMEM ? "out of memory" : xb_json_parser.error_message(p));
        rc = -1;
    } else if (rc == 0) {
        int frc = flush(&r);
        rc = frc < 0 ? -1 : 0;
    }
    if (rc == 0 && r.entries == 0 && !r.head_chain.len && st == XB_OK) {
        snprintf(err, err_size, "%s holds no filed records or checkpoints", path);
        rc = -1;
    }
    free(buf);
    xb_json_parser.destroy(p);
    fclose(f);
    for (int i = 0; i < F_COUNT; i++)
        xb_buf_free(&r.field[i]);
    xb_buf_free(&r.head_chain);
    return rc;
}
