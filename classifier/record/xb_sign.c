/* xb_sign.c - Ed25519 keys, signatures and checkpoints; see xb_sign.h. */
#include "xb_sign.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void ssl_error(char *err, size_t size, const char *what, const char *path)
{
    unsigned long e = ERR_get_error();
    snprintf(err, size, "%s %s: %s", what, path,
             e ? ERR_reason_error_string(e) : strerror(errno));
    ERR_clear_error();
}

static xb_key *load(const char *path, bool private_key, char *err, size_t size)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, size, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    EVP_PKEY *k = private_key ? PEM_read_PrivateKey(f, NULL, NULL, NULL)
                              : PEM_read_PUBKEY(f, NULL, NULL, NULL);
    fclose(f);
    if (!k) {
        ssl_error(err, size, "cannot read key", path);
        return NULL;
    }
    if (EVP_PKEY_get_id(k) != EVP_PKEY_ED25519) {
        snprintf(err, size, "%s: not an Ed25519 key", path);
        EVP_PKEY_free(k);
        return NULL;
    }
    return k;
}

xb_key *xb_key_load_private(const char *path, char *err, size_t err_size)
{
    return load(path, true, err, err_size);
}

xb_key *xb_key_load_public(const char *path, char *err, size_t err_size)
{
    return load(path, false, err, err_size);
}

void xb_key_free(xb_key *k)
{
    EVP_PKEY_free(k);
}

void xb_key_id(xb_key *k, char out[17])
{
    unsigned char raw[32];
    size_t len = sizeof(raw);
    char hex[XB_HASH_HEX];
    if (EVP_PKEY_get_raw_public_key(k, raw, &len) != 1)
        len = 0;
    xb_sha256_hex(raw, len, hex);
    memcpy(out, hex, 16);
    out[16] = '\0';
}

static void to_hex(const unsigned char *p, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[p[i] >> 4];
        out[2 * i + 1] = hex[p[i] & 15];
    }
    out[2 * n] = '\0';
}

xb_status xb_sign(xb_key *k, const void *msg, size_t n, char sig_hex[XB_SIG_HEX])
{
    unsigned char sig[64];
    size_t len = sizeof(sig);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx)
        return XB_ERR_NOMEM;
    int ok = EVP_DigestSignInit(ctx, NULL, NULL, NULL, k) == 1 &&
             EVP_DigestSign(ctx, sig, &len, msg, n) == 1 && len == 64;
    EVP_MD_CTX_free(ctx);
    if (!ok) {
        ERR_clear_error();
        return XB_ERR_INVALID;
    }
    to_hex(sig, 64, sig_hex);
    return XB_OK;
}

bool xb_verify(xb_key *pub, const void *msg, size_t n, const char *sig_hex)
{
    unsigned char sig[64];
    if (strlen(sig_hex) != 128)
        return false;
    for (size_t i = 0; i < 64; i++) {
        unsigned int v;
        if (sscanf(sig_hex + 2 * i, "%2x", &v) != 1)
            return false;
        sig[i] = (unsigned char)v;
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx)
        return false;
    int ok = EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pub) == 1 &&
             EVP_DigestVerify(ctx, sig, 64, msg, n) == 1;
    EVP_MD_CTX_free(ctx);
    ERR_clear_error();
    return ok;
}

xb_status xb_checkpoint_encode(const char *node, const char *chain, uint64_t seq,
                               const char *head_hash, int64_t ts_ms,
                               const char *key_id, xb_buf *out)
{
    char ts[32];
    xb_format_time_cst(ts_ms, ts);
    xb_status st = xb_buf_append_str(out, "{\"chain\":\"");
    if (!st) st = xb_buf_append_json_escaped(out, chain, strlen(chain));
    if (!st) st = xb_buf_append_str(out, "\",\"hash\":\"");
    if (!st) st = xb_buf_append_json_escaped(out, head_hash, strlen(head_hash));
    if (!st) st = xb_buf_append_str(out, "\",\"key_id\":\"");
    if (!st) st = xb_buf_append_json_escaped(out, key_id, strlen(key_id));
    if (!st) st = xb_buf_append_str(out, "\",\"node\":\"");
    if (!st) st = xb_buf_append_json_escaped(out, node, strlen(node));
    if (!st) st = xb_buf_printf(out, "\",\"seq\":%llu,\"ts\":\"%s\",\"v\":1}",
                                (unsigned long long)seq, ts);
    return st;
}

/* Create path exclusively with the given mode and write data. */
static int write_new(const char *path, const char *data, size_t n, mode_t mode,
                     char *err, size_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
    if (fd < 0) {
        snprintf(err, size, "cannot create %s: %s", path, strerror(errno));
        return -1;
    }
    ssize_t w = write(fd, data, n);
    int rc = (w == (ssize_t)n && fsync(fd) == 0) ? 0 : -1;
    if (rc)
        snprintf(err, size, "cannot write %s: %s", path, strerror(errno));
    close(fd);
    return rc;
}

static int write_secret(const char *dir, const char *name, char *err, size_t size)
{
    unsigned char raw[32];
    char hex[66];
    char path[4096];
    if (RAND_bytes(raw, sizeof(raw)) != 1) {
        snprintf(err, size, "no randomness available");
        return -1;
    }
    to_hex(raw, 32, hex);
    strcat(hex, "\n");
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return write_new(path, hex, strlen(hex), 0600, err, size);
}

static int write_pem(const char *path, EVP_PKEY *k, bool private_key, char *err,
                     size_t size)
{
    BIO *b = BIO_new(BIO_s_mem());
    if (!b)
        return -1;
    int ok = private_key ? PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL)
                         : PEM_write_bio_PUBKEY(b, k);
    char *data;
    long n = BIO_get_mem_data(b, &data);
    int rc = ok && n > 0 ? write_new(path, data, (size_t)n, private_key ? 0600 : 0644,
                                     err, size)
                         : -1;
    if (!ok)
        snprintf(err, size, "cannot encode key for %s", path);
    BIO_free(b);
    return rc;
}

xb_status xb_keygen(const char *dir, char *err, size_t err_size)
{
    char path[4096];
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        snprintf(err, err_size, "cannot create %s: %s", dir, strerror(errno));
        return XB_ERR_IO;
    }
    const char *names[] = {"signing.key", "signing.pub", "watermark.key", "counting.key"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        if (access(path, F_OK) == 0) {
            snprintf(err, err_size, "%s exists; refusing to overwrite a key", path);
            return XB_ERR_INVALID;
        }
    }
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    if (!k) {
        snprintf(err, err_size, "Ed25519 key generation failed");
        return XB_ERR_INVALID;
    }
    snprintf(path, sizeof(path), "%s/signing.key", dir);
    int rc = write_pem(path, k, true, err, err_size);
    if (!rc) {
        snprintf(path, sizeof(path), "%s/signing.pub", dir);
        rc = write_pem(path, k, false, err, err_size);
    }
    EVP_PKEY_free(k);
    if (!rc)
        rc = write_secret(dir, "watermark.key", err, err_size);
    if (!rc)
        rc = write_secret(dir, "counting.key", err, err_size);
    return rc ? XB_ERR_IO : XB_OK;
}
