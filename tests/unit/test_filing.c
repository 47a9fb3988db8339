/*
 * test_filing.c - the filing scripts and their command builders and reply
 * parsers (classifier/record/xb_filing.h) against a REAL redis-server:
 * append OK / DUP / GAP, the transfer index and subject sets, NOSCRIPT and
 * the EVAL fallback, checkpoints, the count script with its baseline, and
 * that a bad argument writes nothing. A chain filed through the scripts is
 * then proven intact by the verifier of `xborder verify`.
 *
 * The group setup starts /usr/bin/redis-server on a free port in a
 * temporary directory (no persistence) and stops it in the teardown. When
 * the binary is missing every test is skipped with a message saying so.
 */
#include "xb_test.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "classifier/record/xb_filing.h"
#include "classifier/record/xb_record.h"
#include "classifier/record/xb_sign.h"
#include "reporting/rp_verify.h"

#define REDIS_SERVER "/usr/bin/redis-server"
#define USCC "91310000MA1FL8XQ3A"

typedef struct server {
    bool missing;
    pid_t pid;
    int port;
    char dir[64];
    redisContext *c;
} server;

/* ---- the redis-server child -------------------------------------------- */

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    int port = -1;
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    close(fd);
    return port;
}

static int start_server(void **state)
{
    server *s = calloc(1, sizeof(*s));
    if (!s)
        return -1;
    *state = s;
    if (access(REDIS_SERVER, X_OK) != 0) {
        s->missing = true;
        return 0;
    }
    snprintf(s->dir, sizeof(s->dir), "/tmp/xb_test_filing_XXXXXX");
    if (!mkdtemp(s->dir))
        return -1;
    s->port = free_port();
    if (s->port <= 0)
        return -1;
    char port[16];
    snprintf(port, sizeof(port), "%d", s->port);
    s->pid = fork();
    if (s->pid < 0)
        return -1;
    if (s->pid == 0) {
        FILE *null = freopen("/dev/null", "w", stdout);
        (void)null;
        execl(REDIS_SERVER, REDIS_SERVER, "--port", port, "--bind", "127.0.0.1", "--save", "",
              "--appendonly", "no", "--daemonize", "no", "--dir", s->dir, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 200; i++) { /* up to 10 s */
        struct timeval tv = {1, 0};
        redisContext *c = redisConnectWithTimeout("127.0.0.1", s->port, tv);
        if (c && !c->err) {
            redisReply *r = redisCommand(c, "PING");
            bool ok = r && r->type == REDIS_REPLY_STATUS && !strcmp(r->str, "PONG");
            if (r)
                freeReplyObject(r);
            if (ok) {
                s->c = c;
                return 0;
            }
        }
        if (c)
            redisFree(c);
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    fprintf(stderr, "redis-server did not answer PING on port %d\n", s->port);
    return -1;
}

static int stop_server(void **state)
{
    server *s = *state;
    if (s->c)
        redisFree(s->c);
    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        int st;
        while (waitpid(s->pid, &st, 0) == -1 && errno == EINTR) {
        }
    }
    if (s->dir[0]) {
        char path[128];
        snprintf(path, sizeof(path), "%s/dump.rdb", s->dir);
        unlink(path);
        rmdir(s->dir);
    }
    free(s);
    return 0;
}

/* every test starts from an empty Redis without cached scripts */
static int clean(void **state)
{
    server *s = *state;
    if (s->missing)
        return 0;
    redisReply *r = redisCommand(s->c, "FLUSHALL");
    if (!r)
        return -1;
    freeReplyObject(r);
    r = redisCommand(s->c, "SCRIPT FLUSH");
    if (!r)
        return -1;
    freeReplyObject(r);
    return 0;
}

static server *srv(void **state)
{
    server *s = *state;
    if (s->missing) {
        print_message("SKIPPED: %s is not installed (apt-get install redis-server)\n",
                      REDIS_SERVER);
        skip();
    }
    return s;
}

/* ---- Redis helpers ------------------------------------------------------ */

static redisReply *run(server *s, int argc, const char **argv, const size_t *lens)
{
    redisReply *r = redisCommandArgv(s->c, argc, argv, lens);
    assert_non_null(r);
    return r;
}

/* EVALSHA, and EVAL after NOSCRIPT, the way the gateway and the replayer
 * do it. *evals counts the fallbacks. */
static redisReply *file(server *s, const xb_filing_cmd *cmd, int *evals)
{
    redisReply *r = run(s, cmd->argc, cmd->argv, cmd->argvlen);
    if (r->type == REDIS_REPLY_ERROR && !strncmp(r->str, "NOSCRIPT", 8)) {
        freeReplyObject(r);
        xb_filing_eval e;
        assert_int_equal(xb_filing_cmd_as_eval(cmd, &e), XB_OK);
        r = run(s, e.argc, e.argv, e.argvlen);
        xb_filing_eval_free(&e);
        if (evals)
            (*evals)++;
    }
    return r;
}

static xb_filing_result file_result(server *s, const xb_filing_cmd *cmd)
{
    redisReply *r = file(s, cmd, NULL);
    if (r->type != REDIS_REPLY_STATUS && r->type != REDIS_REPLY_STRING)
        fail_msg("unexpected reply type %d: %s", r->type,
                 r->type == REDIS_REPLY_ERROR ? r->str : "");
    xb_filing_result res = xb_filing_parse_reply(r->str, r->len);
    freeReplyObject(r);
    return res;
}

static long long integer(server *s, const char *fmt, const char *a, const char *b)
{
    redisReply *r = redisCommand(s->c, fmt, a, b);
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_INTEGER);
    long long v = r->integer;
    freeReplyObject(r);
    return v;
}

