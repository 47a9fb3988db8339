/*
 * test_address.c - Chinese postal addresses (xb_find_addresses): exact byte
 * spans of the whole address, what is needed in free text (a province or
 * city with a road, village or number; a county-level name at a boundary
 * with a road and number; an address cue), what is enough in an address
 * field, company names and bare places as hard negatives, match-list
 * invariants on malformed input, and a precision/recall self-check over
 * ~100 positive and ~100 negative texts.
 *
 * "Reported" means confidence >= 0.5, the default min-confidence of a
 * catalog entry.
 */
#include "xb_test.h"

#include "classifier/detect/xb_cntext.h"
#include "classifier/detect/xb_cntext_dict.h"

#define REPORTED 0.5

static size_t reported(const char *s, bool hint, xb_text_match *m, size_t max)
{
    xb_text_match all[32];
    size_t k = xb_find_addresses(s, strlen(s), hint, all, 32), r = 0;
    for (size_t i = 0; i < k && r < max; i++)
        if (all[i].confidence >= REPORTED)
            m[r++] = all[i];
    return r;
}

/* Exactly one address is reported and it is `want`, at its offset. */
static void expect_address(const char *s, bool hint, const char *want)
{
    xb_text_match m[8];
    size_t k = reported(s, hint, m, 8);
    if (k != 1)
        fail_msg("%s: %zu addresses reported, 1 expected", s, k);
    const char *at = strstr(s, want);
    assert_non_null(at);
    if (m[0].start != (size_t)(at - s) || m[0].end != (size_t)(at - s) + strlen(want))
        fail_msg("%s: reported \"%.*s\", expected \"%s\"", s, (int)(m[0].end - m[0].start),
                 s + m[0].start, want);
}

static void expect_none(const char *s, bool hint)
{
    xb_text_match m[8];
    size_t k = reported(s, hint, m, 8);
    if (k)
        fail_msg("%s: unexpected address \"%.*s\"", s, (int)(m[0].end - m[0].start),
                 s + m[0].start);
}

static double confidence_of(const char *s, bool hint)
{
    xb_text_match m[8];
    size_t k = xb_find_addresses(s, strlen(s), hint, m, 8);
    assert_int_equal(k, 1);
    return m[0].confidence;
}

/* ------------------------------------------------------------- spans */

static void test_full_addresses_in_free_text(void **state)
{
    (void)state;
    const char *s = "收货人：王小明，电话13800138000，地址：浙江省杭州市西湖区文三路90号东部软件园2号楼3层";
    expect_address(s, false, "浙江省杭州市西湖区文三路90号东部软件园2号楼3层");
    /* byte offsets: the address starts after 收货人：王小明，电话13800138000，地址： */
    xb_text_match m[4];
    assert_int_equal(xb_find_addresses(s, strlen(s), false, m, 4), 1);
    assert_int_equal(m[0].start, 53);
    assert_int_equal(m[0].end, 120);
    expect_address("北京市朝阳区建国路88号SOHO现代城5号楼1201室", false,
                   "北京市朝阳区建国路88号SOHO现代城5号楼1201室");
    expect_address("我住在上海市浦东新区张江路88号3号楼2单元501室，有空来玩", false,
                   "上海市浦东新区张江路88号3号楼2单元501室");
    /* villages, Chinese numerals, sections, hyphenated room numbers */
    expect_address("河北省保定市清苑区李庄镇东王村3组", false, "河北省保定市清苑区李庄镇东王村3组");
    expect_address("四川省成都市武侯区人民南路四段12号", false, "四川省成都市武侯区人民南路四段12号");
    expect_address("业主住在江苏省南通市崇川区青年中路9号3-2-401", false,
                   "江苏省南通市崇川区青年中路9号3-2-401");
    expect_address("福建省福州市鼓楼区五四路158号环球广场2201室", false,
                   "福建省福州市鼓楼区五四路158号环球广场2201室");
    /* autonomous regions and special administrative regions */
    expect_address("地址：宁夏回族自治区银川市兴庆区解放西街2号", false,
                   "宁夏回族自治区银川市兴庆区解放西街2号");
    expect_address("香港九龙旺角弥敦道123号", false, "香港九龙旺角弥敦道123号");
    /* a district name inside a district name (市南区), a place inside a road
     * name (香港中路, 文昌一路) */
    expect_address("山东省青岛市市南区香港中路10号", false, "山东省青岛市市南区香港中路10号");
    expect_address("广东省惠州市惠城区江北街道文昌一路9号", false,
                   "广东省惠州市惠城区江北街道文昌一路9号");
    /* the span stops at what follows the address */
    expect_address("您的包裹已由北京市顺义区后沙峪镇裕民大街8号仓库发出", false,
                   "北京市顺义区后沙峪镇裕民大街8号");
    expect_address("配送地址 上海市普陀区真北路1108号 近金沙江路", false,
                   "上海市普陀区真北路1108号");
    expect_address("他家在广州市天河区体育西路，离地铁很近", false, "广州市天河区体育西路");
}

