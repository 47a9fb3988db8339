/*
 * test_subjects.c - counting individuals per transfer: the strongest
 * identifier of each record decides who it is about, one person repeated
 * across records is one individual, a record without identifier is one
 * individual, general and sensitive PI are counted separately, masking
 * falls back to weaker identifiers, and identifiers only ever appear as
 * HMAC-SHA256(key, rank || identifier).
 */
#include "xb_test.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "classifier/catalog/xb_catalog.h"
#include "classifier/parse/xb_parser.h"
#include "classifier/policy/xb_subjects.h"

static const uint8_t key[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};

typedef struct tx {
    xb_finding f[32];
    size_t n;
    xb_subjects s;
} tx;

static size_t add(tx *t, xb_level level, int64_t record, xb_subject_rank rank, const char *id)
{
    xb_finding *f = &t->f[t->n];
    memset(f, 0, sizeof(*f));
    f->level = level;
    f->record = record;
    f->subject_rank = rank;
    f->identifier = (char *)id;
    f->path = (char *)"/x";
    return t->n++;
}

#define PI XB_LEVEL_PI
#define SPI XB_LEVEL_SENSITIVE_PI

static xb_subject_counts count(tx *t, const uint8_t *masked)
{
    xb_subject_counts in, fresh;
    if (!t->s.items && !t->s.index)
        assert_int_equal(xb_subjects_build(&t->s, t->f, t->n, key, sizeof(key), "t1"), XB_OK);
    for (size_t i = 0; i < t->s.n; i++)
        t->s.items[i].is_new = true;
    assert_int_equal(xb_subjects_select(&t->s, t->f, t->n, masked, NULL, &in, &fresh), XB_OK);
    assert_int_equal(in.general, fresh.general);
    assert_int_equal(in.sensitive, fresh.sensitive);
    return in;
}

static void done(tx *t)
{
    xb_subjects_free(&t->s);
}

static void test_strongest_identifier_decides(void **state)
{
    (void)state;
    tx t = {0};
    /* one person: resident ID, mobile and email in one record */
    add(&t, SPI, 0, XB_SUBJECT_RESIDENT_ID, "11010519491231002X");
    add(&t, PI, 0, XB_SUBJECT_MOBILE, "13800138000");
    add(&t, PI, 0, XB_SUBJECT_EMAIL, "a@example.com");
    xb_subject_counts c = count(&t, NULL);
    assert_int_equal(c.general, 1);   /* the record has general PI */
    assert_int_equal(c.sensitive, 1); /* ... and sensitive PI, one person */
    done(&t);
}

static void test_same_person_across_records(void **state)
{
    (void)state;
    tx t = {0};
    add(&t, PI, 0, XB_SUBJECT_MOBILE, "13800138000");
    add(&t, PI, 0, XB_SUBJECT_EMAIL, "a@example.com");
    add(&t, PI, 1, XB_SUBJECT_MOBILE, "13800138000");
    add(&t, PI, 1, XB_SUBJECT_EMAIL, "other@example.com"); /* weaker: ignored */
    add(&t, PI, 2, XB_SUBJECT_MOBILE, "13800138000");
    assert_int_equal(count(&t, NULL).general, 1);
    done(&t);
}

static void test_distinct_people(void **state)
{
    (void)state;
    tx t = {0};
    add(&t, PI, 0, XB_SUBJECT_MOBILE, "13800138000");
    add(&t, PI, 1, XB_SUBJECT_MOBILE, "13900139000");
    /* a family record with two resident IDs is two people */
    add(&t, SPI, 2, XB_SUBJECT_RESIDENT_ID, "11010519491231002X");
    add(&t, SPI, 2, XB_SUBJECT_RESIDENT_ID, "440524188001010014");
    xb_subject_counts c = count(&t, NULL);
    assert_int_equal(c.general, 2);
    assert_int_equal(c.sensitive, 2);
    done(&t);
}

static void test_record_without_identifier(void **state)
{
    (void)state;
    tx t = {0};
    add(&t, PI, 0, XB_SUBJECT_NONE, NULL); /* a name only */
    add(&t, PI, 1, XB_SUBJECT_NONE, NULL);
    add(&t, PI, 1, XB_SUBJECT_NONE, NULL); /* name and address: one person */
    add(&t, SPI, 2, XB_SUBJECT_NONE, NULL);
    xb_subject_counts c = count(&t, NULL);
    assert_int_equal(c.general, 2);
    assert_int_equal(c.sensitive, 1);
    done(&t);
}

