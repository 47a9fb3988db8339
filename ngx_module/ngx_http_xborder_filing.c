
/*
 * ngx_http_xborder_filing.c - every transfer's record is durable before the
 * transfer goes on (commit before forward), without blocking the worker.
 *
 * Each worker process writes its own hash chain, named
 * <node>/w<slot>-<pid>-<start time>[.<generation>]: a new process starts a
 * new chain, because during a reload an old and a new worker with the same
 * slot run side by side. Records are filed in chain order:
 *
 *   direct   Redis is connected and this chain has no spool backlog: the
 *            record is sent with the append script (EVALSHA) and is
 *            durable when Redis answers OK (or DUP: filed before)
 *   spool    Redis is down, slow (no answer within xborder_redis_timeout),
 *            refused, or this chain still has spooled records: the record
 *            is appended to the worker's spool file and fdatasync()ed in
 *            the thread pool (group commit of everything queued meanwhile)
 *
 * Once Redis is back, the spool is replayed in order (the append script
 * answers DUP for what Redis already has, so replay is idempotent); when it
 * has caught up, filing goes direct again. Spool files of dead workers
 * (their flock() is free) are adopted, replayed and renamed *.replayed.
 *
 * A spool write that fails (disk full, read-only) fails the transfers
 * waiting for it (503, or let through with an alert under
 * "xborder_spool_fail open") and starts a new chain, so every chain stays
 * gap-free. Signed checkpoints of the chain head follow every
 * xborder_checkpoint_every records and every xborder_checkpoint_interval.
 */


#include "ngx_http_xborder_module.h"
#include "ngx_http_xborder_spool.h"

#include <hiredis/hiredis.h>

#include "classifier/record/xb_spool.h"


#define NGX_HTTP_XBORDER_ITEM_RECORD      0
#define NGX_HTTP_XBORDER_ITEM_CHECKPOINT  1

#define NGX_HTTP_XBORDER_REPLAY_NONE      0
#define NGX_HTTP_XBORDER_REPLAY_OWN       1
#define NGX_HTTP_XBORDER_REPLAY_ADOPTED   2

#define NGX_HTTP_XBORDER_REPLAY_BUF       (256 * 1024)


typedef struct {
    ngx_queue_t                    queue;
    ngx_uint_t                     kind;
    uint64_t                       seq;
    xb_filing_cmd                  cmd;
    ngx_msec_t                     sent;
    uint64_t                       created_us;
    ngx_http_request_t            *r;
    ngx_http_xborder_transfer_t   *t;
} ngx_http_xborder_item_t;


typedef struct {
    ngx_http_xborder_filing_conf_t  *conf;
    ngx_shm_zone_t                  *shm_zone;
    ngx_log_t                       *log;
    ngx_pid_t                        pid;
    time_t                           start;

    u_char                           chain[256];
    ngx_uint_t                       generation;
    char                             prev_hash[XB_HASH_HEX];
    uint64_t                         seq;
    uint64_t                         checkpointed;

    ngx_uint_t                       spool_mode;
    ngx_uint_t                       stuck;

    ngx_queue_t                      inflight;
    ngx_queue_t                      waiting;
    ngx_queue_t                      writing;

    ngx_event_t                      watchdog;
    ngx_event_t                      checkpoint_timer;
    ngx_event_t                      replay_timer;

    ngx_http_xborder_spool_io_t      wio;
    ngx_http_xborder_spool_io_t      rio;
    ngx_http_xborder_spool_io_t      aio;
    xb_buf                           frames;
    int                              close_after_read;

    ngx_uint_t                       replaying;
    off_t                            replay_offset;     /* own file */
    off_t                            adopted_offset;
    off_t                            batch_end;
    ngx_uint_t                       outstanding;
    ngx_uint_t                       replay_gap;
    ngx_uint_t                       replay_error;
    xb_filing_cmd                   *batch;
    ngx_uint_t                       n_batch;
    ngx_uint_t                       batch_cap;
} ngx_http_xborder_filer_t;


static void ngx_http_xborder_filing_name_chain(void);
static void ngx_http_xborder_filing_dispatch(ngx_http_xborder_item_t *item);
static void ngx_http_xborder_filing_redis_reply(void *ac, void *reply,
    void *data);
static void ngx_http_xborder_filing_to_spool(ngx_http_xborder_item_t *item);
static void ngx_http_xborder_filing_flush(void);
static void ngx_http_xborder_filing_written(ngx_event_t *ev);
static void ngx_http_xborder_filing_fail_queue(ngx_queue_t *q);
static void ngx_http_xborder_filing_take(ngx_queue_t *from, ngx_queue_t *to);
static void ngx_http_xborder_filing_rotate(void);
static void ngx_http_xborder_filing_complete(ngx_http_xborder_item_t *item,
    ngx_uint_t ok);
static void ngx_http_xborder_filing_arm_watchdog(void);
static void ngx_http_xborder_filing_watchdog(ngx_event_t *ev);
static void ngx_http_xborder_filing_redis_event(ngx_int_t rc);
static void ngx_http_xborder_filing_replay(void);
static void ngx_http_xborder_filing_read(int fd, off_t offset, off_t limit);
static void ngx_http_xborder_filing_read_done(ngx_event_t *ev);
static void ngx_http_xborder_filing_replay_reply(void *ac, void *reply,
    void *data);
