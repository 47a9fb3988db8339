/*
 * xb_record_encode.c - canonical JSON encoding of transfer records; see
 * xb_record.h for the rules.
 *
 * Objects are assembled as (key, encoded value) members and sorted before
 * they are written, so the canonical key order holds by construction rather
 * than by the order of the code below.
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xb_record.h"

const char xb_record_genesis[XB_HASH_HEX] =
    "0000000000000000000000000000000000000000000000000000000000000000";

typedef struct member {
    const char *key;
    char *value; /* encoded JSON text, owned */
} member;

typedef struct object {
    member *m;
    size_t n, cap;
    bool failed;
} object;

static void obj_put_raw(object *o, const char *key, char *encoded)
{
    if (!encoded) {
        o->failed = true;
        return;
    }
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 16;
        member *p = realloc(o->m, cap * sizeof(*p));
        if (!p) {
            free(encoded);
            o->failed = true;
            return;
        }
        o->m = p;
        o->cap = cap;
    }
    o->m[o->n].key = key;
    o->m[o->n].value = encoded;
    o->n++;
}

static char *enc_string(const char *s)
{
    xb_buf b = XB_BUF_INIT;
    if (xb_buf_append_char(&b, '"') || xb_buf_append_json_escaped(&b, s, strlen(s)) ||
        xb_buf_append_char(&b, '"')) {
        xb_buf_free(&b);
        return NULL;
    }
    return xb_buf_take(&b);
}

static void obj_str(object *o, const char *key, const char *s)
{
    if (s && *s)
        obj_put_raw(o, key, enc_string(s));
}

static void obj_u64(object *o, const char *key, uint64_t v)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
    obj_put_raw(o, key, strdup(buf));
}

static void obj_bool(object *o, const char *key, bool v)
{
    obj_put_raw(o, key, strdup(v ? "true" : "false"));
}

static int cmp_member(const void *a, const void *b)
{
    return strcmp(((const member *)a)->key, ((const member *)b)->key);
}

/* Serialise and free the object; returns the encoded text or NULL. */
static char *obj_finish(object *o)
{
    char *out = NULL;
    if (!o->failed) {
        if (o->n > 1)
            qsort(o->m, o->n, sizeof(member), cmp_member);
        xb_buf b = XB_BUF_INIT;
        bool ok = xb_buf_append_char(&b, '{') == XB_OK;
        for (size_t i = 0; i < o->n && ok; i++) {
            ok = (i == 0 || xb_buf_append_char(&b, ',') == XB_OK) &&
                 xb_buf_append_char(&b, '"') == XB_OK &&
                 xb_buf_append_json_escaped(&b, o->m[i].key, strlen(o->m[i].key)) == XB_OK &&
                 xb_buf_append_str(&b, "\":") == XB_OK &&
                 xb_buf_append_str(&b, o->m[i].value) == XB_OK;
        }
        ok = ok && xb_buf_append_char(&b, '}') == XB_OK;
        out = ok ? xb_buf_take(&b) : NULL;
        if (!ok)
            xb_buf_free(&b);
    }
    for (size_t i = 0; i < o->n; i++)
        free(o->m[i].value);
    free(o->m);
    memset(o, 0, sizeof(*o));
    return out;
}

/* JSON array of already-encoded items (consumed). */
static char *enc_array(char **items, size_t n)
{
    xb_buf b = XB_BUF_INIT;
    bool ok = xb_buf_append_char(&b, '[') == XB_OK;
    for (size_t i = 0; i < n; i++) {
        ok = ok && items[i] && (i == 0 || xb_buf_append_char(&b, ',') == XB_OK) &&
             xb_buf_append_str(&b, items[i]) == XB_OK;
        free(items[i]);
    }
    ok = ok && xb_buf_append_char(&b, ']') == XB_OK;
    if (!ok) {
        xb_buf_free(&b);
        return NULL;
    }
    return xb_buf_take(&b);
}

void xb_format_time_cst(int64_t ms, char out[32])
{
    time_t secs = (time_t)(ms / 1000) + 8 * 3600;
    struct tm tm;
    gmtime_r(&secs, &tm);
    size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    unsigned frac = (unsigned)(((ms % 1000) + 1000) % 1000);
    snprintf(out + n, 32 - n, ".%03u+08:00", frac % 1000u);
}

static char *enc_categories(const xb_transfer_record *r)
{
    char **items = calloc(r->n_categories + 1, sizeof(char *));
    if (!items)
        return NULL;
    for (size_t i = 0; i < r->n_categories; i++) {
        const xb_record_category *c = &r->categories[i];
        object o = {0};
        obj_str(&o, "category", c->category);
        obj_str(&o, "level", c->level);
        obj_u64(&o, "count", c->count);
        char **paths = calloc(c->n_paths + 1, sizeof(char *));
        if (!paths) {
            o.failed = true;
        } else {
            for (size_t k = 0; k < c->n_paths; k++)
                paths[k] = enc_string(c->paths[k]);
            obj_put_raw(&o, "paths", enc_array(paths, c->n_paths));
            free(paths);
        }
        items[i] = obj_finish(&o);
    }
    char *out = enc_array(items, r->n_categories);
    free(items);
    return out;
}

