/*
 * test_policy_load.c - loading policy files: the example policy, every
 * field, exporter recognition (API key, API-key digest, certificate DN,
 * CIDR with the longest prefix), and bad files: each kind of error is
 * reported with the line of the element concerned.
 */
#include "xb_test.h"

#include <sys/stat.h>
#include <unistd.h>

#include "classifier/policy/xb_china_time.h"
#include "classifier/policy/xb_policy.h"

#define KEY "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

/* A valid policy; tests replace one marked part to break it. */
static const char *base =
    "<?xml version=\"1.0\"?>\n"
    "<policy format-version=\"1\" version=\"v1\">\n"
    "  <counting key-hex=\"" KEY "\"/>\n"
    "  <scenarios>\n"
    "    <scenario id=\"crew-management\" name-zh=\"船员管理\"/>\n"
    "  </scenarios>\n"
    "  <recipients>\n"
    "    <recipient id=\"r1\" country=\"DE\" role=\"controller\"><name>R1</name></recipient>\n"
    "    <recipient id=\"r2\" country=\"US\" role=\"entrusted\"><name>R2</name>"
    "<contact>c@r2.example</contact></recipient>\n"
    "  </recipients>\n"
    "  <exporters>\n"
    "    <exporter id=\"a\" default-scenario=\"crew-management trade\">\n"
    "      <name>A Co</name>\n"
    "      <uscc>91310000MA1FL0001R</uscc>\n"
    "      <match type=\"api-key\">key-a</match>\n"
    "      <match type=\"cidr\">10.0.0.0/8</match>\n"
    "      <mechanism id=\"m1\" type=\"scc\" ref=\"REF-1\" valid-from=\"2025-01-01\" valid-until=\"2027-12-31\">\n"
    "        <recipient>r1</recipient>\n"
    "        <category>contact</category>\n"
    "      </mechanism>\n"
    "    </exporter>\n"
    "    <exporter id=\"b\">\n"
    "      <name>B Co</name>\n"
    "      <uscc>91310115MA1HB00029</uscc>\n"
    "      <match type=\"cidr\">10.1.0.0/16</match>\n"
    "    </exporter>\n"
    "  </exporters>\n"
    "</policy>\n";

/* base with the first occurrence of `from` replaced by `to` */
static char *variant(const char *from, const char *to)
{
    const char *at = strstr(base, from);
    assert_non_null(at);
    size_t n = strlen(base) - strlen(from) + strlen(to) + 1;
    char *s = malloc(n);
    assert_non_null(s);
    snprintf(s, n, "%.*s%s%s", (int)(at - base), base, to, at + strlen(from));
    return s;
}

/* 1-based line of the first occurrence of marker in text */
static size_t line_of(const char *text, const char *marker)
{
    const char *at = strstr(text, marker);
    assert_non_null(at);
    size_t line = 1;
    for (const char *p = text; p < at; p++)
        line += *p == '\n';
    return line;
}

/* Load text; it must fail with a diag on `line` containing `msg`. */
static void expect_error(const char *text, size_t line, const char *msg)
{
    xb_diags d = {0};
    xb_policy *p = xb_policy_load_memory(text, strlen(text), "bad.xml", &d);
    bool found = false;
    for (size_t i = 0; i < d.n; i++)
        if (d.items[i].line == line && strstr(d.items[i].message, msg) &&
            !strcmp(d.items[i].file, "bad.xml"))
            found = true;
    if (!found || p) {
        fprintf(stderr, "expected bad.xml:%zu: ...%s...; got:\n", line, msg);
        for (size_t i = 0; i < d.n; i++)
            fprintf(stderr, "  %s:%zu: %s\n", d.items[i].file, d.items[i].line,
                    d.items[i].message);
    }
    assert_null(p);
    assert_true(found);
    xb_diags_free(&d);
}

static void expect_variant_error(const char *from, const char *to, const char *marker,
                                 const char *msg)
{
    char *text = variant(from, to);
    expect_error(text, line_of(text, marker), msg);
    free(text);
}

