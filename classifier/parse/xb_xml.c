/*
 * xb_xml.c - XML bodies through libxml2's push parser with SAX2 callbacks.
 *
 * No DOM is built: element text and attribute values are reported as they
 * complete, with XPath-like paths that index every element step among its
 * same-name siblings (/export[1]/person[2]/idNo[1], attributes as a final
 * /@id step). The engine derives records from these indices
 * (records_by_path), so every value carries XB_RECORD_NONE.
 *
 * Hostile XML fails cleanly and quickly:
 *   - any DOCTYPE stops the parser (XB_ERR_FORBIDDEN); with no DTD, the only
 *     entities that exist are the five predefined ones, and character
 *     references; any other entity reference is XB_ERR_FORBIDDEN;
 *   - options: XML_PARSE_NONET only (never NOENT, DTDLOAD, DTDATTR, DTDVALID,
 *     XINCLUDE or HUGE, so libxml2's own size and depth limits stay on);
 *   - the process-wide external entity loader refuses every load for the
 *     contexts of this parser (installed once, see install_loader());
 *   - errors are collected per parser instance through the SAX2 structured
 *     error callback; while libxml2 runs for us, this thread's generic and
 *     structured error handlers point at the same instance (errors without a
 *     parser context, e.g. from encoding conversion, would otherwise be
 *     printed to stderr) and are restored afterwards.
 *
 * Spans and their verification are in xb_xml_span.c, value assembly and
 * segmentation in xb_xml_value.c, sibling counters in xb_xml_names.c.
 */
#include <libxml/parserInternals.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xb_xml_internal.h"

/* libxml2 is fed at most this much per xmlParseChunk call. */
#define FEED_SLICE 65536
/* Smallest max_value_len honoured (a segment must hold a UTF-8 character). */
#define MIN_VALUE_LEN 16

/* ---- process-wide setup -------------------------------------------------- */

/* _private of every libxml2 context created by this parser points here. */
static const char body_ctxt_tag = 'x';

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
/* Written once under init_once, read-only afterwards. */
static xmlExternalEntityLoader previous_loader;

/*
 * The external entity loader is process-global in libxml2. Ours refuses
 * everything for body-parser contexts. Other libxml2 users in the process
 * keep the loader they had: the catalog loader reads its files with
 * xmlCtxtReadFile, which goes through this same hook, so a blanket refusal
 * would break it once the first XML body was parsed.
 */
static xmlParserInputPtr guarded_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    if (ctxt && ctxt->_private == &body_ctxt_tag)
        return NULL;
    return previous_loader ? previous_loader(url, id, ctxt) : NULL;
}

static void install_loader(void)
{
    xmlInitParser();
    previous_loader = xmlGetExternalEntityLoader();
    xmlSetExternalEntityLoader(guarded_loader);
}

/* ---- errors -------------------------------------------------------------- */

xb_status xbx_fail(xb_parser *p, xb_status st, const char *fmt, ...)
{
    if (p->err == XB_OK) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
        va_end(ap);
        p->err = st;
    }
    if (p->ctxt && p->ctxt->instate != XML_PARSER_EOF)
        xmlStopParser(p->ctxt);
    return p->err;
}

/* Body offset of libxml2's position, for messages: exact while the
 * buffer is in body coordinates, else the end of the bytes handed over. */
static size_t where(xb_parser *p, bool *exact)
{
    *exact = xbx_coords_ok(p);
    if (*exact)
        return p->base + xbx_pos(p, p->ctxt->input->cur);
    return p->base + (p->expect_end > p->fed ? p->expect_end : p->fed);
}

/* "byte N" or "near byte N" */
static const char *at_word(bool exact)
{
    return exact ? "byte" : "near byte";
}

