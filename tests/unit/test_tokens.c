/* test_tokens.c - the single-pass candidate token scanner. */
#include "xb_test.h"

#include "classifier/detect/xb_tokens.h"

static size_t tokens(const char *t, xb_token *out, size_t max)
{
    size_t pos = 0, k = 0;
    while (k < max && xb_next_token(t, strlen(t), &pos, &out[k]))
        k++;
    return k;
}

static void test_digit_groups_join(void **state)
{
    (void)state;
    xb_token tk[8];
    assert_int_equal(tokens("call 138 0013 8000 now", tk, 8), 3);
    assert_string_equal(tk[1].collapsed, "13800138000");
    assert_int_equal(tk[1].start, 5);
    assert_int_equal(tk[1].end, 18);
    assert_int_equal(tk[1].separators, 2);
    assert_int_equal(tk[1].digits, 11);
}

static void test_id_with_dashes_and_x(void **state)
{
    (void)state;
    xb_token tk[4];
    assert_int_equal(tokens("110105-19491231-002X", tk, 4), 1);
    assert_string_equal(tk[0].collapsed, "11010519491231002X");
    assert_int_equal(tk[0].upper, 1);
}

static void test_letters_do_not_join_across_separators(void **state)
{
    (void)state;
    xb_token tk[8];
    /* UUID: a separator joins groups only between two digits */
    size_t n = tokens("550e8400-e29b-41d4-a716-446655440000", tk, 8);
    assert_int_equal(n, 4);
    assert_string_equal(tk[0].collapsed, "550e8400");
    assert_string_equal(tk[1].collapsed, "e29b");
    assert_string_equal(tk[2].collapsed, "41d4");
    assert_string_equal(tk[3].collapsed, "a716446655440000");
    assert_int_equal(tk[3].lower, 1);
}

static void test_dotted_numbers(void **state)
{
    (void)state;
    xb_token tk[4];
    assert_int_equal(tokens("ip 192.168.1.1", tk, 4), 2);
    assert_string_equal(tk[1].collapsed, "19216811");
    assert_int_equal(tk[1].dots, 3);
}

static void test_overflow(void **state)
{
    (void)state;
    char buf[128];
    memset(buf, '7', 100);
    buf[100] = '\0';
    xb_token tk[2];
    assert_int_equal(tokens(buf, tk, 2), 1);
    assert_true(tk[0].overflow);
    assert_int_equal(tk[0].end, 100);
}

static void test_cjk_boundaries(void **state)
{
    (void)state;
    xb_token tk[4];
    assert_int_equal(tokens("身份证号11010519491231002X，谢谢", tk, 4), 1);
    assert_string_equal(tk[0].collapsed, "11010519491231002X");
    assert_int_equal(tk[0].start, 12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_digit_groups_join),
        cmocka_unit_test(test_id_with_dashes_and_x),
        cmocka_unit_test(test_letters_do_not_join_across_separators),
        cmocka_unit_test(test_dotted_numbers),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_cjk_boundaries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
