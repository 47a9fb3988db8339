/*
 * test_xml.c - the XML body parser: values, paths, indices, attributes,
 * namespaces, CDATA and mixed content; raw spans checked byte for byte
 * against the body; identical events for every way of splitting a body into
 * chunks; hostile documents (XXE, billion laughs, DTDs, parameter entities,
 * undeclared entities) refused without delivering entity content and
 * without printing anything; malformed input, depth, segmentation, declared
 * encodings, base offsets and prefixes, sink errors, name-counter limits.
 */
#include "xb_test.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "classifier/parse/xb_parser.h"
#include "classifier/parse/xb_xml_internal.h"

/* ---- recording ----------------------------------------------------------- */

typedef struct ev {
    xb_value_kind kind;
    xb_syntax syntax;
    char *path, *field;
    char *data;
    size_t len;
    size_t rs, re;
    size_t *offs;
    bool exact, segment;
    int64_t record;
} ev;

typedef struct rec {
    ev *evs;
    size_t n, cap;
    size_t stop_at; /* the sink refuses value number stop_at (1-based), 0 = never */
} rec;

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    assert_non_null(d);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

static xb_status on_value(void *ctx, const xb_value *v)
{
    rec *r = ctx;
    if (r->stop_at && r->n + 1 == r->stop_at)
        return XB_ERR_LIMIT;
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 32;
        r->evs = realloc(r->evs, r->cap * sizeof(*r->evs));
        assert_non_null(r->evs);
    }
    ev *e = &r->evs[r->n++];
    e->kind = v->kind;
    e->syntax = v->syntax;
    e->path = dup_n(v->path, v->path_len);
    assert_int_equal(strlen(e->path), v->path_len);
    e->field = dup_n(v->field, v->field_len);
    e->data = dup_n((const char *)v->data, v->len);
    e->len = v->len;
    e->rs = v->raw_start;
    e->re = v->raw_end;
    e->offs = NULL;
    if (v->raw_offsets) {
        e->offs = malloc((v->len + 1) * sizeof(size_t));
        assert_non_null(e->offs);
        memcpy(e->offs, v->raw_offsets, (v->len + 1) * sizeof(size_t));
    }
    e->exact = v->exact;
    e->segment = v->segment;
    e->record = v->record;
    return XB_OK;
}

static void rec_free(rec *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->evs[i].path);
        free(r->evs[i].field);
        free(r->evs[i].data);
        free(r->evs[i].offs);
    }
    free(r->evs);
    memset(r, 0, sizeof(*r));
}

/* Everything about the events, offsets included, as one string. */
static char *dump(const rec *r)
{
    size_t cap = 256, n = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    s[0] = '\0';
    for (size_t i = 0; i < r->n; i++) {
        const ev *e = &r->evs[i];
        size_t need = e->len * 8 + strlen(e->path) + strlen(e->field) + 128;
        if (e->offs)
            need += (e->len + 1) * 21;
        while (n + need >= cap) {
            cap *= 2;
            s = realloc(s, cap);
            assert_non_null(s);
        }
        n += (size_t)sprintf(s + n, "%c %s %s =%s [%zu,%zu) %s%s", e->kind == XB_VALUE_ATTRIBUTE ? 'A' : 'S',
                             e->path, e->field, e->data, e->rs, e->re, e->exact ? "exact" : "inexact",
                             e->segment ? " seg" : "");
        if (e->offs)
            for (size_t k = 0; k <= e->len; k++)
                n += (size_t)sprintf(s + n, "%c%zu", k ? ',' : ' ', e->offs[k]);
        n += (size_t)sprintf(s + n, "\n");
    }
    return s;
}

/* One short line per event: kind path field =data exactness. */
static char *brief(const rec *r)
{
    size_t cap = 256, n = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    s[0] = '\0';
    for (size_t i = 0; i < r->n; i++) {
        const ev *e = &r->evs[i];
        size_t need = e->len + strlen(e->path) + strlen(e->field) + 32;
        while (n + need >= cap) {
            cap *= 2;
            s = realloc(s, cap);
            assert_non_null(s);
        }
        n += (size_t)sprintf(s + n, "%c %s %s =%s%s%s\n", e->kind == XB_VALUE_ATTRIBUTE ? 'A' : 'S',
                             e->path, e->field, e->data, e->exact ? "" : " ~",
                             e->segment ? " seg" : "");
    }
    return s;
}

/* ---- running the parser --------------------------------------------------- */

typedef struct run_cfg {
    size_t max_depth;     /* 0: default */
    size_t max_value_len; /* 0: default */
    size_t base;
    const char *prefix;
    size_t stop_at;
} run_cfg;

static char last_error[512];

/* Feed body cut at cuts[0..ncuts) (increasing), each chunk an exact-size
 * heap copy so that ASan sees any read past a chunk. */
static xb_status run_cuts(const char *body, size_t len, const size_t *cuts, size_t ncuts,
                          const run_cfg *cfg, rec *r)
{
    xb_limits lim;
    xb_limits_default(&lim);
    if (cfg && cfg->max_depth)
        lim.max_depth = cfg->max_depth;
    if (cfg && cfg->max_value_len)
        lim.max_value_len = cfg->max_value_len;
    xb_parser_params pp;
    memset(&pp, 0, sizeof(pp));
    pp.limits = &lim;
    pp.sink.ctx = r;
    pp.sink.value = on_value;
    pp.base_offset = cfg ? cfg->base : 0;
    pp.path_prefix = cfg ? cfg->prefix : NULL;
    pp.content_type = "application/xml";
    memset(r, 0, sizeof(*r));
    r->stop_at = cfg ? cfg->stop_at : 0;
    xb_parser *p = xb_xml_parser.create(&pp);
    assert_non_null(p);
    xb_status st = XB_OK;
    size_t from = 0;
    for (size_t i = 0; i <= ncuts && st == XB_OK; i++) {
        size_t to = i < ncuts ? cuts[i] : len;
        assert_true(to >= from && to <= len);
        char *chunk = malloc(to - from + 1);
        assert_non_null(chunk);
        memcpy(chunk, body + from, to - from);
        st = xb_xml_parser.feed(p, (const uint8_t *)chunk, to - from);
        free(chunk);
        from = to;
    }
    if (st == XB_OK)
        st = xb_xml_parser.finish(p);
    snprintf(last_error, sizeof(last_error), "%s", xb_xml_parser.error_message(p));
    xb_xml_parser.destroy(p);
    return st;
}

static xb_status run(const char *body, size_t len, const run_cfg *cfg, rec *r)
{
    return run_cuts(body, len, NULL, 0, cfg, r);
}

static xb_status run_str(const char *body, rec *r)
{
    return run(body, strlen(body), NULL, r);
}

/* Feed one byte at a time. */
static xb_status run_bytewise(const char *body, size_t len, const run_cfg *cfg, rec *r)
{
    size_t *cuts = malloc((len + 1) * sizeof(*cuts));
    assert_non_null(cuts);
    for (size_t i = 0; i + 1 < len; i++)
        cuts[i] = i + 1;
    xb_status st = run_cuts(body, len, cuts, len > 1 ? len - 1 : 0, cfg, r);
    free(cuts);
    return st;
}

/* ---- checking spans against the body ------------------------------------- */

/* Independent decoder of raw XML text (or, with attr, of an attribute
 * value): references, line ends, attribute white space, comments, PIs and
 * CDATA markers. */
