/*
 * cmd_scan.c - `xborder scan`: classify a file offline and print findings.
 *
 * This is how compliance officers try catalogs on sample data, and how the
 * classifier is exercised without nginx. The file is fed to the same
 * streaming scanner the gateway uses, in 64 KiB chunks.
 *
 * Exit codes: 0 clean, 3 regulated data (PI, sensitive PI, important or
 * core data) found, 1 error (including a body that is not inspectable).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classifier/core/xb_buf.h"
#include "cli/xb_cli.h"

#define MAX_ARGS 64

static void usage(FILE *f)
{
    fprintf(f,
            "usage: xborder scan [--rules PATH]... [--content-type T] [--content-encoding E]\n"
            "                    [--format text|jsonl] [--show-values] [--set SWITCH=on|off]\n"
            "                    FILE|-\n\n"
            "Classify FILE (or standard input) against the rule catalogs and print\n"
            "one finding per line. Values are masked unless --show-values is given.\n\n"
            "  --rules PATH         catalog file or directory (repeatable; default %s)\n"
            "  --content-type T     media type (default: from the file extension, else text/plain)\n"
            "  --content-encoding E gzip or deflate\n"
            "  --format F           text (default) or jsonl\n"
            "  --show-values        print matched values in the clear\n"
            "  --set SWITCH=on|off  set a catalog switch, e.g. identity-numbers-sensitive=off\n\n"
            "exit status: 0 clean, 3 regulated data found, 1 error or not inspectable\n",
            xb_cli_default_rules());
}

/* Mask all letters and digits except the first two and last two
 * characters, keeping separators. */
static void masked(xb_buf *out, const char *v)
{
    size_t n = strlen(v);
    size_t chars = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)v[i] & 0xC0) != 0x80)
            chars++;
    size_t keep = chars <= 4 ? 1 : 2;
    size_t idx = 0;
    for (size_t i = 0; i < n;) {
        size_t k = 1;
        unsigned char c = (unsigned char)v[i];
        if (c >= 0xF0)
            k = 4;
        else if (c >= 0xE0)
            k = 3;
        else if (c >= 0xC0)
            k = 2;
        if (i + k > n)
            k = n - i;
        bool visible = idx < keep || idx + keep >= chars;
        bool sep = k == 1 && (c == ' ' || c == '-' || c == '.' || c == '@' || c == ':');
        if (visible || sep)
            xb_buf_append(out, v + i, k);
        else
            xb_buf_append_char(out, '*');
        i += k;
        idx++;
    }
}

static void print_jsonl(const xb_finding *f, bool show, xb_buf *line)
{
    xb_buf_reset(line);
    xb_buf_append_str(line, "{\"category\":\"");
    xb_buf_append_json_escaped(line, f->entry->id, strlen(f->entry->id));
    xb_buf_append_str(line, "\",\"name_zh\":\"");
    if (f->entry->name_zh)
        xb_buf_append_json_escaped(line, f->entry->name_zh, strlen(f->entry->name_zh));
    xb_buf_append_str(line, "\",\"name_en\":\"");
    if (f->entry->name_en)
        xb_buf_append_json_escaped(line, f->entry->name_en, strlen(f->entry->name_en));
    xb_buf_printf(line, "\",\"level\":\"%s\",\"path\":\"", xb_level_name(f->level));
    xb_buf_append_json_escaped(line, f->path, strlen(f->path));
    xb_buf_printf(line, "\",\"span\":[%zu,%zu],\"record\":%lld,\"confidence\":%.2f,"
                        "\"detector\":\"%s\"",
                  f->span.start, f->span.end, (long long)f->record, f->confidence,
                  f->detector);
    if (f->high_precision)
        xb_buf_append_str(line, ",\"high_precision\":true");
    if (f->value) {
        xb_buf_append_str(line, ",\"value\":\"");
        if (show) {
            xb_buf_append_json_escaped(line, f->value, strlen(f->value));
        } else {
            xb_buf m = XB_BUF_INIT;
            masked(&m, f->value);
            xb_buf_append_json_escaped(line, m.data ? m.data : "", m.len);
            xb_buf_free(&m);
        }
        xb_buf_append_char(line, '"');
    }
    xb_buf_append_str(line, "}\n");
    fwrite(line->data, 1, line->len, stdout);
}

