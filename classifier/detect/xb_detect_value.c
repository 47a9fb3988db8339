/*
 * xb_detect_value.c - classify one scalar value against the compiled
 * catalogs.
 *
 * Order of work for a value, cheapest first:
 *   1. field name -> entries named for this field (cached per scan)
 *   2. normalisation (only when the value has non-ASCII bytes)
 *   3. one token pass; each token is dispatched by shape to the few
 *      validators that can apply (an 11-digit token only ever reaches the
 *      mobile check, an 18-character one the ID / USCC / card checks)
 *   4. structural scans triggered by a marker byte: '@' (email), ':' (IPv6,
 *      MAC), dotted quads (IPv4), province character + letter (plates),
 *      decimal pairs (coordinates)
 *   5. names and addresses, only for values with CJK characters
 *   6. catalog patterns (token / value / text scope) and keywords
 * Confidence = detector base + field-name hint + hotwords - exclusion words;
 * a finding is kept when it reaches the entry's min-confidence.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xb_cntext.h"
#include "xb_engine_internal.h"
#include "xb_tokens.h"
#include "xb_validate.h"

#define HINT_BOOST 0.2
#define CONTEXT_WINDOW 30 /* bytes either side of a match searched for words */

xb_status xb_detect_ctx_init(xb_detect_ctx *dc, const xb_engine *e,
                             xb_findings *out, bool keep_values)
{
    memset(dc, 0, sizeof(*dc));
    dc->engine = e;
    dc->out = out;
    dc->keep_values = keep_values;
    dc->md = pcre2_match_data_create(16, NULL);
    dc->use_memo = true;
    return dc->md ? XB_OK : XB_ERR_NOMEM;
}

static void pending_clear(xb_pending_coord *p)
{
    free(p->parent);
    free(p->path);
    free(p->text);
    memset(p, 0, sizeof(*p));
}

void xb_detect_ctx_free(xb_detect_ctx *dc)
{
    xb_norm_free(&dc->norm);
    if (dc->md)
        pcre2_match_data_free(dc->md);
    for (size_t i = 0; i < XB_FIELD_CACHE; i++) {
        free(dc->cache[i].name);
        free(dc->cache[i].words);
    }
    pending_clear(&dc->lat);
    pending_clear(&dc->lon);
    xb_buf_free(&dc->scratch);
    xb_memo_free(&dc->memo);
}

void xb_findings_free(xb_findings *f)
{
    xb_arena_free(&f->strings);
    free(f->items);
    memset(f, 0, sizeof(*f));
}

/* ---------------------------------------------------------------- fields */

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

static void add_hint(xb_field_cache_slot *slot, uint32_t entry)
{
    for (size_t i = 0; i < slot->n; i++)
        if (slot->entries[i] == entry)
            return;
    if (slot->n < XB_FIELD_MAX_ENTRIES)
        slot->entries[slot->n++] = entry;
}

static void compute_field_entries(const xb_engine *e, const char *field,
                                  size_t len, xb_field_cache_slot *slot)
{
    char norm[256];
    size_t n = xb_field_normalize(field, len, norm, sizeof(norm));
    slot->n = 0;
    if (n == 0)
        return;
    size_t mask = e->fields_cap - 1;
    size_t i = (size_t)hash_bytes(norm, n) & mask;
    while (e->fields[i].name) {
        if (!strcmp(e->fields[i].name, norm)) {
            for (size_t k = 0; k < e->fields[i].entries.n; k++)
                add_hint(slot, e->fields[i].entries.items[k]);
            break;
        }
        i = (i + 1) & mask;
    }
    for (size_t k = 0; k < e->n_prefixes; k++)
        if (n >= e->prefixes[k].len &&
            !memcmp(norm, e->prefixes[k].text, e->prefixes[k].len))
            add_hint(slot, e->prefixes[k].entry);
    for (size_t k = 0; k < e->n_suffixes; k++)
        if (n >= e->suffixes[k].len &&
            !memcmp(norm + n - e->suffixes[k].len, e->suffixes[k].text,
                    e->suffixes[k].len))
            add_hint(slot, e->suffixes[k].entry);
}

typedef enum { COORD_NONE, COORD_LAT, COORD_LON } coord_kind;
static coord_kind coord_field(const char *f, size_t n);

static bool cached_field(const xb_field_cache_slot *slot, uint64_t h,
                         const char *field, size_t len)
{
    return slot->used && slot->hash == h && slot->len == len &&
           !memcmp(slot->name, field, len);
}

/* The field's entries, from a two-way cache keyed by the field's hash. */
static void lookup_field(xb_detect_ctx *dc, const char *field, size_t len, uint64_t h)
{
    dc->hinted = NULL;
    dc->n_hinted = 0;
    dc->field_coord = COORD_NONE;
    dc->field_slot = NULL;
    if (len == 0)
        return;
    xb_field_cache_slot *slot = &dc->cache[h % XB_FIELD_CACHE];
    xb_field_cache_slot *other = &dc->cache[(h + 1) % XB_FIELD_CACHE];
    if (cached_field(other, h, field, len))
        slot = other;
    else if (!cached_field(slot, h, field, len)) {
        /* a miss: fill the neighbour when it is free, else the home slot */
        if (slot->used && !other->used)
            slot = other;
        char *copy = malloc(len);
        if (!copy)
            return;
        memcpy(copy, field, len);
        free(slot->name);
        free(slot->words);
        slot->words = NULL;
        slot->name = copy;
        slot->hash = h;
        slot->len = len;
        slot->used = true;
        compute_field_entries(dc->engine, field, len, slot);
        slot->coord = (uint8_t)coord_field(field, len);
    }
    dc->hinted = slot->entries;
    dc->n_hinted = slot->n;
    dc->field_coord = slot->coord;
    dc->field_slot = slot;
}

static bool is_hinted(const xb_detect_ctx *dc, uint32_t entry)
{
    for (size_t i = 0; i < dc->n_hinted; i++)
        if (dc->hinted[i] == entry)
            return true;
    return false;
}

static bool any_hinted(const xb_detect_ctx *dc, xb_det_id det)
{
    const xb_idx_list *l = &dc->engine->by_det[det];
    for (size_t i = 0; i < l->n; i++)
        if (is_hinted(dc, l->items[i]))
            return true;
    return false;
}

/* --------------------------------------------------------------- context */

/* Does hay[0..n) contain needle[0..k), ASCII case-insensitively? */
static bool contains_ci(const char *hay, size_t n, const char *needle, size_t k)
{
    if (k == 0 || k > n)
        return false;
    unsigned char first = (unsigned char)tolower((unsigned char)needle[0]);
    for (size_t i = 0; i + k <= n; i++) {
        if ((unsigned char)tolower((unsigned char)hay[i]) != first)
            continue;
        size_t j = 1;
        while (j < k && tolower((unsigned char)hay[i + j]) ==
                            tolower((unsigned char)needle[j]))
            j++;
        if (j == k)
            return true;
    }
    return false;
}

enum { FIELD_WORDS_KNOWN = 1, FIELD_WORDS_HOT = 2, FIELD_WORDS_EXCLUDE = 4 };

/* Whether the current field name holds one of the entry's hotwords /
 * exclusion words (FIELD_WORDS_* bits), computed once per field and entry. */