static size_t decode_raw(const char *s, size_t n, bool attr, char *out)
{
    size_t k = 0, i = 0;
    while (i < n) {
        if (!attr && n - i >= 4 && !memcmp(s + i, "<!--", 4)) {
            const char *e = memmem(s + i, n - i, "-->", 3);
            assert_non_null(e);
            i = (size_t)(e - s) + 3;
        } else if (!attr && n - i >= 2 && !memcmp(s + i, "<?", 2)) {
            const char *e = memmem(s + i, n - i, "?>", 2);
            assert_non_null(e);
            i = (size_t)(e - s) + 2;
        } else if (!attr && n - i >= 9 && !memcmp(s + i, "<![CDATA[", 9)) {
            const char *e = memmem(s + i, n - i, "]]>", 3);
            assert_non_null(e);
            memcpy(out + k, s + i + 9, (size_t)(e - s) - i - 9);
            k += (size_t)(e - s) - i - 9;
            i = (size_t)(e - s) + 3;
        } else if (s[i] == '&') {
            const char *semi = memchr(s + i, ';', n - i);
            assert_non_null(semi);
            size_t m = (size_t)(semi - s) - i - 1;
            const char *name = s + i + 1;
            unsigned long c = 0;
            if (m == 2 && !memcmp(name, "lt", 2))
                c = '<';
            else if (m == 2 && !memcmp(name, "gt", 2))
                c = '>';
            else if (m == 3 && !memcmp(name, "amp", 3))
                c = '&';
            else if (m == 4 && !memcmp(name, "apos", 4))
                c = '\'';
            else if (m == 4 && !memcmp(name, "quot", 4))
                c = '"';
            else if (name[0] == '#' && name[1] == 'x')
                c = strtoul(name + 2, NULL, 16);
            else if (name[0] == '#')
                c = strtoul(name + 1, NULL, 10);
            else
                fail_msg("unexpected reference");
            if (c < 0x80) {
                out[k++] = (char)c;
            } else if (c < 0x800) {
                out[k++] = (char)(0xC0 | (c >> 6));
                out[k++] = (char)(0x80 | (c & 0x3F));
            } else if (c < 0x10000) {
                out[k++] = (char)(0xE0 | (c >> 12));
                out[k++] = (char)(0x80 | ((c >> 6) & 0x3F));
                out[k++] = (char)(0x80 | (c & 0x3F));
            } else {
                out[k++] = (char)(0xF0 | (c >> 18));
                out[k++] = (char)(0x80 | ((c >> 12) & 0x3F));
                out[k++] = (char)(0x80 | ((c >> 6) & 0x3F));
                out[k++] = (char)(0x80 | (c & 0x3F));
            }
            i = (size_t)(semi - s) + 1;
        } else if (s[i] == '\r') {
            out[k++] = attr ? ' ' : '\n';
            i += (i + 1 < n && s[i + 1] == '\n') ? 2 : 1;
        } else if (attr && (s[i] == '\n' || s[i] == '\t')) {
            out[k++] = ' ';
            i++;
        } else {
            out[k++] = s[i++];
        }
    }
    return k;
}

/*
 * Every exact value must be recoverable from the body: without raw_offsets
 * the span holds exactly the decoded bytes; with raw_offsets, every run of
 * bytes that share an offset decodes from the raw bytes between that offset
 * and the next one. Returns the number of exact values checked.
 */
static size_t check_spans(const char *body, size_t len, size_t base, const rec *r)
{
    size_t checked = 0;
    char *buf = malloc(len + 1);
    assert_non_null(buf);
    for (size_t i = 0; i < r->n; i++) {
        const ev *e = &r->evs[i];
        assert_true(e->rs <= e->re);
        assert_true(e->rs >= base && e->re <= base + len);
        if (!e->exact)
            continue;
        checked++;
        const char *raw = body - base;
        if (!e->offs) {
            assert_int_equal(e->re - e->rs, e->len);
            assert_memory_equal(raw + e->rs, e->data, e->len);
            continue;
        }
        assert_int_equal(e->offs[0], e->rs);
        assert_int_equal(e->offs[e->len], e->re);
        for (size_t k = 0; k < e->len;) {
            size_t j = k + 1;
            while (j < e->len && e->offs[j] == e->offs[k])
                j++;
            assert_true(e->offs[j] > e->offs[k]);
            size_t n = decode_raw(raw + e->offs[k], e->offs[j] - e->offs[k],
                                  e->kind == XB_VALUE_ATTRIBUTE, buf);
            if (n != j - k || memcmp(buf, e->data + k, n) != 0)
                fail_msg("value %s: bytes %zu..%zu do not decode from raw [%zu,%zu)", e->path, k,
                         j, e->offs[k], e->offs[j]);
            k = j;
        }
    }
    free(buf);
    return checked;
}

static const ev *find(const rec *r, const char *path, size_t nth)
{
    for (size_t i = 0; i < r->n; i++)
        if (!strcmp(r->evs[i].path, path) && nth-- == 0)
            return &r->evs[i];
    fail_msg("no value at %s", path);
    return NULL;
}

/* ---- paths, indices, attributes, namespaces -------------------------------- */

static void test_paths_indices_attributes(void **state)
{
    (void)state;
    const char *doc =
        "<?xml version=\"1.0\"?>\n"
        "<export xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns=\"urn:d\" id=\"E1\">\n"
        "  <person id=\"a\"><name>张伟</name><idNo>11010519491231002X</idNo></person>\n"
        "  <person id=\"b\" xsi:type=\"staff\"><name>李娜</name><name>Li Na</name>"
        "<idNo>440524188001010014</idNo></person>\n"
        "  <meta/><person><ns:x xmlns:ns=\"urn:n\" ns:k=\"v\">13800138000</ns:x></person>\n"
        "</export>";
    rec r;
    assert_int_equal(run_str(doc, &r), XB_OK);
    char *b = brief(&r);
    assert_string_equal(b, "A /export[1]/@id id =E1\n"
                           "A /export[1]/person[1]/@id id =a\n"
                           "S /export[1]/person[1]/name[1] name =张伟\n"
                           "S /export[1]/person[1]/idNo[1] idNo =11010519491231002X\n"
                           "A /export[1]/person[2]/@id id =b\n"
                           "A /export[1]/person[2]/@xsi:type type =staff\n"
                           "S /export[1]/person[2]/name[1] name =李娜\n"
                           "S /export[1]/person[2]/name[2] name =Li Na\n"
                           "S /export[1]/person[2]/idNo[1] idNo =440524188001010014\n"
                           "A /export[1]/person[3]/ns:x[1]/@ns:k k =v\n"
                           "S /export[1]/person[3]/ns:x[1] x =13800138000\n");
    free(b);
    for (size_t i = 0; i < r.n; i++) {
        assert_int_equal(r.evs[i].record, XB_RECORD_NONE);
        assert_int_equal(r.evs[i].syntax, XB_SYNTAX_XML);
        assert_false(r.evs[i].segment);
        assert_true(r.evs[i].exact);
        assert_null(r.evs[i].offs);
    }
    const ev *id = find(&r, "/export[1]/person[1]/idNo[1]", 0);
    size_t at = (size_t)(strstr(doc, "11010519491231002X") - doc);
    assert_int_equal(id->rs, at);
    assert_int_equal(id->re, at + 18);
    const ev *attr = find(&r, "/export[1]/person[2]/@xsi:type", 0);
    assert_int_equal(attr->rs, (size_t)(strstr(doc, "staff") - doc));
    assert_int_equal(check_spans(doc, strlen(doc), 0, &r), r.n);
    assert_true(xb_xml_parser.records_by_path);
    assert_int_equal(xb_xml_parser.syntax, XB_SYNTAX_XML);
    assert_string_equal(xb_xml_parser.name, "xml");
    rec_free(&r);
}

