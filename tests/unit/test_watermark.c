/* test_watermark.c - keyed zero-width watermark: key derivation and HMAC,
 * payload and blob codec, embedding into JSON / CSV / XML / form bodies,
 * and extraction from the marked body, a re-serialised and reordered copy,
 * a single pasted value (raw and escaped), a wrong key, an unmarked body,
 * and a body whose blobs were stripped (votes only). */
#include "xb_test.h"

#include "classifier/core/xb_buf.h"
#include "classifier/parse/xb_parser.h"
#include "classifier/transform/xb_watermark.h"
#include "classifier/transform/xb_wm_internal.h"

static const uint64_t TID = 0x0123456789abcdefULL;
static const char MASTER[] = "0123456789abcdef0123456789abcdef";

static void key_init(xb_wm_key *k, const char *master)
{
    assert_int_equal(xb_wm_key_init(k, (const uint8_t *)master, strlen(master)), XB_OK);
}

/* ---- carriers from a JSON body (what collect_carriers gives) ---------------- */

typedef struct carriers {
    xb_carrier *items;
    size_t n, cap;
} carriers;

/* /items/3/note -> /items/note */
static char *canonical(const char *p, size_t n)
{
    xb_buf b = XB_BUF_INIT;
    size_t i = 0;
    while (i < n) {
        size_t j = i + 1;
        while (j < n && p[j] != '/')
            j++;
        bool index = j > i + 1;
        for (size_t k = i + 1; k < j && index; k++)
            index = p[k] >= '0' && p[k] <= '9';
        if (!index)
            assert_int_equal(xb_buf_append(&b, p + i, j - i), XB_OK);
        i = j;
    }
    return xb_buf_take(&b);
}

/* Free-text fields only: ids and phones are findings, never carriers. */
static bool carrier_field(const xb_value *v)
{
    return v->kind == XB_VALUE_STRING &&
           ((v->field_len == 4 && memcmp(v->field, "note", 4) == 0) ||
            (v->field_len == 5 && memcmp(v->field, "title", 5) == 0));
}

static xb_status collect(void *ctx, const xb_value *v)
{
    carriers *c = ctx;
    if (!carrier_field(v))
        return XB_OK;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->items = realloc(c->items, c->cap * sizeof(*c->items));
        assert_non_null(c->items);
    }
    xb_carrier *k = &c->items[c->n++];
    k->path = canonical(v->path, v->path_len);
    k->value = malloc(v->len + 1);
    assert_non_null(k->value);
    memcpy(k->value, v->data, v->len);
    k->value[v->len] = '\0';
    k->span.start = v->raw_start;
    k->span.end = v->raw_end;
    k->exact = v->exact && v->raw_offsets == NULL;
    k->syntax = v->syntax;
    k->record = v->record;
    return XB_OK;
}

static void parse_json(const char *body, size_t len, xb_sink sink)
{
    xb_limits lim;
    xb_limits_default(&lim);
    xb_parser_params pp;
    memset(&pp, 0, sizeof(pp));
    pp.limits = &lim;
    pp.sink = sink;
    pp.content_type = "application/json";
    xb_parser *p = xb_json_parser.create(&pp);
    assert_non_null(p);
    assert_int_equal(xb_json_parser.feed(p, (const uint8_t *)body, len), XB_OK);
    assert_int_equal(xb_json_parser.finish(p), XB_OK);
    xb_json_parser.destroy(p);
}

static carriers json_carriers(const char *body, size_t len)
{
    carriers c = {0};
    xb_sink sink = {&c, collect, NULL};
    parse_json(body, len, sink);
    return c;
}

static void carriers_free(carriers *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->items[i].path);
        free(c->items[i].value);
    }
    free(c->items);
    memset(c, 0, sizeof(*c));
}

/* ---- test bodies ------------------------------------------------------------ */

static const char *const notes[] = {
    "客户要求周五之前发货，请仓库优先处理",
    "Customer asked for a refund because the box arrived damaged",
    "请与物流公司确认包裹是否已经签收",
    "Follow up with the supplier about the delayed shipment",
    "退货原因：尺码不合适，需要换大一号",
    "Please call back after the holiday, the office is closed",
};
static const char *const titles[] = {
    "季度采购订单", "Refund request", "物流查询", "Supplier follow-up",
    "换货申请", "Callback needed",
};

/* {"transfer":"t","items":[{"id":...,"note":...,"title":...},...]} with
 * n records; notes and titles are made unique by a record letter. */
