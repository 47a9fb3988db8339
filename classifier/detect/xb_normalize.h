/*
 * xb_normalize.h - fold a decoded value into the form detectors match on,
 * while remembering where every output byte came from.
 *
 * Identifiers are written in many ways in Chinese documents: full-width
 * digits (１３８００１３８０００), ideographic spaces, zero-width characters
 * pasted from chat tools, typographic dashes. Normalisation makes them plain
 * ASCII so that one validator sees one form:
 *   - U+FF01..U+FF5E (full-width ASCII) -> ASCII
 *   - U+3000 ideographic space -> ' '
 *   - U+2010..U+2015, U+2212 (dashes, minus) -> '-'
 *   - U+200B..U+200D, U+2060, U+FEFF, U+00AD (zero-width, BOM, soft hyphen)
 *     are removed
 * Everything else is copied. map[i] is the offset, in the input, of the byte
 * that produced output byte i (the lead byte for folded characters), so a
 * match in the normalised text maps back to exact input bytes.
 *
 * Separators inside numbers (space, '-', '.') are collapsed later, per token
 * (xb_tokens.h), because a dot is meaningful in IP addresses and coordinates.
 */
#ifndef XB_NORMALIZE_H
#define XB_NORMALIZE_H

#include "../core/xb_buf.h"

typedef struct xb_norm {
    xb_buf text;      /* normalised bytes */
    size_t *map;      /* map[i]: input offset of output byte i; NULL if identity */
    size_t map_cap;
    bool identity;    /* output == input (pure ASCII input) */
    const uint8_t *src;
    size_t src_len;
} xb_norm;

/* Normalise src[0..n). Reuses the buffers in *nm. */
xb_status xb_normalize(xb_norm *nm, const uint8_t *src, size_t n);

/* Normalised bytes and length after xb_normalize. */
static inline const char *xb_norm_text(const xb_norm *nm)
{
    return nm->identity ? (const char *)nm->src : nm->text.data;
}
static inline size_t xb_norm_len(const xb_norm *nm)
{
    return nm->identity ? nm->src_len : nm->text.len;
}

/* Map the normalised range [start, end) back to the input range. */
void xb_norm_to_source(const xb_norm *nm, size_t start, size_t end,
                       size_t *src_start, size_t *src_end);

void xb_norm_free(xb_norm *nm);

#endif