/* Indices restart under every parent; counters of ended parents are gone. */
static void test_indices_restart_per_parent(void **state)
{
    (void)state;
    const char *doc = "<r><p><a>1</a><b>2</b><a>3</a></p><p><a>4</a><a>5</a></p><q><p><a>6</a></p></q></r>";
    rec r;
    assert_int_equal(run_str(doc, &r), XB_OK);
    char *b = brief(&r);
    assert_string_equal(b, "S /r[1]/p[1]/a[1] a =1\n"
                           "S /r[1]/p[1]/b[1] b =2\n"
                           "S /r[1]/p[1]/a[2] a =3\n"
                           "S /r[1]/p[2]/a[1] a =4\n"
                           "S /r[1]/p[2]/a[2] a =5\n"
                           "S /r[1]/q[1]/p[1]/a[1] a =6\n");
    free(b);
    rec_free(&r);
}

/* ---- text: whitespace, mixed content, comments, CDATA ----------------------- */

static void test_text_mixed_content_and_comments(void **state)
{
    (void)state;
    const char *doc = "<r>\n  <p>Call <b>张伟</b> at 138<!-- c -->00138000 now</p>\n"
                      "  <q>  </q><w> a </w><pi>x<?keep me?>y</pi>\n</r>";
    rec r;
    assert_int_equal(run_str(doc, &r), XB_OK);
    char *b = brief(&r);
    /* whitespace-only text is skipped; other text keeps its blanks */
    assert_string_equal(b, "S /r[1]/p[1] p =Call \n"
                           "S /r[1]/p[1]/b[1] b =张伟\n"
                           "S /r[1]/p[1] p = at 13800138000 now\n"
                           "S /r[1]/w[1] w = a \n"
                           "S /r[1]/pi[1] pi =xy\n");
    free(b);
    /* the text around the comment maps to its raw bytes; the gap is kept */
    const ev *e = find(&r, "/r[1]/p[1]", 1);
    assert_non_null(e->offs);
    size_t c = (size_t)(strstr(doc, "<!--") - doc);
    assert_int_equal(e->offs[6], c - 1);                      /* last '8' before the comment */
    assert_int_equal(e->offs[7], c + strlen("<!-- c -->")); /* first '0' after it */
    assert_int_equal(check_spans(doc, strlen(doc), 0, &r), r.n);
    rec_free(&r);
}

static void test_cdata(void **state)
{
    (void)state;
    const char *doc = "<r><a><![CDATA[13800138000]]></a>"
                      "<b><![CDATA[x < y && z]]></b>"
                      "<c>前<![CDATA[13700137000]]>后</c>"
                      "<d><![CDATA[ab]]><![CDATA[cd]]></d>"
                      "<e><![CDATA[]]></e></r>";
    rec r;
    assert_int_equal(run_str(doc, &r), XB_OK);
    char *b = brief(&r);
    /* one CDATA section is rewritable in place; CDATA mixed with other text
     * has no single encoding context, so it is reported as inexact */
    assert_string_equal(b, "S /r[1]/a[1] a =13800138000\n"
                           "S /r[1]/b[1] b =x < y && z\n"
                           "S /r[1]/c[1] c =前13700137000后 ~\n"
                           "S /r[1]/d[1] d =abcd ~\n");
    free(b);
    const ev *a = find(&r, "/r[1]/a[1]", 0);
    size_t at = (size_t)(strstr(doc, "13800138000") - doc);
    assert_int_equal(a->rs, at);
    assert_int_equal(a->re, at + 11);
    assert_memory_equal(doc + a->rs - 9, "<![CDATA[", 9);
    /* the inexact values still carry verified offsets for reporting */
    const ev *c = find(&r, "/r[1]/c[1]", 0);
    assert_non_null(c->offs);
    assert_int_equal(c->offs[3], (size_t)(strstr(doc, "13700137000") - doc));
    check_spans(doc, strlen(doc), 0, &r);
    rec_free(&r);
}

/* ---- references and raw offsets -------------------------------------------- */

static void test_references_have_raw_offsets(void **state)
{
    (void)state;
    const char *doc = "<r><t>a &amp; b</t><u>&#x4e2d;&#25991;&lt;</u>"
                      "<v a=\"x&amp;y\" b='it&apos;s' c=\"中&#x6587;\" d=\"tab\there\" "
                      "e=\"l1\r\nl2\" f=\"&quot;q&quot; &gt;\"/></r>";
    rec r;
    assert_int_equal(run_str(doc, &r), XB_OK);
    char *b = brief(&r);
    assert_string_equal(b, "S /r[1]/t[1] t =a & b\n"
                           "S /r[1]/u[1] u =中文<\n"
                           "A /r[1]/v[1]/@a a =x&y\n"
                           "A /r[1]/v[1]/@b b =it's\n"
                           "A /r[1]/v[1]/@c c =中文\n"
                           "A /r[1]/v[1]/@d d =tab here\n"
                           "A /r[1]/v[1]/@e e =l1 l2\n"
                           "A /r[1]/v[1]/@f f =\"q\" >\n");
    free(b);
    for (size_t i = 0; i < r.n; i++)
        assert_true(r.evs[i].exact);
    /* "a &amp; b": bytes 0,1 at themselves, '&' at the reference, then after it */
    const ev *t = find(&r, "/r[1]/t[1]", 0);
    size_t at = (size_t)(strstr(doc, "a &amp; b") - doc);
    assert_non_null(t->offs);
    assert_int_equal(t->offs[0], at);
    assert_int_equal(t->offs[2], at + 2);
    assert_int_equal(t->offs[3], at + 7);
    assert_int_equal(t->offs[5], at + 9);
    /* all three bytes of 中 come from the one reference */
    const ev *u = find(&r, "/r[1]/u[1]", 0);
    at = (size_t)(strstr(doc, "&#x4e2d;") - doc);
    assert_int_equal(u->offs[0], at);
    assert_int_equal(u->offs[2], at);
    assert_int_equal(u->offs[3], at + 8);
    /* a CRLF pair in an attribute is one space that maps to the CR */
    const ev *e = find(&r, "/r[1]/v[1]/@e", 0);
    assert_int_equal(e->offs[2], (size_t)(strstr(doc, "\r\n") - doc));
    assert_int_equal(e->offs[3], (size_t)(strstr(doc, "\r\n") - doc) + 2);
    assert_int_equal(check_spans(doc, strlen(doc), 0, &r), r.n);
    rec_free(&r);
}

