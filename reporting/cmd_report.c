/*
 * cmd_report.c - `xborder report`: the compliance report of the filed
 * transfers, per exporter, as HTML, CSV or JSON; `--due` lists the FTZ
 * post-export reports still to be made.
 *
 * Flow: one consistent snapshot of Redis (heads and last entry ids, see
 * rp_source_snapshot), the checkpoints, then the records from the first one
 * needed up to the snapshot, each parsed (rp_record) and added to the model
 * (rp_report); then the year-to-date counters of every reported exporter
 * from the gateway's subject sets and baselines; then rendering.
 *
 * The period (--from/--to) selects transfers by their start time in China
 * time. Records are read from one hour before the period start in filing
 * order (stream ids), because a record is filed after its transfer starts
 * (one hour covers clock skew between gateways and Redis); reading goes on
 * to the end of the stream, because a record replayed from a gateway's
 * spool may be filed long after its transfer.
 *
 * The JSON format also embeds the stream entries and checkpoints exactly as
 * filed, from each chain's last checkpoint before the period to the end
 * (rp_window.h), and the heads, so that `xborder verify --file` can check
 * the export offline.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/xb_cli.h"
#include "reporting/rp_jsonw.h"
#include "reporting/rp_render.h"
#include "reporting/rp_report.h"
#include "reporting/rp_source.h"
#include "reporting/rp_time.h"
#include "reporting/rp_window.h"

#define SKEW_MS ((int64_t)3600 * 1000)
#define DUE_LOOKBACK_DAYS 45

static void usage(FILE *f)
{
    fprintf(f,
            "usage: xborder report --redis URL [--prefix P] [--exporter ID] [--from DATE] [--to DATE]\n"
            "                      --format html|csv|json [-o FILE] [--policy FILE]\n"
            "                      [--holidays FILE] [--as-of DATE]\n"
            "       xborder report --redis URL --due [--format text|html|csv|json] ...\n"
            "       xborder report --file EXPORT.json ...   (the same from an export)\n\n"
            "Summarise the filed transfers per exporter: by outcome, destination country,\n"
            "recipient and data category; individuals this year against the legal\n"
            "thresholds and the route now required; mechanisms relied on and their\n"
            "validity; blocked attempts and why; FTZ post-export reports and deadlines.\n\n"
            "  --redis URL       redis://[user:password@]host[:port][/db] or unix:///path\n"
            "  --file FILE       an export of `xborder report --format json` or a raw dump\n"
            "  --prefix P        key prefix (default xborder:)\n"
            "  --exporter ID     only this exporter (its id or USCC)\n"
            "  --from/--to DATE  transfers started on these days (YYYY-MM-DD, China time)\n"
            "  --format F        html (self-contained page), csv (spreadsheet), json\n"
            "                    (for other systems; embeds the filed entries for\n"
            "                    `xborder verify --file`)\n"
            "  -o FILE           write to FILE instead of standard output\n"
            "  --due             only the FTZ post-export reports whose deadline has not\n"
            "                    passed (transfers of the last %d days unless --from)\n"
            "  --policy FILE     check mechanisms against the policy's mechanisms on file\n"
            "  --holidays FILE   public holidays (YYYY-MM-DD lines; 'YYYY-MM-DD workday'\n"
            "                    for weekend working days) for business-day deadlines\n"
            "  --as-of DATE      the day deadlines and validity are judged on (default today)\n",
            DUE_LOOKBACK_DAYS);
}

typedef struct report_opts {
    const char *redis, *file, *prefix, *exporter, *format, *output, *policy, *holidays;
    bool due, has_from, has_to, has_as_of;
    int64_t from_day, to_day, as_of_day;
} report_opts;

static bool parse_day(const char *s, int64_t *day)
{
    if (xb_date_parse(s, day))
        return true;
    fprintf(stderr, "xborder report: '%s' is not a date (YYYY-MM-DD)\n", s);
    return false;
}

static int parse_args(int argc, char **argv, report_opts *o)
{
    static const struct option longopts[] = {
        {"redis", required_argument, NULL, 'r'},    {"file", required_argument, NULL, 'f'},
        {"prefix", required_argument, NULL, 'p'},   {"exporter", required_argument, NULL, 'e'},
        {"from", required_argument, NULL, 'F'},     {"to", required_argument, NULL, 'T'},
        {"format", required_argument, NULL, 'm'},   {"output", required_argument, NULL, 'o'},
        {"due", no_argument, NULL, 'd'},            {"policy", required_argument, NULL, 'P'},
        {"holidays", required_argument, NULL, 'H'}, {"as-of", required_argument, NULL, 'A'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof(*o));
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'r': o->redis = optarg; break;
        case 'f': o->file = optarg; break;
        case 'p': o->prefix = optarg; break;
        case 'e': o->exporter = optarg; break;
        case 'm': o->format = optarg; break;
        case 'o': o->output = optarg; break;
        case 'd': o->due = true; break;
        case 'P': o->policy = optarg; break;
        case 'H': o->holidays = optarg; break;
        case 'F':
            if (!parse_day(optarg, &o->from_day))
                return 1;
            o->has_from = true;
            break;
        case 'T':
            if (!parse_day(optarg, &o->to_day))
                return 1;
            o->has_to = true;
            break;
        case 'A':
            if (!parse_day(optarg, &o->as_of_day))
                return 1;
            o->has_as_of = true;
            break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 1;
        }
    }
    if (optind != argc || !o->redis == !o->file) {
        usage(stderr);
        return 1;
    }
    if (!o->format)
        o->format = o->due ? "text" : NULL;
    if (!o->format || (strcmp(o->format, "html") && strcmp(o->format, "csv") &&
                       strcmp(o->format, "json") && !(o->due && !strcmp(o->format, "text")))) {
        fprintf(stderr, "xborder report: --format html, csv or json is required%s\n",
                o->due ? " (or text with --due)" : "");
        return 1;
    }
    if (o->has_from && o->has_to && o->to_day < o->from_day) {
        fprintf(stderr, "xborder report: --to is before --from\n");
        return 1;
    }
    if (!o->has_as_of)
        o->as_of_day = rp_cst_day(rp_now_ms());
    if (o->due && !o->has_from) {
        o->has_from = true;
        o->from_day = o->as_of_day - DUE_LOOKBACK_DAYS;
    }
    return -1;
}

/* ---- reading ---------------------------------------------------------- */