static unsigned field_words(xb_detect_ctx *dc, uint32_t entry)
{
    const xb_rt_entry *rt = &dc->engine->entries[entry];
    const xb_entry *en = rt->e;
    xb_field_cache_slot *slot = dc->field_slot;
    if (slot && !slot->words)
        slot->words = calloc(dc->engine->n_entries, 1);
    if (slot && slot->words && (slot->words[entry] & FIELD_WORDS_KNOWN))
        return slot->words[entry];
    const char *field = dc->v->field;
    size_t flen = dc->v->field_len;
    unsigned bits = FIELD_WORDS_KNOWN;
    for (size_t i = 0; i < en->n_hotwords; i++)
        if (contains_ci(field, flen, en->hotwords[i], rt->word_len[i])) {
            bits |= FIELD_WORDS_HOT;
            break;
        }
    for (size_t i = 0; i < en->n_exclude_words; i++)
        if (contains_ci(field, flen, en->exclude_words[i], rt->word_len[en->n_hotwords + i])) {
            bits |= FIELD_WORDS_EXCLUDE;
            break;
        }
    if (slot && slot->words)
        slot->words[entry] = (uint8_t)bits;
    return bits;
}

/* Length of a clause separator at t[i] (0 when none): ; , | and line
 * breaks, and the full-width ；，。、 that end a clause in Chinese text. */
static size_t clause_separator(const char *t, size_t n, size_t i)
{
    unsigned char c = (unsigned char)t[i];
    if (c == ';' || c == ',' || c == '|' || c == '\n' || c == '\r')
        return 1;
    if (i + 3 <= n) {
        const unsigned char *u = (const unsigned char *)t + i;
        if (u[0] == 0xEF && u[1] == 0xBC && (u[2] == 0x9B || u[2] == 0x8C))
            return 3; /* ； ， */
        if (u[0] == 0xE3 && u[1] == 0x80 && (u[2] == 0x82 || u[2] == 0x81))
            return 3; /* 。 、 */
    }
    return 0;
}

/* Hotwords raise and exclusion words lower confidence when they appear in
 * the field name, or within CONTEXT_WINDOW bytes of the match and in its
 * clause: "流水号：8330…；设备IMEI 8671…" - the IMEI cue belongs to the
 * second number, not to the first. */
static double context_adjust(xb_detect_ctx *dc, uint32_t entry,
                             const char *t, size_t n, size_t ms, size_t me,
                             double confidence)
{
    const xb_rt_entry *rt = &dc->engine->entries[entry];
    const xb_entry *en = rt->e;
    if (en->n_hotwords == 0 && en->n_exclude_words == 0)
        return 0;
    size_t ws = ms > CONTEXT_WINDOW ? ms - CONTEXT_WINDOW : 0;
    size_t we = me + CONTEXT_WINDOW < n ? me + CONTEXT_WINDOW : n;
    for (size_t i = ms; i > ws; i--)
        if (clause_separator(t, n, i - 1)) {
            ws = i;
            break;
        }
    for (size_t i = me; i < we; i++)
        if (clause_separator(t, n, i)) {
            we = i;
            break;
        }
    unsigned in_field = field_words(dc, entry);
    double adj = 0;
    /* Hotwords can only raise confidence: skip them when it is already 1. */
    if (confidence < 1.0 && en->n_hotwords) {
        bool hot = in_field & FIELD_WORDS_HOT;
        for (size_t i = 0; !hot && i < en->n_hotwords; i++)
            hot = contains_ci(t + ws, ms - ws, en->hotwords[i], rt->word_len[i]) ||
                  contains_ci(t + me, we - me, en->hotwords[i], rt->word_len[i]);
        if (hot)
            adj += en->hotword_boost > 0 ? en->hotword_boost : 0.15;
    }
    if (en->n_exclude_words) {
        bool excluded = in_field & FIELD_WORDS_EXCLUDE;
        for (size_t i = 0; !excluded && i < en->n_exclude_words; i++) {
            size_t k = rt->word_len[en->n_hotwords + i];
            excluded = contains_ci(t + ws, ms - ws, en->exclude_words[i], k) ||
                       contains_ci(t + me, we - me, en->exclude_words[i], k);
        }
        if (excluded)
            adj -= en->exclude_penalty > 0 ? en->exclude_penalty : 0.4;
    }
    return adj;
}

/* ---------------------------------------------------------------- emit */

static char *dup_n(const void *p, size_t n)
{
    char *s = malloc(n + 1);
    if (s) {
        memcpy(s, p, n);
        s[n] = '\0';
    }
    return s;
}

typedef struct match_info {
    const char *detector;
    double confidence;
    size_t ns, ne;            /* range in normalised text */
    const char *identifier;   /* canonical form, or NULL */
    size_t identifier_len;
    int rank;
    bool high_precision;
} match_info;

static xb_status push_finding(xb_detect_ctx *dc, uint32_t entry,
                              const match_info *m, size_t ds, size_t de)
{
    xb_findings *out = dc->out;
    const xb_value *v = dc->v;
    size_t rs = v->raw_offsets ? v->raw_offsets[ds] : v->raw_start + ds;
    size_t re = v->raw_offsets ? v->raw_offsets[de] : v->raw_start + de;
    /* Same entry, overlapping span within this value: keep the stronger. */
    for (size_t i = dc->value_first_finding; i < out->n; i++) {
        xb_finding *f = &out->items[i];
        if (f->entry == dc->engine->entries[entry].e && rs < f->span.end &&
            f->span.start < re) {
            if (m->confidence > f->confidence)
                f->confidence = m->confidence;
            return XB_OK;
        }
    }
    if (out->n >= out->max) {
        out->truncated = true;
        dc->stateful = true;
        return XB_OK;
    }
    if (out->n == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 16;
        xb_finding *p = realloc(out->items, cap * sizeof(*p));
        if (!p)
            return XB_ERR_NOMEM;
        out->items = p;
        out->cap = cap;
    }
    xb_finding *f = &out->items[out->n];
    memset(f, 0, sizeof(*f));
    f->entry = dc->engine->entries[entry].e;
    f->level = dc->engine->entries[entry].level;
    /* The findings of one value share its path, and the same matched text
     * or identifier (one match reported for several entries). */
    if (!dc->value_path)
        dc->value_path = xb_arena_strndup(&out->strings, v->path, v->path_len);
    f->path = (char *)dc->value_path;
    f->span.start = rs;
    f->span.end = re;
    f->value_span.start = v->raw_start;
    f->value_span.end = v->raw_end;
    f->exact = v->exact;
    f->syntax = v->syntax;
    f->confidence = m->confidence > 1.0 ? 1.0 : m->confidence;
    f->detector = m->detector;
    f->record = v->record;
    f->subject_rank = (xb_subject_rank)m->rank;
    f->high_precision = m->high_precision;
    if (m->identifier) {
        if (!dc->shared_ident || dc->shared_ident_src != m->identifier ||
            dc->shared_ident_len != m->identifier_len ||
            memcmp(dc->shared_ident, m->identifier, m->identifier_len)) {
            dc->shared_ident = xb_arena_strndup(&out->strings, m->identifier,
                                                m->identifier_len);
            dc->shared_ident_src = m->identifier;
            dc->shared_ident_len = m->identifier_len;
        }
        f->identifier = (char *)dc->shared_ident;
    }
    if (dc->keep_values) {
        if (!dc->shared_text || dc->shared_ds != ds || dc->shared_de != de) {
            dc->shared_text = xb_arena_strndup(&out->strings, v->data + ds, de - ds);
            dc->shared_ds = ds;
            dc->shared_de = de;
        }
        f->value = (char *)dc->shared_text;
    }
    if (!f->path || (m->identifier && !f->identifier) || (dc->keep_values && !f->value))
        return XB_ERR_NOMEM;
    out->n++;
    /* record evidence: a finding that waits for its record (xb_evidence.c) */
    if (dc->rec.need && !xb_record_add_provisional(&dc->rec, out->n - 1)) {
        out->n--;
        dc->stateful = true; /* dropped for a full list, not clean */
    }
    return XB_OK;
}

