/*
 * test_catalog.c - loading valid catalogs into the in-memory model: every
 * element and attribute lands in the right field with the documented
 * defaults, switches change effective levels, directories load in name order
 * (hidden and non-XML files ignored), and the set helpers (find, version,
 * names) behave.
 *
 * Fixtures: tests/data/catalogs/valid/.
 */
#include "xb_test.h"

#include "classifier/catalog/xb_catalog.h"

#define VALID_DIR "tests/data/catalogs/valid"
#define BASIC VALID_DIR "/10-basic.xml"
#define FTZ VALID_DIR "/20-ftz.xml"

/* 1-based line of the first line of path containing needle. */
static size_t line_of(const char *path, const char *needle)
{
    char *text = xb_test_read_file(path, NULL);
    const char *hit = strstr(text, needle);
    assert_non_null(hit);
    size_t line = 1;
    for (const char *p = text; p < hit; p++)
        line += *p == '\n';
    free(text);
    return line;
}

static xb_catalog_set *load_ok(const char *const *paths, size_t n)
{
    xb_diags d = {0};
    xb_catalog_set *set = NULL;
    xb_status st = xb_catalog_set_load(paths, n, &set, &d);
    for (size_t i = 0; i < d.n; i++)
        print_message("unexpected diag %s:%zu: %s\n", d.items[i].file, d.items[i].line,
                      d.items[i].message);
    assert_int_equal(st, XB_OK);
    assert_int_equal(d.n, 0);
    assert_non_null(set);
    xb_diags_free(&d);
    return set;
}

static void test_basic_catalog_fields(void **state)
{
    (void)state;
    const char *paths[] = {BASIC};
    xb_catalog_set *set = load_ok(paths, 1);
    assert_int_equal(set->n, 1);
    const xb_catalog *c = set->catalogs[0];
    assert_string_equal(c->id, "test-basic");
    assert_string_equal(c->version, "2026.1");
    assert_int_equal(c->kind, XB_CATALOG_NATIONAL_PI);
    assert_string_equal(c->title_zh, "测试目录");
    assert_string_equal(c->title_en, "Test catalog");
    assert_null(c->zone);
    assert_null(c->list_version);
    assert_string_equal(c->file, BASIC);
    assert_int_equal(c->n_switches, 2);
    assert_string_equal(c->switches[0].id, "identity-numbers-sensitive");
    assert_true(c->switches[0].value);
    assert_string_equal(c->switches[0].description, "Identity numbers count as sensitive PI.");
    assert_false(c->switches[1].value);
    assert_null(c->switches[1].description);
    assert_int_equal(c->n_entries, 2);
    xb_catalog_set_free(set);
}

