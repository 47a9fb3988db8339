
/*
 * ngx_http_xborder_transfer.c - the life of one inspected transfer (a
 * request or a response body), independent of how nginx delivers it:
 *
 *   start   transfer id, exporter / recipient / country / scenario from the
 *           configured complex values, a streaming scan of the library
 *   feed    every chunk as it arrives (bounded by xborder_max_inspect_size)
 *   decide  finish the scan, candidate subjects, counter query on the
 *           shared zone and, when filing to Redis, on Redis
 *           (ngx_http_xborder_count.c, may wait), the policy decision
 *   commit  add the individuals actually sent to the year-to-date counts
 *   account metrics for xborder_status, one log line
 *
 * The library objects are malloc()ed; a cleanup of the request pool frees
 * them. The per-request context is found again after an internal redirect
 * (which clears module contexts) through that cleanup, so a body is never
 * inspected twice and variables still work in the log phase.
 */


#include "ngx_http_xborder_module.h"

#include <time.h>
#include <openssl/rand.h>

#include "classifier/policy/xb_china_time.h"


static void ngx_http_xborder_cleanup(void *data);
static void ngx_http_xborder_transfer_free(ngx_http_xborder_transfer_t *t);
static ngx_int_t ngx_http_xborder_eval(ngx_http_request_t *r,
    ngx_http_complex_value_t *cv, ngx_str_t *out);


static uint64_t  ngx_http_xborder_time_bounds[NGX_HTTP_XBORDER_TIME_BUCKETS
                                              - 1] =
{
    100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000
};


static uint64_t
ngx_http_xborder_now_ns(void)
{
    struct timespec  ts;

    (void) clock_gettime(CLOCK_MONOTONIC, &ts);

    return (uint64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}


ngx_http_xborder_ctx_t *
ngx_http_xborder_get_ctx(ngx_http_request_t *r)
{
    ngx_pool_cleanup_t      *cln;
    ngx_http_xborder_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_xborder_module);

    if (ctx || r != r->main) {
        return ctx;
    }

    /* an internal redirect or error_page cleared r->ctx */

    for (cln = r->pool->cleanup; cln; cln = cln->next) {
        if (cln->handler == ngx_http_xborder_cleanup) {
            ctx = cln->data;
            ngx_http_set_ctx(r, ctx, ngx_http_xborder_module);
            return ctx;
        }
    }

    return NULL;
}


ngx_http_xborder_ctx_t *
ngx_http_xborder_create_ctx(ngx_http_request_t *r)
{
    ngx_pool_cleanup_t      *cln;
    ngx_http_xborder_ctx_t  *ctx;

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_xborder_ctx_t));
    if (ctx == NULL) {
        return NULL;
    }

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NULL;
    }

    cln->handler = ngx_http_xborder_cleanup;
    cln->data = ctx;

    ctx->request.direction = NGX_HTTP_XBORDER_DIR_REQUEST;
    ctx->response.direction = NGX_HTTP_XBORDER_DIR_RESPONSE;

    ngx_http_set_ctx(r, ctx, ngx_http_xborder_module);

    return ctx;
}


static void
ngx_http_xborder_cleanup(void *data)
{
    ngx_http_xborder_ctx_t  *ctx = data;

    ngx_http_xborder_transfer_free(&ctx->request);
    ngx_http_xborder_transfer_free(&ctx->response);
}


static void
ngx_http_xborder_transfer_free(ngx_http_xborder_transfer_t *t)
{
    if (t->decided) {
        xb_decision_free(&t->decision);
        t->decided = 0;
    }

    if (t->subjects_built) {
        xb_subjects_free(&t->subjects);
        t->subjects_built = 0;
    }

    if (t->scan) {
        xb_scan_free(t->scan);
        t->scan = NULL;
    }

    ngx_http_xborder_hash_free(t);
}


