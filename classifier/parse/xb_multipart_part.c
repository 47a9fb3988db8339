/*
 * xb_multipart_part.c - what one multipart part is and where its bytes go.
 *
 * From the part's headers (Content-Disposition name / filename / filename*,
 * Content-Type, Content-Transfer-Encoding):
 *   - no Content-Type and no filename: a form field, reported as one
 *     XB_VALUE_STRING (syntax TEXT: the bytes are literal), path and field
 *     the name; segments beyond max_value_len. A field that is not UTF-8 is
 *     reported as not inspectable ("binary").
 *   - a Content-Type we parse (xb_parser_for_content_type), or a filename
 *     with a .json / .xml / .csv / .tsv / .txt extension and no (or a generic)
 *     Content-Type: fed, streaming, to a nested parser whose paths are
 *     prefixed with "<name>#" (or "<filename>#") and whose offsets start at
 *     the part body. Its record numbers are shifted past the records of the
 *     earlier parts so that records stay unique in the body. Its errors stop
 *     the whole body, with the part named in the message.
 *   - anything else (images, PDFs, octet streams): sink.uninspectable with
 *     reason "unsupported_type"; its bytes are skipped.
 * base64 and quoted-printable parts are decoded on the fly and passed on in
 * blocks of XBM_DECODE_BLOCK decoded bytes; their values are reported with
 * exact = false (they cannot be rewritten in place) and an approximate span:
 * from the raw start of the block holding the value's first byte to the raw
 * end of the block holding its last byte, which contains the value's
 * encoding and does not depend on chunking. Other transfer encodings:
 * "unsupported_encoding".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xb_multipart_internal.h"
#include "xb_text_utf8.h"

const char *xbm_part_label(const xb_parser *p, char *tmp, size_t tmp_size)
{
    if (p->part.name)
        return p->part.name;
    if (p->part.filename)
        return p->part.filename;
    snprintf(tmp, tmp_size, "part%zu", p->part.index);
    return tmp;
}

void xbm_part_release(xb_parser *p)
{
    xbm_part *pt = &p->part;
    if (pt->nested)
        pt->ops->destroy(pt->nested);
    free(pt->name);
    free(pt->filename);
    free(pt->content_type);
    memset(pt, 0, sizeof(*pt));
}

/* ---- headers --------------------------------------------------------------- */

/* Copy of v[0..n) without surrounding blanks; folded line ends become
 * spaces. */
static char *header_value(const char *v, size_t n)
{
    while (n > 0 && (*v == ' ' || *v == '\t')) {
        v++;
        n--;
    }
    while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r' ||
                     v[n - 1] == '\n'))
        n--;
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++)
        out[i] = v[i] == '\r' || v[i] == '\n' ? ' ' : v[i];
    out[n] = '\0';
    return out;
}

static bool name_is(const char *s, size_t n, const char *name)
{
    return strlen(name) == n && strncasecmp(s, name, n) == 0;
}

/* A parameter of a header value, as a new string (NULL when absent). */
static char *param(const char *value, const char *name)
{
    size_t size = strlen(value) + 1;
    char *out = malloc(size);
    if (out && !xb_content_type_param(value, name, out, size)) {
        free(out);
        return NULL;
    }
    return out;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)(c | 0x20);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* RFC 5987 filename*=UTF-8''%E5%BC%A0.json -> the decoded name. */
