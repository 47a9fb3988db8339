/*
 * xb_text_utf8.h - UTF-8 checks shared by the text-like parsers (form, CSV,
 * text/plain, multipart form fields).
 *
 * The parsers validate each value once, when it is complete (or when a
 * segment of it is cut), so the check works on whole spans: runs of ASCII
 * are skipped eight bytes at a time and multi-byte characters are checked
 * strictly (RFC 3629: no overlong forms, no surrogates, nothing above
 * U+10FFFF). The segment helpers find where a buffer may be cut without
 * splitting a character. Header-only; every function is a pure function of
 * its arguments.
 */
#ifndef XB_TEXT_UTF8_H
#define XB_TEXT_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define XBT_ONES UINT64_C(0x0101010101010101)
#define XBT_HIGHS UINT64_C(0x8080808080808080)

/* Exact check of the character at s[i] (n - i bytes left): its length, or
 * 0 when it is invalid or cut by the end of the span. */
static inline size_t xbt_utf8_char(const uint8_t *s, size_t i, size_t n, bool reject_nul)
{
    uint8_t c = s[i];
    if (c < 0x80)
        return c == 0 && reject_nul ? 0 : 1;
    size_t need;
    uint8_t lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        if (c == 0xE0)
            lo = 0xA0;      /* overlong */
        else if (c == 0xED)
            hi = 0x9F;      /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        if (c == 0xF0)
            lo = 0x90;      /* overlong */
        else if (c == 0xF4)
            hi = 0x8F;      /* above U+10FFFF */
    } else {
        return 0;
    }
    if (n - i - 1 < need || s[i + 1] < lo || s[i + 1] > hi)
        return 0;
    for (size_t k = 2; k <= need; k++)
        if ((s[i + k] & 0xC0) != 0x80)
            return 0;
    return need + 1;
}

/* s[0..3] as a 32-bit word with s[0] in the low byte. */
static inline uint32_t xbt_load32le(const uint8_t *s)
{
    uint32_t w;
    memcpy(&w, s, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap32(w);
#endif
    return w;
}

/*
 * Index of the first byte of s[0..n) that does not start a valid UTF-8
 * character (n when the whole span is valid). A character cut by the end of
 * the span is invalid. With reject_nul, a NUL byte is invalid too.
 *
 * ASCII goes eight (or four) bytes at a time; multi-byte characters are
 * checked with one 32-bit load and a few masks, and runs of 3-byte
 * characters (CJK) in a loop of their own.
 */
static inline size_t xbt_utf8_check(const uint8_t *s, size_t n, bool reject_nul)
{
    size_t i = 0;
    while (n - i >= 8) {
        uint64_t w8;
        memcpy(&w8, s + i, 8);
        if (!(w8 & XBT_HIGHS) && !(reject_nul && ((w8 - XBT_ONES) & ~w8 & XBT_HIGHS))) {
            i += 8;
            continue;
        }
        uint32_t w = xbt_load32le(s + i);
        if (!(w & 0x80808080u) &&
            !(reject_nul && ((w - 0x01010101u) & ~w & 0x80808080u))) {
            i += 4;
            continue;
        }
        if (!(w & 0x80u)) {
            if (reject_nul && !(w & 0xFFu))
                return i;
            i++;
            continue;
        }
        if ((w & 0x00C0C0F0u) == 0x008080E0u) {
            /* three bytes (U+0800..U+FFFF), and the ones that follow: E0
             * needs A0..BF next (else overlong), ED 80..9F (else surrogate) */
            do {
                uint32_t t = w & 0x200Fu;
                if (t == 0 || t == 0x200Du)
                    return i;
                i += 3;
                if (n - i < 4)
                    break;
                w = xbt_load32le(s + i);
            } while ((w & 0x00C0C0F0u) == 0x008080E0u);
            continue;
        }
        if ((w & 0xC0E0u) == 0x80C0u) {
            if ((w & 0x1Eu) == 0) /* overlong: C0, C1 */
                return i;
            i += 2;
            continue;
        }
        if ((w & 0xC0C0C0F8u) == 0x808080F0u) {
            uint32_t cp = (w & 0x07u) << 18 | (w & 0x3F00u) << 4 | (w & 0x3F0000u) >> 10 |
                          (w & 0x3F000000u) >> 24;
            if (cp < 0x10000 || cp > 0x10FFFF)
                return i;
            i += 4;
            continue;
        }
        return i;
    }
    while (i < n) {
        size_t k = xbt_utf8_char(s, i, n, reject_nul);
        if (!k)
            return i;
        i += k;
    }
    return n;
}

/* Length of the longest prefix of s[0..n) that does not end inside a
 * multi-byte character (what is left is the start of a character that the
 * next bytes complete). Invalid bytes are not judged here. */
static inline size_t xbt_utf8_complete(const uint8_t *s, size_t n)
{
    for (size_t k = n; k > 0 && n - k < 4;) {
        uint8_t c = s[--k];
        if ((c & 0xC0) == 0x80)
            continue;
        size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        return n - k >= len ? n : k;
    }
    return n;
}

static inline bool xbt_is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Where to cut a full buffer into a segment: just after a whitespace in the
 * second half, else at the last character boundary. Never 0 for n >= 8. */
static inline size_t xbt_segment_cut(const uint8_t *s, size_t n)
{
    for (size_t i = n; i > n / 2; i--)
        if (xbt_is_space(s[i - 1]))
            return i;
    size_t cut = xbt_utf8_complete(s, n);
    return cut ? cut : n;
}

#endif
