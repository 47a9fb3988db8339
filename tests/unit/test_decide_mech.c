/*
 * test_decide_mech.c - mechanisms on file: what counts and what does not.
 * Valid dates in China time (inclusive, with the UTC+8 day boundary),
 * recipient, category and purpose scope, mechanism types against the
 * required route, several mechanisms together, the watermark settings, and
 * content that could not be inspected.
 */
#include "test_decide_fixture.h"

/* Exporter "acme": an SCC filing for r-de covering contact, basic profile
 * and identity data for customer service, an HR-only certification for
 * r-us, an expired assessment, a future SCC, and an assessment for r-hk
 * covering everything. */
#define ACME                                                                                 \
    "<exporter id=\"acme\" default-purpose=\"customer-service\"><name>Acme</name>"            \
    "<uscc>91310000MA1FL00069</uscc>"                                                        \
    "<mechanism id=\"scc-de\" type=\"scc\" ref=\"SCC-DE-1\" valid-from=\"2025-01-01\" "      \
    "valid-until=\"2027-12-31\"><recipient>r-de</recipient><category>contact</category>"    \
    "<category>basic-profile</category><category>identity</category>"                     \
    "<purpose>customer-service</purpose></mechanism>"                                         \
    "<mechanism id=\"cert-us\" type=\"certification\" ref=\"CERT-US-1\" "                    \
    "valid-from=\"2025-01-01\" valid-until=\"2027-12-31\"><recipient>r-us</recipient>"      \
    "<category>cn.pi.*</category><category>cn.spi.*</category><purpose>hr</purpose>"        \
    "</mechanism>"                                                                            \
    "<mechanism id=\"old-assessment\" type=\"assessment\" ref=\"ASSESS-OLD\" "               \
    "valid-from=\"2022-01-01\" valid-until=\"2024-12-31\"><recipient>r-de</recipient>"      \
    "<category>*</category></mechanism>"                                                     \
    "<mechanism id=\"future-scc\" type=\"scc\" ref=\"SCC-FUTURE\" valid-from=\"2030-01-01\" " \
    "valid-until=\"2032-12-31\"><recipient>r-de</recipient><category>financial</category>"  \
    "</mechanism>"                                                                            \
    "<mechanism id=\"assess-hk\" type=\"assessment\" ref=\"ASSESS-HK\" "                     \
    "valid-from=\"2025-06-01\" valid-until=\"2028-05-31\"><recipient>r-hk</recipient>"      \
    "<category>*</category></mechanism>"                                                     \
    "</exporter>\n"                                                                           \
    "<exporter id=\"split\"><name>Split</name><uscc>91110000600037341L</uscc>"                \
    "<mechanism id=\"scc-contact\" type=\"scc\" ref=\"SCC-CONTACT\" valid-from=\"2025-01-01\" " \
    "valid-until=\"2027-12-31\"><recipient>r-de</recipient><category>contact</category>"    \
    "</mechanism>"                                                                            \
    "<mechanism id=\"scc-id\" type=\"scc\" ref=\"SCC-ID\" valid-from=\"2025-01-01\" "        \
    "valid-until=\"2027-12-31\"><recipient>r-de</recipient><category>cn.spi.ric</category>" \
    "</mechanism>"                                                                            \
    "</exporter>\n"

static int setup(void **state)
{
    fx_world *w = malloc(sizeof(*w));
    fx_catalogs_init(w);
    w->policy = fx_load_policy("", ACME);
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    fx_world *w = *state;
    xb_policy_free(w->policy);
    free(w);
    return 0;
}

/* a record with a resident ID and a mobile: R9 (one sensitive individual) */
static void ric_and_mobile(fx_transfer *t)
{
    fx_add(t, "cn.spi.ric", 0, XB_SUBJECT_RESIDENT_ID, "11010519491231002X");
    fx_add(t, "cn.pi.mobile", 0, XB_SUBJECT_MOBILE, "13800138000");
}

