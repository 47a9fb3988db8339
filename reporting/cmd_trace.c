/*
 * cmd_trace.c - `xborder trace`: find the watermark in a leaked copy of
 * exported data, authenticate it with the watermark key, and print the
 * transfer record it names: who exported what, when, to whom, on what legal
 * ground.
 *
 * The leaked copy may be JSON, CSV, XML or text, re-formatted, re-ordered, or
 * a single string pasted elsewhere. Framed blobs are searched in the raw text
 * first; otherwise the copy is scanned (with the same parsers as the gateway)
 * to collect free-text carriers whose one-bit marks vote for the payload.
 * Only a tag-verified transfer id counts: without one, trace says so and
 * exits 1. It never guesses.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classifier/core/xb_buf.h"
#include "classifier/transform/xb_watermark.h"
#include "cli/xb_cli.h"
#include "reporting/rp_record.h"
#include "reporting/rp_source.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: xborder trace [--redis URL | --file EXPORT.json] [--prefix P]\n"
               "                     --key FILE [--content-type T] LEAKED_FILE\n\n"
               "Find and authenticate the watermark in LEAKED_FILE with the watermark key\n"
               "(watermark.key from `xborder keygen`), then print the transfer record\n"
               "from Redis or from an export. Exit 0 when a valid mark was found, 1 when\n"
               "none was found, 2 on error.\n");
}

/* The key file holds hex (as written by xborder keygen) or raw bytes. */
static int load_key(const char *path, xb_wm_key *key)
{
    size_t len;
    char *raw = xb_cli_read_file(path, &len);
    if (!raw)
        return -1;
    uint8_t bytes[256];
    size_t n = 0;
    size_t hex = 0;
    for (size_t i = 0; i < len; i++)
        hex += (raw[i] >= '0' && raw[i] <= '9') || (raw[i] >= 'a' && raw[i] <= 'f') ||
               (raw[i] >= 'A' && raw[i] <= 'F');
    while (len > 0 && (raw[len - 1] == '\n' || raw[len - 1] == '\r' || raw[len - 1] == ' '))
        len--;
    if (hex == len && len % 2 == 0 && len / 2 <= sizeof(bytes)) {
        for (size_t i = 0; i < len; i += 2) {
            unsigned v;
            sscanf(raw + i, "%2x", &v);
            bytes[n++] = (uint8_t)v;
        }
    } else {
        n = len < sizeof(bytes) ? len : sizeof(bytes);
        memcpy(bytes, raw, n);
    }
    free(raw);
    xb_status st = xb_wm_key_init(key, bytes, n);
    memset(bytes, 0, sizeof(bytes));
    if (st != XB_OK) {
        fprintf(stderr, "xborder trace: %s is not a usable watermark key\n", path);
        return -1;
    }
    return 0;
}

typedef struct found_record {
    rp_record_parser *parser;
    bool printed;
} found_record;

static int print_record(void *ctx, const rp_entry *e)
{
    found_record *fr = ctx;
    rp_record r;
    char err[200];
    if (rp_record_parse(fr->parser, e->rec, e->rec_len, &r, err, sizeof(err)) != XB_OK) {
        fprintf(stderr, "xborder trace: record %s does not parse: %s\n", e->id, err);
        return -1;
    }
    printf("transfer:      %s (chain %s, seq %llu, stream id %s)\n", r.transfer_id, r.chain,
           (unsigned long long)r.seq, e->id);
    printf("when:          %s\n", r.ts_start);
    printf("exporter:      %s %s (USCC %s)%s%s\n", r.exporter_id, r.exporter_name,
           r.exporter_uscc, r.exporter_ftz[0] ? ", FTZ " : "", r.exporter_ftz);
    printf("recipient:     %s %s, %s (%s)\n", r.recipient_id, r.recipient_name,
           r.recipient_country, r.recipient_role);
    printf("destination:   %s %s%s (%s)\n", r.method, r.dest_host, r.dest_uri,
           r.dest_country);
    printf("content:       %s, %llu bytes, %llu records, sha256 %s\n", r.content_type,
           (unsigned long long)r.bytes_sent, (unsigned long long)r.records, r.sha256_sent);
    printf("data:         ");
    for (size_t i = 0; i < r.n_categories; i++)
        printf(" %s (%s) x%llu", r.categories[i].category, r.categories[i].level,
               (unsigned long long)r.categories[i].count);
    printf("\n");
    printf("legal ground:  route %s%s%s, rule %s, outcome %s", r.route,
           r.exempt_article[0] ? " " : "", r.exempt_article, r.rule, rp_record_effect(&r));
    if (r.mechanism_ref[0])
        printf(", mechanism %s %s", r.mechanism_type, r.mechanism_ref);
    printf("\n");
    for (size_t i = 0; i < r.n_reasons; i++) {
        const rp_reason *x = &r.reasons[i];
        xb_buf line = XB_BUF_INIT;
        rp_reason_describe(x, &r, &line);
        if (x->mechanism[0] && (x->entry[0] || x->category[0]))
            xb_buf_printf(&line, ", under mechanism %s", x->mechanism);
        printf("  reason:      %s\n", xb_buf_cstr(&line));
        xb_buf_free(&line);
    }
    fr->printed = true;
    return 1;
}

