/*
 * xb_mask_cjk.c - masking of Chinese person names (keep the surname) and
 * postal addresses (keep province / prefecture / county). See xb_mask.h.
 *
 * Both work on code points: a name or an address is short, so the code
 * points of the part that matters are decoded into a small fixed array.
 */
#include <string.h>

#include "xb_mask_internal.h"

#define MAX_CPS 96

typedef struct cps {
    uint32_t cp[MAX_CPS];
    size_t off[MAX_CPS + 1]; /* byte offset of each code point */
    size_t n;                /* decoded (at most MAX_CPS) */
} cps;

static void decode_cps(const uint8_t *s, size_t n, cps *c)
{
    size_t i = 0;
    c->n = 0;
    while (i < n && c->n < MAX_CPS) {
        c->off[c->n] = i;
        i += xb_u8_decode(s + i, n - i, &c->cp[c->n]);
        c->n++;
    }
    c->off[c->n] = i;
}

static bool is_cjk(uint32_t cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x20000 && cp <= 0x2FA1F) || (cp >= 0xF900 && cp <= 0xFAFF);
}

/* Does the text at code point i start with the UTF-8 word w? */
static bool starts_with(const uint8_t *s, const cps *c, size_t i, const char *w,
                        size_t *n_cps)
{
    size_t wl = strlen(w);
    if (i >= c->n || c->off[c->n] - c->off[i] < wl ||
        memcmp(s + c->off[i], w, wl) != 0)
        return false;
    size_t j = i;
    while (j < c->n && c->off[j] < c->off[i] + wl)
        j++;
    if (c->off[j] != c->off[i] + wl)
        return false;
    *n_cps = j - i;
    return true;
}

/* ------------------------------------------------------------- names */

/* Compound surnames (复姓) in current use. */
static const char *const compound_surnames[] = {
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容",
    "长孙", "宇文", "司徒", "夏侯", "轩辕", "令狐", "端木", "南宫", "西门",
    "独孤", "澹台", "公冶", "宗政", "濮阳", "太史", "申屠", "钟离", "闻人",
    "赫连", "拓跋", "呼延", "百里", "东郭", "万俟", "第五", "司空", "鲜于",
    "闾丘", "公羊", "太叔", "仲孙", "颛孙", "漆雕", "乐正", "梁丘", "左丘",
    "谷梁", "段干", "羊舌", "微生", "即墨", "达奚", "亓官", "司寇", "巫马",
};

xb_status xb_mask_person_name(const uint8_t *s, size_t n, xb_buf *out)
{
    cps c;
    decode_cps(s, n, &c);
    size_t first = 0;
    while (first < c.n && c.cp[first] != XB_U8_INVALID &&
           xb_mask_is_separator(c.cp[first]))
        first++;
    size_t keep = 1;
    if (first < c.n && is_cjk(c.cp[first])) {
        for (size_t k = 0; k < sizeof(compound_surnames) / sizeof(compound_surnames[0]); k++) {
            size_t m;
            if (starts_with(s, &c, first, compound_surnames[k], &m)) {
                keep = m;
                break;
            }
        }
    }
    return xb_mask_keep(s, n, keep, 0, out);
}

/* ----------------------------------------------------------- addresses */

/* Province-level names as written without their suffix. */
static const char *const provinces[] = {
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江",
    "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南",
    "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾",
    "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
};
static const char *const province_suffixes[] = {
    "壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市",
};
static const char *const prefecture_suffixes[] = {
    "自治州", "地区", "市", "州", "盟",
};
static const char *const county_suffixes[] = {
    "区", "县", "旗", "市",
};

#define MAX_LEVEL_NAME 10 /* code points before a suffix */

/*
 * Find, from code point `from`, an administrative unit: 1..MAX_LEVEL_NAME
 * CJK characters followed by one of the suffixes. Returns the code point
 * index just after the suffix, or 0 when there is none.
 */
static size_t find_level(const uint8_t *s, const cps *c, size_t from,
                         const char *const *suffixes, size_t n_suffixes)
{
    for (size_t i = from + 1; i < c->n && i <= from + MAX_LEVEL_NAME; i++) {
        if (!is_cjk(c->cp[i - 1]))
            return 0;
        for (size_t k = 0; k < n_suffixes; k++) {
            size_t m;
            if (starts_with(s, c, i, suffixes[k], &m))
                return i + m;
        }
    }
    return 0;
}

/* Length in code points of the administrative prefix of an address. */
static size_t admin_prefix(const uint8_t *s, const cps *c)
{
    size_t pos = 0;
    bool municipality = false;
    for (size_t p = 0; p < sizeof(provinces) / sizeof(provinces[0]); p++) {
        size_t m;
        if (!starts_with(s, c, 0, provinces[p], &m))
            continue;
        pos = m;
        municipality = p < 4;
        for (size_t k = 0; k < sizeof(province_suffixes) / sizeof(province_suffixes[0]); k++) {
            size_t m2;
            if (starts_with(s, c, pos, province_suffixes[k], &m2)) {
                pos += m2;
                break;
            }
        }
        break;
    }
    if (!municipality) {
        size_t e = find_level(s, c, pos, prefecture_suffixes,
                              sizeof(prefecture_suffixes) / sizeof(prefecture_suffixes[0]));
        if (e)
            pos = e;
    }
    size_t e = find_level(s, c, pos, county_suffixes,
                          sizeof(county_suffixes) / sizeof(county_suffixes[0]));
    if (e)
        pos = e;
    return pos;
}

/* Keep the administrative prefix; every other character except spaces
 * becomes '*'. Without a recognisable prefix, keep the first character. */
xb_status xb_mask_address(const uint8_t *s, size_t n, xb_buf *out)
{
    cps c;
    decode_cps(s, n, &c);
    size_t keep = admin_prefix(s, &c);
    if (keep == 0)
        return xb_mask_keep(s, n, 1, 0, out);
    xb_status st = xb_buf_append(out, s, c.off[keep]);
    size_t i = c.off[keep];
    while (i < n && st == XB_OK) {
        uint32_t cp;
        size_t len = xb_u8_decode(s + i, n - i, &cp);
        if (cp == ' ' || cp == 0x3000 || cp == '\t')
            st = xb_buf_append(out, s + i, len);
        else
            st = xb_mask_put_star(out, cp);
        i += len;
    }
    return st;
}
