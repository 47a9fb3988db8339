/* test_validate_net.c - IPv4, IPv6 and email syntax validators
 * (regulation.md §5.19). */
#include "xb_test.h"

#include "classifier/detect/xb_validate.h"

/* Validate an exactly sized heap copy (no NUL) so that AddressSanitizer
 * catches reads past n. */
static bool on_copy(bool (*fn)(const char *, size_t), const char *text)
{
    size_t n = strlen(text);
    char *copy = malloc(n ? n : 1);
    assert_non_null(copy);
    memcpy(copy, text, n);
    bool ok = fn(copy, n);
    free(copy);
    return ok;
}

#define IPV4(s) on_copy(xb_valid_ipv4, s)
#define IPV6(s) on_copy(xb_valid_ipv6, s)
#define EMAIL(s) on_copy(xb_valid_email, s)

static void test_ipv4(void **state)
{
    (void)state;
    assert_true(IPV4("192.168.1.1"));
    assert_true(IPV4("0.0.0.0"));
    assert_true(IPV4("255.255.255.255"));
    assert_true(IPV4("8.8.8.8"));
    assert_true(IPV4("10.0.100.250"));

    assert_false(IPV4("256.1.1.1"));
    assert_false(IPV4("1.2.3.256"));
    assert_false(IPV4("1.2.300.4"));
    assert_false(IPV4("01.2.3.4"));     /* leading zero */
    assert_false(IPV4("1.2.3.04"));
    assert_false(IPV4("1.2.3.00"));
    assert_false(IPV4("1.2.3"));
    assert_false(IPV4("1.2.3.4.5"));
    assert_false(IPV4("1..2.3"));
    assert_false(IPV4("1.2.3.4."));
    assert_false(IPV4(".1.2.3"));
    assert_false(IPV4("1.2.3.a"));
    assert_false(IPV4("1234.1.1.1"));
    assert_false(IPV4("1.2.3.-4"));
    assert_false(IPV4(""));
    assert_false(xb_valid_ipv4(NULL, 0));
}

static void test_ipv6_valid(void **state)
{
    (void)state;
    static const char *good[] = {
        "::",
        "::1",
        "1::",
        "2001:db8::1",
        "2001:0db8:0000:0000:0000:ff00:0042:8329",
        "2001:DB8:0:0:8:800:200C:417A",
        "fe80::1:2",
        "::ffff:192.168.1.1",
        "::192.168.1.1",
        "1:2:3:4:5:6:1.2.3.4",
        "1:2:3:4:5::1.2.3.4",
        "1:2:3:4:5:6:7::",
        "::2:3:4:5:6:7:8",
        "1:2:3:4::5:6:7",
        "ABCD:EF01::",
        "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (!IPV6(good[i]))
            fail_msg("rejected %s", good[i]);
}

static void test_ipv6_invalid(void **state)
{
    (void)state;
    static const char *bad[] = {
        "2001:db8::1::2",          /* two :: */
        "::1::",
        ":::",
        "1:::2",
        "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7",           /* 7 groups without :: */
        "1:2:3:4:5:6:7:8::",       /* :: with 8 groups */
        "::1:2:3:4:5:6:7:8",
        "12345::",
        "g::1",
        "1:",
        ":1",
        "1:2",
        "::ffff:256.1.1.1",
        "::ffff:01.1.1.1",
        "::ffff:1.2.3",
        "1:2:3:4:5:6:7:1.2.3.4",   /* 9 groups' worth */
        "1.2.3.4",
        "::1.2.3.4:5",
        "fe80::1%eth0",
        "10:30",
        ":",
        "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (IPV6(bad[i]))
            fail_msg("accepted %s", bad[i]);
    assert_false(xb_valid_ipv6(NULL, 0));
}

static void test_email_valid(void **state)
{
    (void)state;
    assert_true(EMAIL("zhang.wei@example.com"));
    assert_true(EMAIL("a+b@mail.example.cn"));
    assert_true(EMAIL("user_1@sub.domain.co.uk"));
    assert_true(EMAIL("UPPER@EXAMPLE.COM"));
    assert_true(EMAIL("o'brien@example.ie"));
    assert_true(EMAIL("x@a.xn--fiqs8s"));       /* IDN TLD (.中国) */
    assert_true(EMAIL("12345@qq.com"));
    assert_true(EMAIL("a@b.cd"));
}

static void test_email_invalid(void **state)
{
    (void)state;
    assert_false(EMAIL("user@localhost"));     /* no dot */
    assert_false(EMAIL("user@example"));
    assert_false(EMAIL("user@example.c"));     /* 1-letter TLD */
    assert_false(EMAIL("user@example.123"));   /* numeric TLD */
    assert_false(EMAIL("user@example.c0m"));
    assert_false(EMAIL(".user@example.com"));
    assert_false(EMAIL("user.@example.com"));
    assert_false(EMAIL("us..er@example.com"));
    assert_false(EMAIL("user@-example.com"));
    assert_false(EMAIL("user@example-.com"));
    assert_false(EMAIL("user@exa_mple.com"));
    assert_false(EMAIL("user@example..com"));
    assert_false(EMAIL("user@.example.com"));
    assert_false(EMAIL("user@example.com."));
    assert_false(EMAIL("user@@example.com"));
    assert_false(EMAIL("us@er@example.com"));
    assert_false(EMAIL("userexample.com"));
    assert_false(EMAIL("@example.com"));
    assert_false(EMAIL("user@"));
    assert_false(EMAIL("us er@example.com"));
    assert_false(EMAIL("user@exa mple.com"));
    assert_false(EMAIL("张伟@example.com"));     /* EAI not supported */
    assert_false(xb_valid_email(NULL, 0));
}

static void test_email_lengths(void **state)
{
    (void)state;
    char buf[400];
    /* local part: 64 accepted, 65 rejected */
    memset(buf, 'a', 64);
    strcpy(buf + 64, "@example.com");
    assert_true(EMAIL(buf));
    memset(buf, 'a', 65);
    strcpy(buf + 65, "@example.com");
    assert_false(EMAIL(buf));
    /* domain label: 63 accepted, 64 rejected */
    strcpy(buf, "u@");
    memset(buf + 2, 'b', 63);
    strcpy(buf + 65, ".com");
    assert_true(EMAIL(buf));
    memset(buf + 2, 'b', 64);
    strcpy(buf + 66, ".com");
    assert_false(EMAIL(buf));
    /* total: 254 accepted, 255 rejected (labels of 50) */
    size_t k = 0;
    memset(buf, 'u', 10);
    k = 10;
    buf[k++] = '@';
    while (k < 254 - 4) {
        size_t label = 254 - 4 - k > 50 ? 50 : 254 - 4 - k;
        memset(buf + k, 'd', label);
        k += label;
        buf[k++] = '.';
    }
    /* buf[0..k) ends with '.', append "com" */
    strcpy(buf + k, "com");
    assert_int_equal(strlen(buf), 254);
    assert_true(EMAIL(buf));
    memmove(buf + 1, buf, 255);
    buf[0] = 'u';
    assert_int_equal(strlen(buf), 255);
    assert_false(EMAIL(buf));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipv4),
        cmocka_unit_test(test_ipv6_valid),
        cmocka_unit_test(test_ipv6_invalid),
        cmocka_unit_test(test_email_valid),
        cmocka_unit_test(test_email_invalid),
        cmocka_unit_test(test_email_lengths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
