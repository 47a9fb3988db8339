/*
 * xb_parse_recorder.h - test helpers for the form, multipart, CSV and text
 * parser tests: a sink that records every event (copies of paths, fields,
 * data, raw offsets; whether the data pointed into the chunk being fed), a
 * driver that feeds a body in chunks cut at given positions (each chunk in
 * its own exact-size heap block, so ASan catches reads past a chunk), and a
 * canonical rendering of the events so that two chunkings can be compared.
 */
#ifndef XB_PARSE_RECORDER_H
#define XB_PARSE_RECORDER_H

#include "xb_test.h"

#include "classifier/core/xb_buf.h"
#include "classifier/parse/xb_parser.h"

typedef struct rec_event {
    xb_value_kind kind;
    xb_syntax syntax;
    char *path;
    char *field;
    char *data; /* NUL-terminated copy */
    size_t len;
    size_t raw_start, raw_end;
    size_t *offsets; /* copy of raw_offsets (len + 1), NULL when none */
    int64_t record;
    bool segment;
    bool exact;
    bool zero_copy; /* data pointed into the chunk being fed */
} rec_event;

typedef struct rec_uninspectable {
    char *path, *reason, *detail, *content_type, *filename;
    size_t raw_start, raw_end;
} rec_uninspectable;

typedef struct recorder {
    rec_event *evs;
    size_t n, cap;
    rec_uninspectable *un;
    size_t n_un, cap_un;
    const uint8_t *chunk; /* chunk being fed */
    size_t chunk_len;
    size_t fail_at; /* return fail_status at this event (1-based) */
    xb_status fail_status;
} recorder;

static inline char *rec_dup(const void *p, size_t n)
{
    char *s = malloc(n + 1);
    assert_non_null(s);
    if (n)
        memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

static inline char *rec_dup_str(const char *s)
{
    return s ? rec_dup(s, strlen(s)) : NULL;
}

static xb_status rec_value(void *ctx, const xb_value *v)
{
    recorder *r = ctx;
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 64;
        r->evs = realloc(r->evs, r->cap * sizeof(*r->evs));
        assert_non_null(r->evs);
    }
    rec_event *e = &r->evs[r->n++];
    e->kind = v->kind;
    e->syntax = v->syntax;
    e->path = rec_dup(v->path, v->path_len);
    e->field = rec_dup(v->field, v->field_len);
    e->data = rec_dup(v->data, v->len);
    e->len = v->len;
    e->raw_start = v->raw_start;
    e->raw_end = v->raw_end;
    e->offsets = NULL;
    if (v->raw_offsets) {
        e->offsets = malloc((v->len + 1) * sizeof(size_t));
        assert_non_null(e->offsets);
        memcpy(e->offsets, v->raw_offsets, (v->len + 1) * sizeof(size_t));
    }
    e->record = v->record;
    e->segment = v->segment;
    e->exact = v->exact;
    e->zero_copy = v->len > 0 && r->chunk && v->data >= r->chunk &&
                   v->data + v->len <= r->chunk + r->chunk_len;
    /* path and field must be usable as C strings by careless consumers */
    assert_int_equal(v->path[v->path_len], '\0');
    if (r->fail_at && r->n == r->fail_at)
        return r->fail_status;
    return XB_OK;
}

static void rec_uninspect(void *ctx, const char *path, const char *reason,
                          const char *detail, size_t raw_start, size_t raw_end,
                          const char *content_type, const char *filename)
{
    recorder *r = ctx;
    if (r->n_un == r->cap_un) {
        r->cap_un = r->cap_un ? r->cap_un * 2 : 8;
        r->un = realloc(r->un, r->cap_un * sizeof(*r->un));
        assert_non_null(r->un);
    }
    rec_uninspectable *u = &r->un[r->n_un++];
    u->path = rec_dup_str(path);
    u->reason = rec_dup_str(reason);
    u->detail = rec_dup_str(detail);
    u->content_type = rec_dup_str(content_type);
    u->filename = rec_dup_str(filename);
    u->raw_start = raw_start;
    u->raw_end = raw_end;
}

