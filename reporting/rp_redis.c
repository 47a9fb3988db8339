/*
 * rp_redis.c - blocking hiredis connection from a redis:// or unix:// URL;
 * see rp_redis.h.
 */
#include "rp_redis.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

struct rp_redis {
    redisContext *ctx;
};

/* Decode %XX escapes of a URL component into out (size n). */
static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int pct_decode(const char *s, size_t len, char *out, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '%') {
            if (i + 2 >= len)
                return -1;
            int hi = hexval(s[i + 1]), lo = hexval(s[i + 2]);
            if (hi < 0 || lo < 0)
                return -1;
            c = (char)(hi * 16 + lo);
            i += 2;
        }
        if (k + 1 >= n)
            return -1;
        out[k++] = c;
    }
    out[k] = '\0';
    return 0;
}

int rp_redis_parse_url(const char *url, rp_redis_url *u, char *err, size_t err_size)
{
    memset(u, 0, sizeof(*u));
    u->port = 6379;
    if (!strncmp(url, "unix://", 7)) {
        const char *p = url + 7;
        const char *q = strchr(p, '?');
        size_t n = q ? (size_t)(q - p) : strlen(p);
        if (n == 0 || n >= sizeof(u->unix_path)) {
            snprintf(err, err_size, "bad unix socket URL '%s'", url);
            return -1;
        }
        memcpy(u->unix_path, p, n);
        if (q) {
            if (strncmp(q, "?db=", 4) || sscanf(q + 4, "%d", &u->db) != 1 || u->db < 0) {
                snprintf(err, err_size, "bad query in '%s' (only ?db=N)", url);
                return -1;
            }
        }
        return 0;
    }
    if (!strncmp(url, "rediss://", 9)) {
        snprintf(err, err_size, "rediss:// (TLS) is not supported by this build; "
                                "use a local TLS tunnel and redis://");
        return -1;
    }
    if (strncmp(url, "redis://", 8)) {
        snprintf(err, err_size, "'%s' is not a redis:// or unix:// URL", url);
        return -1;
    }
    const char *p = url + 8;
    const char *slash = strchr(p, '/');
    const char *end = slash ? slash : p + strlen(p);
    const char *at = NULL;
    for (const char *s = p; s < end; s++)
        if (*s == '@')
            at = s;
    if (at) {
        const char *colon = memchr(p, ':', (size_t)(at - p));
        const char *user_end = colon ? colon : at;
        if (pct_decode(p, (size_t)(user_end - p), u->user, sizeof(u->user)) ||
            (colon && pct_decode(colon + 1, (size_t)(at - colon - 1), u->password,
                                 sizeof(u->password)))) {
            snprintf(err, err_size, "bad credentials in Redis URL");
            return -1;
        }
        p = at + 1;
    }
    if (*p == '[') { /* [ipv6]:port */
        const char *rb = memchr(p, ']', (size_t)(end - p));
        if (!rb) {
            snprintf(err, err_size, "bad IPv6 host in '%s'", url);
            return -1;
        }
        if ((size_t)(rb - p - 1) >= sizeof(u->host)) {
            snprintf(err, err_size, "host too long");
            return -1;
        }
        memcpy(u->host, p + 1, (size_t)(rb - p - 1));
        p = rb + 1;
    } else {
        const char *colon = memchr(p, ':', (size_t)(end - p));
        const char *host_end = colon ? colon : end;
        if ((size_t)(host_end - p) >= sizeof(u->host)) {
            snprintf(err, err_size, "host too long");
            return -1;
        }
        memcpy(u->host, p, (size_t)(host_end - p));
        p = host_end;
    }
    if (!u->host[0])
        snprintf(u->host, sizeof(u->host), "127.0.0.1");
    if (p < end && *p == ':') {
        char *e;
        long port = strtol(p + 1, &e, 10);
        if (e != end || port <= 0 || port > 65535) {
            snprintf(err, err_size, "bad port in '%s'", url);
            return -1;
        }
        u->port = (int)port;
    } else if (p != end) {
        snprintf(err, err_size, "bad host in '%s'", url);
        return -1;
    }
    if (slash && slash[1]) {
        char *e;
        long db = strtol(slash + 1, &e, 10);
        if (*e || db < 0 || db > 1000000) {
            snprintf(err, err_size, "bad database number in '%s'", url);
            return -1;
        }
        u->db = (int)db;
    }
    return 0;
}

