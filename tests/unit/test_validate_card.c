/* test_validate_card.c - Luhn, bank card PAN (with issuer plausibility) and
 * IMEI validators (regulation.md §5.6, §5.15). */
#include "xb_test.h"

#include "classifier/detect/xb_validate.h"

static bool card(const char *s, bool *unionpay)
{
    return xb_valid_bank_card(s, strlen(s), unionpay);
}

/* Replace the last digit of s so that the whole string passes Luhn: used to
 * show that IIN rules, not the check digit, reject a number. */
static void luhn_fix(char *s)
{
    size_t n = strlen(s);
    for (char c = '0'; c <= '9'; c++) {
        s[n - 1] = c;
        if (xb_luhn_ok(s, n))
            return;
    }
    fail_msg("no Luhn digit for %s", s);
}

/* Every other last digit fails. */
static void assert_every_wrong_check_fails(const char *valid,
                                           bool (*check)(const char *, size_t))
{
    char s[32];
    size_t n = strlen(valid);
    memcpy(s, valid, n + 1);
    assert_true(check(s, n));
    int rejected = 0;
    for (char c = '0'; c <= '9'; c++) {
        if (c == valid[n - 1])
            continue;
        s[n - 1] = c;
        assert_false(check(s, n));
        rejected++;
    }
    assert_int_equal(rejected, 9);
}

static bool card_no_flag(const char *s, size_t n)
{
    return xb_valid_bank_card(s, n, NULL);
}

static void test_luhn(void **state)
{
    (void)state;
    assert_true(xb_luhn_ok("79927398713", 11));
    assert_false(xb_luhn_ok("79927398710", 11));
    assert_true(xb_luhn_ok("0", 1));
    assert_false(xb_luhn_ok("", 0));
    assert_false(xb_luhn_ok("7992739871a", 11));
    assert_every_wrong_check_fails("79927398713", xb_luhn_ok);
}

static void test_bank_card_public_vectors(void **state)
{
    (void)state;
    bool up = false;
    assert_true(card("6216261000000000018", &up)); /* UnionPay ACP test card */
    assert_true(up);
    up = true;
    assert_true(card("4111111111111111", &up));    /* Visa */
    assert_false(up);
    assert_true(card("5555555555554444", &up));    /* Mastercard */
    assert_true(card("2223003122003222", &up));    /* Mastercard 2-series */
    assert_true(card("3530111333300000", &up));    /* JCB */
    assert_true(card("6011111111111117", &up));    /* Discover */
    assert_false(up);
    assert_true(card("6222021234567890128", &up)); /* UnionPay 19 digits */
    assert_true(up);
    assert_true(card("6212345678901232", NULL));    /* NULL flag pointer is fine */
}

static void test_bank_card_every_wrong_check_fails(void **state)
{
    (void)state;
    assert_every_wrong_check_fails("6216261000000000018", card_no_flag);
    assert_every_wrong_check_fails("4111111111111111", card_no_flag);
    assert_every_wrong_check_fails("5555555555554444", card_no_flag);
    /* hard negative of tests/data/scan: the public vector with its last digit
     * changed */
    bool up = true;
    assert_false(card("6216261000000000017", &up));
    assert_false(up); /* flag cleared when the number is rejected */
}

static void test_bank_card_legacy_domestic(void **state)
{
    (void)state;
    char s[32];
    strcpy(s, "9558801234567890120"); /* ICBC-style 19 digits */
    luhn_fix(s);
    assert_true(card(s, NULL));
    strcpy(s, "9558801234567890"); /* 16 digits starting 95: not accepted */
    luhn_fix(s);
    assert_false(card(s, NULL));
    strcpy(s, "9012345678901234567");
    luhn_fix(s);
    assert_false(card(s, NULL));
}

/* Luhn-valid digit strings of card length that are not cards. */
static void test_bank_card_rejects_non_card_numbers(void **state)
{
    (void)state;
    static const char *samples[] = {
        "2024110512345678",     /* date-prefixed order number */
        "2025010100000001",
        "2000123456789012",
        "2721000000000000",     /* just above the Mastercard 2-series */
        "1731234567890123",     /* microsecond timestamp */
        "1731234567890123456",  /* nanosecond timestamp */
        "1234567890123456",     /* snowflake-like id */
        "0000000000000000",
        "0123456789012345",
        "7000123456789012",
        "8000123456789012",
        "3400000000000000",     /* Amex range at a non-Amex length */
        "3000000000000000",
        "3527999999999999",
        "3590000000000000",
        "5000000000000000",
        "5600000000000000",
        "6100000000000000",
        "6300000000000000",
        "6600000000000000",
    };
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        char s[32];
        strcpy(s, samples[i]);
        luhn_fix(s);
        if (card(s, NULL))
            fail_msg("%s accepted as a bank card", s);
    }
}

static void test_bank_card_shape(void **state)
{
    (void)state;
    assert_false(card("378282246310005", NULL));       /* Amex: 15 digits */
    assert_false(card("411111111111", NULL));          /* too short */
    assert_false(card("41111111111111111113", NULL));  /* 20 digits */
    assert_false(card("1700000000000", NULL));         /* ms timestamp */
    assert_false(card("a716446655440000", NULL));      /* UUID fragment */
    assert_false(card("446655440000", NULL));          /* UUID digit group */
    assert_false(card("4111 1111 1111 1111", NULL));
    assert_false(xb_valid_bank_card(NULL, 0, NULL));
}

static void test_imei(void **state)
{
    (void)state;
    assert_true(xb_valid_imei("490154203237518", 15));
    assert_true(xb_valid_imei("354178036859789", 15));
    assert_every_wrong_check_fails("490154203237518", xb_valid_imei);
    assert_every_wrong_check_fails("354178036859789", xb_valid_imei);
    assert_false(xb_valid_imei("49015420323751", 14));    /* without check */
    assert_false(xb_valid_imei("4901542032375180", 16));  /* IMEISV */
    assert_false(xb_valid_imei("49015420323751X", 15));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_luhn),
        cmocka_unit_test(test_bank_card_public_vectors),
        cmocka_unit_test(test_bank_card_every_wrong_check_fails),
        cmocka_unit_test(test_bank_card_legacy_domestic),
        cmocka_unit_test(test_bank_card_rejects_non_card_numbers),
        cmocka_unit_test(test_bank_card_shape),
        cmocka_unit_test(test_imei),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
