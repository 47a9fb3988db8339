/*
 * xb_multipart_decode.c - base64 and quoted-printable part decoders; see
 * xb_multipart_decode.h.
 */
#include <string.h>
#include <strings.h>

#include "xb_multipart_decode.h"

/* Sextet value plus one; 0 for bytes outside the alphabet. */
static const uint8_t b64_plus1[256] = {
    ['A'] = 1,  ['B'] = 2,  ['C'] = 3,  ['D'] = 4,  ['E'] = 5,  ['F'] = 6,  ['G'] = 7,
    ['H'] = 8,  ['I'] = 9,  ['J'] = 10, ['K'] = 11, ['L'] = 12, ['M'] = 13, ['N'] = 14,
    ['O'] = 15, ['P'] = 16, ['Q'] = 17, ['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21,
    ['V'] = 22, ['W'] = 23, ['X'] = 24, ['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28,
    ['c'] = 29, ['d'] = 30, ['e'] = 31, ['f'] = 32, ['g'] = 33, ['h'] = 34, ['i'] = 35,
    ['j'] = 36, ['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42,
    ['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48, ['w'] = 49,
    ['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56,
    ['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62, ['+'] = 63,
    ['/'] = 64,
};

static const uint8_t hex_plus1[256] = {
    ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7,
    ['7'] = 8, ['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14,
    ['e'] = 15, ['f'] = 16, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14,
    ['E'] = 15, ['F'] = 16,
};

xbm_cte xbm_cte_from_header(const char *v)
{
    if (!v || !*v || !strcasecmp(v, "7bit") || !strcasecmp(v, "8bit") ||
        !strcasecmp(v, "binary"))
        return XBM_CTE_IDENTITY;
    if (!strcasecmp(v, "base64"))
        return XBM_CTE_BASE64;
    if (!strcasecmp(v, "quoted-printable"))
        return XBM_CTE_QP;
    return XBM_CTE_OTHER;
}

static bool is_b64_space(uint8_t c)
{
    return c == '\r' || c == '\n' || c == ' ' || c == '\t';
}

static size_t b64_decode(xbm_decoder *d, const uint8_t *in, size_t n, uint8_t *out,
                         size_t room, size_t *used, size_t *bad)
{
    uint8_t *o = out, *stop = out + room;
    size_t i = 0;
    for (; i < n && stop - o >= 3; i++) {
        uint8_t c = in[i];
        uint8_t v = b64_plus1[c];
        if (v && !d->pad) {
            d->acc = d->acc << 6 | (uint32_t)(v - 1);
            if (++d->have == 4) {
                *o++ = (uint8_t)(d->acc >> 16);
                *o++ = (uint8_t)(d->acc >> 8);
                *o++ = (uint8_t)d->acc;
                d->acc = 0;
                d->have = 0;
            }
        } else if (c == '=' && d->have + d->pad >= 2 && d->have + d->pad < 4) {
            /* "xx==" or "xxx=": the quantum is complete with its padding */
            d->pad++;
            if (d->have + d->pad == 4) {
                if (d->have == 2) {
                    *o++ = (uint8_t)(d->acc >> 4);
                } else {
                    *o++ = (uint8_t)(d->acc >> 10);
                    *o++ = (uint8_t)(d->acc >> 2);
                }
                d->have = 0;
                d->acc = 0;
                d->pad = 4; /* only whitespace may follow */
            }
        } else if (!is_b64_space(c)) {
            *bad = i;
            return (size_t)-1;
        }
    }
    *used = i;
    return (size_t)(o - out);
}

/* QP escape states kept in d->have. */
enum { QP_TEXT = 0, QP_EQ, QP_HEX, QP_SOFT_CR };

static size_t qp_decode(xbm_decoder *d, const uint8_t *in, size_t n, uint8_t *out,
                        size_t room, size_t *used, size_t *bad)
{
    uint8_t *o = out, *stop = out + room;
    size_t i = 0;
    for (; i < n && o < stop; i++) {
        uint8_t c = in[i];
        switch (d->have) {
        case QP_TEXT:
            if (c == '=')
                d->have = QP_EQ;
            else
                *o++ = c;
            break;
        case QP_EQ:
            if (hex_plus1[c]) {
                d->hi = (uint8_t)(hex_plus1[c] - 1);
                d->have = QP_HEX;
            } else if (c == '\r') {
                d->have = QP_SOFT_CR;
            } else if (c == '\n') {
                d->have = QP_TEXT;
            } else {
                *bad = i;
                return (size_t)-1;
            }
            break;
        case QP_HEX:
            if (!hex_plus1[c]) {
                *bad = i;
                return (size_t)-1;
            }
            *o++ = (uint8_t)(d->hi << 4 | (hex_plus1[c] - 1));
            d->have = QP_TEXT;
            break;
        default: /* QP_SOFT_CR */
            if (c != '\n') {
                *bad = i;
                return (size_t)-1;
            }
            d->have = QP_TEXT;
            break;
        }
    }
    *used = i;
    return (size_t)(o - out);
}

size_t xbm_decode(xbm_decoder *d, const uint8_t *in, size_t n, uint8_t *out, size_t room,
                  size_t *used, size_t *bad)
{
    switch (d->cte) {
    case XBM_CTE_BASE64:
        return b64_decode(d, in, n, out, room, used, bad);
    case XBM_CTE_QP:
        return qp_decode(d, in, n, out, room, used, bad);
    default: {
        size_t k = n < room ? n : room;
        memcpy(out, in, k);
        *used = k;
        return k;
    }
    }
}

size_t xbm_decode_end(xbm_decoder *d, uint8_t *out)
{
    if (d->cte == XBM_CTE_QP) /* a final '=' is a soft line break */
        return d->have == QP_HEX ? (size_t)-1 : 0;
    if (d->cte != XBM_CTE_BASE64 || d->have == 0)
        return 0;
    if (d->pad && d->pad != 4)
        return (size_t)-1;
    /* unpadded tail, as some encoders write it */
    switch (d->have) {
    case 2:
        out[0] = (uint8_t)(d->acc >> 4);
        d->have = 0;
        return 1;
    case 3:
        out[0] = (uint8_t)(d->acc >> 10);
        out[1] = (uint8_t)(d->acc >> 2);
        d->have = 0;
        return 2;
    default:
        return (size_t)-1;
    }
}