static void print_text(const xb_finding *f, bool show, xb_buf *line)
{
    xb_buf_reset(line);
    xb_buf_printf(line, "%-40s %-28s %-13s %.2f  [%zu,%zu) record %lld  %s  ",
                  f->path, f->entry->id, xb_level_name(f->level), f->confidence,
                  f->span.start, f->span.end, (long long)f->record, f->detector);
    if (f->value) {
        if (show)
            xb_buf_append_str(line, f->value);
        else
            masked(line, f->value);
    }
    if (f->high_precision)
        xb_buf_append_str(line, "  (high precision)");
    xb_buf_append_char(line, '\n');
    fwrite(line->data, 1, line->len, stdout);
}

int xb_cmd_scan(int argc, char **argv)
{
    static const struct option opts[] = {
        {"rules", required_argument, NULL, 'r'},
        {"content-type", required_argument, NULL, 't'},
        {"content-encoding", required_argument, NULL, 'e'},
        {"format", required_argument, NULL, 'f'},
        {"show-values", no_argument, NULL, 'v'},
        {"set", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *rules[MAX_ARGS], *switches[MAX_ARGS];
    size_t n_rules = 0, n_switches = 0;
    const char *ctype = NULL, *cenc = NULL, *format = "text";
    bool show = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "r:t:e:f:vs:h", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            if (n_rules < MAX_ARGS)
                rules[n_rules++] = optarg;
            break;
        case 's':
            if (n_switches < MAX_ARGS)
                switches[n_switches++] = optarg;
            break;
        case 't': ctype = optarg; break;
        case 'e': cenc = optarg; break;
        case 'f': format = optarg; break;
        case 'v': show = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 1;
        }
    }
    if (optind != argc - 1) {
        usage(stderr);
        return 1;
    }
    bool jsonl = !strcmp(format, "jsonl");
    if (!jsonl && strcmp(format, "text")) {
        fprintf(stderr, "xborder scan: unknown format '%s' (text or jsonl)\n", format);
        return 1;
    }
    const char *path = argv[optind];
    if (!ctype)
        ctype = xb_cli_guess_content_type(path);
    if (!ctype)
        ctype = "text/plain";

    xb_catalog_set *set;
    xb_engine *engine;
    if (xb_cli_load_engine(rules, n_rules, switches, n_switches, &set, &engine))
        return 1;

    FILE *in = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!in) {
        fprintf(stderr, "xborder scan: cannot open %s: ", path);
        perror(NULL);
        xb_engine_free(engine);
        xb_catalog_set_free(set);
        return 1;
    }
    xb_scan *s = xb_scan_new(engine, ctype, cenc, NULL);
    int rc = 1;
    if (s) {
        char chunk[65536];
        size_t k;
        while ((k = fread(chunk, 1, sizeof(chunk), in)) > 0)
            if (xb_scan_feed(s, chunk, k) != XB_OK)
                break;
        xb_scan_finish(s);
        const xb_scan_result *r = xb_scan_get_result(s);
        xb_buf line = XB_BUF_INIT;
        bool regulated = false;
        for (size_t i = 0; i < r->n_findings; i++) {
            const xb_finding *f = &r->findings[i];
            if (f->level >= XB_LEVEL_PI)
                regulated = true;
            if (jsonl)
                print_jsonl(f, show, &line);
            else
                print_text(f, show, &line);
        }
        xb_buf_free(&line);
        for (size_t i = 0; i < r->n_uninspectable; i++)
            fprintf(stderr, "xborder scan: %s: not inspectable (%s)%s%s\n",
                    r->uninspectable[i].path, r->uninspectable[i].reason,
                    r->uninspectable[i].content_type ? ": " : "",
                    r->uninspectable[i].content_type ? r->uninspectable[i].content_type : "");
        if (r->findings_truncated)
            fprintf(stderr, "xborder scan: finding limit reached; output truncated\n");
        if (r->inspection == XB_NOT_INSPECTABLE) {
            fprintf(stderr, "xborder scan: %s: not inspectable: %s\n", path,
                    r->error ? r->error : xb_status_name(r->status));
            rc = 1;
        } else {
            rc = regulated ? 3 : 0;
        }
        if (!jsonl)
            fprintf(stderr, "%zu finding(s), %zu value(s), %lld record(s), %zu bytes%s\n",
                    r->n_findings, r->values, (long long)r->records, r->bytes_decoded,
                    r->inspection == XB_INSPECTED_PARTIAL ? ", partially inspected" : "");
        xb_scan_free(s);
    }
    if (in != stdin)
        fclose(in);
    xb_engine_free(engine);
    xb_catalog_set_free(set);
    return rc;
}
