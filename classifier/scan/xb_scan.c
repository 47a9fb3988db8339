/*
 * xb_scan.c - one body through the pipeline: Content-Encoding decoder ->
 * parser chosen by Content-Type -> per-value detection -> result.
 *
 * Nothing here keeps the body: the decoder and the parser are streaming and
 * the result holds findings (paths, spans, the matched text), never a copy of
 * the data. A body whose type is unknown, whose encoding is unsupported, or
 * which does not parse is reported as not inspectable - never as clean - so
 * that the policy can decide what happens to it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../detect/xb_engine_internal.h"
#include "../parse/xb_decode.h"
#include "xb_scan.h"

#define MAGIC_PREFIX 64

struct xb_scan {
    const xb_engine *engine;
    xb_scan_options opt;
    xb_scan_result res;
    xb_findings findings;
    xb_detect_ctx dc;
    bool dc_ready;
    xb_decoder *dec;
    const xb_parser_ops *ops;
    xb_parser *parser;
    xb_status err;
    bool finished;
    char *content_type;
    uint8_t prefix[MAGIC_PREFIX];
    size_t prefix_len;
    size_t uninspectable_cap;
    size_t carriers_cap;
    int64_t max_record;
};

void xb_scan_options_default(xb_scan_options *o)
{
    memset(o, 0, sizeof(*o));
    xb_limits_default(&o->limits);
    o->keep_values = true;
}

static char *dup_str(const char *s)
{
    return s ? strdup(s) : NULL;
}

static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

/* Path without array / element indices: /users/3/note -> /users/note,
 * /a[1]/b[2] -> /a/b, users[3][note] -> users[note], @1024 -> "". */
static char *canonical_path(const char *path, size_t n)
{
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    size_t i = 0;
    if (n > 0 && path[0] == '@')
        i = n;
    while (i < n) {
        char c = path[i];
        if (c == '[') {
            size_t j = i + 1;
            while (j < n && path[j] >= '0' && path[j] <= '9')
                j++;
            if (j > i + 1 && j < n && path[j] == ']') {
                i = j + 1;
                continue;
            }
        }
        if (c == '/') {
            size_t j = i + 1;
            while (j < n && path[j] >= '0' && path[j] <= '9')
                j++;
            if (j > i + 1 && (j == n || path[j] == '/')) {
                i = j;
                continue;
            }
        }
        out[o++] = c;
        i++;
    }
    out[o] = '\0';
    return out;
}

static bool looks_like_free_text(const xb_value *v)
{
    if (v->len < 2 || v->segment)
        return false;
    if (v->kind != XB_VALUE_STRING && v->kind != XB_VALUE_TEXT &&
        v->kind != XB_VALUE_ATTRIBUTE)
        return false;
    bool space = false, high = false, letter = false;
    for (size_t i = 0; i < v->len; i++) {
        unsigned char c = v->data[i];
        if (c >= 0x80)
            high = true;
        else if (c == ' ')
            space = true;
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
            letter = true;
    }
    if (high)
        return true;
    /* ASCII: prose with spaces, not URLs or tokens. */
    return space && letter && !memmem(v->data, v->len, "://", 3);
}

static xb_status add_carrier(xb_scan *s, const xb_value *v)
{
    xb_scan_result *r = &s->res;
    if (r->n_carriers >= s->opt.limits.max_carriers)
        return XB_OK;
    if (r->n_carriers == s->carriers_cap) {
        size_t cap = s->carriers_cap ? s->carriers_cap * 2 : 16;
        xb_carrier *p = realloc(r->carriers, cap * sizeof(*p));
        if (!p)
            return XB_ERR_NOMEM;
        r->carriers = p;
        s->carriers_cap = cap;
    }
    xb_carrier *c = &r->carriers[r->n_carriers];
    c->path = canonical_path(v->path, v->path_len);
    c->value = dup_n((const char *)v->data, v->len);
    c->span.start = v->raw_start;
    c->span.end = v->raw_end;
    c->exact = v->exact && v->raw_offsets == NULL;
    c->syntax = v->syntax;
    c->record = v->record;
    if (!c->path || !c->value) {
        free(c->path);
        free(c->value);
        return XB_ERR_NOMEM;
    }
    r->n_carriers++;
    return XB_OK;
}

static xb_status on_value(void *ctx, const xb_value *v)
{
    xb_scan *s = ctx;
    s->res.values++;
    if (v->record != XB_RECORD_NONE && v->record > s->max_record)
        s->max_record = v->record;
    xb_status st = xb_detect_value(&s->dc, v);
    if (st != XB_OK)
        return st;
    if (s->opt.collect_carriers && v->exact && xb_detect_last_value_clean(&s->dc) &&
        looks_like_free_text(v))
        return add_carrier(s, v);
    return XB_OK;
}

