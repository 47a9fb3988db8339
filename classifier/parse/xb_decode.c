/*
 * xb_decode.c - streaming removal of gzip / deflate Content-Encoding with
 * decompression-bomb limits; see xb_decode.h.
 *
 * zlib inflates the body as it arrives; output leaves in pieces of at most
 * OUT_CHUNK bytes, so memory is one z_stream plus one output buffer whatever
 * the body size.
 *
 *   gzip / x-gzip   RFC 1952, one member or several concatenated members
 *                   (each must start with the gzip magic; anything else
 *                   after a member is trailing garbage: XB_ERR_MALFORMED)
 *   deflate         RFC 1950 zlib stream, or raw RFC 1951 deflate as some
 *                   clients send it: the first two bytes decide (a zlib
 *                   header has CM = 8, CINFO <= 7 and a multiple of 31)
 *   identity        passed through (also NULL and "")
 *
 * Limits: decoded bytes above limits->max_decoded_size, or a decoded:consumed
 * ratio above limits->max_ratio once more than 64 KiB were produced, stop
 * decoding with XB_ERR_LIMIT before the offending piece is emitted. Ratios
 * use the compressed bytes zlib actually consumed, not those merely handed
 * over, so one large buffer holding a whole bomb is caught as early as a
 * trickle. Errors are sticky: later calls return the same status.
 */
#include "xb_decode.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#define OUT_CHUNK 16384
#define RATIO_FLOOR (64 * 1024)
#define DEFAULT_MAX_OUT (64u * 1024 * 1024)
#define DEFAULT_MAX_RATIO 200

typedef enum { DEC_IDENTITY, DEC_GZIP, DEC_DEFLATE } dec_kind;

struct xb_decoder {
    dec_kind kind;
    z_stream zs;
    bool zs_ready;
    bool stream_end;    /* the current member / stream is complete */
    unsigned members;   /* complete gzip members */
    size_t member_out;  /* bytes produced by the current member */
    uint8_t head[2];    /* deflate: first bytes, to pick zlib or raw */
    size_t head_len;
    size_t in_bytes;    /* handed to feed() */
    size_t consumed;    /* consumed by zlib */
    size_t out_bytes;
    size_t max_out, max_ratio;
    xb_status status;
    char error[200];
    unsigned char out[OUT_CHUNK];
};

static const char *coding_name(const xb_decoder *d)
{
    return d->kind == DEC_GZIP ? "gzip" : d->kind == DEC_DEFLATE ? "deflate" : "identity";
}

/* Compare a coding token ignoring case and surrounding blanks. */
static bool coding_is(const char *s, const char *name)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return n == strlen(name) && strncasecmp(s, name, n) == 0;
}

