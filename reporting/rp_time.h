/*
 * rp_time.h - time stamps and days in China time for the reporting tools.
 *
 * Reports count days, years and FTZ deadlines in China Standard Time
 * (UTC+08:00), the time zone of the filing records. Calendar arithmetic is
 * the policy engine's (classifier/policy/xb_china_time.h: day numbers =
 * days since 1970-01-01); this file adds what reports need on top of it:
 * millisecond time stamps as filed, RFC 3339 parsing and weekdays.
 */
#ifndef RP_TIME_H
#define RP_TIME_H

#include <stdbool.h>
#include <stdint.h>

#include "classifier/policy/xb_china_time.h"

/* 0 = Monday ... 6 = Sunday. */
int rp_weekday(int64_t days);

/* The China-time day a Unix time in ms falls on, and the first ms of a
 * China-time day. */
int64_t rp_cst_day(int64_t ms);
int64_t rp_cst_day_start_ms(int64_t days);

/* Parse an RFC 3339 time stamp as written in the records
 * ("2026-11-22T19:50:24.123+08:00"; any offset or "Z", optional fraction)
 * into Unix ms. */
bool rp_time_parse(const char *s, int64_t *ms);

/* Current Unix time in ms. */
int64_t rp_now_ms(void);

#endif