static void test_entry_fields_and_detectors(void **state)
{
    (void)state;
    const char *paths[] = {BASIC};
    xb_catalog_set *set = load_ok(paths, 1);
    const xb_entry *e = xb_catalog_set_find(set, "test.pi.ric");
    assert_non_null(e);
    assert_ptr_equal(e->catalog, set->catalogs[0]);
    assert_int_equal(e->line, line_of(BASIC, "<entry id=\"test.pi.ric\""));
    assert_string_equal(e->name_zh, "居民身份证号码");
    assert_string_equal(e->name_en, "Resident ID number");
    assert_string_equal(e->description, "Padded description.");
    assert_string_equal(e->data_category, "identity");
    assert_string_equal(e->sector, "general");
    assert_int_equal(e->n_scenarios, 2);
    assert_string_equal(e->scenarios[0], "hr");
    assert_string_equal(e->scenarios[1], "membership");
    assert_int_equal(e->level, XB_LEVEL_PI);
    assert_string_equal(e->sensitive_switch, "identity-numbers-sensitive");
    assert_int_equal(e->route, XB_ROUTE_NONE);
    assert_int_equal(e->threshold, 0);
    assert_int_equal(e->threshold_basis, XB_THRESHOLD_NONE);
    assert_string_equal(e->article, "《个人信息保护法》第二十八条");
    assert_int_equal(e->provenance, XB_PROV_OFFICIAL);
    assert_string_equal(e->source, "GB/T 35273-2020 附录B");

    assert_int_equal(e->n_validators, 2);
    assert_string_equal(e->validators[0], "cn_ric18");
    assert_string_equal(e->validators[1], "cn_ric15");
    assert_int_equal(e->n_patterns, 1);
    assert_string_equal(e->patterns[0].regex, "[1-8]\\d{16}[0-9x]");
    assert_int_equal(e->patterns[0].scope, XB_SCOPE_TOKEN);
    assert_true(e->patterns[0].caseless);
    assert_string_equal(e->patterns[0].validator, "cn_ric18");
    assert_true(e->patterns[0].confidence > 0.89 && e->patterns[0].confidence < 0.91);
    assert_int_equal(e->patterns[0].line, line_of(BASIC, "<pattern scope=\"token\""));
    assert_int_equal(e->n_field_names, 4);
    assert_string_equal(e->field_names[0], "sfzh");
    assert_string_equal(e->field_names[2], "*IdNo");
    assert_string_equal(e->field_names[3], "cert*");
    assert_int_equal(e->n_hotwords, 2);
    assert_string_equal(e->hotwords[1], "ID card");
    assert_true(e->hotword_boost > 0.19 && e->hotword_boost < 0.21);
    assert_int_equal(e->n_exclude_words, 1);
    assert_true(e->exclude_penalty > 0.49 && e->exclude_penalty < 0.51);
    assert_true(e->min_confidence > 0.59 && e->min_confidence < 0.61);

    assert_int_equal(e->n_examples, 2);
    assert_true(e->examples[0].must_match);
    assert_string_equal(e->examples[0].content_type, "application/json");
    assert_string_equal(e->examples[0].text, "{\"sfzh\":\"11010519491231002X\"}");
    assert_int_equal(e->examples[0].line, line_of(BASIC, "<match content-type"));
    assert_false(e->examples[1].must_match);
    assert_string_equal(e->examples[1].content_type, "text/plain");
    assert_string_equal(e->examples[1].text, "order 110105194912310021");
    assert_int_equal(e->examples[1].line, line_of(BASIC, "<no-match>"));
    xb_catalog_set_free(set);
}

static void test_defaults_and_content_detectors(void **state)
{
    (void)state;
    const char *paths[] = {BASIC};
    xb_catalog_set *set = load_ok(paths, 1);
    const xb_entry *e = xb_catalog_set_find(set, "test.pi.note");
    assert_non_null(e);
    assert_int_equal(e->level, XB_LEVEL_GENERAL);
    assert_int_equal(e->provenance, XB_PROV_SELF_DEFINED);
    assert_null(e->description);
    assert_null(e->source);
    assert_null(e->sensitive_switch);
    assert_int_equal(e->n_scenarios, 0);
    assert_true(e->min_confidence > 0.49 && e->min_confidence < 0.51);
    assert_true(e->hotword_boost > 0.14 && e->hotword_boost < 0.16);
    assert_true(e->exclude_penalty > 0.39 && e->exclude_penalty < 0.41);
    assert_int_equal(e->n_keywords, 1);
    assert_string_equal(e->keywords[0], "军事管理区");
    assert_int_equal(e->n_content_types, 1);
    assert_string_equal(e->content_types[0], "chemical/x-vcf");
    assert_int_equal(e->n_extensions, 2);
    assert_string_equal(e->extensions[0], ".pcd");
    assert_string_equal(e->extensions[1], "las");
    assert_int_equal(e->n_magics, 2);
    assert_string_equal(e->magics[0], "##fileformat=VCF");
    assert_string_equal(e->magics[1], "LASF"); /* decoded from hex */
    assert_int_equal(e->n_examples, 0);
    xb_catalog_set_free(set);
}