static char *make_body(size_t n)
{
    xb_buf b = XB_BUF_INIT;
    assert_int_equal(xb_buf_append_str(&b, "{\"transfer\":\"quarterly export\",\"items\":["), XB_OK);
    for (size_t i = 0; i < n; i++) {
        char tag[16];
        snprintf(tag, sizeof(tag), "%c%c%c", 'A' + (int)(i % 26), 'a' + (int)(i / 26 % 26),
                 'a' + (int)(i / 676 % 26));
        assert_int_equal(xb_buf_printf(&b,
                                       "%s{\"id\":\"1101051949123100%02zu\",\"note\":\"%s %s\","
                                       "\"title\":\"%s %s\"}",
                                       i ? "," : "", i % 100, notes[i % 6], tag,
                                       titles[i % 6], tag),
                         XB_OK);
    }
    assert_int_equal(xb_buf_append_str(&b, "]}"), XB_OK);
    return xb_buf_take(&b);
}

static char *embed(const xb_wm_key *k, const char *body, const carriers *c,
                   const xb_wm_options *opt, xb_wm_embed_stats *stats)
{
    xb_edit_list l = XB_EDIT_LIST_INIT;
    assert_int_equal(xb_wm_embed(k, TID, c->items, c->n, opt, &l, stats), XB_OK);
    xb_chunk ch = {(const uint8_t *)body, strlen(body)};
    xb_buf out = XB_BUF_INIT;
    assert_int_equal(xb_rewrite_to_buf(&ch, 1, l.items, l.n, &out), XB_OK);
    xb_edit_list_free(&l);
    return xb_buf_take(&out);
}

/* Remove every zero-width character (what a sanitiser does). */
static char *strip_zw(const char *s)
{
    xb_buf b = XB_BUF_INIT;
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        if (xb_wm_symbol_at((const uint8_t *)s, n, &j) >= 0) {
            i = j;
            continue;
        }
        assert_int_equal(xb_buf_append_char(&b, s[i]), XB_OK);
        i++;
    }
    return xb_buf_take(&b);
}

/* Remove framed blobs only (50 zero-width symbols from U+2060 to U+2060). */
static char *strip_blobs(const char *s, size_t *removed)
{
    xb_buf b = XB_BUF_INIT;
    size_t n = strlen(s);
    *removed = 0;
    for (size_t i = 0; i < n;) {
        if (i + XB_WM_BLOB_BYTES <= n && memcmp(s + i, "\xe2\x81\xa0", 3) == 0 &&
            memcmp(s + i + XB_WM_BLOB_BYTES - 3, "\xe2\x81\xa0", 3) == 0) {
            size_t j = i;
            int count = 0;
            while (count < XB_WM_BLOB_SYMBOLS + 2 &&
                   xb_wm_symbol_at((const uint8_t *)s, n, &j) >= 0)
                count++;
            if (count == XB_WM_BLOB_SYMBOLS + 2) {
                i = j;
                (*removed)++;
                continue;
            }
        }
        assert_int_equal(xb_buf_append_char(&b, s[i]), XB_OK);
        i++;
    }
    return xb_buf_take(&b);
}

/* Re-serialise a marked body of the make_body shape: pretty-printed, keys
 * in another order, records in reverse, keeping only every `keep`-th. */
typedef struct rec {
    char *note, *title, *id;
} rec;

typedef struct records {
    rec r[4096];
    size_t n;
} records;

static xb_status grab(void *ctx, const xb_value *v)
{
    records *rs = ctx;
    if (v->kind != XB_VALUE_STRING || v->record < 0)
        return XB_OK;
    assert_true(v->record < 4096);
    if ((size_t)v->record + 1 > rs->n)
        rs->n = (size_t)v->record + 1;
    rec *r = &rs->r[v->record];
    char *copy = malloc(v->len + 1);
    memcpy(copy, v->data, v->len);
    copy[v->len] = '\0';
    if (v->field_len == 4 && !memcmp(v->field, "note", 4))
        r->note = copy;
    else if (v->field_len == 5 && !memcmp(v->field, "title", 5))
        r->title = copy;
    else
        r->id = copy;
    return XB_OK;
}

