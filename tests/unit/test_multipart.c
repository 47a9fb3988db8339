/* test_multipart.c - the multipart parser: form fields, nested JSON / CSV /
 * text / multipart parts with prefixed paths and global records, images as
 * not inspectable, base64 and quoted-printable parts (exact = false),
 * delimiters split at every byte (near misses included), errors and limits. */
#include "xb_parse_recorder.h"

#define MP (&xb_multipart_parser)

static const char *UPLOAD_CT =
    "multipart/form-data; boundary=------------------------9f2b5c1e3a7d4b60";

static void mp_parse(presult *r, const char *ct, const char *body, size_t len)
{
    popts o = {0};
    o.content_type = ct;
    parse_whole(MP, r, body, len, &o);
}

static void mp_parse_str(presult *r, const char *ct, const char *body)
{
    mp_parse(r, ct, body, strlen(body));
}

/* The first event with this path and kind STRING/TEXT (not a key). */
static const rec_event *value_at(const presult *r, const char *path)
{
    for (size_t i = 0; i < r->rec.n; i++)
        if (r->rec.evs[i].kind != XB_VALUE_KEY && !strcmp(r->rec.evs[i].path, path))
            return &r->rec.evs[i];
    fail_msg("no value at %s", path);
    return NULL;
}

static size_t values_under(const presult *r, const char *prefix)
{
    size_t n = 0;
    for (size_t i = 0; i < r->rec.n; i++)
        n += r->rec.evs[i].kind != XB_VALUE_KEY &&
             !strncmp(r->rec.evs[i].path, prefix, strlen(prefix));
    return n;
}

static void test_realistic_upload_every_split(void **state)
{
    (void)state;
    size_t len;
    char *body = xb_test_read_file("tests/data/multipart/export-upload.txt", &len);
    popts o = {0};
    o.content_type = UPLOAD_CT;
    presult r;
    assert_chunking_invariant(MP, body, len, &o, false, &r);
    assert_int_equal(r.status, XB_OK);

    /* plain form fields: one value each, literal bytes, no record */
    const rec_event *e = value_at(&r, "exporter");
    assert_string_equal(e->field, "exporter");
    assert_string_equal(e->data, "上海某某科技有限公司");
    assert_int_equal(e->kind, XB_VALUE_STRING);
    assert_int_equal(e->syntax, XB_SYNTAX_TEXT);
    assert_int_equal(e->record, XB_RECORD_NONE);
    assert_true(e->exact);
    assert_true(e->zero_copy);
    assert_memory_equal(body + e->raw_start, e->data, e->len);
    e = value_at(&r, "contact_mobile");
    assert_string_equal(e->data, "13800138000");
    assert_int_equal(e->raw_end - e->raw_start, 11);

    /* the JSON part: prefixed paths, offsets into the whole body */
    e = value_at(&r, "file#/users/0/idNo");
    assert_string_equal(e->field, "idNo");
    assert_string_equal(e->data, "11010519491231002X");
    assert_int_equal(e->syntax, XB_SYNTAX_JSON);
    assert_int_equal(e->record, 0);
    assert_memory_equal(body + e->raw_start, "11010519491231002X", 18);
    assert_int_equal(value_at(&r, "file#/users/1/idNo")->record, 1);
    assert_string_equal(value_at(&r, "file#/users/1/name")->data, "李娜");

    /* the CSV part: its rows continue the record numbers after the JSON's */
    e = value_at(&r, "rows#手机");
    assert_string_equal(e->field, "手机");
    assert_string_equal(e->data, "13900139000");
    assert_int_equal(e->syntax, XB_SYNTAX_CSV);
    assert_int_equal(e->record, 2);
    assert_memory_equal(body + e->raw_start, "13900139000", 11);
    size_t csv_values = 0;
    for (size_t i = 0; i < r.rec.n; i++) {
        const rec_event *c = ev_at(&r, i);
        if (c->kind == XB_VALUE_STRING && !strncmp(c->path, "rows#", 5)) {
            assert_int_equal(c->record, 2 + (int64_t)(csv_values / 2));
            csv_values++;
        }
    }
    assert_int_equal(csv_values, 4);

    /* the PNG part: not inspected, with its name, type, filename and span */
    assert_int_equal(r.rec.n_un, 1);
    const rec_uninspectable *u = &r.rec.un[0];
    assert_string_equal(u->path, "photo");
    assert_string_equal(u->reason, "unsupported_type");
    assert_string_equal(u->content_type, "image/png");
    assert_string_equal(u->filename, "id-front.png");
    assert_non_null(strstr(u->detail, "photo"));
    assert_memory_equal(body + u->raw_start, "\x89PNG", 4);
    assert_memory_equal(body + u->raw_end - 3, "B`\x82", 3);
    assert_memory_equal(body + u->raw_end, "\r\n--", 4);
    /* no value comes from the image, whose bytes hold near-miss delimiters */
    assert_int_equal(values_under(&r, "photo"), 0);

    /* the base64 part: decoded, not exact, span inside the part, record 4 */
    e = value_at(&r, "backup#/users/0/idNo");
    assert_string_equal(e->data, "360426199101010071");
    assert_false(e->exact);
    assert_null(e->offsets);
    assert_int_equal(e->record, 4);
    const char *b64 = memmem(body, len, "Transfer-Encoding: base64\r\n\r\n", 29);
    assert_non_null(b64);
    b64 += 29;
    assert_int_equal(e->raw_start, (size_t)(b64 - body));
    assert_true(e->raw_end > e->raw_start && e->raw_end <= len);
    assert_string_equal(value_at(&r, "backup#/users/0/note")->data,
                        "备份：导出文件的副本，base64 编码");
    /* nothing from the preamble or the epilogue */
    for (size_t i = 0; i < r.rec.n; i++) {
        assert_null(strstr(ev_at(&r, i)->data, "preamble"));
        assert_null(strstr(ev_at(&r, i)->data, "epilogue"));
    }
    assert_identity_spans(&r.rec, body, 0);
    presult_free(&r);
    free(body);
}