xb_status xb_decoder_create(const char *encoding, const xb_limits *limits, xb_decoder **out)
{
    *out = NULL;
    dec_kind kind;
    if (!encoding || coding_is(encoding, "") || coding_is(encoding, "identity"))
        kind = DEC_IDENTITY;
    else if (coding_is(encoding, "gzip") || coding_is(encoding, "x-gzip"))
        kind = DEC_GZIP;
    else if (coding_is(encoding, "deflate"))
        kind = DEC_DEFLATE;
    else
        return XB_ERR_UNSUPPORTED; /* br, compress, zstd, "gzip, br", ... */
    xb_decoder *d = calloc(1, sizeof(*d));
    if (!d)
        return XB_ERR_NOMEM;
    d->kind = kind;
    d->max_out = limits && limits->max_decoded_size ? limits->max_decoded_size : DEFAULT_MAX_OUT;
    d->max_ratio = limits && limits->max_ratio ? limits->max_ratio : DEFAULT_MAX_RATIO;
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

static xb_status fail(xb_decoder *d, xb_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static xb_status fail(xb_decoder *d, xb_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->error, sizeof(d->error), fmt, ap);
    va_end(ap);
    d->status = st;
    return st;
}

static xb_status start_deflate(xb_decoder *d, bool raw)
{
    memset(&d->zs, 0, sizeof(d->zs));
    if (inflateInit2(&d->zs, raw ? -MAX_WBITS : MAX_WBITS) != Z_OK)
        return fail(d, XB_ERR_NOMEM, "deflate: out of memory");
    d->zs_ready = true;
    return XB_OK;
}

/* out / in > ratio, without overflow. */
static bool ratio_above(size_t out, size_t in, size_t ratio)
{
    if (in == 0)
        return out > 0;
    size_t q = out / in;
    return q > ratio || (q == ratio && out % in != 0);
}

/* Bomb limits, checked before produced bytes are emitted. */
static xb_status check_limits(xb_decoder *d)
{
    if (d->out_bytes > d->max_out)
        return fail(d, XB_ERR_LIMIT,
                    "%s: decoded body exceeds %zu bytes (decompression bomb limit "
                    "max_decoded_size) after %zu compressed bytes",
                    coding_name(d), d->max_out, d->consumed);
    if (d->out_bytes > RATIO_FLOOR && ratio_above(d->out_bytes, d->consumed, d->max_ratio))
        return fail(d, XB_ERR_LIMIT,
                    "%s: compression ratio above %zu:1 (decompression bomb limit max_ratio): "
                    "%zu bytes from %zu",
                    coding_name(d), d->max_ratio, d->out_bytes, d->consumed);
    return XB_OK;
}

static xb_status inflate_error(xb_decoder *d, int rc, size_t at)
{
    if (rc == Z_MEM_ERROR)
        return fail(d, XB_ERR_NOMEM, "%s: out of memory", coding_name(d));
    if (d->kind == DEC_GZIP && d->members > 0 && d->member_out == 0)
        return fail(d, XB_ERR_MALFORMED, "gzip: trailing garbage after member %u at byte %zu",
                    d->members, at);
    if (rc == Z_NEED_DICT)
        return fail(d, XB_ERR_MALFORMED, "deflate: stream needs a preset dictionary");
    return fail(d, XB_ERR_MALFORMED, "%s: %s at byte %zu", coding_name(d),
                d->zs.msg ? d->zs.msg : "corrupt data", at);
}

static xb_status inflate_some(xb_decoder *d, const uint8_t *data, size_t len,
                              xb_decode_emit emit, void *ctx)
{
    size_t consumed_before = d->consumed;
    d->zs.next_in = (Bytef *)data;
    d->zs.avail_in = (uInt)len;
    for (;;) {
        size_t at = consumed_before + (len - d->zs.avail_in);
        if (d->stream_end) {
            if (d->zs.avail_in == 0)
                return XB_OK;
            if (d->kind != DEC_GZIP)
                return fail(d, XB_ERR_MALFORMED, "deflate: trailing data after the stream at byte %zu",
                            at);
            /* another gzip member must follow */
            if (d->zs.next_in[0] != 0x1f)
                return fail(d, XB_ERR_MALFORMED,
                            "gzip: trailing garbage after member %u at byte %zu", d->members, at);
            if (inflateReset(&d->zs) != Z_OK)
                return fail(d, XB_ERR_NOMEM, "gzip: out of memory");
            d->stream_end = false;
            d->member_out = 0;
        }
        d->zs.next_out = d->out;
        d->zs.avail_out = OUT_CHUNK;
        int rc = inflate(&d->zs, Z_NO_FLUSH);
        size_t produced = OUT_CHUNK - d->zs.avail_out;
        d->consumed = consumed_before + (len - d->zs.avail_in);
        if (rc == Z_STREAM_END) {
            d->stream_end = true;
            d->members++;
        } else if (rc == Z_BUF_ERROR && produced == 0) {
            return XB_OK; /* needs more input */
        } else if (rc != Z_OK) {
            return inflate_error(d, rc, d->consumed);
        }
        d->out_bytes += produced;
        d->member_out += produced;
        if (check_limits(d) != XB_OK)
            return d->status;
        if (produced) {
            xb_status st = emit(ctx, d->out, produced);
            if (st != XB_OK)
                return fail(d, st, "%s: output consumer stopped (%s)", coding_name(d),
                            xb_status_name(st));
        }
        /* done with this input once it is used up and zlib has no pending
         * output (a full output buffer may hide more) */
        if (d->zs.avail_in == 0 && (d->stream_end || d->zs.avail_out != 0))
            return XB_OK;
    }
}

static xb_status pass_through(xb_decoder *d, const uint8_t *data, size_t len,
                              xb_decode_emit emit, void *ctx)
{
    d->consumed += len;
    while (len > 0) {
        size_t n = len > OUT_CHUNK ? OUT_CHUNK : len;
        d->out_bytes += n;
        xb_status st = emit(ctx, data, n);
        if (st != XB_OK)
            return fail(d, st, "identity: output consumer stopped (%s)", xb_status_name(st));
        data += n;
        len -= n;
    }
    return XB_OK;
}

xb_status xb_decoder_feed(xb_decoder *d, const uint8_t *data, size_t len,
                          xb_decode_emit emit, void *ctx)
{
    if (d->status != XB_OK)
        return d->status;
    if (len == 0)
        return XB_OK;
    d->in_bytes += len;
    if (d->kind == DEC_IDENTITY)
        return pass_through(d, data, len, emit, ctx);
    if (d->kind == DEC_DEFLATE && !d->zs_ready) {
        while (d->head_len < 2 && len > 0) {
            d->head[d->head_len++] = *data++;
            len--;
        }
        if (d->head_len < 2)
            return XB_OK;
        unsigned cmf = d->head[0], flg = d->head[1];
        bool zlib = (cmf & 0x0f) == 8 && (cmf >> 4) <= 7 && ((cmf << 8) | flg) % 31 == 0;
        if (start_deflate(d, !zlib) != XB_OK)
            return d->status;
        if (inflate_some(d, d->head, 2, emit, ctx) != XB_OK)
            return d->status;
    }
    if (len == 0)
        return XB_OK;
    return inflate_some(d, data, len, emit, ctx);
}

xb_status xb_decoder_finish(xb_decoder *d, xb_decode_emit emit, void *ctx)
{
    (void)emit;
    (void)ctx;
    if (d->status != XB_OK)
        return d->status;
    if (d->kind == DEC_IDENTITY || d->in_bytes == 0)
        return XB_OK; /* an empty body decodes to an empty body */
    if (!d->stream_end)
        return fail(d, XB_ERR_MALFORMED,
                    "%s: body ends before the end of the compressed stream (%zu bytes read)",
                    coding_name(d), d->in_bytes);
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