/* Findings outside any record form one document-level record. */
static void test_document_level_record(void **state)
{
    (void)state;
    tx t = {0};
    add(&t, PI, XB_RECORD_NONE, XB_SUBJECT_NONE, NULL);
    add(&t, PI, XB_RECORD_NONE, XB_SUBJECT_NONE, NULL);
    assert_int_equal(count(&t, NULL).general, 1);
    done(&t);
    tx u = {0};
    add(&u, PI, XB_RECORD_NONE, XB_SUBJECT_EMAIL, "a@example.com");
    add(&u, PI, XB_RECORD_NONE, XB_SUBJECT_MOBILE, "13800138000");
    add(&u, PI, XB_RECORD_NONE, XB_SUBJECT_MOBILE, "13900139000");
    assert_int_equal(count(&u, NULL).general, 2); /* two mobiles outrank the email */
    done(&u);
}

/* General data (level general) and important data are not about counted
 * individuals. */
static void test_non_pi_ignored(void **state)
{
    (void)state;
    tx t = {0};
    add(&t, XB_LEVEL_GENERAL, 0, XB_SUBJECT_NONE, NULL);
    add(&t, XB_LEVEL_IMPORTANT, 1, XB_SUBJECT_NONE, NULL);
    xb_subject_counts c = count(&t, NULL);
    assert_int_equal(c.general, 0);
    assert_int_equal(c.sensitive, 0);
    assert_int_equal(t.s.n, 0);
    done(&t);
}

/* A masked identifier no longer says who the record is about. */
static void test_masking_falls_back(void **state)
{
    (void)state;
    tx t = {0};
    size_t ric = add(&t, SPI, 0, XB_SUBJECT_RESIDENT_ID, "11010519491231002X");
    add(&t, PI, 0, XB_SUBJECT_MOBILE, "13800138000");
    size_t ric2 = add(&t, SPI, 1, XB_SUBJECT_RESIDENT_ID, "440524188001010014");
    add(&t, PI, 1, XB_SUBJECT_MOBILE, "13800138000");
    /* unmasked: two people (by resident ID) in both counts */
    xb_subject_counts c = count(&t, NULL);
    assert_int_equal(c.general, 2);
    assert_int_equal(c.sensitive, 2);
    /* both IDs masked: one mobile, no sensitive PI left */
    uint8_t masked[32] = {0};
    masked[ric] = masked[ric2] = 1;
    c = count(&t, masked);
    assert_int_equal(c.general, 1);
    assert_int_equal(c.sensitive, 0);
    done(&t);
}

/* Already counted this year: in the transfer, but not new. */
static void test_new_subjects(void **state)
{
    (void)state;
    tx t = {0};
    add(&t, PI, 0, XB_SUBJECT_MOBILE, "13800138000");
    add(&t, PI, 1, XB_SUBJECT_MOBILE, "13900139000");
    assert_int_equal(xb_subjects_build(&t.s, t.f, t.n, key, sizeof(key), "t1"), XB_OK);
    uint8_t sel[8];
    xb_subject_counts in, fresh;
    assert_int_equal(xb_subjects_select(&t.s, t.f, t.n, NULL, sel, &in, &fresh), XB_OK);
    assert_int_equal(in.general, 2);
    assert_int_equal(fresh.general, 0); /* is_new starts false */
    t.s.items[0].is_new = true;
    assert_int_equal(xb_subjects_select(&t.s, t.f, t.n, NULL, sel, &in, &fresh), XB_OK);
    assert_int_equal(fresh.general, 1);
    done(&t);
}

/* The stored form is HMAC-SHA256(key, rank byte || identifier); the
 * identifier never appears. */
