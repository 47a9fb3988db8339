/*
 * test_counter_mem.c - the in-memory counter of distinct individuals:
 * query/commit semantics, de-duplication across transfers, separate
 * classes, exporters and years, baselines, the memory bound, concurrent
 * commits from several threads, the synchronous wrappers' refusal of an
 * asynchronous counter, and the China-time year boundary.
 */
#include "xb_test.h"

#include <pthread.h>

#include "classifier/policy/xb_china_time.h"
#include "classifier/policy/xb_counter.h"

#define USCC_A "91310000MA1FL0001R"
#define USCC_B "91310115MA1HB00029"

static xb_subject subject(uint32_t person, xb_subject_class cls)
{
    xb_subject s;
    memset(&s, 0, sizeof(s));
    /* spread the number over the hash like HMAC output would */
    for (int i = 0; i < 32; i++)
        s.hash[i] = (uint8_t)((person * 2654435761u) >> ((i % 4) * 8)) ^ (uint8_t)(i * 31);
    memcpy(s.hash + 28, &person, 4);
    s.cls = (uint8_t)cls;
    s.rank = 2;
    return s;
}

static void test_query_commit(void **state)
{
    (void)state;
    xb_counter *c = xb_counter_mem_new(0);
    assert_non_null(c);
    xb_subject s[3] = {subject(1, XB_SUBJECT_GENERAL), subject(2, XB_SUBJECT_GENERAL),
                       subject(3, XB_SUBJECT_SENSITIVE)};
    xb_subject_counts now;
    assert_int_equal(xb_counter_query_sync(c, USCC_A, 2026, s, 3, &now), XB_OK);
    assert_true(s[0].is_new && s[1].is_new && s[2].is_new);
    assert_int_equal(now.general, 0);
    assert_int_equal(now.sensitive, 0);
    xb_subject_counts after;
    assert_int_equal(xb_counter_commit_sync(c, USCC_A, 2026, s, 3, NULL, &after), XB_OK);
    assert_int_equal(after.general, 2);
    assert_int_equal(after.sensitive, 1);
    assert_int_equal(xb_counter_query_sync(c, USCC_A, 2026, s, 3, &now), XB_OK);
    assert_false(s[0].is_new || s[1].is_new || s[2].is_new);
    assert_int_equal(now.general, 2);
    /* committing again changes nothing */
    assert_int_equal(xb_counter_commit_sync(c, USCC_A, 2026, s, 3, NULL, &after), XB_OK);
    assert_int_equal(after.general, 2);
    assert_int_equal(after.sensitive, 1);
    xb_counter_free(c);
}

/* The same person sent in two transfers counts once. */
static void test_dedup_across_transfers(void **state)
{
    (void)state;
    xb_counter *c = xb_counter_mem_new(0);
    xb_subject first[2] = {subject(10, XB_SUBJECT_GENERAL), subject(11, XB_SUBJECT_GENERAL)};
    assert_int_equal(xb_counter_commit_sync(c, USCC_A, 2026, first, 2, NULL, NULL), XB_OK);
    xb_subject second[2] = {subject(11, XB_SUBJECT_GENERAL), subject(12, XB_SUBJECT_GENERAL)};
    xb_subject_counts now;
    assert_int_equal(xb_counter_query_sync(c, USCC_A, 2026, second, 2, &now), XB_OK);
    assert_false(second[0].is_new);
    assert_true(second[1].is_new);
    assert_int_equal(now.general, 2);
    xb_subject_counts after;
    assert_int_equal(xb_counter_commit_sync(c, USCC_A, 2026, second, 2, NULL, &after), XB_OK);
    assert_int_equal(after.general, 3);
    xb_counter_free(c);
}

/* Only the selected subjects (what was actually sent) are added. */
static void test_commit_selected(void **state)
{
    (void)state;
    xb_counter *c = xb_counter_mem_new(0);
    xb_subject s[3] = {subject(1, XB_SUBJECT_GENERAL), subject(2, XB_SUBJECT_GENERAL),
                       subject(3, XB_SUBJECT_GENERAL)};
    uint8_t sel[3] = {1, 0, 1};
    xb_subject_counts after;
    assert_int_equal(xb_counter_commit_sync(c, USCC_A, 2026, s, 3, sel, &after), XB_OK);
    assert_int_equal(after.general, 2);
    assert_int_equal(xb_counter_query_sync(c, USCC_A, 2026, s, 3, NULL), XB_OK);
    assert_false(s[0].is_new);
    assert_true(s[1].is_new);
    xb_counter_free(c);
}

