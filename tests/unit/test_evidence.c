/*
 * test_evidence.c - evidence beyond a value's shape (xb_evidence.c): opaque
 * field names, IMEI reporting bodies, IPv4 kinds, and record-level evidence
 * that confirms or withdraws provisional findings, through the engine with
 * the shipped catalogs.
 */
#include "xb_test.h"

#include "classifier/catalog/xb_catalog.h"
#include "classifier/detect/xb_evidence.h"
#include "classifier/scan/xb_scan.h"

/* ------------------------------------------------------------ shapes */

static void test_opaque_field_names(void **state)
{
    (void)state;
    static const char *opaque[] = {"", "v", "p", "x", "f1", "c_03", "c_03_1", "k94",
                                   "col5", "COL50", "x7", "d2", "z9", "#3", "7",
                                   "field12", "column3", "value", "data", "item2"};
    static const char *named[] = {"name", "ip", "imei", "orderId", "batch", "version",
                                  "sn", "remark", "姓名", "客户端IP", "#", "f1x",
                                  "phone2", "abcd1", "trace_id"};
    for (size_t i = 0; i < sizeof(opaque) / sizeof(opaque[0]); i++)
        if (!xb_field_is_opaque(opaque[i], strlen(opaque[i])))
            fail_msg("'%s' should be opaque", opaque[i]);
    for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
        if (xb_field_is_opaque(named[i], strlen(named[i])))
            fail_msg("'%s' should not be opaque", named[i]);
}

static void test_imei_reporting_bodies(void **state)
{
    (void)state;
    /* bodies allocating today (GSMA TS.06 Appendix A) */
    assert_int_equal(xb_imei_reporting_body("356938035643809"), XB_IMEI_BODY_CURRENT);
    assert_int_equal(xb_imei_reporting_body("862540830827087"), XB_IMEI_BODY_CURRENT);
    assert_int_equal(xb_imei_reporting_body("013440001737488"), XB_IMEI_BODY_CURRENT);
    assert_int_equal(xb_imei_reporting_body("990000862471854"), XB_IMEI_BODY_CURRENT);
    /* former bodies */
    assert_int_equal(xb_imei_reporting_body("490154203237518"), XB_IMEI_BODY_FORMER);
    assert_int_equal(xb_imei_reporting_body("910000000000000"), XB_IMEI_BODY_FORMER);
    assert_int_equal(xb_imei_reporting_body("448674528976410"), XB_IMEI_BODY_FORMER);
    /* 35 + Fujian prefecture: the record decides */
    assert_int_equal(xb_imei_reporting_body("350203604658142"), XB_IMEI_BODY_FORMER);
    /* former body + Guangdong prefecture: a legacy area-coded number */
    assert_int_equal(xb_imei_reporting_body("440305877056755"), XB_IMEI_BODY_NONE);
    /* unallocated and test ranges: dates, other prefixes */
    assert_int_equal(xb_imei_reporting_body("202503120000012"), XB_IMEI_BODY_NONE);
    assert_int_equal(xb_imei_reporting_body("001010000000000"), XB_IMEI_BODY_NONE);
    assert_int_equal(xb_imei_reporting_body("777777777777777"), XB_IMEI_BODY_NONE);
}

static xb_ipv4_kind ip_kind(const char *s)
{
    return xb_ipv4_classify(s, strlen(s));
}

static void test_ipv4_kinds(void **state)
{
    (void)state;
    assert_int_equal(ip_kind("10.23.4.5"), XB_IPV4_ADDRESS);
    assert_int_equal(ip_kind("183.56.165.227"), XB_IPV4_ADDRESS);
    assert_int_equal(ip_kind("192.168.1.10"), XB_IPV4_ADDRESS);
    assert_int_equal(ip_kind("1.85.3.4"), XB_IPV4_ADDRESS);
    assert_int_equal(ip_kind("0.0.0.0"), XB_IPV4_SPECIAL);
    assert_int_equal(ip_kind("127.0.0.1"), XB_IPV4_SPECIAL);
    assert_int_equal(ip_kind("169.254.10.1"), XB_IPV4_SPECIAL);
    assert_int_equal(ip_kind("224.0.0.251"), XB_IPV4_SPECIAL);
    assert_int_equal(ip_kind("255.255.255.0"), XB_IPV4_SPECIAL);
    assert_int_equal(ip_kind("10.0.255.255"), XB_IPV4_SPECIAL);
    assert_int_equal(ip_kind("1.0.2.15"), XB_IPV4_VERSION);
    assert_int_equal(ip_kind("5.3.12.7"), XB_IPV4_VERSION);
    assert_true(xb_whole_value("  1.2.3.4\t", 10, 2, 9));
    assert_false(xb_whole_value("ip 1.2.3.4", 10, 3, 10));
}

/* ------------------------------------------------------------ engine */

static xb_catalog_set *g_set;
static xb_engine *g_engine;

