/*
 * test_decide_rules.c - every row of the decision table R0-R10, its
 * extensions (prohibited data, self-defined important data, uninspected
 * content), the FTZ rules (on-list with and without a threshold, off-list
 * with and without national important data, the override, CIIOs, a list
 * that is not loaded), each exemption scenario, and the count boundaries
 * 99,999 / 100,000 / 999,999 / 1,000,000 general and 0 / 1 / 9,999 / 10,000
 * sensitive. Table-driven: one row per case.
 */
#include "test_decide_fixture.h"

/* Findings as text: "entry@record[:rank:identifier]" separated by spaces. */
static void add_spec(fx_transfer *t, const char *spec, char *store, size_t store_size)
{
    if (!spec)
        return;
    snprintf(store, store_size, "%s", spec);
    for (char *tok = strtok(store, " "); tok; tok = strtok(NULL, " ")) {
        char *at = strchr(tok, '@');
        assert_non_null(at);
        *at = '\0';
        char *rest = at + 1;
        long long record = strtoll(rest, &rest, 10);
        xb_subject_rank rank = XB_SUBJECT_NONE;
        const char *ident = NULL;
        if (*rest == ':') {
            rank = (xb_subject_rank)strtol(rest + 1, &rest, 10);
            assert_true(*rest == ':');
            ident = rest + 1;
        }
        fx_add(t, tok, record, rank, ident);
    }
}

typedef struct rule_case {
    const char *name;
    const char *exporter;
    const char *findings;
    const char *dest;       /* "" = unknown */
    const char *recipient;  /* NULL = unknown */
    const char *scenario;
    uint64_t ytd_general, ytd_sensitive;
    xb_inspection inspection;
    xb_rule rule;
    xb_decision_route route;
    xb_outcome outcome;
    const char *reason;     /* a reason note must contain this, or NULL */
} rule_case;

#define RIC "cn.spi.ric@0:4:11010519491231002X"
#define MOBILE "cn.pi.mobile@0:2:13800138000"
#define OK XB_INSPECTED
#define EX XB_DECISION_EXEMPT
#define SCC XB_DECISION_SCC_OR_CERT
#define ASSESS XB_DECISION_ASSESSMENT
#define PROHIB XB_DECISION_PROHIBITED
#define NONE XB_DECISION_NONE
#define ALLOW XB_OUTCOME_ALLOW
#define BLOCK XB_OUTCOME_BLOCK

