/* test_validate_org.c - unified social credit code (GB 32100-2015) and
 * organisation code (GB 11714-1997) validators (regulation.md §5.2, §5.3). */
#include "xb_test.h"

#include "classifier/detect/xb_validate.h"

static const char uscc_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static bool uscc(const char *s)
{
    return xb_valid_uscc(s, strlen(s));
}

static bool org(const char *s)
{
    return xb_valid_org_code(s, strlen(s));
}

static void test_uscc_public_vectors(void **state)
{
    (void)state;
    assert_true(uscc("91110000600037341L"));
    assert_true(uscc("91350100M000100Y43"));
}

static void test_uscc_every_wrong_check_fails(void **state)
{
    (void)state;
    static const char *vectors[] = {"91110000600037341L", "91350100M000100Y43"};
    for (int v = 0; v < 2; v++) {
        char s[19];
        memcpy(s, vectors[v], 19);
        int rejected = 0;
        for (const char *c = uscc_alphabet; *c; c++) {
            if (*c == vectors[v][17])
                continue;
            s[17] = *c;
            assert_false(uscc(s));
            rejected++;
        }
        assert_int_equal(rejected, 30);
        /* letters outside the alphabet never validate as a check */
        for (const char *c = "IOZSVa"; *c; c++) {
            s[17] = *c;
            assert_false(uscc(s));
        }
    }
}

/* A body character outside the alphabet fails with every check character. */
static void test_uscc_letters_outside_alphabet(void **state)
{
    (void)state;
    for (const char *bad = "IOZSV"; *bad; bad++) {
        char s[19];
        memcpy(s, "91350100M000100Y43", 19);
        s[8] = *bad;
        for (const char *c = uscc_alphabet; *c; c++) {
            s[17] = *c;
            assert_false(uscc(s));
        }
    }
}

/* Mod 31 passes one random string in 31: the GB 32100 structure (department,
 * category, division code) must hold too. */
static void test_uscc_structure(void **state)
{
    (void)state;
    char s[19];
    int accepted_random = 0;
    /* Every 17-character body gets its correct check: only the structure
     * decides. */
    static const char *bodies[] = {
        "20240613400279076", /* order number: department 2, category 0 */
        "91240613400279076", /* division 24: no such province */
        "01110000600037341", /* department 0 */
        "B1110000600037341", /* department B */
        "90110000600037341", /* category 0 */
        "91990000600037341", /* division 99 */
        "91110000600037341", /* valid structure */
        "11100000000013127", /* national level (100000) */
        "Y1440300MA5F00001", /* department Y, Shenzhen */
        "N2320102MA1X00003", /* department N */
    };
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        memcpy(s, bodies[i], 17);
        s[18] = '\0';
        int ok = 0;
        for (const char *c = uscc_alphabet; *c; c++) {
            s[17] = *c;
            ok += uscc(s);
        }
        if (i < 6)
            assert_int_equal(ok, 0);
        else
            assert_int_equal(ok, 1); /* exactly one check character fits */
        accepted_random += ok;
    }
    assert_int_equal(accepted_random, 4);
}

static void test_uscc_body_errors(void **state)
{
    (void)state;
    /* single-character substitutions in the body break the mod-31 check */
    char s[19];
    memcpy(s, "91110000600037341L", 19);
    s[9] = '1';
    assert_false(uscc(s));
    /* transposition of two adjacent different characters */
    memcpy(s, "91350100M000100Y43", 19);
    s[8] = '0';
    s[9] = 'M';
    assert_false(uscc(s));
    /* lower case, wrong length, non-digit division code */
    assert_false(uscc("91350100m000100y43"));
    assert_false(uscc("91110000600037341"));
    assert_false(uscc("91110000600037341LL"));
    assert_false(uscc("9111A000600037341L"));
    assert_false(xb_valid_uscc(NULL, 0));
}

static void test_org_code_vectors(void **state)
{
    (void)state;
    assert_true(org("60003734-1"));
    assert_true(org("600037341"));
    assert_true(org("M000100Y-4"));
    assert_true(org("M000100Y4"));
    /* check value 10 is written X, 11 is written 0 */
    assert_true(org("10000018X"));
    assert_true(org("10000018-X"));
    assert_true(org("100000040"));
}

static void test_org_code_every_wrong_check_fails(void **state)
{
    (void)state;
    static const char *vectors[] = {"60003734-1", "M000100Y-4", "10000018-X",
                                    "10000004-0"};
    for (int v = 0; v < 4; v++) {
        char s[11];
        memcpy(s, vectors[v], 11);
        assert_true(org(s));
        int rejected = 0;
        for (const char *c = "0123456789X"; *c; c++) {
            if (*c == vectors[v][9])
                continue;
            s[9] = *c;
            assert_false(org(s));
            rejected++;
        }
        assert_int_equal(rejected, 10);
    }
}

static void test_org_code_shape(void **state)
{
    (void)state;
    assert_false(org("6000373-41"));   /* dash in the wrong place */
    assert_false(org("60003734_1"));
    assert_false(org("m000100Y-4"));   /* lower case */
    assert_false(org("60003734-"));
    assert_false(org("60003734--1"));
    assert_false(org("6000373411"));   /* 10 characters without dash */
    assert_false(org("6000-3734-1"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uscc_public_vectors),
        cmocka_unit_test(test_uscc_every_wrong_check_fails),
        cmocka_unit_test(test_uscc_letters_outside_alphabet),
        cmocka_unit_test(test_uscc_body_errors),
        cmocka_unit_test(test_uscc_structure),
        cmocka_unit_test(test_org_code_vectors),
        cmocka_unit_test(test_org_code_every_wrong_check_fails),
        cmocka_unit_test(test_org_code_shape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
