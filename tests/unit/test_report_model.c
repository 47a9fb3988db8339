/*
 * test_report_model.c - the report model of `xborder report`: records read
 * back from the real canonical encoding, aggregation per exporter, the
 * threshold routes at their exact boundaries, FTZ deadlines in business
 * days, holiday files and time stamps.
 */
#include "xb_test.h"

#include <unistd.h>

#include "classifier/record/xb_record.h"
#include "reporting/rp_business_days.h"
#include "reporting/rp_record.h"
#include "reporting/rp_report.h"
#include "reporting/rp_time.h"

static int64_t day(const char *s)
{
    int64_t d;
    assert_true(xb_date_parse(s, &d));
    return d;
}

static const char *fmt(int64_t d)
{
    static char s[11];
    xb_date_format(d, s);
    return s;
}

/* 2026-11-02 is a Monday. */
#define MON_2_NOV_10H 1793584800000LL /* 2026-11-02T10:00:00+08:00 */

static const xb_record_reason default_reasons[] = {
    {"cn.spi.ric", "identity", "/customers/0/idNo", "《促进和规范数据跨境流动规定》第八条",
     "SCC-2026-001"}};

static char *encode_with(const char *tid, const char *exporter, const char *uscc,
                         const char *ftz, bool ciio, const char *country, int64_t ts,
                         const char *enforced, uint64_t general, uint64_t sensitive,
                         uint64_t ytd_g, uint64_t ytd_s, const xb_record_reason *reasons,
                         size_t n_reasons)
{
    static const char *paths[] = {"/customers/0/idNo", "/customers/1/idNo"};
    static const xb_record_category cats[] = {{"cn.spi.ric", "sensitive-pi", 2, paths, 2},
                                              {"cn.pi.mobile", "pi", 1, paths, 1}};
    xb_transfer_record r;
    memset(&r, 0, sizeof(r));
    r.transfer_id = tid;
    r.node = "gw1";
    r.chain = "gw1/0";
    r.seq = 7;
    memcpy(r.prev_hash, xb_record_genesis, XB_HASH_HEX);
    r.ts_start_ms = ts;
    r.ts_end_ms = ts + 5;
    r.exporter_id = exporter;
    r.exporter_uscc = uscc;
    r.exporter_name = "Acme \"Shanghai\", Ltd.";
    r.exporter_ftz = ftz;
    r.exporter_ciio = ciio;
    r.recipient_id = "de-proc";
    r.recipient_name = "Proc GmbH";
    r.recipient_country = country;
    r.dest_country = country;
    r.dest_host = "api.example.de";
    r.direction = "push";
    r.bytes_original = r.bytes_sent = 1000;
    r.records = 2;
    r.categories = cats;
    r.n_categories = 2;
    r.reasons = reasons;
    r.n_reasons = n_reasons;
    r.subjects_general = general;
    r.subjects_sensitive = sensitive;
    r.ytd_general = ytd_g;
    r.ytd_sensitive = ytd_s;
    r.year = 2026;
    r.route = "scc-or-cert";
    r.rule = "R9";
    r.outcome = enforced;
    r.enforced = enforced;
    r.mode = "enforce";
    r.mechanism_type = "scc";
    r.mechanism_ref = "SCC-2026-001";
    r.watermark_id = "wm-1";
    r.watermark_key_id = "k1";
    r.catalog_version = "national-pi@1";
    r.policy_version = "p@1";
    r.engine_version = "test";
    xb_buf b = XB_BUF_INIT;
    assert_int_equal(xb_record_encode(&r, &b), XB_OK);
    return xb_buf_take(&b);
}

static char *encode(const char *tid, const char *exporter, const char *uscc, const char *ftz,
                    bool ciio, const char *country, int64_t ts, const char *enforced,
                    uint64_t general, uint64_t sensitive, uint64_t ytd_g, uint64_t ytd_s)
{
    return encode_with(tid, exporter, uscc, ftz, ciio, country, ts, enforced, general,
                       sensitive, ytd_g, ytd_s, default_reasons, 1);
}