static void test_line_ends_in_text(void **state)
{
    (void)state;
    const char *doc = "<r><a>l1\r\nl2\rl3\nl4</a><b>中\r\n文\r</b></r>";
    rec r;
    assert_int_equal(run_str(doc, &r), XB_OK);
    const ev *a = find(&r, "/r[1]/a[1]", 0);
    assert_string_equal(a->data, "l1\nl2\nl3\nl4");
    assert_true(a->exact);
    assert_non_null(a->offs);
    /* the LF that stands for CR LF maps to the CR */
    assert_int_equal(a->offs[2], (size_t)(strstr(doc, "\r\n") - doc));
    const ev *b = find(&r, "/r[1]/b[1]", 0);
    assert_string_equal(b->data, "中\n文\n");
    assert_true(b->exact);
    assert_int_equal(check_spans(doc, strlen(doc), 0, &r), r.n);
    rec_free(&r);
}

/* ---- a realistic document, split everywhere ---------------------------------- */

static char *with_crlf(const char *s, size_t len, size_t *out_len)
{
    char *d = malloc(len * 2 + 1);
    assert_non_null(d);
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            d[k++] = '\r';
        d[k++] = s[i];
    }
    d[k] = '\0';
    *out_len = k;
    return d;
}

static void check_export_values(const char *body, size_t len, const rec *r, bool crlf)
{
    char *b = brief(r);
    /* spot checks of what the document contains */
    assert_non_null(strstr(b, "A /ex:export[1]/@batch batch =2024-06\n"));
    assert_non_null(strstr(b, "A /ex:export[1]/@备注 备注 =跨境 & 出境\n"));
    assert_non_null(strstr(b, "A /ex:export[1]/@xml:lang lang =zh-CN\n"));
    assert_non_null(strstr(b, "S /ex:export[1]/ex:header[1]/sender[1] sender =上海某某科技有限公司\n"));
    assert_non_null(strstr(b, "A /ex:export[1]/ex:header[1]/sender[1]/@rule rule =a>b\n"));
    assert_non_null(strstr(b, "A /ex:export[1]/ex:header[1]/sender[1]/@quote quote =say \"张三\"\n"));
    assert_non_null(strstr(b, "A /ex:export[1]/ex:header[1]/sender[1]/@multi multi =line1   line2 end\n"));
    assert_non_null(strstr(b, "A /ex:export[1]/person[1]/@id id =p&1\n"));
    assert_non_null(strstr(b, "S /ex:export[1]/person[1]/idNo[1] idNo =11010519491231002X\n"));
    assert_non_null(strstr(b, "S /ex:export[1]/person[1]/note[1] note =a & b <c> 中文 \"quoted\" 'single'\n"));
    assert_non_null(strstr(b, "S /ex:export[1]/person[2]/bank[1] bank =6222021234567890123\n"));
    assert_non_null(strstr(b, "S /ex:export[1]/person[2]/summary[1] summary =Called \n"));
    assert_non_null(strstr(b, "S /ex:export[1]/person[2]/summary[1]/i[1] i =13912345678\n"));
    assert_non_null(strstr(b, "S /ex:export[1]/person[2]/summary[1] summary =; follow-up  pending.\n"));
    assert_non_null(strstr(b, "S /ex:export[1]/person[3]/name[1] name =王芳\n"));
    assert_non_null(strstr(b, "S /ex:export[1]/person[3]/mixed[1] mixed =前13700137000后 ~\n"));
    assert_null(strstr(b, "blank"));
    assert_null(strstr(b, "empty"));
    const ev *memo = find(r, "/ex:export[1]/person[2]/memo[1]", 0);
    assert_true(memo->exact);
    assert_true(memo->len > 300);
    const ev *addr = find(r, "/ex:export[1]/person[1]/address[1]", 0);
    assert_true(addr->exact);
    assert_true(addr->len > 300);
    const ev *id3 = find(r, "/ex:export[1]/person[3]/idNo[1]", 0);
    assert_string_equal(id3->data, "\n      320106198501011234\n    ");
    if (crlf)
        assert_non_null(id3->offs); /* each LF stands for a CR LF pair */
    /* everything but the CDATA-mixed value is exact and verified */
    size_t inexact = 0;
    for (size_t i = 0; i < r->n; i++)
        inexact += !r->evs[i].exact;
    assert_int_equal(inexact, 1);
    assert_int_equal(check_spans(body, len, 0, r), r->n - 1);
    free(b);
}

static void every_split_identical(const char *body, size_t len, const run_cfg *cfg)
{
    rec whole, part;
    assert_int_equal(run(body, len, cfg, &whole), XB_OK);
    char *expect = dump(&whole);
    for (size_t i = 0; i <= len; i++) {
        size_t cut = i;
        assert_int_equal(run_cuts(body, len, &cut, 1, cfg, &part), XB_OK);
        char *got = dump(&part);
        if (strcmp(expect, got) != 0)
            fail_msg("split at %zu differs:\n--- whole\n%s\n--- split\n%s", i, expect, got);
        free(got);
        rec_free(&part);
    }
    /* one byte at a time: every position is a chunk boundary at once */
    assert_int_equal(run_bytewise(body, len, cfg, &part), XB_OK);
    char *got = dump(&part);
    assert_string_equal(expect, got);
    free(got);
    rec_free(&part);
    /* random multi-way splits */
    unsigned seed = 12345;
    for (int round = 0; round < 200; round++) {
        size_t cuts[6];
        size_t n = 1 + (size_t)(round % 5);
        for (size_t k = 0; k < n; k++) {
            seed = seed * 1103515245u + 12345u;
            cuts[k] = (seed >> 8) % (len + 1);
        }
        for (size_t a = 0; a < n; a++) /* sort */
            for (size_t c = a + 1; c < n; c++)
                if (cuts[c] < cuts[a]) {
                    size_t t = cuts[a];
                    cuts[a] = cuts[c];
                    cuts[c] = t;
                }
        assert_int_equal(run_cuts(body, len, cuts, n, cfg, &part), XB_OK);
        got = dump(&part);
        assert_string_equal(expect, got);
        free(got);
        rec_free(&part);
    }
    free(expect);
    rec_free(&whole);
}

static void test_realistic_document_every_split(void **state)
{
    (void)state;
    size_t len;
    char *doc = xb_test_read_file("tests/data/xml/export.xml", &len);
    rec r;
    assert_int_equal(run(doc, len, NULL, &r), XB_OK);
    check_export_values(doc, len, &r, false);
    rec_free(&r);
    every_split_identical(doc, len, NULL);

    size_t clen;
    char *crlf = with_crlf(doc, len, &clen);
    assert_int_equal(run(crlf, clen, NULL, &r), XB_OK);
    check_export_values(crlf, clen, &r, true);
    rec_free(&r);
    every_split_identical(crlf, clen, NULL);
    free(crlf);
    free(doc);
}

/*
 * A body of several hundred KiB: libxml2 discards parsed input from the
 * front of its buffer as it goes (input->consumed grows) and xml_feed()
 * hands it over in slices; spans must stay exact across all of that, for
 * every chunk size.
 */
