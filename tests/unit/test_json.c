/* test_json.c - the streaming JSON parser: events, paths, records, spans,
 * raw offsets, chunking at every byte, strict validation, limits. */
#include "xb_test.h"

#include "classifier/core/xb_buf.h"
#include "classifier/parse/xb_parser.h"

/* ---- recording sink ------------------------------------------------------ */

typedef struct ev {
    xb_value_kind kind;
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
} ev;

typedef struct recorder {
    ev *evs;
    size_t n, cap;
    const uint8_t *chunk; /* chunk being fed */
    size_t chunk_len;
    size_t fail_at;       /* return fail_status at this event (1-based) */
    xb_status fail_status;
} recorder;

static char *dup_n(const void *p, size_t n)
{
    char *s = malloc(n + 1);
    assert_non_null(s);
    if (n)
        memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

static xb_status record_value(void *ctx, const xb_value *v)
{
    recorder *r = ctx;
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 64;
        r->evs = realloc(r->evs, r->cap * sizeof(*r->evs));
        assert_non_null(r->evs);
    }
    ev *e = &r->evs[r->n++];
    e->kind = v->kind;
    e->path = dup_n(v->path, v->path_len);
    e->field = dup_n(v->field, v->field_len);
    e->data = dup_n(v->data, v->len);
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
    assert_int_equal(v->syntax, XB_SYNTAX_JSON);
    if (r->fail_at && r->n == r->fail_at)
        return r->fail_status;
    return XB_OK;
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
    memset(r, 0, sizeof(*r));
}

/* ---- driver ---------------------------------------------------------------- */

typedef struct opts {
    const char *content_type;
    size_t max_depth;
    size_t max_value_len;
    size_t base_offset;
    const char *path_prefix;
} opts;

typedef struct result {
    recorder rec;
    xb_status status;
    char msg[256];
} result;

/* Parse body fed in chunks ending at the given cut positions. Each chunk is
 * copied into its own exact-size heap block so that ASan flags any read past
 * the end of a chunk. */
static void parse_cuts(result *res, const char *body, size_t len, const size_t *cuts,
                       size_t ncuts, const opts *o)
{
    memset(res, 0, sizeof(*res));
    xb_limits lim;
    xb_limits_default(&lim);
    if (o && o->max_depth)
        lim.max_depth = o->max_depth;
    if (o && o->max_value_len)
        lim.max_value_len = o->max_value_len;
    xb_parser_params pp;
    memset(&pp, 0, sizeof(pp));
    pp.limits = &lim;
    pp.sink.ctx = &res->rec;
    pp.sink.value = record_value;
    pp.base_offset = o ? o->base_offset : 0;
    pp.path_prefix = o ? o->path_prefix : NULL;
    pp.content_type = o && o->content_type ? o->content_type : "application/json";
    xb_parser *p = xb_json_parser.create(&pp);
    assert_non_null(p);
    xb_status st = XB_OK;
    size_t pos = 0;
    for (size_t i = 0; i <= ncuts && st == XB_OK; i++) {
        size_t stop = i < ncuts ? cuts[i] : len;
        if (stop < pos)
            stop = pos;
        size_t n = stop - pos;
        uint8_t *chunk = malloc(n ? n : 1);
        assert_non_null(chunk);
        memcpy(chunk, body + pos, n);
        res->rec.chunk = chunk;
        res->rec.chunk_len = n;
        st = xb_json_parser.feed(p, chunk, n);
        res->rec.chunk = NULL;
        free(chunk);
        pos = stop;
    }
    if (st == XB_OK)
        st = xb_json_parser.finish(p);
    res->status = st;
    snprintf(res->msg, sizeof(res->msg), "%s", xb_json_parser.error_message(p));
    xb_json_parser.destroy(p);
}

static void parse_whole(result *res, const char *body, const opts *o)
{
    parse_cuts(res, body, strlen(body), NULL, 0, o);
}

/* Parse in chunks of chunk bytes. */
static void parse_chunked(result *res, const char *body, size_t len, size_t chunk, const opts *o)
{
    size_t ncuts = len / chunk + 1;
    size_t *cuts = malloc(ncuts * sizeof(size_t));
    assert_non_null(cuts);
    size_t k = 0;
    for (size_t c = chunk; c < len; c += chunk)
        cuts[k++] = c;
    parse_cuts(res, body, len, cuts, k, o);
    free(cuts);
}

/* Everything an event says, as one line (zero_copy excluded: it depends on
 * the chunking by design). */
static void append_event(xb_buf *b, const ev *e)
{
    static const char *kinds[] = {"string", "number", "key", "attribute", "text"};
    xb_buf_printf(b, "%s path=%s field=%s rec=%lld span=%zu-%zu seg=%d exact=%d data=",
                  kinds[e->kind], e->path, e->field, (long long)e->record, e->raw_start,
                  e->raw_end, e->segment, e->exact);
    xb_buf_append_json_escaped(b, e->data, e->len);
    if (e->offsets) {
        xb_buf_append_str(b, " offsets=");
        for (size_t i = 0; i <= e->len; i++)
            xb_buf_printf(b, "%zu,", e->offsets[i]);
    }
    xb_buf_append_char(b, '\n');
}

static char *transcript(const result *res)
{
    xb_buf b = XB_BUF_INIT;
    for (size_t i = 0; i < res->rec.n; i++)
        append_event(&b, &res->rec.evs[i]);
    xb_buf_printf(&b, "status=%d msg=%s\n", (int)res->status, res->msg);
    return xb_buf_take(&b);
}

static void result_free(result *res)
{
    recorder_free(&res->rec);
}

static void assert_event(const result *res, size_t i, xb_value_kind kind, const char *path,
                         const char *field, const char *data, int64_t record)
{
    if (i >= res->rec.n)
        fail_msg("event %zu missing (only %zu)", i, res->rec.n);
    const ev *e = &res->rec.evs[i];
    assert_int_equal(e->kind, kind);
    assert_string_equal(e->path, path);
    assert_string_equal(e->field, field);
    assert_string_equal(e->data, data);
    assert_int_equal(e->record, record);
    assert_true(e->exact);
}

#define NONE XB_RECORD_NONE

/* The encoded bytes of every string/key event are body[raw_start..raw_end),
 * equal to the data when there are no raw offsets. */