redisReply *rp_redis_command(rp_redis *r, char *err, size_t err_size, int argc,
                             const char **argv)
{
    size_t lens[64];
    if (argc <= 0 || argc > 64) {
        snprintf(err, err_size, "too many command arguments");
        return NULL;
    }
    for (int i = 0; i < argc; i++)
        lens[i] = strlen(argv[i]);
    redisReply *rep = redisCommandArgv(r->ctx, argc, argv, lens);
    if (!rep) {
        snprintf(err, err_size, "Redis %s failed: %s", argv[0],
                 r->ctx->errstr[0] ? r->ctx->errstr : "connection lost");
        return NULL;
    }
    if (rep->type == REDIS_REPLY_ERROR) {
        snprintf(err, err_size, "Redis %s: %s", argv[0], rep->str ? rep->str : "error");
        freeReplyObject(rep);
        return NULL;
    }
    return rep;
}

redisReply *rp_redis_command_argv(rp_redis *r, char *err, size_t err_size, int argc,
                                  const char **argv, const size_t *lens)
{
    if (argc <= 0) {
        snprintf(err, err_size, "empty command");
        return NULL;
    }
    redisReply *rep = redisCommandArgv(r->ctx, argc, argv, lens);
    if (!rep)
        snprintf(err, err_size, "Redis %.*s failed: %s", (int)(lens[0] > 32 ? 32 : lens[0]),
                 argv[0], r->ctx->errstr[0] ? r->ctx->errstr : "connection lost");
    return rep;
}

rp_redis *rp_redis_connect(const char *url, char *err, size_t err_size)
{
    rp_redis_url u;
    if (rp_redis_parse_url(url, &u, err, err_size))
        return NULL;
    struct timeval tv = {5, 0};
    redisContext *c = u.unix_path[0] ? redisConnectUnixWithTimeout(u.unix_path, tv)
                                     : redisConnectWithTimeout(u.host, u.port, tv);
    if (!c || c->err) {
        if (u.unix_path[0])
            snprintf(err, err_size, "cannot connect to Redis at %s: %s", u.unix_path,
                     c ? c->errstr : "out of memory");
        else
            snprintf(err, err_size, "cannot connect to Redis at %s:%d: %s", u.host, u.port,
                     c ? c->errstr : "out of memory");
        if (c)
            redisFree(c);
        return NULL;
    }
    struct timeval cmd_tv = {60, 0};
    redisSetTimeout(c, cmd_tv);
    rp_redis *r = calloc(1, sizeof(*r));
    if (!r) {
        redisFree(c);
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    r->ctx = c;
    redisReply *rep = NULL;
    if (u.password[0]) {
        const char *argv3[] = {"AUTH", u.user, u.password};
        const char *argv2[] = {"AUTH", u.password};
        rep = u.user[0] ? rp_redis_command(r, err, err_size, 3, argv3)
                        : rp_redis_command(r, err, err_size, 2, argv2);
        if (!rep)
            goto fail;
        freeReplyObject(rep);
    }
    if (u.db) {
        char db[16];
        snprintf(db, sizeof(db), "%d", u.db);
        const char *argv[] = {"SELECT", db};
        rep = rp_redis_command(r, err, err_size, 2, argv);
        if (!rep)
            goto fail;
        freeReplyObject(rep);
    }
    return r;
fail:
    rp_redis_free(r);
    return NULL;
}

void rp_redis_free(rp_redis *r)
{
    if (!r)
        return;
    if (r->ctx)
        redisFree(r->ctx);
    free(r);
}
