/*
 * cmd_rules.c - `xborder rules`: the compliance officer's tools for rule
 * catalogs. Dispatches to check (schema + meaning), test (embedded examples
 * through the real engine), list (what the catalogs contain) and import
 * (spreadsheet of an official list -> catalog file).
 */
#include <stdio.h>
#include <string.h>

#include "cli/xb_cli.h"
#include "rules_tools.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: xborder rules <command> [options]\n\n"
            "commands:\n"
            "  check   validate catalogs against the schema and for meaning\n"
            "  test    run every embedded example through the engine\n"
            "  list    print the entries of catalogs (id, level, route, provenance)\n"
            "  import  turn a CSV export of an official list into a catalog file\n\n"
            "'xborder rules <command> --help' describes a command.\n"
            "Catalog format: README.md, Rule catalog format; default catalogs: %s\n",
            xb_cli_default_rules());
}

int xb_cmd_rules(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 1;
    }
    const char *sub = argv[1];
    if (!strcmp(sub, "--help") || !strcmp(sub, "-h") || !strcmp(sub, "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(sub, "check"))
        return xb_rules_check(argc - 1, argv + 1);
    if (!strcmp(sub, "test"))
        return xb_rules_test(argc - 1, argv + 1);
    if (!strcmp(sub, "list"))
        return xb_rules_list(argc - 1, argv + 1);
    if (!strcmp(sub, "import"))
        return xb_rules_import(argc - 1, argv + 1);
    fprintf(stderr, "xborder rules: unknown command '%s'\n", sub);
    usage(stderr);
    return 1;
}