static void test_record_reads_back(void **state)
{
    (void)state;
    char *text = encode("00000000000000aa", "acme", "91310000MA1FL8XQ3A", "shanghai", true,
                        "DE", MON_2_NOV_10H, "allow", 2, 1, 120, 30);
    rp_record_parser *p = rp_record_parser_new();
    rp_record r;
    char err[128];
    assert_int_equal(rp_record_parse(p, text, strlen(text), &r, err, sizeof(err)), XB_OK);
    assert_string_equal(r.transfer_id, "00000000000000aa");
    assert_string_equal(r.chain, "gw1/0");
    assert_int_equal(r.seq, 7);
    assert_string_equal(r.prev_hash, xb_record_genesis);
    assert_true(r.ts_ok);
    assert_int_equal(r.ts_start_ms, MON_2_NOV_10H);
    assert_string_equal(r.exporter_name, "Acme \"Shanghai\", Ltd.");
    assert_true(r.exporter_ciio);
    assert_string_equal(r.exporter_ftz, "shanghai");
    assert_string_equal(r.dest_country, "DE");
    assert_int_equal(r.bytes_sent, 1000);
    assert_int_equal(r.n_categories, 2);
    /* Arrays keep their filed order. */
    assert_string_equal(r.categories[0].category, "cn.spi.ric");
    assert_string_equal(r.categories[0].level, "sensitive-pi");
    assert_int_equal(r.categories[0].count, 2);
    assert_int_equal(r.categories[0].n_paths, 2);
    assert_string_equal(r.categories[1].category, "cn.pi.mobile");
    assert_int_equal(r.n_reasons, 1);
    assert_string_equal(r.reasons[0].article, "《促进和规范数据跨境流动规定》第八条");
    assert_string_equal(r.reasons[0].mechanism, "SCC-2026-001");
    assert_int_equal(r.ytd_general, 120);
    assert_int_equal(r.ytd_sensitive, 30);
    assert_int_equal(r.year, 2026);
    assert_string_equal(r.mechanism_ref, "SCC-2026-001");
    assert_string_equal(r.watermark_id, "wm-1");
    assert_false(rp_record_blocked(&r));
    free(text);

    /* A second record through the same parser: nothing of the first remains. */
    text = encode("00000000000000bb", "beta", "", "", false, "US", MON_2_NOV_10H, "block", 0,
                  0, 0, 0);
    assert_int_equal(rp_record_parse(p, text, strlen(text), &r, err, sizeof(err)), XB_OK);
    assert_false(r.exporter_ciio);
    assert_string_equal(r.exporter_uscc, "");
    assert_string_equal(r.exporter_ftz, "");
    assert_true(rp_record_blocked(&r));
    free(text);

    assert_int_not_equal(rp_record_parse(p, "[1,2]", 5, &r, err, sizeof(err)), XB_OK);
    assert_int_not_equal(rp_record_parse(p, "{\"v\":1", 6, &r, err, sizeof(err)), XB_OK);
    rp_record_parser_free(p);
}

static void add(rp_report *rep, const char *tid, const char *exporter, const char *uscc,
                const char *ftz, bool ciio, const char *country, int64_t ts,
                const char *enforced, uint64_t ytd_g, uint64_t ytd_s)
{
    char *text = encode(tid, exporter, uscc, ftz, ciio, country, ts, enforced, 1, 1, ytd_g,
                        ytd_s);
    rp_record_parser *p = rp_record_parser_new();
    rp_record r;
    char err[128];
    assert_int_equal(rp_record_parse(p, text, strlen(text), &r, err, sizeof(err)), XB_OK);
    assert_int_equal(rp_report_add(rep, &r), XB_OK);
    rp_record_parser_free(p);
    free(text);
}

static const rp_exporter_report *exporter(const rp_report *r, const char *id)
{
    for (size_t i = 0; i < r->n_exporters; i++)
        if (!strcmp(r->exporters[i]->id, id))
            return r->exporters[i];
    fail_msg("no exporter %s", id);
    return NULL;
}

static uint64_t tally(const rp_tally *t, const char *key)
{
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->items[i].key, key))
            return t->items[i].transfers;
    return 0;
}

static const rp_tally_item *tally_item(const rp_tally *t, const char *key)
{
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->items[i].key, key))
            return &t->items[i];
    fail_msg("no tally item %s", key);
    return NULL;
}

/* Why transfers were blocked: a reason found in several fields of one
 * transfer counts that transfer once; a reason that is the rule itself is
 * labelled with the rule once. */