static const rule_case cases[] = {
    /* R0: not an export */
    {"R0 destination CN, no recipient", "plain", RIC, "CN", NULL, NULL, 0, 0, OK, XB_RULE_R0, NONE, ALLOW, "not an export"},
    {"R0 destination CN, recipient in CN", "plain", RIC, "CN", "r-cn", NULL, 0, 0, OK, XB_RULE_R0, NONE, ALLOW, NULL},
    {"R0 lower-case cn", "plain", RIC, "cn", NULL, NULL, 0, 0, OK, XB_RULE_R0, NONE, ALLOW, NULL},
    {"CN destination, overseas recipient", "plain", RIC, "CN", "r-de", NULL, 0, 0, OK, XB_RULE_R9, SCC, BLOCK, "access by an overseas party"},
    {"HK is outside the mainland", "plain", RIC, "HK", "r-hk", NULL, 0, 0, OK, XB_RULE_R9, SCC, BLOCK, NULL},
    {"TW is outside the mainland", "plain", RIC, "TW", NULL, NULL, 0, 0, OK, XB_RULE_R9, SCC, BLOCK, NULL},
    {"MO is outside the mainland", "plain", RIC, "MO", NULL, NULL, 0, 0, OK, XB_RULE_R9, SCC, BLOCK, NULL},
    {"unknown destination is cross-border", "plain", RIC, "", NULL, NULL, 0, 0, OK, XB_RULE_R9, SCC, BLOCK, "destination country unknown"},

    /* R1: FTZ exporter, nothing on its list */
    {"R1 off-list PI", "ftz", MOBILE, "DE", "r-de", NULL, 0, 0, OK, XB_RULE_R1, EX, ALLOW, "no data of this transfer is on the list"},
    {"R1 off-list sensitive PI over thresholds", "ftz", RIC, "DE", "r-de", NULL, 5000000, 50000, OK, XB_RULE_R1, EX, ALLOW, NULL},
    {"R1 another zone's list does not apply", "ftz", "tj.elec.chip@0 " MOBILE, "DE", "r-de", NULL, 0, 0, OK, XB_RULE_R1, EX, ALLOW, NULL},
    {"another zone's important entry is not important here", "plain", "tj.elec.chip@0 " MOBILE, "DE", "r-de", NULL, 0, 0, OK, XB_RULE_R10, EX, ALLOW, NULL},
    {"R1 entry scoped to another scenario is off-list", "ftz", "sh.crew.record@0", "DE", "r-de", "reinsurance", 0, 0, OK, XB_RULE_R1, EX, ALLOW, NULL},
    {"R1 self-defined important data does not defeat Art. 6", "ftz", "corp.self.assess@0", "DE", "r-de", NULL, 0, 0, OK, XB_RULE_R1, EX, ALLOW, NULL},
    {"R1 add-on: off-list national important data", "ftz", "auto.imp.face@0 " MOBILE, "DE", "r-de", NULL, 0, 0, OK, XB_RULE_R6, ASSESS, BLOCK, NULL},
    {"R1 add-on: off-list prohibited data", "ftz", "health.pop@0", "DE", "r-de", NULL, 0, 0, OK, XB_RULE_R6, PROHIB, BLOCK, NULL},
    {"R1 add-on: uninspected content", "ftz", NULL, "DE", "r-de", NULL, 0, 0, XB_NOT_INSPECTABLE, XB_RULE_R6, ASSESS, BLOCK, "could not be inspected"},

    /* R2: on the exporter's list */
    {"another zone's PI entry alone: nothing regulated here", "plain", "tj.pi.person@0", "DE", "r-de", NULL, 99999, 0, OK, XB_RULE_R10, NONE, ALLOW, NULL},
    {"another zone's PI entry with national PI", "plain", "tj.pi.person@0 " MOBILE, "DE", "r-de", NULL, 99999, 0, OK, XB_RULE_R9, SCC, BLOCK, NULL},
    {"R2 on-list entry without threshold", "ftz", "sh.crew.record@0", "DE", "r-de", "crew-management", 0, 0, OK, XB_RULE_R2, ASSESS, BLOCK, "on the negative list of FTZ shanghai"},
    {"R2 scenario-scoped entry, transfer without tags", "ftz", "sh.crew.record@0", "DE", "r-de", NULL, 0, 0, OK, XB_RULE_R2, ASSESS, BLOCK, NULL},
    {"R2 on-list entry for every scenario", "ftz", "sh.port.ops@0", "DE", "r-de", NULL, 0, 0, OK, XB_RULE_R2, ASSESS, BLOCK, NULL},
    {"R2 threshold 500,000: 499,999 is exempt", "ftz", "sh.reins.insured@0", "DE", "r-de", "reinsurance", 499998, 0, OK, XB_RULE_R2, EX, ALLOW, "below the list's threshold of 500000"},
    {"R2 threshold 500,000: 500,000 needs the entry's route", "ftz", "sh.reins.insured@0", "DE", "r-de", "reinsurance", 499999, 0, OK, XB_RULE_R2, SCC, BLOCK, NULL},
    {"R2 plus off-list national important data", "ftz", "sh.crew.record@0 auto.imp.face@1", "DE", "r-de", "crew-management", 0, 0, OK, XB_RULE_R2, ASSESS, BLOCK, NULL},
    {"R2 plus prohibited data", "ftz", "sh.reins.insured@0 health.pop@1", "DE", "r-de", "reinsurance", 600000, 0, OK, XB_RULE_R2, PROHIB, BLOCK, NULL},

    /* CIIOs never get the FTZ rules; a list that is not loaded is no list */
    {"FTZ CIIO with PI: R7", "ftz-ciio", MOBILE, "DE", "r-de", NULL, 0, 0, OK, XB_RULE_R7, ASSESS, BLOCK, "is a CIIO"},
    {"FTZ CIIO with its list's important entry: R6", "ftz-ciio", "sh.port.ops@0", "DE", "r-de", NULL, 0, 0, OK, XB_RULE_R6, ASSESS, BLOCK, NULL},
    {"FTZ list not loaded: national rules", "ftz-nolist", MOBILE, "DE", "r-de", NULL, 0, 0, OK, XB_RULE_R10, EX, ALLOW, "is not loaded"},

    /* R3: no PI, no important data, Art. 3 scenarios */
    {"R3 trade", "plain", NULL, "DE", "r-de", "trade", 0, 0, OK, XB_RULE_R3, EX, ALLOW, NULL},
    {"R3 transport", "plain", NULL, "DE", "r-de", "transport", 0, 0, OK, XB_RULE_R3, EX, ALLOW, NULL},
    {"R3 academic", "plain", NULL, "DE", "r-de", "academic", 0, 0, OK, XB_RULE_R3, EX, ALLOW, NULL},
    {"R3 manufacturing", "plain", NULL, "DE", "r-de", "manufacturing", 0, 0, OK, XB_RULE_R3, EX, ALLOW, NULL},
    {"R3 marketing", "plain", "cn.pi.device@0", "DE", "r-de", "marketing", 0, 0, OK, XB_RULE_R3, EX, ALLOW, NULL},
    {"R3 not with PI", "plain", MOBILE, "DE", "r-de", "trade", 0, 0, OK, XB_RULE_R10, EX, ALLOW, NULL},
    {"R3 not with important data", "plain", "auto.imp.face@0", "DE", "r-de", "trade", 0, 0, OK, XB_RULE_R6, ASSESS, BLOCK, NULL},

    /* R4: foreign PI re-exported */
    {"R4 re-export", "plain", RIC, "DE", "r-de", "foreign-origin-reexport", 0, 0, OK, XB_RULE_R4, EX, ALLOW, NULL},
    {"R4 not with important data", "plain", RIC " auto.imp.notified@0", "DE", "r-de", "foreign-origin-reexport", 0, 0, OK, XB_RULE_R6, ASSESS, BLOCK, NULL},

    /* R5: Art. 5(1)-(3) */
    {"R5 contract necessity", "plain", RIC, "DE", "r-de", "contract-necessity", 0, 0, OK, XB_RULE_R5, EX, ALLOW, "scenario contract-necessity"},
    {"R5 HR management", "plain", RIC, "DE", "r-de", "hr-management", 0, 0, OK, XB_RULE_R5, EX, ALLOW, "scenario hr-management"},
    {"R5 emergency", "plain", RIC, "DE", "r-de", "emergency", 0, 0, OK, XB_RULE_R5, EX, ALLOW, "scenario emergency"},
    {"R5 with several tags", "plain", RIC, "DE", "r-de", "reinsurance, hr-management", 0, 0, OK, XB_RULE_R5, EX, ALLOW, NULL},
    {"R5 applies to a CIIO too", "ciio", RIC, "DE", "r-de", "emergency", 0, 0, OK, XB_RULE_R5, EX, ALLOW, NULL},
    {"R5 beyond the thresholds", "plain", RIC, "DE", "r-de", "contract-necessity", 5000000, 50000, OK, XB_RULE_R5, EX, ALLOW, NULL},
    {"R5 not with important data", "plain", RIC " auto.imp.face@0", "DE", "r-de", "hr-management", 0, 0, OK, XB_RULE_R6, ASSESS, BLOCK, NULL},
    {"R5 self-defined important data does not defeat it", "plain", RIC " corp.self.assess@0", "DE", "r-de", "hr-management", 0, 0, OK, XB_RULE_R5, EX, ALLOW, NULL},
    {"R5 not without PI", "plain", "cn.pi.device@0", "DE", "r-de", "emergency", 0, 0, OK, XB_RULE_R10, NONE, ALLOW, NULL},
    {"unknown scenario tag is ignored", "plain", RIC, "DE", "r-de", "holiday", 0, 0, OK, XB_RULE_R9, SCC, BLOCK, "unknown scenario tag 'holiday'"},

    /* R6: important data */
    {"R6 official important data", "plain", "auto.imp.face@0", "DE", "r-de", NULL, 0, 0, OK, XB_RULE_R6, ASSESS, BLOCK, "important data (official)"},
    {"R6 notified important data", "plain", "auto.imp.notified@0", "DE", "r-de", NULL, 0, 0, OK, XB_RULE_R6, ASSESS, BLOCK, "important data (notified)"},
    {"R6 core data", "plain", "state.core@0", "DE", "r-de", NULL, 0, 0, OK, XB_RULE_R6, ASSESS, BLOCK, "core data"},
    {"R6 entry threshold not reached", "plain", "auto.imp.pi100k@0 " MOBILE, "DE", "r-de", NULL, 0, 0, OK, XB_RULE_R10, EX, ALLOW, "below its threshold of 100001"},
    {"R6 entry threshold reached", "plain", "auto.imp.pi100k@0 " MOBILE, "DE", "r-de", NULL, 100000, 0, OK, XB_RULE_R6, ASSESS, BLOCK, NULL},
    {"R6 scenario-scoped entry, transfer without tags", "plain", "survey.points@0", "DE", "r-de", NULL, 0, 0, OK, XB_RULE_R6, ASSESS, BLOCK, NULL},
    {"R6 scenario-scoped entry in its scenario", "plain", "survey.points@0", "DE", "r-de", "hd-mapping", 0, 0, OK, XB_RULE_R6, ASSESS, BLOCK, NULL},
    {"scenario-scoped entry outside its scenario", "plain", "survey.points@0", "DE", "r-de", "trade", 0, 0, OK, XB_RULE_R3, EX, ALLOW, "scoped to other scenarios"},
    {"R6 self-defined entry requiring assessment", "plain", "corp.self.assess@0", "DE", "r-de", NULL, 0, 0, OK, XB_RULE_R6, ASSESS, BLOCK, NULL},
    {"self-defined entry requiring scc: R9", "plain", "corp.self.scc@0", "DE", "r-de", NULL, 0, 0, OK, XB_RULE_R9, SCC, BLOCK, NULL},
    {"self-defined entry with route none: logged only", "plain", "corp.self.none@0", "DE", "r-de", NULL, 0, 0, OK, XB_RULE_R10, NONE, ALLOW, "logged for review"},
    {"R6 prohibited data", "plain", "health.pop@0 " MOBILE, "DE", "r-de", NULL, 0, 0, OK, XB_RULE_R6, PROHIB, BLOCK, "may not leave China"},
    {"R6 partly inspected body", "plain", MOBILE, "DE", "r-de", NULL, 0, 0, XB_INSPECTED_PARTIAL, XB_RULE_R6, ASSESS, BLOCK, NULL},

    /* R7: CIIO with PI */
    {"R7 CIIO with PI", "ciio", MOBILE, "DE", "r-de", NULL, 0, 0, OK, XB_RULE_R7, ASSESS, BLOCK, "critical information infrastructure"},
    {"CIIO without PI: nothing regulated", "ciio", "cn.pi.device@0", "DE", "r-de", NULL, 0, 0, OK, XB_RULE_R10, NONE, ALLOW, NULL},

    /* R8-R10: general PI boundaries */
    {"general 99,999: R10", "plain", MOBILE, "DE", "r-de", NULL, 99998, 0, OK, XB_RULE_R10, EX, ALLOW, NULL},
    {"general 100,000: R9", "plain", MOBILE, "DE", "r-de", NULL, 99999, 0, OK, XB_RULE_R9, SCC, BLOCK, NULL},
    {"general 999,999: R9", "plain", MOBILE, "DE", "r-de", NULL, 999998, 0, OK, XB_RULE_R9, SCC, BLOCK, NULL},
    {"general 1,000,000: R8", "plain", MOBILE, "DE", "r-de", NULL, 999999, 0, OK, XB_RULE_R8, ASSESS, BLOCK, NULL},
    /* sensitive PI boundaries */
    {"sensitive 0: R10", "plain", MOBILE, "DE", "r-de", NULL, 0, 0, OK, XB_RULE_R10, EX, ALLOW, NULL},
    {"sensitive 1: R9", "plain", RIC, "DE", "r-de", NULL, 0, 0, OK, XB_RULE_R9, SCC, BLOCK, NULL},
    {"sensitive 9,999: R9", "plain", RIC, "DE", "r-de", NULL, 0, 9998, OK, XB_RULE_R9, SCC, BLOCK, NULL},
    {"sensitive 10,000: R8", "plain", RIC, "DE", "r-de", NULL, 0, 9999, OK, XB_RULE_R8, ASSESS, BLOCK, NULL},
    {"earlier sensitive exports: R9 for general PI", "plain", MOBILE, "DE", "r-de", NULL, 0, 3, OK, XB_RULE_R9, SCC, BLOCK, NULL},
    {"no PI in this transfer: thresholds do not apply", "plain", "cn.pi.device@0", "DE", "r-de", NULL, 2000000, 20000, OK, XB_RULE_R10, NONE, ALLOW, NULL},
};

