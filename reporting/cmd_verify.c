/*
 * cmd_verify.c - `xborder verify`: prove that the filed records are
 * complete and unaltered, from a live Redis or from an exported file.
 *
 * Redis is read from a consistent snapshot (rp_source_snapshot): the heads
 * and the last entry ids are taken in one MULTI/EXEC, and the streams are
 * read only up to those ids, so records the gateway files during the run
 * neither count as inserted nor make the heads look ahead. With --from/--to
 * the records filed in that window are verified, each chain from the last
 * valid checkpoint before the window (rp_window.h).
 *
 * Exit status: 0 everything holds, 1 problems were found, 2 the
 * verification could not run (usage, unreadable key or source).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/xb_cli.h"
#include "reporting/rp_jsonw.h"
#include "reporting/rp_source.h"
#include "reporting/rp_time.h"
#include "reporting/rp_verify.h"
#include "reporting/rp_window.h"

#define MAX_KEYS 8

static void usage(FILE *f)
{
    fprintf(f,
            "usage: xborder verify --redis URL [--prefix P] --pubkey FILE [--from DATE] [--to DATE]\n"
            "       xborder verify --file EXPORT.json --pubkey FILE\n"
            "                      [--format text|json]\n\n"
            "Recompute every record's hash from its exact filed text, check every\n"
            "prev_hash link, the sequence numbers of every chain, the heads and every\n"
            "checkpoint's Ed25519 signature, and name each altered, missing, inserted,\n"
            "reordered or forged record.\n\n"
            "  --redis URL      redis://[user:password@]host[:port][/db] or unix:///path\n"
            "  --file FILE      an export (`xborder report --format json`) or a raw dump\n"
            "  --prefix P       key prefix (default xborder:)\n"
            "  --pubkey FILE    the gateway's signing.pub (repeatable after a key rotation)\n"
            "  --from/--to DATE verify the records filed on these days (YYYY-MM-DD, China\n"
            "                   time), each chain from the last checkpoint before them\n"
            "  --format F       text (default) or json\n\n"
            "exit status: 0 everything holds, 1 problems found, 2 could not verify\n");
}

typedef struct verify_opts {
    const char *redis, *file, *prefix, *format;
    const char *pubkeys[MAX_KEYS];
    size_t n_pubkeys;
    bool has_from, has_to;
    int64_t from_day, to_day;
} verify_opts;

static int parse_args(int argc, char **argv, verify_opts *o)
{
    static const struct option longopts[] = {
        {"redis", required_argument, NULL, 'r'}, {"file", required_argument, NULL, 'f'},
        {"prefix", required_argument, NULL, 'p'}, {"pubkey", required_argument, NULL, 'k'},
        {"from", required_argument, NULL, 'F'},  {"to", required_argument, NULL, 'T'},
        {"format", required_argument, NULL, 'o'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof(*o));
    o->format = "text";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'r': o->redis = optarg; break;
        case 'f': o->file = optarg; break;
        case 'p': o->prefix = optarg; break;
        case 'o': o->format = optarg; break;
        case 'k':
            if (o->n_pubkeys == MAX_KEYS) {
                fprintf(stderr, "xborder verify: at most %d --pubkey\n", MAX_KEYS);
                return 2;
            }
            o->pubkeys[o->n_pubkeys++] = optarg;
            break;
        case 'F':
        case 'T': {
            int64_t day;
            if (!xb_date_parse(optarg, &day)) {
                fprintf(stderr, "xborder verify: '%s' is not a date (YYYY-MM-DD)\n", optarg);
                return 2;
            }
            if (c == 'F') {
                o->has_from = true;
                o->from_day = day;
            } else {
                o->has_to = true;
                o->to_day = day;
            }
            break;
        }
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc || (!o->redis == !o->file) || !o->n_pubkeys) {
        usage(stderr);
        return 2;
    }
    if (strcmp(o->format, "text") && strcmp(o->format, "json")) {
        fprintf(stderr, "xborder verify: --format is text or json\n");
        return 2;
    }
    if (o->file && (o->has_from || o->has_to)) {
        fprintf(stderr, "xborder verify: a file is verified as a whole; --from/--to apply to "
                        "--redis (export a window with `xborder report --from/--to`)\n");
        return 2;
    }
    return -1;
}

/* Visitor glue: everything goes to the verifier. */
static int on_checkpoint(void *ctx, const rp_checkpoint *c)
{
    return rp_verifier_checkpoint(ctx, c) == XB_OK ? 0 : -1;
}

