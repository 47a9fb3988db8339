/*
 * xb_value_memo.c - per-scan memo of values classified clean (see
 * xb_value_memo.h).
 */
#include <stdlib.h>
#include <string.h>

#include "xb_value_memo.h"

#define MIX 0x9E3779B97F4A7C15ull

static uint64_t load64(const unsigned char *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

static uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDull;
    h ^= h >> 33;
    return h;
}

uint64_t xb_hash64(const void *p, size_t n, uint64_t seed)
{
    const unsigned char *s = p;
    uint64_t h = seed ^ (n * MIX);
    while (n >= 8) {
        h = (h ^ load64(s)) * MIX;
        h ^= h >> 29;
        s += 8;
        n -= 8;
    }
    if (n) {
        uint64_t w = 0;
        for (size_t i = 0; i < n; i++)
            w |= (uint64_t)s[i] << (8 * i);
        h = (h ^ w) * MIX;
        h ^= h >> 29;
    }
    return mix(h);
}

bool xb_memo_key_hash(xb_memo_key *k)
{
    if (k->vlen > XB_MEMO_MAX_VALUE || k->flen > 255)
        return false;
    uint64_t h = xb_hash64(k->value, k->vlen, k->field_hash ^ ((uint64_t)k->tag << 56));
    k->hash = h ? h : 1;
    return true;
}

static bool same_key(const xb_value_memo *m, const xb_memo_slot *s,
                     const xb_memo_key *k)
{
    return s->stored && s->hash == k->hash && s->tag == k->tag &&
           s->flen == k->flen && s->vlen == k->vlen &&
           !memcmp(m->pool + s->off, k->field, k->flen) &&
           !memcmp(m->pool + s->off + k->flen, k->value, k->vlen);
}

/* Two candidate slots per key: the home slot and its neighbour. */
static size_t home(const xb_memo_key *k)
{
    return (size_t)k->hash & (XB_MEMO_SLOTS - 1);
}

bool xb_memo_clean(xb_value_memo *m, const xb_memo_key *k)
{
    if (!m->slots)
        return false;
    size_t i = home(k);
    if (!same_key(m, &m->slots[i], k) &&
        !same_key(m, &m->slots[(i + 1) & (XB_MEMO_SLOTS - 1)], k))
        return false;
    m->hits++;
    return true;
}

static bool store(xb_value_memo *m, xb_memo_slot *s, const xb_memo_key *k)
{
    size_t need = k->flen + k->vlen;
    if (m->pool_len + need > XB_MEMO_POOL)
        return false;
    if (m->pool_len + need > m->pool_cap) {
        size_t cap = m->pool_cap ? m->pool_cap * 2 : 4096;
        while (cap < m->pool_len + need)
            cap *= 2;
        if (cap > XB_MEMO_POOL)
            cap = XB_MEMO_POOL;
        char *p = realloc(m->pool, cap);
        if (!p)
            return false;
        m->pool = p;
        m->pool_cap = cap;
    }
    memcpy(m->pool + m->pool_len, k->field, k->flen);
    memcpy(m->pool + m->pool_len + k->flen, k->value, k->vlen);
    s->off = (uint32_t)m->pool_len;
    s->flen = (uint16_t)k->flen;
    s->vlen = (uint16_t)k->vlen;
    s->tag = k->tag;
    s->stored = true;
    m->pool_len += need;
    m->stores++;
    return true;
}

void xb_memo_note_clean(xb_value_memo *m, const xb_memo_key *k)
{
    if (!m->slots) {
        m->slots = calloc(XB_MEMO_SLOTS, sizeof(*m->slots));
        if (!m->slots)
            return;
    }
    size_t i = home(k);
    xb_memo_slot *a = &m->slots[i], *b = &m->slots[(i + 1) & (XB_MEMO_SLOTS - 1)];
    /* Second sight of a hash seen once: remember the bytes. */
    for (xb_memo_slot *s = a; s; s = s == a ? b : NULL)
        if (!s->stored && s->hash == k->hash) {
            if (!store(m, s, k))
                s->hash = 0;
            return;
        }
    /* First sight: take a free slot, else displace a hash seen once;
     * remembered values stay. */
    xb_memo_slot *s = !a->hash ? a : !b->hash ? b : !a->stored ? a : !b->stored ? b : NULL;
    if (s) {
        memset(s, 0, sizeof(*s));
        s->hash = k->hash;
    }
}

void xb_memo_free(xb_value_memo *m)
{
    free(m->slots);
    free(m->pool);
    memset(m, 0, sizeof(*m));
}