static void assert_spans_consistent(const result *res, const char *body, size_t base)
{
    for (size_t i = 0; i < res->rec.n; i++) {
        const ev *e = &res->rec.evs[i];
        assert_true(e->raw_start >= base && e->raw_end >= e->raw_start);
        const char *raw = body + (e->raw_start - base);
        size_t raw_len = e->raw_end - e->raw_start;
        if (!e->offsets) {
            assert_int_equal(raw_len, e->len);
            assert_memory_equal(raw, e->data, e->len);
        } else {
            assert_int_equal(e->offsets[0], e->raw_start);
            assert_int_equal(e->offsets[e->len], e->raw_end);
            for (size_t k = 0; k < e->len; k++)
                assert_true(e->offsets[k] <= e->offsets[k + 1]);
        }
        if (e->kind == XB_VALUE_STRING || e->kind == XB_VALUE_KEY) {
            /* the span never includes the quotes */
            assert_true(raw_len == 0 || raw[0] != '"');
            if (!e->segment) {
                assert_int_equal(raw[-1], '"');
                assert_int_equal(raw[raw_len], '"');
            }
        }
    }
}

/* ---- values, keys, paths, fields ------------------------------------------ */

static void test_keys_values_paths(void **state)
{
    (void)state;
    const char *body =
        "{\"name\":\"张三\",\"age\":42,\"ok\":true,\"none\":null,"
        "\"addr\":{\"city\":\"北京\",\"geo\":[39.9,-116.4e0]},\"empty\":{},\"list\":[]}";
    result r;
    parse_whole(&r, body, NULL);
    assert_int_equal(r.status, XB_OK);
    assert_string_equal(r.msg, "");
    size_t i = 0;
    assert_event(&r, i++, XB_VALUE_KEY, "/name", "", "name", NONE);
    assert_event(&r, i++, XB_VALUE_STRING, "/name", "name", "张三", NONE);
    assert_event(&r, i++, XB_VALUE_KEY, "/age", "", "age", NONE);
    assert_event(&r, i++, XB_VALUE_NUMBER, "/age", "age", "42", NONE);
    assert_event(&r, i++, XB_VALUE_KEY, "/ok", "", "ok", NONE);      /* true: no event */
    assert_event(&r, i++, XB_VALUE_KEY, "/none", "", "none", NONE);  /* null: no event */
    assert_event(&r, i++, XB_VALUE_KEY, "/addr", "", "addr", NONE);
    assert_event(&r, i++, XB_VALUE_KEY, "/addr/city", "", "city", NONE);
    assert_event(&r, i++, XB_VALUE_STRING, "/addr/city", "city", "北京", NONE);
    assert_event(&r, i++, XB_VALUE_KEY, "/addr/geo", "", "geo", NONE);
    assert_event(&r, i++, XB_VALUE_NUMBER, "/addr/geo/0", "geo", "39.9", 0);
    assert_event(&r, i++, XB_VALUE_NUMBER, "/addr/geo/1", "geo", "-116.4e0", 1);
    assert_event(&r, i++, XB_VALUE_KEY, "/empty", "", "empty", NONE);
    assert_event(&r, i++, XB_VALUE_KEY, "/list", "", "list", NONE);
    assert_int_equal(r.rec.n, i);
    assert_spans_consistent(&r, body, 0);
    result_free(&r);
}

static void test_pointer_escapes_and_unicode_keys(void **state)
{
    (void)state;
    const char *body = "{\"a/b\":{\"m~n\":\"1\",\"~/\":\"2\"},\"身份证号\":\"110101199003077777\","
                       "\"\":\"empty key\",\"k\\u002fx\":\"escaped slash\"}";
    result r;
    parse_whole(&r, body, NULL);
    assert_int_equal(r.status, XB_OK);
    size_t i = 0;
    assert_event(&r, i++, XB_VALUE_KEY, "/a~1b", "", "a/b", NONE);
    assert_event(&r, i++, XB_VALUE_KEY, "/a~1b/m~0n", "", "m~n", NONE);
    assert_event(&r, i++, XB_VALUE_STRING, "/a~1b/m~0n", "m~n", "1", NONE);
    assert_event(&r, i++, XB_VALUE_KEY, "/a~1b/~0~1", "", "~/", NONE);
    assert_event(&r, i++, XB_VALUE_STRING, "/a~1b/~0~1", "~/", "2", NONE);
    assert_event(&r, i++, XB_VALUE_KEY, "/身份证号", "", "身份证号", NONE);
    assert_event(&r, i++, XB_VALUE_STRING, "/身份证号", "身份证号", "110101199003077777", NONE);
    assert_event(&r, i++, XB_VALUE_KEY, "/", "", "", NONE);
    assert_event(&r, i++, XB_VALUE_STRING, "/", "", "empty key", NONE);
    assert_event(&r, i++, XB_VALUE_KEY, "/k~1x", "", "k/x", NONE);
    assert_event(&r, i++, XB_VALUE_STRING, "/k~1x", "k/x", "escaped slash", NONE);
    assert_int_equal(r.rec.n, i);
    result_free(&r);
}

static void test_array_elements_take_the_enclosing_key(void **state)
{
    (void)state;
    const char *body = "{\"phones\":[\"13800138000\",[\"13900139000\"]],\"m\":[[1]]}";
    result r;
    parse_whole(&r, body, NULL);
    assert_int_equal(r.status, XB_OK);
    size_t i = 0;
    assert_event(&r, i++, XB_VALUE_KEY, "/phones", "", "phones", NONE);
    assert_event(&r, i++, XB_VALUE_STRING, "/phones/0", "phones", "13800138000", 0);
    assert_event(&r, i++, XB_VALUE_STRING, "/phones/1/0", "phones", "13900139000", 1);
    assert_event(&r, i++, XB_VALUE_KEY, "/m", "", "m", NONE);
    assert_event(&r, i++, XB_VALUE_NUMBER, "/m/0/0", "m", "1", 2);
    assert_int_equal(r.rec.n, i);
    result_free(&r);

    /* a top-level array has no enclosing key */
    parse_whole(&r, "[\"x\",{\"k\":[\"y\"]}]", NULL);
    assert_int_equal(r.status, XB_OK);
    i = 0;
    assert_event(&r, i++, XB_VALUE_STRING, "/0", "", "x", 0);
    assert_event(&r, i++, XB_VALUE_KEY, "/1/k", "", "k", 1);
    assert_event(&r, i++, XB_VALUE_STRING, "/1/k/0", "k", "y", 1);
    assert_int_equal(r.rec.n, i);
    result_free(&r);
}