/* a string value, "" when nil */
static void string(server *s, char *out, size_t n, const char *fmt, const char *a, const char *b)
{
    redisReply *r = redisCommand(s->c, fmt, a, b);
    assert_non_null(r);
    out[0] = '\0';
    if (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS)
        snprintf(out, n, "%s", r->str);
    else
        assert_int_equal(r->type, REDIS_REPLY_NIL);
    freeReplyObject(r);
}

/* ---- records ------------------------------------------------------------ */

typedef struct chain {
    const char *name;
    uint64_t seq;               /* of the last record built */
    char head[XB_HASH_HEX];     /* hash of the last record built */
    char prev[XB_HASH_HEX];     /* its prev_hash */
    char tid[17];
    xb_buf rec;
} chain;

static void chain_init(chain *ch, const char *name)
{
    memset(ch, 0, sizeof(*ch));
    ch->name = name;
    memcpy(ch->head, xb_record_genesis, XB_HASH_HEX);
}

/* the next record of a chain in the real canonical encoding */
static void next_record(chain *ch)
{
    xb_transfer_record r;
    memset(&r, 0, sizeof(r));
    ch->seq++;
    snprintf(ch->tid, sizeof(ch->tid), "%016llx", 0xf11e0000ull + ch->seq);
    r.transfer_id = ch->tid;
    r.node = "gw1";
    r.chain = ch->name;
    r.seq = ch->seq;
    r.ts_start_ms = 1763812224000 + (int64_t)ch->seq * 1000;
    r.ts_end_ms = r.ts_start_ms + 5;
    memcpy(r.prev_hash, ch->head, XB_HASH_HEX);
    r.exporter_id = "acme";
    r.exporter_uscc = USCC;
    r.recipient_country = "DE";
    r.dest_country = "DE";
    r.direction = "push";
    r.route = "exempt";
    r.outcome = "allow";
    r.enforced = "allow";
    r.mode = "enforce";
    r.year = 2026;
    r.catalog_version = "national-pi@1";
    r.policy_version = "p@1";
    r.engine_version = "test";
    xb_buf_reset(&ch->rec);
    assert_int_equal(xb_record_encode(&r, &ch->rec), XB_OK);
    memcpy(ch->prev, ch->head, XB_HASH_HEX);
    xb_sha256_hex(ch->rec.data, ch->rec.len, ch->head);
}

static void append_cmd(xb_filing_cmd *cmd, const chain *ch, const char *uscc,
                       const xb_subject *subjects, size_t n, const uint8_t *selected)
{
    xb_filing_record fr = {.chain = ch->name, .seq = ch->seq, .prev_hash = ch->prev,
                           .hash = ch->head, .rec = ch->rec.data, .rec_len = ch->rec.len,
                           .transfer_id = ch->tid, .uscc = uscc, .year = 2026,
                           .subjects = subjects, .n_subjects = n, .selected = selected};
    assert_int_equal(xb_filing_cmd_append(cmd, NULL, &fr), XB_OK);
}

static void make_subjects(xb_subject *s, size_t n, uint8_t seed)
{
    memset(s, 0, n * sizeof(*s));
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < XB_SUBJECT_HASH_LEN; k++)
            s[i].hash[k] = (uint8_t)(seed + i * 31 + k);
        s[i].cls = i % 3 == 2 ? XB_SUBJECT_SENSITIVE : XB_SUBJECT_GENERAL;
    }
}

/* ---- tests -------------------------------------------------------------- */

static void test_script_sha1_is_redis_name(void **state)
{
    server *s = srv(state);
    xb_filing_script all[] = {XB_FILING_APPEND, XB_FILING_CHECKPOINT, XB_FILING_COUNT};
    for (size_t i = 0; i < 3; i++) {
        const char *argv[] = {"SCRIPT", "LOAD", xb_filing_script_source(all[i])};
        size_t lens[] = {6, 4, strlen(argv[2])};
        redisReply *r = run(s, 3, argv, lens);
        assert_int_equal(r->type, REDIS_REPLY_STRING);
        assert_string_equal(r->str, xb_filing_script_sha1(all[i]));
        freeReplyObject(r);
    }
    assert_null(xb_filing_script_sha1((xb_filing_script)0));
    assert_null(xb_filing_script_source((xb_filing_script)4));
}