static void test_large_document_chunk_sizes(void **state)
{
    (void)state;
    xb_buf doc = XB_BUF_INIT;
    xb_buf_append_str(&doc, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<export>\r\n");
    for (int i = 0; i < 1500; i++)
        xb_buf_printf(&doc,
                      "  <person n=\"%d\" note=\"李&amp;%d\">\r\n    <name>张伟%d</name>\r\n"
                      "    <idNo>1101051949123100%02d</idNo>\r\n"
                      "    <addr>北京市朝阳区&lt;%d&gt;号\r\n第二行</addr>\r\n"
                      "    <bank><![CDATA[62220212345678%05d]]></bank>\r\n"
                      "    <!-- record %d --><tel>138%08d</tel>\r\n  </person>\r\n",
                      i, i, i, i % 100, i, i, i, i);
    xb_buf_append_str(&doc, "</export>\r\n");
    rec whole;
    assert_int_equal(run(doc.data, doc.len, NULL, &whole), XB_OK);
    assert_true(doc.len > 300000);
    assert_int_equal(whole.n, 1500 * 7);
    /* every value is exact and recoverable from its span */
    assert_int_equal(check_spans(doc.data, doc.len, 0, &whole), whole.n);
    const ev *last = find(&whole, "/export[1]/person[1500]/tel[1]", 0);
    assert_string_equal(last->data, "13800001499");
    char *expect = dump(&whole);
    static const size_t sizes[] = {1, 3, 64, 299, 300, 301, 4095, 4096, 4097, 65535, 65536, 100000};
    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        size_t step = sizes[s], n = 0;
        size_t *cuts = malloc((doc.len / step + 1) * sizeof(*cuts));
        assert_non_null(cuts);
        for (size_t at = step; at < doc.len; at += step)
            cuts[n++] = at;
        rec part;
        assert_int_equal(run_cuts(doc.data, doc.len, cuts, n, NULL, &part), XB_OK);
        char *got = dump(&part);
        if (strcmp(expect, got) != 0)
            fail_msg("chunks of %zu bytes give different events", step);
        free(got);
        rec_free(&part);
        free(cuts);
    }
    free(expect);
    rec_free(&whole);
    xb_buf_free(&doc);
}

/*
 * Mutated documents, randomly chunked: whatever the outcome, every value
 * that was delivered as exact must be recoverable from its span, and the
 * events must not depend on the chunking.
 */
static void test_mutations_never_claim_wrong_spans(void **state)
{
    (void)state;
    size_t len;
    char *doc = xb_test_read_file("tests/data/xml/export.xml", &len);
    static const char *inserts[] = {"&amp;", "&#x4e2d;", "&#10;", "\r", "\r\n", "<![CDATA[x]]>",
                                    "]]>", "<!--c-->", "<?p?>", "中", "<b>", "</b>", "&lt;",
                                    "\t", "'", "\"", "<", ">", "&", "\xff", " "};
    char *m = malloc(len + 64);
    assert_non_null(m);
    unsigned seed = 777;
    size_t ok = 0, exact_checked = 0;
    for (int round = 0; round < 3000; round++) {
        memcpy(m, doc, len);
        size_t n = len;
        int edits = 1 + round % 3;
        for (int e = 0; e < edits; e++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 4) % n;
            seed = seed * 1103515245u + 12345u;
            unsigned kind = (seed >> 4) % 3;
            if (kind == 0 && n > 1) { /* delete a byte */
                memmove(m + at, m + at + 1, n - at - 1);
                n--;
            } else if (kind == 1) { /* flip a byte */
                m[at] = (char)(m[at] ^ (1 << ((seed >> 12) % 8)));
            } else { /* insert something XML-ish */
                const char *ins = inserts[(seed >> 12) % (sizeof(inserts) / sizeof(inserts[0]))];
                size_t k = strlen(ins);
                if (n + k > len + 60)
                    continue;
                memmove(m + at + k, m + at, n - at);
                memcpy(m + at, ins, k);
                n += k;
            }
        }
        rec a, b;
        xb_status sa = run(m, n, NULL, &a);
        assert_true(sa == XB_OK || sa == XB_ERR_MALFORMED || sa == XB_ERR_FORBIDDEN);
        exact_checked += check_spans(m, n, 0, &a);
        seed = seed * 1103515245u + 12345u;
        size_t cuts[3] = {(seed >> 4) % (n + 1), 0, 0};
        cuts[1] = cuts[0] + (seed >> 16) % (n + 1 - cuts[0]);
        cuts[2] = cuts[1] + (seed >> 8) % (n + 1 - cuts[1]);
        xb_status sb = run_cuts(m, n, cuts, 3, NULL, &b);
        assert_int_equal(sa, sb);
        check_spans(m, n, 0, &b);
        if (sa == XB_OK) {
            char *da = dump(&a), *db = dump(&b);
            assert_string_equal(da, db);
            free(da);
            free(db);
            ok++;
        }
        rec_free(&a);
        rec_free(&b);
    }
    assert_true(ok > 300);
    assert_true(exact_checked > 10000);
    free(m);
    free(doc);
}

/* ---- hostile documents --------------------------------------------------------- */

static char secret_path[256];
static const char SECRET[] = "TOPSECRET-xxe-4242";

static void make_secret(void)
{
    snprintf(secret_path, sizeof(secret_path), "/tmp/xb_test_xml_secret_%ld.txt", (long)getpid());
    FILE *f = fopen(secret_path, "w");
    assert_non_null(f);
    fputs(SECRET, f);
    fclose(f);
}

static void assert_nothing_leaked(const rec *r)
{
    for (size_t i = 0; i < r->n; i++) {
        assert_null(strstr(r->evs[i].data, "TOPSECRET"));
        assert_null(strstr(r->evs[i].data, "lol"));
    }
}

/* The document is refused with the status, at every chunking, delivering no
 * value, and quickly. */
static void refused_everywhere(const char *doc, size_t len, xb_status want, const char *msg_part)
{
    rec r;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(run(doc, len, NULL, &r), want);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    assert_true(secs < 0.5);
    if (!strstr(last_error, msg_part))
        fail_msg("message \"%s\" lacks \"%s\"", last_error, msg_part);
    assert_int_equal(r.n, 0);
    rec_free(&r);
    for (size_t i = 0; i <= len; i++) {
        size_t cut = i;
        assert_int_equal(run_cuts(doc, len, &cut, 1, NULL, &r), want);
        assert_nothing_leaked(&r);
        assert_int_equal(r.n, 0);
        rec_free(&r);
    }
    assert_int_equal(run_bytewise(doc, len, NULL, &r), want);
    assert_int_equal(r.n, 0);
    rec_free(&r);
}

static void test_xxe_local_file(void **state)
{
    (void)state;
    make_secret();
    char doc[600];
    snprintf(doc, sizeof(doc),
             "<?xml version=\"1.0\"?>\n<!DOCTYPE r [\n<!ENTITY x SYSTEM \"file://%s\">\n]>\n"
             "<r><a>&x;</a></r>",
             secret_path);
    refused_everywhere(doc, strlen(doc), XB_ERR_FORBIDDEN, "xml: DOCTYPE is not allowed (line 2)");
    unlink(secret_path);
}

static void test_dtd_variants_refused(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        const char *msg;
    } cases[] = {
        {"tests/data/xml/billion-laughs.xml", "xml: DOCTYPE is not allowed (line 2)"},
        {"tests/data/xml/external-dtd.xml", "xml: DOCTYPE is not allowed (line 2)"},
        {"tests/data/xml/parameter-entities.xml", "xml: DOCTYPE is not allowed (line 2)"},
        {"tests/data/xml/internal-dtd.xml", "xml: DOCTYPE is not allowed (line 2)"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t len;
        char *doc = xb_test_read_file(cases[i].file, &len);
        refused_everywhere(doc, len, XB_ERR_FORBIDDEN, cases[i].msg);
        free(doc);
    }
    const char *html = "<!DOCTYPE html><r/>";
    refused_everywhere(html, strlen(html), XB_ERR_FORBIDDEN, "xml: DOCTYPE is not allowed (line 1)");
    const char *late = "<?xml version=\"1.0\"?>\n<!-- c -->\n\n<!DOCTYPE r SYSTEM \"x.dtd\"><r/>";
    refused_everywhere(late, strlen(late), XB_ERR_FORBIDDEN, "(line 4)");
}