static char *ext_value(const char *value, const char *name)
{
    char *v = param(value, name);
    if (!v)
        return NULL;
    char *q = strchr(v, '\'');
    q = q ? strchr(q + 1, '\'') : NULL;
    if (!q) {
        free(v);
        return NULL;
    }
    char *o = v;
    for (const char *s = q + 1; *s; s++) {
        if (*s == '%' && hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
            *o++ = (char)(hexval(s[1]) << 4 | hexval(s[2]));
            s += 2;
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
    return v;
}

static xb_status parse_headers(xb_parser *p, char **disposition, char **cte)
{
    xbm_part *pt = &p->part;
    const char *h = xb_buf_cstr(&p->hdr);
    size_t n = p->hdr.len, i = 0;
    while (i < n) {
        size_t start = i;
        const char *lf = memchr(h + i, '\n', n - i);
        size_t end = lf ? (size_t)(lf - h) : n;
        /* obsolete folding: continuation lines start with a blank */
        while (end + 1 < n && (h[end + 1] == ' ' || h[end + 1] == '\t')) {
            lf = memchr(h + end + 1, '\n', n - end - 1);
            end = lf ? (size_t)(lf - h) : n;
        }
        i = end + 1;
        const char *colon = memchr(h + start, ':', end - start);
        if (!colon) {
            size_t len = end - start;
            if (len == 0 || (len == 1 && h[start] == '\r'))
                continue;
            return xbm_fail(p, XB_ERR_MALFORMED,
                            "multipart: malformed header line in part %zu at byte %zu",
                            pt->index, p->hdr_abs + start);
        }
        size_t nlen = (size_t)(colon - (h + start));
        while (nlen > 0 && (h[start + nlen - 1] == ' ' || h[start + nlen - 1] == '\t'))
            nlen--;
        char **slot = NULL;
        if (name_is(h + start, nlen, "Content-Disposition"))
            slot = disposition;
        else if (name_is(h + start, nlen, "Content-Type"))
            slot = &pt->content_type;
        else if (name_is(h + start, nlen, "Content-Transfer-Encoding"))
            slot = cte;
        if (!slot || *slot)
            continue; /* other headers; the first occurrence wins */
        *slot = header_value(colon + 1, (size_t)(h + end - colon - 1));
        if (!*slot)
            return xbm_fail(p, XB_ERR_NOMEM, "multipart: out of memory");
    }
    if (pt->content_type && !*pt->content_type) {
        free(pt->content_type);
        pt->content_type = NULL;
    }
    if (*disposition) {
        pt->name = param(*disposition, "name");
        pt->filename = param(*disposition, "filename");
        if (!pt->filename)
            pt->filename = ext_value(*disposition, "filename*");
        if (pt->filename && !*pt->filename) {
            free(pt->filename); /* an empty file input */
            pt->filename = NULL;
            if (!pt->content_type)
                pt->content_type = strdup("application/octet-stream");
        }
    }
    return XB_OK;
}

/* ---- classification ------------------------------------------------------- */

static const char *type_from_filename(const char *fn)
{
    static const char *const map[][2] = {
        {".json", "application/json"}, {".xml", "application/xml"},
        {".csv", "text/csv"},          {".tsv", "text/tab-separated-values"},
        {".txt", "text/plain"},        {".ndjson", "application/x-ndjson"},
        {".jsonl", "application/x-ndjson"},
    };
    const char *dot = fn ? strrchr(fn, '.') : NULL;
    if (!dot)
        return NULL;
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (!strcasecmp(dot, map[i][0]))
            return map[i][1];
    return NULL;
}

/* Generic types that browsers send for files they do not know, and Windows'
 * type for .csv: the filename's extension decides for these. */
static bool is_generic_type(const char *ct)
{
    static const char *const generic[] = {"application/vnd.ms-excel"};
    for (size_t i = 0; i < sizeof(generic) / sizeof(generic[0]); i++) {
        size_t n = strlen(generic[i]);
        if (!strncasecmp(ct, generic[i], n) && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' '))
            return true;
    }
    return false;
}

/* Raw start of decoded block idx (the part start when it is too old). */
static size_t block_raw_start(const xbm_part *pt, size_t idx)
{
    if (idx < pt->n_blocks && pt->n_blocks - idx <= XBM_BLOCK_RING)
        return pt->blk_raw[idx % XBM_BLOCK_RING];
    return pt->body_start;
}

/* Approximate raw span of the decoded bytes [ds, de) of an encoded part. */
static void encoded_span(const xbm_part *pt, size_t ds, size_t de, size_t *rs, size_t *re)
{
    *rs = block_raw_start(pt, ds / XBM_DECODE_BLOCK);
    size_t last = (de > ds ? de - 1 : ds) / XBM_DECODE_BLOCK;
    if (last + 1 < pt->n_blocks && pt->n_blocks - (last + 1) <= XBM_BLOCK_RING)
        *re = pt->blk_raw[(last + 1) % XBM_BLOCK_RING];
    else
        *re = pt->cur_raw_end;
}

static xb_status wrap_value(void *ctx, const xb_value *v)
{
    xb_parser *p = ctx;
    xbm_part *pt = &p->part;
    xb_value w = *v;
    if (w.record != XB_RECORD_NONE) {
        w.record += pt->rec_base;
        if (w.record > pt->rec_max)
            pt->rec_max = w.record;
    }
    if (pt->cte != XBM_CTE_IDENTITY) {
        w.exact = false;
        w.raw_offsets = NULL;
        encoded_span(pt, v->raw_start - pt->body_start, v->raw_end - pt->body_start,
                     &w.raw_start, &w.raw_end);
    }
    return p->sink.value ? p->sink.value(p->sink.ctx, &w) : XB_OK;
}

static void wrap_uninspectable(void *ctx, const char *path, const char *reason,
                               const char *detail, size_t raw_start, size_t raw_end,
                               const char *content_type, const char *filename)
{
    xb_parser *p = ctx;
    if (p->part.cte != XBM_CTE_IDENTITY)
        encoded_span(&p->part, raw_start - p->part.body_start, raw_end - p->part.body_start,
                     &raw_start, &raw_end);
    if (p->sink.uninspectable)
        p->sink.uninspectable(p->sink.ctx, path, reason, detail, raw_start, raw_end,
                              content_type, filename);
}

/* p->path = prefix + label (+ suffix). */
static xb_status set_path(xb_parser *p, const char *suffix)
{
    char tmp[32];
    p->path.len = 0;
    if (xb_buf_append(&p->path, p->prefix.data, p->prefix.len) != XB_OK ||
        xb_buf_append_str(&p->path, xbm_part_label(p, tmp, sizeof(tmp))) != XB_OK ||
        xb_buf_append_str(&p->path, suffix) != XB_OK || !xb_buf_cstr(&p->path))
        return xbm_fail(p, XB_ERR_NOMEM, "multipart: out of memory");
    return XB_OK;
}

static xb_status start_nested(xb_parser *p, const char *type)
{
    xbm_part *pt = &p->part;
    if (set_path(p, "#") != XB_OK)
        return p->status;
    xb_parser_params np;
    memset(&np, 0, sizeof(np));
    np.limits = &p->limits;
    np.sink.ctx = p;
    np.sink.value = wrap_value;
    np.sink.uninspectable = wrap_uninspectable;
    np.base_offset = pt->body_start;
    np.path_prefix = p->path.data;
    np.content_type = type;
    if (pt->ops == &xb_multipart_parser) {
        if (p->depth + 1 >= XBM_MAX_NESTING)
            return xbm_fail(p, XB_ERR_LIMIT,
                            "multipart: multipart parts nested deeper than %d at byte %zu",
                            XBM_MAX_NESTING, pt->body_start);
        pt->nested = xbm_create(&np, p->depth + 1);
    } else {
        pt->nested = pt->ops->create(&np);
    }
    if (!pt->nested)
        return xbm_fail(p, XB_ERR_NOMEM, "multipart: out of memory");
    return XB_OK;
}

xb_status xbm_part_begin(xb_parser *p, size_t body_abs)
{
    xbm_part_release(p);
    xbm_part *pt = &p->part;
    pt->active = true;
    pt->index = ++p->n_parts;
    pt->body_start = body_abs;
    pt->n_blocks = 1;
    pt->blk_raw[0] = pt->cur_raw_end = body_abs;
    pt->rec_base = p->next_record;
    pt->rec_max = p->next_record - 1;
    if (p->n_parts > p->limits.max_parts)
        return xbm_fail(p, XB_ERR_LIMIT, "multipart: more than %zu parts at byte %zu",
                        p->limits.max_parts, p->hdr_abs);
    char *disposition = NULL, *cte = NULL;
    xb_status st = parse_headers(p, &disposition, &cte);
    pt->cte = xbm_cte_from_header(cte);
    free(disposition);
    free(cte);
    if (st != XB_OK)
        return st;
    xbm_decoder_init(&pt->dec, pt->cte);

    const char *type = pt->content_type;
    if (pt->filename && (!type || is_generic_type(type)) && type_from_filename(pt->filename))
        type = type_from_filename(pt->filename);
    if (!type && !pt->filename) {
        pt->kind = XBM_PART_FIELD;
        xbt_value_begin(&p->field, body_abs);
        return set_path(p, "");
    }
    pt->ops = type ? xb_parser_for_content_type(type) : NULL;
    if (pt->cte == XBM_CTE_OTHER) {
        pt->kind = XBM_PART_SKIP;
        pt->skip_reason = "unsupported_encoding";
    } else if (!pt->ops) {
        pt->kind = XBM_PART_SKIP;
        pt->skip_reason = "unsupported_type";
    } else {
        pt->kind = XBM_PART_NESTED;
        return start_nested(p, type);
    }
    return set_path(p, "");
}

/* ---- form fields ------------------------------------------------------------ */

static xb_status emit_field(void *ctx, const uint8_t *data, size_t len, size_t raw_start,
                            size_t raw_end, const size_t *offsets, bool segment)
{
    xb_parser *p = ctx;
    xbm_part *pt = &p->part;
    if (pt->binary)
        return XB_OK;
    if (xbt_utf8_check(data, len, false) < len) {
        pt->binary = true;
        return XB_OK;
    }
    if (!p->sink.value)
        return XB_OK;
    xb_value v;
    v.kind = XB_VALUE_STRING;
    v.syntax = XB_SYNTAX_TEXT;
    v.path = p->path.data;
    v.path_len = p->path.len;
    v.field = p->path.data + p->prefix.len;
    v.field_len = p->path.len - p->prefix.len;
    v.data = data;
    v.len = len;
    v.raw_start = raw_start;
    v.raw_end = raw_end;
    v.raw_offsets = offsets;
    v.exact = pt->cte == XBM_CTE_IDENTITY;
    if (!v.exact) /* raw_start, raw_end are decoded offsets here */
        encoded_span(pt, raw_start, raw_end, &v.raw_start, &v.raw_end);
    v.record = XB_RECORD_NONE;
    v.segment = segment;
    xb_status st = p->sink.value(p->sink.ctx, &v);
    if (st != XB_OK)
        return xbm_fail(p, st, "multipart: value sink stopped the parse (%s) at byte %zu",
                        xb_status_name(st), raw_end);
    return XB_OK;
}

static xb_status nested_error(xb_parser *p, xb_status st)
{
    char tmp[32];
    const char *m = p->part.ops->error_message(p->part.nested);
    return xbm_fail(p, st, "multipart: part '%s': %s", xbm_part_label(p, tmp, sizeof(tmp)),
                    m && *m ? m : xb_status_name(st));
}

/* Decoded bytes of an encoded part. */
static xb_status decoded(xb_parser *p, const uint8_t *d, size_t n)
{
    xbm_part *pt = &p->part;
    xb_status st = XB_OK;
    if (n == 0)
        return XB_OK;
    if (pt->kind == XBM_PART_FIELD) {
        st = xbt_value_copy(&p->field, d, n, pt->decoded, emit_field, p);
        if (st != XB_OK)
            return xbm_fail(p, st, "multipart: out of memory");
    } else if (pt->kind == XBM_PART_NESTED) {
        st = pt->ops->feed(pt->nested, d, n);
        if (st != XB_OK)
            return nested_error(p, st);
    }
    pt->decoded += n;
    return XB_OK;
}

/* Pass the decoded block on; its raw bytes end at raw_end. */
static xb_status flush_block(xb_parser *p, size_t raw_end)
{
    xbm_part *pt = &p->part;
    pt->cur_raw_end = raw_end;
    xb_status st = decoded(p, p->block, pt->blk_len);
    pt->blk_len = 0;
    pt->blk_raw[pt->n_blocks % XBM_BLOCK_RING] = raw_end;
    pt->n_blocks++;
    return st;
}

xb_status xbm_part_data(xb_parser *p, const uint8_t *data, size_t n, size_t abs, bool last)
{
    xbm_part *pt = &p->part;
    xb_status st = XB_OK;
    if (pt->kind == XBM_PART_SKIP || pt->binary)
        return XB_OK;
    if (pt->cte == XBM_CTE_IDENTITY) {
        if (pt->kind == XBM_PART_NESTED) {
            st = pt->ops->feed(pt->nested, data, n);
            return st == XB_OK ? XB_OK : nested_error(p, st);
        }
        if (last && xbt_value_empty(&p->field))
            st = xbt_value_direct(&p->field, data, n, abs, emit_field, p);
        else
            st = xbt_value_copy(&p->field, data, n, abs, emit_field, p);
        return st == XB_OK ? XB_OK : xbm_fail(p, st, "multipart: out of memory");
    }
    /* base64 / quoted-printable: decode into blocks */
    for (size_t done = 0; done < n;) {
        size_t used = 0, bad = 0;
        size_t out = xbm_decode(&pt->dec, data + done, n - done, p->block + pt->blk_len,
                                XBM_DECODE_BLOCK - pt->blk_len, &used, &bad);
        if (out == (size_t)-1) {
            char tmp[32];
            return xbm_fail(p, XB_ERR_MALFORMED,
                            "multipart: part '%s': invalid %s data at byte %zu",
                            xbm_part_label(p, tmp, sizeof(tmp)),
                            pt->cte == XBM_CTE_BASE64 ? "base64" : "quoted-printable",
                            abs + done + bad);
        }
        pt->blk_len += out;
        done += used;
        if (pt->blk_len == XBM_DECODE_BLOCK && (st = flush_block(p, abs + done)) != XB_OK)
            return st;
    }
    return XB_OK;
}

static void report_uninspectable(xb_parser *p, const char *reason, const char *what,
                                 size_t body_end)
{
    xbm_part *pt = &p->part;
    char tmp[32], detail[512];
    const char *label = xbm_part_label(p, tmp, sizeof(tmp));
    snprintf(detail, sizeof(detail), "multipart part '%s' (%s) is not inspected: %s", label,
             pt->content_type ? pt->content_type : "no Content-Type", what);
    if (p->sink.uninspectable)
        p->sink.uninspectable(p->sink.ctx, p->path.data, reason, detail, pt->body_start,
                              body_end, pt->content_type, pt->filename);
}

xb_status xbm_part_end(xb_parser *p, size_t body_end)
{
    xbm_part *pt = &p->part;
    xb_status st = XB_OK;
    char tmp[32];
    if (pt->cte == XBM_CTE_BASE64 || pt->cte == XBM_CTE_QP) {
        if (pt->kind != XBM_PART_SKIP) {
            size_t k = xbm_decode_end(&pt->dec, p->block + pt->blk_len);
            if (k == (size_t)-1)
                return xbm_fail(p, XB_ERR_MALFORMED,
                                "multipart: part '%s': truncated %s data at byte %zu",
                                xbm_part_label(p, tmp, sizeof(tmp)),
                                pt->cte == XBM_CTE_BASE64 ? "base64" : "quoted-printable",
                                body_end);
            pt->blk_len += k;
            if ((st = flush_block(p, body_end)) != XB_OK)
                return st;
        }
    }
    switch (pt->kind) {
    case XBM_PART_FIELD:
        st = xbt_value_end(&p->field, body_end, emit_field, p);
        if (st != XB_OK)
            return xbm_fail(p, st, "multipart: out of memory");
        if (pt->binary)
            report_uninspectable(p, "binary", "the form field is not UTF-8 text", body_end);
        break;
    case XBM_PART_NESTED:
        /* an empty part holds nothing to inspect (and is not a valid JSON text) */
        if (body_end > pt->body_start || pt->decoded > 0) {
            if ((st = pt->ops->finish(pt->nested)) != XB_OK)
                return nested_error(p, st);
        }
        if (pt->rec_max + 1 > p->next_record)
            p->next_record = pt->rec_max + 1;
        break;
    case XBM_PART_SKIP:
        if (body_end > pt->body_start)
            report_uninspectable(p, pt->skip_reason,
                                 !strcmp(pt->skip_reason, "unsupported_encoding")
                                     ? "unsupported Content-Transfer-Encoding"
                                     : "unsupported type",
                                 body_end);
        break;
    }
    xbm_part_release(p);
    return XB_OK;
}
