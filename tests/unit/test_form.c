/* test_form.c - the application/x-www-form-urlencoded parser: keys and
 * values, '+' and %XX decoding with raw offsets, fields and global records
 * from bracket and dot keys, zero copy, segments, every split, errors with
 * offsets, limits. */
#include "xb_parse_recorder.h"

#include "classifier/parse/xb_form_keys.h"

#define FORM (&xb_form_parser)

static void form_whole(presult *r, const char *body, const popts *o)
{
    parse_whole(FORM, r, body, strlen(body), o);
}

/* Index of the n-th (0-based) event of the given kind. */
static const rec_event *nth(const presult *r, xb_value_kind kind, size_t n)
{
    for (size_t i = 0; i < r->rec.n; i++)
        if (r->rec.evs[i].kind == kind && n-- == 0)
            return &r->rec.evs[i];
    fail_msg("no event %zu of kind %d", n, (int)kind);
    return NULL;
}

static void test_keys_values_spans(void **state)
{
    (void)state;
    const char *body = "name=%E5%BC%A0%E4%BC%9F&idNo=11010519491231002X"
                       "&comment=hello+world&empty=&flag";
    presult r;
    form_whole(&r, body, NULL);
    assert_int_equal(r.status, XB_OK);
    /* key, value, key, value, key, value, key, key */
    assert_int_equal(r.rec.n, 8);
    assert_ev(&r, 0, XB_VALUE_KEY, "name", "", "name", XB_RECORD_NONE);
    assert_int_equal(ev_at(&r, 0)->raw_start, 0);
    assert_int_equal(ev_at(&r, 0)->raw_end, 4);
    assert_ev(&r, 1, XB_VALUE_STRING, "name", "name", "张伟", XB_RECORD_NONE);
    const rec_event *e = ev_at(&r, 1);
    assert_int_equal(e->raw_start, 5);
    assert_int_equal(e->raw_end, 23);
    assert_non_null(e->offsets);
    const size_t expect_off[] = {5, 8, 11, 14, 17, 20, 23};
    assert_memory_equal(e->offsets, expect_off, sizeof(expect_off));
    assert_false(e->zero_copy);

    assert_ev(&r, 3, XB_VALUE_STRING, "idNo", "idNo", "11010519491231002X", XB_RECORD_NONE);
    assert_int_equal(ev_at(&r, 3)->raw_start, 29);
    assert_int_equal(ev_at(&r, 3)->raw_end, 47);
    assert_null(ev_at(&r, 3)->offsets);
    assert_true(ev_at(&r, 3)->zero_copy);

    /* '+' changes a byte: raw offsets (1:1 here) tell the data is decoded */
    assert_ev(&r, 5, XB_VALUE_STRING, "comment", "comment", "hello world", XB_RECORD_NONE);
    assert_non_null(ev_at(&r, 5)->offsets);
    for (size_t k = 0; k <= 11; k++)
        assert_int_equal(ev_at(&r, 5)->offsets[k], 56 + k);
    assert_false(ev_at(&r, 5)->zero_copy);
    assert_int_equal(ev_at(&r, 5)->raw_start, 56);
    assert_int_equal(ev_at(&r, 5)->raw_end, 67);

    /* the empty value is not reported; a key without '=' is */
    assert_ev(&r, 6, XB_VALUE_KEY, "empty", "", "empty", XB_RECORD_NONE);
    assert_ev(&r, 7, XB_VALUE_KEY, "flag", "", "flag", XB_RECORD_NONE);
    for (size_t i = 0; i < r.rec.n; i++) {
        assert_int_equal(ev_at(&r, i)->syntax, XB_SYNTAX_FORM);
        assert_true(ev_at(&r, i)->exact);
        assert_false(ev_at(&r, i)->segment);
    }
    presult_free(&r);
}

static void test_raw_offsets_of_escapes(void **state)
{
    (void)state;
    presult r;
    form_whole(&r, "a%62=x%41y+z", NULL);
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n, 2);
    /* the key "ab" is decoded too */
    assert_ev(&r, 0, XB_VALUE_KEY, "ab", "", "ab", XB_RECORD_NONE);
    const size_t key_off[] = {0, 1, 4};
    assert_memory_equal(ev_at(&r, 0)->offsets, key_off, sizeof(key_off));
    assert_ev(&r, 1, XB_VALUE_STRING, "ab", "ab", "xAy z", XB_RECORD_NONE);
    const size_t val_off[] = {5, 6, 9, 10, 11, 12};
    assert_memory_equal(ev_at(&r, 1)->offsets, val_off, sizeof(val_off));
    presult_free(&r);
}

