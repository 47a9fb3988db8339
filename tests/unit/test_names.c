/*
 * test_names.c - Chinese person names (xb_find_person_names): exact byte
 * spans in name fields and free text, the evidence rules (cues, titles,
 * 签收 / 身份证 / gender / phone after the name), hard negatives (ordinary
 * words that begin with a surname character, companies, places), match-list
 * invariants on malformed input, consistency of the generated dictionaries,
 * and a precision/recall self-check over ~100 positive and ~100 negative
 * texts from e-commerce, logistics, HR, medical and banking records.
 *
 * "Reported" means confidence >= 0.5, the default min-confidence of a
 * catalog entry.
 */
#include "xb_test.h"

#include "classifier/detect/xb_cntext.h"
#include "classifier/detect/xb_cntext_dict.h"

#define REPORTED 0.5
#define MAX_WANT 4

/* Matches at or above the reporting threshold. */
static size_t reported(const char *s, bool hint, xb_text_match *m, size_t max)
{
    xb_text_match all[32];
    size_t k = xb_find_person_names(s, strlen(s), hint, all, 32), r = 0;
    for (size_t i = 0; i < k && r < max; i++)
        if (all[i].confidence >= REPORTED)
            m[r++] = all[i];
    return r;
}

/* Assert that exactly the strings in want (NULL-terminated) are reported,
 * in order, at their byte offsets. */
static void expect_names(const char *s, bool hint, const char *const *want)
{
    xb_text_match m[16];
    size_t k = reported(s, hint, m, 16), w = 0;
    while (want[w])
        w++;
    if (k != w)
        fail_msg("%s: %zu names reported, %zu expected", s, k, w);
    const char *from = s;
    for (size_t i = 0; i < k; i++) {
        const char *at = strstr(from, want[i]);
        assert_non_null(at);
        assert_int_equal(m[i].start, (size_t)(at - s));
        assert_int_equal(m[i].end, (size_t)(at - s) + strlen(want[i]));
        from = at + strlen(want[i]);
    }
}

#define EXPECT(s, hint, ...)                                                     \
    do {                                                                         \
        const char *const want_[] = {__VA_ARGS__, NULL};                         \
        expect_names((s), (hint), want_);                                        \
    } while (0)

static void expect_none(const char *s, bool hint)
{
    xb_text_match m[16];
    size_t k = reported(s, hint, m, 16);
    if (k)
        fail_msg("%s: unexpected name \"%.*s\"", s, (int)(m[0].end - m[0].start),
                 s + m[0].start);
}

/* Confidence of the single raw match of s (asserting there is one). */
static double only_confidence(const char *s, bool hint)
{
    xb_text_match m[8];
    size_t k = xb_find_person_names(s, strlen(s), hint, m, 8);
    assert_int_equal(k, 1);
    return m[0].confidence;
}

/* ------------------------------------------------------------ fields */

static void test_whole_values_in_name_fields(void **state)
{
    (void)state;
    EXPECT("张伟", true, "张伟");
    assert_true(only_confidence("张伟", true) >= 0.9);
    EXPECT("王小明", true, "王小明");
    EXPECT(" 欧阳娜娜 ", true, "欧阳娜娜"); /* compound surname, spaces trimmed */
    EXPECT("诸葛亮", true, "诸葛亮");
    EXPECT("上官婉儿", true, "上官婉儿");
    EXPECT("阿依古丽·买买提", true, "阿依古丽·买买提"); /* middle-dot name */
    EXPECT("买买提·艾力·吐尔逊", true, "买买提·艾力·吐尔逊");
    EXPECT("刘 备", true, "刘 备");           /* spaced two-character name */
    EXPECT("王小明先生", true, "王小明");      /* title left out */
    EXPECT("王小明收", true, "王小明");
    EXPECT("张伟、李娜", true, "张伟", "李娜"); /* lists */
    EXPECT("张伟;李娜;王芳", true, "张伟", "李娜", "王芳");
    EXPECT("王小明/13800138000", true, "王小明");
    EXPECT("李娜 女 32岁", true, "李娜");
    EXPECT("张伟（经理）", true, "张伟");
    EXPECT("Zhang Wei 张伟", true, "张伟");
    EXPECT("联系人：刘洋 电话：13912345678", true, "刘洋");
    /* four characters with a single surname: possible but weaker */
    double c4 = only_confidence("陈李淑珍", true);
    assert_true(c4 >= 0.5 && c4 < 0.9);
    /* a surname with a title names a person in a name field, weakly */
    double ct = only_confidence("王先生", true);
    assert_true(ct >= 0.5 && ct < 0.9);
}