static char *reserialise(const char *marked, size_t keep)
{
    records *rs = calloc(1, sizeof(*rs));
    assert_non_null(rs);
    xb_sink sink = {rs, grab, NULL};
    parse_json(marked, strlen(marked), sink);
    xb_buf b = XB_BUF_INIT;
    assert_int_equal(xb_buf_append_str(&b, "{\n  \"items\" : [\n"), XB_OK);
    bool first = true;
    for (size_t i = rs->n; i-- > 0;) {
        rec *r = &rs->r[i];
        if (i % keep == 0) {
            assert_int_equal(xb_buf_append_str(&b, first ? "    {\n" : ",\n    {\n"), XB_OK);
            first = false;
            assert_int_equal(xb_buf_append_str(&b, "      \"title\" : \""), XB_OK);
            assert_int_equal(xb_buf_append_json_escaped(&b, r->title, strlen(r->title)), XB_OK);
            assert_int_equal(xb_buf_append_str(&b, "\",\n      \"note\" : \""), XB_OK);
            assert_int_equal(xb_buf_append_json_escaped(&b, r->note, strlen(r->note)), XB_OK);
            assert_int_equal(xb_buf_printf(&b, "\",\n      \"id\" : \"%s\"\n    }", r->id), XB_OK);
        }
        free(r->note);
        free(r->title);
        free(r->id);
    }
    assert_int_equal(xb_buf_append_str(&b, "\n  ],\n  \"transfer\" : \"quarterly export\"\n}\n"),
                     XB_OK);
    free(rs);
    return xb_buf_take(&b);
}

/* ---- primitives ------------------------------------------------------------- */

static void test_hmac_and_keys(void **state)
{
    (void)state;
    /* RFC 4231 test case 2. */
    uint8_t mac[32];
    assert_int_equal(xb_wm_hmac((const uint8_t *)"Jefe", 4, "what do ya want for nothing?",
                                28, mac),
                     XB_OK);
    static const uint8_t want[32] = {
        0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04, 0x24,
        0x26, 0x08, 0x95, 0x75, 0xc7, 0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27,
        0x39, 0x83, 0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43};
    assert_memory_equal(mac, want, 32);
    /* The cloned keyed context gives the same MAC over split parts. */
    xb_wm_mac m;
    assert_int_equal(xb_wm_mac_open(&m, (const uint8_t *)"Jefe", 4), XB_OK);
    for (int i = 0; i < 2; i++) {
        memset(mac, 0, sizeof(mac));
        assert_int_equal(xb_wm_mac_3(&m, "what do ", 8, "ya want", 7,
                                     " for nothing?", 13, mac),
                         XB_OK);
        assert_memory_equal(mac, want, 32);
    }
    xb_wm_mac_close(&m);

    xb_wm_key k;
    key_init(&k, MASTER);
    /* key id = first 8 hex of SHA-256(master) */
    assert_string_equal(k.key_id, "3eb1bd43");
    uint8_t sel[32];
    assert_int_equal(xb_wm_hmac((const uint8_t *)MASTER, 32, "select", 6, sel), XB_OK);
    assert_memory_equal(sel, k.k_sel, 32);
    assert_memory_not_equal(k.k_sel, k.k_bits, 32);
    assert_memory_not_equal(k.k_bits, k.k_tag, 32);
    xb_wm_key_clear(&k);
    assert_int_equal(k.key_id[0], 0);

    assert_int_equal(xb_wm_key_init(&k, (const uint8_t *)"short", 5), XB_ERR_INVALID);
    assert_int_equal(xb_wm_key_init(&k, NULL, 32), XB_ERR_INVALID);
}

static void test_ids_and_gamma(void **state)
{
    (void)state;
    char s[17];
    xb_wm_format_id(TID, s);
    assert_string_equal(s, "0123456789abcdef");
    uint64_t id = 0;
    assert_true(xb_wm_parse_id("0123456789ABCDEF", &id));
    assert_true(id == TID);
    assert_true(xb_wm_parse_id("ff", &id));
    assert_true(id == 0xff);
    assert_false(xb_wm_parse_id("", &id));
    assert_false(xb_wm_parse_id("0123456789abcdef0", &id));
    assert_false(xb_wm_parse_id("xyz", &id));

    assert_int_equal(xb_wm_gamma_for(0), 1);
    assert_int_equal(xb_wm_gamma_for(1535), 1);
    assert_int_equal(xb_wm_gamma_for(1536), 2);
    assert_int_equal(xb_wm_gamma_for(3072), 4);
    assert_int_equal(xb_wm_gamma_for(6144), 8);
    assert_int_equal(xb_wm_gamma_for(1000000), 16);
    assert_string_equal(xb_wm_method_name(XB_WM_METHOD_VOTES), "votes");
}

