/*
 * rp_source.c - reading filed records from Redis (XRANGE/XREVRANGE in
 * pages, HGETALL for heads, the transfers index for one transfer) or from an
 * exported file; see rp_source.h.
 */
#include "rp_source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rp_record.h"

#define PAGE "500"

struct rp_source {
    rp_redis *redis;   /* NULL for a file */
    char *path;        /* the file, or NULL */
    char prefix[128];
    char name[600];
};

rp_source *rp_source_open(const char *redis_url, const char *path, const char *prefix,
                          char *err, size_t err_size)
{
    if ((redis_url == NULL) == (path == NULL)) {
        snprintf(err, err_size, "give either --redis URL or --file FILE");
        return NULL;
    }
    if (!prefix || !*prefix)
        prefix = RP_DEFAULT_PREFIX;
    size_t plen = strlen(prefix);
    if (plen + 2 > sizeof(((rp_source *)0)->prefix)) {
        snprintf(err, err_size, "key prefix too long");
        return NULL;
    }
    rp_source *s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    memcpy(s->prefix, prefix, plen + 1);
    if (prefix[plen - 1] != ':')
        memcpy(s->prefix + plen, ":", 2);
    if (redis_url) {
        s->redis = rp_redis_connect(redis_url, err, err_size);
        if (!s->redis) {
            free(s);
            return NULL;
        }
        snprintf(s->name, sizeof(s->name), "%.400s (keys %.128s*)", redis_url, s->prefix);
    } else {
        s->path = strdup(path);
        if (!s->path) {
            free(s);
            snprintf(err, err_size, "out of memory");
            return NULL;
        }
        snprintf(s->name, sizeof(s->name), "%.590s", path);
    }
    return s;
}

void rp_source_free(rp_source *s)
{
    if (!s)
        return;
    rp_redis_free(s->redis);
    free(s->path);
    free(s);
}

rp_redis *rp_source_redis(rp_source *s)
{
    return s->redis;
}

const char *rp_source_key(const rp_source *s, const char *name, char *buf, size_t size)
{
    snprintf(buf, size, "%s%s", s->prefix, name);
    return buf;
}

const char *rp_source_name(const rp_source *s)
{
    return s->name;
}

/* Value of a field in a flat [field, value, ...] reply array, or "". */
static const char *field(const redisReply *fields, const char *name, size_t *len)
{
    for (size_t i = 0; i + 1 < fields->elements; i += 2) {
        const redisReply *k = fields->element[i], *v = fields->element[i + 1];
        if (k->type == REDIS_REPLY_STRING && v->type == REDIS_REPLY_STRING &&
            !strcmp(k->str, name)) {
            if (len)
                *len = v->len;
            return v->str;
        }
    }
    if (len)
        *len = 0;
    return "";
}

/* Deliver one XRANGE element [id, [f, v, ...]]. */
static int deliver(const redisReply *item, bool records, const rp_visitor *v)
{
    if (item->type != REDIS_REPLY_ARRAY || item->elements != 2 ||
        item->element[0]->type != REDIS_REPLY_STRING)
        return -1;
    const redisReply *fields = item->element[1];
    static const redisReply empty = {.type = REDIS_REPLY_ARRAY};
    if (fields->type != REDIS_REPLY_ARRAY)
        fields = &empty; /* a deleted entry still listed by an old Redis */
    if (records) {
        rp_entry e;
        e.id = item->element[0]->str;
        e.chain = field(fields, "chain", NULL);
        e.seq = field(fields, "seq", NULL);
        e.hash = field(fields, "hash", NULL);
        e.rec = field(fields, "rec", &e.rec_len);
        return v->record ? v->record(v->ctx, &e) : 0;
    }
    rp_checkpoint c;
    c.id = item->element[0]->str;
    c.chain = field(fields, "chain", NULL);
    c.seq = field(fields, "seq", NULL);
    c.hash = field(fields, "hash", NULL);
    c.cp = field(fields, "cp", NULL);
    c.sig = field(fields, "sig", NULL);
    c.key_id = field(fields, "key_id", NULL);
    return v->checkpoint ? v->checkpoint(v->ctx, &c) : 0;
}

