/*
 * xb_names.c - Chinese person names in UTF-8 text (xb_find_person_names).
 *
 * A name is a surname from the dictionary (single character, or compound
 * such as 欧阳) followed by a given name of one or two Han characters, or a
 * minority / transliterated name whose parts are joined by a middle dot
 * (阿依古丽·买买提). Because most surname characters are also ordinary
 * characters (王国, 高兴, 金额), a name is only reported with evidence:
 *
 *   - a name field (field_hint): the whole value, or every Han part of it,
 *     is a plausible name (surname + 1-2 given characters that are not
 *     function words, not a common word from the not-name list);
 *   - a cue before it: 姓名, 联系人, 收件人, 患者, 员工 ... (strong) or 由, 请,
 *     致, 给, 联系 ... (weak: the given name must consist of characters
 *     frequent in given names);
 *   - evidence after it: a title (张伟先生), 签收 / 身份证 / (身份证 ...,
 *     a gender after a comma (张伟，男), a mobile number, 电话 / 来电 ...
 *     In these cases the name is found backwards from the evidence, and the
 *     text before it must be a boundary (start, punctuation, a cue or a
 *     function word) or the given name must be plausible.
 *
 * Where the name ends when the text runs on: a given-name character may not
 * start a stop word (说, 电话, 今天, 投诉 ...) or a title; between a one- and
 * a two-character given name the two-character form is taken when the text
 * after it is a boundary or a stop word, or when the second character is
 * frequent in given names.
 *
 * A surname with a title but no given name (王先生, 李经理, 王总) is not a
 * full name: it is reported with confidence 0.35 in free text (below the
 * default threshold of 0.5) and 0.6 as the whole value of a name field.
 * A plausible name that is the whole value of a field that is not a name
 * field gets 0.4: without a cue it is not reported by default.
 *
 * Everything works on the caller's buffer with a few stack variables.
 */
#include <string.h>

#include "xb_cntext_dict.h"

#define EVIDENCE_KINDS (XB_CNW_TITLE | XB_CNW_NAME_STOP | XB_CNW_POST | XB_CNW_POST_MED)
#define BOUNDARY_WORDS                                                             \
    (XB_CNW_CUE | XB_CNW_CUE_WEAK | XB_CNW_LEFT | XB_CNW_NAME_STOP | XB_CNW_TITLE | \
     XB_CNW_ADDR_CUE | XB_CNW_POST | XB_CNW_POST_MED)
#define MAX_LIST_NAMES 16

/* What follows the last character of a name candidate. */
typedef enum {
    END_RUNON,    /* more Han text that is none of the below */
    END_CLEAN,    /* end of text, punctuation, digits, Latin */
    END_STOP,     /* a word that ends names: 说 的 今天 */
    END_POST_MED, /* medium evidence: 电话, 来电, a mobile number */
    END_POST,     /* strong evidence: 签收, 身份证, (身份证, ，男， */
    END_TITLE,    /* 先生 女士 经理 */
} end_kind;

typedef struct name_cand {
    size_t start, end;
    int given;      /* given-name characters; 0 = surname + title */
    bool compound;  /* compound surname */
    bool common;    /* every given character is frequent in given names */
    end_kind ctx;   /* what follows end */
} name_cand;

/* ------------------------------------------------------------ helpers */

static bool han_at(const char *s, size_t n, size_t i, uint32_t *cp, size_t *len)
{
    if (i >= n)
        return false;
    *len = xb_cn_decode(s, n, i, cp);
    return xb_cn_is_han(*cp);
}

/* Byte length of a middle dot at s[i] (· • ・ ‧, and '.' in name fields). */
static size_t dot_len(const char *s, size_t n, size_t i, bool ascii_dot)
{
    if (i >= n)
        return 0;
    if (ascii_dot && s[i] == '.')
        return 1;
    uint32_t cp;
    size_t len = xb_cn_decode(s, n, i, &cp);
    return (cp == 0x00B7 || cp == 0x2022 || cp == 0x30FB || cp == 0x2027 ||
            cp == 0xFF65)
               ? len
               : 0;
}

