/*
 * xborder.c - the `xborder` command-line tool: dispatches to subcommands.
 */
#include <stdio.h>
#include <string.h>

#include "cli/xb_cli.h"

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} xb_command;

static const xb_command commands[] = {
    {"scan", xb_cmd_scan, "classify a body offline and print the findings"},
    {"rules", xb_cmd_rules, "check, test and import rule catalogs"},
    {"policy", xb_cmd_policy, "validate a policy file"},
    {"decide", xb_cmd_decide, "what would the gateway decide for this file"},
    {"keygen", xb_cmd_keygen, "create signing, watermark and counting keys"},
    {"report", xb_cmd_report, "summarise filed transfers: HTML, CSV or JSON; FTZ reports due"},
    {"verify", xb_cmd_verify, "prove the filed records complete and unaltered"},
    {"trace", xb_cmd_trace, "find and authenticate the watermark of a leaked copy"},
    {"spool", xb_cmd_spool, "show and replay the filing spool files (Redis was down)"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: xborder <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n'xborder <command> --help' describes a command.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 1;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "xborder: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 1;
}
