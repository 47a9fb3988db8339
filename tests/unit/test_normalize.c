/* test_normalize.c - width folding, invisible characters, offset maps. */
#include "xb_test.h"

#include "classifier/detect/xb_normalize.h"

static void check(const char *in, const char *want)
{
    xb_norm nm = {0};
    assert_int_equal(xb_normalize(&nm, (const uint8_t *)in, strlen(in)), XB_OK);
    assert_int_equal(xb_norm_len(&nm), strlen(want));
    assert_memory_equal(xb_norm_text(&nm), want, strlen(want));
    xb_norm_free(&nm);
}

static void test_ascii_is_identity(void **state)
{
    (void)state;
    xb_norm nm = {0};
    const char *s = "13800138000 abc";
    assert_int_equal(xb_normalize(&nm, (const uint8_t *)s, strlen(s)), XB_OK);
    assert_true(nm.identity);
    assert_ptr_equal(xb_norm_text(&nm), s);
    size_t a, b;
    xb_norm_to_source(&nm, 3, 7, &a, &b);
    assert_int_equal(a, 3);
    assert_int_equal(b, 7);
    xb_norm_free(&nm);
}

static void test_fullwidth_digits_and_letters(void **state)
{
    (void)state;
    check("１３８００１３８０００", "13800138000");
    check("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X");
    check("ｅｍａｉｌ＠ｅｘａｍｐｌｅ．ｃｏｍ", "email@example.com");
}

static void test_invisible_removed(void **state)
{
    (void)state;
    check("138\xe2\x80\x8b" "0013\xe2\x80\x8c" "8000", "13800138000");
    check("\xef\xbb\xbf" "abc", "abc");
    check("13\xe2\x81\xa0" "8", "138");
    check("a\xc2\xad" "b", "ab");
}

static void test_separators_folded(void **state)
{
    (void)state;
    check("138\xe3\x80\x80" "0013", "138 0013");   /* ideographic space */
    check("138\xe2\x80\x94" "0013", "138-0013");   /* em dash */
    check("138\xef\xbc\x8d" "0013", "138-0013");   /* full-width hyphen */
}

static void test_cjk_kept_and_mapped(void **state)
{
    (void)state;
    const char *s = "电话：１３８";
    xb_norm nm = {0};
    assert_int_equal(xb_normalize(&nm, (const uint8_t *)s, strlen(s)), XB_OK);
    /* 电话 = 6 bytes, '：' (U+FF1A) folds to ':' */
    assert_memory_equal(xb_norm_text(&nm), "电话:138", 10);
    size_t a, b;
    /* "138" at normalised offsets 7..10 maps to the three full-width digits */
    xb_norm_to_source(&nm, 7, 10, &a, &b);
    assert_int_equal(a, 9);
    assert_int_equal(b, 18);
    /* "电" maps to its three source bytes */
    xb_norm_to_source(&nm, 0, 3, &a, &b);
    assert_int_equal(a, 0);
    assert_int_equal(b, 3);
    xb_norm_free(&nm);
}

static void test_map_skips_removed_characters(void **state)
{
    (void)state;
    const char *s = "1\xe2\x80\x8b" "2";
    xb_norm nm = {0};
    assert_int_equal(xb_normalize(&nm, (const uint8_t *)s, strlen(s)), XB_OK);
    assert_int_equal(xb_norm_len(&nm), 2);
    size_t a, b;
    xb_norm_to_source(&nm, 1, 2, &a, &b);
    assert_int_equal(a, 4);
    assert_int_equal(b, 5);
    xb_norm_free(&nm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ascii_is_identity),
        cmocka_unit_test(test_fullwidth_digits_and_letters),
        cmocka_unit_test(test_invisible_removed),
        cmocka_unit_test(test_separators_folded),
        cmocka_unit_test(test_cjk_kept_and_mapped),
        cmocka_unit_test(test_map_skips_removed_characters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
