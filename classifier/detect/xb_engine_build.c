/*
 * xb_engine_build.c - compile a catalog set into an xb_engine: index the
 * detectors, field names, keywords and content rules of every entry, and
 * compile + JIT every PCRE2 pattern once (at configuration time, so nginx
 * workers inherit the compiled code after fork).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "xb_engine_internal.h"

int xb_idx_push(xb_idx_list *l, uint32_t v)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i] == v)
            return 0;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 4;
        uint32_t *p = realloc(l->items, cap * sizeof(*p));
        if (!p)
            return -1;
        l->items = p;
        l->cap = cap;
    }
    l->items[l->n++] = v;
    return 0;
}

size_t xb_field_normalize(const char *in, size_t n, char *out, size_t out_size)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < out_size; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c == '_' || c == '-' || c == '.' || c == ' ')
            continue;
        out[o++] = (char)(c < 0x80 ? tolower(c) : c);
    }
    out[o] = '\0';
    return o;
}

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

static size_t pow2_at_least(size_t n)
{
    size_t c = 16;
    while (c < n)
        c *= 2;
    return c;
}

static int add_field_exact(xb_engine *e, const char *name, uint32_t entry)
{
    size_t n = strlen(name);
    size_t mask = e->fields_cap - 1;
    size_t i = (size_t)hash_bytes(name, n) & mask;
    while (e->fields[i].name && strcmp(e->fields[i].name, name))
        i = (i + 1) & mask;
    if (!e->fields[i].name && !(e->fields[i].name = strdup(name)))
        return -1;
    return xb_idx_push(&e->fields[i].entries, entry);
}

static int add_affix(xb_affix_rule **list, size_t *n, const char *text,
                     uint32_t entry)
{
    xb_affix_rule *p = realloc(*list, (*n + 1) * sizeof(*p));
    if (!p)
        return -1;
    *list = p;
    p[*n].text = strdup(text);
    if (!p[*n].text)
        return -1;
    p[*n].len = strlen(text);
    p[*n].entry = entry;
    (*n)++;
    return 0;
}

static int add_content(xb_content_rule **list, size_t *n, const char *text,
                       bool lower, uint32_t entry)
{
    xb_content_rule *p = realloc(*list, (*n + 1) * sizeof(*p));
    if (!p)
        return -1;
    *list = p;
    char *t = strdup(text);
    if (!t)
        return -1;
    if (lower)
        for (char *c = t; *c; c++)
            *c = (char)tolower((unsigned char)*c);
    p[*n].text = t;
    p[*n].len = strlen(t);
    p[*n].entry = entry;
    (*n)++;
    return 0;
}

/* Decode the first UTF-8 code point of s (lower-casing ASCII). */
static uint32_t first_cp(const char *s, size_t *len)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] < 0x80) {
        *len = 1;
        return (uint32_t)tolower(u[0]);
    }
    if (u[0] < 0xE0 && u[1]) {
        *len = 2;
        return ((uint32_t)(u[0] & 0x1F) << 6) | (u[1] & 0x3F);
    }
    if (u[0] < 0xF0 && u[1] && u[2]) {
        *len = 3;
        return ((uint32_t)(u[0] & 0x0F) << 12) | ((uint32_t)(u[1] & 0x3F) << 6) |
               (u[2] & 0x3F);
    }
    *len = 1;
    return u[0];
}

static int add_keyword(xb_engine *e, const char *word, uint32_t entry)
{
    xb_keyword *p = realloc(e->keywords, (e->n_keywords + 1) * sizeof(*p));
    if (!p)
        return -1;
    e->keywords = p;
    xb_keyword *k = &p[e->n_keywords];
    k->text = strdup(word);
    if (!k->text)
        return -1;
    k->ascii = true;
    for (char *c = k->text; *c; c++) {
        if ((unsigned char)*c >= 0x80)
            k->ascii = false;
        else
            *c = (char)tolower((unsigned char)*c);
    }
    k->len = strlen(k->text);
    size_t l;
    k->first_cp = first_cp(k->text, &l);
    k->entry = entry;
    e->kw_first[(unsigned char)k->text[0]] = 1;
    if (k->ascii)
        e->kw_first[(unsigned char)toupper((unsigned char)k->text[0])] = 1;
    if (k->ascii)
        e->kw_has_ascii = true;
    e->n_keywords++;
    return 0;
}

static int index_keywords(xb_engine *e)
{
    e->kw_cap = pow2_at_least(e->n_keywords * 2 + 1);
    e->kw_buckets = calloc(e->kw_cap, sizeof(*e->kw_buckets));
    if (!e->kw_buckets)
        return -1;
    for (size_t i = 0; i < e->n_keywords; i++) {
        uint32_t cp = e->keywords[i].first_cp;
        size_t j = (cp * 2654435761u) & (e->kw_cap - 1);
        while (e->kw_buckets[j].cp && e->kw_buckets[j].cp != cp)
            j = (j + 1) & (e->kw_cap - 1);
        e->kw_buckets[j].cp = cp;
        if (cp < 0x10000)
            e->kw_first_cp[cp >> 3] |= (uint8_t)(1u << (cp & 7));
        if (xb_idx_push(&e->kw_buckets[j].keywords, (uint32_t)i))
            return -1;
    }
    return 0;
}