static void run_case(fx_world *w, const rule_case *c)
{
    fx_transfer t;
    char store[512];
    fx_transfer_init(&t, w, c->exporter);
    add_spec(&t, c->findings, store, sizeof(store));
    t.in.dest_country = c->dest;
    t.in.recipient = c->recipient ? xb_policy_recipient_by_id(w->policy, c->recipient) : NULL;
    t.in.scenario = c->scenario;
    t.in.ytd_before.general = c->ytd_general;
    t.in.ytd_before.sensitive = c->ytd_sensitive;
    t.in.inspection = c->inspection;
    const xb_decision *d = fx_decide(&t);
    bool ok = d->rule == c->rule && d->route == c->route && d->outcome == c->outcome &&
              (!c->reason || fx_has_reason(d, c->reason));
    if (!ok) {
        fprintf(stderr, "case '%s': got %s %s %s\n", c->name, xb_rule_name(d->rule),
                xb_decision_route_name(d->route), xb_outcome_name(d->outcome));
        fx_dump(d, t.f, t.n);
    }
    assert_string_equal(xb_rule_name(d->rule), xb_rule_name(c->rule));
    assert_string_equal(xb_decision_route_name(d->route), xb_decision_route_name(c->route));
    assert_string_equal(xb_outcome_name(d->outcome), xb_outcome_name(c->outcome));
    if (c->reason)
        assert_true(fx_has_reason(d, c->reason));
    /* the enforced outcome is the decided one outside monitor mode */
    assert_int_equal(d->enforced, d->outcome);
    assert_non_null(d->message_zh);
    assert_non_null(d->message_en);
    assert_non_null(d->article);
    fx_transfer_free(&t);
}

