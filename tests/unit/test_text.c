/* test_text.c - the text/plain parser: one value per line, paths "@offset",
 * line records, CR handling, BOM, segments of long lines, UTF-8 and NUL
 * rejection with offsets, charset, chunking at every byte. */
#include "xb_parse_recorder.h"

#include "classifier/parse/xb_text_utf8.h"

#define TEXT (&xb_text_parser)

static void text_whole(presult *r, const char *body, const popts *o)
{
    parse_whole(TEXT, r, body, strlen(body), o);
}

static void test_lines_paths_records(void **state)
{
    (void)state;
    const char *body = "alpha\nbeta\r\n\ngamma one\n";
    presult r;
    text_whole(&r, body, NULL);
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n, 3);
    assert_ev(&r, 0, XB_VALUE_TEXT, "@0", "", "alpha", 0);
    assert_ev(&r, 1, XB_VALUE_TEXT, "@6", "", "beta", 1);
    /* the empty line is not reported but has record 2 */
    assert_ev(&r, 2, XB_VALUE_TEXT, "@13", "", "gamma one", 3);
    assert_int_equal(ev_at(&r, 1)->raw_start, 6);
    assert_int_equal(ev_at(&r, 1)->raw_end, 10); /* CR excluded */
    assert_int_equal(ev_at(&r, 2)->raw_end, 22);
    for (size_t i = 0; i < r.rec.n; i++) {
        assert_int_equal(ev_at(&r, i)->syntax, XB_SYNTAX_TEXT);
        assert_true(ev_at(&r, i)->exact);
        assert_null(ev_at(&r, i)->offsets);
        assert_false(ev_at(&r, i)->segment);
        assert_true(ev_at(&r, i)->zero_copy);
    }
    assert_identity_spans(&r.rec, body, 0);
    presult_free(&r);
}

static void test_cr_handling(void **state)
{
    (void)state;
    /* a lone CR inside a line stays, a CR at the end of the body goes */
    const char *body = "a\rb\r\nlast\r";
    presult r;
    text_whole(&r, body, NULL);
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n, 2);
    assert_ev(&r, 0, XB_VALUE_TEXT, "@0", "", "a\rb", 0);
    assert_ev(&r, 1, XB_VALUE_TEXT, "@5", "", "last", 1);
    assert_int_equal(ev_at(&r, 1)->raw_end, 9);
    presult_free(&r);

    /* CRLF split between chunks: the CR is not part of the line */
    size_t cut = 4;
    parse_cuts(TEXT, &r, "abc\r\nxyz", 8, &cut, 1, NULL);
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n, 2);
    assert_ev(&r, 0, XB_VALUE_TEXT, "@0", "", "abc", 0);
    assert_int_equal(ev_at(&r, 0)->raw_end, 3);
    assert_false(ev_at(&r, 0)->zero_copy);
    assert_ev(&r, 1, XB_VALUE_TEXT, "@5", "", "xyz", 1);
    presult_free(&r);
}

static void test_realistic_body_every_split(void **state)
{
    (void)state;
    size_t len;
    char *body = xb_test_read_file("tests/data/text/support-notes.txt", &len);
    presult r;
    assert_chunking_invariant(TEXT, body, len, NULL, false, &r);
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n, 4);
    assert_string_equal(ev_at(&r, 0)->data, "客服记录 2024-11-05");
    assert_int_equal(ev_at(&r, 0)->record, 0);
    const rec_event *e = ev_at(&r, 1);
    assert_int_equal(e->record, 1);
    assert_non_null(strstr(e->data, "110105194912310021"));
    char expect[32];
    snprintf(expect, sizeof(expect), "@%zu", e->raw_start);
    assert_string_equal(e->path, expect);
    /* the empty CRLF line is record 2; the next line is record 3 */
    assert_int_equal(ev_at(&r, 2)->record, 3);
    assert_non_null(strstr(ev_at(&r, 2)->data, "上海市浦东新区"));
    /* the last line has no LF */
    assert_int_equal(ev_at(&r, 3)->record, 4);
    assert_int_equal(ev_at(&r, 3)->raw_end, len);
    assert_identity_spans(&r.rec, body, 0);
    presult_free(&r);
    free(body);
}

