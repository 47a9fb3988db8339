/* test_text.c - text/plain parser: lines, paths, spans, segments, binary. */
#include "xb_test.h"

#include "classifier/parse/xb_parser.h"

typedef struct {
    char events[4096];
    size_t n;
} transcript;

static xb_status on_value(void *ctx, const xb_value *v)
{
    transcript *t = ctx;
    t->n += (size_t)snprintf(t->events + t->n, sizeof(t->events) - t->n,
                             "%.*s|%.*s|%zu-%zu|r%lld|%d\n", (int)v->path_len, v->path,
                             (int)v->len, (const char *)v->data, v->raw_start, v->raw_end,
                             (long long)v->record, v->segment);
    return XB_OK;
}

static xb_status run(const char *body, size_t split, size_t max_value, transcript *t,
                     const char *ctype, char *err, size_t err_size)
{
    xb_limits lim;
    xb_limits_default(&lim);
    if (max_value)
        lim.max_value_len = max_value;
    xb_parser_params pp;
    memset(&pp, 0, sizeof(pp));
    pp.limits = &lim;
    pp.sink.ctx = t;
    pp.sink.value = on_value;
    pp.content_type = ctype;
    memset(t, 0, sizeof(*t));
    xb_parser *p = xb_text_parser.create(&pp);
    size_t n = strlen(body);
    if (split > n)
        split = n;
    xb_status st = xb_text_parser.feed(p, (const uint8_t *)body, split);
    if (st == XB_OK)
        st = xb_text_parser.feed(p, (const uint8_t *)body + split, n - split);
    if (st == XB_OK)
        st = xb_text_parser.finish(p);
    if (err)
        snprintf(err, err_size, "%s", xb_text_parser.error_message(p));
    xb_text_parser.destroy(p);
    return st;
}

static void test_lines_paths_records(void **state)
{
    (void)state;
    transcript t;
    const char *body = "客户张伟\r\n手机13800138000\n\nlast";
    assert_int_equal(run(body, 0, 0, &t, "text/plain", NULL, 0), XB_OK);
    assert_string_equal(t.events,
                        "@0|客户张伟|0-12|r0|0\n"
                        "@14|手机13800138000|14-31|r1|0\n"
                        "@33|last|33-37|r3|0\n");
}

static void test_every_split_is_identical(void **state)
{
    (void)state;
    const char *body = "第一行 身份证 11010519491231002X\n第二行 13800138000\n";
    transcript whole, part;
    assert_int_equal(run(body, 0, 0, &whole, NULL, NULL, 0), XB_OK);
    for (size_t i = 0; i <= strlen(body); i++) {
        assert_int_equal(run(body, i, 0, &part, NULL, NULL, 0), XB_OK);
        assert_string_equal(whole.events, part.events);
    }
}

static void test_long_line_segments(void **state)
{
    (void)state;
    transcript t;
    assert_int_equal(run("aaaa bbbb cccc dddd eeee ffff gggg", 0, 16, &t, NULL, NULL, 0), XB_OK);
    assert_non_null(strstr(t.events, "|1\n"));
    /* every segment keeps its exact offsets */
    assert_non_null(strstr(t.events, "@0|aaaa bbbb cccc |0-15|r0|1\n"));
}

static void test_binary_is_refused(void **state)
{
    (void)state;
    transcript t;
    char err[200];
    const char bin[] = "abc\x00" "def";
    xb_limits lim;
    xb_limits_default(&lim);
    xb_parser_params pp;
    memset(&pp, 0, sizeof(pp));
    pp.limits = &lim;
    pp.sink.ctx = &t;
    pp.sink.value = on_value;
    memset(&t, 0, sizeof(t));
    xb_parser *p = xb_text_parser.create(&pp);
    assert_int_equal(xb_text_parser.feed(p, (const uint8_t *)bin, 7), XB_ERR_MALFORMED);
    assert_non_null(strstr(xb_text_parser.error_message(p), "byte 3"));
    xb_text_parser.destroy(p);
    assert_int_equal(run("caf\xe9", 0, 0, &t, NULL, err, sizeof(err)), XB_ERR_MALFORMED);
    assert_int_equal(run("abc", 0, 0, &t, "text/plain; charset=GBK", err, sizeof(err)),
                     XB_ERR_UNSUPPORTED);
    assert_non_null(strstr(err, "GBK"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines_paths_records),
        cmocka_unit_test(test_every_split_is_identical),
        cmocka_unit_test(test_long_line_segments),
        cmocka_unit_test(test_binary_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