static int setup(void **state)
{
    (void)state;
    const char *paths[] = {"rules/catalogs"};
    xb_diags d = {0};
    if (xb_catalog_set_load(paths, 1, &g_set, &d) != XB_OK)
        return -1;
    xb_diags_free(&d);
    g_engine = xb_engine_build(g_set, NULL, &d);
    xb_diags_free(&d);
    return g_engine ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    xb_engine_free(g_engine);
    xb_catalog_set_free(g_set);
    return 0;
}

/* The values found by `detector` in body (one per span), joined by '|'. */
static char *found(const char *ctype, const char *body, const char *detector)
{
    xb_scan *s = xb_scan_buffer(g_engine, ctype, NULL, body, strlen(body), NULL);
    assert_non_null(s);
    const xb_scan_result *r = xb_scan_get_result(s);
    assert_int_equal(r->status, XB_OK);
    static char out[512];
    out[0] = '\0';
    size_t last_start = (size_t)-1, last_end = (size_t)-1;
    for (size_t i = 0; i < r->n_findings; i++) {
        const xb_finding *f = &r->findings[i];
        if (strcmp(f->detector, detector))
            continue;
        if (f->span.start == last_start && f->span.end == last_end)
            continue; /* the same match reported by another catalog */
        last_start = f->span.start;
        last_end = f->span.end;
        if (out[0])
            strncat(out, "|", sizeof(out) - strlen(out) - 1);
        strncat(out, f->value, sizeof(out) - strlen(out) - 1);
    }
    xb_scan_free(s);
    return out;
}

#define JSON "application/json"

static void test_name_needs_record_evidence(void **state)
{
    (void)state;
    /* evidence after the name, before it, in free text of the record */
    assert_string_equal(found(JSON, "[{\"f3\":\"张伟\",\"c1\":\"13800138000\"}]", "person_name"), "张伟");
    assert_string_equal(found(JSON, "[{\"c1\":\"13800138000\",\"f3\":\"张伟\"}]", "person_name"), "张伟");
    assert_string_equal(found(JSON, "[{\"f3\":\"欧阳娜娜\",\"e\":\"a.b@qq.com\"}]", "person_name"),
                        "欧阳娜娜");
    assert_string_equal(found(JSON, "[{\"v\":\"李娜\",\"k\":\"11010519491231002X\"}]", "person_name"),
                        "李娜");
    /* no evidence, or evidence in another record */
    assert_string_equal(found(JSON, "[{\"f3\":\"张伟\",\"c1\":\"ok\"}]", "person_name"), "");
    assert_string_equal(found(JSON, "[{\"f3\":\"张伟\"},{\"c1\":\"13800138000\"}]", "person_name"), "");
    assert_string_equal(found(JSON, "[{\"c1\":\"13800138000\"},{\"f3\":\"张伟\"}]", "person_name"), "");
    /* a failed check digit is no evidence */
    assert_string_equal(found(JSON, "[{\"v\":\"李娜\",\"k\":\"110105194912310021\"}]", "person_name"), "");
    /* a descriptive key that is not a name field */
    assert_string_equal(found(JSON, "[{\"product\":\"张伟\",\"c1\":\"13800138000\"}]", "person_name"), "");
    /* weak bare values: a district, a brand, a village */
    assert_string_equal(found(JSON, "[{\"f3\":\"徐汇\",\"c1\":\"13800138000\"}]", "person_name"), "");
    assert_string_equal(found(JSON, "[{\"f3\":\"申通\",\"c1\":\"13800138000\"}]", "person_name"), "");
    assert_string_equal(found(JSON, "[{\"f3\":\"刘家庄\",\"c1\":\"13800138000\"}]", "person_name"), "");
    /* ordinary words are never names */
    assert_string_equal(found(JSON, "[{\"f3\":\"已签收\",\"c1\":\"13800138000\"}]", "person_name"), "");
}

static void test_records_of_each_syntax(void **state)
{
    (void)state;
    /* CSV: the row is the record */
    assert_string_equal(found("text/csv", "a,b\r\n张伟,13800138000\r\n李娜,hello\r\n王芳,13900139000\r\n",
                              "person_name"),
                        "张伟|王芳");
    /* XML: the element holding the values */
    assert_string_equal(found("application/xml",
                              "<r><p><a>张伟</a><b>x</b></p><p><a>李娜</a><b>13800138000</b></p></r>",
                              "person_name"),
                        "李娜");
    /* form: the body */
    assert_string_equal(found("application/x-www-form-urlencoded",
                              "f1=%E5%BC%A0%E4%BC%9F&f2=13800138000", "person_name"),
                        "张伟");
    /* a withdrawn name leaves the record's other findings intact */
    const char *b = "[{\"f3\":\"张伟\",\"c7\":\"10.23.4.5\",\"d\":\"LSVAU2180N2183294\"},"
                    "{\"f3\":\"李娜\",\"c7\":\"10.23.4.6\",\"m\":\"13800138000\"}]";
    assert_string_equal(found(JSON, b, "person_name"), "李娜");
    assert_string_equal(found(JSON, b, "ipv4"), "10.23.4.5|10.23.4.6");
}