static ngx_int_t
ngx_http_xborder_eval(ngx_http_request_t *r, ngx_http_complex_value_t *cv,
    ngx_str_t *out)
{
    ngx_str_t  v;

    if (cv == NULL) {
        ngx_str_null(out);
        return NGX_OK;
    }

    if (ngx_http_complex_value(r, cv, &v) != NGX_OK) {
        return NGX_ERROR;
    }

    /* keep a NUL after the value: the library takes C strings */

    out->data = ngx_pnalloc(r->pool, v.len + 1);
    if (out->data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(out->data, v.data, v.len);
    out->data[v.len] = '\0';
    out->len = v.len;

    return NGX_OK;
}


/* a NUL-terminated copy of s in pool (NULL for no string) */
char *
ngx_http_xborder_cstr(ngx_pool_t *pool, ngx_str_t *s)
{
    u_char  *p;

    if (s == NULL || s->data == NULL) {
        return NULL;
    }

    p = ngx_pnalloc(pool, s->len + 1);
    if (p == NULL) {
        return NULL;
    }

    ngx_memcpy(p, s->data, s->len);
    p[s->len] = '\0';

    return (char *) p;
}


ngx_int_t
ngx_http_xborder_transfer_start(ngx_http_request_t *r,
    ngx_http_xborder_transfer_t *t, ngx_uint_t direction,
    ngx_str_t *content_type, ngx_str_t *content_encoding)
{
    u_char                        rnd[NGX_HTTP_XBORDER_ID_LEN / 2];
    char                         *addr;
    xb_policy                    *policy;
    xb_scan_options               opts;
    ngx_http_xborder_loc_conf_t  *xlcf;

    xlcf = ngx_http_get_module_loc_conf(r, ngx_http_xborder_module);
    policy = xlcf->policy->policy;

    t->direction = direction;
    t->start_ms = (int64_t) ngx_time() * 1000
                  + (int64_t) (ngx_current_msec % 1000);

    if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "xborder: RAND_bytes() failed");
        return NGX_ERROR;
    }

    ngx_hex_dump(t->id, rnd, sizeof(rnd));
    t->id[NGX_HTTP_XBORDER_ID_LEN] = '\0';

    if (ngx_http_xborder_eval(r, xlcf->exporter, &t->exporter_ident) != NGX_OK
        || ngx_http_xborder_eval(r, xlcf->destination_country, &t->country)
           != NGX_OK
        || ngx_http_xborder_eval(r, xlcf->scenario, &t->scenario) != NGX_OK
        || ngx_http_xborder_eval(r, xlcf->purpose, &t->purpose) != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (xlcf->recipient) {
        ngx_str_t  id;

        if (ngx_http_xborder_eval(r, xlcf->recipient, &id) != NGX_OK) {
            return NGX_ERROR;
        }

        if (id.len) {
            t->recipient = xb_policy_recipient_by_id(policy,
                                                     (const char *) id.data);
        }
    }

    addr = ngx_http_xborder_cstr(r->pool, &r->connection->addr_text);

    t->exporter = xb_policy_find_exporter(policy,
                        t->exporter_ident.len
                        ? (const char *) t->exporter_ident.data : NULL,
                        addr);

    t->started = 1;

    if (t->exporter == NULL) {
        t->unknown_exporter = 1;
        return NGX_OK;
    }

    t->content_type = ngx_http_xborder_cstr(r->pool, content_type);
    t->content_encoding = ngx_http_xborder_cstr(r->pool, content_encoding);

    xb_scan_options_default(&opts);
    opts.collect_carriers = (xlcf->watermark != NULL
                             && ngx_http_xborder_exporter_watermarks(policy,
                                                               t->exporter));

    t->scan = xb_scan_new(xlcf->rules->engine, t->content_type,
                          t->content_encoding, &opts);
    if (t->scan == NULL) {
        return NGX_ERROR;
    }

    return NGX_OK;
}