static void test_base_loads(void **state)
{
    (void)state;
    xb_diags d = {0};
    xb_policy *p = xb_policy_load_memory(base, strlen(base), "base.xml", &d);
    assert_int_equal(d.n, 0);
    assert_non_null(p);
    assert_string_equal(p->version, "v1");
    assert_int_equal(p->format_version, 1);
    assert_int_equal(p->counting_key_len, 32);
    assert_int_equal(p->counting_key[31], 0x1f);
    /* defaults */
    assert_false(p->monitor);
    assert_int_equal(p->on_missing, XB_MISSING_BLOCK);
    assert_int_equal(p->watermark, XB_WATERMARK_MECHANISM);
    assert_true(p->uninspectable_block);
    assert_int_equal(p->ftz_offlist_important, XB_FTZ_OFFLIST_ASSESSMENT);
    assert_int_equal(p->n_scenarios, 1);
    assert_string_equal(p->scenarios[0].name_zh, "船员管理");
    assert_int_equal(p->n_recipients, 2);
    assert_int_equal(p->recipients[1].role, XB_ROLE_ENTRUSTED);
    assert_string_equal(p->recipients[1].contact, "c@r2.example");
    const xb_exporter *a = xb_policy_exporter_by_id(p, "a");
    assert_non_null(a);
    assert_string_equal(a->uscc, "91310000MA1FL0001R");
    assert_false(a->ciio);
    assert_null(a->ftz_zone);
    assert_int_equal(a->n_mechanisms, 1);
    const xb_mechanism *m = &a->mechanisms[0];
    assert_int_equal(m->type, XB_MECH_SCC);
    assert_string_equal(m->ref, "REF-1");
    int64_t day;
    assert_true(xb_date_parse("2027-12-31", &day));
    assert_int_equal(m->valid_until, day);
    assert_ptr_equal(m->holder, a);
    assert_true(xb_policy_scenario_known(p, "trade", 5));
    assert_true(xb_policy_scenario_known(p, "crew-management", 15));
    assert_false(xb_policy_scenario_known(p, "holiday", 7));
    xb_policy_free(p);
}

static void test_example_policy(void **state)
{
    (void)state;
    xb_diags d = {0};
    xb_policy *p = xb_policy_load("config/policy.xml", &d);
    for (size_t i = 0; i < d.n; i++)
        fprintf(stderr, "%s:%zu: %s\n", d.items[i].file, d.items[i].line, d.items[i].message);
    assert_non_null(p);
    assert_int_equal(p->n_exporters, 4);
    const xb_exporter *h = xb_policy_exporter_by_id(p, "harbour-shipping");
    assert_string_equal(h->ftz_zone, "shanghai");
    assert_string_equal(h->ftz_list_version, "2024");
    assert_string_equal(h->default_scenario, "crew-management");
    const xb_exporter *g = xb_policy_exporter_by_id(p, "grid-power");
    assert_true(g->ciio);
    const xb_exporter *mob = xb_policy_exporter_by_id(p, "mobility-lab");
    assert_int_equal(mob->on_missing, XB_MISSING_MASK);
    assert_int_equal(mob->watermark, XB_WATERMARK_ALWAYS);
    /* recognised by API key, key digest, DN and address */
    assert_ptr_equal(xb_policy_find_exporter(p, "demo-lumen-7f3a9c", NULL),
                     xb_policy_exporter_by_id(p, "lumen-retail"));
    assert_ptr_equal(xb_policy_find_exporter(p, "demo-grid-5c07aa", NULL), g);
    assert_ptr_equal(xb_policy_find_exporter(p, "CN=harbour-gw,O=Harbour Shipping,C=CN", NULL), h);
    assert_ptr_equal(xb_policy_find_exporter(p, NULL, "10.30.4.5"), g);
    assert_ptr_equal(xb_policy_find_exporter(p, NULL, "fd00:30::7"), g);
    assert_null(xb_policy_find_exporter(p, "no-such-key", "192.0.2.1"));
    assert_null(xb_policy_find_exporter(p, NULL, "fd00:31::7"));
    xb_policy_free(p);
    xb_diags_free(&d);
}