static xb_status status_for(const xmlError *e)
{
    switch (e->code) {
    case XML_ERR_UNDECLARED_ENTITY:
    case XML_WAR_UNDECLARED_ENTITY:
    case XML_ERR_UNPARSED_ENTITY:
    case XML_ERR_ENTITY_IS_EXTERNAL:
    case XML_ERR_ENTITY_IS_PARAMETER:
    case XML_ERR_ENTITY_LOOP:
    case XML_ERR_ENTITY_BOUNDARY:
    case XML_ERR_ENTITY_PE_INTERNAL:
    case XML_ERR_EXT_ENTITY_STANDALONE:
    case XML_ERR_ENTITY_PROCESSING:
    case XML_ERR_ENTITYREF_IN_DTD:
        return XB_ERR_FORBIDDEN;
    case XML_ERR_NAME_TOO_LONG:
        return XB_ERR_LIMIT;
    case XML_ERR_INTERNAL_ERROR:
        if (e->message && (strstr(e->message, "Excessive depth") ||
                           strstr(e->message, "Huge input lookup")))
            return XB_ERR_LIMIT;
        return XB_ERR_MALFORMED;
    default:
        return XB_ERR_MALFORMED;
    }
}

/*
 * Structured errors, from the parser context (sax.serror) and, while we
 * parse, from code without a context (xmlStructuredError). Only recorded:
 * libxml2 keeps using its buffers after reporting, so it must not be
 * stopped from here; xb_xml_feed() stops it when the chunk returns, and
 * fatal errors already disable further SAX events.
 */
static void on_error(void *ctx, xmlErrorPtr e)
{
    xb_parser *p = ctx;
    if (!e || e->level < XML_ERR_ERROR || p->err != XB_OK)
        return;
    /* An unusual namespace name is not worth refusing the body. */
    if (e->domain == XML_FROM_NAMESPACE &&
        (e->code == XML_WAR_NS_URI || e->code == XML_WAR_NS_URI_RELATIVE))
        return;
    /* libxml2's message on one line */
    char m[200];
    snprintf(m, sizeof(m), "%s", e->message ? e->message : "error");
    size_t n = strlen(m);
    while (n > 0 && (m[n - 1] == '\n' || m[n - 1] == ' '))
        m[--n] = '\0';
    for (char *c = m; *c; c++)
        if (*c == '\n')
            *c = ' ';
    xb_status st = status_for(e);
    const char *what = "";
    if (st == XB_ERR_FORBIDDEN)
        what = "entity reference not allowed: ";
    if (e->code == XML_ERR_DOCUMENT_END && p->depth > 0) {
        /* libxml2 says "Extra content at the end of the document" */
        snprintf(m, sizeof(m), "body ends before the document is complete, %s is not closed",
                 xb_buf_cstr(&p->path));
    }
    bool exact;
    size_t at = where(p, &exact);
    if (e->line > 0)
        snprintf(p->msg, sizeof(p->msg), "xml: %s%s (line %d, column %d, %s %zu)", what, m,
                 e->line, e->int2, at_word(exact), at);
    else
        snprintf(p->msg, sizeof(p->msg), "xml: %s%s (%s %zu)", what, m, at_word(exact), at);
    p->err = st;
}

/* xmlGenericError() messages (e.g. "xmlParseChunk: encoder error"). */
static void on_generic_error(void *ctx, const char *fmt, ...)
{
    xb_parser *p = ctx;
    if (!p || p->err != XB_OK)
        return;
    char m[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m, sizeof(m), fmt, ap);
    va_end(ap);
    size_t n = strlen(m);
    while (n > 0 && (m[n - 1] == '\n' || m[n - 1] == ' '))
        n--;
    snprintf(p->msg, sizeof(p->msg), "xml: %.*s (near byte %zu)", (int)n, m,
             p->base + (p->expect_end > p->fed ? p->expect_end : p->fed));
    p->err = XB_ERR_MALFORMED;
}

/* libxml2's per-thread error handlers, saved while we parse. */
typedef struct saved_handlers {
    xmlGenericErrorFunc generic;
    void *generic_ctx;
    xmlStructuredErrorFunc structured;
    void *structured_ctx;
} saved_handlers;

static void capture_errors(xb_parser *p, saved_handlers *s)
{
    s->generic = xmlGenericError;
    s->generic_ctx = xmlGenericErrorContext;
    s->structured = xmlStructuredError;
    s->structured_ctx = xmlStructuredErrorContext;
    xmlSetGenericErrorFunc(p, on_generic_error);
    xmlSetStructuredErrorFunc(p, on_error);
}

static void restore_errors(const saved_handlers *s)
{
    xmlSetGenericErrorFunc(s->generic_ctx, s->generic);
    xmlSetStructuredErrorFunc(s->structured_ctx, s->structured);
}

