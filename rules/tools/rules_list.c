/*
 * rules_list.c - `xborder rules list [FILE|DIR]...`: print what the catalogs
 * contain, one entry per line (catalog, entry id, effective level with the
 * switches applied, route, threshold, provenance, Chinese name), so a
 * compliance officer can review the rule set the gateway will enforce.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cli/xb_cli.h"
#include "rules_tools.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: xborder rules list [--set SWITCH=on|off] [FILE|DIR]...\n\n"
            "Print every entry as: catalog, id, effective level, route, threshold,\n"
            "provenance, Chinese name (tab-separated). Without arguments the default\n"
            "catalogs are listed (%s).\n",
            xb_cli_default_rules());
}

static const char *basis_name(xb_threshold_basis b)
{
    switch (b) {
    case XB_THRESHOLD_GENERAL:
        return "general";
    case XB_THRESHOLD_SENSITIVE:
        return "sensitive";
    case XB_THRESHOLD_ANY:
        return "any";
    default:
        return "";
    }
}

int xb_rules_list(int argc, char **argv)
{
    static const struct option opts[] = {
        {"set", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *switches[32];
    size_t n_switches = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
        if (c == 's' && n_switches < 32) {
            switches[n_switches++] = optarg;
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
        xb_diags_free(&diags);
        return 1;
    }
    xb_diags_free(&diags);
    for (size_t i = 0; i < n_switches; i++) {
        char name[128];
        const char *eq = strchr(switches[i], '=');
        size_t k = eq ? (size_t)(eq - switches[i]) : strlen(switches[i]);
        if (k >= sizeof(name))
            k = sizeof(name) - 1;
        memcpy(name, switches[i], k);
        name[k] = '\0';
        bool on = !eq || !strcasecmp(eq + 1, "on");
        if (!xb_catalog_set_switch(set, name, on)) {
            fprintf(stderr, "xborder rules list: no catalog declares switch '%s'\n", name);
            xb_catalog_set_free(set);
            return 1;
        }
    }
    for (size_t ci = 0; ci < set->n; ci++) {
        const xb_catalog *cat = set->catalogs[ci];
        for (size_t i = 0; i < cat->n_entries; i++) {
            const xb_entry *e = &cat->entries[i];
            char threshold[64] = "";
            if (e->threshold)
                snprintf(threshold, sizeof(threshold), "%" PRIu64 "/%s", e->threshold,
                         basis_name(e->threshold_basis));
            printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", cat->id, e->id,
                   xb_level_name(xb_entry_level(e)), xb_route_name(e->route),
                   threshold[0] ? threshold : "-", xb_provenance_name(e->provenance),
                   e->name_zh ? e->name_zh : "");
        }
    }
    xb_catalog_set_free(set);
    return 0;
}
