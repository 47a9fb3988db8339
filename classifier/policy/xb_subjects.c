/*
 * xb_subjects.c - candidate subjects of a transfer and their selection under
 * a mask; see xb_subjects.h for the counting rules.
 *
 * Layout: the findings about individuals (level PI or sensitive PI) are
 * grouped by record. For every identifier finding we keep the subject it
 * would be in each class present in its record, and for every record the
 * subject of its record key; distinct (class, hash) pairs are interned in a
 * small open-addressing table, so repeated people cost one entry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "xb_subjects.h"

#define NO_SUBJECT UINT32_MAX

typedef struct record_group {
    int64_t record;
    uint32_t start, end;           /* range in index->order */
    uint32_t record_subject[2];    /* per class, NO_SUBJECT if class absent */
} record_group;

struct xb_subjects_index {
    uint32_t *order;               /* relevant finding indices, by record */
    uint32_t (*subject)[2];        /* per order slot: subject per class */
    size_t n_order;
    record_group *groups;
    size_t n_groups;
    size_t n_findings;             /* findings the index was built for */
};

/* ---- keyed hashing ------------------------------------------------------ */

/* HMAC-SHA256 (RFC 2104) with the inner and outer states computed once per
 * key: each message then costs two state copies and two short digests. */
typedef struct hmac {
    EVP_MD *md;
    EVP_MD_CTX *inner, *outer, *work;
} hmac;

#define HMAC_BLOCK 64

static bool hmac_open(hmac *h, const uint8_t *key, size_t key_len)
{
    uint8_t k[HMAC_BLOCK] = {0}, pad[HMAC_BLOCK];
    bool ok = false;
    h->md = EVP_MD_fetch(NULL, "SHA256", NULL);
    h->inner = EVP_MD_CTX_new();
    h->outer = EVP_MD_CTX_new();
    h->work = EVP_MD_CTX_new();
    if (!h->md || !h->inner || !h->outer || !h->work)
        goto out;
    if (key_len > HMAC_BLOCK) {
        unsigned int n = 0;
        if (!EVP_Digest(key, key_len, k, &n, h->md, NULL))
            goto out;
    } else if (key_len) {
        memcpy(k, key, key_len);
    }
    for (int i = 0; i < HMAC_BLOCK; i++)
        pad[i] = k[i] ^ 0x36;
    if (!EVP_DigestInit_ex(h->inner, h->md, NULL) || !EVP_DigestUpdate(h->inner, pad, HMAC_BLOCK))
        goto out;
    for (int i = 0; i < HMAC_BLOCK; i++)
        pad[i] = k[i] ^ 0x5c;
    ok = EVP_DigestInit_ex(h->outer, h->md, NULL) && EVP_DigestUpdate(h->outer, pad, HMAC_BLOCK);
out:
    OPENSSL_cleanse(k, sizeof(k));
    OPENSSL_cleanse(pad, sizeof(pad));
    return ok;
}

static void hmac_close(hmac *h)
{
    EVP_MD_CTX_free(h->inner);
    EVP_MD_CTX_free(h->outer);
    EVP_MD_CTX_free(h->work);
    EVP_MD_free(h->md);
    memset(h, 0, sizeof(*h));
}

/* HMAC of the concatenation of up to three parts. */
static bool hmac_parts(hmac *h, const void *a, size_t na, const void *b, size_t nb,
                       const void *c, size_t nc, uint8_t out[XB_SUBJECT_HASH_LEN])
{
    uint8_t ih[XB_SUBJECT_HASH_LEN];
    unsigned int n1 = 0, n2 = 0;
    return EVP_MD_CTX_copy_ex(h->work, h->inner) && EVP_DigestUpdate(h->work, a, na) &&
           (nb == 0 || EVP_DigestUpdate(h->work, b, nb)) &&
           (nc == 0 || EVP_DigestUpdate(h->work, c, nc)) &&
           EVP_DigestFinal_ex(h->work, ih, &n1) && n1 == XB_SUBJECT_HASH_LEN &&
           EVP_MD_CTX_copy_ex(h->work, h->outer) && EVP_DigestUpdate(h->work, ih, n1) &&
           EVP_DigestFinal_ex(h->work, out, &n2) && n2 == XB_SUBJECT_HASH_LEN;
}