/* Is there a middle dot right after the run of three-byte characters that
 * starts at s[i]? (cheap test before parse_dotted) */
static bool dot_near(const char *s, size_t n, size_t i)
{
    size_t k = i;
    for (int chars = 0; chars < 10 && k + 3 <= n; chars++) {
        unsigned char a = (unsigned char)s[k];
        if (a < 0xE3 || a > 0xE9)
            break;
        k += 3;
    }
    return k > i && k + 1 < n &&
           dot_len(s, n, k, false) > 0;
}

/* A given-name character at s[i]: Han, not a never-in-a-name character. */
static bool given_char(const char *s, size_t n, size_t i, size_t *len, unsigned *flags)
{
    uint32_t cp;
    if (!han_at(s, n, i, &cp, len))
        return false;
    *flags = xb_cn_flags(cp);
    return !(*flags & XB_CNC_NONAME);
}

static bool is_single_surname(const char *s, size_t n, size_t i)
{
    uint32_t cp;
    size_t len;
    return han_at(s, n, i, &cp, &len) && len == 3 && (xb_cn_flags(cp) & XB_CNC_SURNAME);
}

static size_t compound_surname_len(const char *s, size_t n, size_t i)
{
    const xb_cn_word *w = xb_cn_word_at(s, n, i, XB_CNW_SURNAME2);
    return w ? w->len : 0;
}

/* 男 / 女 at s[i] used as a gender: followed by a separator, a digit, 性 or
 * the end of the text. */
static bool gender_at(const char *s, size_t n, size_t i)
{
    if (i + 3 > n || (memcmp(s + i, "男", 3) != 0 && memcmp(s + i, "女", 3) != 0))
        return false;
    if (i + 3 == n)
        return true;
    uint32_t cp;
    xb_cn_decode(s, n, i + 3, &cp);
    return xb_cn_is_separator(cp) || (cp >= '0' && cp <= '9') || cp == 0x6027 /* 性 */;
}

/* A mainland mobile number (1[3-9] + 9 digits, not part of a longer digit
 * run) at s[i]. */
static bool mobile_at(const char *s, size_t n, size_t i)
{
    if (i + 11 > n || s[i] != '1' || s[i + 1] < '3' || s[i + 1] > '9')
        return false;
    for (size_t k = 2; k < 11; k++)
        if (s[i + k] < '0' || s[i + k] > '9')
            return false;
    return i + 11 == n || s[i + 11] < '0' || s[i + 11] > '9';
}

static bool is_ascii_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* What follows a name that ends at s[e]. */
static end_kind end_context(const char *s, size_t n, size_t e)
{
    if (e >= n)
        return END_CLEAN;
    uint32_t cp;
    size_t len = xb_cn_decode(s, n, e, &cp);
    if (!xb_cn_is_han(cp)) {
        uint32_t c = xb_cn_fold(cp);
        size_t j = e;
        if (c == ' ' || c == ':')
            j += len;
        if (mobile_at(s, n, j))
            return END_POST_MED;
        if (c == ',' || c == ' ' || c == '(' || c == 0x3001 /* 、 */) {
            size_t k = e + len, l2;
            while (k < n && xb_cn_folded_at(s, n, k, &l2) == ' ')
                k += l2;
            if (gender_at(s, n, k))
                return END_POST;
            if (c == '(' && xb_cn_word_at(s, n, k, XB_CNW_POST | XB_CNW_POST_MED))
                return END_POST;
        }
        return END_CLEAN;
    }
    if (gender_at(s, n, e))
        return END_POST;
    const xb_cn_word *w = xb_cn_word_at(s, n, e, EVIDENCE_KINDS);
    if (!w)
        return END_RUNON;
    if (w->kinds & XB_CNW_TITLE)
        return END_TITLE;
    if (w->kinds & XB_CNW_POST)
        return END_POST;
    if (w->kinds & XB_CNW_POST_MED)
        return END_POST_MED;
    return END_STOP;
}