static void test_block_reasons_count_transfers(void **state)
{
    (void)state;
    static const char *art8 = "《促进和规范数据跨境流动规定》第八条";
    static const xb_record_reason reasons[] = {
        {"", "", "", "《促进和规范数据跨境流动规定》第八条", ""},
        {"cn.spi.ric", "identity", "/customers/0/idNo", "GB/T 35273-2020 附录B", ""},
        {"cn.spi.ric", "identity", "/customers/1/idNo", "GB/T 35273-2020 附录B", ""},
        {"cn.pi.mobile", "contact", "/customers/0/mobile", "PIPL 4", "SCC-1"}};
    rp_report_options o = {0};
    rp_report *rep = rp_report_new(&o);
    rp_record_parser *p = rp_record_parser_new();
    const char *tids[] = {"00000000000000c1", "00000000000000c2"};
    for (int i = 0; i < 2; i++) {
        /* the second blocked transfer has only the rule and one ID */
        char *text = encode_with(tids[i], "acme", "USCC-A", "", false, "US",
                                 MON_2_NOV_10H + i, "block", 0, 0, 0, 0, reasons,
                                 i ? 2 : 4);
        rp_record r;
        char err[128];
        assert_int_equal(rp_record_parse(p, text, strlen(text), &r, err, sizeof(err)), XB_OK);
        assert_int_equal(rp_report_add(rep, &r), XB_OK);
        free(text);
    }
    rp_record_parser_free(p);
    rp_report_finish(rep);
    const rp_exporter_report *a = exporter(rep, "acme");
    assert_int_equal(a->blocked, 2);
    assert_int_equal(a->block_reasons.n, 3);
    char key[256];
    snprintf(key, sizeof(key), "%s|||", art8);
    const rp_tally_item *rule = tally_item(&a->block_reasons, key);
    assert_int_equal(rule->transfers, 2);
    assert_int_equal(rule->blocked, 2);
    snprintf(key, sizeof(key), "rule R9 - %s", art8);
    assert_string_equal(rule->label, key);
    const rp_tally_item *ric = tally_item(&a->block_reasons,
                                          "GB/T 35273-2020 附录B|cn.spi.ric|identity|");
    assert_int_equal(ric->transfers, 2); /* not 3: two IDs of one transfer count once */
    assert_int_equal(ric->blocked, 2);
    assert_string_equal(ric->label, "cn.spi.ric - GB/T 35273-2020 附录B - rule R9");
    assert_int_equal(tally_item(&a->block_reasons, "PIPL 4|cn.pi.mobile|contact|SCC-1")
                         ->transfers, 1);
    rp_report_free(rep);
}

