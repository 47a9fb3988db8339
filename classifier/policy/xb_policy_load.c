/*
 * xb_policy_load.c - read a policy file into the xb_policy model.
 *
 * Three passes, each reporting file:line diagnostics:
 *   1. XML well-formedness (libxml2, no network, no DOCTYPE);
 *   2. the schema compiled into the library (config/schema/policy.xsd);
 *   3. building the model, then the meaning checks of xb_policy_validate.c
 *      (duplicates, references, dates, USCC, CIDRs, the counting key).
 * The model is only returned when all three passes are clean.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include "xb_policy_internal.h"

/* ---- small helpers ---------------------------------------------------- */

void xb_policy_diag(xb_policy_loader *L, size_t line, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    xb_diags_add(L->diags, L->file, line, "%s", msg);
    L->errors++;
}

char *xb_policy_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (d)
        memcpy(d, s, n + 1);
    return d;
}

static bool is_el(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static size_t line_of(const xmlNode *n)
{
    long l = xmlGetLineNo((xmlNode *)n);
    return l > 0 ? (size_t)l : 0;
}

static size_t count_children(const xmlNode *n, const char *name)
{
    size_t k = 0;
    for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (is_el(c, name))
            k++;
    return k;
}

static const xmlNode *first_child(const xmlNode *n, const char *name)
{
    for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (is_el(c, name))
            return c;
    return NULL;
}

/* Copy of s with leading and trailing white space removed. */
static char *trimmed_dup(const char *s)
{
    if (!s)
        return NULL;
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' ||
                     s[n - 1] == '\r'))
        n--;
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* Attribute value (trimmed, malloc'd) or NULL when absent. */
static char *attr(xb_policy_loader *L, const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp((xmlNode *)n, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *d = trimmed_dup((const char *)v);
    xmlFree(v);
    if (!d)
        L->nomem = true;
    return d;
}

/* Text content of an element (trimmed, malloc'd, never NULL unless OOM). */
static char *text(xb_policy_loader *L, const xmlNode *n)
{
    xmlChar *v = xmlNodeGetContent((xmlNode *)n);
    char *d = trimmed_dup(v ? (const char *)v : "");
    if (v)
        xmlFree(v);
    if (!d)
        L->nomem = true;
    return d;
}

static bool attr_is(xb_policy_loader *L, const xmlNode *n, const char *name,
                    const char *value)
{
    char *v = attr(L, n, name);
    bool r = v && !strcmp(v, value);
    free(v);
    return r;
}

/* ---- pass 1 and 2: XML and schema -------------------------------------- */

static void schema_error(void *ctx, xmlErrorPtr err)
{
    xb_policy_loader *L = ctx;
    char msg[1024];
    snprintf(msg, sizeof(msg), "%s", err && err->message ? err->message : "schema error");
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    xb_policy_diag(L, err && err->line > 0 ? (size_t)err->line : 0, "%s", msg);
}

/* Parser errors arrive here through the context's own SAX handler (no
 * global handler is touched: loads in several threads do not interfere).
 * The first error is the one to fix; later ones are consequences. */
static void xml_error(void *user, xmlErrorPtr err)
{
    xmlParserCtxt *pc = user;
    xb_policy_loader *L = pc ? pc->_private : NULL;
    if (!L || L->xml_error_seen || !err || err->level < XML_ERR_ERROR)
        return;
    L->xml_error_seen = true;
    char msg[512];
    snprintf(msg, sizeof(msg), "%s", err->message ? err->message : "not well-formed");
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    xb_policy_diag(L, err->line > 0 ? (size_t)err->line : 0, "XML: %s", msg);
}

static xmlDoc *parse_xml(xb_policy_loader *L, const char *data, size_t len)
{
    if (len > (size_t)INT32_MAX) {
        xb_policy_diag(L, 0, "policy file too large");
        return NULL;
    }
    xmlParserCtxt *pc = xmlNewParserCtxt();
    if (!pc) {
        L->nomem = true;
        return NULL;
    }
    pc->_private = L;
    pc->sax->serror = xml_error;
    xmlDoc *doc = xmlCtxtReadMemory(pc, data, (int)len, L->file, NULL,
                                    XML_PARSE_NONET | XML_PARSE_NOERROR |
                                        XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES);
    if (!doc) {
        if (!L->xml_error_seen) {
            xmlErrorPtr e = xmlCtxtGetLastError(pc);
            xml_error(pc, e && e->message ? e : NULL);
            if (L->errors == 0)
                xb_policy_diag(L, 0, "XML: not well-formed");
        }
    } else if (doc->intSubset || doc->extSubset) {
        /* DTD nodes carry no line; find the declaration in the text */
        size_t line = 0;
        const char *at = memmem(data, len, "<!DOCTYPE", 9);
        if (at) {
            line = 1;
            for (const char *p = data; p < at; p++)
                line += *p == '\n';
        }
        xb_policy_diag(L, line, "DOCTYPE declarations are not allowed in a policy file");
        xmlFreeDoc(doc);
        doc = NULL;
    }
    xmlFreeParserCtxt(pc);
    return doc;
}

static bool validate_schema(xb_policy_loader *L, xmlDoc *doc)
{
    bool ok = false;
    xmlSchemaParserCtxt *spc = xmlSchemaNewMemParserCtxt(xb_policy_xsd, (int)xb_policy_xsd_len);
    xmlSchema *schema = NULL;
    xmlSchemaValidCtxt *vc = NULL;
    if (!spc) {
        L->nomem = true;
        return false;
    }
    schema = xmlSchemaParse(spc);
    if (!schema) {
        xb_policy_diag(L, 0, "internal error: the compiled-in policy schema does not load");
        goto out;
    }
    vc = xmlSchemaNewValidCtxt(schema);
    if (!vc) {
        L->nomem = true;
        goto out;
    }
    xmlSchemaSetValidStructuredErrors(vc, schema_error, L);
    size_t before = L->errors;
    int rc = xmlSchemaValidateDoc(vc, doc);
    if (rc != 0 && L->errors == before)
        xb_policy_diag(L, 0, "policy does not match the schema");
    ok = rc == 0;
out:
    if (vc)
        xmlSchemaFreeValidCtxt(vc);
    if (schema)
        xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(spc);
    return ok;
}

/* ---- pass 3: the model ------------------------------------------------- */

static char **string_list(xb_policy_loader *L, const xmlNode *n, const char *name,
                          size_t *count)
{
    size_t k = count_children(n, name);
    *count = 0;
    if (k == 0)
        return NULL;
    char **v = calloc(k, sizeof(*v));
    if (!v) {
        L->nomem = true;
        return NULL;
    }
    for (const xmlNode *c = n->children; c; c = c->next)
        if (is_el(c, name))
            v[(*count)++] = text(L, c);
    return v;
}

static void load_options(xb_policy_loader *L, xb_policy *p, const xmlNode *root)
{
    const xmlNode *o = first_child(root, "options");
    p->ftz_offlist_important = XB_FTZ_OFFLIST_ASSESSMENT;
    if (o && attr_is(L, o, "ftz-offlist-national-important", "exempt"))
        p->ftz_offlist_important = XB_FTZ_OFFLIST_EXEMPT;

    const xmlNode *out = first_child(root, "outcomes");
    p->monitor = out && attr_is(L, out, "mode", "monitor");
    p->on_missing = out && attr_is(L, out, "on-missing-mechanism", "mask")
                        ? XB_MISSING_MASK : XB_MISSING_BLOCK;
    p->watermark = XB_WATERMARK_MECHANISM;
    if (out && attr_is(L, out, "watermark", "no"))
        p->watermark = XB_WATERMARK_NO;
    else if (out && attr_is(L, out, "watermark", "always"))
        p->watermark = XB_WATERMARK_ALWAYS;
    p->uninspectable_block = !(out && attr_is(L, out, "on-uninspectable", "pass"));
}

static xb_watermark_policy watermark_attr(xb_policy_loader *L, const xmlNode *n)
{
    char *v = attr(L, n, "watermark");
    xb_watermark_policy w = XB_WATERMARK_INHERIT;
    if (v)
        w = !strcmp(v, "no") ? XB_WATERMARK_NO
            : !strcmp(v, "always") ? XB_WATERMARK_ALWAYS : XB_WATERMARK_MECHANISM;
    free(v);
    return w;
}

static void load_scenarios(xb_policy_loader *L, xb_policy *p, const xmlNode *root)
{
    const xmlNode *s = first_child(root, "scenarios");
    size_t k = count_children(s, "scenario");
    if (k == 0)
        return;
    p->scenarios = calloc(k, sizeof(*p->scenarios));
    if (!p->scenarios) {
        L->nomem = true;
        return;
    }
    for (const xmlNode *c = s->children; c; c = c->next) {
        if (!is_el(c, "scenario"))
            continue;
        xb_scenario_def *d = &p->scenarios[p->n_scenarios++];
        d->id = attr(L, c, "id");
        d->name_zh = attr(L, c, "name-zh");
        d->name_en = attr(L, c, "name-en");
        d->line = line_of(c);
    }
}

static void load_recipients(xb_policy_loader *L, xb_policy *p, const xmlNode *root)
{
    const xmlNode *rs = first_child(root, "recipients");
    size_t k = count_children(rs, "recipient");
    if (k == 0)
        return;
    p->recipients = calloc(k, sizeof(*p->recipients));
    if (!p->recipients) {
        L->nomem = true;
        return;
    }
    for (const xmlNode *c = rs->children; c; c = c->next) {
        if (!is_el(c, "recipient"))
            continue;
        xb_recipient *r = &p->recipients[p->n_recipients++];
        r->id = attr(L, c, "id");
        r->country = attr(L, c, "country");
        r->role = attr_is(L, c, "role", "entrusted") ? XB_ROLE_ENTRUSTED : XB_ROLE_CONTROLLER;
        r->line = line_of(c);
        const xmlNode *e;
        if ((e = first_child(c, "name")))
            r->name = text(L, e);
        if ((e = first_child(c, "contact")))
            r->contact = text(L, e);
        if ((e = first_child(c, "address")))
            r->address = text(L, e);
    }
}

static void load_match(xb_policy_loader *L, xb_exporter_match *m, const xmlNode *c)
{
    char *type = attr(L, c, "type");
    m->line = line_of(c);
    m->value = text(L, c);
    if (!type)
        m->kind = XB_MATCH_API_KEY;
    else if (!strcmp(type, "api-key-sha256"))
        m->kind = XB_MATCH_API_KEY_SHA256;
    else if (!strcmp(type, "cert-dn"))
        m->kind = XB_MATCH_CERT_DN;
    else if (!strcmp(type, "cidr"))
        m->kind = XB_MATCH_CIDR;
    else
        m->kind = XB_MATCH_API_KEY;
    free(type);
}

static void load_mechanism(xb_policy_loader *L, xb_mechanism *m, const xmlNode *c)
{
    m->line = line_of(c);
    m->id = attr(L, c, "id");
    m->ref = attr(L, c, "ref");
    char *type = attr(L, c, "type");
    m->type = type && !strcmp(type, "scc") ? XB_MECH_SCC
              : type && !strcmp(type, "certification") ? XB_MECH_CERTIFICATION
              : XB_MECH_ASSESSMENT;
    free(type);
    char *from = attr(L, c, "valid-from");
    char *until = attr(L, c, "valid-until");
    xb_policy_check_dates(L, m, from, until);
    free(from);
    free(until);
    m->recipients = string_list(L, c, "recipient", &m->n_recipients);
    m->categories = string_list(L, c, "category", &m->n_categories);
    m->purposes = string_list(L, c, "purpose", &m->n_purposes);
}

/* Split "a b,c" into a list of words. */
static char **split_words(xb_policy_loader *L, const char *s, size_t *count)
{
    *count = 0;
    if (!s)
        return NULL;
    size_t cap = 1;
    for (const char *p = s; *p; p++)
        cap += *p == ' ' || *p == ',' || *p == '\t' || *p == '\n';
    char **v = calloc(cap, sizeof(*v));
    if (!v) {
        L->nomem = true;
        return NULL;
    }
    while (*s) {
        s += strspn(s, " ,\t\r\n");
        size_t k = strcspn(s, " ,\t\r\n");
        if (!k)
            break;
        if (*count < cap && !(v[*count] = malloc(k + 1))) {
            L->nomem = true;
            break;
        }
        memcpy(v[*count], s, k);
        v[(*count)++][k] = '\0';
        s += k;
    }
    return v;
}

static void load_exporter(xb_policy_loader *L, xb_exporter *e, const xmlNode *c)
{
    e->line = line_of(c);
    e->id = attr(L, c, "id");
    e->ciio = attr_is(L, c, "ciio", "yes");
    e->default_scenario = attr(L, c, "default-scenario");
    e->default_purpose = attr(L, c, "default-purpose");
    char *sectors = attr(L, c, "sectors");
    e->sectors = split_words(L, sectors, &e->n_sectors);
    free(sectors);
    e->watermark = watermark_attr(L, c);
    char *om = attr(L, c, "on-missing-mechanism");
    e->on_missing = !om ? XB_MISSING_INHERIT
                    : !strcmp(om, "mask") ? XB_MISSING_MASK : XB_MISSING_BLOCK;
    free(om);
    const xmlNode *n;
    if ((n = first_child(c, "name")))
        e->name = text(L, n);
    if ((n = first_child(c, "uscc"))) {
        e->uscc = text(L, n);
        xb_policy_check_uscc(L, e, line_of(n));
    }
    if ((n = first_child(c, "ftz"))) {
        e->ftz_zone = attr(L, n, "zone");
        e->ftz_list_version = attr(L, n, "list-version");
    }
    size_t km = count_children(c, "match");
    if (km) {
        e->matches = calloc(km, sizeof(*e->matches));
        if (!e->matches) {
            L->nomem = true;
            return;
        }
        for (const xmlNode *m = c->children; m; m = m->next)
            if (is_el(m, "match"))
                load_match(L, &e->matches[e->n_matches++], m);
    }
    size_t kk = count_children(c, "mechanism");
    if (kk) {
        e->mechanisms = calloc(kk, sizeof(*e->mechanisms));
        if (!e->mechanisms) {
            L->nomem = true;
            return;
        }
        for (const xmlNode *m = c->children; m; m = m->next)
            if (is_el(m, "mechanism")) {
                xb_mechanism *mech = &e->mechanisms[e->n_mechanisms++];
                load_mechanism(L, mech, m);
                mech->holder = e;
            }
    }
}

static void load_exporters(xb_policy_loader *L, xb_policy *p, const xmlNode *root)
{
    const xmlNode *es = first_child(root, "exporters");
    size_t k = count_children(es, "exporter");
    if (k == 0)
        return;
    p->exporters = calloc(k, sizeof(*p->exporters));
    if (!p->exporters) {
        L->nomem = true;
        return;
    }
    for (const xmlNode *c = es->children; c; c = c->next)
        if (is_el(c, "exporter"))
            load_exporter(L, &p->exporters[p->n_exporters++], c);
}

static xb_policy *build(xb_policy_loader *L, const xmlNode *root)
{
    xb_policy *p = calloc(1, sizeof(*p));
    if (!p) {
        L->nomem = true;
        return NULL;
    }
    p->file = xb_policy_strdup(L->file);
    p->format_version = XB_POLICY_FORMAT_VERSION;
    p->version = attr(L, root, "version");
    const xmlNode *d = first_child(root, "description");
    if (d)
        p->description = text(L, d);
    load_options(L, p, root);
    const xmlNode *counting = first_child(root, "counting");
    if (counting) {
        char *file = attr(L, counting, "key-file");
        char *hex = attr(L, counting, "key-hex");
        xb_policy_load_key(L, p, file, hex, line_of(counting));
        free(file);
        free(hex);
    }
    load_scenarios(L, p, root);
    load_recipients(L, p, root);
    load_exporters(L, p, root);
    return p;
}

/* Put the diagnostics of this load in line order (stable), as a reader
 * goes through the file. */
static void sort_by_line(xb_diags *d, size_t from)
{
    for (size_t i = from + 1; i < d->n; i++) {
        xb_diag x = d->items[i];
        size_t j = i;
        while (j > from && d->items[j - 1].line > x.line) {
            d->items[j] = d->items[j - 1];
            j--;
        }
        d->items[j] = x;
    }
}

static xb_policy *load_memory(const char *data, size_t len, const char *file,
                              xb_diags *diags);

xb_policy *xb_policy_load_memory(const char *data, size_t len, const char *file,
                                 xb_diags *diags)
{
    size_t before = diags->n;
    xb_policy *p = load_memory(data, len, file, diags);
    sort_by_line(diags, before);
    return p;
}

static xb_policy *load_memory(const char *data, size_t len, const char *file,
                              xb_diags *diags)
{
    xb_policy_loader L = {.file = file ? file : "<policy>", .diags = diags};
    xmlInitParser();
    xmlDoc *doc = parse_xml(&L, data, len);
    if (!doc)
        goto fail;
    const xmlNode *root = xmlDocGetRootElement(doc);
    if (!root || !is_el(root, "policy") || root->ns) {
        xb_policy_diag(&L, root ? line_of(root) : 0,
                       "the root element must be <policy> (no namespace), found <%s>",
                       root ? (const char *)root->name : "nothing");
        xmlFreeDoc(doc);
        goto fail;
    }
    if (!validate_schema(&L, doc)) {
        xmlFreeDoc(doc);
        goto fail;
    }
    xb_policy *p = build(&L, root);
    xmlFreeDoc(doc);
    if (p && !L.nomem)
        xb_policy_validate(&L, p);
    if (L.nomem)
        xb_policy_diag(&L, 0, "out of memory while loading the policy");
    if (L.errors == 0 && p)
        return p;
    xb_policy_free(p);
    return NULL;
fail:
    if (L.nomem && L.errors == 0)
        xb_policy_diag(&L, 0, "out of memory while loading the policy");
    return NULL;
}

xb_policy *xb_policy_load(const char *path, xb_diags *diags)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        xb_diags_add(diags, path, 0, "cannot open policy file: %s", strerror(errno));
        return NULL;
    }
    size_t cap = 16384, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        if (cap >= (size_t)64 << 20) {
            free(buf);
            buf = NULL;
            fclose(f);
            xb_diags_add(diags, path, 0, "policy file larger than 64 MiB");
            return NULL;
        }
        char *nb = realloc(buf, cap * 2);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    bool err = ferror(f) != 0;
    fclose(f);
    if (!buf || err) {
        free(buf);
        xb_diags_add(diags, path, 0, "cannot read policy file");
        return NULL;
    }
    xb_policy *p = xb_policy_load_memory(buf, n, path, diags);
    free(buf);
    return p;
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void xb_policy_free(xb_policy *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_exporters; i++) {
        xb_exporter *e = &p->exporters[i];
        for (size_t j = 0; j < e->n_matches; j++)
            free(e->matches[j].value);
        free(e->matches);
        for (size_t j = 0; j < e->n_mechanisms; j++) {
            xb_mechanism *m = &e->mechanisms[j];
            free(m->id);
            free(m->ref);
            free_list(m->recipients, m->n_recipients);
            free_list(m->categories, m->n_categories);
            free_list(m->purposes, m->n_purposes);
        }
        free(e->mechanisms);
        free(e->id);
        free(e->name);
        free(e->uscc);
        free(e->ftz_zone);
        free(e->ftz_list_version);
        free(e->default_scenario);
        free(e->default_purpose);
        free_list(e->sectors, e->n_sectors);
    }
    free(p->exporters);
    for (size_t i = 0; i < p->n_recipients; i++) {
        xb_recipient *r = &p->recipients[i];
        free(r->id);
        free(r->name);
        free(r->country);
        free(r->contact);
        free(r->address);
    }
    free(p->recipients);
    for (size_t i = 0; i < p->n_scenarios; i++) {
        free(p->scenarios[i].id);
        free(p->scenarios[i].name_zh);
        free(p->scenarios[i].name_en);
    }
    free(p->scenarios);
    free(p->counting_key_file);
    free(p->file);
    free(p->version);
    free(p->description);
    /* the key is a secret: do not leave it in freed memory */
    volatile uint8_t *k = p->counting_key;
    for (size_t i = 0; i < sizeof(p->counting_key); i++)
        k[i] = 0;
    free(p);
}
