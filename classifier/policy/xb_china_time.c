/*
 * xb_china_time.c - day numbers and China-time (UTC+8) dates; see
 * xb_china_time.h. The civil-date conversions are the standard era-based
 * algorithms for the proleptic Gregorian calendar (400-year eras of 146097
 * days), exact for any 64-bit day number we will meet.
 */
#include "xb_china_time.h"

#include <stdio.h>

int64_t xb_days_from_civil(int year, int month, int day)
{
    int64_t y = (int64_t)year - (month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                                  /* [0, 399] */
    int64_t mp = (month + 9) % 12;                                /* March = 0 */
    int64_t doy = (153 * mp + 2) / 5 + day - 1;                   /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;          /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

void xb_civil_from_days(int64_t days, int *year, int *month, int *day)
{
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    *year = (int)(yoe + era * 400 + (m <= 2));
    *month = (int)m;
    *day = (int)d;
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool xb_date_parse(const char *s, int64_t *days)
{
    int y, m, d;
    if (!s || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m) ||
        s[7] != '-' || !digits(s + 8, 2, &d) || s[10] != '\0')
        return false;
    if (y < 1900 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return false;
    *days = xb_days_from_civil(y, m, d);
    return true;
}

void xb_date_format(int64_t days, char out[11])
{
    int y, m, d;
    xb_civil_from_days(days, &y, &m, &d);
    if (y < 0 || y > 9999) {
        snprintf(out, 11, "0000-00-00");
        return;
    }
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

int64_t xb_china_day(int64_t unix_seconds)
{
    int64_t t = unix_seconds + XB_CHINA_UTC_OFFSET;
    /* floor division, also for times before 1970 */
    return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
}

int xb_china_year(int64_t unix_seconds)
{
    int y, m, d;
    xb_civil_from_days(xb_china_day(unix_seconds), &y, &m, &d);
    return y;
}

int64_t xb_china_midnight(int64_t days)
{
    return days * 86400 - XB_CHINA_UTC_OFFSET;
}
