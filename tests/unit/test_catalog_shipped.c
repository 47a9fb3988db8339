/*
 * test_catalog_shipped.c - the default catalogs under rules/catalogs/ load
 * cleanly and keep the properties the rest of the gateway relies on:
 * identity numbers sensitive by default through the switch, every entry
 * with a legal article and both kinds of example, FTZ lists tied to a zone
 * and list version, nothing unverified presented as official, localisation
 * as route prohibited, and every built-in detector used except the ones
 * deliberately left out (organisation codes are not personal information).
 */
#include "xb_test.h"

#include "classifier/catalog/xb_catalog.h"
#include "classifier/detect/xb_detectors.h"

static xb_catalog_set *load_shipped(void)
{
    const char *paths[] = {"rules/catalogs"};
    xb_diags d = {0};
    xb_catalog_set *set = NULL;
    xb_status st = xb_catalog_set_load(paths, 1, &set, &d);
    for (size_t i = 0; i < d.n; i++)
        print_message("%s:%zu: %s\n", d.items[i].file, d.items[i].line, d.items[i].message);
    assert_int_equal(st, XB_OK);
    xb_diags_free(&d);
    return set;
}

static const xb_catalog *catalog(const xb_catalog_set *set, const char *id)
{
    for (size_t i = 0; i < set->n; i++)
        if (!strcmp(set->catalogs[i]->id, id))
            return set->catalogs[i];
    fail_msg("catalog %s missing", id);
    return NULL;
}

static void test_catalogs_present(void **state)
{
    (void)state;
    xb_catalog_set *set = load_shipped();
    static const struct {
        const char *id;
        xb_catalog_kind kind;
        const char *zone, *list_version;
    } want[] = {
        {"cn-national-pi", XB_CATALOG_NATIONAL_PI, NULL, NULL},
        {"cn-sensitive-pi", XB_CATALOG_SENSITIVE_PI, NULL, NULL},
        {"cn-auto-2021", XB_CATALOG_SECTOR_IMPORTANT, NULL, NULL},
        {"cn-surveying", XB_CATALOG_SECTOR_IMPORTANT, NULL, NULL},
        {"cn-hgr", XB_CATALOG_SECTOR_IMPORTANT, NULL, NULL},
        {"cn-population-health", XB_CATALOG_SECTOR_IMPORTANT, NULL, NULL},
        {"ftz-tianjin-2024", XB_CATALOG_FTZ_NEGATIVE_LIST, "tianjin", "2024"},
        {"ftz-beijing-2024", XB_CATALOG_FTZ_NEGATIVE_LIST, "beijing", "2024"},
        {"ftz-beijing-2025", XB_CATALOG_FTZ_NEGATIVE_LIST, "beijing", "2025"},
        {"ftz-shanghai-lingang-2024", XB_CATALOG_FTZ_NEGATIVE_LIST, "shanghai", "2024"},
        {"ftz-hainan-2024", XB_CATALOG_FTZ_NEGATIVE_LIST, "hainan", "2024"},
        {"ftz-zhejiang-2024", XB_CATALOG_FTZ_NEGATIVE_LIST, "zhejiang", "2024"},
    };
    assert_int_equal(set->n, sizeof(want) / sizeof(want[0]));
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        const xb_catalog *c = catalog(set, want[i].id);
        assert_int_equal(c->kind, want[i].kind);
        if (want[i].zone) {
            assert_string_equal(c->zone, want[i].zone);
            assert_string_equal(c->list_version, want[i].list_version);
        } else {
            assert_null(c->zone);
        }
        assert_non_null(c->title_zh);
        assert_non_null(c->title_en);
    }
    xb_catalog_set_free(set);
}

static void test_identity_numbers_switch(void **state)
{
    (void)state;
    xb_catalog_set *set = load_shipped();
    static const char *ids[] = {"cn.pi.ric", "cn.pi.passport", "cn.pi.hmt-residence-permit",
                                "cn.pi.foreign-permanent-residence",
                                "cn.pi.hkmo-home-return-permit", "cn.pi.taiwan-permit",
                                "cn.pi.mainland-hkmo-permit"};
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        const xb_entry *e = xb_catalog_set_find(set, ids[i]);
        assert_non_null(e);
        assert_int_equal(e->level, XB_LEVEL_PI);
        assert_string_equal(e->sensitive_switch, "identity-numbers-sensitive");
        assert_int_equal(xb_entry_level(e), XB_LEVEL_SENSITIVE_PI);
    }
    const xb_entry *mobile = xb_catalog_set_find(set, "cn.pi.mobile");
    assert_int_equal(xb_entry_level(mobile), XB_LEVEL_PI);
    assert_true(xb_catalog_set_switch(set, "identity-numbers-sensitive", false));
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
        assert_int_equal(xb_entry_level(xb_catalog_set_find(set, ids[i])), XB_LEVEL_PI);
    assert_int_equal(xb_entry_level(xb_catalog_set_find(set, "cn.spi.bank-card")),
                     XB_LEVEL_SENSITIVE_PI);
    xb_catalog_set_free(set);
}

