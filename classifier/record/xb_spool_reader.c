/*
 * xb_spool_reader.c - reading a spool file frame by frame with blocking
 * reads, in bounded chunks (xb_spool.h). For threads and the CLI only.
 */
#include "xb_spool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define XB_SPOOL_CHUNK (256u * 1024)

xb_status xb_spool_reader_open(xb_spool_reader *rd, const char *path, uint64_t offset, char *err,
                               size_t err_size)
{
    memset(rd, 0, sizeof(*rd));
    rd->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (rd->fd == -1) {
        snprintf(err, err_size, "%s: %s", path, strerror(errno));
        return XB_ERR_IO;
    }
    rd->offset = offset;
    return XB_OK;
}

/* read more bytes after the unconsumed ones; false at end of file */
static xb_status fill(xb_spool_reader *rd, size_t want, char *err, size_t err_size)
{
    if (rd->chunk_pos > 0) {
        size_t rest = rd->chunk.len - rd->chunk_pos;
        memmove(rd->chunk.data, rd->chunk.data + rd->chunk_pos, rest);
        rd->chunk.len = rest;
        rd->chunk_pos = 0;
    }
    xb_status st = xb_buf_reserve(&rd->chunk, want);
    if (st != XB_OK) {
        snprintf(err, err_size, "out of memory reading %zu bytes", want);
        return st;
    }
    uint64_t file_off = rd->offset + rd->chunk.len;
    ssize_t n;
    do {
        n = pread(rd->fd, rd->chunk.data + rd->chunk.len, want, (off_t)file_off);
    } while (n == -1 && errno == EINTR);
    if (n == -1) {
        snprintf(err, err_size, "read: %s", strerror(errno));
        return XB_ERR_IO;
    }
    if (n == 0)
        rd->eof = true;
    rd->chunk.len += (size_t)n;
    return XB_OK;
}

xb_spool_parse_status xb_spool_reader_next(xb_spool_reader *rd, xb_spool_frame *frame, char *err,
                                           size_t err_size)
{
    xb_spool_frame_free(frame);
    for (;;) {
        size_t avail = rd->chunk.len - rd->chunk_pos;
        if (avail > 0) {
            xb_spool_parse_status ps = xb_spool_frame_parse(
                (const uint8_t *)rd->chunk.data + rd->chunk_pos, avail, frame, err, err_size);
            if (ps == XB_SPOOL_FRAME) {
                rd->chunk_pos += frame->frame_len;
                rd->offset += frame->frame_len;
                return ps;
            }
            if (ps == XB_SPOOL_CORRUPT)
                return ps;
        }
        if (rd->eof) {
            rd->torn = avail > 0;
            return XB_SPOOL_NEED_MORE;
        }
        size_t want = XB_SPOOL_CHUNK;
        if (avail >= XB_SPOOL_HEADER_LEN) {
            /* a frame larger than the buffer: read all of it */
            const uint8_t *h = (const uint8_t *)rd->chunk.data + rd->chunk_pos;
            size_t need = XB_SPOOL_HEADER_LEN + ((size_t)h[12] << 24 | (size_t)h[13] << 16 |
                                                 (size_t)h[14] << 8 | h[15]);
            if (need > avail && need - avail > want)
                want = need - avail;
        }
        if (fill(rd, want, err, err_size) != XB_OK)
            return XB_SPOOL_CORRUPT;
    }
}

uint64_t xb_spool_reader_offset(const xb_spool_reader *rd)
{
    return rd->offset;
}

void xb_spool_reader_close(xb_spool_reader *rd)
{
    if (rd->fd >= 0)
        close(rd->fd);
    rd->fd = -1;
    xb_buf_free(&rd->chunk);
}
