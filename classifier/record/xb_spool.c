/*
 * xb_spool.c - spool frames (xb_spool.h): encoding, checked decoding, and
 * the file names of chains' spools.
 */
#include "xb_spool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t get16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* CRC-32 of the 12 header bytes from version to length */
static uint32_t header_crc(const uint8_t *header)
{
    return (uint32_t)crc32(crc32(0L, Z_NULL, 0), header + 4, 12);
}

static uint32_t frame_crc(const uint8_t *header, const uint8_t *payload, size_t len)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, header + 4, 12);
    while (len > 0) {
        uInt chunk = len > 0x40000000u ? 0x40000000u : (uInt)len;
        crc = crc32(crc, payload, chunk);
        payload += chunk;
        len -= chunk;
    }
    return (uint32_t)crc;
}

xb_status xb_spool_frame_encode(const xb_filing_cmd *cmd, xb_buf *out)
{
    if (cmd->argc < 3 || (cmd->script != XB_FILING_APPEND && cmd->script != XB_FILING_CHECKPOINT))
        return XB_ERR_INVALID;
    size_t n_args = (size_t)cmd->argc - 3;
    size_t payload = 0;
    for (size_t i = 0; i < n_args; i++) {
        if (cmd->argvlen[3 + i] > XB_SPOOL_MAX_FRAME)
            return XB_ERR_LIMIT;
        payload += 4 + cmd->argvlen[3 + i];
    }
    if (payload > XB_SPOOL_MAX_FRAME || cmd->n_keys > 0xffff)
        return XB_ERR_LIMIT;

    size_t start = out->len;
    xb_status st = xb_buf_reserve(out, XB_SPOOL_HEADER_LEN + payload);
    if (st != XB_OK)
        return st;
    uint8_t *h = (uint8_t *)out->data + start;
    memcpy(h, "XBSP", 4);
    h[4] = XB_SPOOL_VERSION;
    h[5] = (uint8_t)cmd->script;
    put16(h + 6, (uint32_t)cmd->n_keys);
    put32(h + 8, (uint32_t)n_args);
    put32(h + 12, (uint32_t)payload);
    put32(h + 16, header_crc(h));
    uint8_t *p = h + XB_SPOOL_HEADER_LEN;
    for (size_t i = 0; i < n_args; i++) {
        put32(p, (uint32_t)cmd->argvlen[3 + i]);
        memcpy(p + 4, cmd->argv[3 + i], cmd->argvlen[3 + i]);
        p += 4 + cmd->argvlen[3 + i];
    }
    put32(h + 20, frame_crc(h, h + XB_SPOOL_HEADER_LEN, payload));
    out->len = start + XB_SPOOL_HEADER_LEN + payload;
    return XB_OK;
}

void xb_spool_frame_free(xb_spool_frame *frame)
{
    free(frame->args);
    free(frame->lens);
    memset(frame, 0, sizeof(*frame));
}

static xb_spool_parse_status corrupt(char *err, size_t n, const char *why)
{
    if (err && n)
        snprintf(err, n, "%s", why);
    return XB_SPOOL_CORRUPT;
}

