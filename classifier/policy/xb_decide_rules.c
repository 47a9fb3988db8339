/*
 * xb_decide_rules.c - the decision table of regulation.md §1.6, evaluated
 * top-down on one version of a transfer (as received, or with some findings
 * masked). Besides the rule and the route, it records per finding which
 * route it needs a mechanism for, so that xb_decide_mech.c can look for a
 * mechanism per category and xb_decide.c can choose what to mask.
 *
 * Extensions of the table (documented in README.md "Export policy"):
 *   - R8/R9 apply to transfers that carry PI: the counts are of PI exports,
 *     a transfer without PI is judged on what it carries (R10: nothing
 *     regulated, route none);
 *   - an entry whose route is "prohibited" counts as important data for the
 *     exemptions and makes the route prohibited (localisation rules);
 *   - self-defined important data never defeats an exemption (Art. 2) but,
 *     past them, its entry's route applies: assessment joins R6,
 *     scc-or-cert joins R9;
 *   - content that could not be inspected counts, unless the policy says
 *     pass, as possible important data (it never gets an exemption);
 *   - R2 applies the R1 add-on too: national important data not on the list
 *     still needs an assessment next to the list's own routes.
 */
#include <stdlib.h>
#include <string.h>

#include "xb_decide_internal.h"

#define GENERAL_SCC 100000u
#define GENERAL_ASSESSMENT 1000000u
#define SENSITIVE_ASSESSMENT 10000u

bool xb_dctx_masked(const uint8_t *masked, size_t i)
{
    return masked && masked[i];
}

bool xb_dctx_has_tag(const xb_dctx *c, const char *tag)
{
    size_t n = strlen(tag);
    for (size_t i = 0; i < c->n_tags; i++)
        if (c->tag_len[i] == n && !memcmp(c->tags[i], tag, n))
            return true;
    return false;
}

static xb_decision_route from_entry_route(xb_route r)
{
    switch (r) {
    case XB_ROUTE_SCC_OR_CERT: return XB_DECISION_SCC_OR_CERT;
    case XB_ROUTE_ASSESSMENT: return XB_DECISION_ASSESSMENT;
    case XB_ROUTE_PROHIBITED: return XB_DECISION_PROHIBITED;
    case XB_ROUTE_NONE: break;
    }
    return XB_DECISION_NONE;
}

/* An FTZ entry's own threshold, compared with the exporter's year-to-date
 * counts (per-category counts are never larger, so this never exempts what
 * a per-category count would regulate). */
static bool threshold_reached(const xb_entry *e, const xb_subject_counts *after)
{
    if (e->threshold == 0)
        return true;
    switch (e->threshold_basis) {
    case XB_THRESHOLD_GENERAL: return after->general >= e->threshold;
    case XB_THRESHOLD_SENSITIVE: return after->sensitive >= e->threshold;
    case XB_THRESHOLD_NONE:
    case XB_THRESHOLD_ANY: break;
    }
    return after->general >= e->threshold || after->sensitive >= e->threshold;
}

static void set_rule(xb_eval *ev, xb_rule rule, xb_decision_route route)
{
    ev->rule = rule;
    ev->route = route;
    ev->article = xb_rule_article(rule, ev->r5_item, route == XB_DECISION_NONE);
}

/* Every regulated finding needs `route` (R6-R9). */
static void need_all(const xb_dctx *c, const uint8_t *masked, xb_eval *ev,
                     xb_decision_route route, uint16_t which)
{
    for (size_t i = 0; i < c->n; i++)
        if (!xb_dctx_masked(masked, i) && (ev->flags[i] & which))
            ev->needs[i] = ev->flags[i] & XB_F_PROHIBITED ? XB_DECISION_PROHIBITED : route;
}

