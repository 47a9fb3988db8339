/* test_content_type.c - reading parameters from a Content-Type value. */
#include "xb_test.h"

#include "classifier/parse/xb_parser.h"

static void test_token_values(void **state)
{
    (void)state;
    char out[64];
    assert_true(xb_content_type_param("text/plain; charset=UTF-8", "charset", out, sizeof(out)));
    assert_string_equal(out, "UTF-8"); /* the value keeps its case */
    assert_true(xb_content_type_param("multipart/form-data;boundary=----WebKitFormBoundary7MA4YWxk",
                                      "boundary", out, sizeof(out)));
    assert_string_equal(out, "----WebKitFormBoundary7MA4YWxk");
    /* a value ends at ';' or whitespace */
    assert_true(xb_content_type_param("text/csv; charset=gbk ; header=present", "charset", out,
                                      sizeof(out)));
    assert_string_equal(out, "gbk");
    assert_true(xb_content_type_param("text/csv; charset=gbk ; header=present", "header", out,
                                      sizeof(out)));
    assert_string_equal(out, "present");
}

static void test_names_are_case_insensitive(void **state)
{
    (void)state;
    char out[32];
    assert_true(xb_content_type_param("Text/Plain; CHARSET=utf-8", "charset", out, sizeof(out)));
    assert_string_equal(out, "utf-8");
    assert_true(xb_content_type_param("text/plain; Charset=Big5", "CharSet", out, sizeof(out)));
    assert_string_equal(out, "Big5");
}

static void test_quoted_values(void **state)
{
    (void)state;
    char out[64];
    /* a ';' or '=' inside quotes belongs to the value */
    assert_true(xb_content_type_param("multipart/form-data; boundary=\"a;b=c d\"; charset=utf-8",
                                      "boundary", out, sizeof(out)));
    assert_string_equal(out, "a;b=c d");
    assert_true(xb_content_type_param("multipart/form-data; boundary=\"a;b=c d\"; charset=utf-8",
                                      "charset", out, sizeof(out)));
    assert_string_equal(out, "utf-8");
    /* quoted-pairs are resolved */
    assert_true(xb_content_type_param("multipart/mixed; boundary=\"x\\\"y\\\\z\"", "boundary", out,
                                      sizeof(out)));
    assert_string_equal(out, "x\"y\\z");
    /* an empty quoted value is present and empty */
    assert_true(xb_content_type_param("text/plain; charset=\"\"", "charset", out, sizeof(out)));
    assert_string_equal(out, "");
    /* an unterminated quoted-string makes the header malformed */
    assert_false(xb_content_type_param("multipart/form-data; boundary=\"abc", "boundary", out,
                                       sizeof(out)));
}

static void test_missing_parameters(void **state)
{
    (void)state;
    char out[16] = "untouched";
    assert_false(xb_content_type_param("application/json", "charset", out, sizeof(out)));
    assert_false(xb_content_type_param("application/json;", "charset", out, sizeof(out)));
    assert_false(xb_content_type_param("", "charset", out, sizeof(out)));
    assert_false(xb_content_type_param(NULL, "charset", out, sizeof(out)));
    assert_false(xb_content_type_param("text/plain; charset=utf-8", "", out, sizeof(out)));
    /* the name must match a whole parameter name */
    assert_false(xb_content_type_param("text/plain; xcharset=utf-8", "charset", out, sizeof(out)));
    assert_false(xb_content_type_param("text/plain; charsetx=utf-8", "charset", out, sizeof(out)));
    /* a parameter in the media type itself is not a parameter */
    assert_false(xb_content_type_param("charset=utf-8", "charset", out, sizeof(out)));
    assert_string_equal(out, "untouched");
}

static void test_odd_but_readable_headers(void **state)
{
    (void)state;
    char out[32];
    /* a parameter without '=' is skipped */
    assert_true(xb_content_type_param("text/plain; flowed; charset=utf-8", "charset", out,
                                      sizeof(out)));
    assert_string_equal(out, "utf-8");
    /* whitespace around '=' is tolerated */
    assert_true(xb_content_type_param("text/plain ;charset = koi8-r", "charset", out, sizeof(out)));
    assert_string_equal(out, "koi8-r");
    /* the first occurrence wins */
    assert_true(xb_content_type_param("text/plain; charset=a; charset=b", "charset", out,
                                      sizeof(out)));
    assert_string_equal(out, "a");
    /* an empty token value */
    assert_true(xb_content_type_param("text/plain; charset=; x=1", "charset", out, sizeof(out)));
    assert_string_equal(out, "");
}

static void test_truncation_to_out_size(void **state)
{
    (void)state;
    char out[4];
    assert_true(xb_content_type_param("text/plain; charset=UTF-8", "charset", out, sizeof(out)));
    assert_string_equal(out, "UTF");
    char quoted[3];
    assert_true(xb_content_type_param("multipart/form-data; boundary=\"abcdef\"", "boundary",
                                      quoted, sizeof(quoted)));
    assert_string_equal(quoted, "ab");
    /* presence can be tested without a buffer */
    assert_true(xb_content_type_param("text/plain; charset=UTF-8", "charset", NULL, 0));
    assert_false(xb_content_type_param("text/plain", "charset", NULL, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_token_values),
        cmocka_unit_test(test_names_are_case_insensitive),
        cmocka_unit_test(test_quoted_values),
        cmocka_unit_test(test_missing_parameters),
        cmocka_unit_test(test_odd_but_readable_headers),
        cmocka_unit_test(test_truncation_to_out_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
