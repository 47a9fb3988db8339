/*
 * xb_xml_value.c - assembling XML values from libxml2's pieces and
 * delivering them to the sink.
 *
 * libxml2 hands over an element's text in pieces (runs of character data,
 * one piece per entity or character reference, CDATA blocks of up to 300
 * bytes, splits that depend on where the body's chunks ended). The
 * accumulator joins them, keeps the raw body offset of every byte when the
 * value is not a 1:1 copy of a contiguous raw range, and cuts values longer
 * than max_value_len into segments. The cut depends only on the value's
 * bytes, never on how they arrived, so every chunking of a body yields the
 * same events.
 *
 * Exactness (may the value be rewritten in place?):
 *   - every byte's raw offset was verified against the raw bytes,
 *   - the body was not converted from another encoding,
 *   - and the bytes come from plain character data only, or from exactly one
 *     CDATA section starting at its first byte (the rewriter recognises a
 *     CDATA context by the "<![CDATA[" in front of the value; text mixing
 *     CDATA with other text has no single context).
 */
#include <stdlib.h>
#include <string.h>

#include "xb_xml_internal.h"

void xbx_acc_begin(xbx_acc *a, xb_value_kind kind, size_t field_off, size_t field_len,
                   size_t raw_start)
{
    a->kind = kind;
    a->field_off = field_off;
    a->field_len = field_len;
    a->data.len = 0;
    a->mapped = false;
    a->start = a->end = raw_start;
    a->verified = true;
    a->altered = false;
    a->segmented = false;
    a->n_areas = 0;
    a->areas_overflow = false;
}

void xbx_acc_free(xbx_acc *a)
{
    xb_buf_free(&a->data);
    free(a->offs);
    a->offs = NULL;
    a->offs_cap = 0;
}

static xb_status offs_reserve(xb_parser *p, xbx_acc *a, size_t need)
{
    if (need <= a->offs_cap)
        return XB_OK;
    size_t cap = a->offs_cap ? a->offs_cap : 64;
    while (cap < need)
        cap *= 2;
    size_t *o = realloc(a->offs, cap * sizeof(*o));
    if (!o)
        return xbx_fail(p, XB_ERR_NOMEM, "xml: out of memory");
    a->offs = o;
    a->offs_cap = cap;
    return XB_OK;
}

static size_t off_at(const xbx_acc *a, size_t i)
{
    if (i >= a->data.len)
        return a->end;
    return a->mapped ? a->offs[i] : a->start + i;
}