static void test_noscript_then_eval(void **state)
{
    server *s = srv(state);
    chain ch;
    chain_init(&ch, "gw1/w0");
    next_record(&ch);
    xb_filing_cmd cmd;
    xb_filing_cmd_init(&cmd);
    append_cmd(&cmd, &ch, USCC, NULL, 0, NULL);
    /* EVALSHA of an unknown script: NOSCRIPT, nothing written */
    redisReply *r = run(s, cmd.argc, cmd.argv, cmd.argvlen);
    assert_int_equal(r->type, REDIS_REPLY_ERROR);
    assert_true(!strncmp(r->str, "NOSCRIPT", 8));
    freeReplyObject(r);
    assert_int_equal(integer(s, "DBSIZE", NULL, NULL), 0);
    /* EVAL files it and caches the script */
    int evals = 0;
    r = file(s, &cmd, &evals);
    assert_int_equal(evals, 1);
    assert_int_equal(r->type, REDIS_REPLY_STATUS);
    xb_filing_result res = xb_filing_parse_reply(r->str, r->len);
    assert_int_equal(res.outcome, XB_FILED_OK);
    freeReplyObject(r);
    /* from now on EVALSHA works */
    next_record(&ch);
    append_cmd(&cmd, &ch, USCC, NULL, 0, NULL);
    r = file(s, &cmd, &evals);
    assert_int_equal(evals, 1);
    res = xb_filing_parse_reply(r->str, r->len);
    assert_int_equal(res.outcome, XB_FILED_OK);
    freeReplyObject(r);
    assert_int_equal(integer(s, "XLEN %s", "xborder:records", NULL), 2);
    xb_filing_cmd_free(&cmd);
    xb_buf_free(&ch.rec);
}

static void test_append_ok_dup_gap(void **state)
{
    server *s = srv(state);
    chain ch;
    chain_init(&ch, "gw1/w0-4242-1763812224");
    xb_filing_cmd cmd;
    xb_filing_cmd_init(&cmd);

    next_record(&ch);
    append_cmd(&cmd, &ch, USCC, NULL, 0, NULL);
    xb_filing_result res = file_result(s, &cmd);
    assert_int_equal(res.outcome, XB_FILED_OK);
    char id1[48];
    snprintf(id1, sizeof(id1), "%s", res.id);
    assert_non_null(strchr(id1, '-'));

    /* the stream entry holds exactly what was sent */
    redisReply *r = redisCommand(s->c, "XRANGE xborder:records - +");
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_int_equal(r->elements, 1);
    assert_string_equal(r->element[0]->element[0]->str, id1);
    redisReply *f = r->element[0]->element[1];
    assert_int_equal(f->elements, 8);
    assert_string_equal(f->element[0]->str, "chain");
    assert_string_equal(f->element[1]->str, ch.name);
    assert_string_equal(f->element[3]->str, "1");
    assert_string_equal(f->element[5]->str, ch.head);
    assert_int_equal(f->element[7]->len, ch.rec.len);
    assert_memory_equal(f->element[7]->str, ch.rec.data, ch.rec.len);
    freeReplyObject(r);

    /* head and transfer index */
    char v[160], want[160];
    string(s, v, sizeof(v), "HGET xborder:heads %s", ch.name, NULL);
    snprintf(want, sizeof(want), "1 %s", ch.head);
    assert_string_equal(v, want);
    string(s, v, sizeof(v), "HGET xborder:transfers %s", ch.tid, NULL);
    assert_string_equal(v, id1);

    /* the same record again (a retry, a replay): DUP, nothing written */
    res = file_result(s, &cmd);
    assert_int_equal(res.outcome, XB_FILED_DUP);
    assert_int_equal(res.head, 1);
    assert_int_equal(integer(s, "XLEN %s", "xborder:records", NULL), 1);

    /* skipping seq 2: GAP with the head */
    chain skip = ch;
    memset(&skip.rec, 0, sizeof(skip.rec));
    next_record(&skip);
    next_record(&skip);
    append_cmd(&cmd, &skip, USCC, NULL, 0, NULL);
    res = file_result(s, &cmd);
    assert_int_equal(res.outcome, XB_FILED_GAP);
    assert_int_equal(res.head, 1);
    xb_buf_free(&skip.rec);

    /* seq 2 whose prev_hash is not the head's hash: GAP */
    next_record(&ch);
    char good_prev[XB_HASH_HEX];
    memcpy(good_prev, ch.prev, XB_HASH_HEX);
    ch.prev[0] = ch.prev[0] == 'a' ? 'b' : 'a';
    append_cmd(&cmd, &ch, USCC, NULL, 0, NULL);
    res = file_result(s, &cmd);
    assert_int_equal(res.outcome, XB_FILED_GAP);
    assert_int_equal(res.head, 1);
    assert_int_equal(integer(s, "XLEN %s", "xborder:records", NULL), 1);

    /* the right seq 2 */
    memcpy(ch.prev, good_prev, XB_HASH_HEX);
    append_cmd(&cmd, &ch, USCC, NULL, 0, NULL);
    res = file_result(s, &cmd);
    assert_int_equal(res.outcome, XB_FILED_OK);
    assert_int_equal(integer(s, "XLEN %s", "xborder:records", NULL), 2);
    string(s, v, sizeof(v), "HGET xborder:heads %s", ch.name, NULL);
    snprintf(want, sizeof(want), "2 %s", ch.head);
    assert_string_equal(v, want);
    assert_int_equal(integer(s, "HLEN %s", "xborder:transfers", NULL), 2);

    /* chains are independent */
    chain other;
    chain_init(&other, "gw2/w0");
    next_record(&other);
    append_cmd(&cmd, &other, USCC, NULL, 0, NULL);
    assert_int_equal(file_result(s, &cmd).outcome, XB_FILED_OK);
    assert_int_equal(integer(s, "HLEN %s", "xborder:heads", NULL), 2);
    xb_buf_free(&other.rec);
    xb_filing_cmd_free(&cmd);
    xb_buf_free(&ch.rec);
}