static void test_payload_and_blob_codec(void **state)
{
    (void)state;
    xb_wm_key k;
    key_init(&k, MASTER);
    uint8_t p[12];
    assert_int_equal(xb_wm_payload(&k, TID, p), XB_OK);
    /* (id || tag) XOR whitening, as computed independently with Python's
     * hmac module from the scheme in xb_watermark.h. */
    static const uint8_t want[12] = {0xd8, 0xd4, 0xab, 0x26, 0xed, 0xf6,
                                     0x94, 0xef, 0x04, 0xd0, 0x6d, 0xcf};
    assert_memory_equal(p, want, 12);
    uint64_t id = 0;
    bool ok = false;
    assert_int_equal(xb_wm_payload_check(&k, p, &id, &ok), XB_OK);
    assert_true(ok);
    assert_true(id == TID);
    for (unsigned bit = 0; bit < 96; bit++) {
        uint8_t q[12];
        memcpy(q, p, 12);
        q[bit / 8] ^= (uint8_t)(0x80 >> (bit % 8));
        assert_int_equal(xb_wm_payload_check(&k, q, &id, &ok), XB_OK);
        assert_false(ok); /* any single flipped bit fails the tag */
    }

    char blob[XB_WM_BLOB_BYTES];
    xb_wm_blob_encode(p, blob);
    assert_memory_equal(blob, "\xe2\x81\xa0", 3);
    assert_memory_equal(blob + XB_WM_BLOB_BYTES - 3, "\xe2\x81\xa0", 3);
    xb_wm_result res;
    assert_int_equal(xb_wm_extract(&k, blob, sizeof(blob), NULL, 0, 0, &res), XB_OK);
    assert_true(res.found);
    assert_true(res.transfer_id == TID);
    assert_int_equal(res.blobs_seen, 1);

    /* Every escaped form of a symbol is recognised. */
    const char *forms[] = {"\xe2\x80\x8b", "\\u200b", "\\\\u200B", "&#x200B;", "&#8203;",
                           "%E2%80%8B", "%e2%80%8b"};
    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        size_t at = 0;
        assert_int_equal(xb_wm_symbol_at((const uint8_t *)forms[i], strlen(forms[i]), &at), 0);
        assert_int_equal(at, strlen(forms[i]));
    }
    const char *not_symbols[] = {"\\u200e", "&#8206;", "%E2%80%8E", "\xe2\x80\x8e", "\\x", "&#;"};
    for (size_t i = 0; i < sizeof(not_symbols) / sizeof(not_symbols[0]); i++) {
        size_t at = 0;
        assert_int_equal(xb_wm_symbol_at((const uint8_t *)not_symbols[i],
                                         strlen(not_symbols[i]), &at),
                         -1);
        assert_int_equal(at, 0);
    }
    size_t at = 0;
    assert_int_equal(xb_wm_symbol_at((const uint8_t *)"\xe2\x81\xa0", 3, &at), 3);
}

/* ---- round trips on a small JSON body --------------------------------------- */

typedef struct small {
    xb_wm_key key;
    char *body;
    carriers c;
    char *marked;
    xb_wm_embed_stats stats;
} small;

static int small_setup(void **state)
{
    small *s = calloc(1, sizeof(*s));
    key_init(&s->key, MASTER);
    s->body = make_body(6);
    s->c = json_carriers(s->body, strlen(s->body));
    s->marked = embed(&s->key, s->body, &s->c, NULL, &s->stats);
    *state = s;
    return 0;
}

static int small_teardown(void **state)
{
    small *s = *state;
    free(s->body);
    free(s->marked);
    carriers_free(&s->c);
    xb_wm_key_clear(&s->key);
    free(s);
    return 0;
}

static void test_embed_small_body(void **state)
{
    small *s = *state;
    assert_int_equal(s->c.n, 12);
    assert_int_equal(s->stats.gamma, 1);
    assert_int_equal(s->stats.carriers, 12);
    assert_int_equal(s->stats.eligible, 12);
    assert_int_equal(s->stats.selected, 12);
    assert_int_equal(s->stats.votes, 12);
    assert_true(s->stats.blobs >= 6);
    assert_int_equal(strlen(s->marked), strlen(s->body) + s->stats.bytes_added);
    /* Marks are insertions of raw UTF-8 zero-width characters only. */
    assert_null(strstr(s->marked, "\\u20"));
    char *clean = strip_zw(s->marked);
    assert_string_equal(clean, s->body);
    free(clean);
    /* The marked body still parses, with the same values. */
    carriers again = json_carriers(s->marked, strlen(s->marked));
    assert_int_equal(again.n, s->c.n);
    carriers_free(&again);
    /* Identifiers are never touched. */
    assert_non_null(strstr(s->marked, "\"id\":\"110105194912310000\""));

    /* Deterministic: the same transfer marks the same way. */
    char *twice = embed(&s->key, s->body, &s->c, NULL, NULL);
    assert_string_equal(twice, s->marked);
    free(twice);
}

