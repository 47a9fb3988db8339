/*
 * rp_tally.h - counters keyed by a string (a country, a recipient, a data
 * category, a day): the building block of the report's breakdowns. Lookups
 * go through a hash index, so a report over millions of records costs one
 * hash per breakdown per record; memory grows with the number of distinct
 * keys only.
 */
#ifndef RP_TALLY_H
#define RP_TALLY_H

#include <stddef.h>
#include <stdint.h>

typedef struct rp_tally_item {
    char *key;
    char *label;            /* display text (first one given), never NULL */
    uint64_t transfers;
    uint64_t blocked;       /* of which blocked */
    uint64_t bytes;         /* bytes sent */
    uint64_t data_records;  /* records (rows) in the bodies */
    uint64_t findings;      /* findings of a category */
    uint64_t subjects;      /* individuals in the transfers */
} rp_tally_item;

typedef struct rp_tally {
    rp_tally_item *items;
    size_t n, cap;
    size_t *slots;          /* hash index: item index + 1, 0 = empty */
    size_t n_slots;
} rp_tally;

/* The item for key, created (with label, or key when label is NULL or "")
 * when absent. NULL on allocation failure. Pointers are invalidated by the
 * next rp_tally_get. */
rp_tally_item *rp_tally_get(rp_tally *t, const char *key, const char *label);
/* Sort by transfers (descending), then key. The index is rebuilt. */
void rp_tally_sort_by_count(rp_tally *t);
/* Sort by key (ascending). */
void rp_tally_sort_by_key(rp_tally *t);
void rp_tally_free(rp_tally *t);

#endif