/* Report a match for one entry, applying hint, context and threshold. */
static xb_status emit_entry(xb_detect_ctx *dc, uint32_t entry, match_info m,
                            bool needs_hint)
{
    const xb_rt_entry *rt = &dc->engine->entries[entry];
    bool hinted = is_hinted(dc, entry);
    if (needs_hint && !hinted)
        return XB_OK;
    if (hinted)
        m.confidence += HINT_BOOST;
    const char *t = xb_norm_text(&dc->norm);
    size_t n = xb_norm_len(&dc->norm);
    m.confidence += context_adjust(dc, entry, t, n, m.ns, m.ne, m.confidence);
    if (m.confidence + 1e-9 < rt->min_conf)
        return XB_OK;
    size_t ds, de;
    xb_norm_to_source(&dc->norm, m.ns, m.ne, &ds, &de);
    return push_finding(dc, entry, &m, ds, de);
}

/* Report a built-in detector match for every entry that uses it. */
static xb_status emit_det(xb_detect_ctx *dc, xb_det_id det, match_info m)
{
    const xb_builtin_detector *d = xb_builtin_detector_at(det);
    const xb_idx_list *l = &dc->engine->by_det[det];
    m.detector = d->name;
    for (size_t i = 0; i < l->n; i++) {
        xb_status st = emit_entry(dc, l->items[i], m, d->needs_field_context);
        if (st != XB_OK)
            return st;
    }
    return XB_OK;
}

static bool enabled(const xb_detect_ctx *dc, xb_det_id det)
{
    return dc->engine->by_det[det].n > 0;
}

/* -------------------------------------------------------------- tokens */

static int two(const char *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

static bool province_ok(int p)
{
    return (p >= 11 && p <= 15) || (p >= 21 && p <= 23) || (p >= 31 && p <= 37) ||
           (p >= 41 && p <= 46) || (p >= 50 && p <= 54) || (p >= 61 && p <= 65) ||
           p == 71 || (p >= 81 && p <= 83);
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* An 18-character token that looks like a citizen ID (province code and a
 * plausible birth date) is judged only as an ID: when its check digit fails
 * it must not resurface as a bank card. */
static bool id18_shaped(const char *s)
{
    if (!all_digits(s, 17) || !province_ok(two(s)))
        return false;
    int cent = two(s + 6), mm = two(s + 10), dd = two(s + 12);
    return (cent == 19 || cent == 20 || cent == 18) && mm >= 1 && mm <= 12 &&
           dd >= 1 && dd <= 31;
}

static bool id15_shaped(const char *s)
{
    if (!all_digits(s, 15) || !province_ok(two(s)))
        return false;
    int mm = two(s + 8), dd = two(s + 10);
    return mm >= 1 && mm <= 12 && dd >= 1 && dd <= 31;
}

static xb_status token_match(xb_detect_ctx *dc, xb_det_id det,
                             const xb_token *tk, const char *ident,
                             size_t ident_len, double conf, size_t ns)
{
    match_info m = {0};
    m.confidence = conf;
    m.ns = ns;
    m.ne = tk->end;
    m.identifier = ident;
    m.identifier_len = ident_len;
    m.rank = xb_builtin_detector_at(det)->subject_rank;
    if (!m.rank && det != XB_D_BANK_CARD)
        m.identifier = NULL;
    return emit_det(dc, det, m);
}


/* ---- record evidence (xb_evidence.c): an IMEI alone in an opaque field is
 * reported by its reporting body: one allocating today (0.75), or one that
 * allocated in the past when the record holds another device identifier. */
static xb_status imei_match(xb_detect_ctx *dc, const xb_token *tk, const char *s,
                            const char *t, size_t n, size_t ns)
{
    double conf = 0.6;
    if (xb_whole_value(t, n, ns, tk->end) &&
        xb_field_is_opaque(dc->v->field, dc->v->field_len)) {
        xb_imei_body body = xb_imei_reporting_body(s);
        if (body != XB_IMEI_BODY_NONE)
            conf = 0.75;
        if (body == XB_IMEI_BODY_FORMER && !xb_record_has(&dc->rec, XB_EV_DEVICE))
            dc->rec.need = XB_EV_DEVICE;
    }
    xb_status st = token_match(dc, XB_D_IMEI, tk, NULL, 0, conf, ns);
    dc->rec.need = 0;
    return st;
}

/* True when s[0..n) is four groups of 1-3 digits joined by single dots. */
static bool dotted_quad_shape(const char *s, size_t n)
{
    size_t groups = 1, run = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.') {
            if (run == 0 || ++groups > 4)
                return false;
            run = 0;
        } else if (s[i] >= '0' && s[i] <= '9') {
            if (++run > 3)
                return false;
        } else {
            return false;
        }
    }
    return groups == 4 && run > 0;
}
static xb_status classify_token(xb_detect_ctx *dc, const xb_token *tk,
                                const char *t, size_t n)
{
    if (tk->overflow || tk->len < 6)
        return XB_OK;
    /* The collapsed token, read in place; an 18-character ID's lower-case
     * check character 'x' is upper-cased in a copy. */
    const char *s = tk->collapsed;
    char upper_x[XB_TOKEN_MAX];
    size_t len = tk->len;
    if (len == 18 && s[17] == 'x') {
        memcpy(upper_x, s, len + 1);
        upper_x[17] = 'X';
        s = upper_x;
    }
    bool digits = tk->digits == len;
    size_t ns = tk->start;
    /* A '+' before "86..." belongs to a phone number. */
    if (ns > 0 && t[ns - 1] == '+')
        ns--;

    /* A dotted quad of 1-3 digit groups is an IPv4 address (or a version
     * number), never a phone, ID or card number joined by dots: leave it to
     * the IPv4 scanner. */
    if (digits && dotted_quad_shape(t + tk->start, tk->end - tk->start))
        return XB_OK;
    /* Four or more dot-joined groups are OIDs and versions
     * (1.3.6.1.4.1.9.24.48), never phone, ID or card numbers. */
    if (digits && tk->dots >= 3)
        return XB_OK;

    if (digits) {
        switch (len) {
        case 6:
            if (enabled(dc, XB_D_POSTAL) && any_hinted(dc, XB_D_POSTAL) &&
                xb_valid_postal_code(s, len))
                return token_match(dc, XB_D_POSTAL, tk, NULL, 0, 0.7, ns);
            return XB_OK;
        case 8:
            if (enabled(dc, XB_D_TAIWAN_PERMIT) && any_hinted(dc, XB_D_TAIWAN_PERMIT) &&
                xb_valid_taiwan_permit(s, len))
                return token_match(dc, XB_D_TAIWAN_PERMIT, tk, s, len, 0.6, ns);
            return XB_OK;
        case 9:
            if (enabled(dc, XB_D_ORG_CODE) && xb_valid_org_code(s, len))
                return token_match(dc, XB_D_ORG_CODE, tk, NULL, 0, 0.6, ns);
            return XB_OK;
        case 10:
        case 12:
            if (s[0] == '0' && xb_valid_landline(s, len))
                return token_match(dc, XB_D_LANDLINE, tk, NULL, 0,
                                   tk->separators ? 0.7 : 0.6, ns);
            if (len == 10 && enabled(dc, XB_D_TAIWAN_PERMIT) &&
                xb_valid_taiwan_permit(s, len) && any_hinted(dc, XB_D_TAIWAN_PERMIT))
                return token_match(dc, XB_D_TAIWAN_PERMIT, tk, s, len, 0.6, ns);
            return XB_OK;
        case 11:
            if (s[0] == '1' && xb_valid_mobile(s, len))
                return token_match(dc, XB_D_MOBILE, tk, s, len, 0.75, ns);
            if (s[0] == '0' && xb_valid_landline(s, len))
                return token_match(dc, XB_D_LANDLINE, tk, NULL, 0,
                                   tk->separators ? 0.7 : 0.6, ns);
            return XB_OK;
        case 13:
            if (s[0] == '8' && s[1] == '6' && xb_valid_mobile(s + 2, 11))
                return token_match(dc, XB_D_MOBILE, tk, s + 2, 11, 0.8, ns);
            if (xb_valid_iot_number(s, len))
                return token_match(dc, XB_D_IOT, tk, NULL, 0, 0.55, ns);
            return XB_OK;
        case 15:
            if (!memcmp(s, "0086", 4) && xb_valid_mobile(s + 4, 11))
                return token_match(dc, XB_D_MOBILE, tk, s + 4, 11, 0.8, ns);
            if (id15_shaped(s)) {
                if (xb_valid_ric15(s, len, NULL) &&
                    !(any_hinted(dc, XB_D_IMEI) && xb_valid_imei(s, len)))
                    return token_match(dc, XB_D_RIC15, tk, s, len, 0.45, ns);
            }
            if (xb_valid_imei(s, len))
                return imei_match(dc, tk, s, t, n, ns);
            return XB_OK;
        default:
            break;
        }
    }

    /* 18 characters: resident ID family, USCC, foreign PR; else bank card. */
    if (len == 18 && tk->lower <= 1) {
        if (all_digits(s, 17) && (digits || s[17] == 'X')) {
            if (s[0] == '8' && (s[1] >= '1' && s[1] <= '3') && !memcmp(s + 2, "0000", 4))
                return xb_valid_hmt_residence(s, len, NULL)
                           ? token_match(dc, XB_D_HMT_RESIDENCE, tk, s, len, 0.85, ns)
                           : XB_OK;
            if (id18_shaped(s))
                return xb_valid_ric18(s, len, NULL)
                           ? token_match(dc, XB_D_RIC18, tk, s, len, 0.85, ns)
                           : XB_OK;
            if (s[0] == '9' && xb_valid_foreign_pr_2023(s, len, NULL))
                return token_match(dc, XB_D_FOREIGN_PR_2023, tk, s, len, 0.75, ns);
        }
        if (tk->lower == 0 && xb_valid_uscc(s, len))
            return token_match(dc, XB_D_USCC, tk, NULL, 0, 0.85, ns);
    }

    if (digits && len >= 16 && len <= 19) {
        bool unionpay = false;
        if (xb_valid_bank_card(s, len, &unionpay))
            return token_match(dc, XB_D_BANK_CARD, tk, s, len,
                               unionpay ? 0.85 : 0.65, ns);
        return XB_OK;
    }
    if (digits)
        return XB_OK;

    /* Letters and digits: travel documents, VIN, foreign PR 2017. */
    if (tk->lower > 0)
        return XB_OK;
    if (len == 17 && tk->upper > 0 && xb_valid_vin(s, len))
        return token_match(dc, XB_D_VIN, tk, s, len, 0.75, ns);
    if (len == 15 && tk->upper == 3 && xb_valid_foreign_pr_2017(s, len))
        return token_match(dc, XB_D_FOREIGN_PR_2017, tk, s, len, 0.6, ns);
    if (len >= 9 && len <= 11 && tk->upper <= 2) {
        if ((s[0] == 'H' || s[0] == 'M') && s[1] != 'A' &&
            xb_valid_hkmo_home_return_permit(s, len))
            return token_match(dc, XB_D_HKMO_HOME_RETURN, tk, s, len, 0.6, ns);
        if (s[0] == 'C' && xb_valid_mainland_hkmo_permit(s, len))
            return token_match(dc, XB_D_MAINLAND_HKMO, tk, s, len, 0.6, ns);
        if (xb_valid_passport(s, len))
            return token_match(dc, XB_D_PASSPORT, tk, s, len, 0.6, ns);
    }
    if (len == 12 && enabled(dc, XB_D_MAC) && xb_detector_check(XB_D_MAC, s, len) &&
        any_hinted(dc, XB_D_MAC))
        return token_match(dc, XB_D_MAC, tk, NULL, 0, 0.6, ns);
    (void)n;
    return XB_OK;
}

