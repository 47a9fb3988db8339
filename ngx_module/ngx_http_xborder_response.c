
/*
 * ngx_http_xborder_response.c - inspection of response bodies (pull
 * exports, xborder_inspect response|both).
 *
 * The header filter holds the response headers back (it returns without
 * calling the next header filter, as the xslt filter does), so nothing
 * reaches the client before the decision. The body filter copies the body
 * (identity or gzip) into request-pool buffers up to
 * xborder_max_inspect_size while streaming it into the scanner, and at the
 * last buffer decides:
 *
 *   block          status, headers and body are replaced by the 451/403
 *                  JSON answer; not one byte of the upstream body is sent
 *   mask/watermark the body is rewritten (a gzip body is sent rewritten as
 *                  identity, without Content-Encoding)
 *   allow          the held headers and body are released unchanged
 *
 * A body over the cap follows xborder_oversize (pass: released as it
 * stands and the rest streamed; block: drained and answered with 451).
 * Unknown exporters and internal failures fail closed unless in monitor
 * mode.
 */


#include "ngx_http_xborder_module.h"


static ngx_int_t ngx_http_xborder_hold(ngx_http_request_t *r,
    ngx_http_xborder_ctx_t *ctx, ngx_chain_t *in);
static ngx_int_t ngx_http_xborder_drain(ngx_http_request_t *r,
    ngx_http_xborder_ctx_t *ctx, ngx_chain_t *in);
static ngx_int_t ngx_http_xborder_decide_response(ngx_http_request_t *r,
    ngx_http_xborder_ctx_t *ctx);
static ngx_int_t ngx_http_xborder_response_inspected(ngx_http_request_t *r,
    ngx_http_xborder_ctx_t *ctx, ngx_int_t rc);
static ngx_int_t ngx_http_xborder_release(ngx_http_request_t *r,
    ngx_http_xborder_ctx_t *ctx, ngx_chain_t *rest, ngx_uint_t complete);
static ngx_int_t ngx_http_xborder_send_rewritten(ngx_http_request_t *r,
    ngx_http_xborder_ctx_t *ctx);
static ngx_int_t ngx_http_xborder_answer(ngx_http_request_t *r,
    ngx_http_xborder_ctx_t *ctx, const char *error, ngx_uint_t status);
static void ngx_http_xborder_drop_held(ngx_http_request_t *r,
    ngx_http_xborder_ctx_t *ctx);
static ngx_int_t ngx_http_xborder_response_conclude(ngx_http_request_t *r,
    ngx_http_xborder_ctx_t *ctx, ngx_uint_t outcome, ngx_uint_t action,
    const char *error, ngx_uint_t status);
static ngx_int_t ngx_http_xborder_response_act(ngx_http_request_t *r,
    ngx_http_xborder_ctx_t *ctx);
static ngx_int_t ngx_http_xborder_hold_copy(ngx_http_request_t *r,
    ngx_http_xborder_ctx_t *ctx, ngx_chain_t *in);
static ngx_int_t ngx_http_xborder_send_prepared(ngx_http_request_t *r,
    ngx_http_xborder_ctx_t *ctx);


/* what a response does once its record is filed */
#define NGX_HTTP_XBORDER_ACT_RELEASE   0   /* the held, complete body */
#define NGX_HTTP_XBORDER_ACT_STREAM    1   /* what is held, then the rest */
#define NGX_HTTP_XBORDER_ACT_ANSWER    2   /* our JSON answer */
#define NGX_HTTP_XBORDER_ACT_SEND      3   /* the rewritten body */