/* R1 and R2. Returns true when the FTZ branch decided. */
static bool ftz_rules(const xb_dctx *c, const uint8_t *masked, xb_eval *ev, uint16_t any)
{
    bool national_counts = c->policy->ftz_offlist_important == XB_FTZ_OFFLIST_ASSESSMENT;
    bool important_blocks = (any & XB_F_PROHIBITED) || c->uninspected_blocks ||
                            ((any & XB_F_IMPORTANT) && national_counts);
    if (!(any & XB_F_ONLIST)) {
        if (important_blocks)
            return false; /* conservative add-on: fall through to R6 */
        set_rule(ev, XB_RULE_R1, XB_DECISION_EXEMPT);
        return true;
    }
    xb_decision_route route = XB_DECISION_NONE;
    for (size_t i = 0; i < c->n; i++) {
        if (xb_dctx_masked(masked, i))
            continue;
        uint16_t fl = ev->flags[i];
        if (fl & XB_F_ONLIST) {
            xb_decision_route r = from_entry_route(c->f[i].entry->route);
            if (r == XB_DECISION_NONE)
                continue;
            if (!threshold_reached(c->f[i].entry, &ev->after)) {
                ev->ftz_below_threshold = true;
                continue;
            }
            ev->needs[i] = (uint8_t)r;
            route = xb_route_max(route, r);
        } else if (fl & XB_F_PROHIBITED) {
            ev->needs[i] = XB_DECISION_PROHIBITED;
            route = XB_DECISION_PROHIBITED;
        } else if ((fl & XB_F_IMPORTANT) && national_counts) {
            ev->needs[i] = XB_DECISION_ASSESSMENT;
            route = xb_route_max(route, XB_DECISION_ASSESSMENT);
        }
    }
    if (c->uninspected_blocks) {
        ev->needs_uninspected = XB_DECISION_ASSESSMENT;
        route = xb_route_max(route, XB_DECISION_ASSESSMENT);
    }
    set_rule(ev, XB_RULE_R2, route == XB_DECISION_NONE ? XB_DECISION_EXEMPT : route);
    return true;
}

static bool any_tag(const xb_dctx *c, const char *const *tags, size_t n, int *which)
{
    for (size_t i = 0; i < n; i++)
        if (xb_dctx_has_tag(c, tags[i])) {
            if (which)
                *which = (int)i + 1;
            return true;
        }
    return false;
}

void xb_eval_free(xb_eval *ev)
{
    free(ev->flags);
    free(ev->needs);
    free(ev->selected);
    memset(ev, 0, sizeof(*ev));
}

