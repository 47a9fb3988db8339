/*
 * xb_decide_internal.h - what the parts of the decision engine share:
 *   xb_decide.c          orchestration: classify findings, evaluate, cover,
 *                        mask and re-evaluate, assemble the decision
 *   xb_decide_rules.c    the table R0-R10 for one version of the transfer
 *   xb_decide_mech.c     which mechanisms on file cover which findings
 *   xb_decide_reasons.c  reasons: grouped findings, mechanisms, notes
 *   xb_decide_text.c     names, articles and the zh/en messages
 *   xb_decide_json.c     the JSON rendering
 * Not part of the public API.
 */
#ifndef XB_DECIDE_INTERNAL_H
#define XB_DECIDE_INTERNAL_H

#include "xb_decide.h"

/* What a finding means for the decision (bit flags, fixed per transfer). */
enum {
    XB_F_PI = 1 << 0,          /* general personal information */
    XB_F_SENSITIVE = 1 << 1,   /* sensitive personal information */
    XB_F_ONLIST = 1 << 2,      /* on the exporter's applicable FTZ list */
    XB_F_IMPORTANT = 1 << 3,   /* published/notified important or core data,
                                  or any entry whose route is prohibited */
    XB_F_PROHIBITED = 1 << 4,  /* its entry's route is prohibited */
    XB_F_SELF_ASSESS = 1 << 5, /* self-defined important data, route assessment */
    XB_F_SELF_SCC = 1 << 6,    /* self-defined important data, route scc-or-cert */
    XB_F_SELF_NOTE = 1 << 7,   /* self-defined important data, route none: alert */
    XB_F_OTHER_LIST = 1 << 8,  /* on an FTZ list that does not apply here */
    XB_F_BELOW = 1 << 9,       /* important-data entry whose own threshold is
                                  not reached by this version (per evaluation) */
    XB_F_OTHER_SCENARIO = 1 << 10, /* entry scoped to scenarios this transfer
                                      is not in */
    XB_F_OTHER_SECTOR = 1 << 11    /* important-data entry of a sector the
                                      exporter is not in */
};

#define XB_MAX_TAGS 16

typedef struct xb_dctx {
    const xb_decide_input *in;
    const xb_policy *policy;
    const xb_exporter *ex;
    const xb_finding *f;
    size_t n;
    uint16_t *flags;                 /* per finding */

    const xb_catalog *ftz_list;      /* the exporter's list when it applies */
    bool ftz_applies;                /* registered, not CIIO, list loaded */
    bool ftz_list_missing;           /* registered but the list is not loaded */

    bool uninspected;                /* some content was not inspected */
    bool uninspected_blocks;         /* ... and counts as possible important data */

    const char *tags[XB_MAX_TAGS];
    size_t tag_len[XB_MAX_TAGS];
    size_t n_tags;
    const char *unknown_tags[XB_MAX_TAGS];
    size_t unknown_len[XB_MAX_TAGS];
    size_t n_unknown;

    const char *purpose;
    int64_t today;                   /* China-time day number */
    int year;
    bool domestic;                   /* R0 applies */
    bool monitor;
    xb_missing_action on_missing;
    xb_watermark_policy watermark;
} xb_dctx;

/* One evaluation of the table for a version of the transfer. */
typedef struct xb_eval {
    /* per finding: the flags with entry thresholds applied to this
     * version's counts (XB_F_BELOW strips the important-data bits) */
    uint16_t *flags;
    xb_rule rule;
    xb_decision_route route;
    const char *article;
    int r5_item;                     /* 1..3 when R5 */
    /* per finding: the route it needs a mechanism for (SCC_OR_CERT,
     * ASSESSMENT or PROHIBITED), NONE when it needs nothing */
    uint8_t *needs;
    uint8_t needs_uninspected;       /* the same for uninspected content */
    bool ftz_below_threshold;        /* R2: on-list entries under their threshold */
    xb_subject_counts in;            /* individuals in this version */
    xb_subject_counts after;         /* year to date after it */
    uint8_t *selected;               /* subjects counted (subjects->n) */
} xb_eval;

/* Which mechanism covers what, for one evaluation. */
typedef struct xb_cover {
    const xb_mechanism **by;         /* per finding, NULL when not covered */
    const xb_mechanism *uninspected_by;
    size_t n_needed;                 /* findings needing a mechanism */
    size_t n_uncovered;              /* findings needing and not covered */
    bool uninspected_uncovered;
} xb_cover;

bool xb_dctx_has_tag(const xb_dctx *c, const char *tag);
bool xb_dctx_masked(const uint8_t *masked, size_t i);

/* Evaluate the table on the transfer without the masked findings. */
xb_status xb_decide_evaluate(const xb_dctx *c, const uint8_t *masked, xb_eval *ev);
void xb_eval_free(xb_eval *ev);

/* Find mechanisms for what ev needs. */
xb_status xb_decide_cover(const xb_dctx *c, const xb_eval *ev, xb_cover *cov);
void xb_cover_free(xb_cover *cov);
/* Why a mechanism does not count for this transfer (NULL when it may be
 * used); buf receives the sentence. Does not look at categories. */
const char *xb_mechanism_unusable(const xb_dctx *c, const xb_mechanism *m, char *buf,
                                  size_t size);
bool xb_mechanism_covers_entry(const xb_mechanism *m, const xb_entry *e);
/* Whether a mechanism type satisfies a needed route. */
bool xb_mechanism_type_satisfies(xb_mechanism_type t, xb_decision_route need);

/* Build d->reasons for the final state. */
xb_status xb_decide_reasons(const xb_dctx *c, const xb_eval *first, const xb_eval *final,
                            const xb_cover *cov, const uint8_t *masked, xb_decision *d);

/* Articles and messages. */
const char *xb_rule_article(xb_rule r, int r5_item, bool route_none);
xb_status xb_decide_messages(const xb_dctx *c, xb_decision *d);
const char *xb_decision_route_zh(xb_decision_route r);

/* Order of routes for "the strictest of". */
static inline xb_decision_route xb_route_max(xb_decision_route a, xb_decision_route b)
{
    return a > b ? a : b;
}

#endif
