/*
 * xb_cntext.c - Chinese person names and postal addresses by structure and
 * dictionaries; see xb_cntext.h.
 *
 * Names: a surname from the dictionary (single or compound) plus a 1-2
 * character given name. In a name field the whole value must be such a name;
 * in free text a cue word before it (姓名, 联系人, 收货人 ...) or a title
 * after it (先生, 女士 ...) is required, so that ordinary words that begin
 * with a surname character (王国, 高兴, 金额) are not reported.
 *
 * Addresses: a province or city name, followed by finer components (district,
 * road, number, building, room, village, estate). In an address field a road
 * with a number is enough.
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "xb_cntext.h"

/* Decode one UTF-8 code point at s[i]; returns its length (0 at the end). */
static size_t cp_at(const char *s, size_t n, size_t i, unsigned *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (i >= n)
        return 0;
    if (u[i] < 0x80) {
        *cp = u[i];
        return 1;
    }
    if (u[i] >= 0xE0 && u[i] < 0xF0 && i + 2 < n + 0 + 1 && i + 2 < n) {
        *cp = ((unsigned)(u[i] & 0x0F) << 12) | ((unsigned)(u[i + 1] & 0x3F) << 6) |
              (u[i + 2] & 0x3F);
        return 3;
    }
    if (u[i] >= 0xC0 && u[i] < 0xE0 && i + 1 < n) {
        *cp = ((unsigned)(u[i] & 0x1F) << 6) | (u[i + 1] & 0x3F);
        return 2;
    }
    if (u[i] >= 0xF0 && i + 3 < n) {
        *cp = 0x10000;
        return 4;
    }
    *cp = 0xFFFD;
    return 1;
}

static bool is_han(unsigned cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF);
}

bool xb_has_cjk(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0xE3 && c <= 0xE9 && i + 2 < n) {
            unsigned cp;
            if (cp_at(s, n, i, &cp) == 3 && is_han(cp))
                return true;
        }
    }
    return false;
}

static const char SURNAMES[] =
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季"
    "裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄"
    "窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池"
    "查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆"
    "朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫"
    "杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧"
    "闭由";

static const char *const COMPOUND[] = {
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐",
    "长孙", "宇文", "司徒", "夏侯", "端木", "澹台", "轩辕", "南宫", "独孤", "西门",
};

/* Words that begin with a surname character but are not names. */
static const char *const NOT_NAMES[] = {
    "王国", "王者", "王牌", "张力", "张开", "张贴", "高兴", "高速", "高级", "高度", "高端",
    "金额", "金融", "金属", "周末", "周期", "周边", "周年", "陈述", "陈列", "黄金", "黄色",
    "林业", "万元", "万一", "方向", "方法", "方面", "方案", "方便", "方式", "白天", "白色",
    "马上", "江苏", "程序", "于是", "向上", "石油", "曾经", "明天", "钱包", "任务", "安全",
    "平安", "文件", "文化", "文章", "常州", "常见", "常用", "关于", "关系", "关注", "关闭",
    "时间", "时候", "全部", "全国", "全面", "国家", "国际", "国内", "华为", "华南", "华北",
    "信息", "信用", "信号", "应该", "应用", "成功", "成本", "成为", "管理", "管道", "公司",
    "公共", "公安", "公开", "公众", "东方", "东西", "南方", "海关", "海外", "和平", "来源",
    "来自", "项目", "连接", "连续", "花费", "强调", "包装", "包括", "包含", "毛利", "宁波",
    "路线", "路由", "车辆", "车牌", "原因", "原来", "原价", "云南", "云端", "商品", "商家",
    "商户", "商务", "相关", "相同", "解决", "解释", "简单", "普通", "计划", "计算", "支付",
    "支持", "门店", "容量", "都是", "余额", "何时", "易用", "乐意", "齐全", "谢谢", "费用",
    "鲁莽", "苏州", "温度", "温州", "康复", "景点", "宫颈", "单位", "单号", "季度", "毕业",
    "严重", "龙头", "史上", "申请", "申报", "段落", "雷达", "沈阳", "杭州", "岳阳", "邵阳",
    "洪水", "项目", "孔子", "莫名", "武汉", "武器", "戴上", "柯桥", "邢台", "贾汪", "夏天",
    "夏季", "秦皇", "晋江", "晋升", "包头", "房屋", "房间", "房产", "车间", "时代",
};