static void test_find_exporter(void **state)
{
    (void)state;
    xb_diags d = {0};
    xb_policy *p = xb_policy_load_memory(base, strlen(base), "base.xml", &d);
    assert_non_null(p);
    const xb_exporter *a = xb_policy_exporter_by_id(p, "a");
    const xb_exporter *b = xb_policy_exporter_by_id(p, "b");
    /* the longest prefix wins */
    assert_ptr_equal(xb_policy_find_exporter(p, NULL, "10.1.2.3"), b);
    assert_ptr_equal(xb_policy_find_exporter(p, NULL, "10.2.0.1"), a);
    assert_null(xb_policy_find_exporter(p, NULL, "11.0.0.1"));
    /* an identifying value wins over the address */
    assert_ptr_equal(xb_policy_find_exporter(p, "key-a", "10.1.2.3"), a);
    /* an unknown key falls back to the address */
    assert_ptr_equal(xb_policy_find_exporter(p, "key-x", "10.1.2.3"), b);
    /* exact match only */
    assert_null(xb_policy_find_exporter(p, "key-a ", NULL));
    assert_null(xb_policy_find_exporter(p, "KEY-A", NULL));
    assert_null(xb_policy_find_exporter(p, NULL, "not-an-address"));
    assert_null(xb_policy_exporter_by_id(p, "zz"));
    assert_null(xb_policy_recipient_by_id(p, "zz"));
    xb_policy_free(p);
}

static void test_cidr_parse(void **state)
{
    (void)state;
    int fam;
    uint8_t net[16];
    unsigned prefix;
    assert_true(xb_cidr_parse("192.168.0.0/16", &fam, net, &prefix));
    assert_int_equal(fam, 4);
    assert_int_equal(prefix, 16);
    assert_true(xb_cidr_parse("192.168.1.1", &fam, net, &prefix));
    assert_int_equal(prefix, 32);
    assert_true(xb_cidr_parse("2001:db8::/32", &fam, net, &prefix));
    assert_int_equal(fam, 6);
    assert_false(xb_cidr_parse("192.168.1.1/16", &fam, net, &prefix)); /* host bits */
    assert_false(xb_cidr_parse("10.0.0.0/33", &fam, net, &prefix));
    assert_false(xb_cidr_parse("10.0.0.0/", &fam, net, &prefix));
    assert_false(xb_cidr_parse("10.0.0/8", &fam, net, &prefix));
    assert_false(xb_cidr_parse("2001:db8::1/32", &fam, net, &prefix));
    assert_false(xb_cidr_parse("banana", &fam, net, &prefix));
}

static void test_xml_errors(void **state)
{
    (void)state;
    const char *malformed = "<?xml version=\"1.0\"?>\n<policy format-version=\"1\" version=\"x\">\n"
                            "  <counting key-hex=\"" KEY "\"/>\n  <exporters>\n</policy>\n";
    expect_error(malformed, 5, "XML:");
    const char *doctype = "<?xml version=\"1.0\"?>\n<!DOCTYPE policy [<!ENTITY x \"y\">]>\n"
                          "<policy format-version=\"1\" version=\"x\"/>\n";
    expect_error(doctype, 2, "DOCTYPE");
    expect_error("<?xml version=\"1.0\"?>\n<catalog/>\n", 2, "root element must be <policy>");
    expect_error("", 1, "XML: Document is empty");
}

static void test_schema_errors(void **state)
{
    (void)state;
    expect_variant_error("version=\"v1\"", "", "<policy", "version");
    expect_variant_error("format-version=\"1\"", "format-version=\"2\"", "<policy",
                         "format-version");
    expect_variant_error("role=\"controller\"", "role=\"owner\"", "<recipient id=\"r1\"", "role");
    expect_variant_error("country=\"DE\"", "country=\"Germany\"", "<recipient id=\"r1\"",
                         "country");
    expect_variant_error("type=\"scc\"", "type=\"contract\"", "<mechanism", "type");
    expect_variant_error("<category>contact</category>", "", "<mechanism", "category");
    expect_variant_error("<uscc>91310000MA1FL0001R</uscc>", "<uscc>9131</uscc>", "<uscc>9131",
                         "uscc");
    expect_variant_error("<name>A Co</name>", "<name>A Co</name><nickname>A</nickname>",
                         "<nickname>", "nickname");
}

