/*
 * rp_record.c - reads a canonical transfer record back into rp_record with
 * the streaming JSON parser (xb_json_parser); see rp_record.h.
 *
 * Scalars are matched by their JSON Pointer path against a table of known
 * fields. Strings are copied, NUL-terminated, into one arena owned by the
 * parser object; offsets are turned into pointers once the arena stops
 * growing. Booleans are not value events of the parser, so the one boolean
 * the reports need (exporter.ciio) is read from the text right after its
 * key, whose exact end offset the parser reports.
 */
#include "rp_record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classifier/core/xb_buf.h"
#include "classifier/parse/xb_parser.h"
#include "rp_time.h"

enum kind { K_STR, K_U64, K_INT };

typedef struct field_spec {
    const char *path;
    enum kind kind;
    size_t offset; /* of the member in rp_record */
} field_spec;

#define S(p, m) {p, K_STR, offsetof(rp_record, m)}
#define U(p, m) {p, K_U64, offsetof(rp_record, m)}

static const field_spec top_fields[] = {
    U("/v", v),
    S("/transfer_id", transfer_id),
    S("/node", node),
    S("/chain", chain),
    U("/seq", seq),
    S("/prev_hash", prev_hash),
    S("/ts_start", ts_start),
    S("/ts_end", ts_end),
    S("/direction", direction),
    S("/scenario", scenario),
    S("/exporter/id", exporter_id),
    S("/exporter/uscc", exporter_uscc),
    S("/exporter/name", exporter_name),
    S("/exporter/ftz", exporter_ftz),
    S("/exporter/ftz_list_version", exporter_ftz_list_version),
    S("/recipient/id", recipient_id),
    S("/recipient/name", recipient_name),
    S("/recipient/country", recipient_country),
    S("/recipient/role", recipient_role),
    S("/destination/country", dest_country),
    S("/destination/host", dest_host),
    S("/destination/uri", dest_uri),
    S("/destination/method", method),
    S("/content/type", content_type),
    S("/content/encoding", content_encoding),
    U("/content/bytes_original", bytes_original),
    U("/content/bytes_sent", bytes_sent),
    U("/content/records", records),
    S("/content/sha256_original", sha256_original),
    S("/content/sha256_sent", sha256_sent),
    S("/content/inspection", inspection),
    S("/content/inspection_error", inspection_error),
    U("/subjects/general", subjects_general),
    U("/subjects/sensitive", subjects_sensitive),
    U("/counters/general_ytd", ytd_general),
    U("/counters/sensitive_ytd", ytd_sensitive),
    {"/counters/year", K_INT, offsetof(rp_record, year)},
    S("/decision/route", route),
    S("/decision/exempt_article", exempt_article),
    S("/decision/rule", rule),
    S("/decision/outcome", outcome),
    S("/decision/enforced", enforced),
    S("/decision/mode", mode),
    S("/decision/mechanism_type", mechanism_type),
    S("/decision/mechanism_ref", mechanism_ref),
    S("/watermark/id", watermark_id),
    S("/watermark/key_id", watermark_key_id),
    S("/watermark/scheme", watermark_scheme),
    S("/versions/catalogs", catalog_version),
    S("/versions/policy", policy_version),
    S("/versions/engine", engine_version),
};
#define N_TOP (sizeof(top_fields) / sizeof(top_fields[0]))

#define CAT_FIELDS 2    /* category, level */
#define REASON_FIELDS 5 /* entry, category, path, article, mechanism */
static const char *const cat_names[CAT_FIELDS] = {"category", "level"};
static const char *const reason_names[REASON_FIELDS] = {"entry", "category", "path",
                                                        "article", "mechanism"};

typedef struct cat_slot {
    size_t str[CAT_FIELDS]; /* arena offset + 1, 0 = absent */
    uint64_t count;
    size_t n_paths;
} cat_slot;

typedef struct reason_slot {
    size_t str[REASON_FIELDS];
} reason_slot;

