/*
 * xb_xml.c - XML bodies through libxml2's push parser with SAX2 callbacks.
 *
 * Hostile XML fails cleanly: any DOCTYPE stops the parser (XB_ERR_FORBIDDEN),
 * no entity is ever expanded (only the five predefined ones and character
 * references exist without a DTD), the network is off and the external
 * entity loader refuses everything. No DOM is built: element text and
 * attribute values are reported as they complete, with XPath-like paths that
 * index every step among same-name siblings (/export[1]/person[2]/idNo[1],
 * attributes as /.../@id); records are derived from those indices by the
 * engine (records_by_path).
 *
 * Spans: the span of an element's text runs from the end of its start tag to
 * the start of its end tag, measured from the parser's input position. When
 * the raw text is byte-identical to the decoded text (no entity, character
 * reference or CDATA) the span is exact and can be rewritten in place;
 * otherwise it is reported with exact = false.
 */
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/xb_buf.h"
#include "xb_parser.h"

#define MAX_CHILD_NAMES 1024

typedef struct child_count {
    char *name;
    unsigned count;
} child_count;

typedef struct level {
    size_t path_len;      /* path length before this element's step */
    char *name;           /* local name (field) */
    size_t qname_len;     /* length of prefix:local as written */
    child_count *children;
    size_t n_children;
    size_t text_start;    /* body offset just after the start tag */
    bool mixed;           /* text was interrupted by a child element */
} level;

struct xb_parser {
    xb_sink sink;
    size_t base;
    size_t max_depth, max_len;
    xmlParserCtxtPtr ctxt;
    level *levels;
    size_t depth, cap;
    xb_buf path;
    xb_buf text;
    bool text_has_ref;    /* text contained entities / char refs / CDATA */
    xb_status err;
    char msg[256];
    size_t fed;
};

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static xmlParserInputPtr deny_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    (void)url;
    (void)id;
    (void)ctxt;
    return NULL;
}

static void xml_global_init(void)
{
    xmlInitParser();
    /* Process-global: nothing in this process may load external entities. */
    xmlSetExternalEntityLoader(deny_loader);
}

static size_t position(xb_parser *p)
{
    xmlParserInputPtr in = p->ctxt ? p->ctxt->input : NULL;
    if (!in || !in->cur || !in->base)
        return p->fed;
    return (size_t)in->consumed + (size_t)(in->cur - in->base);
}

static void stop(xb_parser *p, xb_status st, const char *msg)
{
    if (p->err == XB_OK) {
        p->err = st;
        snprintf(p->msg, sizeof(p->msg), "xml: %s", msg);
    }
    xmlStopParser(p->ctxt);
}

static xb_status emit(xb_parser *p, xb_value_kind kind, const char *field,
                      const uint8_t *data, size_t len, size_t rs, size_t re, bool exact)
{
    if (len == 0)
        return XB_OK;
    xb_value v;
    memset(&v, 0, sizeof(v));
    v.kind = kind;
    v.syntax = XB_SYNTAX_XML;
    v.path = xb_buf_cstr(&p->path);
    v.path_len = p->path.len;
    v.field = field;
    v.field_len = strlen(field);
    v.data = data;
    v.len = len > p->max_len ? p->max_len : len;
    v.raw_start = p->base + rs;
    v.raw_end = p->base + re;
    /* Spans are byte offsets of the body only when it is UTF-8 (or ASCII):
     * a declared GBK document is converted by libxml2 first. */
    const char *enc = p->ctxt ? (const char *)p->ctxt->encoding : NULL;
    v.exact = exact && (!enc || !strcasecmp(enc, "UTF-8") || !strcasecmp(enc, "US-ASCII"));
    v.record = XB_RECORD_NONE;
    v.segment = len > p->max_len;
    return p->sink.value(p->sink.ctx, &v);
}

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

/* Deliver the pending text of the innermost element. */
static void flush_text(xb_parser *p, size_t raw_end, bool at_end)
{
    if (p->depth == 0 || p->err != XB_OK)
        return;
    level *lv = &p->levels[p->depth - 1];
    if (p->text.len > 0 && !blank(p->text.data, p->text.len)) {
        size_t rs = lv->text_start;
        bool exact = at_end && !lv->mixed && !p->text_has_ref &&
                     raw_end >= rs && raw_end - rs == p->text.len;
        xb_status st = emit(p, XB_VALUE_STRING, lv->name, (const uint8_t *)p->text.data,
                            p->text.len, rs, raw_end >= rs ? raw_end : rs, exact);
        if (st != XB_OK)
            stop(p, st, "stopped by the classifier");
    }
    xb_buf_reset(&p->text);
    p->text_has_ref = false;
}