static void on_uninspectable(void *ctx, const char *path, const char *reason,
                             const char *detail, size_t raw_start, size_t raw_end,
                             const char *content_type, const char *filename)
{
    xb_scan *s = ctx;
    xb_scan_result *r = &s->res;
    if (r->n_uninspectable == s->uninspectable_cap) {
        size_t cap = s->uninspectable_cap ? s->uninspectable_cap * 2 : 4;
        xb_uninspectable *p = realloc(r->uninspectable, cap * sizeof(*p));
        if (!p) {
            s->err = XB_ERR_NOMEM;
            return;
        }
        r->uninspectable = p;
        s->uninspectable_cap = cap;
    }
    xb_uninspectable *u = &r->uninspectable[r->n_uninspectable++];
    u->path = dup_str(path ? path : "");
    u->reason = dup_str(reason ? reason : "unsupported_type");
    u->detail = dup_str(detail);
    u->content_type = dup_str(content_type);
    u->filename = dup_str(filename);
    u->span.start = raw_start;
    u->span.end = raw_end;
    if (s->dc_ready)
        (void)xb_detect_content(&s->dc, path ? path : "", content_type, filename,
                                NULL, 0, raw_start, raw_end);
}

static void set_error(xb_scan *s, xb_status st, const char *msg)
{
    if (s->err != XB_OK)
        return;
    s->err = st;
    free(s->res.error);
    s->res.error = dup_str(msg ? msg : xb_status_name(st));
}

static xb_status on_decoded(void *ctx, const uint8_t *data, size_t len)
{
    xb_scan *s = ctx;
    s->res.bytes_decoded += len;
    if (s->prefix_len < MAGIC_PREFIX) {
        size_t k = MAGIC_PREFIX - s->prefix_len;
        if (k > len)
            k = len;
        memcpy(s->prefix + s->prefix_len, data, k);
        s->prefix_len += k;
    }
    if (!s->parser)
        return XB_OK;
    xb_status st = s->ops->feed(s->parser, data, len);
    if (st != XB_OK) {
        const char *m = s->ops->error_message(s->parser);
        set_error(s, st, m && *m ? m : NULL);
    }
    return st;
}

xb_scan *xb_scan_new(const xb_engine *e, const char *content_type,
                     const char *content_encoding, const xb_scan_options *opts)
{
    xb_scan *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->engine = e;
    if (opts)
        s->opt = *opts;
    else
        xb_scan_options_default(&s->opt);
    s->max_record = -1;
    s->findings.max = s->opt.limits.max_findings;
    s->content_type = dup_str(content_type);
    if (xb_detect_ctx_init(&s->dc, e, &s->findings, s->opt.keep_values) != XB_OK) {
        xb_scan_free(s);
        return NULL;
    }
    s->dc_ready = true;
    s->dc.use_memo = !s->opt.no_value_memo;
    xb_status st = xb_decoder_create(content_encoding, &s->opt.limits, &s->dec);
    if (st != XB_OK) {
        char msg[200];
        snprintf(msg, sizeof(msg), "content-encoding '%s' is not supported",
                 content_encoding ? content_encoding : "");
        set_error(s, st, msg);
        return s;
    }
    s->ops = xb_parser_for_content_type(content_type);
    if (!s->ops) {
        s->res.parser = NULL;
        return s;
    }
    s->res.parser = s->ops->name;
    xb_parser_params pp;
    memset(&pp, 0, sizeof(pp));
    pp.limits = &s->opt.limits;
    pp.sink.ctx = s;
    pp.sink.value = on_value;
    pp.sink.uninspectable = on_uninspectable;
    pp.content_type = s->content_type;
    s->parser = s->ops->create(&pp);
    if (!s->parser)
        set_error(s, XB_ERR_NOMEM, NULL);
    return s;
}

xb_status xb_scan_feed(xb_scan *s, const void *data, size_t len)
{
    if (s->finished)
        return XB_ERR_STATE;
    s->res.bytes_in += len;
    if (s->err != XB_OK)
        return s->err;
    if (!s->dec)
        return XB_OK;
    xb_status st = xb_decoder_feed(s->dec, data, len, on_decoded, s);
    if (st != XB_OK && s->err == XB_OK)
        set_error(s, st, xb_decoder_error(s->dec));
    return s->err;
}

/* XML: records are the repeated elements at the shallowest level where any
 * finding's path shows an index >= 2 (see xb_parser.h). */
static size_t path_step_end(const char *p, size_t i)
{
    size_t n = strlen(p);
    i++;
    while (i < n && p[i] != '/')
        i++;
    return i;
}

static long step_index(const char *p, size_t s, size_t e)
{
    for (size_t i = s; i < e; i++)
        if (p[i] == '[')
            return strtol(p + i + 1, NULL, 10);
    return 1;
}