/* ---- SAX callbacks ------------------------------------------------------- */

/* Begin the next text run of the innermost element at body offset at. */
static void begin_run(xb_parser *p, size_t at, bool known)
{
    if (p->depth == 0)
        return;
    const xbx_level *lv = &p->levels[p->depth - 1];
    xbx_acc_begin(&p->text, XB_VALUE_STRING, lv->field_off, lv->field_len, at);
    p->cursor = at;
    p->cursor_known = known;
    p->last_piece_cdata = false;
}

/* "[index]" without printf (this runs for every element). */
static xb_status append_index(xb_buf *b, uint32_t index)
{
    char tmp[16];
    size_t n = sizeof(tmp);
    tmp[--n] = ']';
    do {
        tmp[--n] = (char)('0' + index % 10);
        index /= 10;
    } while (index);
    tmp[--n] = '[';
    return xb_buf_append(b, tmp + n, sizeof(tmp) - n);
}

static void on_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
                     int nb_ns, const xmlChar **ns, int nb_attrs, int nb_defaulted,
                     const xmlChar **attrs)
{
    (void)uri;
    (void)nb_ns;
    (void)ns;
    (void)nb_defaulted;
    xb_parser *p = ctx;
    if (p->err != XB_OK)
        return;
    bool coords = xbx_coords_ok(p);
    const xmlChar *lt = coords ? xbx_tag_start(p) : NULL;
    /* Mixed content: the parent's text so far is one value. */
    if (p->depth > 0 && xbx_acc_finish(p, &p->text) != XB_OK)
        return;
    if (p->depth >= p->max_depth) {
        bool exact;
        size_t at = where(p, &exact);
        xbx_fail(p, XB_ERR_LIMIT, "xml: element <%s> nested deeper than %zu levels (line %d, %s %zu)",
                 (const char *)local, p->max_depth, p->ctxt->input->line, at_word(exact), at);
        return;
    }
    if (p->depth == p->levels_cap) {
        size_t cap = p->levels_cap ? p->levels_cap * 2 : 16;
        xbx_level *l = realloc(p->levels, cap * sizeof(*l));
        if (!l) {
            xbx_fail(p, XB_ERR_NOMEM, "xml: out of memory");
            return;
        }
        p->levels = l;
        p->levels_cap = cap;
    }
    /* the step: "/" qname "[" index "]", qname as written (prefix:local) */
    size_t path_len = p->path.len;
    size_t local_len = strlen((const char *)local);
    xb_status st = xb_buf_append_char(&p->path, '/');
    if (st == XB_OK && prefix)
        st = xb_buf_append_str(&p->path, (const char *)prefix);
    if (st == XB_OK && prefix)
        st = xb_buf_append_char(&p->path, ':');
    size_t field_off = p->path.len;
    if (st == XB_OK)
        st = xb_buf_append(&p->path, local, local_len);
    if (st != XB_OK) {
        xbx_fail(p, XB_ERR_NOMEM, "xml: out of memory");
        return;
    }
    uint32_t index = 1;
    st = xbx_names_next(&p->names, (uint32_t)p->depth, p->path.data + path_len + 1,
                        p->path.len - path_len - 1, &index);
    if (st == XB_ERR_LIMIT) {
        bool exact;
        size_t at = where(p, &exact);
        xbx_fail(p, XB_ERR_LIMIT,
                 "xml: more than %d distinct element names in the open elements (line %d, %s %zu)",
                 XBX_MAX_NAMES, p->ctxt->input->line, at_word(exact), at);
        return;
    }
    if (st != XB_OK || append_index(&p->path, index) != XB_OK) {
        xbx_fail(p, XB_ERR_NOMEM, "xml: out of memory");
        return;
    }
    xbx_level *lv = &p->levels[p->depth++];
    lv->path_len = path_len;
    lv->field_off = field_off;
    lv->field_len = local_len;
    lv->names_mark = xbx_names_mark(&p->names);

    xbx_attributes(p, lt, nb_attrs, attrs);
    if (p->err != XB_OK)
        return;
    const xmlParserInput *in = p->ctxt->input;
    bool after_gt = coords && *in->cur == '>';
    begin_run(p, after_gt ? xbx_pos(p, in->cur) + 1 : p->fed, after_gt);
}