ngx_int_t
ngx_http_xborder_header_filter(ngx_http_request_t *r)
{
    ngx_str_t                    *ct, *ce;
    ngx_http_xborder_ctx_t       *ctx;
    ngx_http_xborder_transfer_t  *t;
    ngx_http_xborder_loc_conf_t  *xlcf;

    if (r != r->main) {
        return ngx_http_xborder_next_header_filter(r);
    }

    xlcf = ngx_http_get_module_loc_conf(r, ngx_http_xborder_module);

    if (!xlcf->enable || !(xlcf->inspect & NGX_HTTP_XBORDER_RESPONSE)) {
        return ngx_http_xborder_next_header_filter(r);
    }

    ctx = ngx_http_xborder_get_ctx(r);

    if (ctx && ctx->response_state != NGX_HTTP_XBORDER_RESP_NONE) {
        return ngx_http_xborder_next_header_filter(r);
    }

    if (r->header_only
        || r->method == NGX_HTTP_HEAD
        || r->headers_out.content_length_n == 0
        || r->headers_out.status < NGX_HTTP_OK
        || r->headers_out.status == NGX_HTTP_NO_CONTENT
        || r->headers_out.status == NGX_HTTP_NOT_MODIFIED)
    {
        return ngx_http_xborder_next_header_filter(r);
    }

    if (ctx == NULL) {
        ctx = ngx_http_xborder_create_ctx(r);
        if (ctx == NULL) {
            return NGX_ERROR;
        }
    }

    t = &ctx->response;
    ctx->last = t;
    ctx->response_state = NGX_HTTP_XBORDER_RESP_SKIP;

    ct = r->headers_out.content_type.len ? &r->headers_out.content_type
                                         : NULL;
    ce = r->headers_out.content_encoding
         && r->headers_out.content_encoding->hash
         ? &r->headers_out.content_encoding->value : NULL;

    if (ngx_http_xborder_transfer_start(r, t, NGX_HTTP_XBORDER_DIR_RESPONSE,
                                        ct, ce)
        != NGX_OK)
    {
        ngx_http_xborder_transfer_account(r, t, NGX_HTTP_XBORDER_OUT_ERROR);

        if (ngx_http_xborder_monitor(xlcf)) {
            return ngx_http_xborder_next_header_filter(r);
        }

        ctx->response_state = NGX_HTTP_XBORDER_RESP_DRAIN;
        ctx->response_error = "inspection_failed";
        ctx->response_status = NGX_HTTP_SERVICE_UNAVAILABLE;

        return NGX_OK;
    }

    ctx->held = NULL;
    ctx->held_last = &ctx->held;

    if (t->unknown_exporter) {

        if (ngx_http_xborder_monitor(xlcf)) {
            if (!ngx_http_xborder_filing_enabled(r)) {
                ngx_http_xborder_transfer_account(r, t,
                                                  NGX_HTTP_XBORDER_OUT_PASS);
                return ngx_http_xborder_next_header_filter(r);
            }

            r->main_filter_need_in_memory = 1;
            return ngx_http_xborder_response_conclude(r, ctx,
                                              NGX_HTTP_XBORDER_OUT_PASS,
                                              NGX_HTTP_XBORDER_ACT_STREAM,
                                              NULL, 0);
        }

        ngx_http_xborder_transfer_account(r, t, NGX_HTTP_XBORDER_OUT_BLOCK);

        ctx->response_state = NGX_HTTP_XBORDER_RESP_DRAIN;
        ctx->response_error = "unknown_exporter";
        ctx->response_status = NGX_HTTP_FORBIDDEN;

        return NGX_OK;
    }

    if (r->headers_out.content_length_n > (off_t) xlcf->max_inspect_size) {

        t->oversize = 1;
        t->bytes = r->headers_out.content_length_n;

        if (xlcf->oversize == NGX_HTTP_XBORDER_PASS
            || ngx_http_xborder_monitor(xlcf))
        {
            if (!ngx_http_xborder_filing_enabled(r)) {
                ngx_http_xborder_transfer_account(r, t,
                                                  NGX_HTTP_XBORDER_OUT_PASS);
                return ngx_http_xborder_next_header_filter(r);
            }

            r->main_filter_need_in_memory = 1;
            return ngx_http_xborder_response_conclude(r, ctx,
                                              NGX_HTTP_XBORDER_OUT_PASS,
                                              NGX_HTTP_XBORDER_ACT_STREAM,
                                              NULL, 0);
        }

        ngx_http_xborder_transfer_account(r, t, NGX_HTTP_XBORDER_OUT_BLOCK);

        ctx->response_state = NGX_HTTP_XBORDER_RESP_DRAIN;
        ctx->response_error = "oversize";
        ctx->response_status = xlcf->block_status;

        return NGX_OK;
    }

    ctx->response_state = NGX_HTTP_XBORDER_RESP_HOLD;
    ctx->held = NULL;
    ctx->held_last = &ctx->held;

    r->main_filter_need_in_memory = 1;
    r->allow_ranges = 0;

    return NGX_OK;
}


