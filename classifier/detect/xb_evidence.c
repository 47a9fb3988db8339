/*
 * xb_evidence.c - evidence beyond a value's own shape (see xb_evidence.h):
 * opaque field names, IMEI reporting bodies, IPv4 address kinds, and the
 * record state that confirms or withdraws provisional findings.
 *
 * Why: names, IPv4 addresses and IMEIs under meaningless keys ({"f3":"张伟"},
 * {"c7":"10.23.4.5"}, {"x":"356938035643809"}) were missed because their
 * catalogs need a field name or hotword. Instead of lowering thresholds for
 * every value, each rule here adds one piece of independent evidence, and
 * the rules are cheap: they run only on values that already have the shape.
 */
#include "xb_evidence.h"

#include <string.h>

#include "xb_engine_internal.h"

/* ------------------------------------------------------------ shapes */

static bool generic_word(const char *w, size_t n)
{
    static const char *const words[] = {"field", "column", "col", "value", "val",
                                        "data", "item", "attr", "var", "param",
                                        "arg", "key", "cell"};
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (strlen(words[i]) == n && !memcmp(words[i], w, n))
            return true;
    return false;
}

bool xb_field_is_opaque(const char *field, size_t n)
{
    char w[32];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)field[i];
        if (c == '_' || c == '-' || c == '.' || c == ' ')
            continue;
        if (c >= 0x80 || k == sizeof(w))
            return false; /* CJK names and long names say something */
        w[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    if (k == 0)
        return true;
    size_t i = 0;
    if (w[0] == '#')
        i = 1;
    size_t letters = 0;
    while (i < k && w[i] >= 'a' && w[i] <= 'z') {
        i++;
        letters++;
    }
    size_t digits = 0;
    while (i < k && w[i] >= '0' && w[i] <= '9') {
        i++;
        digits++;
    }
    if (i != k)
        return false;
    if (w[0] == '#')
        return letters == 0 && digits > 0;
    if (letters <= 1)
        return true; /* v, p, 3, x7, k94 */
    if (letters <= 3 && digits > 0)
        return true; /* c03, col5, sn1 */
    return generic_word(w, letters);
}

/* Legacy 15-digit taxpayer and resident numbers begin with a province and
 * prefecture code; several reporting bodies share their first two digits
 * (35 Fujian, 33 Zhejiang, 44 Guangdong, 45 Guangxi, 50-54 Chongqing to
 * Tibet). Such a prefix is not evidence of an IMEI. max_prefecture: the
 * highest prefecture code of the province (9 for Fujian; 70 as a bound for
 * the others) - 90 is the province-administered county code. */
static bool area_code_prefix(const char *d, int max_prefecture)
{
    int pref = (d[2] - '0') * 10 + (d[3] - '0');
    return (pref >= 1 && pref <= max_prefecture) || pref == 90;
}

xb_imei_body xb_imei_reporting_body(const char *d)
{
    int rbi = (d[0] - '0') * 10 + (d[1] - '0');
    switch (rbi) {
    case 35: /* BABT, the largest body: with a Fujian prefix, ask the record */
        return area_code_prefix(d, 9) ? XB_IMEI_BODY_FORMER : XB_IMEI_BODY_CURRENT;
    case 1: case 86: case 99:
        return XB_IMEI_BODY_CURRENT;
    case 33: case 44: case 45: case 50: case 51: case 52: case 53: case 54:
        return area_code_prefix(d, 70) ? XB_IMEI_BODY_NONE : XB_IMEI_BODY_FORMER;
    case 10: case 30: case 49: case 91:
        return XB_IMEI_BODY_FORMER;
    default:
        return XB_IMEI_BODY_NONE;
    }
}

xb_ipv4_kind xb_ipv4_classify(const char *s, size_t n)
{
    int o[4] = {0, 0, 0, 0};
    int k = 0;
    for (size_t i = 0; i < n && k < 4; i++) {
        if (s[i] == '.')
            k++;
        else if (s[i] >= '0' && s[i] <= '9')
            o[k] = o[k] * 10 + (s[i] - '0');
    }
    if (o[0] == 0 || o[0] == 127 || o[0] >= 224 || (o[0] == 169 && o[1] == 254))
        return XB_IPV4_SPECIAL;
    if (o[3] == 255 && o[2] == 255)
        return XB_IPV4_SPECIAL;
    /* major.minor.patch.build with one-digit major and minor: 1.0.2.15,
     * 5.3.12.7. Few user addresses start so (1.1.1.1 and 8.8.8.8 are public
     * resolvers, not users). */
    if (o[0] < 10 && o[1] < 10)
        return XB_IPV4_VERSION;
    return XB_IPV4_ADDRESS;
}

bool xb_whole_value(const char *t, size_t n, size_t s, size_t e)
{
    for (size_t i = 0; i < s; i++)
        if (t[i] != ' ' && t[i] != '\t')
            return false;
    for (size_t i = e; i < n; i++)
        if (t[i] != ' ' && t[i] != '\t')
            return false;
    return true;
}

