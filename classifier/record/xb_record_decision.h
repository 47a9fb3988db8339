/*
 * xb_record_decision.h - fill the decision part of a transfer record
 * (xb_record.h) from a policy decision (xb_decide.h).
 *
 * Why here: the gateway, the CLI and tests must describe a decision in a
 * record the same way. The summary of findings is taken from the
 * decision's DATA reasons (one per catalog entry and generalised field
 * path, with counts), so a record lists categories, counts and paths, and
 * never a value.
 */
#ifndef XB_RECORD_DECISION_H
#define XB_RECORD_DECISION_H

#include "../catalog/xb_catalog.h"
#include "../policy/xb_decide.h"
#include "xb_record.h"

/* Memory behind the arrays a filled record points to. */
typedef struct xb_record_parts {
    xb_record_category *categories;
    xb_record_reason *reasons;
    const char **paths;
} xb_record_parts;

/*
 * Set the parties (exporter, recipient, destination country, scenario),
 * the findings summary, counting, decision and policy version of r from d.
 * Pointers in r then refer to d, set and parts: keep them alive while r is
 * used, then xb_record_parts_free(parts). set may be NULL (levels are then
 * omitted).
 */
xb_status xb_record_set_decision(xb_transfer_record *r, const xb_decision *d,
                                 const xb_catalog_set *set, xb_record_parts *parts);

void xb_record_parts_free(xb_record_parts *parts);

#endif