ngx_int_t
ngx_http_xborder_transfer_feed(ngx_http_request_t *r,
    ngx_http_xborder_transfer_t *t, u_char *data, size_t len)
{
    uint64_t                      start;
    ngx_http_xborder_loc_conf_t  *xlcf;

    if (!t->oversize) {
        ngx_http_xborder_hash_body(t, data, len);
    }

    if (t->oversize || t->finished || t->scan == NULL) {
        t->bytes += len;
        return NGX_OK;
    }

    xlcf = ngx_http_get_module_loc_conf(r, ngx_http_xborder_module);

    if ((size_t) t->bytes + len > xlcf->max_inspect_size) {
        t->bytes += len;
        t->oversize = 1;

        /* nothing of this body will be decided on: free the scan now */
        xb_scan_free(t->scan);
        t->scan = NULL;

        return NGX_OK;
    }

    t->bytes += len;

    start = ngx_http_xborder_now_ns();

    (void) xb_scan_feed(t->scan, data, len);

    t->inspect_ns += ngx_http_xborder_now_ns() - start;

    return NGX_OK;
}


ngx_int_t
ngx_http_xborder_transfer_decide(ngx_http_request_t *r,
    ngx_http_xborder_transfer_t *t)
{
    uint64_t                       start;
    xb_status                      st;
    ngx_int_t                      rc;
    xb_policy                     *policy;
    const xb_scan_result          *res;
    ngx_http_xborder_loc_conf_t   *xlcf;
    ngx_http_xborder_main_conf_t  *xmcf;

    xlcf = ngx_http_get_module_loc_conf(r, ngx_http_xborder_module);
    xmcf = ngx_http_get_module_main_conf(r, ngx_http_xborder_module);
    policy = xlcf->policy->policy;

    if (t->scan == NULL || t->exporter == NULL) {
        return NGX_ERROR;
    }

    start = ngx_http_xborder_now_ns();

    if (!t->finished) {
        (void) xb_scan_finish(t->scan);
        t->finished = 1;
    }

    res = xb_scan_get_result(t->scan);

    st = xb_subjects_build(&t->subjects, res->findings, res->n_findings,
                           policy->counting_key, policy->counting_key_len,
                           (const char *) t->id);
    if (st != XB_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "xborder: transfer %s: subjects failed: %s",
                      t->id, xb_status_name(st));
        goto failed;
    }

    t->subjects_built = 1;

    t->decide_time = ngx_time();
    t->decide_year = xb_china_year(t->decide_time);

    /* this node's counts first; Redis, when filing there, may refine them */

    st = xb_counter_query_sync(&xmcf->counter.base, t->exporter->uscc,
                               t->decide_year, t->subjects.items,
                               t->subjects.n, &t->ytd_local);
    if (st != XB_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "xborder: transfer %s: counter query failed: %s",
                      t->id, xb_status_name(st));
        goto failed;
    }

    rc = ngx_http_xborder_count(r, t);

    t->inspect_ns += ngx_http_xborder_now_ns() - start;

    if (rc == NGX_AGAIN) {
        return NGX_AGAIN;
    }

    if (rc != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_http_xborder_transfer_decide_counted(r, t);

failed:

    t->inspect_ns += ngx_http_xborder_now_ns() - start;

    return NGX_ERROR;
}


/* the decision, once t->ytd_before is known */
ngx_int_t
ngx_http_xborder_transfer_decide_counted(ngx_http_request_t *r,
    ngx_http_xborder_transfer_t *t)
{
    uint64_t                       start;
    xb_status                      st;
    xb_policy                     *policy;
    xb_decide_input                in;
    const xb_scan_result          *res;
    ngx_http_xborder_loc_conf_t   *xlcf;

    xlcf = ngx_http_get_module_loc_conf(r, ngx_http_xborder_module);
    policy = xlcf->policy->policy;

    start = ngx_http_xborder_now_ns();

    res = xb_scan_get_result(t->scan);

    ngx_memzero(&in, sizeof(xb_decide_input));

    in.policy = policy;
    in.catalogs = xlcf->rules->set;
    in.exporter = t->exporter;
    in.recipient = t->recipient;
    in.dest_country = (const char *) t->country.data;
    in.scenario = t->scenario.len ? (const char *) t->scenario.data : NULL;
    in.purpose = t->purpose.len ? (const char *) t->purpose.data : NULL;
    in.findings = res->findings;
    in.n_findings = res->n_findings;
    in.inspection = res->inspection;
    in.findings_truncated = res->findings_truncated;
    in.uninspectable = res->uninspectable;
    in.n_uninspectable = res->n_uninspectable;
    in.subjects = &t->subjects;
    in.ytd_before = t->ytd_before;
    in.now = t->decide_time;
    in.mode = xlcf->mode;
    in.uninspectable_mode = xlcf->uninspectable;

    st = xb_decide(&in, &t->decision);

    t->inspect_ns += ngx_http_xborder_now_ns() - start;

    if (st != XB_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "xborder: transfer %s: decision failed: %s",
                      t->id, xb_status_name(st));
        return NGX_ERROR;
    }

    t->decided = 1;

    ngx_log_debug5(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "xborder: transfer %s: %s, route %s, %s, enforced %s",
                   t->id, xb_rule_name(t->decision.rule),
                   xb_decision_route_name(t->decision.route),
                   xb_outcome_name(t->decision.outcome),
                   xb_outcome_name(t->decision.enforced));

    return NGX_OK;
}