/* a whole chain filed twice (a replay after a crash) is filed once */
static void test_double_append_is_idempotent(void **state)
{
    server *s = srv(state);
    enum { N = 50 };
    chain ch;
    chain_init(&ch, "gw1/w1");
    xb_filing_cmd cmds[N];
    xb_subject subj[4];
    for (size_t i = 0; i < N; i++) {
        next_record(&ch);
        make_subjects(subj, 4, 0);
        for (size_t j = 0; j < 4; j++) { /* distinct across records */
            subj[j].hash[0] = (uint8_t)i;
            subj[j].hash[1] = (uint8_t)j;
        }
        xb_filing_cmd_init(&cmds[i]);
        append_cmd(&cmds[i], &ch, USCC, subj, 4, NULL);
    }
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < N; i++) {
            xb_filing_result res = file_result(s, &cmds[i]);
            assert_int_equal(res.outcome, pass == 0 ? XB_FILED_OK : XB_FILED_DUP);
            if (pass == 1)
                assert_int_equal(res.head, N);
        }
    }
    assert_int_equal(integer(s, "XLEN %s", "xborder:records", NULL), N);
    assert_int_equal(integer(s, "HLEN %s", "xborder:transfers", NULL), N);
    /* 3 general and 1 sensitive distinct subjects per record, once each */
    assert_int_equal(integer(s, "SCARD %s", "xborder:subjects:" USCC ":2026:general", NULL),
                     N * 3);
    assert_int_equal(integer(s, "SCARD %s", "xborder:subjects:" USCC ":2026:sensitive", NULL),
                     N);
    for (size_t i = 0; i < N; i++)
        xb_filing_cmd_free(&cmds[i]);
    xb_buf_free(&ch.rec);
}

static void test_subject_sets(void **state)
{
    server *s = srv(state);
    const char *gen = "xborder:subjects:" USCC ":2026:general";
    const char *sen = "xborder:subjects:" USCC ":2026:sensitive";
    chain ch;
    chain_init(&ch, "gw1/w2");
    xb_filing_cmd cmd;
    xb_filing_cmd_init(&cmd);
    xb_subject subj[6];
    make_subjects(subj, 6, 1); /* 0,1,3,4 general; 2,5 sensitive */

    /* no subjects given: no set at all */
    next_record(&ch);
    append_cmd(&cmd, &ch, USCC, NULL, 0, NULL);
    assert_int_equal(file_result(s, &cmd).outcome, XB_FILED_OK);
    assert_int_equal(integer(s, "EXISTS %s %s", gen, sen), 0);

    /* unknown exporter: subjects are not counted anywhere */
    next_record(&ch);
    append_cmd(&cmd, &ch, NULL, subj, 6, NULL);
    assert_int_equal(cmd.argc, 3 + 5 + 7); /* n_general "0", no hashes */
    assert_int_equal(file_result(s, &cmd).outcome, XB_FILED_OK);
    redisReply *r = redisCommand(s->c, "KEYS xborder:subjects:*");
    assert_int_equal(r->elements, 0);
    freeReplyObject(r);

    /* only the selected subjects (those actually sent) */
    uint8_t selected[6] = {1, 0, 1, 1, 0, 0};
    next_record(&ch);
    append_cmd(&cmd, &ch, USCC, subj, 6, selected);
    assert_int_equal(file_result(s, &cmd).outcome, XB_FILED_OK);
    assert_int_equal(integer(s, "SCARD %s", gen, NULL), 2);
    assert_int_equal(integer(s, "SCARD %s", sen, NULL), 1);
    char hex[65];
    xb_subject_hex(subj[0].hash, hex);
    assert_int_equal(integer(s, "SISMEMBER %s %s", gen, hex), 1);
    xb_subject_hex(subj[3].hash, hex);
    assert_int_equal(integer(s, "SISMEMBER %s %s", gen, hex), 1);
    xb_subject_hex(subj[1].hash, hex);
    assert_int_equal(integer(s, "SISMEMBER %s %s", gen, hex), 0);
    xb_subject_hex(subj[2].hash, hex);
    assert_int_equal(integer(s, "SISMEMBER %s %s", sen, hex), 1);

    /* all of them; a DUP adds nothing */
    next_record(&ch);
    append_cmd(&cmd, &ch, USCC, subj, 6, NULL);
    assert_int_equal(file_result(s, &cmd).outcome, XB_FILED_OK);
    assert_int_equal(integer(s, "SCARD %s", gen, NULL), 4);
    assert_int_equal(integer(s, "SCARD %s", sen, NULL), 2);

    /* more than one SADD slice (1000 hashes per call in the script) */
    enum { MANY = 2500 };
    xb_subject *many = calloc(MANY, sizeof(*many));
    assert_non_null(many);
    for (size_t i = 0; i < MANY; i++) {
        many[i].hash[0] = 0xee;
        many[i].hash[1] = (uint8_t)(i >> 8);
        many[i].hash[2] = (uint8_t)i;
        many[i].cls = i < 2100 ? XB_SUBJECT_GENERAL : XB_SUBJECT_SENSITIVE;
    }
    next_record(&ch);
    append_cmd(&cmd, &ch, USCC, many, MANY, NULL);
    assert_int_equal(file_result(s, &cmd).outcome, XB_FILED_OK);
    assert_int_equal(integer(s, "SCARD %s", gen, NULL), 4 + 2100);
    assert_int_equal(integer(s, "SCARD %s", sen, NULL), 2 + 400);
    free(many);
    xb_filing_cmd_free(&cmd);
    xb_buf_free(&ch.rec);
}