static int setup_world(void **state)
{
    fx_world *w = malloc(sizeof(*w));
    fx_catalogs_init(w);
    w->policy = fx_load_policy("", FX_EXPORTERS_STANDARD);
    *state = w;
    return 0;
}

static int teardown_world(void **state)
{
    fx_world *w = *state;
    xb_policy_free(w->policy);
    free(w);
    return 0;
}

static void test_table(void **state)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        run_case(*state, &cases[i]);
}

/* The counts the decision reports: this transfer's people and the totals
 * after it. */
static void test_counts_reported(void **state)
{
    fx_world *w = *state;
    fx_transfer t;
    fx_transfer_init(&t, w, "plain");
    fx_add(&t, "cn.spi.ric", 0, XB_SUBJECT_RESIDENT_ID, "11010519491231002X");
    fx_add(&t, "cn.pi.mobile", 0, XB_SUBJECT_MOBILE, "13800138000");
    fx_add(&t, "cn.pi.mobile", 1, XB_SUBJECT_MOBILE, "13900139000");
    t.in.ytd_before.general = 10;
    t.in.ytd_before.sensitive = 2;
    const xb_decision *d = fx_decide(&t);
    assert_int_equal(d->subjects.general, 2);
    assert_int_equal(d->subjects.sensitive, 1);
    assert_int_equal(d->counters_after.general, 12);
    assert_int_equal(d->counters_after.sensitive, 3);
    assert_int_equal(d->year, 2026);
    fx_transfer_free(&t);
}