static char *enc_reasons(const xb_transfer_record *r)
{
    char **items = calloc(r->n_reasons + 1, sizeof(char *));
    if (!items)
        return NULL;
    for (size_t i = 0; i < r->n_reasons; i++) {
        const xb_record_reason *x = &r->reasons[i];
        object o = {0};
        obj_str(&o, "entry", x->entry);
        obj_str(&o, "category", x->category);
        obj_str(&o, "path", x->path);
        obj_str(&o, "article", x->article);
        obj_str(&o, "mechanism", x->mechanism);
        items[i] = obj_finish(&o);
    }
    char *out = enc_array(items, r->n_reasons);
    free(items);
    return out;
}

xb_status xb_record_encode(const xb_transfer_record *r, xb_buf *out)
{
    object top = {0}, o = {0};
    char ts[32];

    obj_u64(&top, "v", 1);
    obj_str(&top, "transfer_id", r->transfer_id);
    obj_str(&top, "node", r->node);
    obj_str(&top, "chain", r->chain);
    obj_u64(&top, "seq", r->seq);
    obj_str(&top, "prev_hash", r->prev_hash);
    xb_format_time_cst(r->ts_start_ms, ts);
    obj_str(&top, "ts_start", ts);
    xb_format_time_cst(r->ts_end_ms, ts);
    obj_str(&top, "ts_end", ts);
    obj_str(&top, "direction", r->direction);
    obj_str(&top, "scenario", r->scenario);

    obj_str(&o, "id", r->exporter_id);
    obj_str(&o, "uscc", r->exporter_uscc);
    obj_str(&o, "name", r->exporter_name);
    obj_bool(&o, "ciio", r->exporter_ciio);
    obj_str(&o, "ftz", r->exporter_ftz);
    obj_str(&o, "ftz_list_version", r->exporter_ftz_list_version);
    obj_put_raw(&top, "exporter", obj_finish(&o));

    obj_str(&o, "id", r->recipient_id);
    obj_str(&o, "name", r->recipient_name);
    obj_str(&o, "country", r->recipient_country);
    obj_str(&o, "role", r->recipient_role);
    obj_put_raw(&top, "recipient", obj_finish(&o));

    obj_str(&o, "country", r->dest_country && *r->dest_country ? r->dest_country : "unknown");
    obj_str(&o, "host", r->dest_host);
    obj_str(&o, "uri", r->dest_uri);
    obj_str(&o, "method", r->method);
    obj_put_raw(&top, "destination", obj_finish(&o));

    obj_str(&o, "type", r->content_type);
    obj_str(&o, "encoding", r->content_encoding);
    obj_u64(&o, "bytes_original", r->bytes_original);
    obj_u64(&o, "bytes_sent", r->bytes_sent);
    obj_u64(&o, "records", r->records);
    obj_str(&o, "sha256_original", r->sha256_original);
    obj_str(&o, "sha256_sent", r->sha256_sent);
    obj_str(&o, "inspection", r->inspection);
    obj_str(&o, "inspection_error", r->inspection_error);
    obj_put_raw(&top, "content", obj_finish(&o));

    obj_put_raw(&top, "findings", enc_categories(r));

    obj_u64(&o, "general", r->subjects_general);
    obj_u64(&o, "sensitive", r->subjects_sensitive);
    obj_put_raw(&top, "subjects", obj_finish(&o));
    obj_u64(&o, "general_ytd", r->ytd_general);
    obj_u64(&o, "sensitive_ytd", r->ytd_sensitive);
    obj_u64(&o, "year", (uint64_t)r->year);
    obj_put_raw(&top, "counters", obj_finish(&o));

    obj_str(&o, "route", r->route);
    obj_str(&o, "exempt_article", r->exempt_article);
    obj_str(&o, "rule", r->rule);
    obj_str(&o, "outcome", r->outcome);
    obj_str(&o, "enforced", r->enforced);
    obj_str(&o, "mode", r->mode);
    obj_put_raw(&o, "reasons", enc_reasons(r));
    obj_str(&o, "mechanism_type", r->mechanism_type);
    obj_str(&o, "mechanism_ref", r->mechanism_ref);
    obj_put_raw(&top, "decision", obj_finish(&o));

    if (r->watermark_id && *r->watermark_id) {
        obj_str(&o, "id", r->watermark_id);
        obj_str(&o, "key_id", r->watermark_key_id);
        obj_str(&o, "scheme", "zw-hmac-sha256-v1");
        obj_put_raw(&top, "watermark", obj_finish(&o));
    }

    obj_str(&o, "catalogs", r->catalog_version);
    obj_str(&o, "policy", r->policy_version);
    obj_str(&o, "engine", r->engine_version);
    obj_put_raw(&top, "versions", obj_finish(&o));

    char *text = obj_finish(&top);
    if (!text)
        return XB_ERR_NOMEM;
    xb_status st = xb_buf_append_str(out, text);
    free(text);
    return st;
}

void xb_sha256_hex(const void *data, size_t n, char out[XB_HASH_HEX])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[32];
    unsigned int len = 0;
    EVP_Digest(data, n, md, &len, EVP_sha256(), NULL);
    for (size_t i = 0; i < 32; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[64] = '\0';
}
