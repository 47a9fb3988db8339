/*
 * cmd_policy.c - `xborder policy check` and `xborder decide`.
 *
 * `policy check` validates policy files the way the gateway loads them
 * (schema and meaning, file:line messages), optionally against catalogs.
 *
 * `decide` is the compliance officer's offline what-if: what would the
 * gateway do with this file, for this exporter, now? It runs the same code
 * as the gateway: scan, candidate subjects, an in-memory counter seeded
 * with the year-to-date counts given on the command line (standing in for
 * Redis), the decision, and prints the decision as JSON.
 *
 * Exit codes (decide): 0 allow, 4 block, 5 mask or watermark, 1 error.
 * The enforced outcome counts: in monitor mode that is always allow.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "classifier/core/xb_buf.h"
#include "classifier/policy/xb_china_time.h"
#include "classifier/policy/xb_counter.h"
#include "classifier/policy/xb_decide.h"
#include "classifier/policy/xb_policy.h"
#include "classifier/policy/xb_subjects.h"
#include "classifier/record/xb_record.h"
#include "cli/xb_cli.h"

#define MAX_ARGS 64

/* ---- xborder policy -------------------------------------------------------- */

static void policy_usage(FILE *f)
{
    fprintf(f,
            "usage: xborder policy check [--rules PATH]... FILE...\n\n"
            "Validate export policy files (format: README.md, Export policy): the schema, then\n"
            "duplicate ids, unknown recipients and scenarios, dates, USCC check\n"
            "characters, CIDRs and the counting key. Problems are printed as\n"
            "FILE:LINE: message. With --rules, also check that every exporter's FTZ\n"
            "list is loaded and that every mechanism category exists in the catalogs.\n\n"
            "exit status: 0 valid, 1 invalid or unreadable\n");
}

static size_t count_mechanisms(const xb_policy *p)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n_exporters; i++)
        n += p->exporters[i].n_mechanisms;
    return n;
}

int xb_cmd_policy(int argc, char **argv)
{
    static const struct option opts[] = {
        {"rules", required_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        policy_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 1 : 0;
    }
    if (strcmp(argv[1], "check")) {
        fprintf(stderr, "xborder policy: unknown subcommand '%s'\n", argv[1]);
        policy_usage(stderr);
        return 1;
    }
    argc--;
    argv++;
    const char *rules[MAX_ARGS];
    size_t n_rules = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "r:h", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            if (n_rules < MAX_ARGS)
                rules[n_rules++] = optarg;
            break;
        case 'h': policy_usage(stdout); return 0;
        default: policy_usage(stderr); return 1;
        }
    }
    if (optind >= argc) {
        policy_usage(stderr);
        return 1;
    }
    xb_catalog_set *set = NULL;
    if (n_rules) {
        xb_diags d = {0};
        if (xb_catalog_set_load(rules, n_rules, &set, &d) != XB_OK) {
            xb_cli_print_diags(stderr, &d);
            xb_diags_free(&d);
            return 1;
        }
        xb_diags_free(&d);
    }
    int rc = 0;
    for (int i = optind; i < argc; i++) {
        xb_diags d = {0};
        xb_policy *p = xb_policy_load(argv[i], &d);
        if (p && set && xb_policy_check_catalogs(p, set, &d) > 0) {
            xb_policy_free(p);
            p = NULL;
        }
        if (!p) {
            xb_cli_print_diags(stderr, &d);
            rc = 1;
        } else {
            printf("%s: ok (policy version %s; %zu exporter(s), %zu recipient(s), "
                   "%zu mechanism(s))\n", argv[i], p->version, p->n_exporters,
                   p->n_recipients, count_mechanisms(p));
            xb_policy_free(p);
        }
        xb_diags_free(&d);
    }
    xb_catalog_set_free(set);
    return rc;
}

/* ---- xborder decide -------------------------------------------------------- */