typedef struct head_item {
    char *chain, *value;
} head_item;

typedef struct reader {
    rp_report *report;
    rp_record_parser *parser;
    FILE *raw;                 /* JSON export fragment, or NULL */
    const rp_window_plan *plan;/* NULL: everything */
    bool first_raw;
    uint64_t unparsable;
    head_item *heads;
    size_t n_heads;
    xb_buf line;
    int failed;
} reader;

static bool in_plan(const reader *rd, const char *chain, const char *seq_text)
{
    if (!rd->plan)
        return true;
    const rp_window_chain *w = rp_window_find(rd->plan, chain);
    uint64_t seq;
    return w && (!rp_parse_seq(seq_text, &seq) || seq >= w->from);
}

/* Chains an export of the period includes. */
static bool chain_in_plan(const reader *rd, const char *chain)
{
    return !rd->plan || rp_window_find(rd->plan, chain) != NULL;
}

static int keep_head(void *ctx, const char *chain, const char *value)
{
    reader *rd = ctx;
    head_item *p = realloc(rd->heads, (rd->n_heads + 1) * sizeof(*p));
    if (!p)
        return -1;
    rd->heads = p;
    p[rd->n_heads].chain = strdup(chain);
    p[rd->n_heads].value = strdup(value);
    if (!p[rd->n_heads].chain || !p[rd->n_heads].value)
        return -1;
    rd->n_heads++;
    return 0;
}

static int raw_checkpoint(void *ctx, const rp_checkpoint *c)
{
    reader *rd = ctx;
    if (!chain_in_plan(rd, c->chain))
        return 0;
    xb_buf *b = &rd->line;
    xb_buf_reset(b);
    xb_buf_append_str(b, rd->first_raw ? "\n{" : ",\n{");
    rd->first_raw = false;
    rp_jw_kv(b, false, "id", c->id);
    rp_jw_kv(b, true, "chain", c->chain);
    rp_jw_kv(b, true, "seq", c->seq);
    rp_jw_kv(b, true, "hash", c->hash);
    rp_jw_kv(b, true, "cp", c->cp);
    rp_jw_kv(b, true, "sig", c->sig);
    rp_jw_kv(b, true, "key_id", c->key_id);
    xb_buf_append_char(b, '}');
    return rp_jw_flush(b, rd->raw) ? 0 : -1;
}

