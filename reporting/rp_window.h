/*
 * rp_window.h - which records to read for a time window, so that what is
 * read can be verified on its own.
 *
 * A window selects records by filing time: the time part of their stream
 * entry id, which Redis assigns when the record is appended (a transfer is
 * filed before its data leaves, so filing time is the transfer time except
 * for records replayed from a gateway's spool after a Redis outage, which
 * are filed later).
 *
 * A record can only be verified from something trusted before it: the
 * genesis hash (seq 1) or the hash signed by a checkpoint. So for every
 * chain with records in the window the plan starts at the record right
 * after the last checkpoint before the window's first record (or at seq 1)
 * - the lead-in - and ends at the first checkpoint at or after the
 * window's last record (or at the head), so the window's last records are
 * covered by a signature too. The lead-in is found by reading the stream
 * backwards from the window start; the plan's start id is the oldest entry
 * any chain needs.
 */
#ifndef RP_WINDOW_H
#define RP_WINDOW_H

#include <stddef.h>
#include <stdint.h>

#include "rp_source.h"

/* Checkpoint lookups the plan is built on (valid checkpoints for verify,
 * any checkpoint for an export). Both return 0 when there is none. */
typedef struct rp_cp_lookup {
    void *ctx;
    uint64_t (*before)(void *ctx, const char *chain, uint64_t below); /* largest seq < below */
    uint64_t (*from)(void *ctx, const char *chain, uint64_t at_least); /* smallest seq >= */
} rp_cp_lookup;

typedef struct rp_window_chain {
    char *chain;
    uint64_t first, last; /* seq range of its records filed in the window */
    uint64_t from;        /* verification starts here (anchor + 1, or 1) */
    uint64_t to;          /* and ends here (a checkpoint seq), 0 = at the head */
    bool lead_in_found;   /* the record with seq `from` was located */
} rp_window_chain;

typedef struct rp_window_plan {
    rp_window_chain *chains;
    size_t n_chains;
    char start_id[48];    /* read records from this stream id ("" = from the start) */
} rp_window_plan;

/*
 * Plan a window [from_id, to_id] of stream ids on a Redis source, reading no
 * further than last_id (the snapshot; "" = the stream is empty). Returns 0,
 * or -1 with a message.
 */
int rp_window_plan_make(rp_source *s, const char *from_id, const char *to_id,
                        const char *last_id, const rp_cp_lookup *cps, rp_window_plan *plan,
                        char *err, size_t err_size);
void rp_window_plan_free(rp_window_plan *plan);

/* The plan entry of a chain, or NULL. */
const rp_window_chain *rp_window_find(const rp_window_plan *plan, const char *chain);

/* Stream ids bounding a window given in ms: "<from>-0" and
 * "<to>-18446744073709551615". */
void rp_window_ids(int64_t from_ms, int64_t to_ms, char from_id[48], char to_id[48]);

/* A checkpoint index for rp_cp_lookup over any checkpoint entries (used
 * where no key is at hand, e.g. to decide what an export must include). */
typedef struct rp_cp_index rp_cp_index;
rp_cp_index *rp_cp_index_new(void);
void rp_cp_index_free(rp_cp_index *x);
int rp_cp_index_add(void *x, const rp_checkpoint *c); /* an rp_visitor callback */
rp_cp_lookup rp_cp_index_lookup(rp_cp_index *x);

#endif