/* One person in several records is one individual; distinct people are
 * not. */
static void test_dedup_within_transfer(void **state)
{
    fx_world *w = *state;
    fx_transfer t;
    fx_transfer_init(&t, w, "plain");
    fx_add(&t, "cn.pi.mobile", 0, XB_SUBJECT_MOBILE, "13800138000");
    fx_add(&t, "cn.pi.email", 0, XB_SUBJECT_EMAIL, "a@example.com");
    fx_add(&t, "cn.pi.mobile", 1, XB_SUBJECT_MOBILE, "13800138000");
    fx_add(&t, "cn.pi.email", 1, XB_SUBJECT_EMAIL, "b@example.com");
    t.in.ytd_before.general = 99998;
    const xb_decision *d = fx_decide(&t);
    assert_int_equal(d->subjects.general, 1);
    assert_int_equal(d->counters_after.general, 99999);
    assert_int_equal(d->rule, XB_RULE_R10);
    fx_transfer_free(&t);

    fx_transfer_init(&t, w, "plain");
    fx_add(&t, "cn.pi.mobile", 0, XB_SUBJECT_MOBILE, "13800138000");
    fx_add(&t, "cn.pi.mobile", 1, XB_SUBJECT_MOBILE, "13900139000");
    t.in.ytd_before.general = 99998;
    d = fx_decide(&t);
    assert_int_equal(d->counters_after.general, 100000);
    assert_int_equal(d->rule, XB_RULE_R9);
    fx_transfer_free(&t);
}

