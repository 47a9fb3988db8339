/*
 * rp_entry.h - stream entries exactly as filed, as the reporting tools read
 * them from Redis (docs/redis-layout.md) or from an exported file.
 *
 * Fields are kept as the text that was filed: verification must look at the
 * stored bytes, never at a re-encoding of them. All pointers are valid only
 * during the callback that receives the entry; absent fields are "".
 */
#ifndef RP_ENTRY_H
#define RP_ENTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One entry of <prefix>records. */
typedef struct rp_entry {
    const char *id;     /* stream entry id ("1763812224123-0") */
    const char *chain;
    const char *seq;    /* decimal text */
    const char *hash;   /* hex SHA-256 of rec, as stored next to it */
    const char *rec;    /* canonical record text */
    size_t rec_len;
} rp_entry;

/* One entry of <prefix>checkpoints. */
typedef struct rp_checkpoint {
    const char *id;
    const char *chain;
    const char *seq;
    const char *hash;
    const char *cp;     /* canonical checkpoint text (what is signed) */
    const char *sig;    /* Ed25519 signature of cp, hex */
    const char *key_id;
} rp_checkpoint;

/*
 * Receives entries. Each callback returns 0 to go on, 1 to stop reading
 * (not an error) or -1 to abort with an error. A NULL callback skips that
 * kind of entry.
 */
typedef struct rp_visitor {
    void *ctx;
    int (*record)(void *ctx, const rp_entry *e);
    int (*checkpoint)(void *ctx, const rp_checkpoint *c);
    /* value is "<seq> <hash>" as in <prefix>heads */
    int (*head)(void *ctx, const char *chain, const char *value);
} rp_visitor;

/* Parse a decimal sequence number ("17"); false unless it is all digits,
 * without a leading zero, and fits. */
bool rp_parse_seq(const char *s, uint64_t *out);

/* Time in ms of a stream entry id ("1763812224123-0"); false when not one. */
bool rp_stream_id_ms(const char *id, int64_t *ms);

/* Compare two stream ids numerically (<0, 0, >0); malformed ids sort first. */
int rp_stream_id_cmp(const char *a, const char *b);

#endif