static void test_covered_scc_watermarks(void **state)
{
    fx_transfer t;
    fx_transfer_init(&t, *state, "acme");
    ric_and_mobile(&t);
    const xb_decision *d = fx_decide(&t);
    assert_int_equal(d->rule, XB_RULE_R9);
    assert_int_equal(d->outcome, XB_OUTCOME_WATERMARK);
    assert_true(d->watermark);
    assert_int_equal(d->n_mechanisms, 1);
    assert_string_equal(d->mechanisms[0]->ref, "SCC-DE-1");
    /* every data reason names the mechanism relied on */
    size_t data = 0;
    for (size_t i = 0; i < d->n_reasons; i++)
        if (d->reasons[i].kind == XB_REASON_DATA) {
            assert_string_equal(d->reasons[i].mechanism, "SCC-DE-1");
            data++;
        }
    assert_int_equal(data, 2);
    assert_true(fx_has_reason(d, "relied on scc SCC-DE-1"));
    /* mechanisms that did not count say why */
    assert_true(fx_has_reason(d, "assessment ASSESS-OLD expired on 2024-12-31"));
    assert_true(fx_has_reason(d, "scc SCC-FUTURE is not valid before 2030-01-01"));
    assert_true(fx_has_reason(d, "certification CERT-US-1 is scoped to recipient(s) r-us, not r-de"));
    assert_non_null(strstr(d->message_zh, "SCC-DE-1"));
    assert_non_null(strstr(d->message_en, "SCC-DE-1"));
    fx_transfer_free(&t);
}

/* An entry of another zone's FTZ list found on the same fields is not a
 * category the mechanism must name: that list does not apply here. */
static void test_other_zone_list_needs_no_coverage(void **state)
{
    fx_transfer t;
    fx_transfer_init(&t, *state, "acme");
    ric_and_mobile(&t);
    fx_add(&t, "tj.pi.person", 0, 0, NULL);
    const xb_decision *d = fx_decide(&t);
    assert_int_equal(d->rule, XB_RULE_R9);
    assert_int_equal(d->outcome, XB_OUTCOME_WATERMARK);
    for (size_t i = 0; i < d->n_reasons; i++)
        assert_false(d->reasons[i].entry && !strcmp(d->reasons[i].entry, "tj.pi.person"));
    fx_transfer_free(&t);
}

static void test_recipient_out_of_scope(void **state)
{
    fx_transfer t;
    fx_transfer_init(&t, *state, "acme");
    ric_and_mobile(&t);
    t.in.recipient = xb_policy_recipient_by_id(t.w->policy, "r-us");
    t.in.dest_country = "US";
    const xb_decision *d = fx_decide(&t);
    /* the certification for r-us is HR-only; the SCC is for r-de */
    assert_int_equal(d->outcome, XB_OUTCOME_BLOCK);
    assert_true(fx_has_reason(d, "scc SCC-DE-1 is scoped to recipient(s) r-de, not r-us"));
    assert_true(fx_has_reason(d, "scoped to purpose(s) hr, not 'customer-service'"));
    assert_int_equal(d->n_mechanisms, 0);
    fx_transfer_free(&t);
}

static void test_unknown_recipient(void **state)
{
    fx_transfer t;
    fx_transfer_init(&t, *state, "acme");
    ric_and_mobile(&t);
    t.in.recipient = NULL;
    const xb_decision *d = fx_decide(&t);
    assert_int_equal(d->outcome, XB_OUTCOME_BLOCK);
    assert_true(fx_has_reason(d, "the recipient of this transfer is unknown"));
    fx_transfer_free(&t);
}