static void test_top_level_scalars(void **state)
{
    (void)state;
    result r;
    parse_whole(&r, "  \"solo\"  ", NULL);
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n, 1);
    assert_event(&r, 0, XB_VALUE_STRING, "", "", "solo", NONE);
    assert_int_equal(r.rec.evs[0].raw_start, 3);
    assert_int_equal(r.rec.evs[0].raw_end, 7);
    result_free(&r);

    /* a top-level number ends with the body */
    parse_whole(&r, "-12.5e+3", NULL);
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n, 1);
    assert_event(&r, 0, XB_VALUE_NUMBER, "", "", "-12.5e+3", NONE);
    assert_int_equal(r.rec.evs[0].raw_start, 0);
    assert_int_equal(r.rec.evs[0].raw_end, 8);
    result_free(&r);

    parse_whole(&r, "true", NULL);
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n, 0);
    result_free(&r);
}

static void test_number_forms(void **state)
{
    (void)state;
    result r;
    parse_whole(&r, "[0,-0,1.5,-0.25e-7,3E+2,10,99999999999999999999999]", NULL);
    assert_int_equal(r.status, XB_OK);
    const char *want[] = {"0", "-0", "1.5", "-0.25e-7", "3E+2", "10", "99999999999999999999999"};
    assert_int_equal(r.rec.n, 7);
    for (size_t i = 0; i < 7; i++) {
        assert_int_equal(r.rec.evs[i].kind, XB_VALUE_NUMBER);
        assert_string_equal(r.rec.evs[i].data, want[i]);
        assert_null(r.rec.evs[i].offsets);
    }
    result_free(&r);
}

/* ---- records ------------------------------------------------------------- */

static void test_records_global_counter(void **state)
{
    (void)state;
    const char *body = "{\"meta\":{\"n\":2},\"a\":[{\"id\":\"x\"},{\"id\":\"y\"}],"
                       "\"mid\":\"m\",\"b\":[{\"id\":\"z\",\"tags\":[\"t1\",\"t2\"]}]}";
    result r;
    parse_whole(&r, body, NULL);
    assert_int_equal(r.status, XB_OK);
    size_t i = 0;
    assert_event(&r, i++, XB_VALUE_KEY, "/meta", "", "meta", NONE);
    assert_event(&r, i++, XB_VALUE_KEY, "/meta/n", "", "n", NONE);
    assert_event(&r, i++, XB_VALUE_NUMBER, "/meta/n", "n", "2", NONE);
    assert_event(&r, i++, XB_VALUE_KEY, "/a", "", "a", NONE);
    assert_event(&r, i++, XB_VALUE_KEY, "/a/0/id", "", "id", 0);
    assert_event(&r, i++, XB_VALUE_STRING, "/a/0/id", "id", "x", 0);
    assert_event(&r, i++, XB_VALUE_KEY, "/a/1/id", "", "id", 1);
    assert_event(&r, i++, XB_VALUE_STRING, "/a/1/id", "id", "y", 1);
    assert_event(&r, i++, XB_VALUE_KEY, "/mid", "", "mid", NONE);
    assert_event(&r, i++, XB_VALUE_STRING, "/mid", "mid", "m", NONE);
    assert_event(&r, i++, XB_VALUE_KEY, "/b", "", "b", NONE);
    assert_event(&r, i++, XB_VALUE_KEY, "/b/0/id", "", "id", 2);
    assert_event(&r, i++, XB_VALUE_STRING, "/b/0/id", "id", "z", 2);
    assert_event(&r, i++, XB_VALUE_KEY, "/b/0/tags", "", "tags", 2);
    /* an inner array does not start records */
    assert_event(&r, i++, XB_VALUE_STRING, "/b/0/tags/0", "tags", "t1", 2);
    assert_event(&r, i++, XB_VALUE_STRING, "/b/0/tags/1", "tags", "t2", 2);
    assert_int_equal(r.rec.n, i);
    result_free(&r);
}

static void test_records_nested_arrays_and_plain_objects(void **state)
{
    (void)state;
    result r;
    /* elements of the outermost array are the records, even if they are arrays */
    parse_whole(&r, "[[\"a\",\"b\"],[\"c\"],\"d\"]", NULL);
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n, 4);
    assert_event(&r, 0, XB_VALUE_STRING, "/0/0", "", "a", 0);
    assert_event(&r, 1, XB_VALUE_STRING, "/0/1", "", "b", 0);
    assert_event(&r, 2, XB_VALUE_STRING, "/1/0", "", "c", 1);
    assert_event(&r, 3, XB_VALUE_STRING, "/2", "", "d", 2);
    result_free(&r);

    /* an object without arrays has no records at all */
    parse_whole(&r, "{\"user\":{\"name\":\"李四\",\"idNo\":\"110101199003077777\"}}", NULL);
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n, 5);
    for (size_t i = 0; i < r.rec.n; i++)
        assert_int_equal(r.rec.evs[i].record, NONE);
    assert_event(&r, 4, XB_VALUE_STRING, "/user/idNo", "idNo", "110101199003077777", NONE);
    result_free(&r);
}

static void test_ndjson_each_line_is_a_record(void **state)
{
    (void)state;
    const char *body = "{\"idNo\":\"110101199003077777\",\"tags\":[\"a\"]}\n"
                       "{\"idNo\":\"110101199003078888\"}\r\n\n"
                       "[\"x\",\"y\"]\n\"plain\"\n7\n";
    opts o = {.content_type = "application/x-ndjson"};
    result r;
    parse_whole(&r, body, &o);
    assert_int_equal(r.status, XB_OK);
    size_t i = 0;
    assert_event(&r, i++, XB_VALUE_KEY, "/idNo", "", "idNo", 0);
    assert_event(&r, i++, XB_VALUE_STRING, "/idNo", "idNo", "110101199003077777", 0);
    assert_event(&r, i++, XB_VALUE_KEY, "/tags", "", "tags", 0);
    assert_event(&r, i++, XB_VALUE_STRING, "/tags/0", "tags", "a", 0);
    assert_event(&r, i++, XB_VALUE_KEY, "/idNo", "", "idNo", 1);
    assert_event(&r, i++, XB_VALUE_STRING, "/idNo", "idNo", "110101199003078888", 1);
    /* arrays inside a line do not start records */
    assert_event(&r, i++, XB_VALUE_STRING, "/0", "", "x", 2);
    assert_event(&r, i++, XB_VALUE_STRING, "/1", "", "y", 2);
    assert_event(&r, i++, XB_VALUE_STRING, "", "", "plain", 3);
    assert_event(&r, i++, XB_VALUE_NUMBER, "", "", "7", 4);
    assert_int_equal(r.rec.n, i);
    assert_spans_consistent(&r, body, 0);
    result_free(&r);

    /* application/jsonl with parameters, a last line without newline */
    o.content_type = "Application/JSONL; charset=utf-8";
    parse_whole(&r, "{\"a\":1}\n{\"a\":2}", &o);
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n, 4);
    assert_event(&r, 3, XB_VALUE_NUMBER, "/a", "a", "2", 1);
    result_free(&r);

    /* RFC 7464 JSON text sequences: RS before each text */
    o.content_type = "application/json-seq";
    parse_whole(&r, "\x1e{\"a\":1}\n\x1e{\"a\":2}\n", &o);
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n, 4);
    assert_event(&r, 1, XB_VALUE_NUMBER, "/a", "a", "1", 0);
    assert_event(&r, 3, XB_VALUE_NUMBER, "/a", "a", "2", 1);
    result_free(&r);

    /* values must be separated */
    o.content_type = "application/x-ndjson";
    parse_whole(&r, "{\"a\":1}{\"a\":2}", &o);
    assert_int_equal(r.status, XB_ERR_MALFORMED);
    assert_string_equal(r.msg, "json: unexpected '{' at byte 7 (after the top-level value)");
    result_free(&r);

    /* an empty sequence is an empty body */
    parse_whole(&r, "\n\n", &o);
    assert_int_equal(r.status, XB_ERR_MALFORMED);
    assert_string_equal(r.msg, "json: empty body");
    result_free(&r);

    /* plain application/json accepts exactly one value */
    parse_whole(&r, "{\"a\":1}\n{\"a\":2}", NULL);
    assert_int_equal(r.status, XB_ERR_MALFORMED);
    assert_string_equal(r.msg, "json: unexpected '{' at byte 8 (after the top-level value)");
    result_free(&r);
}