static void test_undeclared_entities_refused(void **state)
{
    (void)state;
    const char *text = "<r><a>before &nbsp; after</a></r>";
    refused_everywhere(text, strlen(text), XB_ERR_FORBIDDEN, "nbsp");
    const char *attr = "<r><a v=\"x&ext;y\">1</a></r>";
    refused_everywhere(attr, strlen(attr), XB_ERR_FORBIDDEN, "ext");
    /* values before the reference were delivered; nothing from or after it */
    rec r;
    const char *mid = "<r><a>ok</a><b>&xxe;</b><c>late</c></r>";
    assert_int_equal(run_str(mid, &r), XB_ERR_FORBIDDEN);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.evs[0].data, "ok");
    assert_non_null(strstr(last_error, "entity reference not allowed"));
    rec_free(&r);
}

/* The loader refuses our contexts and leaves other libxml2 users alone. */
static void test_external_entity_loader(void **state)
{
    (void)state;
    make_secret();
    xb_limits lim;
    xb_limits_default(&lim);
    xb_parser_params pp;
    memset(&pp, 0, sizeof(pp));
    pp.limits = &lim;
    xb_parser *p = xb_xml_parser.create(&pp);
    assert_non_null(p);
    xmlExternalEntityLoader loader = xmlGetExternalEntityLoader();
    assert_non_null(loader);
    char url[300];
    snprintf(url, sizeof(url), "file://%s", secret_path);
    assert_null(loader(url, NULL, p->ctxt));
    assert_null(loader(secret_path, NULL, p->ctxt));
    /* a context of someone else (e.g. the catalog loader) still loads files */
    xmlParserCtxtPtr other = xmlNewParserCtxt();
    assert_non_null(other);
    xmlParserInputPtr in = loader(secret_path, NULL, other);
    assert_non_null(in);
    xmlFreeInputStream(in);
    xmlDocPtr d = xmlCtxtReadFile(other, "tests/data/xml/export.xml", NULL, XML_PARSE_NONET);
    assert_non_null(d);
    xmlFreeDoc(d);
    xmlFreeParserCtxt(other);
    xb_xml_parser.destroy(p);
    unlink(secret_path);
}

/* Nothing reaches stderr, whatever goes wrong. */
static void test_nothing_printed(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof(path), "/tmp/xb_test_xml_stderr_%ld", (long)getpid());
    fflush(stderr);
    int saved = dup(2);
    FILE *f = fopen(path, "w+");
    assert_non_null(f);
    dup2(fileno(f), 2);
    const char *docs[] = {
        "<a><b>x</a>",
        "<r>&nbsp;</r>",
        "<!DOCTYPE r [<!ENTITY a \"b\">]><r>&a;</r>",
        "<?xml version=\"1.0\" encoding=\"GBK\"?><r>\x81\x20\xff\xfe</r>",
        "<?xml version=\"1.0\" encoding=\"no-such-charset\"?><r/>",
        "<r>\xff</r>",
        "<p:r/>",
        "<r xmlns=\"not a uri\">x</r>",
        "",
    };
    for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        rec r;
        run(docs[i], strlen(docs[i]), NULL, &r);
        rec_free(&r);
        run_bytewise(docs[i], strlen(docs[i]), NULL, &r);
        rec_free(&r);
    }
    size_t len;
    char *doc = xb_test_read_file("tests/data/xml/billion-laughs.xml", &len);
    rec r;
    run(doc, len, NULL, &r);
    rec_free(&r);
    free(doc);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    fseek(f, 0, SEEK_END);
    long written = ftell(f);
    fclose(f);
    unlink(path);
    assert_int_equal(written, 0);
}

/* ---- threads ------------------------------------------------------------------ */

/* A digest of the events, computed without cmocka (not thread-safe). */
typedef struct digest {
    uint64_t h;
    size_t n;
} digest;

static void mix(digest *d, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++)
        d->h = (d->h ^ s[i]) * 1099511628211ull;
}

static xb_status digest_value(void *ctx, const xb_value *v)
{
    digest *d = ctx;
    mix(d, v->path, v->path_len);
    mix(d, v->data, v->len);
    mix(d, &v->raw_start, sizeof(v->raw_start));
    mix(d, &v->exact, sizeof(v->exact));
    if (v->raw_offsets)
        mix(d, v->raw_offsets, (v->len + 1) * sizeof(size_t));
    d->n++;
    return XB_OK;
}

static xb_status digest_run(const char *body, size_t len, size_t step, digest *d)
{
    xb_limits lim;
    xb_limits_default(&lim);
    xb_parser_params pp;
    memset(&pp, 0, sizeof(pp));
    pp.limits = &lim;
    pp.sink.ctx = d;
    pp.sink.value = digest_value;
    d->h = 1469598103934665603ull;
    d->n = 0;
    xb_parser *p = xb_xml_parser.create(&pp);
    if (!p)
        return XB_ERR_NOMEM;
    xb_status st = XB_OK;
    for (size_t at = 0; at < len && st == XB_OK; at += step)
        st = xb_xml_parser.feed(p, (const uint8_t *)body + at, len - at < step ? len - at : step);
    if (st == XB_OK)
        st = xb_xml_parser.finish(p);
    xb_xml_parser.destroy(p);
    return st;
}

typedef struct thread_job {
    const char *doc, *hostile;
    size_t doc_len, hostile_len;
    digest want;
    int failures;
} thread_job;

static void *thread_main(void *arg)
{
    thread_job *j = arg;
    for (size_t i = 0; i < 40; i++) {
        digest d;
        if (digest_run(j->doc, j->doc_len, 1 + i * 37, &d) != XB_OK || d.h != j->want.h ||
            d.n != j->want.n)
            j->failures++;
        if (digest_run(j->hostile, j->hostile_len, 1 + i, &d) != XB_ERR_FORBIDDEN || d.n != 0)
            j->failures++;
    }
    return NULL;
}

static void test_parsers_in_threads(void **state)
{
    (void)state;
    size_t len, hlen;
    char *doc = xb_test_read_file("tests/data/xml/export.xml", &len);
    char *hostile = xb_test_read_file("tests/data/xml/billion-laughs.xml", &hlen);
    xmlGenericErrorFunc generic = xmlGenericError;
    void *generic_ctx = xmlGenericErrorContext;
    xmlStructuredErrorFunc structured = xmlStructuredError;
    digest want;
    assert_int_equal(digest_run(doc, len, len, &want), XB_OK);
    assert_true(want.n > 30);
    thread_job jobs[6];
    pthread_t th[6];
    for (int i = 0; i < 6; i++) {
        jobs[i] = (thread_job){doc, hostile, len, hlen, want, 0};
        assert_int_equal(pthread_create(&th[i], NULL, thread_main, &jobs[i]), 0);
    }
    for (int i = 0; i < 6; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(jobs[i].failures, 0);
    }
    /* this thread's libxml2 error handlers are as they were */
    digest d;
    assert_int_equal(digest_run(hostile, hlen, 7, &d), XB_ERR_FORBIDDEN);
    assert_true(xmlGenericError == generic);
    assert_true(xmlGenericErrorContext == generic_ctx);
    assert_true(xmlStructuredError == structured);
    free(doc);
    free(hostile);
}