static void test_hash_is_hmac(void **state)
{
    (void)state;
    tx t = {0};
    const char *id = "11010519491231002X";
    add(&t, SPI, 0, XB_SUBJECT_RESIDENT_ID, id);
    assert_int_equal(xb_subjects_build(&t.s, t.f, t.n, key, sizeof(key), "t1"), XB_OK);
    /* one candidate per class present: sensitive only, plus the record key */
    uint8_t msg[64];
    msg[0] = XB_SUBJECT_RESIDENT_ID;
    memcpy(msg + 1, id, strlen(id));
    uint8_t expect[32];
    unsigned int len = 0;
    assert_non_null(HMAC(EVP_sha256(), key, sizeof(key), msg, 1 + strlen(id), expect, &len));
    bool found = false;
    for (size_t i = 0; i < t.s.n; i++) {
        if (!memcmp(t.s.items[i].hash, expect, 32)) {
            found = true;
            assert_int_equal(t.s.items[i].cls, XB_SUBJECT_SENSITIVE);
            assert_int_equal(t.s.items[i].rank, XB_SUBJECT_RESIDENT_ID);
        }
        assert_null(memmem(t.s.items[i].hash, 32, "1101051949", 10));
    }
    assert_true(found);
    uint8_t direct[32];
    assert_int_equal(xb_subject_hash(key, sizeof(key), XB_SUBJECT_RESIDENT_ID, id, strlen(id),
                                     direct), XB_OK);
    assert_memory_equal(direct, expect, 32);
    char hex[65];
    xb_subject_hex(direct, hex);
    assert_int_equal(strlen(hex), 64);
    /* another key, another hash */
    uint8_t other_key[32] = {0};
    uint8_t other[32];
    assert_int_equal(xb_subject_hash(other_key, sizeof(other_key), XB_SUBJECT_RESIDENT_ID, id,
                                     strlen(id), other), XB_OK);
    assert_memory_not_equal(other, expect, 32);
    done(&t);
}

/* Record keys differ per transfer: they never de-duplicate across
 * transfers (documented over-count). */
static void test_record_key_per_transfer(void **state)
{
    (void)state;
    tx a = {0}, b = {0};
    add(&a, PI, 0, XB_SUBJECT_NONE, NULL);
    add(&b, PI, 0, XB_SUBJECT_NONE, NULL);
    assert_int_equal(xb_subjects_build(&a.s, a.f, a.n, key, sizeof(key), "transfer-a"), XB_OK);
    assert_int_equal(xb_subjects_build(&b.s, b.f, b.n, key, sizeof(key), "transfer-b"), XB_OK);
    assert_int_equal(a.s.n, 1);
    assert_int_equal(b.s.n, 1);
    assert_memory_not_equal(a.s.items[0].hash, b.s.items[0].hash, 32);
    done(&a);
    done(&b);
}

static void test_mismatched_findings(void **state)
{
    (void)state;
    tx t = {0};
    add(&t, PI, 0, XB_SUBJECT_MOBILE, "13800138000");
    assert_int_equal(xb_subjects_build(&t.s, t.f, t.n, key, sizeof(key), "t1"), XB_OK);
    add(&t, PI, 1, XB_SUBJECT_MOBILE, "13900139000");
    xb_subject_counts in;
    assert_int_equal(xb_subjects_select(&t.s, t.f, t.n, NULL, NULL, &in, NULL), XB_ERR_INVALID);
    assert_int_equal(in.general, 0);
    done(&t);
}

/* Many records, many repeats: exact. */
static void test_large_transfer(void **state)
{
    (void)state;
    enum { N = 20000 };
    xb_finding *f = calloc(N, sizeof(*f));
    char (*ids)[16] = calloc(N, 16);
    assert_non_null(f);
    assert_non_null(ids);
    for (size_t i = 0; i < N; i++) {
        snprintf(ids[i], 16, "1380000%04zu", i % 5000); /* 5,000 people, 4 records each */
        f[i].level = PI;
        f[i].record = (int64_t)i;
        f[i].subject_rank = XB_SUBJECT_MOBILE;
        f[i].identifier = ids[i];
        f[i].path = (char *)"/m";
    }
    xb_subjects s;
    assert_int_equal(xb_subjects_build(&s, f, N, key, sizeof(key), "big"), XB_OK);
    xb_subject_counts in;
    assert_int_equal(xb_subjects_select(&s, f, N, NULL, NULL, &in, NULL), XB_OK);
    assert_int_equal(in.general, 5000);
    xb_subjects_free(&s);
    free(f);
    free(ids);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strongest_identifier_decides),
        cmocka_unit_test(test_same_person_across_records),
        cmocka_unit_test(test_distinct_people),
        cmocka_unit_test(test_record_without_identifier),
        cmocka_unit_test(test_document_level_record),
        cmocka_unit_test(test_non_pi_ignored),
        cmocka_unit_test(test_masking_falls_back),
        cmocka_unit_test(test_new_subjects),
        cmocka_unit_test(test_hash_is_hmac),
        cmocka_unit_test(test_record_key_per_transfer),
        cmocka_unit_test(test_mismatched_findings),
        cmocka_unit_test(test_large_transfer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
