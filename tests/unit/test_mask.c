/* test_mask.c - masked renditions of every identifier type, with
 * separators, full-width digits, short and invalid input. */
#include "xb_test.h"

#include "classifier/transform/xb_mask.h"
#include "classifier/transform/xb_tf_utf8.h"

static char *mask_rule(xb_mask_rule rule, const char *in)
{
    xb_buf out = XB_BUF_INIT;
    assert_int_equal(xb_mask_apply(rule, in, strlen(in), &out), XB_OK);
    assert_true(xb_u8_valid((const uint8_t *)out.data, out.len));
    return xb_buf_take(&out);
}

static char *mask_det(const char *detector, const char *in)
{
    xb_buf out = XB_BUF_INIT;
    assert_int_equal(xb_mask_text(detector, NULL, in, strlen(in), &out), XB_OK);
    assert_true(xb_u8_valid((const uint8_t *)out.data, out.len));
    return xb_buf_take(&out);
}

#define EXPECT_DET(det, in, want)                                              \
    do {                                                                       \
        char *got_ = mask_det(det, in);                                        \
        assert_string_equal(got_, want);                                       \
        free(got_);                                                            \
    } while (0)

static void test_resident_ids(void **state)
{
    (void)state;
    EXPECT_DET("cn_ric18", "11010519491231002X", "110105********002X");
    EXPECT_DET("cn_ric18", "110105 19491231 002X", "110105 ******** 002X");
    EXPECT_DET("cn_ric18", "110105-1949-1231-002x", "110105-****-****-002x");
    /* Full-width digits keep their width: masked with U+FF0A. */
    EXPECT_DET("cn_ric18", "１１０１０５１９４９１２３１００２Ｘ",
               "１１０１０５＊＊＊＊＊＊＊＊００２Ｘ");
    EXPECT_DET("cn_ric15", "110105491231002", "110105******002");
    EXPECT_DET("cn_hmt_residence", "810000199408230021", "810000********0021");
    EXPECT_DET("cn_foreign_pr_2023", "933026199001011234", "933026********1234");
    EXPECT_DET("cn_foreign_pr_2017", "USA123456789012", "USA**********12");
}

static void test_phones(void **state)
{
    (void)state;
    EXPECT_DET("cn_mobile", "13800138000", "138****8000");
    EXPECT_DET("cn_mobile", "138 0013 8000", "138 **** 8000");
    EXPECT_DET("cn_mobile", "138-0013-8000", "138-****-8000");
    EXPECT_DET("cn_mobile", "+86 138 0013 8000", "+86 138 **** 8000");
    EXPECT_DET("cn_mobile", "+8613800138000", "+86138****8000");
    EXPECT_DET("cn_mobile", "008613800138000", "0086138****8000");
    EXPECT_DET("cn_mobile", "１３８００１３８０００", "１３８＊＊＊＊８０００");
    EXPECT_DET("cn_mobile", "１３８ ００１３ ８０００", "１３８ ＊＊＊＊ ８０００");
    EXPECT_DET("cn_iot_number", "1440012345678", "144******5678");

    EXPECT_DET("cn_landline", "010-12345678", "010-******78");
    EXPECT_DET("cn_landline", "0755-88886666", "0755-******66");
    EXPECT_DET("cn_landline", "0755 8888 6666", "0755 **** **66");
    EXPECT_DET("cn_landline", "(010)12345678", "(010)******78");
    EXPECT_DET("cn_landline", "02012345678", "020******78");
    EXPECT_DET("cn_landline", "075588886666", "0755******66");
    EXPECT_DET("cn_landline", "+86 10 12345678", "+86 10 ******78");
    EXPECT_DET("cn_landline", "+86-755-88886666", "+86-755-******66");
    EXPECT_DET("cn_landline", "+8675588886666", "+86755******66");
}

