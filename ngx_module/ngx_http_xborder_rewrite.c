
/*
 * ngx_http_xborder_rewrite.c - producing the body that leaves when the
 * decision is mask or watermark.
 *
 * The library does the work: xb_mask_edits() turns the findings to mask
 * into edits, xb_wm_embed() adds the watermark insertions carrying the
 * transfer id, xb_rewrite_plan_build() applies them without copying the
 * body - the new body is a list of pieces pointing into the original
 * buffers and into the encoded replacements. This file maps pieces to
 * nginx buffers (start == pos, so an upstream retry resends them whole),
 * swaps r->request_body->bufs and fixes Content-Length.
 *
 * A request body nginx spilled to a temporary file is read back with a
 * thread pool task (xborder_thread_pool), never with blocking I/O on the
 * event loop. Content-Encoding gzip/deflate bodies are decoded (the scanner
 * has already decoded them once, so the identity size is known), rewritten
 * and, for requests, encoded again with the same coding; responses are sent
 * as identity without Content-Encoding.
 */


#include "ngx_http_xborder_module.h"

#include <zlib.h>

#include "classifier/parse/xb_decode.h"
#include "classifier/transform/xb_rewrite.h"
#include "classifier/transform/xb_mask_edits.h"
#include "classifier/transform/xb_watermark.h"


/* more pieces than this are copied into one buffer (see below) */
#define NGX_HTTP_XBORDER_MAX_PIECES  32


typedef struct {
    u_char     *pos;
    u_char     *end;
} ngx_http_xborder_sink_t;


#if (NGX_THREADS)

typedef struct {
    ngx_fd_t    fd;
    u_char     *buf;
    size_t      size;
    off_t       offset;
    ssize_t     n;
    ngx_err_t   err;
} ngx_http_xborder_read_t;

static void ngx_http_xborder_read_thread(void *data, ngx_log_t *log);
static void ngx_http_xborder_read_event(ngx_event_t *ev);
static void ngx_http_xborder_read_continue(ngx_http_request_t *r);

#endif

static ngx_int_t ngx_http_xborder_rewrite_chunks(ngx_http_request_t *r,
    ngx_http_xborder_ctx_t *ctx, xb_chunk *chunks, size_t n);
static void ngx_http_xborder_plan_cleanup(void *data);


ngx_int_t
ngx_http_xborder_rewrite_request(ngx_http_request_t *r,
    ngx_http_xborder_ctx_t *ctx)
{
    size_t                        n;
    xb_chunk                     *chunks;
    ngx_buf_t                    *b;
    ngx_chain_t                  *cl;
    ngx_http_request_body_t      *rb;
#if (NGX_THREADS)
    ngx_thread_task_t            *task;
    ngx_http_xborder_read_t      *rd;
    ngx_http_xborder_loc_conf_t  *xlcf;
#endif

    rb = r->request_body;

    if (rb == NULL || rb->bufs == NULL) {
        return NGX_ERROR;
    }

    b = rb->bufs->buf;

    if (b->in_file && !ngx_buf_in_memory(b)) {

        /* the save filter leaves one file buffer for the whole body */

        if (rb->bufs->next || b->file_last - b->file_pos != ctx->request.bytes)
        {
            ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                          "xborder: unexpected request body layout");
            return NGX_ERROR;
        }

#if (NGX_THREADS)
        xlcf = ngx_http_get_module_loc_conf(r, ngx_http_xborder_module);

        task = ngx_thread_task_alloc(r->pool, sizeof(ngx_http_xborder_read_t));
        if (task == NULL) {
            return NGX_ERROR;
        }

        rd = task->ctx;
        rd->fd = b->file->fd;
        rd->size = (size_t) (b->file_last - b->file_pos);
        rd->offset = b->file_pos;
        rd->n = -1;
        rd->err = 0;

        rd->buf = ngx_pnalloc(r->pool, rd->size ? rd->size : 1);
        if (rd->buf == NULL) {
            return NGX_ERROR;
        }

        task->handler = ngx_http_xborder_read_thread;
        task->event.handler = ngx_http_xborder_read_event;
        task->event.data = r;

        if (ngx_thread_task_post(xlcf->thread_pool, task) != NGX_OK) {
            return NGX_ERROR;
        }

        ctx->read_task = task;

        r->main->blocked++;
        r->aio = 1;
        r->write_event_handler = ngx_http_xborder_read_continue;

        return NGX_AGAIN;
#else
        {
            ssize_t   got;
            xb_chunk  one;

            one.len = (size_t) (b->file_last - b->file_pos);
            one.data = ngx_pnalloc(r->pool, one.len ? one.len : 1);
            if (one.data == NULL) {
                return NGX_ERROR;
            }

            /* no thread support compiled in: the only blocking read left */
            got = ngx_read_file(b->file, (u_char *) one.data, one.len,
                                b->file_pos);
            if (got != (ssize_t) one.len) {
                return NGX_ERROR;
            }

            return ngx_http_xborder_rewrite_chunks(r, ctx, &one, 1);
        }
#endif
    }

    n = 0;

    for (cl = rb->bufs; cl; cl = cl->next) {
        n++;
    }

    chunks = ngx_palloc(r->pool, n * sizeof(xb_chunk));
    if (chunks == NULL) {
        return NGX_ERROR;
    }

    n = 0;

    for (cl = rb->bufs; cl; cl = cl->next) {
        b = cl->buf;

        if (!ngx_buf_in_memory(b)) {
            if (ngx_buf_size(b) == 0) {
                continue;
            }

            ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                          "xborder: request body partly in a file");
            return NGX_ERROR;
        }

        chunks[n].data = b->pos;
        chunks[n].len = b->last - b->pos;
        n++;
    }

    return ngx_http_xborder_rewrite_chunks(r, ctx, chunks, n);
}