static const char *CT = "multipart/form-data; boundary=XyZ";

static void test_plain_fields_and_line_ends(void **state)
{
    (void)state;
    presult r;
    /* bare LF line ends, transport padding, an empty field, a field
     * containing CRLF and "--XyZ" not at a line start */
    const char *body = "--XyZ  \n"
                       "Content-Disposition: form-data; name=\"a\"\n\n"
                       "line1\r\nline2 --XyZ\n"
                       "--XyZ\t\r\n"
                       "content-disposition: form-data; name=\"empty\"\r\n\r\n"
                       "\r\n"
                       "--XyZ--";
    popts o = {0};
    o.content_type = CT;
    assert_chunking_invariant(MP, body, strlen(body), &o, false, &r);
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n, 1);
    assert_ev(&r, 0, XB_VALUE_STRING, "a", "a", "line1\r\nline2 --XyZ", XB_RECORD_NONE);
    assert_int_equal(ev_at(&r, 0)->raw_start, 50);
    assert_identity_spans(&r.rec, body, 0);
    presult_free(&r);

    /* an empty body written without a line of its own ("headers, empty
     * line, delimiter"), and the usual empty body with its own line end */
    const char *empty = "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n"
                        "--XyZ\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n\r\n"
                        "--XyZ\r\nContent-Disposition: form-data; name=\"c\"\r\n\r\n--x\r\n"
                        "--XyZ--";
    assert_chunking_invariant(MP, empty, strlen(empty), &o, false, &r);
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n, 1);
    assert_ev(&r, 0, XB_VALUE_STRING, "c", "c", "--x", XB_RECORD_NONE);
    assert_identity_spans(&r.rec, empty, 0);
    presult_free(&r);

    /* a part without Content-Disposition gets a numbered label */
    mp_parse_str(&r, "multipart/mixed; boundary=\"b 1\"",
                 "--b 1\r\n\r\nhello\r\n--b 1--\r\n");
    assert_int_equal(r.status, XB_OK);
    assert_ev(&r, 0, XB_VALUE_STRING, "part1", "part1", "hello", XB_RECORD_NONE);
    presult_free(&r);
}

