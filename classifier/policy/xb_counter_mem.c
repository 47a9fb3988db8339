/*
 * xb_counter_mem.c - the in-memory counter of distinct individuals: exact
 * hash sets per (exporter USCC, year, class), serialised by one mutex. See
 * xb_counter.h for the contract. Used by `xborder decide` and the tests; a
 * gateway with several workers or nodes uses the Redis counter instead.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "xb_counter.h"

#define DEFAULT_MAX_SUBJECTS ((size_t)10 * 1000 * 1000)

/* Open-addressing set of 32-byte hashes. Identifier hashes are uniformly
 * random (HMAC output); record keys share their first 24 bytes within a
 * transfer and differ in the last 8, so the slot mixes both ends. */
typedef struct hashset {
    uint8_t (*keys)[XB_SUBJECT_HASH_LEN];
    uint8_t *used;
    size_t n, cap; /* cap is 0 or a power of two */
} hashset;

typedef struct bucket {
    char *uscc;
    int year;
    xb_subject_counts baseline;
    hashset set[2]; /* xb_subject_class */
    struct bucket *next;
} bucket;

typedef struct mem_counter {
    xb_counter base;
    pthread_mutex_t mu;
    bucket *buckets;
    size_t total;    /* hashes in all sets */
    size_t max;
} mem_counter;

static size_t slot0(const uint8_t *h, size_t cap)
{
    uint64_t head, tail;
    memcpy(&head, h, sizeof(head));
    memcpy(&tail, h + XB_SUBJECT_HASH_LEN - 8, sizeof(tail));
    uint64_t x = head ^ tail;
    /* splitmix64 finaliser: every input bit reaches the low bits */
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBull;
    return (size_t)(x ^ (x >> 31)) & (cap - 1);
}

static bool set_contains(const hashset *s, const uint8_t *h)
{
    if (s->cap == 0)
        return false;
    for (size_t i = slot0(h, s->cap);; i = (i + 1) & (s->cap - 1)) {
        if (!s->used[i])
            return false;
        if (!memcmp(s->keys[i], h, XB_SUBJECT_HASH_LEN))
            return true;
    }
}

/* Insert into a set with room (load < 1/2); returns true when added. */
static bool set_insert(hashset *s, const uint8_t *h)
{
    for (size_t i = slot0(h, s->cap);; i = (i + 1) & (s->cap - 1)) {
        if (!s->used[i]) {
            memcpy(s->keys[i], h, XB_SUBJECT_HASH_LEN);
            s->used[i] = 1;
            s->n++;
            return true;
        }
        if (!memcmp(s->keys[i], h, XB_SUBJECT_HASH_LEN))
            return false;
    }
}

/* Make room for `extra` more hashes at load <= 1/2. */
static bool set_reserve(hashset *s, size_t extra)
{
    size_t need = s->n + extra;
    if (need <= s->cap / 2)
        return true;
    size_t cap = s->cap ? s->cap : 64;
    while (cap / 2 < need)
        cap *= 2;
    hashset ns = {calloc(cap, XB_SUBJECT_HASH_LEN), calloc(cap, 1), 0, cap};
    if (!ns.keys || !ns.used) {
        free(ns.keys);
        free(ns.used);
        return false;
    }
    for (size_t i = 0; i < s->cap; i++)
        if (s->used[i])
            set_insert(&ns, s->keys[i]);
    free(s->keys);
    free(s->used);
    *s = ns;
    return true;
}

static bucket *find_bucket(mem_counter *m, const char *uscc, int year, bool create)
{
    for (bucket *b = m->buckets; b; b = b->next)
        if (b->year == year && !strcmp(b->uscc, uscc))
            return b;
    if (!create)
        return NULL;
    bucket *b = calloc(1, sizeof(*b));
    size_t n = strlen(uscc);
    if (!b || !(b->uscc = malloc(n + 1))) {
        free(b);
        return NULL;
    }
    memcpy(b->uscc, uscc, n + 1);
    b->year = year;
    b->next = m->buckets;
    m->buckets = b;
    return b;
}

