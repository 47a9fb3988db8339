/*
 * xb_catalog_build.c - turn a schema-valid catalog document into the
 * in-memory model of xb_catalog.h.
 *
 * The schema has already guaranteed structure and value syntax (enums,
 * numbers in range, required elements), so this file only copies values,
 * applies the documented defaults, and hands each element, with its line,
 * to the rules of meaning in xb_catalog_check.c. Text is trimmed of leading
 * and trailing white space (regexes included: write \x20 for a significant
 * space at either end).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "xb_catalog_internal.h"

typedef struct build_ctx {
    const char *file;
    xb_diags *diags;
    size_t problems;
    bool nomem;
} build_ctx;

/* ------------------------------------------------------------ helpers */

static bool is_el(xmlNodePtr n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static size_t line_of(xmlNodePtr n)
{
    long l = xmlGetLineNo(n);
    return l > 0 ? (size_t)l : 0;
}

static char *trim_dup(build_ctx *b, const char *s)
{
    if (!s)
        return NULL;
    while (*s && isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    char *out = strndup(s, n);
    if (!out)
        b->nomem = true;
    return out;
}

/* Trimmed text content of an element (entities and CDATA resolved). */
static char *text_of(build_ctx *b, xmlNodePtr n)
{
    xmlChar *c = xmlNodeGetContent(n);
    if (!c) {
        char *e = strdup("");
        if (!e)
            b->nomem = true;
        return e;
    }
    char *out = trim_dup(b, (const char *)c);
    xmlFree(c);
    return out;
}

/* Attribute value (trimmed), or NULL when absent. */
static char *attr_of(build_ctx *b, xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *out = trim_dup(b, (const char *)v);
    xmlFree(v);
    return out;
}

static bool attr_bool(build_ctx *b, xmlNodePtr n, const char *name, bool dflt)
{
    char *v = attr_of(b, n, name);
    if (!v)
        return dflt;
    bool r = !strcmp(v, "true") || !strcmp(v, "1");
    free(v);
    return r;
}

static double attr_double(build_ctx *b, xmlNodePtr n, const char *name, double dflt)
{
    char *v = attr_of(b, n, name);
    if (!v)
        return dflt;
    double r = strtod(v, NULL);
    free(v);
    return r;
}

static int strv_push(build_ctx *b, char ***v, size_t *n, char *s)
{
    if (!s)
        return -1;
    char **p = realloc(*v, (*n + 1) * sizeof(*p));
    if (!p) {
        free(s);
        b->nomem = true;
        return -1;
    }
    *v = p;
    p[(*n)++] = s;
    return 0;
}

/* Append the trimmed text of every <child> of list to v. */
static void collect(build_ctx *b, xmlNodePtr list, const char *child, char ***v,
                    size_t *n)
{
    for (xmlNodePtr x = list->children; x; x = x->next)
        if (is_el(x, child))
            strv_push(b, v, n, text_of(b, x));
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decode a hex magic prefix ("1f8b08", spaces allowed). Returns NULL with
 * a diag when the text is not an even number of hex digits or holds a NUL
 * byte (prefixes are stored as C strings). */
static char *decode_hex(build_ctx *b, const char *text, size_t line,
                        const char *entry_id)
{
    size_t n = strlen(text);
    char *out = malloc(n / 2 + 1);
    if (!out) {
        b->nomem = true;
        return NULL;
    }
    size_t o = 0;
    int hi = -1;
    for (size_t i = 0; i < n; i++) {
        if (isspace((unsigned char)text[i]))
            continue;
        int v = hexval((unsigned char)text[i]);
        if (v < 0) {
            xb_diags_add(b->diags, b->file, line,
                         "entry %s: magic prefix '%s' is not hexadecimal", entry_id, text);
            b->problems++;
            free(out);
            return NULL;
        }
        if (hi < 0) {
            hi = v;
            continue;
        }
        int byte = hi * 16 + v;
        hi = -1;
        if (byte == 0) {
            xb_diags_add(b->diags, b->file, line,
                         "entry %s: magic prefix '%s' contains a NUL byte, which cannot be matched",
                         entry_id, text);
            b->problems++;
            free(out);
            return NULL;
        }
        out[o++] = (char)byte;
    }
    if (hi >= 0 || o == 0) {
        xb_diags_add(b->diags, b->file, line,
                     "entry %s: magic prefix '%s' needs an even, non-zero number of hex digits",
                     entry_id, text);
        b->problems++;
        free(out);
        return NULL;
    }
    out[o] = '\0';
    return out;
}

/* ---------------------------------------------------------- detectors */

static void build_pattern(build_ctx *b, xb_entry *e, xmlNodePtr x)
{
    xb_pattern_spec *p = realloc(e->patterns, (e->n_patterns + 1) * sizeof(*p));
    if (!p) {
        b->nomem = true;
        return;
    }
    e->patterns = p;
    xb_pattern_spec *ps = &p[e->n_patterns++];
    memset(ps, 0, sizeof(*ps));
    ps->line = line_of(x);
    ps->regex = text_of(b, x);
    ps->caseless = attr_bool(b, x, "caseless", false);
    char *scope = attr_of(b, x, "scope");
    ps->scope = !scope || !strcmp(scope, "token") ? XB_SCOPE_TOKEN
              : !strcmp(scope, "value")           ? XB_SCOPE_VALUE
                                                  : XB_SCOPE_TEXT;
    free(scope);
    ps->validator = attr_of(b, x, "validator");
    ps->confidence = attr_double(b, x, "confidence", 0.8);
    if (!ps->regex)
        return;
    if (ps->validator)
        b->problems += xb_check_detector_name(b->file, ps->line, e->id, ps->validator,
                                              b->diags);
    b->problems += xb_check_pattern(b->file, e->id, ps, b->diags);
}

static void build_detectors(build_ctx *b, xb_entry *e, xmlNodePtr d)
{
    e->min_confidence = attr_double(b, d, "min-confidence", 0.5);
    e->hotword_boost = 0.15;
    e->exclude_penalty = 0.4;
    for (xmlNodePtr x = d->children; x; x = x->next) {
        if (x->type != XML_ELEMENT_NODE)
            continue;
        if (is_el(x, "validator")) {
            char *name = attr_of(b, x, "name");
            if (name)
                b->problems += xb_check_detector_name(b->file, line_of(x), e->id, name,
                                                      b->diags);
            strv_push(b, &e->validators, &e->n_validators, name);
        } else if (is_el(x, "pattern")) {
            build_pattern(b, e, x);
        } else if (is_el(x, "field-names")) {
            size_t first = e->n_field_names;
            collect(b, x, "name", &e->field_names, &e->n_field_names);
            size_t k = first;
            for (xmlNodePtr y = x->children; y; y = y->next)
                if (is_el(y, "name") && k < e->n_field_names) {
                    const char *f = e->field_names[k++];
                    size_t n = strlen(f);
                    bool meaningful = false;
                    for (size_t i = 0; i < n && !meaningful; i++)
                        meaningful = !strchr("*_-. \t", f[i]);
                    if (!meaningful) {
                        xb_diags_add(b->diags, b->file, line_of(y),
                                     "entry %s: field name '%s' is empty after normalisation",
                                     e->id, f);
                        b->problems++;
                    }
                }
        } else if (is_el(x, "hotwords")) {
            e->hotword_boost = attr_double(b, x, "boost", 0.15);
            collect(b, x, "word", &e->hotwords, &e->n_hotwords);
        } else if (is_el(x, "exclude-words")) {
            e->exclude_penalty = attr_double(b, x, "penalty", 0.4);
            collect(b, x, "word", &e->exclude_words, &e->n_exclude_words);
        } else if (is_el(x, "keywords")) {
            collect(b, x, "word", &e->keywords, &e->n_keywords);
        } else if (is_el(x, "content-types")) {
            collect(b, x, "type", &e->content_types, &e->n_content_types);
        } else if (is_el(x, "extensions")) {
            collect(b, x, "extension", &e->extensions, &e->n_extensions);
        } else if (is_el(x, "magic")) {
            for (xmlNodePtr y = x->children; y; y = y->next) {
                if (!is_el(y, "prefix"))
                    continue;
                char *enc = attr_of(b, y, "encoding");
                bool hex = enc && !strcmp(enc, "hex");
                free(enc);
                char *t = text_of(b, y);
                if (t && hex) {
                    char *raw = decode_hex(b, t, line_of(y), e->id);
                    free(t);
                    if (!raw)
                        continue;
                    t = raw;
                }
                strv_push(b, &e->magics, &e->n_magics, t);
            }
        }
    }
}

static void build_examples(build_ctx *b, xb_entry *e, xmlNodePtr list)
{
    for (xmlNodePtr x = list->children; x; x = x->next) {
        bool match = is_el(x, "match");
        if (!match && !is_el(x, "no-match"))
            continue;
        xb_example *p = realloc(e->examples, (e->n_examples + 1) * sizeof(*p));
        if (!p) {
            b->nomem = true;
            return;
        }
        e->examples = p;
        xb_example *ex = &p[e->n_examples++];
        memset(ex, 0, sizeof(*ex));
        ex->must_match = match;
        ex->line = line_of(x);
        ex->text = text_of(b, x);
        ex->content_type = attr_of(b, x, "content-type");
        if (!ex->content_type && !(ex->content_type = strdup("text/plain")))
            b->nomem = true;
        if (ex->text && !ex->text[0]) {
            xb_diags_add(b->diags, b->file, ex->line, "entry %s: %s example has no text",
                         e->id, match ? "match" : "no-match");
            b->problems++;
        }
    }
}

/* -------------------------------------------------------------- entry */

static void build_entry(build_ctx *b, xb_catalog *c, xb_entry *e, xmlNodePtr n)
{
    xb_entry_facts f;
    memset(&f, 0, sizeof(f));
    e->line = line_of(n);
    e->id = attr_of(b, n, "id");
    char *v = attr_of(b, n, "level");
    if (!v || !xb_level_parse(v, &e->level))
        e->level = XB_LEVEL_GENERAL;
    free(v);
    v = attr_of(b, n, "route");
    if (!v || !xb_route_parse(v, &e->route))
        e->route = XB_ROUTE_NONE;
    free(v);
    v = attr_of(b, n, "provenance");
    if (!v || !xb_provenance_parse(v, &e->provenance))
        e->provenance = XB_PROV_SELF_DEFINED;
    free(v);
    e->sensitive_switch = attr_of(b, n, "sensitive-switch");
    f.confirmed = attr_bool(b, n, "confirmed", true);
    if (!e->id)
        return;

    for (xmlNodePtr x = n->children; x; x = x->next) {
        if (x->type != XML_ELEMENT_NODE)
            continue;
        if (is_el(x, "name")) {
            char *lang = attr_of(b, x, "lang");
            bool zh = lang && !strcmp(lang, "zh");
            free(lang);
            char **slot = zh ? &e->name_zh : &e->name_en;
            bool *seen = zh ? &f.has_name_zh : &f.has_name_en;
            if (*seen) {
                xb_diags_add(b->diags, b->file, line_of(x), "entry %s: two %s names",
                             e->id, zh ? "zh" : "en");
                b->problems++;
                continue;
            }
            *seen = true;
            *slot = text_of(b, x);
        } else if (is_el(x, "description")) {
            e->description = text_of(b, x);
        } else if (is_el(x, "data-category")) {
            e->data_category = text_of(b, x);
        } else if (is_el(x, "sector")) {
            e->sector = text_of(b, x);
        } else if (is_el(x, "scenario")) {
            strv_push(b, &e->scenarios, &e->n_scenarios, text_of(b, x));
        } else if (is_el(x, "threshold")) {
            f.has_threshold = true;
            f.threshold_line = line_of(x);
            char *ind = attr_of(b, x, "individuals");
            e->threshold = ind ? strtoull(ind, NULL, 10) : 0;
            free(ind);
            char *basis = attr_of(b, x, "basis");
            f.threshold_has_basis = basis != NULL;
            e->threshold_basis = !basis                      ? XB_THRESHOLD_NONE
                               : !strcmp(basis, "general")   ? XB_THRESHOLD_GENERAL
                               : !strcmp(basis, "sensitive") ? XB_THRESHOLD_SENSITIVE
                                                             : XB_THRESHOLD_ANY;
            free(basis);
        } else if (is_el(x, "article")) {
            e->article = text_of(b, x);
        } else if (is_el(x, "source")) {
            e->source = text_of(b, x);
        } else if (is_el(x, "detectors")) {
            f.detectors_line = line_of(x);
            build_detectors(b, e, x);
        } else if (is_el(x, "examples")) {
            build_examples(b, e, x);
        }
    }
    if (!b->nomem)
        b->problems += xb_check_entry(c, e, &f, b->diags);
}

/* ------------------------------------------------------------ catalog */

static void build_switch(build_ctx *b, xb_catalog *c, xmlNodePtr n)
{
    xb_switch *p = realloc(c->switches, (c->n_switches + 1) * sizeof(*p));
    if (!p) {
        b->nomem = true;
        return;
    }
    c->switches = p;
    xb_switch *s = &p[c->n_switches++];
    memset(s, 0, sizeof(*s));
    s->id = attr_of(b, n, "id");
    char *d = attr_of(b, n, "default");
    s->value = d && !strcmp(d, "on");
    free(d);
    for (xmlNodePtr x = n->children; x; x = x->next)
        if (is_el(x, "description"))
            s->description = text_of(b, x);
    if (!s->id)
        return;
    for (size_t i = 0; i + 1 < c->n_switches; i++)
        if (c->switches[i].id && !strcmp(c->switches[i].id, s->id)) {
            xb_diags_add(b->diags, b->file, line_of(n), "switch '%s' is declared twice",
                         s->id);
            b->problems++;
        }
}

xb_catalog *xb_catalog_build(xmlDocPtr doc, const char *path, xb_diags *diags)
{
    build_ctx b = {path, diags, 0, false};
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!is_el(root, "catalog")) {
        xb_diags_add(diags, path, root ? line_of(root) : 0,
                     "the root element must be <catalog>");
        return NULL;
    }
    xb_catalog *c = calloc(1, sizeof(*c));
    if (!c) {
        xb_diags_add(diags, path, 0, "out of memory");
        return NULL;
    }
    xb_catalog_facts cf;
    memset(&cf, 0, sizeof(cf));
    cf.root_line = line_of(root);
    c->file = strdup(path);
    c->id = attr_of(&b, root, "id");
    c->version = attr_of(&b, root, "version");
    char *kind = attr_of(&b, root, "kind");
    if (!kind || !xb_catalog_kind_parse(kind, &c->kind))
        c->kind = XB_CATALOG_NATIONAL_PI;
    free(kind);
    c->zone = attr_of(&b, root, "zone");
    c->list_version = attr_of(&b, root, "list-version");
    if (!c->file || !c->id || !c->version)
        b.nomem = true;

    size_t n_entries = 0;
    for (xmlNodePtr x = root->children; x; x = x->next)
        n_entries += is_el(x, "entry");
    c->entries = calloc(n_entries ? n_entries : 1, sizeof(*c->entries));
    if (!c->entries)
        b.nomem = true;

    for (xmlNodePtr x = root->children; x && !b.nomem; x = x->next) {
        if (is_el(x, "title")) {
            char *lang = attr_of(&b, x, "lang");
            bool zh = lang && !strcmp(lang, "zh");
            free(lang);
            bool *seen = zh ? &cf.has_title_zh : &cf.has_title_en;
            if (*seen) {
                xb_diags_add(diags, path, line_of(x), "two %s titles", zh ? "zh" : "en");
                b.problems++;
                continue;
            }
            *seen = true;
            if (zh)
                c->title_zh = text_of(&b, x);
            else
                c->title_en = text_of(&b, x);
        } else if (is_el(x, "switch")) {
            build_switch(&b, c, x);
        } else if (is_el(x, "entry")) {
            xb_entry *e = &c->entries[c->n_entries++];
            e->catalog = c;
            build_entry(&b, c, e, x);
        }
    }
    if (!b.nomem)
        b.problems += xb_check_catalog(c, &cf, diags);
    if (b.nomem)
        xb_diags_add(diags, path, 0, "out of memory while loading the catalog");
    if (b.nomem || b.problems) {
        xb_catalog_free(c);
        return NULL;
    }
    return c;
}
