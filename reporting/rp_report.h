/*
 * rp_report.h - the compliance report computed from filed records: per
 * exporter, transfers by outcome, destination country, recipient and data
 * category; individuals counted year to date against the legal thresholds
 * and the route they now require; the mechanisms relied on and their
 * validity; blocked attempts and why; and the FTZ post-export reports due,
 * with their deadlines. Renderers (HTML, CSV, JSON) read this model.
 *
 * Records are added one at a time as they stream from Redis or a file; the
 * model keeps only counters, a bounded list of blocked attempts per
 * exporter and one FTZ report per exporter and export day, so memory does
 * not grow with the number of records.
 */
#ifndef RP_REPORT_H
#define RP_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classifier/policy/xb_policy.h"
#include "rp_business_days.h"
#include "rp_record.h"
#include "rp_tally.h"

/* Validity of a mechanism, from the policy file. */
typedef enum rp_validity {
    RP_VALIDITY_UNCHECKED = 0, /* no policy given */
    RP_VALIDITY_VALID,
    RP_VALIDITY_EXPIRING,      /* valid, but ends within RP_EXPIRING_DAYS */
    RP_VALIDITY_EXPIRED,
    RP_VALIDITY_NOT_YET,       /* valid_from lies after the as-of date */
    RP_VALIDITY_NOT_ON_FILE    /* the policy holds no mechanism with this ref */
} rp_validity;

#define RP_EXPIRING_DAYS 90

const char *rp_validity_name(rp_validity v); /* "valid", "expiring", ... */

typedef struct rp_mechanism {
    char *type;                /* assessment | scc | certification | ... */
    char *ref;                 /* filing / approval / certificate number */
    uint64_t transfers;        /* transfers in the period relying on it */
    int64_t first_ms, last_ms;
    /* from the policy */
    char *policy_id;           /* NULL when not on file or unchecked */
    int64_t valid_from, valid_until; /* day numbers */
    rp_validity validity;      /* on the as-of date */
    int64_t days_left;         /* until valid_until, from the as-of date */
    uint64_t used_outside;     /* transfers made outside [valid_from, valid_until] */
    bool checked;              /* looked up in the policy */
} rp_mechanism;

typedef struct rp_blocked {
    char *ts;
    char *transfer_id;
    char *destination;         /* country and host */
    char *recipient;
    char *rule, *route;
    char *reasons;             /* "entry (article); ..." */
} rp_blocked;

/* One post-export report an FTZ asks for: an exporter's transfers of one
 * China-time day. */
typedef struct rp_ftz_report {
    char *zone;
    int64_t export_day;
    int64_t deadline_day;      /* the n-th business day after export_day */
    int64_t business_days_left; /* from the as-of date; < 0 overdue */
    uint64_t transfers;
    uint64_t exempt;           /* of which exempt (no mechanism needed) */
    char *first_transfer, *last_transfer;
    char *recipients;          /* distinct recipient countries, "DE US" */
} rp_ftz_report;

typedef struct rp_threshold {
    const char *id;            /* general-100k, general-1m, sensitive-10k */
    const char *label;
    uint64_t count;
    uint64_t limit;
    double percent;            /* count / limit * 100 */
    const char *route_from;    /* route required from the limit on */
    const char *basis;         /* article */
} rp_threshold;

#define RP_N_THRESHOLDS 3

typedef struct rp_exporter_report {
    char *key;                 /* USCC, else id */
    char *id, *uscc, *name, *ftz;
    bool ciio;
    uint64_t transfers, blocked, bytes_sent, data_records;
    uint64_t subjects_general, subjects_sensitive; /* sum over transfers */
    rp_tally by_outcome, by_country, by_recipient, by_category, by_day, by_route,
             block_reasons;
    rp_blocked *blocked_list;
    size_t n_blocked_list, cap_blocked_list;
    uint64_t blocked_not_listed;
    rp_mechanism *mechs;
    size_t n_mechs, cap_mechs;
    rp_ftz_report *ftz_reports;
    size_t n_ftz, cap_ftz;
    /* year to date */
    int year;
    uint64_t ytd_general, ytd_sensitive;      /* what the thresholds use */
    uint64_t baseline_general, baseline_sensitive;
    const char *ytd_source;                   /* how ytd was obtained */
    uint64_t rec_ytd_general, rec_ytd_sensitive; /* last counters filed in `year` */
    int64_t rec_ytd_ms;
    bool ytd_from_counters;                   /* set by rp_report_set_ytd */
    rp_threshold thresholds[RP_N_THRESHOLDS];
    const char *route_now;     /* none | exempt | scc-or-cert | assessment */
    const char *route_basis;   /* why */
    const char *alert;         /* a threshold close ahead, or NULL */
} rp_exporter_report;

typedef struct rp_report_options {
    bool has_from, has_to;
    int64_t from_day, to_day;  /* China-time days, inclusive */
    const char *exporter;      /* exporter id or USCC; NULL = every exporter */
    int64_t as_of_day;         /* "today" for deadlines, validity and the year */
    const rp_calendar *calendar; /* NULL: Monday-Friday, no holidays */
    size_t max_listed;         /* blocked attempts kept per exporter */
    const xb_policy *policy;   /* mechanisms on file, or NULL (not checked) */
} rp_report_options;

typedef struct rp_report {
    rp_report_options opt;
    int year;                  /* of the year-to-date counts */
    rp_exporter_report **exporters;
    size_t n_exporters;
    uint64_t records_read, records_in_period, records_unreadable;
    int64_t first_ms, last_ms; /* transfers in the period */
    char *policy_note;         /* how mechanisms were checked */
    char *calendar_note;       /* how business days were counted */
    char *source;              /* where the records came from */
} rp_report;

rp_report *rp_report_new(const rp_report_options *o);
void rp_report_free(rp_report *r);

/* Add one filed record; those outside the period or of another exporter
 * are counted as read and otherwise ignored. */
xb_status rp_report_add(rp_report *r, const rp_record *rec);

/* Exact year-to-date counts from the gateway's counters (Redis sets plus
 * imported baselines) for one exporter. Without them the counters of the
 * last record filed that year are used. */
void rp_report_set_ytd(rp_exporter_report *e, uint64_t general, uint64_t sensitive,
                       uint64_t baseline_general, uint64_t baseline_sensitive,
                       const char *source);

/* Thresholds, routes, FTZ deadlines, sorting; with a policy, the validity
 * of every mechanism on the as-of date, and the mechanisms on file that the
 * period did not use (so their expiry shows). Call once after the adds. */
void rp_report_finish(rp_report *r);

/* Thresholds and the route they require (rp_thresholds.c). */
void rp_thresholds_compute(rp_exporter_report *e);

/* FTZ zones that ask for a post-export report: business days after the
 * export, or 0 when the zone asks for none (rp_ftz.c). */
typedef struct rp_ftz_rule {
    const char *zone_prefix;
    int business_days;
    const char *authority;
    const char *basis;
} rp_ftz_rule;
const rp_ftz_rule *rp_ftz_rule_for(const char *zone);

#endif
