/*
 * test_value_memo.c - the per-scan memo of clean values (xb_value_memo.h):
 *   - the memo itself: a value is remembered on its second clean sight,
 *     and only for the same field, bytes, kind and segment flag;
 *   - whole scans with the default catalogs give exactly the same findings
 *     and watermark carriers with and without the memo, on bodies where the
 *     same bytes are clean under one field name and personal data under
 *     another, where coordinates pair across values, and where the findings
 *     limit is reached.
 */
#include "xb_test.h"

#include "classifier/catalog/xb_catalog.h"
#include "classifier/detect/xb_value_memo.h"
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

static xb_memo_key key(const char *field, const char *value, uint8_t tag)
{
    xb_memo_key k = {field, strlen(field), (const uint8_t *)value, strlen(value), tag,
                     xb_hash64(field, strlen(field), 0), 0};
    assert_true(xb_memo_key_hash(&k));
    return k;
}

static void test_remembered_on_second_clean_sight(void **state)
{
    (void)state;
    xb_value_memo m = {0};
    xb_memo_key a = key("status", "delivered", 0);
    assert_false(xb_memo_clean(&m, &a));
    xb_memo_note_clean(&m, &a);
    assert_false(xb_memo_clean(&m, &a)); /* seen once: hash only */
    xb_memo_note_clean(&m, &a);
    assert_true(xb_memo_clean(&m, &a));
    assert_int_equal(m.stores, 1);

    /* same bytes, other field / kind / segment flag: not remembered */
    xb_memo_key other_field = key("state", "delivered", 0);
    xb_memo_key other_kind = key("status", "delivered", 2);
    xb_memo_key other_value = key("status", "delivere", 0);
    assert_false(xb_memo_clean(&m, &other_field));
    assert_false(xb_memo_clean(&m, &other_kind));
    assert_false(xb_memo_clean(&m, &other_value));
    xb_memo_free(&m);
}

static void test_long_values_and_full_pool(void **state)
{
    (void)state;
    char big[XB_MEMO_MAX_VALUE + 2];
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    xb_memo_key k = {"f", 1, (const uint8_t *)big, strlen(big), 0, 0, 0};
    assert_false(xb_memo_key_hash(&k));

    /* Fill the pool: the memo stops learning and keeps answering. */
    xb_value_memo m = {0};
    char v[XB_MEMO_MAX_VALUE + 1];
    memset(v, 'v', XB_MEMO_MAX_VALUE);
    v[XB_MEMO_MAX_VALUE] = '\0';
    xb_memo_key first = key("first", "kept", 0);
    xb_memo_note_clean(&m, &first);
    xb_memo_note_clean(&m, &first);
    for (int i = 0; i < 2 * XB_MEMO_POOL / XB_MEMO_MAX_VALUE; i++) {
        v[0] = (char)('A' + i % 26);
        v[1] = (char)('A' + i / 26 % 26);
        v[2] = (char)('A' + i / 676);
        xb_memo_key k2 = key("f", v, 0);
        xb_memo_note_clean(&m, &k2);
        xb_memo_note_clean(&m, &k2);
    }
    assert_true(m.pool_len <= XB_MEMO_POOL);
    assert_true(xb_memo_clean(&m, &first));
    xb_memo_free(&m);
}

/* ---- whole scans: memo on and off must agree */

static xb_scan *scan(const char *ctype, const char *body, bool memo, size_t max_findings)
{
    xb_scan_options o;
    xb_scan_options_default(&o);
    o.collect_carriers = true;
    o.no_value_memo = !memo;
    if (max_findings)
        o.limits.max_findings = max_findings;
    xb_scan *s = xb_scan_buffer(engine, ctype, NULL, body, strlen(body), &o);
    assert_non_null(s);
    return s;
}

static size_t assert_same(const char *ctype, const char *body, size_t max_findings)
{
    xb_scan *a = scan(ctype, body, true, max_findings);
    xb_scan *b = scan(ctype, body, false, max_findings);
    const xb_scan_result *ra = xb_scan_get_result(a), *rb = xb_scan_get_result(b);
    assert_int_equal(ra->n_findings, rb->n_findings);
    for (size_t i = 0; i < ra->n_findings; i++) {
        const xb_finding *fa = &ra->findings[i], *fb = &rb->findings[i];
        assert_ptr_equal(fa->entry, fb->entry);
        assert_string_equal(fa->path, fb->path);
        assert_int_equal(fa->span.start, fb->span.start);
        assert_int_equal(fa->span.end, fb->span.end);
        assert_true(fa->confidence == fb->confidence);
        assert_int_equal(fa->record, fb->record);
    }
    assert_int_equal(ra->n_carriers, rb->n_carriers);
    for (size_t i = 0; i < ra->n_carriers; i++) {
        assert_string_equal(ra->carriers[i].path, rb->carriers[i].path);
        assert_int_equal(ra->carriers[i].span.start, rb->carriers[i].span.start);
    }
    size_t n = ra->n_findings;
    xb_scan_free(a);
    xb_scan_free(b);
    return n;
}

