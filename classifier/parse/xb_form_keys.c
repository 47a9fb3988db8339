/*
 * xb_form_keys.c - field names and record numbers of form keys; see
 * xb_form_keys.h.
 */
#include <stdlib.h>
#include <string.h>

#include "xb_form_keys.h"

static bool is_sep(uint8_t c)
{
    return c == '[' || c == ']' || c == '.';
}

/* Parse decimal digits k[s..e) (at most 18) into *v. */
static bool parse_index(const uint8_t *k, size_t s, size_t e, uint64_t *v)
{
    if (e <= s || e - s > 18)
        return false;
    uint64_t x = 0;
    for (size_t i = s; i < e; i++) {
        if (k[i] < '0' || k[i] > '9')
            return false;
        x = x * 10 + (uint64_t)(k[i] - '0');
    }
    *v = x;
    return true;
}

void xbf_key_analyse(const uint8_t *k, size_t n, xbf_key_info *out)
{
    memset(out, 0, sizeof(*out));
    out->field_len = n;
    bool field_set = false;
    /* walk the names between separators */
    size_t i = 0;
    while (i <= n) {
        size_t s = i;
        while (i < n && !is_sep(k[i]))
            i++;
        /* name k[s..i) ends at a separator or at the end of the key */
        if (i > s) {
            uint64_t idx = 0;
            bool numeric = parse_index(k, s, i, &idx);
            bool after_open = s > 0 && k[s - 1] == '[' && i < n && k[i] == ']';
            bool after_dot = s > 0 && k[s - 1] == '.';
            if (numeric && (after_open || after_dot)) {
                if (!out->has_index) {
                    out->has_index = true;
                    out->index = idx;
                    out->name_len = s - 1;
                }
            } else {
                out->field_off = s;
                out->field_len = i - s;
                field_set = true;
            }
        }
        i++;
    }
    if (!field_set) {
        out->field_off = 0;
        out->field_len = n;
    }
    if (out->has_index && out->name_len == 0)
        out->has_index = false; /* "[3]" or ".3": no array name */
}

void xbf_records_init(xbf_records *r)
{
    memset(r, 0, sizeof(*r));
}

void xbf_records_free(xbf_records *r)
{
    for (size_t i = 0; i < r->n_names; i++)
        free(r->names[i].dense);
    xb_buf_free(&r->name_bytes);
    free(r->names);
    free(r->name_slots);
    free(r->pairs);
    memset(r, 0, sizeof(*r));
}

static uint64_t hash_bytes(const uint8_t *p, size_t n)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= UINT64_C(0xff51afd7ed558ccd);
    x ^= x >> 33;
    x *= UINT64_C(0xc4ceb9fe1a85ec53);
    x ^= x >> 33;
    return x;
}

static xb_status grow_name_slots(xbf_records *r)
{
    size_t cap = r->name_slots_cap ? r->name_slots_cap * 2 : 16;
    uint32_t *slots = calloc(cap, sizeof(*slots));
    if (!slots)
        return XB_ERR_NOMEM;
    for (size_t i = 0; i < r->n_names; i++) {
        size_t j = (size_t)r->names[i].hash & (cap - 1);
        while (slots[j])
            j = (j + 1) & (cap - 1);
        slots[j] = (uint32_t)(i + 1);
    }
    free(r->name_slots);
    r->name_slots = slots;
    r->name_slots_cap = cap;
    return XB_OK;
}

/* 1-based id of name, added when new. */
static xb_status name_id(xbf_records *r, const uint8_t *name, size_t len, uint32_t *id)
{
    if (2 * (r->n_names + 1) > r->name_slots_cap && grow_name_slots(r) != XB_OK)
        return XB_ERR_NOMEM;
    uint64_t h = hash_bytes(name, len);
    size_t mask = r->name_slots_cap - 1;
    size_t j = (size_t)h & mask;
    while (r->name_slots[j]) {
        const xbf_name *nm = &r->names[r->name_slots[j] - 1];
        if (nm->hash == h && nm->len == len &&
            memcmp(r->name_bytes.data + nm->off, name, len) == 0) {
            *id = r->name_slots[j];
            return XB_OK;
        }
        j = (j + 1) & mask;
    }
    if (r->n_names == r->names_cap) {
        size_t cap = r->names_cap ? r->names_cap * 2 : 8;
        xbf_name *names = realloc(r->names, cap * sizeof(*names));
        if (!names)
            return XB_ERR_NOMEM;
        r->names = names;
        r->names_cap = cap;
    }
    xbf_name *nm = &r->names[r->n_names];
    memset(nm, 0, sizeof(*nm));
    nm->hash = h;
    nm->off = r->name_bytes.len;
    nm->len = len;
    if (xb_buf_append(&r->name_bytes, name, len) != XB_OK)
        return XB_ERR_NOMEM;
    r->n_names++;
    r->name_slots[j] = (uint32_t)r->n_names;
    *id = (uint32_t)r->n_names;
    return XB_OK;
}