static int compile_pattern(xb_engine *e, const xb_entry *en,
                           const xb_pattern_spec *ps, uint32_t entry,
                           xb_diags *diags)
{
    int err;
    PCRE2_SIZE off;
    uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF;
    if (ps->caseless)
        opts |= PCRE2_CASELESS;
    if (ps->scope != XB_SCOPE_TEXT)
        opts |= PCRE2_ANCHORED | PCRE2_ENDANCHORED;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)ps->regex, PCRE2_ZERO_TERMINATED,
                                     opts, &err, &off, NULL);
    if (!code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(err, msg, sizeof(msg));
        xb_diags_add(diags, en->catalog ? en->catalog->file : "?", ps->line,
                     "entry %s: pattern /%s/ does not compile at offset %zu: %s",
                     en->id, ps->regex, (size_t)off, (const char *)msg);
        return -1;
    }
    /* JIT is an optimisation: if it is unavailable the interpreter runs. */
    (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
    xb_rt_pattern *p = realloc(e->patterns, (e->n_patterns + 1) * sizeof(*p));
    if (!p) {
        pcre2_code_free(code);
        return -1;
    }
    e->patterns = p;
    xb_rt_pattern *rp = &p[e->n_patterns++];
    rp->code = code;
    rp->scope = ps->scope;
    rp->confidence = ps->confidence > 0 ? ps->confidence : 0.8;
    rp->entry = entry;
    rp->validator = -1;
    uint32_t minlen = 0;
    if (pcre2_pattern_info(code, PCRE2_INFO_MINLENGTH, &minlen) == 0)
        rp->min_length = minlen;
    xb_pattern_filter_init(&rp->filter, code, ps->scope != XB_SCOPE_TEXT,
                           ps->caseless || strstr(ps->regex, "(?") != NULL);
    /* A pattern whose confidence cannot reach the entry's threshold without
     * a field-name hint is only tried in named fields. */
    double min_conf = en->min_confidence > 0 ? en->min_confidence : 0.5;
    double boost = en->n_hotwords ? (en->hotword_boost > 0 ? en->hotword_boost : 0.15) : 0;
    rp->needs_hint = rp->confidence + boost + 1e-9 < min_conf;
    if (ps->validator) {
        const xb_builtin_detector *d = xb_builtin_detector_find(ps->validator);
        if (!d) {
            xb_diags_add(diags, en->catalog ? en->catalog->file : "?", ps->line,
                         "entry %s: unknown validator '%s'", en->id,
                         ps->validator);
            return -1;
        }
        rp->validator = (int)xb_detector_id(d);
    }
    if (ps->scope == XB_SCOPE_TOKEN)
        e->has_token_patterns = true;
    else if (ps->scope == XB_SCOPE_VALUE)
        e->has_value_patterns = true;
    else
        e->has_text_patterns = true;
    return 0;
}

static int index_entry(xb_engine *e, const xb_entry *en, uint32_t idx,
                       xb_diags *diags)
{
    const char *file = en->catalog ? en->catalog->file : "?";
    xb_rt_entry *rt = &e->entries[idx];
    rt->e = en;
    rt->level = xb_entry_level(en);
    rt->field_only = en->n_validators == 0 && en->n_patterns == 0;
    rt->min_conf = en->min_confidence > 0 ? en->min_confidence : 0.5;
    if (en->n_hotwords + en->n_exclude_words) {
        rt->word_len = malloc((en->n_hotwords + en->n_exclude_words) * sizeof(size_t));
        if (!rt->word_len)
            return -1;
        for (size_t i = 0; i < en->n_hotwords; i++)
            rt->word_len[i] = strlen(en->hotwords[i]);
        for (size_t i = 0; i < en->n_exclude_words; i++)
            rt->word_len[en->n_hotwords + i] = strlen(en->exclude_words[i]);
    }
    for (size_t i = 0; i < en->n_validators; i++) {
        const xb_builtin_detector *d = xb_builtin_detector_find(en->validators[i]);
        if (!d) {
            xb_diags_add(diags, file, en->line, "entry %s: unknown detector '%s'",
                         en->id, en->validators[i]);
            return -1;
        }
        if (xb_idx_push(&e->by_det[xb_detector_id(d)], idx))
            return -1;
    }
    for (size_t i = 0; i < en->n_patterns; i++)
        if (compile_pattern(e, en, &en->patterns[i], idx, diags))
            return -1;
    for (size_t i = 0; i < en->n_field_names; i++) {
        const char *raw = en->field_names[i];
        size_t n = strlen(raw);
        char norm[256];
        bool prefix = n > 1 && raw[n - 1] == '*';
        bool suffix = n > 1 && raw[0] == '*';
        const char *body = raw + (suffix ? 1 : 0);
        size_t body_len = n - (prefix ? 1 : 0) - (suffix ? 1 : 0);
        xb_field_normalize(body, body_len, norm, sizeof(norm));
        if (!norm[0])
            continue;
        int rc = prefix ? add_affix(&e->prefixes, &e->n_prefixes, norm, idx)
               : suffix ? add_affix(&e->suffixes, &e->n_suffixes, norm, idx)
                        : add_field_exact(e, norm, idx);
        if (rc)
            return -1;
    }
    for (size_t i = 0; i < en->n_keywords; i++)
        if (en->keywords[i][0] && add_keyword(e, en->keywords[i], idx))
            return -1;
    for (size_t i = 0; i < en->n_content_types; i++)
        if (add_content(&e->ctypes, &e->n_ctypes, en->content_types[i], true, idx))
            return -1;
    for (size_t i = 0; i < en->n_extensions; i++) {
        const char *x = en->extensions[i];
        if (add_content(&e->exts, &e->n_exts, x[0] == '.' ? x + 1 : x, true, idx))
            return -1;
    }
    for (size_t i = 0; i < en->n_magics; i++) {
        if (add_content(&e->magics, &e->n_magics, en->magics[i], false, idx))
            return -1;
        size_t l = strlen(en->magics[i]);
        if (l > e->max_magic)
            e->max_magic = l;
    }
    return 0;
}