static void ngx_http_xborder_filing_batch_done(void);
static void ngx_http_xborder_filing_adopted(ngx_event_t *ev);
static void ngx_http_xborder_filing_replay_timer(ngx_event_t *ev);
static void ngx_http_xborder_filing_checkpoint_timer(ngx_event_t *ev);
static void ngx_http_xborder_filing_checkpoint(void);
static ngx_http_xborder_metrics_t *ngx_http_xborder_filing_metrics(void);
static uint64_t ngx_http_xborder_filing_now_us(void);


static ngx_http_xborder_filer_t  *ngx_http_xborder_filer;


ngx_int_t
ngx_http_xborder_filing_enabled(ngx_http_request_t *r)
{
    return ngx_http_xborder_filer != NULL;
}


u_char *
ngx_http_xborder_filing_chain(void)
{
    return ngx_http_xborder_filer ? ngx_http_xborder_filer->chain : NULL;
}


ngx_int_t
ngx_http_xborder_filing_init_process(ngx_cycle_t *cycle)
{
    ngx_http_xborder_filer_t        *f;
    ngx_http_xborder_main_conf_t    *xmcf;
    ngx_http_xborder_filing_conf_t  *conf;

    xmcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_xborder_module);

    if (xmcf == NULL || !xmcf->filing.enabled || !xmcf->used) {
        return NGX_OK;
    }

    conf = &xmcf->filing;

#if !(NGX_THREADS)
    ngx_log_error(NGX_LOG_EMERG, cycle->log, 0,
                  "xborder: filing needs nginx built with threads");
    return NGX_ERROR;
