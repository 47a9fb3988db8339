/*
 * xb_catalog_check.c - the rules of meaning a catalog must satisfy beyond
 * its schema. They catch mistakes the XSD cannot express and that would
 * otherwise surface as silent misclassification at run time:
 *
 *   - detectors: a built-in name that does not exist, a PCRE2 pattern that
 *     does not compile (with its error offset) or that matches the empty
 *     string, an entry without any detector;
 *   - law: a threshold without a basis or on an entry whose route is none,
 *     an FTZ list without zone/list-version or with an entry that requires
 *     no route, a sensitive-switch on a non-PI entry or naming an undeclared
 *     switch, provenance official/notified on an entry marked unconfirmed or
 *     without a source citation;
 *   - identity: duplicate catalog ids and duplicate entry ids across every
 *     loaded file.
 *
 * Every rule reports file:line and returns how many problems it found.
 */
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "../detect/xb_detectors.h"
#include "xb_catalog_internal.h"

size_t xb_check_detector_name(const char *file, size_t line, const char *entry_id,
                              const char *name, xb_diags *diags)
{
    if (xb_builtin_detector_find(name))
        return 0;
    xb_diags_add(diags, file, line,
                 "entry %s: unknown built-in detector '%s' (see README.md, Rule catalog format "
                 "for the list)", entry_id, name);
    return 1;
}

size_t xb_check_pattern(const char *file, const char *entry_id,
                        const xb_pattern_spec *p, xb_diags *diags)
{
    if (!p->regex[0]) {
        xb_diags_add(diags, file, p->line, "entry %s: empty pattern", entry_id);
        return 1;
    }
    uint32_t opts = PCRE2_UTF | PCRE2_UCP;
    if (p->caseless)
        opts |= PCRE2_CASELESS;
    if (p->scope != XB_SCOPE_TEXT)
        opts |= PCRE2_ANCHORED | PCRE2_ENDANCHORED;
    int err = 0;
    PCRE2_SIZE off = 0;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)p->regex, PCRE2_ZERO_TERMINATED, opts,
                                     &err, &off, NULL);
    if (!code) {
        PCRE2_UCHAR msg[256];
        if (pcre2_get_error_message(err, msg, sizeof(msg)) < 0)
            strcpy((char *)msg, "unknown error");
        xb_diags_add(diags, file, p->line,
                     "entry %s: pattern /%s/ does not compile at offset %zu: %s",
                     entry_id, p->regex, (size_t)off, (const char *)msg);
        return 1;
    }
    size_t problems = 0;
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
    if (md) {
        int rc = pcre2_match(code, (PCRE2_SPTR) "", 0, 0, 0, md, NULL);
        if (rc >= 0) {
            xb_diags_add(diags, file, p->line,
                         "entry %s: pattern /%s/ matches the empty string", entry_id,
                         p->regex);
            problems++;
        }
        pcre2_match_data_free(md);
    }
    pcre2_code_free(code);
    return problems;
}

static bool switch_declared(const xb_catalog *c, const char *id)
{
    for (size_t i = 0; i < c->n_switches; i++)
        if (c->switches[i].id && !strcmp(c->switches[i].id, id))
            return true;
    return false;
}

static size_t n_detectors(const xb_entry *e)
{
    return e->n_validators + e->n_patterns + e->n_field_names + e->n_keywords +
           e->n_content_types + e->n_extensions + e->n_magics;
}