static void decide_usage(FILE *f)
{
    fprintf(f,
            "usage: xborder decide --policy FILE --exporter ID [--rules PATH]...\n"
            "                      [--recipient ID] [--dest-country CC] [--scenario S]\n"
            "                      [--purpose P] [--ytd-general N] [--ytd-sensitive N]\n"
            "                      [--content-type T] [--content-encoding E] [--now YYYY-MM-DD]\n"
            "                      [--mode enforce|monitor] [--set SWITCH=on|off] FILE|-\n\n"
            "What would the gateway decide for FILE (or standard input)? Prints the\n"
            "decision as JSON: route, rule, outcome, reasons[], subjects, counters_after,\n"
            "message_zh, message_en, and mask[] when masking.\n\n"
            "  --policy FILE        the export policy\n"
            "  --exporter ID        exporter id, or the value it is recognised by (API key, DN)\n"
            "  --rules PATH         catalog file or directory (repeatable; default %s)\n"
            "  --recipient ID       overseas recipient (default: unknown)\n"
            "  --dest-country CC    destination, ISO 3166 alpha-2 (default: the recipient's\n"
            "                       country, else unknown = cross-border); CN = mainland China\n"
            "  --scenario S         scenario tags, comma separated (default: the exporter's)\n"
            "  --purpose P          purpose of the transfer (default: the exporter's)\n"
            "  --ytd-general N      individuals whose general PI left this year before this file\n"
            "  --ytd-sensitive N    the same for sensitive PI\n"
            "  --content-type T     media type (default: from the file extension, else text/plain)\n"
            "  --now YYYY-MM-DD     decide as on that date, China time (default: now)\n"
            "  --mode M             override the policy's mode\n"
            "  --set SWITCH=on|off  set a catalog switch\n\n"
            "exit status: 0 allow, 4 block, 5 mask or watermark, 1 error\n",
            xb_cli_default_rules());
}

static bool parse_count(const char *s, uint64_t *out)
{
    if (!s || !*s)
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || errno || s[0] == '-')
        return false;
    *out = v;
    return true;
}

typedef struct decide_args {
    const char *rules[MAX_ARGS], *switches[MAX_ARGS];
    size_t n_rules, n_switches;
    const char *policy, *exporter, *recipient, *dest, *scenario, *purpose;
    const char *ctype, *cenc, *now, *mode, *path;
    uint64_t ytd_general, ytd_sensitive;
} decide_args;

static int parse_decide_args(int argc, char **argv, decide_args *a)
{
    static const struct option opts[] = {
        {"rules", required_argument, NULL, 'r'},
        {"policy", required_argument, NULL, 'p'},
        {"exporter", required_argument, NULL, 'x'},
        {"recipient", required_argument, NULL, 'R'},
        {"dest-country", required_argument, NULL, 'd'},
        {"scenario", required_argument, NULL, 'S'},
        {"purpose", required_argument, NULL, 'P'},
        {"ytd-general", required_argument, NULL, 'g'},
        {"ytd-sensitive", required_argument, NULL, 'G'},
        {"content-type", required_argument, NULL, 't'},
        {"content-encoding", required_argument, NULL, 'e'},
        {"now", required_argument, NULL, 'n'},
        {"mode", required_argument, NULL, 'm'},
        {"set", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(a, 0, sizeof(*a));
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "r:p:x:R:d:S:P:g:G:t:e:n:m:s:h", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            if (a->n_rules < MAX_ARGS)
                a->rules[a->n_rules++] = optarg;
            break;
        case 's':
            if (a->n_switches < MAX_ARGS)
                a->switches[a->n_switches++] = optarg;
            break;
        case 'p': a->policy = optarg; break;
        case 'x': a->exporter = optarg; break;
        case 'R': a->recipient = optarg; break;
        case 'd': a->dest = optarg; break;
        case 'S': a->scenario = optarg; break;
        case 'P': a->purpose = optarg; break;
        case 't': a->ctype = optarg; break;
        case 'e': a->cenc = optarg; break;
        case 'n': a->now = optarg; break;
        case 'm': a->mode = optarg; break;
        case 'g':
        case 'G':
            if (!parse_count(optarg, c == 'g' ? &a->ytd_general : &a->ytd_sensitive)) {
                fprintf(stderr, "xborder decide: --ytd-%s needs a non-negative number\n",
                        c == 'g' ? "general" : "sensitive");
                return 1;
            }
            break;
        case 'h': decide_usage(stdout); return -1;
        default: decide_usage(stderr); return 1;
        }
    }
    if (optind != argc - 1 || !a->policy || !a->exporter) {
        if (optind == argc - 1)
            fprintf(stderr, "xborder decide: --policy and --exporter are required\n");
        decide_usage(stderr);
        return 1;
    }
    a->path = argv[optind];
    return 0;
}

