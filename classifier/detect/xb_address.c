/*
 * xb_address.c - Chinese postal addresses in UTF-8 text (xb_find_addresses).
 *
 * An address is parsed as a chain of components, left to right:
 *   administrative  province / city from the dictionary (浙江省, 杭州, 内蒙古
 *                   自治区), county level by suffix (西湖区, 昆山市, …县, …旗),
 *                   township by suffix (…镇, …乡, …街道)
 *   named           road (…路 …街 …大道 …巷 …弄 …胡同), village (…村 …组),
 *                   estate or building (…小区 …花园 …苑 …大厦 …中心 …园),
 *                   or a bare landmark directly followed by a number
 *   numbered        N号 N弄 N号院, N栋 N幢 N号楼 N座, N单元, N层 N楼, N室,
 *                   N组 (villages), N期 N区 N段, and a bare room number
 *                   (401, 3-2-401) after another numbered component
 * Names are runs of Han characters (no particles such as 的, 是, 在), Latin
 * letters and digits that end in a suffix; the longest suffix wins (街道
 * beats 街, 号楼 beats 号) and a suffix that starts a longer ordinary word is
 * not one (路口, 号码, 市场 is an estate). A suffix with no name of its own
 * extends the previous component (中山 + 大道, 东城 + 区).
 *
 * Where an address may start and what it needs:
 *   - after a province or city name (free text): at least one road, village
 *     or number. A bare place (我在北京出差, 上海分公司) or a place with only
 *     an estate or institution (北京大学) is not an address;
 *   - after a county-level or township name standing at a word boundary:
 *     a named component and a number (，昆山市花桥镇绿地大道88号);
 *   - after an address cue (地址, 住址, 家住, 送至 ...): two components;
 *   - in an address field (field_hint), at the start of the value or of a
 *     part of it: one component (a place, a road, an estate) or two numbered
 *     ones (3栋2单元501室).
 * Company names are not addresses: a chain followed by 公司 / 集团 / 银行 ...
 * without a number in it is dropped. The match spans the first to the last
 * component; confidence grows with the number of components.
 */
#include <string.h>

#include "xb_cntext_dict.h"

#define MAX_COMPS 16
#define MAX_NAME_CHARS 12

typedef enum {
    AC_COUNTRY,
    AC_PROVINCE,
    AC_CITY,
    AC_COUNTY,
    AC_TOWN,
    AC_ROAD,
    AC_VILLAGE,
    AC_COMMUNITY,
    AC_VILLAGE_WEAK,
    AC_LANDMARK,
    AC_NUMBER,
    AC_BUILDING,
    AC_UNIT,
    AC_FLOOR,
    AC_ROOM,
    AC_GROUP,
    AC_AREA,
} comp_type;

typedef struct comp {
    size_t start, end;
    comp_type type;
} comp;

typedef struct chain {
    comp c[MAX_COMPS];
    int n;
} chain;

typedef enum { START_PLACE, START_ADMIN, START_CUE, START_FIELD } start_kind;

static bool is_admin(comp_type t)
{
    return t <= AC_TOWN;
}
static bool is_numbered(comp_type t)
{
    return t >= AC_NUMBER;
}
static bool is_named(comp_type t)
{
    return t >= AC_ROAD && t <= AC_LANDMARK;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}