static void test_bom_is_skipped(void **state)
{
    (void)state;
    const char *body = "\xEF\xBB\xBFhello\nworld";
    presult r;
    assert_chunking_invariant(TEXT, body, strlen(body), NULL, false, &r);
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n, 2);
    assert_ev(&r, 0, XB_VALUE_TEXT, "@3", "", "hello", 0);
    assert_int_equal(ev_at(&r, 0)->raw_start, 3);
    assert_ev(&r, 1, XB_VALUE_TEXT, "@9", "", "world", 1);
    presult_free(&r);

    /* EF BB 80 is U+FEC0, not a BOM: it stays in the line */
    const char *notbom = "\xEF\xBB\x80x\n";
    assert_chunking_invariant(TEXT, notbom, strlen(notbom), NULL, false, &r);
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n, 1);
    assert_ev(&r, 0, XB_VALUE_TEXT, "@0", "", "\xEF\xBB\x80x", 0);
    presult_free(&r);

    /* a body that is only a BOM has no values */
    text_whole(&r, "\xEF\xBB\xBF", NULL);
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n, 0);
    presult_free(&r);
}

static void assert_text_error(const char *body, size_t len, size_t at, size_t values)
{
    presult r;
    char expect[128];
    snprintf(expect, sizeof(expect), "text: binary or non-UTF-8 content at byte %zu", at);
    parse_whole(TEXT, &r, body, len, NULL);
    assert_int_equal(r.status, XB_ERR_MALFORMED);
    assert_string_equal(r.msg, expect);
    assert_int_equal(r.rec.n, values);
    presult_free(&r);
    parse_chunked(TEXT, &r, body, len, 1, NULL);
    assert_int_equal(r.status, XB_ERR_MALFORMED);
    assert_string_equal(r.msg, expect);
    assert_int_equal(r.rec.n, values);
    presult_free(&r);
}

static void test_binary_and_invalid_utf8(void **state)
{
    (void)state;
    assert_text_error("ok\nab\xC3(", 7, 5, 1);        /* bad continuation */
    assert_text_error("abc\0def\n", 8, 3, 0);          /* NUL byte */
    assert_text_error("x\n\xC0\xAF", 4, 2, 1);          /* overlong '/' */
    assert_text_error("\xED\xA0\x80\n", 4, 0, 0);       /* surrogate */
    assert_text_error("ab\xF4\x90\x80\x80", 6, 2, 0);   /* above U+10FFFF */
    assert_text_error("abc\xE4\xB8", 5, 3, 0);          /* cut at end of body */
    assert_text_error("\x89PNG\r\n\x1a\n", 8, 0, 0);    /* an image */
    /* the error is sticky */
    xb_limits lim;
    xb_limits_default(&lim);
    xb_parser_params pp = {0};
    pp.limits = &lim;
    xb_parser *p = TEXT->create(&pp);
    assert_non_null(p);
    assert_int_equal(TEXT->feed(p, (const uint8_t *)"\xFF\n", 2), XB_ERR_MALFORMED);
    assert_int_equal(TEXT->feed(p, (const uint8_t *)"fine\n", 5), XB_ERR_MALFORMED);
    assert_int_equal(TEXT->finish(p), XB_ERR_MALFORMED);
    assert_string_equal(TEXT->error_message(p), "text: binary or non-UTF-8 content at byte 0");
    TEXT->destroy(p);
}

static void test_charset(void **state)
{
    (void)state;
    presult r;
    popts o = {0};
    o.content_type = "text/plain; charset=GBK";
    text_whole(&r, "abc\n", &o);
    assert_int_equal(r.status, XB_ERR_UNSUPPORTED);
    assert_string_equal(r.msg, "text: charset GBK is not supported");
    assert_int_equal(r.rec.n, 0);
    presult_free(&r);
    /* also for an empty body */
    text_whole(&r, "", &o);
    assert_int_equal(r.status, XB_ERR_UNSUPPORTED);
    presult_free(&r);
    const char *ok[] = {"text/plain; charset=utf-8", "text/plain;charset=\"UTF-8\"",
                        "text/plain; charset=us-ascii", "text/plain"};
    for (size_t i = 0; i < 4; i++) {
        o.content_type = ok[i];
        text_whole(&r, "abc\n", &o);
        assert_int_equal(r.status, XB_OK);
        assert_int_equal(r.rec.n, 1);
        presult_free(&r);
    }
}