static const char *const CUES[] = {
    "姓名", "联系人", "收件人", "收货人", "寄件人", "发件人", "客户", "顾客", "患者", "病人",
    "员工", "职工", "申请人", "持卡人", "户主", "经办人", "乘客", "旅客", "法定代表人",
    "法人", "家属", "监护人", "投保人", "被保险人", "受益人", "借款人", "担保人", "租客",
    "业主", "学生", "买家", "卖家", "收款人", "付款人", "签收人", "负责人", "联系",
    "由", "请", "致", "尊敬的",
};

static const char *const TITLES[] = {
    "先生", "女士", "小姐", "同志", "老师", "医生", "经理", "主任", "师傅", "同学", "律师",
};

/* Characters after which a name ends in free text. */
static const char *const STOPS[] = {
    "的", "在", "于", "是", "已", "说", "称", "表示", "电话", "手机", "身份", "联系", "签收",
    "来电", "投诉", "反映", "要求", "女", "男", "等", "和", "与", "及", "将", "于", "已经",
    "先生", "女士", "小姐", "同志", "老师", "医生", "经理", "主任", "您", "你", "地址",
    "住", "现", "家", "年", "岁", "为", "对", "向", "因",
};

/* Per BMP code point: which lists have a word starting with it. */
enum { F_SURNAME = 1, F_COMPOUND = 2, F_CUE = 4, F_TITLE = 8, F_STOP = 16, F_PLACE = 32,
       F_FINE = 64, F_NOTNAME = 128 };
static uint8_t first_flags[65536];
static pthread_once_t flags_once = PTHREAD_ONCE_INIT;

static size_t cp_at(const char *s, size_t n, size_t i, unsigned *cp);

static void mark_list(const char *const *list, size_t count, uint8_t flag)
{
    for (size_t k = 0; k < count; k++) {
        unsigned cp;
        if (cp_at(list[k], strlen(list[k]), 0, &cp) && cp < 65536)
            first_flags[cp] |= flag;
    }
}

static bool starts_with(const char *s, size_t n, size_t i, const char *w)
{
    size_t k = strlen(w);
    return i + k <= n && memcmp(s + i, w, k) == 0;
}

static void build_flags(void);

/* Length in bytes of a surname at s[i], or 0. */
static size_t surname_at(const char *s, size_t n, size_t i)
{
    unsigned cp;
    if (cp_at(s, n, i, &cp) != 3 || !(first_flags[cp] & (F_SURNAME | F_COMPOUND)))
        return 0;
    if (!(first_flags[cp] & F_COMPOUND))
        return 3;
    for (size_t k = 0; k < sizeof(COMPOUND) / sizeof(COMPOUND[0]); k++)
        if (starts_with(s, n, i, COMPOUND[k]))
            return strlen(COMPOUND[k]);
    return (first_flags[cp] & F_SURNAME) ? 3 : 0;
}