/* Across transfers: people already counted this year are not new. */
static void test_dedup_across_transfers(void **state)
{
    fx_world *w = *state;
    xb_counter *counter = xb_counter_mem_new(0);
    xb_subject_counts base = {99997, 0};
    assert_int_equal(xb_counter_set_baseline_sync(counter, "91310000MA1FL0001R", 2026, &base),
                     XB_OK);
    /* first transfer: two people, 99,999 after it */
    fx_transfer t;
    fx_transfer_init(&t, w, "plain");
    fx_add(&t, "cn.pi.mobile", 0, XB_SUBJECT_MOBILE, "13800138000");
    fx_add(&t, "cn.pi.mobile", 1, XB_SUBJECT_MOBILE, "13900139000");
    fx_subjects(&t, counter);
    const xb_decision *d = fx_decide(&t);
    assert_int_equal(d->counters_after.general, 99999);
    assert_int_equal(d->rule, XB_RULE_R10);
    assert_int_equal(xb_counter_commit_sync(counter, t.in.exporter->uscc, d->year,
                                            t.subjects.items, t.subjects.n, d->commit, NULL),
                     XB_OK);
    fx_transfer_free(&t);
    /* second transfer: the same two people again: still 99,999 */
    fx_transfer_init(&t, w, "plain");
    fx_add(&t, "cn.pi.mobile", 5, XB_SUBJECT_MOBILE, "13900139000");
    fx_add(&t, "cn.pi.mobile", 6, XB_SUBJECT_MOBILE, "13800138000");
    fx_subjects(&t, counter);
    d = fx_decide(&t);
    assert_int_equal(d->subjects.general, 2);
    assert_int_equal(d->counters_after.general, 99999);
    assert_int_equal(d->rule, XB_RULE_R10);
    fx_transfer_free(&t);
    /* third: one of them and someone new: 100,000 */
    fx_transfer_init(&t, w, "plain");
    fx_add(&t, "cn.pi.mobile", 0, XB_SUBJECT_MOBILE, "13800138000");
    fx_add(&t, "cn.pi.mobile", 1, XB_SUBJECT_MOBILE, "13700137000");
    fx_subjects(&t, counter);
    d = fx_decide(&t);
    assert_int_equal(d->counters_after.general, 100000);
    assert_int_equal(d->rule, XB_RULE_R9);
    /* blocked: nothing to commit */
    assert_int_equal(d->enforced, XB_OUTCOME_BLOCK);
    for (size_t i = 0; i < t.subjects.n; i++)
        assert_int_equal(d->commit[i], 0);
    fx_transfer_free(&t);
    xb_counter_free(counter);
}

/* ftz-offlist-national-important="exempt": Art. 6 read literally; prohibited
 * data and uninspected content still do not get the exemption. */