static void test_every_entry_is_complete(void **state)
{
    (void)state;
    xb_catalog_set *set = load_shipped();
    size_t entries = 0;
    for (size_t c = 0; c < set->n; c++)
        for (size_t i = 0; i < set->catalogs[c]->n_entries; i++) {
            const xb_entry *e = &set->catalogs[c]->entries[i];
            entries++;
            assert_non_null(e->article);
            assert_true(strlen(e->article) > 4);
            assert_non_null(e->source);
            size_t match = 0, miss = 0;
            for (size_t k = 0; k < e->n_examples; k++)
                *(e->examples[k].must_match ? &match : &miss) += 1;
            if (!match || !miss)
                fail_msg("%s lacks a match or no-match example", e->id);
            if (set->catalogs[c]->kind == XB_CATALOG_FTZ_NEGATIVE_LIST)
                assert_int_not_equal(e->route, XB_ROUTE_NONE);
            if (e->level == XB_LEVEL_IMPORTANT || e->level == XB_LEVEL_CORE)
                assert_int_not_equal(e->route, XB_ROUTE_NONE);
        }
    assert_true(entries >= 100);
    xb_catalog_set_free(set);
}

static void test_provenance_and_routes(void **state)
{
    (void)state;
    xb_catalog_set *set = load_shipped();
    /* The electronic-information subclass comes from a low-reliability
     * source: it must not be presented as official. */
    const xb_entry *ei = xb_catalog_set_find(set, "ftz.tianjin.2024.electronic-information");
    assert_non_null(ei);
    assert_int_equal(ei->provenance, XB_PROV_SELF_DEFINED);
    /* HGR as important data is the processor's own Annex G reading. */
    assert_int_equal(xb_catalog_set_find(set, "hgr.sequence-files")->provenance,
                     XB_PROV_SELF_DEFINED);
    /* Population health information may not leave. */
    const xb_entry *ph = xb_catalog_set_find(set, "health.population-health-record");
    assert_int_equal(ph->route, XB_ROUTE_PROHIBITED);
    assert_int_equal(ph->provenance, XB_PROV_OFFICIAL);
    /* Automotive Art. 3(5): more than 100,000 individuals, exclusive. */
    const xb_entry *auto5 = xb_catalog_set_find(set, "auto.important.pi-over-100k");
    assert_int_equal(auto5->threshold, 100001);
    assert_int_equal(auto5->threshold_basis, XB_THRESHOLD_ANY);
    assert_int_equal(auto5->route, XB_ROUTE_ASSESSMENT);
    /* National PI carries no route: counting decides (Arts. 5(4), 7, 8). */
    const xb_catalog *pi = catalog(set, "cn-national-pi");
    for (size_t i = 0; i < pi->n_entries; i++) {
        assert_int_equal(pi->entries[i].route, XB_ROUTE_NONE);
        assert_int_equal(pi->entries[i].threshold, 0);
    }
    xb_catalog_set_free(set);
}

static void test_detector_coverage(void **state)
{
    (void)state;
    xb_catalog_set *set = load_shipped();
    /* Left out on purpose: organisation codes are not PI, and 13-digit IoT
     * numbers identify SIMs in machines, not people. (The USCC is used, at
     * level general: see test_uscc_is_not_pi.) */
    static const char *unused[] = {"cn_org_code", "cn_iot_number"};
    for (size_t d = 0; d < xb_builtin_detector_count(); d++) {
        const char *name = xb_builtin_detector_at(d)->name;
        bool used = false;
        for (size_t c = 0; c < set->n && !used; c++)
            for (size_t i = 0; i < set->catalogs[c]->n_entries && !used; i++) {
                const xb_entry *e = &set->catalogs[c]->entries[i];
                for (size_t k = 0; k < e->n_validators && !used; k++)
                    used = !strcmp(e->validators[k], name);
            }
        bool expected_unused = false;
        for (size_t k = 0; k < sizeof(unused) / sizeof(unused[0]); k++)
            expected_unused |= !strcmp(unused[k], name);
        if (used == expected_unused)
            fail_msg("detector %s is %s by the shipped catalogs", name,
                     used ? "used (expected unused)" : "not used");
    }
    xb_catalog_set_free(set);
}

/* The unified social credit code identifies organisations: every shipped
 * entry that reports it is level general, so it never counts as a person. */
static void test_uscc_is_not_pi(void **state)
{
    (void)state;
    xb_catalog_set *set = load_shipped();
    size_t entries = 0;
    for (size_t c = 0; c < set->n; c++)
        for (size_t i = 0; i < set->catalogs[c]->n_entries; i++) {
            const xb_entry *e = &set->catalogs[c]->entries[i];
            for (size_t k = 0; k < e->n_validators; k++)
                if (!strcmp(e->validators[k], "cn_uscc")) {
                    assert_int_equal(e->level, XB_LEVEL_GENERAL);
                    entries++;
                }
        }
    assert_int_equal(entries, 1);
    const xb_entry *u = xb_catalog_set_find(set, "cn.org.uscc");
    assert_non_null(u);
    assert_int_equal(u->level, XB_LEVEL_GENERAL);
    xb_catalog_set_free(set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catalogs_present),
        cmocka_unit_test(test_identity_numbers_switch),
        cmocka_unit_test(test_every_entry_is_complete),
        cmocka_unit_test(test_provenance_and_routes),
        cmocka_unit_test(test_detector_coverage),
        cmocka_unit_test(test_uscc_is_not_pi),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
