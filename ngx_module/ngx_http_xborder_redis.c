
/*
 * ngx_http_xborder_redis.c - one non-blocking Redis connection per worker
 * process, on nginx's event loop.
 *
 * hiredis 0.14 (Debian bookworm) does the protocol; this file attaches its
 * socket to an nginx connection (read/write events, edge-triggered where
 * the event method is), and adds what hiredis 0.14 lacks: a connect timeout
 * and reconnection with exponential backoff (nginx timers). After every
 * connect it authenticates if configured and loads the filing scripts
 * (SCRIPT LOAD), and only then reports the connection ready, so a command
 * is never sent to a Redis that cannot run it. Command timeouts are the
 * caller's business (the filer watches its oldest command): it calls
 * ngx_http_xborder_redis_drop(), which fails every pending command at
 * once.
 *
 * The address is an IP literal or a unix socket (checked at configuration
 * time): hiredis resolves names with a blocking getaddrinfo().
 */


#include "ngx_http_xborder_module.h"

#include <sys/ioctl.h>
#include <hiredis/hiredis.h>
#include <hiredis/async.h>

#include "classifier/record/xb_filing.h"


#define NGX_HTTP_XBORDER_REDIS_BACKOFF_MIN  100
#define NGX_HTTP_XBORDER_REDIS_BACKOFF_MAX  5000


typedef struct {
    redisAsyncContext                *ac;
    ngx_connection_t                 *conn;
    ngx_http_xborder_filing_conf_t   *conf;
    ngx_log_t                        *log;
    ngx_event_t                       timer;      /* connect / reconnect */
    ngx_msec_t                        backoff;
    ngx_uint_t                        pending;    /* setup replies awaited */
    ngx_uint_t                        ready;
    ngx_uint_t                        connecting;
    ngx_uint_t                        stopped;
    ngx_http_xborder_redis_event_pt   handler;
} ngx_http_xborder_redis_t;


static void ngx_http_xborder_redis_connect(void);
static void ngx_http_xborder_redis_timer_handler(ngx_event_t *ev);
static void ngx_http_xborder_redis_schedule(void);
static void ngx_http_xborder_redis_connected(const redisAsyncContext *ac,
    int status);
static void ngx_http_xborder_redis_disconnected(const redisAsyncContext *ac,
    int status);
static void ngx_http_xborder_redis_setup_reply(redisAsyncContext *ac,
    void *reply, void *data);
static void ngx_http_xborder_redis_lost(const char *why);
static void ngx_http_xborder_redis_add_read(void *data);
static void ngx_http_xborder_redis_del_read(void *data);
static void ngx_http_xborder_redis_add_write(void *data);
static void ngx_http_xborder_redis_del_write(void *data);
static void ngx_http_xborder_redis_cleanup(void *data);
static void ngx_http_xborder_redis_read_handler(ngx_event_t *ev);
static void ngx_http_xborder_redis_write_handler(ngx_event_t *ev);


static ngx_http_xborder_redis_t  ngx_http_xborder_redis;


ngx_int_t
ngx_http_xborder_redis_start(ngx_cycle_t *cycle,
    ngx_http_xborder_filing_conf_t *conf,
    ngx_http_xborder_redis_event_pt handler)
{
    ngx_http_xborder_redis_t  *rd = &ngx_http_xborder_redis;

    ngx_memzero(rd, sizeof(ngx_http_xborder_redis_t));

    rd->conf = conf;
    rd->log = cycle->log;
    rd->handler = handler;
    rd->backoff = NGX_HTTP_XBORDER_REDIS_BACKOFF_MIN;

    rd->timer.handler = ngx_http_xborder_redis_timer_handler;
    rd->timer.data = rd;
    rd->timer.log = cycle->log;
    rd->timer.cancelable = 1;

    ngx_http_xborder_redis_connect();

    return NGX_OK;
}


void
ngx_http_xborder_redis_stop(void)
{
    ngx_http_xborder_redis_t  *rd = &ngx_http_xborder_redis;

    rd->stopped = 1;

    if (rd->timer.timer_set) {
        ngx_del_timer(&rd->timer);
    }
}


ngx_uint_t
ngx_http_xborder_redis_ready(void)
{
    return ngx_http_xborder_redis.ready;
}


/* a connection is being set up (connect, AUTH, SCRIPT LOAD) */
ngx_uint_t
ngx_http_xborder_redis_connecting(void)
{
    return ngx_http_xborder_redis.connecting;
}


