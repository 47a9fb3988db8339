/*
 * xb_sign.h - Ed25519 keys and signed checkpoints for the record chains.
 *
 * A checkpoint states "chain C had N records and its head hash was H at time
 * T", signed with the gateway's Ed25519 key. Exported outside Redis, it lets
 * an auditor prove that no record of the chain up to N was later altered or
 * removed, even by someone who controls Redis. Keys are PEM files (OpenSSL
 * 3); the private key is read at configuration time by the nginx master.
 */
#ifndef XB_SIGN_H
#define XB_SIGN_H

#include "../core/xb_buf.h"
#include "xb_record.h"

typedef struct evp_pkey_st xb_key; /* OpenSSL EVP_PKEY */

#define XB_SIG_HEX 129 /* Ed25519 signature: 64 bytes = 128 hex + NUL */

/* Load a PEM private key (for signing) or public key (for verifying).
 * On failure returns NULL and writes a message to err. */
xb_key *xb_key_load_private(const char *path, char *err, size_t err_size);
xb_key *xb_key_load_public(const char *path, char *err, size_t err_size);
void xb_key_free(xb_key *k);

/* Short key id: first 16 hex digits of SHA-256 of the raw public key. */
void xb_key_id(xb_key *k, char out[17]);

xb_status xb_sign(xb_key *k, const void *msg, size_t n, char sig_hex[XB_SIG_HEX]);
bool xb_verify(xb_key *pub, const void *msg, size_t n, const char *sig_hex);

/* Canonical checkpoint text (sorted keys, as records):
 * {"chain":..,"hash":..,"key_id":..,"node":..,"seq":N,"ts":"...+08:00","v":1} */
xb_status xb_checkpoint_encode(const char *node, const char *chain, uint64_t seq,
                               const char *head_hash, int64_t ts_ms,
                               const char *key_id, xb_buf *out);

/*
 * Create a key directory for a gateway: signing.key (Ed25519 private, PEM,
 * mode 0600), signing.pub (PEM), watermark.key and counting.key (32 random
 * bytes as hex, mode 0600). Refuses to overwrite existing files.
 */
xb_status xb_keygen(const char *dir, char *err, size_t err_size);

#endif