/* Page through a stream from start to end (reverse: from end down to
 * start); "(" marks an exclusive bound. */
static int read_stream(rp_source *s, const char *stream, const char *start, const char *end,
                       bool reverse, bool records, const rp_visitor *v, char *err,
                       size_t err_size)
{
    char key[256], from[64], to[64];
    err[0] = '\0';
    rp_source_key(s, stream, key, sizeof(key));
    snprintf(from, sizeof(from), "%s", start && *start ? start : (reverse ? "+" : "-"));
    snprintf(to, sizeof(to), "%s", end && *end ? end : (reverse ? "-" : "+"));
    for (;;) {
        const char *argv[] = {reverse ? "XREVRANGE" : "XRANGE", key, from, to, "COUNT", PAGE};
        redisReply *rep = rp_redis_command(s->redis, err, err_size, 6, argv);
        if (!rep)
            return -1;
        if (rep->type != REDIS_REPLY_ARRAY) {
            snprintf(err, err_size, "%s is not a stream", key);
            freeReplyObject(rep);
            return -1;
        }
        int rc = 0;
        for (size_t i = 0; i < rep->elements && rc == 0; i++) {
            rc = deliver(rep->element[i], records, v);
            if (rc < 0 && !err[0])
                snprintf(err, err_size, "unexpected entry in %s", key);
        }
        size_t n = rep->elements;
        if (n)
            snprintf(from, sizeof(from), "(%s", rep->element[n - 1]->element[0]->str);
        freeReplyObject(rep);
        if (rc != 0)
            return rc < 0 ? -1 : 0;
        if (n < (size_t)atoi(PAGE))
            return 0;
    }
}

int rp_source_checkpoints(rp_source *s, const char *to_id, const rp_visitor *v, char *err,
                          size_t err_size)
{
    if (!s->redis) {
        rp_visitor only = {v->ctx, NULL, v->checkpoint, NULL};
        return rp_export_read(s->path, &only, err, err_size);
    }
    return read_stream(s, "checkpoints", NULL, to_id, false, false, v, err, err_size);
}

/* The id of the last entry of a stream from an XREVRANGE ... COUNT 1 reply. */
static void last_id(const redisReply *rep, char *out, size_t size)
{
    out[0] = '\0';
    if (rep && rep->type == REDIS_REPLY_ARRAY && rep->elements == 1 &&
        rep->element[0]->type == REDIS_REPLY_ARRAY && rep->element[0]->elements == 2 &&
        rep->element[0]->element[0]->type == REDIS_REPLY_STRING)
        snprintf(out, size, "%s", rep->element[0]->element[0]->str);
}