static void test_extract_marked_body(void **state)
{
    small *s = *state;
    xb_wm_result res;
    assert_int_equal(xb_wm_extract(&s->key, s->marked, strlen(s->marked), NULL, 0, 0, &res),
                     XB_OK);
    assert_true(res.found);
    assert_true(res.transfer_id == TID);
    assert_int_equal(res.method, XB_WM_METHOD_BLOB);
    assert_int_equal(res.blobs_valid, s->stats.blobs);
    assert_int_equal(res.blobs_for_id, s->stats.blobs);
    assert_int_equal(res.distinct_ids, 1);
    assert_true(res.confidence > 0.999);
}

static void test_extract_reserialised(void **state)
{
    small *s = *state;
    char *copy = reserialise(s->marked, 1);
    assert_string_not_equal(copy, s->marked);
    xb_wm_result res;
    assert_int_equal(xb_wm_extract(&s->key, copy, strlen(copy), NULL, 0, 0, &res), XB_OK);
    assert_true(res.found);
    assert_true(res.transfer_id == TID);
    /* From the carriers of a scan of the copy alone (no raw text). */
    carriers c = json_carriers(copy, strlen(copy));
    assert_int_equal(xb_wm_extract(&s->key, NULL, 0, c.items, c.n, 0, &res), XB_OK);
    assert_true(res.found);
    assert_true(res.transfer_id == TID);
    assert_int_equal(res.method, XB_WM_METHOD_BLOB);
    carriers_free(&c);
    free(copy);
}

/* The first carrier value of the marked body that holds a blob. */
static char *marked_value_with_blob(const small *s)
{
    carriers c = json_carriers(s->marked, strlen(s->marked));
    char *v = NULL;
    for (size_t i = 0; i < c.n && !v; i++)
        if (strstr(c.items[i].value, "\xe2\x81\xa0"))
            v = strdup(c.items[i].value);
    carriers_free(&c);
    assert_non_null(v);
    return v;
}

static void test_extract_single_pasted_value(void **state)
{
    small *s = *state;
    char *v = marked_value_with_blob(s);
    xb_buf text = XB_BUF_INIT;
    assert_int_equal(xb_buf_printf(&text, "Forwarded from a chat:\n> %s\nregards", v), XB_OK);
    xb_wm_result res;
    assert_int_equal(xb_wm_extract(&s->key, text.data, text.len, NULL, 0, 0, &res), XB_OK);
    assert_true(res.found);
    assert_true(res.transfer_id == TID);
    assert_int_equal(res.method, XB_WM_METHOD_BLOB);
    assert_int_equal(res.blobs_valid, 1);

    /* The same value re-serialised with \u escapes (ensure_ascii JSON) and
     * with XML character references. */
    const char *styles[] = {"\\u%04x", "&#x%X;"};
    for (int st = 0; st < 2; st++) {
        xb_buf esc = XB_BUF_INIT;
        const uint8_t *p = (const uint8_t *)v;
        size_t n = strlen(v);
        for (size_t i = 0; i < n;) {
            size_t j = i;
            int sym = xb_wm_symbol_at(p, n, &j);
            if (sym >= 0) {
                assert_int_equal(xb_buf_printf(&esc, styles[st], xb_wm_symbol_cp[sym]), XB_OK);
                i = j;
            } else {
                assert_int_equal(xb_buf_append_char(&esc, (char)p[i]), XB_OK);
                i++;
            }
        }
        assert_null(memmem(esc.data, esc.len, "\xe2\x81\xa0", 3));
        assert_int_equal(xb_wm_extract(&s->key, esc.data, esc.len, NULL, 0, 0, &res), XB_OK);
        assert_true(res.found);
        assert_true(res.transfer_id == TID);
        xb_buf_free(&esc);
    }

    /* One altered symbol in the only blob: the tag fails, nothing found. */
    char *blob = strstr(text.data, "\xe2\x81\xa0");
    assert_non_null(blob);
    blob[3 * 10 + 2] = blob[3 * 10 + 2] == '\x8b' ? '\x8c' : '\x8b';
    assert_int_equal(xb_wm_extract(&s->key, text.data, text.len, NULL, 0, 0, &res), XB_OK);
    assert_false(res.found);
    assert_int_equal(res.blobs_seen, 1);
    assert_int_equal(res.blobs_valid, 0);
    xb_buf_free(&text);
    free(v);
}

