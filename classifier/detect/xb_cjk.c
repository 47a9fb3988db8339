/*
 * xb_cjk.c - shared helpers of the Chinese name and address detectors:
 * the CJK pre-check, dictionary lookups on the generated tables and the
 * match list. See xb_cntext_dict.h.
 *
 * The character entry (xb_cn_char_info, inline in xb_cntext_dict.h) gives
 * the slice of xb_cn_words that starts with the character; it is short
 * (at most a few dozen words, usually a handful) and most candidates differ
 * in the second character, which is compared inline.
 */
#include <string.h>

#include "xb_cntext_dict.h"

bool xb_has_cjk(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        /* Skip ASCII eight bytes at a time. */
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ull)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t len = xb_cn_decode(s, n, i, &cp);
        if (xb_cn_is_han(cp))
            return true;
        i += len;
    }
    return false;
}

/* Bytes 3..5 (the second character) as a number that orders like memcmp. */
static inline uint32_t second_key(const char *p)
{
    const unsigned char *u = (const unsigned char *)p + 3;
    return ((uint32_t)u[0] << 16) | ((uint32_t)u[1] << 8) | u[2];
}

/* Can a word of c continue with the character at t[3..6)? (t has at least
 * six bytes.) */
static inline bool second_may_match(const xb_cn_char *c, const char *t)
{
    uint32_t cp2 = (uint32_t)((unsigned char)t[5] & 0x3F); /* low bits of the code point */
    return (c->second >> (cp2 & 31)) & 1u;
}

/* Bytes from offset 6 on: short tails, compared inline. */
static inline bool same_tail(const char *a, const char *b, size_t len)
{
    for (size_t k = 6; k < len; k++)
        if (a[k] != b[k])
            return false;
    return true;
}

/* The words of the slice of c whose second character is t[3..6): a binary
 * search, as the slice is sorted by bytes (a one-character word, if any,
 * comes first). Sets [*lo, *hi). */
static void second_char_range(const xb_cn_char *c, const char *t, size_t *lo, size_t *hi)
{
    const xb_cn_word *w = &xb_cn_words[c->wfirst];
    size_t a = w[0].len == 3 ? 1 : 0, b = c->wcount;
    uint32_t key = second_key(t);
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (second_key(w[mid].text) < key)
            a = mid + 1;
        else
            b = mid;
    }
    size_t e = a;
    while (e < c->wcount && second_key(w[e].text) == key)
        e++;
    *lo = a;
    *hi = e;
}

const xb_cn_word *xb_cn_word_from(const xb_cn_char *c, const char *s, size_t n, size_t i,
                                  uint32_t mask)
{
    if (!c || !(c->wkinds & mask) || i >= n)
        return NULL;
    const xb_cn_word *w = &xb_cn_words[c->wfirst];
    const xb_cn_word *best = (w[0].len == 3 && (w[0].kinds & mask)) ? &w[0] : NULL;
    size_t left = n - i;
    if (left < 6 || !second_may_match(c, s + i))
        return best;
    size_t lo, hi;
    second_char_range(c, s + i, &lo, &hi);
    for (size_t k = lo; k < hi; k++)
        if ((w[k].kinds & mask) && w[k].len <= left && (!best || w[k].len > best->len) &&
            same_tail(s + i, w[k].text, w[k].len))
            best = &w[k];
    return best;
}

const xb_cn_word *xb_cn_word_at(const char *s, size_t n, size_t i, uint32_t mask)
{
    if (i >= n || (unsigned char)s[i] < 0xE3)
        return NULL; /* every word starts with a three-byte character */
    uint32_t cp;
    xb_cn_decode(s, n, i, &cp);
    return xb_cn_word_from(xb_cn_char_info(cp), s, n, i, mask);
}

const xb_cn_word *xb_cn_word_exact(const char *s, size_t n, size_t i, size_t len,
                                   uint32_t mask)
{
    /* every word is made of three-byte characters */
    if (i >= n || len > n - i || len < 3 || len % 3 || (unsigned char)s[i] < 0xE3)
        return NULL;
    uint32_t cp;
    xb_cn_decode(s, n, i, &cp);
    const xb_cn_char *c = xb_cn_char_info(cp);
    if (!c || !(c->wkinds & mask))
        return NULL;
    const xb_cn_word *w = &xb_cn_words[c->wfirst];
    if (len == 3)
        return (w[0].len == 3 && (w[0].kinds & mask)) ? &w[0] : NULL;
    if (!second_may_match(c, s + i))
        return NULL;
    size_t lo, hi;
    second_char_range(c, s + i, &lo, &hi);
    for (size_t k = lo; k < hi; k++)
        if ((w[k].kinds & mask) && w[k].len == len && same_tail(s + i, w[k].text, len))
            return &w[k];
    return NULL;
}

const xb_cn_word *xb_cn_word_ending_at(const char *s, size_t n, size_t end,
                                       uint32_t mask)
{
    const xb_cn_word *best = NULL;
    size_t p = end;
    for (int chars = 0; chars < 8 && p > 0; chars++) {
        p = xb_cn_prev(s, p);
        const xb_cn_word *w = xb_cn_word_exact(s, n, p, end - p, mask);
        if (w)
            best = w;
    }
    return best;
}

size_t xb_cn_push(xb_text_match *out, size_t k, size_t max_out, size_t start,
                  size_t end, double confidence)
{
    if (k >= max_out || end <= start || (k > 0 && out[k - 1].end > start))
        return k;
    out[k].start = start;
    out[k].end = end;
    out[k].confidence = confidence > 1.0 ? 1.0 : confidence;
    return k + 1;
}

bool xb_cn_is_separator(uint32_t cp)
{
    if (cp < 0x80)
        return !((cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') ||
                 (cp >= 'a' && cp <= 'z'));
    /* CJK symbols and punctuation (、。〈〉《》「」『』【】〔〕...),
     * general punctuation (“ ” ‘ ’ … — •), half-width forms, middle dot. */
    return (cp >= 0x3000 && cp <= 0x303F && cp != 0x3007) ||
           (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0xFF01 && cp <= 0xFF0F) ||
           (cp >= 0xFF1A && cp <= 0xFF20) || (cp >= 0xFF3B && cp <= 0xFF40) ||
           (cp >= 0xFF5B && cp <= 0xFF65) || cp == 0x00B7 || cp == 0x00A0 ||
           cp == 0x30FB || cp == 0xFFFD;
}