int xb_cmd_trace(int argc, char **argv)
{
    static const struct option opts[] = {
        {"redis", required_argument, NULL, 'r'}, {"file", required_argument, NULL, 'f'},
        {"prefix", required_argument, NULL, 'p'}, {"key", required_argument, NULL, 'k'},
        {"content-type", required_argument, NULL, 't'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *redis = NULL, *file = NULL, *prefix = "xborder:", *keyfile = NULL,
               *ctype = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "r:f:p:k:t:h", opts, NULL)) != -1) {
        switch (c) {
        case 'r': redis = optarg; break;
        case 'f': file = optarg; break;
        case 'p': prefix = optarg; break;
        case 'k': keyfile = optarg; break;
        case 't': ctype = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!keyfile || optind != argc - 1) {
        usage(stderr);
        return 2;
    }
    const char *leaked = argv[optind];
    xb_wm_key key;
    if (load_key(keyfile, &key))
        return 2;
    size_t len;
    char *text = xb_cli_read_file(leaked, &len);
    if (!text) {
        xb_wm_key_clear(&key);
        return 2;
    }

    /* Carriers for the vote channel: scan the copy as the gateway would. */
    xb_catalog_set *set = NULL;
    xb_engine *engine = NULL;
    xb_scan *scan = NULL;
    const xb_carrier *carriers = NULL;
    size_t n_carriers = 0;
    if (!ctype)
        ctype = xb_cli_guess_content_type(leaked);
    if (xb_cli_load_engine(NULL, 0, NULL, 0, &set, &engine) == 0) {
        xb_scan_options o;
        xb_scan_options_default(&o);
        o.collect_carriers = true;
        o.keep_values = false;
        scan = xb_scan_buffer(engine, ctype ? ctype : "text/plain", NULL, text, len, &o);
        if (scan) {
            const xb_scan_result *r = xb_scan_get_result(scan);
            carriers = r->carriers;
            n_carriers = r->n_carriers;
        }
    }
    xb_wm_result res;
    xb_status st = xb_wm_extract(&key, text, len, carriers, n_carriers, 0, &res);
    xb_wm_key_clear(&key);
    int rc;
    if (st != XB_OK) {
        fprintf(stderr, "xborder trace: extraction failed: %s\n", xb_status_name(st));
        rc = 2;
    } else if (!res.found) {
        printf("no valid watermark found in %s (%zu framed candidates, %zu carriers "
               "examined); nothing can be attributed\n",
               leaked, res.blobs_seen, res.carriers);
        rc = 1;
    } else {
        char id[17];
        xb_wm_format_id(res.transfer_id, id);
        printf("watermark:     transfer %s, method %s, confidence %.2f\n", id,
               xb_wm_method_name(res.method), res.confidence);
        rc = 0;
        if (redis || file) {
            char err[256];
            rp_source *src = rp_source_open(redis, file, prefix, err, sizeof(err));
            if (!src) {
                fprintf(stderr, "xborder trace: %s\n", err);
                rc = 2;
            } else {
                found_record fr = {rp_record_parser_new(), false};
                rp_visitor v = {&fr, print_record, NULL, NULL};
                int got = rp_source_transfer(src, id, &v, err, sizeof(err));
                if (got < 0) {
                    fprintf(stderr, "xborder trace: %s\n", err);
                    rc = 2;
                } else if (got == 1 || !fr.printed) {
                    printf("the mark is valid, but no filed record has transfer id %s\n", id);
                    rc = 1;
                }
                rp_record_parser_free(fr.parser);
                rp_source_free(src);
            }
        }
    }
    xb_scan_free(scan);
    xb_engine_free(engine);
    xb_catalog_set_free(set);
    free(text);
    return rc;
}