static void test_purpose_scope(void **state)
{
    fx_transfer t;
    /* the certification covers r-us for purpose hr only */
    fx_transfer_init(&t, *state, "acme");
    ric_and_mobile(&t);
    t.in.recipient = xb_policy_recipient_by_id(t.w->policy, "r-us");
    t.in.purpose = "hr";
    const xb_decision *d = fx_decide(&t);
    assert_int_equal(d->outcome, XB_OUTCOME_WATERMARK);
    assert_string_equal(d->mechanisms[0]->ref, "CERT-US-1");
    fx_transfer_free(&t);
    /* the SCC for r-de is for customer service, the exporter's default */
    fx_transfer_init(&t, *state, "acme");
    ric_and_mobile(&t);
    t.in.purpose = "marketing";
    d = fx_decide(&t);
    assert_int_equal(d->outcome, XB_OUTCOME_BLOCK);
    assert_true(fx_has_reason(d, "scc SCC-DE-1 is scoped to purpose(s) customer-service, not 'marketing'"));
    fx_transfer_free(&t);
}

static void test_category_scope(void **state)
{
    fx_transfer t;
    fx_transfer_init(&t, *state, "acme");
    ric_and_mobile(&t);
    fx_add(&t, "cn.spi.bank_card", 0, 0, NULL);
    const xb_decision *d = fx_decide(&t);
    assert_int_equal(d->outcome, XB_OUTCOME_BLOCK);
    assert_true(fx_has_reason(d, "scc SCC-DE-1 does not cover cn.spi.bank_card"));
    assert_true(fx_has_reason(d, "needs scc-or-cert and no valid mechanism on file covers it"));
    fx_transfer_free(&t);
}

/* China time: valid until 2027-12-31 means until 2027-12-31 23:59:59 +08:00. */
static void test_validity_day_boundary(void **state)
{
    fx_transfer t;
    fx_transfer_init(&t, *state, "acme");
    ric_and_mobile(&t);
    t.in.now = 1830268799; /* 2027-12-31T15:59:59Z = 23:59:59 +08:00 */
    const xb_decision *d = fx_decide(&t);
    assert_int_equal(d->outcome, XB_OUTCOME_WATERMARK);
    t.in.now = 1830268800; /* 2028-01-01 00:00:00 +08:00 */
    d = fx_decide(&t);
    assert_int_equal(d->outcome, XB_OUTCOME_BLOCK);
    assert_true(fx_has_reason(d, "scc SCC-DE-1 expired on 2027-12-31"));
    /* and valid from 2025-01-01 00:00 +08:00 = 2024-12-31T16:00Z */
    t.in.now = 1735660800;
    d = fx_decide(&t);
    assert_int_equal(d->outcome, XB_OUTCOME_WATERMARK);
    assert_string_equal(d->mechanisms[0]->ref, "SCC-DE-1");
    assert_true(fx_has_reason(d, "assessment ASSESS-OLD expired on 2024-12-31"));
    /* one second earlier the SCC is not valid yet, but the old assessment
     * (valid until 2024-12-31) still is */
    t.in.now = 1735660799;
    d = fx_decide(&t);
    assert_int_equal(d->outcome, XB_OUTCOME_WATERMARK);
    assert_string_equal(d->mechanisms[0]->ref, "ASSESS-OLD");
    assert_true(fx_has_reason(d, "scc SCC-DE-1 is not valid before 2025-01-01"));
    fx_transfer_free(&t);
}

/* An SCC or certification does not satisfy a required assessment; an
 * assessment satisfies everything. */