#else

    f = ngx_pcalloc(cycle->pool, sizeof(ngx_http_xborder_filer_t));
    if (f == NULL) {
        return NGX_ERROR;
    }

    f->conf = conf;
    f->shm_zone = xmcf->shm_zone;
    f->log = cycle->log;
    f->pid = ngx_pid;
    f->start = ngx_time();

    ngx_queue_init(&f->inflight);
    ngx_queue_init(&f->waiting);
    ngx_queue_init(&f->writing);

    f->wio.task = ngx_thread_task_alloc(cycle->pool, 0);
    f->rio.task = ngx_thread_task_alloc(cycle->pool, 0);
    f->aio.task = ngx_thread_task_alloc(cycle->pool, 0);
    f->rio.buf = ngx_alloc(NGX_HTTP_XBORDER_REPLAY_BUF, cycle->log);

    if (f->wio.task == NULL || f->rio.task == NULL || f->aio.task == NULL
        || f->rio.buf == NULL)
    {
        return NGX_ERROR;
    }

    f->wio.task->ctx = &f->wio;
    f->rio.task->ctx = &f->rio;
    f->aio.task->ctx = &f->aio;

    f->wio.done = ngx_http_xborder_filing_written;
    f->rio.done = ngx_http_xborder_filing_read_done;
    f->aio.done = ngx_http_xborder_filing_adopted;

    f->rio.buf_size = NGX_HTTP_XBORDER_REPLAY_BUF;
    f->wio.dir = conf->spool.data;
    f->aio.dir = conf->spool.data;
    f->wio.fd = -1;
    f->aio.adopted_fd = -1;
    f->close_after_read = -1;

    f->watchdog.handler = ngx_http_xborder_filing_watchdog;
    f->watchdog.log = cycle->log;
    f->watchdog.data = f;

    f->checkpoint_timer.handler = ngx_http_xborder_filing_checkpoint_timer;
    f->checkpoint_timer.log = cycle->log;
    f->checkpoint_timer.data = f;
    f->checkpoint_timer.cancelable = 1;

    f->replay_timer.handler = ngx_http_xborder_filing_replay_timer;
    f->replay_timer.log = cycle->log;
    f->replay_timer.data = f;
    f->replay_timer.cancelable = 1;

    ngx_http_xborder_filer = f;

    ngx_http_xborder_filing_name_chain();

    if (conf->signing_key && conf->checkpoint_interval) {
        ngx_add_timer(&f->checkpoint_timer, conf->checkpoint_interval);
    }

    if (conf->redis.len) {
        ngx_add_timer(&f->replay_timer, conf->replay_interval);

        if (ngx_http_xborder_redis_start(cycle, conf,
                                         ngx_http_xborder_filing_redis_event)
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
#endif
}


void
ngx_http_xborder_filing_exit_process(ngx_cycle_t *cycle)
{
    ngx_http_xborder_filer_t  *f = ngx_http_xborder_filer;

    if (f == NULL) {
        return;
    }

    ngx_http_xborder_redis_stop();

    if (!ngx_queue_empty(&f->inflight) || !ngx_queue_empty(&f->waiting)
        || !ngx_queue_empty(&f->writing))
    {
        ngx_log_error(NGX_LOG_WARN, cycle->log, 0,
                      "xborder: worker exits with records not yet filed; "
                      "their transfers were not forwarded");
    }

    if (f->wio.fd != -1 && !f->wio.busy) {
        (void) close(f->wio.fd);
        f->wio.fd = -1;
    }

    ngx_http_xborder_filer = NULL;
}


static void
ngx_http_xborder_filing_name_chain(void)
{
    u_char                    *p;
    xb_buf                     name;
    ngx_http_xborder_filer_t  *f = ngx_http_xborder_filer;

    p = ngx_snprintf(f->chain, sizeof(f->chain) - 1, "%V/w%ui-%P-%T",
                     &f->conf->node, (ngx_uint_t) ngx_worker, f->pid,
                     f->start);

    if (f->generation) {
        p = ngx_snprintf(p, f->chain + sizeof(f->chain) - 1 - p, ".%ui",
                         f->generation);
    }

    *p = '\0';

    f->seq = 0;
    f->checkpointed = 0;
    ngx_memcpy(f->prev_hash, xb_record_genesis, XB_HASH_HEX);

    f->spool_mode = 0;
    f->stuck = 0;
    f->replay_offset = 0;

    ngx_memzero(&name, sizeof(xb_buf));

    if (xb_spool_file_name((char *) f->chain, &name) != XB_OK
        || f->conf->spool.len + 1 + name.len + 1 > sizeof(f->wio.path)
        || name.len + 1 > sizeof(f->aio.own_name))
    {
        ngx_log_error(NGX_LOG_ALERT, f->log, 0,
                      "xborder: cannot name the spool file of \"%s\"",
                      f->chain);
        f->wio.path[0] = '\0';

    } else {
        (void) ngx_sprintf(f->wio.path, "%V/%*s%Z", &f->conf->spool,
                           name.len, name.data);
        (void) ngx_sprintf(f->aio.own_name, "%*s%Z", name.len, name.data);
    }

    xb_buf_free(&name);

    ngx_log_error(NGX_LOG_INFO, f->log, 0,
                  "xborder: filing chain \"%s\"", f->chain);
}


/* file the record of a transfer; NGX_AGAIN: t->filed tells later */
ngx_int_t
ngx_http_xborder_file(ngx_http_request_t *r, ngx_http_xborder_transfer_t *t,
    ngx_uint_t outcome)
{
    char                       hash[XB_HASH_HEX];
    ngx_http_xborder_item_t   *item;
    ngx_http_xborder_filer_t  *f = ngx_http_xborder_filer;

    if (f == NULL) {
        return NGX_OK;
    }

    item = ngx_calloc(sizeof(ngx_http_xborder_item_t), r->connection->log);
    if (item == NULL) {
        return NGX_ERROR;
    }

    xb_filing_cmd_init(&item->cmd);

    if (ngx_http_xborder_record_build(r, t, outcome, (char *) f->chain,
                                      f->seq + 1, f->prev_hash, &item->cmd,
                                      hash)
        != NGX_OK)
    {
        xb_filing_cmd_free(&item->cmd);
        ngx_free(item);
        return NGX_ERROR;
    }

    f->seq++;
    ngx_memcpy(f->prev_hash, hash, XB_HASH_HEX);

    item->kind = NGX_HTTP_XBORDER_ITEM_RECORD;
    item->seq = f->seq;
    item->r = r;
    item->t = t;
    item->created_us = ngx_http_xborder_filing_now_us();

    t->filing = 1;
    r->main->blocked++;

    ngx_http_xborder_filing_dispatch(item);

    if (f->conf->signing_key && f->conf->checkpoint_every
        && f->seq - f->checkpointed >= f->conf->checkpoint_every)
    {
        ngx_http_xborder_filing_checkpoint();
    }

    return NGX_AGAIN;
}


static void
ngx_http_xborder_filing_dispatch(ngx_http_xborder_item_t *item)
{
    ngx_http_xborder_filer_t  *f = ngx_http_xborder_filer;

    if (!f->spool_mode && ngx_http_xborder_redis_ready()) {

        if (ngx_http_xborder_redis_send(item->cmd.argc, item->cmd.argv,
                                        item->cmd.argvlen,
                                        ngx_http_xborder_filing_redis_reply,
                                        item)
            == NGX_OK)
        {
            item->sent = ngx_current_msec;
            ngx_queue_insert_tail(&f->inflight, &item->queue);
            ngx_http_xborder_filing_arm_watchdog();
            return;
        }
    }

    ngx_http_xborder_filing_to_spool(item);
}


static void
ngx_http_xborder_filing_redis_reply(void *ac, void *r, void *data)
{
    ngx_uint_t                   level;
    redisReply                  *reply = r;
    xb_filing_result             res;
    ngx_http_xborder_item_t     *item = data;
    ngx_http_xborder_metrics_t  *m;

    ngx_queue_remove(&item->queue);

    m = ngx_http_xborder_filing_metrics();

    if (reply == NULL) {
        /* the connection went away: the spool takes it, in order */
        ngx_http_xborder_filing_to_spool(item);
        return;
    }

    if (reply->type == REDIS_REPLY_STATUS
        || reply->type == REDIS_REPLY_STRING)
    {
        res = xb_filing_parse_reply(reply->str, reply->len);

    } else {
        res.outcome = XB_FILED_ERROR;
    }

    if (res.outcome == XB_FILED_OK || res.outcome == XB_FILED_DUP) {
        if (m) {
            (void) ngx_atomic_fetch_add(&m->filed_redis, 1);
        }

        ngx_http_xborder_filing_complete(item, 1);
        return;
    }

    if (m) {
        (void) ngx_atomic_fetch_add(&m->redis_errors, 1);
    }

    level = (res.outcome == XB_FILED_GAP) ? NGX_LOG_ALERT : NGX_LOG_ERR;

    ngx_log_error(level, ngx_http_xborder_filer->log, 0,
                  "xborder: Redis did not file record %uL of chain \"%s\": "
                  "%*s; filing to the spool",
                  item->seq, ngx_http_xborder_filer->chain,
                  (size_t) (reply->str ? reply->len : 0),
                  reply->str ? reply->str : "");

    ngx_http_xborder_filing_to_spool(item);

    /* the records sent after it must follow it into the spool */
    ngx_http_xborder_redis_drop("a record was refused");
}


static void
ngx_http_xborder_filing_to_spool(ngx_http_xborder_item_t *item)
{
    ngx_http_xborder_filer_t  *f = ngx_http_xborder_filer;

    if (!f->spool_mode) {
        ngx_log_error(NGX_LOG_WARN, f->log, 0,
                      "xborder: chain \"%s\" files to the spool from "
                      "record %uL", f->chain, item->seq);
    }

    f->spool_mode = 1;

    ngx_queue_insert_tail(&f->waiting, &item->queue);

    ngx_http_xborder_filing_arm_watchdog();
    ngx_http_xborder_filing_flush();
}


static void
ngx_http_xborder_filing_flush(void)
{
#if (NGX_THREADS)
    ngx_queue_t               *q, failed;
    ngx_http_xborder_item_t   *item;
    ngx_http_xborder_filer_t  *f = ngx_http_xborder_filer;

    if (f->wio.busy || ngx_queue_empty(&f->waiting)) {
        return;
    }

    ngx_queue_init(&failed);

    xb_buf_reset(&f->frames);

    for (q = ngx_queue_head(&f->waiting);
         q != ngx_queue_sentinel(&f->waiting);
         q = ngx_queue_next(q))
    {
        item = ngx_queue_data(q, ngx_http_xborder_item_t, queue);

        if (xb_spool_frame_encode(&item->cmd, &f->frames) != XB_OK) {
            ngx_log_error(NGX_LOG_ALERT, f->log, 0,
                          "xborder: cannot encode a spool frame");
            ngx_http_xborder_filing_take(&f->waiting, &failed);
            ngx_http_xborder_filing_rotate();
            ngx_http_xborder_filing_fail_queue(&failed);
            return;
        }
    }

    /* waiting -> writing */

    f->writing = f->waiting;
    f->writing.next->prev = &f->writing;
    f->writing.prev->next = &f->writing;
    ngx_queue_init(&f->waiting);

    f->wio.op = NGX_HTTP_XBORDER_SPOOL_WRITE;
    f->wio.data = (u_char *) f->frames.data;
    f->wio.len = f->frames.len;

    if (f->wio.path[0] == '\0'
        || ngx_http_xborder_spool_post(f->conf->thread_pool, &f->wio)
           != NGX_OK)
    {
        ngx_log_error(NGX_LOG_ALERT, f->log, 0,
                      "xborder: cannot start a spool write");
        ngx_http_xborder_filing_take(&f->writing, &failed);
        ngx_http_xborder_filing_rotate();
        ngx_http_xborder_filing_fail_queue(&failed);
    }
#endif
}


static void
ngx_http_xborder_filing_written(ngx_event_t *ev)
{
    ngx_uint_t                   n;
    ngx_queue_t                 *q, done;
    ngx_http_xborder_item_t     *item;
    ngx_http_xborder_metrics_t  *m;
    ngx_http_xborder_filer_t    *f = ngx_http_xborder_filer;

    if (f == NULL) {
        return;
    }

    f->wio.busy = 0;

    ngx_queue_init(&done);

    if (f->wio.err) {
        ngx_log_error(NGX_LOG_ALERT, f->log, f->wio.err,
                      "xborder: spool %s \"%s\" failed; %s",
                      f->wio.what, f->wio.path,
                      f->conf->spool_fail_open
                      ? "transfers go on UNRECORDED (xborder_spool_fail open)"
                      : "transfers are refused until filing works again");

        if (f->wio.truncate_err) {
            ngx_log_error(NGX_LOG_ALERT, f->log, f->wio.truncate_err,
                          "xborder: cannot truncate \"%s\" back to %O "
                          "bytes; its tail is torn", f->wio.path,
                          f->wio.size);
            f->wio.truncate_err = 0;
        }

        /*
         * the chain ends here: the next records start a new one, also
         * those that the transfers failed below file on their way out
         */
        ngx_http_xborder_filing_take(&f->writing, &done);
        ngx_http_xborder_filing_take(&f->waiting, &done);
        ngx_http_xborder_filing_rotate();
        ngx_http_xborder_filing_fail_queue(&done);
        ngx_http_xborder_filing_flush();
        return;
    }

    /*
     * completing a transfer may file another one at once (a response that
     * is already there, a posted request): that one must find the writing
     * queue empty, so the written items are taken off it first
     */
    ngx_http_xborder_filing_take(&f->writing, &done);

    n = 0;

    while (!ngx_queue_empty(&done)) {
        q = ngx_queue_head(&done);
        ngx_queue_remove(q);
        item = ngx_queue_data(q, ngx_http_xborder_item_t, queue);
        n++;
        ngx_http_xborder_filing_complete(item, 1);
    }

    m = ngx_http_xborder_filing_metrics();

    if (m) {
        (void) ngx_atomic_fetch_add(&m->filed_spool, n);
        (void) ngx_atomic_fetch_add(&m->spool_backlog, n);
    }

    ngx_http_xborder_filing_flush();
    ngx_http_xborder_filing_replay();
}


/* append all items of "from" to "to", leaving "from" empty */
static void
ngx_http_xborder_filing_take(ngx_queue_t *from, ngx_queue_t *to)
{
    ngx_queue_t  *q;

    while (!ngx_queue_empty(from)) {
        q = ngx_queue_head(from);
        ngx_queue_remove(q);
        ngx_queue_insert_tail(to, q);
    }
}


static void
ngx_http_xborder_filing_fail_queue(ngx_queue_t *queue)
{
    ngx_queue_t              *q;
    ngx_http_xborder_item_t  *item;

    while (!ngx_queue_empty(queue)) {
        q = ngx_queue_head(queue);
        ngx_queue_remove(q);
        item = ngx_queue_data(q, ngx_http_xborder_item_t, queue);
        ngx_http_xborder_filing_complete(item, 0);
    }
}


/* the chain cannot go on gap-free: start a new one */
static void
ngx_http_xborder_filing_rotate(void)
{
    ngx_http_xborder_filer_t  *f = ngx_http_xborder_filer;

    ngx_log_error(NGX_LOG_ALERT, f->log, 0,
                  "xborder: chain \"%s\" ends at record %uL", f->chain,
                  f->seq);

    if (f->wio.fd != -1) {
        if (f->rio.busy && f->replaying == NGX_HTTP_XBORDER_REPLAY_OWN) {
            f->close_after_read = f->wio.fd;

        } else {
            (void) close(f->wio.fd);
        }

        f->wio.fd = -1;
    }

    if (f->replaying == NGX_HTTP_XBORDER_REPLAY_OWN) {
        f->replaying = NGX_HTTP_XBORDER_REPLAY_NONE;
    }

    f->wio.size = 0;
    f->generation++;

    ngx_http_xborder_filing_name_chain();
}


static void
ngx_http_xborder_filing_complete(ngx_http_xborder_item_t *item,
    ngx_uint_t ok)
{
    uint64_t                      us;
    ngx_http_request_t           *r;
    ngx_http_xborder_metrics_t   *m;
    ngx_http_xborder_transfer_t  *t;

    m = ngx_http_xborder_filing_metrics();
    r = item->r;
    t = item->t;

    if (m) {
        us = ngx_http_xborder_filing_now_us() - item->created_us;
        (void) ngx_atomic_fetch_add(&m->filing_us_sum, us);
        (void) ngx_atomic_fetch_add(&m->filing_count, 1);

        if (item->kind == NGX_HTTP_XBORDER_ITEM_CHECKPOINT && ok) {
            (void) ngx_atomic_fetch_add(&m->checkpoints, 1);
        }

        if (!ok) {
            (void) ngx_atomic_fetch_add(&m->filing_failed, 1);
        }
    }

    xb_filing_cmd_free(&item->cmd);
    ngx_free(item);

    if (r == NULL) {
        return;
    }

    if (!ok && ngx_http_xborder_filer->conf->spool_fail_open) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "xborder: transfer %s goes on WITHOUT A RECORD "
                      "(xborder_spool_fail open)", t->id);
        ok = 1;
    }

    t->filing = 0;
    t->filed = 1;
    t->filed_ok = ok;

    ngx_http_xborder_transfer_wake(r, t, ngx_http_xborder_response_filed);
}


