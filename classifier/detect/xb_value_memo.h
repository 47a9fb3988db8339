/*
 * xb_value_memo.h - remember, for one scan, values that were classified
 * clean, so that a repeated value is not classified again.
 *
 * Export bodies repeat themselves: every record carries the same status,
 * currency, product title, channel or canned note. Detection of a value
 * depends only on its field name, its bytes, its kind and whether it is a
 * segment (xb_value), except where the caller says it consulted state
 * beyond them (pending coordinate pairs, a full provisional list): such
 * values are never remembered. A value is remembered only after it was
 * seen twice, so unique values (order numbers, timestamps) cost one hash
 * and no copy.
 *
 * The memo stores the bytes it compares, not only a hash: a hit is an
 * exact match of field, value, kind and segment flag, never a collision.
 * Memory is bounded (XB_MEMO_SLOTS slots, XB_MEMO_POOL bytes of keys), taken
 * on first use; when the pool is full the memo stops learning but keeps
 * answering.
 */
#ifndef XB_VALUE_MEMO_H
#define XB_VALUE_MEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XB_MEMO_SLOTS 512        /* power of two */
#define XB_MEMO_POOL (64 * 1024) /* bytes of remembered field names and values */
#define XB_MEMO_MAX_VALUE 512    /* longer values are not remembered */

typedef struct xb_memo_slot {
    uint64_t hash;   /* 0 = empty */
    uint32_t off;    /* key bytes in the pool, when stored */
    uint16_t flen;   /* field name length */
    uint16_t vlen;   /* value length */
    uint8_t tag;     /* kind and segment flag */
    bool stored;     /* false: seen once (hash only) */
} xb_memo_slot;

typedef struct xb_value_memo {
    xb_memo_slot *slots; /* NULL until first use */
    char *pool;
    size_t pool_len, pool_cap;
    uint64_t hits, stores;
} xb_value_memo;

/* The identity of one value for the memo. */
typedef struct xb_memo_key {
    const char *field;
    size_t flen;
    const uint8_t *value;
    size_t vlen;
    uint8_t tag;     /* caller's encoding of kind and segment flag */
    uint64_t field_hash; /* xb_hash64(field, flen, 0), set by the caller
                            (detection hashes the field name once per value) */
    uint64_t hash;   /* xb_memo_key_hash() */
} xb_memo_key;

/* Fill k->hash from k->field_hash and the value; returns false when the
 * value is too long to remember. */
bool xb_memo_key_hash(xb_memo_key *k);

/* True when the value was remembered as clean. */
bool xb_memo_clean(xb_value_memo *m, const xb_memo_key *k);

/* The value was classified clean without consulting other state: remember
 * it (its hash on first sight, its bytes on the second). */
void xb_memo_note_clean(xb_value_memo *m, const xb_memo_key *k);

void xb_memo_free(xb_value_memo *m);

/* A fast 64-bit hash of n bytes (not keyed: the memo compares bytes). */
uint64_t xb_hash64(const void *p, size_t n, uint64_t seed);

#endif