static int on_record(void *ctx, const rp_entry *e)
{
    reader *rd = ctx;
    if (rd->raw && in_plan(rd, e->chain, e->seq)) {
        xb_buf *b = &rd->line;
        xb_buf_reset(b);
        xb_buf_append_str(b, rd->first_raw ? "\n{" : ",\n{");
        rd->first_raw = false;
        rp_jw_kv(b, false, "id", e->id);
        rp_jw_kv(b, true, "chain", e->chain);
        rp_jw_kv(b, true, "seq", e->seq);
        rp_jw_kv(b, true, "hash", e->hash);
        xb_buf_append_str(b, ",\"rec\":\"");
        xb_buf_append_json_escaped(b, e->rec, e->rec_len);
        xb_buf_append_str(b, "\"}");
        if (!rp_jw_flush(b, rd->raw))
            return -1;
    }
    rp_record r;
    char err[256];
    if (rp_record_parse(rd->parser, e->rec, e->rec_len, &r, err, sizeof(err)) != XB_OK) {
        rd->unparsable++;
        return 0;
    }
    return rp_report_add(rd->report, &r) == XB_OK ? 0 : -1;
}

/* Year-to-date counts from the subject sets and baselines in Redis. */
static int read_counters(rp_source *src, rp_report *rep, char *err, size_t n)
{
    rp_redis *redis = rp_source_redis(src);
    for (size_t i = 0; i < rep->n_exporters; i++) {
        rp_exporter_report *e = rep->exporters[i];
        if (!e->uscc[0])
            continue;
        char gk[256], sk[256], bk[256], name[200];
        snprintf(name, sizeof(name), "subjects:%s:%d:general", e->uscc, rep->year);
        rp_source_key(src, name, gk, sizeof(gk));
        snprintf(name, sizeof(name), "subjects:%s:%d:sensitive", e->uscc, rep->year);
        rp_source_key(src, name, sk, sizeof(sk));
        snprintf(name, sizeof(name), "baseline:%s:%d", e->uscc, rep->year);
        rp_source_key(src, name, bk, sizeof(bk));
        uint64_t v[4] = {0, 0, 0, 0};
        const char *c1[] = {"SCARD", gk};
        const char *c2[] = {"SCARD", sk};
        const char *c3[] = {"HMGET", bk, "general", "sensitive"};
        redisReply *rp1 = rp_redis_command(redis, err, n, 2, c1);
        redisReply *rp2 = rp1 ? rp_redis_command(redis, err, n, 2, c2) : NULL;
        redisReply *rp3 = rp2 ? rp_redis_command(redis, err, n, 4, c3) : NULL;
        int rc = rp3 ? 0 : -1;
        if (rp3) {
            v[0] = rp1->type == REDIS_REPLY_INTEGER ? (uint64_t)rp1->integer : 0;
            v[1] = rp2->type == REDIS_REPLY_INTEGER ? (uint64_t)rp2->integer : 0;
            for (size_t k = 0; k < 2 && rp3->type == REDIS_REPLY_ARRAY && k < rp3->elements; k++)
                if (rp3->element[k]->type == REDIS_REPLY_STRING)
                    v[2 + k] = strtoull(rp3->element[k]->str, NULL, 10);
        }
        if (rp1)
            freeReplyObject(rp1);
        if (rp2)
            freeReplyObject(rp2);
        if (rp3)
            freeReplyObject(rp3);
        if (rc)
            return -1;
        rp_report_set_ytd(e, v[0], v[1], v[2], v[3],
                          "exactly from the gateway's counters (distinct individuals, keyed "
                          "hashes in Redis, plus imported baselines)");
    }
    return 0;
}

