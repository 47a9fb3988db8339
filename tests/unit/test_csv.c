/* test_csv.c - the CSV / TSV parser: header names and "#N" columns, row
 * records, quoted cells with raw offsets, spans without quotes, zero copy,
 * delimiter choice, BOM, every split, errors with offsets, limits. */
#include "xb_parse_recorder.h"

#define CSV (&xb_csv_parser)

static void csv_parse(presult *r, const char *body, const char *ctype)
{
    popts o = {0};
    o.content_type = ctype;
    parse_whole(CSV, r, body, strlen(body), &o);
}

/* The n-th (0-based) XB_VALUE_STRING event. */
static const rec_event *cell(const presult *r, size_t n)
{
    for (size_t i = 0; i < r->rec.n; i++)
        if (r->rec.evs[i].kind == XB_VALUE_STRING && n-- == 0)
            return &r->rec.evs[i];
    fail_msg("missing cell");
    return NULL;
}

static size_t count_kind(const presult *r, xb_value_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < r->rec.n; i++)
        n += r->rec.evs[i].kind == kind;
    return n;
}

static void assert_cell(const presult *r, size_t n, const char *path, const char *data,
                        int64_t record)
{
    const rec_event *e = cell(r, n);
    assert_string_equal(e->path, path);
    assert_string_equal(e->field, path);
    assert_string_equal(e->data, data);
    assert_int_equal(e->record, record);
    assert_int_equal(e->syntax, XB_SYNTAX_CSV);
    assert_true(e->exact);
}

static void test_header_cells_records_spans(void **state)
{
    (void)state;
    const char *body = "name,idNo\r\n张伟,11010519491231002X\r\n李娜,440524188001010014\n";
    presult r;
    csv_parse(&r, body, "text/csv");
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n, 6);
    /* header cells are keys, without record */
    assert_ev(&r, 0, XB_VALUE_KEY, "name", "", "name", XB_RECORD_NONE);
    assert_ev(&r, 1, XB_VALUE_KEY, "idNo", "", "idNo", XB_RECORD_NONE);
    assert_cell(&r, 0, "name", "张伟", 0);
    assert_int_equal(cell(&r, 0)->raw_start, 11);
    assert_int_equal(cell(&r, 0)->raw_end, 17);
    assert_cell(&r, 1, "idNo", "11010519491231002X", 0);
    assert_int_equal(cell(&r, 1)->raw_start, 18);
    assert_int_equal(cell(&r, 1)->raw_end, 36);
    assert_cell(&r, 2, "name", "李娜", 1);
    assert_cell(&r, 3, "idNo", "440524188001010014", 1);
    for (size_t i = 0; i < r.rec.n; i++) {
        assert_true(ev_at(&r, i)->zero_copy);
        assert_null(ev_at(&r, i)->offsets);
        assert_false(ev_at(&r, i)->segment);
    }
    assert_identity_spans(&r.rec, body, 0);
    presult_free(&r);
}

static void test_quoted_cells(void **state)
{
    (void)state;
    const char *body = "a,b,c\n\"x,y\",\"he said \"\"hi\"\"\",\"\"\n\"\",\"line1\nline2\",plain\"quote\n";
    presult r;
    csv_parse(&r, body, "text/csv");
    assert_int_equal(r.status, XB_OK);
    /* "" (empty) cells are not reported */
    assert_int_equal(count_kind(&r, XB_VALUE_STRING), 4);
    assert_cell(&r, 0, "a", "x,y", 0);
    assert_int_equal(cell(&r, 0)->raw_start, 7); /* without the quote */
    assert_int_equal(cell(&r, 0)->raw_end, 10);
    assert_null(cell(&r, 0)->offsets);
    assert_true(cell(&r, 0)->zero_copy);
    const rec_event *e = cell(&r, 1);
    assert_string_equal(e->data, "he said \"hi\"");
    assert_int_equal(e->raw_start, 13);
    assert_int_equal(e->raw_end, 27);
    assert_non_null(e->offsets);
    /* each quote maps to the first of its pair */
    const size_t off[] = {13, 14, 15, 16, 17, 18, 19, 20, 21, 23, 24, 25, 27};
    assert_memory_equal(e->offsets, off, sizeof(off));
    assert_int_equal(body[e->offsets[8]], '"');
    assert_cell(&r, 2, "b", "line1\nline2", 1);
    assert_null(cell(&r, 2)->offsets);
    /* a quote inside an unquoted cell is a character */
    assert_cell(&r, 3, "c", "plain\"quote", 1);
    assert_identity_spans(&r.rec, body, 0);
    presult_free(&r);
}