static void test_mechanism_types(void **state)
{
    fx_transfer t;
    fx_transfer_init(&t, *state, "acme");
    ric_and_mobile(&t);
    t.in.ytd_before.sensitive = 9999; /* 10,000 after: R8 */
    const xb_decision *d = fx_decide(&t);
    assert_int_equal(d->rule, XB_RULE_R8);
    assert_int_equal(d->outcome, XB_OUTCOME_BLOCK);
    assert_true(fx_has_reason(d, "a scc (SCC-DE-1) does not satisfy a required assessment"));
    fx_transfer_free(&t);

    fx_transfer_init(&t, *state, "acme");
    ric_and_mobile(&t);
    t.in.recipient = xb_policy_recipient_by_id(t.w->policy, "r-hk");
    t.in.dest_country = "HK";
    d = fx_decide(&t);
    assert_int_equal(d->rule, XB_RULE_R9);
    assert_int_equal(d->outcome, XB_OUTCOME_WATERMARK);
    assert_string_equal(d->mechanisms[0]->ref, "ASSESS-HK");
    fx_transfer_free(&t);

    /* important data needs the assessment; ASSESS-HK covers "*" */
    fx_transfer_init(&t, *state, "acme");
    fx_add(&t, "auto.imp.face", 0, 0, NULL);
    t.in.recipient = xb_policy_recipient_by_id(t.w->policy, "r-hk");
    d = fx_decide(&t);
    assert_int_equal(d->rule, XB_RULE_R6);
    assert_int_equal(d->outcome, XB_OUTCOME_WATERMARK);
    fx_transfer_free(&t);

    /* prohibited data: not even an assessment covering "*" */
    fx_transfer_init(&t, *state, "acme");
    fx_add(&t, "health.pop", 0, 0, NULL);
    t.in.recipient = xb_policy_recipient_by_id(t.w->policy, "r-hk");
    d = fx_decide(&t);
    assert_int_equal(d->route, XB_DECISION_PROHIBITED);
    assert_int_equal(d->outcome, XB_OUTCOME_BLOCK);
    assert_true(fx_has_reason(d, "no mechanism can allow it"));
    fx_transfer_free(&t);
}

/* Two mechanisms together cover one transfer. */
static void test_union_of_mechanisms(void **state)
{
    fx_transfer t;
    fx_transfer_init(&t, *state, "split");
    ric_and_mobile(&t);
    const xb_decision *d = fx_decide(&t);
    assert_int_equal(d->outcome, XB_OUTCOME_WATERMARK);
    assert_int_equal(d->n_mechanisms, 2);
    assert_string_equal(d->mechanisms[0]->ref, "SCC-CONTACT");
    assert_string_equal(d->mechanisms[1]->ref, "SCC-ID");
    fx_transfer_free(&t);
}

/* Watermark settings: global, per exporter, "always". */
static void test_watermark_settings(void **state)
{
    (void)state;
    fx_world w;
    fx_catalogs_init(&w);
    w.policy = fx_load_policy(
        "<outcomes watermark=\"no\"/>",
        "<exporter id=\"a\"><name>A</name><uscc>91310000MA1FL0001R</uscc>"
        "<mechanism id=\"m\" type=\"scc\" ref=\"SCC-A\" valid-from=\"2025-01-01\" "
        "valid-until=\"2027-12-31\"><recipient>r-de</recipient><category>*</category>"
        "</mechanism></exporter>"
        "<exporter id=\"b\" watermark=\"yes\"><name>B</name><uscc>91310115MA1HB00029</uscc>"
        "<mechanism id=\"m2\" type=\"scc\" ref=\"SCC-B\" valid-from=\"2025-01-01\" "
        "valid-until=\"2027-12-31\"><recipient>r-de</recipient><category>*</category>"
        "</mechanism></exporter>"
        "<exporter id=\"c\" watermark=\"always\"><name>C</name><uscc>91120116MA05JX0034</uscc>"
        "</exporter>");
    fx_transfer t;
    fx_transfer_init(&t, &w, "a");
    ric_and_mobile(&t);
    const xb_decision *d = fx_decide(&t);
    assert_int_equal(d->outcome, XB_OUTCOME_ALLOW);
    assert_false(d->watermark);
    assert_int_equal(d->n_mechanisms, 1);
    fx_transfer_free(&t);

    fx_transfer_init(&t, &w, "b");
    ric_and_mobile(&t);
    d = fx_decide(&t);
    assert_int_equal(d->outcome, XB_OUTCOME_WATERMARK);
    fx_transfer_free(&t);

    /* "always": exempt PI transfers are marked too, clean ones are not */
    fx_transfer_init(&t, &w, "c");
    fx_add(&t, "cn.pi.mobile", 0, XB_SUBJECT_MOBILE, "13800138000");
    d = fx_decide(&t);
    assert_int_equal(d->rule, XB_RULE_R10);
    assert_int_equal(d->outcome, XB_OUTCOME_WATERMARK);
    fx_transfer_free(&t);
    fx_transfer_init(&t, &w, "c");
    fx_add(&t, "cn.pi.device", 0, 0, NULL);
    d = fx_decide(&t);
    assert_int_equal(d->outcome, XB_OUTCOME_ALLOW);
    fx_transfer_free(&t);
    xb_policy_free(w.policy);
}

