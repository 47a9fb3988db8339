/*
 * test_context_clause.c - context words with the default catalogs:
 *   - a hotword in the next clause does not vouch for a number;
 *   - a whole-value IPv4 address under an opaque field name is reported,
 *     versions, loopback, multicast and meaningful field names are not
 *     (the record-evidence rules themselves: test_evidence.c).
 */
#include "xb_test.h"

#include "classifier/catalog/xb_catalog.h"
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
        cmocka_unit_test(test_ipv4_under_opaque_names),
        cmocka_unit_test(test_hotwords_stay_in_their_clause),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