/* ---- spans and raw offsets ------------------------------------------------- */

static void test_spans_without_escapes(void **state)
{
    (void)state;
    const char *body = "{ \"k\" : \"v w\" , \"n\" : [ 12 , -3.5 ] }";
    result r;
    parse_whole(&r, body, NULL);
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n, 5);
    assert_int_equal(r.rec.evs[0].raw_start, 3); /* k */
    assert_int_equal(r.rec.evs[0].raw_end, 4);
    assert_int_equal(r.rec.evs[1].raw_start, 9); /* v w */
    assert_int_equal(r.rec.evs[1].raw_end, 12);
    assert_int_equal(r.rec.evs[3].raw_start, 24); /* 12 */
    assert_int_equal(r.rec.evs[3].raw_end, 26);
    assert_int_equal(r.rec.evs[4].raw_start, 29); /* -3.5 */
    assert_int_equal(r.rec.evs[4].raw_end, 33);
    for (size_t i = 0; i < r.rec.n; i++)
        assert_null(r.rec.evs[i].offsets);
    assert_spans_consistent(&r, body, 0);
    result_free(&r);
}

static void test_raw_offsets_for_escapes(void **state)
{
    (void)state;
    /* offsets:       0123456789... */
    const char *body = "[\"a\\nb\",\"x\\u4e2dy\",\"\\ud83d\\ude00!\",\"say \\\"hi\\\"\",\"\\/\"]";
    result r;
    parse_whole(&r, body, NULL);
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n, 5);

    /* "a\nb" at 2..6 */
    const ev *e = &r.rec.evs[0];
    assert_string_equal(e->data, "a\nb");
    assert_int_equal(e->raw_start, 2);
    assert_int_equal(e->raw_end, 6);
    assert_non_null(e->offsets);
    size_t o0[] = {2, 3, 5, 6};
    assert_memory_equal(e->offsets, o0, sizeof(o0));

    /* "x\u4e2dy" at 9..17: the three bytes of 中 all come from the escape */
    e = &r.rec.evs[1];
    assert_string_equal(e->data, "x中y");
    assert_int_equal(e->raw_start, 9);
    assert_int_equal(e->raw_end, 17);
    size_t o1[] = {9, 10, 10, 10, 16, 17};
    assert_memory_equal(e->offsets, o1, sizeof(o1));

    /* "\ud83d\ude00!" at 20..33: a surrogate pair decodes to 4 bytes */
    e = &r.rec.evs[2];
    assert_string_equal(e->data, "\xF0\x9F\x98\x80!");
    assert_int_equal(e->raw_start, 20);
    assert_int_equal(e->raw_end, 33);
    size_t o2[] = {20, 20, 20, 20, 32, 33};
    assert_memory_equal(e->offsets, o2, sizeof(o2));

    /* "say \"hi\"" at 36..46 */
    e = &r.rec.evs[3];
    assert_string_equal(e->data, "say \"hi\"");
    assert_int_equal(e->raw_start, 36);
    assert_int_equal(e->raw_end, 46);
    size_t o3[] = {36, 37, 38, 39, 40, 42, 43, 44, 46};
    assert_memory_equal(e->offsets, o3, sizeof(o3));
    assert_memory_equal(body + e->raw_start, "say \\\"hi\\\"", 10);

    e = &r.rec.evs[4];
    assert_string_equal(e->data, "/");
    size_t o4[] = {49, 51};
    assert_memory_equal(e->offsets, o4, sizeof(o4));
    assert_spans_consistent(&r, body, 0);
    result_free(&r);
}

static void test_zero_copy_only_without_escapes(void **state)
{
    (void)state;
    const char *body = "{\"plain\":\"value\",\"esc\":\"a\\tb\"}";
    result r;
    parse_whole(&r, body, NULL);
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n, 4);
    assert_true(r.rec.evs[0].zero_copy);  /* key "plain" */
    assert_true(r.rec.evs[1].zero_copy);  /* "value" */
    assert_false(r.rec.evs[3].zero_copy); /* decoded "a\tb" */
    result_free(&r);

    /* a value cut by a chunk boundary is assembled, still with exact spans */
    size_t cut = 12;
    parse_cuts(&r, body, strlen(body), &cut, 1, NULL);
    assert_int_equal(r.status, XB_OK);
    assert_false(r.rec.evs[1].zero_copy);
    assert_string_equal(r.rec.evs[1].data, "value");
    assert_int_equal(r.rec.evs[1].raw_start, 10);
    assert_int_equal(r.rec.evs[1].raw_end, 15);
    assert_null(r.rec.evs[1].offsets);
    result_free(&r);
}

/* ---- chunking -------------------------------------------------------------- */