static void test_ipv4_whole_values(void **state)
{
    (void)state;
    assert_string_equal(found(JSON, "{\"c7\":\"10.23.4.5\"}", "ipv4"), "10.23.4.5");
    assert_string_equal(found(JSON, "{\"c7\":\" 183.56.165.227 \"}", "ipv4"), "183.56.165.227");
    assert_string_equal(found(JSON, "{\"c7\":\"1.0.2.15\"}", "ipv4"), "");
    assert_string_equal(found(JSON, "{\"c7\":\"127.0.0.1\"}", "ipv4"), "");
    assert_string_equal(found(JSON, "{\"appVer\":\"10.23.4.5\"}", "ipv4"), "");
    assert_string_equal(found(JSON, "{\"固件版本\":\"12.4.1.60\"}", "ipv4"), "");
    /* named fields still work for special ranges */
    assert_string_equal(found(JSON, "{\"clientIp\":\"127.0.0.1\"}", "ipv4"), "127.0.0.1");
    /* free text needs a hotword */
    assert_string_equal(found("text/plain", "来源地址114.41.28.185\n", "ipv4"), "114.41.28.185");
    assert_string_equal(found("text/plain", "共计 114.41.28.185 项\n", "ipv4"), "");
    /* OIDs are neither addresses nor phone numbers */
    assert_string_equal(found(JSON, "{\"c\":\"1.3.6.1.4.1.9.24.48\"}", "ipv4"), "");
    assert_string_equal(found(JSON, "{\"c\":\"1.3.6.1.4.1.9.24.48\"}", "cn_mobile"), "");
    /* dotted phone numbers still are */
    assert_string_equal(found(JSON, "{\"c\":\"138.0013.8000\"}", "cn_mobile"), "138.0013.8000");
}

static void test_imei_opaque_fields(void **state)
{
    (void)state;
    assert_string_equal(found(JSON, "{\"x\":\"356938035643809\"}", "imei"), "356938035643809");
    assert_string_equal(found(JSON, "{\"x\":862540830827087}", "imei"), "862540830827087");
    /* wrong Luhn, unallocated body, descriptive key, inside text */
    assert_string_equal(found(JSON, "{\"x\":\"356938035643808\"}", "imei"), "");
    assert_string_equal(found(JSON, "{\"x\":\"202503120000012\"}", "imei"), "");
    assert_string_equal(found(JSON, "{\"orderId\":\"356938035643809\"}", "imei"), "");
    assert_string_equal(found(JSON, "{\"x\":\"单号 356938035643809\"}", "imei"), "");
    /* former body: only next to a device identifier in the same record */
    assert_string_equal(found(JSON, "[{\"x\":\"490154203237518\",\"v\":\"1M8GDM9AXKP042788\"}]", "imei"),
                        "490154203237518");
    assert_string_equal(found(JSON, "[{\"x\":\"490154203237518\",\"v\":\"ok\"}]", "imei"), "");
    assert_string_equal(found(JSON, "[{\"x\":\"490154203237518\"},{\"v\":\"1M8GDM9AXKP042788\"}]", "imei"),
                        "");
    /* an IP or plate is not device evidence (web orders, waybills) */
    assert_string_equal(found(JSON, "[{\"x\":\"490154203237518\",\"c\":\"10.23.4.5\"}]", "imei"), "");
    /* 35 + Fujian prefecture: the record decides; Guangdong taxpayer shape never */
    assert_string_equal(found(JSON, "[{\"x\":\"350203604658142\"}]", "imei"), "");
    assert_string_equal(found(JSON, "[{\"x\":\"350203604658142\",\"v\":\"1M8GDM9AXKP042788\"}]", "imei"),
                        "350203604658142");
    assert_string_equal(found(JSON, "[{\"x\":\"440305877056755\",\"v\":\"1M8GDM9AXKP042788\"}]", "imei"),
                        "");
    /* named fields as before */
    assert_string_equal(found(JSON, "{\"imei\":\"440305877056755\"}", "imei"), "440305877056755");
}

static void test_uscc_is_general(void **state)
{
    (void)state;
    const char *body = "{\"f2\":\"91110000600037341L\",\"c\":\"202406134002790769\"}";
    xb_scan *s = xb_scan_buffer(g_engine, JSON, NULL, body, strlen(body), NULL);
    const xb_scan_result *r = xb_scan_get_result(s);
    size_t n = 0;
    for (size_t i = 0; i < r->n_findings; i++) {
        if (strcmp(r->findings[i].detector, "cn_uscc"))
            continue;
        assert_string_equal(r->findings[i].value, "91110000600037341L");
        assert_int_equal(r->findings[i].level, XB_LEVEL_GENERAL);
        n++;
    }
    assert_int_equal(n, 1);
    xb_scan_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_opaque_field_names),
        cmocka_unit_test(test_imei_reporting_bodies),
        cmocka_unit_test(test_ipv4_kinds),
        cmocka_unit_test(test_name_needs_record_evidence),
        cmocka_unit_test(test_records_of_each_syntax),
        cmocka_unit_test(test_ipv4_whole_values),
        cmocka_unit_test(test_imei_opaque_fields),
        cmocka_unit_test(test_uscc_is_general),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