static void on_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
    (void)local;
    (void)prefix;
    (void)uri;
    xb_parser *p = ctx;
    if (p->err != XB_OK || p->depth == 0)
        return;
    if (xbx_acc_finish(p, &p->text) != XB_OK)
        return;
    const xbx_level *lv = &p->levels[--p->depth];
    p->path.len = lv->path_len;
    xbx_names_pop(&p->names, lv->names_mark);
    /* The parent's text continues after this end tag. */
    bool coords = xbx_coords_ok(p);
    begin_run(p, coords ? xbx_pos(p, p->ctxt->input->cur) : p->fed, coords);
}

static void on_chars(void *ctx, const xmlChar *ch, int len)
{
    if (len > 0)
        xbx_text_piece(ctx, ch, (size_t)len, false);
}

static void on_cdata(void *ctx, const xmlChar *ch, int len)
{
    if (len > 0)
        xbx_text_piece(ctx, ch, (size_t)len, true);
}

/* Comments and processing instructions produce no text; text after them
 * continues at the position right behind them. */
static void after_markup(xb_parser *p, const char *end_mark)
{
    if (p->err != XB_OK || p->depth == 0)
        return;
    size_t k = strlen(end_mark);
    const xmlParserInput *in = p->ctxt->input;
    p->cursor_known = xbx_coords_ok(p) && in->cur - in->base >= (ptrdiff_t)k &&
                      memcmp(in->cur - k, end_mark, k) == 0;
    if (p->cursor_known)
        p->cursor = xbx_pos(p, in->cur);
    p->last_piece_cdata = false;
}

static void on_comment(void *ctx, const xmlChar *value)
{
    (void)value;
    after_markup(ctx, "-->");
}

static void on_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
    (void)target;
    (void)data;
    after_markup(ctx, "?>");
}

/*
 * libxml2 calls reference() for entities it does not expand (only declared
 * ones, which cannot exist without a DTD) and for character references it
 * cannot store in a non-UTF-8 buffer.
 */
static void on_reference(void *ctx, const xmlChar *name)
{
    xb_parser *p = ctx;
    if (p->err != XB_OK)
        return;
    if (name && name[0] == '#') {
        char raw[64];
        int n = snprintf(raw, sizeof(raw), "&%s;", (const char *)name);
        uint8_t out[4];
        size_t k = n > 0 && (size_t)n < sizeof(raw)
                       ? xbx_decode_ref((const xmlChar *)raw, (size_t)n, out)
                       : 0;
        if (k > 0) {
            xbx_text_piece(p, out, k, false);
            return;
        }
    }
    bool exact;
    size_t at = where(p, &exact);
    xbx_fail(p, XB_ERR_FORBIDDEN, "xml: entity reference &%s; is not allowed (line %d, %s %zu)",
             name ? (const char *)name : "", p->ctxt->input->line, at_word(exact), at);
}

static void on_subset(void *ctx, const xmlChar *name, const xmlChar *external_id,
                      const xmlChar *system_id)
{
    (void)name;
    (void)external_id;
    (void)system_id;
    xb_parser *p = ctx;
    xbx_fail(p, XB_ERR_FORBIDDEN, "xml: DOCTYPE is not allowed (line %d)",
             p->ctxt && p->ctxt->input ? p->ctxt->input->line : 0);
}

static void on_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
                           const xmlChar *system_id, xmlChar *content)
{
    (void)type;
    (void)public_id;
    (void)system_id;
    (void)content;
    xb_parser *p = ctx;
    xbx_fail(p, XB_ERR_FORBIDDEN, "xml: entity declaration %s is not allowed",
             name ? (const char *)name : "");
}

/* ---- xb_parser_ops ------------------------------------------------------- */

static void xml_destroy(xb_parser *p);