/* Quality of the boundary before a name starting at s[st]: 2 = start of
 * text or a non-Han character, 1 = a cue, function word or title ends
 * there, 0 = inside running text. */
static int left_quality(const char *s, size_t n, size_t st)
{
    if (st == 0)
        return 2;
    size_t p = xb_cn_prev(s, st);
    uint32_t cp;
    xb_cn_decode(s, n, p, &cp);
    if (!xb_cn_is_han(cp))
        return 2;
    return xb_cn_word_ending_at(s, n, st, BOUNDARY_WORDS) ? 1 : 0;
}

/* True when the candidate is an ordinary word (王国, 高兴, 张家口 ...): a
 * not-name word starting at the candidate covers it, or covers all but a
 * last given character that is not a frequent given-name character. */
static bool is_common_word(const char *s, size_t n, const name_cand *c)
{
    const xb_cn_word *w = xb_cn_word_at(s, n, c->start, XB_CNW_NOT_NAME);
    size_t len = c->end - c->start;
    if (!w)
        return false;
    if (w->len >= len)
        return true;
    if (c->given == 2 && !c->compound && (size_t)w->len + 3 == len) {
        uint32_t cp;
        xb_cn_decode(s, n, c->end - 3, &cp);
        return !(xb_cn_flags(cp) & XB_CNC_GIVEN);
    }
    return false;
}

/* The candidate is exactly a province or city name (安康, 金华). */
static bool is_place_name(const char *s, size_t n, const name_cand *c)
{
    return xb_cn_word_exact(s, n, c->start, c->end - c->start,
                            XB_CNW_PROVINCE | XB_CNW_CITY) != NULL;
}

/* ----------------------------------------------------- forward parsing */

/* Surname of slen bytes at s[i], then the given name; chooses where the
 * name ends. */
static bool forward_with(const char *s, size_t n, size_t i, size_t slen, bool compound,
                         name_cand *c)
{
    size_t j = i + slen, l1, l2;
    unsigned f1, f2;
    if (!given_char(s, n, j, &l1, &f1))
        return false;
    memset(c, 0, sizeof(*c));
    c->start = i;
    c->compound = compound;
    const xb_cn_word *w = xb_cn_word_at(s, n, j, EVIDENCE_KINDS);
    if (w && (w->kinds & XB_CNW_TITLE)) {
        c->end = j; /* 王先生: surname + title */
        c->ctx = END_TITLE;
        return true;
    }
    if ((w && (w->len > l1 || (w->kinds & (XB_CNW_POST | XB_CNW_POST_MED)))) ||
        gender_at(s, n, j))
        return false;
    /* 彭于晏, 张和平: a one-character stop word (于, 和) can only be the
     * middle of a three-character name. */
    bool stop_first = w != NULL;
    size_t e1 = j + l1;
    bool second = given_char(s, n, e1, &l2, &f2) &&
                  !xb_cn_word_at(s, n, e1, EVIDENCE_KINDS) && !gender_at(s, n, e1);
    if (stop_first && !second)
        return false;
    if (second) {
        end_kind k2 = end_context(s, n, e1 + l2);
        if (k2 != END_RUNON || (f2 & XB_CNC_GIVEN)) {
            c->end = e1 + l2;
            c->given = 2;
            c->common = (f1 & f2 & XB_CNC_GIVEN) != 0;
            c->ctx = k2;
            return true;
        }
        if (stop_first)
            return false;
    }
    c->end = e1;
    c->given = 1;
    c->common = (f1 & XB_CNC_GIVEN) != 0;
    c->ctx = second ? END_RUNON : end_context(s, n, e1);
    return true;
}

/* A name starting at s[i]; a compound surname is preferred. */
static bool parse_forward(const char *s, size_t n, size_t i, name_cand *c)
{
    size_t cl = compound_surname_len(s, n, i);
    if (cl && forward_with(s, n, i, cl, true, c) && c->given > 0)
        return true;
    return is_single_surname(s, n, i) && forward_with(s, n, i, 3, false, c);
}