static void recorder_free(recorder *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->evs[i].path);
        free(r->evs[i].field);
        free(r->evs[i].data);
        free(r->evs[i].offsets);
    }
    free(r->evs);
    for (size_t i = 0; i < r->n_un; i++) {
        free(r->un[i].path);
        free(r->un[i].reason);
        free(r->un[i].detail);
        free(r->un[i].content_type);
        free(r->un[i].filename);
    }
    free(r->un);
    memset(r, 0, sizeof(*r));
}

/* ---- driver ---------------------------------------------------------------- */

typedef struct popts {
    const char *content_type;
    size_t max_value_len;
    size_t max_parts;
    size_t max_columns;
    size_t base_offset;
    const char *path_prefix;
    size_t fail_at;
    xb_status fail_status;
} popts;

typedef struct presult {
    recorder rec;
    xb_status status;
    char msg[512];
} presult;

static void parse_cuts(const xb_parser_ops *ops, presult *res, const char *body, size_t len,
                       const size_t *cuts, size_t ncuts, const popts *o)
{
    memset(res, 0, sizeof(*res));
    xb_limits lim;
    xb_limits_default(&lim);
    if (o && o->max_value_len)
        lim.max_value_len = o->max_value_len;
    if (o && o->max_parts)
        lim.max_parts = o->max_parts;
    if (o && o->max_columns)
        lim.max_columns = o->max_columns;
    if (o) {
        res->rec.fail_at = o->fail_at;
        res->rec.fail_status = o->fail_status;
    }
    xb_parser_params pp;
    memset(&pp, 0, sizeof(pp));
    pp.limits = &lim;
    pp.sink.ctx = &res->rec;
    pp.sink.value = rec_value;
    pp.sink.uninspectable = rec_uninspect;
    pp.base_offset = o ? o->base_offset : 0;
    pp.path_prefix = o ? o->path_prefix : NULL;
    pp.content_type = o ? o->content_type : NULL;
    xb_parser *p = ops->create(&pp);
    assert_non_null(p);
    xb_status st = XB_OK;
    size_t pos = 0;
    for (size_t i = 0; i <= ncuts && st == XB_OK; i++) {
        size_t stop = i < ncuts ? cuts[i] : len;
        if (stop < pos)
            stop = pos;
        if (stop > len)
            stop = len;
        size_t n = stop - pos;
        uint8_t *chunk = malloc(n ? n : 1);
        assert_non_null(chunk);
        memcpy(chunk, body + pos, n);
        res->rec.chunk = chunk;
        res->rec.chunk_len = n;
        st = ops->feed(p, chunk, n);
        res->rec.chunk = NULL;
        free(chunk);
        pos = stop;
    }
    if (st == XB_OK)
        st = ops->finish(p);
    res->status = st;
    snprintf(res->msg, sizeof(res->msg), "%s", ops->error_message(p));
    ops->destroy(p);
}

static inline void parse_whole(const xb_parser_ops *ops, presult *res, const char *body,
                               size_t len, const popts *o)
{
    parse_cuts(ops, res, body, len, NULL, 0, o);
}

static void parse_chunked(const xb_parser_ops *ops, presult *res, const char *body,
                          size_t len, size_t chunk, const popts *o)
{
    size_t n = len / chunk + 1;
    size_t *cuts = malloc(n * sizeof(*cuts));
    assert_non_null(cuts);
    size_t k = 0;
    for (size_t c = chunk; c < len; c += chunk)
        cuts[k++] = c;
    parse_cuts(ops, res, body, len, cuts, k, o);
    free(cuts);
}

static inline void presult_free(presult *res)
{
    recorder_free(&res->rec);
}

/* ---- canonical rendering ------------------------------------------------- */

/* One line per event, everything but the zero-copy flag. Segments of one
 * value are merged (the cut points depend on chunking only through the
 * value buffer, never on the bytes delivered). */