ngx_int_t
ngx_http_xborder_body_filter(ngx_http_request_t *r, ngx_chain_t *in)
{
    ngx_http_xborder_ctx_t  *ctx;

    if (r != r->main) {
        return ngx_http_xborder_next_body_filter(r, in);
    }

    ctx = ngx_http_get_module_ctx(r, ngx_http_xborder_module);

    if (ctx == NULL) {
        return ngx_http_xborder_next_body_filter(r, in);
    }

    if (ctx->response_counting) {
        /* the whole body is held (last_buf seen): nothing more comes */
        return NGX_OK;
    }

    if (ctx->response_filing) {
        /* the record is being filed: keep what comes meanwhile */
        return ngx_http_xborder_hold_copy(r, ctx, in);
    }

    switch (ctx->response_state) {

    case NGX_HTTP_XBORDER_RESP_HOLD:
        return ngx_http_xborder_hold(r, ctx, in);

    case NGX_HTTP_XBORDER_RESP_DRAIN:
    case NGX_HTTP_XBORDER_RESP_DONE:
        return ngx_http_xborder_drain(r, ctx, in);

    default:
        return ngx_http_xborder_next_body_filter(r, in);
    }
}


static ngx_int_t
ngx_http_xborder_hold(ngx_http_request_t *r, ngx_http_xborder_ctx_t *ctx,
    ngx_chain_t *in)
{
    size_t                        size;
    ngx_buf_t                    *b, *copy;
    ngx_chain_t                  *cl, *ln;
    ngx_http_xborder_transfer_t  *t;
    ngx_http_xborder_loc_conf_t  *xlcf;

    t = &ctx->response;
    xlcf = ngx_http_get_module_loc_conf(r, ngx_http_xborder_module);

    for (cl = in; cl; cl = cl->next) {
        b = cl->buf;

        if (b->in_file && !ngx_buf_in_memory(b)) {
            ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                          "xborder: response buffer in a file");
            ngx_http_xborder_drop_held(r, ctx);
            ngx_http_xborder_transfer_account(r, t,
                                              NGX_HTTP_XBORDER_OUT_ERROR);
            ctx->response_state = NGX_HTTP_XBORDER_RESP_DRAIN;
            ctx->response_error = "inspection_failed";
            ctx->response_status = NGX_HTTP_SERVICE_UNAVAILABLE;
            return ngx_http_xborder_drain(r, ctx, cl);
        }

        size = ngx_buf_in_memory(b) ? (size_t) (b->last - b->pos) : 0;

        if (size) {

            if ((size_t) t->bytes + size > xlcf->max_inspect_size) {

                /* marks the transfer oversize and frees the scan */
                (void) ngx_http_xborder_transfer_feed(r, t, b->pos, size);

                if (xlcf->oversize == NGX_HTTP_XBORDER_PASS
                    || ngx_http_xborder_monitor(xlcf))
                {
                    if (!ngx_http_xborder_filing_enabled(r)) {
                        ngx_http_xborder_transfer_account(r, t,
                                                  NGX_HTTP_XBORDER_OUT_PASS);
                        return ngx_http_xborder_release(r, ctx, cl, 0);
                    }

                    if (ngx_http_xborder_hold_copy(r, ctx, cl) != NGX_OK) {
                        return NGX_ERROR;
                    }

                    return ngx_http_xborder_response_conclude(r, ctx,
                                              NGX_HTTP_XBORDER_OUT_PASS,
                                              NGX_HTTP_XBORDER_ACT_STREAM,
                                              NULL, 0);
                }

                ngx_http_xborder_drop_held(r, ctx);
                ngx_http_xborder_transfer_account(r, t,
                                                  NGX_HTTP_XBORDER_OUT_BLOCK);

                ctx->response_state = NGX_HTTP_XBORDER_RESP_DRAIN;
                ctx->response_error = "oversize";
                ctx->response_status = xlcf->block_status;

                return ngx_http_xborder_drain(r, ctx, cl);
            }

            copy = ngx_create_temp_buf(r->pool, size);
            if (copy == NULL) {
                return NGX_ERROR;
            }

            copy->last = ngx_cpymem(copy->pos, b->pos, size);

            ln = ngx_alloc_chain_link(r->pool);
            if (ln == NULL) {
                return NGX_ERROR;
            }

            ln->buf = copy;
            ln->next = NULL;
            *ctx->held_last = ln;
            ctx->held_last = &ln->next;

            r->connection->buffered |= NGX_HTTP_XBORDER_BUFFERED;

            (void) ngx_http_xborder_transfer_feed(r, t, b->pos, size);

            b->pos = b->last;
        }

        if (b->last_buf) {
            return ngx_http_xborder_decide_response(r, ctx);
        }
    }

    return NGX_OK;
}