/* ---- malformed input and limits ---------------------------------------------- */

static void test_malformed(void **state)
{
    (void)state;
    rec r;
    assert_int_equal(run_str("<a>\n<b>x</a>", &r), XB_ERR_MALFORMED);
    assert_non_null(strstr(last_error, "xml: "));
    assert_non_null(strstr(last_error, "mismatch"));
    assert_non_null(strstr(last_error, "line 2"));
    assert_non_null(strstr(last_error, "byte "));
    rec_free(&r);
    /* truncated: every chunk is fine, the end is not */
    assert_int_equal(run_str("<a><b>x</b>", &r), XB_ERR_MALFORMED);
    assert_non_null(strstr(last_error, "xml: body ends before the document is complete, /a[1] is not closed"));
    assert_int_equal(r.n, 1); /* b was complete */
    rec_free(&r);
    assert_int_equal(run_bytewise("<a><b>x</b><c>y", 15, NULL, &r), XB_ERR_MALFORMED);
    assert_non_null(strstr(last_error, "/a[1]/c[1] is not closed"));
    rec_free(&r);
    /* libxml2's multi-line messages come out on one line */
    assert_int_equal(run_str("<r>\xff</r>", &r), XB_ERR_MALFORMED);
    assert_null(strchr(last_error, '\n'));
    assert_non_null(strstr(last_error, "(line 1, column 4, byte 3)"));
    rec_free(&r);
    assert_int_equal(run_str("", &r), XB_ERR_MALFORMED);
    assert_non_null(strstr(last_error, "empty"));
    rec_free(&r);
    static const char *bad[] = {
        "<r>\xff\xfe</r>", "<p:r/>", "<a/><b/>", "x<a/>", "<a b=\"1\" b=\"2\"/>",
        "<a>]]></a>", "<a><!-- -- --></a>", "<a x='<'/>", "<a>&#0;</a>", "<a>& b</a>",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        xb_status st = run_str(bad[i], &r);
        if (st != XB_ERR_MALFORMED)
            fail_msg("\"%s\": status %d (%s)", bad[i], st, last_error);
        assert_non_null(strstr(last_error, "xml: "));
        rec_free(&r);
    }
}

static void nested(char *out, int levels)
{
    out[0] = '\0';
    for (int i = 0; i < levels; i++)
        strcat(out, "<a>");
    strcat(out, "x");
    for (int i = 0; i < levels; i++)
        strcat(out, "</a>");
}

static void test_depth_limit(void **state)
{
    (void)state;
    static char doc[1024];
    run_cfg cfg = {.max_depth = 5};
    rec r;
    nested(doc, 5);
    assert_int_equal(run(doc, strlen(doc), &cfg, &r), XB_OK);
    assert_string_equal(r.evs[0].path, "/a[1]/a[1]/a[1]/a[1]/a[1]");
    rec_free(&r);
    nested(doc, 6);
    assert_int_equal(run(doc, strlen(doc), &cfg, &r), XB_ERR_LIMIT);
    assert_non_null(strstr(last_error, "deeper than 5"));
    assert_int_equal(r.n, 0);
    rec_free(&r);
    /* the default is 64 */
    static char deep[70 * 8];
    nested(deep, 64);
    assert_int_equal(run_str(deep, &r), XB_OK);
    rec_free(&r);
    nested(deep, 65);
    assert_int_equal(run_str(deep, &r), XB_ERR_LIMIT);
    rec_free(&r);
}

static void test_sibling_name_limit(void **state)
{
    (void)state;
    xb_buf b = XB_BUF_INIT;
    /* 3000 distinct names under each of two parents: the first parent's
     * counters are dropped when it ends, so this fits */
    xb_buf_append_str(&b, "<r><a>");
    for (int i = 0; i < 3000; i++)
        xb_buf_printf(&b, "<n%d/>", i);
    xb_buf_append_str(&b, "</a><b>");
    for (int i = 0; i < 3000; i++)
        xb_buf_printf(&b, "<n%d/>", i);
    xb_buf_append_str(&b, "<n2999>v</n2999></b></r>");
    rec r;
    assert_int_equal(run(b.data, b.len, NULL, &r), XB_OK);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.evs[0].path, "/r[1]/b[1]/n2999[2]");
    rec_free(&r);
    /* 5000 distinct names under one parent exceed the bound */
    xb_buf_reset(&b);
    xb_buf_append_str(&b, "<r>");
    for (int i = 0; i < 5000; i++)
        xb_buf_printf(&b, "<n%d/>", i);
    xb_buf_append_str(&b, "</r>");
    assert_int_equal(run(b.data, b.len, NULL, &r), XB_ERR_LIMIT);
    assert_non_null(strstr(last_error, "distinct element names"));
    rec_free(&r);
    /* many siblings of one name are just counted */
    xb_buf_reset(&b);
    xb_buf_append_str(&b, "<r>");
    for (int i = 0; i < 20000; i++)
        xb_buf_append_str(&b, "<p/>");
    xb_buf_append_str(&b, "<p>last</p></r>");
    assert_int_equal(run(b.data, b.len, NULL, &r), XB_OK);
    assert_string_equal(r.evs[0].path, "/r[1]/p[20001]");
    rec_free(&r);
    xb_buf_free(&b);
}

/* ---- segmentation ---------------------------------------------------------------- */

static char *join(const rec *r, const char *path, size_t max, size_t *pieces)
{
    xb_buf b = XB_BUF_INIT;
    *pieces = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (strcmp(r->evs[i].path, path) != 0)
            continue;
        assert_true(r->evs[i].len <= max);
        assert_true(r->evs[i].segment);
        xb_buf_append(&b, r->evs[i].data, r->evs[i].len);
        (*pieces)++;
    }
    return xb_buf_take(&b);
}

static void test_segmentation(void **state)
{
    (void)state;
    xb_buf long_text = XB_BUF_INIT, doc = XB_BUF_INIT;
    for (int i = 0; i < 12; i++)
        xb_buf_printf(&long_text, "第%d行 张伟 &amp; 13800138000; ", i);
    xb_buf_append_str(&doc, "<r><t>");
    xb_buf_append(&doc, long_text.data, long_text.len);
    xb_buf_append_str(&doc, "</t><a v=\"");
    xb_buf_append(&doc, long_text.data, long_text.len);
    xb_buf_append_str(&doc, "\"/><c><![CDATA[");
    for (int i = 0; i < 10; i++)
        xb_buf_append_str(&doc, "0123456789 ");
    xb_buf_append_str(&doc, "]]></c><s>short</s></r>");
    run_cfg cfg = {.max_value_len = 32};
    rec r;
    assert_int_equal(run(doc.data, doc.len, &cfg, &r), XB_OK);
    char expect[2048];
    size_t n = 0;
    for (int i = 0; i < 12; i++)
        n += (size_t)sprintf(expect + n, "第%d行 张伟 & 13800138000; ", i);
    size_t pieces;
    char *t = join(&r, "/r[1]/t[1]", 32, &pieces);
    assert_string_equal(t, expect);
    assert_true(pieces > 10);
    free(t);
    char *a = join(&r, "/r[1]/a[1]/@v", 32, &pieces);
    assert_string_equal(a, expect);
    free(a);
    /* every segment of plain text is exact, with verified offsets */
    size_t exact = 0;
    for (size_t i = 0; i < r.n; i++)
        if (strncmp(r.evs[i].path, "/r[1]/c[1]", 10) != 0) {
            assert_true(r.evs[i].exact);
            exact++;
        }
    assert_int_equal(check_spans(doc.data, doc.len, 0, &r), exact + 1);
    /* a long CDATA section: only its first segment starts the section */
    const ev *c0 = find(&r, "/r[1]/c[1]", 0), *c1 = find(&r, "/r[1]/c[1]", 1);
    assert_true(c0->exact && c0->segment);
    assert_false(c1->exact);
    const ev *s = find(&r, "/r[1]/s[1]", 0);
    assert_false(s->segment);
    rec_free(&r);
    /* segments do not depend on chunking */
    every_split_identical(doc.data, doc.len, &cfg);
    xb_buf_free(&long_text);
    xb_buf_free(&doc);
}

