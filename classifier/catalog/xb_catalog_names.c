/*
 * xb_catalog_names.c - the stable spellings of levels, routes, provenances
 * and catalog kinds, in both directions. These strings appear in catalog
 * files, JSON output, transfer records and messages, so they never change.
 */
#include <string.h>

#include "xb_catalog.h"

static const char *const level_names[] = {
    [XB_LEVEL_GENERAL] = "general",
    [XB_LEVEL_PI] = "pi",
    [XB_LEVEL_SENSITIVE_PI] = "sensitive-pi",
    [XB_LEVEL_IMPORTANT] = "important",
    [XB_LEVEL_CORE] = "core",
};

static const char *const route_names[] = {
    [XB_ROUTE_NONE] = "none",
    [XB_ROUTE_SCC_OR_CERT] = "scc-or-cert",
    [XB_ROUTE_ASSESSMENT] = "assessment",
    [XB_ROUTE_PROHIBITED] = "prohibited",
};

static const char *const provenance_names[] = {
    [XB_PROV_OFFICIAL] = "official",
    [XB_PROV_NOTIFIED] = "notified",
    [XB_PROV_SELF_DEFINED] = "self-defined",
};

static const char *const kind_names[] = {
    [XB_CATALOG_NATIONAL_PI] = "national-pi",
    [XB_CATALOG_SENSITIVE_PI] = "sensitive-pi",
    [XB_CATALOG_SECTOR_IMPORTANT] = "sector-important",
    [XB_CATALOG_FTZ_NEGATIVE_LIST] = "ftz-negative-list",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *name_of(const char *const *names, size_t n, unsigned v)
{
    return v < n ? names[v] : "unknown";
}

static bool parse_in(const char *const *names, size_t n, const char *s, unsigned *out)
{
    if (!s)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(names[i], s)) {
            *out = (unsigned)i;
            return true;
        }
    return false;
}

const char *xb_level_name(xb_level l)
{
    return name_of(level_names, COUNT(level_names), (unsigned)l);
}

const char *xb_route_name(xb_route r)
{
    return name_of(route_names, COUNT(route_names), (unsigned)r);
}

const char *xb_provenance_name(xb_provenance p)
{
    return name_of(provenance_names, COUNT(provenance_names), (unsigned)p);
}

const char *xb_catalog_kind_name(xb_catalog_kind k)
{
    return name_of(kind_names, COUNT(kind_names), (unsigned)k);
}

bool xb_level_parse(const char *s, xb_level *out)
{
    unsigned v;
    if (!parse_in(level_names, COUNT(level_names), s, &v))
        return false;
    *out = (xb_level)v;
    return true;
}

bool xb_route_parse(const char *s, xb_route *out)
{
    unsigned v;
    if (!parse_in(route_names, COUNT(route_names), s, &v))
        return false;
    *out = (xb_route)v;
    return true;
}

bool xb_provenance_parse(const char *s, xb_provenance *out)
{
    unsigned v;
    if (!parse_in(provenance_names, COUNT(provenance_names), s, &v))
        return false;
    *out = (xb_provenance)v;
    return true;
}

bool xb_catalog_kind_parse(const char *s, xb_catalog_kind *out)
{
    unsigned v;
    if (!parse_in(kind_names, COUNT(kind_names), s, &v))
        return false;
    *out = (xb_catalog_kind)v;
    return true;
}