static void test_count_flags_and_totals(void **state)
{
    server *s = srv(state);
    xb_subject subj[6];
    make_subjects(subj, 6, 9); /* 0,1,3,4 general; 2,5 sensitive */
    char hex[65];
    /* already counted this year: subjects 1 (general) and 5 (sensitive) */
    xb_subject_hex(subj[1].hash, hex);
    freeReplyObject(redisCommand(s->c, "SADD %s %s", "xborder:subjects:" USCC ":2026:general",
                                 hex));
    xb_subject_hex(subj[5].hash, hex);
    freeReplyObject(redisCommand(s->c, "SADD %s %s",
                                 "xborder:subjects:" USCC ":2026:sensitive", hex));
    /* someone else, and another year, do not count */
    freeReplyObject(redisCommand(s->c, "SADD %s x", "xborder:subjects:" USCC ":2025:general"));
    freeReplyObject(redisCommand(s->c, "HSET %s general 100 sensitive 7",
                                 "xborder:baseline:" USCC ":2026"));

    xb_filing_cmd cmd;
    xb_filing_cmd_init(&cmd);
    assert_int_equal(xb_filing_cmd_count(&cmd, NULL, USCC, 2026, subj, 6), XB_OK);
    redisReply *r = file(s, &cmd, NULL);
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_int_equal(r->elements, 3);
    assert_string_equal(r->element[0]->str, "101");
    assert_string_equal(r->element[1]->str, "8");
    /* argument order: general 0,1,3,4 then sensitive 2,5 */
    assert_string_equal(r->element[2]->str, "010001");
    xb_subject_counts totals = {0, 0};
    assert_int_equal(xb_filing_parse_count(r->element[0]->str, r->element[0]->len,
                                           r->element[1]->str, r->element[1]->len,
                                           r->element[2]->str, r->element[2]->len, subj, 6,
                                           &totals),
                     XB_OK);
    assert_int_equal(totals.general, 101);
    assert_int_equal(totals.sensitive, 8);
    const bool want_new[6] = {true, false, true, true, true, false};
    for (int i = 0; i < 6; i++)
        assert_int_equal(subj[i].is_new, want_new[i]);
    /* a reply for another number of subjects is refused */
    assert_int_equal(xb_filing_parse_count(r->element[0]->str, r->element[0]->len,
                                           r->element[1]->str, r->element[1]->len,
                                           r->element[2]->str, r->element[2]->len, subj, 5,
                                           &totals),
                     XB_ERR_MALFORMED);
    freeReplyObject(r);
    /* read only */
    assert_int_equal(integer(s, "SCARD %s", "xborder:subjects:" USCC ":2026:general", NULL), 1);

    /* without a baseline, nothing queried: the set sizes */
    assert_int_equal(xb_filing_cmd_count(&cmd, NULL, "91110000XXXXXXXXXX", 2026, NULL, 0),
                     XB_OK);
    r = file(s, &cmd, NULL);
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_string_equal(r->element[0]->str, "0");
    assert_string_equal(r->element[1]->str, "0");
    assert_int_equal(r->element[2]->len, 0);
    freeReplyObject(r);
    assert_int_equal(xb_filing_cmd_count(&cmd, NULL, NULL, 2026, NULL, 0), XB_ERR_INVALID);
    xb_filing_cmd_free(&cmd);
}