/* Middle-dot name at s[i]: two or more runs of Han characters joined by
 * dots. In free text a run stops at a stop word or title. */
static bool parse_dotted(const char *s, size_t n, size_t i, bool field, size_t *end)
{
    size_t p = i, last = i;
    int runs = 0;
    for (;;) {
        int chars = 0;
        uint32_t cp;
        size_t len;
        while (chars < 10 && han_at(s, n, p, &cp, &len)) {
            if (!field && chars > 0 && xb_cn_word_at(s, n, p, EVIDENCE_KINDS))
                break;
            p += len;
            chars++;
        }
        if (chars == 0)
            break;
        runs++;
        last = p;
        size_t d = dot_len(s, n, p, field);
        if (!d)
            break;
        p += d;
    }
    if (runs < 2)
        return false;
    *end = last;
    return true;
}

/* ---------------------------------------------------- backward parsing */

/* Names that end at s[e] (where evidence starts), not before floor. Picks
 * the best-bounded option; returns false when there is none. *q receives
 * the left-boundary quality of the choice. */
static bool parse_backward(const char *s, size_t n, size_t floor, size_t e,
                           name_cand *best, int *q)
{
    int best_score = -1000;
    for (int compound = 1; compound >= 0; compound--) {
        for (int given = 2; given >= 0; given--) {
            size_t slen = compound ? 6 : 3;
            size_t need = slen + (size_t)given * 3;
            if (e < need || e - need < floor)
                continue;
            size_t st = e - need;
            if (compound ? !xb_cn_word_exact(s, n, st, 6, XB_CNW_SURNAME2)
                         : !is_single_surname(s, n, st))
                continue;
            name_cand c = {st, e, given, compound != 0, true, END_TITLE};
            bool ok = true;
            for (int g = 0; g < given && ok; g++) {
                size_t len = 0;
                unsigned f = 0;
                size_t at = st + slen + (size_t)g * 3;
                ok = given_char(s, n, at, &len, &f) && len == 3 &&
                     !xb_cn_word_at(s, n, at, XB_CNW_TITLE) &&
                     !(g > 0 && xb_cn_word_at(s, n, at, XB_CNW_NAME_STOP));
                if (!(f & XB_CNC_GIVEN))
                    c.common = false;
            }
            if (!ok || (given > 0 && is_common_word(s, n, &c)))
                continue;
            int lq = left_quality(s, n, st);
            uint32_t cp;
            xb_cn_decode(s, n, st, &cp);
            int score = lq * 10 + given * 2 + (compound ? 2 : 0) +
                        ((xb_cn_flags(cp) & XB_CNC_SURNAME_TOP) ? 1 : 0);
            /* 请和张伟先生: 和 is more likely a word than a surname. */
            if (lq < 2 && !compound && xb_cn_word_exact(s, n, st, 3, XB_CNW_LEFT | XB_CNW_CUE_WEAK))
                score -= 6;
            if (given == 0)
                score -= 20; /* surname alone only when nothing else fits */
            if (score > best_score) {
                best_score = score;
                *best = c;
                *q = lq;
            }
        }
    }
    return best_score > -1000;
}

/* ------------------------------------------------------ confidences */

static double backward_confidence(end_kind kind, const name_cand *c, int q)
{
    if (c->given == 0)
        return q >= 1 && kind == END_TITLE ? 0.35 : 0;
    switch (kind) {
    case END_TITLE:
        if (q >= 1)
            return c->common ? 0.85 : 0.8;
        return c->common ? 0.65 : 0;
    case END_POST:
        if (q >= 1)
            return 0.8;
        return c->common ? 0.6 : 0;
    case END_POST_MED:
        if (q >= 1 && c->common)
            return 0.65;
        return q == 2 ? 0.55 : 0;
    default:
        return 0;
    }
}

