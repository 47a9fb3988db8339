/*
 * rp_ftz.c - which free-trade zones ask for a report after an export.
 *
 * Shanghai: processors registered in the FTZ that export under its negative
 * list report to the local data cross-border service centre within 15
 * business days after the export, whether the export needed a mechanism or
 * was exempt (regulation.md §2.1 and §6.4, source [S22c]). Zone ids are the
 * catalogs' (`shanghai`, and sub-zones written `shanghai-<sub>` or
 * `shanghai/<sub>`, e.g. Lingang). The other published lists (Tianjin,
 * Beijing, ...) ask for a filing before using the list, not for a report
 * after each export, so they have no deadline here.
 */
#include <string.h>
#include <strings.h>

#include "rp_report.h"

static const rp_ftz_rule rules[] = {
    {"shanghai", 15, "Shanghai data cross-border service centre (数据跨境服务中心)",
     "Shanghai FTZ negative list: report within 15 business days after the export "
     "(regulation.md §2.1)"},
};

const rp_ftz_rule *rp_ftz_rule_for(const char *zone)
{
    if (!zone || !*zone)
        return NULL;
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
        size_t n = strlen(rules[i].zone_prefix);
        if (!strncasecmp(zone, rules[i].zone_prefix, n) &&
            (zone[n] == '\0' || zone[n] == '-' || zone[n] == '/' || zone[n] == '.' ||
             zone[n] == ':'))
            return &rules[i];
    }
    return NULL;
}