static xb_subject_counts totals_of(const bucket *b)
{
    xb_subject_counts t = {0, 0};
    if (b) {
        t.general = b->baseline.general + b->set[XB_SUBJECT_GENERAL].n;
        t.sensitive = b->baseline.sensitive + b->set[XB_SUBJECT_SENSITIVE].n;
    }
    return t;
}

static xb_status mem_query(xb_counter *c, const char *uscc, int year, xb_subject *subjects,
                           size_t n, xb_counter_done done, void *arg)
{
    mem_counter *m = (mem_counter *)c;
    if (!uscc || (n && !subjects) || !done)
        return XB_ERR_INVALID;
    pthread_mutex_lock(&m->mu);
    const bucket *b = find_bucket(m, uscc, year, false);
    for (size_t i = 0; i < n; i++)
        subjects[i].is_new = !b || !set_contains(&b->set[subjects[i].cls & 1], subjects[i].hash);
    xb_subject_counts t = totals_of(b);
    pthread_mutex_unlock(&m->mu);
    done(arg, XB_OK, &t);
    return XB_OK;
}

static xb_status mem_commit(xb_counter *c, const char *uscc, int year,
                            const xb_subject *subjects, size_t n, const uint8_t *selected,
                            xb_counter_done done, void *arg)
{
    mem_counter *m = (mem_counter *)c;
    if (!uscc || (n && !subjects) || !done)
        return XB_ERR_INVALID;
    xb_status st = XB_OK;
    pthread_mutex_lock(&m->mu);
    bucket *b = find_bucket(m, uscc, year, true);
    size_t extra[2] = {0, 0};
    if (!b) {
        st = XB_ERR_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        if ((!selected || selected[i]) && !set_contains(&b->set[subjects[i].cls & 1],
                                                        subjects[i].hash))
            extra[subjects[i].cls & 1]++;
    if (m->total + extra[0] + extra[1] > m->max) {
        st = XB_ERR_LIMIT;
        goto out;
    }
    /* reserve first, so that the inserts below cannot fail half-way */
    if (!set_reserve(&b->set[0], extra[0]) || !set_reserve(&b->set[1], extra[1])) {
        st = XB_ERR_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        if (!selected || selected[i])
            m->total += set_insert(&b->set[subjects[i].cls & 1], subjects[i].hash);
out:;
    xb_subject_counts t = totals_of(b);
    pthread_mutex_unlock(&m->mu);
    done(arg, st, &t);
    return XB_OK;
}

static xb_status mem_set_baseline(xb_counter *c, const char *uscc, int year,
                                  const xb_subject_counts *baseline, xb_counter_done done,
                                  void *arg)
{
    mem_counter *m = (mem_counter *)c;
    if (!uscc || !baseline || !done)
        return XB_ERR_INVALID;
    pthread_mutex_lock(&m->mu);
    bucket *b = find_bucket(m, uscc, year, true);
    if (b)
        b->baseline = *baseline;
    xb_subject_counts t = totals_of(b);
    pthread_mutex_unlock(&m->mu);
    done(arg, b ? XB_OK : XB_ERR_NOMEM, &t);
    return XB_OK;
}

static void mem_destroy(xb_counter *c)
{
    mem_counter *m = (mem_counter *)c;
    for (bucket *b = m->buckets, *next; b; b = next) {
        next = b->next;
        for (int k = 0; k < 2; k++) {
            free(b->set[k].keys);
            free(b->set[k].used);
        }
        free(b->uscc);
        free(b);
    }
    pthread_mutex_destroy(&m->mu);
    free(m);
}

static const xb_counter_ops mem_ops = {
    .name = "memory",
    .query = mem_query,
    .commit = mem_commit,
    .set_baseline = mem_set_baseline,
    .destroy = mem_destroy,
};

xb_counter *xb_counter_mem_new(size_t max_subjects)
{
    mem_counter *m = calloc(1, sizeof(*m));
    if (!m)
        return NULL;
    if (pthread_mutex_init(&m->mu, NULL) != 0) {
        free(m);
        return NULL;
    }
    m->base.ops = &mem_ops;
    m->max = max_subjects ? max_subjects : DEFAULT_MAX_SUBJECTS;
    return &m->base;
}