ngx_int_t
ngx_http_xborder_redis_send(int argc, const char **argv,
    const size_t *argvlen, ngx_http_xborder_redis_reply_pt handler,
    void *data)
{
    ngx_http_xborder_redis_t  *rd = &ngx_http_xborder_redis;

    if (!rd->ready || rd->ac == NULL) {
        return NGX_DECLINED;
    }

    if (redisAsyncCommandArgv(rd->ac, (redisCallbackFn *) handler, data,
                              argc, argv, argvlen)
        != REDIS_OK)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


/* fail every pending command now (their handlers see a NULL reply) */
void
ngx_http_xborder_redis_drop(const char *why)
{
    redisAsyncContext         *ac;
    ngx_http_xborder_redis_t  *rd = &ngx_http_xborder_redis;

    ac = rd->ac;

    if (ac == NULL) {
        return;
    }

    ngx_log_error(NGX_LOG_WARN, rd->log, 0,
                  "xborder: dropping the Redis connection: %s", why);

    /*
     * redisAsyncFree() calls the pending callbacks with a NULL reply and
     * then the disconnect callback, which schedules the reconnection
     */

    redisAsyncFree(ac);
}


static void
ngx_http_xborder_redis_connect(void)
{
    u_char                    *p, host[NGX_SOCKADDR_STRLEN + 1];
    ngx_str_t                 *addr;
    redisAsyncContext         *ac;
    ngx_connection_t          *c;
    ngx_http_xborder_redis_t  *rd = &ngx_http_xborder_redis;

    if (rd->stopped || ngx_exiting || ngx_quit || ngx_terminate) {
        return;
    }

    addr = &rd->conf->redis;

    if (addr->len > 5 && ngx_strncmp(addr->data, "unix:", 5) == 0) {
        p = ngx_cpystrn(host, addr->data + 5,
                        ngx_min(addr->len - 5 + 1, sizeof(host)));
        ac = redisAsyncConnectUnix((char *) host);

    } else {
        p = ngx_cpystrn(host, rd->conf->redis_host.data,
                        ngx_min(rd->conf->redis_host.len + 1, sizeof(host)));
        ac = redisAsyncConnect((char *) host, (int) rd->conf->redis_port);
    }

    (void) p;

    if (ac == NULL) {
        ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                      "xborder: cannot allocate a Redis context");
        ngx_http_xborder_redis_schedule();
        return;
    }

    if (ac->err) {
        ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                      "xborder: cannot connect to Redis at \"%V\": %s",
                      addr, ac->errstr);
        redisAsyncFree(ac);
        ngx_http_xborder_redis_schedule();
        return;
    }

    c = ngx_get_connection(ac->c.fd, rd->log);
    if (c == NULL) {
        redisAsyncFree(ac);
        ngx_http_xborder_redis_schedule();
        return;
    }

    c->data = ac;
    c->read->handler = ngx_http_xborder_redis_read_handler;
    c->write->handler = ngx_http_xborder_redis_write_handler;
    c->read->log = rd->log;
    c->write->log = rd->log;

    rd->ac = ac;
    rd->conn = c;
    rd->connecting = 1;
    rd->ready = 0;

    ac->ev.data = c;
    ac->ev.addRead = ngx_http_xborder_redis_add_read;
    ac->ev.delRead = ngx_http_xborder_redis_del_read;
    ac->ev.addWrite = ngx_http_xborder_redis_add_write;
    ac->ev.delWrite = ngx_http_xborder_redis_del_write;
    ac->ev.cleanup = ngx_http_xborder_redis_cleanup;

    (void) redisAsyncSetConnectCallback(ac,
                                        ngx_http_xborder_redis_connected);
    (void) redisAsyncSetDisconnectCallback(ac,
                                        ngx_http_xborder_redis_disconnected);

    /* the connect completes on the first write event */
    ngx_http_xborder_redis_add_write(c);

    ngx_add_timer(&rd->timer, rd->conf->connect_timeout);
}


static void
ngx_http_xborder_redis_timer_handler(ngx_event_t *ev)
{
    ngx_http_xborder_redis_t  *rd = ev->data;

    if (rd->ac) {
        if (!rd->ready) {
            ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                          "xborder: Redis at \"%V\" did not answer within "
                          "%M ms", &rd->conf->redis,
                          rd->conf->connect_timeout);
            ngx_http_xborder_redis_drop("connect timed out");
        }

        return;
    }

    ngx_http_xborder_redis_connect();
}