static unsigned child_index(level *parent, const char *qname)
{
    for (size_t i = 0; i < parent->n_children; i++)
        if (!strcmp(parent->children[i].name, qname))
            return ++parent->children[i].count;
    if (parent->n_children >= MAX_CHILD_NAMES)
        return 0;
    child_count *c = realloc(parent->children, (parent->n_children + 1) * sizeof(*c));
    if (!c)
        return 0;
    parent->children = c;
    c[parent->n_children].name = strdup(qname);
    if (!c[parent->n_children].name)
        return 0;
    c[parent->n_children].count = 1;
    parent->n_children++;
    return 1;
}

static void on_start(void *ctx, const xmlChar *local, const xmlChar *prefix,
                     const xmlChar *uri, int nb_ns, const xmlChar **ns, int nb_attrs,
                     int nb_defaulted, const xmlChar **attrs)
{
    (void)uri;
    (void)nb_ns;
    (void)ns;
    (void)nb_defaulted;
    xb_parser *p = ctx;
    if (p->err != XB_OK)
        return;
    if (p->depth > 0) {
        level *parent = &p->levels[p->depth - 1];
        if (p->text.len > 0 && !blank(p->text.data, p->text.len))
            parent->mixed = true;
        flush_text(p, position(p), false);
    }
    if (p->depth >= p->max_depth) {
        stop(p, XB_ERR_LIMIT, "nesting deeper than the limit");
        return;
    }
    if (p->depth == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        level *l = realloc(p->levels, cap * sizeof(*l));
        if (!l) {
            stop(p, XB_ERR_NOMEM, "out of memory");
            return;
        }
        p->levels = l;
        p->cap = cap;
    }
    char qname[512];
    snprintf(qname, sizeof(qname), "%s%s%s", prefix ? (const char *)prefix : "",
             prefix ? ":" : "", (const char *)local);
    unsigned idx = p->depth > 0 ? child_index(&p->levels[p->depth - 1], qname) : 1;
    level *lv = &p->levels[p->depth];
    memset(lv, 0, sizeof(*lv));
    lv->path_len = p->path.len;
    lv->name = strdup((const char *)local);
    lv->qname_len = strlen(qname);
    /* libxml2 reports the start tag while its input still points at the
     * closing '>': the text begins one byte later. */
    lv->text_start = position(p) + 1;
    p->depth++;
    if (!lv->name || xb_buf_printf(&p->path, "/%s[%u]", qname, idx) != XB_OK) {
        stop(p, XB_ERR_NOMEM, "out of memory");
        return;
    }
    /* attributes: localname, prefix, URI, value, end */
    for (int a = 0; a < nb_attrs && p->err == XB_OK; a++) {
        const xmlChar **at = attrs + 5 * a;
        size_t saved = p->path.len;
        if (xb_buf_printf(&p->path, "/@%s", (const char *)at[0]) != XB_OK) {
            stop(p, XB_ERR_NOMEM, "out of memory");
            return;
        }
        size_t vlen = (size_t)(at[4] - at[3]);
        xb_status st = emit(p, XB_VALUE_ATTRIBUTE, (const char *)at[0], at[3], vlen,
                            lv->text_start, lv->text_start, false);
        p->path.len = saved;
        if (st != XB_OK)
            stop(p, st, "stopped by the classifier");
    }
}

static void on_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
    (void)local;
    (void)prefix;
    (void)uri;
    xb_parser *p = ctx;
    if (p->err != XB_OK || p->depth == 0)
        return;
    level *lv = &p->levels[p->depth - 1];
    size_t end = position(p);
    size_t close = lv->qname_len + 3; /* "</" name ">" */
    flush_text(p, end >= close ? end - close : end, true);
    p->path.len = lv->path_len;
    for (size_t i = 0; i < lv->n_children; i++)
        free(lv->children[i].name);
    free(lv->children);
    free(lv->name);
    p->depth--;
}

static void on_chars(void *ctx, const xmlChar *ch, int len)
{
    xb_parser *p = ctx;
    if (p->err != XB_OK || p->depth == 0)
        return;
    if (p->text.len < p->max_len + 1 &&
        xb_buf_append(&p->text, ch, (size_t)len) != XB_OK)
        stop(p, XB_ERR_NOMEM, "out of memory");
}

static void on_cdata(void *ctx, const xmlChar *ch, int len)
{
    xb_parser *p = ctx;
    p->text_has_ref = true;
    on_chars(ctx, ch, len);
}

static void on_reference(void *ctx, const xmlChar *name)
{
    xb_parser *p = ctx;
    char m[160];
    snprintf(m, sizeof(m), "entity reference &%s; is not allowed", (const char *)name);
    stop(p, XB_ERR_FORBIDDEN, m);
}

static void on_subset(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
    (void)name;
    (void)ext;
    (void)sys;
    xb_parser *p = ctx;
    char m[120];
    snprintf(m, sizeof(m), "DOCTYPE is not allowed (line %d)",
             p->ctxt && p->ctxt->input ? p->ctxt->input->line : 0);
    stop(p, XB_ERR_FORBIDDEN, m);
}