static void test_realistic_excel_export_every_split(void **state)
{
    (void)state;
    size_t len;
    char *body = xb_test_read_file("tests/data/csv/customers-excel.csv", &len);
    presult r;
    popts o = {0};
    o.content_type = "text/csv; charset=utf-8";
    assert_chunking_invariant(CSV, body, len, &o, false, &r);
    assert_int_equal(r.status, XB_OK);
    /* the BOM is not part of the first column's name */
    assert_ev(&r, 0, XB_VALUE_KEY, "姓名", "", "姓名", XB_RECORD_NONE);
    assert_int_equal(ev_at(&r, 0)->raw_start, 3);
    assert_int_equal(count_kind(&r, XB_VALUE_KEY), 5); /* the 5th header cell is empty */
    size_t i = 0;
    assert_cell(&r, i++, "姓名", "张伟", 0);
    assert_cell(&r, i++, "身份证号", "11010519491231002X", 0);
    assert_cell(&r, i++, "手机", "13800138000", 0);
    assert_cell(&r, i++, "地址", "上海市浦东新区世纪大道100号, 3楼", 0);
    assert_cell(&r, i++, "#5", "x", 0);
    assert_cell(&r, i++, "备注", "他说\"尽快\"发货", 0);
    assert_non_null(cell(&r, i - 1)->offsets);
    assert_cell(&r, i++, "姓名", "李娜", 1);
    assert_cell(&r, i++, "身份证号", "440524188001010014", 1);
    assert_cell(&r, i++, "地址", "北京市\r\n朝阳区", 1);
    /* the blank line does not count as a row */
    assert_cell(&r, i++, "姓名", "王芳", 2);
    assert_cell(&r, i++, "身份证号", "360426199101010071", 2);
    assert_cell(&r, i++, "手机", "+86-138-0013-8001", 2);
    assert_cell(&r, i++, "地址", "广州", 2);
    assert_cell(&r, i++, "#5", "y", 2);
    assert_cell(&r, i++, "备注", "无", 2);
    assert_cell(&r, i++, "#7", "extra", 2);
    assert_int_equal(count_kind(&r, XB_VALUE_STRING), i);
    assert_identity_spans(&r.rec, body, 0);
    presult_free(&r);
    free(body);
}

static void test_header_absent(void **state)
{
    (void)state;
    const char *body = "13800138000,x\n张伟,,11010519491231002X\n";
    presult r;
    csv_parse(&r, body, "text/csv; header=absent");
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(count_kind(&r, XB_VALUE_KEY), 0);
    assert_int_equal(r.rec.n, 4);
    assert_cell(&r, 0, "#1", "13800138000", 0);
    assert_int_equal(cell(&r, 0)->raw_start, 0);
    assert_int_equal(cell(&r, 0)->raw_end, 11);
    assert_cell(&r, 1, "#2", "x", 0);
    assert_cell(&r, 2, "#1", "张伟", 1);
    assert_cell(&r, 3, "#3", "11010519491231002X", 1);
    presult_free(&r);
}

static void test_delimiter_choice(void **state)
{
    (void)state;
    presult r;
    csv_parse(&r, "name;mobile\n张伟;13800138000\n", "text/csv");
    assert_int_equal(r.status, XB_OK);
    assert_cell(&r, 1, "mobile", "13800138000", 0);
    presult_free(&r);

    csv_parse(&r, "name\tmobile\n张伟\t13800138000\n", "application/csv");
    assert_int_equal(r.status, XB_OK);
    assert_cell(&r, 1, "mobile", "13800138000", 0);
    presult_free(&r);

    /* a comma in the first line wins; quoted separators do not count */
    csv_parse(&r, "\"a;b\",c\nx;y,z\n", "text/csv");
    assert_int_equal(r.status, XB_OK);
    assert_cell(&r, 0, "a;b", "x;y", 0);
    assert_cell(&r, 1, "c", "z", 0);
    presult_free(&r);
    csv_parse(&r, "\"a,b\";c\n1;2\n", "text/csv");
    assert_int_equal(r.status, XB_OK);
    assert_cell(&r, 0, "a,b", "1", 0);
    presult_free(&r);

    /* leading blank lines do not hide the header's delimiter */
    csv_parse(&r, "\r\n\nname;mobile\n张伟;13800138000\n", "text/csv");
    assert_int_equal(r.status, XB_OK);
    assert_cell(&r, 1, "mobile", "13800138000", 0);
    presult_free(&r);

    /* TSV is TAB whatever the first line holds */
    csv_parse(&r, "a,b\tc\n1,2\t3\n", "text/tab-separated-values");
    assert_int_equal(r.status, XB_OK);
    assert_cell(&r, 0, "a,b", "1,2", 0);
    assert_cell(&r, 1, "c", "3", 0);
    presult_free(&r);

    /* the choice holds when the first line spans chunks */
    const char *semi = "first;second;third\n1;2;3\n";
    popts o = {0};
    o.content_type = "text/csv";
    assert_chunking_invariant(CSV, semi, strlen(semi), &o, false, &r);
    assert_cell(&r, 2, "third", "3", 0);
    presult_free(&r);
}

