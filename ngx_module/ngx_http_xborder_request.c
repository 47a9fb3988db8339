
/*
 * ngx_http_xborder_request.c - inspection of request bodies (push exports).
 *
 * A PREACCESS phase handler starts the transfer and reads the whole body
 * with ngx_http_read_client_request_body() before anything is sent
 * upstream (the mirror module's pattern: finalize with NGX_DONE, resume the
 * phases from the body handler, which may run synchronously when the body
 * came with the headers). A request-body filter sees every chunk as nginx
 * receives it - fixed-length, chunked or HTTP/2 - and streams it into the
 * scanner, passing the buffers on unchanged, so a body spilled to a
 * temporary file is classified without being read back.
 *
 * Once the body is complete the transfer is decided: allow resumes the
 * phases untouched; block answers 451/403 JSON (no byte reaches the
 * upstream); mask and watermark rewrite the body first
 * (ngx_http_xborder_rewrite.c, which may go through a thread pool) and
 * count the individuals sent before resuming.
 */


#include "ngx_http_xborder_module.h"


static void ngx_http_xborder_body_handler(ngx_http_request_t *r);
static void ngx_http_xborder_request_counted(ngx_http_request_t *r);
static void ngx_http_xborder_request_inspected(ngx_http_request_t *r,
    ngx_http_xborder_ctx_t *ctx, ngx_int_t rc);
static void ngx_http_xborder_request_decided(ngx_http_request_t *r,
    ngx_http_xborder_ctx_t *ctx);
static void ngx_http_xborder_finish(ngx_http_request_t *r,
    ngx_http_xborder_ctx_t *ctx);
static void ngx_http_xborder_rewrite_failed(ngx_http_request_t *r,
    ngx_http_xborder_transfer_t *t);
static ngx_int_t ngx_http_xborder_conclude(ngx_http_request_t *r,
    ngx_http_xborder_transfer_t *t, ngx_uint_t outcome, const char *error,
    ngx_uint_t status, ngx_uint_t in_phase);
static ngx_int_t ngx_http_xborder_after_filing(ngx_http_request_t *r,
    ngx_http_xborder_transfer_t *t, ngx_uint_t in_phase);
static void ngx_http_xborder_request_filed(ngx_http_request_t *r);


ngx_str_t *
ngx_http_xborder_request_header(ngx_http_request_t *r, const char *name,
    size_t len)
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                return NULL;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].key.len == len
            && ngx_strncasecmp(h[i].key.data, (u_char *) name, len) == 0)
        {
            return &h[i].value;
        }
    }
}