static int on_head(void *ctx, const char *chain, const char *value)
{
    return rp_verifier_head(ctx, chain, value) == XB_OK ? 0 : -1;
}

static int on_record(void *ctx, const rp_entry *e)
{
    return rp_verifier_record(ctx, e) == XB_OK ? 0 : -1;
}

static uint64_t valid_before(void *ctx, const char *chain, uint64_t below)
{
    return rp_verifier_checkpoint_before(ctx, chain, below);
}

static uint64_t valid_from(void *ctx, const char *chain, uint64_t at_least)
{
    return rp_verifier_checkpoint_from(ctx, chain, at_least);
}

static void print_text(const verify_opts *o, const rp_source *src, const rp_verifier *v,
                       bool heads)
{
    const rp_verify_stats *st = rp_verifier_stats(v);
    printf("xborder verify: %s\n", rp_source_name(src));
    if (o->has_from || o->has_to) {
        char a[11] = "start", b[11] = "now";
        if (o->has_from)
            xb_date_format(o->from_day, a);
        if (o->has_to)
            xb_date_format(o->to_day, b);
        printf("window: records filed %s .. %s (China time), each chain from its last "
               "checkpoint before the window\n", a, b);
    }
    size_t n = rp_verifier_problem_count(v);
    for (size_t i = 0; i < n; i++)
        printf("%s\n", rp_verifier_problem_at(v, i)->message);
    for (size_t i = 0; i < rp_verifier_note_count(v); i++)
        printf("note: %s\n", rp_verifier_note_at(v, i));
    if (n)
        printf("FAILED: %zu problem%s in %zu records of %zu chains (%zu checkpoints, %zu with a "
               "valid signature)\n",
               n, n == 1 ? "" : "s", st->records, st->chains, st->checkpoints,
               st->checkpoints_valid);
    else
        printf("OK: %zu records in %zu chains verified; %zu checkpoints with valid signatures, "
               "%zu matched on their records; %s\n",
               st->records, st->chains, st->checkpoints_valid, st->checkpoints_matched,
               heads ? "heads match" : "no heads to compare");
}

static void print_json(const rp_source *src, const rp_verifier *v, bool heads)
{
    const rp_verify_stats *st = rp_verifier_stats(v);
    xb_buf b = XB_BUF_INIT;
    size_t n = rp_verifier_problem_count(v);
    xb_buf_printf(&b, "{\"ok\":%s", n ? "false" : "true");
    rp_jw_kv(&b, true, "source", rp_source_name(src));
    xb_buf_printf(&b, ",\"heads_checked\":%s", heads ? "true" : "false");
    xb_buf_append_str(&b, ",\"stats\":{");
    rp_jw_ku(&b, false, "records", st->records);
    rp_jw_ku(&b, true, "records_outside_window", st->records_skipped);
    rp_jw_ku(&b, true, "chains", st->chains);
    rp_jw_ku(&b, true, "checkpoints", st->checkpoints);
    rp_jw_ku(&b, true, "checkpoints_valid", st->checkpoints_valid);
    rp_jw_ku(&b, true, "checkpoints_matched", st->checkpoints_matched);
    xb_buf_append_str(&b, "},\"problems\":[");
    for (size_t i = 0; i < n; i++) {
        const rp_problem *p = rp_verifier_problem_at(v, i);
        xb_buf_append_str(&b, i ? ",{" : "{");
        rp_jw_kv(&b, false, "kind", rp_problem_kind_name(p->kind));
        rp_jw_kv(&b, true, "chain", p->chain);
        rp_jw_ku(&b, true, "seq", p->seq);
        rp_jw_kv(&b, true, "message", p->message);
        xb_buf_append_char(&b, '}');
    }
    xb_buf_append_str(&b, "],\"notes\":[");
    for (size_t i = 0; i < rp_verifier_note_count(v); i++) {
        if (i)
            xb_buf_append_char(&b, ',');
        rp_jw_str(&b, rp_verifier_note_at(v, i));
    }
    xb_buf_append_str(&b, "]}\n");
    rp_jw_flush(&b, stdout);
    xb_buf_free(&b);
}