static void
ngx_http_xborder_filing_arm_watchdog(void)
{
    ngx_msec_t                 period;
    ngx_http_xborder_filer_t  *f = ngx_http_xborder_filer;

    if (f->watchdog.timer_set) {
        return;
    }

    /* a pending record keeps a shutting-down worker alive: not cancelable */

    period = f->conf->timeout / 4;
    ngx_add_timer(&f->watchdog, period ? period : 1);
}


static void
ngx_http_xborder_filing_watchdog(ngx_event_t *ev)
{
    ngx_http_xborder_item_t     *item;
    ngx_http_xborder_metrics_t  *m;
    ngx_http_xborder_filer_t    *f = ngx_http_xborder_filer;

    if (f == NULL) {
        return;
    }

    if (!ngx_queue_empty(&f->inflight)) {
        item = ngx_queue_data(ngx_queue_head(&f->inflight),
                              ngx_http_xborder_item_t, queue);

        if (ngx_current_msec - item->sent >= f->conf->timeout) {
            m = ngx_http_xborder_filing_metrics();

            if (m) {
                (void) ngx_atomic_fetch_add(&m->redis_errors, 1);
            }

            ngx_log_error(NGX_LOG_WARN, f->log, 0,
                          "xborder: Redis did not file record %uL within "
                          "%M ms; filing to the spool", item->seq,
                          f->conf->timeout);

            ngx_http_xborder_redis_drop("command timed out");
        }
    }

    if (!ngx_queue_empty(&f->inflight) || !ngx_queue_empty(&f->waiting)
        || !ngx_queue_empty(&f->writing))
    {
        ngx_http_xborder_filing_arm_watchdog();
    }
}


