/* test_rewrite.c - applying span edits to bodies: JSON with escapes and
 * number tokens, XML with entities and CDATA, form percent-encoding, CSV
 * quoting, bodies split into many chunks, piece plans, refused edits, and
 * findings -> edits with overlapping findings merged. */
#include "xb_test.h"

#include "classifier/core/xb_buf.h"
#include "classifier/parse/xb_parser.h"
#include "classifier/transform/xb_mask_edits.h"
#include "classifier/transform/xb_rewrite.h"

/* ---- helpers --------------------------------------------------------------- */

static xb_span span_after(const char *body, const char *needle, size_t after)
{
    const char *p = strstr(body + after, needle);
    if (!p)
        fail_msg("'%s' not in body", needle);
    xb_span s = {(size_t)(p - body), (size_t)(p - body) + strlen(needle)};
    return s;
}

static xb_span span_of(const char *body, const char *needle)
{
    return span_after(body, needle, 0);
}

static xb_span no_ctx(void)
{
    xb_span s = {0, 0};
    return s;
}

static void add(xb_edit_list *l, xb_span span, xb_span ctx, const char *text,
                xb_syntax syn)
{
    assert_int_equal(xb_edit_list_add(l, span, ctx, text, strlen(text), syn, true), XB_OK);
}

/* Rewrite a single-chunk body; returns the new body (malloc'd) or NULL with
 * *st set when refused. */
static char *rewrite(const char *body, const xb_edit_list *l, xb_status *st)
{
    xb_chunk c = {(const uint8_t *)body, strlen(body)};
    xb_buf out = XB_BUF_INIT;
    *st = xb_rewrite_to_buf(&c, 1, l->items, l->n, &out);
    if (*st != XB_OK) {
        assert_int_equal(out.len, 0);
        xb_buf_free(&out);
        return NULL;
    }
    return xb_buf_take(&out);
}

static xb_status ignore_value(void *ctx, const xb_value *v)
{
    (void)v;
    (*(size_t *)ctx)++;
    return XB_OK;
}

/* Does the JSON parser accept the text? Returns the number of values. */
static size_t json_values(const char *s, xb_status *st)
{
    xb_limits lim;
    xb_limits_default(&lim);
    size_t count = 0;
    xb_parser_params pp;
    memset(&pp, 0, sizeof(pp));
    pp.limits = &lim;
    pp.sink.ctx = &count;
    pp.sink.value = ignore_value;
    pp.content_type = "application/json";
    xb_parser *p = xb_json_parser.create(&pp);
    assert_non_null(p);
    *st = xb_json_parser.feed(p, (const uint8_t *)s, strlen(s));
    if (*st == XB_OK)
        *st = xb_json_parser.finish(p);
    xb_json_parser.destroy(p);
    return count;
}

/* ---- JSON ------------------------------------------------------------------ */

static const char json_body[] =
    "{\"note\":\"call\\n13800138000 now\",\"name\":\"\\u5f20\\u4e09\","
    "\"phone\":13800138000,\"lat\":39.904211}";

static void test_json_escapes_and_numbers(void **state)
{
    (void)state;
    const char *b = json_body;
    xb_edit_list l = XB_EDIT_LIST_INIT;
    xb_span note = span_of(b, "call\\n13800138000 now");
    add(&l, span_of(b, "13800138000"), note, "138****8000", XB_SYNTAX_JSON);
    /* The span of a value written with \u escapes covers the escapes; the
     * replacement goes in as raw UTF-8. */
    xb_span name = span_of(b, "\\u5f20\\u4e09");
    add(&l, name, name, "张*", XB_SYNTAX_JSON);
    /* A mobile written as a JSON number becomes a JSON string. */
    xb_span phone = span_after(b, "13800138000", note.end);
    add(&l, phone, phone, "138****8000", XB_SYNTAX_JSON);
    /* A rounded coordinate stays a number. */
    xb_span lat = span_of(b, "39.904211");
    add(&l, lat, lat, "39.90", XB_SYNTAX_JSON);
    xb_status st;
    char *out = rewrite(b, &l, &st);
    assert_int_equal(st, XB_OK);
    assert_string_equal(out, "{\"note\":\"call\\n138****8000 now\",\"name\":\"张*\","
                             "\"phone\":\"138****8000\",\"lat\":39.90}");
    assert_int_equal(json_values(out, &st), 8); /* 4 keys + 4 values */
    assert_int_equal(st, XB_OK);
    free(out);
    xb_edit_list_free(&l);
}