static void test_nested_parts_by_type_and_extension(void **state)
{
    (void)state;
    presult r;
    const char *body =
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"f1\"; filename=\"a.csv\"\r\n\r\n"
        "id\r\n13900139000\r\n"
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"f2\"; filename=\"b.CSV\"\r\n"
        "Content-Type: application/vnd.ms-excel\r\n\r\n"
        "id\r\n13700137000\r\n"
        "--XyZ\r\n"
        "Content-Disposition: form-data; filename=\"notes.txt\"\r\n\r\n"
        "call 13800138000\nthanks\r\n"
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"doc\"\r\n"
        "Content-Type: text/xml\r\n\r\n"
        "<r><id>11010519491231002X</id></r>\r\n"
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"bin\"; filename=\"a.json\"\r\n"
        "Content-Type: application/octet-stream\r\n\r\n"
        "{\"x\":1}\r\n"
        "--XyZ--\r\n";
    popts o = {0};
    o.content_type = CT;
    assert_chunking_invariant(MP, body, strlen(body), &o, false, &r);
    assert_int_equal(r.status, XB_OK);
    assert_string_equal(value_at(&r, "f1#id")->data, "13900139000");
    assert_int_equal(value_at(&r, "f1#id")->record, 0);
    assert_string_equal(value_at(&r, "f2#id")->data, "13700137000");
    assert_int_equal(value_at(&r, "f2#id")->record, 1);
    /* text: one value per line, path "@offset", records after the CSVs' */
    const char *line = strstr(body, "call 1380");
    char path[64];
    snprintf(path, sizeof(path), "notes.txt#@%zu", (size_t)(line - body));
    const rec_event *e = value_at(&r, path);
    assert_string_equal(e->data, "call 13800138000");
    assert_int_equal(e->kind, XB_VALUE_TEXT);
    assert_int_equal(e->record, 2);
    assert_int_equal(e->raw_start, (size_t)(line - body));
    e = value_at(&r, "doc#/r[1]/id[1]");
    assert_string_equal(e->data, "11010519491231002X");
    assert_memory_equal(body + e->raw_start, e->data, e->len);
    /* application/octet-stream is not inspected, whatever the filename */
    assert_int_equal(r.rec.n_un, 1);
    assert_string_equal(r.rec.un[0].path, "bin");
    assert_string_equal(r.rec.un[0].reason, "unsupported_type");
    assert_string_equal(r.rec.un[0].content_type, "application/octet-stream");
    assert_string_equal(r.rec.un[0].filename, "a.json");
    assert_identity_spans(&r.rec, body, 0);
    presult_free(&r);
}

static void test_nested_multipart_and_prefix(void **state)
{
    (void)state;
    presult r;
    const char *body =
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"files\"\r\n"
        "Content-Type: multipart/mixed; boundary=inner\r\n\r\n"
        "--inner\r\n"
        "Content-Disposition: attachment; filename=\"a.json\"\r\n"
        "Content-Type: application/json\r\n\r\n"
        "[{\"idNo\":\"11010519491231002X\"}]\r\n"
        "--inner\r\n"
        "Content-Disposition: attachment; filename=\"scan.pdf\"\r\n"
        "Content-Type: application/pdf\r\n\r\n"
        "%PDF-1.7\r\n"
        "--inner--\r\n"
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"more\"; filename*=UTF-8''%E5%90%8D%E5%8D%95.json\r\n"
        "Content-Type: application/json\r\n\r\n"
        "[{\"m\":\"13800138000\"}]\r\n"
        "--XyZ--\r\n";
    popts o = {0};
    o.content_type = CT;
    o.path_prefix = "outer#";
    o.base_offset = 1000;
    assert_chunking_invariant(MP, body, strlen(body), &o, false, &r);
    assert_int_equal(r.status, XB_OK);
    const rec_event *e = value_at(&r, "outer#files#a.json#/0/idNo");
    assert_int_equal(e->record, 0);
    assert_memory_equal(body + e->raw_start - 1000, "11010519491231002X", 18);
    e = value_at(&r, "outer#more#/0/m");
    assert_int_equal(e->record, 1);
    assert_int_equal(r.rec.n_un, 1);
    assert_string_equal(r.rec.un[0].path, "outer#files#scan.pdf");
    assert_string_equal(r.rec.un[0].filename, "scan.pdf");
    assert_memory_equal(body + r.rec.un[0].raw_start - 1000, "%PDF-1.7", 8);
    assert_int_equal(r.rec.un[0].raw_end - r.rec.un[0].raw_start, 8);
    assert_identity_spans(&r.rec, body, 1000);
    presult_free(&r);

    /* the RFC 5987 filename names the part when there is no name */
    mp_parse_str(&r, CT,
                 "--XyZ\r\nContent-Disposition: form-data; filename*=UTF-8''%E5%90%8D%E5%8D%95.csv\r\n"
                 "\r\nid\r\n1\r\n--XyZ--");
    assert_int_equal(r.status, XB_OK);
    assert_string_equal(value_at(&r, "名单.csv#id")->data, "1");
    presult_free(&r);
}