#if (NGX_THREADS)

static void
ngx_http_xborder_read_thread(void *data, ngx_log_t *log)
{
    ngx_http_xborder_read_t  *rd = data;

    size_t   done;
    ssize_t  n;

    done = 0;

    while (done < rd->size) {
        n = pread(rd->fd, rd->buf + done, rd->size - done, rd->offset + done);

        if (n == -1) {
            if (ngx_errno == NGX_EINTR) {
                continue;
            }

            rd->err = ngx_errno;
            rd->n = -1;
            return;
        }

        if (n == 0) {
            break;
        }

        done += n;
    }

    rd->n = done;
}


static void
ngx_http_xborder_read_event(ngx_event_t *ev)
{
    ngx_connection_t        *c;
    ngx_http_request_t      *r;
    ngx_http_xborder_ctx_t  *ctx;

    r = ev->data;
    c = r->connection;

    ngx_http_set_log_request(c->log, r);

    r->main->blocked--;
    r->aio = 0;

    ctx = ngx_http_xborder_get_ctx(r);

    if (ctx) {
        ctx->read_done = 1;
    }

#if (NGX_HTTP_V2)
    if (r->stream) {
        c->write->ready = 1;
        c->write->active = 0;
    }
#endif

    r->write_event_handler(r);
    ngx_http_run_posted_requests(c);
}


static void
ngx_http_xborder_read_continue(ngx_http_request_t *r)
{
    ngx_int_t                 rc;
    xb_chunk                  one;
    ngx_http_xborder_ctx_t   *ctx;
    ngx_http_xborder_read_t  *rd;

    ctx = ngx_http_xborder_get_ctx(r);

    if (ctx == NULL || ctx->read_task == NULL || !ctx->read_done) {
        /* a write event while the thread is still reading */
        return;
    }

    rd = ctx->read_task->ctx;
    ctx->read_task = NULL;

    r->write_event_handler = ngx_http_request_empty_handler;

    if (rd->n != (ssize_t) rd->size) {
        ngx_log_error(NGX_LOG_CRIT, r->connection->log, rd->err,
                      "xborder: reading the request body file failed "
                      "(%z of %uz bytes)", rd->n, rd->size);
        ngx_http_xborder_rewritten(r, NGX_ERROR);
        return;
    }

    one.data = rd->buf;
    one.len = rd->size;

    rc = ngx_http_xborder_rewrite_chunks(r, ctx, &one, 1);

    ngx_http_xborder_rewritten(r, rc);
}

#endif


