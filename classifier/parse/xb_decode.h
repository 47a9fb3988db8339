/*
 * xb_decode.h - streaming removal of Content-Encoding (gzip, deflate).
 *
 * Sits in front of the body parser. Output is produced in bounded pieces and
 * handed to a callback, so memory stays constant. Two limits guard against
 * decompression bombs: an absolute cap on decoded bytes (limits.max_decoded_size)
 * and a cap on the decoded:encoded ratio (limits.max_ratio, checked once more
 * than 64 KiB were produced). Hitting either returns XB_ERR_LIMIT with a
 * message naming the limit.
 */
#ifndef XB_DECODE_H
#define XB_DECODE_H

#include "../core/xb_common.h"

typedef struct xb_decoder xb_decoder;

typedef xb_status (*xb_decode_emit)(void *ctx, const uint8_t *data, size_t len);

/*
 * encoding: NULL, "" or "identity" pass bytes through; "gzip"/"x-gzip" and
 * "deflate" (zlib-wrapped, or raw deflate as some clients send) are decoded.
 * Anything else (br, compress, a list of codings) yields XB_ERR_UNSUPPORTED.
 */
xb_status xb_decoder_create(const char *encoding, const xb_limits *limits,
                            xb_decoder **out);
xb_status xb_decoder_feed(xb_decoder *d, const uint8_t *data, size_t len,
                          xb_decode_emit emit, void *ctx);
/* End of input: a truncated stream is XB_ERR_MALFORMED. */
xb_status xb_decoder_finish(xb_decoder *d, xb_decode_emit emit, void *ctx);
/* Message for the last error, e.g. "gzip: invalid block type at byte 14". */
const char *xb_decoder_error(const xb_decoder *d);
/* Total bytes consumed and produced so far. */
size_t xb_decoder_in_bytes(const xb_decoder *d);
size_t xb_decoder_out_bytes(const xb_decoder *d);
/* True for identity (pass-through) decoders. */
bool xb_decoder_is_identity(const xb_decoder *d);
void xb_decoder_free(xb_decoder *d);

#endif