static void
ngx_http_xborder_redis_schedule(void)
{
    ngx_msec_t                 delay;
    ngx_http_xborder_redis_t  *rd = &ngx_http_xborder_redis;

    if (rd->stopped || ngx_exiting || ngx_quit || ngx_terminate) {
        return;
    }

    /* exponential backoff with up to 25% jitter */

    delay = rd->backoff + (ngx_random() % (rd->backoff / 4 + 1));

    rd->backoff *= 2;
    if (rd->backoff > NGX_HTTP_XBORDER_REDIS_BACKOFF_MAX) {
        rd->backoff = NGX_HTTP_XBORDER_REDIS_BACKOFF_MAX;
    }

    if (rd->timer.timer_set) {
        ngx_del_timer(&rd->timer);
    }

    ngx_add_timer(&rd->timer, delay);
}


static void
ngx_http_xborder_redis_connected(const redisAsyncContext *cac, int status)
{
    ngx_uint_t                 i;
    const char                *argv[4];
    redisAsyncContext         *ac = (redisAsyncContext *) cac;
    ngx_http_xborder_redis_t  *rd = &ngx_http_xborder_redis;

    static const xb_filing_script  scripts[] = {
        XB_FILING_APPEND, XB_FILING_CHECKPOINT, XB_FILING_COUNT
    };

    if (status != REDIS_OK) {
        /* hiredis frees the context after this callback */
        ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                      "xborder: cannot connect to Redis at \"%V\": %s",
                      &rd->conf->redis, cac->errstr);
        ngx_http_xborder_redis_lost("connect failed");
        return;
    }

    rd->pending = 0;

    if (rd->conf->redis_password.len) {
        if (rd->conf->redis_user.len) {
            argv[0] = "AUTH";
            argv[1] = (const char *) rd->conf->redis_user.data;
            argv[2] = (const char *) rd->conf->redis_password.data;
            (void) redisAsyncCommandArgv(ac,
                                         ngx_http_xborder_redis_setup_reply,
                                         (void *) "AUTH", 3, argv, NULL);

        } else {
            argv[0] = "AUTH";
            argv[1] = (const char *) rd->conf->redis_password.data;
            (void) redisAsyncCommandArgv(ac,
                                         ngx_http_xborder_redis_setup_reply,
                                         (void *) "AUTH", 2, argv, NULL);
        }

        rd->pending++;
    }

    for (i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++) {
        argv[0] = "SCRIPT";
        argv[1] = "LOAD";
        argv[2] = xb_filing_script_source(scripts[i]);

        (void) redisAsyncCommandArgv(ac, ngx_http_xborder_redis_setup_reply,
                                     (void *) xb_filing_script_sha1(scripts[i]),
                                     3, argv, NULL);
        rd->pending++;
    }
}


static void
ngx_http_xborder_redis_setup_reply(redisAsyncContext *ac, void *r,
    void *data)
{
    redisReply                *reply = r;
    const char                *expect = data;
    ngx_http_xborder_redis_t  *rd = &ngx_http_xborder_redis;

    if (reply == NULL) {
        return;     /* the connection went away; disconnect handles it */
    }

    if (reply->type == REDIS_REPLY_ERROR) {
        ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                      "xborder: Redis refused %s: %*s",
                      ngx_strcmp(expect, "AUTH") == 0 ? "AUTH"
                                                       : "SCRIPT LOAD",
                      (size_t) reply->len, reply->str);
        ngx_http_xborder_redis_drop("setup refused");
        return;
    }

    if (ngx_strcmp(expect, "AUTH") != 0
        && (reply->type != REDIS_REPLY_STRING
            || reply->len != 40
            || ngx_strncmp(reply->str, expect, 40) != 0))
    {
        ngx_log_error(NGX_LOG_ALERT, rd->log, 0,
                      "xborder: Redis computed another SHA-1 for a filing "
                      "script than xborder did");
        ngx_http_xborder_redis_drop("script digest mismatch");
        return;
    }

    if (--rd->pending) {
        return;
    }

    rd->ready = 1;
    rd->connecting = 0;
    rd->backoff = NGX_HTTP_XBORDER_REDIS_BACKOFF_MIN;

    if (rd->timer.timer_set) {
        ngx_del_timer(&rd->timer);
    }

    ngx_log_error(NGX_LOG_NOTICE, rd->log, 0,
                  "xborder: connected to Redis at \"%V\"", &rd->conf->redis);

    rd->handler(NGX_OK);
}


