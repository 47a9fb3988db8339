/* test_validate_phone.c - mobile (MIIT allocation table), IoT and landline
 * validators (regulation.md §5.4, §5.5). */
#include "xb_test.h"

#include "classifier/detect/xb_validate.h"

static bool mobile(const char *s)
{
    return xb_valid_mobile(s, strlen(s));
}

static bool landline(const char *s)
{
    return xb_valid_landline(s, strlen(s));
}

/* prefix + enough zeros/ones to make 11 digits */
static bool mobile_with_prefix(const char *prefix)
{
    char s[12];
    size_t k = strlen(prefix);
    memcpy(s, prefix, k);
    for (size_t i = k; i < 11; i++)
        s[i] = (char)('0' + i % 10);
    s[11] = '\0';
    return mobile(s);
}

static void test_mobile_public_vector(void **state)
{
    (void)state;
    assert_true(mobile("13552535506"));
    assert_true(mobile("13800138000"));
    assert_true(mobile("13912345678"));
}

/* Every 3-digit network code 100-199 against the §5.4 table. */
static void test_mobile_three_digit_table(void **state)
{
    (void)state;
    static const char *allocated[] = {
        "130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
        "145", "146", "147", "148", "149",
        "150", "151", "152", "153", "155", "156", "157", "158", "159",
        "162", "165", "166", "167",
        "170", "171", "172", "173", "175", "176", "177", "178",
        "180", "181", "182", "183", "184", "185", "186", "187", "188", "189",
        "190", "191", "192", "193", "195", "196", "197", "198", "199",
    };
    for (int p = 100; p <= 199; p++) {
        char prefix[4] = {'1', (char)('0' + p / 10 % 10), (char)('0' + p % 10), 0};
        bool expected = false;
        for (size_t i = 0; i < sizeof allocated / sizeof allocated[0]; i++)
            expected |= !strcmp(prefix, allocated[i]);
        if (p == 161 || p == 174)
            continue; /* partly allocated, tested below */
        if (mobile_with_prefix(prefix) != expected)
            fail_msg("prefix %s: expected %d", prefix, expected);
    }
}

static void test_mobile_partial_blocks(void **state)
{
    (void)state;
    assert_true(mobile_with_prefix("1349"));  /* satellite */
    assert_true(mobile_with_prefix("1340"));
    assert_true(mobile_with_prefix("1619"));  /* satellite */
    for (char c = '0'; c <= '8'; c++) {
        char p[5] = {'1', '6', '1', c, 0};
        assert_false(mobile_with_prefix(p));
    }
    for (char c = '0'; c <= '9'; c++) {
        char p[6] = {'1', '7', '4', '0', c, 0};
        assert_true(mobile_with_prefix(p)); /* 17400-05 telecom, 17406-09 satellite */
    }
    assert_true(mobile_with_prefix("17410"));
    assert_true(mobile_with_prefix("17412"));
    assert_false(mobile_with_prefix("17413"));
    assert_false(mobile_with_prefix("17419"));
    for (char c = '2'; c <= '8'; c++) {
        char p[5] = {'1', '7', '4', c, 0};
        assert_false(mobile_with_prefix(p));
    }
    assert_true(mobile_with_prefix("1749"));
}

static void test_mobile_negatives(void **state)
{
    (void)state;
    assert_false(mobile("15412345678"));  /* 154 unallocated */
    assert_false(mobile("19412345678"));  /* 194 unallocated */
    assert_false(mobile("17912345678"));
    assert_false(mobile("14012345678"));  /* IoT prefixes are 13 digits */
    assert_false(mobile("12345678901"));
    assert_false(mobile("23552535506"));
    assert_false(mobile("1355253550"));
    assert_false(mobile("135525355061"));
    assert_false(mobile("1355253550a"));
    assert_false(mobile("+8613552535"));
    assert_false(xb_valid_mobile(NULL, 0));
}

static void test_iot(void **state)
{
    (void)state;
    assert_true(xb_valid_iot_number("1400123456789", 13));
    assert_true(xb_valid_iot_number("1440123456789", 13));
    assert_false(xb_valid_iot_number("1450123456789", 13));
    assert_false(xb_valid_iot_number("1390123456789", 13));
    assert_false(xb_valid_iot_number("140012345678", 12));
    assert_false(xb_valid_iot_number("14001234567890", 14));
    assert_false(xb_valid_iot_number("140012345678a", 13));
    /* millisecond timestamps of 2023-2026 */
    assert_false(xb_valid_iot_number("1700000000000", 13));
    assert_false(xb_valid_iot_number("1731234567890", 13));
    assert_false(xb_valid_iot_number("1763800000000", 13));
}

static void test_landline(void **state)
{
    (void)state;
    assert_true(landline("01062345678"));    /* Beijing, 8-digit local */
    assert_true(landline("02087654321"));    /* Guangzhou */
    assert_true(landline("02968001234"));    /* Xi'an */
    assert_true(landline("031187654321"));   /* Shijiazhuang, 8 digits */
    assert_true(landline("03118765432"));    /* 3-digit area code, 7 digits */
    assert_true(landline("075586543210"));   /* Shenzhen */
    assert_true(landline("08982345678"));    /* Haikou, 7 digits */

    assert_false(landline("01012345678"));   /* local starting with 1 */
    assert_false(landline("01002345678"));   /* local starting with 0 */
    assert_false(landline("01092345678"));   /* local starting with 9 */
    assert_false(landline("0106234567"));    /* 010 + 7 digits */
    assert_false(landline("010623456789"));  /* 010 + 9 digits */
    assert_false(landline("0206234567"));    /* 02x + 7 digits */
    assert_false(landline("020623456789"));
    assert_false(landline("0311876543"));    /* 0xxx + 6 digits */
    assert_false(landline("0311876543210")); /* 0xxx + 9 digits */
    assert_false(landline("01162345678"));   /* 011 is not an area code */
    assert_false(landline("00862345678"));   /* international prefix */
    assert_false(landline("10623456789"));
    assert_false(landline("0106234567a"));
    assert_false(landline("010-62345678"));  /* separators are removed by the caller */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mobile_public_vector),
        cmocka_unit_test(test_mobile_three_digit_table),
        cmocka_unit_test(test_mobile_partial_blocks),
        cmocka_unit_test(test_mobile_negatives),
        cmocka_unit_test(test_iot),
        cmocka_unit_test(test_landline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
