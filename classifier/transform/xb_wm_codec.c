/*
 * xb_wm_codec.c - the watermark's data formats: the whitened, tagged
 * 96-bit payload; the framed zero-width blob and the recognition of its
 * symbols in whatever escaped form a leaked copy holds them; carrier
 * selection from the visible value. See xb_watermark.h.
 */
#include <openssl/crypto.h>
#include <string.h>

#include "xb_tf_utf8.h"
#include "xb_wm_internal.h"

const uint32_t xb_wm_symbol_cp[4] = {XB_ZW_SPACE, XB_ZW_NONJOINER, XB_ZW_JOINER,
                                     XB_WORD_JOINER};

/* ------------------------------------------------------------- payload */

static void put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

static uint64_t get_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}

static xb_status tag_of(const xb_wm_key *key, uint64_t transfer_id, uint8_t tag[4])
{
    uint8_t id[8], mac[32];
    put_be64(id, transfer_id);
    xb_status st = xb_wm_hmac(key->k_tag, sizeof(key->k_tag), id, sizeof(id), mac);
    if (st == XB_OK)
        memcpy(tag, mac, 4);
    return st;
}

xb_status xb_wm_payload(const xb_wm_key *key, uint64_t transfer_id, uint8_t out[12])
{
    put_be64(out, transfer_id);
    xb_status st = tag_of(key, transfer_id, out + 8);
    if (st != XB_OK)
        return st;
    for (int i = 0; i < 12; i++)
        out[i] ^= key->whiten[i];
    return XB_OK;
}

xb_status xb_wm_payload_check(const xb_wm_key *key, const uint8_t whitened[12],
                              uint64_t *transfer_id, bool *ok)
{
    uint8_t p[12], tag[4];
    for (int i = 0; i < 12; i++)
        p[i] = whitened[i] ^ key->whiten[i];
    uint64_t id = get_be64(p);
    xb_status st = tag_of(key, id, tag);
    if (st != XB_OK)
        return st;
    *ok = CRYPTO_memcmp(tag, p + 8, 4) == 0;
    if (*ok)
        *transfer_id = id;
    return XB_OK;
}

/* ---------------------------------------------------------------- blob */

void xb_wm_blob_encode(const uint8_t whitened[12], char out[XB_WM_BLOB_BYTES])
{
    size_t o = 0;
    o += xb_u8_encode(xb_wm_symbol_cp[XB_WM_FRAME_SYMBOL], out + o);
    for (unsigned i = 0; i < XB_WM_BLOB_SYMBOLS; i++) {
        unsigned sym = (whitened[i / 4] >> (6 - 2 * (i % 4))) & 3;
        o += xb_u8_encode(xb_wm_symbol_cp[sym], out + o);
    }
    o += xb_u8_encode(xb_wm_symbol_cp[XB_WM_FRAME_SYMBOL], out + o);
}

static int symbol_of_cp(uint32_t cp)
{
    for (int s = 0; s < 4; s++)
        if (xb_wm_symbol_cp[s] == cp)
            return s;
    return -1;
}

static int hexval(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Read `digits` hex digits at s[i..]; -1 when they are not all hex. */
static long read_hex(const uint8_t *s, size_t n, size_t i, size_t digits)
{
    if (i + digits > n)
        return -1;
    long v = 0;
    for (size_t k = 0; k < digits; k++) {
        int d = hexval(s[i + k]);
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* "&#x200B;" or "&#8203;" at s[i]. */
static int xml_ref(const uint8_t *s, size_t n, size_t *i)
{
    size_t j = *i + 2;
    bool hex = j < n && (s[j] == 'x' || s[j] == 'X');
    if (hex)
        j++;
    uint32_t v = 0;
    size_t digits = 0;
    while (j < n && digits < 8) {
        int d = hex ? hexval(s[j]) : (s[j] >= '0' && s[j] <= '9' ? s[j] - '0' : -1);
        if (d < 0)
            break;
        v = v * (hex ? 16 : 10) + (uint32_t)d;
        digits++;
        j++;
    }
    if (digits == 0 || j >= n || s[j] != ';')
        return -1;
    int sym = symbol_of_cp(v);
    if (sym >= 0)
        *i = j + 1;
    return sym;
}

int xb_wm_symbol_at(const uint8_t *s, size_t n, size_t *i)
{
    size_t p = *i;
    if (p >= n)
        return -1;
    uint8_t c = s[p];
    if (c == 0xE2) {
        uint32_t cp;
        size_t len = xb_u8_decode(s + p, n - p, &cp);
        int sym = symbol_of_cp(cp);
        if (sym >= 0)
            *i = p + len;
        return sym;
    }
    if (c == '\\') {
        size_t j = p;
        while (j < n && s[j] == '\\')
            j++;
        if (j < n && s[j] == 'u') {
            long v = read_hex(s, n, j + 1, 4);
            int sym = v < 0 ? -1 : symbol_of_cp((uint32_t)v);
            if (sym >= 0)
                *i = j + 5;
            return sym;
        }
        return -1;
    }
    if (c == '&' && p + 1 < n && s[p + 1] == '#')
        return xml_ref(s, n, i);
    if (c == '%') {
        long b0 = read_hex(s, n, p + 1, 2);
        if (b0 != 0xE2 || p + 9 > n || s[p + 3] != '%' || s[p + 6] != '%')
            return -1;
        long b1 = read_hex(s, n, p + 4, 2), b2 = read_hex(s, n, p + 7, 2);
        if (b1 < 0 || b2 < 0)
            return -1;
        uint8_t raw[3] = {0xE2, (uint8_t)b1, (uint8_t)b2};
        uint32_t cp;
        (void)xb_u8_decode(raw, 3, &cp);
        int sym = symbol_of_cp(cp);
        if (sym >= 0)
            *i = p + 9;
        return sym;
    }
    return -1;
}

/* ----------------------------------------------------------- selection */

xb_status xb_wm_select(xb_wm_mac *k_sel, const char *path, const char *value,
                       size_t len, xb_buf *scratch, xb_wm_sel *sel)
{
    memset(sel, 0, sizeof(*sel));
    xb_buf_reset(scratch);
    const uint8_t *s = (const uint8_t *)value;
    size_t i = 0, visible = 0;
    while (i < len) {
        uint32_t cp;
        size_t l = xb_u8_decode(s + i, len - i, &cp);
        if (cp == XB_U8_INVALID)
            return XB_OK; /* not text: never a carrier */
        if (!xb_is_zero_width(cp)) {
            xb_status st = xb_buf_append(scratch, s + i, l);
            if (st != XB_OK)
                return st;
            visible++;
        }
        i += l;
    }
    uint8_t h[32];
    const char *p = path ? path : "";
    xb_status st = xb_wm_mac_3(k_sel, p, strlen(p), "", 1, scratch->data,
                               scratch->len, h);
    if (st != XB_OK)
        return st;
    sel->h0 = get_be64(h);
    sel->h1 = get_be64(h + 8);
    sel->h2 = get_be64(h + 16);
    sel->visible = visible;
    return XB_OK;
}

size_t xb_wm_offset_after_visible(const char *value, size_t len, size_t k)
{
    const uint8_t *s = (const uint8_t *)value;
    size_t i = 0, seen = 0;
    while (i < len) {
        uint32_t cp;
        size_t l = xb_u8_decode(s + i, len - i, &cp);
        i += l;
        if (!xb_is_zero_width(cp) && ++seen == k)
            return i;
    }
    return len;
}