static void test_meaning_errors(void **state)
{
    (void)state;
    expect_variant_error("<recipient>r1</recipient>", "<recipient>r9</recipient>",
                         "<mechanism", "unknown recipient 'r9'");
    expect_variant_error("valid-from=\"2025-01-01\"", "valid-from=\"2025-02-30\"", "<mechanism",
                         "valid-from '2025-02-30' is not a calendar date");
    expect_variant_error("valid-until=\"2027-12-31\"", "valid-until=\"2024-12-31\"",
                         "<mechanism", "valid-until 2024-12-31 is before valid-from 2025-01-01");
    expect_variant_error("<exporter id=\"b\">", "<exporter id=\"a\">", "<exporter id=\"a\">\n      <name>B",
                         "duplicate exporter id 'a'");
    expect_variant_error("<recipient id=\"r2\"", "<recipient id=\"r1\"", "<recipient id=\"r1\" country=\"US\"",
                         "duplicate recipient id 'r1'");
    expect_variant_error("<scenario id=\"crew-management\" name-zh=\"船员管理\"/>",
                         "<scenario id=\"crew\"/><scenario id=\"crew\"/>", "<scenario id=\"crew\"",
                         "duplicate scenario id 'crew'");
    expect_variant_error("<scenario id=\"crew-management\" name-zh=\"船员管理\"/>",
                         "<scenario id=\"crew-management\"/><scenario id=\"trade\"/>",
                         "<scenario id=\"trade\"", "is built in");
    expect_variant_error("<uscc>91310000MA1FL0001R</uscc>", "<uscc>91310000MA1FL0001X</uscc>",
                         "<uscc>", "not a valid unified social credit code");
    expect_variant_error("<uscc>91310115MA1HB00029</uscc>", "<uscc>91310000MA1FL0001R</uscc>",
                         "<exporter id=\"b\">", "duplicate exporter USCC");
    expect_variant_error("default-scenario=\"crew-management trade\"",
                         "default-scenario=\"crew-management holiday\"", "<exporter id=\"a\"",
                         "unknown scenario 'holiday'");
    expect_variant_error("<match type=\"cidr\">10.1.0.0/16</match>",
                         "<match type=\"cidr\">10.1.2.3/16</match>", "10.1.2.3/16",
                         "'10.1.2.3/16' is not a valid CIDR");
    expect_variant_error("<match type=\"cidr\">10.1.0.0/16</match>",
                         "<match type=\"cidr\">010.0.0.0/8</match>", "010.0.0.0/8",
                         "not a valid CIDR");
    expect_variant_error("<match type=\"cidr\">10.1.0.0/16</match>",
                         "<match type=\"cidr\">10.0.0.0/08</match>", "10.0.0.0/08",
                         "duplicate exporter CIDR network '10.0.0.0/08' (first at line 16)");
    expect_variant_error("<match type=\"cidr\">10.1.0.0/16</match>",
                         "<match type=\"api-key\">key-a</match>", "<match type=\"api-key\">key-a</match>\n    </exporter>",
                         "duplicate exporter match value 'key-a'");
    expect_variant_error("<match type=\"cidr\">10.1.0.0/16</match>",
                         "<match type=\"api-key-sha256\">abcd</match>", "abcd</match>",
                         "api-key-sha256 must be 64 hex digits");
    expect_variant_error("<mechanism id=\"m1\"", "<mechanism id=\"m1\" type=\"scc\" ref=\"R\" "
                         "valid-from=\"2025-01-01\" valid-until=\"2025-01-02\"><recipient>r1"
                         "</recipient><category>*</category></mechanism>\n<mechanism id=\"m1\"",
                         "<mechanism id=\"m1\" type=\"scc\" ref=\"REF-1\"", "duplicate mechanism id 'm1'");
    expect_variant_error("<counting key-hex=\"" KEY "\"/>", "<counting/>", "<counting",
                         "exactly one of key-file or key-hex");
    expect_variant_error("<counting key-hex=\"" KEY "\"/>",
                         "<counting key-hex=\"" KEY "\" key-file=\"k\"/>", "<counting",
                         "exactly one of key-file or key-hex");
    expect_variant_error("<counting key-hex=\"" KEY "\"/>",
                         "<counting key-file=\"/nonexistent/counting.key\"/>", "<counting",
                         "counting key file /nonexistent/counting.key");
}

/* Several problems are all reported in one pass. */
static void test_all_errors_reported(void **state)
{
    (void)state;
    char *a = variant("<recipient>r1</recipient>", "<recipient>r9</recipient>");
    const char *from = "<uscc>91310115MA1HB00029</uscc>";
    char *at = strstr(a, from);
    assert_non_null(at);
    memcpy(at, "<uscc>91310115MA1HB0002X</uscc>", strlen(from));
    xb_diags d = {0};
    assert_null(xb_policy_load_memory(a, strlen(a), "bad.xml", &d));
    assert_int_equal(d.n, 2);
    xb_diags_free(&d);
    free(a);
}