static void test_county_level_start_needs_structure(void **state)
{
    (void)state;
    expect_address("，昆山市花桥镇绿地大道88号", false, "昆山市花桥镇绿地大道88号");
    expect_address("寄到昆山市花桥镇绿地大道88号", false, "昆山市花桥镇绿地大道88号");
    expect_none("昆山市花桥镇", false);
    expect_none("共享单车停放在西湖区", false);
    /* an address cue is enough for two administrative levels */
    expect_address("户口所在地：山西省太原市小店区", false, "山西省太原市小店区");
    expect_none("发往湖南长沙", false);
}

static void test_address_fields(void **state)
{
    (void)state;
    expect_address("北京市朝阳区", true, "北京市朝阳区");
    expect_address("文三路90号2单元301室", true, "文三路90号2单元301室");
    expect_none("文三路90号2单元301室", false); /* no place, no cue, no field */
    expect_address("幸福小区3栋2单元501", true, "幸福小区3栋2单元501");
    expect_address("1号楼2单元", true, "1号楼2单元");
    expect_address("张伟 13800138000 广东省广州市番禺区市桥街道繁华路1号", true,
                   "广东省广州市番禺区市桥街道繁华路1号");
    /* a single place name in an address field counts, weakly */
    double c = confidence_of("上海", true);
    assert_true(c >= REPORTED && c < 0.7);
    expect_none("详见合同", true);
    expect_none("同上", true);
    expect_none("Beijing", true);
}

static void test_confidence_grows_with_components(void **state)
{
    (void)state;
    double road = confidence_of("成都市锦江区春熙路", false);
    double number = confidence_of("成都市锦江区春熙路12号", false);
    double room = confidence_of("成都市锦江区春熙路12号3栋2单元501室", false);
    assert_true(road >= REPORTED);
    assert_true(number > road);
    assert_true(room > number);
    assert_true(room <= 1.0);
}