/* swallow the upstream body; answer once it has ended */
static ngx_int_t
ngx_http_xborder_drain(ngx_http_request_t *r, ngx_http_xborder_ctx_t *ctx,
    ngx_chain_t *in)
{
    ngx_uint_t    last;
    ngx_chain_t  *cl;

    last = 0;

    for (cl = in; cl; cl = cl->next) {
        if (ngx_buf_in_memory(cl->buf)) {
            cl->buf->pos = cl->buf->last;
        }

        if (cl->buf->in_file) {
            cl->buf->file_pos = cl->buf->file_last;
        }

        if (cl->buf->last_buf) {
            last = 1;
        }
    }

    if (ctx->response_state == NGX_HTTP_XBORDER_RESP_DONE) {
        /* let the write filter flush what is left of our answer */
        return ngx_http_xborder_next_body_filter(r, NULL);
    }

    if (!last) {
        return NGX_OK;
    }

    return ngx_http_xborder_response_conclude(r, ctx, ctx->response.outcome,
                                              NGX_HTTP_XBORDER_ACT_ANSWER,
                                              ctx->response_error,
                                              ctx->response_status);
}


static ngx_int_t
ngx_http_xborder_decide_response(ngx_http_request_t *r,
    ngx_http_xborder_ctx_t *ctx)
{
    ngx_int_t                     rc;
    ngx_http_xborder_transfer_t  *t;

    t = &ctx->response;

    if (t->bytes == 0) {
        /* an empty body carries nothing out */
        return ngx_http_xborder_release(r, ctx, NULL, 1);
    }

    rc = ngx_http_xborder_transfer_decide(r, t);

    if (rc == NGX_AGAIN) {
        /* ngx_http_xborder_response_counted() goes on */
        ctx->response_counting = 1;
        r->connection->buffered |= NGX_HTTP_XBORDER_BUFFERED;
        return NGX_OK;
    }

    return ngx_http_xborder_response_inspected(r, ctx, rc);
}


/* Redis answered the count query, or the transfer gave up waiting */
void
ngx_http_xborder_response_counted(ngx_http_request_t *r,
    ngx_http_xborder_ctx_t *ctx)
{
    ngx_int_t  rc;

    ctx->response_counting = 0;

    rc = ngx_http_xborder_transfer_decide_counted(r, &ctx->response);

    rc = ngx_http_xborder_response_inspected(r, ctx, rc);

    if (rc == NGX_ERROR) {
        ngx_http_finalize_request(r, NGX_ERROR);
        return;
    }

    /* whoever drives the output (upstream or ngx_http_writer) goes on */
    ngx_post_event(r->connection->write, &ngx_posted_events);
}