static void test_aggregation_per_exporter(void **state)
{
    (void)state;
    rp_report_options o = {0};
    o.has_from = o.has_to = true;
    o.from_day = day("2026-11-01");
    o.to_day = day("2026-11-30");
    o.as_of_day = day("2026-11-18");
    rp_report *rep = rp_report_new(&o);
    const int64_t D = 86400000;
    add(rep, "t1", "acme", "USCC-A", "shanghai-lingang", false, "DE", MON_2_NOV_10H, "allow",
        10, 1);
    add(rep, "t2", "acme", "USCC-A", "shanghai-lingang", false, "US", MON_2_NOV_10H + 3600000,
        "watermark", 12, 2);
    add(rep, "t3", "acme", "USCC-A", "shanghai-lingang", false, "DE", MON_2_NOV_10H + D,
        "block", 12, 2);
    add(rep, "t4", "acme", "USCC-A", "shanghai-lingang", false, "DE", MON_2_NOV_10H + 7 * D,
        "allow", 13, 2);
    add(rep, "t5", "beta", "USCC-B", "", true, "SG", MON_2_NOV_10H, "allow", 1, 0);
    /* October: outside the period, read but not reported. */
    add(rep, "t0", "acme", "USCC-A", "shanghai", false, "DE", MON_2_NOV_10H - 10 * D, "allow",
        5, 0);
    rp_report_finish(rep);

    assert_int_equal(rep->records_read, 6);
    assert_int_equal(rep->records_in_period, 5);
    assert_int_equal(rep->n_exporters, 2);
    const rp_exporter_report *a = exporter(rep, "acme");
    assert_int_equal(a->transfers, 4);
    assert_int_equal(a->blocked, 1);
    assert_int_equal(a->bytes_sent, 3000);
    assert_int_equal(tally(&a->by_country, "DE"), 3);
    assert_int_equal(tally(&a->by_country, "US"), 1);
    assert_int_equal(tally(&a->by_outcome, "block"), 1);
    assert_int_equal(tally(&a->by_outcome, "watermark"), 1);
    assert_int_equal(tally(&a->by_category, "cn.spi.ric"), 4);
    assert_int_equal(tally(&a->by_day, "2026-11-02"), 2);
    assert_int_equal(a->n_blocked_list, 1);
    assert_string_equal(a->blocked_list[0].transfer_id, "t3");
    assert_non_null(strstr(a->blocked_list[0].reasons, "第八条"));
    /* The mechanism of the three transfers that left. */
    assert_int_equal(a->n_mechs, 1);
    assert_int_equal(a->mechs[0].transfers, 3);
    assert_int_equal(a->mechs[0].validity, RP_VALIDITY_UNCHECKED);
    /* Year to date from the last record filed (no counters given). */
    assert_int_equal(a->ytd_general, 13);
    assert_int_equal(a->ytd_sensitive, 2);
    assert_string_equal(a->route_now, "scc-or-cert");
    /* FTZ reports: one per export day with data that left. */
    assert_int_equal(a->n_ftz, 2);
    assert_string_equal(fmt(a->ftz_reports[0].export_day), "2026-11-02");
    assert_string_equal(fmt(a->ftz_reports[0].deadline_day), "2026-11-23");
    assert_int_equal(a->ftz_reports[0].transfers, 2);
    assert_string_equal(a->ftz_reports[0].recipients, "DE US");
    assert_int_equal(a->ftz_reports[0].business_days_left, 3);
    assert_string_equal(fmt(a->ftz_reports[1].export_day), "2026-11-09");
    assert_string_equal(fmt(a->ftz_reports[1].deadline_day), "2026-11-30");
    /* A CIIO with any PI needs an assessment; beta is in no FTZ. */
    const rp_exporter_report *b = exporter(rep, "beta");
    assert_true(b->ciio);
    assert_string_equal(b->route_now, "assessment");
    assert_int_equal(b->n_ftz, 0);
    rp_report_free(rep);

    /* The exporter filter takes the id or the USCC. */
    o.exporter = "USCC-B";
    rep = rp_report_new(&o);
    add(rep, "t1", "acme", "USCC-A", "", false, "DE", MON_2_NOV_10H, "allow", 1, 0);
    add(rep, "t5", "beta", "USCC-B", "", false, "SG", MON_2_NOV_10H, "allow", 1, 0);
    rp_report_finish(rep);
    assert_int_equal(rep->n_exporters, 1);
    assert_string_equal(rep->exporters[0]->id, "beta");
    rp_report_free(rep);
}

static const char *route_for(uint64_t general, uint64_t sensitive, bool ciio)
{
    static rp_exporter_report e;
    memset(&e, 0, sizeof(e));
    e.ytd_general = general;
    e.ytd_sensitive = sensitive;
    e.ciio = ciio;
    rp_thresholds_compute(&e);
    return e.route_now;
}

static void test_threshold_boundaries(void **state)
{
    (void)state;
    /* "以上" is inclusive, "不满" exclusive (regulation.md §1.3). */
    assert_string_equal(route_for(0, 0, false), "none");
    assert_string_equal(route_for(99999, 0, false), "exempt");
    assert_string_equal(route_for(100000, 0, false), "scc-or-cert");
    assert_string_equal(route_for(999999, 0, false), "scc-or-cert");
    assert_string_equal(route_for(1000000, 0, false), "assessment");
    assert_string_equal(route_for(0, 1, false), "scc-or-cert");
    assert_string_equal(route_for(0, 9999, false), "scc-or-cert");
    assert_string_equal(route_for(0, 10000, false), "assessment");
    assert_string_equal(route_for(5, 0, true), "assessment");

    rp_exporter_report e;
    memset(&e, 0, sizeof(e));
    e.ytd_general = 85000;
    rp_thresholds_compute(&e);
    assert_non_null(e.alert); /* 85% of 100,000 */
    assert_int_equal(e.thresholds[0].limit, 100000);
    assert_true(e.thresholds[0].percent > 84.99 && e.thresholds[0].percent < 85.01);
    e.ytd_general = 70000;
    rp_thresholds_compute(&e);
    assert_null(e.alert);
}