static bool hash_identifier(hmac *h, xb_subject_rank rank, const char *id, size_t len,
                            uint8_t out[XB_SUBJECT_HASH_LEN])
{
    uint8_t r = (uint8_t)rank;
    return hmac_parts(h, &r, 1, id, len, NULL, 0, out);
}

/* The key of a record without identifier: the first 24 bytes of
 * HMAC(key, 0x00 || transfer id), then the record number (8 bytes, big
 * endian, two's complement). It identifies nobody, so one HMAC per transfer
 * is enough to make it unique and unlinkable. */
static void record_key(const uint8_t transfer_mac[XB_SUBJECT_HASH_LEN], int64_t record,
                       uint8_t out[XB_SUBJECT_HASH_LEN])
{
    memcpy(out, transfer_mac, 24);
    uint64_t r = (uint64_t)record;
    for (int i = 0; i < 8; i++)
        out[24 + i] = (uint8_t)(r >> (56 - 8 * i));
}

xb_status xb_subject_hash(const uint8_t *key, size_t key_len, xb_subject_rank rank,
                          const char *identifier, size_t len,
                          uint8_t out[XB_SUBJECT_HASH_LEN])
{
    hmac h = {0};
    bool ok = hmac_open(&h, key, key_len) && hash_identifier(&h, rank, identifier, len, out);
    hmac_close(&h);
    return ok ? XB_OK : XB_ERR_NOMEM;
}

void xb_subject_hex(const uint8_t hash[XB_SUBJECT_HASH_LEN], char out[65])
{
    static const char hx[] = "0123456789abcdef";
    for (size_t i = 0; i < XB_SUBJECT_HASH_LEN; i++) {
        out[2 * i] = hx[hash[i] >> 4];
        out[2 * i + 1] = hx[hash[i] & 15];
    }
    out[64] = '\0';
}

/* ---- interning distinct (class, hash) ---------------------------------- */

typedef struct intern {
    uint32_t *slots;   /* item index + 1, 0 = empty */
    size_t mask;
} intern;

/* Slot of a subject: record keys share their first 24 bytes and differ in
 * the last 8, HMAC outputs are random everywhere: mix both ends. */