struct rp_record_parser {
    xb_buf arena;
    size_t top[N_TOP];          /* offset + 1 of each string field */
    uint64_t num[N_TOP];
    cat_slot *cats;
    size_t n_cats, cap_cats;
    reason_slot *reasons;
    size_t n_reasons, cap_reasons;
    rp_category *out_cats;
    rp_reason *out_reasons;
    size_t out_cap_cats, out_cap_reasons;
    size_t *last_slot;          /* string slot of the previous value (segments) */
    bool last_segment;
    bool path_continues;        /* the previous value was a path segment */
    bool ciio;
    const char *text;
    size_t text_len;
    xb_status error;
};

rp_record_parser *rp_record_parser_new(void)
{
    return calloc(1, sizeof(rp_record_parser));
}

void rp_record_parser_free(rp_record_parser *p)
{
    if (!p)
        return;
    xb_buf_free(&p->arena);
    free(p->cats);
    free(p->reasons);
    free(p->out_cats);
    free(p->out_reasons);
    free(p);
}

static bool path_is(const xb_value *v, const char *lit)
{
    size_t n = strlen(lit);
    return v->path_len == n && !memcmp(v->path, lit, n);
}

/* Store the value's bytes in the arena; slot receives offset + 1. A
 * segment continuing the previous value is appended to it. */
static xb_status store(rp_record_parser *p, size_t *slot, const xb_value *v)
{
    if (p->last_slot == slot && p->last_segment && *slot) {
        p->arena.len--; /* drop the NUL, extend the string */
    } else {
        *slot = p->arena.len + 1;
    }
    xb_status st = xb_buf_append(&p->arena, v->data, v->len);
    if (!st)
        st = xb_buf_append_char(&p->arena, '\0');
    p->last_slot = slot;
    p->last_segment = v->segment;
    return st;
}

static bool parse_u64(const xb_value *v, uint64_t *out)
{
    uint64_t n = 0;
    if (v->len == 0 || v->len > 19)
        return false;
    for (size_t i = 0; i < v->len; i++) {
        if (v->data[i] < '0' || v->data[i] > '9')
            return false;
        n = n * 10 + (uint64_t)(v->data[i] - '0');
    }
    *out = n;
    return true;
}

/* "/<array>/<N>/<name>" with array given: returns N and the name. */
static bool array_item(const xb_value *v, const char *array, size_t *index, const char **name,
                       size_t *name_len)
{
    size_t n = strlen(array);
    if (v->path_len <= n || memcmp(v->path, array, n))
        return false;
    const char *s = v->path + n, *end = v->path + v->path_len;
    size_t idx = 0;
    if (s >= end || *s < '0' || *s > '9')
        return false;
    while (s < end && *s >= '0' && *s <= '9') {
        idx = idx * 10 + (size_t)(*s - '0');
        if (idx > 1000000)
            return false;
        s++;
    }
    if (s >= end || *s != '/')
        return false;
    *index = idx;
    *name = s + 1;
    *name_len = (size_t)(end - s - 1);
    return true;
}

static void *grow(void *arr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return arr;
    size_t c = *cap ? *cap : 8;
    while (c < need)
        c *= 2;
    void *q = realloc(arr, c * size);
    if (!q)
        return NULL;
    memset((char *)q + *cap * size, 0, (c - *cap) * size);
    *cap = c;
    return q;
}

static xb_status on_category(rp_record_parser *p, size_t idx, const char *name, size_t n,
                             const xb_value *v)
{
    cat_slot *c = grow(p->cats, &p->cap_cats, idx + 1, sizeof(cat_slot));
    if (!c)
        return XB_ERR_NOMEM;
    p->cats = c;
    if (idx + 1 > p->n_cats)
        p->n_cats = idx + 1;
    cat_slot *slot = &p->cats[idx];
    if (n == 5 && !memcmp(name, "count", 5) && v->kind == XB_VALUE_NUMBER) {
        parse_u64(v, &slot->count);
        return XB_OK;
    }
    if (n > 6 && !memcmp(name, "paths/", 6) && v->kind == XB_VALUE_STRING) {
        if (!p->path_continues)
            slot->n_paths++;
        p->path_continues = v->segment; /* the next event ends this path */
        return XB_OK;
    }
    for (size_t i = 0; i < CAT_FIELDS; i++)
        if (strlen(cat_names[i]) == n && !memcmp(cat_names[i], name, n) &&
            v->kind == XB_VALUE_STRING)
            return store(p, &slot->str[i], v);
    return XB_OK;
}