static size_t count(const char *ctype, const char *body, const char *entry)
{
    xb_scan *s = scan(ctype, body, true, 0);
    const xb_scan_result *r = xb_scan_get_result(s);
    size_t k = 0;
    for (size_t i = 0; i < r->n_findings; i++)
        if (!strcmp(r->findings[i].entry->id, entry))
            k++;
    xb_scan_free(s);
    return k;
}

/* The same bytes clean under one field and personal data under another:
 * a postal code is reported only under a postal field name. */
static void test_same_bytes_other_field(void **state)
{
    (void)state;
    const char *body =
        "{\"r\":[{\"qty\":\"100080\",\"postcode\":\"100080\",\"note\":\"已签收\"},"
        "{\"qty\":\"100080\",\"postcode\":\"100080\",\"note\":\"已签收\"},"
        "{\"qty\":\"100080\",\"postcode\":\"100080\",\"note\":\"已签收\"}]}";
    assert_same("application/json", body, 0);
    assert_int_equal(count("application/json", body, "cn.pi.postal-code"), 3);
}

/* Repeated coordinates pair with their partner every time. */
static void test_repeated_coordinates(void **state)
{
    (void)state;
    const char *body =
        "{\"p\":[{\"lat\":39.912345,\"lng\":116.412345},{\"lat\":39.912345,\"lng\":116.412345},"
        "{\"lat\":39.912345,\"lng\":116.412345},{\"lat\":39.912345,\"lng\":116.412345}]}";
    size_t n = assert_same("application/json", body, 0);
    assert_true(n >= 8);
}

/* A repeated name under an opaque key waits for its record's evidence. */
static void test_repeated_bare_names(void **state)
{
    (void)state;
    const char *body =
        "f1,f2,f3\n王伟,已签收,11010519491231002X\n王伟,已签收,订单\n王伟,已签收,订单\n"
        "王伟,已签收,13812345678\n";
    assert_same("text/csv", body, 0);
    assert_same("application/xml",
                "<r><p><n>王伟</n><s>已签收</s></p><p><n>王伟</n><s>已签收</s></p>"
                "<p><n>王伟</n><s>已签收</s><m>13812345678</m></p></r>", 0);
}

/* A record with more bare names than the provisional list holds drops the
 * extra ones; those names were not clean and must be judged again in the
 * next record, which has the evidence. */
static void test_full_provisional_list(void **state)
{
    (void)state;
    static const char *names[] = {"王伟", "李娜", "张敏", "刘洋", "陈静", "杨勇", "赵磊", "黄芳"};
    char body[8192];
    size_t o = 0;
    for (int c = 0; c < 41; c++)
        o += (size_t)snprintf(body + o, sizeof(body) - o, "%sf%d", c ? "," : "", c + 1);
    for (int row = 0; row < 3; row++) {
        /* the evidence comes first in the last row */
        o += (size_t)snprintf(body + o, sizeof(body) - o, "\n%s",
                              row == 2 ? "11010519491231002X" : "无");
        for (int c = 0; c < 40; c++)
            o += (size_t)snprintf(body + o, sizeof(body) - o, ",%s%s", names[c % 8],
                                  (const char *[]){"", "文", "华", "明", "刚"}[c / 8]);
    }
    body[o++] = '\n';
    body[o] = '\0';
    assert_same("text/csv", body, 0);
}

/* Findings limit reached: values dropped for the limit are not clean. */
static void test_findings_limit(void **state)
{
    (void)state;
    char body[4096];
    size_t o = (size_t)snprintf(body, sizeof(body), "{\"r\":[");
    for (int i = 0; i < 40; i++)
        o += (size_t)snprintf(body + o, sizeof(body) - o,
                              "%s{\"mobile\":\"13812345678\",\"s\":\"ok\"}", i ? "," : "");
    snprintf(body + o, sizeof(body) - o, "]}");
    assert_same("application/json", body, 5);
}

/* A generated export with repeated statuses, notes and names. */
static void test_generated_export(void **state)
{
    (void)state;
    char body[65536];
    size_t o = (size_t)snprintf(body, sizeof(body), "{\"records\":[");
    const char *status[] = {"已付款", "已发货", "delivered", "退款中"};
    for (int i = 0; i < 120; i++)
        o += (size_t)snprintf(body + o, sizeof(body) - o,
                              "%s{\"id\":%d,\"name\":\"%s\",\"mobile\":\"1381234%04d\","
                              "\"status\":\"%s\",\"notes\":\"客户要求周末送货，请提前电话联系。\","
                              "\"f1\":\"%s\",\"amount\":\"12.50\"}",
                              i ? "," : "", i, i % 3 ? "李娜" : "张伟", i % 7,
                              status[i % 4], i % 5 ? "陈静" : "已付款");
    snprintf(body + o, sizeof(body) - o, "]}");
    assert_same("application/json", body, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_remembered_on_second_clean_sight),
        cmocka_unit_test(test_long_values_and_full_pool),
        cmocka_unit_test(test_same_bytes_other_field),
        cmocka_unit_test(test_repeated_coordinates),
        cmocka_unit_test(test_repeated_bare_names),
        cmocka_unit_test(test_full_provisional_list),
        cmocka_unit_test(test_findings_limit),
        cmocka_unit_test(test_generated_export),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