/* ---------------------------------------------------- structural scans */

static bool email_local_char(unsigned char c)
{
    return (xb_char_class[c] & XB_C_ALNUM) || c == '.' || c == '_' || c == '-' ||
           c == '+' || c == '%';
}

static bool email_domain_char(unsigned char c)
{
    return (xb_char_class[c] & XB_C_ALNUM) || c == '.' || c == '-';
}

static xb_status scan_emails(xb_detect_ctx *dc, const char *t, size_t n)
{
    const char *p = t;
    while ((p = memchr(p, '@', (size_t)(t + n - p))) != NULL) {
        size_t at = (size_t)(p - t);
        size_t s = at, e = at + 1;
        while (s > 0 && email_local_char((unsigned char)t[s - 1]))
            s--;
        while (e < n && email_domain_char((unsigned char)t[e]))
            e++;
        while (e > at + 1 && (t[e - 1] == '.' || t[e - 1] == '-'))
            e--;
        while (s < at && t[s] == '.')
            s++;
        if (s < at && e > at + 1 && xb_valid_email(t + s, e - s)) {
            char ident[256];
            size_t k = e - s < sizeof(ident) ? e - s : sizeof(ident) - 1;
            for (size_t i = 0; i < k; i++)
                ident[i] = (char)tolower((unsigned char)t[s + i]);
            match_info m = {0};
            m.confidence = 0.9;
            m.ns = s;
            m.ne = e;
            m.identifier = ident;
            m.identifier_len = k;
            m.rank = XB_SUBJECT_EMAIL;
            xb_status st = emit_det(dc, XB_D_EMAIL, m);
            if (st != XB_OK)
                return st;
        }
        p++;
    }
    return XB_OK;
}

static bool hexish(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
           (c >= 'A' && c <= 'F') || c == ':' || c == '.';
}