static void test_fields_and_global_records(void **state)
{
    (void)state;
    const char *body = "users[0][name]=a&users[0][idNo]=b&users[1][name]=c&orders[0][sku]=d"
                       "&users[0][x]=e&users.1.tel=f&plain=g&users[5]=h&a[b][2][c]=i"
                       "&users%5B7%5D%5Bid%5D=j&tags[]=k&user.email=l&[3]=m";
    presult r;
    form_whole(&r, body, NULL);
    assert_int_equal(r.status, XB_OK);
    struct {
        const char *path, *field, *data;
        int64_t record;
    } expect[] = {
        {"users[0][name]", "name", "a", 0},
        {"users[0][idNo]", "idNo", "b", 0},
        {"users[1][name]", "name", "c", 1},
        {"orders[0][sku]", "sku", "d", 2},
        {"users[0][x]", "x", "e", 0},
        {"users.1.tel", "tel", "f", 1},
        {"plain", "plain", "g", XB_RECORD_NONE},
        {"users[5]", "users", "h", 3},
        {"a[b][2][c]", "c", "i", 4},
        {"users[7][id]", "id", "j", 5},
        {"tags[]", "tags", "k", XB_RECORD_NONE},
        {"user.email", "email", "l", XB_RECORD_NONE},
        {"[3]", "[3]", "m", XB_RECORD_NONE},
    };
    size_t n = sizeof(expect) / sizeof(expect[0]);
    assert_int_equal(r.rec.n, 2 * n);
    for (size_t i = 0; i < n; i++) {
        const rec_event *k = ev_at(&r, 2 * i), *v = ev_at(&r, 2 * i + 1);
        assert_int_equal(k->kind, XB_VALUE_KEY);
        assert_string_equal(k->path, expect[i].path);
        assert_int_equal(k->record, expect[i].record);
        assert_int_equal(v->kind, XB_VALUE_STRING);
        assert_string_equal(v->path, expect[i].path);
        assert_string_equal(v->field, expect[i].field);
        assert_string_equal(v->data, expect[i].data);
        assert_int_equal(v->record, expect[i].record);
    }
    presult_free(&r);
}

static void test_sparse_and_dense_indexes_agree(void **state)
{
    (void)state;
    /* a[5000] is too sparse for a dense table at first (hash table); after
     * many records a's dense table grows past 5000: the pair must keep its
     * record */
    xb_buf body = XB_BUF_INIT;
    xb_buf_append_str(&body, "a[5000]=first");
    for (int i = 0; i < 2000; i++)
        xb_buf_printf(&body, "&b[%d]=x", i);
    xb_buf_append_str(&body, "&a[0]=y&a[5001]=z&a[5000]=again&c[99999999999]=big&c[99999999999]=same");
    presult r;
    parse_whole(FORM, &r, body.data, body.len, NULL);
    assert_int_equal(r.status, XB_OK);
    const rec_event *first = nth(&r, XB_VALUE_STRING, 0);
    assert_string_equal(first->data, "first");
    assert_int_equal(first->record, 0);
    assert_int_equal(nth(&r, XB_VALUE_STRING, 1)->record, 1);       /* b[0] */
    assert_int_equal(nth(&r, XB_VALUE_STRING, 2000)->record, 2000); /* b[1999] */
    assert_int_equal(nth(&r, XB_VALUE_STRING, 2001)->record, 2001); /* a[0] */
    assert_int_equal(nth(&r, XB_VALUE_STRING, 2002)->record, 2002); /* a[5001] */
    const rec_event *again = nth(&r, XB_VALUE_STRING, 2003);
    assert_string_equal(again->data, "again");
    assert_int_equal(again->record, 0);
    assert_int_equal(nth(&r, XB_VALUE_STRING, 2004)->record, 2003);
    assert_int_equal(nth(&r, XB_VALUE_STRING, 2005)->record, 2003);
    presult_free(&r);
    xb_buf_free(&body);
}