static void test_json_replacement_needing_escapes(void **state)
{
    (void)state;
    const char *b = "[\"abc 13800138000 def\"]";
    xb_edit_list l = XB_EDIT_LIST_INIT;
    add(&l, span_of(b, "13800138000"), span_of(b, "abc 13800138000 def"),
        "q\"\\\n\x01\xe2\x80\x8b", XB_SYNTAX_JSON);
    xb_status st;
    char *out = rewrite(b, &l, &st);
    assert_int_equal(st, XB_OK);
    assert_string_equal(out, "[\"abc q\\\"\\\\\\n\\u0001\xe2\x80\x8b def\"]");
    json_values(out, &st);
    assert_int_equal(st, XB_OK);
    free(out);
    xb_edit_list_free(&l);

    /* Part of a number token cannot be replaced, not even by digits. */
    const char *n = "{\"a\":13800138000}";
    xb_span tok = span_of(n, "13800138000");
    xb_span part = {tok.start + 3, tok.end};
    add(&l, part, tok, "****", XB_SYNTAX_JSON);
    assert_null(rewrite(n, &l, &st));
    assert_int_equal(st, XB_ERR_INVALID);
    xb_edit_list_free(&l);
    add(&l, part, tok, "00000000", XB_SYNTAX_JSON);
    assert_null(rewrite(n, &l, &st));
    assert_int_equal(st, XB_ERR_INVALID);
    xb_edit_list_free(&l);
    /* The whole token may become another number, or a string. */
    add(&l, tok, tok, "-1.5e3", XB_SYNTAX_JSON);
    char *ok = rewrite(n, &l, &st);
    assert_non_null(ok);
    assert_string_equal(ok, "{\"a\":-1.5e3}");
    free(ok);
    xb_edit_list_free(&l);
    add(&l, tok, tok, "01", XB_SYNTAX_JSON);
    ok = rewrite(n, &l, &st);
    assert_non_null(ok);
    assert_string_equal(ok, "{\"a\":\"01\"}");
    free(ok);
    xb_edit_list_free(&l);
}

/* ---- XML ------------------------------------------------------------------- */

static void test_xml_entities_and_cdata(void **state)
{
    (void)state;
    const char *b = "<p name=\"A&amp;B\"><n>x &amp; 张三</n>"
                    "<c><![CDATA[tel 13800138000]]></c></p>";
    xb_edit_list l = XB_EDIT_LIST_INIT;
    xb_span attr = span_of(b, "A&amp;B");
    add(&l, attr, attr, "<A&B>\"'", XB_SYNTAX_XML);
    add(&l, span_of(b, "张三"), span_of(b, "x &amp; 张三"), "张*\t", XB_SYNTAX_XML);
    add(&l, span_of(b, "13800138000"), span_of(b, "tel 13800138000"), "1&<*", XB_SYNTAX_XML);
    xb_status st;
    char *out = rewrite(b, &l, &st);
    assert_int_equal(st, XB_OK);
    assert_string_equal(out, "<p name=\"&lt;A&amp;B&gt;&quot;&apos;\"><n>x &amp; 张*&#9;</n>"
                             "<c><![CDATA[tel 1&<*]]></c></p>");
    free(out);
    xb_edit_list_free(&l);

    /* CDATA cannot hold "]]>"; XML cannot hold control characters. */
    add(&l, span_of(b, "13800138000"), span_of(b, "tel 13800138000"), "]]>", XB_SYNTAX_XML);
    assert_null(rewrite(b, &l, &st));
    assert_int_equal(st, XB_ERR_INVALID);
    xb_edit_list_free(&l);
    add(&l, span_of(b, "张三"), span_of(b, "x &amp; 张三"), "\x01", XB_SYNTAX_XML);
    assert_null(rewrite(b, &l, &st));
    xb_edit_list_free(&l);
}

