/*
 * rp_thresholds.c - year-to-date individuals against the thresholds of the
 * Provisions (regulation.md §1.2, §1.3, §1.6) and the route the volume now
 * requires, for the report's gauges.
 *
 * The volume rows of the decision table, top-down (the same limits as the
 * gateway's xb_decide, rules R7-R10):
 *   R7  CIIO and any PI                          -> security assessment
 *   R8  general >= 1,000,000 or sensitive >= 10,000 -> security assessment
 *   R9  general >= 100,000 or sensitive >= 1     -> SCC filing or certification
 *   R10 below                                     -> exempt (Art. 5(4))
 * "以上" is inclusive: 100,000 individuals already need a mechanism. Per
 * transfer, important data (R6), FTZ lists (R1/R2) and the Art. 3-5
 * scenarios can still change the route; the report states the route the
 * volume alone requires.
 */
#include <stdio.h>

#include "rp_report.h"

#define GENERAL_SCC 100000u
#define GENERAL_ASSESSMENT 1000000u
#define SENSITIVE_ASSESSMENT 10000u
#define ALERT_PERCENT 80.0

static void set(rp_threshold *t, const char *id, const char *label, uint64_t count,
                uint64_t limit, const char *route, const char *basis)
{
    t->id = id;
    t->label = label;
    t->count = count;
    t->limit = limit;
    t->percent = limit ? (double)count * 100.0 / (double)limit : 0.0;
    t->route_from = route;
    t->basis = basis;
}

void rp_thresholds_compute(rp_exporter_report *e)
{
    uint64_t g = e->ytd_general, s = e->ytd_sensitive;
    set(&e->thresholds[0], "general-100k",
        "individuals (personal information, not sensitive) vs 100,000", g, GENERAL_SCC,
        "scc-or-cert", "Art. 5(4), Art. 8");
    set(&e->thresholds[1], "general-1m",
        "individuals (personal information, not sensitive) vs 1,000,000", g,
        GENERAL_ASSESSMENT, "assessment", "Art. 7(2)");
    set(&e->thresholds[2], "sensitive-10k", "individuals (sensitive personal information) vs 10,000",
        s, SENSITIVE_ASSESSMENT, "assessment", "Art. 7(2); from the first individual: Art. 8");

    e->alert = NULL;
    if (e->ciio && (g || s)) {
        e->route_now = "assessment";
        e->route_basis = "R7: a CIIO exporting personal information needs a security "
                         "assessment (Art. 7(1)), whatever the volume";
    } else if (g >= GENERAL_ASSESSMENT || s >= SENSITIVE_ASSESSMENT) {
        e->route_now = "assessment";
        e->route_basis = "R8: 1,000,000 individuals or 10,000 with sensitive personal "
                         "information since 1 January (Art. 7(2))";
    } else if (g >= GENERAL_SCC || s >= 1) {
        e->route_now = "scc-or-cert";
        e->route_basis = s >= 1 ? "R9: sensitive personal information of at least one "
                                  "individual since 1 January (Art. 8)"
                                : "R9: 100,000 individuals or more since 1 January (Art. 8)";
        if ((double)g * 100.0 / GENERAL_ASSESSMENT >= ALERT_PERCENT)
            e->alert = "80% of the 1,000,000 limit reached: a security assessment will be needed";
        else if ((double)s * 100.0 / SENSITIVE_ASSESSMENT >= ALERT_PERCENT)
            e->alert = "80% of the 10,000 sensitive limit reached: a security assessment will "
                       "be needed";
    } else if (g) {
        e->route_now = "exempt";
        e->route_basis = "R10: fewer than 100,000 individuals and no sensitive personal "
                         "information since 1 January (Art. 5(4))";
        if ((double)g * 100.0 / GENERAL_SCC >= ALERT_PERCENT)
            e->alert = "80% of the 100,000 limit reached: a standard contract filing or "
                       "certification will be needed";
    } else {
        e->route_now = "none";
        e->route_basis = "no individual's personal information counted this year";
    }
}