static void records_from_paths(xb_scan *s)
{
    xb_findings *f = &s->findings;
    size_t level = (size_t)-1;
    for (size_t k = 0; k < f->n; k++) {
        const char *p = f->items[k].path;
        const char *h = strchr(p, '#');
        size_t i = h ? (size_t)(h - p) + 1 : 0;
        size_t depth = 0;
        while (p[i] == '/' && depth < level) {
            size_t e = path_step_end(p, i);
            if (p[i + 1] != '@' && step_index(p, i, e) >= 2) {
                level = depth;
                break;
            }
            depth++;
            i = e;
        }
    }
    if (level == (size_t)-1) {
        for (size_t k = 0; k < f->n; k++)
            f->items[k].record = 0;
        s->res.records = f->n ? 1 : 0;
        return;
    }
    /* Assign ordinals to distinct prefixes up to `level`. Findings arrive in
     * document order, so a record's findings are contiguous: comparing with
     * the previous record's prefix is enough (linear, not quadratic). */
    size_t n_keys = 0;
    const char *last = NULL;
    size_t last_len = 0;
    for (size_t k = 0; k < f->n; k++) {
        const char *p = f->items[k].path;
        const char *h = strchr(p, '#');
        size_t i = h ? (size_t)(h - p) + 1 : 0;
        size_t depth = 0;
        while (p[i] == '/' && depth <= level) {
            i = path_step_end(p, i);
            depth++;
        }
        if (depth <= level) {
            f->items[k].record = XB_RECORD_NONE;
            continue;
        }
        if (!last || last_len != i || strncmp(last, p, i)) {
            last = p;
            last_len = i;
            n_keys++;
        }
        f->items[k].record = (int64_t)n_keys - 1;
    }
    s->res.records = (int64_t)n_keys;
}

xb_status xb_scan_finish(xb_scan *s)
{
    if (s->finished)
        return s->err;
    s->finished = true;
    if (s->err == XB_OK && s->dec) {
        xb_status st = xb_decoder_finish(s->dec, on_decoded, s);
        if (st != XB_OK)
            set_error(s, st, xb_decoder_error(s->dec));
    }
    if (s->err == XB_OK && s->parser) {
        xb_status st = s->ops->finish(s->parser);
        if (st != XB_OK)
            set_error(s, st, s->ops->error_message(s->parser));
    }
    xb_detect_finish(&s->dc); /* withdraw unconfirmed provisional findings */
    (void)xb_detect_content(&s->dc, "", s->content_type, NULL, s->prefix,
                            s->prefix_len, 0, s->res.bytes_decoded);
    xb_scan_result *r = &s->res;
    if (s->ops && s->ops->records_by_path)
        records_from_paths(s);
    else
        r->records = s->max_record + 1;
    r->status = s->err;
    if (s->err != XB_OK) {
        r->inspection = XB_NOT_INSPECTABLE;
    } else if (!s->ops) {
        r->inspection = XB_NOT_INSPECTABLE;
        r->status = XB_ERR_UNSUPPORTED;
        char msg[256];
        snprintf(msg, sizeof(msg), "content type '%s' is not inspectable",
                 s->content_type ? s->content_type : "(none)");
        free(r->error);
        r->error = dup_str(msg);
    } else if (r->n_uninspectable > 0) {
        r->inspection = XB_INSPECTED_PARTIAL;
    } else {
        r->inspection = XB_INSPECTED;
    }
    r->findings = s->findings.items;
    r->n_findings = s->findings.n;
    r->findings_truncated = s->findings.truncated;
    return s->err;
}

const xb_scan_result *xb_scan_get_result(const xb_scan *s)
{
    xb_scan *m = (xb_scan *)s;
    m->res.findings = m->findings.items;
    m->res.n_findings = m->findings.n;
    m->res.findings_truncated = m->findings.truncated;
    return &m->res;
}

void xb_scan_free(xb_scan *s)
{
    if (!s)
        return;
    if (s->parser)
        s->ops->destroy(s->parser);
    if (s->dec)
        xb_decoder_free(s->dec);
    if (s->dc_ready)
        xb_detect_ctx_free(&s->dc);
    xb_findings_free(&s->findings);
    xb_scan_result *r = &s->res;
    for (size_t i = 0; i < r->n_uninspectable; i++) {
        free(r->uninspectable[i].path);
        free(r->uninspectable[i].reason);
        free(r->uninspectable[i].detail);
        free(r->uninspectable[i].content_type);
        free(r->uninspectable[i].filename);
    }
    free(r->uninspectable);
    for (size_t i = 0; i < r->n_carriers; i++) {
        free(r->carriers[i].path);
        free(r->carriers[i].value);
    }
    free(r->carriers);
    free(r->error);
    free(s->content_type);
    free(s);
}

xb_scan *xb_scan_buffer(const xb_engine *e, const char *content_type,
                        const char *content_encoding, const void *data,
                        size_t len, const xb_scan_options *opts)
{
    xb_scan *s = xb_scan_new(e, content_type, content_encoding, opts);
    if (!s)
        return NULL;
    (void)xb_scan_feed(s, data, len);
    (void)xb_scan_finish(s);
    return s;
}