static ngx_int_t
ngx_http_xborder_response_inspected(ngx_http_request_t *r,
    ngx_http_xborder_ctx_t *ctx, ngx_int_t rc)
{
    xb_decision                  *d;
    ngx_http_xborder_transfer_t  *t;
    ngx_http_xborder_loc_conf_t  *xlcf;

    t = &ctx->response;
    xlcf = ngx_http_get_module_loc_conf(r, ngx_http_xborder_module);

    if (rc != NGX_OK) {

        if (ngx_http_xborder_monitor(xlcf)) {
            return ngx_http_xborder_response_conclude(r, ctx,
                                              NGX_HTTP_XBORDER_OUT_ERROR,
                                              NGX_HTTP_XBORDER_ACT_RELEASE,
                                              NULL, 0);
        }

        ngx_http_xborder_drop_held(r, ctx);
        return ngx_http_xborder_response_conclude(r, ctx,
                                              NGX_HTTP_XBORDER_OUT_ERROR,
                                              NGX_HTTP_XBORDER_ACT_ANSWER,
                                              "inspection_failed",
                                              NGX_HTTP_SERVICE_UNAVAILABLE);
    }

    d = &t->decision;

    if (d->enforced == XB_OUTCOME_BLOCK) {
        ngx_http_xborder_drop_held(r, ctx);
        return ngx_http_xborder_response_conclude(r, ctx,
                                              NGX_HTTP_XBORDER_OUT_BLOCK,
                                              NGX_HTTP_XBORDER_ACT_ANSWER,
                                              "transfer_blocked",
                                              xlcf->block_status);
    }

    if (d->enforced == XB_OUTCOME_MASK || d->watermark) {
        return ngx_http_xborder_send_rewritten(r, ctx);
    }

    if (ngx_http_xborder_transfer_commit(r, t) != NGX_OK && !d->monitor) {
        ngx_http_xborder_drop_held(r, ctx);
        return ngx_http_xborder_response_conclude(r, ctx,
                                              NGX_HTTP_XBORDER_OUT_ERROR,
                                              NGX_HTTP_XBORDER_ACT_ANSWER,
                                              "counter_unavailable",
                                              NGX_HTTP_SERVICE_UNAVAILABLE);
    }

    return ngx_http_xborder_response_conclude(r, ctx,
                                          ngx_http_xborder_outcome(d->outcome),
                                          NGX_HTTP_XBORDER_ACT_RELEASE,
                                          NULL, 0);
}


/*
 * send the held headers and body unchanged, then "rest" (buffers not yet
 * looked at); "complete" when the held body is the whole body
 */