static void test_non_names_in_name_fields(void **state)
{
    (void)state;
    const char *const values[] = {
        "华为技术有限公司", "不锈钢保温杯", "技术部", "管理员", "华为Mate60", "高端定制",
        "王者荣耀", "王老吉", "金龙鱼", "微信用户", "不详", "测试", "客户", "李", "黄金",
        "平安", "高兴", "北京", "张家界", "active", "",
    };
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
        expect_none(values[i], true);
}

static void test_bare_name_in_other_field_is_not_reported(void **state)
{
    (void)state;
    /* Without a name field or a cue a plausible name gets 0.4: visible to
     * a catalog that lowers its threshold, not reported by default. */
    xb_text_match m[4];
    assert_int_equal(xb_find_person_names("张伟", strlen("张伟"), false, m, 4), 1);
    assert_true(m[0].confidence < REPORTED);
    expect_none("张伟", false);
    expect_none("周末", false);
    assert_int_equal(xb_find_person_names("周末", strlen("周末"), false, m, 4), 0);
}

/* The bare confidence tells the engine which values the record may raise:
 * XB_NAME_BARE_CONFIDENCE for three-character, compound-surname and
 * frequent two-character names; XB_NAME_BARE_WEAK_CONFIDENCE for rarer
 * two-character values and values ending in a place suffix. */
static void test_bare_confidence_levels(void **state)
{
    (void)state;
    assert_true(only_confidence("张伟", false) == XB_NAME_BARE_CONFIDENCE);
    assert_true(only_confidence("高滢涵", false) == XB_NAME_BARE_CONFIDENCE);
    assert_true(only_confidence("欧阳然", false) == XB_NAME_BARE_CONFIDENCE);
    assert_true(only_confidence("徐汇", false) == XB_NAME_BARE_WEAK_CONFIDENCE);  /* 汇 rare in names */
    assert_true(only_confidence("申通", false) == XB_NAME_BARE_WEAK_CONFIDENCE);  /* 申 not top-120 */
    assert_true(only_confidence("刘家庄", false) == XB_NAME_BARE_WEAK_CONFIDENCE); /* village */
    assert_true(XB_NAME_BARE_WEAK_CONFIDENCE < XB_NAME_BARE_CONFIDENCE);
    assert_true(XB_NAME_BARE_CONFIDENCE < REPORTED);
}

/* 我是 / 本人是 introduce the speaker's own name in chats and tickets. */
static void test_self_introduction_cue(void **state)
{
    (void)state;
    EXPECT("您好，我是廖仪柔，订单还没收到", false, "廖仪柔");
    EXPECT("[2025-02-15 10:29:41] 客户: 您好，我是高滢涵，订单还没收到", false, "高滢涵");
    EXPECT("本人是欧阳青怡，特此说明", false, "欧阳青怡");
    expect_none("我是说明天再来", false);
    expect_none("我是江苏人", false);
    expect_none("我是第一次买", false);
}

/* --------------------------------------------------------- free text */