static const char realistic[] =
    "\xEF\xBB\xBF{\"export_id\":\"EXP-20261122\",\"count\":3,\"records\":["
    "{\"type\":\"customer\",\"name\":\"汤婷婷\",\"mobile\":\"19976251308\","
    "\"id_card\":\"440106195810175442\",\"email\":\"yangfang2@qq.com\","
    "\"address\":\"广东省广州市天河区天府大道681号\",\"location\":{\"lat\":23.118445,\"lng\":-1.5e+2},"
    "\"tags\":[\"流失预警\",\"企业客户\"],\"vip\":true,\"memo\":null},\n"
    "  {\"type\":\"order\",\"notes\":\"line1\\nline2 \\\"quoted\\\" \\u4e2d\\u6587 \\ud83d\\ude00 \\/ \\\\\","
    "\"a/b\":{\"c~d\":[[1,2],[0.5]]},\"emoji\":\"😀𝄞\",\"身份证号\":\"11010519491231002X\"},\n"
    "  {\"type\":\"vehicle\",\"vin\":\"LGXYSG5B2P3060308\",\"speed\":0,\"empty\":\"\",\"e\":{},\"l\":[]}\n"
    "]}\n";

static void test_split_at_every_position(void **state)
{
    (void)state;
    size_t len = sizeof(realistic) - 1;
    result whole;
    parse_cuts(&whole, realistic, len, NULL, 0, NULL);
    assert_int_equal(whole.status, XB_OK);
    assert_int_equal(whole.rec.n, 50);
    assert_spans_consistent(&whole, realistic, 0);
    char *want = transcript(&whole);

    /* a few concrete checks on the whole parse */
    bool saw_notes = false;
    for (size_t i = 0; i < whole.rec.n; i++) {
        const ev *e = &whole.rec.evs[i];
        if (e->kind == XB_VALUE_STRING && !strcmp(e->path, "/records/1/notes")) {
            saw_notes = true;
            assert_string_equal(e->data, "line1\nline2 \"quoted\" 中文 \xF0\x9F\x98\x80 / \\");
            assert_int_equal(e->record, 1);
            assert_non_null(e->offsets);
        }
    }
    assert_true(saw_notes);

    for (size_t cut = 0; cut <= len; cut++) {
        result r;
        parse_cuts(&r, realistic, len, &cut, 1, NULL);
        char *got = transcript(&r);
        if (strcmp(got, want) != 0)
            fail_msg("split at %zu differs:\n%s\nwant:\n%s", cut, got, want);
        free(got);
        result_free(&r);
    }
    /* two cuts close together: a chunk of 1..3 bytes in the middle */
    for (size_t cut = 0; cut + 3 <= len; cut += 7) {
        for (size_t w = 1; w <= 3; w++) {
            size_t cuts[2] = {cut, cut + w};
            result r;
            parse_cuts(&r, realistic, len, cuts, 2, NULL);
            char *got = transcript(&r);
            if (strcmp(got, want) != 0)
                fail_msg("cuts %zu,%zu differ", cuts[0], cuts[1]);
            free(got);
            result_free(&r);
        }
    }
    free(want);
    result_free(&whole);
}

static void test_one_byte_chunks(void **state)
{
    (void)state;
    size_t len = sizeof(realistic) - 1;
    result whole, bytes;
    parse_cuts(&whole, realistic, len, NULL, 0, NULL);
    parse_chunked(&bytes, realistic, len, 1, NULL);
    char *a = transcript(&whole), *b = transcript(&bytes);
    assert_string_equal(b, a);
    free(a);
    free(b);
    result_free(&whole);
    result_free(&bytes);
}

static void test_bom_is_skipped(void **state)
{
    (void)state;
    result r;
    parse_whole(&r, "\xEF\xBB\xBF{\"a\":\"b\"}", NULL);
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n, 2);
    assert_int_equal(r.rec.evs[1].raw_start, 9); /* offsets count the BOM */
    result_free(&r);

    /* a BOM anywhere else is not whitespace */
    parse_whole(&r, " \xEF\xBB\xBF{}", NULL);
    assert_int_equal(r.status, XB_ERR_MALFORMED);
    assert_string_equal(r.msg, "json: unexpected byte 0xef at byte 1");
    result_free(&r);

    parse_whole(&r, "\xEF\xBB\xBF", NULL);
    assert_int_equal(r.status, XB_ERR_MALFORMED);
    assert_string_equal(r.msg, "json: empty body");
    result_free(&r);

    parse_whole(&r, "\xEF\xBBx", NULL);
    assert_int_equal(r.status, XB_ERR_MALFORMED);
    assert_string_equal(r.msg, "json: invalid UTF-8 at byte 2");
    result_free(&r);
}

/* ---- malformed bodies ------------------------------------------------------ */

typedef struct bad_case {
    const char *body;
    size_t len; /* 0: strlen */
    const char *msg;
    xb_status status;
} bad_case;