static void test_line_ends(void **state)
{
    (void)state;
    presult r;
    /* lone CR (old Mac), trailing delimiter, no final newline */
    csv_parse(&r, "a,b\r1,2\r\n3,\n\n4,5", "text/csv");
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(count_kind(&r, XB_VALUE_STRING), 5);
    assert_cell(&r, 0, "a", "1", 0);
    assert_cell(&r, 1, "b", "2", 0);
    assert_cell(&r, 2, "a", "3", 1);
    assert_cell(&r, 3, "a", "4", 2);
    assert_cell(&r, 4, "b", "5", 2);
    assert_int_equal(cell(&r, 4)->raw_end, 16);
    presult_free(&r);
    /* a quoted last cell at the end of the body */
    csv_parse(&r, "a\n\"x\"", "text/csv");
    assert_int_equal(r.status, XB_OK);
    assert_cell(&r, 0, "a", "x", 0);
    assert_int_equal(cell(&r, 0)->raw_start, 3);
    assert_int_equal(cell(&r, 0)->raw_end, 4);
    presult_free(&r);
}

static void assert_csv_error(const char *body, const char *ctype, xb_status status,
                             const char *msg)
{
    presult r;
    popts o = {0};
    o.content_type = ctype;
    assert_chunking_invariant(CSV, body, strlen(body), &o, false, &r);
    assert_int_equal(r.status, status);
    assert_string_equal(r.msg, msg);
    presult_free(&r);
}

static void test_errors(void **state)
{
    (void)state;
    assert_csv_error("a,b\n\"open,1\n", "text/csv", XB_ERR_MALFORMED,
                     "csv: unterminated quoted cell starting at byte 4");
    assert_csv_error("a,b\n\"ab\"x,1\n", "text/csv", XB_ERR_MALFORMED,
                     "csv: unexpected 'x' after closing quote at byte 8");
    assert_csv_error("a,b\n\"ab\" ,1\n", "text/csv", XB_ERR_MALFORMED,
                     "csv: unexpected byte 0x20 after closing quote at byte 8");
    assert_csv_error("a,b\nok,caf\xe9\n", "text/csv", XB_ERR_MALFORMED,
                     "csv: non-UTF-8 content at byte 10");
    assert_csv_error("a\xff,b\n", "text/csv", XB_ERR_MALFORMED,
                     "csv: non-UTF-8 content at byte 1");
    /* the offset of a bad byte after a "" escape is its own */
    assert_csv_error("a\n\"x\"\"\xC3\x28\"\n", "text/csv", XB_ERR_MALFORMED,
                     "csv: non-UTF-8 content at byte 6");
    assert_csv_error("a,b\n1,2\n", "text/csv; charset=GB18030", XB_ERR_UNSUPPORTED,
                     "csv: charset GB18030 is not supported");
}