static void test_business_days(void **state)
{
    (void)state;
    assert_int_equal(rp_weekday(day("2026-11-02")), 0);
    assert_int_equal(rp_weekday(day("2026-11-08")), 6);
    /* 15 business days after Monday 2 Nov: Monday 23 Nov. */
    assert_string_equal(fmt(rp_add_business_days(NULL, day("2026-11-02"), 15)), "2026-11-23");
    /* After a Friday the count starts on Monday. */
    assert_string_equal(fmt(rp_add_business_days(NULL, day("2026-11-06"), 1)), "2026-11-09");
    assert_int_equal(rp_business_days_between(NULL, day("2026-11-18"), day("2026-11-23")), 3);
    assert_int_equal(rp_business_days_between(NULL, day("2026-11-23"), day("2026-11-18")), -3);
    assert_int_equal(rp_business_days_between(NULL, day("2026-11-02"), day("2026-12-02")), 22);

    char path[64];
    snprintf(path, sizeof(path), "/tmp/xb_test_holidays_%d", (int)getpid());
    FILE *f = fopen(path, "w");
    fputs("# Golden week\n2026-10-01\n2026-10-02   \n2026-10-05\n2026-10-05\n"
          "2026-10-10 workday\n\n", f);
    fclose(f);
    rp_calendar cal = RP_CALENDAR_INIT;
    char err[256];
    assert_int_equal(rp_calendar_load(&cal, path, err, sizeof(err)), XB_OK);
    assert_int_equal(cal.n_holidays, 3); /* the repeated date counts once */
    assert_int_equal(cal.n_workdays, 1);
    assert_false(rp_is_business_day(&cal, day("2026-10-01")));
    assert_true(rp_is_business_day(&cal, day("2026-10-10"))); /* a Saturday */
    assert_true(rp_is_business_day(&cal, day("2026-10-06")));
    /* Wed 30 Sep + 3: Thu 1, Fri 2, Mon 5 are holidays -> Tue 6, Wed 7, Thu 8. */
    assert_string_equal(fmt(rp_add_business_days(&cal, day("2026-09-30"), 3)), "2026-10-08");
    assert_int_equal(rp_business_days_between(&cal, day("2026-09-30"), day("2026-10-10")), 5);
    rp_calendar_free(&cal);

    f = fopen(path, "w");
    fputs("2026-10-01\n2026-10-32\n", f);
    fclose(f);
    assert_int_equal(rp_calendar_load(&cal, path, err, sizeof(err)), XB_ERR_INVALID);
    assert_non_null(strstr(err, ":2: '2026-10-32' is not a valid date"));
    f = fopen(path, "w");
    fputs("2026-10-01 holiday\n", f);
    fclose(f);
    assert_int_equal(rp_calendar_load(&cal, path, err, sizeof(err)), XB_ERR_INVALID);
    assert_non_null(strstr(err, ":1: unknown word 'holiday'"));
    unlink(path);
    assert_int_equal(rp_calendar_load(&cal, path, err, sizeof(err)), XB_ERR_IO);
}

static void test_time_stamps(void **state)
{
    (void)state;
    int64_t ms;
    assert_true(rp_time_parse("2026-11-02T10:00:00.000+08:00", &ms));
    assert_int_equal(ms, MON_2_NOV_10H);
    assert_true(rp_time_parse("2026-11-02T02:00:00Z", &ms));
    assert_int_equal(ms, MON_2_NOV_10H);
    assert_true(rp_time_parse("2026-11-01T21:00:00.5-05:00", &ms));
    assert_int_equal(ms, MON_2_NOV_10H + 500);
    assert_false(rp_time_parse("2026-11-02 10:00:00", &ms));
    assert_false(rp_time_parse("2026-02-30T10:00:00Z", &ms));
    assert_false(rp_time_parse("2026-11-02T10:00:00+08:00x", &ms));
    /* China-time days: 23:59:59.999 CST and 00:00 CST. */
    assert_string_equal(fmt(rp_cst_day(MON_2_NOV_10H + 14 * 3600000 - 1)), "2026-11-02");
    assert_string_equal(fmt(rp_cst_day(MON_2_NOV_10H + 14 * 3600000)), "2026-11-03");
    assert_int_equal(rp_cst_day_start_ms(day("2026-11-02")), MON_2_NOV_10H - 10 * 3600000);
    assert_non_null(rp_ftz_rule_for("shanghai"));
    assert_non_null(rp_ftz_rule_for("Shanghai-Lingang"));
    assert_null(rp_ftz_rule_for("shanghaiX"));
    assert_null(rp_ftz_rule_for("tianjin"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_reads_back),
        cmocka_unit_test(test_aggregation_per_exporter),
        cmocka_unit_test(test_block_reasons_count_transfers),
        cmocka_unit_test(test_threshold_boundaries),
        cmocka_unit_test(test_business_days),
        cmocka_unit_test(test_time_stamps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
