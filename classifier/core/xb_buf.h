/*
 * xb_buf.h - a growable byte buffer.
 *
 * Used wherever the library must hold bytes whose size is only known at the
 * end: one JSON value being assembled across chunks, a rendered path, a JSON
 * line of output. Growth is geometric; a failed allocation leaves the buffer
 * unchanged and returns XB_ERR_NOMEM.
 */
#ifndef XB_BUF_H
#define XB_BUF_H

#include "xb_common.h"

typedef struct xb_buf {
    char *data;   /* not NUL-terminated unless xb_buf_cstr() was called */
    size_t len;
    size_t cap;
} xb_buf;

#define XB_BUF_INIT {NULL, 0, 0}

xb_status xb_buf_reserve(xb_buf *b, size_t extra);
xb_status xb_buf_append(xb_buf *b, const void *p, size_t n);
xb_status xb_buf_append_str(xb_buf *b, const char *s);
xb_status xb_buf_append_char(xb_buf *b, char c);
/* printf-style append. */
xb_status xb_buf_printf(xb_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Append s as the contents of a JSON string (escaped, no quotes). */
xb_status xb_buf_append_json_escaped(xb_buf *b, const char *s, size_t n);
/* Guarantee a terminating NUL after data[len] and return data (never NULL). */
const char *xb_buf_cstr(xb_buf *b);
void xb_buf_reset(xb_buf *b);   /* len = 0, keeps memory */
void xb_buf_free(xb_buf *b);    /* releases memory */
/* Hand the heap block to the caller (NUL-terminated); the buffer is emptied. */
char *xb_buf_take(xb_buf *b);

#endif