static void test_checkpoint_ok_dup(void **state)
{
    server *s = srv(state);
    char hash[XB_HASH_HEX], sig[XB_SIG_HEX];
    memset(hash, 'a', 64);
    hash[64] = '\0';
    memset(sig, 'b', 128);
    sig[128] = '\0';
    const char cp[] = "{\"v\":1}";
    xb_filing_cmd cmd;
    xb_filing_cmd_init(&cmd);
    const uint64_t seqs[] = {5, 5, 3, 6};
    const xb_filing_outcome want[] = {XB_FILED_OK, XB_FILED_DUP, XB_FILED_DUP, XB_FILED_OK};
    const uint64_t want_head[] = {0, 5, 5, 0};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(xb_filing_cmd_checkpoint(&cmd, NULL, "gw1/w0", seqs[i], hash, cp,
                                                  sizeof(cp) - 1, sig, "0123456789abcdef"),
                         XB_OK);
        xb_filing_result res = file_result(s, &cmd);
        assert_int_equal(res.outcome, want[i]);
        if (want[i] == XB_FILED_DUP)
            assert_int_equal(res.head, want_head[i]);
    }
    assert_int_equal(integer(s, "XLEN %s", "xborder:checkpoints", NULL), 2);
    char v[32];
    string(s, v, sizeof(v), "HGET xborder:checkpoint-heads %s", "gw1/w0", NULL);
    assert_string_equal(v, "6");
    /* the builder refuses what the script would refuse */
    assert_int_equal(xb_filing_cmd_checkpoint(&cmd, NULL, "gw1/w0", 0, hash, cp, 7, sig, "k"),
                     XB_ERR_INVALID);
    assert_int_equal(xb_filing_cmd_checkpoint(&cmd, NULL, "gw1/w0", 1, hash, cp, 7, "ab", "k"),
                     XB_ERR_INVALID);
    xb_filing_cmd_free(&cmd);
}

/* replace ARGV[i] (1-based, after the keys) of cmd and send it */
static redisReply *send_with_arg(server *s, const xb_filing_cmd *cmd, size_t argv_index,
                                 const char *value)
{
    size_t n = (size_t)cmd->argc - 3;
    const char **args = calloc(n, sizeof(*args));
    size_t *lens = calloc(n, sizeof(*lens));
    assert_true(args && lens);
    for (size_t i = 0; i < n; i++) {
        args[i] = cmd->argv[3 + i];
        lens[i] = cmd->argvlen[3 + i];
    }
    size_t at = cmd->n_keys + argv_index - 1;
    args[at] = value;
    lens[at] = strlen(value);
    xb_filing_cmd bad;
    xb_filing_cmd_init(&bad);
    assert_int_equal(xb_filing_cmd_from_args(&bad, cmd->script, cmd->n_keys, n, args, lens),
                     XB_OK);
    redisReply *r = file(s, &bad, NULL);
    xb_filing_cmd_free(&bad);
    free(args);
    free(lens);
    return r;
}

static void expect_error(server *s, const xb_filing_cmd *cmd, size_t argv_index,
                         const char *value, const char *message)
{
    redisReply *r = send_with_arg(s, cmd, argv_index, value);
    if (r->type != REDIS_REPLY_ERROR || !strstr(r->str, message))
        fail_msg("ARGV[%zu] = '%s': reply type %d '%s', expected an error '%s'", argv_index,
                 value, r->type, r->str ? r->str : "", message);
    freeReplyObject(r);
    assert_int_equal(integer(s, "DBSIZE", NULL, NULL), 0);
}

static void test_bad_arguments_write_nothing(void **state)
{
    server *s = srv(state);
    chain ch;
    chain_init(&ch, "gw1/w3");
    next_record(&ch);
    xb_subject subj[3];
    make_subjects(subj, 3, 4);
    xb_filing_cmd cmd;
    xb_filing_cmd_init(&cmd);
    append_cmd(&cmd, &ch, USCC, subj, 3, NULL);
    /* ARGV: chain seq prev hash rec tid n_general hashes... */
    const char *bad_seqs[] = {"0", "abc", "1.5", "-1", "", "1e3", " 1"};
    for (size_t i = 0; i < sizeof(bad_seqs) / sizeof(bad_seqs[0]); i++)
        expect_error(s, &cmd, 2, bad_seqs[i], "bad seq");
    char upper[65], short_hash[64];
    for (int i = 0; i < 64; i++)
        upper[i] = 'A';
    upper[64] = '\0';
    memset(short_hash, 'a', 63);
    short_hash[63] = '\0';
    expect_error(s, &cmd, 3, short_hash, "bad hash");
    expect_error(s, &cmd, 4, upper, "bad hash");
    expect_error(s, &cmd, 4, "zz", "bad hash");
    expect_error(s, &cmd, 1, "", "empty argument");
    expect_error(s, &cmd, 5, "", "empty argument");
    expect_error(s, &cmd, 6, "", "empty argument");
    expect_error(s, &cmd, 7, "9", "bad subject count");
    expect_error(s, &cmd, 7, "x", "bad subject count");
    expect_error(s, &cmd, 8, "abc", "bad subject");
    /* and the same command, unchanged, is filed */
    assert_int_equal(file_result(s, &cmd).outcome, XB_FILED_OK);

    /* checkpoint: ARGV chain seq hash cp sig key_id */
    freeReplyObject(redisCommand(s->c, "FLUSHALL"));
    char hash[65], sig[129];
    memset(hash, 'c', 64);
    hash[64] = '\0';
    memset(sig, 'd', 128);
    sig[128] = '\0';
    assert_int_equal(xb_filing_cmd_checkpoint(&cmd, NULL, "gw1/w3", 4, hash, "{}", 2, sig, "k"),
                     XB_OK);
    expect_error(s, &cmd, 2, "x", "bad seq");
    expect_error(s, &cmd, 2, "0", "bad seq");
    expect_error(s, &cmd, 3, "abc", "bad argument");
    expect_error(s, &cmd, 5, "abc", "bad argument");
    expect_error(s, &cmd, 1, "", "bad argument");
    expect_error(s, &cmd, 4, "", "bad argument");

    /* count: ARGV n_general hashes... */
    assert_int_equal(xb_filing_cmd_count(&cmd, NULL, USCC, 2026, subj, 3), XB_OK);
    expect_error(s, &cmd, 1, "5", "bad subject count");
    xb_filing_cmd_free(&cmd);
    xb_buf_free(&ch.rec);
}

