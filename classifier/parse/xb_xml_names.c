/*
 * xb_xml_names.c - counters of same-name siblings for XML paths.
 *
 * A path step carries the 1-based index of the element among the children of
 * its parent that have the same qualified name (/export[1]/person[2]). Only
 * the counters of the open elements' children are needed, and they are
 * created and dropped in LIFO order: the children of an element are counted
 * while it is open and forgotten when it ends. So the counters live on one
 * stack, indexed by a hash whose chains are restored on pop (every entry
 * remembers the bucket head it replaced). Memory is bounded by
 * XBX_MAX_NAMES entries and XBX_MAX_NAME_BYTES name bytes; a document that
 * needs more is refused with XB_ERR_LIMIT.
 */
#include <stdlib.h>
#include <string.h>

#include "xb_xml_internal.h"

void xbx_names_init(xbx_names *t, uint32_t seed)
{
    memset(t, 0, sizeof(*t));
    t->seed = seed;
}

/* FNV-1a with a per-parser starting value, so that colliding names cannot
 * be prepared in advance to make the chains long. */
static uint32_t name_hash(uint32_t seed, uint32_t group, const char *s, size_t n)
{
    uint32_t h = 2166136261u ^ seed;
    for (size_t i = 0; i < n; i++) {
        h ^= (uint8_t)s[i];
        h *= 16777619u;
    }
    h ^= group;
    h *= 16777619u;
    return h ^ (h >> 15);
}

xb_status xbx_names_next(xbx_names *t, uint32_t group, const char *name, size_t len,
                         uint32_t *index)
{
    uint32_t h = name_hash(t->seed, group, name, len);
    uint32_t b = h % XBX_NAME_BUCKETS;
    for (uint32_t i = t->heads[b]; i != 0; i = t->items[i - 1].next) {
        xbx_name *e = &t->items[i - 1];
        /* Entries of shallower parents are older than all entries of this
         * group: once one shows up, the name is not counted yet. */
        if (e->group < group)
            break;
        if (e->group == group && e->hash == h && e->len == len &&
            memcmp(t->bytes.data + e->off, name, len) == 0) {
            if (e->count == UINT32_MAX)
                return XB_ERR_LIMIT;
            *index = ++e->count;
            return XB_OK;
        }
    }
    if (t->n >= XBX_MAX_NAMES || t->bytes.len + len > XBX_MAX_NAME_BYTES)
        return XB_ERR_LIMIT;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 32;
        xbx_name *items = realloc(t->items, cap * sizeof(*items));
        if (!items)
            return XB_ERR_NOMEM;
        t->items = items;
        t->cap = cap;
    }
    size_t off = t->bytes.len;
    if (xb_buf_append(&t->bytes, name, len) != XB_OK)
        return XB_ERR_NOMEM;
    xbx_name *e = &t->items[t->n++];
    e->off = off;
    e->len = (uint32_t)len;
    e->hash = h;
    e->group = group;
    e->next = t->heads[b];
    e->count = 1;
    t->heads[b] = (uint32_t)t->n;
    *index = 1;
    return XB_OK;
}

void xbx_names_pop(xbx_names *t, size_t mark)
{
    while (t->n > mark) {
        xbx_name *e = &t->items[--t->n];
        t->heads[e->hash % XBX_NAME_BUCKETS] = e->next;
        t->bytes.len = e->off;
    }
}

void xbx_names_free(xbx_names *t)
{
    free(t->items);
    xb_buf_free(&t->bytes);
    memset(t, 0, sizeof(*t));
}