/* ---- form ------------------------------------------------------------------ */

static void test_form_percent_encoding(void **state)
{
    (void)state;
    const char *b = "name=%E5%BC%A0%E4%B8%89&tel=138+0013+8000&x=a%2Bb";
    xb_edit_list l = XB_EDIT_LIST_INIT;
    xb_span name = span_of(b, "%E5%BC%A0%E4%B8%89");
    add(&l, name, name, "张*", XB_SYNTAX_FORM);
    xb_span tel = span_of(b, "138+0013+8000");
    add(&l, tel, tel, "138 **** 8000", XB_SYNTAX_FORM);
    xb_span x = span_of(b, "a%2Bb");
    add(&l, x, x, "a+b&c=d~", XB_SYNTAX_FORM);
    xb_status st;
    char *out = rewrite(b, &l, &st);
    assert_int_equal(st, XB_OK);
    assert_string_equal(out, "name=%E5%BC%A0*&tel=138+****+8000&x=a%2Bb%26c%3Dd%7E");
    free(out);
    xb_edit_list_free(&l);
}

/* ---- CSV ------------------------------------------------------------------- */

static void test_csv_quoting(void **state)
{
    (void)state;
    const char *b = "name,tel,note\n张三,13800138000,\"say \"\"hi\"\", 13900139000\"\n";
    xb_edit_list l = XB_EDIT_LIST_INIT;
    xb_span name = span_of(b, "张三");
    add(&l, name, name, "张*", XB_SYNTAX_CSV);
    xb_span tel = span_of(b, "13800138000");
    /* Whole unquoted cell, replacement with a comma: written quoted. */
    add(&l, tel, tel, "138,\"x\"", XB_SYNTAX_CSV);
    /* Inside a quoted cell (the span excludes the quotes): '"' doubled. */
    xb_span note = span_of(b, "say \"\"hi\"\", 13900139000");
    add(&l, span_of(b, "13900139000"), note, "139\"9000", XB_SYNTAX_CSV);
    xb_status st;
    char *out = rewrite(b, &l, &st);
    assert_int_equal(st, XB_OK);
    assert_string_equal(out, "name,tel,note\n张*,\"138,\"\"x\"\"\",\"say \"\"hi\"\", 139\"\"9000\"\n");
    free(out);
    xb_edit_list_free(&l);

    /* Part of an unquoted cell cannot take a comma. */
    xb_span part = {tel.start, tel.start + 3};
    add(&l, part, tel, "1,3", XB_SYNTAX_CSV);
    assert_null(rewrite(b, &l, &st));
    assert_int_equal(st, XB_ERR_INVALID);
    xb_edit_list_free(&l);
}

/* ---- chunks and plans -------------------------------------------------------- */