static void test_wrong_key_and_unmarked(void **state)
{
    small *s = *state;
    xb_wm_key other;
    key_init(&other, "another master key, 32 bytes....");
    assert_string_not_equal(other.key_id, s->key.key_id);
    carriers c = json_carriers(s->marked, strlen(s->marked));
    xb_wm_result res;
    assert_int_equal(xb_wm_extract(&other, s->marked, strlen(s->marked), c.items, c.n, 0, &res),
                     XB_OK);
    assert_false(res.found);
    assert_int_equal(res.method, XB_WM_METHOD_NONE);
    assert_true(res.blobs_seen >= 6);
    assert_int_equal(res.blobs_valid, 0);
    carriers_free(&c);
    xb_wm_key_clear(&other);

    assert_int_equal(xb_wm_extract(&s->key, s->body, strlen(s->body), s->c.items, s->c.n, 0,
                                   &res),
                     XB_OK);
    assert_false(res.found);
    assert_int_equal(res.blobs_seen, 0);
    assert_int_equal(res.marked, 0);
    assert_int_equal(res.carriers, 12);
}

/* ---- votes on a larger body ---------------------------------------------------- */

static void test_votes_without_blobs(void **state)
{
    (void)state;
    xb_wm_key k;
    key_init(&k, MASTER);
    char *body = make_body(600);
    carriers c = json_carriers(body, strlen(body));
    assert_int_equal(c.n, 1200);
    xb_wm_embed_stats stats;
    char *marked = embed(&k, body, &c, NULL, &stats);
    assert_int_equal(stats.gamma, 1);
    assert_int_equal(stats.selected, 1200);
    assert_int_equal(stats.blobs, 1200);

    size_t removed = 0;
    char *stripped = strip_blobs(marked, &removed);
    assert_int_equal(removed, 1200);
    carriers sc = json_carriers(stripped, strlen(stripped));
    xb_wm_result res;
    assert_int_equal(xb_wm_extract(&k, stripped, strlen(stripped), sc.items, sc.n, 0, &res),
                     XB_OK);
    assert_true(res.found);
    assert_true(res.transfer_id == TID);
    assert_int_equal(res.method, XB_WM_METHOD_VOTES);
    assert_int_equal(res.blobs_seen, 0);
    assert_int_equal(res.carriers, 1200);
    assert_int_equal(res.marked, 1200);
    assert_int_equal(res.votes_agreeing, 1200);
    assert_true(res.bits_covered >= 90 && res.bits_covered <= 96);
    assert_true(res.bits_guessed <= XB_WM_MAX_GUESS_BITS);
    assert_true(res.confidence > 0.999);

    /* Reordered, reformatted and only half of the records: still found. */
    char *half = reserialise(stripped, 2);
    carriers hc = json_carriers(half, strlen(half));
    assert_int_equal(hc.n, 600);
    assert_int_equal(xb_wm_extract(&k, half, strlen(half), hc.items, hc.n, 0, &res), XB_OK);
    assert_true(res.found);
    assert_true(res.transfer_id == TID);
    assert_int_equal(res.method, XB_WM_METHOD_VOTES);

    /* A few marks flipped by noise: the majority still decodes. */
    size_t flipped = 0;
    for (size_t i = 0; i < hc.n && flipped < 12; i += 37) {
        char *z = strstr(hc.items[i].value, "\xe2\x80\x8b");
        if (!z)
            z = strstr(hc.items[i].value, "\xe2\x80\x8c");
        if (z) {
            z[2] = z[2] == '\x8b' ? '\x8c' : '\x8b';
            flipped++;
        }
    }
    assert_true(flipped >= 10);
    assert_int_equal(xb_wm_extract(&k, NULL, 0, hc.items, hc.n, 0, &res), XB_OK);
    assert_true(res.found);
    assert_true(res.transfer_id == TID);
    assert_true(res.votes_agreeing < res.marked);
    assert_true(res.confidence < 1.0);

    /* Wrong key on votes: nothing. */
    xb_wm_key other;
    key_init(&other, "another master key, 32 bytes....");
    assert_int_equal(xb_wm_extract(&other, NULL, 0, sc.items, sc.n, 0, &res), XB_OK);
    assert_false(res.found);
    xb_wm_key_clear(&other);

    /* Every zero-width character removed: nothing (the honest limit). */
    char *clean = strip_zw(marked);
    assert_string_equal(clean, body);
    assert_int_equal(xb_wm_extract(&k, clean, strlen(clean), c.items, c.n, 0, &res), XB_OK);
    assert_false(res.found);

    free(clean);
    carriers_free(&hc);
    free(half);
    carriers_free(&sc);
    free(stripped);
    free(marked);
    carriers_free(&c);
    free(body);
    xb_wm_key_clear(&k);
}

