/*
 * bench_classify.c - classifier throughput on one core.
 *
 * Loads every default catalog, then classifies each body file given on the
 * command line repeatedly (fed in 16 KiB chunks, as nginx delivers a body)
 * for at least --seconds of its own CPU time (other processes on the machine
 * do not count), and prints MB/s and the findings per body. Also
 * prints the process's peak resident memory. Every figure is printed again
 * as a machine-readable line:  bench <name> <value> <unit>
 *
 * usage: bench_classify [--rules DIR] [--seconds S] [--iterations N] FILE...
 *   --iterations N: at least N scans per body (default 3); with --seconds 0
 *   exactly N, for instruction counts under perf stat.
 *   FILE names like export-256k.json give the figure name classify_json_256k.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "classifier/scan/xb_scan.h"

/* CPU time of this thread: the figure is MB/s on one core, and other
 * processes on the machine must not count against it. */
static double now_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* export-256k.json -> json_256k */
static void figure_name(const char *path, char *out, size_t size)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dash = strchr(base, '-');
    const char *dot = strrchr(base, '.');
    if (!dash || !dot || dot < dash) {
        snprintf(out, size, "%s", base);
        return;
    }
    snprintf(out, size, "%s_%.*s", dot + 1, (int)(dot - dash - 1), dash + 1);
}

static const char *content_type_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (dot && !strcmp(dot, ".xml"))
        return "application/xml";
    if (dot && !strcmp(dot, ".csv"))
        return "text/csv";
    return "application/json";
}

int main(int argc, char **argv)
{
    const char *rules = "rules/catalogs";
    double seconds = 1.0;
    long min_iters = 3;
    int first = 1;
    while (first < argc && argv[first][0] == '-') {
        if (!strcmp(argv[first], "--rules") && first + 1 < argc)
            rules = argv[++first];
        else if (!strcmp(argv[first], "--seconds") && first + 1 < argc)
            seconds = atof(argv[++first]);
        else if (!strcmp(argv[first], "--iterations") && first + 1 < argc)
            min_iters = atol(argv[++first]);
        else {
            fprintf(stderr, "usage: bench_classify [--rules DIR] [--seconds S] [--iterations N] FILE...\n");
            return 1;
        }
        first++;
    }
    xb_diags diags = {0};
    xb_catalog_set *set = NULL;
    if (xb_catalog_set_load(&rules, 1, &set, &diags) != XB_OK) {
        for (size_t i = 0; i < diags.n; i++)
            fprintf(stderr, "%s:%zu: %s\n", diags.items[i].file, diags.items[i].line,
                    diags.items[i].message);
        return 1;
    }
    xb_engine *engine = xb_engine_build(set, NULL, &diags);
    if (!engine) {
        for (size_t i = 0; i < diags.n; i++)
            fprintf(stderr, "%s:%zu: %s\n", diags.items[i].file, diags.items[i].line,
                    diags.items[i].message);
        return 1;
    }
    size_t entries = 0;
    for (size_t i = 0; i < set->n; i++)
        entries += set->catalogs[i]->n_entries;
    printf("# classifier benchmark: %zu catalogs, %zu entries, 16 KiB chunks, one core\n",
           set->n, entries);
    printf("# %-12s %10s %10s %10s %10s\n", "body", "bytes", "MB/s", "us/body", "findings");
    xb_scan_options opts;
    xb_scan_options_default(&opts);
    for (int a = first; a < argc; a++) {
        size_t len;
        char *body = read_all(argv[a], &len);
        if (!body) {
            fprintf(stderr, "cannot read %s\n", argv[a]);
            return 1;
        }
        const char *ct = content_type_of(argv[a]);
        size_t findings = 0;
        long iters = 0;
        double t0 = now_sec(), t;
        do {
            xb_scan *s = xb_scan_new(engine, ct, NULL, &opts);
            for (size_t off = 0; off < len; off += 16384) {
                size_t k = len - off < 16384 ? len - off : 16384;
                xb_scan_feed(s, body + off, k);
            }
            xb_scan_finish(s);
            const xb_scan_result *r = xb_scan_get_result(s);
            if (r->inspection != XB_INSPECTED) {
                fprintf(stderr, "%s: not inspected: %s\n", argv[a], r->error ? r->error : "?");
                return 1;
            }
            findings = r->n_findings;
            xb_scan_free(s);
            iters++;
            t = now_sec() - t0;
        } while (t < seconds || iters < min_iters);
        double mbps = (double)len * (double)iters / t / 1e6;
        char name[64];
        figure_name(argv[a], name, sizeof(name));
        printf("  %-12s %10zu %10.1f %10.1f %10zu\n", name, len, mbps,
               t / (double)iters * 1e6, findings);
        printf("bench classify_%s %.1f MB/s\n", name, mbps);
        free(body);
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("bench classify_peak_rss %.1f MiB\n", (double)ru.ru_maxrss / 1024.0);
    xb_engine_free(engine);
    xb_catalog_set_free(set);
    xb_diags_free(&diags);
    return 0;
}