static int collect(const report_opts *o, rp_source *src, reader *rd, bool json, char *err,
                   size_t n)
{
    char last_rec[48], last_cp[48];
    rp_visitor hv = {rd, NULL, NULL, keep_head};
    if (rp_source_snapshot(src, &hv, last_rec, last_cp, sizeof(last_rec), err, n) < 0)
        return -1;
    bool redis = rp_source_redis(src) != NULL;
    if (redis && !last_rec[0])
        return 0; /* nothing filed yet */

    rp_window_plan plan;
    memset(&plan, 0, sizeof(plan));
    bool planned = false;
    const char *start = NULL;
    if (redis && o->has_from) {
        rp_cp_index *idx = rp_cp_index_new();
        rp_visitor iv = {idx, NULL, rp_cp_index_add, NULL};
        if (!idx || (last_cp[0] && rp_source_checkpoints(src, last_cp, &iv, err, n) < 0)) {
            rp_cp_index_free(idx);
            if (!idx)
                snprintf(err, n, "out of memory");
            return -1;
        }
        char from_id[48], to_id[48];
        rp_window_ids(rp_cst_day_start_ms(o->from_day) - SKEW_MS, INT64_MAX / 2, from_id,
                      to_id);
        rp_cp_lookup lookup = rp_cp_index_lookup(idx);
        int prc = rp_window_plan_make(src, from_id, to_id, last_rec, &lookup, &plan, err, n);
        rp_cp_index_free(idx);
        if (prc < 0)
            return -1;
        planned = true;
        rd->plan = &plan;
        start = plan.start_id;
        if (!plan.n_chains) {
            rp_window_plan_free(&plan);
            return 0; /* nothing filed since the period started */
        }
    }
    int rc = 0;
    if (json) {
        /* ,"heads":{...},"checkpoints":[...],"records":[...] */
        xb_buf *b = &rd->line;
        xb_buf_reset(b);
        xb_buf_append_str(b, ",\n\"heads\":{");
        bool first = true;
        for (size_t i = 0; i < rd->n_heads; i++) {
            if (!chain_in_plan(rd, rd->heads[i].chain))
                continue;
            if (!first)
                xb_buf_append_char(b, ',');
            first = false;
            rp_jw_key(b, rd->heads[i].chain);
            rp_jw_str(b, rd->heads[i].value);
        }
        xb_buf_append_str(b, "},\n\"checkpoints\":[");
        rc = rp_jw_flush(b, rd->raw) ? 0 : -1;
        rd->first_raw = true;
        rp_visitor cv = {rd, NULL, raw_checkpoint, NULL};
        if (!rc && (!redis || last_cp[0]))
            rc = rp_source_checkpoints(src, last_cp, &cv, err, n);
        xb_buf_append_str(b, "],\n\"records\":[");
        if (!rc && !rp_jw_flush(b, rd->raw))
            rc = -1;
        rd->first_raw = true;
    }
    rp_visitor rv = {rd, on_record, NULL, NULL};
    if (!rc)
        rc = rp_source_records(src, start, last_rec, &rv, err, n);
    if (!rc && json) {
        xb_buf_append_str(&rd->line, "]");
        if (!rp_jw_flush(&rd->line, rd->raw) || fflush(rd->raw))
            rc = -1;
    }
    if (rc < 0 && !err[0])
        snprintf(err, n, "%s", rd->raw && ferror(rd->raw) ? "cannot write a temporary file"
                                                          : "out of memory");
    if (!rc && redis)
        rc = read_counters(src, rd->report, err, n);
    if (planned)
        rp_window_plan_free(&plan);
    rd->plan = NULL;
    return rc;
}

/* ---- output ----------------------------------------------------------- */

static bool render(const report_opts *o, const rp_report *rep, FILE *raw, FILE *out)
{
    if (!strcmp(o->format, "text"))
        return rp_render_due_text(rep, out);
    if (!strcmp(o->format, "json"))
        return rp_render_json(rep, o->due, raw, out);
    if (!strcmp(o->format, "csv"))
        return rp_render_csv(rep, o->due, out);
    return rp_render_html(rep, o->due, out);
}