double xb_ipv4_confidence(const char *t, size_t n, size_t s, size_t e)
{
    if (xb_whole_value(t, n, s, e) && xb_ipv4_classify(t + s, e - s) == XB_IPV4_ADDRESS)
        return 0.75;
    return 0.6;
}

/* ------------------------------------------------------------ records */

static uint64_t mix(uint64_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

/* A record is the parser's record number within its part, or - when the
 * parser gives none (XML, a single JSON object, a form) - the value's
 * parent path. */
static uint64_t record_key(const xb_value *v)
{
    uint64_t h = 1469598103934665603ull;
    const char *p = v->path ? v->path : "";
    size_t n = v->path ? v->path_len : 0;
    if (v->record != XB_RECORD_NONE) {
        const char *hash = memchr(p, '#', n);
        h = mix(h, p, hash ? (size_t)(hash - p) : 0);
        uint64_t r = (uint64_t)v->record;
        return (h ^ (r * 0x9E3779B97F4A7C15ull)) | 1; /* odd: numbered */
    }
    while (n > 0 && p[n - 1] != '/')
        n--;
    return mix(h, p, n) & ~(uint64_t)1; /* even: by path */
}

static bool is_provisional(const xb_record_ctx *r, size_t index)
{
    for (size_t i = 0; i < r->n_prov; i++)
        if (r->prov_index[i] == index)
            return true;
    return false;
}

static unsigned evidence_of(const char *detector)
{
    static const xb_det_id person[] = {
        XB_D_RIC18, XB_D_RIC15, XB_D_HMT_RESIDENCE, XB_D_FOREIGN_PR_2023,
        XB_D_FOREIGN_PR_2017, XB_D_PASSPORT, XB_D_HKMO_HOME_RETURN,
        XB_D_TAIWAN_PERMIT, XB_D_MAINLAND_HKMO, XB_D_MOBILE, XB_D_EMAIL,
        XB_D_BANK_CARD};
    /* Not IP addresses (every web order carries the client's IP) nor plates
     * (every waybill carries the truck's). */
    static const xb_det_id device[] = {XB_D_IMEI, XB_D_VIN, XB_D_MAC};
    /* Built-in detectors report their registry name: compare pointers. */
    for (size_t i = 0; i < sizeof(person) / sizeof(person[0]); i++)
        if (detector == xb_builtin_detector_at(person[i])->name)
            return XB_EV_PERSON;
    for (size_t i = 0; i < sizeof(device) / sizeof(device[0]); i++)
        if (detector == xb_builtin_detector_at(device[i])->name)
            return XB_EV_DEVICE;
    return 0;
}

void xb_record_resolve(xb_record_ctx *r, xb_findings *out)
{
    /* Remove the unconfirmed provisional findings (indexes ascending). */
    if (r->n_prov > 0) {
        size_t w = r->prov_index[0], p = 0;
        for (size_t i = r->prov_index[0]; i < out->n; i++) {
            if (p < r->n_prov && r->prov_index[p] == i) {
                p++;
                continue;
            }
            out->items[w++] = out->items[i];
        }
        out->n = w;
    }
    r->n_prov = 0;
    r->evidence = 0;
    r->need = 0;
    r->started = false;
}

void xb_record_enter(xb_record_ctx *r, xb_findings *out, const xb_value *v)
{
    uint64_t key = record_key(v);
    if (r->started && r->key == key)
        return;
    xb_record_resolve(r, out);
    r->key = key;
    r->started = true;
}

void xb_record_after_value(xb_record_ctx *r, xb_findings *out, size_t first)
{
    unsigned before = r->evidence;
    /* The findings of one value mostly share a detector (one match reported
     * for several catalog entries): judge each detector once. */
    const char *last = NULL;
    unsigned last_ev = 0;
    for (size_t i = first; i < out->n && r->evidence != (XB_EV_PERSON | XB_EV_DEVICE); i++) {
        const char *d = out->items[i].detector;
        if (d != last) {
            last = d;
            last_ev = evidence_of(d);
        }
        if ((last_ev & ~r->evidence) && !is_provisional(r, i))
            r->evidence |= last_ev;
    }
    if (r->evidence == before || r->n_prov == 0)
        return;
    size_t w = 0;
    for (size_t i = 0; i < r->n_prov; i++) {
        if (r->prov_need[i] & r->evidence)
            continue; /* confirmed: an ordinary finding from now on */
        r->prov_index[w] = r->prov_index[i];
        r->prov_need[w++] = r->prov_need[i];
    }
    r->n_prov = w;
}

bool xb_record_add_provisional(xb_record_ctx *r, size_t index)
{
    if (r->n_prov == XB_RECORD_MAX_PROVISIONAL)
        return false;
    r->prov_index[r->n_prov] = index;
    r->prov_need[r->n_prov++] = r->need;
    return true;
}
