/*
 * rp_verify.h - the chain verifier behind `xborder verify`: given the
 * checkpoints, the heads and the record entries exactly as filed, it proves
 * that every record is intact, in place and complete, or names each record
 * that is not.
 *
 * What is checked (docs/redis-layout.md, classifier/record/xb_record.h):
 *   - every record's hash is recomputed from its exact canonical text and
 *     compared with the hash stored next to it;
 *   - every record's prev_hash is the hash of the previous record of its
 *     chain (64 zeros for seq 1), so a record altered together with its
 *     stored hash still breaks the link to its successor;
 *   - sequence numbers are continuous per chain: gaps, duplicates and
 *     records filed out of order are named;
 *   - every checkpoint's Ed25519 signature, that its entry fields agree with
 *     its signed text, and that the signed hash is the hash of the record
 *     with that seq;
 *   - the heads: the last record of every chain is the head, no record lies
 *     beyond it, no chain is missing from it.
 *
 * Use: create, feed every checkpoint (rp_verifier_checkpoint), the heads,
 * optionally per-chain scopes (windows), then the record entries in stream
 * order, then finish. Memory is bounded by the number of chains,
 * checkpoints and gaps, not by the number of records: records are checked
 * as they stream past.
 *
 * Windows: a chain scoped to [from, to] is verified from seq `from`, whose
 * prev_hash must equal the hash signed by a valid checkpoint at seq
 * from - 1 (or the genesis hash when from is 1). The caller picks `from`
 * as one past the last valid checkpoint before the window, so a window is
 * always anchored by a signature.
 */
#ifndef RP_VERIFY_H
#define RP_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classifier/record/xb_sign.h"
#include "rp_entry.h"

typedef enum rp_problem_kind {
    RP_PROBLEM_ALTERED = 0,  /* content differs from what was chained/signed */
    RP_PROBLEM_MISSING,      /* sequence numbers absent */
    RP_PROBLEM_INSERTED,     /* a record that the chain does not account for */
    RP_PROBLEM_REORDERED,    /* a record filed out of its place */
    RP_PROBLEM_FORGED,       /* a checkpoint that does not verify */
    RP_PROBLEM_MALFORMED,    /* an entry that cannot be read at all */
    RP_PROBLEM_UNANCHORED    /* a window start no signature vouches for */
} rp_problem_kind;

const char *rp_problem_kind_name(rp_problem_kind k); /* "altered", "missing", ... */

typedef struct rp_problem {
    rp_problem_kind kind;
    char *chain;
    uint64_t seq;       /* first sequence number concerned (0: none) */
    char *message;      /* one line: "chain gw1/0: record seq 17 (stream id ...) altered: ..." */
} rp_problem;

typedef struct rp_verify_stats {
    size_t records;           /* record entries checked */
    size_t records_skipped;   /* outside the scope (window) */
    size_t chains;
    size_t checkpoints;       /* checkpoint entries seen */
    size_t checkpoints_valid; /* with a good signature */
    size_t checkpoints_matched; /* whose signed hash was found on its record */
} rp_verify_stats;

typedef struct rp_verifier rp_verifier;

/* keys: the gateway public keys checkpoints may be signed with (borrowed). */
rp_verifier *rp_verifier_new(xb_key *const *keys, size_t n_keys);
void rp_verifier_free(rp_verifier *v);

/* Feed every checkpoint before the first record. */
xb_status rp_verifier_checkpoint(rp_verifier *v, const rp_checkpoint *c);
/* A head: value "<seq> <hash>" as in <prefix>heads. */
xb_status rp_verifier_head(rp_verifier *v, const char *chain, const char *value);
/* Verify chain only for seq in [from, to] (to 0: to the end). */
xb_status rp_verifier_scope(rp_verifier *v, const char *chain, uint64_t from, uint64_t to);
/* When set, chains without a scope are skipped (a window in which they have
 * no records). */
void rp_verifier_scoped_only(rp_verifier *v, bool on);
/* When set (exported files), a chain whose first record is seq s > 1 is
 * accepted when a valid checkpoint at seq s - 1 signs its prev_hash: the
 * export starts at a checkpoint. Otherwise every chain must start at seq 1
 * (or at its scope). */
void rp_verifier_anchored_starts(rp_verifier *v, bool on);
/* One record entry, in stream order. */
xb_status rp_verifier_record(rp_verifier *v, const rp_entry *e);
/* End of the input. heads_complete: the records read reach the heads (the
 * whole stream up to the snapshot the heads were read in), so the ends of
 * the chains can be checked against them. */
xb_status rp_verifier_finish(rp_verifier *v, bool heads_complete);

/* Problems, ordered by chain and sequence number. */
size_t rp_verifier_problem_count(const rp_verifier *v);
const rp_problem *rp_verifier_problem_at(const rp_verifier *v, size_t i);
/* Observations that are not failures (records not yet covered by a
 * checkpoint, chains skipped). */
size_t rp_verifier_note_count(const rp_verifier *v);
const char *rp_verifier_note_at(const rp_verifier *v, size_t i);
const rp_verify_stats *rp_verifier_stats(const rp_verifier *v);

/* The hash a valid checkpoint signed for seq of chain; NULL when no valid
 * checkpoint of that chain has that seq. */
const char *rp_verifier_checkpoint_hash(const rp_verifier *v, const char *chain, uint64_t seq);
/* The largest seq < below (0: any) of a valid checkpoint of chain; 0 when
 * none. Used to anchor windows. */
uint64_t rp_verifier_checkpoint_before(const rp_verifier *v, const char *chain, uint64_t below);
/* The smallest seq >= at_least of a valid checkpoint of chain; 0 when none. */
uint64_t rp_verifier_checkpoint_from(const rp_verifier *v, const char *chain, uint64_t at_least);

#endif
