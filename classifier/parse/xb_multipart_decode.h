/*
 * xb_multipart_decode.h - streaming Content-Transfer-Encoding decoders for
 * multipart parts: base64 (RFC 2045 §6.8) and quoted-printable (§6.7).
 *
 * A part's body arrives in pieces split anywhere (inside a base64 quantum,
 * inside "=XX" or a soft line break); the decoder keeps the unfinished
 * quantum or escape between calls. The caller decodes into fixed blocks:
 * decoding stops where a block is full, so block boundaries depend on the
 * data only, never on how it was split into chunks.
 * Base64 ignores line breaks and spaces; any other byte outside the alphabet,
 * or data after the padding, is an error. Quoted-printable decodes =XX and
 * drops soft line breaks; a '=' followed by anything else is an error.
 */
#ifndef XB_MULTIPART_DECODE_H
#define XB_MULTIPART_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum xbm_cte {
    XBM_CTE_IDENTITY = 0, /* 7bit, 8bit, binary or none */
    XBM_CTE_BASE64,
    XBM_CTE_QP,
    XBM_CTE_OTHER         /* not supported: the part is not inspected */
} xbm_cte;

typedef struct xbm_decoder {
    xbm_cte cte;
    uint32_t acc;     /* base64: sextets of the current quantum */
    uint8_t have;     /* base64: sextets in acc; qp: escape state */
    uint8_t pad;      /* base64: '=' seen */
    uint8_t hi;       /* qp: first hex digit */
} xbm_decoder;

/* Map a Content-Transfer-Encoding header value (NULL: none). */
xbm_cte xbm_cte_from_header(const char *value);

static inline void xbm_decoder_init(xbm_decoder *d, xbm_cte cte)
{
    d->cte = cte;
    d->acc = 0;
    d->have = d->pad = d->hi = 0;
}

/* Decode from in[0..n) into out[0..room). Stops when the input is used up
 * or when out is full (base64: fewer than 3 bytes of room left; so a room
 * that is a multiple of 3 fills exactly); *used tells the input bytes
 * consumed. Returns the bytes written, or (size_t)-1 with *bad = index of
 * the offending input byte. */
size_t xbm_decode(xbm_decoder *d, const uint8_t *in, size_t n, uint8_t *out, size_t room,
                  size_t *used, size_t *bad);

/* End of the part. Writes up to 2 trailing bytes (an unpadded base64 tail)
 * to out and returns their number, or (size_t)-1 when the data ends inside
 * a quantum or an escape. */
size_t xbm_decode_end(xbm_decoder *d, uint8_t *out);

#endif