/* Classes, exporters and years are separate counters. */
static void test_separation(void **state)
{
    (void)state;
    xb_counter *c = xb_counter_mem_new(0);
    xb_subject g = subject(7, XB_SUBJECT_GENERAL);
    assert_int_equal(xb_counter_commit_sync(c, USCC_A, 2026, &g, 1, NULL, NULL), XB_OK);
    xb_subject s = subject(7, XB_SUBJECT_SENSITIVE);
    xb_subject_counts now;
    assert_int_equal(xb_counter_query_sync(c, USCC_A, 2026, &s, 1, &now), XB_OK);
    assert_true(s.is_new); /* same person, other class */
    assert_int_equal(now.general, 1);
    assert_int_equal(now.sensitive, 0);
    xb_subject g2 = g;
    assert_int_equal(xb_counter_query_sync(c, USCC_B, 2026, &g2, 1, &now), XB_OK);
    assert_true(g2.is_new); /* other exporter */
    assert_int_equal(now.general, 0);
    assert_int_equal(xb_counter_query_sync(c, USCC_A, 2027, &g2, 1, &now), XB_OK);
    assert_true(g2.is_new); /* a new year starts from zero */
    assert_int_equal(now.general, 0);
    xb_counter_free(c);
}

/* Baselines (people exported through other channels) add to the sets. */
static void test_baseline(void **state)
{
    (void)state;
    xb_counter *c = xb_counter_mem_new(0);
    xb_subject_counts base = {99990, 12};
    assert_int_equal(xb_counter_set_baseline_sync(c, USCC_A, 2026, &base), XB_OK);
    xb_subject s[2] = {subject(1, XB_SUBJECT_GENERAL), subject(2, XB_SUBJECT_SENSITIVE)};
    xb_subject_counts after;
    assert_int_equal(xb_counter_commit_sync(c, USCC_A, 2026, s, 2, NULL, &after), XB_OK);
    assert_int_equal(after.general, 99991);
    assert_int_equal(after.sensitive, 13);
    /* replacing the baseline keeps the sets */
    base.general = 5;
    base.sensitive = 0;
    assert_int_equal(xb_counter_set_baseline_sync(c, USCC_A, 2026, &base), XB_OK);
    xb_subject_counts now;
    assert_int_equal(xb_counter_query_sync(c, USCC_A, 2026, NULL, 0, &now), XB_OK);
    assert_int_equal(now.general, 6);
    assert_int_equal(now.sensitive, 1);
    xb_counter_free(c);
}

/* Bounded: past max_subjects a commit fails as a whole. */
static void test_limit(void **state)
{
    (void)state;
    xb_counter *c = xb_counter_mem_new(3);
    xb_subject s[4];
    for (int i = 0; i < 4; i++)
        s[i] = subject((uint32_t)i, XB_SUBJECT_GENERAL);
    assert_int_equal(xb_counter_commit_sync(c, USCC_A, 2026, s, 2, NULL, NULL), XB_OK);
    assert_int_equal(xb_counter_commit_sync(c, USCC_A, 2026, s, 4, NULL, NULL), XB_ERR_LIMIT);
    xb_subject_counts now;
    assert_int_equal(xb_counter_query_sync(c, USCC_A, 2026, NULL, 0, &now), XB_OK);
    assert_int_equal(now.general, 2); /* nothing of the failed commit */
    /* people already counted do not take room */
    assert_int_equal(xb_counter_commit_sync(c, USCC_A, 2026, s, 3, NULL, NULL), XB_OK);
    xb_counter_free(c);
}

static void test_growth(void **state)
{
    (void)state;
    xb_counter *c = xb_counter_mem_new(0);
    enum { N = 50000 };
    xb_subject *s = malloc(N * sizeof(*s));
    for (uint32_t i = 0; i < N; i++)
        s[i] = subject(i, XB_SUBJECT_GENERAL);
    xb_subject_counts after;
    assert_int_equal(xb_counter_commit_sync(c, USCC_A, 2026, s, N / 2, NULL, &after), XB_OK);
    assert_int_equal(after.general, N / 2);
    assert_int_equal(xb_counter_commit_sync(c, USCC_A, 2026, s, N, NULL, &after), XB_OK);
    assert_int_equal(after.general, N);
    assert_int_equal(xb_counter_query_sync(c, USCC_A, 2026, s, N, NULL), XB_OK);
    for (uint32_t i = 0; i < N; i++)
        assert_false(s[i].is_new);
    free(s);
    xb_counter_free(c);
}

/* Records without identifier: 50,000 distinct keys from one transfer, and
 * again from a second transfer (they never de-duplicate across transfers).
 * Record keys share a prefix, so this also guards the sets against
 * clustering on it (it would take minutes, not milliseconds). */
