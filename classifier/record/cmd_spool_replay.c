/*
 * cmd_spool_replay.c - `xborder spool replay --redis URL DIR|FILE...`: file
 * the calls of spool files into Redis, for when the gateway that wrote
 * them is gone and Redis is back.
 *
 * Each file is replayed in order with blocking hiredis, EVALSHA first and
 * EVAL after NOSCRIPT, exactly the calls the gateway would have sent. The
 * scripts make this idempotent: what Redis already has answers DUP. A file
 * stops at its first GAP (Redis lacks earlier records of the chain: they
 * were lost by Redis or sit in another spool) or error, and is kept.
 *
 * A fully replayed file is renamed <name>.replayed so that no gateway
 * adopts it again - but only while this process holds its flock(): a live
 * nginx worker holds that lock on its own spool for its lifetime, and
 * renaming a file under a live writer would hide its next frames. Holding
 * the lock during the replay also keeps a gateway from adopting the same
 * file meanwhile (that would only cost DUPs, but is pointless work).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd_spool.h"
#include "reporting/rp_redis.h"

typedef struct replay_totals {
    size_t files, renamed, left_locked, skipped, failed;
    size_t ok, dup;
} replay_totals;

typedef struct replay_ctx {
    rp_redis *redis;
    const char *prefix;
    bool lost_redis;   /* the connection failed: nothing more can be done */
    replay_totals t;
} replay_ctx;

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

/* refuse frames that write outside the prefix the operator named */
static bool keys_under_prefix(const xb_spool_call *call, const char *prefix, size_t *bad)
{
    size_t pl = strlen(prefix);
    for (size_t i = 0; i < call->cmd.n_keys; i++) {
        if (call->cmd.argvlen[3 + i] < pl || memcmp(call->cmd.argv[3 + i], prefix, pl) != 0) {
            *bad = 3 + i;
            return false;
        }
    }
    return true;
}

/* EVALSHA, then EVAL after NOSCRIPT; NULL with err when no reply came */
static redisReply *send_call(replay_ctx *c, const xb_filing_cmd *cmd, char *err, size_t n)
{
    redisReply *r =
        rp_redis_command_argv(c->redis, err, n, cmd->argc, cmd->argv, cmd->argvlen);
    if (r && r->type == REDIS_REPLY_ERROR && r->str && !strncmp(r->str, "NOSCRIPT", 8)) {
        freeReplyObject(r);
        xb_filing_eval e;
        if (xb_filing_cmd_as_eval(cmd, &e) != XB_OK) {
            snprintf(err, n, "out of memory");
            return NULL;
        }
        r = rp_redis_command_argv(c->redis, err, n, e.argc, e.argv, e.argvlen);
        xb_filing_eval_free(&e);
    }
    return r;
}

static void where(const char *path, uint64_t at, const xb_spool_call *call)
{
    fprintf(stderr, "xborder spool replay: %s: byte %llu, chain ", path,
            (unsigned long long)at);
    xb_spool_print_escaped(stderr, call->chain, call->chain_len);
    fprintf(stderr, " seq %llu (%s)", (unsigned long long)call->seq,
            call->cmd.script == XB_FILING_APPEND ? "record" : "checkpoint");
}