static void
ngx_http_xborder_filing_redis_event(ngx_int_t rc)
{
    ngx_http_xborder_count_redis_event(rc);

    if (rc == NGX_OK) {
        ngx_http_xborder_filing_replay();
    }
}


/* the next step of replaying: own spool first, then adopted files */
static void
ngx_http_xborder_filing_replay(void)
{
    ngx_http_xborder_filer_t  *f = ngx_http_xborder_filer;

    if (f == NULL || !ngx_http_xborder_redis_ready() || f->rio.busy
        || f->outstanding || f->replaying == NGX_HTTP_XBORDER_REPLAY_ADOPTED)
    {
        return;
    }

    if (f->spool_mode && !f->stuck) {

        if (f->wio.fd != -1 && f->replay_offset < f->wio.size) {
            f->replaying = NGX_HTTP_XBORDER_REPLAY_OWN;
            ngx_http_xborder_filing_read(f->wio.fd, f->replay_offset,
                                         f->wio.size);
            return;
        }

        f->replaying = NGX_HTTP_XBORDER_REPLAY_NONE;

        if (ngx_queue_empty(&f->waiting) && ngx_queue_empty(&f->writing)
            && !f->wio.busy)
        {
            f->spool_mode = 0;

            ngx_log_error(NGX_LOG_NOTICE, f->log, 0,
                          "xborder: spool of chain \"%s\" replayed up to "
                          "record %uL; filing to Redis again", f->chain,
                          f->seq);
        }

        return;
    }

#if (NGX_THREADS)
    if (!f->aio.busy && !ngx_exiting && !ngx_quit && !ngx_terminate) {
        f->aio.op = NGX_HTTP_XBORDER_SPOOL_ADOPT;

        if (ngx_http_xborder_spool_post(f->conf->thread_pool, &f->aio)
            != NGX_OK)
        {
            ngx_log_error(NGX_LOG_ERR, f->log, 0,
                          "xborder: cannot look for spools to adopt");
        }
    }
#endif
}