static bool is_blank(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

/* Do the first n bytes come from plain text only, or from one CDATA section
 * that starts at byte 0? */
static bool context_is_single(const xbx_acc *a, size_t n)
{
    if (a->areas_overflow)
        return false;
    size_t used = 0;
    bool any_cdata = false;
    for (size_t i = 0; i < a->n_areas && a->areas[i].at < n; i++) {
        used++;
        any_cdata |= a->areas[i].cdata;
    }
    if (!any_cdata)
        return true;
    return used == 1 && a->areas[0].at == 0 && a->areas[0].head;
}

/* Deliver data[0..n) as one value event. */
static xb_status emit(xb_parser *p, xbx_acc *a, size_t n, bool segment)
{
    const uint8_t *d = (const uint8_t *)a->data.data;
    if (n == 0 || is_blank(d, n) || !p->sink.value)
        return XB_OK;
    size_t raw_start = off_at(a, 0), raw_end = off_at(a, n);
    const size_t *offsets = NULL;
    if (a->mapped && a->verified) {
        if (n == a->data.len) {
            if (offs_reserve(p, a, n + 1) != XB_OK)
                return p->err;
            a->offs[n] = a->end;
        }
        if (a->altered)
            offsets = a->offs;
        for (size_t i = 1; i <= n && !offsets; i++)
            if (a->offs[i] != raw_start + i)
                offsets = a->offs;
    }
    if (raw_end < raw_start)
        raw_end = raw_start; /* an unverified guess went backwards */
    xb_value v;
    memset(&v, 0, sizeof(v));
    v.kind = a->kind;
    v.syntax = XB_SYNTAX_XML;
    v.path = xb_buf_cstr(&p->path);
    v.path_len = p->path.len;
    v.field = p->path.data + a->field_off;
    v.field_len = a->field_len;
    v.data = d;
    v.len = n;
    v.raw_start = p->base + raw_start;
    v.raw_end = p->base + raw_end;
    size_t *shifted = NULL;
    if (offsets && p->base) {
        /* Offsets leave in body coordinates of the caller. */
        shifted = malloc((n + 1) * sizeof(*shifted));
        if (!shifted)
            return xbx_fail(p, XB_ERR_NOMEM, "xml: out of memory");
        for (size_t i = 0; i <= n; i++)
            shifted[i] = p->base + offsets[i];
        offsets = shifted;
    }
    v.raw_offsets = offsets;
    v.exact = a->verified && !p->converted && context_is_single(a, n);
    v.record = XB_RECORD_NONE;
    v.segment = segment;
    xb_status st = p->sink.value(p->sink.ctx, &v);
    free(shifted);
    if (st != XB_OK)
        return xbx_fail(p, st, "xml: value sink stopped the parse (%s) at byte %zu",
                        xb_status_name(st), p->base + raw_end);
    return XB_OK;
}

/* Where to cut a value longer than max: just after a whitespace in the
 * second half of the first max bytes, else at the last character boundary
 * at or before max. Depends on data[0..max] only. */
static size_t choose_cut(const uint8_t *d, size_t max)
{
    for (size_t i = max; i > max / 2; i--)
        if (d[i - 1] == ' ' || d[i - 1] == '\t' || d[i - 1] == '\n' || d[i - 1] == '\r')
            return i;
    for (size_t i = max; i > 0; i--)
        if ((d[i] & 0xC0) != 0x80)
            return i;
    return max;
}

/* Drop the first cut bytes after they were delivered. */
static void shift(xbx_acc *a, size_t cut)
{
    size_t rest = a->data.len - cut;
    memmove(a->data.data, a->data.data + cut, rest);
    if (a->mapped)
        memmove(a->offs, a->offs + cut, rest * sizeof(*a->offs));
    else
        a->start += cut;
    a->data.len = rest;
    size_t k = 0;
    for (size_t i = 0; i < a->n_areas; i++) {
        size_t next_at = i + 1 < a->n_areas ? a->areas[i + 1].at : SIZE_MAX;
        if (next_at <= cut)
            continue; /* entirely delivered */
        xbx_area ar = a->areas[i];
        if (ar.at < cut) {
            ar.at = 0;
            ar.head = false; /* starts in the middle of its section now */
        } else {
            ar.at -= cut;
        }
        a->areas[k++] = ar;
    }
    a->n_areas = k;
}

static xb_status note_area(xbx_acc *a, bool cdata, bool new_section, bool head)
{
    if (a->n_areas > 0) {
        xbx_area *last = &a->areas[a->n_areas - 1];
        if (last->cdata == cdata && !(cdata && new_section))
            return XB_OK;
    }
    if (a->n_areas == XBX_MAX_AREAS) {
        a->areas_overflow = true;
        return XB_OK;
    }
    xbx_area *ar = &a->areas[a->n_areas++];
    ar->at = a->data.len;
    ar->cdata = cdata;
    ar->head = cdata && head;
    return XB_OK;
}

/* Append without segmenting; the caller keeps the value short enough. */
static xb_status put(xb_parser *p, xbx_acc *a, const uint8_t *d, size_t n, const size_t *offs,
                     size_t rs)
{
    size_t len = a->data.len;
    if (len == 0 && !a->mapped)
        a->start = offs ? offs[0] : rs;
    bool contiguous = !offs && rs == a->start + len && !a->altered;
    if (!a->mapped && !contiguous) {
        if (offs_reserve(p, a, len + n + 1) != XB_OK)
            return p->err;
        for (size_t i = 0; i < len; i++)
            a->offs[i] = a->start + i;
        a->mapped = true;
    }
    if (a->mapped) {
        if (offs_reserve(p, a, len + n + 1) != XB_OK)
            return p->err;
        for (size_t i = 0; i < n; i++)
            a->offs[len + i] = offs ? offs[i] : rs + i;
    }
    if (xb_buf_append(&a->data, d, n) != XB_OK)
        return xbx_fail(p, XB_ERR_NOMEM, "xml: out of memory");
    return XB_OK;
}

xb_status xbx_acc_append(xb_parser *p, xbx_acc *a, const uint8_t *d, size_t n,
                         const size_t *offs, size_t rs, size_t re, bool verified,
                         bool cdata, bool new_section, bool section_head)
{
    if (p->err != XB_OK)
        return p->err;
    if (n == 0)
        return XB_OK;
    if (!verified)
        a->verified = false;
    note_area(a, cdata, new_section, section_head);
    /* Feed in slices so that the buffer never holds much more than
     * max_value_len bytes, then cut while it is over the limit. */
    size_t done = 0;
    while (done < n) {
        size_t room = p->max_len + 1 - a->data.len;
        size_t take = n - done < room ? n - done : room;
        if (put(p, a, d + done, take, offs ? offs + done : NULL, rs + done) != XB_OK)
            return p->err;
        done += take;
        /* the raw end of the bytes so far: the piece end once all is in */
        a->end = done == n ? re : (offs ? offs[done] : rs + done);
        while (a->data.len > p->max_len) {
            size_t cut = choose_cut((const uint8_t *)a->data.data, p->max_len);
            if (emit(p, a, cut, true) != XB_OK)
                return p->err;
            a->segmented = true;
            shift(a, cut);
        }
    }
    return XB_OK;
}

xb_status xbx_acc_finish(xb_parser *p, xbx_acc *a)
{
    if (p->err != XB_OK)
        return p->err;
    xb_status st = emit(p, a, a->data.len, a->segmented);
    a->data.len = 0;
    a->mapped = false;
    a->altered = false;
    a->n_areas = 0;
    return st;
}