/* IPv6 and MAC addresses: runs of hex digits and colons. */
static xb_status scan_colon_forms(xb_detect_ctx *dc, const char *t, size_t n)
{
    size_t i = 0;
    while (i < n) {
        const char *c = memchr(t + i, ':', n - i);
        if (!c)
            break;
        size_t at = (size_t)(c - t);
        size_t s = at, e = at;
        while (s > 0 && hexish((unsigned char)t[s - 1]))
            s--;
        while (e < n && hexish((unsigned char)t[e]))
            e++;
        i = e + 1;
        if (s > 0 && (xb_char_class[(unsigned char)t[s - 1]] & XB_C_ALNUM))
            continue;
        if (e < n && (xb_char_class[(unsigned char)t[e]] & XB_C_ALNUM))
            continue;
        while (e > s && t[e - 1] == '.')
            e--;
        match_info m = {0};
        m.ns = s;
        m.ne = e;
        if (enabled(dc, XB_D_MAC) && e - s == 17 &&
            xb_detector_check(XB_D_MAC, t + s, 17)) {
            m.confidence = 0.6;
            xb_status st = emit_det(dc, XB_D_MAC, m);
            if (st != XB_OK)
                return st;
            continue;
        }
        if (enabled(dc, XB_D_IPV6) && e - s >= 3 && xb_valid_ipv6(t + s, e - s)) {
            size_t colons = 0;
            for (size_t k = s; k < e; k++)
                colons += t[k] == ':';
            /* "10:30:00" times are not addresses: require hex letters, ::
             * or at least 5 groups. */
            bool strong = colons >= 5 || memmem(t + s, e - s, "::", 2);
            for (size_t k = s; k < e && !strong; k++)
                strong = isalpha((unsigned char)t[k]);
            if (!strong)
                continue;
            m.confidence = 0.7;
            xb_status st = emit_det(dc, XB_D_IPV6, m);
            if (st != XB_OK)
                return st;
        }
    }
    return XB_OK;
}

static xb_status scan_ipv4(xb_detect_ctx *dc, const char *t, size_t n)
{
    size_t i = 0;
    while (i < n) {
        const char *d = memchr(t + i, '.', n - i);
        if (!d)
            break;
        size_t dot = (size_t)(d - t);
        size_t s = dot;
        while (s > 0 && (isdigit((unsigned char)t[s - 1])))
            s--;
        if (s == dot || (s > 0 && (t[s - 1] == '.' ||
                                   (xb_char_class[(unsigned char)t[s - 1]] & XB_C_ALNUM)))) {
            i = dot + 1;
            continue;
        }
        size_t e = s, dots = 0;
        while (e < n && (isdigit((unsigned char)t[e]) || t[e] == '.')) {
            dots += t[e] == '.';
            e++;
        }
        i = e;
        if (dots != 3 || (e < n && (xb_char_class[(unsigned char)t[e]] & XB_C_ALNUM)))
            continue;
        if (!xb_valid_ipv4(t + s, e - s))
            continue;
        match_info m = {0};
        m.ns = s;
        m.ne = e;
        m.confidence = xb_ipv4_confidence(t, n, s, e); /* record evidence */
        xb_status st = emit_det(dc, XB_D_IPV4, m);
        if (st != XB_OK)
            return st;
    }
    return XB_OK;
}

/* Plates start with a province character (3 UTF-8 bytes) followed by an
 * upper-case letter. */
static xb_status scan_plates(xb_detect_ctx *dc, const char *t, size_t n)
{
    for (size_t i = 3; i < n; i++) {
        unsigned char c = (unsigned char)t[i];
        if (c < 'A' || c > 'Z')
            continue;
        if ((unsigned char)t[i - 3] < 0xE0 || (unsigned char)t[i - 3] >= 0xF0)
            continue;
        size_t len = xb_match_plate(t + i - 3, n - (i - 3));
        if (!len)
            continue;
        size_t e = i - 3 + len;
        if (e < n && (xb_char_class[(unsigned char)t[e]] & XB_C_ALNUM))
            continue;
        match_info m = {0};
        m.ns = i - 3;
        m.ne = e;
        m.confidence = 0.8;
        xb_status st = emit_det(dc, XB_D_PLATE, m);
        if (st != XB_OK)
            return st;
        i = e;
    }
    return XB_OK;
}

/* ----------------------------------------------------------- coordinates */

static int decimals_of(const char *s, size_t n)
{
    const char *d = memchr(s, '.', n);
    if (!d)
        return 0;
    int k = 0;
    for (const char *p = d + 1; p < s + n && isdigit((unsigned char)*p); p++)
        k++;
    return k;
}

/* Parse a plain decimal number at t[i..]; returns its end or i. With v
 * NULL only its extent is found (the cheap test before strtod). */
static size_t parse_decimal(const char *t, size_t n, size_t i, double *v)
{
    size_t s = i;
    if (i < n && (t[i] == '-' || t[i] == '+'))
        i++;
    size_t ds = i;
    while (i < n && isdigit((unsigned char)t[i]))
        i++;
    if (i == ds || i >= n || t[i] != '.')
        return s;
    i++;
    size_t fs = i;
    while (i < n && isdigit((unsigned char)t[i]))
        i++;
    if (i == fs || i - ds > 30)
        return s;
    if (!v)
        return i;
    char buf[40];
    memcpy(buf, t + s, i - s);
    buf[i - s] = '\0';
    *v = strtod(buf, NULL);
    return i;
}

static xb_status emit_coord_pair(xb_detect_ctx *dc, size_t s, size_t e,
                                 int decimals)
{
    match_info m = {0};
    m.ns = s;
    m.ne = e;
    m.confidence = decimals >= 5 ? 0.85 : 0.7;
    m.high_precision = decimals >= 5;
    return emit_det(dc, XB_D_COORDINATES, m);
}

/* "39.9087,116.3975" or "116.3975, 39.9087" inside text. */
static xb_status scan_coord_text(xb_detect_ctx *dc, const char *t, size_t n)
{
    size_t i = 0;
    while (i < n) {
        const char *d = memchr(t + i, '.', n - i);
        if (!d)
            break;
        size_t s = (size_t)(d - t);
        while (s > 0 && isdigit((unsigned char)t[s - 1]))
            s--;
        if (s > 0 && t[s - 1] == '-')
            s--;
        if (s > 0 && (xb_char_class[(unsigned char)t[s - 1]] & XB_C_ALNUM || t[s - 1] == '.')) {
            i = (size_t)(d - t) + 1;
            continue;
        }
        double a, b;
        size_t e1 = parse_decimal(t, n, s, NULL);
        if (e1 == s) {
            i = (size_t)(d - t) + 1;
            continue;
        }
        size_t j = e1;
        if (j < n && (t[j] == ',' || t[j] == ';'))
            j++;
        else if (!(j < n && t[j] == ' ')) {
            i = e1;
            continue;
        }
        while (j < n && t[j] == ' ')
            j++;
        size_t e2 = parse_decimal(t, n, j, NULL);
        if (e2 == j || (e2 < n && (xb_char_class[(unsigned char)t[e2]] & XB_C_ALNUM))) {
            i = e1;
            continue;
        }
        parse_decimal(t, n, s, &a);
        parse_decimal(t, n, j, &b);
        if (xb_valid_cn_coordinates(a, b) || xb_valid_cn_coordinates(b, a)) {
            int da = decimals_of(t + s, e1 - s), db = decimals_of(t + j, e2 - j);
            if (da >= 2 && db >= 2) {
                xb_status st = emit_coord_pair(dc, s, e2, da < db ? da : db);
                if (st != XB_OK)
                    return st;
            }
        }
        i = e2;
    }
    return XB_OK;
}