static double cue_confidence(bool strong, const name_cand *c)
{
    if (c->given == 0)
        return 0.35;
    if (strong) {
        /* where the text runs on, only frequent given-name characters
         * make a name (患者左下肢水肿 is not one) */
        if (c->ctx == END_RUNON)
            return c->common ? 0.7 : 0.45;
        return c->common || c->compound ? 0.9 : 0.85;
    }
    if (c->ctx == END_TITLE || c->ctx == END_POST)
        return 0.8;
    if (c->common && c->ctx != END_RUNON)
        return c->ctx == END_POST_MED ? 0.7 : 0.65;
    return 0;
}

/* --------------------------------------------------------- free text */

typedef struct scan_state {
    const char *s;
    size_t n;
    xb_text_match *out;
    size_t k, max_out;
    size_t floor; /* end of the last match */
    double bonus; /* added in a name field */
} scan_state;

static void emit(scan_state *st, size_t a, size_t b, double conf)
{
    if (conf <= 0 || a < st->floor)
        return;
    if (conf >= 0.5)
        conf += st->bonus;
    size_t k = xb_cn_push(st->out, st->k, st->max_out, a, b, conf);
    if (k != st->k) {
        st->k = k;
        st->floor = b;
    }
}

/* Skip what may stand between a cue and the name: ':' spaces, brackets,
 * quotes, 是 / 为 / 叫 / 系 / 有 (出席人员有张伟). Sets *colon when a colon was seen. */
static size_t skip_after_cue(const char *s, size_t n, size_t j, bool *colon)
{
    for (int steps = 0; steps < 4 && j < n; steps++) {
        size_t len;
        uint32_t c = xb_cn_folded_at(s, n, j, &len);
        if (c == ':') {
            *colon = true;
            j += len;
        } else if (c == ' ' || c == '(' || c == '[' || c == '"' || c == '\'' || c == '\t' ||
                   c == 0x3010 /* 【 */ || c == 0x201C /* “ */ || c == 0x300C /* 「 */) {
            j += len;
        } else if (j + 3 <= n && (!memcmp(s + j, "是", 3) || !memcmp(s + j, "为", 3) ||
                                  !memcmp(s + j, "叫", 3) || !memcmp(s + j, "系", 3) ||
                                  !memcmp(s + j, "有", 3))) {
            j += 3;
        } else {
            break;
        }
    }
    return j;
}

/* More names joined to a cued one by 、 和 与 及 (张伟、李娜和王芳). */
static void list_continuation(scan_state *st, size_t e)
{
    const char *s = st->s;
    size_t n = st->n;
    for (int count = 0; count < MAX_LIST_NAMES && st->k < st->max_out; count++) {
        size_t j = e, len;
        while (j < n && xb_cn_folded_at(s, n, j, &len) == ' ')
            j += len;
        uint32_t sep = j < n ? xb_cn_folded_at(s, n, j, &len) : 0;
        if (sep == 0x3001 || sep == '/' || sep == ';')
            j += len;
        else if (j + 3 <= n && (!memcmp(s + j, "和", 3) || !memcmp(s + j, "与", 3) ||
                                !memcmp(s + j, "及", 3)))
            j += 3;
        else
            return;
        while (j < n && xb_cn_folded_at(s, n, j, &len) == ' ')
            j += len;
        name_cand c;
        size_t de;
        if (dot_near(s, n, j) && parse_dotted(s, n, j, false, &de)) {
            emit(st, j, de, 0.8);
            e = de;
            continue;
        }
        if (!parse_forward(s, n, j, &c) || c.given == 0 || c.ctx == END_RUNON ||
            is_common_word(s, n, &c))
            return;
        emit(st, c.start, c.end, 0.8);
        e = c.end;
    }
}

/* A label for a person ending at s[i] with a colon after it: 受托人：,
 * 申请者：, 护士长：. Returns the label character's length (0: none). */