static void test_encoded_parts(void **state)
{
    (void)state;
    presult r;
    const char *body =
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"j\"; filename=\"x.json\"\r\n"
        "Content-Type: application/json\r\n"
        "Content-Transfer-Encoding: BASE64\r\n\r\n"
        "eyJp\r\nZE5v\r\nIjoi MTEwMTA1MTk0OTEyMzEwMDJYIn0=\r\n"
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"t\"; filename=\"t.txt\"\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        "caf=C3=A9 1380013=\r\n8000\r\nsecond line\r\n"
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"f\"\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n"
        "5byg5Lyf\r\n"
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"u\"; filename=\"u.json\"\r\n"
        "Content-Type: application/json\r\n"
        "Content-Transfer-Encoding: x-uuencode\r\n\r\n"
        "begin 644 u.json\r\n"
        "--XyZ--\r\n";
    popts o = {0};
    o.content_type = CT;
    assert_chunking_invariant(MP, body, strlen(body), &o, false, &r);
    assert_int_equal(r.status, XB_OK);
    const char *j = strstr(body, "eyJp");
    const rec_event *e = value_at(&r, "j#/idNo");
    assert_string_equal(e->data, "11010519491231002X");
    assert_false(e->exact);
    assert_int_equal(e->raw_start, (size_t)(j - body));
    assert_true(e->raw_end > e->raw_start);
    assert_true(e->raw_end <= (size_t)(strstr(j, "\r\n--XyZ") - body));
    const char *t = strstr(body, "caf=C3");
    char path[64];
    snprintf(path, sizeof(path), "t#@%zu", (size_t)(t - body));
    e = value_at(&r, path);
    /* "caf=C3=A9 1380013=\r\n8000": escape and soft line break decoded; the
     * text path is the part start plus the decoded offset of the line */
    assert_string_equal(e->data, "café 13800138000");
    assert_false(e->exact);
    assert_int_equal(e->kind, XB_VALUE_TEXT);
    assert_int_equal(e->record, 0); /* the JSON part (one object) has no records */
    assert_string_equal(value_at(&r, "f")->data, "张伟");
    assert_int_equal(r.rec.n_un, 1);
    assert_string_equal(r.rec.un[0].path, "u");
    assert_string_equal(r.rec.un[0].reason, "unsupported_encoding");
    presult_free(&r);
}

static void test_encoded_field_and_binary(void **state)
{
    (void)state;
    presult r;
    mp_parse_str(&r, CT,
                 "--XyZ\r\nContent-Disposition: form-data; name=\"f\"\r\n"
                 "Content-Transfer-Encoding: base64\r\n\r\n5byg5Lyf\r\n--XyZ--");
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n, 1);
    assert_ev(&r, 0, XB_VALUE_STRING, "f", "f", "张伟", XB_RECORD_NONE);
    assert_false(ev_at(&r, 0)->exact);
    presult_free(&r);

    /* a field that is not UTF-8 is reported, not classified */
    const char *bin = "--XyZ\r\nContent-Disposition: form-data; name=\"raw\"\r\n\r\n"
                      "ab\xff\xfe\r\n--XyZ--";
    mp_parse_str(&r, CT, bin);
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n, 0);
    assert_int_equal(r.rec.n_un, 1);
    assert_string_equal(r.rec.un[0].reason, "binary");
    assert_string_equal(r.rec.un[0].path, "raw");
    assert_int_equal(r.rec.un[0].raw_start, 53);
    assert_int_equal(r.rec.un[0].raw_end, 57);
    presult_free(&r);

    /* an unsupported transfer encoding */
    mp_parse_str(&r, CT,
                 "--XyZ\r\nContent-Disposition: form-data; name=\"u\"; filename=\"u.json\"\r\n"
                 "Content-Type: application/json\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\n"
                 "begin\r\n--XyZ--");
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n_un, 1);
    assert_string_equal(r.rec.un[0].reason, "unsupported_encoding");
    presult_free(&r);

    /* an empty file input holds nothing to report */
    mp_parse_str(&r, CT,
                 "--XyZ\r\nContent-Disposition: form-data; name=\"up\"; filename=\"\"\r\n"
                 "Content-Type: application/octet-stream\r\n\r\n\r\n--XyZ--");
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n, 0);
    assert_int_equal(r.rec.n_un, 0);
    presult_free(&r);
}

