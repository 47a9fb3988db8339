/*
 * test_opaque_fields.c - evidence from opaque field names ("f1", "c_03")
 * and clause-scoped context words, with the default catalogs:
 *   - xb_field_opaque() tells names that say nothing from names that do;
 *   - under an opaque name, a whole-value IPv4 address, a 15-digit Luhn
 *     IMEI with a handset reporting-body prefix and a whole-value Chinese
 *     name are reported; versions, other Luhn serials, products and
 *     meaningful field names are not;
 *   - a hotword in the next clause does not vouch for a number.
 */
#include "xb_test.h"

#include "classifier/catalog/xb_catalog.h"
#include "classifier/detect/xb_field_opaque.h"
#include "classifier/scan/xb_scan.h"

static xb_catalog_set *set;
static xb_engine *engine;

static int setup(void **state)
{
    (void)state;
    const char *paths[] = {"rules/catalogs"};
    xb_diags d = {0};
    if (xb_catalog_set_load(paths, 1, &set, &d) != XB_OK)
        return -1;
    xb_diags_free(&d);
    engine = xb_engine_build(set, NULL, &d);
    xb_diags_free(&d);
    return engine ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    xb_engine_free(engine);
    xb_catalog_set_free(set);
    return 0;
}

/* Does scanning body report entry id? */
static bool reports(const char *body, const char *entry)
{
    xb_scan *s = xb_scan_buffer(engine, "application/json", NULL, body, strlen(body), NULL);
    assert_non_null(s);
    const xb_scan_result *r = xb_scan_get_result(s);
    bool found = false;
    for (size_t i = 0; i < r->n_findings; i++)
        if (!strcmp(r->findings[i].entry->id, entry))
            found = true;
    xb_scan_free(s);
    return found;
}

static bool opaque(const char *name)
{
    return xb_field_opaque(name, strlen(name));
}

static void test_opaque_names(void **state)
{
    (void)state;
    const char *yes[] = {"f1", "c_03", "k2", "v_1", "f1_1", "col7", "x", "3", "ab-12", "F2"};
    const char *no[] = {"", "id", "ip", "batch", "orderNo", "f_", "f1_", "abcd1", "1a",
                        "流水号", "f-1-", "c__3"};
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
        if (!opaque(yes[i]))
            fail_msg("%s should be opaque", yes[i]);
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        if (opaque(no[i]))
            fail_msg("%s should not be opaque", no[i]);
}

static void test_ipv4_under_opaque_names(void **state)
{
    (void)state;
    assert_true(reports("{\"f1\":\"202.239.203.91\"}", "cn.pi.ip-address"));
    assert_true(reports("{\"c_03\":\" 10.232.7.161 \"}", "cn.pi.ip-address"));
    /* versions, loopback, multicast, and meaningful or partial values */
    assert_false(reports("{\"f1\":\"1.2.3.4\"}", "cn.pi.ip-address"));
    assert_false(reports("{\"f1\":\"127.0.0.1\"}", "cn.pi.ip-address"));
    assert_false(reports("{\"f1\":\"239.1.2.3\"}", "cn.pi.ip-address"));
    assert_false(reports("{\"build\":\"202.239.203.91\"}", "cn.pi.ip-address"));
    assert_false(reports("{\"f1\":\"v202.239.203.91 build\"}", "cn.pi.ip-address"));
}

static void test_imei_under_opaque_names(void **state)
{
    (void)state;
    /* 86 (TAF) and 35 (BABT) handset TACs, Luhn valid */
    assert_true(reports("{\"f1_1\":\"862540830827087\"}", "cn.pi.imei"));
    /* Luhn valid, but 49 is not a handset reporting body: a serial */
    assert_false(reports("{\"x\":\"490154203237518\"}", "cn.pi.imei"));
    assert_true(reports("{\"k2\":\"355536609321728\"}", "cn.pi.imei"));
    /* the same number with a failing check digit, and under a meaningful name */
    assert_false(reports("{\"f1_1\":\"862540830827088\"}", "cn.pi.imei"));
    assert_false(reports("{\"batch\":\"862540830827087\"}", "cn.pi.imei"));
}

static void test_names_under_opaque_names(void **state)
{
    (void)state;
    assert_true(reports("{\"f3\":\"张伟\"}", "cn.pi.name"));
    assert_true(reports("{\"v\":\"欧阳娜娜\"}", "cn.pi.name"));
    const char *not_names[] = {"白色", "方便面", "黄山毛峰", "高级工程师", "已发货", "上海市", "周末",
                               "万达广场"};
    for (size_t i = 0; i < sizeof(not_names) / sizeof(not_names[0]); i++) {
        char body[128];
        snprintf(body, sizeof(body), "{\"f3\":\"%s\"}", not_names[i]);
        if (reports(body, "cn.pi.name"))
            fail_msg("%s reported as a name", not_names[i]);
    }
    /* a meaningful unknown field keeps the strict rule */
    assert_false(reports("{\"product\":\"张伟\"}", "cn.pi.name"));
}

static void test_hotwords_stay_in_their_clause(void **state)
{
    (void)state;
    const char *text = "{\"remark\":\"流水号：833048857788485；设备IMEI 867165050958647 离线\"}";
    xb_scan *s = xb_scan_buffer(engine, "application/json", NULL, text, strlen(text), NULL);
    assert_non_null(s);
    const xb_scan_result *r = xb_scan_get_result(s);
    size_t imeis = 0;
    for (size_t i = 0; i < r->n_findings; i++)
        if (!strcmp(r->findings[i].entry->id, "cn.pi.imei")) {
            imeis++;
            /* the one after its own cue, not the serial before it */
            assert_true(strstr(text + r->findings[i].span.start, "867165050958647") ==
                        text + r->findings[i].span.start);
        }
    assert_int_equal(imeis, 1);
    xb_scan_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_opaque_names),
        cmocka_unit_test(test_ipv4_under_opaque_names),
        cmocka_unit_test(test_imei_under_opaque_names),
        cmocka_unit_test(test_names_under_opaque_names),
        cmocka_unit_test(test_hotwords_stay_in_their_clause),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
