/*
 * rules_test.c - `xborder rules test FILE|DIR...`: every catalog carries its
 * own test cases (<examples>). This command loads the catalogs, builds the
 * same engine the gateway uses, scans each example with its content type
 * (default text/plain) and checks that a finding of that entry appears
 * (<match>) or does not (<no-match>). An entry without at least one match
 * and one no-match example is a failure too: untested rules are how false
 * positives and misses reach production.
 *
 * Exit status: 0 all examples pass, 1 any failure or a catalog that does not
 * load.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/xb_cli.h"
#include "rules_tools.h"

#define MAX_SWITCHES 32

static void usage(FILE *f)
{
    fprintf(f,
            "usage: xborder rules test [--verbose] [--set SWITCH=on|off] [FILE|DIR]...\n\n"
            "Scan every <match> and <no-match> example of the given catalogs with the\n"
            "engine built from exactly those catalogs, and check that the entry is\n"
            "(or is not) found. Without arguments the default catalogs are tested (%s).\n\n"
            "  --verbose            also print passing examples\n"
            "  --set SWITCH=on|off  set a catalog switch before building the engine\n\n"
            "Failures are printed as file:line: message.\n"
            "exit status: 0 all pass, 1 any failure\n",
            xb_cli_default_rules());
}

/* The distinct entry ids among the findings, for a failure message. */
static void found_ids(const xb_scan_result *r, xb_buf *out)
{
    xb_buf_reset(out);
    for (size_t i = 0; i < r->n_findings; i++) {
        const char *id = r->findings[i].entry->id;
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = r->findings[k].entry == r->findings[i].entry;
        if (seen)
            continue;
        if (out->len)
            xb_buf_append_str(out, ", ");
        xb_buf_append_str(out, id);
    }
    if (!out->len)
        xb_buf_append_str(out, "none");
}

/* Scan one example; returns true when it behaves as declared. */
static bool run_example(const xb_engine *engine, const xb_entry *e,
                        const xb_example *ex, bool verbose, xb_buf *tmp)
{
    const char *file = e->catalog->file;
    xb_scan *s = xb_scan_buffer(engine, ex->content_type, NULL, ex->text,
                                strlen(ex->text), NULL);
    if (!s) {
        printf("%s:%zu: entry %s: out of memory scanning the example\n", file, ex->line,
               e->id);
        return false;
    }
    const xb_scan_result *r = xb_scan_get_result(s);
    const xb_finding *hit = NULL;
    for (size_t i = 0; i < r->n_findings && !hit; i++)
        if (r->findings[i].entry == e)
            hit = &r->findings[i];
    bool ok = ex->must_match ? hit != NULL : hit == NULL;
    if (!ok && ex->must_match) {
        found_ids(r, tmp);
        printf("%s:%zu: entry %s: match example (%s) produced no finding of this entry "
               "(found: %s)%s%s\n",
               file, ex->line, e->id, ex->content_type, xb_buf_cstr(tmp),
               r->error ? "; scan: " : "", r->error ? r->error : "");
    } else if (!ok) {
        printf("%s:%zu: entry %s: no-match example (%s) was found: '%s' by %s at %s "
               "(confidence %.2f)\n",
               file, ex->line, e->id, ex->content_type, hit->value ? hit->value : "",
               hit->detector ? hit->detector : "?", hit->path ? hit->path : "",
               hit->confidence);
    } else if (verbose) {
        printf("%s:%zu: entry %s: %s example ok\n", file, ex->line, e->id,
               ex->must_match ? "match" : "no-match");
    }
    xb_scan_free(s);
    return ok;
}

int xb_rules_test(int argc, char **argv)
{
    static const struct option opts[] = {
        {"verbose", no_argument, NULL, 'v'},
        {"set", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool verbose = false;
    const char *switches[MAX_SWITCHES];
    size_t n_switches = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "vs:h", opts, NULL)) != -1) {
        if (c == 'v') {
            verbose = true;
        } else if (c == 's') {
            if (n_switches == MAX_SWITCHES) {
                fprintf(stderr, "xborder rules test: too many --set options\n");
                return 1;
            }
            switches[n_switches++] = optarg;
        } else if (c == 'h') {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 1;
        }
    }
    xb_catalog_set *set = NULL;
    xb_engine *engine = NULL;
    if (xb_cli_load_engine((const char *const *)argv + optind, (size_t)(argc - optind),
                           switches, n_switches, &set, &engine))
        return 1;
    size_t total = 0, failed = 0;
    xb_buf tmp = XB_BUF_INIT;
    for (size_t ci = 0; ci < set->n; ci++) {
        const xb_catalog *cat = set->catalogs[ci];
        for (size_t i = 0; i < cat->n_entries; i++) {
            const xb_entry *e = &cat->entries[i];
            size_t matches = 0, misses = 0;
            for (size_t k = 0; k < e->n_examples; k++) {
                const xb_example *ex = &e->examples[k];
                total++;
                if (ex->must_match)
                    matches++;
                else
                    misses++;
                if (!run_example(engine, e, ex, verbose, &tmp))
                    failed++;
            }
            if (!matches || !misses) {
                printf("%s:%zu: entry %s: needs at least one <match> and one <no-match> "
                       "example\n", cat->file, e->line, e->id);
                failed++;
            }
        }
    }
    xb_buf_free(&tmp);
    printf("%zu example%s, %zu failure%s\n", total, total == 1 ? "" : "s", failed,
           failed == 1 ? "" : "s");
    xb_engine_free(engine);
    xb_catalog_set_free(set);
    return failed ? 1 : 0;
}