static void test_ftz_catalog(void **state)
{
    (void)state;
    const char *paths[] = {FTZ};
    xb_catalog_set *set = load_ok(paths, 1);
    const xb_catalog *c = set->catalogs[0];
    assert_int_equal(c->kind, XB_CATALOG_FTZ_NEGATIVE_LIST);
    assert_string_equal(c->zone, "testzone");
    assert_string_equal(c->list_version, "2024");
    const xb_entry *m = xb_catalog_set_find(set, "test.ftz.member");
    assert_int_equal(m->route, XB_ROUTE_SCC_OR_CERT);
    assert_int_equal(m->threshold, 100000);
    assert_int_equal(m->threshold_basis, XB_THRESHOLD_GENERAL);
    assert_int_equal(m->n_scenarios, 1);
    const xb_entry *r = xb_catalog_set_find(set, "test.ftz.reinsurance");
    assert_int_equal(r->route, XB_ROUTE_ASSESSMENT);
    assert_int_equal(r->threshold, 10000);
    assert_int_equal(r->threshold_basis, XB_THRESHOLD_SENSITIVE);
    assert_int_equal(r->provenance, XB_PROV_NOTIFIED);
    assert_int_equal(xb_entry_level(r), XB_LEVEL_IMPORTANT);
    assert_null(xb_catalog_set_find(set, "no.such.entry"));
    xb_catalog_set_free(set);
}

static void test_switch_changes_effective_level(void **state)
{
    (void)state;
    const char *paths[] = {VALID_DIR};
    xb_catalog_set *set = load_ok(paths, 1);
    const xb_entry *ric = xb_catalog_set_find(set, "test.pi.ric");
    const xb_entry *member = xb_catalog_set_find(set, "test.ftz.member");
    /* Declared default="on": identity numbers are sensitive. */
    assert_int_equal(ric->level, XB_LEVEL_PI);
    assert_int_equal(xb_entry_level(ric), XB_LEVEL_SENSITIVE_PI);
    assert_int_equal(xb_entry_level(member), XB_LEVEL_PI);
    assert_true(xb_catalog_set_switch(set, "identity-numbers-sensitive", false));
    assert_int_equal(xb_entry_level(ric), XB_LEVEL_PI);
    assert_int_equal(xb_entry_level(member), XB_LEVEL_PI);
    assert_true(xb_catalog_set_switch(set, "identity-numbers-sensitive", true));
    assert_int_equal(xb_entry_level(ric), XB_LEVEL_SENSITIVE_PI);
    /* Unknown switches are refused and change nothing. */
    assert_false(xb_catalog_set_switch(set, "no-such-switch", false));
    assert_false(xb_catalog_set_switch(NULL, "identity-numbers-sensitive", false));
    assert_int_equal(xb_entry_level(ric), XB_LEVEL_SENSITIVE_PI);
    xb_catalog_set_free(set);
}

static void test_directory_order_and_version(void **state)
{
    (void)state;
    /* The directory also holds notes.txt and .hidden.xml (a copy of
     * 20-ftz.xml that would clash on ids if it were loaded). */
    const char *paths[] = {VALID_DIR};
    xb_catalog_set *set = load_ok(paths, 1);
    assert_int_equal(set->n, 2);
    assert_string_equal(set->catalogs[0]->id, "test-basic");
    assert_string_equal(set->catalogs[1]->id, "test-ftz");
    assert_string_equal(set->catalogs[1]->file, VALID_DIR "/20-ftz.xml");
    char *v = xb_catalog_set_version(set);
    assert_string_equal(v, "test-basic@2026.1,test-ftz@1");
    free(v);
    xb_catalog_set_free(set);

    /* Explicit files keep the order given. */
    const char *rev[] = {FTZ, BASIC};
    set = load_ok(rev, 2);
    v = xb_catalog_set_version(set);
    assert_string_equal(v, "test-ftz@1,test-basic@2026.1");
    free(v);
    xb_catalog_set_free(set);

    /* A trailing slash is fine. */
    const char *slash[] = {VALID_DIR "/"};
    set = load_ok(slash, 1);
    assert_string_equal(set->catalogs[1]->file, VALID_DIR "/20-ftz.xml");
    xb_catalog_set_free(set);
}