static void
ngx_http_xborder_redis_disconnected(const redisAsyncContext *ac, int status)
{
    ngx_http_xborder_redis_t  *rd = &ngx_http_xborder_redis;

    if (status != REDIS_OK && !rd->stopped) {
        ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                      "xborder: lost the Redis connection to \"%V\": %s",
                      &rd->conf->redis, ac->errstr);
    }

    ngx_http_xborder_redis_lost("disconnected");
}


/* the context is gone (or about to be freed by hiredis) */
static void
ngx_http_xborder_redis_lost(const char *why)
{
    ngx_uint_t                 was_ready, was_connecting;
    ngx_http_xborder_redis_t  *rd = &ngx_http_xborder_redis;

    was_ready = rd->ready;
    was_connecting = rd->connecting;

    rd->ac = NULL;
    rd->ready = 0;
    rd->connecting = 0;

    ngx_http_xborder_redis_schedule();

    if (was_ready) {
        rd->handler(NGX_ERROR);

    } else if (was_connecting) {
        rd->handler(NGX_DECLINED);
    }
}


static void
ngx_http_xborder_redis_add_read(void *data)
{
    ngx_connection_t  *c = data;

    if (!c->read->active) {
        (void) ngx_add_event(c->read, NGX_READ_EVENT,
                             (ngx_event_flags & NGX_USE_CLEAR_EVENT)
                             ? NGX_CLEAR_EVENT : NGX_LEVEL_EVENT);
    }
}


static void
ngx_http_xborder_redis_del_read(void *data)
{
    ngx_connection_t  *c = data;

    if (c->read->active) {
        (void) ngx_del_event(c->read, NGX_READ_EVENT, 0);
    }
}


static void
ngx_http_xborder_redis_add_write(void *data)
{
    ngx_connection_t  *c = data;

    if (!c->write->active) {
        (void) ngx_add_event(c->write, NGX_WRITE_EVENT,
                             (ngx_event_flags & NGX_USE_CLEAR_EVENT)
                             ? NGX_CLEAR_EVENT : NGX_LEVEL_EVENT);
    }
}


static void
ngx_http_xborder_redis_del_write(void *data)
{
    ngx_connection_t  *c = data;

    if (c->write->active) {
        (void) ngx_del_event(c->write, NGX_WRITE_EVENT, 0);
    }
}


/* hiredis is about to close the socket: give the connection back */
static void
ngx_http_xborder_redis_cleanup(void *data)
{
    ngx_connection_t          *c = data;
    ngx_http_xborder_redis_t  *rd = &ngx_http_xborder_redis;

    if (c == NULL) {
        return;
    }

    if (c->read->active || c->read->disabled) {
        (void) ngx_del_event(c->read, NGX_READ_EVENT, NGX_CLOSE_EVENT);
    }

    if (c->write->active || c->write->disabled) {
        (void) ngx_del_event(c->write, NGX_WRITE_EVENT, NGX_CLOSE_EVENT);
    }

    if (c->read->timer_set) {
        ngx_del_timer(c->read);
    }

    if (c->write->timer_set) {
        ngx_del_timer(c->write);
    }

    if (c->read->posted) {
        ngx_delete_posted_event(c->read);
    }

    if (c->write->posted) {
        ngx_delete_posted_event(c->write);
    }

    c->fd = (ngx_socket_t) -1;      /* hiredis closes it */
    ngx_free_connection(c);

    if (rd->conn == c) {
        rd->conn = NULL;
    }
}


static void
ngx_http_xborder_redis_read_handler(ngx_event_t *ev)
{
    int                        n;
    ngx_connection_t          *c = ev->data;
    redisAsyncContext         *ac;
    ngx_http_xborder_redis_t  *rd = &ngx_http_xborder_redis;

    ac = c->data;

    for ( ;; ) {
        redisAsyncHandleRead(ac);

        /* a callback may have freed the context and the connection */

        if (rd->ac != ac || rd->conn != c) {
            return;
        }

        /* edge-triggered: hiredis reads at most 16 KiB at a time */

        n = 0;

        if (ioctl(c->fd, FIONREAD, &n) == -1 || n <= 0) {
            return;
        }
    }
}


static void
ngx_http_xborder_redis_write_handler(ngx_event_t *ev)
{
    ngx_connection_t  *c = ev->data;

    redisAsyncHandleWrite(c->data);
}