/* the builders refuse what would be a malformed record call */
static void test_builder_validation(void **state)
{
    (void)state;
    chain ch;
    chain_init(&ch, "c");
    next_record(&ch);
    xb_filing_record ok = {.chain = "c", .seq = 1, .prev_hash = ch.prev, .hash = ch.head,
                           .rec = ch.rec.data, .rec_len = ch.rec.len, .transfer_id = "t",
                           .uscc = USCC, .year = 2026};
    xb_filing_cmd cmd;
    xb_filing_cmd_init(&cmd);
    assert_int_equal(xb_filing_cmd_append(&cmd, "p:", &ok), XB_OK);
    assert_int_equal(cmd.argc, 3 + 5 + 7);
    assert_string_equal(cmd.argv[0], "EVALSHA");
    assert_string_equal(cmd.argv[1], xb_filing_script_sha1(XB_FILING_APPEND));
    assert_string_equal(cmd.argv[2], "5");
    assert_string_equal(cmd.argv[3], "p:records");
    assert_string_equal(cmd.argv[4], "p:heads");
    assert_string_equal(cmd.argv[5], "p:transfers");
    assert_string_equal(cmd.argv[6], "p:subjects:" USCC ":2026:general");
    assert_string_equal(cmd.argv[7], "p:subjects:" USCC ":2026:sensitive");
    xb_filing_record r = ok;
    r.seq = 0;
    assert_int_equal(xb_filing_cmd_append(&cmd, NULL, &r), XB_ERR_INVALID);
    r = ok;
    r.chain = "";
    assert_int_equal(xb_filing_cmd_append(&cmd, NULL, &r), XB_ERR_INVALID);
    r = ok;
    r.hash = "ABC";
    assert_int_equal(xb_filing_cmd_append(&cmd, NULL, &r), XB_ERR_INVALID);
    r = ok;
    r.prev_hash = NULL;
    assert_int_equal(xb_filing_cmd_append(&cmd, NULL, &r), XB_ERR_INVALID);
    r = ok;
    r.transfer_id = "";
    assert_int_equal(xb_filing_cmd_append(&cmd, NULL, &r), XB_ERR_INVALID);

    /* replies */
    assert_int_equal(xb_filing_parse_reply("OK 1-0", 6).outcome, XB_FILED_OK);
    assert_int_equal(xb_filing_parse_reply("OK ", 3).outcome, XB_FILED_ERROR);
    assert_int_equal(xb_filing_parse_reply("OK 1-x", 6).outcome, XB_FILED_ERROR);
    assert_int_equal(xb_filing_parse_reply("DUP 18446744073709551615", 24).head, UINT64_MAX);
    assert_int_equal(xb_filing_parse_reply("DUP 18446744073709551616", 24).outcome,
                     XB_FILED_ERROR);
    assert_int_equal(xb_filing_parse_reply("GAP", 3).outcome, XB_FILED_ERROR);
    assert_int_equal(xb_filing_parse_reply("GAP 7", 5).outcome, XB_FILED_GAP);
    assert_int_equal(xb_filing_parse_reply(NULL, 0).outcome, XB_FILED_ERROR);
    xb_filing_cmd_free(&cmd);
    xb_buf_free(&ch.rec);
}

/* ---- verification of what the scripts filed --------------------------- */

static const char *field(const redisReply *fields, const char *name)
{
    for (size_t i = 0; i + 1 < fields->elements; i += 2)
        if (!strcmp(fields->element[i]->str, name))
            return fields->element[i + 1]->str;
    return "";
}