static xb_status on_reason(rp_record_parser *p, size_t idx, const char *name, size_t n,
                           const xb_value *v)
{
    reason_slot *r = grow(p->reasons, &p->cap_reasons, idx + 1, sizeof(reason_slot));
    if (!r)
        return XB_ERR_NOMEM;
    p->reasons = r;
    if (idx + 1 > p->n_reasons)
        p->n_reasons = idx + 1;
    if (v->kind != XB_VALUE_STRING)
        return XB_OK;
    for (size_t i = 0; i < REASON_FIELDS; i++)
        if (strlen(reason_names[i]) == n && !memcmp(reason_names[i], name, n))
            return store(p, &p->reasons[idx].str[i], v);
    return XB_OK;
}

/* exporter.ciio: the literal right after the key's closing quote and ':'. */
static void read_ciio(rp_record_parser *p, const xb_value *v)
{
    size_t i = v->raw_end + 1; /* past the closing quote */
    while (i < p->text_len && (p->text[i] == ' ' || p->text[i] == ':' || p->text[i] == '\t' ||
                               p->text[i] == '\n' || p->text[i] == '\r'))
        i++;
    p->ciio = p->text_len - i >= 4 && !memcmp(p->text + i, "true", 4);
}

static xb_status on_value(void *ctx, const xb_value *v)
{
    rp_record_parser *p = ctx;
    size_t idx, n;
    const char *name;
    bool path_event = p->path_continues;
    p->path_continues = false;
    if (v->kind == XB_VALUE_KEY) {
        if (path_is(v, "/exporter/ciio"))
            read_ciio(p, v);
        p->last_slot = NULL;
        return XB_OK;
    }
    if (array_item(v, "/findings/", &idx, &name, &n)) {
        p->path_continues = path_event;
        return on_category(p, idx, name, n, v);
    }
    if (array_item(v, "/decision/reasons/", &idx, &name, &n))
        return on_reason(p, idx, name, n, v);
    for (size_t i = 0; i < N_TOP; i++) {
        if (!path_is(v, top_fields[i].path))
            continue;
        if (top_fields[i].kind == K_STR)
            return v->kind == XB_VALUE_STRING ? store(p, &p->top[i], v) : XB_OK;
        if (v->kind == XB_VALUE_NUMBER)
            parse_u64(v, &p->num[i]);
        return XB_OK;
    }
    p->last_slot = NULL;
    return XB_OK;
}

/* Make room for the output arrays of categories and reasons. */
static bool grow_out(rp_record_parser *p)
{
    if (p->n_cats > p->out_cap_cats) {
        rp_category *c = realloc(p->out_cats, p->n_cats * sizeof(*c));
        if (!c)
            return false;
        p->out_cats = c;
        p->out_cap_cats = p->n_cats;
    }
    if (p->n_reasons > p->out_cap_reasons) {
        rp_reason *r = realloc(p->out_reasons, p->n_reasons * sizeof(*r));
        if (!r)
            return false;
        p->out_reasons = r;
        p->out_cap_reasons = p->n_reasons;
    }
    return true;
}

static const char *at(const rp_record_parser *p, size_t slot)
{
    return slot ? p->arena.data + slot - 1 : "";
}