static void test_cues_before_the_name(void **state)
{
    (void)state;
    EXPECT("收货人：王小明，电话13800138000", false, "王小明");
    EXPECT("收货人:王小明,电话13800138000", false, "王小明"); /* folded form */
    EXPECT("患者欧阳娜娜，女，45岁", false, "欧阳娜娜");
    EXPECT("客户李四投诉快递丢失", false, "李四");
    EXPECT("员工赵丽颖于2023年3月入职", false, "赵丽颖");
    EXPECT("经办人：周杰，审核人：吴磊", false, "周杰", "吴磊");
    EXPECT("投保人杨洋，被保险人杨小宝", false, "杨洋", "杨小宝");
    EXPECT("参会人员：张伟、李娜、王芳。", false, "张伟", "李娜", "王芳");
    EXPECT("监护人：诸葛明亮", false, "诸葛明亮");
    EXPECT("患者买买提·艾力，男，38岁", false, "买买提·艾力");
    EXPECT("员工姓名：彭于晏 工号：10086", false, "彭于晏");
    EXPECT("受托人：关羽", false, "关羽");      /* label ending in 人 + colon */
    EXPECT("护士长：毛阿敏", false, "毛阿敏");
    EXPECT("订单备注：放门口，找不到人就联系我老婆刘敏", false, "刘敏");
    /* weak cues need a plausible given name */
    EXPECT("由王磊负责对接", false, "王磊");
    EXPECT("请张伟明天到前台", false, "张伟");
}

static void test_where_the_name_ends(void **state)
{
    (void)state;
    EXPECT("客户张伟明天来取", false, "张伟");    /* 明天 ends the name */
    EXPECT("联系人王小明电话138", false, "王小明");
    EXPECT("患者李明确诊为肺炎", false, "李明");  /* 确诊 */
    EXPECT("驾驶员徐峰驾驶车辆闯红灯", false, "徐峰");
    EXPECT("客户 梁朝伟 投诉", false, "梁朝伟");
    EXPECT("被告人韩梅梅于2022年3月被捕", false, "韩梅梅");
}

static void test_evidence_after_the_name(void **state)
{
    (void)state;
    EXPECT("由张伟签收", false, "张伟");
    EXPECT("张伟（身份证号110101199003070011）", false, "张伟");
    EXPECT("张伟(身份证号110101199003070011)", false, "张伟");
    EXPECT("张伟，男，1985年出生", false, "张伟");
    EXPECT("尊敬的王小明先生您好", false, "王小明");
    EXPECT("王芳女士的订单已发货", false, "王芳");
    EXPECT("今天下午何建军先生来电咨询退款事宜", false, "何建军");
    EXPECT("请和张伟先生联系", false, "张伟");      /* 和 is the conjunction */
    EXPECT("客户经理王明先生", false, "王明");
    EXPECT("张伟 13800138000", false, "张伟");      /* name + mobile */
}

static void test_surname_with_title_is_not_a_full_name(void **state)
{
    (void)state;
    const char *s = "请张先生明天来取件";
    expect_none(s, false);
    xb_text_match m[4];
    assert_int_equal(xb_find_person_names(s, strlen(s), false, m, 4), 1);
    assert_int_equal(m[0].start, 3); /* 张, below the threshold */
    assert_int_equal(m[0].end, 6);
    assert_true(m[0].confidence < REPORTED);
    expect_none("客户陈先生来电咨询", false);
    expect_none("王总明天到", false);
    expect_none("李经理负责跟进", false);
}