static ngx_int_t
ngx_http_xborder_release(ngx_http_request_t *r, ngx_http_xborder_ctx_t *ctx,
    ngx_chain_t *rest, ngx_uint_t complete)
{
    ngx_int_t     rc;
    ngx_buf_t    *b;
    ngx_chain_t  *cl, **ll;

    ctx->response_state = NGX_HTTP_XBORDER_RESP_RELEASED;
    r->connection->buffered &= ~NGX_HTTP_XBORDER_BUFFERED;

    if (complete && r->headers_out.content_length_n < 0) {
        /* the whole body is known: no chunked encoding needed */
        ngx_http_clear_content_length(r);
        r->headers_out.content_length_n = ctx->response.bytes;
    }

    rc = ngx_http_xborder_next_header_filter(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    ll = ctx->held_last;

    if (complete) {
        b = ngx_calloc_buf(r->pool);
        if (b == NULL) {
            return NGX_ERROR;
        }

        b->last_buf = 1;

        cl = ngx_alloc_chain_link(r->pool);
        if (cl == NULL) {
            return NGX_ERROR;
        }

        cl->buf = b;
        cl->next = NULL;
        *ll = cl;

    } else {
        *ll = rest;
    }

    cl = ctx->held;
    ctx->held = NULL;
    ctx->held_last = &ctx->held;

    return ngx_http_xborder_next_body_filter(r, cl);
}


static ngx_int_t
ngx_http_xborder_send_rewritten(ngx_http_request_t *r,
    ngx_http_xborder_ctx_t *ctx)
{
    u_char                       *p;
    off_t                         len;
    size_t                        n;
    xb_chunk                     *chunks;
    ngx_str_t                     body, identity;
    ngx_chain_t                  *cl, *out;
    ngx_http_xborder_transfer_t  *t;
    ngx_http_xborder_loc_conf_t  *xlcf;

    t = &ctx->response;
    xlcf = ngx_http_get_module_loc_conf(r, ngx_http_xborder_module);

    n = 0;
    body.len = 0;

    for (cl = ctx->held; cl; cl = cl->next) {
        n++;
        body.len += cl->buf->last - cl->buf->pos;
    }

    chunks = ngx_palloc(r->pool, (n ? n : 1) * sizeof(xb_chunk));
    if (chunks == NULL) {
        return NGX_ERROR;
    }

    n = 0;

    for (cl = ctx->held; cl; cl = cl->next) {
        chunks[n].data = cl->buf->pos;
        chunks[n].len = cl->buf->last - cl->buf->pos;
        n++;
    }

    if (t->content_encoding && t->content_encoding[0]
        && ngx_strcasecmp((u_char *) t->content_encoding,
                          (u_char *) "identity") != 0)
    {
        body.data = ngx_pnalloc(r->pool, body.len ? body.len : 1);
        if (body.data == NULL) {
            return NGX_ERROR;
        }

        p = body.data;

        for (cl = ctx->held; cl; cl = cl->next) {
            p = ngx_cpymem(p, cl->buf->pos, cl->buf->last - cl->buf->pos);
        }

        ngx_http_xborder_drop_held(r, ctx);

        if (ngx_http_xborder_gunzip(r, t, &body, &identity) != NGX_OK) {
            goto failed;
        }

        chunks[0].data = identity.data;
        chunks[0].len = identity.len;
        n = 1;
    }

    if (ngx_http_xborder_transform_chunks(r, t, chunks, n, &out, &len)
        != NGX_OK)
    {
        goto failed;
    }

    if (ngx_http_xborder_transfer_commit(r, t) != NGX_OK
        && !t->decision.monitor)
    {
        return ngx_http_xborder_response_conclude(r, ctx,
                                              NGX_HTTP_XBORDER_OUT_ERROR,
                                              NGX_HTTP_XBORDER_ACT_ANSWER,
                                              "counter_unavailable",
                                              NGX_HTTP_SERVICE_UNAVAILABLE);
    }

    ctx->response_out = out;
    ctx->response_len = len;

    return ngx_http_xborder_response_conclude(r, ctx,
                                  ngx_http_xborder_outcome(t->decision.outcome),
                                  NGX_HTTP_XBORDER_ACT_SEND, NULL, 0);

failed:

    ngx_http_xborder_drop_held(r, ctx);

    if (t->cannot_rewrite) {
        return ngx_http_xborder_response_conclude(r, ctx,
                                              NGX_HTTP_XBORDER_OUT_ERROR,
                                              NGX_HTTP_XBORDER_ACT_ANSWER,
                                              "cannot_mask",
                                              xlcf->block_status);
    }

    return ngx_http_xborder_response_conclude(r, ctx,
                                              NGX_HTTP_XBORDER_OUT_ERROR,
                                              NGX_HTTP_XBORDER_ACT_ANSWER,
                                              "inspection_failed",
                                              NGX_HTTP_SERVICE_UNAVAILABLE);
}


/* send the rewritten body prepared by ngx_http_xborder_send_rewritten() */
static ngx_int_t
ngx_http_xborder_send_prepared(ngx_http_request_t *r,
    ngx_http_xborder_ctx_t *ctx)
{
    off_t         len;
    ngx_int_t     rc;
    ngx_chain_t  *cl, *out;

    out = ctx->response_out;
    len = ctx->response_len;

    ngx_http_xborder_drop_held(r, ctx);

    ctx->response_state = NGX_HTTP_XBORDER_RESP_DONE;
    r->connection->buffered &= ~NGX_HTTP_XBORDER_BUFFERED;

    /* the body sent is the rewritten identity body */

    if (r->headers_out.content_encoding) {
        r->headers_out.content_encoding->hash = 0;
        r->headers_out.content_encoding = NULL;
    }

    ngx_http_clear_content_length(r);
    ngx_http_clear_accept_ranges(r);
    ngx_http_clear_last_modified(r);
    ngx_http_clear_etag(r);

    r->headers_out.content_length_n = len;

    rc = ngx_http_xborder_next_header_filter(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    if (out == NULL) {
        out = ngx_alloc_chain_link(r->pool);
        if (out == NULL) {
            return NGX_ERROR;
        }

        out->buf = ngx_calloc_buf(r->pool);
        if (out->buf == NULL) {
            return NGX_ERROR;
        }

        out->next = NULL;
    }

    for (cl = out; cl->next; cl = cl->next) { /* void */ }

    cl->buf->last_buf = 1;

    return ngx_http_xborder_next_body_filter(r, out);
}


/*
 * the response's end: metrics, its record, then - once the record is
 * durable - the action; while it is being filed the body filter keeps
 * what arrives (ngx_http_xborder_hold_copy)
 */
static ngx_int_t
ngx_http_xborder_response_conclude(ngx_http_request_t *r,
    ngx_http_xborder_ctx_t *ctx, ngx_uint_t outcome, ngx_uint_t action,
    const char *error, ngx_uint_t status)
{
    ngx_int_t                     rc;
    ngx_http_xborder_transfer_t  *t;

    t = &ctx->response;

    ngx_http_xborder_transfer_account(r, t, outcome);

    ctx->response_action = action;
    t->after_error = error;
    t->after_status = status;

    rc = ngx_http_xborder_file(r, t, outcome);

    if (rc == NGX_AGAIN) {
        ctx->response_filing = 1;
        r->connection->buffered |= NGX_HTTP_XBORDER_BUFFERED;
        return NGX_OK;
    }

    if (rc != NGX_OK) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "xborder: transfer %s: its record cannot be built",
                      t->id);
    }

    t->filed = 1;
    t->filed_ok = (rc == NGX_OK);

    return ngx_http_xborder_response_act(r, ctx);
}