static void test_chunked_body_and_plan(void **state)
{
    (void)state;
    const char *b = json_body;
    size_t n = strlen(b);
    xb_edit_list l = XB_EDIT_LIST_INIT;
    xb_span name = span_of(b, "\\u5f20\\u4e09");
    add(&l, span_of(b, "13800138000"), span_of(b, "call\\n13800138000 now"), "138****8000",
        XB_SYNTAX_JSON);
    add(&l, name, name, "张*", XB_SYNTAX_JSON);
    xb_span ins = {1, 1};
    add(&l, ins, no_ctx(), "", XB_SYNTAX_TEXT); /* empty insertion: no piece */

    xb_status st;
    xb_edit_list_sort(&l);
    char *want = rewrite(b, &l, &st);
    assert_int_equal(st, XB_OK);

    /* Split into chunks of 1..7 bytes (each its own heap block, with empty
     * chunks in between). */
    for (size_t size = 1; size <= 7; size++) {
        xb_chunk chunks[512];
        size_t nc = 0;
        for (size_t off = 0; off < n; off += size) {
            size_t len = n - off < size ? n - off : size;
            uint8_t *p = malloc(len);
            memcpy(p, b + off, len);
            chunks[nc].data = p;
            chunks[nc++].len = len;
            if (off % 3 == 0) {
                chunks[nc].data = NULL;
                chunks[nc++].len = 0;
            }
        }
        xb_buf out = XB_BUF_INIT;
        assert_int_equal(xb_rewrite_to_buf(chunks, nc, l.items, l.n, &out), XB_OK);
        assert_int_equal(out.len, strlen(want));
        assert_memory_equal(out.data, want, out.len);
        xb_buf_free(&out);

        xb_rewrite_plan plan = XB_REWRITE_PLAN_INIT;
        assert_int_equal(xb_rewrite_plan_build(chunks, nc, l.items, l.n, &plan), XB_OK);
        assert_int_equal(plan.total_len, strlen(want));
        xb_buf joined = XB_BUF_INIT;
        for (size_t i = 0; i < plan.n_pieces; i++) {
            const xb_piece *pc = &plan.pieces[i];
            assert_true(pc->len > 0);
            if (!pc->replaced) {
                bool inside = false;
                for (size_t c = 0; c < nc && !inside; c++)
                    inside = chunks[c].len && pc->data >= chunks[c].data &&
                             pc->data + pc->len <= chunks[c].data + chunks[c].len;
                assert_true(inside); /* zero copy: points into a chunk */
            }
            assert_int_equal(xb_buf_append(&joined, pc->data, pc->len), XB_OK);
        }
        assert_int_equal(joined.len, strlen(want));
        assert_memory_equal(joined.data, want, joined.len);
        xb_buf_free(&joined);
        xb_rewrite_plan_free(&plan);
        for (size_t c = 0; c < nc; c++)
            free((void *)chunks[c].data);
    }
    free(want);
    xb_edit_list_free(&l);
}

static void test_insertions_and_sorting(void **state)
{
    (void)state;
    const char *b = "abcdef";
    xb_edit_list l = XB_EDIT_LIST_INIT;
    xb_span r = {2, 4}, i2 = {2, 2}, i4 = {4, 4};
    add(&l, i4, no_ctx(), "[4a]", XB_SYNTAX_TEXT);
    add(&l, r, no_ctx(), "XY", XB_SYNTAX_TEXT);
    add(&l, i2, no_ctx(), "[2]", XB_SYNTAX_TEXT);
    add(&l, i4, no_ctx(), "[4b]", XB_SYNTAX_TEXT);
    xb_status st;
    assert_null(rewrite(b, &l, &st)); /* not sorted yet */
    assert_int_equal(st, XB_ERR_INVALID);
    xb_edit_list_sort(&l);
    char *out = rewrite(b, &l, &st);
    assert_string_equal(out, "ab[2]XY[4a][4b]ef");
    free(out);
    xb_edit_list_free(&l);
}