xb_status rp_record_parse(rp_record_parser *p, const char *text, size_t len, rp_record *out,
                          char *err, size_t err_size)
{
    xb_buf_reset(&p->arena);
    memset(p->top, 0, sizeof(p->top));
    memset(p->num, 0, sizeof(p->num));
    if (p->cats)
        memset(p->cats, 0, p->cap_cats * sizeof(cat_slot));
    if (p->reasons)
        memset(p->reasons, 0, p->cap_reasons * sizeof(reason_slot));
    p->n_cats = p->n_reasons = 0;
    p->last_slot = NULL;
    p->last_segment = false;
    p->path_continues = false;
    p->ciio = false;
    p->text = text;
    p->text_len = len;
    memset(out, 0, sizeof(*out));

    size_t i = 0;
    while (i < len && (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t'))
        i++;
    if (i == len || text[i] != '{') {
        snprintf(err, err_size, "record is not a JSON object");
        return XB_ERR_MALFORMED;
    }
    xb_limits lim;
    xb_limits_default(&lim);
    lim.max_depth = 16;
    xb_parser_params params = {&lim, {p, on_value, NULL}, 0, NULL, "application/json"};
    xb_parser *jp = xb_json_parser.create(&params);
    if (!jp) {
        snprintf(err, err_size, "out of memory");
        return XB_ERR_NOMEM;
    }
    xb_status st = xb_json_parser.feed(jp, (const uint8_t *)text, len);
    if (st == XB_OK)
        st = xb_json_parser.finish(jp);
    if (st != XB_OK)
        snprintf(err, err_size, "record: %s",
                 st == XB_ERR_NOMEM ? "out of memory" : xb_json_parser.error_message(jp));
    xb_json_parser.destroy(jp);
    if (st != XB_OK)
        return st;

    /* The arena no longer moves: hand out pointers. */
    for (size_t k = 0; k < N_TOP; k++) {
        char *member = (char *)out + top_fields[k].offset;
        if (top_fields[k].kind == K_STR)
            *(const char **)member = at(p, p->top[k]);
        else if (top_fields[k].kind == K_U64)
            *(uint64_t *)member = p->num[k];
        else
            *(int *)member = p->num[k] > 100000 ? 0 : (int)p->num[k];
    }
    if (!grow_out(p))
        return XB_ERR_NOMEM;
    for (size_t k = 0; k < p->n_cats; k++) {
        p->out_cats[k].category = at(p, p->cats[k].str[0]);
        p->out_cats[k].level = at(p, p->cats[k].str[1]);
        p->out_cats[k].count = p->cats[k].count;
        p->out_cats[k].n_paths = p->cats[k].n_paths;
    }
    for (size_t k = 0; k < p->n_reasons; k++) {
        rp_reason *r = &p->out_reasons[k];
        r->entry = at(p, p->reasons[k].str[0]);
        r->category = at(p, p->reasons[k].str[1]);
        r->path = at(p, p->reasons[k].str[2]);
        r->article = at(p, p->reasons[k].str[3]);
        r->mechanism = at(p, p->reasons[k].str[4]);
    }
    out->categories = p->out_cats;
    out->n_categories = p->n_cats;
    out->reasons = p->out_reasons;
    out->n_reasons = p->n_reasons;
    out->exporter_ciio = p->ciio;
    out->ts_ok = rp_time_parse(out->ts_start, &out->ts_start_ms);
    if (!out->ts_ok)
        out->ts_start_ms = 0;
    return XB_OK;
}

const char *rp_record_effect(const rp_record *r)
{
    return r->enforced[0] ? r->enforced : r->outcome;
}

bool rp_record_blocked(const rp_record *r)
{
    return !strcmp(rp_record_effect(r), "block");
}

void rp_reason_describe(const rp_reason *x, const rp_record *r, xb_buf *out)
{
    if (x->entry[0])
        xb_buf_append_str(out, x->entry);
    else if (x->category[0])
        xb_buf_append_str(out, x->category);
    else if (x->mechanism[0])
        xb_buf_printf(out, "mechanism %s", x->mechanism);
    else
        xb_buf_printf(out, "rule %s", r->rule[0] ? r->rule : "?");
    if (x->path[0])
        xb_buf_printf(out, " at %s", x->path);
    if (x->article[0])
        xb_buf_printf(out, " (%s)", x->article);
}