static void
ngx_http_xborder_filing_read(int fd, off_t offset, off_t limit)
{
#if (NGX_THREADS)
    ngx_http_xborder_filer_t  *f = ngx_http_xborder_filer;

    f->rio.op = NGX_HTTP_XBORDER_SPOOL_READ;
    f->rio.read_fd = fd;
    f->rio.offset = offset;
    f->rio.file_size = limit;

    if (ngx_http_xborder_spool_post(f->conf->thread_pool, &f->rio)
        != NGX_OK)
    {
        ngx_log_error(NGX_LOG_ERR, f->log, 0,
                      "xborder: cannot start a spool read");
        f->replaying = NGX_HTTP_XBORDER_REPLAY_NONE;
    }
#endif
}


static void
ngx_http_xborder_filing_read_done(ngx_event_t *ev)
{
    char                       err[128];
    size_t                     pos, got;
    u_char                    *grown;
    xb_spool_frame             frame;
    xb_filing_cmd             *cmd;
    xb_spool_parse_status      ps;
    ngx_http_xborder_filer_t  *f = ngx_http_xborder_filer;

    if (f == NULL) {
        return;
    }

    f->rio.busy = 0;

    if (f->close_after_read != -1) {
        (void) close(f->close_after_read);
        f->close_after_read = -1;

        if (f->replaying == NGX_HTTP_XBORDER_REPLAY_NONE) {
            ngx_http_xborder_filing_replay();
            return;
        }
    }

    if (f->rio.err) {
        ngx_log_error(NGX_LOG_ALERT, f->log, f->rio.err,
                      "xborder: spool replay: %s failed", f->rio.what);
        f->replaying = NGX_HTTP_XBORDER_REPLAY_NONE;
        return;
    }

    got = f->rio.got;

    /* only what was durable when the read was posted (own file) */

    if (f->replaying == NGX_HTTP_XBORDER_REPLAY_OWN
        && f->rio.offset + (off_t) got > f->wio.size)
    {
        got = f->wio.size - f->rio.offset;
    }

    pos = 0;
    f->n_batch = 0;

    while (pos < got) {
        ps = xb_spool_frame_parse(f->rio.buf + pos, got - pos, &frame, err,
                                  sizeof(err));

        if (ps == XB_SPOOL_NEED_MORE) {
            break;
        }

        if (ps == XB_SPOOL_CORRUPT) {
            ngx_log_error(NGX_LOG_ALERT, f->log, 0,
                          "xborder: spool %s is corrupt at byte %O: %s; "
                          "not replayed further (see xborder spool show)",
                          f->replaying == NGX_HTTP_XBORDER_REPLAY_OWN
                          ? f->wio.path : f->aio.adopted,
                          f->rio.offset + (off_t) pos, err);
            f->replay_gap = 1;
            break;
        }

        if (f->n_batch == f->batch_cap) {
            cmd = ngx_alloc((f->batch_cap * 2 + 16) * sizeof(xb_filing_cmd),
                            f->log);
            if (cmd == NULL) {
                xb_spool_frame_free(&frame);
                break;
            }

            if (f->batch) {
                ngx_memcpy(cmd, f->batch, f->n_batch * sizeof(xb_filing_cmd));
                ngx_free(f->batch);
            }

            f->batch = cmd;
            f->batch_cap = f->batch_cap * 2 + 16;
        }

        cmd = &f->batch[f->n_batch];
        xb_filing_cmd_init(cmd);

        if (xb_filing_cmd_from_args(cmd, frame.script, frame.n_keys,
                                    frame.n_args, frame.args, frame.lens)
            != XB_OK)
        {
            xb_spool_frame_free(&frame);
            xb_filing_cmd_free(cmd);
            f->replay_gap = 1;
            break;
        }

        f->n_batch++;
        pos += frame.frame_len;
        xb_spool_frame_free(&frame);
    }

    f->batch_end = f->rio.offset + pos;

    if (f->n_batch == 0 && !f->replay_gap) {

        if (pos == 0 && got == f->rio.buf_size
            && f->rio.buf_size < XB_SPOOL_MAX_FRAME + XB_SPOOL_HEADER_LEN)
        {
            /* one frame larger than the buffer */
            grown = ngx_alloc(f->rio.buf_size * 4, f->log);
            if (grown) {
                ngx_free(f->rio.buf);
                f->rio.buf = grown;
                f->rio.buf_size *= 4;
                ngx_http_xborder_filing_read(f->rio.read_fd, f->rio.offset,
                                             f->rio.file_size);
                return;
            }
        }

        /* end of the file (an adopted file may end in a torn frame) */
        ngx_http_xborder_filing_batch_done();
        return;
    }

    f->outstanding = 0;
    f->replay_error = 0;

    for (pos = 0; pos < f->n_batch; pos++) {
        cmd = &f->batch[pos];

        if (ngx_http_xborder_redis_send(cmd->argc, cmd->argv, cmd->argvlen,
                                        ngx_http_xborder_filing_replay_reply,
                                        f)
            != NGX_OK)
        {
            f->replay_error = 1;
            break;
        }

        f->outstanding++;
    }

    if (f->outstanding == 0) {
        ngx_http_xborder_filing_batch_done();
    }
}