static ngx_int_t
ngx_http_xborder_response_act(ngx_http_request_t *r,
    ngx_http_xborder_ctx_t *ctx)
{
    ngx_http_xborder_transfer_t  *t;

    t = &ctx->response;
    ctx->response_filing = 0;

    if (!t->filed_ok) {
        ngx_http_xborder_drop_held(r, ctx);

        if (ctx->response_state == NGX_HTTP_XBORDER_RESP_DONE
            && ctx->response_action == NGX_HTTP_XBORDER_ACT_ANSWER)
        {
            return NGX_OK;
        }

        if (!ctx->response_last
            && ctx->response_action == NGX_HTTP_XBORDER_ACT_STREAM)
        {
            /* the upstream body goes on: swallow it, answer at its end */
            ctx->response_state = NGX_HTTP_XBORDER_RESP_DRAIN;
            ctx->response_error = "filing_unavailable";
            ctx->response_status = NGX_HTTP_SERVICE_UNAVAILABLE;
            t->filed_ok = 1;
            return NGX_OK;
        }

        return ngx_http_xborder_answer(r, ctx, "filing_unavailable",
                                       NGX_HTTP_SERVICE_UNAVAILABLE);
    }

    switch (ctx->response_action) {

    case NGX_HTTP_XBORDER_ACT_RELEASE:
        return ngx_http_xborder_release(r, ctx, NULL, 1);

    case NGX_HTTP_XBORDER_ACT_STREAM:
        return ngx_http_xborder_release(r, ctx, NULL, ctx->response_last);

    case NGX_HTTP_XBORDER_ACT_ANSWER:
        ngx_http_xborder_drop_held(r, ctx);
        return ngx_http_xborder_answer(r, ctx, t->after_error,
                                       t->after_status);

    default: /* NGX_HTTP_XBORDER_ACT_SEND */
        return ngx_http_xborder_send_prepared(r, ctx);
    }
}


