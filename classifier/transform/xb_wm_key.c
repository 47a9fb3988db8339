/*
 * xb_wm_key.c - watermark key derivation, the HMAC-SHA256 helpers (OpenSSL
 * EVP_MAC) and transfer-id formatting; see xb_watermark.h.
 *
 * A keyed context is prepared once per embed / extract call and duplicated
 * for every message, so the key schedule is not recomputed per carrier and
 * nothing is shared between threads.
 */
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <stdio.h>
#include <string.h>

#include "xb_wm_internal.h"

xb_status xb_wm_mac_open(xb_wm_mac *m, const uint8_t *key, size_t len)
{
    m->ctx = NULL;
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (!mac)
        return XB_ERR_UNSUPPORTED;
    EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac); /* the context keeps its own reference */
    if (!ctx)
        return XB_ERR_NOMEM;
    char digest[] = "SHA256";
    OSSL_PARAM params[2];
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0);
    params[1] = OSSL_PARAM_construct_end();
    if (!EVP_MAC_init(ctx, key, len, params)) {
        EVP_MAC_CTX_free(ctx);
        return XB_ERR_INVALID;
    }
    m->ctx = ctx;
    m->used = false;
    return XB_OK;
}

xb_status xb_wm_mac_3(xb_wm_mac *m, const void *a, size_t al, const void *b,
                      size_t bl, const void *c, size_t cl, uint8_t out[32])
{
    EVP_MAC_CTX *ctx = m->ctx;
    /* a NULL key re-initialises HMAC with the key it was opened with */
    if (m->used && !EVP_MAC_init(ctx, NULL, 0, NULL))
        return XB_ERR_INVALID;
    m->used = true;
    size_t outl = 0;
    bool ok = (al == 0 || EVP_MAC_update(ctx, a, al)) &&
              (bl == 0 || EVP_MAC_update(ctx, b, bl)) &&
              (cl == 0 || EVP_MAC_update(ctx, c, cl)) &&
              EVP_MAC_final(ctx, out, &outl, 32) && outl == 32;
    return ok ? XB_OK : XB_ERR_INVALID;
}

void xb_wm_mac_close(xb_wm_mac *m)
{
    EVP_MAC_CTX_free(m->ctx);
    m->ctx = NULL;
}

xb_status xb_wm_hmac(const uint8_t *key, size_t klen, const void *data, size_t len,
                     uint8_t out[32])
{
    xb_wm_mac m;
    xb_status st = xb_wm_mac_open(&m, key, klen);
    if (st != XB_OK)
        return st;
    st = xb_wm_mac_3(&m, data, len, NULL, 0, NULL, 0, out);
    xb_wm_mac_close(&m);
    return st;
}

xb_status xb_wm_key_init(xb_wm_key *key, const uint8_t *master, size_t len)
{
    memset(key, 0, sizeof(*key));
    if (!master || len < XB_WM_MIN_KEY_LEN)
        return XB_ERR_INVALID;
    uint8_t digest[32];
    unsigned int dlen = 0;
    if (!EVP_Digest(master, len, digest, &dlen, EVP_sha256(), NULL) || dlen != 32)
        return XB_ERR_INVALID;
    for (int i = 0; i < 4; i++)
        snprintf(key->key_id + 2 * i, 3, "%02x", digest[i]);

    xb_wm_mac m;
    xb_status st = xb_wm_mac_open(&m, master, len);
    if (st != XB_OK)
        return st;
    st = xb_wm_mac_3(&m, "select", 6, NULL, 0, NULL, 0, key->k_sel);
    if (st == XB_OK)
        st = xb_wm_mac_3(&m, "bits", 4, NULL, 0, NULL, 0, key->k_bits);
    if (st == XB_OK)
        st = xb_wm_mac_3(&m, "tag", 3, NULL, 0, NULL, 0, key->k_tag);
    xb_wm_mac_close(&m);
    uint8_t w[32];
    if (st == XB_OK)
        st = xb_wm_hmac(key->k_bits, sizeof(key->k_bits), "whiten", 6, w);
    if (st == XB_OK)
        memcpy(key->whiten, w, sizeof(key->whiten));
    OPENSSL_cleanse(w, sizeof(w));
    if (st != XB_OK)
        xb_wm_key_clear(key);
    return st;
}

void xb_wm_key_clear(xb_wm_key *key)
{
    OPENSSL_cleanse(key, sizeof(*key));
}

void xb_wm_format_id(uint64_t transfer_id, char out[17])
{
    snprintf(out, 17, "%016llx", (unsigned long long)transfer_id);
}

bool xb_wm_parse_id(const char *s, uint64_t *transfer_id)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 16)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else
            return false;
        v = (v << 4) | d;
    }
    *transfer_id = v;
    return true;
}

unsigned xb_wm_gamma_for(size_t n_carriers)
{
    unsigned gamma = 1;
    size_t per = n_carriers / 768;
    while (gamma < 16 && (size_t)gamma * 2 <= per)
        gamma *= 2;
    return gamma;
}

const char *xb_wm_method_name(xb_wm_method m)
{
    switch (m) {
    case XB_WM_METHOD_BLOB: return "blob";
    case XB_WM_METHOD_VOTES: return "votes";
    case XB_WM_METHOD_NONE: break;
    }
    return "none";
}