/* Check the command-line values against the policy; prints what is wrong. */
static bool resolve(const decide_args *a, const xb_policy *p, xb_decide_input *in)
{
    in->exporter = xb_policy_exporter_by_id(p, a->exporter);
    if (!in->exporter)
        in->exporter = xb_policy_find_exporter(p, a->exporter, NULL);
    if (!in->exporter) {
        fprintf(stderr, "xborder decide: no exporter '%s' in %s (neither an id nor a match "
                "value)\n", a->exporter, a->policy);
        return false;
    }
    if (a->recipient) {
        in->recipient = xb_policy_recipient_by_id(p, a->recipient);
        if (!in->recipient) {
            fprintf(stderr, "xborder decide: no recipient '%s' in %s\n", a->recipient,
                    a->policy);
            return false;
        }
    }
    in->dest_country = a->dest ? a->dest : in->recipient ? in->recipient->country : NULL;
    if (a->dest && *a->dest &&
        (strlen(a->dest) != 2 || !((a->dest[0] | 0x20) >= 'a' && (a->dest[0] | 0x20) <= 'z') ||
         !((a->dest[1] | 0x20) >= 'a' && (a->dest[1] | 0x20) <= 'z'))) {
        fprintf(stderr, "xborder decide: --dest-country wants a two-letter ISO 3166 code, "
                "not '%s'\n", a->dest);
        return false;
    }
    if (a->scenario) {
        const char *s = a->scenario;
        while (*s) {
            s += strspn(s, " ,\t");
            size_t k = strcspn(s, " ,\t");
            if (k && !xb_policy_scenario_known(p, s, k)) {
                fprintf(stderr, "xborder decide: unknown scenario '%.*s' (built-in tags or "
                        "those declared in the policy)\n", (int)k, s);
                return false;
            }
            s += k;
        }
    }
    in->scenario = a->scenario;
    in->purpose = a->purpose;
    if (a->mode) {
        if (!strcmp(a->mode, "monitor"))
            in->mode = XB_MODE_MONITOR;
        else if (!strcmp(a->mode, "enforce"))
            in->mode = XB_MODE_ENFORCE;
        else {
            fprintf(stderr, "xborder decide: --mode is enforce or monitor\n");
            return false;
        }
    }
    if (a->now) {
        int64_t day;
        if (!xb_date_parse(a->now, &day)) {
            fprintf(stderr, "xborder decide: --now wants a date YYYY-MM-DD, not '%s'\n",
                    a->now);
            return false;
        }
        in->now = xb_china_midnight(day) + 12 * 3600; /* noon, China time */
    } else {
        in->now = (int64_t)time(NULL);
    }
    return true;
}

static int exit_code(xb_outcome enforced)
{
    switch (enforced) {
    case XB_OUTCOME_ALLOW: return 0;
    case XB_OUTCOME_BLOCK: return 4;
    case XB_OUTCOME_MASK:
    case XB_OUTCOME_WATERMARK: return 5;
    }
    return 1;
}

static const char *inspection_name(xb_inspection i)
{
    return i == XB_INSPECTED ? "inspected"
           : i == XB_INSPECTED_PARTIAL ? "partial" : "not-inspectable";
}