static void test_long_field_segments(void **state)
{
    (void)state;
    popts o = {0};
    o.content_type = CT;
    o.max_value_len = 16;
    const char *body = "--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n"
                       "the quick brown fox jumps over the lazy dog\r\n--XyZ--\r\n";
    presult r;
    assert_chunking_invariant(MP, body, strlen(body), &o, false, &r);
    assert_int_equal(r.status, XB_OK);
    assert_true(r.rec.n >= 3);
    xb_buf joined = XB_BUF_INIT;
    size_t expect = 54;
    for (size_t i = 0; i < r.rec.n; i++) {
        const rec_event *e = ev_at(&r, i);
        assert_true(e->segment);
        assert_true(e->len <= 16);
        assert_int_equal(e->raw_start, expect);
        expect = e->raw_end;
        xb_buf_append(&joined, e->data, e->len);
    }
    assert_int_equal(expect, 97);
    assert_string_equal(xb_buf_cstr(&joined), "the quick brown fox jumps over the lazy dog");
    assert_identity_spans(&r.rec, body, 0);
    xb_buf_free(&joined);
    presult_free(&r);
}

static void assert_mp_error(const char *ct, const char *body, xb_status status, const char *msg,
                            const popts *extra)
{
    popts o = {0};
    if (extra)
        o = *extra;
    o.content_type = ct;
    presult r;
    assert_chunking_invariant(MP, body, strlen(body), &o, false, &r);
    assert_int_equal(r.status, status);
    if (strcmp(r.msg, msg)) {
        print_error("got:    %s\nwanted: %s\n", r.msg, msg);
        fail();
    }
    presult_free(&r);
}

static void test_errors(void **state)
{
    (void)state;
    assert_mp_error(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue",
                    XB_ERR_MALFORMED, "multipart: missing closing boundary at byte 56 (in part 'a')",
                    NULL);
    assert_mp_error(CT, "no delimiter at all\r\n", XB_ERR_MALFORMED,
                    "multipart: missing closing boundary (no delimiter found)", NULL);
    assert_mp_error(CT, "--XyZ\r\n\r\nx\r\n--XyZ", XB_ERR_MALFORMED,
                    "multipart: missing closing boundary at byte 17", NULL);
    assert_mp_error("multipart/form-data", "--XyZ--", XB_ERR_MALFORMED,
                    "multipart: no boundary parameter in the Content-Type", NULL);
    assert_mp_error("multipart/form-data; boundary=\"\"", "--XyZ--", XB_ERR_MALFORMED,
                    "multipart: invalid boundary parameter", NULL);
    assert_mp_error(CT, "--XyZ\r\n\r\nx\r\n--XyZ!\r\n", XB_ERR_MALFORMED,
                    "multipart: unexpected byte 0x21 after the boundary at byte 17", NULL);
    assert_mp_error(CT, "--XyZ\r\nContent-Disposition form-data\r\n\r\nx\r\n--XyZ--",
                    XB_ERR_MALFORMED, "multipart: malformed header line in part 1 at byte 7",
                    NULL);
    /* a nested parser's error names the part and keeps absolute offsets */
    assert_mp_error(CT,
                    "--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n"
                    "Content-Type: application/json\r\n\r\n{\"a\":}\r\n--XyZ--",
                    XB_ERR_MALFORMED, "multipart: part 'file': json: unexpected '}' at byte 91",
                    NULL);
    assert_mp_error(CT,
                    "--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n"
                    "Content-Type: application/json\r\n\r\n{\"a\":\r\n--XyZ--",
                    XB_ERR_MALFORMED, "multipart: part 'file': json: unexpected end of body",
                    NULL);
    assert_mp_error(CT,
                    "--XyZ\r\nContent-Disposition: form-data; name=\"b\"\r\n"
                    "Content-Type: application/json\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                    "eyJh*IjoxfQ==\r\n--XyZ--",
                    XB_ERR_MALFORMED, "multipart: part 'b': invalid base64 data at byte 122", NULL);
    assert_mp_error(CT,
                    "--XyZ\r\nContent-Disposition: form-data; name=\"b\"\r\n"
                    "Content-Type: application/json\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                    "eyJhIjoxfQ=\r\n--XyZ--",
                    XB_ERR_MALFORMED, "multipart: part 'b': truncated base64 data at byte 129",
                    NULL);
}

