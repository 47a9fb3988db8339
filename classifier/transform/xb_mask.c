/*
 * xb_mask.c - masking rules for identifiers made of digits and letters (IDs,
 * phones, cards, documents, plates, VINs ...), the rule table and the
 * dispatch; see xb_mask.h. Text-like rules live in xb_mask_net.c and
 * xb_mask_cjk.c.
 */
#include <string.h>

#include "xb_mask_internal.h"

/* ------------------------------------------------------------ rule table */

static const char *const rule_names[XB_MASK_RULE_COUNT] = {
    [XB_MASK_GENERIC] = "generic",
    [XB_MASK_STRICT] = "strict",
    [XB_MASK_RESIDENT_ID] = "resident_id",
    [XB_MASK_RESIDENT_ID15] = "resident_id15",
    [XB_MASK_FOREIGN_PR_2017] = "foreign_pr_2017",
    [XB_MASK_DOCUMENT] = "document",
    [XB_MASK_MOBILE] = "mobile",
    [XB_MASK_IOT] = "iot_number",
    [XB_MASK_LANDLINE] = "landline",
    [XB_MASK_BANK_CARD] = "bank_card",
    [XB_MASK_EMAIL] = "email",
    [XB_MASK_USCC] = "uscc",
    [XB_MASK_ORG_CODE] = "org_code",
    [XB_MASK_PLATE] = "plate",
    [XB_MASK_VIN] = "vin",
    [XB_MASK_IMEI] = "imei",
    [XB_MASK_MAC] = "mac_address",
    [XB_MASK_IPV4] = "ipv4",
    [XB_MASK_IPV6] = "ipv6",
    [XB_MASK_COORDINATES] = "coordinates",
    [XB_MASK_POSTAL_CODE] = "postal_code",
    [XB_MASK_PERSON_NAME] = "person_name",
    [XB_MASK_ADDRESS] = "address",
};

const char *xb_mask_rule_name(xb_mask_rule rule)
{
    if ((unsigned)rule >= XB_MASK_RULE_COUNT)
        return "generic";
    return rule_names[rule];
}

typedef struct detector_rule {
    const char *detector;
    xb_mask_rule rule;
} detector_rule;

/* Built-in detector names (xb_detectors.h) and their renditions. */
static const detector_rule detector_rules[] = {
    {"cn_ric18", XB_MASK_RESIDENT_ID},
    {"cn_ric15", XB_MASK_RESIDENT_ID15},
    {"cn_hmt_residence", XB_MASK_RESIDENT_ID},
    {"cn_foreign_pr_2023", XB_MASK_RESIDENT_ID},
    {"cn_foreign_pr_2017", XB_MASK_FOREIGN_PR_2017},
    {"cn_passport", XB_MASK_DOCUMENT},
    {"hkmo_home_return_permit", XB_MASK_DOCUMENT},
    {"taiwan_permit", XB_MASK_DOCUMENT},
    {"mainland_hkmo_permit", XB_MASK_DOCUMENT},
    {"cn_mobile", XB_MASK_MOBILE},
    {"cn_iot_number", XB_MASK_IOT},
    {"cn_landline", XB_MASK_LANDLINE},
    {"email", XB_MASK_EMAIL},
    {"bank_card", XB_MASK_BANK_CARD},
    {"cn_uscc", XB_MASK_USCC},
    {"cn_org_code", XB_MASK_ORG_CODE},
    {"cn_plate", XB_MASK_PLATE},
    {"vin", XB_MASK_VIN},
    {"imei", XB_MASK_IMEI},
    {"mac_address", XB_MASK_MAC},
    {"ipv4", XB_MASK_IPV4},
    {"ipv6", XB_MASK_IPV6},
    {"cn_coordinates", XB_MASK_COORDINATES},
    {"cn_postal_code", XB_MASK_POSTAL_CODE},
    {"person_name", XB_MASK_PERSON_NAME},
    {"address", XB_MASK_ADDRESS},
};

static bool lookup_detector(const char *detector, xb_mask_rule *rule)
{
    if (!detector)
        return false;
    for (size_t i = 0; i < sizeof(detector_rules) / sizeof(detector_rules[0]); i++)
        if (strcmp(detector_rules[i].detector, detector) == 0) {
            *rule = detector_rules[i].rule;
            return true;
        }
    return false;
}

xb_mask_rule xb_mask_rule_for_detector(const char *detector)
{
    xb_mask_rule r = XB_MASK_GENERIC;
    (void)lookup_detector(detector, &r);
    return r;
}