/*
 * a wait of the transfer is over (Redis answered its count query, its
 * record is durable): unblock the request and let it go on - a request
 * body through the write handler its wait set, a response through "next"
 */
void
ngx_http_xborder_transfer_wake(ngx_http_request_t *r,
    ngx_http_xborder_transfer_t *t, ngx_http_xborder_response_pt next)
{
    ngx_connection_t        *c;
    ngx_http_xborder_ctx_t  *ctx;

    c = r->connection;
    r->main->blocked--;

    ctx = ngx_http_xborder_get_ctx(r);

    if (ctx && t == &ctx->response) {
        next(r, ctx);

    } else {
        r->write_event_handler(r);
    }

    ngx_http_run_posted_requests(c);
}


/* count the individuals of the body as it leaves; before it leaves */
ngx_int_t
ngx_http_xborder_transfer_commit(ngx_http_request_t *r,
    ngx_http_xborder_transfer_t *t)
{
    xb_status                      st;
    ngx_http_xborder_main_conf_t  *xmcf;

    if (!t->decided || t->decision.commit == NULL || t->subjects.n == 0) {
        return NGX_OK;
    }

    xmcf = ngx_http_get_module_main_conf(r, ngx_http_xborder_module);

    st = xb_counter_commit_sync(&xmcf->counter.base, t->exporter->uscc,
                                t->decision.year, t->subjects.items,
                                t->subjects.n, t->decision.commit, NULL);
    if (st != XB_OK) {
        ngx_log_error(NGX_LOG_CRIT, r->connection->log, 0,
                      "xborder: transfer %s: counting %uz individuals "
                      "failed: %s (is xborder_zone too small?)",
                      t->id, t->subjects.n, xb_status_name(st));
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * findings per catalog entry for the status page: aggregated per entry in a
 * small open-addressing table first, so that the zone sees one atomic add
 * per entry and transfer, not one per finding
 */
static void
ngx_http_xborder_count_findings(ngx_http_request_t *r, ngx_shm_zone_t *zone,
    const xb_scan_result *res)
{
    size_t           i;
    uintptr_t        h;
    ngx_uint_t       slot, k;
    const xb_entry  *e;

    struct {
        const xb_entry    *entry;
        ngx_atomic_int_t   n;
    } table[128];

    ngx_memzero(table, sizeof(table));

    for (i = 0; i < res->n_findings; i++) {
        e = res->findings[i].entry;
        h = (uintptr_t) e;
        slot = (h >> 4) % 128;

        for (k = 0; k < 128; k++) {
            if (table[slot].entry == e || table[slot].entry == NULL) {
                break;
            }

            slot = (slot + 1) % 128;
        }

        if (k == 128) {
            /* more distinct entries than the table holds: count directly */
            ngx_http_xborder_count_entry(zone, e, 1);
            continue;
        }

        table[slot].entry = e;
        table[slot].n++;
    }

    for (slot = 0; slot < 128; slot++) {
        if (table[slot].entry) {
            ngx_http_xborder_count_entry(zone, table[slot].entry,
                                         table[slot].n);
        }
    }
}


void
ngx_http_xborder_transfer_account(ngx_http_request_t *r,
    ngx_http_xborder_transfer_t *t, ngx_uint_t outcome)
{
    uint64_t                       us;
    ngx_uint_t                     b, monitor, dir;
    const xb_scan_result          *res;
    ngx_http_xborder_metrics_t    *m;
    ngx_http_xborder_shctx_t      *sh;
    ngx_http_xborder_main_conf_t  *xmcf;

    if (t->counted) {
        return;
    }

    t->counted = 1;
    t->outcome = outcome;

    xmcf = ngx_http_get_module_main_conf(r, ngx_http_xborder_module);

    sh = ngx_http_xborder_zone_sh(xmcf->shm_zone);
    if (sh == NULL) {
        return;
    }

    m = &sh->metrics;
    dir = t->direction;
    monitor = t->decided && t->decision.monitor;

    (void) ngx_atomic_fetch_add(&m->transfers[dir][monitor][outcome], 1);
    (void) ngx_atomic_fetch_add(&m->bytes[dir], t->bytes);

    if (t->oversize) {
        (void) ngx_atomic_fetch_add(&m->oversize[dir], 1);
    }

    res = t->scan ? xb_scan_get_result(t->scan) : NULL;

    if (res && t->finished && res->inspection != XB_INSPECTED) {
        (void) ngx_atomic_fetch_add(&m->uninspectable[dir], 1);
    }

    if (t->scan && t->finished) {
        us = t->inspect_ns / 1000;

        for (b = 0; b < NGX_HTTP_XBORDER_TIME_BUCKETS - 1; b++) {
            if (us <= ngx_http_xborder_time_bounds[b]) {
                break;
            }
        }

        (void) ngx_atomic_fetch_add(&m->time_bucket[b], 1);
        (void) ngx_atomic_fetch_add(&m->time_sum_us, us);
        (void) ngx_atomic_fetch_add(&m->time_count, 1);
    }

    if (res && t->finished && res->n_findings) {
        ngx_http_xborder_count_findings(r, xmcf->shm_zone, res);
    }

    if (t->decided && t->decision.outcome != XB_OUTCOME_ALLOW) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "xborder: %s transfer %s: %s, route %s, outcome %s, "
                      "enforced %s",
                      dir == NGX_HTTP_XBORDER_DIR_REQUEST
                      ? "request" : "response",
                      t->id, xb_rule_name(t->decision.rule),
                      xb_decision_route_name(t->decision.route),
                      xb_outcome_name(t->decision.outcome),
                      xb_outcome_name(t->decision.enforced));
    }
}