static const bad_case bad_cases[] = {
    /* invalid UTF-8 */
    {"{\"a\":\"\xC3\x28\"}", 0, "json: invalid UTF-8 at byte 6", XB_ERR_MALFORMED},
    {"[\"ok \xC0\xAF\"]", 0, "json: invalid UTF-8 at byte 5", XB_ERR_MALFORMED},          /* overlong */
    {"[\"\xE0\x80\x80\"]", 0, "json: invalid UTF-8 at byte 2", XB_ERR_MALFORMED},          /* overlong */
    {"[\"\xED\xA0\x80\"]", 0, "json: invalid UTF-8 at byte 2", XB_ERR_MALFORMED},          /* surrogate */
    {"[\"\xF4\x90\x80\x80\"]", 0, "json: invalid UTF-8 at byte 2", XB_ERR_MALFORMED},      /* > U+10FFFF */
    {"[\"\xF5\x80\x80\x80\"]", 0, "json: invalid UTF-8 at byte 2", XB_ERR_MALFORMED},
    {"[\"abc\x80\"]", 0, "json: invalid UTF-8 at byte 5", XB_ERR_MALFORMED},               /* stray continuation */
    {"[\"\xE4\xB8\"]", 0, "json: invalid UTF-8 at byte 2", XB_ERR_MALFORMED},              /* cut by the quote */
    {"[\"0123456789abcdef\xE4\xB8\xADxyz\xE4\"]", 0, "json: invalid UTF-8 at byte 24", XB_ERR_MALFORMED},
    {"{\"k\xFF\":1}", 0, "json: invalid UTF-8 at byte 3", XB_ERR_MALFORMED},               /* in a key */
    /* control characters */
    {"{\"a\":\"x\ny\"}", 0, "json: unescaped control character 0x0a in string at byte 7", XB_ERR_MALFORMED},
    {"[\"\t\"]", 0, "json: unescaped control character 0x09 in string at byte 2", XB_ERR_MALFORMED},
    {"[\"a\0\"]", 5, "json: unescaped control character 0x00 in string at byte 3", XB_ERR_MALFORMED},
    /* escapes */
    {"[\"\\ud800\"]", 0, "json: lone surrogate \\ud800 at byte 2", XB_ERR_MALFORMED},
    {"[\"x\\uDBFF\\u0041\"]", 0, "json: lone surrogate \\udbff at byte 3", XB_ERR_MALFORMED},
    {"[\"\\ud800x\"]", 0, "json: lone surrogate \\ud800 at byte 2", XB_ERR_MALFORMED},
    {"[\"\\ud800\\n\"]", 0, "json: lone surrogate \\ud800 at byte 2", XB_ERR_MALFORMED},
    {"[\"\\udc00\"]", 0, "json: lone surrogate \\udc00 at byte 2", XB_ERR_MALFORMED},
    {"[\"\\x\"]", 0, "json: unexpected 'x' at byte 3 (invalid escape)", XB_ERR_MALFORMED},
    {"[\"\\u12G4\"]", 0, "json: unexpected 'G' at byte 6 (invalid \\u escape)", XB_ERR_MALFORMED},
    /* numbers */
    {"[01]", 0, "json: unexpected '1' at byte 2 (leading zero in number)", XB_ERR_MALFORMED},
    {"{\"n\":-007}", 0, "json: unexpected '0' at byte 7 (leading zero in number)", XB_ERR_MALFORMED},
    {"[1.]", 0, "json: unexpected ']' at byte 3 (in a number)", XB_ERR_MALFORMED},
    {"[-]", 0, "json: unexpected ']' at byte 2 (in a number)", XB_ERR_MALFORMED},
    {"[1e]", 0, "json: unexpected ']' at byte 3 (in a number)", XB_ERR_MALFORMED},
    {"[.5]", 0, "json: unexpected '.' at byte 1", XB_ERR_MALFORMED},
    {"[+1]", 0, "json: unexpected '+' at byte 1", XB_ERR_MALFORMED},
    {"[1x]", 0, "json: unexpected 'x' at byte 2", XB_ERR_MALFORMED},
    {"[NaN]", 0, "json: unexpected 'N' at byte 1", XB_ERR_MALFORMED},
    /* structure */
    {"{\"a\":1,}", 0, "json: unexpected '}' at byte 7 (trailing comma)", XB_ERR_MALFORMED},
    {"[1,2,]", 0, "json: unexpected ']' at byte 5 (trailing comma)", XB_ERR_MALFORMED},
    {"[1 2]", 0, "json: unexpected '2' at byte 3", XB_ERR_MALFORMED},
    {"{\"a\" 1}", 0, "json: unexpected '1' at byte 5 (expected ':')", XB_ERR_MALFORMED},
    {"{'a':1}", 0, "json: unexpected ''' at byte 1", XB_ERR_MALFORMED},
    {"{1:2}", 0, "json: unexpected '1' at byte 1", XB_ERR_MALFORMED},
    {"[1}", 0, "json: unexpected '}' at byte 2", XB_ERR_MALFORMED},
    {"{\"a\":1]", 0, "json: unexpected ']' at byte 6", XB_ERR_MALFORMED},
    {"[tru]", 0, "json: unexpected ']' at byte 4", XB_ERR_MALFORMED},
    {"[nul1]", 0, "json: unexpected '1' at byte 4", XB_ERR_MALFORMED},
    {"[truex]", 0, "json: unexpected 'x' at byte 5", XB_ERR_MALFORMED},
    {"{} x", 0, "json: unexpected 'x' at byte 3 (after the top-level value)", XB_ERR_MALFORMED},
    {"{}{}", 0, "json: unexpected '{' at byte 2 (after the top-level value)", XB_ERR_MALFORMED},
    {"\"a\"\"b\"", 0, "json: unexpected '\"' at byte 3 (after the top-level value)", XB_ERR_MALFORMED},
    {"[1]\x01", 0, "json: unexpected byte 0x01 at byte 3 (after the top-level value)", XB_ERR_MALFORMED},
    /* truncation and emptiness */
    {"", 0, "json: empty body", XB_ERR_MALFORMED},
    {" \r\n\t", 0, "json: empty body", XB_ERR_MALFORMED},
    {"{", 0, "json: unexpected end of body", XB_ERR_MALFORMED},
    {"{\"a\":", 0, "json: unexpected end of body", XB_ERR_MALFORMED},
    {"{\"a", 0, "json: unexpected end of body", XB_ERR_MALFORMED},
    {"[\"abc\\", 0, "json: unexpected end of body", XB_ERR_MALFORMED},
    {"[\"\\u12", 0, "json: unexpected end of body", XB_ERR_MALFORMED},
    {"[\"\\ud83d", 0, "json: unexpected end of body", XB_ERR_MALFORMED},
    {"[\"\\ud83d\\", 0, "json: unexpected end of body", XB_ERR_MALFORMED},
    {"[\"\xE4\xB8", 0, "json: unexpected end of body", XB_ERR_MALFORMED},
    {"[1", 0, "json: unexpected end of body", XB_ERR_MALFORMED},
    {"-", 0, "json: unexpected end of body", XB_ERR_MALFORMED},
    {"1.", 0, "json: unexpected end of body", XB_ERR_MALFORMED},
    {"tru", 0, "json: unexpected end of body", XB_ERR_MALFORMED},
    {"[[]", 0, "json: unexpected end of body", XB_ERR_MALFORMED},
};

static void test_malformed_bodies(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        const bad_case *c = &bad_cases[i];
        size_t len = c->len ? c->len : strlen(c->body);
        result r;
        parse_cuts(&r, c->body, len, NULL, 0, NULL);
        if (r.status != c->status || strcmp(r.msg, c->msg) != 0)
            fail_msg("case %zu: got %d '%s', want '%s'", i, (int)r.status, r.msg, c->msg);
        result_free(&r);
        /* the same verdict whatever the chunking */
        parse_chunked(&r, c->body, len, 1, NULL);
        if (r.status != c->status || strcmp(r.msg, c->msg) != 0)
            fail_msg("case %zu in 1-byte chunks: got '%s', want '%s'", i, r.msg, c->msg);
        result_free(&r);
        for (size_t cut = 1; cut < len; cut++) {
            parse_cuts(&r, c->body, len, &cut, 1, NULL);
            if (r.status != c->status || strcmp(r.msg, c->msg) != 0)
                fail_msg("case %zu split at %zu: got '%s', want '%s'", i, cut, r.msg, c->msg);
            result_free(&r);
        }
    }
}

