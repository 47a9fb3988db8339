/* test_cntext.c - Chinese person names and addresses. */
#include "xb_test.h"

#include "classifier/detect/xb_cntext.h"

static size_t names(const char *s, bool hint, xb_text_match *m)
{
    return xb_find_person_names(s, strlen(s), hint, m, 8);
}

static size_t addrs(const char *s, bool hint, xb_text_match *m)
{
    return xb_find_addresses(s, strlen(s), hint, m, 8);
}

static void expect_one(size_t k, const xb_text_match *m, const char *s, const char *want)
{
    assert_int_equal(k, 1);
    assert_int_equal(m[0].end - m[0].start, strlen(want));
    assert_memory_equal(s + m[0].start, want, strlen(want));
}

static void test_names_in_name_fields(void **state)
{
    (void)state;
    xb_text_match m[8];
    expect_one(names("张伟", true, m), m, "张伟", "张伟");
    assert_true(m[0].confidence >= 0.85);
    expect_one(names(" 欧阳娜娜 ", true, m), m, " 欧阳娜娜 ", "欧阳娜娜");
    expect_one(names("阿依古丽·买买提", true, m), m, "阿依古丽·买买提", "阿依古丽·买买提");
    assert_int_equal(names("华为技术有限公司", true, m), 0);
    assert_int_equal(names("active", true, m), 0);
}

static void test_names_in_free_text_need_cues(void **state)
{
    (void)state;
    xb_text_match m[8];
    const char *s = "收货人：王小明，电话13800138000";
    expect_one(names(s, false, m), m, s, "王小明");
    s = "患者欧阳娜娜，女，45岁";
    expect_one(names(s, false, m), m, s, "欧阳娜娜");
    s = "联系人李四投诉物流太慢";
    expect_one(names(s, false, m), m, s, "李四");
    /* ordinary words that start with a surname character */
    assert_int_equal(names("王国的金额在周末陈述，高兴地说黄金价格", false, m), 0);
    assert_int_equal(names("我们在北京开会", false, m), 0);
}

static void test_addresses(void **state)
{
    (void)state;
    xb_text_match m[8];
    const char *s = "地址：浙江省杭州市西湖区文三路90号东部软件园2号楼3层，请送达";
    expect_one(addrs(s, false, m), m, s, "浙江省杭州市西湖区文三路90号东部软件园2号楼3层");
    s = "北京市朝阳区建国路88号SOHO现代城5号楼1201室";
    expect_one(addrs(s, true, m), m, s, s);
    assert_int_equal(addrs("我们在北京开会", false, m), 0);
    assert_int_equal(addrs("上海分公司", false, m), 0);
    assert_int_equal(addrs("北京字节跳动科技有限公司", false, m), 0);
    /* an address field without a province: road + number */
    s = "文三路90号2单元301室";
    expect_one(addrs(s, true, m), m, s, s);
    assert_int_equal(addrs(s, false, m), 0);
}

static void test_has_cjk(void **state)
{
    (void)state;
    assert_true(xb_has_cjk("abc中", strlen("abc中")));
    assert_false(xb_has_cjk("abc", 3));
    assert_false(xb_has_cjk("１２３", strlen("１２３"))); /* full-width digits are not Han */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_in_name_fields),
        cmocka_unit_test(test_names_in_free_text_need_cues),
        cmocka_unit_test(test_addresses),
        cmocka_unit_test(test_has_cjk),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