/* send one frame's call; false stops the file */
static bool replay_call(replay_ctx *c, const char *path, uint64_t at, const xb_spool_call *call,
                        size_t *ok, size_t *dup)
{
    char err[512] = "";
    size_t bad;
    if (!keys_under_prefix(call, c->prefix, &bad)) {
        where(path, at, call);
        fprintf(stderr, ": writes key '");
        xb_spool_print_escaped(stderr, call->cmd.argv[bad], call->cmd.argvlen[bad]);
        fprintf(stderr, "' outside the prefix '%s' (written with another "
                        "xborder_redis_prefix? pass --prefix); stopped, file kept\n",
                c->prefix);
        return false;
    }
    redisReply *r = send_call(c, &call->cmd, err, sizeof(err));
    if (!r) {
        where(path, at, call);
        fprintf(stderr, ": %s; stopped\n", err);
        c->lost_redis = true;
        return false;
    }
    bool go_on = false;
    if (r->type == REDIS_REPLY_STATUS || r->type == REDIS_REPLY_STRING) {
        xb_filing_result res = xb_filing_parse_reply(r->str, r->len);
        switch (res.outcome) {
        case XB_FILED_OK:
            (*ok)++;
            go_on = true;
            break;
        case XB_FILED_DUP:
            (*dup)++;
            go_on = true;
            break;
        case XB_FILED_GAP:
            where(path, at, call);
            fprintf(stderr,
                    ": GAP: Redis's head of this chain is seq %llu, so records %llu..%llu "
                    "are missing in Redis (lost by Redis, or still in another spool file: "
                    "replay that first); stopped, file kept\n",
                    (unsigned long long)res.head, (unsigned long long)res.head + 1,
                    (unsigned long long)call->seq - 1);
            break;
        default:
            where(path, at, call);
            fprintf(stderr, ": unexpected reply '%.*s'; stopped, file kept\n", (int)r->len,
                    r->str);
            break;
        }
    } else {
        where(path, at, call);
        fprintf(stderr, ": Redis answered %s; stopped, file kept\n",
                r->type == REDIS_REPLY_ERROR && r->str ? r->str : "an unexpected reply type");
    }
    freeReplyObject(r);
    return go_on;
}

static void sync_dir_of(const char *path)
{
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == dir)
        slash[1] = '\0';
    else if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof(dir), ".");
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd != -1) {
        (void)fsync(fd);
        close(fd);
    }
}

static void replay_file(replay_ctx *c, const char *path)
{
    if (ends_with(path, XB_SPOOL_DONE_SUFFIX)) {
        printf("%s: already replayed, skipped\n", path);
        c->t.skipped++;
        return;
    }
    c->t.files++;
    char err[512] = "";
    int lock_fd = open(path, O_RDONLY | O_CLOEXEC);
    if (lock_fd == -1) {
        fprintf(stderr, "xborder spool replay: %s: %s\n", path, strerror(errno));
        c->t.failed++;
        return;
    }
    bool locked = flock(lock_fd, LOCK_EX | LOCK_NB) == 0;
    if (!locked && errno != EWOULDBLOCK) {
        fprintf(stderr, "xborder spool replay: %s: flock: %s\n", path, strerror(errno));
        close(lock_fd);
        c->t.failed++;
        return;
    }
    xb_spool_reader rd;
    if (xb_spool_reader_open(&rd, path, 0, err, sizeof(err)) != XB_OK) {
        fprintf(stderr, "xborder spool replay: %s\n", err);
        close(lock_fd);
        c->t.failed++;
        return;
    }
    xb_spool_frame frame;
    memset(&frame, 0, sizeof(frame));
    xb_spool_call call;
    xb_filing_cmd_init(&call.cmd);
    size_t ok = 0, dup = 0;
    bool complete = false;
    uint64_t at = 0;
    for (;;) {
        xb_spool_parse_status ps = xb_spool_reader_next(&rd, &frame, err, sizeof(err));
        if (ps == XB_SPOOL_NEED_MORE) {
            complete = true;
            break;
        }
        if (ps == XB_SPOOL_FRAME &&
            xb_spool_call_from_frame(&call, &frame, err, sizeof(err)) != XB_OK)
            ps = XB_SPOOL_CORRUPT;
        if (ps == XB_SPOOL_CORRUPT) {
            fprintf(stderr,
                    "xborder spool replay: %s: corrupt at byte %llu: %s; the %zu frames before "
                    "it were replayed, nothing after it; file kept (xborder spool show)\n",
                    path, (unsigned long long)at, err, ok + dup);
            break;
        }
        if (!replay_call(c, path, at, &call, &ok, &dup))
            break;
        at = xb_spool_reader_offset(&rd);
    }
    bool torn = complete && rd.torn;
    xb_filing_cmd_free(&call.cmd);
    xb_spool_frame_free(&frame);
    xb_spool_reader_close(&rd);
    c->t.ok += ok;
    c->t.dup += dup;

    if (!complete) {
        c->t.failed++;
        close(lock_fd);
        return;
    }
    printf("%s: %zu frame%s replayed (%zu new, %zu already filed)", path, ok + dup,
           ok + dup == 1 ? "" : "s", ok, dup);
    if (torn)
        printf(", torn last frame at byte %llu ignored (never acknowledged)",
               (unsigned long long)at);
    if (!locked) {
        printf("; locked by a live process (an nginx worker writing it): left in place\n");
        c->t.left_locked++;
    } else {
        char to[4096];
        int n = snprintf(to, sizeof(to), "%s%s", path, XB_SPOOL_DONE_SUFFIX);
        if (n < 0 || (size_t)n >= sizeof(to) || rename(path, to) == -1) {
            printf("\n");
            fprintf(stderr, "xborder spool replay: %s: cannot rename to %s: %s\n", path,
                    XB_SPOOL_DONE_SUFFIX, n < 0 || (size_t)n >= sizeof(to)
                                              ? "name too long" : strerror(errno));
            c->t.failed++;
        } else {
            sync_dir_of(to);
            printf("; renamed %s\n", to);
            c->t.renamed++;
        }
    }
    close(lock_fd); /* releases the lock, after the rename */
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* every *.spool of a directory, in name order */
static void replay_dir(replay_ctx *c, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "xborder spool replay: %s: %s\n", dir, strerror(errno));
        c->t.failed++;
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (ends_with(de->d_name, XB_SPOOL_DONE_SUFFIX)) {
            c->t.skipped++;
            continue;
        }
        if (!ends_with(de->d_name, XB_SPOOL_SUFFIX) || de->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            char **grown = realloc(names, cap * sizeof(*names));
            if (!grown)
                break;
            names = grown;
        }
        size_t len = strlen(dir) + 1 + strlen(de->d_name) + 1;
        names[n] = malloc(len);
        if (!names[n])
            break;
        snprintf(names[n], len, "%s/%s", dir, de->d_name);
        n++;
    }
    closedir(d);
    if (names)
        qsort(names, n, sizeof(*names), by_name);
    if (n == 0)
        printf("%s: no spool files\n", dir);
    for (size_t i = 0; i < n; i++) {
        if (!c->lost_redis)
            replay_file(c, names[i]);
        free(names[i]);
    }
    free(names);
}