static xb_status
ngx_http_xborder_sink(void *data, const uint8_t *p, size_t len)
{
    ngx_http_xborder_sink_t  *sink = data;

    if ((size_t) (sink->end - sink->pos) < len) {
        return XB_ERR_LIMIT;
    }

    sink->pos = ngx_cpymem(sink->pos, p, len);

    return XB_OK;
}


/* decode Content-Encoding into one pool buffer */
ngx_int_t
ngx_http_xborder_gunzip(ngx_http_request_t *r, ngx_http_xborder_transfer_t *t,
    ngx_str_t *in, ngx_str_t *out)
{
    size_t                    size;
    xb_limits                 limits;
    xb_status                 st;
    xb_decoder               *d;
    ngx_http_xborder_sink_t   sink;
    const xb_scan_result     *res;

    res = xb_scan_get_result(t->scan);
    size = res->bytes_decoded;

    out->data = ngx_pnalloc(r->pool, size ? size : 1);
    if (out->data == NULL) {
        return NGX_ERROR;
    }

    sink.pos = out->data;
    sink.end = out->data + size;

    xb_limits_default(&limits);

    if (xb_decoder_create(t->content_encoding, &limits, &d) != XB_OK) {
        return NGX_ERROR;
    }

    st = xb_decoder_feed(d, in->data, in->len, ngx_http_xborder_sink, &sink);

    if (st == XB_OK) {
        st = xb_decoder_finish(d, ngx_http_xborder_sink, &sink);
    }

    if (st != XB_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "xborder: transfer %s: decoding \"%s\" failed: %s",
                      t->id, t->content_encoding, xb_decoder_error(d));
    }

    xb_decoder_free(d);

    if (st != XB_OK || sink.pos != sink.end) {
        return NGX_ERROR;
    }

    out->len = size;

    return NGX_OK;
}


/* encode a chain again with the request's coding (gzip or deflate) */
static ngx_int_t
ngx_http_xborder_encode(ngx_http_request_t *r, const char *coding,
    ngx_chain_t *in, off_t len, ngx_str_t *out)
{
    int           rc, bits;
    size_t        bound;
    z_stream      zs;
    ngx_chain_t  *cl;

    bits = (ngx_strcasecmp((u_char *) coding, (u_char *) "deflate") == 0)
           ? MAX_WBITS : MAX_WBITS + 16;

    ngx_memzero(&zs, sizeof(z_stream));

    if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, bits, 8,
                     Z_DEFAULT_STRATEGY)
        != Z_OK)
    {
        return NGX_ERROR;
    }

    bound = deflateBound(&zs, (uLong) len) + 64;

    out->data = ngx_pnalloc(r->pool, bound);
    if (out->data == NULL) {
        deflateEnd(&zs);
        return NGX_ERROR;
    }

    zs.next_out = out->data;
    zs.avail_out = bound;

    for (cl = in; cl; cl = cl->next) {
        zs.next_in = cl->buf->pos;
        zs.avail_in = cl->buf->last - cl->buf->pos;

        while (zs.avail_in) {
            rc = deflate(&zs, Z_NO_FLUSH);

            if (rc != Z_OK || zs.avail_out == 0) {
                deflateEnd(&zs);
                return NGX_ERROR;
            }
        }
    }

    rc = deflate(&zs, Z_FINISH);

    if (rc != Z_STREAM_END) {
        deflateEnd(&zs);
        return NGX_ERROR;
    }

    out->len = bound - zs.avail_out;

    deflateEnd(&zs);

    return NGX_OK;
}


/*
 * the edits of the decision applied to the identity body in "chunks":
 * a chain of buffers referencing the chunks and the encoded replacements
 */
