/* rp_tally.c - string-keyed counters with a hash index; see rp_tally.h. */
#include "rp_tally.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static bool reindex(rp_tally *t, size_t n_slots)
{
    size_t *slots = calloc(n_slots, sizeof(*slots));
    if (!slots)
        return false;
    for (size_t i = 0; i < t->n; i++) {
        size_t s = fnv1a(t->items[i].key) & (n_slots - 1);
        while (slots[s])
            s = (s + 1) & (n_slots - 1);
        slots[s] = i + 1;
    }
    free(t->slots);
    t->slots = slots;
    t->n_slots = n_slots;
    return true;
}

rp_tally_item *rp_tally_get(rp_tally *t, const char *key, const char *label)
{
    if (!t->n_slots && !reindex(t, 16))
        return NULL;
    size_t s = fnv1a(key) & (t->n_slots - 1);
    while (t->slots[s]) {
        rp_tally_item *it = &t->items[t->slots[s] - 1];
        if (!strcmp(it->key, key))
            return it;
        s = (s + 1) & (t->n_slots - 1);
    }
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        rp_tally_item *p = realloc(t->items, cap * sizeof(*p));
        if (!p)
            return NULL;
        t->items = p;
        t->cap = cap;
    }
    rp_tally_item *it = &t->items[t->n];
    memset(it, 0, sizeof(*it));
    it->key = strdup(key);
    it->label = strdup(label && *label ? label : key);
    if (!it->key || !it->label) {
        free(it->key);
        free(it->label);
        return NULL;
    }
    t->slots[s] = ++t->n;
    if (t->n * 2 > t->n_slots && !reindex(t, t->n_slots * 2))
        return NULL;
    return &t->items[t->n - 1];
}

static int by_count(const void *a, const void *b)
{
    const rp_tally_item *x = a, *y = b;
    if (x->transfers != y->transfers)
        return x->transfers > y->transfers ? -1 : 1;
    return strcmp(x->key, y->key);
}

static int by_key(const void *a, const void *b)
{
    return strcmp(((const rp_tally_item *)a)->key, ((const rp_tally_item *)b)->key);
}

void rp_tally_sort_by_count(rp_tally *t)
{
    if (t->n > 1)
        qsort(t->items, t->n, sizeof(rp_tally_item), by_count);
    if (t->n_slots)
        reindex(t, t->n_slots);
}

void rp_tally_sort_by_key(rp_tally *t)
{
    if (t->n > 1)
        qsort(t->items, t->n, sizeof(rp_tally_item), by_key);
    if (t->n_slots)
        reindex(t, t->n_slots);
}

void rp_tally_free(rp_tally *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->items[i].key);
        free(t->items[i].label);
    }
    free(t->items);
    free(t->slots);
    memset(t, 0, sizeof(*t));
}
