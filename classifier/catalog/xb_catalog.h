/*
 * xb_catalog.h - the in-memory model of rule catalogs, and their loader.
 *
 * A catalog is one XML file (schema: rules/schema/catalog.xsd, documented in
 * README.md "Catalog format"). It holds entries; every entry is one data
 * category: what it is (names, level, sector, scenario), what the law says
 * about exporting it (route, threshold, article, provenance) and how to
 * recognise it (detectors), with embedded examples that must and must not
 * match.
 *
 * Loading validates against the XSD and then for meaning (unknown built-in
 * detector, PCRE2 compile error with the offset, duplicate ids across all
 * loaded catalogs, thresholds without a route, ...). Every problem becomes an
 * xb_diag with file and line, so a compliance officer sees exactly which line
 * to fix, and nginx can refuse a bad catalog at `nginx -t`.
 */
#ifndef XB_CATALOG_H
#define XB_CATALOG_H

#include "../core/xb_common.h"

/* Data level, GB/T 43697 grading plus the PI split used by the Provisions. */
typedef enum xb_level {
    XB_LEVEL_GENERAL = 0,
    XB_LEVEL_PI,
    XB_LEVEL_SENSITIVE_PI,
    XB_LEVEL_IMPORTANT,
    XB_LEVEL_CORE
} xb_level;

/* Route an export of this data requires. */
typedef enum xb_route {
    XB_ROUTE_NONE = 0,       /* no mechanism needed */
    XB_ROUTE_SCC_OR_CERT,    /* standard contract filing or certification */
    XB_ROUTE_ASSESSMENT,     /* CAC security assessment */
    XB_ROUTE_PROHIBITED      /* may not leave (localisation rules) */
} xb_route;

/* Where the entry comes from. Only official and notified important-data
 * entries trigger a security assessment by themselves (Provisions Art. 2). */
typedef enum xb_provenance {
    XB_PROV_OFFICIAL = 0,    /* published catalog, FTZ list, sector rule */
    XB_PROV_NOTIFIED,        /* notified to this processor by a regulator */
    XB_PROV_SELF_DEFINED     /* the processor's own identification */
} xb_provenance;

typedef enum xb_catalog_kind {
    XB_CATALOG_NATIONAL_PI = 0,   /* national PI (GB/T 35273 Annex A) */
    XB_CATALOG_SENSITIVE_PI,      /* national sensitive PI (Annex B) */
    XB_CATALOG_SECTOR_IMPORTANT,  /* sector important data */
    XB_CATALOG_FTZ_NEGATIVE_LIST  /* an FTZ's negative list, one version */
} xb_catalog_kind;

/* What an FTZ entry's threshold counts. */
typedef enum xb_threshold_basis {
    XB_THRESHOLD_NONE = 0,
    XB_THRESHOLD_GENERAL,    /* individuals whose (non-sensitive) PI left */
    XB_THRESHOLD_SENSITIVE,  /* individuals whose sensitive PI left */
    XB_THRESHOLD_ANY         /* either count */
} xb_threshold_basis;

/* Where a PCRE2 pattern is applied. */
typedef enum xb_pattern_scope {
    XB_SCOPE_TOKEN = 0, /* anchored, against each candidate token of a value */
    XB_SCOPE_VALUE,     /* anchored, against the whole (normalised) value */
    XB_SCOPE_TEXT       /* searched inside values of at least min length */
} xb_pattern_scope;

typedef struct xb_pattern_spec {
    char *regex;
    bool caseless;
    xb_pattern_scope scope;
    char *validator;      /* optional built-in validator run on the match */
    double confidence;    /* confidence of a match (default 0.8) */
    size_t line;
} xb_pattern_spec;

/* One embedded example: text that must (or must not) produce a finding of
 * this entry when scanned with the given content type. */
typedef struct xb_example {
    bool must_match;
    char *content_type;   /* default text/plain */
    char *text;
    size_t line;
} xb_example;

