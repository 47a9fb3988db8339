/*
 * rules_check.c - `xborder rules check FILE|DIR...`: load catalogs exactly as
 * the gateway does (schema, then meaning) and print every problem as
 * "file:line: message". Nothing else is needed to vet a catalog before it
 * is deployed; nginx -t runs the same loader.
 *
 * Exit status: 0 when every catalog loaded cleanly, 1 otherwise.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/xb_cli.h"
#include "rules_tools.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: xborder rules check [--quiet] [FILE|DIR]...\n\n"
            "Validate rule catalogs against the catalog schema and for meaning (unknown\n"
            "detectors, patterns that do not compile, thresholds without basis or route,\n"
            "undeclared switches, duplicate ids across all files, ...). A directory\n"
            "loads its *.xml files in name order. Without arguments the default\n"
            "catalogs are checked (%s).\n\n"
            "  --quiet   print nothing when the catalogs are fine\n\n"
            "Problems are printed as file:line: message.\n"
            "exit status: 0 fine, 1 any problem\n",
            xb_cli_default_rules());
}

int xb_rules_check(int argc, char **argv)
{
    static const struct option opts[] = {
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool quiet = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
        if (c == 'q') {
            quiet = true;
        } else if (c == 'h') {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 1;
        }
    }
    const char *def = xb_cli_default_rules();
    const char *const *paths = (const char *const *)argv + optind;
    size_t n = (size_t)(argc - optind);
    if (n == 0) {
        paths = &def;
        n = 1;
    }
    xb_diags diags = {0};
    xb_catalog_set *set = NULL;
    if (xb_catalog_set_load(paths, n, &set, &diags) != XB_OK) {
        xb_cli_print_diags(stderr, &diags);
        fprintf(stderr, "%zu problem%s found\n", diags.n, diags.n == 1 ? "" : "s");
        xb_diags_free(&diags);
        return 1;
    }
    xb_diags_free(&diags);
    size_t entries = 0, examples = 0;
    for (size_t i = 0; i < set->n; i++) {
        entries += set->catalogs[i]->n_entries;
        for (size_t k = 0; k < set->catalogs[i]->n_entries; k++)
            examples += set->catalogs[i]->entries[k].n_examples;
    }
    if (!quiet)
        printf("ok: %zu catalog%s, %zu entries, %zu examples\n", set->n,
               set->n == 1 ? "" : "s", entries, examples);
    xb_catalog_set_free(set);
    return 0;
}