static void
ngx_http_xborder_filing_replay_reply(void *ac, void *r, void *data)
{
    redisReply                  *reply = r;
    xb_filing_result             res;
    ngx_http_xborder_metrics_t  *m;
    ngx_http_xborder_filer_t    *f = ngx_http_xborder_filer;

    if (f == NULL) {
        return;
    }

    m = ngx_http_xborder_filing_metrics();

    if (reply == NULL) {
        f->replay_error = 1;

    } else if (reply->type == REDIS_REPLY_STATUS
               || reply->type == REDIS_REPLY_STRING)
    {
        res = xb_filing_parse_reply(reply->str, reply->len);

        switch (res.outcome) {

        case XB_FILED_OK:
        case XB_FILED_DUP:
            if (m) {
                (void) ngx_atomic_fetch_add(res.outcome == XB_FILED_OK
                                            ? &m->replayed : &m->replay_dups,
                                            1);
                (void) ngx_atomic_fetch_add(&m->spool_backlog,
                                            (ngx_atomic_int_t) -1);
            }
            break;

        case XB_FILED_GAP:
            if (!f->replay_gap) {
                ngx_log_error(NGX_LOG_ALERT, f->log, 0,
                              "xborder: spool replay: Redis is missing "
                              "records before this spool (its head is "
                              "%uL): Redis lost data; the spool is kept "
                              "(see xborder spool show)", res.head);
            }

            f->replay_gap = 1;
            break;

        default:
            f->replay_error = 1;
            break;
        }

    } else {
        f->replay_error = 1;
    }

    if (--f->outstanding == 0) {
        ngx_http_xborder_filing_batch_done();
    }
}


static void
ngx_http_xborder_filing_batch_done(void)
{
    ngx_uint_t                 i;
    ngx_http_xborder_filer_t  *f = ngx_http_xborder_filer;

    for (i = 0; i < f->n_batch; i++) {
        xb_filing_cmd_free(&f->batch[i]);
    }

    f->n_batch = 0;

    if (f->replay_gap) {
        f->replay_gap = 0;

        if (f->replaying == NGX_HTTP_XBORDER_REPLAY_OWN) {
            /* keep spooling this chain: the operator must look at it */
            f->stuck = 1;

        } else if (f->replaying == NGX_HTTP_XBORDER_REPLAY_ADOPTED) {
            if (f->aio.n_stuck < NGX_HTTP_XBORDER_SPOOL_STUCK) {
                u_char  *name = (u_char *) strrchr((char *) f->aio.adopted, '/');

                name = name ? name + 1 : f->aio.adopted;
                (void) ngx_cpystrn((u_char *) f->aio.stuck[f->aio.n_stuck++],
                                   name, 256);
            }

            (void) close(f->aio.adopted_fd);
            f->aio.adopted_fd = -1;
        }

        f->replaying = NGX_HTTP_XBORDER_REPLAY_NONE;
        return;
    }

    if (f->replay_error) {
        /* Redis went away again: the next connection resumes from here */
        f->replay_error = 0;

        if (f->replaying == NGX_HTTP_XBORDER_REPLAY_OWN) {
            f->replaying = NGX_HTTP_XBORDER_REPLAY_NONE;
        }

        return;
    }

    if (f->replaying == NGX_HTTP_XBORDER_REPLAY_OWN) {
        f->replaying = NGX_HTTP_XBORDER_REPLAY_NONE;

        if (f->batch_end == f->replay_offset
            && f->replay_offset < f->wio.size)
        {
            ngx_log_error(NGX_LOG_ALERT, f->log, 0,
                          "xborder: spool \"%s\" holds no whole frame at "
                          "byte %O; not replayed further", f->wio.path,
                          f->replay_offset);
            f->stuck = 1;
            return;
        }

        f->replay_offset = f->batch_end;
        ngx_http_xborder_filing_replay();
        return;
    }

    if (f->replaying == NGX_HTTP_XBORDER_REPLAY_ADOPTED) {

        if (f->batch_end > f->adopted_offset) {
            f->adopted_offset = f->batch_end;
            ngx_http_xborder_filing_read(f->aio.adopted_fd, f->adopted_offset,
                                         0);
            return;
        }

        /* the whole file is in Redis */

#if (NGX_THREADS)
        f->aio.op = NGX_HTTP_XBORDER_SPOOL_RETIRE;

        if (ngx_http_xborder_spool_post(f->conf->thread_pool, &f->aio)
            != NGX_OK)
        {
            (void) close(f->aio.adopted_fd);
            f->aio.adopted_fd = -1;
            f->replaying = NGX_HTTP_XBORDER_REPLAY_NONE;
        }
#endif
    }
}