static void rec_render(const recorder *r, xb_buf *b, bool merge_segments)
{
    for (size_t i = 0; i < r->n; i++) {
        const rec_event *e = &r->evs[i];
        xb_buf_printf(b, "%d|%s|%s|%lld|%zu|%d|", (int)e->kind, e->path, e->field,
                      (long long)e->record, e->raw_start, (int)e->exact);
        size_t j = i;
        if (merge_segments)
            while (j + 1 < r->n && r->evs[j].segment && r->evs[j + 1].segment &&
                   !strcmp(r->evs[j + 1].path, e->path) &&
                   r->evs[j + 1].raw_start == r->evs[j].raw_end)
                j++;
        for (size_t k = i; k <= j; k++) {
            const rec_event *s = &r->evs[k];
            xb_buf_append(b, s->data, s->len);
            for (size_t m = 0; m < s->len; m++)
                xb_buf_printf(b, ",%zu", s->offsets ? s->offsets[m] : s->raw_start + m);
        }
        xb_buf_printf(b, "|%zu\n", r->evs[j].raw_end);
        i = j;
    }
    for (size_t i = 0; i < r->n_un; i++) {
        const rec_uninspectable *u = &r->un[i];
        xb_buf_printf(b, "U|%s|%s|%s|%s|%zu|%zu\n", u->path, u->reason,
                      u->content_type ? u->content_type : "-", u->filename ? u->filename : "-",
                      u->raw_start, u->raw_end);
    }
}

/* Parse body whole, in 1-byte chunks, and split in two at every position;
 * all must give the same events and status. Returns the whole-body result
 * in *whole (caller frees). */
static void assert_chunking_invariant(const xb_parser_ops *ops, const char *body, size_t len,
                                      const popts *o, bool merge_segments, presult *whole)
{
    parse_whole(ops, whole, body, len, o);
    xb_buf ref = XB_BUF_INIT;
    rec_render(&whole->rec, &ref, merge_segments);
    xb_buf_printf(&ref, "status=%d msg=%s\n", (int)whole->status, whole->msg);
    for (size_t cut = 0; cut <= len + 1; cut++) {
        presult r;
        if (cut == len + 1)
            parse_chunked(ops, &r, body, len, 1, o);
        else
            parse_cuts(ops, &r, body, len, &cut, 1, o);
        xb_buf got = XB_BUF_INIT;
        rec_render(&r.rec, &got, merge_segments);
        xb_buf_printf(&got, "status=%d msg=%s\n", (int)r.status, r.msg);
        if (got.len != ref.len || memcmp(got.data, ref.data, ref.len) != 0) {
            print_error("cut at %zu differs\n--- whole\n%s\n--- split\n%s\n", cut,
                        xb_buf_cstr(&ref), xb_buf_cstr(&got));
            fail();
        }
        xb_buf_free(&got);
        presult_free(&r);
    }
    xb_buf_free(&ref);
}

/* Every event with exact spans: the raw bytes at [raw_start, raw_end) decode
 * to the data; with no raw_offsets they are the data itself. base: the body
 * offset of body[0]. */
static void assert_identity_spans(const recorder *r, const char *body, size_t base)
{
    for (size_t i = 0; i < r->n; i++) {
        const rec_event *e = &r->evs[i];
        if (!e->exact)
            continue;
        assert_true(e->raw_start >= base);
        assert_true(e->raw_end >= e->raw_start);
        if (!e->offsets) {
            assert_int_equal(e->raw_end - e->raw_start, e->len);
            assert_memory_equal(body + e->raw_start - base, e->data, e->len);
        } else {
            assert_int_equal(e->offsets[0], e->raw_start);
            assert_int_equal(e->offsets[e->len], e->raw_end);
            for (size_t k = 0; k < e->len; k++)
                assert_true(e->offsets[k] < e->offsets[k + 1]);
        }
    }
}

static inline const rec_event *ev_at(const presult *res, size_t i)
{
    assert_true(i < res->rec.n);
    return &res->rec.evs[i];
}

/* Assert kind, path, field, data and record of event i. */
static void assert_ev(const presult *res, size_t i, xb_value_kind kind, const char *path,
                      const char *field, const char *data, int64_t record)
{
    const rec_event *e = ev_at(res, i);
    assert_int_equal(e->kind, kind);
    assert_string_equal(e->path, path);
    assert_string_equal(e->field, field);
    assert_string_equal(e->data, data);
    assert_int_equal(e->record, record);
}

#endif