static void test_ftz_override(void **state)
{
    (void)state;
    fx_world w;
    fx_catalogs_init(&w);
    w.policy = fx_load_policy("<options ftz-offlist-national-important=\"exempt\"/>",
                              FX_EXPORTERS_STANDARD);
    fx_transfer t;
    fx_transfer_init(&t, &w, "ftz");
    fx_add(&t, "auto.imp.face", 0, 0, NULL);
    const xb_decision *d = fx_decide(&t);
    assert_int_equal(d->rule, XB_RULE_R1);
    assert_int_equal(d->route, XB_DECISION_EXEMPT);
    fx_transfer_free(&t);

    fx_transfer_init(&t, &w, "ftz");
    fx_add(&t, "sh.crew.record", 0, 0, NULL);
    fx_add(&t, "auto.imp.face", 1, 0, NULL);
    t.in.scenario = "crew-management";
    d = fx_decide(&t);
    assert_int_equal(d->rule, XB_RULE_R2);
    assert_int_equal(d->route, XB_DECISION_ASSESSMENT);
    /* only the list entry needs the assessment */
    assert_true(fx_has_reason(d, "important data (official)"));
    fx_transfer_free(&t);

    fx_transfer_init(&t, &w, "ftz");
    fx_add(&t, "health.pop", 0, 0, NULL);
    d = fx_decide(&t);
    assert_int_equal(d->rule, XB_RULE_R6);
    assert_int_equal(d->route, XB_DECISION_PROHIBITED);
    fx_transfer_free(&t);

    fx_transfer_init(&t, &w, "ftz");
    t.in.inspection = XB_NOT_INSPECTABLE;
    d = fx_decide(&t);
    assert_int_equal(d->rule, XB_RULE_R6);
    fx_transfer_free(&t);
    xb_policy_free(w.policy);
}

/* Exemption articles are cited exactly. */
static void test_articles(void **state)
{
    static const struct {
        const char *scenario;
        const char *article;
    } v[] = {
        {"contract-necessity", "第五条第一项"},
        {"hr-management", "第五条第二项"},
        {"emergency", "第五条第三项"},
        {"foreign-origin-reexport", "第四条"},
        {NULL, "第五条第四项"},
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        fx_transfer t;
        fx_transfer_init(&t, *state, "plain");
        fx_add(&t, "cn.pi.mobile", 0, XB_SUBJECT_MOBILE, "13800138000");
        t.in.scenario = v[i].scenario;
        const xb_decision *d = fx_decide(&t);
        assert_non_null(strstr(d->article, v[i].article));
        assert_non_null(strstr(d->article, "促进和规范数据跨境流动规定"));
        assert_non_null(strstr(d->message_zh, v[i].article));
        fx_transfer_free(&t);
    }
}

/* The exporter's default scenario applies when the transfer names none. */
static void test_default_scenario(void **state)
{
    (void)state;
    fx_world w;
    fx_catalogs_init(&w);
    w.policy = fx_load_policy("", "<exporter id=\"hr\" default-scenario=\"hr-management\">"
                                  "<name>HR Co</name><uscc>91310000MA1FL0001R</uscc></exporter>");
    fx_transfer t;
    fx_transfer_init(&t, &w, "hr");
    fx_add(&t, "cn.spi.ric", 0, XB_SUBJECT_RESIDENT_ID, "11010519491231002X");
    const xb_decision *d = fx_decide(&t);
    assert_int_equal(d->rule, XB_RULE_R5);
    assert_string_equal(d->scenario, "hr-management");
    fx_transfer_free(&t);
    /* an explicit scenario replaces the default */
    fx_transfer_init(&t, &w, "hr");
    fx_add(&t, "cn.spi.ric", 0, XB_SUBJECT_RESIDENT_ID, "11010519491231002X");
    t.in.scenario = "trade";
    d = fx_decide(&t);
    assert_int_equal(d->rule, XB_RULE_R9);
    fx_transfer_free(&t);
    xb_policy_free(w.policy);
}

/* Monitor mode: everything is decided, nothing is enforced. */
static void test_monitor_mode(void **state)
{
    (void)state;
    fx_world w;
    fx_catalogs_init(&w);
    w.policy = fx_load_policy("<outcomes mode=\"monitor\"/>", FX_EXPORTERS_STANDARD);
    fx_transfer t;
    fx_transfer_init(&t, &w, "plain");
    fx_add(&t, "cn.spi.ric", 0, XB_SUBJECT_RESIDENT_ID, "11010519491231002X");
    const xb_decision *d = fx_decide(&t);
    assert_int_equal(d->rule, XB_RULE_R9);
    assert_int_equal(d->outcome, XB_OUTCOME_BLOCK);
    assert_int_equal(d->enforced, XB_OUTCOME_ALLOW);
    assert_true(d->monitor);
    assert_false(d->watermark);
    assert_non_null(strstr(d->message_en, "monitor mode"));
    assert_non_null(strstr(d->message_zh, "监测模式"));
    /* what leaves is counted: the transfer went out */
    assert_int_equal(d->subjects.sensitive, 1);
    size_t committed = 0;
    for (size_t i = 0; i < t.subjects.n; i++)
        committed += d->commit[i];
    assert_true(committed > 0);
    /* the caller may enforce anyway (nginx xborder_mode enforce) */
    t.in.mode = XB_MODE_ENFORCE;
    d = fx_decide(&t);
    assert_int_equal(d->enforced, XB_OUTCOME_BLOCK);
    assert_false(d->monitor);
    fx_transfer_free(&t);
    xb_policy_free(w.policy);
}

