
/*
 * ngx_http_xborder_count.c - the year-to-date counts a decision starts
 * from, when records are filed to Redis.
 *
 * Redis holds the distinct-person sets of every gateway node (the append
 * script adds a transfer's individuals atomically with its record), so
 * before deciding, the transfer asks Redis with the count script which of
 * its individuals are already counted this year and what the totals are.
 * The question goes over the same non-blocking connection as the records
 * (after this worker's earlier records, so it sees them), and the request
 * waits without blocking the worker, at most xborder_redis_timeout.
 *
 * The totals used are the larger of Redis's and this node's zone per
 * class: records still in this node's spool are in the zone but not yet in
 * Redis. The "already counted" flags are Redis's.
 *
 * While this worker's connection is being set up (a worker that has just
 * started) the query waits for it, within the same timeout. When Redis is
 * not connected, does not answer in time or answers with an error, the
 * decision is made conservatively: every individual this node
 * has not counted is taken as new, and the totals are the last totals
 * Redis gave for the exporter and year plus what this node counted since
 * (never less than this node's own totals), plus xborder_counter_margin
 * for what other nodes may have counted meanwhile. Such decisions are
 * counted on the status page (xborder_counts_total{source="estimate"}).
 *
 * Two transfers of the same individuals at the same time (two workers or
 * two nodes) both see them as new: both decide on a slightly higher total,
 * which is the safe error, and the sets stay exact because SADD is
 * idempotent.
 */


#include "ngx_http_xborder_module.h"

#include <hiredis/hiredis.h>


typedef struct {
    ngx_queue_t                    queue;   /* while waiting to be sent */
    ngx_http_request_t            *r;       /* NULL once given up */
    ngx_http_xborder_transfer_t   *t;
    ngx_event_t                    timer;
    xb_filing_cmd                  cmd;
    unsigned                       waiting:1;
} ngx_http_xborder_count_query_t;


/* queries waiting for a connection being set up (this worker's) */
static ngx_queue_t  ngx_http_xborder_count_waiting;
static ngx_uint_t   ngx_http_xborder_count_waiting_init;


static void ngx_http_xborder_count_reply(void *ac, void *reply, void *data);
static void ngx_http_xborder_count_timeout(ngx_event_t *ev);
static void ngx_http_xborder_count_estimate(ngx_http_request_t *r,
    ngx_http_xborder_transfer_t *t, const char *why);
static void ngx_http_xborder_count_done(ngx_http_xborder_count_query_t *q);
static void ngx_http_xborder_count_resume(ngx_http_request_t *r,
    ngx_http_xborder_transfer_t *t);
static ngx_http_xborder_metrics_t *ngx_http_xborder_count_metrics(
    ngx_http_request_t *r);
static ngx_int_t ngx_http_xborder_count_send(ngx_http_xborder_count_query_t *q);


/*
 * fill t->ytd_before (t->subjects is built and t->ytd_local holds this
 * node's totals with the subjects' is_new from the zone); NGX_AGAIN: the
 * transfer resumes once Redis answered or the timeout passed
 */
ngx_int_t
ngx_http_xborder_count(ngx_http_request_t *r, ngx_http_xborder_transfer_t *t)
{
    xb_status                        st;
    const xb_scan_result            *res;
    ngx_http_xborder_count_query_t  *q;
    ngx_http_xborder_main_conf_t    *xmcf;

    xmcf = ngx_http_get_module_main_conf(r, ngx_http_xborder_module);

    t->ytd_before = t->ytd_local;

    if (!ngx_http_xborder_filing_enabled(r) || xmcf->filing.redis.len == 0) {
        /* one node without Redis: its zone is the whole truth */
        return NGX_OK;
    }

    res = xb_scan_get_result(t->scan);

    if (res->n_findings == 0) {
        /* nothing of a person in it: the counts do not matter */
        return NGX_OK;
    }

    if (!ngx_http_xborder_redis_ready()
        && !ngx_http_xborder_redis_connecting())
    {
        ngx_http_xborder_count_estimate(r, t, "Redis is not connected");
        return NGX_OK;
    }

    q = ngx_calloc(sizeof(ngx_http_xborder_count_query_t),
                   r->connection->log);
    if (q == NULL) {
        return NGX_ERROR;
    }

    xb_filing_cmd_init(&q->cmd);

    st = xb_filing_cmd_count(&q->cmd, (const char *) xmcf->filing.prefix.data,
                             t->exporter->uscc, t->decide_year,
                             t->subjects.items, t->subjects.n);
    if (st != XB_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "xborder: transfer %s: count query not built: %s",
                      t->id, xb_status_name(st));
        xb_filing_cmd_free(&q->cmd);
        ngx_free(q);
        ngx_http_xborder_count_estimate(r, t, "the query was not built");
        return NGX_OK;
    }

    q->r = r;
    q->t = t;

    if (ngx_http_xborder_redis_ready()) {

        if (ngx_http_xborder_count_send(q) != NGX_OK) {
            xb_filing_cmd_free(&q->cmd);
            ngx_free(q);
            ngx_http_xborder_count_estimate(r, t, "Redis refused the query");
            return NGX_OK;
        }

    } else {
        /* the connection is being set up (a worker that just started):
         * wait for it rather than decide on an estimate at once */

        if (!ngx_http_xborder_count_waiting_init) {
            ngx_queue_init(&ngx_http_xborder_count_waiting);
            ngx_http_xborder_count_waiting_init = 1;
        }

        q->waiting = 1;
        ngx_queue_insert_tail(&ngx_http_xborder_count_waiting, &q->queue);
    }

    q->timer.handler = ngx_http_xborder_count_timeout;
    q->timer.data = q;
    q->timer.log = r->connection->log;

    ngx_add_timer(&q->timer, xmcf->filing.timeout);

    t->counting = 1;
    t->count_query = q;
    r->main->blocked++;

    return NGX_AGAIN;
}