static void
ngx_http_xborder_filing_adopted(ngx_event_t *ev)
{
    ngx_http_xborder_filer_t  *f = ngx_http_xborder_filer;

    if (f == NULL) {
        return;
    }

    f->aio.busy = 0;

    if (f->aio.op == NGX_HTTP_XBORDER_SPOOL_RETIRE) {
        f->replaying = NGX_HTTP_XBORDER_REPLAY_NONE;

        if (f->aio.err) {
            ngx_log_error(NGX_LOG_ERR, f->log, f->aio.err,
                          "xborder: spool \"%s\" replayed but %s failed",
                          f->aio.adopted, f->aio.what);
            return;
        }

        ngx_log_error(NGX_LOG_NOTICE, f->log, 0,
                      "xborder: spool \"%s\" of an earlier worker replayed "
                      "and renamed *%s", f->aio.adopted,
                      XB_SPOOL_DONE_SUFFIX);

        /* look for more */
        ngx_http_xborder_filing_replay();
        return;
    }

    if (f->aio.err) {
        ngx_log_error(NGX_LOG_ERR, f->log, f->aio.err,
                      "xborder: spool directory: %s failed", f->aio.what);
        return;
    }

    if (f->aio.adopted_fd == -1) {
        return;     /* nothing to adopt */
    }

    ngx_log_error(NGX_LOG_NOTICE, f->log, 0,
                  "xborder: replaying spool \"%s\" of an earlier worker",
                  f->aio.adopted);

    f->replaying = NGX_HTTP_XBORDER_REPLAY_ADOPTED;
    f->adopted_offset = 0;

    ngx_http_xborder_filing_read(f->aio.adopted_fd, 0, 0);
}


static void
ngx_http_xborder_filing_replay_timer(ngx_event_t *ev)
{
    ngx_http_xborder_filer_t  *f = ngx_http_xborder_filer;

    if (f == NULL || ngx_exiting || ngx_quit || ngx_terminate) {
        return;
    }

    ngx_http_xborder_filing_replay();

    ngx_add_timer(ev, f->conf->replay_interval);
}


static void
ngx_http_xborder_filing_checkpoint_timer(ngx_event_t *ev)
{
    ngx_http_xborder_filer_t  *f = ngx_http_xborder_filer;

    if (f == NULL) {
        return;
    }

    if (f->seq > f->checkpointed) {
        ngx_http_xborder_filing_checkpoint();
    }

    if (!ngx_exiting && !ngx_quit && !ngx_terminate) {
        ngx_add_timer(ev, f->conf->checkpoint_interval);
    }
}


/* a signed statement of the chain head, filed right after it */
static void
ngx_http_xborder_filing_checkpoint(void)
{
    char                       sig[XB_SIG_HEX];
    xb_buf                     cp;
    ngx_http_xborder_item_t   *item;
    ngx_http_xborder_filer_t  *f = ngx_http_xborder_filer;

    ngx_memzero(&cp, sizeof(xb_buf));

    if (xb_checkpoint_encode((char *) f->conf->node.data, (char *) f->chain,
                             f->seq, f->prev_hash,
                             (int64_t) ngx_time() * 1000
                             + (int64_t) (ngx_current_msec % 1000),
                             f->conf->key_id, &cp)
        != XB_OK
        || xb_sign(f->conf->signing_key, cp.data, cp.len, sig) != XB_OK)
    {
        ngx_log_error(NGX_LOG_ALERT, f->log, 0,
                      "xborder: cannot sign a checkpoint of \"%s\"",
                      f->chain);
        xb_buf_free(&cp);
        return;
    }

    item = ngx_calloc(sizeof(ngx_http_xborder_item_t), f->log);
    if (item == NULL) {
        xb_buf_free(&cp);
        return;
    }

    xb_filing_cmd_init(&item->cmd);

    if (xb_filing_cmd_checkpoint(&item->cmd, (char *) f->conf->prefix.data,
                                 (char *) f->chain, f->seq, f->prev_hash,
                                 cp.data, cp.len, sig, f->conf->key_id)
        != XB_OK)
    {
        xb_filing_cmd_free(&item->cmd);
        ngx_free(item);
        xb_buf_free(&cp);
        return;
    }

    xb_buf_free(&cp);

    item->kind = NGX_HTTP_XBORDER_ITEM_CHECKPOINT;
    item->seq = f->seq;
    item->created_us = ngx_http_xborder_filing_now_us();

    f->checkpointed = f->seq;

    ngx_http_xborder_filing_dispatch(item);
}


static ngx_http_xborder_metrics_t *
ngx_http_xborder_filing_metrics(void)
{
    ngx_http_xborder_shctx_t  *sh;

    if (ngx_http_xborder_filer == NULL) {
        return NULL;
    }

    sh = ngx_http_xborder_zone_sh(ngx_http_xborder_filer->shm_zone);

    return sh ? &sh->metrics : NULL;
}


static uint64_t
ngx_http_xborder_filing_now_us(void)
{
    struct timespec  ts;

    (void) clock_gettime(CLOCK_MONOTONIC, &ts);

    return (uint64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
