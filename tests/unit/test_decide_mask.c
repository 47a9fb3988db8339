/*
 * test_decide_mask.c - on-missing-mechanism="mask": which findings are
 * masked, how the transfer is re-evaluated as it would leave (masked
 * findings and the people only they identify no longer counted), when
 * masking cannot help (uninspected content, values that cannot be
 * rewritten in place) and monitor mode.
 */
#include "test_decide_fixture.h"

#define EXPORTERS                                                                           \
    "<exporter id=\"bare\" on-missing-mechanism=\"mask\"><name>Bare</name>"                 \
    "<uscc>91310000MA1FL0001R</uscc></exporter>\n"                                          \
    "<exporter id=\"contact\" on-missing-mechanism=\"mask\"><name>Contact</name>"           \
    "<uscc>91310115MA1HB00029</uscc>"                                                       \
    "<mechanism id=\"scc\" type=\"scc\" ref=\"SCC-CONTACT\" valid-from=\"2025-01-01\" "     \
    "valid-until=\"2027-12-31\"><recipient>r-de</recipient><category>contact</category>"   \
    "<category>basic-profile</category></mechanism></exporter>\n"                          \
    "<exporter id=\"blocker\"><name>Blocker</name><uscc>91120116MA05JX0034</uscc></exporter>\n"