static int write_output(const report_opts *o, const rp_report *rep, FILE *raw)
{
    if (!o->output) {
        bool ok = render(o, rep, raw, stdout) && fflush(stdout) == 0;
        if (!ok)
            fprintf(stderr, "xborder report: write error on standard output\n");
        return ok ? 0 : 1;
    }
    char tmp[4096];
    snprintf(tmp, sizeof(tmp), "%s.tmp%d", o->output, (int)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        fprintf(stderr, "xborder report: cannot create %s: %s\n", tmp, strerror(errno));
        return 1;
    }
    bool ok = render(o, rep, raw, f);
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, o->output) != 0) {
        fprintf(stderr, "xborder report: cannot write %s: %s\n", o->output, strerror(errno));
        unlink(tmp);
        return 1;
    }
    return 0;
}

static char *notef(const char *fmt, const char *a, const char *b)
{
    size_t n = strlen(fmt) + strlen(a) + strlen(b) + 1;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, fmt, a, b);
    return s;
}

int xb_cmd_report(int argc, char **argv)
{
    report_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc >= 0)
        return rc;
    char err[1024] = "";
    rp_calendar cal = RP_CALENDAR_INIT;
    xb_policy *policy = NULL;
    rp_source *src = NULL;
    rp_report *rep = NULL;
    FILE *raw = NULL;
    reader rd;
    memset(&rd, 0, sizeof(rd));
    rc = 1;

    if (o.holidays && rp_calendar_load(&cal, o.holidays, err, sizeof(err)) != XB_OK) {
        fprintf(stderr, "xborder report: %s\n", err);
        goto out;
    }
    if (o.policy) {
        xb_diags diags = {0};
        policy = xb_policy_load(o.policy, &diags);
        if (!policy) {
            xb_cli_print_diags(stderr, &diags);
            xb_diags_free(&diags);
            fprintf(stderr, "xborder report: cannot load the policy %s\n", o.policy);
            goto out;
        }
        xb_diags_free(&diags);
    }
    rp_report_options ro = {o.has_from, o.has_to, o.from_day, o.to_day, o.exporter,
                            o.as_of_day, o.holidays ? &cal : NULL, 1000, policy};
    rep = rp_report_new(&ro);
    rd.report = rep;
    rd.parser = rp_record_parser_new();
    if (!rep || !rd.parser) {
        fprintf(stderr, "xborder report: out of memory\n");
        goto out;
    }
    char counts[64];
    snprintf(counts, sizeof(counts), "%zu", cal.n_holidays + cal.n_workdays);
    rep->calendar_note =
        o.holidays ? notef("Monday to Friday, with the public holidays and weekend working days "
                           "of %s (%s dates)", o.holidays, counts)
                   : notef("Monday to Friday; public holidays are not modelled (give "
                           "--holidays FILE)%s%s", "", "");
    rep->policy_note =
        policy ? notef("Validity checked against the mechanisms on file in %s (policy "
                       "version %s).", o.policy, policy->version ? policy->version : "?")
               : notef("No policy given (--policy FILE): mechanism references are listed as "
                       "filed, their validity is not checked.%s%s", "", "");

    src = rp_source_open(o.redis, o.file, o.prefix, err, sizeof(err));
    if (!src) {
        fprintf(stderr, "xborder report: %s\n", err);
        goto out;
    }
    rep->source = strdup(rp_source_name(src));
    bool json = !strcmp(o.format, "json") && !o.due;
    if (json) {
        raw = tmpfile();
        if (!raw) {
            fprintf(stderr, "xborder report: cannot create a temporary file: %s\n",
                    strerror(errno));
            goto out;
        }
        rd.raw = raw;
    }
    if (collect(&o, src, &rd, json, err, sizeof(err)) < 0) {
        fprintf(stderr, "xborder report: %s\n", err);
        goto out;
    }
    rep->records_unreadable += rd.unparsable;
    rp_report_finish(rep);
    rc = write_output(&o, rep, raw);
out:
    if (raw)
        fclose(raw);
    for (size_t i = 0; i < rd.n_heads; i++) {
        free(rd.heads[i].chain);
        free(rd.heads[i].value);
    }
    free(rd.heads);
    xb_buf_free(&rd.line);
    rp_record_parser_free(rd.parser);
    rp_report_free(rep);
    rp_source_free(src);
    xb_policy_free(policy);
    rp_calendar_free(&cal);
    return rc;
}