static coord_kind coord_field(const char *f, size_t n)
{
    char norm[64];
    size_t k = xb_field_normalize(f, n, norm, sizeof(norm));
    if (!k)
        return COORD_NONE;
    static const char *lat[] = {"lat", "latitude", "wd", "weidu", "纬度", "gpslat", "y"};
    static const char *lon[] = {"lng", "lon", "long", "longitude", "jd", "jingdu",
                                "经度", "gpslng", "gpslon", "x"};
    for (size_t i = 0; i < sizeof(lat) / sizeof(lat[0]); i++)
        if (!strcmp(norm, lat[i]))
            return COORD_LAT;
    for (size_t i = 0; i < sizeof(lon) / sizeof(lon[0]); i++)
        if (!strcmp(norm, lon[i]))
            return COORD_LON;
    return COORD_NONE;
}

static size_t parent_len(const char *path, size_t n)
{
    while (n > 0 && path[n - 1] != '/')
        n--;
    return n;
}

/* A finding for a coordinate held in its own field. */
static xb_status emit_pending(xb_detect_ctx *dc, const xb_pending_coord *p,
                              int decimals)
{
    const xb_idx_list *l = &dc->engine->by_det[XB_D_COORDINATES];
    for (size_t i = 0; i < l->n; i++) {
        const xb_rt_entry *rt = &dc->engine->entries[l->items[i]];
        double conf = decimals >= 5 ? 0.85 : 0.7;
        if (conf + 1e-9 < rt->min_conf)
            continue;
        xb_findings *out = dc->out;
        if (out->n >= out->max) {
            out->truncated = true;
            return XB_OK;
        }
        if (out->n == out->cap) {
            size_t cap = out->cap ? out->cap * 2 : 16;
            xb_finding *q = realloc(out->items, cap * sizeof(*q));
            if (!q)
                return XB_ERR_NOMEM;
            out->items = q;
            out->cap = cap;
        }
        xb_finding *f = &out->items[out->n];
        memset(f, 0, sizeof(*f));
        f->entry = rt->e;
        f->level = rt->level;
        f->path = xb_arena_strndup(&out->strings, p->path, strlen(p->path));
        f->span.start = f->value_span.start = p->span_start;
        f->span.end = f->value_span.end = p->span_end;
        f->exact = p->exact;
        f->syntax = p->syntax;
        f->confidence = conf;
        f->detector = "cn_coordinates";
        f->record = p->record;
        f->high_precision = decimals >= 5;
        f->value = dc->keep_values
                       ? xb_arena_strndup(&out->strings, p->text, strlen(p->text))
                       : NULL;
        if (!f->path || (dc->keep_values && !f->value))
            return XB_ERR_NOMEM;
        out->n++;
    }
    return XB_OK;
}

static xb_status remember_coord(xb_detect_ctx *dc, coord_kind kind,
                                const char *t, size_t n)
{
    const xb_value *v = dc->v;
    double val;
    size_t s = 0;
    while (s < n && t[s] == ' ')
        s++;
    size_t e = parse_decimal(t, n, s, &val);
    if (e == s || e != n)
        return XB_OK;
    xb_pending_coord *mine = kind == COORD_LAT ? &dc->lat : &dc->lon;
    xb_pending_coord *other = kind == COORD_LAT ? &dc->lon : &dc->lat;
    pending_clear(mine);
    size_t pl = parent_len(v->path, v->path_len);
    mine->set = true;
    mine->v = val;
    mine->decimals = decimals_of(t, n);
    mine->parent = dup_n(v->path, pl);
    mine->path = dup_n(v->path, v->path_len);
    mine->text = dup_n(v->data, v->len);
    mine->span_start = v->raw_start;
    mine->span_end = v->raw_end;
    mine->record = v->record;
    mine->syntax = v->syntax;
    mine->exact = v->exact;
    if (!mine->parent || !mine->path || !mine->text)
        return XB_ERR_NOMEM;
    if (!other->set || strcmp(other->parent, mine->parent))
        return XB_OK;
    double lat = kind == COORD_LAT ? mine->v : other->v;
    double lon = kind == COORD_LAT ? other->v : mine->v;
    xb_status st = XB_OK;
    if (xb_valid_cn_coordinates(lat, lon)) {
        int dec = mine->decimals < other->decimals ? mine->decimals : other->decimals;
        if ((st = emit_pending(dc, other, dec)) == XB_OK)
            st = emit_pending(dc, mine, dec);
    }
    pending_clear(&dc->lat);
    pending_clear(&dc->lon);
    return st;
}

/* ---------------------------------------------------- names, addresses */

static xb_status scan_cntext(xb_detect_ctx *dc, xb_det_id det, const char *t,
                             size_t n)
{
    xb_text_match ms[32];
    bool hint = any_hinted(dc, det);
    size_t k = det == XB_D_PERSON_NAME ? xb_find_person_names(t, n, hint, ms, 32)
                                       : xb_find_addresses(t, n, hint, ms, 32);
    for (size_t i = 0; i < k; i++) {
        /* ---- record evidence (xb_evidence.c): a bare name in an opaque
         * field counts when its record holds a personal identifier. */
        if (det == XB_D_PERSON_NAME && !hint && k == 1 &&
            ms[0].confidence == XB_NAME_BARE_CONFIDENCE &&
            xb_field_is_opaque(dc->v->field, dc->v->field_len)) {
            ms[0].confidence = 0.75;
            if (!xb_record_has(&dc->rec, XB_EV_PERSON))
                dc->rec.need = XB_EV_PERSON;
        }
        const xb_idx_list *l = &dc->engine->by_det[det];
        for (size_t j = 0; j < l->n; j++) {
            match_info m = {0};
            m.detector = xb_builtin_detector_at(det)->name;
            m.ns = ms[i].start;
            m.ne = ms[i].end;
            /* The text detectors already weigh the field hint. */
            m.confidence = ms[i].confidence - (is_hinted(dc, l->items[j]) ? HINT_BOOST : 0);
            xb_status st = emit_entry(dc, l->items[j], m, false);
            if (st != XB_OK)
                return st;
        }
        dc->rec.need = 0;
    }
    return XB_OK;
}

/* --------------------------------------------------- patterns, keywords */

static bool pattern_applies(const xb_detect_ctx *dc, const xb_rt_pattern *p,
                            xb_pattern_scope scope, size_t n)
{
    return p->scope == scope && n >= p->min_length &&
           (!p->needs_hint || is_hinted(dc, p->entry));
}

/* Patterns whose start and required bytes are absent cannot match. */
static bool pattern_may_match(const xb_rt_pattern *p, const char *s, size_t n)
{
    return xb_pattern_filter_may_match(&p->filter, s, n);
}

static xb_status run_pattern(xb_detect_ctx *dc, const xb_rt_pattern *p,
                             const char *s, size_t n, size_t ns, size_t ne)
{
    if (!pattern_may_match(p, s, n))
        return XB_OK;
    int rc = pcre2_match(p->code, (PCRE2_SPTR)s, n, 0, 0, dc->md, NULL);
    if (rc < 0)
        return XB_OK;
    if (p->validator >= 0 && !xb_detector_check((xb_det_id)p->validator, s, n))
        return XB_OK;
    match_info m = {0};
    m.detector = "pattern";
    m.confidence = p->confidence;
    m.ns = ns;
    m.ne = ne;
    return emit_entry(dc, p->entry, m, false);
}