/* ---- encodings ---------------------------------------------------------------------- */

static void test_declared_encodings(void **state)
{
    (void)state;
    rec r;
    /* a UTF-8 BOM is skipped and spans stay exact */
    const char *bom = "\xEF\xBB\xBF<r a=\"张\">张伟</r>";
    assert_int_equal(run_str(bom, &r), XB_OK);
    assert_int_equal(r.n, 2);
    assert_true(r.evs[0].exact && r.evs[1].exact);
    assert_int_equal(r.evs[1].rs, (size_t)(strstr(bom, "张伟") - bom));
    assert_int_equal(check_spans(bom, strlen(bom), 0, &r), 2);
    rec_free(&r);
    /* GBK (libxml2 here converts through iconv): decoded to UTF-8, inexact */
    assert_true(xmlHasFeature(XML_WITH_ICONV));
    const char *gbk = "<?xml version=\"1.0\" encoding=\"GBK\"?>"
                      "<r a=\"\xd5\xc5\xc8\xfd\"><n>\xd5\xc5\xce\xb0</n><id>11010519491231002X</id></r>";
    assert_int_equal(run_str(gbk, &r), XB_OK);
    char *b = brief(&r);
    assert_string_equal(b, "A /r[1]/@a a =张三 ~\n"
                           "S /r[1]/n[1] n =张伟 ~\n"
                           "S /r[1]/id[1] id =11010519491231002X ~\n");
    free(b);
    for (size_t i = 0; i < r.n; i++) {
        assert_true(r.evs[i].re <= strlen(gbk));
        assert_null(r.evs[i].offs);
    }
    rec_free(&r);
    assert_int_equal(run_bytewise(gbk, strlen(gbk), NULL, &r), XB_OK);
    assert_int_equal(r.n, 3);
    assert_string_equal(r.evs[1].data, "张伟");
    rec_free(&r);
    const char *gb18030 = "<?xml version=\"1.0\" encoding=\"GB18030\"?><r>\xd5\xc5\xce\xb0</r>";
    assert_int_equal(run_str(gb18030, &r), XB_OK);
    assert_string_equal(r.evs[0].data, "张伟");
    assert_false(r.evs[0].exact);
    rec_free(&r);
    const char *latin1 = "<?xml version='1.0' encoding='ISO-8859-1'?><r>caf\xe9</r>";
    assert_int_equal(run_str(latin1, &r), XB_OK);
    assert_string_equal(r.evs[0].data, "café");
    assert_false(r.evs[0].exact);
    rec_free(&r);
    const char utf16[] = "\xff\xfe<\0r\0>\0x\0<\0/\0r\0>\0";
    assert_int_equal(run(utf16, sizeof(utf16) - 1, NULL, &r), XB_OK);
    assert_string_equal(r.evs[0].data, "x");
    assert_false(r.evs[0].exact);
    rec_free(&r);
    /* explicit UTF-8 declarations stay exact */
    const char *utf8 = "<?xml version=\"1.0\" encoding=\"utf-8\"?><r>张伟</r>";
    assert_int_equal(run_str(utf8, &r), XB_OK);
    assert_true(r.evs[0].exact);
    rec_free(&r);
    /* broken GBK bytes are malformed */
    const char *badgbk = "<?xml version=\"1.0\" encoding=\"GBK\"?><r>\x81\x20\xff</r>";
    assert_int_equal(run_str(badgbk, &r), XB_ERR_MALFORMED);
    rec_free(&r);
}

/* ---- embedding: base offset, path prefix, sink errors --------------------------------- */

static void test_base_offset_and_prefix(void **state)
{
    (void)state;
    const char *doc = "<r><a k=\"v&amp;w\">x &lt; y</a></r>";
    run_cfg cfg = {.base = 1000, .prefix = "upload#"};
    rec r;
    assert_int_equal(run(doc, strlen(doc), &cfg, &r), XB_OK);
    char *b = brief(&r);
    assert_string_equal(b, "A upload#/r[1]/a[1]/@k k =v&w\n"
                           "S upload#/r[1]/a[1] a =x < y\n");
    free(b);
    assert_int_equal(r.evs[1].rs, 1000 + (size_t)(strstr(doc, "x &lt;") - doc));
    assert_int_equal(r.evs[1].offs[2], 1000 + (size_t)(strstr(doc, "&lt;") - doc));
    assert_int_equal(check_spans(doc, strlen(doc), 1000, &r), 2);
    rec_free(&r);
}

static void test_sink_error_stops(void **state)
{
    (void)state;
    const char *doc = "<r><a>1</a><b>2</b><c>3</c></r>";
    run_cfg cfg = {.stop_at = 2};
    rec r;
    assert_int_equal(run(doc, strlen(doc), &cfg, &r), XB_ERR_LIMIT);
    assert_int_equal(r.n, 1);
    assert_non_null(strstr(last_error, "sink"));
    rec_free(&r);
    /* also from inside an attribute list */
    const char *attrs = "<r a=\"1\" b=\"2\" c=\"3\"/>";
    assert_int_equal(run(attrs, strlen(attrs), &cfg, &r), XB_ERR_LIMIT);
    assert_int_equal(r.n, 1);
    rec_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paths_indices_attributes),
        cmocka_unit_test(test_indices_restart_per_parent),
        cmocka_unit_test(test_text_mixed_content_and_comments),
        cmocka_unit_test(test_cdata),
        cmocka_unit_test(test_references_have_raw_offsets),
        cmocka_unit_test(test_line_ends_in_text),
        cmocka_unit_test(test_realistic_document_every_split),
        cmocka_unit_test(test_large_document_chunk_sizes),
        cmocka_unit_test(test_mutations_never_claim_wrong_spans),
        cmocka_unit_test(test_xxe_local_file),
        cmocka_unit_test(test_dtd_variants_refused),
        cmocka_unit_test(test_undeclared_entities_refused),
        cmocka_unit_test(test_external_entity_loader),
        cmocka_unit_test(test_nothing_printed),
        cmocka_unit_test(test_parsers_in_threads),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_sibling_name_limit),
        cmocka_unit_test(test_segmentation),
        cmocka_unit_test(test_declared_encodings),
        cmocka_unit_test(test_base_offset_and_prefix),
        cmocka_unit_test(test_sink_error_stops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
