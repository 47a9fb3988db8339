/*
 * cmd_spool.h - the parts of `xborder spool` (cmd_spool*.c): the two
 * actions and the helpers they share to name a frame in messages.
 * Private to the subcommand; not part of libxborder.
 */
#ifndef XB_CMD_SPOOL_H
#define XB_CMD_SPOOL_H

#include <stdio.h>

#include "xb_filing.h"
#include "xb_spool.h"

/* `xborder spool show FILE...` (argv[0] is "show"). */
int xb_spool_show_main(int argc, char **argv);
/* `xborder spool replay --redis URL [--prefix P] DIR|FILE...`. */
int xb_spool_replay_main(int argc, char **argv);

/* The filing call a frame holds: rebuilt command and its position. */
typedef struct xb_spool_call {
    xb_filing_cmd cmd;
    const char *chain;   /* into cmd, chain_len bytes */
    size_t chain_len;
    uint64_t seq;
} xb_spool_call;

/* Rebuild the call of a frame; XB_ERR_INVALID (why in err) when the frame
 * is intact but is not an append or checkpoint call. */
xb_status xb_spool_call_from_frame(xb_spool_call *call, const xb_spool_frame *f, char *err,
                                   size_t err_size);

/* "append chain=C seq=N hash=H transfer=T" or
 * "checkpoint chain=C seq=N hash=H key_id=K", bytes of the chain that are
 * not printable written as \xNN. */
void xb_spool_call_describe(const xb_spool_call *call, FILE *out);
/* Print bytes with control characters and backslashes as \xNN. */
void xb_spool_print_escaped(FILE *out, const char *s, size_t n);

#endif