xb_spool_parse_status xb_spool_frame_parse(const uint8_t *buf, size_t len, xb_spool_frame *frame,
                                           char *err, size_t err_size)
{
    memset(frame, 0, sizeof(*frame));
    size_t have_magic = len < 4 ? len : 4;
    if (memcmp(buf, "XBSP", have_magic) != 0)
        return corrupt(err, err_size, "bad magic");
    if (len < XB_SPOOL_HEADER_LEN)
        return XB_SPOOL_NEED_MORE;
    /* before any length is believed: a damaged length must not turn the
     * rest of the file into a "torn tail" */
    if (header_crc(buf) != get32(buf + 16))
        return corrupt(err, err_size, "header CRC mismatch");
    if (buf[4] != XB_SPOOL_VERSION)
        return corrupt(err, err_size, "unknown frame version");
    uint8_t script = buf[5];
    if (script != XB_FILING_APPEND && script != XB_FILING_CHECKPOINT)
        return corrupt(err, err_size, "unknown script");
    size_t n_keys = get16(buf + 6);
    size_t n_args = get32(buf + 8);
    size_t payload = get32(buf + 12);
    if (payload > XB_SPOOL_MAX_FRAME || n_args > payload / 4 || n_keys > n_args)
        return corrupt(err, err_size, "impossible lengths");
    if (len - XB_SPOOL_HEADER_LEN < payload)
        return XB_SPOOL_NEED_MORE;
    const uint8_t *p = buf + XB_SPOOL_HEADER_LEN;
    if (frame_crc(buf, p, payload) != get32(buf + 20))
        return corrupt(err, err_size, "CRC mismatch");

    frame->args = calloc(n_args ? n_args : 1, sizeof(*frame->args));
    frame->lens = calloc(n_args ? n_args : 1, sizeof(*frame->lens));
    if (!frame->args || !frame->lens) {
        xb_spool_frame_free(frame);
        return corrupt(err, err_size, "out of memory");
    }
    size_t off = 0;
    for (size_t i = 0; i < n_args; i++) {
        if (payload - off < 4) {
            xb_spool_frame_free(frame);
            return corrupt(err, err_size, "argument past the payload");
        }
        size_t n = get32(p + off);
        off += 4;
        if (payload - off < n) {
            xb_spool_frame_free(frame);
            return corrupt(err, err_size, "argument past the payload");
        }
        frame->args[i] = (const char *)p + off;
        frame->lens[i] = n;
        off += n;
    }
    if (off != payload) {
        xb_spool_frame_free(frame);
        return corrupt(err, err_size, "bytes after the last argument");
    }
    frame->script = (xb_filing_script)script;
    frame->n_keys = n_keys;
    frame->n_args = n_args;
    frame->frame_len = XB_SPOOL_HEADER_LEN + payload;
    return XB_SPOOL_FRAME;
}

static bool plain_byte(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '-';
}

xb_status xb_spool_file_name(const char *chain, xb_buf *out)
{
    if (!chain || !*chain)
        return XB_ERR_INVALID;
    xb_buf_reset(out);
    for (const unsigned char *p = (const unsigned char *)chain; *p; p++) {
        xb_status st = plain_byte(*p) ? xb_buf_append_char(out, (char)*p)
                                      : xb_buf_printf(out, "%%%02X", *p);
        if (st != XB_OK)
            return st;
    }
    return xb_buf_append_str(out, XB_SPOOL_SUFFIX);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

xb_status xb_spool_chain_of(const char *file_name, xb_buf *chain)
{
    size_t n = strlen(file_name), sl = strlen(XB_SPOOL_SUFFIX);
    if (n <= sl || strcmp(file_name + n - sl, XB_SPOOL_SUFFIX) != 0)
        return XB_ERR_INVALID;
    xb_buf_reset(chain);
    for (size_t i = 0; i < n - sl; i++) {
        char c = file_name[i];
        if (c == '%') {
            /* exactly what xb_spool_file_name() writes: upper-case hex of a
             * byte that is neither NUL nor plain */
            if (i + 2 >= n - sl || hexval(file_name[i + 1]) < 0 ||
                hexval(file_name[i + 2]) < 0 || (file_name[i + 1] >= 'a') ||
                (file_name[i + 2] >= 'a'))
                return XB_ERR_INVALID;
            c = (char)(hexval(file_name[i + 1]) * 16 + hexval(file_name[i + 2]));
            if (c == '\0' || plain_byte((unsigned char)c))
                return XB_ERR_INVALID;
            i += 2;
        } else if (!plain_byte((unsigned char)c)) {
            return XB_ERR_INVALID;
        }
        xb_status st = xb_buf_append_char(chain, c);
        if (st != XB_OK)
            return st;
    }
    return chain->len ? XB_OK : XB_ERR_INVALID;
}