/* Sector-specific important data only concerns exporters of that sector;
 * exporters that declare no sectors are in all of them. */
static void test_sectors(void **state)
{
    (void)state;
    fx_world w;
    fx_catalogs_init(&w);
    w.policy = fx_load_policy("",
        "<exporter id=\"shop\" sectors=\"retail e-commerce\"><name>Shop</name>"
        "<uscc>91310000MA1FL0001R</uscc></exporter>"
        "<exporter id=\"carmaker\" sectors=\"automotive\"><name>Cars</name>"
        "<uscc>91310115MA1HB00029</uscc></exporter>"
        "<exporter id=\"any\"><name>Any</name><uscc>91120116MA05JX0034</uscc></exporter>");
    const xb_exporter *shop = xb_policy_exporter_by_id(w.policy, "shop");
    assert_int_equal(shop->n_sectors, 2);
    assert_string_equal(shop->sectors[1], "e-commerce");
    static const struct {
        const char *exporter;
        xb_rule rule;
    } v[] = {{"shop", XB_RULE_R10}, {"carmaker", XB_RULE_R6}, {"any", XB_RULE_R6}};
    for (size_t i = 0; i < 3; i++) {
        fx_transfer t;
        fx_transfer_init(&t, &w, v[i].exporter);
        fx_add(&t, "auto.imp.face", 0, 0, NULL);
        fx_add(&t, "cn.pi.mobile", 0, XB_SUBJECT_MOBILE, "13800138000");
        const xb_decision *d = fx_decide(&t);
        assert_int_equal(d->rule, v[i].rule);
        fx_transfer_free(&t);
    }
    /* general-sector entries (here: prohibited health data) concern everyone */
    fx_transfer t;
    fx_transfer_init(&t, &w, "shop");
    fx_add(&t, "health.pop", 0, 0, NULL);
    const xb_decision *d = fx_decide(&t);
    assert_int_equal(d->route, XB_DECISION_PROHIBITED);
    fx_transfer_free(&t);
    xb_policy_free(w.policy);
}

/* Bad input is refused, not guessed. */
static void test_invalid_input(void **state)
{
    fx_world *w = *state;
    xb_decision d;
    xb_decide_input in = {0};
    assert_int_equal(xb_decide(&in, &d), XB_ERR_INVALID);
    in.policy = w->policy;
    assert_int_equal(xb_decide(&in, &d), XB_ERR_INVALID);
    /* subjects built from other findings */
    fx_transfer t;
    fx_transfer_init(&t, w, "plain");
    fx_add(&t, "cn.pi.mobile", 0, XB_SUBJECT_MOBILE, "13800138000");
    fx_subjects(&t, NULL);
    fx_add(&t, "cn.pi.mobile", 1, XB_SUBJECT_MOBILE, "13900139000");
    t.in.findings = t.f;
    t.in.n_findings = t.n;
    t.in.subjects = &t.subjects;
    assert_int_equal(xb_decide(&t.in, &d), XB_ERR_INVALID);
    fx_transfer_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_table, setup_world, teardown_world),
        cmocka_unit_test_setup_teardown(test_counts_reported, setup_world, teardown_world),
        cmocka_unit_test_setup_teardown(test_dedup_within_transfer, setup_world, teardown_world),
        cmocka_unit_test_setup_teardown(test_dedup_across_transfers, setup_world, teardown_world),
        cmocka_unit_test(test_ftz_override),
        cmocka_unit_test_setup_teardown(test_articles, setup_world, teardown_world),
        cmocka_unit_test(test_default_scenario),
        cmocka_unit_test(test_monitor_mode),
        cmocka_unit_test(test_sectors),
        cmocka_unit_test_setup_teardown(test_invalid_input, setup_world, teardown_world),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