static void test_names_round_trip(void **state)
{
    (void)state;
    for (int i = XB_LEVEL_GENERAL; i <= XB_LEVEL_CORE; i++) {
        xb_level l;
        assert_true(xb_level_parse(xb_level_name((xb_level)i), &l));
        assert_int_equal(l, i);
    }
    for (int i = XB_ROUTE_NONE; i <= XB_ROUTE_PROHIBITED; i++) {
        xb_route r;
        assert_true(xb_route_parse(xb_route_name((xb_route)i), &r));
        assert_int_equal(r, i);
    }
    for (int i = XB_PROV_OFFICIAL; i <= XB_PROV_SELF_DEFINED; i++) {
        xb_provenance p;
        assert_true(xb_provenance_parse(xb_provenance_name((xb_provenance)i), &p));
        assert_int_equal(p, i);
    }
    for (int i = XB_CATALOG_NATIONAL_PI; i <= XB_CATALOG_FTZ_NEGATIVE_LIST; i++) {
        xb_catalog_kind k;
        assert_true(xb_catalog_kind_parse(xb_catalog_kind_name((xb_catalog_kind)i), &k));
        assert_int_equal(k, i);
    }
    assert_string_equal(xb_level_name(XB_LEVEL_SENSITIVE_PI), "sensitive-pi");
    assert_string_equal(xb_route_name(XB_ROUTE_SCC_OR_CERT), "scc-or-cert");
    assert_string_equal(xb_provenance_name(XB_PROV_SELF_DEFINED), "self-defined");
    assert_string_equal(xb_catalog_kind_name(XB_CATALOG_FTZ_NEGATIVE_LIST), "ftz-negative-list");
    assert_string_equal(xb_level_name((xb_level)99), "unknown");
    xb_level l = XB_LEVEL_CORE;
    assert_false(xb_level_parse("Sensitive-PI", &l));
    assert_false(xb_level_parse(NULL, &l));
    assert_int_equal(l, XB_LEVEL_CORE);
    xb_route r;
    assert_false(xb_route_parse("scc", &r));
    xb_provenance p;
    assert_false(xb_provenance_parse("self", &p));
    xb_catalog_kind k;
    assert_false(xb_catalog_kind_parse("ftz", &k));
}

static void test_diags(void **state)
{
    (void)state;
    xb_diags d = {0};
    for (int i = 0; i < 20; i++)
        xb_diags_add(&d, "f.xml", (size_t)i, "problem %d of %s", i, "twenty");
    assert_int_equal(d.n, 20);
    assert_string_equal(d.items[7].file, "f.xml");
    assert_int_equal(d.items[7].line, 7);
    assert_string_equal(d.items[7].message, "problem 7 of twenty");
    xb_diags_add(&d, NULL, 0, "no file");
    assert_string_equal(d.items[20].file, "");
    xb_diags_add(NULL, "x", 1, "ignored");
    xb_diags_free(&d);
    assert_int_equal(d.n, 0);
    assert_null(d.items);
    xb_diags_free(&d); /* twice is harmless */
}

static void test_version_of_empty_set(void **state)
{
    (void)state;
    xb_catalog_set empty = {NULL, 0};
    char *v = xb_catalog_set_version(&empty);
    assert_string_equal(v, "");
    free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_catalog_fields),
        cmocka_unit_test(test_entry_fields_and_detectors),
        cmocka_unit_test(test_defaults_and_content_detectors),
        cmocka_unit_test(test_ftz_catalog),
        cmocka_unit_test(test_switch_changes_effective_level),
        cmocka_unit_test(test_directory_order_and_version),
        cmocka_unit_test(test_names_round_trip),
        cmocka_unit_test(test_diags),
        cmocka_unit_test(test_version_of_empty_set),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