xb_status xb_decide_evaluate(const xb_dctx *c, const uint8_t *masked, xb_eval *ev)
{
    memset(ev, 0, sizeof(*ev));
    ev->needs = calloc(c->n ? c->n : 1, 1);
    ev->flags = calloc(c->n ? c->n : 1, sizeof(*ev->flags));
    const xb_subjects *subj = c->in->subjects;
    if (subj && subj->n)
        ev->selected = malloc(subj->n);
    if (!ev->needs || !ev->flags || (subj && subj->n && !ev->selected)) {
        xb_eval_free(ev);
        return XB_ERR_NOMEM;
    }

    /* counts of the transfer as it would leave */
    xb_subject_counts fresh = {0, 0};
    if (subj) {
        xb_status st = xb_subjects_select(subj, c->f, c->n, masked, ev->selected, &ev->in,
                                          &fresh);
        if (st != XB_OK) {
            xb_eval_free(ev);
            return st;
        }
    }
    ev->after.general = c->in->ytd_before.general + fresh.general;
    ev->after.sensitive = c->in->ytd_before.sensitive + fresh.sensitive;

    /* Entries with their own threshold (e.g. "PI of more than 100,000
     * individuals" as important data) only count once it is reached. */
    const uint16_t important_bits = XB_F_IMPORTANT | XB_F_SELF_ASSESS | XB_F_SELF_SCC |
                                    XB_F_SELF_NOTE;
    uint16_t any = 0;
    for (size_t i = 0; i < c->n; i++) {
        uint16_t fl = c->flags[i];
        const xb_entry *e = c->f[i].entry;
        if ((fl & important_bits) && !(fl & XB_F_PROHIBITED) && e && e->threshold &&
            !threshold_reached(e, &ev->after))
            fl = (uint16_t)((fl & ~important_bits) | XB_F_BELOW);
        ev->flags[i] = fl;
        if (!xb_dctx_masked(masked, i))
            any |= fl;
    }
    /* PI as the exporter's catalogs see it: an entry of another zone's FTZ
     * list says nothing here (the same fields are found by the national
     * catalogs) */
    bool has_pi = any & (XB_F_PI | XB_F_SENSITIVE);
    bool important = (any & XB_F_IMPORTANT) || c->uninspected_blocks;
    const uint16_t regulated = XB_F_PI | XB_F_SENSITIVE | XB_F_IMPORTANT | XB_F_SELF_ASSESS |
                               XB_F_SELF_SCC;

    /* R0: destination and recipient in mainland China */
    if (c->domestic) {
        set_rule(ev, XB_RULE_R0, XB_DECISION_NONE);
        return XB_OK;
    }
    /* R1, R2: FTZ exporter (never a CIIO) with its list loaded */
    if (c->ftz_applies && ftz_rules(c, masked, ev, any))
        return XB_OK;
    if (!c->ftz_applies) {
        static const char *const art3[] = {XB_SCENARIO_TRADE, XB_SCENARIO_TRANSPORT,
                                           XB_SCENARIO_ACADEMIC, XB_SCENARIO_MANUFACTURING,
                                           XB_SCENARIO_MARKETING};
        static const char *const art4[] = {XB_SCENARIO_REEXPORT};
        static const char *const art5[] = {XB_SCENARIO_CONTRACT, XB_SCENARIO_HR,
                                           XB_SCENARIO_EMERGENCY};
        /* R3: no PI, no important data, Art. 3 scenario */
        if (!has_pi && !important && any_tag(c, art3, 5, NULL)) {
            set_rule(ev, XB_RULE_R3, XB_DECISION_EXEMPT);
            return XB_OK;
        }
        /* R4: foreign PI re-exported, nothing domestic important added */
        if (!important && any_tag(c, art4, 1, NULL)) {
            set_rule(ev, XB_RULE_R4, XB_DECISION_EXEMPT);
            return XB_OK;
        }
        /* R5: PI, no important data, Art. 5(1)-(3) scenario */
        if (has_pi && !important && any_tag(c, art5, 3, &ev->r5_item)) {
            set_rule(ev, XB_RULE_R5, XB_DECISION_EXEMPT);
            return XB_OK;
        }
    }
    /* R6: important data (published or notified), prohibited data,
     * uninspected content, or a self-defined entry requiring assessment.
     * An FTZ exporter only reaches here through the R1 add-on: its
     * off-list data stays exempt, only the important data needs a route. */
    if (important || (!c->ftz_applies && (any & XB_F_SELF_ASSESS))) {
        xb_decision_route route = any & XB_F_PROHIBITED ? XB_DECISION_PROHIBITED
                                                        : XB_DECISION_ASSESSMENT;
        if (c->ftz_applies) {
            bool national = c->policy->ftz_offlist_important == XB_FTZ_OFFLIST_ASSESSMENT;
            need_all(c, masked, ev, XB_DECISION_ASSESSMENT,
                     national ? XB_F_IMPORTANT : XB_F_PROHIBITED);
        } else {
            need_all(c, masked, ev, XB_DECISION_ASSESSMENT, regulated);
        }
        if (c->uninspected_blocks)
            ev->needs_uninspected = XB_DECISION_ASSESSMENT;
        set_rule(ev, XB_RULE_R6, route);
        return XB_OK;
    }
    const uint16_t pi_like = XB_F_PI | XB_F_SENSITIVE | XB_F_SELF_SCC;
    /* R7: a CIIO exporting PI */
    if (c->ex->ciio && has_pi) {
        need_all(c, masked, ev, XB_DECISION_ASSESSMENT, pi_like);
        set_rule(ev, XB_RULE_R7, XB_DECISION_ASSESSMENT);
        return XB_OK;
    }
    uint64_t g = ev->after.general, s = ev->after.sensitive;
    if (has_pi) {
        /* R8: >= 1,000,000 general or >= 10,000 sensitive individuals */
        if (g >= GENERAL_ASSESSMENT || s >= SENSITIVE_ASSESSMENT) {
            need_all(c, masked, ev, XB_DECISION_ASSESSMENT, pi_like);
            set_rule(ev, XB_RULE_R8, XB_DECISION_ASSESSMENT);
            return XB_OK;
        }
        /* R9: >= 100,000 general or >= 1 sensitive individual */
        if (g >= GENERAL_SCC || s >= 1 || (any & XB_F_SELF_SCC)) {
            need_all(c, masked, ev, XB_DECISION_SCC_OR_CERT, pi_like);
            set_rule(ev, XB_RULE_R9, XB_DECISION_SCC_OR_CERT);
            return XB_OK;
        }
        /* R10: below every threshold, not a CIIO */
        set_rule(ev, XB_RULE_R10, XB_DECISION_EXEMPT);
        return XB_OK;
    }
    if (any & XB_F_SELF_SCC) {
        need_all(c, masked, ev, XB_DECISION_SCC_OR_CERT, XB_F_SELF_SCC);
        set_rule(ev, XB_RULE_R9, XB_DECISION_SCC_OR_CERT);
        return XB_OK;
    }
    /* R10 without PI: nothing regulated leaves */
    set_rule(ev, XB_RULE_R10, XB_DECISION_NONE);
    return XB_OK;
}