ngx_int_t
ngx_http_xborder_transform_chunks(ngx_http_request_t *r,
    ngx_http_xborder_transfer_t *t, xb_chunk *chunks, size_t n,
    ngx_chain_t **out, off_t *len)
{
    size_t                        i, bad;
    uint64_t                      id;
    xb_status                     st;
    ngx_buf_t                    *b, *bufs;
    ngx_chain_t                  *cl, **ll, *links;
    xb_decision                  *d;
    xb_edit_list                  edits = XB_EDIT_LIST_INIT;
    xb_rewrite_plan              *plan;
    ngx_pool_cleanup_t           *cln;
    xb_wm_embed_stats             stats;
    const xb_scan_result         *res;
    ngx_http_xborder_loc_conf_t  *xlcf;

    xlcf = ngx_http_get_module_loc_conf(r, ngx_http_xborder_module);
    res = xb_scan_get_result(t->scan);
    d = &t->decision;

    if (d->enforced == XB_OUTCOME_MASK && d->n_mask) {
        bad = 0;

        st = xb_mask_edits(res, d->mask, d->n_mask, &edits, &bad);

        if (st != XB_OK) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "xborder: transfer %s: finding %uz at \"%s\" "
                          "cannot be masked in place: %s", t->id, bad,
                          bad < res->n_findings && res->findings[bad].path
                          ? res->findings[bad].path : "-",
                          xb_status_name(st));
            xb_edit_list_free(&edits);
            t->cannot_rewrite = 1;
            return NGX_ERROR;
        }
    }

    if (d->watermark) {

        if (xlcf->watermark == NULL
            || !xb_wm_parse_id((const char *) t->id, &id))
        {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "xborder: transfer %s: watermark required but "
                          "no xborder_watermark_key", t->id);
            xb_edit_list_free(&edits);
            return NGX_ERROR;
        }

        st = xb_wm_embed(xlcf->watermark, id, res->carriers, res->n_carriers,
                         NULL, &edits, &stats);
        if (st != XB_OK) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "xborder: transfer %s: watermark failed: %s",
                          t->id, xb_status_name(st));
            xb_edit_list_free(&edits);
            return NGX_ERROR;
        }

        t->wm_marks = stats.votes + stats.blobs;

    } else {
        xb_edit_list_sort(&edits);
    }

    plan = ngx_pcalloc(r->pool, sizeof(xb_rewrite_plan));
    if (plan == NULL) {
        xb_edit_list_free(&edits);
        return NGX_ERROR;
    }

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        xb_edit_list_free(&edits);
        return NGX_ERROR;
    }

    cln->handler = ngx_http_xborder_plan_cleanup;
    cln->data = plan;

    st = xb_rewrite_plan_build(chunks, n, edits.items, edits.n, plan);

    xb_edit_list_free(&edits);

    if (st != XB_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "xborder: transfer %s: rewriting failed: %s",
                      t->id, xb_status_name(st));
        t->cannot_rewrite = (st == XB_ERR_INVALID);
        return NGX_ERROR;
    }

    *out = NULL;
    ll = out;

    if (plan->n_pieces > NGX_HTTP_XBORDER_MAX_PIECES) {

        /*
         * Many edits: nginx would write the pieces upstream with one
         * writev() per 64 of them, and nginx leaves Nagle's algorithm on
         * for buffered request bodies, so every write after the first
         * waits for a delayed ACK (40 ms). One contiguous copy of the new
         * body is sent in one go instead.
         */

        b = ngx_create_temp_buf(r->pool, plan->total_len ? plan->total_len
                                                         : 1);
        cl = ngx_alloc_chain_link(r->pool);
        if (b == NULL || cl == NULL) {
            return NGX_ERROR;
        }

        for (i = 0; i < plan->n_pieces; i++) {
            b->last = ngx_cpymem(b->last, plan->pieces[i].data,
                                 plan->pieces[i].len);
        }

        xb_rewrite_plan_free(plan);

        cl->buf = b;
        cl->next = NULL;
        *out = cl;
        *len = b->last - b->pos;

        ngx_http_xborder_hash_chain(t, *out);
        t->bytes_sent = *len;

        return NGX_OK;
    }

    if (plan->n_pieces) {

        /* one allocation for all buffers and one for all links */

        bufs = ngx_pcalloc(r->pool, plan->n_pieces * sizeof(ngx_buf_t));
        links = ngx_palloc(r->pool, plan->n_pieces * sizeof(ngx_chain_t));
        if (bufs == NULL || links == NULL) {
            return NGX_ERROR;
        }

        for (i = 0; i < plan->n_pieces; i++) {
            b = &bufs[i];

            b->start = (u_char *) plan->pieces[i].data;
            b->pos = b->start;
            b->last = b->start + plan->pieces[i].len;
            b->end = b->last;
            b->memory = 1;

            cl = &links[i];
            cl->buf = b;
            *ll = cl;
            ll = &cl->next;
        }
    }

    *ll = NULL;
    *len = plan->total_len;

    ngx_http_xborder_hash_chain(t, *out);
    t->bytes_sent = *len;

    return NGX_OK;
}