static void test_hard_negatives(void **state)
{
    (void)state;
    const char *const texts[] = {
        "王国的金额在周末陈述", "高兴地说黄金价格上涨", "华为技术有限公司", "李宁运动鞋特价",
        "张家口市的天气", "周口市人民医院", "石家庄火车站", "马鞍山长江大桥", "黄山风景区门票",
        "我们在北京开会", "张伟", "方向盘需要更换", "于是他走了", "马上到", "金额：100元",
        "周末愉快", "安全第一", "平安银行信用卡", "文件已上传", "任务完成", "曾经的梦想",
        "明天见", "钱包丢了", "应该没问题", "白天上班", "向上管理", "石油价格", "江苏常州",
        "程序员加班", "高速公路收费", "金融服务", "林业局通知", "万元户",
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
        expect_none(texts[i], false);
}

/* ------------------------------------------------------- invariants */

static void check_invariants(const char *s, size_t n, bool hint, size_t max)
{
    xb_text_match m[32];
    size_t k = xb_find_person_names(s, n, hint, m, max);
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
    const char *s = "参会人员：张伟、李娜、王芳。";
    xb_text_match m[2];
    assert_int_equal(xb_find_person_names(s, strlen(s), false, m, 1), 1);
    assert_int_equal(xb_find_person_names(s, strlen(s), false, m, 0), 0);
    assert_int_equal(xb_find_person_names(NULL, 0, true, m, 1), 0);
    /* truncated UTF-8 and stray continuation bytes */
    const char bad[] = "客户\xE5\xBC\xA0\xE4\xBC"
                       "\x80\x80姓名：\xE7";
    check_invariants(bad, sizeof(bad) - 1, false, 32);
    check_invariants(bad, sizeof(bad) - 1, true, 32);
    /* the cue at the very end of the input */
    check_invariants("收货人：", strlen("收货人："), false, 32);
    check_invariants("张", 3, true, 32);
    check_invariants("张", 2, true, 32); /* cut inside the character */
    /* pseudo-random bytes biased towards CJK lead bytes */
    uint32_t seed = 12345;
    char buf[512];
    for (int round = 0; round < 200; round++) {
        size_t n = 0;
        while (n + 3 < sizeof(buf)) {
            seed = seed * 1103515245u + 12345u;
            unsigned r = (seed >> 16) & 0x7FFF;
            if (r % 5 == 0)
                buf[n++] = (char)(r & 0x7F);
            else {
                /* a character from a small Han range with cues and surnames */
                uint32_t cp = 0x4E00 + (r % 0x5200);
                buf[n++] = (char)(0xE0 | (cp >> 12));
                buf[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                buf[n++] = (char)(0x80 | (cp & 0x3F));
            }
        }
        check_invariants(buf, n, round & 1, 32);
        check_invariants(buf, n - 1, !(round & 1), 4);
    }
}

/* ------------------------------------------------------- dictionaries */

static void test_generated_tables_are_consistent(void **state)
{
    (void)state;
    /* words sorted by bytes, each reachable through its first character */
    for (size_t k = 0; k < xb_cn_words_count; k++) {
        const xb_cn_word *w = &xb_cn_words[k];
        assert_int_equal(strlen(w->text), w->len);
        if (k)
            assert_true(strcmp(xb_cn_words[k - 1].text, w->text) < 0);
        const xb_cn_word *found = xb_cn_word_exact(w->text, w->len, 0, w->len, w->kinds);
        assert_ptr_equal(found, w);
        const xb_cn_word *longest = xb_cn_word_at(w->text, w->len, 0, w->kinds);
        assert_non_null(longest);
        assert_int_equal(longest->len, w->len);
    }
    /* character entries sorted and reachable through the index */
    for (size_t k = 0; k < xb_cn_chars_count; k++) {
        if (k)
            assert_true(xb_cn_chars[k - 1].cp < xb_cn_chars[k].cp);
        assert_ptr_equal(xb_cn_char_info(xb_cn_chars[k].cp), &xb_cn_chars[k]);
    }
    assert_null(xb_cn_char_info('A'));
    assert_null(xb_cn_char_info(0x20000));
    assert_true(xb_cn_flags(0x738B /* 王 */) & XB_CNC_SURNAME);
    assert_true(xb_cn_flags(0x7684 /* 的 */) & XB_CNC_NONAME);
    assert_true(xb_cn_flags(0x4F1F /* 伟 */) & XB_CNC_GIVEN);
    assert_true(xb_cn_flags(0x6B27 /* 欧 */) & XB_CNC_COMPOUND_FIRST);
    /* every cue starts at a character of the name trigger set */
    for (size_t k = 0; k < xb_cn_words_count; k++) {
        const xb_cn_word *w = &xb_cn_words[k];
        uint32_t cp;
        xb_cn_decode(w->text, w->len, 0, &cp);
        if (w->kinds & (XB_CNW_CUE | XB_CNW_CUE_WEAK | XB_CNW_TITLE | XB_CNW_POST))
            assert_true(xb_cn_in_set(xb_cn_name_trigger, cp));
        if (w->kinds & (XB_CNW_PROVINCE | XB_CNW_CITY | XB_CNW_ADDR_CUE | XB_CNW_SUF_ADMIN))
            assert_true(xb_cn_in_set(xb_cn_addr_trigger, cp));
    }
    /* longest match: 收货人 rather than 收货 */
    const char *s = "收货人：";
    const xb_cn_word *w = xb_cn_word_at(s, strlen(s), 0, XB_CNW_CUE | XB_CNW_CUE_WEAK);
    assert_non_null(w);
    assert_int_equal(w->len, strlen("收货人"));
}

static void test_has_cjk(void **state)
{
    (void)state;
    assert_true(xb_has_cjk("abc中", strlen("abc中")));
    assert_true(xb_has_cjk("order 12345678 note 王", strlen("order 12345678 note 王")));
    assert_false(xb_has_cjk("abcdefghijklmnopqrstuvwxyz0123456789", 36));
    assert_false(xb_has_cjk("", 0));
    assert_false(xb_has_cjk("１２３", strlen("１２３"))); /* full-width digits */
    assert_false(xb_has_cjk("，。、“”", strlen("，。、“”")));  /* punctuation only */
    assert_false(xb_has_cjk("café", strlen("café")));
    assert_true(xb_has_cjk("\xF0\xA0\x80\x80", 4)); /* U+20000, extension B */
    assert_false(xb_has_cjk("\xE4\xB8", 2));         /* truncated 中 */
}

/* ---------------------------------------------- precision / recall */

typedef struct name_case {
    bool hint;
    const char *text;
    const char *want[MAX_WANT];
} name_case;

static const name_case POSITIVES[] = {
    {false, "患者刘德华，男，56岁，主诉头痛3天", {"刘德华"}},
    {false, "联系人：刘洋 13912345678", {"刘洋"}},
    {false, "姓名：陈静 性别：女 年龄：32", {"陈静"}},
    {false, "申请人王建国申请贷款50万元", {"王建国"}},
    {false, "乘客张敏已购买G102次列车车票", {"张敏"}},
    {false, "法定代表人：马化腾", {"马化腾"}},
    {false, "请通知李秀英女士于明日到院复查", {"李秀英"}},
    {false, "学生孙悦同学获得一等奖学金", {"孙悦"}},
    {false, "户主：黄志强", {"黄志强"}},
    {false, "快递员马超已将包裹放在门卫", {"马超"}},
    {false, "客服小张回复：客户郭靖反映商品破损", {"郭靖"}},
    {false, "紧急联系人：林芳（配偶）13700001111", {"林芳"}},
    {false, "驾驶员徐峰驾驶车辆闯红灯", {"徐峰"}},
    {false, "借款人：谢婷婷，身份证号110101199003070011", {"谢婷婷"}},
    {false, "收件人 郑爽", {"郑爽"}},
    {false, "主治医生：唐伟；护士：宋佳", {"唐伟", "宋佳"}},
    {false, "业主：冯建华，房号3-2-401", {"冯建华"}},
    {false, "寄件人：曹操", {"曹操"}},
    {false, "下单人：邓丽君", {"邓丽君"}},
    {false, "感谢张伟先生的支持", {"张伟"}},
    {false, "致：李明", {"李明"}},
    {false, "本人杨丽萍承诺以上信息属实", {"杨丽萍"}},
    {false, "委托人：赵云 受托人：关羽", {"赵云", "关羽"}},
    {false, "租客蒋雯雯已退租", {"蒋雯雯"}},
    {false, "开户名：潘玮柏", {"潘玮柏"}},
    {false, "患者家属于海洋签字", {"于海洋"}},
    {false, "骑手胡歌已取餐", {"胡歌"}},
    {false, "老师：高晓松", {"高晓松"}},
    {false, "学员姓名：罗志祥", {"罗志祥"}},
    {false, "客户张三丰于10月5日下单", {"张三丰"}},
    {false, "联系人：欧阳锋，电话：021-88886666", {"欧阳锋"}},
    {false, "收货人：上官婉儿", {"上官婉儿"}},
    {false, "病人吕布因发热就诊", {"吕布"}},
    {false, "员工：孔明 部门：技术部", {"孔明"}},
    {false, "持卡人姓名：曾志伟", {"曾志伟"}},
    {false, "经手人：廖凡", {"廖凡"}},
    {false, "审批人：贾玲 审批意见：同意", {"贾玲"}},
    {false, "乘客姓名：夏雨", {"夏雨"}},
    {false, "付款人：韦小宝", {"韦小宝"}},
    {false, "业务员白冰联系客户", {"白冰"}},
    {false, "收款人：丁磊 账号：6222021234567890123", {"丁磊"}},
    {false, "法人：董明珠", {"董明珠"}},
    {false, "客户姓名：方文山", {"方文山"}},
    {false, "负责人：戴军", {"戴军"}},
    {false, "填表人：万茜", {"万茜"}},
    {false, "承租人：钱枫", {"钱枫"}},
    {false, "甲方代表：严屹宽", {"严屹宽"}},
    {false, "家属：龙飞 关系：父子", {"龙飞"}},
    {false, "值班医生：段奕宏", {"段奕宏"}},
    {false, "被保险人：侯明昊", {"侯明昊"}},
    {false, "顾客汤唯反映菜品有异物", {"汤唯"}},
    {false, "2023-05-01 10:23 客户张伟（会员号M10023）来电反映订单延迟", {"张伟"}},
    {false, "【工单】用户：李娜，手机：139****5678，问题：退款未到账", {"李娜"}},
    {false, "投诉人：赵敏，被投诉人：快递员孙强", {"赵敏", "孙强"}},
    {false, "入院记录：患者陈秀兰，女，72岁，因反复咳嗽咳痰10年，加重3天入院。", {"陈秀兰"}},
    {false, "HR：员工王磊（工号E1023）于2022-03-01入职，任职销售部经理。", {"王磊"}},
    {false, "收货人：张三，地址：北京市海淀区中关村大街1号，电话：13800000000", {"张三"}},
    {false, "同事李明说明天请假", {"李明"}},
    {false, "收件人：陈小春；联系电话：021-12345678", {"陈小春"}},
    {false, "病历号：123456 姓名：刘晓庆 性别：女", {"刘晓庆"}},
    {false, "开户人：蒋欣，开户行：招商银行", {"蒋欣"}},
    {false, "今日由值班员刘海波负责巡检", {"刘海波"}},
    {false, "转账给刘洋 5000元", {"刘洋"}},
    {false, "尊敬的宋雨琦女士：您的包裹已到达", {"宋雨琦"}},
    {false, "面试者：许嵩，应聘岗位：Java工程师", {"许嵩"}},
    {false, "新生儿母亲：苏芒，出生体重3.2kg", {"苏芒"}},
    {false, "陪同人员：邱淑贞", {"邱淑贞"}},
    {false, "报案人周立波称其钱包被盗", {"周立波"}},
    {false, "车主：孟美岐 车牌：京A12345", {"孟美岐"}},
    {false, "签收人：任达华", {"任达华"}},
    {false, "联系人：东方晓", {"东方晓"}},
    {false, "诊断医师：慕容复", {"慕容复"}},
    {false, "客户郝建国反映空调不制冷", {"郝建国"}},
    {false, "申请人薛之谦，申请事项：退款", {"薛之谦"}},
    {false, "我叫王大锤，今年30岁", {"王大锤"}},
    {false, "推荐人：萧敬腾", {"萧敬腾"}},
    {false, "学生家长：尹正", {"尹正"}},
    {false, "接待人：钟汉良", {"钟汉良"}},
    {false, "王秀兰，女，1956年3月生，退休", {"王秀兰"}},
    {false, "李建华签收，签收时间2023-06-01", {"李建华"}},
    {false, "陈志强（身份证：44030119800101123X）", {"陈志强"}},
    {false, "致赵丽女士：您的保单已生效", {"赵丽"}},
    {true, "张三", {"张三"}},
    {true, "李小龙", {"李小龙"}},
    {true, "司马懿", {"司马懿"}},
    {true, "钱学森", {"钱学森"}},
    {true, "欧阳修", {"欧阳修"}},
    {true, "叶问", {"叶问"}},
    {true, "袁隆平", {"袁隆平"}},
    {true, "屠呦呦", {"屠呦呦"}},
    {true, "陈奕迅", {"陈奕迅"}},
    {true, "王 伟", {"王 伟"}},
    {true, "买买提·吐尔逊", {"买买提·吐尔逊"}},
    {true, "古丽娜扎尔·拜合提亚尔", {"古丽娜扎尔·拜合提亚尔"}},
    {true, "覃海洋", {"覃海洋"}},
    {true, "付晓燕", {"付晓燕"}},
    {true, "易烊千玺", {"易烊千玺"}},
    {true, "  杜甫  ", {"杜甫"}},
    {true, "联系人：韩雪 手机：13512345678", {"韩雪"}},
    {true, "邹市明、冉莹颖", {"邹市明", "冉莹颖"}},
};

typedef struct text_case {
    bool hint;
    const char *text;
} text_case;

static const text_case NEGATIVES[] = {
    {false, "王国的金额在周末陈述"}, {false, "高兴地说黄金价格上涨"}, {false, "李宁运动鞋特价"},
    {false, "张家口市的天气"}, {false, "周口市人民医院"}, {false, "石家庄火车站"},
    {false, "马鞍山长江大桥"}, {false, "我们在北京开会"}, {false, "方向盘需要更换"},
    {false, "程序员加班"}, {false, "于是他走了"}, {false, "金额：100元"}, {false, "周末愉快"},
    {false, "安全第一"}, {false, "平安银行信用卡"}, {false, "曾经的梦想"}, {false, "钱包丢了"},
    {false, "白天上班"}, {false, "石油价格"}, {false, "林业局通知"}, {false, "高速公路收费"},
    {false, "客户满意度调查"}, {false, "客户信息已更新"}, {false, "学生成绩单"},
    {false, "员工福利"}, {false, "患者于昨日入院"}, {false, "患者高热3天"},
    {false, "请于3日内付款"}, {false, "请方便时回电"}, {false, "由于天气原因延误"},
    {false, "项目经理负责"}, {false, "高级经理"}, {false, "常见问题"}, {false, "安排人员到场"},
    {false, "关于我们"}, {false, "单位地址"}, {false, "余额不足"}, {false, "付款成功"},
    {false, "宁波港"}, {false, "包装完好"}, {false, "时间：2023年"},
    {false, "商品名称：苹果"}, {false, "会员等级：金卡"}, {false, "路由器故障"},
    {false, "解决方案"}, {false, "管理制度"}, {false, "毕业证书"}, {false, "华南地区"},
    {false, "公司法人变更"}, {false, "电话：13800138000"}, {false, "请联系客服"},
    {false, "尊敬的客户您好"}, {false, "乘客须知"}, {false, "业主委员会"}, {false, "房东直租"},
    {false, "司机师傅很好"}, {false, "医生建议多喝水"}, {false, "老师布置作业"},
    {false, "收件人电话"}, {false, "联系人手机号"}, {false, "患者自述无明显诱因"},
    {false, "患者平素体健"}, {false, "请查收附件"}, {false, "客户关系管理"},
    {false, "申请人签字"}, {false, "员工人数：120人"}, {false, "客户经理负责跟进"},
    {false, "致全体员工的一封信"}, {false, "由此可见"}, {false, "司机已到达"},
    {false, "客户要求退款"}, {false, "白银价格"}, {false, "钟表维修"}, {false, "和平路"},
    {false, "常州市武进区"}, {false, "病人病情稳定"}, {false, "学生会主席"},
    {false, "董事会决议"}, {false, "请向上级汇报"}, {false, "由公司承担"},
    {false, "请将文件发送给财务部"}, {false, "给您带来不便"}, {false, "感谢信"},
    {false, "患者左下肢水肿"}, {false, "经核实，该客户系张某某本人"}, {false, "请于今日内完成"},
    {false, "由财务部统一处理"}, {false, "给予五星好评"}, {false, "请张先生明天来取件"},
    {false, "客户陈先生来电咨询"}, {false, "开户行：中国工商银行北京分行；户名：北京某某科技有限公司"},
    {false, "订单状态：已发货，预计周三送达"}, {false, "金牌会员享受包邮"},
    {false, "温馨提示：高温天气注意防暑"}, {false, "安装师傅上门时间：明天上午"},
    {true, "华为技术有限公司"}, {true, "不锈钢保温杯"}, {true, "技术部"}, {true, "管理员"},
    {true, "华为Mate60"}, {true, "高端定制"}, {true, "王者荣耀"}, {true, "微信用户"},
    {true, "黄金"}, {true, "平安"}, {true, "张家界"}, {true, "常州"},
};

typedef struct pr {
    size_t tp, fp, fn;
} pr;

/* Score one text: a reported span counts when it is exactly one of the
 * expected names (want may be NULL: no name expected). */
static void score(const char *text, bool hint, const char *const *want, pr *acc)
{
    xb_text_match m[16];
    size_t k = reported(text, hint, m, 16);
    bool used[MAX_WANT] = {false};
    for (size_t i = 0; i < k; i++) {
        bool hit = false;
        for (size_t w = 0; want && w < MAX_WANT && want[w] && !hit; w++) {
            size_t len = strlen(want[w]);
            if (!used[w] && m[i].end - m[i].start == len &&
                !memcmp(text + m[i].start, want[w], len))
                used[w] = hit = true;
        }
        if (hit) {
            acc->tp++;
        } else {
            acc->fp++;
            print_message("  false positive: %s -> %.*s\n", text,
                          (int)(m[i].end - m[i].start), text + m[i].start);
        }
    }
    for (size_t w = 0; want && w < MAX_WANT && want[w]; w++)
        if (!used[w]) {
            acc->fn++;
            print_message("  missed: %s -> %s\n", text, want[w]);
        }
}

static void test_self_check_precision_recall(void **state)
{
    (void)state;
    pr acc = {0};
    size_t npos = sizeof(POSITIVES) / sizeof(POSITIVES[0]);
    size_t nneg = sizeof(NEGATIVES) / sizeof(NEGATIVES[0]);
    assert_true(npos >= 100 && nneg >= 100);
    for (size_t i = 0; i < npos; i++)
        score(POSITIVES[i].text, POSITIVES[i].hint, POSITIVES[i].want, &acc);
    for (size_t i = 0; i < nneg; i++)
        score(NEGATIVES[i].text, NEGATIVES[i].hint, NULL, &acc);
    double precision = (double)acc.tp / (double)(acc.tp + acc.fp);
    double recall = (double)acc.tp / (double)(acc.tp + acc.fn);
    print_message("names: %zu positives, %zu negatives: precision %.3f recall %.3f\n", npos,
                  nneg, precision, recall);
    assert_true(precision >= 0.95);
    assert_true(recall >= 0.95);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_values_in_name_fields),
        cmocka_unit_test(test_non_names_in_name_fields),
        cmocka_unit_test(test_bare_name_in_other_field_is_not_reported),
        cmocka_unit_test(test_bare_confidence_levels),
        cmocka_unit_test(test_self_introduction_cue),
        cmocka_unit_test(test_cues_before_the_name),
        cmocka_unit_test(test_where_the_name_ends),
        cmocka_unit_test(test_evidence_after_the_name),
        cmocka_unit_test(test_surname_with_title_is_not_a_full_name),
        cmocka_unit_test(test_hard_negatives),
        cmocka_unit_test(test_invariants_on_odd_input),
        cmocka_unit_test(test_generated_tables_are_consistent),
        cmocka_unit_test(test_has_cjk),
        cmocka_unit_test(test_self_check_precision_recall),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
