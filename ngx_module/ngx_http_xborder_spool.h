
/*
 * ngx_http_xborder_spool.h - the thread-pool side of the spool (see
 * ngx_http_xborder_spool.c): one I/O request, posted as a thread task,
 * completed on the event loop through io->done.
 */


#ifndef _NGX_HTTP_XBORDER_SPOOL_H_INCLUDED_
#define _NGX_HTTP_XBORDER_SPOOL_H_INCLUDED_


#include "ngx_http_xborder_module.h"


#define NGX_HTTP_XBORDER_SPOOL_WRITE   0
#define NGX_HTTP_XBORDER_SPOOL_READ    1
#define NGX_HTTP_XBORDER_SPOOL_ADOPT   2
#define NGX_HTTP_XBORDER_SPOOL_RETIRE  3

#define NGX_HTTP_XBORDER_SPOOL_PATH    1024
#define NGX_HTTP_XBORDER_SPOOL_STUCK   16


typedef struct {
    ngx_thread_task_t          *task;       /* ctx is this structure */
    ngx_event_handler_pt        done;       /* on the event loop */
    ngx_uint_t                  op;
    ngx_uint_t                  busy;

    u_char                     *dir;        /* NUL-terminated */
    u_char                      own_name[256];

    /* write: the worker's own file */
    u_char                      path[NGX_HTTP_XBORDER_SPOOL_PATH];
    int                         fd;
    off_t                       size;       /* durable bytes */
    u_char                     *data;
    size_t                      len;
    int                         truncate_err;

    /* read */
    int                         read_fd;
    off_t                       offset;
    u_char                     *buf;
    size_t                      buf_size;
    size_t                      got;
    off_t                       file_size;

    /* adopt / retire */
    u_char                      adopted[NGX_HTTP_XBORDER_SPOOL_PATH];
    int                         adopted_fd;
    char                        stuck[NGX_HTTP_XBORDER_SPOOL_STUCK][256];
    ngx_uint_t                  n_stuck;

    int                         err;
    const char                 *what;
} ngx_http_xborder_spool_io_t;


#if (NGX_THREADS)
ngx_int_t ngx_http_xborder_spool_post(ngx_thread_pool_t *tp,
    ngx_http_xborder_spool_io_t *io);
ngx_uint_t ngx_http_xborder_spool_is_stuck(ngx_http_xborder_spool_io_t *io,
    const char *name);
#endif


#endif /* _NGX_HTTP_XBORDER_SPOOL_H_INCLUDED_ */