static void
ngx_http_xborder_plan_cleanup(void *data)
{
    xb_rewrite_plan  *plan = data;

    xb_rewrite_plan_free(plan);
}


/* the request body as it leaves: rewrite, re-encode, swap, fix lengths */
static ngx_int_t
ngx_http_xborder_rewrite_chunks(ngx_http_request_t *r,
    ngx_http_xborder_ctx_t *ctx, xb_chunk *chunks, size_t n)
{
    u_char                       *p;
    off_t                         len;
    size_t                        i;
    xb_chunk                      one;
    ngx_str_t                     body, identity, encoded;
    ngx_buf_t                    *b;
    ngx_chain_t                  *out, *cl;
    ngx_http_request_body_t      *rb;
    ngx_http_xborder_transfer_t  *t;

    t = &ctx->request;
    rb = r->request_body;

    if (t->content_encoding && t->content_encoding[0]
        && ngx_strcasecmp((u_char *) t->content_encoding,
                          (u_char *) "identity") != 0)
    {
        if (n == 1) {
            body.data = (u_char *) chunks[0].data;
            body.len = chunks[0].len;

        } else {
            body.len = 0;

            for (i = 0; i < n; i++) {
                body.len += chunks[i].len;
            }

            body.data = ngx_pnalloc(r->pool, body.len ? body.len : 1);
            if (body.data == NULL) {
                return NGX_ERROR;
            }

            p = body.data;

            for (i = 0; i < n; i++) {
                p = ngx_cpymem(p, chunks[i].data, chunks[i].len);
            }
        }

        if (ngx_http_xborder_gunzip(r, t, &body, &identity) != NGX_OK) {
            return NGX_ERROR;
        }

        one.data = identity.data;
        one.len = identity.len;

        if (ngx_http_xborder_transform_chunks(r, t, &one, 1, &out, &len)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        if (ngx_http_xborder_encode(r, t->content_encoding, out, len,
                                    &encoded)
            != NGX_OK)
        {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "xborder: transfer %s: encoding the rewritten "
                          "body failed", t->id);
            return NGX_ERROR;
        }

        b = ngx_calloc_buf(r->pool);
        out = ngx_alloc_chain_link(r->pool);
        if (b == NULL || out == NULL) {
            return NGX_ERROR;
        }

        b->start = encoded.data;
        b->pos = b->start;
        b->last = b->start + encoded.len;
        b->end = b->last;
        b->temporary = 1;

        out->buf = b;
        out->next = NULL;
        len = encoded.len;

    } else {
        if (ngx_http_xborder_transform_chunks(r, t, chunks, n, &out, &len)
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    if (out == NULL) {
        b = ngx_calloc_buf(r->pool);
        out = ngx_alloc_chain_link(r->pool);
        if (b == NULL || out == NULL) {
            return NGX_ERROR;
        }

        out->buf = b;
        out->next = NULL;
    }

    for (cl = out; cl->next; cl = cl->next) { /* void */ }

    cl->buf->last_buf = 1;

    /* the original temporary file, if any, is still removed by its cleanup */

    rb->bufs = out;
    rb->temp_file = NULL;

    r->headers_in.content_length_n = len;

    if (r->headers_in.content_length) {
        p = ngx_pnalloc(r->pool, NGX_OFF_T_LEN);
        if (p == NULL) {
            return NGX_ERROR;
        }

        r->headers_in.content_length->value.data = p;
        r->headers_in.content_length->value.len = ngx_sprintf(p, "%O", len)
                                                  - p;
    }

    ngx_log_debug3(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "xborder: transfer %s: body rewritten, %O -> %O bytes",
                   t->id, t->bytes, len);

    return NGX_OK;
}