/* the record of the response is durable (or failed): go on */
void
ngx_http_xborder_response_filed(ngx_http_request_t *r,
    ngx_http_xborder_ctx_t *ctx)
{
    ngx_int_t  rc;

    rc = ngx_http_xborder_response_act(r, ctx);

    if (rc == NGX_ERROR) {
        ngx_http_finalize_request(r, NGX_ERROR);
        return;
    }

    /* whoever drives the output (upstream or ngx_http_writer) goes on */
    ngx_post_event(r->connection->write, &ngx_posted_events);
}


/* keep copies of in (consumed) while the record is filed */
static ngx_int_t
ngx_http_xborder_hold_copy(ngx_http_request_t *r, ngx_http_xborder_ctx_t *ctx,
    ngx_chain_t *in)
{
    size_t        size;
    ngx_buf_t    *b, *copy;
    ngx_chain_t  *cl, *ln;

    for (cl = in; cl; cl = cl->next) {
        b = cl->buf;

        if (b->last_buf) {
            ctx->response_last = 1;
        }

        if (ctx->response_action == NGX_HTTP_XBORDER_ACT_ANSWER
            || ctx->response_state == NGX_HTTP_XBORDER_RESP_DONE
            || ctx->response_state == NGX_HTTP_XBORDER_RESP_DRAIN)
        {
            /* nothing of it will be sent */
            if (ngx_buf_in_memory(b)) {
                b->pos = b->last;
            }

            if (b->in_file) {
                b->file_pos = b->file_last;
            }

            continue;
        }

        if (b->in_file && !ngx_buf_in_memory(b)) {
            ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                          "xborder: response buffer in a file");
            return NGX_ERROR;
        }

        size = ngx_buf_in_memory(b) ? (size_t) (b->last - b->pos) : 0;

        if (size == 0) {
            continue;
        }

        copy = ngx_create_temp_buf(r->pool, size);
        ln = ngx_alloc_chain_link(r->pool);
        if (copy == NULL || ln == NULL) {
            return NGX_ERROR;
        }

        copy->last = ngx_cpymem(copy->pos, b->pos, size);
        b->pos = b->last;

        ln->buf = copy;
        ln->next = NULL;
        *ctx->held_last = ln;
        ctx->held_last = &ln->next;
    }

    r->connection->buffered |= NGX_HTTP_XBORDER_BUFFERED;

    return NGX_OK;
}


/* replace the held response by our JSON answer */
static ngx_int_t
ngx_http_xborder_answer(ngx_http_request_t *r, ngx_http_xborder_ctx_t *ctx,
    const char *error, ngx_uint_t status)
{
    ngx_int_t         rc;
    ngx_buf_t        *b;
    ngx_chain_t       ln;
    ngx_table_elt_t  *h;

    ctx->response_state = NGX_HTTP_XBORDER_RESP_DONE;
    r->connection->buffered &= ~NGX_HTTP_XBORDER_BUFFERED;

    if (ngx_http_xborder_block_body(r, &ctx->response, error, &b) != NGX_OK) {
        return NGX_ERROR;
    }

    b->last_buf = 1;

    if (ngx_http_xborder_set_block_headers(r, status, b->last - b->pos)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "X-Xborder-Transfer-Id");
    h->value.data = ctx->response.id;
    h->value.len = NGX_HTTP_XBORDER_ID_LEN;
    h->lowcase_key = NULL;

    rc = ngx_http_xborder_next_header_filter(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    ln.buf = b;
    ln.next = NULL;

    return ngx_http_xborder_next_body_filter(r, &ln);
}


static void
ngx_http_xborder_drop_held(ngx_http_request_t *r, ngx_http_xborder_ctx_t *ctx)
{
    ngx_chain_t  *cl;

    for (cl = ctx->held; cl; cl = cl->next) {
        if (cl->buf->temporary && cl->buf->start) {
            ngx_pfree(r->pool, cl->buf->start);
        }
    }

    ctx->held = NULL;
    ctx->held_last = &ctx->held;

    r->connection->buffered &= ~NGX_HTTP_XBORDER_BUFFERED;
}