ngx_int_t
ngx_http_xborder_access_handler(ngx_http_request_t *r)
{
    ngx_int_t                     rc;
    ngx_str_t                    *ct, *ce;
    ngx_http_xborder_ctx_t       *ctx;
    ngx_http_xborder_transfer_t  *t;
    ngx_http_xborder_loc_conf_t  *xlcf;

    if (r != r->main) {
        return NGX_DECLINED;
    }

    xlcf = ngx_http_get_module_loc_conf(r, ngx_http_xborder_module);

    if (!xlcf->enable || !(xlcf->inspect & NGX_HTTP_XBORDER_REQUEST)) {
        return NGX_DECLINED;
    }

    ctx = ngx_http_xborder_get_ctx(r);

    if (ctx && ctx->body_requested) {
        /* re-entered after the body was read, or after a redirect */
        return ctx->status;
    }

    if (r->headers_in.content_length_n <= 0 && !r->headers_in.chunked) {
        return NGX_DECLINED;
    }

    if (ctx == NULL) {
        ctx = ngx_http_xborder_create_ctx(r);
        if (ctx == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    t = &ctx->request;
    ctx->last = t;
    ctx->body_requested = 1;
    ctx->status = NGX_DECLINED;

    ct = r->headers_in.content_type ? &r->headers_in.content_type->value
                                    : NULL;
    ce = ngx_http_xborder_request_header(r, "Content-Encoding",
                                         sizeof("Content-Encoding") - 1);

    if (ngx_http_xborder_transfer_start(r, t, NGX_HTTP_XBORDER_DIR_REQUEST,
                                        ct, ce)
        != NGX_OK)
    {
        ngx_http_xborder_transfer_account(r, t, NGX_HTTP_XBORDER_OUT_ERROR);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (t->unknown_exporter) {

        if (ngx_http_xborder_monitor(xlcf)) {
            ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                          "xborder: transfer %s: unknown exporter, "
                          "passed in monitor mode", t->id);
            return ngx_http_xborder_conclude(r, t, NGX_HTTP_XBORDER_OUT_PASS,
                                             NULL, 0, 1);
        }

        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "xborder: transfer %s: unknown exporter, blocked",
                      t->id);

        ctx->status = NGX_DONE;

        return ngx_http_xborder_conclude(r, t, NGX_HTTP_XBORDER_OUT_BLOCK,
                                         "unknown_exporter",
                                         NGX_HTTP_FORBIDDEN, 1);
    }

    if (r->headers_in.content_length_n > (off_t) xlcf->max_inspect_size) {

        /* known to be too large: do not read it at all */

        t->oversize = 1;
        t->bytes = r->headers_in.content_length_n;

        if (xlcf->oversize == NGX_HTTP_XBORDER_PASS
            || ngx_http_xborder_monitor(xlcf))
        {
            return ngx_http_xborder_conclude(r, t, NGX_HTTP_XBORDER_OUT_PASS,
                                             NULL, 0, 1);
        }

        ctx->status = NGX_DONE;

        return ngx_http_xborder_conclude(r, t, NGX_HTTP_XBORDER_OUT_BLOCK,
                                         "oversize", xlcf->block_status, 1);
    }

    ctx->status = NGX_DONE;
    ctx->waiting_body = 1;

    r->request_body_in_single_buf = 1;

    /* client_body_in_file_only sets its own persistence and cleaning */

    if (!r->request_body_in_file_only) {
        r->request_body_in_persistent_file = 1;
        r->request_body_in_clean_file = 1;
    }

    rc = ngx_http_read_client_request_body(r, ngx_http_xborder_body_handler);

    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        ctx->waiting_body = 0;
        ngx_http_xborder_transfer_account(r, t, NGX_HTTP_XBORDER_OUT_ERROR);
        return rc;
    }

    ngx_http_finalize_request(r, NGX_DONE);
    return NGX_DONE;
}


ngx_int_t
ngx_http_xborder_request_body_filter(ngx_http_request_t *r, ngx_chain_t *in)
{
    ngx_buf_t               *b;
    ngx_chain_t             *cl;
    ngx_http_xborder_ctx_t  *ctx;

    if (r == r->main) {
        ctx = ngx_http_get_module_ctx(r, ngx_http_xborder_module);

        if (ctx && ctx->waiting_body) {

            for (cl = in; cl; cl = cl->next) {
                b = cl->buf;

                if (ngx_buf_in_memory(b) && b->last > b->pos) {
                    (void) ngx_http_xborder_transfer_feed(r, &ctx->request,
                                                  b->pos, b->last - b->pos);
                }
            }
        }
    }

    return ngx_http_xborder_next_request_body_filter(r, in);
}