static size_t person_label_at(const char *s, size_t n, size_t i)
{
    static const char *const ENDS[] = {"人", "者", "员", "名", "主", "长", "属", "生", "师", "表"};
    if (i + 3 >= n)
        return 0;
    /* ':' or the full-width colon EF BC 9A */
    if (s[i + 3] != ':' && !(i + 6 <= n && (unsigned char)s[i + 3] == 0xEF &&
                             (unsigned char)s[i + 4] == 0xBC && (unsigned char)s[i + 5] == 0x9A))
        return 0;
    for (size_t k = 0; k < sizeof(ENDS) / sizeof(ENDS[0]); k++)
        if (!memcmp(s + i, ENDS[k], 3))
            return 3;
    return 0;
}

/* A cue at s[i] (a cue word, or a label character followed by a colon);
 * returns the position to continue from (i when there was no cue). */
static size_t try_cue(scan_state *st, size_t i, const xb_cn_char *ci)
{
    const char *s = st->s;
    size_t n = st->n;
    const xb_cn_word *w = xb_cn_word_from(ci, s, n, i, XB_CNW_CUE | XB_CNW_CUE_WEAK);
    size_t cue_len = w ? w->len : person_label_at(s, n, i);
    if (!cue_len)
        return i;
    /* The cue starts an ordinary word (由于, 请问, 给予): no cue. */
    const xb_cn_word *o = xb_cn_word_from(ci, s, n, i, XB_CNW_NOT_NAME);
    if (o && o->len > cue_len)
        return i;
    bool colon = false;
    size_t j = skip_after_cue(s, n, i + cue_len, &colon);
    bool strong = !w || (w->kinds & XB_CNW_CUE) || colon;
    size_t de;
    if (dot_near(s, n, j) && parse_dotted(s, n, j, false, &de)) {
        size_t before = st->k;
        emit(st, j, de, strong ? 0.85 : 0.6);
        return st->k != before ? de : i;
    }
    name_cand c;
    if (!parse_forward(s, n, j, &c) || is_common_word(s, n, &c) ||
        (!strong && is_place_name(s, n, &c)))
        return i;
    /* 请和张伟先生: 和 is the conjunction when a name follows it. */
    if (!c.compound && xb_cn_word_exact(s, n, c.start, 3, XB_CNW_LEFT | XB_CNW_CUE_WEAK)) {
        name_cand inner;
        if (parse_forward(s, n, c.start + 3, &inner) && inner.given > 0 &&
            !is_common_word(s, n, &inner))
            return i;
    }
    double conf = cue_confidence(strong, &c);
    if (conf < 0.5 && c.given > 0)
        return i; /* not reported: leave the text to other evidence */
    size_t before = st->k;
    emit(st, c.start, c.end, conf);
    if (st->k == before)
        return i;
    if (strong && c.given > 0)
        list_continuation(st, c.end);
    return st->floor;
}

/* Evidence of kind `kind` starts at s[e]: look for a name ending there. */
static void try_backward(scan_state *st, size_t e, end_kind kind)
{
    name_cand c = {0};
    int q = 0;
    if (!parse_backward(st->s, st->n, st->floor, e, &c, &q))
        return;
    if (c.given > 0 && is_place_name(st->s, st->n, &c))
        return;
    emit(st, c.start, c.end, backward_confidence(kind, &c, q));
}

static void scan_text(scan_state *st)
{
    const char *s = st->s;
    size_t n = st->n;
    bool prev_han = false;
    for (size_t i = 0; i < n && st->k < st->max_out;) {
        uint32_t cp;
        size_t len = xb_cn_decode(s, n, i, &cp);
        if (xb_cn_is_han(cp)) {
            bool after_han = prev_han;
            prev_han = true;
            /* Most characters are not where a cue or evidence starts. */
            if (!xb_cn_in_set(xb_cn_name_trigger, cp)) {
                i += len;
                continue;
            }
            const xb_cn_char *ci = xb_cn_char_info(cp);
            if ((ci && (ci->wkinds & (XB_CNW_CUE | XB_CNW_CUE_WEAK))) ||
                person_label_at(s, n, i)) {
                size_t next = try_cue(st, i, ci);
                if (next > i) {
                    i = next;
                    prev_han = false;
                    continue;
                }
            }
            if (after_han && ci && (ci->wkinds & (XB_CNW_TITLE | XB_CNW_POST | XB_CNW_POST_MED)) &&
                i >= st->floor + 3) {
                end_kind kind = end_context(s, n, i);
                if (kind == END_TITLE || kind == END_POST || kind == END_POST_MED)
                    try_backward(st, i, kind);
            }
        } else {
            /* Evidence that starts with a non-Han character right after a
             * Han one: a mobile number, (身份证, ，男 */
            uint32_t c = xb_cn_fold(cp);
            if (prev_han && i >= st->floor + 3 &&
                (c == ',' || c == ' ' || c == '(' || c == ':' || cp == 0x3001 ||
                 (c >= '0' && c <= '9'))) {
                end_kind kind = end_context(s, n, i);
                if (kind == END_POST || kind == END_POST_MED)
                    try_backward(st, i, kind);
            }
            prev_han = false;
        }
        i += len;
    }
}