static void test_filed_chain_passes_verifier(void **state)
{
    server *s = srv(state);
    char dir[96], err[256], path[160];
    snprintf(dir, sizeof(dir), "%s/keys", s->dir);
    assert_int_equal(xb_keygen(dir, err, sizeof(err)), XB_OK);
    snprintf(path, sizeof(path), "%s/signing.key", dir);
    xb_key *priv = xb_key_load_private(path, err, sizeof(err));
    snprintf(path, sizeof(path), "%s/signing.pub", dir);
    xb_key *pub = xb_key_load_public(path, err, sizeof(err));
    assert_true(priv && pub);
    char key_id[17];
    xb_key_id(priv, key_id);

    /* two chains interleaved, a checkpoint of each, every call twice */
    chain a, b;
    chain_init(&a, "gw1/w0-1-1");
    chain_init(&b, "gw1/w1-2-1");
    xb_filing_cmd cmd;
    xb_filing_cmd_init(&cmd);
    xb_buf cp = XB_BUF_INIT;
    for (int i = 0; i < 12; i++) {
        chain *ch = i % 3 == 2 ? &b : &a;
        next_record(ch);
        append_cmd(&cmd, ch, USCC, NULL, 0, NULL);
        assert_int_equal(file_result(s, &cmd).outcome, XB_FILED_OK);
        assert_int_equal(file_result(s, &cmd).outcome, XB_FILED_DUP);
        if (i == 6 || i == 11) {
            xb_buf_reset(&cp);
            assert_int_equal(xb_checkpoint_encode("gw1", ch->name, ch->seq, ch->head,
                                                  1763812300000 + i, key_id, &cp),
                             XB_OK);
            char sig[XB_SIG_HEX];
            assert_int_equal(xb_sign(priv, cp.data, cp.len, sig), XB_OK);
            assert_int_equal(xb_filing_cmd_checkpoint(&cmd, NULL, ch->name, ch->seq, ch->head,
                                                      cp.data, cp.len, sig, key_id),
                             XB_OK);
            assert_int_equal(file_result(s, &cmd).outcome, XB_FILED_OK);
            assert_int_equal(file_result(s, &cmd).outcome, XB_FILED_DUP);
        }
    }

    rp_verifier *v = rp_verifier_new(&pub, 1);
    assert_non_null(v);
    redisReply *r = redisCommand(s->c, "XRANGE xborder:checkpoints - +");
    assert_int_equal(r->elements, 2);
    for (size_t i = 0; i < r->elements; i++) {
        const redisReply *f = r->element[i]->element[1];
        rp_checkpoint c = {r->element[i]->element[0]->str, field(f, "chain"), field(f, "seq"),
                           field(f, "hash"), field(f, "cp"), field(f, "sig"),
                           field(f, "key_id")};
        assert_int_equal(rp_verifier_checkpoint(v, &c), XB_OK);
    }
    freeReplyObject(r);
    r = redisCommand(s->c, "HGETALL xborder:heads");
    assert_int_equal(r->elements, 4);
    for (size_t i = 0; i + 1 < r->elements; i += 2)
        assert_int_equal(rp_verifier_head(v, r->element[i]->str, r->element[i + 1]->str),
                         XB_OK);
    freeReplyObject(r);
    r = redisCommand(s->c, "XRANGE xborder:records - +");
    assert_int_equal(r->elements, 12);
    for (size_t i = 0; i < r->elements; i++) {
        const redisReply *f = r->element[i]->element[1];
        const char *rec = field(f, "rec");
        rp_entry e = {r->element[i]->element[0]->str, field(f, "chain"), field(f, "seq"),
                      field(f, "hash"), rec, strlen(rec)};
        assert_int_equal(rp_verifier_record(v, &e), XB_OK);
    }
    freeReplyObject(r);
    assert_int_equal(rp_verifier_finish(v, true), XB_OK);
    for (size_t i = 0; i < rp_verifier_problem_count(v); i++)
        print_error("%s\n", rp_verifier_problem_at(v, i)->message);
    assert_int_equal(rp_verifier_problem_count(v), 0);
    const rp_verify_stats *st = rp_verifier_stats(v);
    assert_int_equal(st->records, 12);
    assert_int_equal(st->chains, 2);
    assert_int_equal(st->checkpoints_valid, 2);
    assert_int_equal(st->checkpoints_matched, 2);
    rp_verifier_free(v);
    xb_buf_free(&cp);
    xb_filing_cmd_free(&cmd);
    xb_buf_free(&a.rec);
    xb_buf_free(&b.rec);
    xb_key_free(priv);
    xb_key_free(pub);
    const char *files[] = {"signing.key", "signing.pub", "watermark.key", "counting.key"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_script_sha1_is_redis_name, clean),
        cmocka_unit_test_setup(test_noscript_then_eval, clean),
        cmocka_unit_test_setup(test_append_ok_dup_gap, clean),
        cmocka_unit_test_setup(test_double_append_is_idempotent, clean),
        cmocka_unit_test_setup(test_subject_sets, clean),
        cmocka_unit_test_setup(test_count_flags_and_totals, clean),
        cmocka_unit_test_setup(test_checkpoint_ok_dup, clean),
        cmocka_unit_test_setup(test_bad_arguments_write_nothing, clean),
        cmocka_unit_test_setup(test_builder_validation, clean),
        cmocka_unit_test_setup(test_filed_chain_passes_verifier, clean),
    };
    return cmocka_run_group_tests(tests, start_server, stop_server);
}
