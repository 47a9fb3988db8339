/*
 * xb_json_utf8.h - fast whole-span UTF-8 validation for the JSON tokenizer.
 *
 * String bodies of real exports mix ASCII with CJK text. Validating such text
 * one character at a time costs a mispredicted branch at every switch between
 * ASCII and multi-byte characters, so the tokenizer first finds the end of a
 * run of string bytes and then asks xbj_utf8_span_valid() whether the whole
 * run is complete, valid UTF-8 (RFC 3629: no overlongs, no surrogates, nothing
 * above U+10FFFF). With SSE2 16 bytes are checked at once, without branches on
 * the data: every byte is classified (ASCII, continuation, 2/3/4-byte lead,
 * never-valid), the continuation bytes the leads require are computed by
 * shifting the lead masks, and the few lead/second-byte pairs with narrower
 * ranges (E0, ED, F0, F4) are checked against the previous byte.
 *
 * The answer is all or nothing: on false the tokenizer falls back to its exact
 * per-character path, which locates the error or handles a sequence cut by
 * the end of the chunk. Included by xb_json.c only.
 */
#ifndef XB_JSON_UTF8_H
#define XB_JSON_UTF8_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>

/* Lead masks of the previous block, for sequences that cross blocks. */
typedef struct xbj_utf8_carry {
    __m128i bytes; /* the previous block itself */
    __m128i need1; /* leads of 2, 3 or 4 bytes: the next byte continues */
    __m128i need2; /* leads of 3 or 4 bytes: the byte after next too */
    __m128i need3; /* leads of 4 bytes */
} xbj_utf8_carry;

/* Bytes of (cur, prev) shifted by k positions towards higher addresses. */
#define XBJ_SHIFT(cur, prev, k) \
    _mm_or_si128(_mm_slli_si128((cur), (k)), _mm_srli_si128((prev), 16 - (k)))

/* Error mask of one 16-byte block (non-zero lanes are errors). Byte ranges
 * are compared as signed: 0x80..0xFF map to -128..-1 in order. */
static inline __m128i xbj_utf8_block(__m128i v, xbj_utf8_carry *c)
{
#define XBJ_B(x) _mm_set1_epi8((char)(x))
    __m128i high = _mm_cmplt_epi8(v, _mm_setzero_si128());
    __m128i cont = _mm_cmplt_epi8(v, XBJ_B(0xC0));
    __m128i lead2 = _mm_and_si128(_mm_cmpgt_epi8(v, XBJ_B(0xC1)), _mm_cmplt_epi8(v, XBJ_B(0xE0)));
    __m128i lead34 = _mm_and_si128(_mm_cmpgt_epi8(v, XBJ_B(0xDF)), high);
    __m128i lead4 = _mm_and_si128(_mm_cmpgt_epi8(v, XBJ_B(0xEF)), high);
    __m128i never = _mm_or_si128(
        _mm_and_si128(_mm_cmpgt_epi8(v, XBJ_B(0xBF)), _mm_cmplt_epi8(v, XBJ_B(0xC2))),
        _mm_and_si128(_mm_cmpgt_epi8(v, XBJ_B(0xF4)), high));
    __m128i need1 = _mm_or_si128(lead2, lead34);
    __m128i expect = _mm_or_si128(
        _mm_or_si128(XBJ_SHIFT(need1, c->need1, 1), XBJ_SHIFT(lead34, c->need2, 2)),
        XBJ_SHIFT(lead4, c->need3, 3));
    __m128i err = _mm_or_si128(_mm_xor_si128(expect, cont), never);
    __m128i prev = XBJ_SHIFT(v, c->bytes, 1);
    __m128i narrow = _mm_or_si128(
        _mm_or_si128(
            _mm_and_si128(_mm_cmpeq_epi8(prev, XBJ_B(0xE0)), _mm_cmplt_epi8(v, XBJ_B(0xA0))),
            _mm_and_si128(_mm_cmpeq_epi8(prev, XBJ_B(0xED)), _mm_cmpgt_epi8(v, XBJ_B(0x9F)))),
        _mm_or_si128(
            _mm_and_si128(_mm_cmpeq_epi8(prev, XBJ_B(0xF0)), _mm_cmplt_epi8(v, XBJ_B(0x90))),
            _mm_and_si128(_mm_cmpeq_epi8(prev, XBJ_B(0xF4)), _mm_cmpgt_epi8(v, XBJ_B(0x8F)))));
    c->bytes = v;
    c->need1 = need1;
    c->need2 = lead34;
    c->need3 = lead4;
    return _mm_or_si128(err, narrow);
#undef XBJ_B
}

/* True when [p, q) is complete, valid UTF-8. Bytes up to end may be read
 * (end >= q); nothing at or after end is touched. */
static inline bool xbj_utf8_span_valid(const uint8_t *p, const uint8_t *q,
                                       const uint8_t *end)
{
    static const uint8_t keep[32] = {
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    };
    xbj_utf8_carry c;
    c.bytes = c.need1 = c.need2 = c.need3 = _mm_setzero_si128();
    __m128i err = _mm_setzero_si128();
    while (q - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        if (_mm_movemask_epi8(_mm_or_si128(v, c.need1)) == 0) {
            c.bytes = v; /* ASCII after complete characters */
        } else {
            err = _mm_or_si128(err, xbj_utf8_block(v, &c));
        }
        p += 16;
    }
    /* the tail, padded with zero bytes: a sequence cut at q expects a
     * continuation where a zero stands, which is an error */
    size_t n = (size_t)(q - p);
    __m128i v;
    if (end - p >= 16) {
        v = _mm_loadu_si128((const __m128i *)(const void *)p);
        v = _mm_and_si128(v, _mm_loadu_si128((const __m128i *)(const void *)(keep + 16 - n)));
    } else {
        uint8_t tmp[16] = {0};
        memcpy(tmp, p, n);
        v = _mm_loadu_si128((const __m128i *)(const void *)tmp);
    }
    if (_mm_movemask_epi8(_mm_or_si128(v, c.need1)) != 0) {
        err = _mm_or_si128(err, xbj_utf8_block(v, &c));
        if (n > 12) /* a lead near the end needs bytes past this block */
            err = _mm_or_si128(err, xbj_utf8_block(_mm_setzero_si128(), &c));
    }
    return _mm_movemask_epi8(_mm_cmpeq_epi8(err, _mm_setzero_si128())) == 0xFFFF;
}

#undef XBJ_SHIFT

#else /* no SSE2: let the exact per-character path do all the work */

static inline bool xbj_utf8_span_valid(const uint8_t *p, const uint8_t *q,
                                       const uint8_t *end)
{
    (void)end;
    for (; p < q; p++)
        if (*p >= 0x80)
            return false;
    return true;
}

#endif

#endif
