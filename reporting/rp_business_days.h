/*
 * rp_business_days.h - business-day calendar for FTZ report deadlines.
 *
 * Shanghai's FTZ rules ask for a post-export report within 15 business days
 * after the export (regulation.md §2.1). A business day is Monday to Friday,
 * except the public holidays given in an optional holiday file, plus the
 * weekend days the State Council declares working days (调休) when the file
 * lists them. Without a file no public holiday is modelled: holidays only
 * move a deadline later, so the computed deadline is then never later than
 * the true one (the safe side for the reporter); only a file can describe
 * the 调休 weekend working days.
 *
 * Holiday file: one entry per line, '#' starts a comment, blank lines are
 * ignored:
 *   2026-10-01            a public holiday (no business day)
 *   2026-10-10 workday    a weekend day that is a working day
 */
#ifndef RP_BUSINESS_DAYS_H
#define RP_BUSINESS_DAYS_H

#include <stddef.h>
#include <stdint.h>

#include "classifier/core/xb_common.h"

typedef struct rp_calendar {
    int64_t *holidays;  /* sorted day numbers */
    size_t n_holidays;
    int64_t *workdays;  /* sorted day numbers of weekend working days */
    size_t n_workdays;
} rp_calendar;

#define RP_CALENDAR_INIT {NULL, 0, NULL, 0}

/* Load a holiday file (see above) into c. On error returns XB_ERR_IO or
 * XB_ERR_INVALID with "file:line: message" in err. */
xb_status rp_calendar_load(rp_calendar *c, const char *path, char *err, size_t err_size);
void rp_calendar_free(rp_calendar *c);

bool rp_is_business_day(const rp_calendar *c, int64_t day);

/* The n-th business day after day (n >= 1): the deadline of "within n
 * business days after day". */
int64_t rp_add_business_days(const rp_calendar *c, int64_t day, int n);

/* Business days in (from, to]; negative when to < from (days overdue). */
int64_t rp_business_days_between(const rp_calendar *c, int64_t from, int64_t to);

#endif
