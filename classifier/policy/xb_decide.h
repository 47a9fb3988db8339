/*
 * xb_decide.h - the legal decision: may this transfer leave, and on what
 * ground? Implements the decision table R0-R10 of
 * ../shared/research/regulation.md §1.6 (Provisions on Promoting and
 * Regulating Cross-Border Data Flows, CAC Order 16, 2024), top-down, first
 * match wins. The table, its extensions and a worked example are in
 * README.md "Export policy".
 *
 * xb_decide() is a pure function of its input: the findings of the body,
 * the exporter, destination country and recipient, scenario and purpose,
 * the year-to-date counts before the transfer plus which of the transfer's
 * individuals are new (from a counter query, xb_counter.h), the mechanisms
 * on file (in the policy) and the current time. It does no I/O and keeps no
 * state, so it is safe in any thread.
 *
 * Typical use (the nginx module does the same with an asynchronous query):
 *
 *   xb_subjects subj;
 *   xb_subjects_build(&subj, r->findings, r->n_findings,
 *                     policy->counting_key, policy->counting_key_len, transfer_id);
 *   xb_subject_counts before;
 *   xb_counter_query_sync(counter, ex->uscc, xb_china_year(now), subj.items, subj.n,
 *                         &before);
 *   xb_decide_input in = {.policy = policy, .catalogs = set, .exporter = ex, ...,
 *                         .findings = r->findings, .n_findings = r->n_findings,
 *                         .inspection = r->inspection, .subjects = &subj,
 *                         .ytd_before = before, .now = time(NULL)};
 *   xb_decision d;
 *   if (xb_decide(&in, &d) == XB_OK) {
 *       ... apply d.enforced (mask d.mask[], watermark when d.watermark) ...
 *       xb_counter_commit_sync(counter, ex->uscc, d.year, subj.items, subj.n,
 *                              d.commit, NULL);
 *   }
 *   xb_decision_free(&d);
 *   xb_subjects_free(&subj);
 */
#ifndef XB_DECIDE_H
#define XB_DECIDE_H

#include "../core/xb_buf.h"
#include "xb_policy.h"
#include "xb_subjects.h"

/* The row of the decision table that decided. */
typedef enum xb_rule {
    XB_RULE_R0 = 0, /* not an export */
    XB_RULE_R1,     /* FTZ exporter, data off the zone's list: exempt (Art. 6) */
    XB_RULE_R2,     /* FTZ exporter, data on the list: the entry's route */
    XB_RULE_R3,     /* no PI, no important data, Art. 3 scenario: exempt */
    XB_RULE_R4,     /* foreign PI re-exported: exempt (Art. 4) */
    XB_RULE_R5,     /* PI, no important data, Art. 5(1)-(3) scenario: exempt */
    XB_RULE_R6,     /* important data: security assessment (Art. 7) */
    XB_RULE_R7,     /* CIIO exporting PI: security assessment (Art. 7(1)) */
    XB_RULE_R8,     /* >= 1,000,000 general or >= 10,000 sensitive: assessment */
    XB_RULE_R9,     /* >= 100,000 general or >= 1 sensitive: SCC or certification */
    XB_RULE_R10     /* below the thresholds: exempt (Art. 5(4)) / nothing regulated */
} xb_rule;

/* The route the transfer requires. */
typedef enum xb_decision_route {
    XB_DECISION_NONE = 0,     /* not an export, or no regulated data */
    XB_DECISION_EXEMPT,       /* exempt: see article */
    XB_DECISION_SCC_OR_CERT,  /* standard contract filing or certification */
    XB_DECISION_ASSESSMENT,   /* CAC security assessment */
    XB_DECISION_PROHIBITED    /* may not leave at all (localisation rules) */
} xb_decision_route;

/* What is done with the body, in increasing severity. */
typedef enum xb_outcome {
    XB_OUTCOME_ALLOW = 0,
    XB_OUTCOME_WATERMARK,     /* allowed but regulated: mark before sending */
    XB_OUTCOME_MASK,          /* mask d.mask[] then send */
    XB_OUTCOME_BLOCK
} xb_outcome;

/* Overrides of the policy's settings by the caller (e.g. nginx directives). */
typedef enum xb_mode_override {
    XB_MODE_POLICY = 0,       /* use <outcomes mode=...> */
    XB_MODE_ENFORCE,
    XB_MODE_MONITOR           /* decide and file, never enforce */
} xb_mode_override;

typedef enum xb_uninspectable_override {
    XB_UNINSPECTABLE_POLICY = 0, /* use <outcomes on-uninspectable=...> */
    XB_UNINSPECTABLE_BLOCK,      /* uninspected content may be important data */
    XB_UNINSPECTABLE_PASS        /* decide on what could be inspected */
} xb_uninspectable_override;

typedef struct xb_decide_input {
    const xb_policy *policy;
    /* The loaded catalogs: tells whether the exporter's FTZ list is loaded
     * (an FTZ exemption is never granted against a list we do not have). */
    const xb_catalog_set *catalogs;
    const xb_exporter *exporter;       /* required */
    const xb_recipient *recipient;     /* NULL: unknown recipient */
    /* ISO 3166-1 alpha-2 destination (case-insensitive). "CN" is mainland
     * China; HK, MO and TW are outside the mainland for this purpose; NULL
     * or "" is unknown and counts as cross-border. */
    const char *dest_country;
    /* Scenario tags separated by spaces or commas; NULL or "" = the
     * exporter's default-scenario. Unknown tags are ignored (and said so). */
    const char *scenario;
    const char *purpose;               /* NULL = the exporter's default-purpose */

    const xb_finding *findings;
    size_t n_findings;
    xb_inspection inspection;
    bool findings_truncated;           /* scan hit max_findings */
    const xb_uninspectable *uninspectable;
    size_t n_uninspectable;

    /* Candidate subjects built from exactly these findings, with is_new set
     * by a counter query; NULL counts nobody (tests of the table only). */
    const xb_subjects *subjects;
    xb_subject_counts ytd_before;      /* totals before this transfer */

    int64_t now;                       /* Unix time, seconds */
    xb_mode_override mode;
    xb_uninspectable_override uninspectable_mode;
} xb_decide_input;

