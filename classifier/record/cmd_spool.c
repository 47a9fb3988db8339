/*
 * cmd_spool.c - `xborder spool`: the operator's tools for the filing spool
 * (classifier/record/xb_spool.h), the files a gateway writes when Redis is
 * down or slow. `show` lists what a spool holds and finds damage; `replay`
 * files it into Redis when nginx is gone and Redis is back. This file
 * dispatches and holds what both share; cmd_spool_show.c and
 * cmd_spool_replay.c do the work.
 */
#include <stdio.h>
#include <string.h>

#include "cli/xb_cli.h"
#include "cmd_spool.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: xborder spool show FILE...\n"
            "       xborder spool replay --redis URL [--prefix P] DIR|FILE...\n\n"
            "The spool holds the filing calls (records and checkpoints) a gateway could\n"
            "not send to Redis, one file per chain, <chain>.spool\n"
            "(docs/redis-layout.md, \"Spool files\").\n\n"
            "show    one line per frame: byte offset, script (append or checkpoint),\n"
            "        chain, seq, and the record hash or the checkpointed head hash;\n"
            "        then a summary per file. A torn last frame (cut by a crash, never\n"
            "        acknowledged) is a warning; a damaged frame is reported with its\n"
            "        file and byte offset.\n"
            "replay  send every frame, in file order, with EVALSHA (EVAL after\n"
            "        NOSCRIPT): OK = filed now, DUP = Redis already has it. A file stops\n"
            "        at its first GAP (Redis lacks earlier records of the chain) or\n"
            "        error, naming chain, seq and the head in Redis. A fully replayed\n"
            "        file is renamed <name>.replayed, unless another process (a live\n"
            "        nginx worker) holds its lock: then it is left in place. Files\n"
            "        already named *.replayed are skipped; a DIR is every *.spool in\n"
            "        it. Replaying twice is harmless: everything is DUP.\n\n"
            "  --redis URL   redis://[user:password@]host[:port][/db] or unix:///path\n"
            "  --prefix P    key prefix the spool was written with (default xborder:);\n"
            "                frames writing keys outside it are refused\n\n"
            "exit status: 0 all good (torn tails are warnings), 1 damage, a GAP or a\n"
            "Redis error, 2 usage or Redis unreachable\n");
}

int xb_cmd_spool(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "show"))
        return xb_spool_show_main(argc - 1, argv + 1);
    if (!strcmp(argv[1], "replay"))
        return xb_spool_replay_main(argc - 1, argv + 1);
    fprintf(stderr, "xborder spool: unknown action '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}

xb_status xb_spool_call_from_frame(xb_spool_call *call, const xb_spool_frame *f, char *err,
                                   size_t err_size)
{
    xb_status st = xb_filing_cmd_from_args(&call->cmd, f->script, f->n_keys, f->n_args,
                                           f->args, f->lens);
    if (st == XB_OK)
        st = xb_filing_cmd_position(&call->cmd, &call->chain, &call->chain_len, &call->seq);
    if (st == XB_ERR_INVALID)
        snprintf(err, err_size, "intact frame that is not a filing call (%zu keys, %zu "
                 "arguments, or no chain and seq)", f->n_keys, f->n_args);
    else if (st != XB_OK)
        snprintf(err, err_size, "%s", xb_status_name(st));
    return st;
}

void xb_spool_print_escaped(FILE *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f || c == '\\')
            fprintf(out, "\\x%02x", c);
        else
            fputc(c, out);
    }
}

/* ARGV[i] (1-based, after the keys) of a call, "" when absent */
static void print_arg(FILE *out, const xb_filing_cmd *cmd, size_t i)
{
    size_t at = 3 + cmd->n_keys + i - 1;
    if (at < (size_t)cmd->argc)
        xb_spool_print_escaped(out, cmd->argv[at], cmd->argvlen[at]);
}

void xb_spool_call_describe(const xb_spool_call *call, FILE *out)
{
    bool append = call->cmd.script == XB_FILING_APPEND;
    fputs(append ? "append chain=" : "checkpoint chain=", out);
    xb_spool_print_escaped(out, call->chain, call->chain_len);
    fprintf(out, " seq=%llu hash=", (unsigned long long)call->seq);
    /* append: ARGV chain seq prev hash rec tid ...; checkpoint: chain seq
     * hash cp sig key_id */
    print_arg(out, &call->cmd, append ? 4 : 3);
    fputs(append ? " transfer=" : " key_id=", out);
    print_arg(out, &call->cmd, 6);
}