static void test_realistic_body_every_split(void **state)
{
    (void)state;
    size_t len;
    char *body = xb_test_read_file("tests/data/form/checkout.form", &len);
    presult r;
    assert_chunking_invariant(FORM, body, len, NULL, false, &r);
    assert_int_equal(r.status, XB_OK);
    assert_string_equal(nth(&r, XB_VALUE_STRING, 0)->path, "customer[name]");
    assert_string_equal(nth(&r, XB_VALUE_STRING, 0)->data, "张伟");
    assert_string_equal(nth(&r, XB_VALUE_STRING, 0)->field, "name");
    const rec_event *id = nth(&r, XB_VALUE_STRING, 1);
    assert_string_equal(id->field, "idNo");
    assert_string_equal(id->data, "11010519491231002X");
    assert_memory_equal(body + id->raw_start, "11010519491231002X", 18);
    assert_int_equal(id->record, XB_RECORD_NONE);
    assert_string_equal(nth(&r, XB_VALUE_STRING, 2)->data, "138 0013 8000");
    /* items[0] is record 0, items[1] record 1, items[0] again record 0 */
    assert_int_equal(nth(&r, XB_VALUE_STRING, 3)->record, 0);
    assert_int_equal(nth(&r, XB_VALUE_STRING, 5)->record, 1);
    const rec_event *gift = nth(&r, XB_VALUE_STRING, 7);
    assert_string_equal(gift->path, "items[0][gift]");
    assert_string_equal(gift->data, "贺卡：生日快乐");
    assert_int_equal(gift->record, 0);
    const rec_event *note = nth(&r, XB_VALUE_STRING, 9);
    assert_string_equal(note->data, "please call before delivery! 100% ok");
    assert_int_equal(note->offsets[27], note->raw_start + 27); /* the '!' escape */
    assert_int_equal(note->offsets[28], note->raw_start + 30);
    assert_identity_spans(&r.rec, body, 0);
    /* every mapped byte points at its escape or its own raw byte */
    for (size_t i = 0; i < r.rec.n; i++) {
        const rec_event *e = ev_at(&r, i);
        if (!e->offsets)
            continue;
        for (size_t k = 0; k < e->len; k++) {
            char c = body[e->offsets[k]];
            assert_true(c == '%' || c == '+' || c == e->data[k]);
        }
    }
    presult_free(&r);
    free(body);
}

static void assert_form_error(const char *body, xb_status status, const char *msg)
{
    presult r;
    size_t len = strlen(body);
    /* same error whatever the chunking */
    assert_chunking_invariant(FORM, body, len, NULL, false, &r);
    assert_int_equal(r.status, status);
    assert_string_equal(r.msg, msg);
    presult_free(&r);
}

static void test_errors_with_offsets(void **state)
{
    (void)state;
    assert_form_error("a=%ZZ", XB_ERR_MALFORMED, "form: invalid percent-escape at byte 2");
    assert_form_error("ok=1&a=%4G", XB_ERR_MALFORMED, "form: invalid percent-escape at byte 7");
    assert_form_error("k%G1=x", XB_ERR_MALFORMED, "form: invalid percent-escape at byte 1");
    assert_form_error("a=%4", XB_ERR_MALFORMED, "form: truncated percent-escape at byte 2");
    assert_form_error("a=b%", XB_ERR_MALFORMED, "form: truncated percent-escape at byte 3");
    assert_form_error("a=%FF%FE", XB_ERR_MALFORMED,
                      "form: decoded value is not UTF-8 at byte 2");
    assert_form_error("a=ok%E5%BC", XB_ERR_MALFORMED,
                      "form: decoded value is not UTF-8 at byte 4");
    assert_form_error("x=1&%C0%AF=1", XB_ERR_MALFORMED,
                      "form: decoded key is not UTF-8 at byte 4");
    /* errors are sticky */
    xb_parser_params pp = {0};
    xb_parser *p = FORM->create(&pp);
    assert_non_null(p);
    assert_int_equal(FORM->feed(p, (const uint8_t *)"a=%Q", 4), XB_ERR_MALFORMED);
    assert_int_equal(FORM->feed(p, (const uint8_t *)"&b=1", 4), XB_ERR_MALFORMED);
    assert_int_equal(FORM->finish(p), XB_ERR_MALFORMED);
    FORM->destroy(p);
}