static ngx_int_t
ngx_http_xborder_count_send(ngx_http_xborder_count_query_t *q)
{
    return ngx_http_xborder_redis_send(q->cmd.argc, q->cmd.argv,
                                       q->cmd.argvlen,
                                       ngx_http_xborder_count_reply, q);
}


/*
 * the connection being set up is ready (NGX_OK), or it failed: send the
 * waiting queries, or decide them on estimates
 */
void
ngx_http_xborder_count_redis_event(ngx_int_t rc)
{
    ngx_queue_t                      *qe, queries;
    ngx_http_xborder_count_query_t   *q;

    if (!ngx_http_xborder_count_waiting_init
        || ngx_queue_empty(&ngx_http_xborder_count_waiting))
    {
        return;
    }

    /* resuming a transfer may queue another one: take them all first */

    queries = ngx_http_xborder_count_waiting;
    queries.next->prev = &queries;
    queries.prev->next = &queries;
    ngx_queue_init(&ngx_http_xborder_count_waiting);

    while (!ngx_queue_empty(&queries)) {
        qe = ngx_queue_head(&queries);
        ngx_queue_remove(qe);

        q = ngx_queue_data(qe, ngx_http_xborder_count_query_t, queue);
        q->waiting = 0;

        if (rc == NGX_OK && ngx_http_xborder_count_send(q) == NGX_OK) {
            continue;
        }

        if (q->timer.timer_set) {
            ngx_del_timer(&q->timer);
        }

        ngx_http_xborder_count_estimate(q->r, q->t,
                                        "Redis could not be connected");
        ngx_http_xborder_count_done(q);
    }
}


static void
ngx_http_xborder_count_reply(void *ac, void *reply_ptr, void *data)
{
    xb_status                        st;
    redisReply                      *reply = reply_ptr;
    redisReply                     **el;
    ngx_http_request_t              *r;
    xb_subject_counts                redis;
    ngx_http_xborder_transfer_t     *t;
    ngx_http_xborder_metrics_t      *m;
    ngx_http_xborder_count_query_t  *q = data;
    ngx_http_xborder_main_conf_t    *xmcf;

    r = q->r;

    if (r == NULL) {
        /* given up on it: the transfer went on with an estimate */
        xb_filing_cmd_free(&q->cmd);
        ngx_free(q);
        return;
    }

    if (q->timer.timer_set) {
        ngx_del_timer(&q->timer);
    }

    t = q->t;

    if (reply == NULL) {
        ngx_http_xborder_count_estimate(r, t, "the Redis connection was lost");
        ngx_http_xborder_count_done(q);
        return;
    }

    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3
        || reply->element[0]->type != REDIS_REPLY_STRING
        || reply->element[1]->type != REDIS_REPLY_STRING
        || reply->element[2]->type != REDIS_REPLY_STRING)
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "xborder: transfer %s: unexpected answer to the count "
                      "query: %*s", t->id,
                      (size_t) (reply->type == REDIS_REPLY_ERROR
                                ? reply->len : 0),
                      reply->type == REDIS_REPLY_ERROR ? reply->str : "");
        ngx_http_xborder_count_estimate(r, t, "Redis answered an error");
        ngx_http_xborder_count_done(q);
        return;
    }

    el = reply->element;

    st = xb_filing_parse_count(el[0]->str, el[0]->len, el[1]->str, el[1]->len,
                               el[2]->str, el[2]->len, t->subjects.items,
                               t->subjects.n, &redis);
    if (st != XB_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "xborder: transfer %s: malformed answer to the count "
                      "query", t->id);
        ngx_http_xborder_count_estimate(r, t, "Redis answered nonsense");
        ngx_http_xborder_count_done(q);
        return;
    }

    xmcf = ngx_http_get_module_main_conf(r, ngx_http_xborder_module);

    ngx_http_xborder_zone_remember(xmcf->shm_zone, t->exporter->uscc,
                                   t->decide_year, &redis, &t->ytd_local);

    /* this node's spool may hold individuals Redis has not seen yet */

    t->ytd_before.general = ngx_max(redis.general, t->ytd_local.general);
    t->ytd_before.sensitive = ngx_max(redis.sensitive,
                                      t->ytd_local.sensitive);

    m = ngx_http_xborder_count_metrics(r);
    if (m) {
        (void) ngx_atomic_fetch_add(&m->counts_redis, 1);
    }

    ngx_http_xborder_count_done(q);
}