static int setup(void **state)
{
    fx_world *w = malloc(sizeof(*w));
    fx_catalogs_init(w);
    w->policy = fx_load_policy("", EXPORTERS);
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

static bool masked(const xb_decision *d, size_t finding)
{
    for (size_t i = 0; i < d->n_mask; i++)
        if (d->mask[i] == finding)
            return true;
    return false;
}

/* No mechanism at all: every PI field is masked, nothing regulated leaves. */
static void test_mask_everything_without_mechanism(void **state)
{
    fx_transfer t;
    fx_transfer_init(&t, *state, "bare");
    size_t name = fx_add(&t, "cn.pi.name", 0, 0, NULL);
    size_t mobile = fx_add(&t, "cn.pi.mobile", 0, XB_SUBJECT_MOBILE, "13800138000");
    size_t ric = fx_add(&t, "cn.spi.ric", 0, XB_SUBJECT_RESIDENT_ID, "11010519491231002X");
    size_t device = fx_add(&t, "cn.pi.device", 0, 0, NULL);
    const xb_decision *d = fx_decide(&t);
    assert_int_equal(d->rule, XB_RULE_R9);
    assert_int_equal(d->outcome, XB_OUTCOME_MASK);
    assert_int_equal(d->enforced, XB_OUTCOME_MASK);
    assert_int_equal(d->n_mask, 3);
    assert_true(masked(d, name) && masked(d, mobile) && masked(d, ric));
    assert_false(masked(d, device)); /* general data is not touched */
    assert_int_equal(d->masked_rule, XB_RULE_R10);
    assert_int_equal(d->masked_route, XB_DECISION_NONE);
    assert_int_equal(d->subjects.general, 0);
    assert_int_equal(d->subjects.sensitive, 0);
    assert_false(d->watermark);
    assert_int_equal(d->n_mechanisms, 0);
    /* nobody leaves, nobody is committed */
    for (size_t i = 0; i < t.subjects.n; i++)
        assert_int_equal(d->commit[i], 0);
    assert_true(fx_has_reason(d, "once masked: R10 none"));
    assert_non_null(strstr(d->message_zh, "脱敏"));
    fx_transfer_free(&t);
}

/* The SCC covers contact and basic profile, not identity: only the resident
 * ID is masked. Without it the record is about the person with that mobile,
 * there is no sensitive PI left, and one general individual is exempt. */
static void test_mask_only_uncovered(void **state)
{
    fx_transfer t;
    fx_transfer_init(&t, *state, "contact");
    fx_add(&t, "cn.pi.name", 0, 0, NULL);
    fx_add(&t, "cn.pi.mobile", 0, XB_SUBJECT_MOBILE, "13800138000");
    size_t ric = fx_add(&t, "cn.spi.ric", 0, XB_SUBJECT_RESIDENT_ID, "11010519491231002X");
    const xb_decision *d = fx_decide(&t);
    assert_int_equal(d->rule, XB_RULE_R9);
    assert_int_equal(d->outcome, XB_OUTCOME_MASK);
    assert_int_equal(d->n_mask, 1);
    assert_true(masked(d, ric));
    assert_int_equal(d->masked_rule, XB_RULE_R10);
    assert_int_equal(d->masked_route, XB_DECISION_EXEMPT);
    assert_int_equal(d->subjects.general, 1);
    assert_int_equal(d->subjects.sensitive, 0);
    /* the person who leaves is keyed by the mobile, not the masked ID */
    size_t committed = 0;
    for (size_t i = 0; i < t.subjects.n; i++)
        if (d->commit[i]) {
            committed++;
            assert_int_equal(t.subjects.items[i].rank, XB_SUBJECT_MOBILE);
            assert_int_equal(t.subjects.items[i].cls, XB_SUBJECT_GENERAL);
        }
    assert_int_equal(committed, 1);
    fx_transfer_free(&t);
}

/* Earlier sensitive exports keep the masked transfer in R9: what remains
 * relies on the SCC, and is watermarked. */
static void test_mask_then_rely_on_mechanism(void **state)
{
    fx_transfer t;
    fx_transfer_init(&t, *state, "contact");
    fx_add(&t, "cn.pi.mobile", 0, XB_SUBJECT_MOBILE, "13800138000");
    size_t ric = fx_add(&t, "cn.spi.ric", 0, XB_SUBJECT_RESIDENT_ID, "11010519491231002X");
    fx_add(&t, "cn.pi.mobile", 1, XB_SUBJECT_MOBILE, "13900139000");
    t.in.ytd_before.sensitive = 5;
    const xb_decision *d = fx_decide(&t);
    assert_int_equal(d->outcome, XB_OUTCOME_MASK);
    assert_int_equal(d->n_mask, 1);
    assert_true(masked(d, ric));
    assert_int_equal(d->masked_rule, XB_RULE_R9);
    assert_int_equal(d->masked_route, XB_DECISION_SCC_OR_CERT);
    assert_true(d->watermark);
    assert_int_equal(d->n_mechanisms, 1);
    assert_string_equal(d->mechanisms[0]->ref, "SCC-CONTACT");
    assert_int_equal(d->counters_after.general, 2);
    assert_int_equal(d->counters_after.sensitive, 5);
    fx_transfer_free(&t);
}

/* Masked important data: re-evaluated without it, the rest is exempt. */
static void test_mask_important_data(void **state)
{
    fx_transfer t;
    fx_transfer_init(&t, *state, "contact");
    size_t face = fx_add(&t, "auto.imp.face", 0, 0, NULL);
    fx_add(&t, "cn.pi.mobile", 0, XB_SUBJECT_MOBILE, "13800138000");
    const xb_decision *d = fx_decide(&t);
    assert_int_equal(d->rule, XB_RULE_R6);
    assert_int_equal(d->outcome, XB_OUTCOME_MASK);
    assert_true(masked(d, face));
    /* under R6 the SCC cannot carry the mobile either; once the important
     * data is masked the mobile alone is exempt (R10) */
    assert_int_equal(d->masked_rule, XB_RULE_R10);
    assert_int_equal(d->n_mask, 1);
    fx_transfer_free(&t);
}

/* Prohibited data is masked like anything no mechanism can cover. */
static void test_mask_prohibited(void **state)
{
    fx_transfer t;
    fx_transfer_init(&t, *state, "bare");
    size_t pop = fx_add(&t, "health.pop", 0, 0, NULL);
    const xb_decision *d = fx_decide(&t);
    assert_int_equal(d->route, XB_DECISION_PROHIBITED);
    assert_int_equal(d->outcome, XB_OUTCOME_MASK);
    assert_true(masked(d, pop));
    assert_int_equal(d->masked_route, XB_DECISION_NONE);
    fx_transfer_free(&t);
}

/* A value that cannot be rewritten in place cannot be masked: block. */
static void test_inexact_blocks(void **state)
{
    fx_transfer t;
    fx_transfer_init(&t, *state, "contact");
    fx_add(&t, "cn.pi.mobile", 0, XB_SUBJECT_MOBILE, "13800138000");
    size_t ric = fx_add(&t, "cn.spi.ric", 0, XB_SUBJECT_RESIDENT_ID, "11010519491231002X");
    t.f[ric].exact = false;
    t.in.ytd_before.sensitive = 5; /* keeps the masked transfer in R9 */
    const xb_decision *d = fx_decide(&t);
    assert_int_equal(d->outcome, XB_OUTCOME_BLOCK);
    assert_int_equal(d->n_mask, 0);
    fx_transfer_free(&t);
}

/* Content that was not inspected cannot be masked: block. */
static void test_uninspected_blocks(void **state)
{
    fx_transfer t;
    fx_transfer_init(&t, *state, "bare");
    fx_add(&t, "cn.pi.mobile", 0, XB_SUBJECT_MOBILE, "13800138000");
    t.in.inspection = XB_INSPECTED_PARTIAL;
    const xb_decision *d = fx_decide(&t);
    assert_int_equal(d->rule, XB_RULE_R6);
    assert_int_equal(d->outcome, XB_OUTCOME_BLOCK);
    fx_transfer_free(&t);
}

/* on-missing-mechanism="block" (the default) never masks. */
static void test_block_policy(void **state)
{
    fx_transfer t;
    fx_transfer_init(&t, *state, "blocker");
    fx_add(&t, "cn.spi.ric", 0, XB_SUBJECT_RESIDENT_ID, "11010519491231002X");
    const xb_decision *d = fx_decide(&t);
    assert_int_equal(d->outcome, XB_OUTCOME_BLOCK);
    assert_int_equal(d->n_mask, 0);
    assert_null(d->mask);
    fx_transfer_free(&t);
}

/* Monitor mode: the would-be mask is reported, the body leaves unmasked
 * and its people are counted. */
static void test_monitor_mask(void **state)
{
    fx_transfer t;
    fx_transfer_init(&t, *state, "contact");
    fx_add(&t, "cn.pi.mobile", 0, XB_SUBJECT_MOBILE, "13800138000");
    size_t ric = fx_add(&t, "cn.spi.ric", 0, XB_SUBJECT_RESIDENT_ID, "11010519491231002X");
    t.in.mode = XB_MODE_MONITOR;
    const xb_decision *d = fx_decide(&t);
    assert_int_equal(d->outcome, XB_OUTCOME_MASK);
    assert_int_equal(d->enforced, XB_OUTCOME_ALLOW);
    assert_true(masked(d, ric));
    assert_false(d->watermark);
    assert_int_equal(d->subjects.sensitive, 1);
    assert_int_equal(d->counters_after.sensitive, 1);
    bool sensitive_committed = false;
    for (size_t i = 0; i < t.subjects.n; i++)
        if (d->commit[i] && t.subjects.items[i].cls == XB_SUBJECT_SENSITIVE)
            sensitive_committed = true;
    assert_true(sensitive_committed);
    fx_transfer_free(&t);
}

/* The JSON lists the masked paths and the masked rule. */
static void test_mask_json(void **state)
{
    fx_transfer t;
    fx_transfer_init(&t, *state, "contact");
    fx_add(&t, "cn.pi.mobile", 0, XB_SUBJECT_MOBILE, "13800138000");
    fx_add(&t, "cn.spi.ric", 0, XB_SUBJECT_RESIDENT_ID, "11010519491231002X");
    const xb_decision *d = fx_decide(&t);
    xb_buf b = XB_BUF_INIT;
    assert_int_equal(xb_decision_to_json(d, t.f, t.n, &b), XB_OK);
    const char *j = xb_buf_cstr(&b);
    assert_non_null(strstr(j, "\"outcome\":\"mask\""));
    assert_non_null(strstr(j, "\"mask\":[\"/items/0/cn.spi.ric\"]"));
    assert_non_null(strstr(j, "\"masked\":{\"rule\":\"R10\",\"route\":\"exempt\""));
    assert_non_null(strstr(j, "\"rule\":\"R9\""));
    xb_buf_free(&b);
    fx_transfer_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_mask_everything_without_mechanism, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mask_only_uncovered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mask_then_rely_on_mechanism, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mask_important_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mask_prohibited, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inexact_blocks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_uninspected_blocks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_block_policy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_monitor_mask, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mask_json, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