size_t xb_check_entry(const xb_catalog *c, const xb_entry *e, const xb_entry_facts *f,
                      xb_diags *diags)
{
    const char *file = c->file;
    size_t problems = 0;
    if (!f->has_name_zh || !f->has_name_en) {
        xb_diags_add(diags, file, e->line, "entry %s: needs a name in both zh and en",
                     e->id);
        problems++;
    }
    if (n_detectors(e) == 0) {
        xb_diags_add(diags, file, f->detectors_line ? f->detectors_line : e->line,
                     "entry %s: no detector (add a validator, pattern, field-names, "
                     "keywords, content-types, extensions or magic)", e->id);
        problems++;
    }
    if (f->has_threshold) {
        if (!f->threshold_has_basis) {
            xb_diags_add(diags, file, f->threshold_line,
                         "entry %s: threshold without basis (general, sensitive or any)",
                         e->id);
            problems++;
        }
        if (e->route == XB_ROUTE_NONE) {
            xb_diags_add(diags, file, f->threshold_line,
                         "entry %s: threshold on an entry whose route is none", e->id);
            problems++;
        }
        if (e->threshold == 0) {
            xb_diags_add(diags, file, f->threshold_line,
                         "entry %s: threshold of 0 individuals (omit the threshold instead)",
                         e->id);
            problems++;
        }
    }
    if (e->sensitive_switch) {
        if (!switch_declared(c, e->sensitive_switch)) {
            xb_diags_add(diags, file, e->line,
                         "entry %s: sensitive-switch '%s' is not declared in this catalog",
                         e->id, e->sensitive_switch);
            problems++;
        }
        if (e->level != XB_LEVEL_PI) {
            xb_diags_add(diags, file, e->line,
                         "entry %s: sensitive-switch only applies to level pi, not %s",
                         e->id, xb_level_name(e->level));
            problems++;
        }
    }
    if (e->provenance != XB_PROV_SELF_DEFINED && !f->confirmed) {
        xb_diags_add(diags, file, e->line,
                     "entry %s: marked confirmed=\"false\" but has provenance %s "
                     "(unverified entries must be self-defined)",
                     e->id, xb_provenance_name(e->provenance));
        problems++;
    }
    if (e->provenance != XB_PROV_SELF_DEFINED && !e->source) {
        xb_diags_add(diags, file, e->line,
                     "entry %s: provenance %s needs a <source> citation", e->id,
                     xb_provenance_name(e->provenance));
        problems++;
    }
    if (c->kind == XB_CATALOG_FTZ_NEGATIVE_LIST && e->route == XB_ROUTE_NONE) {
        xb_diags_add(diags, file, e->line,
                     "entry %s: an FTZ negative-list entry must name the route it requires",
                     e->id);
        problems++;
    }
    return problems;
}

size_t xb_check_catalog(const xb_catalog *c, const xb_catalog_facts *f, xb_diags *diags)
{
    size_t problems = 0;
    if (!f->has_title_zh || !f->has_title_en) {
        xb_diags_add(diags, c->file, f->root_line,
                     "catalog %s: needs a title in both zh and en", c->id);
        problems++;
    }
    bool ftz = c->kind == XB_CATALOG_FTZ_NEGATIVE_LIST;
    if (ftz && (!c->zone || !c->list_version)) {
        xb_diags_add(diags, c->file, f->root_line,
                     "catalog %s: an ftz-negative-list needs zone and list-version", c->id);
        problems++;
    }
    if (!ftz && (c->zone || c->list_version)) {
        xb_diags_add(diags, c->file, f->root_line,
                     "catalog %s: zone and list-version only apply to ftz-negative-list "
                     "catalogs", c->id);
        problems++;
    }
    return problems;
}

typedef struct id_ref {
    const char *id;
    const char *file;
    size_t line;
    size_t order; /* load order, so the later definition is reported */
} id_ref;

static int cmp_ref(const void *a, const void *b)
{
    const id_ref *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    if (c)
        return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

static size_t report_dups(id_ref *refs, size_t n, const char *what, xb_diags *diags)
{
    size_t problems = 0;
    qsort(refs, n, sizeof(*refs), cmp_ref);
    for (size_t i = 1; i < n; i++) {
        size_t first = i - 1;
        while (first > 0 && !strcmp(refs[first - 1].id, refs[i].id))
            first--;
        if (strcmp(refs[first].id, refs[i].id))
            continue;
        xb_diags_add(diags, refs[i].file, refs[i].line,
                     "duplicate %s id '%s' (first defined at %s:%zu)", what, refs[i].id,
                     refs[first].file, refs[first].line);
        problems++;
    }
    return problems;
}

size_t xb_check_set(const xb_catalog_set *set, const size_t *root_lines, xb_diags *diags)
{
    size_t problems = 0;
    id_ref *cats = calloc(set->n ? set->n : 1, sizeof(*cats));
    size_t n_entries = 0;
    for (size_t c = 0; c < set->n; c++)
        n_entries += set->catalogs[c]->n_entries;
    id_ref *ents = calloc(n_entries ? n_entries : 1, sizeof(*ents));
    if (!cats || !ents) {
        free(cats);
        free(ents);
        xb_diags_add(diags, "", 0, "out of memory while checking catalog ids");
        return 1;
    }
    size_t k = 0;
    for (size_t c = 0; c < set->n; c++) {
        const xb_catalog *cat = set->catalogs[c];
        cats[c] = (id_ref){cat->id, cat->file, root_lines ? root_lines[c] : 0, c};
        for (size_t i = 0; i < cat->n_entries; i++, k++)
            ents[k] = (id_ref){cat->entries[i].id, cat->file, cat->entries[i].line, k};
    }
    problems += report_dups(cats, set->n, "catalog", diags);
    problems += report_dups(ents, n_entries, "entry", diags);
    free(cats);
    free(ents);
    return problems;
}