static void
ngx_http_xborder_count_timeout(ngx_event_t *ev)
{
    ngx_http_request_t              *r;
    ngx_http_xborder_count_query_t  *q = ev->data;

    r = q->r;

    if (q->waiting) {
        /* never sent: nothing will answer it */
        ngx_queue_remove(&q->queue);
        q->waiting = 0;

        ngx_http_xborder_count_estimate(r, q->t,
                                        "Redis was not connected in time");
        ngx_http_xborder_count_done(q);
        return;
    }

    ngx_http_xborder_count_estimate(r, q->t, "Redis did not answer in time");

    /* the reply, if it ever comes, frees the query */

    q->r = NULL;

    ngx_http_xborder_count_resume(r, q->t);
}


/* the reply settled the counts: free the query, the transfer goes on */
static void
ngx_http_xborder_count_done(ngx_http_xborder_count_query_t *q)
{
    ngx_http_request_t           *r;
    ngx_http_xborder_transfer_t  *t;

    r = q->r;
    t = q->t;

    xb_filing_cmd_free(&q->cmd);
    ngx_free(q);

    ngx_http_xborder_count_resume(r, t);
}


static void
ngx_http_xborder_count_resume(ngx_http_request_t *r,
    ngx_http_xborder_transfer_t *t)
{
    t->counting = 0;
    t->count_query = NULL;

    ngx_http_xborder_transfer_wake(r, t, ngx_http_xborder_response_counted);
}


/*
 * decide without Redis: individuals this node has not counted are new (set
 * by the zone query already), the totals are the best known ones plus the
 * margin
 */
static void
ngx_http_xborder_count_estimate(ngx_http_request_t *r,
    ngx_http_xborder_transfer_t *t, const char *why)
{
    size_t                         i;
    ngx_int_t                      known;
    xb_status                      st;
    xb_subject_counts              best, local;
    ngx_http_xborder_metrics_t    *m;
    ngx_http_xborder_main_conf_t  *xmcf;

    xmcf = ngx_http_get_module_main_conf(r, ngx_http_xborder_module);

    /* again: a malformed answer may have set some flags, time has passed */

    st = xb_counter_query_sync(&xmcf->counter.base, t->exporter->uscc,
                               t->decide_year, t->subjects.items,
                               t->subjects.n, &local);
    if (st == XB_OK) {
        t->ytd_local = local;

    } else {
        /* the zone failed the query: nobody is known, all are new */
        for (i = 0; i < t->subjects.n; i++) {
            t->subjects.items[i].is_new = 1;
        }
    }

    known = ngx_http_xborder_zone_estimate(xmcf->shm_zone, t->exporter->uscc,
                                           t->decide_year, &t->ytd_local,
                                           &best);

    t->ytd_before.general = best.general + xmcf->filing.margin_general;
    t->ytd_before.sensitive = best.sensitive + xmcf->filing.margin_sensitive;
    t->estimated = 1;

    m = ngx_http_xborder_count_metrics(r);
    if (m) {
        (void) ngx_atomic_fetch_add(&m->counts_estimated, 1);
    }

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "xborder: transfer %s: %s; deciding on estimated counts "
                  "(%s + margin %ui/%ui): %uL general, %uL sensitive",
                  t->id, why,
                  known == NGX_OK ? "last known Redis counts"
                                  : "this node's counts",
                  xmcf->filing.margin_general, xmcf->filing.margin_sensitive,
                  t->ytd_before.general, t->ytd_before.sensitive);
}


static ngx_http_xborder_metrics_t *
ngx_http_xborder_count_metrics(ngx_http_request_t *r)
{
    ngx_http_xborder_shctx_t      *sh;
    ngx_http_xborder_main_conf_t  *xmcf;

    xmcf = ngx_http_get_module_main_conf(r, ngx_http_xborder_module);

    sh = ngx_http_xborder_zone_sh(xmcf->shm_zone);

    return sh ? &sh->metrics : NULL;
}