/* Scan, count, decide, print. Returns the exit code. */
static int run_decision(const decide_args *a, const xb_policy *p, xb_catalog_set *set,
                        xb_engine *engine, xb_decide_input *in)
{
    size_t len;
    char *body = xb_cli_read_file(a->path, &len);
    if (!body)
        return 1;
    const char *ctype = a->ctype ? a->ctype : xb_cli_guess_content_type(a->path);
    if (!ctype)
        ctype = "text/plain";
    int rc = 1;
    xb_scan *scan = xb_scan_buffer(engine, ctype, a->cenc, body, len, NULL);
    xb_counter *counter = xb_counter_mem_new(0);
    xb_subjects subjects = {0};
    xb_decision d;
    bool decided = false;
    xb_buf out = XB_BUF_INIT;
    if (!scan || !counter) {
        fprintf(stderr, "xborder decide: out of memory\n");
        goto done;
    }
    const xb_scan_result *r = xb_scan_get_result(scan);
    char digest[XB_HASH_HEX], transfer_id[17];
    xb_sha256_hex(body, len, digest);
    memcpy(transfer_id, digest, 16);
    transfer_id[16] = '\0';

    xb_status st = xb_subjects_build(&subjects, r->findings, r->n_findings, p->counting_key,
                                     p->counting_key_len, transfer_id);
    int year = xb_china_year(in->now);
    xb_subject_counts baseline = {a->ytd_general, a->ytd_sensitive};
    if (st == XB_OK)
        st = xb_counter_set_baseline_sync(counter, in->exporter->uscc, year, &baseline);
    if (st == XB_OK)
        st = xb_counter_query_sync(counter, in->exporter->uscc, year, subjects.items,
                                   subjects.n, &in->ytd_before);
    in->policy = p;
    in->catalogs = set;
    xb_decide_input_set_scan(in, r);
    in->subjects = &subjects;
    if (st == XB_OK)
        st = xb_decide(in, &d);
    if (st != XB_OK) {
        fprintf(stderr, "xborder decide: %s\n", xb_status_name(st));
        goto done;
    }
    decided = true;
    /* the decision, plus what the tool knows about the file */
    char *catalog_version = xb_catalog_set_version(set);
    st = xb_decision_to_json(&d, r->findings, r->n_findings, &out);
    if (st == XB_OK && out.len > 0) {
        out.len--; /* reopen the object */
        xb_buf_append_str(&out, ",\"transfer_id\":\"");
        xb_buf_append_str(&out, transfer_id);
        xb_buf_printf(&out, "\",\"inspection\":\"%s\",\"content_type\":\"",
                      inspection_name(r->inspection));
        xb_buf_append_json_escaped(&out, ctype, strlen(ctype));
        xb_buf_printf(&out, "\",\"findings\":%zu,\"catalog_version\":\"", r->n_findings);
        if (catalog_version)
            xb_buf_append_json_escaped(&out, catalog_version, strlen(catalog_version));
        st = xb_buf_append_str(&out, "\"}\n");
    }
    free(catalog_version);
    if (st != XB_OK) {
        fprintf(stderr, "xborder decide: out of memory\n");
        goto done;
    }
    fwrite(out.data, 1, out.len, stdout);
    if (r->inspection == XB_NOT_INSPECTABLE)
        fprintf(stderr, "xborder decide: %s: not inspectable: %s\n", a->path,
                r->error ? r->error : xb_status_name(r->status));
    rc = exit_code(d.enforced);
done:
    xb_buf_free(&out);
    if (decided)
        xb_decision_free(&d);
    xb_subjects_free(&subjects);
    xb_counter_free(counter);
    xb_scan_free(scan);
    free(body);
    return rc;
}

int xb_cmd_decide(int argc, char **argv)
{
    decide_args a;
    int rc = parse_decide_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    xb_diags d = {0};
    xb_policy *p = xb_policy_load(a.policy, &d);
    if (!p) {
        xb_cli_print_diags(stderr, &d);
        xb_diags_free(&d);
        return 1;
    }
    xb_decide_input in;
    memset(&in, 0, sizeof(in));
    if (!resolve(&a, p, &in)) {
        xb_policy_free(p);
        return 1;
    }
    xb_catalog_set *set = NULL;
    xb_engine *engine = NULL;
    if (xb_cli_load_engine(a.rules, a.n_rules, a.switches, a.n_switches, &set, &engine)) {
        xb_policy_free(p);
        return 1;
    }
    /* problems between policy and catalogs are worth knowing, not fatal */
    if (xb_policy_check_catalogs(p, set, &d) > 0)
        for (size_t i = 0; i < d.n; i++)
            fprintf(stderr, "warning: %s:%zu: %s\n", d.items[i].file, d.items[i].line,
                    d.items[i].message);
    xb_diags_free(&d);
    rc = run_decision(&a, p, set, engine, &in);
    xb_engine_free(engine);
    xb_catalog_set_free(set);
    xb_policy_free(p);
    return rc;
}