static void test_cards_and_codes(void **state)
{
    (void)state;
    EXPECT_DET("bank_card", "6216261000000000018", "621626*********0018");
    EXPECT_DET("bank_card", "6216 2610 0000 0000 018", "6216 26** **** ***0 018");
    EXPECT_DET("bank_card", "６２１６２６１００００００００００１８",
               "６２１６２６＊＊＊＊＊＊＊＊＊００１８");
    EXPECT_DET("cn_uscc", "91110000600037341L", "91110000********1L");
    EXPECT_DET("cn_org_code", "60003734-1", "60*****4-1");
    EXPECT_DET("vin", "LSVAM4187C2184847", "LSV**********4847");
    EXPECT_DET("imei", "490154203237518", "49015420*****18");
    EXPECT_DET("mac_address", "00:1A:2B:3C:4D:5E", "00:1A:2B:**:**:**");
    EXPECT_DET("cn_postal_code", "100020", "10****");
}

static void test_documents(void **state)
{
    (void)state;
    EXPECT_DET("cn_passport", "E12345678", "E******78");
    EXPECT_DET("cn_passport", "EA1234567", "EA*****67");
    EXPECT_DET("cn_passport", "ｅ１２３４５６７８", "ｅ＊＊＊＊＊＊７８");
    EXPECT_DET("hkmo_home_return_permit", "H12345678", "H******78");
    EXPECT_DET("hkmo_home_return_permit", "H1234567801", "H********01");
    EXPECT_DET("mainland_hkmo_permit", "CA1234567", "CA*****67");
    EXPECT_DET("taiwan_permit", "12345678", "12****78");
}

static void test_email(void **state)
{
    (void)state;
    EXPECT_DET("email", "zhangsan@example.com", "z***@example.com");
    EXPECT_DET("email", "a@b.cn", "***@b.cn");
    EXPECT_DET("email", "13800138000@163.com", "1***@163.com");
    EXPECT_DET("email", "张三@例子.中国", "张***@例子.中国");
    EXPECT_DET("email", "not-an-email", "n**-**-****l");
}

static void test_names(void **state)
{
    (void)state;
    EXPECT_DET("person_name", "张三", "张*");
    EXPECT_DET("person_name", "张三丰", "张**");
    EXPECT_DET("person_name", "欧阳娜娜", "欧阳**");
    EXPECT_DET("person_name", "司马相如", "司马**");
    EXPECT_DET("person_name", "张", "*");
    EXPECT_DET("person_name", "买买提·艾力", "买**·**");
    EXPECT_DET("person_name", "Zhang San", "Z**** ***");
}

static void test_addresses(void **state)
{
    (void)state;
    EXPECT_DET("address", "北京市朝阳区建国路88号", "北京市朝阳区******");
    EXPECT_DET("address", "广东省深圳市南山区科技园南区1栋", "广东省深圳市南山区*******");
    EXPECT_DET("address", "内蒙古自治区呼和浩特市新城区新华大街1号",
               "内蒙古自治区呼和浩特市新城区******");
    EXPECT_DET("address", "浙江杭州西湖区文三路90号", "浙江杭州西湖区******");
    EXPECT_DET("address", "杭州市西湖区文三路 90号", "杭州市西湖区*** ***");
    EXPECT_DET("address", "上海市浦东新区世纪大道100号", "上海市浦东新区********");
    /* Without an administrative prefix only the first character stays. */
    EXPECT_DET("address", "建国路88号", "建*****");
}

