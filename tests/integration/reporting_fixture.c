/*
 * reporting_fixture.c - test-only writer of filing records for
 * tests/integration/test_reporting.py. It is compiled by that test with cc
 * against build/libxborder.a; it is not part of xborder.
 *
 * It files transfers into a real Redis exactly as docs/redis-layout.md
 * describes, with the real canonical encoder (xb_record_encode), the real
 * SHA-256 chain and real Ed25519 checkpoints (xb_sign): the records stream,
 * the heads, the transfer index, the checkpoints and the per-exporter
 * subject sets. Until the gateway files records itself (issue 5), this is
 * how the reporting tests get data; only this fixture changes then.
 *
 * Input on stdin, one command per line, fields separated by tabs:
 *   transfer  key=value ...    file one transfer (keys below)
 *   checkpoint CHAIN TS_MS     sign and file a checkpoint of CHAIN's head
 * Transfer keys: chain node ts tid exporter uscc name ftz ciio recipient
 * recipient_name country dest host uri direction bytes records cats
 * (cat:level:count,...) general sensitive (person ids, comma-separated)
 * route rule outcome enforced mode mech_type mech_ref exempt scenario
 * reasons (entry|category|path|article|mechanism;...) watermark.
 * Stream ids carry the time of the transfer's end (the gateway files right
 * then), so commands must come in time order.
 * Output: for each transfer "<tid> <chain> <seq> <stream id>", for each
 * checkpoint "checkpoint <chain> <seq> <stream id>".
 *
 * usage: reporting_fixture HOST PORT PREFIX SIGNING_KEY < commands
 */
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "classifier/record/xb_record.h"
#include "classifier/record/xb_sign.h"

#define MAX_CHAINS 16
#define MAX_ITEMS 16

typedef struct head {
    char chain[64];
    uint64_t seq;
    char hash[XB_HASH_HEX];
} head;

static head heads[MAX_CHAINS];
static size_t n_heads;

static head *get_head(const char *chain)
{
    for (size_t i = 0; i < n_heads; i++)
        if (!strcmp(heads[i].chain, chain))
            return &heads[i];
    if (n_heads == MAX_CHAINS) {
        fprintf(stderr, "too many chains\n");
        exit(2);
    }
    head *h = &heads[n_heads++];
    snprintf(h->chain, sizeof(h->chain), "%s", chain);
    memcpy(h->hash, xb_record_genesis, XB_HASH_HEX);
    return h;
}

static const char *get(char **keys, char **vals, size_t n, const char *key, const char *def)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(keys[i], key))
            return vals[i];
    return def;
}

static redisReply *cmd(redisContext *c, int argc, const char **argv)
{
    size_t lens[16];
    for (int i = 0; i < argc; i++)
        lens[i] = strlen(argv[i]);
    redisReply *r = redisCommandArgv(c, argc, argv, lens);
    if (!r || r->type == REDIS_REPLY_ERROR) {
        fprintf(stderr, "redis %s: %s\n", argv[0], r ? r->str : c->errstr);
        exit(2);
    }
    return r;
}

static void run(redisContext *c, int argc, const char **argv)
{
    freeReplyObject(cmd(c, argc, argv));
}

/* Add people to a subject set; returns the set size after. */
static uint64_t count_people(redisContext *c, const char *key, const char *list)
{
    char buf[1024];
    snprintf(buf, sizeof(buf), "%s", list);
    for (char *save = NULL, *id = strtok_r(buf, ",", &save); id; id = strtok_r(NULL, ",", &save)) {
        char member[XB_HASH_HEX], salted[256];
        snprintf(salted, sizeof(salted), "fixture-counting-key|%s", id);
        xb_sha256_hex(salted, strlen(salted), member);
        const char *argv[] = {"SADD", key, member};
        run(c, 3, argv);
    }
    const char *argv[] = {"SCARD", key};
    redisReply *r = cmd(c, 2, argv);
    uint64_t n = (uint64_t)r->integer;
    freeReplyObject(r);
    return n;
}