/* -------------------------------------------------------- name fields */

/* The whole of s[a..b) as a name. Returns the confidence (0: not a name)
 * and the end of the name in *end (a trailing title or 收 is left out). */
static double whole_name(const char *s, size_t a, size_t b, size_t *end)
{
    size_t de;
    *end = b;
    if (parse_dotted(s, b, a, true, &de) && de == b) {
        /* 中国·杭州 is a place heading, not a name */
        if (xb_cn_word_exact(s, b, a, 6, XB_CNW_COUNTRY | XB_CNW_PROVINCE | XB_CNW_CITY))
            return 0;
        return 0.9;
    }
    /* A trailing title or stop word: 王小明先生, 王小明收, 王先生. */
    const xb_cn_word *tail =
        xb_cn_word_ending_at(s, b, b, XB_CNW_TITLE | XB_CNW_POST | XB_CNW_NAME_STOP);
    if (tail && b - tail->len > a) {
        size_t inner = b - tail->len;
        size_t ie;
        double c = whole_name(s, a, inner, &ie);
        if (c > 0 && ie == inner) {
            *end = inner;
            return c;
        }
        size_t cl = compound_surname_len(s, inner, a);
        if ((tail->kinds & XB_CNW_TITLE) &&
            (cl == inner - a || (inner - a == 3 && is_single_surname(s, inner, a)))) {
            *end = b;
            return 0.6;
        }
    }
    for (int compound = 1; compound >= 0; compound--) {
        size_t slen = compound ? compound_surname_len(s, b, a) : 0;
        if (compound && !slen)
            continue;
        if (!compound) {
            if (!is_single_surname(s, b, a))
                return 0;
            slen = 3;
        }
        size_t p = a + slen;
        int spaces = 0;
        while (p < b && s[p] == ' ' && spaces < 3) {
            p++;
            spaces++;
        }
        int given = 0;
        bool common = true, ok = p < b;
        while (p < b && ok) {
            size_t len = 1;
            unsigned f = 0;
            ok = given_char(s, b, p, &len, &f);
            if (!(f & XB_CNC_GIVEN))
                common = false;
            p += len;
            given++;
        }
        if (!ok || given == 0 || (spaces && given > 2))
            continue;
        name_cand c = {a, b, given > 2 ? 2 : given, compound != 0, common, END_CLEAN};
        if (given <= 2 && !spaces && is_common_word(s, b, &c))
            return 0;
        if (given <= 2) {
            if (!spaces && is_place_name(s, b, &c))
                return 0.55;
            if (spaces)
                return 0.85;
            return compound || common ? 0.95 : 0.9;
        }
        if (given == 3 && !spaces && !xb_cn_word_at(s, b, a, XB_CNW_NOT_NAME))
            return 0.6; /* 阿依古丽, a four-character or double-surname name */
    }
    return 0;
}

/* Parts of a name-field value that are names: "张伟", "张伟、李娜",
 * "联系人：张伟 13800138000". Every Han part must be a name or a label. */