static void test_plates_ip_coordinates(void **state)
{
    (void)state;
    EXPECT_DET("cn_plate", "京A12345", "京A***45");
    EXPECT_DET("cn_plate", "京AD12345", "京A****45");
    EXPECT_DET("cn_plate", "京A·12345", "京A·***45");
    EXPECT_DET("ipv4", "192.168.1.100", "192.168.*.*");
    EXPECT_DET("ipv4", "１９２．１６８．１．１", "１９２．１６８．＊．＊");
    EXPECT_DET("ipv6", "2001:db8:85a3:8d3:1319:8a2e:370:7348", "2001:db8:85a3:*:*:*:*:*");
    EXPECT_DET("ipv6", "fe80::1ff:fe23:4567:890a", "fe80::*:*:*:*");
    EXPECT_DET("cn_coordinates", "39.904211,116.407395", "39.90,116.41");
    EXPECT_DET("cn_coordinates", "39.904211, 116.407395", "39.90, 116.41");
    EXPECT_DET("cn_coordinates", "-33.868820", "-33.87");
    EXPECT_DET("cn_coordinates", "39.9", "39.9");
    EXPECT_DET("cn_coordinates", "３９．９０４２１１", "39.90");
}

static void test_generic_and_dispatch(void **state)
{
    (void)state;
    EXPECT_DET("pattern", "ABC-12345", "A**-****5");
    EXPECT_DET(NULL, "合同编号", "合**号");
    EXPECT_DET("keyword", "ab", "a*");
    EXPECT_DET("keyword", "x", "*");

    /* field_name / pattern findings take the entry's validator rule. */
    char *validators[] = {"person_name_unknown", "cn_mobile"};
    xb_entry e;
    memset(&e, 0, sizeof(e));
    e.validators = validators;
    e.n_validators = 2;
    assert_int_equal(xb_mask_rule_for_finding("field_name", &e), XB_MASK_MOBILE);
    assert_int_equal(xb_mask_rule_for_finding("cn_ric18", &e), XB_MASK_RESIDENT_ID);
    e.n_validators = 1;
    assert_int_equal(xb_mask_rule_for_finding("field_name", &e), XB_MASK_GENERIC);
    assert_int_equal(xb_mask_rule_for_detector("no_such"), XB_MASK_GENERIC);
    assert_string_equal(xb_mask_rule_name(XB_MASK_ADDRESS), "address");
    assert_string_equal(xb_mask_rule_name(XB_MASK_RULE_COUNT), "generic");

    xb_buf out = XB_BUF_INIT;
    assert_int_equal(xb_mask_text("field_name", &e, "", 0, &out), XB_OK);
    assert_int_equal(out.len, 0);
    xb_buf_free(&out);
}

/* Invalid bytes never reach the output; every rule, many shapes. */
static void test_every_rule_valid_utf8(void **state)
{
    (void)state;
    const char *inputs[] = {
        "\xff\xfe" "13800138000",
        "1380013\xe4\xb8" "8000",
        "张\xc3",
        "\xe2\x80\x8b" "110105194912310\xe2\x80\x8b" "02X",
        "北京市朝阳区\xf0\x9f\x98\x80路",
        "a",
        "",
        "39.90421\xff" "1",
        "x@\xff.com",
        "::\xff",
    };
    for (int r = 0; r < XB_MASK_RULE_COUNT; r++)
        for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
            char *got = mask_rule((xb_mask_rule)r, inputs[i]);
            assert_null(strchr(got, '\xff'));
            free(got);
        }
}

/* The masked middle of a number never shows one of its digits. */
static void test_no_masked_digit_leaks(void **state)
{
    (void)state;
    char *got = mask_det("cn_mobile", "19912345678");
    assert_string_equal(got, "199****5678");
    free(got);
    got = mask_det("cn_ric18", "440524188001010014");
    assert_null(strstr(got, "18800101"));
    assert_string_equal(got, "440524********0014");
    free(got);
    got = mask_rule(XB_MASK_STRICT, "京A 12345");
    assert_string_equal(got, "** *****");
    free(got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resident_ids),
        cmocka_unit_test(test_phones),
        cmocka_unit_test(test_cards_and_codes),
        cmocka_unit_test(test_documents),
        cmocka_unit_test(test_email),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_addresses),
        cmocka_unit_test(test_plates_ip_coordinates),
        cmocka_unit_test(test_generic_and_dispatch),
        cmocka_unit_test(test_every_rule_valid_utf8),
        cmocka_unit_test(test_no_masked_digit_leaks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
