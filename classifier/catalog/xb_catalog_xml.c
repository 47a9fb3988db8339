/*
 * xb_catalog_xml.c - read a catalog file into a libxml2 tree and validate it
 * against the schema compiled into the library (rules/schema/catalog.xsd ->
 * xb_catalog_xsd[] by the Makefile), so no schema file is needed at run time.
 *
 * libxml2 reports errors through callbacks; here they are routed into the
 * caller's xb_diags with the file name and line, never to stderr, and never
 * through libxml2's process-wide handlers (several threads or nginx workers
 * may load catalogs). The parser runs without network access, without entity
 * substitution, and refuses documents that carry a DOCTYPE.
 */
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "xb_catalog_internal.h"

extern const char xb_catalog_xsd[];
extern const size_t xb_catalog_xsd_len;

/* Cap per file: after this many errors the rest are noise. */
#define XB_XML_MAX_ERRORS 50

typedef struct err_sink {
    xb_diags *diags;
    const char *file;
    size_t count;
} err_sink;

/* Copy a libxml2 message without its trailing newline. */
static void add_error(err_sink *s, xmlErrorPtr err)
{
    if (!err || err->level == XML_ERR_WARNING)
        return;
    s->count++;
    if (s->count > XB_XML_MAX_ERRORS)
        return;
    const char *msg = err->message ? err->message : "unknown XML error";
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        n--;
    size_t line = err->line > 0 ? (size_t)err->line : 0;
    if (err->domain == XML_FROM_SCHEMASV)
        xb_diags_add(s->diags, s->file, line, "schema: %.*s", (int)n, msg);
    else
        xb_diags_add(s->diags, s->file, line, "%.*s", (int)n, msg);
}

static void on_structured_error(void *ctx, xmlErrorPtr err)
{
    add_error(ctx, err);
}

/* The parser context passes itself (ctxt->userData == ctxt) to serror; our
 * sink hangs off _private. */
static void on_parser_error(void *ctx, xmlErrorPtr err)
{
    xmlParserCtxtPtr ctxt = ctx;
    add_error(ctxt->_private, err);
}

/* Any DOCTYPE stops the parse: catalogs need no DTD, and internal subsets
 * are where entity expansion attacks live. */
static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id,
                       const xmlChar *system_id)
{
    (void)name;
    (void)external_id;
    (void)system_id;
    xmlParserCtxtPtr ctxt = ctx;
    err_sink *s = ctxt->_private;
    s->count++;
    xb_diags_add(s->diags, s->file, ctxt->input ? (size_t)ctxt->input->line : 0,
                 "a DOCTYPE is not allowed in a catalog");
    xmlStopParser(ctxt);
}

xmlSchemaPtr xb_catalog_schema_new(xb_diags *diags)
{
    err_sink sink = {diags, "catalog.xsd (built in)", 0};
    xmlSchemaParserCtxtPtr pctxt =
        xmlSchemaNewMemParserCtxt(xb_catalog_xsd, (int)xb_catalog_xsd_len);
    if (!pctxt) {
        xb_diags_add(diags, "", 0, "out of memory compiling the catalog schema");
        return NULL;
    }
    xmlSchemaSetParserStructuredErrors(pctxt, on_structured_error, &sink);
    xmlSchemaPtr schema = xmlSchemaParse(pctxt);
    xmlSchemaFreeParserCtxt(pctxt);
    if (!schema && sink.count == 0)
        xb_diags_add(diags, "", 0, "the built-in catalog schema does not compile");
    return schema;
}

void xb_catalog_schema_free(xmlSchemaPtr schema)
{
    if (schema)
        xmlSchemaFree(schema);
}

xmlDocPtr xb_catalog_read(const char *path, xmlSchemaPtr schema, xb_diags *diags)
{
    err_sink sink = {diags, path, 0};
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        xb_diags_add(diags, path, 0, "out of memory reading the catalog");
        return NULL;
    }
    ctxt->_private = &sink;
    ctxt->sax->serror = on_parser_error;
    ctxt->sax->internalSubset = on_doctype;
    int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
               XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA;
    xmlDocPtr doc = xmlCtxtReadFile(ctxt, path, NULL, opts);
    bool well_formed = doc && ctxt->wellFormed && sink.count == 0;
    xmlFreeParserCtxt(ctxt);
    if (!doc || !well_formed) {
        if (sink.count == 0)
            xb_diags_add(diags, path, 0, "cannot read the catalog (missing or unreadable file)");
        if (doc)
            xmlFreeDoc(doc);
        return NULL;
    }
    xmlSchemaValidCtxtPtr vctxt = xmlSchemaNewValidCtxt(schema);
    if (!vctxt) {
        xb_diags_add(diags, path, 0, "out of memory validating the catalog");
        xmlFreeDoc(doc);
        return NULL;
    }
    xmlSchemaSetValidStructuredErrors(vctxt, on_structured_error, &sink);
    int rc = xmlSchemaValidateDoc(vctxt, doc);
    xmlSchemaFreeValidCtxt(vctxt);
    if (rc != 0) {
        if (sink.count == 0)
            xb_diags_add(diags, path, 0, "schema: the catalog is not valid");
        else if (sink.count > XB_XML_MAX_ERRORS)
            xb_diags_add(diags, path, 0, "%zu more schema errors not shown",
                         sink.count - XB_XML_MAX_ERRORS);
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}
