/*
 * cmd_spool_show.c - `xborder spool show FILE...`: list the filing calls a
 * spool file holds, one line per frame, and say whether the file is whole,
 * ends in a torn frame (a warning: never acknowledged) or is damaged
 * (reported with the byte offset; nothing after it is trusted).
 *
 * Reads with the same chunked reader as the gateway's replay, so a spool
 * of any size is shown in constant memory.
 */
#include <stdio.h>
#include <string.h>

#include "cmd_spool.h"

typedef struct show_totals {
    size_t files, frames, torn, corrupt, unreadable;
} show_totals;

/* per file: what the summary line says */
typedef struct show_file {
    size_t frames, appends, checkpoints;
    char chain[256];
    size_t chain_len;
    bool one_chain;
    uint64_t first_seq, last_seq; /* of the appends */
} show_file;

static void note_call(show_file *sf, const xb_spool_call *call)
{
    sf->frames++;
    if (call->cmd.script == XB_FILING_APPEND) {
        if (!sf->appends)
            sf->first_seq = call->seq;
        sf->last_seq = call->seq;
        sf->appends++;
    } else {
        sf->checkpoints++;
    }
    if (sf->frames == 1) {
        sf->chain_len = call->chain_len < sizeof(sf->chain) ? call->chain_len : sizeof(sf->chain);
        memcpy(sf->chain, call->chain, sf->chain_len);
        sf->one_chain = call->chain_len <= sizeof(sf->chain);
    } else if (sf->chain_len != call->chain_len ||
               memcmp(sf->chain, call->chain, sf->chain_len) != 0) {
        sf->one_chain = false;
    }
}

static void summary(const char *path, const show_file *sf, uint64_t bytes)
{
    printf("%s: %zu frame%s (%zu append%s, %zu checkpoint%s), %llu bytes", path, sf->frames,
           sf->frames == 1 ? "" : "s", sf->appends, sf->appends == 1 ? "" : "s",
           sf->checkpoints, sf->checkpoints == 1 ? "" : "s", (unsigned long long)bytes);
    if (sf->frames && sf->one_chain) {
        fputs(", chain ", stdout);
        xb_spool_print_escaped(stdout, sf->chain, sf->chain_len);
        if (sf->appends)
            printf(" records seq %llu..%llu", (unsigned long long)sf->first_seq,
                   (unsigned long long)sf->last_seq);
    } else if (sf->frames) {
        fputs(", several chains", stdout);
    }
    fputc('\n', stdout);
}

static void show_one(const char *path, show_totals *t)
{
    char err[512] = "";
    xb_spool_reader rd;
    t->files++;
    if (xb_spool_reader_open(&rd, path, 0, err, sizeof(err)) != XB_OK) {
        fprintf(stderr, "xborder spool show: %s\n", err);
        t->unreadable++;
        return;
    }
    printf("== %s\n", path);
    show_file sf;
    memset(&sf, 0, sizeof(sf));
    xb_spool_frame frame;
    memset(&frame, 0, sizeof(frame));
    xb_spool_call call;
    xb_filing_cmd_init(&call.cmd);
    xb_spool_parse_status ps;
    uint64_t at = 0;
    while ((ps = xb_spool_reader_next(&rd, &frame, err, sizeof(err))) == XB_SPOOL_FRAME) {
        if (xb_spool_call_from_frame(&call, &frame, err, sizeof(err)) != XB_OK) {
            ps = XB_SPOOL_CORRUPT;
            break;
        }
        printf("%llu ", (unsigned long long)at);
        xb_spool_call_describe(&call, stdout);
        fputc('\n', stdout);
        note_call(&sf, &call);
        at = xb_spool_reader_offset(&rd);
    }
    summary(path, &sf, at);
    if (ps == XB_SPOOL_CORRUPT) {
        fprintf(stderr,
                "xborder spool show: %s: corrupt at byte %llu: %s (the %zu frames before it "
                "are intact; nothing after it is read)\n",
                path, (unsigned long long)at, err, sf.frames);
        t->corrupt++;
    } else if (rd.torn) {
        fprintf(stderr,
                "xborder spool show: warning: %s: torn last frame at byte %llu (cut by a "
                "crash while being written, never acknowledged: its transfer did not leave; "
                "replay ignores it)\n",
                path, (unsigned long long)at);
        t->torn++;
    }
    t->frames += sf.frames;
    xb_filing_cmd_free(&call.cmd);
    xb_spool_frame_free(&frame);
    xb_spool_reader_close(&rd);
}

int xb_spool_show_main(int argc, char **argv)
{
    if (argc < 2 || (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))) {
        fprintf(argc < 2 ? stderr : stdout, "usage: xborder spool show FILE...\n"
                                            "('xborder spool --help' says more)\n");
        return argc < 2 ? 2 : 0;
    }
    show_totals t;
    memset(&t, 0, sizeof(t));
    for (int i = 1; i < argc; i++)
        show_one(argv[i], &t);
    if (t.files > 1)
        printf("total: %zu files, %zu frames, %zu torn, %zu corrupt, %zu unreadable\n", t.files,
               t.frames, t.torn, t.corrupt, t.unreadable);
    return t.corrupt || t.unreadable ? 1 : 0;
}