/* A key file is read relative to the policy file. */
static void test_key_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/xb-policy-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256], keypath[256];
    snprintf(keypath, sizeof(keypath), "%s/counting.key", dir);
    FILE *f = fopen(keypath, "w");
    fprintf(f, "%s\n", KEY);
    fclose(f);
    char *text = variant("<counting key-hex=\"" KEY "\"/>", "<counting key-file=\"counting.key\"/>");
    snprintf(path, sizeof(path), "%s/policy.xml", dir);
    f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    xb_diags d = {0};
    xb_policy *p = xb_policy_load(path, &d);
    assert_non_null(p);
    assert_int_equal(p->counting_key_len, 32);
    assert_int_equal(p->counting_key[1], 1);
    assert_string_equal(p->counting_key_file, keypath);
    xb_policy_free(p);
    /* too short a key */
    f = fopen(keypath, "w");
    fprintf(f, "0011223344\n");
    fclose(f);
    assert_null(xb_policy_load(path, &d));
    assert_true(d.n >= 1);
    assert_non_null(strstr(d.items[d.n - 1].message, "must hold 16 to 64 bytes"));
    assert_int_equal(d.items[d.n - 1].line, line_of(text, "<counting"));
    xb_diags_free(&d);
    /* a missing policy file */
    assert_null(xb_policy_load("/nonexistent/policy.xml", &d));
    assert_int_equal(d.n, 1);
    assert_non_null(strstr(d.items[0].message, "cannot open"));
    xb_diags_free(&d);
    free(text);
    unlink(keypath);
    unlink(path);
    rmdir(dir);
}

/* Cross-check against catalogs: an FTZ list that is not loaded, a
 * mechanism category nothing defines. */
static void test_check_catalogs(void **state)
{
    (void)state;
    xb_entry e[2] = {{0}};
    e[0].id = (char *)"cn.pi.mobile";
    e[0].data_category = (char *)"contact";
    e[1].id = (char *)"cn.spi.ric";
    e[1].data_category = (char *)"identity";
    xb_catalog cat = {0};
    cat.id = (char *)"national";
    cat.kind = XB_CATALOG_NATIONAL_PI;
    cat.entries = e;
    cat.n_entries = 2;
    xb_catalog *cats[] = {&cat};
    xb_catalog_set set = {cats, 1};

    char *text = variant("<category>contact</category>",
                         "<category>contact</category><category>cn.spi.*</category>"
                         "<category>cn.pi.mobile</category><category>*</category>"
                         "<category>biometrics</category>");
    char *t2 = text;
    const char *from = "<uscc>91310115MA1HB00029</uscc>";
    char *at = strstr(t2, from);
    size_t n = strlen(t2) + 64;
    char *t3 = malloc(n);
    snprintf(t3, n, "%.*s%s<ftz zone=\"shanghai\" list-version=\"2024\"/>%s", (int)(at - t2), t2,
             from, at + strlen(from));
    xb_diags d = {0};
    xb_policy *p = xb_policy_load_memory(t3, strlen(t3), "p.xml", &d);
    assert_non_null(p);
    assert_int_equal(xb_policy_check_catalogs(p, &set, &d), 2);
    assert_int_equal(d.n, 2);
    assert_non_null(strstr(d.items[0].message, "category 'biometrics'"));
    assert_int_equal(d.items[0].line, line_of(t3, "<mechanism"));
    assert_non_null(strstr(d.items[1].message, "FTZ 'shanghai' version '2024'"));
    assert_int_equal(d.items[1].line, line_of(t3, "<exporter id=\"b\""));
    xb_diags_free(&d);
    xb_policy_free(p);
    free(text);
    free(t3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base_loads),
        cmocka_unit_test(test_example_policy),
        cmocka_unit_test(test_find_exporter),
        cmocka_unit_test(test_cidr_parse),
        cmocka_unit_test(test_xml_errors),
        cmocka_unit_test(test_schema_errors),
        cmocka_unit_test(test_meaning_errors),
        cmocka_unit_test(test_all_errors_reported),
        cmocka_unit_test(test_key_file),
        cmocka_unit_test(test_check_catalogs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