static bool field_names(const char *s, size_t n, scan_state *st)
{
    size_t a = 0, b = n;
    while (a < b && is_ascii_space(s[a]))
        a++;
    while (b > a && is_ascii_space(s[b - 1]))
        b--;
    if (a == b)
        return false;
    size_t end;
    double c = whole_name(s, a, b, &end);
    if (c > 0) {
        emit(st, a, end, c);
        return true;
    }
    size_t starts[MAX_LIST_NAMES], ends[MAX_LIST_NAMES];
    double confs[MAX_LIST_NAMES];
    size_t count = 0;
    for (size_t i = a; i < b;) {
        uint32_t cp;
        size_t len = xb_cn_decode(s, b, i, &cp);
        if (!xb_cn_is_han(cp)) {
            i += len;
            continue;
        }
        size_t p = i;
        for (;;) {
            size_t l2;
            if (han_at(s, b, p, &cp, &l2)) {
                p += l2;
                continue;
            }
            size_t d = dot_len(s, b, p, false);
            if (d && han_at(s, b, p + d, &cp, &l2)) {
                p += d;
                continue;
            }
            break;
        }
        c = whole_name(s, i, p, &end);
        if (c > 0) {
            if (count == MAX_LIST_NAMES)
                return false;
            starts[count] = i;
            ends[count] = end;
            confs[count++] = c;
        } else if (!xb_cn_word_exact(s, b, i, p - i,
                                     XB_CNW_CUE | XB_CNW_TITLE | XB_CNW_NAME_STOP |
                                         XB_CNW_POST | XB_CNW_POST_MED | XB_CNW_LEFT)) {
            return false;
        }
        i = p;
    }
    for (size_t k = 0; k < count; k++)
        emit(st, starts[k], ends[k], confs[k]);
    return count > 0;
}

/* A bare value s[a..b) that is weak evidence of a name: a place suffix at
 * its end, or two characters whose surname is not among the most
 * frequent or whose given-name character is not a frequent one. Two
 * characters are where names and ordinary words collide most (徐汇 杨浦 罗湖
 * are districts, 申通 海尔 蒙牛 brands): without a name field or a cue such a
 * value is weaker evidence than a three-character name. */
static bool bare_name_weak(const char *s, size_t a, size_t b)
{
    /* A value ending in a village, town or county suffix is a place
     * (刘家庄, 王家村, 李家屯), whatever its length. */
    if (xb_cn_word_ending_at(s, b, b, XB_CNW_SUF_VILLAGE | XB_CNW_SUF_VILLAGE_WEAK |
                                          XB_CNW_SUF_TOWN | XB_CNW_SUF_ADMIN))
        return true;
    uint32_t c1, c2;
    if (b - a != 6 || xb_cn_decode(s, b, a, &c1) != 3 || xb_cn_decode(s, b, a + 3, &c2) != 3)
        return false;
    return !(xb_cn_flags(c1) & XB_CNC_SURNAME_TOP) || !(xb_cn_flags(c2) & XB_CNC_GIVEN);
}

size_t xb_find_person_names(const char *s, size_t n, bool field_hint,
                            xb_text_match *out, size_t max_out)
{
    if (!s || max_out == 0 || !xb_has_cjk(s, n))
        return 0;
    scan_state st = {s, n, out, 0, max_out, 0, 0};
    if (field_hint) {
        if (field_names(s, n, &st))
            return st.k;
        st.bonus = 0.05;
        scan_text(&st);
        return st.k;
    }
    scan_text(&st);
    if (st.k == 0) {
        /* A bare plausible name as the whole value of another field. */
        size_t a = 0, b = n, end;
        while (a < b && is_ascii_space(s[a]))
            a++;
        while (b > a && is_ascii_space(s[b - 1]))
            b--;
        if (b - a <= 40 && whole_name(s, a, b, &end) >= 0.9 && end == b)
            emit(&st, a, end, bare_name_weak(s, a, b) ? XB_NAME_BARE_WEAK_CONFIDENCE
                                                     : XB_NAME_BARE_CONFIDENCE);
    }
    return st.k;
}