static bool in_list(const char *s, size_t n, size_t i, const char *const *list,
                    size_t count, size_t *len, uint8_t flag)
{
    unsigned cp;
    size_t cl = cp_at(s, n, i, &cp);
    if (!cl || cp >= 65536 || !(first_flags[cp] & flag))
        return false;
    for (size_t k = 0; k < count; k++) {
        const char *w = list[k];
        /* cheap first-character test before the full comparison */
        if (memcmp(w, s + i, cl) != 0)
            continue;
        size_t wl = strlen(w);
        if (i + wl <= n && memcmp(s + i, w, wl) == 0) {
            if (len)
                *len = wl;
            return true;
        }
    }
    return false;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Given-name characters after a surname: 1-2 Han characters, stopping at a
 * stop word. Returns bytes consumed (0 when none). */
static size_t given_name(const char *s, size_t n, size_t i, size_t max_chars)
{
    size_t j = i, chars = 0;
    while (chars < max_chars) {
        unsigned cp;
        size_t k = cp_at(s, n, j, &cp);
        if (k != 3 || !is_han(cp))
            break;
        if (chars > 0 && in_list(s, n, j, STOPS, COUNT(STOPS), NULL, F_STOP))
            break;
        if (chars == 0 && in_list(s, n, j, TITLES, COUNT(TITLES), NULL, F_TITLE))
            break;
        j += k;
        chars++;
    }
    return j - i;
}

static size_t add_match(xb_text_match *out, size_t k, size_t max, size_t s, size_t e,
                        double conf)
{
    if (k < max && (k == 0 || out[k - 1].end <= s)) {
        out[k].start = s;
        out[k].end = e;
        out[k].confidence = conf;
        return k + 1;
    }
    return k;
}

static bool whole_value_name(const char *s, size_t n, size_t *start, size_t *end)
{
    size_t a = 0, b = n;
    while (a < b && (s[a] == ' ' || s[a] == '\t'))
        a++;
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
        b--;
    size_t sl = surname_at(s, b, a);
    if (!sl)
        return false;
    size_t chars = 0;
    bool dot = false;
    for (size_t i = a + sl; i < b;) {
        unsigned cp;
        size_t k = cp_at(s, b, i, &cp);
        if ((k == 2 && cp == 0xB7) || (k == 3 && cp == 0x30FB)) { /* middle dot */
            dot = true;
            i += k;
            continue;
        }
        if (k != 3 || !(is_han(cp) || cp == 0x30FB))
            return false;
        i += k;
        chars++;
    }
    /* Han names have a 1-3 character given name; longer values are only
     * names when written with a middle dot (minority and foreign names). */
    if (chars < 1 || chars > (dot ? 12u : 3u))
        return false;
    *start = a;
    *end = b;
    return true;
}

size_t xb_find_person_names(const char *s, size_t n, bool field_hint,
                            xb_text_match *out, size_t max_out)
{
    size_t k = 0, ws, we;
    pthread_once(&flags_once, build_flags);
    if (max_out == 0)
        return 0;
    if (field_hint && whole_value_name(s, n, &ws, &we)) {
        size_t chars = 0;
        for (size_t i = ws; i < we; i++)
            chars += ((unsigned char)s[i] & 0xC0) != 0x80;
        return add_match(out, 0, max_out, ws, we, chars <= 4 ? 0.9 : 0.75);
    }
    for (size_t i = 0; i < n;) {
        unsigned cp;
        size_t len = cp_at(s, n, i, &cp);
        if (!len)
            break;
        size_t cue_len = 0;
        bool cue = in_list(s, n, i, CUES, COUNT(CUES), &cue_len, F_CUE);
        if (cue) {
            size_t j = i + cue_len;
            while (j < n && (s[j] == ':' || s[j] == ' ' || starts_with(s, n, j, "是") ||
                             starts_with(s, n, j, "为") || starts_with(s, n, j, "：")))
                j += s[j] == ':' || s[j] == ' ' ? 1 : 3;
            size_t sl = surname_at(s, n, j);
            if (sl && !in_list(s, n, j, NOT_NAMES, COUNT(NOT_NAMES), NULL, F_NOTNAME)) {
                size_t g = given_name(s, n, j + sl, 2);
                if (g > 0) {
                    k = add_match(out, k, max_out, j, j + sl + g, 0.8);
                    i = j + sl + g;
                    continue;
                }
            }
        }
        size_t sl = surname_at(s, n, i);
        if (sl && !in_list(s, n, i, NOT_NAMES, COUNT(NOT_NAMES), NULL, F_NOTNAME)) {
            size_t g = given_name(s, n, i + sl, 2);
            if (g > 0 && in_list(s, n, i + sl + g, TITLES, COUNT(TITLES), NULL, F_TITLE)) {
                /* 张伟先生: the character before must not be Han (a word). */
                unsigned pcp = 0;
                bool prev_han = false;
                if (i >= 3 && cp_at(s, n, i - 3, &pcp) == 3)
                    prev_han = is_han(pcp);
                if (!prev_han) {
                    k = add_match(out, k, max_out, i, i + sl + g, 0.75);
                    i += sl + g;
                    continue;
                }
            }
        }
        i += len;
    }
    return k;
}

/* ---- addresses ---- */

static const char *const PLACES[] = {
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江",
    "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州",
    "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港",
    "澳门", "深圳", "广州", "杭州", "南京", "苏州", "成都", "武汉", "西安", "长沙", "郑州",
    "青岛", "厦门", "宁波", "无锡", "合肥", "福州", "济南", "大连", "沈阳", "长春", "哈尔滨",
    "石家庄", "太原", "呼和浩特", "南宁", "昆明", "贵阳", "兰州", "西宁", "银川", "乌鲁木齐",
    "拉萨", "海口", "三亚", "南昌", "东莞", "佛山", "珠海", "温州", "绍兴", "嘉兴", "金华",
    "台州", "常州", "南通", "徐州", "扬州", "烟台", "潍坊", "洛阳", "唐山", "保定", "惠州",
    "中山", "泉州", "漳州", "汕头", "湛江", "桂林", "遵义", "绵阳", "宜昌", "襄阳", "岳阳",
    "株洲", "赣州", "芜湖", "淄博", "临沂", "济宁", "邯郸", "廊坊", "秦皇岛", "鞍山",
};

static const char *const FINE[] = {
    "路", "街", "大道", "巷", "弄", "胡同", "号", "村", "镇", "乡", "小区", "花园", "大厦",
    "栋", "幢", "单元", "室", "号楼", "层", "苑", "公寓", "社区", "组",
};

static bool addr_char(const char *s, size_t n, size_t i, size_t *len)
{
    unsigned cp;
    size_t k = cp_at(s, n, i, &cp);
    *len = k;
    if (!k)
        return false;
    if (k == 3 && is_han(cp)) {
        /* sentence particles end an address */
        return !(starts_with(s, n, i, "的") || starts_with(s, n, i, "是") ||
                 starts_with(s, n, i, "在") || starts_with(s, n, i, "请") ||
                 starts_with(s, n, i, "电") || starts_with(s, n, i, "联") ||
                 starts_with(s, n, i, "和") || starts_with(s, n, i, "出"));
    }
    return k == 1 && ((s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '#' ||
                      (s[i] >= 'A' && s[i] <= 'Z'));
}

static size_t count_fine(const char *s, size_t a, size_t b)
{
    size_t c = 0;
    for (size_t i = a; i < b;) {
        size_t len;
        if (in_list(s, b, i, FINE, COUNT(FINE), &len, F_FINE)) {
            c++;
            i += len;
        } else {
            i += ((unsigned char)s[i] >= 0xE0) ? 3 : 1;
        }
    }
    return c;
}

static bool has_number_component(const char *s, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++)
        if (s[i] >= '0' && s[i] <= '9')
            return true;
    return false;
}

size_t xb_find_addresses(const char *s, size_t n, bool field_hint,
                         xb_text_match *out, size_t max_out)
{
    size_t k = 0;
    pthread_once(&flags_once, build_flags);
    for (size_t i = 0; i < n && k < max_out;) {
        size_t pl = 0;
        bool place = in_list(s, n, i, PLACES, COUNT(PLACES), &pl, F_PLACE);
        if (!place && !field_hint) {
            i++;
            continue;
        }
        size_t j = i, len;
        while (j < n && j - i < 180 && addr_char(s, n, j, &len))
            j += len;
        if (j > i) {
            size_t fine = count_fine(s, i + pl, j);
            bool number = has_number_component(s, i, j);
            /* Company names are not addresses. */
            bool company = false;
            for (size_t t = i; t + 6 <= j; t++)
                if (starts_with(s, j, t, "公司") || starts_with(s, j, t, "集团") ||
                    starts_with(s, j, t, "银行") || starts_with(s, j, t, "分行"))
                    company = true;
            if (!company && ((place && fine >= 1 && (number || fine >= 2)) ||
                             (field_hint && fine >= 2 && number))) {
                /* Trim trailing characters after the last number/room part. */
                double conf = 0.6 + 0.1 * (double)(fine > 3 ? 3 : fine);
                k = add_match(out, k, max_out, i, j, conf > 0.95 ? 0.95 : conf);
                i = j;
                continue;
            }
        }
        /* Not an address: resume at the next place name inside the run, or
         * after the run, so every byte is looked at a bounded number of times. */
        size_t next = j > i ? j : i + (((unsigned char)s[i] >= 0xE0) ? 3 : 1);
        for (size_t t = i + (place ? pl : 1); t < j; t++)
            if (((unsigned char)s[t] & 0xC0) != 0x80 &&
                in_list(s, n, t, PLACES, COUNT(PLACES), NULL, F_PLACE)) {
                next = t;
                break;
            }
        i = next;
    }
    return k;
}

static void build_flags(void)
{
    for (size_t k = 0; k + 3 <= sizeof(SURNAMES) - 1; k += 3) {
        unsigned cp;
        if (cp_at(SURNAMES + k, 3, 0, &cp) == 3)
            first_flags[cp] |= F_SURNAME;
    }
    mark_list(COMPOUND, COUNT(COMPOUND), F_COMPOUND);
    mark_list(CUES, COUNT(CUES), F_CUE);
    mark_list(TITLES, COUNT(TITLES), F_TITLE);
    mark_list(STOPS, COUNT(STOPS), F_STOP);
    mark_list(PLACES, COUNT(PLACES), F_PLACE);
    mark_list(FINE, COUNT(FINE), F_FINE);
    mark_list(NOT_NAMES, COUNT(NOT_NAMES), F_NOTNAME);
}