typedef struct xb_entry {
    char *id;             /* unique across all loaded catalogs, e.g. cn.pi.ric */
    char *name_zh;
    char *name_en;
    char *description;
    char *data_category;  /* grouping such as "identity", "financial" */
    char *sector;         /* e.g. "general", "automotive", "reinsurance" */
    char **scenarios;     /* scenario tags the entry applies to; none = all */
    size_t n_scenarios;
    xb_level level;
    /* When set, names a catalog switch; while the switch is on, the
     * effective level is sensitive PI (used for "identity numbers are
     * sensitive", GB/T 35273 vs the 2024 TC260 guide). */
    char *sensitive_switch;
    xb_route route;
    uint64_t threshold;   /* individuals; 0 = no threshold */
    xb_threshold_basis threshold_basis;
    char *article;        /* legal basis, e.g. "《促进和规范数据跨境流动规定》第七条" */
    xb_provenance provenance;
    char *source;         /* where the entry was taken from (citation) */

    /* Detectors (any mix). */
    char **validators;    /* built-in detector names, see xb_detectors.h */
    size_t n_validators;
    xb_pattern_spec *patterns;
    size_t n_patterns;
    char **field_names;   /* names of fields whose value is a candidate */
    size_t n_field_names;
    char **hotwords;      /* nearby words that raise confidence */
    size_t n_hotwords;
    double hotword_boost; /* default 0.15 */
    char **exclude_words; /* nearby words that lower confidence */
    size_t n_exclude_words;
    double exclude_penalty; /* default 0.4 */
    char **keywords;      /* free-text keywords that are findings by themselves */
    size_t n_keywords;
    char **content_types; /* media types that are this data (e.g. chemical/x-vcf) */
    size_t n_content_types;
    char **extensions;    /* file extensions (multipart filenames): pcd, las */
    size_t n_extensions;
    char **magics;        /* body prefixes: "##fileformat=VCF" */
    size_t n_magics;
    double min_confidence; /* default 0.5 */

    xb_example *examples;
    size_t n_examples;

    const struct xb_catalog *catalog; /* back pointer */
    size_t line;          /* line of <entry> in the catalog file */
} xb_entry;

/* A named boolean switch declared by a catalog. */
typedef struct xb_switch {
    char *id;
    bool value;
    char *description;
} xb_switch;

typedef struct xb_catalog {
    char *id;             /* e.g. cn-national-pi */
    char *version;        /* catalog version, e.g. 2026.1 */
    xb_catalog_kind kind;
    char *title_zh;
    char *title_en;
    char *zone;           /* FTZ id for negative lists (tianjin, beijing, ...) */
    char *list_version;   /* the official list version (2024, 2025) */
    char *file;           /* path it was loaded from */
    xb_switch *switches;
    size_t n_switches;
    xb_entry *entries;
    size_t n_entries;
} xb_catalog;

/* All catalogs the gateway or a CLI command works with. */
typedef struct xb_catalog_set {
    xb_catalog **catalogs;
    size_t n;
} xb_catalog_set;

/* One problem found while loading, tied to a file and line. */
typedef struct xb_diag {
    char *file;
    size_t line;
    char *message;
} xb_diag;

typedef struct xb_diags {
    xb_diag *items;
    size_t n;
    size_t cap;
} xb_diags;

void xb_diags_add(xb_diags *d, const char *file, size_t line,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void xb_diags_free(xb_diags *d);

/*
 * Load catalogs. Each path is a catalog file or a directory, whose *.xml
 * files are loaded in name order. Returns XB_OK when everything loaded
 * cleanly; otherwise an error and at least one diag. The set is only
 * returned on success.
 */
xb_status xb_catalog_set_load(const char *const *paths, size_t n_paths,
                              xb_catalog_set **out, xb_diags *diags);
void xb_catalog_set_free(xb_catalog_set *set);

/* Find an entry by id across the set (NULL when absent). */
const xb_entry *xb_catalog_set_find(const xb_catalog_set *set, const char *id);

/* Set a switch by id in every catalog that declares it. Returns false when
 * no catalog declares that switch. */
bool xb_catalog_set_switch(xb_catalog_set *set, const char *id, bool value);

/* Effective level of an entry, with its catalog's switches applied. */
xb_level xb_entry_level(const xb_entry *e);

/* Stable names used in files, JSON output and messages. */
const char *xb_level_name(xb_level l);          /* "general", "pi", "sensitive-pi", "important", "core" */
const char *xb_route_name(xb_route r);          /* "none", "scc-or-cert", "assessment", "prohibited" */
const char *xb_provenance_name(xb_provenance p);/* "official", "notified", "self-defined" */
const char *xb_catalog_kind_name(xb_catalog_kind k); /* "national-pi", "sensitive-pi", "sector-important", "ftz-negative-list" */
bool xb_level_parse(const char *s, xb_level *out);
bool xb_route_parse(const char *s, xb_route *out);
bool xb_provenance_parse(const char *s, xb_provenance *out);
bool xb_catalog_kind_parse(const char *s, xb_catalog_kind *out);

/* Version string of the whole set, for transfer records: "id@version,..." in
 * load order. The caller frees it. */
char *xb_catalog_set_version(const xb_catalog_set *set);

#endif