/* Read everything into the verifier; returns heads_complete or -1. */
static int run(const verify_opts *o, rp_source *src, rp_verifier *v, char *err, size_t n)
{
    char last_rec[48], last_cp[48];
    rp_visitor heads = {v, NULL, NULL, on_head};
    int hrc = rp_source_snapshot(src, &heads, last_rec, last_cp, sizeof(last_rec), err, n);
    if (hrc < 0)
        return -1;
    bool redis = rp_source_redis(src) != NULL;
    rp_visitor all = {v, on_record, on_checkpoint, NULL};
    if ((!redis || last_cp[0]) && rp_source_checkpoints(src, last_cp, &all, err, n) < 0)
        return -1;
    if (!redis) {
        rp_verifier_anchored_starts(v, true);
        if (rp_source_records(src, NULL, NULL, &all, err, n) < 0)
            return -1;
        return hrc == 0;
    }
    if (!last_rec[0])
        return 1; /* no records at all */
    if (!o->has_from && !o->has_to)
        return rp_source_records(src, NULL, last_rec, &all, err, n) < 0 ? -1 : 1;

    char from_id[48], to_id[48];
    rp_window_ids(o->has_from ? rp_cst_day_start_ms(o->from_day) : 0,
                  o->has_to ? rp_cst_day_start_ms(o->to_day + 1) - 1 : INT64_MAX / 2, from_id,
                  to_id);
    rp_cp_lookup lookup = {v, valid_before, valid_from};
    rp_window_plan plan;
    if (rp_window_plan_make(src, from_id, to_id, last_rec, &lookup, &plan, err, n) < 0)
        return -1;
    rp_verifier_scoped_only(v, true);
    for (size_t i = 0; i < plan.n_chains; i++)
        rp_verifier_scope(v, plan.chains[i].chain, plan.chains[i].from, plan.chains[i].to);
    int rc = 1;
    if (plan.n_chains && rp_source_records(src, plan.start_id, last_rec, &all, err, n) < 0)
        rc = -1;
    rp_window_plan_free(&plan);
    return rc;
}

int xb_cmd_verify(int argc, char **argv)
{
    verify_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc >= 0)
        return rc;
    char err[1024] = "";
    xb_key *keys[MAX_KEYS];
    size_t n_keys = 0;
    for (size_t i = 0; i < o.n_pubkeys; i++) {
        keys[n_keys] = xb_key_load_public(o.pubkeys[i], err, sizeof(err));
        if (!keys[n_keys]) {
            fprintf(stderr, "xborder verify: %s\n", err);
            rc = 2;
            goto out;
        }
        n_keys++;
    }
    rp_source *src = rp_source_open(o.redis, o.file, o.prefix, err, sizeof(err));
    if (!src) {
        fprintf(stderr, "xborder verify: %s\n", err);
        rc = 2;
        goto out;
    }
    rp_verifier *v = rp_verifier_new(keys, n_keys);
    int heads = v ? run(&o, src, v, err, sizeof(err)) : -1;
    if (heads < 0 || rp_verifier_finish(v, heads > 0) != XB_OK) {
        fprintf(stderr, "xborder verify: %s\n", err[0] ? err : "out of memory");
        rc = 2;
    } else {
        if (!strcmp(o.format, "json"))
            print_json(src, v, heads > 0);
        else
            print_text(&o, src, v, heads > 0);
        rc = rp_verifier_problem_count(v) ? 1 : 0;
    }
    rp_verifier_free(v);
    rp_source_free(src);
out:
    for (size_t i = 0; i < n_keys; i++)
        xb_key_free(keys[i]);
    return rc;
}
