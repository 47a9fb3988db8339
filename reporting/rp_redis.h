/*
 * rp_redis.h - a synchronous Redis connection for the reporting commands.
 *
 * The gateway talks to Redis without blocking (nginx event loop); a
 * command-line tool simply waits, so this is plain blocking hiredis with a
 * connect and command timeout. URLs:
 *   redis://[[user]:password@]host[:port][/db]
 *   unix:///path/to/redis.sock[?db=N]
 * TLS (rediss://) is refused: hiredis 0.14 is built without it.
 */
#ifndef RP_REDIS_H
#define RP_REDIS_H

#include <stddef.h>

#include <hiredis/hiredis.h>

typedef struct rp_redis_url {
    char host[256];
    int port;
    char unix_path[512];
    char user[128];
    char password[256];
    int db;
} rp_redis_url;

typedef struct rp_redis rp_redis;

/* Parse a URL; 0 on success, -1 with a message in err. */
int rp_redis_parse_url(const char *url, rp_redis_url *u, char *err, size_t err_size);

/* Connect, authenticate and select the database. NULL with a message on
 * failure. */
rp_redis *rp_redis_connect(const char *url, char *err, size_t err_size);
void rp_redis_free(rp_redis *r);

/* Run one command given as NUL-terminated arguments. Returns the reply
 * (free with freeReplyObject) or NULL with a message in err, also when
 * Redis answers with an error reply. */
redisReply *rp_redis_command(rp_redis *r, char *err, size_t err_size, int argc,
                             const char **argv);

/* Run one command given with explicit lengths: binary-safe and with any
 * number of arguments (a filing call carries one per individual). Returns
 * the reply as Redis sent it, error replies included (the caller may act
 * on NOSCRIPT), or NULL with a message in err when no reply came. */
redisReply *rp_redis_command_argv(rp_redis *r, char *err, size_t err_size, int argc,
                                  const char **argv, const size_t *lens);

#endif