static bool is_alpha(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool is_alnum_c(char c)
{
    return is_digit(c) || is_alpha(c);
}

static bool han_at(const char *s, size_t n, size_t i, uint32_t *cp, size_t *len)
{
    if (i >= n)
        return false;
    *len = xb_cn_decode(s, n, i, cp);
    return xb_cn_is_han(*cp);
}

/* A suffix (of one of the kinds in mask) at s[i], whose character entry is
 * ci, that is not the start of a longer ordinary word (路口, 号码, 区域). */
static const xb_cn_word *suffix_from(const xb_cn_char *ci, const char *s, size_t n,
                                     size_t i, uint32_t mask)
{
    const xb_cn_word *w = xb_cn_word_from(ci, s, n, i, mask);
    if (!w)
        return NULL;
    const xb_cn_word *b = xb_cn_word_from(ci, s, n, i, XB_CNW_NOT_UNIT);
    return b && b->len > w->len ? NULL : w;
}

static const xb_cn_word *suffix_at(const char *s, size_t n, size_t i, uint32_t mask)
{
    if (i >= n)
        return NULL;
    uint32_t cp;
    xb_cn_decode(s, n, i, &cp);
    return suffix_from(xb_cn_char_info(cp), s, n, i, mask);
}

static comp_type suffix_type(uint32_t kinds)
{
    if (kinds & XB_CNW_SUF_TOWN)
        return AC_TOWN;
    if (kinds & XB_CNW_SUF_ADMIN)
        return AC_COUNTY;
    if (kinds & XB_CNW_SUF_ROAD)
        return AC_ROAD;
    if (kinds & XB_CNW_SUF_VILLAGE)
        return AC_VILLAGE;
    if (kinds & XB_CNW_SUF_COMMUNITY)
        return AC_COMMUNITY;
    return AC_VILLAGE_WEAK;
}

static comp_type unit_type(uint32_t kinds)
{
    if (kinds & XB_CNW_UNIT_BUILDING)
        return AC_BUILDING;
    if (kinds & XB_CNW_UNIT_UNIT)
        return AC_UNIT;
    if (kinds & XB_CNW_UNIT_ROOM)
        return AC_ROOM;
    if (kinds & XB_CNW_UNIT_FLOOR)
        return AC_FLOOR;
    if (kinds & XB_CNW_UNIT_NUMBER)
        return AC_NUMBER;
    if (kinds & XB_CNW_UNIT_GROUP)
        return AC_GROUP;
    return AC_AREA;
}

/* Characters after a bare number that make it a quantity, a date or a time
 * rather than a room number. */
static bool quantity_char(uint32_t cp)
{
    static const char *const MEASURES = "年月日时分秒点元块件个次天岁斤克米吨人台辆位份";
    if (cp < 0x4E00)
        return cp == '%' || cp == '.';
    char buf[4] = {(char)(0xE0 | (cp >> 12)), (char)(0x80 | ((cp >> 6) & 0x3F)),
                   (char)(0x80 | (cp & 0x3F)), 0};
    return strstr(MEASURES, buf) != NULL;
}

/* ------------------------------------------------------------ numbers */

typedef struct number_part {
    size_t end;          /* end of number + unit */
    comp_type type;
    bool bare;           /* no unit: a room number like 401 or 3-2-401 */
} number_part;

/* A number at s[i] (Arabic with '-' groups and letters, or Chinese
 * numerals; 第 and 甲/乙/丙/丁 prefixes) and its unit. */
static bool parse_number(const char *s, size_t n, size_t i, number_part *np)
{
    size_t p = i;
    if (p + 3 <= n && !memcmp(s + p, "第", 3))
        p += 3;
    if (p + 3 <= n && p + 3 < n && is_digit(s[p + 3]) &&
        (!memcmp(s + p, "甲", 3) || !memcmp(s + p, "乙", 3) || !memcmp(s + p, "丙", 3) ||
         !memcmp(s + p, "丁", 3)))
        p += 3;
    size_t num_start = p;
    int digits = 0, letters = 0, groups = 1, numerals = 0;
    while (p < n) {
        if (is_digit(s[p])) {
            digits++;
            p++;
        } else if (is_alpha(s[p]) && letters < 2 && !(p + 1 < n && is_alpha(s[p + 1]) &&
                                                       p + 2 < n && is_alpha(s[p + 2]))) {
            /* a letter as part of a number (A座, B1, 12A), not a word */
            if (digits && (s[p] == 'F' || s[p] == 'f') && !(p + 1 < n && is_alnum_c(s[p + 1])))
                break;
            letters++;
            p++;
        } else if (s[p] == '-' && digits && p + 1 < n && (is_digit(s[p + 1]) || is_alpha(s[p + 1]))) {
            groups++;
            p++;
        } else {
            break;
        }
    }
    if (p == num_start) {
        uint32_t cp;
        size_t len;
        while (numerals < 6 && han_at(s, n, p, &cp, &len) &&
               (xb_cn_flags(cp) & XB_CNC_NUMERAL)) {
            p += len;
            numerals++;
        }
        if (!numerals)
            return false;
    } else if (digits == 0 && letters > 2) {
        return false;
    }
    if (digits > 8)
        return false;
    np->bare = false;
    /* '#' is 号: 3#楼, 5# */
    if (p < n && s[p] == '#' && digits) {
        p++;
        const xb_cn_word *u = suffix_at(s, n, p, XB_CNW_UNIT_BUILDING | XB_CNW_UNIT_FLOOR);
        np->type = u ? AC_BUILDING : AC_NUMBER;
        np->end = u ? p + u->len : p;
        return true;
    }
    if (p < n && digits && (s[p] == 'F' || s[p] == 'f') &&
        !(p + 1 < n && (is_alpha(s[p + 1]) || is_digit(s[p + 1])))) {
        np->type = AC_FLOOR;
        np->end = p + 1;
        return true;
    }
    const xb_cn_word *u = suffix_at(s, n, p, XB_CNW_ANY_UNIT);
    if (u) {
        np->type = unit_type(u->kinds);
        np->end = p + u->len;
        return true;
    }
    /* A bare number can only be a room: 401, 1201, 3-2-401. */
    if (numerals || letters > 1 || (digits < 3 && groups == 1) || p - num_start > 12)
        return false;
    if (p < n) {
        uint32_t cp;
        xb_cn_decode(s, n, p, &cp);
        if (quantity_char(cp) || is_alpha(s[p]))
            return false;
    }
    np->type = AC_ROOM;
    np->end = p;
    np->bare = true;
    return true;
}

/* ---------------------------------------------------------- components */

/* Outcome of reading one component. */
typedef enum { NEXT_NONE, NEXT_NEW, NEXT_EXTEND } next_kind;

/* May the character cp (entry ci) at s[i] be part of a component name? */
static bool name_char(const char *s, size_t i, uint32_t cp, const xb_cn_char *ci)
{
    if (xb_cn_is_han(cp))
        return !(ci && (ci->flags & XB_CNC_ADDR_STOP));
    return is_alpha(s[i]) || is_digit(s[i]) || (s[i] == '-' && i > 0);
}

static bool direction_char(const char *s, size_t n, size_t i)
{
    return i + 3 <= n && (!memcmp(s + i, "东", 3) || !memcmp(s + i, "西", 3) ||
                          !memcmp(s + i, "南", 3) || !memcmp(s + i, "北", 3) ||
                          !memcmp(s + i, "中", 3));
}

/* The component starting at s[q], given the chain so far. */
static next_kind next_component(const char *s, size_t n, size_t q, const chain *ch,
                                bool field, comp *out)
{
    comp_type prev = ch->n ? ch->c[ch->n - 1].type : AC_COUNTRY;
    bool has_prev = ch->n > 0;
    bool finer = false, below_province = false, below_city = false;
    for (int k = 0; k < ch->n; k++) {
        comp_type t = ch->c[k].type;
        if (!is_admin(t))
            finer = true;
        if (t == AC_CITY || t == AC_COUNTY || t == AC_TOWN)
            below_province = true;
        if (t == AC_COUNTY || t == AC_TOWN)
            below_city = true;
    }
    out->start = q;

    /* 1. Province, city or country from the dictionary, in the order of the
     *    hierarchy: after a city the short name of a place is part of a road
     *    or estate name (青岛市市南区香港中路, 惠城区文昌一路), and after a
     *    finer component a place starts another address. */
    const xb_cn_word *w =
        xb_cn_word_at(s, n, q, XB_CNW_PROVINCE | XB_CNW_CITY | XB_CNW_COUNTRY);
    if (w && !finer &&
        ((w->kinds & XB_CNW_PLACE_FULL) ? !below_city : !below_province)) {
        out->end = q + w->len;
        out->type = (w->kinds & XB_CNW_PROVINCE) ? AC_PROVINCE
                    : (w->kinds & XB_CNW_CITY)   ? AC_CITY
                                                 : AC_COUNTRY;
        return NEXT_NEW;
    }

    /* 2. A number with its unit. Numbers follow a named component or
     *    another number (北京市3号 is not an address); in an address field a
     *    value may start with one (3栋2单元501室). */
    number_part np;
    bool may_number = has_prev ? (is_named(prev) || is_numbered(prev) || prev == AC_TOWN)
                               : field;
    if (may_number && parse_number(s, n, q, &np) &&
        (!np.bare || (has_prev && (is_numbered(prev) || prev == AC_COMMUNITY ||
                                   prev == AC_LANDMARK)))) {
        out->end = np.end;
        out->type = np.type;
        return NEXT_NEW;
    }

    /* 3. A name ending in a suffix. */
    size_t r = q;
    int chars = 0;
    while (r < n && chars <= MAX_NAME_CHARS) {
        uint32_t rc;
        size_t len = xb_cn_decode(s, n, r, &rc);
        const xb_cn_char *rci = xb_cn_is_han(rc) ? xb_cn_char_info(rc) : NULL;
        const xb_cn_word *sw = rci ? suffix_from(rci, s, n, r, XB_CNW_ANY_SUFFIX) : NULL;
        if (sw) {
            comp_type t = suffix_type(sw->kinds);
            if (chars == 0) {
                if (!has_prev || is_numbered(prev) || prev == AC_COUNTRY)
                    return NEXT_NONE;
                /* After a place, a suffix that is a name of its own starts
                 * a component (苏州 + 工业园区, 北京 + 大学); a road suffix
                 * makes the place a road name (南京 + 路, 中山 + 大道). */
                if ((prev == AC_PROVINCE || prev == AC_CITY) && sw->len >= 6 && t != AC_ROAD) {
                    out->end = r + sw->len;
                    out->type = t;
                    return NEXT_NEW;
                }
                /* 市南区, 市中区: after an administrative part an
                 * administrative suffix begins the next name. */
                if (!(is_admin(prev) && (t == AC_COUNTY || t == AC_TOWN))) {
                    /* a suffix with no name of its own extends the previous
                     * part (东城 + 区, 花园 + 路) */
                    out->end = r + sw->len;
                    out->type = t;
                    return NEXT_EXTEND;
                }
                if (!name_char(s, r, rc, rci))
                    return NEXT_NONE;
                r += len;
                chars++;
                continue;
            }
            size_t end = r + sw->len;
            int max_chars = (t == AC_COUNTY || t == AC_TOWN) ? 6
                            : t == AC_ROAD                   ? 10
                                                             : MAX_NAME_CHARS;
            if (chars > max_chars)
                return NEXT_NONE;
            if (xb_cn_word_exact(s, n, q, end - q, XB_CNW_GENERIC))
                return NEXT_NONE;
            /* an organisation (…人民政府, …医院) ends the address, unless it
             * follows the number as a landmark (卫津路94号南开大学) */
            if (!is_numbered(prev) && xb_cn_word_ending_at(s, n, end, XB_CNW_COMPANY))
                return NEXT_NONE;
            if (t != AC_VILLAGE_WEAK || chars >= 2) {
                out->end = end;
                /* a district after an estate is a part of it: 科技园南区 */
                out->type = (t == AC_COUNTY && finer) ? AC_AREA : t;
                return NEXT_NEW;
            }
            /* 李庄镇: a one-character name before 庄 is part of a longer name */
        }
        /* A landmark without a suffix directly followed by a number:
         * 国贸3期, 华贸中心写字楼 ... 中山大道西89号. */
        if (chars > 0 && has_prev && !is_numbered(prev) && prev != AC_COUNTRY &&
            (chars >= 2 || direction_char(s, n, q))) {
            number_part np2;
            bool numeric = is_digit(s[r]) || (rci && (rci->flags & XB_CNC_NUMERAL));
            if (numeric && parse_number(s, n, r, &np2) && !np2.bare &&
                !xb_cn_word_ending_at(s, n, r, XB_CNW_COMPANY)) {
                out->end = r;
                out->type = AC_LANDMARK;
                return NEXT_NEW;
            }
        }
        if (!name_char(s, r, rc, rci))
            return NEXT_NONE;
        r += len;
        chars++;
    }
    return NEXT_NONE;
}

/* Parse the chain of components that starts at s[p]. */
static void parse_chain(const char *s, size_t n, size_t p, bool field, chain *ch)
{
    ch->n = 0;
    while (ch->n < MAX_COMPS && p < n) {
        size_t q = p;
        if (ch->n > 0) {
            /* components may be separated by one or two spaces */
            int spaces = 0;
            while (q < n && (s[q] == ' ' || s[q] == '\t') && spaces < 2) {
                q++;
                spaces++;
            }
            if (q >= n)
                break;
        }
        comp c;
        next_kind k = next_component(s, n, q, ch, field, &c);
        if (k == NEXT_NONE)
            break;
        if (k == NEXT_EXTEND) {
            if (q != p)
                break; /* no space inside a component */
            ch->c[ch->n - 1].end = c.end;
            ch->c[ch->n - 1].type = c.type;
        } else {
            ch->c[ch->n++] = c;
        }
        p = c.end;
    }
}

/* --------------------------------------------------------- acceptance */

typedef struct tally {
    int admin, strong, weak, numbered, total;
    bool dict_place, county_or_town, town;
} tally;

static tally count_chain(const chain *ch)
{
    tally t = {0};
    for (int k = 0; k < ch->n; k++) {
        comp_type c = ch->c[k].type;
        if (c == AC_COUNTRY)
            continue;
        if (is_admin(c))
            t.admin++;
        else if (c == AC_ROAD || c == AC_VILLAGE)
            t.strong++;
        else if (is_named(c))
            t.weak++;
        else
            t.numbered++;
        if (c == AC_PROVINCE || c == AC_CITY)
            t.dict_place = true;
        if (c == AC_COUNTY || c == AC_TOWN)
            t.county_or_town = true;
        if (c == AC_TOWN)
            t.town = true;
        t.total++;
    }
    return t;
}

/* A company word (公司, 集团 ...) in the text right after the chain, before
 * the next separator. */
static bool company_follows(const char *s, size_t n, size_t e)
{
    for (int chars = 0; e < n && chars < 24; chars++) {
        uint32_t cp;
        size_t len = xb_cn_decode(s, n, e, &cp);
        if (xb_cn_is_separator(cp) && cp != ' ')
            return false;
        if (xb_cn_word_at(s, n, e, XB_CNW_COMPANY))
            return true;
        e += len;
    }
    return false;
}

/* Confidence of the chain as an address (0: not one). */
static double judge(const char *s, size_t n, const chain *ch, start_kind how)
{
    if (ch->n == 0)
        return 0;
    tally t = count_chain(ch);
    bool ok;
    switch (how) {
    case START_FIELD:
        ok = t.admin + t.strong + t.weak >= 1 || t.numbered >= 2;
        break;
    case START_CUE:
        /* 住在北京市朝阳区 is an address, 发往湖南长沙 only a destination */
        ok = t.total >= 2 && (t.strong + t.weak + t.numbered >= 1 || t.admin >= 3 ||
                              t.county_or_town);
        break;
    case START_PLACE:
        /* a place with a road, village or number; or a chain down to a
         * township (上海市松江区泗泾镇), weakly */
        ok = t.dict_place && (t.strong + t.numbered >= 1 || (t.admin >= 3 && t.town));
        break;
    case START_ADMIN:
    default:
        ok = t.strong + t.weak >= 1 && t.numbered >= 1;
        break;
    }
    if (!ok)
        return 0;
    if (t.numbered == 0 && company_follows(s, n, ch->c[ch->n - 1].end))
        return 0;
    int total = t.total > 6 ? 6 : t.total;
    double conf = 0.35 + 0.1 * total + (t.numbered ? 0.05 : 0) + (t.dict_place ? 0.05 : 0) +
                  (how == START_FIELD || how == START_CUE ? 0.1 : 0);
    if (how == START_PLACE && t.strong + t.numbered == 0 && conf > 0.55)
        conf = 0.55; /* administrative levels only */
    return conf > 0.97 ? 0.97 : conf;
}

/* --------------------------------------------------------------- scan */

typedef struct addr_scan {
    const char *s;
    size_t n;
    xb_text_match *out;
    size_t k, max_out, floor;
} addr_scan;

/* Try an address starting at s[p]; returns its end (0 when none). */
static size_t try_at(addr_scan *st, size_t p, start_kind how, bool field)
{
    chain ch;
    if (p < st->floor)
        return 0;
    parse_chain(st->s, st->n, p, field, &ch);
    if (ch.n == 0)
        return 0;
    /* The start must be what the caller found there. */
    if (how == START_PLACE && !(ch.c[0].type == AC_PROVINCE || ch.c[0].type == AC_CITY ||
                                ch.c[0].type == AC_COUNTRY))
        return 0;
    if (how == START_ADMIN && !(ch.c[0].type == AC_COUNTY || ch.c[0].type == AC_TOWN))
        return 0;
    double conf = judge(st->s, st->n, &ch, field ? START_FIELD : how);
    if (conf < 0.5)
        return 0;
    size_t end = ch.c[ch.n - 1].end;
    size_t k = xb_cn_push(st->out, st->k, st->max_out, ch.c[0].start, end, conf);
    if (k == st->k)
        return 0;
    st->k = k;
    st->floor = end;
    return end;
}

/* A county- or township-level name ending in the suffix at s[i], standing
 * at a word boundary: returns where it starts (0 when none fits). */
static bool admin_start(const char *s, size_t n, size_t i, size_t floor, size_t *start)
{
    for (int chars = 2; chars <= 4; chars++) {
        size_t need = (size_t)chars * 3;
        if (i < need || i - need < floor)
            return false;
        size_t st = i - need;
        bool ok = true;
        for (size_t p = st; p < i && ok; p += 3) {
            uint32_t cp;
            size_t len;
            ok = han_at(s, n, p, &cp, &len) && len == 3 &&
                 !(xb_cn_flags(cp) & (XB_CNC_ADDR_STOP | XB_CNC_NUMERAL));
        }
        if (!ok)
            return false;
        if (st == 0) {
            *start = st;
            return true;
        }
        uint32_t pc;
        xb_cn_decode(s, n, xb_cn_prev(s, st), &pc);
        if (!xb_cn_is_han(pc) ||
            xb_cn_word_ending_at(s, n, st,
                                 XB_CNW_LEFT | XB_CNW_ADDR_CUE | XB_CNW_NAME_STOP |
                                     XB_CNW_CUE | XB_CNW_CUE_WEAK)) {
            *start = st;
            return true;
        }
    }
    return false;
}

static size_t skip_after_cue(const char *s, size_t n, size_t j)
{
    for (int steps = 0; steps < 3 && j < n; steps++) {
        size_t len;
        uint32_t c = xb_cn_folded_at(s, n, j, &len);
        if (c == ':' || c == ' ' || c == '\t')
            j += len;
        else if (j + 3 <= n && (!memcmp(s + j, "是", 3) || !memcmp(s + j, "为", 3) ||
                                !memcmp(s + j, "在", 3) || !memcmp(s + j, "于", 3)))
            j += 3;
        else
            break;
    }
    return j;
}

size_t xb_find_addresses(const char *s, size_t n, bool field_hint,
                         xb_text_match *out, size_t max_out)
{
    if (!s || max_out == 0 || !xb_has_cjk(s, n))
        return 0;
    addr_scan st = {s, n, out, 0, max_out, 0};
    bool segment_start = true; /* in a field: start of the value or a part */
    for (size_t i = 0; i < n && st.k < max_out;) {
        uint32_t cp;
        size_t len = xb_cn_decode(s, n, i, &cp);
        bool han = xb_cn_is_han(cp);
        if (!han && xb_cn_is_separator(cp) && cp != '-' && cp != '#') {
            segment_start = true;
            i += len;
            continue;
        }
        if (field_hint && segment_start && i >= st.floor) {
            segment_start = false;
            size_t e = try_at(&st, i, START_FIELD, true);
            if (e) {
                i = e;
                continue;
            }
        }
        segment_start = false;
        if (!han || i < st.floor || !xb_cn_in_set(xb_cn_addr_trigger, cp)) {
            i += len;
            continue;
        }
        const xb_cn_char *ci = xb_cn_char_info(cp);
        size_t e = 0;
        if (ci->wkinds & XB_CNW_ADDR_CUE) {
            const xb_cn_word *w = xb_cn_word_from(ci, s, n, i, XB_CNW_ADDR_CUE);
            if (w)
                e = try_at(&st, skip_after_cue(s, n, i + w->len), START_CUE, field_hint);
        }
        if (!e && xb_cn_word_from(ci, s, n, i, XB_CNW_PROVINCE | XB_CNW_CITY | XB_CNW_COUNTRY))
            e = try_at(&st, i, START_PLACE, field_hint);
        if (!e && suffix_from(ci, s, n, i, XB_CNW_SUF_ADMIN | XB_CNW_SUF_TOWN)) {
            size_t a;
            if (admin_start(s, n, i, st.floor, &a))
                e = try_at(&st, a, START_ADMIN, field_hint);
        }
        i = e ? e : i + len;
    }
    return st.k;
}
