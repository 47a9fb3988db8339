/* test_parsers.c - XML, CSV, form and multipart parsers: events, spans,
 * records, chunking at every byte, hostile and malformed input. */
#include "xb_test.h"

#include "classifier/parse/xb_parser.h"

typedef struct {
    char ev[16384];
    size_t n;
    char unins[512];
    const char *body;
    bool check_spans;
} transcript;

static xb_status on_value(void *ctx, const xb_value *v)
{
    transcript *t = ctx;
    t->n += (size_t)snprintf(t->ev + t->n, sizeof(t->ev) - t->n, "%.*s|%.*s|%.*s|%zu-%zu|r%lld|%d\n",
                             (int)v->path_len, v->path, (int)v->field_len, v->field,
                             (int)v->len, (const char *)v->data, v->raw_start, v->raw_end,
                             (long long)v->record, v->exact);
    if (t->check_spans && v->exact && !v->raw_offsets) {
        /* an exact span without escapes holds exactly the decoded bytes */
        assert_int_equal(v->raw_end - v->raw_start, v->len);
        assert_memory_equal(t->body + v->raw_start, v->data, v->len);
    }
    return XB_OK;
}

static void on_unins(void *ctx, const char *path, const char *reason, const char *detail,
                     size_t rs, size_t re, const char *ct, const char *fn)
{
    (void)detail;
    transcript *t = ctx;
    snprintf(t->unins + strlen(t->unins), sizeof(t->unins) - strlen(t->unins),
             "%s|%s|%zu-%zu|%s|%s\n", path, reason, rs, re, ct ? ct : "", fn ? fn : "");
}

static xb_status run(const xb_parser_ops *ops, const char *ctype, const char *body, size_t len,
                     size_t split, transcript *t, char *err, size_t err_size)
{
    xb_limits lim;
    xb_limits_default(&lim);
    xb_parser_params pp;
    memset(&pp, 0, sizeof(pp));
    pp.limits = &lim;
    pp.sink.ctx = t;
    pp.sink.value = on_value;
    pp.sink.uninspectable = on_unins;
    pp.content_type = ctype;
    memset(t, 0, sizeof(*t));
    t->body = body;
    t->check_spans = true;
    xb_parser *p = ops->create(&pp);
    assert_non_null(p);
    if (split > len)
        split = len;
    /* exact-size heap copies so that ASan sees any read past a chunk */
    char *a = malloc(split + 1), *b = malloc(len - split + 1);
    memcpy(a, body, split);
    memcpy(b, body + split, len - split);
    xb_status st = ops->feed(p, (const uint8_t *)a, split);
    if (st == XB_OK)
        st = ops->feed(p, (const uint8_t *)b, len - split);
    if (st == XB_OK)
        st = ops->finish(p);
    if (err)
        snprintf(err, err_size, "%s", ops->error_message(p));
    ops->destroy(p);
    free(a);
    free(b);
    return st;
}

static void every_split_same(const xb_parser_ops *ops, const char *ctype, const char *body)
{
    transcript whole, part;
    size_t len = strlen(body);
    assert_int_equal(run(ops, ctype, body, len, len, &whole, NULL, 0), XB_OK);
    for (size_t i = 0; i <= len; i++) {
        assert_int_equal(run(ops, ctype, body, len, i, &part, NULL, 0), XB_OK);
        assert_string_equal(whole.ev, part.ev);
        assert_string_equal(whole.unins, part.unins);
    }
}

/* ---- XML ---- */

static const char *XML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                         "<export id=\"E1\"><person><name>张伟</name><idCard>11010519491231002X</idCard>"
                         "</person><person><name>李娜</name><note>a &amp; b</note><ns:x xmlns:ns=\"u\">"
                         "<![CDATA[13800138000]]></ns:x></person></export>";

static void test_xml_events(void **state)
{
    (void)state;
    transcript t;
    assert_int_equal(run(&xb_xml_parser, "application/xml", XML, strlen(XML), strlen(XML), &t,
                         NULL, 0), XB_OK);
    assert_non_null(strstr(t.ev, "/export[1]/@id|id|E1|"));
    assert_non_null(strstr(t.ev, "/export[1]/person[1]/idCard[1]|idCard|11010519491231002X|"));
    assert_non_null(strstr(t.ev, "/export[1]/person[2]/name[1]|name|李娜|"));
    assert_non_null(strstr(t.ev, "/export[1]/person[2]/note[1]|note|a & b|"));
    assert_non_null(strstr(t.ev, "/export[1]/person[2]/ns:x[1]|x|13800138000|"));
    /* text without references has an exact span */
    assert_non_null(strstr(t.ev, "|11010519491231002X|90-108|r-1|1\n"));
    /* text with &amp; is decoded */
    assert_non_null(strstr(t.ev, "|a & b|"));
}