static void test_error_offsets_are_absolute(void **state)
{
    (void)state;
    opts o = {.base_offset = 1000};
    result r;
    parse_whole(&r, "{\"a\":[1,]}", &o);
    assert_int_equal(r.status, XB_ERR_MALFORMED);
    assert_string_equal(r.msg, "json: unexpected ']' at byte 1008 (trailing comma)");
    result_free(&r);

    /* far into a large body, across many chunks */
    size_t n = 5000;
    char *big = malloc(n + 16);
    assert_non_null(big);
    big[0] = '[';
    size_t k = 1;
    while (k < n) {
        memcpy(big + k, "12,", 3);
        k += 3;
    }
    memcpy(big + k, "}", 2);
    parse_chunked(&r, big, strlen(big), 333, NULL);
    char want[96];
    snprintf(want, sizeof(want), "json: unexpected '}' at byte %zu (trailing comma)", k);
    assert_int_equal(r.status, XB_ERR_MALFORMED);
    assert_string_equal(r.msg, want);
    result_free(&r);
    free(big);
}

static void test_errors_are_sticky(void **state)
{
    (void)state;
    xb_limits lim;
    xb_limits_default(&lim);
    recorder rec = {0};
    xb_parser_params pp = {.limits = &lim, .sink = {&rec, record_value, NULL}};
    xb_parser *p = xb_json_parser.create(&pp);
    assert_non_null(p);
    assert_int_equal(xb_json_parser.feed(p, (const uint8_t *)"[1,]", 4), XB_ERR_MALFORMED);
    assert_int_equal(xb_json_parser.feed(p, (const uint8_t *)"[2]", 3), XB_ERR_MALFORMED);
    assert_int_equal(xb_json_parser.finish(p), XB_ERR_MALFORMED);
    assert_string_equal(xb_json_parser.error_message(p),
                        "json: unexpected ']' at byte 3 (trailing comma)");
    assert_int_equal(rec.n, 1); /* only "1" */
    xb_json_parser.destroy(p);
    recorder_free(&rec);

    /* feeding after finish is a usage error */
    p = xb_json_parser.create(&pp);
    assert_int_equal(xb_json_parser.feed(p, (const uint8_t *)"{}", 2), XB_OK);
    assert_int_equal(xb_json_parser.finish(p), XB_OK);
    assert_int_equal(xb_json_parser.feed(p, (const uint8_t *)" ", 1), XB_ERR_STATE);
    xb_json_parser.destroy(p);
    recorder_free(&rec);
}

/* ---- limits ------------------------------------------------------------------ */

static void test_depth_limit(void **state)
{
    (void)state;
    opts o = {.max_depth = 3};
    result r;
    parse_whole(&r, "[{\"a\":[1]}]", &o);
    assert_int_equal(r.status, XB_OK);
    result_free(&r);

    parse_whole(&r, "[{\"a\":[[1]]}]", &o);
    assert_int_equal(r.status, XB_ERR_LIMIT);
    assert_string_equal(r.msg, "json: nesting deeper than 3 at byte 7");
    result_free(&r);

    /* the default limit (64) stops a hostile nesting bomb */
    size_t n = 100000;
    char *bomb = malloc(n + 1);
    assert_non_null(bomb);
    memset(bomb, '[', n);
    bomb[n] = '\0';
    parse_chunked(&r, bomb, n, 4096, NULL);
    assert_int_equal(r.status, XB_ERR_LIMIT);
    assert_string_equal(r.msg, "json: nesting deeper than 64 at byte 64");
    result_free(&r);
    free(bomb);
}

/* Concatenate the pieces of value events at path and check segment flags. */
static char *join_segments(const result *r, const char *path, size_t max, size_t *pieces)
{
    xb_buf b = XB_BUF_INIT;
    *pieces = 0;
    for (size_t i = 0; i < r->rec.n; i++) {
        const ev *e = &r->rec.evs[i];
        if (e->kind == XB_VALUE_KEY || strcmp(e->path, path) != 0)
            continue;
        assert_true(e->len <= max);
        xb_buf_append(&b, e->data, e->len);
        (*pieces)++;
    }
    return xb_buf_take(&b);
}

static void test_segmentation_of_long_values(void **state)
{
    (void)state;
    /* "t" value at 6..: words cut after a whitespace when there is one */
    const char *body = "{\"t\":\"alpha beta gamma delta\"}";
    opts o = {.max_value_len = 8};
    result r;
    parse_whole(&r, body, &o);
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n, 5);
    assert_event(&r, 1, XB_VALUE_STRING, "/t", "t", "alpha ", NONE);
    assert_event(&r, 2, XB_VALUE_STRING, "/t", "t", "beta ", NONE);
    assert_event(&r, 3, XB_VALUE_STRING, "/t", "t", "gamma ", NONE);
    assert_event(&r, 4, XB_VALUE_STRING, "/t", "t", "delta", NONE);
    for (size_t i = 1; i < 5; i++)
        assert_true(r.rec.evs[i].segment);
    assert_false(r.rec.evs[0].segment);
    assert_int_equal(r.rec.evs[1].raw_start, 6);
    assert_int_equal(r.rec.evs[1].raw_end, 12);
    assert_int_equal(r.rec.evs[2].raw_start, 12);
    assert_int_equal(r.rec.evs[4].raw_end, 28);
    assert_spans_consistent(&r, body, 0);
    result_free(&r);

    /* exactly max_value_len bytes: one ordinary event */
    parse_whole(&r, "[\"12345678\"]", &o);
    assert_int_equal(r.rec.n, 1);
    assert_false(r.rec.evs[0].segment);
    result_free(&r);

    /* no whitespace: cut at a character boundary, never inside 中 */
    body = "[\"aaaaaaa中bc\"]";
    parse_whole(&r, body, &o);
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n, 2);
    assert_string_equal(r.rec.evs[0].data, "aaaaaaa");
    assert_string_equal(r.rec.evs[1].data, "中bc");
    assert_int_equal(r.rec.evs[0].raw_end, 9);
    assert_int_equal(r.rec.evs[1].raw_start, 9);
    assert_int_equal(r.rec.evs[1].raw_end, 14);
    assert_spans_consistent(&r, body, 0);
    result_free(&r);

    /* the same with the character split by a chunk boundary */
    size_t cut = 10;
    parse_cuts(&r, body, strlen(body), &cut, 1, &o);
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n, 2);
    assert_string_equal(r.rec.evs[0].data, "aaaaaaa");
    assert_string_equal(r.rec.evs[1].data, "中bc");
    result_free(&r);

    /* escapes in a segmented value: offsets per segment */
    body = "[\"ab\\u4e2dcdefgh\\nij\"]";
    parse_whole(&r, body, &o);
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n, 2);
    assert_string_equal(r.rec.evs[0].data, "ab中cde");
    assert_string_equal(r.rec.evs[1].data, "fgh\nij");
    size_t o0[] = {2, 3, 4, 4, 4, 10, 11, 12, 13};
    assert_memory_equal(r.rec.evs[0].offsets, o0, sizeof(o0));
    size_t o1[] = {13, 14, 15, 16, 18, 19, 20};
    assert_memory_equal(r.rec.evs[1].offsets, o1, sizeof(o1));
    assert_spans_consistent(&r, body, 0);
    result_free(&r);

    /* long numbers too */
    parse_whole(&r, "{\"n\":12345678901234567890}", &o);
    assert_int_equal(r.status, XB_OK);
    size_t pieces;
    char *joined = join_segments(&r, "/n", 8, &pieces);
    assert_string_equal(joined, "12345678901234567890");
    assert_int_equal(pieces, 3);
    assert_int_equal(r.rec.evs[1].kind, XB_VALUE_NUMBER);
    assert_true(r.rec.evs[3].segment);
    free(joined);
    result_free(&r);

    /* keys are never cut: a key longer than max_value_len is a limit */
    parse_whole(&r, "{\"averyverylongkey\":1}", &o);
    assert_int_equal(r.status, XB_ERR_LIMIT);
    assert_string_equal(r.msg, "json: object key longer than 8 bytes at byte 2");
    result_free(&r);
}