xb_mask_rule xb_mask_rule_for_finding(const char *detector, const xb_entry *entry)
{
    xb_mask_rule r;
    if (lookup_detector(detector, &r))
        return r;
    if (entry)
        for (size_t i = 0; i < entry->n_validators; i++)
            if (lookup_detector(entry->validators[i], &r))
                return r;
    return XB_MASK_GENERIC;
}

/* ---------------------------------------------------------- primitives */

bool xb_mask_is_separator(uint32_t cp)
{
    switch (cp) {
    case ' ': case '\t': case '-': case '.': case '/': case '(': case ')':
    case '+': case ':': case '_': case ',':
    case 0x00A0: /* no-break space */
    case 0x00B7: /* middle dot */
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015:
    case 0x2022: /* bullet, used as a name dot */
    case 0x3000: /* ideographic space */
    case 0x30FB: /* katakana middle dot */
    case 0xFF08: case 0xFF09: case 0xFF0B: case 0xFF0C: case 0xFF0D:
    case 0xFF0E: case 0xFF0F: case 0xFF1A: case 0xFF3F:
        return true;
    default:
        return xb_is_zero_width(cp);
    }
}

xb_status xb_mask_put_star(xb_buf *out, uint32_t cp)
{
    if (cp != XB_U8_INVALID && xb_is_fullwidth_ascii(cp))
        return xb_buf_append(out, "\xEF\xBC\x8A", 3); /* U+FF0A */
    return xb_buf_append_char(out, '*');
}

xb_status xb_mask_put_kept(xb_buf *out, const uint8_t *s, size_t len, uint32_t cp)
{
    if (cp == XB_U8_INVALID)
        return xb_buf_append_char(out, '*');
    return xb_buf_append(out, s, len);
}

size_t xb_mask_count_significant(const uint8_t *s, size_t n)
{
    size_t count = 0, i = 0;
    while (i < n) {
        uint32_t cp;
        i += xb_u8_decode(s + i, n - i, &cp);
        if (cp == XB_U8_INVALID || !xb_mask_is_separator(cp))
            count++;
    }
    return count;
}

xb_status xb_mask_keep(const uint8_t *s, size_t n, size_t head, size_t tail,
                       xb_buf *out)
{
    size_t total = xb_mask_count_significant(s, n);
    /* A value too short for the rule keeps at most half, head first. */
    if (head + tail >= total) {
        size_t keep = total / 2;
        if (head > keep)
            head = keep;
        if (tail > keep - head)
            tail = keep - head;
    }
    size_t idx = 0, i = 0;
    xb_status st = XB_OK;
    while (i < n && st == XB_OK) {
        uint32_t cp;
        size_t len = xb_u8_decode(s + i, n - i, &cp);
        if (cp != XB_U8_INVALID && xb_mask_is_separator(cp)) {
            st = xb_buf_append(out, s + i, len);
        } else {
            idx++;
            if (idx <= head || idx > total - tail)
                st = xb_mask_put_kept(out, s + i, len, cp);
            else
                st = xb_mask_put_star(out, cp);
        }
        i += len;
    }
    return st;
}

/* ------------------------------------------------- digit sequence rules */

/* Digits of a phone number and where the separators between them are:
 * group[i] is the index of the separated group digit i belongs to. */
typedef struct phone_digits {
    char d[40];
    unsigned char group[40];
    size_t n;
    bool plus;        /* a '+' came before the first digit */
    bool overflow;
} phone_digits;

static void read_phone_digits(const uint8_t *s, size_t n, phone_digits *pd)
{
    memset(pd, 0, sizeof(*pd));
    size_t i = 0;
    unsigned group = 0;
    bool sep_since_digit = false;
    while (i < n) {
        uint32_t cp;
        i += xb_u8_decode(s + i, n - i, &cp);
        uint32_t a = xb_fold_fullwidth(cp);
        if (cp != XB_U8_INVALID && a >= '0' && a <= '9') {
            if (pd->n == sizeof(pd->d)) {
                pd->overflow = true;
                return;
            }
            if (sep_since_digit && pd->n > 0 && group < 255)
                group++;
            sep_since_digit = false;
            pd->group[pd->n] = (unsigned char)group;
            pd->d[pd->n++] = (char)a;
        } else {
            if (a == '+' && pd->n == 0)
                pd->plus = true;
            sep_since_digit = true;
        }
    }
}

/* Number of leading digits that are a +86 / 0086 country code. */
static size_t country_code_len(const phone_digits *pd)
{
    if (pd->plus && pd->n > 2 && pd->d[0] == '8' && pd->d[1] == '6')
        return 2;
    if (pd->n > 4 && memcmp(pd->d, "0086", 4) == 0)
        return 4;
    return 0;
}