static void test_xml_every_split(void **state)
{
    (void)state;
    every_split_same(&xb_xml_parser, "application/xml", XML);
}

static void test_xml_hostile(void **state)
{
    (void)state;
    transcript t;
    char err[256];
    const char *xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                      "<r>&x;</r>";
    assert_int_equal(run(&xb_xml_parser, "application/xml", xxe, strlen(xxe), strlen(xxe), &t,
                         err, sizeof(err)), XB_ERR_FORBIDDEN);
    assert_non_null(strstr(err, "DOCTYPE"));
    assert_null(strstr(t.ev, "root:"));
    const char *lol = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
                      "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>"
                      "<lolz>&lol2;</lolz>";
    assert_int_equal(run(&xb_xml_parser, "application/xml", lol, strlen(lol), 30, &t, err,
                         sizeof(err)), XB_ERR_FORBIDDEN);
    assert_int_equal(t.n, 0);
    const char *undeclared = "<r>&nbsp;</r>";
    assert_int_not_equal(run(&xb_xml_parser, "application/xml", undeclared, strlen(undeclared),
                             5, &t, err, sizeof(err)), XB_OK);
}

static void test_xml_malformed_and_depth(void **state)
{
    (void)state;
    transcript t;
    char err[256];
    const char *bad = "<a><b>x</a>";
    assert_int_equal(run(&xb_xml_parser, "application/xml", bad, strlen(bad), 3, &t, err,
                         sizeof(err)), XB_ERR_MALFORMED);
    assert_non_null(strstr(err, "xml:"));
    const char *trunc = "<a><b>x</b>";
    assert_int_equal(run(&xb_xml_parser, "application/xml", trunc, strlen(trunc), 3, &t, err,
                         sizeof(err)), XB_ERR_MALFORMED);
    char deep[2000] = "";
    for (int i = 0; i < 100; i++)
        strcat(deep, "<a>");
    assert_int_equal(run(&xb_xml_parser, "application/xml", deep, strlen(deep), 10, &t, err,
                         sizeof(err)), XB_ERR_LIMIT);
}

/* ---- CSV ---- */

static const char *CSV = "\xEF\xBB\xBF姓名,身份证号,备注\r\n"
                         "张伟,11010519491231002X,\"含,逗号 \"\"引号\"\"\"\r\n"
                         "李娜,440524188001010014,\"多\n行\"\r\n";

static void test_csv_events(void **state)
{
    (void)state;
    transcript t;
    assert_int_equal(run(&xb_csv_parser, "text/csv", CSV, strlen(CSV), strlen(CSV), &t, NULL, 0),
                     XB_OK);
    assert_non_null(strstr(t.ev, "身份证号|身份证号|11010519491231002X|"));
    assert_non_null(strstr(t.ev, "|r0|1\n"));
    assert_non_null(strstr(t.ev, "备注|备注|含,逗号 \"引号\"|"));
    assert_non_null(strstr(t.ev, "身份证号|身份证号|440524188001010014|"));
    assert_non_null(strstr(t.ev, "备注|备注|多\n行|"));
    assert_null(strstr(t.ev, "姓名|姓名|姓名"));
}

static void test_csv_every_split_and_errors(void **state)
{
    (void)state;
    every_split_same(&xb_csv_parser, "text/csv", CSV);
    transcript t;
    char err[200];
    const char *bad = "a,b\n\"open,1\n";
    assert_int_equal(run(&xb_csv_parser, "text/csv", bad, strlen(bad), 4, &t, err, sizeof(err)),
                     XB_ERR_MALFORMED);
    assert_non_null(strstr(err, "unterminated"));
    const char *semi = "name;mobile\n张伟;13800138000\n";
    assert_int_equal(run(&xb_csv_parser, "text/csv", semi, strlen(semi), 100, &t, NULL, 0), XB_OK);
    assert_non_null(strstr(t.ev, "mobile|mobile|13800138000|"));
    const char *noheader = "13800138000,x\n";
    assert_int_equal(run(&xb_csv_parser, "text/csv; header=absent", noheader, strlen(noheader),
                         3, &t, NULL, 0), XB_OK);
    assert_non_null(strstr(t.ev, "#1|#1|13800138000|0-11|r0|1\n"));
}

/* ---- form ---- */

static const char *FORM = "name=%E5%BC%A0%E4%BC%9F&users%5B3%5D%5BidNo%5D=11010519491231002X"
                          "&users[3][mobile]=138+0013+8000&plain=abc";