int rp_source_snapshot(rp_source *s, const rp_visitor *v, char *last_record_id,
                       char *last_checkpoint_id, size_t id_size, char *err, size_t err_size)
{
    last_record_id[0] = last_checkpoint_id[0] = '\0';
    if (!s->redis)
        return rp_source_heads(s, v, err, err_size);
    char heads[256], records[256], cps[256];
    rp_source_key(s, "heads", heads, sizeof(heads));
    rp_source_key(s, "records", records, sizeof(records));
    rp_source_key(s, "checkpoints", cps, sizeof(cps));
    const char *multi[] = {"MULTI"};
    const char *c1[] = {"HGETALL", heads};
    const char *c2[] = {"XREVRANGE", records, "+", "-", "COUNT", "1"};
    const char *c3[] = {"XREVRANGE", cps, "+", "-", "COUNT", "1"};
    const char *exec[] = {"EXEC"};
    redisReply *rep = rp_redis_command(s->redis, err, err_size, 1, multi);
    if (!rep)
        return -1;
    freeReplyObject(rep);
    const char **cmds[] = {c1, c2, c3};
    int argcs[] = {2, 6, 6};
    for (int i = 0; i < 3; i++) {
        rep = rp_redis_command(s->redis, err, err_size, argcs[i], cmds[i]);
        if (!rep) {
            const char *discard[] = {"DISCARD"};
            char ignored[64];
            redisReply *d = rp_redis_command(s->redis, ignored, sizeof(ignored), 1, discard);
            if (d)
                freeReplyObject(d);
            return -1;
        }
        freeReplyObject(rep);
    }
    rep = rp_redis_command(s->redis, err, err_size, 1, exec);
    if (!rep)
        return -1;
    int rc = 0;
    if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 3) {
        snprintf(err, err_size, "unexpected reply to MULTI/EXEC");
        rc = -1;
    } else {
        for (int i = 0; i < 3 && rc == 0; i++)
            if (rep->element[i]->type == REDIS_REPLY_ERROR) {
                snprintf(err, err_size, "Redis: %s (is %s a hash and %s a stream?)",
                         rep->element[i]->str, heads, records);
                rc = -1;
            }
    }
    if (rc == 0) {
        const redisReply *h = rep->element[0];
        for (size_t i = 0; rc == 0 && i + 1 < h->elements; i += 2) {
            const redisReply *k = h->element[i], *val = h->element[i + 1];
            if (k->type == REDIS_REPLY_STRING && val->type == REDIS_REPLY_STRING && v->head)
                rc = v->head(v->ctx, k->str, val->str) < 0 ? -1 : 0;
        }
        last_id(rep->element[1], last_record_id, id_size);
        last_id(rep->element[2], last_checkpoint_id, id_size);
    }
    freeReplyObject(rep);
    return rc;
}

/* Counts the heads a file holds, passing them on. */
typedef struct head_count {
    const rp_visitor *outer;
    size_t seen;
} head_count;

static int count_head(void *ctx, const char *chain, const char *value)
{
    head_count *hc = ctx;
    hc->seen++;
    return hc->outer->head ? hc->outer->head(hc->outer->ctx, chain, value) : 0;
}

int rp_source_heads(rp_source *s, const rp_visitor *v, char *err, size_t err_size)
{
    if (!s->redis) {
        head_count hc = {v, 0};
        rp_visitor only = {&hc, NULL, NULL, count_head};
        if (rp_export_read(s->path, &only, err, err_size) < 0)
            return -1;
        return hc.seen ? 0 : 1;
    }
    char key[256];
    rp_source_key(s, "heads", key, sizeof(key));
    const char *argv[] = {"HGETALL", key};
    redisReply *rep = rp_redis_command(s->redis, err, err_size, 2, argv);
    if (!rep)
        return -1;
    int rc = 0;
    if (rep->type != REDIS_REPLY_ARRAY) {
        snprintf(err, err_size, "%s is not a hash", key);
        rc = -1;
    }
    for (size_t i = 0; rc == 0 && i + 1 < rep->elements; i += 2) {
        const redisReply *k = rep->element[i], *val = rep->element[i + 1];
        if (k->type == REDIS_REPLY_STRING && val->type == REDIS_REPLY_STRING && v->head)
            rc = v->head(v->ctx, k->str, val->str);
    }
    freeReplyObject(rep);
    return rc < 0 ? -1 : 0;
}

int rp_source_records(rp_source *s, const char *from_id, const char *to_id,
                      const rp_visitor *v, char *err, size_t err_size)
{
    if (!s->redis) {
        rp_visitor only = {v->ctx, v->record, NULL, NULL};
        return rp_export_read(s->path, &only, err, err_size);
    }
    return read_stream(s, "records", from_id, to_id, false, true, v, err, err_size);
}

int rp_source_records_reverse(rp_source *s, const char *before_id, const rp_visitor *v,
                              char *err, size_t err_size)
{
    if (!s->redis) {
        snprintf(err, err_size, "reading backwards needs Redis");
        return -1;
    }
    char start[64];
    if (before_id)
        snprintf(start, sizeof(start), "(%s", before_id);
    return read_stream(s, "records", before_id ? start : NULL, NULL, true, true, v, err,
                       err_size);
}