static void test_long_values_and_keys(void **state)
{
    (void)state;
    popts o = {0};
    o.max_value_len = 16;
    const char *body = "note=the+quick+brown+fox+%E8%B7%B3+over+the+lazy+dog&k=v";
    presult r;
    assert_chunking_invariant(FORM, body, strlen(body), &o, false, &r);
    assert_int_equal(r.status, XB_OK);
    xb_buf joined = XB_BUF_INIT;
    size_t segments = 0, expect_start = 5;
    for (size_t i = 0; i < r.rec.n; i++) {
        const rec_event *e = ev_at(&r, i);
        if (e->kind != XB_VALUE_STRING || strcmp(e->path, "note"))
            continue;
        assert_true(e->segment);
        assert_true(e->len <= 16);
        assert_int_equal(e->raw_start, expect_start);
        expect_start = e->raw_end;
        xb_buf_append(&joined, e->data, e->len);
        segments++;
    }
    assert_true(segments >= 3);
    assert_int_equal(expect_start, 52);
    assert_string_equal(xb_buf_cstr(&joined), "the quick brown fox 跳 over the lazy dog");
    assert_identity_spans(&r.rec, body, 0);
    xb_buf_free(&joined);
    presult_free(&r);

    /* a key may not be segmented */
    assert_chunking_invariant(FORM, "abcdefghijklmnopqrstuvwxyz=1", 28, &o, false, &r);
    assert_int_equal(r.status, XB_ERR_LIMIT);
    assert_string_equal(r.msg, "form: key longer than 16 bytes at byte 0");
    presult_free(&r);
}

static void test_record_limit(void **state)
{
    (void)state;
    xb_buf body = XB_BUF_INIT;
    for (size_t i = 0; i <= XBF_MAX_RECORDS; i++)
        xb_buf_printf(&body, "%sa[%zu]=", i ? "&" : "", i);
    presult r;
    parse_whole(FORM, &r, body.data, body.len, NULL);
    assert_int_equal(r.status, XB_ERR_LIMIT);
    assert_non_null(strstr(r.msg, "form: more than 262144 records at byte"));
    assert_int_equal(r.rec.n, XBF_MAX_RECORDS);
    assert_int_equal(ev_at(&r, XBF_MAX_RECORDS - 1)->record, XBF_MAX_RECORDS - 1);
    presult_free(&r);
    xb_buf_free(&body);
}

static void test_prefix_base_and_sink_error(void **state)
{
    (void)state;
    popts o = {0};
    o.base_offset = 100;
    o.path_prefix = "form#";
    presult r;
    form_whole(&r, "idNo=11010519491231002X&x=%E5%BC%A0", &o);
    assert_int_equal(r.status, XB_OK);
    assert_ev(&r, 1, XB_VALUE_STRING, "form#idNo", "idNo", "11010519491231002X", XB_RECORD_NONE);
    assert_int_equal(ev_at(&r, 1)->raw_start, 105);
    assert_int_equal(ev_at(&r, 1)->raw_end, 123);
    assert_int_equal(ev_at(&r, 3)->offsets[0], 126);
    assert_int_equal(ev_at(&r, 3)->offsets[3], 135);
    presult_free(&r);

    o.fail_at = 2;
    o.fail_status = XB_ERR_NOMEM;
    form_whole(&r, "a=1&b=2", &o);
    assert_int_equal(r.status, XB_ERR_NOMEM);
    assert_int_equal(r.rec.n, 2);
    assert_string_equal(r.msg, "form: value sink stopped the parse (out_of_memory) at byte 103");
    presult_free(&r);
}

static void test_empty_and_odd_bodies(void **state)
{
    (void)state;
    presult r;
    form_whole(&r, "", NULL);
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n, 0);
    presult_free(&r);
    form_whole(&r, "&&=&", NULL);
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n, 0);
    presult_free(&r);
    /* a value may contain '='; an empty key gives an empty path */
    form_whole(&r, "a=b=c&=13800138000", NULL);
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n, 3);
    assert_ev(&r, 1, XB_VALUE_STRING, "a", "a", "b=c", XB_RECORD_NONE);
    assert_ev(&r, 2, XB_VALUE_STRING, "", "", "13800138000", XB_RECORD_NONE);
    presult_free(&r);
    assert_string_equal(FORM->name, "form");
    assert_int_equal(FORM->syntax, XB_SYNTAX_FORM);
    assert_false(FORM->records_by_path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_values_spans),
        cmocka_unit_test(test_raw_offsets_of_escapes),
        cmocka_unit_test(test_fields_and_global_records),
        cmocka_unit_test(test_sparse_and_dense_indexes_agree),
        cmocka_unit_test(test_realistic_body_every_split),
        cmocka_unit_test(test_errors_with_offsets),
        cmocka_unit_test(test_long_values_and_keys),
        cmocka_unit_test(test_record_limit),
        cmocka_unit_test(test_prefix_base_and_sink_error),
        cmocka_unit_test(test_empty_and_odd_bodies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