/* Patterns grouped by scope, catalog order kept within a scope, so that
 * each scan loops over its own patterns only: scope_start[s] ..
 * scope_start[s + 1]. */
static void group_patterns_by_scope(xb_engine *e)
{
    size_t k = 0;
    for (int scope = XB_SCOPE_TOKEN; scope <= XB_SCOPE_TEXT; scope++) {
        e->scope_start[scope] = k;
        for (size_t i = k; i < e->n_patterns; i++)
            if (e->patterns[i].scope == (xb_pattern_scope)scope) {
                xb_rt_pattern p = e->patterns[i];
                memmove(&e->patterns[k + 1], &e->patterns[k], (i - k) * sizeof(p));
                e->patterns[k++] = p;
            }
    }
    e->scope_start[XB_SCOPE_TEXT + 1] = k;
}

xb_engine *xb_engine_build(const xb_catalog_set *set,
                           const xb_engine_options *opts, xb_diags *diags)
{
    (void)opts;
    xb_engine *e = calloc(1, sizeof(*e));
    if (!e)
        return NULL;
    e->set = set;
    size_t total = 0, field_names = 0;
    for (size_t c = 0; c < set->n; c++) {
        total += set->catalogs[c]->n_entries;
        for (size_t i = 0; i < set->catalogs[c]->n_entries; i++)
            field_names += set->catalogs[c]->entries[i].n_field_names;
    }
    e->entries = calloc(total ? total : 1, sizeof(*e->entries));
    e->fields_cap = pow2_at_least(field_names * 2 + 1);
    e->fields = calloc(e->fields_cap, sizeof(*e->fields));
    if (!e->entries || !e->fields)
        goto fail;
    uint32_t idx = 0;
    int bad = 0;
    for (size_t c = 0; c < set->n; c++)
        for (size_t i = 0; i < set->catalogs[c]->n_entries; i++, idx++)
            if (index_entry(e, &set->catalogs[c]->entries[i], idx, diags))
                bad = 1;
    e->n_entries = idx;
    if (bad || index_keywords(e))
        goto fail;
    group_patterns_by_scope(e);
    return e;
fail:
    if (diags && diags->n == 0)
        xb_diags_add(diags, "", 0, "out of memory while building the engine");
    xb_engine_free(e);
    return NULL;
}

static void free_rules(xb_content_rule *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(r[i].text);
    free(r);
}

void xb_engine_free(xb_engine *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < XB_D_COUNT; i++)
        free(e->by_det[i].items);
    if (e->entries)
        for (size_t i = 0; i < e->n_entries; i++)
            free(e->entries[i].word_len);
    for (size_t i = 0; i < e->n_patterns; i++)
        pcre2_code_free(e->patterns[i].code);
    free(e->patterns);
    if (e->fields)
        for (size_t i = 0; i < e->fields_cap; i++) {
            free(e->fields[i].name);
            free(e->fields[i].entries.items);
        }
    free(e->fields);
    for (size_t i = 0; i < e->n_prefixes; i++)
        free(e->prefixes[i].text);
    free(e->prefixes);
    for (size_t i = 0; i < e->n_suffixes; i++)
        free(e->suffixes[i].text);
    free(e->suffixes);
    for (size_t i = 0; i < e->n_keywords; i++)
        free(e->keywords[i].text);
    free(e->keywords);
    if (e->kw_buckets)
        for (size_t i = 0; i < e->kw_cap; i++)
            free(e->kw_buckets[i].keywords.items);
    free(e->kw_buckets);
    free_rules(e->ctypes, e->n_ctypes);
    free_rules(e->exts, e->n_exts);
    free_rules(e->magics, e->n_magics);
    free(e->entries);
    free(e);
}

const xb_catalog_set *xb_engine_catalogs(const xb_engine *e)
{
    return e->set;
}