int xb_spool_replay_main(int argc, char **argv)
{
    static const struct option longopts[] = {{"redis", required_argument, NULL, 'r'},
                                             {"prefix", required_argument, NULL, 'p'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *url = NULL;
    replay_ctx c;
    memset(&c, 0, sizeof(c));
    c.prefix = XB_FILING_DEFAULT_PREFIX;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'r': url = optarg; break;
        case 'p': c.prefix = optarg; break;
        case 'h':
            printf("usage: xborder spool replay --redis URL [--prefix P] DIR|FILE...\n"
                   "('xborder spool --help' says more)\n");
            return 0;
        default:
            return 2;
        }
    }
    if (!url || optind == argc) {
        fprintf(stderr, "usage: xborder spool replay --redis URL [--prefix P] DIR|FILE...\n");
        return 2;
    }
    char err[512];
    c.redis = rp_redis_connect(url, err, sizeof(err));
    if (!c.redis) {
        fprintf(stderr, "xborder spool replay: %s\n", err);
        return 2;
    }
    for (int i = optind; i < argc && !c.lost_redis; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
            replay_dir(&c, argv[i]);
        else
            replay_file(&c, argv[i]);
    }
    rp_redis_free(c.redis);
    printf("replay: %zu file%s, %zu records and checkpoints filed now, %zu already filed; %zu "
           "renamed .replayed, %zu left in place (locked), %zu skipped (already replayed), %zu "
           "stopped\n",
           c.t.files, c.t.files == 1 ? "" : "s", c.t.ok, c.t.dup, c.t.renamed, c.t.left_locked,
           c.t.skipped, c.t.failed);
    if (c.lost_redis)
        return 2;
    return c.t.failed ? 1 : 0;
}
