/*
 * xb_catalog_internal.h - private interfaces between the parts of the
 * catalog loader (classifier/catalog only):
 *
 *   xb_catalog_xml.c    read a file into a libxml2 tree, validate it against
 *                       the compiled-in XSD, report errors with file:line
 *   xb_catalog_build.c  turn a validated tree into an xb_catalog
 *   xb_catalog_check.c  the rules of meaning (detectors exist, patterns
 *                       compile, thresholds make sense, ids are unique ...)
 *   xb_catalog_load.c   files and directories -> xb_catalog_set
 *   xb_catalog_set.c    lookups, switches, effective levels, freeing
 *   xb_catalog_names.c  stable names of levels, routes, provenances, kinds
 *   xb_diags.c          the diagnostics list
 */
#ifndef XB_CATALOG_INTERNAL_H
#define XB_CATALOG_INTERNAL_H

#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include "xb_catalog.h"

/* ---- xb_catalog_xml.c ---- */

/* Compile the built-in catalog schema (rules/schema/catalog.xsd, linked in
 * as xb_catalog_xsd[]). Returns NULL with a diag on failure. */
xmlSchemaPtr xb_catalog_schema_new(xb_diags *diags);
void xb_catalog_schema_free(xmlSchemaPtr schema);

/* Read and validate one catalog file. Well-formedness errors, a DOCTYPE
 * (refused: catalogs need no DTD and entities are an attack surface) and
 * every schema violation become diags. Returns the document only when it is
 * well-formed and valid. */
xmlDocPtr xb_catalog_read(const char *path, xmlSchemaPtr schema, xb_diags *diags);

/* ---- xb_catalog_build.c ---- */

/* Build a catalog from a schema-valid document, running the checks of
 * xb_catalog_check.c on every element with its line. Returns NULL when any
 * problem was found (diags say which). */
xb_catalog *xb_catalog_build(xmlDocPtr doc, const char *path, xb_diags *diags);

/* ---- xb_catalog_check.c ---- */

/* Facts about an entry that the model does not keep but the checks need. */
typedef struct xb_entry_facts {
    bool confirmed;          /* confirmed="false" marks an unverified entry */
    bool has_threshold;
    bool threshold_has_basis;
    size_t threshold_line;
    size_t detectors_line;
    bool has_name_zh, has_name_en;
} xb_entry_facts;

typedef struct xb_catalog_facts {
    size_t root_line;
    bool has_title_zh, has_title_en;
} xb_catalog_facts;

/* Each check adds diags and returns the number of problems it found. */
size_t xb_check_catalog(const xb_catalog *c, const xb_catalog_facts *f,
                        xb_diags *diags);
size_t xb_check_entry(const xb_catalog *c, const xb_entry *e,
                      const xb_entry_facts *f, xb_diags *diags);
size_t xb_check_detector_name(const char *file, size_t line, const char *entry_id,
                              const char *name, xb_diags *diags);
size_t xb_check_pattern(const char *file, const char *entry_id,
                        const xb_pattern_spec *p, xb_diags *diags);
/* Duplicate catalog ids and entry ids across all loaded catalogs. */
size_t xb_check_set(const xb_catalog_set *set, const size_t *root_lines,
                    xb_diags *diags);

/* ---- xb_catalog_set.c ---- */

void xb_catalog_free(xb_catalog *c);

#endif