static void test_invalid_edits_refused(void **state)
{
    (void)state;
    const char *b = "{\"a\":\"0123456789\"}";
    xb_span ctx = span_of(b, "0123456789");
    xb_status st;
    size_t bad = 99;
    struct {
        xb_span span;
        xb_span ctx;
        const char *text;
        xb_syntax syn;
        bool exact;
    } cases[] = {
        {{7, 9}, {6, 16}, "x", XB_SYNTAX_JSON, false},  /* not exact */
        {{7, 40}, {0, 0}, "x", XB_SYNTAX_JSON, true},   /* outside the body */
        {{9, 7}, {0, 0}, "x", XB_SYNTAX_JSON, true},    /* reversed */
        {{2, 9}, {6, 16}, "x", XB_SYNTAX_JSON, true},   /* outside context */
        {{7, 9}, {6, 16}, "\xff", XB_SYNTAX_JSON, true},/* invalid UTF-8 */
        {{7, 9}, {6, 16}, "x", XB_SYNTAX_NONE, true},   /* no syntax */
    };
    assert_int_equal(ctx.start, 6);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        xb_edit_list l = XB_EDIT_LIST_INIT;
        assert_int_equal(xb_edit_list_add(&l, cases[i].span, cases[i].ctx, cases[i].text,
                                          strlen(cases[i].text), cases[i].syn,
                                          cases[i].exact),
                         XB_OK);
        assert_null(rewrite(b, &l, &st));
        assert_int_equal(st, XB_ERR_INVALID);
        assert_int_equal(xb_edits_check(l.items, l.n, strlen(b), &bad), XB_ERR_INVALID);
        assert_int_equal(bad, 0);
        xb_edit_list_free(&l);
    }
    /* Overlapping edits. */
    xb_edit_list l = XB_EDIT_LIST_INIT;
    xb_span a = {7, 10}, c = {9, 12};
    add(&l, a, ctx, "x", XB_SYNTAX_JSON);
    add(&l, c, ctx, "y", XB_SYNTAX_JSON);
    assert_int_equal(xb_edits_check(l.items, l.n, strlen(b), &bad), XB_ERR_INVALID);
    assert_int_equal(bad, 1);
    xb_buf out = XB_BUF_INIT;
    assert_int_equal(xb_buf_append_str(&out, "keep"), XB_OK);
    xb_chunk ch = {(const uint8_t *)b, strlen(b)};
    assert_int_equal(xb_rewrite_to_buf(&ch, 1, l.items, l.n, &out), XB_ERR_INVALID);
    assert_int_equal(out.len, 4); /* untouched */
    xb_rewrite_plan plan = XB_REWRITE_PLAN_INIT;
    assert_int_equal(xb_rewrite_plan_build(&ch, 1, l.items, l.n, &plan), XB_ERR_INVALID);
    assert_int_equal(plan.n_pieces, 0);
    xb_rewrite_plan_free(&plan);
    xb_buf_free(&out);
    xb_edit_list_free(&l);
}

/* ---- findings -> edits -------------------------------------------------------- */

static xb_finding finding(const char *body, xb_span span, xb_span value_span,
                          const char *detector, const char *value, xb_syntax syn)
{
    (void)body;
    xb_finding f;
    memset(&f, 0, sizeof(f));
    f.span = span;
    f.value_span = value_span;
    f.exact = true;
    f.syntax = syn;
    f.detector = detector;
    f.value = (char *)value;
    f.record = XB_RECORD_NONE;
    return f;
}