static void test_form_events(void **state)
{
    (void)state;
    transcript t;
    assert_int_equal(run(&xb_form_parser, NULL, FORM, strlen(FORM), strlen(FORM), &t, NULL, 0),
                     XB_OK);
    assert_non_null(strstr(t.ev, "name|name|张伟|5-23|r-1|1\n"));
    assert_non_null(strstr(t.ev, "users[3][idNo]|idNo|11010519491231002X|"));
    assert_non_null(strstr(t.ev, "users[3][mobile]|mobile|138 0013 8000|"));
    assert_non_null(strstr(t.ev, "|r0|"));
    every_split_same(&xb_form_parser, NULL, FORM);
    char err[200];
    const char *bad = "a=%ZZ";
    assert_int_equal(run(&xb_form_parser, NULL, bad, strlen(bad), 2, &t, err, sizeof(err)),
                     XB_ERR_MALFORMED);
    assert_non_null(strstr(err, "byte 2"));
    const char *notutf8 = "a=%FF%FE";
    assert_int_equal(run(&xb_form_parser, NULL, notutf8, strlen(notutf8), 2, &t, err,
                         sizeof(err)), XB_ERR_MALFORMED);
}

/* ---- multipart ---- */

static const char *MP_CT = "multipart/form-data; boundary=XyZ";
static const char *MP = "--XyZ\r\n"
                        "Content-Disposition: form-data; name=\"mobile\"\r\n\r\n"
                        "13800138000\r\n"
                        "--XyZ\r\n"
                        "Content-Disposition: form-data; name=\"file\"; filename=\"a.json\"\r\n"
                        "Content-Type: application/json\r\n\r\n"
                        "[{\"idNo\":\"11010519491231002X\"},{\"idNo\":\"440524188001010014\"}]\r\n"
                        "--XyZ\r\n"
                        "Content-Disposition: form-data; name=\"rows\"; filename=\"b.csv\"\r\n\r\n"
                        "id\r\n13900139000\r\n\r\n"
                        "--XyZ\r\n"
                        "Content-Disposition: form-data; name=\"photo\"; filename=\"p.png\"\r\n"
                        "Content-Type: image/png\r\n\r\n"
                        "\x89PNG....\r\n"
                        "--XyZ--\r\n";

static void test_multipart_events(void **state)
{
    (void)state;
    transcript t;
    assert_int_equal(run(&xb_multipart_parser, MP_CT, MP, strlen(MP), strlen(MP), &t, NULL, 0),
                     XB_OK);
    assert_non_null(strstr(t.ev, "mobile|mobile|13800138000|"));
    assert_non_null(strstr(t.ev, "file#/0/idNo|idNo|11010519491231002X|"));
    assert_non_null(strstr(t.ev, "file#/1/idNo|idNo|440524188001010014|"));
    /* the CSV part's records continue after the JSON part's two */
    assert_non_null(strstr(t.ev, "rows#id|id|13900139000|"));
    assert_non_null(strstr(t.ev, "|r2|1\n"));
    assert_non_null(strstr(t.unins, "photo|unsupported_type|"));
    assert_non_null(strstr(t.unins, "|image/png|p.png\n"));
    every_split_same(&xb_multipart_parser, MP_CT, MP);
}

static void test_multipart_errors(void **state)
{
    (void)state;
    transcript t;
    char err[300];
    const char *open_ended = "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue";
    assert_int_equal(run(&xb_multipart_parser, MP_CT, open_ended, strlen(open_ended), 10, &t, err,
                         sizeof(err)), XB_ERR_MALFORMED);
    assert_non_null(strstr(err, "closing boundary"));
    const char *b64 = "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.json\"\r\n"
                      "Content-Type: application/json\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                      "eyJhIjoxfQ==\r\n--XyZ--";
    assert_int_equal(run(&xb_multipart_parser, MP_CT, b64, strlen(b64), 10, &t, NULL, 0), XB_OK);
    /* a base64 part is decoded and classified, but cannot be rewritten in place */
    assert_non_null(strstr(t.ev, "f#/a|a|1|"));
    assert_non_null(strstr(strstr(t.ev, "f#/a|a|1|"), "|0\n"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xml_events),
        cmocka_unit_test(test_xml_every_split),
        cmocka_unit_test(test_xml_hostile),
        cmocka_unit_test(test_xml_malformed_and_depth),
        cmocka_unit_test(test_csv_events),
        cmocka_unit_test(test_csv_every_split_and_errors),
        cmocka_unit_test(test_form_events),
        cmocka_unit_test(test_multipart_events),
        cmocka_unit_test(test_multipart_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