static size_t count_list(const char *list)
{
    size_t n = 0;
    for (const char *p = list; *p; p++)
        if (*p != ',' && (p == list || p[-1] == ','))
            n++;
    return n;
}

static void transfer(redisContext *c, const char *prefix, char **keys, char **vals, size_t nkv)
{
    static unsigned counter;
    xb_transfer_record r;
    memset(&r, 0, sizeof(r));
    const char *chain = get(keys, vals, nkv, "chain", "gw1/0");
    head *h = get_head(chain);
    char tid[17];
    snprintf(tid, sizeof(tid), "%s", get(keys, vals, nkv, "tid", ""));
    if (!tid[0])
        snprintf(tid, sizeof(tid), "%08x%08x", (unsigned)time(NULL), ++counter);
    r.transfer_id = tid;
    r.node = get(keys, vals, nkv, "node", "gw1");
    r.chain = chain;
    r.seq = h->seq + 1;
    memcpy(r.prev_hash, h->hash, XB_HASH_HEX);
    r.ts_start_ms = strtoll(get(keys, vals, nkv, "ts", "1790000000000"), NULL, 10);
    r.ts_end_ms = r.ts_start_ms + 7;
    r.exporter_id = get(keys, vals, nkv, "exporter", "acme");
    r.exporter_uscc = get(keys, vals, nkv, "uscc", "91310000MA1FL8XQ3A");
    r.exporter_name = get(keys, vals, nkv, "name", "");
    r.exporter_ftz = get(keys, vals, nkv, "ftz", "");
    r.exporter_ciio = !strcmp(get(keys, vals, nkv, "ciio", "0"), "1");
    r.recipient_id = get(keys, vals, nkv, "recipient", "");
    r.recipient_name = get(keys, vals, nkv, "recipient_name", "");
    r.recipient_country = get(keys, vals, nkv, "country", "");
    r.dest_country = get(keys, vals, nkv, "dest", r.recipient_country);
    r.dest_host = get(keys, vals, nkv, "host", "api.example.com");
    r.dest_uri = get(keys, vals, nkv, "uri", "/v1/upload");
    r.method = "POST";
    r.direction = get(keys, vals, nkv, "direction", "push");
    r.scenario = get(keys, vals, nkv, "scenario", "");
    r.content_type = "application/json";
    r.bytes_original = strtoull(get(keys, vals, nkv, "bytes", "100"), NULL, 10);
    r.bytes_sent = r.bytes_original;
    r.records = strtoull(get(keys, vals, nkv, "records", "1"), NULL, 10);
    xb_sha256_hex(tid, strlen(tid), r.sha256_original);
    memcpy(r.sha256_sent, r.sha256_original, XB_HASH_HEX);
    r.inspection = "inspected";

    xb_record_category cats[MAX_ITEMS];
    char catbuf[1024];
    size_t ncat = 0;
    snprintf(catbuf, sizeof(catbuf), "%s", get(keys, vals, nkv, "cats", ""));
    for (char *save = NULL, *it = strtok_r(catbuf, ",", &save); it && ncat < MAX_ITEMS;
         it = strtok_r(NULL, ",", &save)) {
        char *l = strchr(it, ':');
        char *n = l ? strchr(l + 1, ':') : NULL;
        if (!n)
            continue;
        *l = *n = '\0';
        static const char *no_paths[1];
        cats[ncat] = (xb_record_category){it, l + 1, strtoull(n + 1, NULL, 10), no_paths, 0};
        ncat++;
    }
    r.categories = cats;
    r.n_categories = ncat;

    xb_record_reason reasons[MAX_ITEMS];
    char rbuf[2048];
    size_t nreason = 0;
    snprintf(rbuf, sizeof(rbuf), "%s", get(keys, vals, nkv, "reasons", ""));
    for (char *save = NULL, *it = strtok_r(rbuf, ";", &save); it && nreason < MAX_ITEMS;
         it = strtok_r(NULL, ";", &save)) {
        char *f[5] = {it, "", "", "", ""};
        for (int k = 1; k < 5; k++) {
            char *bar = strchr(f[k - 1], '|');
            if (!bar)
                break;
            *bar = '\0';
            f[k] = bar + 1;
        }
        reasons[nreason++] = (xb_record_reason){f[0], f[1], f[2], f[3], f[4]};
    }
    r.reasons = reasons;
    r.n_reasons = nreason;

    const char *general = get(keys, vals, nkv, "general", "");
    const char *sensitive = get(keys, vals, nkv, "sensitive", "");
    r.subjects_general = count_list(general);
    r.subjects_sensitive = count_list(sensitive);
    char day[32];
    xb_format_time_cst(r.ts_start_ms, day);
    r.year = atoi(day);
    r.route = get(keys, vals, nkv, "route", "exempt");
    r.rule = get(keys, vals, nkv, "rule", "R10");
    r.outcome = get(keys, vals, nkv, "outcome", "allow");
    r.enforced = get(keys, vals, nkv, "enforced", r.outcome);
    r.mode = get(keys, vals, nkv, "mode", "enforce");
    r.exempt_article = get(keys, vals, nkv, "exempt", "");
    r.mechanism_type = get(keys, vals, nkv, "mech_type", "");
    r.mechanism_ref = get(keys, vals, nkv, "mech_ref", "");
    r.watermark_id = get(keys, vals, nkv, "watermark", "");
    r.watermark_key_id = r.watermark_id[0] ? "fixturewmkey0001" : "";
    r.catalog_version = "national-pi@2026.1";
    r.policy_version = "fixture@1";
    r.engine_version = "xborder-test";

    /* Counters are only updated for data that left. */
    char key[256];
    bool left = strcmp(r.enforced, "block") != 0;
    snprintf(key, sizeof(key), "%ssubjects:%s:%d:general", prefix, r.exporter_uscc, r.year);
    r.ytd_general = left ? count_people(c, key, general) : count_people(c, key, "");
    snprintf(key, sizeof(key), "%ssubjects:%s:%d:sensitive", prefix, r.exporter_uscc, r.year);
    r.ytd_sensitive = left ? count_people(c, key, sensitive) : count_people(c, key, "");

    xb_buf b = XB_BUF_INIT;
    if (xb_record_encode(&r, &b) != XB_OK) {
        fprintf(stderr, "encode failed\n");
        exit(2);
    }
    const char *rec = xb_buf_cstr(&b);
    char hash[XB_HASH_HEX], seq[24], headval[100];
    xb_sha256_hex(rec, b.len, hash);
    snprintf(seq, sizeof(seq), "%llu", (unsigned long long)r.seq);
    snprintf(headval, sizeof(headval), "%s %s", seq, hash);

    char records[256], heads_key[256], transfers[256];
    snprintf(records, sizeof(records), "%srecords", prefix);
    snprintf(heads_key, sizeof(heads_key), "%sheads", prefix);
    snprintf(transfers, sizeof(transfers), "%stransfers", prefix);
    const char *multi[] = {"MULTI"};
    run(c, 1, multi);
    /* Filed right after the transfer: the stream id carries its time. */
    char id_at[32];
    snprintf(id_at, sizeof(id_at), "%lld-*", (long long)r.ts_end_ms);
    const char *xadd[] = {"XADD", records, id_at, "chain", chain, "seq", seq, "hash", hash,
                          "rec", rec};
    run(c, 11, xadd);
    const char *hset[] = {"HSET", heads_key, chain, headval};
    run(c, 4, hset);
    const char *exec[] = {"EXEC"};
    redisReply *rep = cmd(c, 1, exec);
    const char *id = rep->element[0]->str;
    const char *index[] = {"HSET", transfers, tid, id};
    run(c, 4, index);
    printf("%s %s %s %s\n", tid, chain, seq, id);
    freeReplyObject(rep);
    xb_buf_free(&b);
    h->seq = r.seq;
    memcpy(h->hash, hash, XB_HASH_HEX);
}