static void test_long_lines_are_segmented(void **state)
{
    (void)state;
    popts o = {0};
    o.max_value_len = 16;
    const char *body = "the quick brown fox jumps over the lazy dog again\nend\n";
    presult r;
    assert_chunking_invariant(TEXT, body, strlen(body), &o, false, &r);
    assert_int_equal(r.status, XB_OK);
    xb_buf joined = XB_BUF_INIT;
    size_t i = 0;
    size_t expect_start = 0;
    for (; i < r.rec.n && strcmp(ev_at(&r, i)->data, "end"); i++) {
        const rec_event *e = ev_at(&r, i);
        assert_true(e->segment);
        assert_true(e->len <= 16);
        assert_string_equal(e->path, "@0");
        assert_int_equal(e->record, 0);
        assert_int_equal(e->raw_start, expect_start);
        expect_start = e->raw_end;
        /* cut after a space, except the last piece */
        if (e->raw_end != 49)
            assert_int_equal(e->data[e->len - 1], ' ');
        xb_buf_append(&joined, e->data, e->len);
    }
    assert_true(i >= 4);
    assert_int_equal(expect_start, 49);
    assert_string_equal(xb_buf_cstr(&joined), "the quick brown fox jumps over the lazy dog again");
    assert_ev(&r, i, XB_VALUE_TEXT, "@50", "", "end", 1);
    assert_false(ev_at(&r, i)->segment);
    assert_identity_spans(&r.rec, body, 0);
    xb_buf_free(&joined);
    presult_free(&r);

    /* CJK without spaces: cuts at character boundaries (3-byte characters) */
    const char *cjk = "身份证号码一二三四五六七八九十甲乙丙丁\n";
    assert_chunking_invariant(TEXT, cjk, strlen(cjk), &o, false, &r);
    assert_int_equal(r.status, XB_OK);
    assert_true(r.rec.n >= 4);
    xb_buf_reset(&joined);
    for (i = 0; i < r.rec.n; i++) {
        const rec_event *e = ev_at(&r, i);
        assert_int_equal(e->len % 3, 0);
        assert_true(e->len <= 16 && e->len > 0);
        assert_true(e->segment);
        xb_buf_append(&joined, e->data, e->len);
    }
    assert_int_equal(joined.len, strlen(cjk) - 1);
    assert_memory_equal(joined.data, cjk, joined.len);
    assert_identity_spans(&r.rec, cjk, 0);
    xb_buf_free(&joined);
    presult_free(&r);
}

static void test_base_offset_and_prefix(void **state)
{
    (void)state;
    popts o = {0};
    o.base_offset = 1000;
    o.path_prefix = "notes.txt#";
    presult r;
    text_whole(&r, "one\ntwo\xFF", &o);
    assert_int_equal(r.status, XB_ERR_MALFORMED);
    assert_string_equal(r.msg, "text: binary or non-UTF-8 content at byte 1007");
    assert_int_equal(r.rec.n, 1);
    assert_ev(&r, 0, XB_VALUE_TEXT, "notes.txt#@1000", "", "one", 0);
    assert_int_equal(ev_at(&r, 0)->raw_start, 1000);
    assert_int_equal(ev_at(&r, 0)->raw_end, 1003);
    presult_free(&r);
}

static void test_sink_error_stops(void **state)
{
    (void)state;
    popts o = {0};
    o.fail_at = 2;
    o.fail_status = XB_ERR_LIMIT;
    presult r;
    text_whole(&r, "a\nb\nc\n", &o);
    assert_int_equal(r.status, XB_ERR_LIMIT);
    assert_int_equal(r.rec.n, 2);
    assert_string_equal(r.msg, "text: value sink stopped the parse (limit_exceeded) at byte 3");
    presult_free(&r);
}

static void test_empty_body_and_ops(void **state)
{
    (void)state;
    presult r;
    text_whole(&r, "", NULL);
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n, 0);
    presult_free(&r);
    text_whole(&r, "\n\r\n\n", NULL);
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n, 0);
    presult_free(&r);
    assert_string_equal(TEXT->name, "text");
    assert_int_equal(TEXT->syntax, XB_SYNTAX_TEXT);
    assert_false(TEXT->records_by_path);
}