static void test_mask_edits_from_findings(void **state)
{
    (void)state;
    const char *b = "{\"addr\":\"北京市朝阳区建国路88号 13800138000\","
                    "\"id\":\"11010519491231002X\",\"tel\":13800138000,"
                    "\"mail\":\"13900139000@163.com\",\"x\":\"AB12345678CD\"}";
    xb_span addr_v = span_of(b, "北京市朝阳区建国路88号 13800138000");
    xb_span addr_mobile = span_after(b, "13800138000", addr_v.start);
    xb_span id = span_of(b, "11010519491231002X");
    xb_span tel = span_after(b, "13800138000", addr_v.end);
    xb_span mail = span_of(b, "13900139000@163.com");
    xb_span mail_mobile = span_of(b, "13900139000");
    xb_span x = span_of(b, "AB12345678CD");
    xb_span x1 = {x.start, x.start + 8}, x2 = {x.start + 4, x.end};
    xb_finding fs[] = {
        finding(b, addr_v, addr_v, "address", "北京市朝阳区建国路88号 13800138000", XB_SYNTAX_JSON),
        finding(b, addr_mobile, addr_v, "cn_mobile", "13800138000", XB_SYNTAX_JSON),
        finding(b, id, id, "field_name", "11010519491231002X", XB_SYNTAX_JSON),
        finding(b, id, id, "cn_ric18", "11010519491231002X", XB_SYNTAX_JSON),
        finding(b, tel, tel, "cn_mobile", "13800138000", XB_SYNTAX_JSON),
        finding(b, mail, mail, "email", "13900139000@163.com", XB_SYNTAX_JSON),
        finding(b, mail_mobile, mail, "cn_mobile", "13900139000", XB_SYNTAX_JSON),
        finding(b, x1, x, "pattern", "AB123456", XB_SYNTAX_JSON),
        finding(b, x2, x, "pattern", "345678CD", XB_SYNTAX_JSON),
        finding(b, x, x, "content_type", "x", XB_SYNTAX_JSON),
    };
    fs[9].exact = false;
    xb_scan_result r;
    memset(&r, 0, sizeof(r));
    r.findings = fs;
    r.n_findings = sizeof(fs) / sizeof(fs[0]);

    size_t idx[] = {6, 0, 1, 2, 3, 4, 5, 7, 8, 4};
    xb_edit_list l = XB_EDIT_LIST_INIT;
    size_t bad = 99;
    assert_int_equal(xb_mask_edits(&r, idx, sizeof(idx) / sizeof(idx[0]), &l, &bad), XB_OK);
    assert_int_equal(l.n, 5); /* addr, id, tel, mail, x: overlaps merged */
    xb_status st;
    char *out = rewrite(b, &l, &st);
    assert_int_equal(st, XB_OK);
    assert_string_equal(out, "{\"addr\":\"北京市朝阳区****** ***********\","
                             "\"id\":\"110105********002X\",\"tel\":\"138****8000\","
                             "\"mail\":\"1***@163.com\",\"x\":\"************\"}");
    json_values(out, &st);
    assert_int_equal(st, XB_OK);
    free(out);
    xb_edit_list_free(&l);

    /* A finding that cannot be rewritten in place refuses the whole set. */
    size_t with_bad[] = {0, 9};
    assert_int_equal(xb_mask_edits(&r, with_bad, 2, &l, &bad), XB_ERR_INVALID);
    assert_int_equal(bad, 9);
    assert_int_equal(l.n, 0);
    size_t out_of_range[] = {42};
    assert_int_equal(xb_mask_edits(&r, out_of_range, 1, &l, &bad), XB_ERR_INVALID);
    assert_int_equal(bad, 42);
    fs[4].value = NULL; /* scanned without keep_values */
    size_t no_value[] = {4};
    assert_int_equal(xb_mask_edits(&r, no_value, 1, &l, &bad), XB_ERR_INVALID);
    assert_int_equal(l.n, 0);
    xb_edit_list_free(&l);
}

/* Partial overlap inside an escaped value: texts are concatenated and the
 * result masked strictly - longer, never less masked. */
static void test_mask_edits_partial_overlap_escaped(void **state)
{
    (void)state;
    const char *b = "[\"A\\u0042C123\"]";
    xb_span v = span_of(b, "A\\u0042C123");
    xb_span f1 = {v.start, v.start + 7};   /* A\u0042 = "AB" */
    xb_span f2 = {v.start + 1, v.end};     /* \u0042C123 = "BC123" */
    xb_finding fs[] = {
        finding(b, f1, v, "pattern", "AB", XB_SYNTAX_JSON),
        finding(b, f2, v, "pattern", "BC123", XB_SYNTAX_JSON),
    };
    xb_scan_result r;
    memset(&r, 0, sizeof(r));
    r.findings = fs;
    r.n_findings = 2;
    size_t idx[] = {0, 1};
    xb_edit_list l = XB_EDIT_LIST_INIT;
    assert_int_equal(xb_mask_edits(&r, idx, 2, &l, NULL), XB_OK);
    assert_int_equal(l.n, 1);
    xb_status st;
    char *out = rewrite(b, &l, &st);
    assert_string_equal(out, "[\"*******\"]");
    free(out);
    xb_edit_list_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_escapes_and_numbers),
        cmocka_unit_test(test_json_replacement_needing_escapes),
        cmocka_unit_test(test_xml_entities_and_cdata),
        cmocka_unit_test(test_form_percent_encoding),
        cmocka_unit_test(test_csv_quoting),
        cmocka_unit_test(test_chunked_body_and_plan),
        cmocka_unit_test(test_insertions_and_sorting),
        cmocka_unit_test(test_invalid_edits_refused),
        cmocka_unit_test(test_mask_edits_from_findings),
        cmocka_unit_test(test_mask_edits_partial_overlap_escaped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