/* γ = 2: half of the carriers are marked; the extractor finds them with or
 * without knowing γ. Votes only (no blobs). */
static void test_votes_with_gamma(void **state)
{
    (void)state;
    xb_wm_key k;
    key_init(&k, MASTER);
    char *body = make_body(600);
    carriers c = json_carriers(body, strlen(body));
    xb_wm_options opt;
    xb_wm_options_default(&opt);
    opt.gamma = 2;
    opt.blobs = false;
    xb_wm_embed_stats stats;
    char *marked = embed(&k, body, &c, &opt, &stats);
    assert_int_equal(stats.blobs, 0);
    assert_true(stats.selected > 500 && stats.selected < 700);
    assert_int_equal(stats.votes, stats.selected);
    carriers mc = json_carriers(marked, strlen(marked));
    xb_wm_result res;
    for (unsigned hint = 0; hint <= 2; hint += 2) {
        assert_int_equal(xb_wm_extract(&k, marked, strlen(marked), mc.items, mc.n, hint, &res),
                         XB_OK);
        assert_true(res.found);
        assert_true(res.transfer_id == TID);
        assert_int_equal(res.method, XB_WM_METHOD_VOTES);
        assert_int_equal(res.marked, stats.selected);
    }
    carriers_free(&mc);
    free(marked);
    carriers_free(&c);
    free(body);
    xb_wm_key_clear(&k);
}

/* ---- other syntaxes ----------------------------------------------------------- */

static xb_carrier carrier(const char *body, const char *value, const char *path,
                          xb_syntax syn)
{
    const char *p = strstr(body, value);
    assert_non_null(p);
    xb_carrier c;
    memset(&c, 0, sizeof(c));
    c.path = (char *)path;
    c.value = (char *)value;
    c.span.start = (size_t)(p - body);
    c.span.end = c.span.start + strlen(value);
    c.exact = true;
    c.syntax = syn;
    c.record = XB_RECORD_NONE;
    return c;
}

static void test_csv_xml_form_bodies(void **state)
{
    (void)state;
    xb_wm_key k;
    key_init(&k, MASTER);
    const char *csv = "id,note\n1,\"Delivered, signed by the guard\"\n2,仓库已确认收货并安排入库\n";
    const char *xml = "<r><note lang=\"en\">Delivered to the front desk</note>"
                      "<memo>Q&amp;A session moved to Friday afternoon</memo></r>";
    const char *form = "id=7&note=Please+deliver+before+noon&x=1";
    struct {
        const char *body;
        xb_carrier c[2];
        size_t n;
        const char *skip; /* text that must stay as it was */
    } cases[] = {
        {csv,
         {carrier(csv, "Delivered, signed by the guard", "note", XB_SYNTAX_CSV),
          carrier(csv, "仓库已确认收货并安排入库", "note", XB_SYNTAX_CSV)},
         2, "id,note\n1,\"D"},
        {xml,
         {carrier(xml, "Delivered to the front desk", "/r/note", XB_SYNTAX_XML),
          carrier(xml, "Q&amp;A session moved to Friday afternoon", "/r/memo", XB_SYNTAX_XML)},
         1, "<memo>Q&amp;A session moved to Friday afternoon</memo>"},
        {form, {carrier(form, "Please+deliver+before+noon", "note", XB_SYNTAX_FORM)}, 1,
         "id=7&note=P"},
    };
    for (size_t i = 0; i < 3; i++) {
        xb_edit_list l = XB_EDIT_LIST_INIT;
        xb_wm_embed_stats stats;
        /* The XML memo's decoded value differs from its raw bytes: not
         * positional, so it is skipped (the scanner would not offer it). */
        xb_carrier cs[2];
        memcpy(cs, cases[i].c, sizeof(cs));
        size_t n = i == 1 ? 2 : cases[i].n;
        if (i == 1)
            cs[1].value = "Q&A session moved to Friday afternoon";
        if (i == 2)
            cs[0].value = "Please deliver before noon"; /* decoded, same length */
        assert_int_equal(xb_wm_embed(&k, TID, cs, n, NULL, &l, &stats), XB_OK);
        assert_int_equal(stats.eligible, cases[i].n);
        xb_chunk ch = {(const uint8_t *)cases[i].body, strlen(cases[i].body)};
        xb_buf out = XB_BUF_INIT;
        assert_int_equal(xb_rewrite_to_buf(&ch, 1, l.items, l.n, &out), XB_OK);
        char *marked = xb_buf_take(&out);
        assert_non_null(strstr(marked, cases[i].skip));
        if (i == 2) {
            /* Form values carry the marks percent-encoded. */
            assert_non_null(strstr(marked, "%E2%81%A0"));
            assert_null(strstr(marked, "\xe2\x81\xa0"));
        } else {
            assert_non_null(strstr(marked, "\xe2\x81\xa0"));
        }
        char *clean = strip_zw(marked);
        assert_string_equal(clean, cases[i].body);
        xb_wm_result res;
        assert_int_equal(xb_wm_extract(&k, marked, strlen(marked), NULL, 0, 0, &res), XB_OK);
        assert_true(res.found);
        assert_true(res.transfer_id == TID);
        free(clean);
        free(marked);
        xb_edit_list_free(&l);
    }
    xb_wm_key_clear(&k);
}