static void on_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *pub,
                           const xmlChar *sys, xmlChar *content)
{
    (void)name;
    (void)type;
    (void)pub;
    (void)sys;
    (void)content;
    stop(ctx, XB_ERR_FORBIDDEN, "entity declarations are not allowed");
}

static void on_error(void *ctx, xmlErrorPtr e)
{
    xb_parser *p = ctx;
    if (p->err != XB_OK || !e || e->level < XML_ERR_ERROR)
        return;
    char m[200];
    size_t n = strlen(e->message ? e->message : "");
    snprintf(m, sizeof(m), "%.*s (line %d, byte %zu)",
             (int)(n && e->message[n - 1] == '\n' ? n - 1 : n), e->message ? e->message : "",
             e->line, p->base + position(p));
    xb_status st = XB_ERR_MALFORMED;
    if (e->code == XML_ERR_ENTITY_LOOP || e->code == XML_ERR_UNDECLARED_ENTITY ||
        e->code == XML_WAR_UNDECLARED_ENTITY || e->code == XML_ERR_ENTITY_BOUNDARY)
        st = XB_ERR_FORBIDDEN;
    stop(p, st, m);
}

static xb_parser *xml_create(const xb_parser_params *pp)
{
    pthread_once(&xml_once, xml_global_init);
    xb_parser *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->sink = pp->sink;
    p->base = pp->base_offset;
    p->max_depth = pp->limits && pp->limits->max_depth ? pp->limits->max_depth : 64;
    p->max_len = pp->limits && pp->limits->max_value_len ? pp->limits->max_value_len : 65536;
    if (pp->path_prefix && xb_buf_append_str(&p->path, pp->path_prefix) != XB_OK) {
        free(p);
        return NULL;
    }
    xmlSAXHandler sax;
    memset(&sax, 0, sizeof(sax));
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = on_start;
    sax.endElementNs = on_end;
    sax.characters = on_chars;
    sax.cdataBlock = on_cdata;
    sax.reference = on_reference;
    sax.internalSubset = on_subset;
    sax.externalSubset = on_subset;
    sax.entityDecl = on_entity_decl;
    sax.serror = on_error;
    p->ctxt = xmlCreatePushParserCtxt(&sax, p, NULL, 0, NULL);
    if (!p->ctxt) {
        xb_buf_free(&p->path);
        free(p);
        return NULL;
    }
    xmlCtxtUseOptions(p->ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    return p;
}

static xb_status xml_feed(xb_parser *p, const uint8_t *data, size_t len)
{
    if (p->err != XB_OK)
        return p->err;
    while (len > 0 && p->err == XB_OK) {
        int n = len > 65536 ? 65536 : (int)len;
        int rc = xmlParseChunk(p->ctxt, (const char *)data, n, 0);
        p->fed += (size_t)n;
        data += n;
        len -= (size_t)n;
        if (rc != 0 && p->err == XB_OK) {
            snprintf(p->msg, sizeof(p->msg), "xml: not well-formed (error %d, byte %zu)", rc,
                     p->base + p->fed);
            p->err = XB_ERR_MALFORMED;
        }
    }
    return p->err;
}

static xb_status xml_finish(xb_parser *p)
{
    if (p->err != XB_OK)
        return p->err;
    int rc = xmlParseChunk(p->ctxt, NULL, 0, 1);
    if (p->err == XB_OK && (rc != 0 || !p->ctxt->wellFormed)) {
        snprintf(p->msg, sizeof(p->msg), "xml: document is incomplete or not well-formed");
        p->err = XB_ERR_MALFORMED;
    }
    if (p->err == XB_OK && p->fed == 0) {
        snprintf(p->msg, sizeof(p->msg), "xml: empty body");
        p->err = XB_ERR_MALFORMED;
    }
    return p->err;
}

static const char *xml_error(const xb_parser *p)
{
    return p->msg;
}

static void xml_destroy(xb_parser *p)
{
    if (!p)
        return;
    while (p->depth > 0) {
        level *lv = &p->levels[--p->depth];
        for (size_t i = 0; i < lv->n_children; i++)
            free(lv->children[i].name);
        free(lv->children);
        free(lv->name);
    }
    free(p->levels);
    if (p->ctxt) {
        if (p->ctxt->myDoc)
            xmlFreeDoc(p->ctxt->myDoc);
        xmlFreeParserCtxt(p->ctxt);
    }
    xb_buf_free(&p->path);
    xb_buf_free(&p->text);
    free(p);
}

const xb_parser_ops xb_xml_parser = {
    "xml", XB_SYNTAX_XML, true, xml_create, xml_feed, xml_finish, xml_error, xml_destroy,
};