static size_t pair_slot(uint32_t id, uint64_t index, size_t mask)
{
    return (size_t)mix(index * UINT64_C(0x9E3779B97F4A7C15) ^ id) & mask;
}

static xb_status grow_pairs(xbf_records *r)
{
    size_t cap = r->pairs_cap ? r->pairs_cap * 2 : 16;
    xbf_pair *pairs = calloc(cap, sizeof(*pairs));
    if (!pairs)
        return XB_ERR_NOMEM;
    for (size_t i = 0; i < r->pairs_cap; i++) {
        const xbf_pair *e = &r->pairs[i];
        if (!e->name_id)
            continue;
        size_t j = pair_slot(e->name_id, e->index, cap - 1);
        while (pairs[j].name_id)
            j = (j + 1) & (cap - 1);
        pairs[j] = *e;
    }
    free(r->pairs);
    r->pairs = pairs;
    r->pairs_cap = cap;
    return XB_OK;
}

static xb_status pair_record(xbf_records *r, uint32_t id, uint64_t index, int64_t *record);

xb_status xbf_records_get(xbf_records *r, const uint8_t *name, size_t name_len,
                          uint64_t index, int64_t *record)
{
    uint32_t id;
    const xbf_name *last = r->last_id ? &r->names[r->last_id - 1] : NULL;
    if (last && last->len == name_len &&
        memcmp(r->name_bytes.data + last->off, name, name_len) == 0) {
        id = r->last_id;
        if (index == r->last_index) {
            *record = r->last_record;
            return XB_OK;
        }
    } else if (name_id(r, name, name_len, &id) != XB_OK) {
        return XB_ERR_NOMEM;
    }
    xb_status st = XB_OK;
    int64_t rec = 0;
    if ((st = pair_record(r, id, index, &rec)) != XB_OK)
        return st;
    r->last_id = id;
    r->last_index = index;
    r->last_record = rec;
    *record = rec;
    return XB_OK;
}

/* Grow the dense table of nm to cover index if the budget allows. */
static bool grow_dense(xbf_records *r, xbf_name *nm, uint64_t index)
{
    size_t budget = 4 * r->n_records + 4096;
    if (index >= budget)
        return false;
    size_t cap = nm->dense_cap ? 2 * nm->dense_cap : 64;
    if (cap <= index)
        cap = (size_t)index + 1;
    if (r->dense_cells - nm->dense_cap + cap > budget)
        return false;
    uint32_t *d = realloc(nm->dense, cap * sizeof(*d));
    if (!d)
        return false;
    memset(d + nm->dense_cap, 0, (cap - nm->dense_cap) * sizeof(*d));
    r->dense_cells += cap - nm->dense_cap;
    nm->dense = d;
    nm->dense_cap = cap;
    return true;
}

/* Record of the pair (id, index), added when new. */
static xb_status pair_record(xbf_records *r, uint32_t id, uint64_t index, int64_t *record)
{
    xbf_name *nm = &r->names[id - 1];
    if (index < nm->dense_cap && nm->dense[index]) {
        *record = (int64_t)nm->dense[index] - 1;
        return XB_OK;
    }
    size_t j = 0;
    if (nm->n_hashed) {
        size_t mask = r->pairs_cap - 1;
        for (j = pair_slot(id, index, mask); r->pairs[j].name_id; j = (j + 1) & mask) {
            if (r->pairs[j].name_id == id && r->pairs[j].index == index) {
                *record = r->pairs[j].record;
                return XB_OK;
            }
        }
    }
    if (r->n_records >= XBF_MAX_RECORDS)
        return XB_ERR_LIMIT;
    uint32_t rec = (uint32_t)r->n_records;
    if (index < nm->dense_cap || grow_dense(r, nm, index)) {
        nm->dense[index] = rec + 1;
    } else {
        if (2 * (r->n_pairs + 1) > r->pairs_cap && grow_pairs(r) != XB_OK)
            return XB_ERR_NOMEM;
        size_t mask = r->pairs_cap - 1;
        for (j = pair_slot(id, index, mask); r->pairs[j].name_id; j = (j + 1) & mask)
            ;
        r->pairs[j].name_id = id;
        r->pairs[j].index = index;
        r->pairs[j].record = rec;
        r->n_pairs++;
        nm->n_hashed++;
    }
    r->n_records++;
    *record = rec;
    return XB_OK;
}