static void test_ineligible_carriers_skipped(void **state)
{
    (void)state;
    xb_wm_key k;
    key_init(&k, MASTER);
    const char *b = "[\"Delivered to the front desk\",\"ok\",\"x\",\"bad \xff value here\"]";
    xb_carrier cs[] = {
        carrier(b, "Delivered to the front desk", "", XB_SYNTAX_JSON),
        carrier(b, "ok", "", XB_SYNTAX_JSON),
        carrier(b, "x", "", XB_SYNTAX_JSON),
        carrier(b, "bad \xff value here", "", XB_SYNTAX_JSON),
    };
    cs[0].exact = false;
    xb_edit_list l = XB_EDIT_LIST_INIT;
    xb_wm_embed_stats stats;
    assert_int_equal(xb_wm_embed(&k, TID, cs, 4, NULL, &l, &stats), XB_OK);
    /* not exact; 1 visible char; invalid UTF-8 -> only "ok" (no blob: short) */
    assert_int_equal(stats.eligible, 1);
    assert_int_equal(stats.votes, 1);
    assert_int_equal(stats.blobs, 0);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.items[0].span.start, l.items[0].span.end);
    assert_int_equal(l.items[0].span.start, cs[1].span.start + 1); /* after "o" */
    xb_edit_list_free(&l);

    /* max_blobs caps the blobs. */
    char *body = make_body(6);
    carriers c = json_carriers(body, strlen(body));
    xb_wm_options opt;
    xb_wm_options_default(&opt);
    opt.max_blobs = 2;
    char *marked = embed(&k, body, &c, &opt, &stats);
    assert_int_equal(stats.blobs, 2);
    xb_wm_result res;
    assert_int_equal(xb_wm_extract(&k, marked, strlen(marked), NULL, 0, 0, &res), XB_OK);
    assert_int_equal(res.blobs_valid, 2);
    free(marked);
    carriers_free(&c);
    free(body);
    xb_wm_key_clear(&k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hmac_and_keys),
        cmocka_unit_test(test_ids_and_gamma),
        cmocka_unit_test(test_payload_and_blob_codec),
        cmocka_unit_test_setup_teardown(test_embed_small_body, small_setup, small_teardown),
        cmocka_unit_test_setup_teardown(test_extract_marked_body, small_setup, small_teardown),
        cmocka_unit_test_setup_teardown(test_extract_reserialised, small_setup, small_teardown),
        cmocka_unit_test_setup_teardown(test_extract_single_pasted_value, small_setup,
                                        small_teardown),
        cmocka_unit_test_setup_teardown(test_wrong_key_and_unmarked, small_setup,
                                        small_teardown),
        cmocka_unit_test(test_votes_without_blobs),
        cmocka_unit_test(test_votes_with_gamma),
        cmocka_unit_test(test_csv_xml_form_bodies),
        cmocka_unit_test(test_ineligible_carriers_skipped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
