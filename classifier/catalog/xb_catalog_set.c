/*
 * xb_catalog_set.c - working with a loaded catalog set: find an entry,
 * flip a switch, compute an entry's effective level, describe the set's
 * version for transfer records, and free everything.
 *
 * A set is immutable once an engine has been built from it, except for
 * switches, which must be set before xb_engine_build (the engine caches the
 * effective levels).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xb_catalog_internal.h"

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void entry_free(xb_entry *e)
{
    free(e->id);
    free(e->name_zh);
    free(e->name_en);
    free(e->description);
    free(e->data_category);
    free(e->sector);
    free_strv(e->scenarios, e->n_scenarios);
    free(e->sensitive_switch);
    free(e->article);
    free(e->source);
    free_strv(e->validators, e->n_validators);
    for (size_t i = 0; i < e->n_patterns; i++) {
        free(e->patterns[i].regex);
        free(e->patterns[i].validator);
    }
    free(e->patterns);
    free_strv(e->field_names, e->n_field_names);
    free_strv(e->hotwords, e->n_hotwords);
    free_strv(e->exclude_words, e->n_exclude_words);
    free_strv(e->keywords, e->n_keywords);
    free_strv(e->content_types, e->n_content_types);
    free_strv(e->extensions, e->n_extensions);
    free_strv(e->magics, e->n_magics);
    for (size_t i = 0; i < e->n_examples; i++) {
        free(e->examples[i].content_type);
        free(e->examples[i].text);
    }
    free(e->examples);
}

void xb_catalog_free(xb_catalog *c)
{
    if (!c)
        return;
    free(c->id);
    free(c->version);
    free(c->title_zh);
    free(c->title_en);
    free(c->zone);
    free(c->list_version);
    free(c->file);
    for (size_t i = 0; i < c->n_switches; i++) {
        free(c->switches[i].id);
        free(c->switches[i].description);
    }
    free(c->switches);
    for (size_t i = 0; i < c->n_entries; i++)
        entry_free(&c->entries[i]);
    free(c->entries);
    free(c);
}

void xb_catalog_set_free(xb_catalog_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->n; i++)
        xb_catalog_free(set->catalogs[i]);
    free(set->catalogs);
    free(set);
}

const xb_entry *xb_catalog_set_find(const xb_catalog_set *set, const char *id)
{
    if (!set || !id)
        return NULL;
    for (size_t c = 0; c < set->n; c++)
        for (size_t i = 0; i < set->catalogs[c]->n_entries; i++)
            if (!strcmp(set->catalogs[c]->entries[i].id, id))
                return &set->catalogs[c]->entries[i];
    return NULL;
}

bool xb_catalog_set_switch(xb_catalog_set *set, const char *id, bool value)
{
    bool found = false;
    if (!set || !id)
        return false;
    for (size_t c = 0; c < set->n; c++)
        for (size_t i = 0; i < set->catalogs[c]->n_switches; i++)
            if (!strcmp(set->catalogs[c]->switches[i].id, id)) {
                set->catalogs[c]->switches[i].value = value;
                found = true;
            }
    return found;
}

xb_level xb_entry_level(const xb_entry *e)
{
    if (e->level != XB_LEVEL_PI || !e->sensitive_switch || !e->catalog)
        return e->level;
    const xb_catalog *c = e->catalog;
    for (size_t i = 0; i < c->n_switches; i++)
        if (!strcmp(c->switches[i].id, e->sensitive_switch))
            return c->switches[i].value ? XB_LEVEL_SENSITIVE_PI : XB_LEVEL_PI;
    return e->level;
}

char *xb_catalog_set_version(const xb_catalog_set *set)
{
    size_t len = 1;
    if (set)
        for (size_t c = 0; c < set->n; c++)
            len += strlen(set->catalogs[c]->id) + strlen(set->catalogs[c]->version) + 2;
    char *out = malloc(len);
    if (!out)
        return NULL;
    size_t o = 0;
    out[0] = '\0';
    if (set)
        for (size_t c = 0; c < set->n; c++) {
            int k = snprintf(out + o, len - o, "%s%s@%s", c ? "," : "",
                             set->catalogs[c]->id, set->catalogs[c]->version);
            if (k < 0)
                break;
            o += (size_t)k;
        }
    return out;
}