/* Reference for the UTF-8 check: well-formed byte sequences as listed in
 * Unicode Table 3-7, one character at a time. */
static size_t reference_check(const uint8_t *s, size_t n, bool reject_nul)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        size_t len;
        uint8_t lo = 0x80, hi = 0xBF;
        if (c <= 0x7F) {
            if (c == 0 && reject_nul)
                return i;
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            len = 2;
        else if (c == 0xE0)
            len = 3, lo = 0xA0;
        else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF)
            len = 3;
        else if (c == 0xED)
            len = 3, hi = 0x9F;
        else if (c == 0xF0)
            len = 4, lo = 0x90;
        else if (c >= 0xF1 && c <= 0xF3)
            len = 4;
        else if (c == 0xF4)
            len = 4, hi = 0x8F;
        else
            return i;
        if (n - i < len || s[i + 1] < lo || s[i + 1] > hi)
            return i;
        for (size_t k = 2; k < len; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xBF)
                return i;
        i += len;
    }
    return n;
}

static void test_utf8_check_matches_reference(void **state)
{
    (void)state;
    static const uint8_t tails[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90,
                                    0x9F, 0xA0, 0xBF, 0xC0, 0xE4, 0xFF};
    uint8_t buf[32];
    size_t checked = 0;
    for (unsigned b0 = 0; b0 < 256; b0++) {
        for (unsigned b1 = 0; b1 < 256; b1++) {
            if (b0 < 0x80 && b1 > 0)
                break;
            for (size_t t2 = 0; t2 < sizeof(tails); t2++) {
                for (size_t t3 = 0; t3 < sizeof(tails); t3++) {
                    /* the sequence at the start, in the middle (fast path)
                     * and near the end (exact tail path) */
                    for (size_t pad = 0; pad < 3; pad++) {
                        size_t pre = pad == 0 ? 0 : pad == 1 ? 5 : 11, n = 0;
                        memset(buf, 'a', pre);
                        n = pre;
                        buf[n++] = (uint8_t)b0;
                        buf[n++] = (uint8_t)b1;
                        buf[n++] = tails[t2];
                        buf[n++] = tails[t3];
                        size_t post = pad == 2 ? 0 : 9;
                        memset(buf + n, 'b', post);
                        n += post;
                        for (size_t cut = n - 3; cut <= n; cut++) {
                            for (int nul = 0; nul < 2; nul++) {
                                size_t want = reference_check(buf, cut, nul);
                                size_t got = xbt_utf8_check(buf, cut, nul);
                                if (want != got)
                                    fail_msg("%02x %02x %02x %02x pre %zu len %zu nul %d: "
                                             "want %zu got %zu", b0, b1, tails[t2], tails[t3],
                                             pre, cut, nul, want, got);
                                checked++;
                            }
                        }
                    }
                }
            }
        }
    }
    assert_true(checked > 1000000);
    /* complete-prefix helper: never ends inside a character */
    const uint8_t cjk[] = "\xe8\xba\xab\xe4\xbb\xbd";
    assert_int_equal(xbt_utf8_complete(cjk, 6), 6);
    assert_int_equal(xbt_utf8_complete(cjk, 5), 3);
    assert_int_equal(xbt_utf8_complete(cjk, 4), 3);
    assert_int_equal(xbt_utf8_complete(cjk, 3), 3);
    assert_int_equal(xbt_utf8_complete(cjk, 1), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines_paths_records),
        cmocka_unit_test(test_cr_handling),
        cmocka_unit_test(test_realistic_body_every_split),
        cmocka_unit_test(test_bom_is_skipped),
        cmocka_unit_test(test_binary_and_invalid_utf8),
        cmocka_unit_test(test_charset),
        cmocka_unit_test(test_long_lines_are_segmented),
        cmocka_unit_test(test_base_offset_and_prefix),
        cmocka_unit_test(test_sink_error_stops),
        cmocka_unit_test(test_empty_body_and_ops),
        cmocka_unit_test(test_utf8_check_matches_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