static void test_segmentation_is_chunking_independent(void **state)
{
    (void)state;
    /* a long CJK value with escapes, segmented at 16 bytes */
    const char *body = "{\"notes\":\"客户张三 身份证 110101199003077777，手机\\u0031\\u0033800138000。"
                       "地址：北京市朝阳区建国路 88 号 \\ud83d\\ude00 end\"}";
    size_t len = strlen(body);
    opts o = {.max_value_len = 16};
    result whole;
    parse_whole(&whole, body, &o);
    assert_int_equal(whole.status, XB_OK);
    size_t pieces;
    char *joined = join_segments(&whole, "/notes", 16, &pieces);
    assert_string_equal(joined, "客户张三 身份证 110101199003077777，手机13800138000。"
                                "地址：北京市朝阳区建国路 88 号 \xF0\x9F\x98\x80 end");
    assert_true(pieces > 5);
    free(joined);
    assert_spans_consistent(&whole, body, 0);
    char *want = transcript(&whole);
    for (size_t cut = 0; cut <= len; cut++) {
        result r;
        parse_cuts(&r, body, len, &cut, 1, &o);
        char *got = transcript(&r);
        if (strcmp(got, want) != 0)
            fail_msg("split at %zu differs:\n%s\nwant:\n%s", cut, got, want);
        free(got);
        result_free(&r);
    }
    free(want);
    result_free(&whole);
}

/* ---- parameters and the sink ------------------------------------------------ */

static void test_base_offset_and_path_prefix(void **state)
{
    (void)state;
    opts o = {.base_offset = 5000, .path_prefix = "file#"};
    const char *body = "{\"users\":[{\"idNo\":\"1\\n\"}]}";
    result r;
    parse_whole(&r, body, &o);
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n, 3);
    assert_event(&r, 0, XB_VALUE_KEY, "file#/users", "", "users", NONE);
    assert_event(&r, 1, XB_VALUE_KEY, "file#/users/0/idNo", "", "idNo", 0);
    assert_event(&r, 2, XB_VALUE_STRING, "file#/users/0/idNo", "idNo", "1\n", 0);
    assert_int_equal(r.rec.evs[0].raw_start, 5002);
    assert_int_equal(r.rec.evs[2].raw_start, 5019);
    assert_int_equal(r.rec.evs[2].raw_end, 5022);
    size_t offs[] = {5019, 5020, 5022};
    assert_memory_equal(r.rec.evs[2].offsets, offs, sizeof(offs));
    assert_spans_consistent(&r, body, 5000);
    result_free(&r);

    /* a top-level scalar has exactly the prefix as its path */
    parse_whole(&r, "\"x\"", &o);
    assert_event(&r, 0, XB_VALUE_STRING, "file#", "", "x", NONE);
    result_free(&r);
}

static void test_sink_error_stops_the_parse(void **state)
{
    (void)state;
    xb_limits lim;
    xb_limits_default(&lim);
    recorder rec = {0};
    rec.fail_at = 2;
    rec.fail_status = XB_ERR_LIMIT;
    xb_parser_params pp = {.limits = &lim, .sink = {&rec, record_value, NULL}};
    xb_parser *p = xb_json_parser.create(&pp);
    assert_non_null(p);
    const char *body = "{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\"}";
    assert_int_equal(xb_json_parser.feed(p, (const uint8_t *)body, strlen(body)), XB_ERR_LIMIT);
    assert_int_equal(rec.n, 2);
    assert_int_equal(xb_json_parser.finish(p), XB_ERR_LIMIT);
    assert_non_null(strstr(xb_json_parser.error_message(p), "sink"));
    xb_json_parser.destroy(p);
    recorder_free(&rec);
}

static void test_ops_description(void **state)
{
    (void)state;
    assert_string_equal(xb_json_parser.name, "json");
    assert_int_equal(xb_json_parser.syntax, XB_SYNTAX_JSON);
    assert_false(xb_json_parser.records_by_path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_values_paths),
        cmocka_unit_test(test_pointer_escapes_and_unicode_keys),
        cmocka_unit_test(test_array_elements_take_the_enclosing_key),
        cmocka_unit_test(test_top_level_scalars),
        cmocka_unit_test(test_number_forms),
        cmocka_unit_test(test_records_global_counter),
        cmocka_unit_test(test_records_nested_arrays_and_plain_objects),
        cmocka_unit_test(test_ndjson_each_line_is_a_record),
        cmocka_unit_test(test_spans_without_escapes),
        cmocka_unit_test(test_raw_offsets_for_escapes),
        cmocka_unit_test(test_zero_copy_only_without_escapes),
        cmocka_unit_test(test_split_at_every_position),
        cmocka_unit_test(test_one_byte_chunks),
        cmocka_unit_test(test_bom_is_skipped),
        cmocka_unit_test(test_malformed_bodies),
        cmocka_unit_test(test_error_offsets_are_absolute),
        cmocka_unit_test(test_errors_are_sticky),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_segmentation_of_long_values),
        cmocka_unit_test(test_segmentation_is_chunking_independent),
        cmocka_unit_test(test_base_offset_and_path_prefix),
        cmocka_unit_test(test_sink_error_stops_the_parse),
        cmocka_unit_test(test_ops_description),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
