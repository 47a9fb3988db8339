/*
 * xb_china_time.h - calendar arithmetic in China Standard Time (UTC+8).
 *
 * The law counts individuals "since 1 January of the current year" and
 * mechanisms are valid between calendar dates, both in China time. China has
 * had no daylight saving time since 1991, so China time is simply UTC+8; we
 * compute it ourselves instead of relying on TZ or the C library's
 * localtime, which depend on the host's configuration and are not
 * reentrant everywhere.
 *
 * Dates are represented as day numbers: days since 1970-01-01 (proleptic
 * Gregorian calendar), so that "from <= today <= until" is an integer
 * comparison.
 */
#ifndef XB_CHINA_TIME_H
#define XB_CHINA_TIME_H

#include <stdbool.h>
#include <stdint.h>

/* Offset of China Standard Time from UTC, in seconds. */
#define XB_CHINA_UTC_OFFSET (8 * 3600)

/* Day number of a civil date (no validation). */
int64_t xb_days_from_civil(int year, int month, int day);
/* Civil date of a day number. */
void xb_civil_from_days(int64_t days, int *year, int *month, int *day);

/* Parse exactly "YYYY-MM-DD" (a real calendar date, year 1900-9999) into a
 * day number. Returns false on anything else. */
bool xb_date_parse(const char *s, int64_t *days);
/* Format a day number as "YYYY-MM-DD" (out has room for 11 bytes). */
void xb_date_format(int64_t days, char out[11]);

/* Day number of the China-time calendar date of a Unix time (seconds). */
int64_t xb_china_day(int64_t unix_seconds);
/* China-time calendar year of a Unix time (seconds). */
int xb_china_year(int64_t unix_seconds);
/* Unix time of 00:00:00 China time on the given day number. */
int64_t xb_china_midnight(int64_t days);

#endif