static void test_limits(void **state)
{
    (void)state;
    popts o = {0};
    o.max_parts = 2;
    const char *three = "--XyZ\r\n\r\na\r\n--XyZ\r\n\r\nb\r\n--XyZ\r\n\r\nc\r\n--XyZ--";
    assert_mp_error(CT, three, XB_ERR_LIMIT, "multipart: more than 2 parts at byte 31", &o);
    o.max_parts = 3;
    presult r;
    o.content_type = CT;
    parse_whole(MP, &r, three, strlen(three), &o);
    assert_int_equal(r.status, XB_OK);
    assert_int_equal(r.rec.n, 3);
    presult_free(&r);

    /* header block limit */
    xb_buf big = XB_BUF_INIT;
    xb_buf_append_str(&big, "--XyZ\r\nX-Pad: ");
    for (int i = 0; i < 17000; i++)
        xb_buf_append_char(&big, 'a');
    xb_buf_append_str(&big, "\r\n\r\nx\r\n--XyZ--");
    o.max_parts = 0;
    parse_whole(MP, &r, big.data, big.len, &o);
    assert_int_equal(r.status, XB_ERR_LIMIT);
    assert_string_equal(r.msg, "multipart: headers of part 1 longer than 16384 bytes at byte 7");
    presult_free(&r);
    xb_buf_free(&big);

    /* nesting depth */
    xb_buf deep = XB_BUF_INIT;
    for (int i = 0; i < 10; i++)
        xb_buf_printf(&deep, "--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n", i,
                      i + 1);
    parse_whole(MP, &r, deep.data, deep.len, &(popts){.content_type = "multipart/mixed; boundary=b0"});
    assert_int_equal(r.status, XB_ERR_LIMIT);
    assert_non_null(strstr(r.msg, "nested deeper than 8"));
    presult_free(&r);
    xb_buf_free(&deep);
}

static void test_sink_error_and_ops(void **state)
{
    (void)state;
    popts o = {0};
    o.fail_at = 1;
    o.fail_status = XB_ERR_LIMIT;
    o.content_type = CT;
    presult r;
    const char *body = "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.json\"\r\n"
                       "Content-Type: application/json\r\n\r\n{\"a\":\"b\"}\r\n--XyZ--";
    parse_whole(MP, &r, body, strlen(body), &o);
    assert_int_equal(r.status, XB_ERR_LIMIT);
    assert_non_null(strstr(r.msg, "multipart: part 'f': json: value sink stopped the parse"));
    presult_free(&r);
    assert_string_equal(MP->name, "multipart");
    assert_false(MP->records_by_path);
    assert_ptr_equal(xb_parser_for_content_type("multipart/mixed; boundary=x"), MP);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_realistic_upload_every_split),
        cmocka_unit_test(test_plain_fields_and_line_ends),
        cmocka_unit_test(test_nested_parts_by_type_and_extension),
        cmocka_unit_test(test_nested_multipart_and_prefix),
        cmocka_unit_test(test_encoded_parts),
        cmocka_unit_test(test_encoded_field_and_binary),
        cmocka_unit_test(test_long_field_segments),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_sink_error_and_ops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