static void
ngx_http_xborder_body_handler(ngx_http_request_t *r)
{
    ngx_int_t                     rc;
    ngx_buf_t                    *b;
    ngx_chain_t                  *cl;
    ngx_http_xborder_ctx_t       *ctx;
    ngx_http_xborder_transfer_t  *t;
    ngx_http_xborder_loc_conf_t  *xlcf;

    ctx = ngx_http_xborder_get_ctx(r);

    if (ctx == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    t = &ctx->request;
    xlcf = ngx_http_get_module_loc_conf(r, ngx_http_xborder_module);

    if (ctx->waiting_body && t->bytes == 0 && r->request_body) {

        /*
         * another module read the body before this phase; what is in
         * memory can still be inspected, a body in a file is treated as
         * too large to inspect
         */

        for (cl = r->request_body->bufs; cl; cl = cl->next) {
            b = cl->buf;

            if (b->in_file) {
                t->oversize = 1;
                break;
            }

            if (ngx_buf_in_memory(b) && b->last > b->pos) {
                (void) ngx_http_xborder_transfer_feed(r, t, b->pos,
                                                      b->last - b->pos);
            }
        }
    }

    ctx->waiting_body = 0;

    if (t->oversize) {

        if (xlcf->oversize == NGX_HTTP_XBORDER_PASS
            || ngx_http_xborder_monitor(xlcf))
        {
            (void) ngx_http_xborder_conclude(r, t, NGX_HTTP_XBORDER_OUT_PASS,
                                             NULL, 0, 0);
            return;
        }

        (void) ngx_http_xborder_conclude(r, t, NGX_HTTP_XBORDER_OUT_BLOCK,
                                         "oversize", xlcf->block_status, 0);
        return;
    }

    if (t->bytes == 0) {
        /* an empty (chunked) body carries nothing out */
        ngx_http_xborder_resume(r, NGX_DECLINED);
        return;
    }

    rc = ngx_http_xborder_transfer_decide(r, t);

    if (rc == NGX_AGAIN) {
        /* ngx_http_xborder_count.c calls the write handler */
        r->write_event_handler = ngx_http_xborder_request_counted;
        return;
    }

    ngx_http_xborder_request_inspected(r, ctx, rc);
}


static void
ngx_http_xborder_request_counted(ngx_http_request_t *r)
{
    ngx_int_t                rc;
    ngx_http_xborder_ctx_t  *ctx;

    ctx = ngx_http_xborder_get_ctx(r);

    if (ctx == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    if (ctx->request.counting) {
        /* the client connection became writable; Redis has not answered */
        return;
    }

    r->write_event_handler = ngx_http_request_empty_handler;

    rc = ngx_http_xborder_transfer_decide_counted(r, &ctx->request);

    ngx_http_xborder_request_inspected(r, ctx, rc);
}


static void
ngx_http_xborder_request_inspected(ngx_http_request_t *r,
    ngx_http_xborder_ctx_t *ctx, ngx_int_t rc)
{
    ngx_http_xborder_transfer_t  *t;
    ngx_http_xborder_loc_conf_t  *xlcf;

    t = &ctx->request;
    xlcf = ngx_http_get_module_loc_conf(r, ngx_http_xborder_module);

    if (rc != NGX_OK) {

        if (ngx_http_xborder_monitor(xlcf)) {
            (void) ngx_http_xborder_conclude(r, t,
                                             NGX_HTTP_XBORDER_OUT_ERROR,
                                             NULL, 0, 0);
            return;
        }

        (void) ngx_http_xborder_conclude(r, t, NGX_HTTP_XBORDER_OUT_ERROR,
                                         "inspection_failed",
                                         NGX_HTTP_SERVICE_UNAVAILABLE, 0);
        return;
    }

    ngx_http_xborder_request_decided(r, ctx);
}


static void
ngx_http_xborder_request_decided(ngx_http_request_t *r,
    ngx_http_xborder_ctx_t *ctx)
{
    ngx_int_t                     rc;
    xb_decision                  *d;
    ngx_http_xborder_transfer_t  *t;
    ngx_http_xborder_loc_conf_t  *xlcf;

    t = &ctx->request;
    d = &t->decision;
    xlcf = ngx_http_get_module_loc_conf(r, ngx_http_xborder_module);

    if (d->enforced == XB_OUTCOME_BLOCK) {
        (void) ngx_http_xborder_conclude(r, t, NGX_HTTP_XBORDER_OUT_BLOCK,
                                         "transfer_blocked",
                                         xlcf->block_status, 0);
        return;
    }

    if (d->enforced == XB_OUTCOME_MASK || d->watermark) {

        ctx->rewriting = 1;

        rc = ngx_http_xborder_rewrite_request(r, ctx);

        if (rc == NGX_AGAIN) {
            /* a thread reads the body file; see ngx_http_xborder_rewritten */
            return;
        }

        ctx->rewriting = 0;

        if (rc != NGX_OK) {
            ngx_http_xborder_rewrite_failed(r, t);
            return;
        }
    }

    ngx_http_xborder_finish(r, ctx);
}


/* called by the rewrite code when a body read by a thread was rewritten */
void
ngx_http_xborder_rewritten(ngx_http_request_t *r, ngx_int_t rc)
{
    ngx_http_xborder_ctx_t       *ctx;
    ngx_http_xborder_transfer_t  *t;

    ctx = ngx_http_xborder_get_ctx(r);

    if (ctx == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    ctx->rewriting = 0;
    t = &ctx->request;

    if (rc != NGX_OK) {
        ngx_http_xborder_rewrite_failed(r, t);
        return;
    }

    ngx_http_xborder_finish(r, ctx);
}


static void
ngx_http_xborder_rewrite_failed(ngx_http_request_t *r,
    ngx_http_xborder_transfer_t *t)
{
    ngx_http_xborder_loc_conf_t  *xlcf;

    xlcf = ngx_http_get_module_loc_conf(r, ngx_http_xborder_module);

    if (t->cannot_rewrite) {
        (void) ngx_http_xborder_conclude(r, t, NGX_HTTP_XBORDER_OUT_ERROR,
                                         "cannot_mask", xlcf->block_status,
                                         0);
        return;
    }

    (void) ngx_http_xborder_conclude(r, t, NGX_HTTP_XBORDER_OUT_ERROR,
                                     "inspection_failed",
                                     NGX_HTTP_SERVICE_UNAVAILABLE, 0);
}


/* count what leaves, then let it go */
static void
ngx_http_xborder_finish(ngx_http_request_t *r, ngx_http_xborder_ctx_t *ctx)
{
    ngx_uint_t                    outcome;
    xb_decision                  *d;
    ngx_http_xborder_transfer_t  *t;

    t = &ctx->request;
    d = &t->decision;

    if (ngx_http_xborder_transfer_commit(r, t) != NGX_OK && !d->monitor) {
        (void) ngx_http_xborder_conclude(r, t, NGX_HTTP_XBORDER_OUT_ERROR,
                                         "counter_unavailable",
                                         NGX_HTTP_SERVICE_UNAVAILABLE, 0);
        return;
    }

    outcome = ngx_http_xborder_outcome(d->outcome);

    (void) ngx_http_xborder_conclude(r, t, outcome, NULL, 0, 0);
}


/*
 * the transfer's end: metrics, then its record, then (once the record is
 * durable) let it go or answer; "in_phase" when called from the phase
 * handler, which lets a request go by returning NGX_DECLINED
 */
static ngx_int_t
ngx_http_xborder_conclude(ngx_http_request_t *r,
    ngx_http_xborder_transfer_t *t, ngx_uint_t outcome, const char *error,
    ngx_uint_t status, ngx_uint_t in_phase)
{
    ngx_int_t  rc;

    ngx_http_xborder_transfer_account(r, t, outcome);

    t->after_error = error;
    t->after_status = status;
    t->after_outcome = outcome;

    rc = ngx_http_xborder_file(r, t, outcome);

    if (rc == NGX_AGAIN) {
        /* ngx_http_xborder_filing_complete() calls the write handler */
        r->write_event_handler = ngx_http_xborder_request_filed;
        return NGX_DONE;
    }

    if (rc != NGX_OK) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "xborder: transfer %s: its record cannot be built",
                      t->id);
    }

    t->filed = 1;
    t->filed_ok = (rc == NGX_OK);

    return ngx_http_xborder_after_filing(r, t, in_phase);
}


static void
ngx_http_xborder_request_filed(ngx_http_request_t *r)
{
    ngx_http_xborder_ctx_t  *ctx;

    ctx = ngx_http_xborder_get_ctx(r);

    if (ctx == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    if (ctx->request.filing) {
        /*
         * a write event of the client connection (a keepalive connection
         * is often writable at once); the record is not durable yet
         */
        return;
    }

    r->write_event_handler = ngx_http_request_empty_handler;

    (void) ngx_http_xborder_after_filing(r, &ctx->request, 0);
}


static ngx_int_t
ngx_http_xborder_after_filing(ngx_http_request_t *r,
    ngx_http_xborder_transfer_t *t, ngx_uint_t in_phase)
{
    ngx_int_t                rc;
    ngx_http_xborder_ctx_t  *ctx;

    ctx = ngx_http_xborder_get_ctx(r);

    if (!t->filed_ok) {
        if (ctx) {
            ctx->status = NGX_DONE;
        }

        rc = ngx_http_xborder_send_block(r, t, "filing_unavailable",
                                         NGX_HTTP_SERVICE_UNAVAILABLE);
        ngx_http_finalize_request(r, rc);
        return NGX_DONE;
    }

    if (t->after_error == NULL) {
        if (in_phase) {
            return NGX_DECLINED;
        }

        ngx_http_xborder_resume(r, NGX_DECLINED);
        return NGX_DONE;
    }

    if (ctx) {
        ctx->status = NGX_DONE;
    }

    rc = ngx_http_xborder_send_block(r, t, t->after_error, t->after_status);
    ngx_http_finalize_request(r, rc);

    return NGX_DONE;
}


void
ngx_http_xborder_resume(ngx_http_request_t *r, ngx_int_t status)
{
    ngx_http_xborder_ctx_t  *ctx;

    ctx = ngx_http_xborder_get_ctx(r);

    if (ctx) {
        ctx->status = status;
    }

    r->write_event_handler = ngx_http_core_run_phases;
    ngx_http_core_run_phases(r);
}