static void test_limits(void **state)
{
    (void)state;
    popts o = {0};
    o.content_type = "text/csv";
    o.max_columns = 3;
    presult r;
    const char *wide = "a,b,c\n1,2,3,4\n";
    assert_chunking_invariant(CSV, wide, strlen(wide), &o, false, &r);
    assert_int_equal(r.status, XB_ERR_LIMIT);
    assert_string_equal(r.msg, "csv: more than 3 columns at byte 13");
    presult_free(&r);
    parse_whole(CSV, &r, "a,b,c,d\n", 8, &o);
    assert_int_equal(r.status, XB_ERR_LIMIT);
    presult_free(&r);
    parse_whole(CSV, &r, "a,b,c\n1,2,3\n", 12, &o);
    assert_int_equal(r.status, XB_OK);
    presult_free(&r);

    /* long cells come in segments; a long header cell is refused */
    o.max_columns = 0;
    o.max_value_len = 16;
    const char *body = "note\n\"the quick \"\"brown\"\" fox jumps over the lazy dog\"\n";
    assert_chunking_invariant(CSV, body, strlen(body), &o, false, &r);
    assert_int_equal(r.status, XB_OK);
    xb_buf joined = XB_BUF_INIT;
    size_t expect_start = 6;
    for (size_t i = 1; i < r.rec.n; i++) {
        const rec_event *e = ev_at(&r, i);
        assert_true(e->segment);
        assert_true(e->len <= 16);
        assert_int_equal(e->raw_start, expect_start);
        assert_string_equal(e->path, "note");
        assert_int_equal(e->record, 0);
        expect_start = e->raw_end;
        xb_buf_append(&joined, e->data, e->len);
    }
    assert_true(r.rec.n >= 4);
    assert_int_equal(expect_start, strlen(body) - 2);
    assert_string_equal(xb_buf_cstr(&joined), "the quick \"brown\" fox jumps over the lazy dog");
    assert_identity_spans(&r.rec, body, 0);
    xb_buf_free(&joined);
    presult_free(&r);
    assert_csv_error("a_very_long_column_name,b\n1,2\n", NULL, XB_OK, "");
    parse_whole(CSV, &r, "a_very_long_column_name,b\n1,2\n", 30, &o);
    assert_int_equal(r.status, XB_ERR_LIMIT);
    assert_string_equal(r.msg, "csv: header cell longer than 16 bytes at byte 0");
    presult_free(&r);

    /* a first line that never ends cannot be buffered forever */
    size_t big = 1024 * 1024 + 10;
    char *line = malloc(big);
    memset(line, 'a', big);
    parse_chunked(CSV, &r, line, big, 65536, NULL);
    assert_int_equal(r.status, XB_ERR_LIMIT);
    assert_string_equal(r.msg, "csv: first line longer than 1048576 bytes at byte 0");
    presult_free(&r);
    free(line);
}

static void test_prefix_base_sink_error(void **state)
{
    (void)state;
    popts o = {0};
    o.content_type = "text/csv";
    o.path_prefix = "rows#";
    o.base_offset = 500;
    presult r;
    parse_whole(CSV, &r, "身份证号\n11010519491231002X\n", 32, &o);
    assert_int_equal(r.status, XB_OK);
    assert_ev(&r, 0, XB_VALUE_KEY, "rows#身份证号", "", "身份证号", XB_RECORD_NONE);
    assert_ev(&r, 1, XB_VALUE_STRING, "rows#身份证号", "身份证号", "11010519491231002X", 0);
    assert_int_equal(ev_at(&r, 1)->raw_start, 513);
    assert_int_equal(ev_at(&r, 1)->raw_end, 531);
    presult_free(&r);
    o.fail_at = 1;
    o.fail_status = XB_ERR_LIMIT;
    parse_whole(CSV, &r, "a\n1\n", 4, &o);
    assert_int_equal(r.status, XB_ERR_LIMIT);
    assert_string_equal(r.msg, "csv: value sink stopped the parse (limit_exceeded) at byte 501");
    presult_free(&r);
    assert_string_equal(CSV->name, "csv");
    assert_int_equal(CSV->syntax, XB_SYNTAX_CSV);
    assert_false(CSV->records_by_path);
}

static void test_empty_bodies(void **state)
{
    (void)state;
    presult r;
    const char *bodies[] = {"", "\xEF\xBB\xBF", "\n\n\r\n", "a,b\n", ",,,\n,,\n"};
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        csv_parse(&r, bodies[i], "text/csv");
        assert_int_equal(r.status, XB_OK);
        assert_int_equal(count_kind(&r, XB_VALUE_STRING), 0);
        presult_free(&r);
    }
    /* a BOM prefix that is not a BOM is data (and here not UTF-8) */
    csv_parse(&r, "\xEF\xBBx\n", "text/csv");
    assert_int_equal(r.status, XB_ERR_MALFORMED);
    assert_string_equal(r.msg, "csv: non-UTF-8 content at byte 0");
    presult_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_cells_records_spans),
        cmocka_unit_test(test_quoted_cells),
        cmocka_unit_test(test_realistic_excel_export_every_split),
        cmocka_unit_test(test_header_absent),
        cmocka_unit_test(test_delimiter_choice),
        cmocka_unit_test(test_line_ends),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_prefix_base_sink_error),
        cmocka_unit_test(test_empty_bodies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