static xb_status mask_mobile(const uint8_t *s, size_t n, xb_buf *out)
{
    phone_digits pd;
    read_phone_digits(s, n, &pd);
    size_t skip = 0;
    if (!pd.overflow && pd.n > 11)
        skip = pd.n - 11; /* country code and trunk digits */
    return xb_mask_keep(s, n, skip + 3, 4, out);
}

static xb_status mask_landline(const uint8_t *s, size_t n, xb_buf *out)
{
    phone_digits pd;
    read_phone_digits(s, n, &pd);
    if (pd.overflow || pd.n < 7)
        return xb_mask_keep(s, n, 1, 1, out);
    size_t cc = country_code_len(&pd);
    size_t area;
    /* A separated first group of 2-4 digits is the area code as written. */
    size_t g = 0;
    while (cc + g < pd.n && pd.group[cc + g] == pd.group[cc])
        g++;
    bool cc_own_group = cc == 0 || pd.group[cc] != pd.group[cc - 1];
    if (cc_own_group && cc + g < pd.n && g >= 2 && g <= 4) {
        area = g;
    } else if (pd.d[cc] == '0') {
        area = (pd.d[cc + 1] == '1' || pd.d[cc + 1] == '2') ? 3 : 4;
    } else {
        area = (pd.d[cc] == '1' || pd.d[cc] == '2') ? 2 : 3;
    }
    return xb_mask_keep(s, n, cc + area, 2, out);
}

/* Passports and permits: keep the leading letters (1-2; 2 characters for
 * all-digit numbers) and the last 2. */
static xb_status mask_document(const uint8_t *s, size_t n, xb_buf *out)
{
    size_t letters = 0, i = 0;
    while (i < n && letters < 2) {
        uint32_t cp;
        size_t len = xb_u8_decode(s + i, n - i, &cp);
        if (cp != XB_U8_INVALID && xb_mask_is_separator(cp)) {
            i += len;
            continue;
        }
        if (cp == XB_U8_INVALID || !xb_is_any_latin(cp))
            break;
        letters++;
        i += len;
    }
    return xb_mask_keep(s, n, letters ? letters : 2, 2, out);
}

/* -------------------------------------------------------------- dispatch */

xb_status xb_mask_apply(xb_mask_rule rule, const char *value, size_t len,
                        xb_buf *out)
{
    const uint8_t *s = (const uint8_t *)value;
    if (len == 0)
        return XB_OK;
    switch (rule) {
    case XB_MASK_STRICT: return xb_mask_keep(s, len, 0, 0, out);
    case XB_MASK_RESIDENT_ID: return xb_mask_keep(s, len, 6, 4, out);
    case XB_MASK_RESIDENT_ID15: return xb_mask_keep(s, len, 6, 3, out);
    case XB_MASK_FOREIGN_PR_2017: return xb_mask_keep(s, len, 3, 2, out);
    case XB_MASK_DOCUMENT: return mask_document(s, len, out);
    case XB_MASK_MOBILE: return mask_mobile(s, len, out);
    case XB_MASK_IOT: return xb_mask_keep(s, len, 3, 4, out);
    case XB_MASK_LANDLINE: return mask_landline(s, len, out);
    case XB_MASK_BANK_CARD: return xb_mask_keep(s, len, 6, 4, out);
    case XB_MASK_EMAIL: return xb_mask_email(s, len, out);
    case XB_MASK_USCC: return xb_mask_keep(s, len, 8, 2, out);
    case XB_MASK_ORG_CODE: return xb_mask_keep(s, len, 2, 2, out);
    case XB_MASK_PLATE: return xb_mask_keep(s, len, 2, 2, out);
    case XB_MASK_VIN: return xb_mask_keep(s, len, 3, 4, out);
    case XB_MASK_IMEI: return xb_mask_keep(s, len, 8, 2, out);
    case XB_MASK_MAC: return xb_mask_keep(s, len, 6, 0, out);
    case XB_MASK_IPV4: return xb_mask_ipv4(s, len, out);
    case XB_MASK_IPV6: return xb_mask_ipv6(s, len, out);
    case XB_MASK_COORDINATES: return xb_mask_coordinates(s, len, out);
    case XB_MASK_POSTAL_CODE: return xb_mask_keep(s, len, 2, 0, out);
    case XB_MASK_PERSON_NAME: return xb_mask_person_name(s, len, out);
    case XB_MASK_ADDRESS: return xb_mask_address(s, len, out);
    case XB_MASK_GENERIC:
    case XB_MASK_RULE_COUNT:
        break;
    }
    return xb_mask_keep(s, len, 1, 1, out);
}

xb_status xb_mask_text(const char *detector, const xb_entry *entry,
                       const char *value, size_t len, xb_buf *out)
{
    return xb_mask_apply(xb_mask_rule_for_finding(detector, entry), value, len, out);
}