/* Content that could not be inspected: only an assessment scoped "*"
 * covers it; on-uninspectable pass decides on what was inspected. */
static void test_uninspectable(void **state)
{
    xb_uninspectable u = {.path = (char *)"upload#", .reason = (char *)"unsupported_type",
                          .detail = (char *)"application/zip"};
    fx_transfer t;
    fx_transfer_init(&t, *state, "acme");
    fx_add(&t, "cn.pi.mobile", 0, XB_SUBJECT_MOBILE, "13800138000");
    t.in.inspection = XB_INSPECTED_PARTIAL;
    t.in.uninspectable = &u;
    t.in.n_uninspectable = 1;
    const xb_decision *d = fx_decide(&t);
    assert_int_equal(d->rule, XB_RULE_R6);
    assert_int_equal(d->outcome, XB_OUTCOME_BLOCK);
    assert_true(fx_has_reason(d, "not inspected (unsupported_type: application/zip)"));
    assert_non_null(strstr(d->message_en, "could not be fully inspected"));
    /* the assessment for r-hk covers "*" */
    t.in.recipient = xb_policy_recipient_by_id(t.w->policy, "r-hk");
    d = fx_decide(&t);
    assert_int_equal(d->outcome, XB_OUTCOME_WATERMARK);
    assert_string_equal(d->mechanisms[0]->ref, "ASSESS-HK");
    /* the caller (nginx xborder_uninspectable pass) may pass it */
    t.in.recipient = xb_policy_recipient_by_id(t.w->policy, "r-de");
    t.in.uninspectable_mode = XB_UNINSPECTABLE_PASS;
    d = fx_decide(&t);
    assert_int_equal(d->rule, XB_RULE_R10);
    assert_int_equal(d->outcome, XB_OUTCOME_ALLOW);
    assert_true(fx_has_reason(d, "passed by policy"));
    fx_transfer_free(&t);
}

static void test_no_mechanism_on_file(void **state)
{
    (void)state;
    fx_world w;
    fx_catalogs_init(&w);
    w.policy = fx_load_policy("", FX_EXPORTERS_STANDARD);
    fx_transfer t;
    fx_transfer_init(&t, &w, "plain");
    ric_and_mobile(&t);
    const xb_decision *d = fx_decide(&t);
    assert_int_equal(d->outcome, XB_OUTCOME_BLOCK);
    assert_true(fx_has_reason(d, "exporter plain has no mechanism on file"));
    assert_non_null(strstr(d->message_zh, "已阻断"));
    fx_transfer_free(&t);
    xb_policy_free(w.policy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_covered_scc_watermarks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_zone_list_needs_no_coverage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recipient_out_of_scope, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_recipient, setup, teardown),
        cmocka_unit_test_setup_teardown(test_purpose_scope, setup, teardown),
        cmocka_unit_test_setup_teardown(test_category_scope, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validity_day_boundary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mechanism_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_union_of_mechanisms, setup, teardown),
        cmocka_unit_test(test_watermark_settings),
        cmocka_unit_test_setup_teardown(test_uninspectable, setup, teardown),
        cmocka_unit_test(test_no_mechanism_on_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