static xb_status scan_patterns_text(xb_detect_ctx *dc, const xb_rt_pattern *p,
                                    const char *t, size_t n)
{
    if (!pattern_may_match(p, t, n))
        return XB_OK;
    PCRE2_SIZE off = 0;
    int guard = 0;
    while (off <= n && guard++ < 256) {
        int rc = pcre2_match(p->code, (PCRE2_SPTR)t, n, off, 0, dc->md, NULL);
        if (rc < 0)
            break;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(dc->md);
        size_t s = ov[0], e = ov[1];
        if (e == s) {
            off = e + 1;
            continue;
        }
        if (p->validator < 0 || xb_detector_check((xb_det_id)p->validator, t + s, e - s)) {
            match_info m = {0};
            m.detector = "pattern";
            m.confidence = p->confidence;
            m.ns = s;
            m.ne = e;
            xb_status st = emit_entry(dc, p->entry, m, false);
            if (st != XB_OK)
                return st;
        }
        off = e;
    }
    return XB_OK;
}

static bool word_char(unsigned char c)
{
    return (xb_char_class[c] & XB_C_ALNUM) || c == '_';
}

static xb_status scan_keywords(xb_detect_ctx *dc, const char *t, size_t n)
{
    const xb_engine *e = dc->engine;
    const unsigned char *u = (const unsigned char *)t;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len;
        unsigned char c = u[i];
        if (!e->kw_first[c] || (c < 0x80 && i > 0 && word_char(u[i - 1]))) {
            i++;
            continue;
        }
        if (c < 0x80) {
            cp = (uint32_t)tolower(c);
            len = 1;
        } else if (c >= 0xE0 && c < 0xF0 && i + 2 < n) {
            cp = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(u[i + 1] & 0x3F) << 6) |
                 (u[i + 2] & 0x3F);
            len = 3;
        } else {
            i++;
            continue;
        }
        if (!(e->kw_first_cp[cp >> 3] & (1u << (cp & 7)))) {
            i += len;
            continue;
        }
        size_t b = (cp * 2654435761u) & (e->kw_cap - 1);
        while (e->kw_buckets[b].cp && e->kw_buckets[b].cp != cp)
            b = (b + 1) & (e->kw_cap - 1);
        if (e->kw_buckets[b].cp == cp) {
            const xb_idx_list *l = &e->kw_buckets[b].keywords;
            for (size_t k = 0; k < l->n; k++) {
                const xb_keyword *kw = &e->keywords[l->items[k]];
                if (i + kw->len > n)
                    continue;
                if (kw->ascii) {
                    if (strncasecmp(t + i, kw->text, kw->len))
                        continue;
                    if ((i > 0 && word_char(u[i - 1])) ||
                        (i + kw->len < n && word_char(u[i + kw->len])))
                        continue;
                } else if (memcmp(t + i, kw->text, kw->len)) {
                    continue;
                }
                match_info m = {0};
                m.detector = "keyword";
                m.confidence = 0.75;
                m.ns = i;
                m.ne = i + kw->len;
                xb_status st = emit_entry(dc, kw->entry, m, false);
                if (st != XB_OK)
                    return st;
            }
        }
        i += len;
    }
    return XB_OK;
}

/* ------------------------------------------------------------- driver */

/* What a byte tells about which scans can apply to a value (one table
 * lookup per byte instead of five comparisons). */
enum { VB_DIGIT = 1, VB_AT = 2, VB_COLON = 4, VB_DOT = 8, VB_HIGH = 16 };

#define VB_HIGH16 VB_HIGH, VB_HIGH, VB_HIGH, VB_HIGH, VB_HIGH, VB_HIGH, VB_HIGH, VB_HIGH, \
                  VB_HIGH, VB_HIGH, VB_HIGH, VB_HIGH, VB_HIGH, VB_HIGH, VB_HIGH, VB_HIGH

static const uint8_t value_byte_kind[256] = {
    ['.'] = VB_DOT, [':'] = VB_COLON, ['@'] = VB_AT,
    ['0'] = VB_DIGIT, ['1'] = VB_DIGIT, ['2'] = VB_DIGIT, ['3'] = VB_DIGIT, ['4'] = VB_DIGIT,
    ['5'] = VB_DIGIT, ['6'] = VB_DIGIT, ['7'] = VB_DIGIT, ['8'] = VB_DIGIT, ['9'] = VB_DIGIT,
    [0x80] = VB_HIGH16, [0x90] = VB_HIGH16, [0xA0] = VB_HIGH16, [0xB0] = VB_HIGH16,
    [0xC0] = VB_HIGH16, [0xD0] = VB_HIGH16, [0xE0] = VB_HIGH16, [0xF0] = VB_HIGH16,
};

static bool has_byte_class(const char *t, size_t n, uint8_t cls)
{
    for (size_t i = 0; i < n; i++)
        if (xb_char_class[(unsigned char)t[i]] & cls)
            return true;
    return false;
}

static xb_status detect_value(xb_detect_ctx *dc, const xb_value *v)
{
    const xb_engine *e = dc->engine;
    dc->v = v;
    dc->value_first_finding = dc->out->n;
    dc->value_path = NULL;
    dc->shared_text = NULL;
    dc->shared_ident = NULL;
    if (v->len == 0)
        return XB_OK;
    bool is_key = v->kind == XB_VALUE_KEY;
    if (is_key && !has_byte_class((const char *)v->data, v->len, XB_C_DIGIT))
        return XB_OK;
    lookup_field(dc, v->field, is_key ? 0 : v->field_len, dc->field_hash);

    xb_status st = xb_normalize(&dc->norm, v->data, v->len);
    if (st != XB_OK)
        return st;
    const char *t = xb_norm_text(&dc->norm);
    size_t n = xb_norm_len(&dc->norm);

    /* Entries recognised by their field name alone. */
    if (!is_key && !v->segment)
        for (size_t i = 0; i < dc->n_hinted; i++) {
            uint32_t en = dc->hinted[i];
            if (!e->entries[en].field_only)
                continue;
            size_t s = 0, end = n;
            while (s < end && (t[s] == ' ' || t[s] == '\t'))
                s++;
            while (end > s && (t[end - 1] == ' ' || t[end - 1] == '\t'))
                end--;
            if (end == s)
                continue;
            match_info m = {0};
            m.detector = "field_name";
            m.confidence = 0.8 - HINT_BOOST; /* emit_entry adds the hint */
            m.ns = s;
            m.ne = end;
            if ((st = emit_entry(dc, en, m, true)) != XB_OK)
                return st;
        }

    /* One pass over the value tells which scans can apply. */
    unsigned seen = 0;
    for (size_t i = 0; i < n; i++)
        seen |= value_byte_kind[(unsigned char)t[i]];
    bool digits = seen & VB_DIGIT, at = seen & VB_AT, colon = seen & VB_COLON,
         dot = seen & VB_DOT, high = seen & VB_HIGH;
    if (digits) {
        size_t pos = 0;
        xb_token tk;
        while (xb_next_token(t, n, &pos, &tk)) {
            if ((st = classify_token(dc, &tk, t, n)) != XB_OK)
                return st;
            if (e->has_token_patterns && !tk.overflow)
                for (size_t p = e->scope_start[XB_SCOPE_TOKEN];
                     p < e->scope_start[XB_SCOPE_TOKEN + 1]; p++)
                    if (pattern_applies(dc, &e->patterns[p], XB_SCOPE_TOKEN, tk.len) &&
                        (st = run_pattern(dc, &e->patterns[p], tk.collapsed, tk.len,
                                          tk.start, tk.end)) != XB_OK)
                        return st;
        }
        if (enabled(dc, XB_D_IPV4) && dot &&
            (st = scan_ipv4(dc, t, n)) != XB_OK)
            return st;
        if (enabled(dc, XB_D_COORDINATES) && !is_key) {
            coord_kind ck = (coord_kind)dc->field_coord;
            if (ck != COORD_NONE) {
                dc->stateful = true; /* pairs with a pending partner */
                st = remember_coord(dc, ck, t, n);
            }
            else if (dot)
                st = scan_coord_text(dc, t, n);
            if (st != XB_OK)
                return st;
        }
    }
    if (enabled(dc, XB_D_EMAIL) && at &&
        (st = scan_emails(dc, t, n)) != XB_OK)
        return st;
    if ((enabled(dc, XB_D_IPV6) || enabled(dc, XB_D_MAC)) && colon &&
        (st = scan_colon_forms(dc, t, n)) != XB_OK)
        return st;

    bool cjk = !is_key && high && xb_has_cjk(t, n);
    if (cjk) {
        if (enabled(dc, XB_D_PLATE) && digits && (st = scan_plates(dc, t, n)) != XB_OK)
            return st;
        if (enabled(dc, XB_D_PERSON_NAME) &&
            (st = scan_cntext(dc, XB_D_PERSON_NAME, t, n)) != XB_OK)
            return st;
        if (enabled(dc, XB_D_ADDRESS) &&
            (st = scan_cntext(dc, XB_D_ADDRESS, t, n)) != XB_OK)
            return st;
    }
    if (!is_key && e->has_value_patterns && !v->segment)
        for (size_t p = e->scope_start[XB_SCOPE_VALUE]; p < e->scope_start[XB_SCOPE_VALUE + 1];
             p++)
            if (pattern_applies(dc, &e->patterns[p], XB_SCOPE_VALUE, n) &&
                (st = run_pattern(dc, &e->patterns[p], t, n, 0, n)) != XB_OK)
                return st;
    if (!is_key && e->has_text_patterns)
        for (size_t p = e->scope_start[XB_SCOPE_TEXT]; p < e->scope_start[XB_SCOPE_TEXT + 1]; p++)
            if (pattern_applies(dc, &e->patterns[p], XB_SCOPE_TEXT, n) &&
                (st = scan_patterns_text(dc, &e->patterns[p], t, n)) != XB_OK)
                return st;
    if (!is_key && e->n_keywords && (cjk || e->kw_has_ascii) &&
        (st = scan_keywords(dc, t, n)) != XB_OK)
        return st;
    return XB_OK;
}