static void checkpoint(redisContext *c, const char *prefix, xb_key *key, const char *chain,
                       int64_t ts)
{
    head *h = get_head(chain);
    char key_id[17], sig[XB_SIG_HEX], seq[24];
    xb_key_id(key, key_id);
    xb_buf b = XB_BUF_INIT;
    const char *node = "gw1";
    xb_checkpoint_encode(node, chain, h->seq, h->hash, ts, key_id, &b);
    const char *text = xb_buf_cstr(&b);
    if (xb_sign(key, text, b.len, sig) != XB_OK) {
        fprintf(stderr, "sign failed\n");
        exit(2);
    }
    snprintf(seq, sizeof(seq), "%llu", (unsigned long long)h->seq);
    char stream[256];
    snprintf(stream, sizeof(stream), "%scheckpoints", prefix);
    char id_at[32];
    snprintf(id_at, sizeof(id_at), "%lld-*", (long long)ts);
    const char *xadd[] = {"XADD", stream, id_at, "chain", chain, "seq", seq, "hash", h->hash,
                          "cp", text, "sig", sig, "key_id", key_id};
    redisReply *rep = cmd(c, 15, xadd);
    printf("checkpoint %s %s %s\n", chain, seq, rep->str);
    freeReplyObject(rep);
    xb_buf_free(&b);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s HOST PORT PREFIX SIGNING_KEY < commands\n", argv[0]);
        return 2;
    }
    char err[256];
    xb_key *key = xb_key_load_private(argv[4], err, sizeof(err));
    if (!key) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    redisContext *c = redisConnect(argv[1], atoi(argv[2]));
    if (!c || c->err) {
        fprintf(stderr, "cannot connect to redis\n");
        return 2;
    }
    /* Continue chains already in Redis. */
    char heads_key[256];
    snprintf(heads_key, sizeof(heads_key), "%sheads", argv[3]);
    const char *hg[] = {"HGETALL", heads_key};
    redisReply *hr = cmd(c, 2, hg);
    for (size_t i = 0; i + 1 < hr->elements; i += 2) {
        head *h = get_head(hr->element[i]->str);
        h->seq = strtoull(hr->element[i + 1]->str, NULL, 10);
        const char *sp = strchr(hr->element[i + 1]->str, ' ');
        if (sp)
            snprintf(h->hash, sizeof(h->hash), "%s", sp + 1);
    }
    freeReplyObject(hr);

    char line[8192];
    while (fgets(line, sizeof(line), stdin)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *fields[64];
        size_t nf = 0;
        for (char *save = NULL, *t = strtok_r(line, "\t", &save); t && nf < 64;
             t = strtok_r(NULL, "\t", &save))
            fields[nf++] = t;
        if (nf == 0)
            continue;
        if (!strcmp(fields[0], "checkpoint") && nf == 3) {
            checkpoint(c, argv[3], key, fields[1], strtoll(fields[2], NULL, 10));
        } else if (!strcmp(fields[0], "transfer")) {
            char *keys[64], *vals[64];
            size_t n = 0;
            for (size_t i = 1; i < nf; i++) {
                char *eq = strchr(fields[i], '=');
                if (!eq)
                    continue;
                *eq = '\0';
                keys[n] = fields[i];
                vals[n++] = eq + 1;
            }
            transfer(c, argv[3], keys, vals, n);
        } else {
            fprintf(stderr, "bad command: %s\n", fields[0]);
            return 2;
        }
        fflush(stdout);
    }
    redisFree(c);
    xb_key_free(key);
    return 0;
}
