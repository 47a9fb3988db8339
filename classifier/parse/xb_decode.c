/*
 * xb_decode.c - streaming removal of gzip / deflate Content-Encoding with
 * bomb limits; see xb_decode.h.
 */
#include "xb_decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#define OUT_CHUNK 16384
#define RATIO_FLOOR (64 * 1024)

typedef enum { DEC_IDENTITY, DEC_GZIP, DEC_DEFLATE } dec_kind;

struct xb_decoder {
    dec_kind kind;
    z_stream zs;
    bool zs_ready;
    bool raw_tried;     /* deflate: fell back to raw deflate */
    bool stream_end;    /* current member finished */
    size_t in_bytes, out_bytes;
    size_t max_out, max_ratio;
    unsigned char head[2]; /* deflate: first bytes, to pick zlib vs raw */
    size_t head_len;
    char error[200];
    unsigned char out[OUT_CHUNK];
};

xb_status xb_decoder_create(const char *encoding, const xb_limits *limits,
                            xb_decoder **out)
{
    *out = NULL;
    dec_kind kind;
    if (!encoding || !*encoding || !strcasecmp(encoding, "identity"))
        kind = DEC_IDENTITY;
    else if (!strcasecmp(encoding, "gzip") || !strcasecmp(encoding, "x-gzip"))
        kind = DEC_GZIP;
    else if (!strcasecmp(encoding, "deflate"))
        kind = DEC_DEFLATE;
    else
        return XB_ERR_UNSUPPORTED;
    xb_decoder *d = calloc(1, sizeof(*d));
    if (!d)
        return XB_ERR_NOMEM;
    d->kind = kind;
    d->max_out = limits ? limits->max_decoded_size : 64u * 1024 * 1024;
    d->max_ratio = limits ? limits->max_ratio : 200;
    if (kind == DEC_GZIP) {
        if (inflateInit2(&d->zs, 16 + MAX_WBITS) != Z_OK) {
            free(d);
            return XB_ERR_NOMEM;
        }
        d->zs_ready = true;
    }
    *out = d;
    return XB_OK;
}

static xb_status fail(xb_decoder *d, xb_status st, const char *fmt, size_t at)
{
    snprintf(d->error, sizeof(d->error), fmt, d->kind == DEC_GZIP ? "gzip" : "deflate", at);
    return st;
}

static xb_status start_deflate(xb_decoder *d, bool raw)
{
    if (d->zs_ready)
        inflateEnd(&d->zs);
    memset(&d->zs, 0, sizeof(d->zs));
    d->zs_ready = inflateInit2(&d->zs, raw ? -MAX_WBITS : MAX_WBITS) == Z_OK;
    d->raw_tried = raw;
    return d->zs_ready ? XB_OK : XB_ERR_NOMEM;
}

static xb_status inflate_some(xb_decoder *d, const uint8_t *data, size_t len,
                              xb_decode_emit emit, void *ctx)
{
    d->zs.next_in = (Bytef *)data;
    d->zs.avail_in = (uInt)len;
    while (d->zs.avail_in > 0 || !d->stream_end) {
        if (d->stream_end) {
            /* Another gzip member may follow; anything else is garbage. */
            if (d->kind != DEC_GZIP)
                return fail(d, XB_ERR_MALFORMED, "%s: trailing data after the stream at byte %zu",
                            d->in_bytes - d->zs.avail_in);
            if (d->zs.next_in[0] != 0x1f)
                return fail(d, XB_ERR_MALFORMED, "%s: trailing garbage at byte %zu",
                            d->in_bytes - d->zs.avail_in);
            if (inflateReset(&d->zs) != Z_OK)
                return XB_ERR_NOMEM;
            d->stream_end = false;
        }
        d->zs.next_out = d->out;
        d->zs.avail_out = OUT_CHUNK;
        int rc = inflate(&d->zs, Z_NO_FLUSH);
        size_t produced = OUT_CHUNK - d->zs.avail_out;
        if (rc == Z_STREAM_END) {
            d->stream_end = true;
        } else if (rc == Z_BUF_ERROR && produced == 0) {
            return XB_OK; /* needs more input */
        } else if (rc != Z_OK) {
            return fail(d, XB_ERR_MALFORMED, "%s: corrupt data near byte %zu",
                        d->in_bytes - d->zs.avail_in);
        }
        d->out_bytes += produced;
        if (d->out_bytes > d->max_out) {
            snprintf(d->error, sizeof(d->error),
                     "decoded body exceeds %zu bytes (decompression bomb limit)", d->max_out);
            return XB_ERR_LIMIT;
        }
        if (d->out_bytes > RATIO_FLOOR && d->in_bytes > 0 &&
            d->out_bytes / d->in_bytes > d->max_ratio) {
            snprintf(d->error, sizeof(d->error),
                     "compression ratio above %zu:1 (decompression bomb limit)", d->max_ratio);
            return XB_ERR_LIMIT;
        }
        if (produced) {
            xb_status st = emit(ctx, d->out, produced);
            if (st != XB_OK)
                return st;
        }
        if (d->zs.avail_in == 0 && (d->stream_end || d->zs.avail_out != 0))
            break;
    }
    return XB_OK;
}

xb_status xb_decoder_feed(xb_decoder *d, const uint8_t *data, size_t len,
                          xb_decode_emit emit, void *ctx)
{
    if (len == 0)
        return XB_OK;
    if (d->kind == DEC_IDENTITY) {
        d->in_bytes += len;
        d->out_bytes += len;
        return emit(ctx, data, len);
    }
    d->in_bytes += len;
    if (d->kind == DEC_DEFLATE && !d->zs_ready) {
        /* zlib header: CMF/FLG with CM 8 and (CMF*256+FLG) % 31 == 0;
         * otherwise the sender used raw deflate, as some clients do. */
        while (d->head_len < 2 && len > 0) {
            d->head[d->head_len++] = *data++;
            len--;
        }
        if (d->head_len < 2)
            return XB_OK;
        bool zlib = (d->head[0] & 0x0f) == 8 && ((d->head[0] << 8) | d->head[1]) % 31 == 0;
        xb_status st = start_deflate(d, !zlib);
        if (st != XB_OK)
            return st;
        d->in_bytes -= len;
        st = inflate_some(d, d->head, 2, emit, ctx);
        d->in_bytes += len;
        if (st != XB_OK)
            return st;
        if (len == 0)
            return XB_OK;
    }
    return inflate_some(d, data, len, emit, ctx);
}

xb_status xb_decoder_finish(xb_decoder *d, xb_decode_emit emit, void *ctx)
{
    (void)emit;
    (void)ctx;
    if (d->kind == DEC_IDENTITY)
        return XB_OK;
    if (!d->zs_ready || !d->stream_end) {
        snprintf(d->error, sizeof(d->error), "%s: body ends before the end of the stream",
                 d->kind == DEC_GZIP ? "gzip" : "deflate");
        return XB_ERR_MALFORMED;
    }
    return XB_OK;
}

const char *xb_decoder_error(const xb_decoder *d)
{
    return d->error;
}

size_t xb_decoder_in_bytes(const xb_decoder *d)
{
    return d->in_bytes;
}

size_t xb_decoder_out_bytes(const xb_decoder *d)
{
    return d->out_bytes;
}

bool xb_decoder_is_identity(const xb_decoder *d)
{
    return d->kind == DEC_IDENTITY;
}

void xb_decoder_free(xb_decoder *d)
{
    if (!d)
        return;
    if (d->zs_ready)
        inflateEnd(&d->zs);
    free(d);
}
