/*
 * rp_time.c - millisecond time stamps, RFC 3339 parsing and weekdays in
 * China time, on top of the day numbers of xb_china_time.h; see rp_time.h.
 */
#include "rp_time.h"

#include <string.h>
#include <time.h>

int rp_weekday(int64_t days)
{
    /* 1970-01-01 was a Thursday (3 when Monday is 0). */
    int64_t w = (days + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int64_t rp_cst_day(int64_t ms)
{
    return xb_china_day(floor_div(ms, 1000));
}

int64_t rp_cst_day_start_ms(int64_t days)
{
    return xb_china_midnight(days) * 1000;
}

static bool digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool rp_time_parse(const char *s, int64_t *ms)
{
    char date[11];
    int64_t day;
    int h, mi, sec;
    if (!s || strlen(s) < 20)
        return false;
    memcpy(date, s, 10);
    date[10] = '\0';
    if (!xb_date_parse(date, &day))
        return false;
    if ((s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s + 11, 2, &h) ||
        s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &sec))
        return false;
    if (h > 23 || mi > 59 || sec > 60)
        return false;
    const char *p = s + 19;
    int64_t frac_ms = 0;
    if (*p == '.') {
        int64_t scale = 100;
        p++;
        if (*p < '0' || *p > '9')
            return false;
        while (*p >= '0' && *p <= '9') {
            frac_ms += (*p - '0') * scale;
            scale /= 10;
            p++;
        }
    }
    int64_t offset_min = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om) || oh > 23 ||
            om > 59)
            return false;
        offset_min = (int64_t)(oh * 60 + om) * (*p == '-' ? -1 : 1);
        p += 6;
    } else {
        return false;
    }
    if (*p)
        return false;
    int64_t secs = day * 86400 + h * 3600 + mi * 60 + sec - offset_min * 60;
    *ms = secs * 1000 + frac_ms;
    return true;
}

int64_t rp_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