static xb_parser *xml_create(const xb_parser_params *pp)
{
    pthread_once(&init_once, install_loader);
    xb_parser *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->sink = pp->sink;
    p->base = pp->base_offset;
    p->max_depth = pp->limits && pp->limits->max_depth ? pp->limits->max_depth : 64;
    p->max_len = pp->limits && pp->limits->max_value_len ? pp->limits->max_value_len : 65536;
    if (p->max_len < MIN_VALUE_LEN)
        p->max_len = MIN_VALUE_LEN;
    xbx_names_init(&p->names, (uint32_t)((uintptr_t)p >> 4) ^ (uint32_t)(uintptr_t)&p);
    if (pp->path_prefix && xb_buf_append_str(&p->path, pp->path_prefix) != XB_OK) {
        xml_destroy(p);
        return NULL;
    }
    xmlSAXHandler sax;
    memset(&sax, 0, sizeof(sax));
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = on_start;
    sax.endElementNs = on_end;
    sax.characters = on_chars;
    sax.ignorableWhitespace = on_chars; /* same function: libxml2 then never
                                           guesses which blanks matter */
    sax.cdataBlock = on_cdata;
    sax.comment = on_comment;
    sax.processingInstruction = on_pi;
    sax.reference = on_reference;
    sax.internalSubset = on_subset;
    sax.externalSubset = on_subset;
    sax.entityDecl = on_entity_decl;
    sax.serror = on_error;
    saved_handlers saved;
    capture_errors(p, &saved);
    p->ctxt = xmlCreatePushParserCtxt(&sax, p, NULL, 0, NULL);
    if (p->ctxt) {
        p->ctxt->_private = (void *)&body_ctxt_tag;
        xmlCtxtUseOptions(p->ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    }
    restore_errors(&saved);
    if (!p->ctxt) {
        xml_destroy(p);
        return NULL;
    }
    return p;
}

/* Run one xmlParseChunk with our error handlers; stop libxml2 on error. */
static xb_status parse_chunk(xb_parser *p, const uint8_t *data, size_t n, bool terminate)
{
    /* While libxml2 parses, its buffer ends at the body bytes fed so far,
     * except for a trailing CR that xmlParseChunk holds back. */
    p->expect_end = p->fed + n - (!terminate && n > 0 && data[n - 1] == '\r' ? 1 : 0);
    saved_handlers saved;
    capture_errors(p, &saved);
    int rc = xmlParseChunk(p->ctxt, (const char *)data, (int)n, terminate);
    p->fed += n;
    if (p->err == XB_OK && rc != 0) {
        snprintf(p->msg, sizeof(p->msg), "xml: not well-formed (libxml2 error %d) near byte %zu",
                 rc, p->base + p->fed);
        p->err = XB_ERR_MALFORMED;
    }
    if (p->err != XB_OK && p->ctxt->instate != XML_PARSER_EOF)
        xmlStopParser(p->ctxt);
    restore_errors(&saved);
    return p->err;
}

static xb_status xml_feed(xb_parser *p, const uint8_t *data, size_t len)
{
    while (len > 0 && p->err == XB_OK) {
        size_t n = len > FEED_SLICE ? FEED_SLICE : len;
        parse_chunk(p, data, n, false);
        data += n;
        len -= n;
    }
    return p->err;
}

static xb_status xml_finish(xb_parser *p)
{
    if (p->err != XB_OK)
        return p->err;
    if (p->fed == 0)
        return xbx_fail(p, XB_ERR_MALFORMED, "xml: empty body");
    if (parse_chunk(p, NULL, 0, true) != XB_OK)
        return p->err;
    if (!p->ctxt->wellFormed || p->depth != 0)
        return xbx_fail(p, XB_ERR_MALFORMED, "xml: document ends before its root element is closed (byte %zu)",
                        p->base + p->fed);
    return XB_OK;
}

static const char *xml_error(const xb_parser *p)
{
    return p->msg;
}

static void xml_destroy(xb_parser *p)
{
    if (!p)
        return;
    if (p->ctxt) {
        saved_handlers saved;
        capture_errors(p, &saved);
        if (p->ctxt->myDoc)
            xmlFreeDoc(p->ctxt->myDoc);
        xmlFreeParserCtxt(p->ctxt);
        restore_errors(&saved);
    }
    free(p->levels);
    xbx_names_free(&p->names);
    xbx_acc_free(&p->text);
    xbx_acc_free(&p->attr);
    free(p->scratch);
    free(p->abuf);
    xb_buf_free(&p->path);
    free(p);
}

const xb_parser_ops xb_xml_parser = {
    "xml", XB_SYNTAX_XML, true, xml_create, xml_feed, xml_finish, xml_error, xml_destroy,
};