static void test_record_keys_at_scale(void **state)
{
    (void)state;
    enum { N = 50000 };
    xb_finding *f = calloc(N, sizeof(*f));
    assert_non_null(f);
    for (size_t i = 0; i < N; i++) {
        f[i].level = XB_LEVEL_PI;
        f[i].record = (int64_t)i;
        f[i].path = (char *)"/name";
    }
    static const uint8_t key[16] = {9, 9, 9};
    xb_counter *c = xb_counter_mem_new(0);
    for (int round = 0; round < 2; round++) {
        xb_subjects s;
        assert_int_equal(xb_subjects_build(&s, f, N, key, sizeof(key),
                                           round ? "transfer-2" : "transfer-1"), XB_OK);
        assert_int_equal(s.n, N);
        xb_subject_counts now, after;
        assert_int_equal(xb_counter_query_sync(c, USCC_A, 2026, s.items, s.n, &now), XB_OK);
        assert_int_equal(now.general, (uint64_t)round * N);
        for (size_t i = 0; i < s.n; i++)
            assert_true(s.items[i].is_new);
        assert_int_equal(xb_counter_commit_sync(c, USCC_A, 2026, s.items, s.n, NULL, &after),
                         XB_OK);
        assert_int_equal(after.general, (uint64_t)(round + 1) * N);
        xb_subjects_free(&s);
    }
    xb_counter_free(c);
    free(f);
}

typedef struct worker {
    xb_counter *c;
    uint32_t first;
} worker;

static void *commit_range(void *arg)
{
    worker *w = arg;
    for (uint32_t i = 0; i < 2000; i++) {
        xb_subject s = subject(w->first + i, XB_SUBJECT_GENERAL);
        xb_subject_counts now;
        if (xb_counter_query_sync(w->c, USCC_A, 2026, &s, 1, &now) != XB_OK ||
            xb_counter_commit_sync(w->c, USCC_A, 2026, &s, 1, NULL, NULL) != XB_OK)
            return (void *)1;
    }
    return NULL;
}

/* Four threads commit overlapping people at once: the total is exact. */
static void test_threads(void **state)
{
    (void)state;
    xb_counter *c = xb_counter_mem_new(0);
    pthread_t th[4];
    worker w[4];
    for (int i = 0; i < 4; i++) {
        w[i].c = c;
        w[i].first = (uint32_t)i * 1000; /* ranges overlap by half */
        assert_int_equal(pthread_create(&th[i], NULL, commit_range, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(th[i], &r);
        assert_null(r);
    }
    xb_subject_counts now;
    assert_int_equal(xb_counter_query_sync(c, USCC_A, 2026, NULL, 0, &now), XB_OK);
    assert_int_equal(now.general, 5000); /* people 0 .. 4999 */
    xb_counter_free(c);
}

/* A counter that answers later (like Redis) cannot be used synchronously. */
static xb_status later_query(xb_counter *c, const char *uscc, int year, xb_subject *s,
                             size_t n, xb_counter_done done, void *arg)
{
    (void)c, (void)uscc, (void)year, (void)s, (void)n, (void)done, (void)arg;
    return XB_OK; /* would call done from an event loop */
}

static void test_sync_refuses_async(void **state)
{
    (void)state;
    static const xb_counter_ops ops = {.name = "later", .query = later_query};
    xb_counter c = {&ops};
    assert_int_equal(xb_counter_query_sync(&c, USCC_A, 2026, NULL, 0, NULL), XB_ERR_STATE);
}

/* The counting year and the validity dates are China time (UTC+8). */
static void test_china_time(void **state)
{
    (void)state;
    assert_int_equal(xb_china_year(1767196799), 2025); /* 2025-12-31 23:59:59 +08:00 */
    assert_int_equal(xb_china_year(1767196800), 2026); /* 2026-01-01 00:00:00 +08:00 */
    assert_int_equal(xb_china_year(0), 1970);
    int64_t d;
    assert_true(xb_date_parse("2024-02-29", &d));
    assert_int_equal(xb_china_midnight(d), 1709136000); /* 2024-02-28T16:00:00Z */
    char buf[11];
    xb_date_format(d, buf);
    assert_string_equal(buf, "2024-02-29");
    assert_int_equal(xb_china_day(xb_china_midnight(d)), d);
    assert_int_equal(xb_china_day(xb_china_midnight(d) - 1), d - 1);
    assert_false(xb_date_parse("2025-02-29", &d));
    assert_false(xb_date_parse("2025-13-01", &d));
    assert_false(xb_date_parse("2025-1-01", &d));
    assert_false(xb_date_parse("2025-01-01Z", &d));
    assert_true(xb_date_parse("2000-02-29", &d));
    assert_false(xb_date_parse("1900-02-29", &d));
    for (int64_t day = -800000; day < 800000; day += 997) {
        int y, m, dd;
        xb_civil_from_days(day, &y, &m, &dd);
        assert_int_equal(xb_days_from_civil(y, m, dd), day);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_query_commit),
        cmocka_unit_test(test_dedup_across_transfers),
        cmocka_unit_test(test_commit_selected),
        cmocka_unit_test(test_separation),
        cmocka_unit_test(test_baseline),
        cmocka_unit_test(test_limit),
        cmocka_unit_test(test_growth),
        cmocka_unit_test(test_record_keys_at_scale),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_sync_refuses_async),
        cmocka_unit_test(test_china_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
