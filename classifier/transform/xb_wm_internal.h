/*
 * xb_wm_internal.h - pieces of the watermark shared by embedding and
 * extraction: keyed HMAC contexts, the payload, blob symbols, carrier
 * selection. Private to classifier/transform (and its tests).
 */
#ifndef XB_WM_INTERNAL_H
#define XB_WM_INTERNAL_H

#include "../core/xb_buf.h"
#include "xb_watermark.h"

/* A keyed HMAC-SHA256 context, re-initialised with its key for every
 * message (no allocation per message). One object serves one thread: each
 * embed or extract opens its own. */
typedef struct xb_wm_mac {
    void *ctx;  /* EVP_MAC_CTX */
    bool used;  /* a message was computed: re-initialise before the next */
} xb_wm_mac;

xb_status xb_wm_mac_open(xb_wm_mac *m, const uint8_t *key, size_t len);
/* HMAC over the concatenation a || b || c (any part may be empty). */
xb_status xb_wm_mac_3(xb_wm_mac *m, const void *a, size_t al, const void *b,
                      size_t bl, const void *c, size_t cl, uint8_t out[32]);
void xb_wm_mac_close(xb_wm_mac *m);

/* One-shot HMAC-SHA256. */
xb_status xb_wm_hmac(const uint8_t *key, size_t klen, const void *data, size_t len,
                     uint8_t out[32]);

/* The whitened 96-bit payload P' for transfer_id. */
xb_status xb_wm_payload(const xb_wm_key *key, uint64_t transfer_id,
                        uint8_t out[12]);
/* Un-whiten P' and check its tag; *ok tells whether it verified. */
xb_status xb_wm_payload_check(const xb_wm_key *key, const uint8_t whitened[12],
                              uint64_t *transfer_id, bool *ok);

static inline int xb_wm_payload_bit(const uint8_t p[12], unsigned bit)
{
    return (p[bit / 8] >> (7 - bit % 8)) & 1;
}

/* Symbol values of the zero-width alphabet, and the code points. */
extern const uint32_t xb_wm_symbol_cp[4];
#define XB_WM_FRAME_SYMBOL 3

/* The framed blob for P' as UTF-8 (XB_WM_BLOB_BYTES bytes). */
void xb_wm_blob_encode(const uint8_t whitened[12], char out[XB_WM_BLOB_BYTES]);

/*
 * The zero-width symbol written at s[*i] in any of its forms (raw UTF-8,
 * JSON "\u200b", XML "&#x200B;" / "&#8203;", percent "%E2%80%8B"): returns
 * 0..3 and advances *i past it, or -1 (and *i is unchanged).
 */
int xb_wm_symbol_at(const uint8_t *s, size_t n, size_t *i);

/* Carrier selection values. */
typedef struct xb_wm_sel {
    uint64_t h0, h1, h2;
    size_t visible;      /* visible code points */
} xb_wm_sel;

/*
 * Strip zero-width characters from value into scratch (reset first), count
 * visible code points and compute the selection HMAC. Returns XB_OK;
 * sel->visible is 0 when the value is not valid UTF-8.
 */
xb_status xb_wm_select(xb_wm_mac *k_sel, const char *path, const char *value,
                       size_t len, xb_buf *scratch, xb_wm_sel *sel);

/* Byte offset in value just after its k-th visible character (k >= 1),
 * before any zero-width characters that follow it. */
size_t xb_wm_offset_after_visible(const char *value, size_t len, size_t k);

#endif