/* ---- record evidence (xb_evidence.c): records begin and end around values */
xb_status xb_detect_value(xb_detect_ctx *dc, const xb_value *v)
{
    xb_record_enter(&dc->rec, dc->out, v);
    /* Keys are looked up without their field name and are cheap to
     * classify: no field hash, and they are not remembered. */
    bool is_key = v->kind == XB_VALUE_KEY;
    dc->field_hash = is_key ? 0 : xb_hash64(v->field, v->field_len, 0);
    /* A value already classified clean in this scan is clean again. */
    xb_memo_key key = {v->field, v->field_len, v->data, v->len,
                       (uint8_t)(v->kind << 1 | (v->segment ? 1 : 0)), dc->field_hash, 0};
    bool memo = dc->use_memo && !is_key && xb_memo_key_hash(&key);
    if (memo && xb_memo_clean(&dc->memo, &key)) {
        dc->v = v;
        dc->value_first_finding = dc->out->n;
        return XB_OK;
    }
    dc->stateful = false;
    xb_status st = detect_value(dc, v);
    if (st == XB_OK) {
        if (memo && !dc->stateful && dc->out->n == dc->value_first_finding)
            xb_memo_note_clean(&dc->memo, &key);
        xb_record_after_value(&dc->rec, dc->out, dc->value_first_finding);
    }
    dc->rec.need = 0;
    return st;
}

void xb_detect_finish(xb_detect_ctx *dc)
{
    xb_record_resolve(&dc->rec, dc->out);
}

bool xb_detect_last_value_clean(const xb_detect_ctx *dc)
{
    return dc->out->n == dc->value_first_finding && !dc->out->truncated;
}

/* ------------------------------------------------------------ content */

static bool ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && s[n - k - 1] == '.' && !strncasecmp(s + n - k, suffix, k);
}

static xb_status push_content(xb_detect_ctx *dc, uint32_t entry,
                              const char *path, const char *detector,
                              const char *what, size_t ss, size_t se)
{
    xb_value v = {0};
    v.path = path;
    v.path_len = strlen(path);
    v.field = "";
    v.data = (const uint8_t *)what;
    v.len = strlen(what);
    v.raw_start = ss;
    v.raw_end = se;
    v.exact = false;
    v.record = XB_RECORD_NONE;
    dc->v = &v;
    dc->value_first_finding = dc->out->n;
    dc->value_path = NULL;
    dc->shared_text = NULL;
    dc->shared_ident = NULL;
    match_info m = {0};
    m.detector = detector;
    m.confidence = 0.9;
    m.ns = 0;
    m.ne = v.len;
    const xb_rt_entry *rt = &dc->engine->entries[entry];
    if (m.confidence < rt->min_conf)
        return XB_OK;
    /* The span is the whole part or body; the value names what matched. */
    xb_status st = push_finding(dc, entry, &m, 0, 0);
    if (st == XB_OK && dc->out->n > 0) {
        xb_finding *f = &dc->out->items[dc->out->n - 1];
        f->span.start = ss;
        f->span.end = se;
        if (dc->keep_values) {
            f->value = xb_arena_strndup(&dc->out->strings, what, strlen(what));
            if (!f->value)
                return XB_ERR_NOMEM;
        }
    }
    return st;
}

xb_status xb_detect_content(xb_detect_ctx *dc, const char *path,
                            const char *content_type, const char *filename,
                            const uint8_t *prefix, size_t prefix_len,
                            size_t span_start, size_t span_end)
{
    const xb_engine *e = dc->engine;
    xb_status st = XB_OK;
    if (content_type && *content_type) {
        char mt[128];
        size_t k = 0;
        while (content_type[k] && content_type[k] != ';' && k + 1 < sizeof(mt)) {
            mt[k] = (char)tolower((unsigned char)content_type[k]);
            k++;
        }
        while (k > 0 && mt[k - 1] == ' ')
            k--;
        mt[k] = '\0';
        for (size_t i = 0; i < e->n_ctypes && st == XB_OK; i++)
            if (!strcmp(mt, e->ctypes[i].text))
                st = push_content(dc, e->ctypes[i].entry, path, "content_type", mt,
                                  span_start, span_end);
    }
    if (filename && *filename)
        for (size_t i = 0; i < e->n_exts && st == XB_OK; i++)
            if (ends_with_ci(filename, e->exts[i].text))
                st = push_content(dc, e->exts[i].entry, path, "file_extension",
                                  filename, span_start, span_end);
    if (prefix && prefix_len)
        for (size_t i = 0; i < e->n_magics && st == XB_OK; i++)
            if (prefix_len >= e->magics[i].len &&
                !memcmp(prefix, e->magics[i].text, e->magics[i].len))
                st = push_content(dc, e->magics[i].entry, path, "magic",
                                  e->magics[i].text, span_start, span_end);
    return st;
}