static void test_bare_places_and_companies(void **state)
{
    (void)state;
    const char *const texts[] = {
        "我们在北京开会", "上海分公司", "北京字节跳动科技有限公司", "深圳市腾讯计算机系统有限公司",
        "深圳市万科城市花园物业管理有限公司", "上海浦东新区张江路XX科技有限公司", "北京大学",
        "杭州市第一人民医院", "广州市天河区人民法院", "北京5号线", "上海12号到货", "北京路口",
        "我在北京路上", "浙江省杭州市", "江苏南通", "北京时间2023年5月1日", "从广州到深圳的路上",
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
        expect_none(texts[i], false);
}

/* ------------------------------------------------------- invariants */

static void check_invariants(const char *s, size_t n, bool hint, size_t max)
{
    xb_text_match m[32];
    size_t k = xb_find_addresses(s, n, hint, m, max);
    assert_true(k <= max);
    for (size_t i = 0; i < k; i++) {
        assert_true(m[i].start < m[i].end);
        assert_true(m[i].end <= n);
        assert_true(m[i].confidence > 0 && m[i].confidence <= 1);
        if (i)
            assert_true(m[i - 1].end <= m[i].start);
    }
}

static void test_invariants_on_odd_input(void **state)
{
    (void)state;
    const char *two = "北京市朝阳区建国路88号；上海市徐汇区漕溪北路88号";
    xb_text_match m[4];
    assert_int_equal(xb_find_addresses(two, strlen(two), false, m, 4), 2);
    assert_int_equal(xb_find_addresses(two, strlen(two), false, m, 1), 1);
    assert_int_equal(xb_find_addresses(two, strlen(two), false, m, 0), 0);
    assert_int_equal(xb_find_addresses(NULL, 0, true, m, 4), 0);
    const char bad[] = "北京市\xE6\x9C"
                       "区建国路\x80\x80"
                       "88号\xE5";
    check_invariants(bad, sizeof(bad) - 1, false, 32);
    check_invariants(bad, sizeof(bad) - 1, true, 32);
    check_invariants("地址：", strlen("地址："), false, 32);
    check_invariants("北京市朝阳区建国路88号", 5, true, 32); /* cut inside 市 */
    /* long runs of digits, hyphens and suffixes */
    char buf[600];
    size_t n = 0;
    while (n + 8 < sizeof(buf)) {
        memcpy(buf + n, "号-1路", strlen("号-1路"));
        n += strlen("号-1路");
    }
    check_invariants(buf, n, true, 32);
    uint32_t seed = 777;
    for (int round = 0; round < 200; round++) {
        n = 0;
        while (n + 3 < sizeof(buf)) {
            seed = seed * 1103515245u + 12345u;
            unsigned r = (seed >> 16) & 0x7FFF;
            if (r % 4 == 0) {
                buf[n++] = (char)('0' + r % 10);
            } else {
                uint32_t cp = 0x4E00 + (r % 0x5200);
                buf[n++] = (char)(0xE0 | (cp >> 12));
                buf[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                buf[n++] = (char)(0x80 | (cp & 0x3F));
            }
        }
        check_invariants(buf, n, round & 1, 32);
        check_invariants(buf, n - 2, !(round & 1), 3);
    }
}

static void test_place_dictionary_coverage(void **state)
{
    (void)state;
    /* all 34 provincial-level divisions, full and short forms */
    const char *const provinces[] = {
        "北京市", "天津市", "上海市", "重庆市", "河北省", "山西省", "辽宁省", "吉林省", "黑龙江省",
        "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省",
        "广东省", "海南省", "四川省", "贵州省", "云南省", "陕西省", "甘肃省", "青海省", "台湾省",
        "内蒙古自治区", "广西壮族自治区", "西藏自治区", "宁夏回族自治区", "新疆维吾尔自治区",
        "香港特别行政区", "澳门特别行政区", "广东", "内蒙古", "新疆",
    };
    for (size_t i = 0; i < sizeof(provinces) / sizeof(provinces[0]); i++) {
        const char *p = provinces[i];
        const xb_cn_word *w = xb_cn_word_exact(p, strlen(p), 0, strlen(p), XB_CNW_PROVINCE);
        if (!w)
            fail_msg("province %s missing", p);
    }
    size_t cities = 0;
    for (size_t k = 0; k < xb_cn_words_count; k++)
        if ((xb_cn_words[k].kinds & XB_CNW_CITY) && (xb_cn_words[k].kinds & XB_CNW_PLACE_FULL))
            cities++;
    assert_true(cities >= 333); /* prefecture-level divisions, with 州 forms */
    const char *const some[] = {"延边朝鲜族自治州", "大兴安岭地区", "锡林郭勒盟", "三沙市", "儋州市",
                                "克孜勒苏柯尔克孜自治州", "海西蒙古族藏族自治州", "杭州"};
    for (size_t i = 0; i < sizeof(some) / sizeof(some[0]); i++) {
        const char *p = some[i];
        if (!xb_cn_word_exact(p, strlen(p), 0, strlen(p), XB_CNW_CITY))
            fail_msg("city %s missing", p);
    }
}

/* ---------------------------------------------- precision / recall */

typedef struct addr_case {
    bool hint;
    const char *text;
    const char *want; /* NULL: no address */
} addr_case;

static const addr_case POSITIVES[] = {
    {false, "浙江省杭州市西湖区文三路90号东部软件园2号楼3层", "浙江省杭州市西湖区文三路90号东部软件园2号楼3层"},
    {false, "北京市朝阳区建国路88号SOHO现代城5号楼1201室", "北京市朝阳区建国路88号SOHO现代城5号楼1201室"},
    {false, "我住在上海市浦东新区张江路88号3号楼2单元501室，有空来玩", "上海市浦东新区张江路88号3号楼2单元501室"},
    {false, "广东省深圳市南山区粤海街道科技园南区R2-B栋", "广东省深圳市南山区粤海街道科技园南区R2-B栋"},
    {false, "江苏省南京市鼓楼区中山路18号", "江苏省南京市鼓楼区中山路18号"},
    {false, "四川省成都市武侯区人民南路四段12号", "四川省成都市武侯区人民南路四段12号"},
    {false, "湖北省武汉市洪山区珞喻路1037号华中科技大学", "湖北省武汉市洪山区珞喻路1037号华中科技大学"},
    {false, "天津市和平区南京路219号", "天津市和平区南京路219号"},
    {false, "重庆市渝中区解放碑民族路188号", "重庆市渝中区解放碑民族路188号"},
    {false, "山东省青岛市市南区香港中路10号", "山东省青岛市市南区香港中路10号"},
    {false, "福建省厦门市思明区鹭江道8号", "福建省厦门市思明区鹭江道8号"},
    {false, "河南省郑州市金水区花园路39号", "河南省郑州市金水区花园路39号"},
    {false, "湖南省长沙市岳麓区麓山南路932号", "湖南省长沙市岳麓区麓山南路932号"},
    {false, "陕西省西安市雁塔区小寨东路126号", "陕西省西安市雁塔区小寨东路126号"},
    {false, "辽宁省沈阳市和平区南京北街206号", "辽宁省沈阳市和平区南京北街206号"},
    {false, "黑龙江省哈尔滨市南岗区西大直街92号", "黑龙江省哈尔滨市南岗区西大直街92号"},
    {false, "云南省昆明市五华区东风西路11号", "云南省昆明市五华区东风西路11号"},
    {false, "广西壮族自治区南宁市青秀区民族大道100号", "广西壮族自治区南宁市青秀区民族大道100号"},
    {false, "新疆维吾尔自治区乌鲁木齐市天山区解放北路35号", "新疆维吾尔自治区乌鲁木齐市天山区解放北路35号"},
    {false, "内蒙古自治区呼和浩特市赛罕区大学西街235号", "内蒙古自治区呼和浩特市赛罕区大学西街235号"},
    {false, "河北省保定市清苑区李庄镇东王村3组", "河北省保定市清苑区李庄镇东王村3组"},
    {false, "安徽省合肥市蜀山区长江西路130号", "安徽省合肥市蜀山区长江西路130号"},
    {false, "江西省南昌市东湖区八一大道333号", "江西省南昌市东湖区八一大道333号"},
    {false, "贵州省贵阳市南明区中华南路45号", "贵州省贵阳市南明区中华南路45号"},
    {false, "甘肃省兰州市城关区东岗西路638号", "甘肃省兰州市城关区东岗西路638号"},
    {false, "北京市海淀区中关村大街27号", "北京市海淀区中关村大街27号"},
    {false, "北京市东城区王府井大街138号", "北京市东城区王府井大街138号"},
    {false, "上海市黄浦区南京东路300号", "上海市黄浦区南京东路300号"},
    {false, "广州市天河区天河路385号太古汇", "广州市天河区天河路385号太古汇"},
    {false, "深圳市福田区福华三路88号", "深圳市福田区福华三路88号"},
    {false, "杭州市余杭区文一西路969号", "杭州市余杭区文一西路969号"},
    {false, "苏州工业园区星湖街328号", "苏州工业园区星湖街328号"},
    {false, "南京市玄武区珠江路1号", "南京市玄武区珠江路1号"},
    {false, "成都市锦江区春熙路步行街", "成都市锦江区春熙路步行街"},
    {false, "浙江省义乌市稠城街道工人北路1号", "浙江省义乌市稠城街道工人北路1号"},
    {false, "江苏省昆山市花桥镇绿地大道88号", "江苏省昆山市花桥镇绿地大道88号"},
    {false, "山东省济南市历下区泉城路", "山东省济南市历下区泉城路"},
    {false, "我的地址是北京市朝阳区望京街道望京西园三区311号楼", "北京市朝阳区望京街道望京西园三区311号楼"},
    {false, "请把货寄到上海市徐汇区漕溪北路88号，谢谢", "上海市徐汇区漕溪北路88号"},
    {false, "客户住在深圳市宝安区西乡街道共和工业路1号", "深圳市宝安区西乡街道共和工业路1号"},
    {false, "家住河南省周口市川汇区七一路5号院3单元", "河南省周口市川汇区七一路5号院3单元"},
    {false, "患者现住址：四川省绵阳市涪城区临园路东段", "四川省绵阳市涪城区临园路东段"},
    {false, "发货地址：广东省广州市白云区太和镇", "广东省广州市白云区太和镇"},
    {false, "户籍地址：湖南省邵阳市新邵县陈家坊镇龙山村5组", "湖南省邵阳市新邵县陈家坊镇龙山村5组"},
    {false, "收货地址：江苏省苏州市吴中区木渎镇金山路188号", "江苏省苏州市吴中区木渎镇金山路188号"},
    {false, "快递送至天津市南开区卫津路94号南开大学", "天津市南开区卫津路94号南开大学"},
    {false, "地址：重庆市沙坪坝区沙正街174号", "重庆市沙坪坝区沙正街174号"},
    {false, "张伟 13800138000 浙江省温州市鹿城区人民路120号", "浙江省温州市鹿城区人民路120号"},
    {false, "寄件地址：福建省泉州市晋江市陈埭镇", "福建省泉州市晋江市陈埭镇"},
    {false, "订单123的收货地址为浙江省宁波市鄞州区天童南路588号宁波文化广场B座15楼", "浙江省宁波市鄞州区天童南路588号宁波文化广场B座15楼"},
    {false, "请送到北京市西城区金融大街7号英蓝国际中心A座2层", "北京市西城区金融大街7号英蓝国际中心A座2层"},
    {false, "住址：吉林省长春市朝阳区人民大街5988号", "吉林省长春市朝阳区人民大街5988号"},
    {false, "现居住地：海南省三亚市吉阳区迎宾路", "海南省三亚市吉阳区迎宾路"},
    {false, "地址：宁夏回族自治区银川市兴庆区解放西街2号", "宁夏回族自治区银川市兴庆区解放西街2号"},
    {false, "地址：西藏自治区拉萨市城关区北京中路", "西藏自治区拉萨市城关区北京中路"},
    {false, "家庭住址：青海省西宁市城西区五四大街", "青海省西宁市城西区五四大街"},
    {false, "地址：香港特别行政区中西区皇后大道中99号", "香港特别行政区中西区皇后大道中99号"},
    {false, "收件地址：台湾省台北市中正区重庆南路一段122号", "台湾省台北市中正区重庆南路一段122号"},
    {false, "上海市长宁区愚园路1258号3楼", "上海市长宁区愚园路1258号3楼"},
    {false, "北京市朝阳区三里屯路19号院", "北京市朝阳区三里屯路19号院"},
    {false, "浙江省嘉兴市南湖区东栅街道12幢3单元402室", "浙江省嘉兴市南湖区东栅街道12幢3单元402室"},
    {false, "广东省惠州市惠城区江北街道文昌一路9号", "广东省惠州市惠城区江北街道文昌一路9号"},
    {false, "江苏省无锡市滨湖区蠡湖大道1800号", "江苏省无锡市滨湖区蠡湖大道1800号"},
    {false, "北京市丰台区丽泽路16号院2号楼1601", "北京市丰台区丽泽路16号院2号楼1601"},
    {false, "江苏省徐州市铜山区棠张镇马庄村", "江苏省徐州市铜山区棠张镇马庄村"},
    {false, "您的包裹已由北京市顺义区后沙峪镇裕民大街8号仓库发出", "北京市顺义区后沙峪镇裕民大街8号"},
    {false, "请将发票邮寄至：广东省珠海市香洲区吉大街道景山路188号", "广东省珠海市香洲区吉大街道景山路188号"},
    {false, "客户地址：浙江省金华市义乌市福田街道国际商贸城二区15号门", "浙江省金华市义乌市福田街道国际商贸城二区15号门"},
    {false, "张先生家住江苏省常州市武进区湖塘镇人民中路66号3幢", "江苏省常州市武进区湖塘镇人民中路66号3幢"},
    {false, "配送地址 上海市普陀区真北路1108号 近金沙江路", "上海市普陀区真北路1108号"},
    {false, "住所地：湖南省株洲市天元区泰山路88号", "湖南省株洲市天元区泰山路88号"},
    {false, "被告住福建省福州市鼓楼区五四路158号环球广场2201室", "福建省福州市鼓楼区五四路158号环球广场2201室"},
    {false, "寄往：四川省宜宾市翠屏区南岸东区长江大道3段", "四川省宜宾市翠屏区南岸东区长江大道3段"},
    {false, "户口所在地：山西省太原市小店区", "山西省太原市小店区"},
    {false, "湖北省荆州市沙市区北京中路108号", "湖北省荆州市沙市区北京中路108号"},
    {false, "重庆市江北区观音桥步行街9号", "重庆市江北区观音桥步行街9号"},
    {false, "北京市昌平区回龙观东大街", "北京市昌平区回龙观东大街"},
    {false, "深圳福田区深南大道6008号", "深圳福田区深南大道6008号"},
    {false, "杭州滨江区网商路599号", "杭州滨江区网商路599号"},
    {false, "成都高新区天府大道北段1700号", "成都高新区天府大道北段1700号"},
    {false, "武汉市江汉区解放大道690号", "武汉市江汉区解放大道690号"},
    {false, "寄到昆山市花桥镇绿地大道88号", "昆山市花桥镇绿地大道88号"},
    {false, "，昆山市花桥镇绿地大道88号", "昆山市花桥镇绿地大道88号"},
    {false, "广州市天河区中山大道西89号华景新城", "广州市天河区中山大道西89号华景新城"},
    {false, "香港九龙旺角弥敦道123号", "香港九龙旺角弥敦道123号"},
    {false, "台北市信义区信义路五段7号", "台北市信义区信义路五段7号"},
    {false, "上海市松江区泗泾镇", "上海市松江区泗泾镇"},
    {false, "收货人：王小明，电话13800138000，地址：浙江省杭州市西湖区文三路90号东部软件园2号楼3层", "浙江省杭州市西湖区文三路90号东部软件园2号楼3层"},
    {true, "北京市朝阳区", "北京市朝阳区"},
    {true, "文三路90号", "文三路90号"},
    {true, "幸福小区3栋2单元501", "幸福小区3栋2单元501"},
    {true, "上海", "上海"},
    {true, "浙江省杭州市", "浙江省杭州市"},
    {true, "朝阳区建国路88号", "朝阳区建国路88号"},
    {true, "万科城市花园8栋1单元1202", "万科城市花园8栋1单元1202"},
    {true, "龙山村5组", "龙山村5组"},
    {true, "中国北京市海淀区学院路30号", "中国北京市海淀区学院路30号"},
    {true, "浦东新区张江高科技园区碧波路690号", "浦东新区张江高科技园区碧波路690号"},
    {true, "宝安区西乡街道", "宝安区西乡街道"},
    {true, "上海市闵行区七宝镇漕宝路3366号 七宝万科广场", "上海市闵行区七宝镇漕宝路3366号 七宝万科广场"},
    {true, "1号楼2单元", "1号楼2单元"},
    {true, "文三路90号2单元301室", "文三路90号2单元301室"},
    {true, "北京市朝阳区建国路88号3号楼2单元501室", "北京市朝阳区建国路88号3号楼2单元501室"},
    {true, "湖南省长沙市岳麓区", "湖南省长沙市岳麓区"},
    {true, "张伟 13800138000 广东省广州市番禺区市桥街道繁华路1号", "广东省广州市番禺区市桥街道繁华路1号"},
};

static const addr_case NEGATIVES[] = {
    {false, "我们在北京开会", NULL},
    {false, "上海分公司", NULL},
    {false, "北京字节跳动科技有限公司", NULL},
    {false, "深圳市腾讯计算机系统有限公司", NULL},
    {false, "杭州市第一人民医院", NULL},
    {false, "浙江大学", NULL},
    {false, "北京大学医学部", NULL},
    {false, "上海迪士尼乐园", NULL},
    {false, "广东省人民政府", NULL},
    {false, "北京时间2023年5月1日", NULL},
    {false, "新疆棉花", NULL},
    {false, "西湖龙井", NULL},
    {false, "云南白药", NULL},
    {false, "北京烤鸭", NULL},
    {false, "从上海发往洛杉矶", NULL},
    {false, "江苏南通", NULL},
    {false, "广州天河区", NULL},
    {false, "上海市场部经理", NULL},
    {false, "北京市民", NULL},
    {false, "上海交通大学闵行校区", NULL},
    {false, "中国银行北京分行", NULL},
    {false, "北京路口", NULL},
    {false, "杭州西湖", NULL},
    {false, "成都的天气很好", NULL},
    {false, "深圳南山科技园", NULL},
    {false, "我在广州出差三天", NULL},
    {false, "浙江省杭州市", NULL},
    {false, "发往湖南长沙", NULL},
    {false, "北京5号线", NULL},
    {false, "上海12号到货", NULL},
    {false, "广州地铁3号线", NULL},
    {false, "苏州园林", NULL},
    {false, "上海市场监督管理局", NULL},
    {false, "北京第二外国语学院", NULL},
    {false, "重庆火锅", NULL},
    {false, "宁夏枸杞", NULL},
    {false, "山东大学", NULL},
    {false, "在深圳工作了5年", NULL},
    {false, "香港回归25周年", NULL},
    {false, "澳门特别行政区政府", NULL},
    {false, "台湾同胞", NULL},
    {false, "内蒙古草原", NULL},
    {false, "他来自湖北武汉", NULL},
    {false, "东北大米", NULL},
    {false, "浙江义乌小商品", NULL},
    {false, "北京奥运会", NULL},
    {false, "深圳证券交易所", NULL},
    {false, "杭州亚运会", NULL},
    {false, "北京银行", NULL},
    {false, "南京大屠杀纪念馆", NULL},
    {false, "武汉长江大桥", NULL},
    {false, "青岛啤酒", NULL},
    {false, "大连万达集团", NULL},
    {false, "天津港", NULL},
    {false, "福建土楼", NULL},
    {false, "上海浦东机场T2航站楼", NULL},
    {false, "北京南站", NULL},
    {false, "成都双流国际机场", NULL},
    {false, "北京协和医院", NULL},
    {false, "上海中心大厦", NULL},
    {false, "广州市天河区人民法院", NULL},
    {false, "杭州市西湖区人民政府", NULL},
    {false, "深圳市万科城市花园物业管理有限公司", NULL},
    {false, "上海浦东新区张江路XX科技有限公司", NULL},
    {false, "北京市海淀区教育委员会", NULL},
    {false, "我在北京路上", NULL},
    {false, "北京大学", NULL},
    {false, "国内市场", NULL},
    {false, "小区门口", NULL},
    {false, "上海的房价", NULL},
    {false, "请在3号前付款", NULL},
    {false, "第3组数据", NULL},
    {false, "共5栋楼", NULL},
    {false, "江苏省教育厅", NULL},
    {false, "北京3号", NULL},
    {false, "上海市2023年GDP", NULL},
    {false, "南京市2022年常住人口", NULL},
    {false, "从广州到深圳的路上", NULL},
    {false, "北京市区交通拥堵", NULL},
    {false, "北京城市副中心", NULL},
    {false, "天津滨海新区开发建设", NULL},
    {false, "海南自由贸易港", NULL},
    {false, "深圳湾公园", NULL},
    {false, "北京三里屯", NULL},
    {false, "湖南卫视", NULL},
    {false, "江苏银行", NULL},
    {false, "华为深圳总部", NULL},
    {false, "工作单位：中国移动通信集团浙江有限公司", NULL},
    {false, "出生地：河南省洛阳市", NULL},
    {false, "我们在深圳市南山区办公", NULL},
    {false, "他在北京上学，现在在上海工作", NULL},
    {false, "总部位于广东省深圳市", NULL},
    {false, "上海市第六人民医院", NULL},
    {false, "从广州南站出发", NULL},
    {false, "2023年广东省GDP增长", NULL},
    {false, "江苏省南京市2024年中考", NULL},
    {false, "浙江杭州萧山国际机场", NULL},
    {false, "乘坐广州地铁3号线到体育西路站", NULL},
    {false, "他来自山东青岛，现居北京", NULL},
    {false, "共享单车停放在西湖区", NULL},
    {false, "快递停在北京仓库", NULL},
    {false, "3号楼下的超市", NULL},
    {false, "万科城市花园的房价", NULL},
    {false, "距离上海虹桥站5公里", NULL},
    {false, "成都到重庆的高铁", NULL},
    {false, "桂林山水甲天下", NULL},
    {true, "详见合同", NULL},
    {true, "同上", NULL},
    {true, "无", NULL},
    {true, "Beijing", NULL},
    {true, "请尽快发货，谢谢", NULL},
};

static void test_self_check_precision_recall(void **state)
{
    (void)state;
    size_t tp = 0, fp = 0, fn = 0;
    size_t npos = sizeof(POSITIVES) / sizeof(POSITIVES[0]);
    size_t nneg = sizeof(NEGATIVES) / sizeof(NEGATIVES[0]);
    assert_true(npos >= 100 && nneg >= 100);
    for (size_t c = 0; c < npos + nneg; c++) {
        const addr_case *ac = c < npos ? &POSITIVES[c] : &NEGATIVES[c - npos];
        xb_text_match m[8];
        size_t k = reported(ac->text, ac->hint, m, 8);
        bool found = false;
        for (size_t i = 0; i < k; i++) {
            size_t len = m[i].end - m[i].start;
            if (ac->want && !found && len == strlen(ac->want) &&
                !memcmp(ac->text + m[i].start, ac->want, len)) {
                found = true;
                tp++;
            } else {
                fp++;
                print_message("  false positive: %s -> %.*s\n", ac->text, (int)len,
                              ac->text + m[i].start);
            }
        }
        if (ac->want && !found) {
            fn++;
            print_message("  missed: %s -> %s\n", ac->text, ac->want);
        }
    }
    double precision = (double)tp / (double)(tp + fp);
    double recall = (double)tp / (double)(tp + fn);
    print_message("addresses: %zu positives, %zu negatives: precision %.3f recall %.3f\n", npos,
                  nneg, precision, recall);
    assert_true(precision >= 0.95);
    assert_true(recall >= 0.95);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_addresses_in_free_text),
        cmocka_unit_test(test_county_level_start_needs_structure),
        cmocka_unit_test(test_address_fields),
        cmocka_unit_test(test_confidence_grows_with_components),
        cmocka_unit_test(test_bare_places_and_companies),
        cmocka_unit_test(test_invariants_on_odd_input),
        cmocka_unit_test(test_place_dictionary_coverage),
        cmocka_unit_test(test_self_check_precision_recall),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