static uint64_t slot_of(const uint8_t *hash, uint8_t cls)
{
    uint64_t head, tail;
    memcpy(&head, hash, sizeof(head));
    memcpy(&tail, hash + XB_SUBJECT_HASH_LEN - 8, sizeof(tail));
    uint64_t x = head ^ tail ^ (cls ? 0xD6E8FEB86659FD93ull : 0);
    /* splitmix64 finaliser: every input bit reaches the low bits */
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

static uint32_t intern_add(intern *t, xb_subjects *s, const uint8_t *hash, uint8_t cls,
                           uint8_t rank)
{
    for (size_t i = slot_of(hash, cls) & t->mask;; i = (i + 1) & t->mask) {
        uint32_t v = t->slots[i];
        if (v == 0) {
            xb_subject *it = &s->items[s->n];
            memcpy(it->hash, hash, XB_SUBJECT_HASH_LEN);
            it->cls = cls;
            it->rank = rank;
            it->is_new = false;
            t->slots[i] = (uint32_t)++s->n;
            return (uint32_t)(s->n - 1);
        }
        const xb_subject *it = &s->items[v - 1];
        if (it->cls == cls && !memcmp(it->hash, hash, XB_SUBJECT_HASH_LEN))
            return v - 1;
    }
}

/* ---- hashing each distinct identifier once ------------------------------- */

typedef struct id_cache {
    uint32_t *slots;                          /* order slot + 1, 0 = empty */
    uint8_t (*hashes)[XB_SUBJECT_HASH_LEN];   /* per order slot */
    size_t mask;
} id_cache;

static uint64_t fnv1a(uint8_t rank, const char *s)
{
    uint64_t h = 1469598103934665603ull ^ rank;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 1099511628211ull;
    return h;
}

/* The HMAC of finding x (at order slot q), computed once per distinct
 * (rank, identifier). NULL when HMAC fails. */
static const uint8_t *cached_hash(id_cache *c, hmac *h, const xb_finding *f,
                                  const uint32_t *order, size_t q, const xb_finding *x)
{
    for (size_t i = fnv1a((uint8_t)x->subject_rank, x->identifier) & c->mask;;
         i = (i + 1) & c->mask) {
        uint32_t v = c->slots[i];
        if (v == 0) {
            if (!hash_identifier(h, x->subject_rank, x->identifier, strlen(x->identifier),
                                 c->hashes[q]))
                return NULL;
            c->slots[i] = (uint32_t)q + 1;
            return c->hashes[q];
        }
        const xb_finding *y = &f[order[v - 1]];
        if (y->subject_rank == x->subject_rank && !strcmp(y->identifier, x->identifier))
            return c->hashes[v - 1];
    }
}

/* ---- build -------------------------------------------------------------- */

static bool is_person_level(xb_level l)
{
    return l == XB_LEVEL_PI || l == XB_LEVEL_SENSITIVE_PI;
}

static bool is_identifier(const xb_finding *f)
{
    return f->subject_rank > XB_SUBJECT_NONE && f->identifier && f->identifier[0];
}

typedef struct by_record {
    int64_t record;
    uint32_t index;
} by_record;

static int by_record_cmp(const void *a, const void *b)
{
    const by_record *x = a, *y = b;
    if (x->record != y->record)
        return x->record < y->record ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

void xb_subjects_free(xb_subjects *s)
{
    if (!s)
        return;
    if (s->index) {
        free(s->index->order);
        free(s->index->subject);
        free(s->index->groups);
        free(s->index);
    }
    free(s->items);
    memset(s, 0, sizeof(*s));
}

xb_status xb_subjects_build(xb_subjects *out, const xb_finding *f, size_t n,
                            const uint8_t *key, size_t key_len, const char *transfer_id)
{
    memset(out, 0, sizeof(*out));
    if (n > UINT32_MAX / 4 || (!key && key_len) || !transfer_id)
        return XB_ERR_INVALID;
    struct xb_subjects_index *ix = calloc(1, sizeof(*ix));
    by_record *tmp = NULL;
    intern t = {0};
    id_cache idcache = {0};
    hmac h = {0};
    xb_status st = XB_ERR_NOMEM;
    if (!ix)
        goto fail;
    out->index = ix;
    ix->n_findings = n;

    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += is_person_level(f[i].level);
    ix->n_order = k;
    if (k == 0)
        return XB_OK;
    tmp = malloc(k * sizeof(*tmp));
    ix->order = malloc(k * sizeof(*ix->order));
    ix->subject = malloc(k * sizeof(*ix->subject));
    if (!tmp || !ix->order || !ix->subject)
        goto fail;
    k = 0;
    for (size_t i = 0; i < n; i++)
        if (is_person_level(f[i].level)) {
            tmp[k].record = f[i].record < 0 ? XB_RECORD_NONE : f[i].record;
            tmp[k].index = (uint32_t)i;
            k++;
        }
    qsort(tmp, k, sizeof(*tmp), by_record_cmp);
    size_t groups = 0;
    for (size_t i = 0; i < k; i++) {
        ix->order[i] = tmp[i].index;
        groups += i == 0 || tmp[i].record != tmp[i - 1].record;
    }
    ix->groups = calloc(groups, sizeof(*ix->groups));
    /* at most one subject per (finding, class) plus one per (record, class) */
    size_t max_items = 2 * (k + groups);
    out->items = malloc(max_items * sizeof(*out->items));
    size_t cap = 16;
    while (cap < 2 * max_items)
        cap *= 2;
    t.slots = calloc(cap, sizeof(*t.slots));
    t.mask = cap - 1;
    if (!ix->groups || !out->items || !t.slots)
        goto fail;
    if (!hmac_open(&h, key, key_len)) {
        st = XB_ERR_INVALID;
        goto fail;
    }
    uint8_t zero = 0, transfer_mac[XB_SUBJECT_HASH_LEN];
    if (!hmac_parts(&h, &zero, 1, transfer_id, strlen(transfer_id), NULL, 0, transfer_mac))
        goto fail;
    /* the same identifier in several findings is hashed once */
    idcache.slots = calloc(cap, sizeof(*idcache.slots));
    idcache.hashes = malloc(k * sizeof(*idcache.hashes));
    idcache.mask = cap - 1;
    if (!idcache.slots || !idcache.hashes)
        goto fail;

    for (size_t i = 0; i < k;) {
        record_group *g = &ix->groups[ix->n_groups++];
        g->record = tmp[i].record;
        g->start = (uint32_t)i;
        bool present[2] = {false, false};
        size_t j = i;
        while (j < k && tmp[j].record == g->record) {
            present[f[tmp[j].index].level == XB_LEVEL_SENSITIVE_PI] = true;
            j++;
        }
        g->end = (uint32_t)j;
        for (size_t q = i; q < j; q++) {
            const xb_finding *x = &f[ix->order[q]];
            ix->subject[q][0] = ix->subject[q][1] = NO_SUBJECT;
            if (!is_identifier(x))
                continue;
            const uint8_t *hash = cached_hash(&idcache, &h, f, ix->order, q, x);
            if (!hash)
                goto fail;
            for (uint8_t c = 0; c < 2; c++)
                if (present[c])
                    ix->subject[q][c] = intern_add(&t, out, hash, c, (uint8_t)x->subject_rank);
        }
        uint8_t rh[XB_SUBJECT_HASH_LEN];
        record_key(transfer_mac, g->record, rh);
        for (uint8_t c = 0; c < 2; c++)
            g->record_subject[c] = present[c] ? intern_add(&t, out, rh, c, XB_SUBJECT_NONE)
                                              : NO_SUBJECT;
        i = j;
    }
    st = XB_OK;
fail:
    hmac_close(&h);
    free(idcache.slots);
    free(idcache.hashes);
    free(t.slots);
    free(tmp);
    if (st != XB_OK)
        xb_subjects_free(out);
    return st;
}

/* ---- selection ----------------------------------------------------------- */

xb_status xb_subjects_select(const xb_subjects *s, const xb_finding *f, size_t n_findings,
                             const uint8_t *masked, uint8_t *selected,
                             xb_subject_counts *in_transfer, xb_subject_counts *new_subjects)
{
    xb_subject_counts all = {0, 0}, fresh = {0, 0};
    const struct xb_subjects_index *ix = s ? s->index : NULL;
    uint8_t *own = NULL;
    xb_status st = XB_OK;
    if (ix && ix->n_findings != n_findings) {
        st = XB_ERR_INVALID;
        goto done;
    }
    if (!ix || s->n == 0)
        goto done;
    if (!selected) {
        selected = own = malloc(s->n);
        if (!own) {
            st = XB_ERR_NOMEM;
            goto done;
        }
    }
    memset(selected, 0, s->n);
    for (size_t gi = 0; gi < ix->n_groups; gi++) {
        const record_group *g = &ix->groups[gi];
        bool present[2] = {false, false};
        int top = XB_SUBJECT_NONE;
        for (uint32_t q = g->start; q < g->end; q++) {
            uint32_t i = ix->order[q];
            if (masked && masked[i])
                continue;
            present[f[i].level == XB_LEVEL_SENSITIVE_PI] = true;
            if (is_identifier(&f[i]) && (int)f[i].subject_rank > top)
                top = (int)f[i].subject_rank;
        }
        for (int c = 0; c < 2; c++) {
            if (!present[c])
                continue;
            /* The record's subjects in class c: the identifiers of the top
             * rank, or the record key when it has no identifier. A person
             * met in several records is counted once through selected[]. */
            for (uint32_t q = g->start; q <= g->end; q++) {
                uint32_t sub;
                if (q == g->end) {
                    if (top != XB_SUBJECT_NONE)
                        break;
                    sub = g->record_subject[c];
                } else {
                    uint32_t i = ix->order[q];
                    if (top == XB_SUBJECT_NONE || (masked && masked[i]) ||
                        !is_identifier(&f[i]) || (int)f[i].subject_rank != top)
                        continue;
                    sub = ix->subject[q][c];
                }
                if (sub == NO_SUBJECT || selected[sub])
                    continue;
                selected[sub] = 1;
                if (c == XB_SUBJECT_GENERAL) {
                    all.general++;
                    fresh.general += s->items[sub].is_new;
                } else {
                    all.sensitive++;
                    fresh.sensitive += s->items[sub].is_new;
                }
            }
        }
    }
done:
    free(own);
    if (selected && s && st != XB_OK)
        memset(selected, 0, s->n);
    if (in_transfer)
        *in_transfer = all;
    if (new_subjects)
        *new_subjects = fresh;
    return st;
}