/* may transfers of this exporter be watermarked? */
ngx_int_t
ngx_http_xborder_exporter_watermarks(xb_policy *policy,
    const xb_exporter *exporter)
{
    xb_watermark_policy  w;

    w = exporter->watermark;

    if (w == XB_WATERMARK_INHERIT) {
        w = policy->watermark;
    }

    return w != XB_WATERMARK_NO;
}


ngx_int_t
ngx_http_xborder_policy_watermarks(xb_policy *policy)
{
    size_t  i;

    for (i = 0; i < policy->n_exporters; i++) {
        if (ngx_http_xborder_exporter_watermarks(policy,
                                                 &policy->exporters[i]))
        {
            return 1;
        }
    }

    return 0;
}


ngx_int_t
ngx_http_xborder_monitor(ngx_http_xborder_loc_conf_t *xlcf)
{
    return xlcf->mode == XB_MODE_MONITOR
           || (xlcf->mode == XB_MODE_POLICY && xlcf->policy->policy->monitor);
}


ngx_uint_t
ngx_http_xborder_outcome(xb_outcome outcome)
{
    switch (outcome) {

    case XB_OUTCOME_BLOCK:
        return NGX_HTTP_XBORDER_OUT_BLOCK;

    case XB_OUTCOME_MASK:
        return NGX_HTTP_XBORDER_OUT_MASK;

    case XB_OUTCOME_WATERMARK:
        return NGX_HTTP_XBORDER_OUT_WATERMARK;

    default:
        return NGX_HTTP_XBORDER_OUT_ALLOW;
    }
}


/* the time bounds, for the status page */
const uint64_t *
ngx_http_xborder_time_buckets(void)
{
    return ngx_http_xborder_time_bounds;
}