/* File lookup of one transfer: parse every record, stop at the match. */
typedef struct find_ctx {
    const char *transfer_id;
    const rp_visitor *outer;
    rp_record_parser *parser;
    bool found;
    int rc;
} find_ctx;

static int find_record(void *ctx, const rp_entry *e)
{
    find_ctx *fc = ctx;
    rp_record r;
    char msg[128];
    if (rp_record_parse(fc->parser, e->rec, e->rec_len, &r, msg, sizeof(msg)) != XB_OK)
        return 0; /* not a readable record: not the one we look for */
    if (strcmp(r.transfer_id, fc->transfer_id))
        return 0;
    fc->found = true;
    fc->rc = fc->outer->record ? fc->outer->record(fc->outer->ctx, e) : 0;
    return 1;
}

int rp_source_transfer(rp_source *s, const char *transfer_id, const rp_visitor *v,
                       char *err, size_t err_size)
{
    if (!s->redis) {
        find_ctx fc = {transfer_id, v, rp_record_parser_new(), false, 0};
        if (!fc.parser) {
            snprintf(err, err_size, "out of memory");
            return -1;
        }
        rp_visitor mine = {&fc, find_record, NULL, NULL};
        int rc = rp_export_read(s->path, &mine, err, err_size);
        rp_record_parser_free(fc.parser);
        if (rc < 0 || fc.rc < 0)
            return -1;
        return fc.found ? 0 : 1;
    }
    char key[256];
    rp_source_key(s, "transfers", key, sizeof(key));
    const char *argv[] = {"HGET", key, transfer_id};
    redisReply *rep = rp_redis_command(s->redis, err, err_size, 3, argv);
    if (!rep)
        return -1;
    if (rep->type != REDIS_REPLY_STRING) {
        freeReplyObject(rep);
        return 1;
    }
    char id[64];
    snprintf(id, sizeof(id), "%s", rep->str);
    freeReplyObject(rep);
    rp_source_key(s, "records", key, sizeof(key));
    const char *xr[] = {"XRANGE", key, id, id};
    rep = rp_redis_command(s->redis, err, err_size, 4, xr);
    if (!rep)
        return -1;
    int rc = 1;
    if (rep->type == REDIS_REPLY_ARRAY && rep->elements == 1) {
        rc = deliver(rep->element[0], true, v);
        rc = rc < 0 ? -1 : 0;
        if (rc < 0 && !err[0])
            snprintf(err, err_size, "unreadable entry %s in %s", id, key);
    } else {
        snprintf(err, err_size, "transfer %s is indexed at stream id %s, which is not in %s",
                 transfer_id, id, key);
        rc = -1;
    }
    freeReplyObject(rep);
    return rc;
}

bool rp_parse_seq(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    if (!s || !*s || (s[0] == '0' && s[1]))
        return false;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        uint64_t d = (uint64_t)(*p - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false; /* does not fit */
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

/* Split "ms-seq"; false when malformed. */
static bool split_id(const char *id, uint64_t *ms, uint64_t *n)
{
    char buf[48];
    const char *dash = strchr(id, '-');
    if (!dash || (size_t)(dash - id) >= sizeof(buf))
        return false;
    memcpy(buf, id, (size_t)(dash - id));
    buf[dash - id] = '\0';
    return rp_parse_seq(buf, ms) && rp_parse_seq(dash + 1, n);
}

bool rp_stream_id_ms(const char *id, int64_t *ms)
{
    uint64_t m, n;
    if (!split_id(id, &m, &n) || m > (uint64_t)INT64_MAX)
        return false;
    *ms = (int64_t)m;
    return true;
}

int rp_stream_id_cmp(const char *a, const char *b)
{
    uint64_t am, an, bm, bn;
    bool ag = split_id(a, &am, &an), bg = split_id(b, &bm, &bn);
    if (!ag || !bg)
        return ag - bg;
    if (am != bm)
        return am < bm ? -1 : 1;
    return an < bn ? -1 : an > bn;
}
