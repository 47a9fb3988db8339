/*
 * xb_form_keys.h - what a decoded form key says about its value: the field
 * name and the record.
 *
 * Form keys often carry structure written by web frameworks: PHP/Rails
 * brackets (users[3][idNo]) or dots (users.3.idNo). The field is the last
 * name in the key that is not an index (idNo); a key whose first index is
 * numeric belongs to a record: the pair (array name, index), here
 * ("users", 3), numbered 0, 1, 2 ... in order of first appearance in the
 * body, so that records are unique across arrays and revisits. The pairs
 * seen are kept per array name in a dense table indexed by the index when
 * the indexes are small (the usual 0, 1, 2 ...; sequential, cache-friendly)
 * and in a hash table otherwise. Memory grows with the number of records and
 * is bounded: more than XBF_MAX_RECORDS pairs is refused, and dense tables
 * hold at most a few cells per record.
 */
#ifndef XB_FORM_KEYS_H
#define XB_FORM_KEYS_H

#include "../core/xb_buf.h"

/* Distinct (array name, index) pairs accepted in one body. */
#define XBF_MAX_RECORDS 262144

typedef struct xbf_key_info {
    size_t field_off;   /* field = key[field_off .. field_off + field_len) */
    size_t field_len;
    bool has_index;     /* the key has a numeric index */
    size_t name_len;    /* array name = key[0 .. name_len) */
    uint64_t index;
} xbf_key_info;

/* Analyse decoded key k[0..n). */
void xbf_key_analyse(const uint8_t *k, size_t n, xbf_key_info *out);

typedef struct xbf_name {
    uint64_t hash;
    size_t off;         /* into name_bytes */
    size_t len;
    uint32_t *dense;    /* record + 1 by index, 0 when unseen */
    size_t dense_cap;
    size_t n_hashed;    /* pairs of this name in the hash table */
} xbf_name;

typedef struct xbf_pair {
    uint64_t index;
    uint32_t name_id;   /* 1-based; 0 marks an empty slot */
    uint32_t record;
} xbf_pair;

typedef struct xbf_records {
    xb_buf name_bytes;
    xbf_name *names;
    size_t n_names;
    size_t names_cap;
    uint32_t *name_slots; /* open addressing: name id (1-based) or 0 */
    size_t name_slots_cap;
    xbf_pair *pairs;      /* open addressing */
    size_t pairs_cap;
    size_t n_pairs;      /* pairs in the hash table */
    size_t n_records;    /* all pairs */
    size_t dense_cells;  /* cells of all dense tables */
    /* the last pair looked up: consecutive keys usually share it */
    uint32_t last_id;     /* 0: none */
    uint64_t last_index;
    int64_t last_record;
} xbf_records;

void xbf_records_init(xbf_records *r);
void xbf_records_free(xbf_records *r);

/* Record number of (name, index): an existing one or the next free one.
 * XB_ERR_LIMIT after XBF_MAX_RECORDS pairs, XB_ERR_NOMEM. */
xb_status xbf_records_get(xbf_records *r, const uint8_t *name, size_t name_len,
                          uint64_t index, int64_t *record);

#endif
