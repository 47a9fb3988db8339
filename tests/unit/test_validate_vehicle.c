/* test_validate_vehicle.c - licence plate matcher and VIN check digit
 * (regulation.md §5.13, §5.14). */
#include "xb_test.h"

#include "classifier/detect/xb_validate.h"

/* Match on an exactly sized heap copy (no NUL), so that AddressSanitizer
 * catches any read past n. */
static size_t plate(const char *text)
{
    size_t n = strlen(text);
    char *copy = malloc(n ? n : 1);
    assert_non_null(copy);
    memcpy(copy, text, n);
    size_t len = xb_match_plate(copy, n);
    free(copy);
    return len;
}

static bool vin(const char *s)
{
    return xb_valid_vin(s, strlen(s));
}

static void test_plate_public_vectors(void **state)
{
    (void)state;
    assert_int_equal(plate("京A12345"), strlen("京A12345"));
    assert_int_equal(plate("京AD12345"), strlen("京AD12345"));   /* small NEV */
    assert_int_equal(plate("京A12345D"), strlen("京A12345D"));   /* large NEV */
}

static void test_plate_forms(void **state)
{
    (void)state;
    /* ordinary: province + authority + 5 serial characters, <= 2 letters */
    assert_int_equal(plate("粤B6K123"), 9);
    assert_int_equal(plate("沪AF1234"), 9);
    assert_int_equal(plate("京AD1234"), 9);
    assert_int_equal(plate("京AB12C4"), 9);
    assert_int_equal(plate("京ABC123"), 9);   /* two letters in the serial */
    /* special suffixes: trailer, learner, police, HK, Macau */
    assert_int_equal(plate("冀A1234挂"), 11);
    assert_int_equal(plate("粤B1234学"), 11);
    assert_int_equal(plate("京A1234警"), 11);
    assert_int_equal(plate("粤Z1234港"), 11);
    assert_int_equal(plate("粤Z1234澳"), 11);
    /* new energy: small [DF] + letter/digit + 4 digits, large 5 digits + [DF] */
    assert_int_equal(plate("京AF12345"), 10);
    assert_int_equal(plate("京ADA1234"), 10);
    assert_int_equal(plate("京A12345F"), 10);
    /* the match stops at the plate; the caller checks what follows */
    assert_int_equal(plate("京A12345是我的车"), 9);
    assert_int_equal(plate("京AD12345号"), 10);
    assert_int_equal(plate("京AA12345"), 9);
}

static void test_plate_rejected(void **state)
{
    (void)state;
    assert_int_equal(plate("京I12345"), 0);   /* authority I/O unused */
    assert_int_equal(plate("京O12345"), 0);
    assert_int_equal(plate("京a12345"), 0);
    assert_int_equal(plate("京A1234"), 0);    /* too short */
    assert_int_equal(plate("京AO1234"), 0);
    assert_int_equal(plate("京AI1234"), 0);
    assert_int_equal(plate("京ADI1234"), 0);
    assert_int_equal(plate("京ABCD12"), 0);   /* three letters in the serial */
    assert_int_equal(plate("京AB1CD2"), 0);
    assert_int_equal(plate("云SERVER"), 0);   /* a word, not a plate */
    assert_int_equal(plate("新APPLE"), 0);
    assert_int_equal(plate("京A123学"), 0);
    assert_int_equal(plate("A12345"), 0);
    assert_int_equal(plate(""), 0);
    assert_int_equal(xb_match_plate(NULL, 0), 0);
    /* n cuts the plate short */
    assert_int_equal(xb_match_plate("京A12345", strlen("京A12345") - 1), 0);
    assert_int_equal(xb_match_plate("京A12345D", strlen("京A12345D") - 1), 9);
}

static void test_plate_all_provinces(void **state)
{
    (void)state;
    static const char *provinces[] = {
        "京", "津", "沪", "渝", "冀", "豫", "云", "辽", "黑", "湘", "皖",
        "鲁", "新", "苏", "浙", "赣", "鄂", "桂", "甘", "晋", "蒙", "陕",
        "吉", "闽", "贵", "粤", "青", "藏", "川", "宁", "琼",
    };
    char text[32];
    for (size_t i = 0; i < sizeof provinces / sizeof provinces[0]; i++) {
        snprintf(text, sizeof text, "%sB6K123", provinces[i]);
        assert_int_equal(plate(text), 9);
    }
    /* characters that are not plate provinces */
    static const char *others[] = {"港", "澳", "台", "中", "警", "使", "国"};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        snprintf(text, sizeof text, "%sB6K123", others[i]);
        assert_int_equal(plate(text), 0);
    }
}

static void test_vin_public_vectors(void **state)
{
    (void)state;
    assert_true(vin("1M8GDM9AXKP042788")); /* check digit X */
    assert_true(vin("11111111111111111"));
    assert_true(vin("1HGCM82633A004352"));
}

static void test_vin_every_wrong_check_fails(void **state)
{
    (void)state;
    static const char *vectors[] = {"1M8GDM9AXKP042788", "11111111111111111",
                                    "1HGCM82633A004352"};
    for (int v = 0; v < 3; v++) {
        char s[18];
        memcpy(s, vectors[v], 18);
        int rejected = 0;
        for (const char *c = "0123456789X"; *c; c++) {
            if (*c == vectors[v][8])
                continue;
            s[8] = *c;
            assert_false(vin(s));
            rejected++;
        }
        assert_int_equal(rejected, 10);
    }
}

static void test_vin_shape(void **state)
{
    (void)state;
    /* I, O and Q are never used, whatever the check digit says */
    for (const char *bad = "IOQ"; *bad; bad++) {
        char s[18];
        memcpy(s, "11111111111111111", 18);
        s[3] = *bad;
        for (const char *c = "0123456789X"; *c; c++) {
            s[8] = *c;
            assert_false(vin(s));
        }
    }
    assert_false(vin("1m8gdm9axkp042788"));
    assert_false(vin("1M8GDM9AXKP04278"));
    assert_false(vin("1M8GDM9AXKP0427888"));
    assert_false(vin("1M8GDM9AXKP04278-"));
    assert_false(xb_valid_vin(NULL, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plate_public_vectors),
        cmocka_unit_test(test_plate_forms),
        cmocka_unit_test(test_plate_rejected),
        cmocka_unit_test(test_plate_all_provinces),
        cmocka_unit_test(test_vin_public_vectors),
        cmocka_unit_test(test_vin_every_wrong_check_fails),
        cmocka_unit_test(test_vin_shape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