typedef enum xb_reason_kind {
    XB_REASON_RULE = 0,    /* why the rule applies */
    XB_REASON_DATA,        /* findings of one entry at one field path */
    XB_REASON_MECHANISM,   /* a mechanism relied on, or why one did not count */
    XB_REASON_UNINSPECTED, /* content that could not be inspected */
    XB_REASON_NOTE         /* anything else worth filing (unknown tags, lists) */
} xb_reason_kind;

typedef struct xb_reason {
    xb_reason_kind kind;
    const char *entry;     /* catalog entry id (DATA) */
    const char *category;  /* the entry's data category (DATA), may be NULL */
    char *path;            /* field path, array indices as '*' (DATA, UNINSPECTED) */
    const char *article;   /* legal basis, may be NULL */
    const char *mechanism; /* reference of the mechanism relied on (DATA) or
                              concerned (MECHANISM), may be NULL */
    char *note;            /* one English sentence */
    size_t count;          /* findings grouped here (DATA) */
    bool masked;           /* these findings are masked (DATA) */
} xb_reason;

/* At most this many reasons are kept (the rest are counted as truncated). */
#define XB_DECISION_MAX_REASONS 256

typedef struct xb_decision {
    xb_rule rule;                  /* for the transfer as received */
    xb_decision_route route;
    const char *article;           /* legal basis of the rule / exemption */
    xb_outcome outcome;            /* what the policy decides */
    xb_outcome enforced;           /* what is done: ALLOW in monitor mode */
    bool monitor;
    /* Watermark the body as sent: outcome WATERMARK, or a mask whose
     * remaining data relies on a mechanism (when the policy watermarks). */
    bool watermark;

    /* Outcome MASK: finding indices to mask, and the rule the transfer
     * falls under once masked. */
    size_t *mask;
    size_t n_mask;
    xb_rule masked_rule;
    xb_decision_route masked_route;
    const char *masked_article;

    /* Mechanisms relied on by the transfer as sent. */
    const xb_mechanism **mechanisms;
    size_t n_mechanisms;

    xb_reason *reasons;
    size_t n_reasons;
    size_t reasons_truncated;      /* reasons left out */

    /* Individuals in the transfer and year-to-date totals after it, for the
     * transfer as it leaves (masked when masked; for a blocked transfer the
     * values it was judged on). */
    xb_subject_counts subjects;
    xb_subject_counts counters_after;
    /* subjects->n flags: the subjects to commit to the counter (those of the
     * body actually sent; all zero when blocked). NULL when no subjects. */
    uint8_t *commit;
    int year;                      /* counting year, China time */

    char *message_zh;
    char *message_en;

    /* What was decided about (for JSON and transfer records). */
    const xb_exporter *exporter;
    const xb_recipient *recipient;  /* NULL when unknown */
    char dest_country[3];           /* upper case; "" when unknown */
    char *scenario;                 /* the known tags applied, space separated */
    const char *purpose;            /* may be NULL */
    const char *policy_version;
} xb_decision;

/* Copy what the decision needs from a finished scan into *in. */
static inline void xb_decide_input_set_scan(xb_decide_input *in, const xb_scan_result *r)
{
    in->findings = r->findings;
    in->n_findings = r->n_findings;
    in->inspection = r->inspection;
    in->findings_truncated = r->findings_truncated;
    in->uninspectable = r->uninspectable;
    in->n_uninspectable = r->n_uninspectable;
}

/* Decide. On success *out must be released with xb_decision_free. The
 * decision points into the policy (exporter, recipient, mechanisms) and the
 * catalogs (entry ids in reasons): free it before them. Errors:
 * XB_ERR_INVALID (no policy or exporter, subjects built from other
 * findings), XB_ERR_NOMEM. */
xb_status xb_decide(const xb_decide_input *in, xb_decision *out);
void xb_decision_free(xb_decision *d);

/* Stable names: "R0".."R10"; "none", "exempt", "scc-or-cert",
 * "assessment", "prohibited"; "allow", "watermark", "mask", "block";
 * "rule", "data", "mechanism", "uninspected", "note". */
const char *xb_rule_name(xb_rule r);
const char *xb_decision_route_name(xb_decision_route r);
const char *xb_outcome_name(xb_outcome o);
const char *xb_reason_kind_name(xb_reason_kind k);

/*
 * The decision as one JSON object (UTF-8, no trailing newline): route,
 * article, rule, outcome, enforced, mode, watermark, reasons[] (entry,
 * category, path, article, mechanism, note, count, masked), mechanisms[],
 * subjects, counters_after, year, mask[] (paths) and masked {rule, route}
 * when masking, message_zh, message_en. findings are the decision's input
 * findings (for the mask paths). Used by `xborder decide` and for the body
 * of a blocked request.
 */
xb_status xb_decision_to_json(const xb_decision *d, const xb_finding *findings,
                              size_t n_findings, xb_buf *out);

#endif
