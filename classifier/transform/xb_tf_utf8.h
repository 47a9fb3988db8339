/*
 * xb_tf_utf8.h - small UTF-8 helpers shared by the transform code (masking,
 * rewriting, watermarking). Private to classifier/transform.
 *
 * Decoding is lenient: an invalid or truncated sequence is reported as one
 * byte with XB_U8_INVALID so that callers can replace it instead of copying
 * bytes that would make their output invalid UTF-8.
 */
#ifndef XB_TF_UTF8_H
#define XB_TF_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XB_U8_INVALID 0xFFFFFFFFu

/* Zero-width code points used by the watermark (and stripped before
 * selection): ZWSP, ZWNJ, ZWJ, WORD JOINER, ZWNBSP (BOM). */
#define XB_ZW_SPACE 0x200Bu
#define XB_ZW_NONJOINER 0x200Cu
#define XB_ZW_JOINER 0x200Du
#define XB_WORD_JOINER 0x2060u
#define XB_ZW_NBSP 0xFEFFu

/* Decode the code point at s[0..n) (n >= 1). Returns the number of bytes it
 * takes (1..4) and stores the code point, or XB_U8_INVALID with length 1. */
static inline size_t xb_u8_decode(const uint8_t *s, size_t n, uint32_t *cp)
{
    uint8_t c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        v = c & 0x1F;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        v = c & 0x0F;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        v = c & 0x07;
        min = 0x10000;
    } else {
        *cp = XB_U8_INVALID;
        return 1;
    }
    if (n < len) {
        *cp = XB_U8_INVALID;
        return 1;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = XB_U8_INVALID;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        *cp = XB_U8_INVALID;
        return 1;
    }
    *cp = v;
    return len;
}

/* Encode cp (a valid scalar value) into out; returns the byte count. */
static inline size_t xb_u8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* True when every byte of s[0..n) belongs to a valid UTF-8 sequence. */
static inline bool xb_u8_valid(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        i += xb_u8_decode(s + i, n - i, &cp);
        if (cp == XB_U8_INVALID)
            return false;
    }
    return true;
}

static inline bool xb_is_zero_width(uint32_t cp)
{
    return cp == XB_ZW_SPACE || cp == XB_ZW_NONJOINER || cp == XB_ZW_JOINER ||
           cp == XB_WORD_JOINER || cp == XB_ZW_NBSP;
}

/* Full-width forms of ASCII '!'..'~' (U+FF01..U+FF5E). */
static inline bool xb_is_fullwidth_ascii(uint32_t cp)
{
    return cp >= 0xFF01 && cp <= 0xFF5E;
}

/* Map a full-width ASCII form to its ASCII character; other code points are
 * returned unchanged. */
static inline uint32_t xb_fold_fullwidth(uint32_t cp)
{
    return xb_is_fullwidth_ascii(cp) ? cp - 0xFF01 + 0x21 : cp;
}

/* ASCII or full-width decimal digit. */
static inline bool xb_is_any_digit(uint32_t cp)
{
    uint32_t a = xb_fold_fullwidth(cp);
    return a >= '0' && a <= '9';
}

/* ASCII or full-width Latin letter. */
static inline bool xb_is_any_latin(uint32_t cp)
{
    uint32_t a = xb_fold_fullwidth(cp);
    return (a >= 'A' && a <= 'Z') || (a >= 'a' && a <= 'z');
}

#endif
