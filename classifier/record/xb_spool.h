/*
 * xb_spool.h - the local spool: an append-only file of filing commands
 * that could not be sent to Redis (down or slow), replayed in order when it
 * is back. It is what makes "no record is ever lost" true while Redis is
 * unavailable, so every byte of it is checked on the way back.
 *
 * One spool file per chain (per nginx worker process), named after the
 * chain (xb_spool_file_name). The gateway appends frames and fdatasync()s
 * them in nginx's thread pool before the transfer goes on; the owner holds
 * an exclusive flock() on the file for its lifetime, so another process
 * can tell a dead owner's file (lock free) and replay it.
 *
 * Frame (all integers big endian):
 *
 *   magic       4 bytes  "XBSP"
 *   version     1 byte   2
 *   script      1 byte   xb_filing_script (append or checkpoint)
 *   n_keys      2 bytes
 *   n_args      4 bytes  keys + arguments
 *   length      4 bytes  of the payload
 *   header_crc  4 bytes  CRC-32 (zlib) of the 12 bytes from version to
 *                        length
 *   crc         4 bytes  CRC-32 (zlib) of the same 12 bytes followed by
 *                        the payload
 *   payload     n_args times: 4-byte length, bytes
 *
 * A frame is written with one write(2); a crash can leave a torn frame
 * only at the end of a file. Reading tells such a torn tail (incomplete at
 * end of file: never acknowledged, so its transfer was never forwarded)
 * from corruption (bad magic or CRC before the end: never skipped). The
 * header has its own CRC, checked before the payload length is believed:
 * without it a damaged length reaching past the end of the file would look
 * like a torn tail, and the acknowledged frames after it would be skipped.
 * (Version 1, without header_crc, was never released; it is refused.)
 */
#ifndef XB_SPOOL_H
#define XB_SPOOL_H

#include "../core/xb_buf.h"
#include "xb_filing.h"

#define XB_SPOOL_HEADER_LEN 24
#define XB_SPOOL_VERSION 2
#define XB_SPOOL_SUFFIX ".spool"
#define XB_SPOOL_DONE_SUFFIX ".replayed"
#define XB_SPOOL_MAX_FRAME (64u * 1024 * 1024)

/* Append the frame of cmd (its keys and arguments, without the EVALSHA
 * prefix) to out. */
xb_status xb_spool_frame_encode(const xb_filing_cmd *cmd, xb_buf *out);

/* One decoded frame; args point into the buffer given to the parser. */
typedef struct xb_spool_frame {
    xb_filing_script script;
    size_t n_keys;
    size_t n_args;
    const char **args;    /* n_args pointers (owned by the frame) */
    size_t *lens;
    size_t frame_len;     /* bytes the frame occupies in the file */
} xb_spool_frame;

typedef enum xb_spool_parse_status {
    XB_SPOOL_FRAME = 0,   /* a whole, valid frame */
    XB_SPOOL_NEED_MORE,   /* buffer ends inside a frame (torn tail at EOF) */
    XB_SPOOL_CORRUPT      /* bad magic, version, lengths or CRC */
} xb_spool_parse_status;

/* Parse the frame at the start of buf[0..len). On XB_SPOOL_FRAME fills
 * frame (free with xb_spool_frame_free); on XB_SPOOL_CORRUPT writes why to
 * err. */
xb_spool_parse_status xb_spool_frame_parse(const uint8_t *buf, size_t len,
                                           xb_spool_frame *frame, char *err,
                                           size_t err_size);
void xb_spool_frame_free(xb_spool_frame *frame);

/*
 * Sequential reader of a spool file with blocking reads (for nginx's
 * thread pool and the CLI, never an event loop). Reads in bounded chunks,
 * so a spool of any size is replayed in constant memory.
 */
typedef struct xb_spool_reader {
    int fd;
    uint64_t offset;      /* file offset of the next frame */
    bool eof;
    bool torn;            /* the file ends inside a frame */
    xb_buf chunk;         /* bytes read, not yet returned */
    size_t chunk_pos;
} xb_spool_reader;

/* Open path and position at offset (0, or one returned by
 * xb_spool_reader_offset()). */
xb_status xb_spool_reader_open(xb_spool_reader *rd, const char *path, uint64_t offset,
                               char *err, size_t err_size);
/* The next frame (valid until the next call; frame must be zeroed before
 * the first call, it is freed and refilled by each call). XB_SPOOL_NEED_MORE
 * means end of file: rd->torn tells whether a partial frame remains there,
 * at xb_spool_reader_offset(). XB_SPOOL_CORRUPT: the frame at
 * xb_spool_reader_offset() is damaged (or the file could not be read; err
 * says which). */
xb_spool_parse_status xb_spool_reader_next(xb_spool_reader *rd, xb_spool_frame *frame,
                                           char *err, size_t err_size);
/* Offset just after the last frame returned. */
uint64_t xb_spool_reader_offset(const xb_spool_reader *rd);
void xb_spool_reader_close(xb_spool_reader *rd);

/* File name (no directory) of a chain's spool: the chain id with every
 * byte outside [A-Za-z0-9._-] written as %XX, plus ".spool". */
xb_status xb_spool_file_name(const char *chain, xb_buf *out);
/* Inverse: the chain id of a spool file name; XB_ERR_INVALID if it is not
 * one, i.e. not exactly what xb_spool_file_name() makes of some chain (so a
 * chain has one file name: no %00, no escaped plain bytes, upper-case
 * hex). */
xb_status xb_spool_chain_of(const char *file_name, xb_buf *chain);

#endif
