/*
 * xb_validate_id.c - personal identity numbers built on GB 11643-1999:
 * the 18-digit citizen ID (公民身份号码), the legacy 15-digit ID, the
 * HK/Macau/Taiwan residents' residence permit (港澳台居民居住证, 2018) and the
 * foreign permanent-residence ID (外国人永久居留身份证, 2017 and 2023 forms).
 *
 * Why so strict: a random 18-digit string passes MOD 11-2 with probability
 * 1/11, so the check digit alone would flood reports with order numbers.
 * Requiring a known province code and a real birth date that is not in the
 * future removes most of those (regulation.md §5.1, §5.11, §5.12).
 */
#include "xb_validate.h"

#include <time.h>

#include "xb_validate_internal.h"

/* ISO 7064 MOD 11-2 weights (2^(17-i) mod 11) and the check alphabet. */
static const unsigned char mod11_2_weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6,
                                                  3, 7, 9, 10, 5, 8, 4, 2};
static const char mod11_2_alphabet[] = "10X98765432";

/*
 * Any date before this one is in the past on every sanely set clock where
 * this code runs (it was written in late 2026), so the clock is only read for
 * birth dates from 2026 on. That keeps the common case free of time() and
 * gmtime_r() calls.
 */
#define SURELY_PAST_YMD 20260101

char xb_mod11_2_check(const char *digits17)
{
    unsigned sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (unsigned)(digits17[i] - '0') * mod11_2_weights[i];
    return mod11_2_alphabet[sum % 11];
}

/* True when the check character s[17] ('X' or 'x' for ten) matches. */
static bool mod11_2_ok(const char *s)
{
    char c = s[17] == 'x' ? 'X' : s[17];
    return xb_mod11_2_check(s) == c;
}

/* Today's date in China (UTC+8, no daylight saving) as YYYYMMDD. A birth date
 * may legitimately be "today" in Beijing while UTC is still on yesterday. */
static long today_in_china(void)
{
    time_t now = time(NULL) + 8 * 3600;
    struct tm tm;
    if (!gmtime_r(&now, &tm))
        return 99991231; /* clock unusable: do not reject on this ground */
    return (long)(tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

/*
 * Earliest accepted birth date. The §5.1 pattern allows 18xx years and real
 * cards carry them (IDs were issued from 1984 to people then in their
 * nineties and over, and to claimed supercentenarians born in the 1880s);
 * the computed public vector 440524188001010014 relies on it too.
 */
#define EARLIEST_BIRTH_YEAR 1800

/* Real date, 1800-01-01 or later, not after today (China time). */
static bool birth_date_ok(int y, int m, int d)
{
    if (y < EARLIEST_BIRTH_YEAR || !xbv_real_date(y, m, d))
        return false;
    long ymd = (long)y * 10000 + m * 100 + d;
    return ymd < SURELY_PAST_YMD || ymd <= today_in_china();
}

/* 17 digits followed by [0-9Xx]. */
static bool id18_charset(const char *s)
{
    return xbv_all_digits(s, 17) &&
           (xbv_is_digit(s[17]) || s[17] == 'X' || s[17] == 'x');
}

/* Birth date of an 18-character ID (YYYYMMDD at offset 6) if plausible. */
static bool id18_date(const char *s, int *y, int *m, int *d)
{
    *y = xbv_four(s + 6);
    *m = xbv_two(s + 10);
    *d = xbv_two(s + 12);
    return birth_date_ok(*y, *m, *d);
}

static int six_digits(const char *s)
{
    return xbv_four(s) * 100 + xbv_two(s + 4);
}

static void fill_info(xb_id_info *info, int y, int m, int d, int region, int sex)
{
    if (!info)
        return;
    info->year = y;
    info->month = m;
    info->day = d;
    info->region = region;
    info->sex = sex;
}

/* Sequence code: odd = male (1), even = female (2). */
static int sex_of(char seq_last_digit)
{
    return ((seq_last_digit - '0') & 1) ? 1 : 2;
}

bool xb_valid_ric18(const char *s, size_t n, xb_id_info *info)
{
    if (!s || n != 18 || s[0] < '1' || s[0] > '8' || !id18_charset(s))
        return false;
    if (!xbv_cn_province(xbv_two(s)))
        return false;
    int y, m, d;
    if (!id18_date(s, &y, &m, &d) || !mod11_2_ok(s))
        return false;
    fill_info(info, y, m, d, six_digits(s), sex_of(s[16]));
    return true;
}

bool xb_valid_ric15(const char *s, size_t n, xb_id_info *info)
{
    if (!s || n != 15 || s[0] < '1' || s[0] > '8' || !xbv_all_digits(s, 15))
        return false;
    if (!xbv_cn_province(xbv_two(s)))
        return false;
    /* 15-digit numbers were issued 1984-1999 and carry a 19YY birth year. */
    int y = 1900 + xbv_two(s + 6), m = xbv_two(s + 8), d = xbv_two(s + 10);
    if (!xbv_real_date(y, m, d))
        return false;
    fill_info(info, y, m, d, six_digits(s), sex_of(s[14]));
    return true;
}

bool xb_valid_hmt_residence(const char *s, size_t n, xb_id_info *info)
{
    if (!s || n != 18 || s[0] != '8' || s[1] < '1' || s[1] > '3')
        return false;
    if (s[2] != '0' || s[3] != '0' || s[4] != '0' || s[5] != '0')
        return false;
    if (!id18_charset(s))
        return false;
    int y, m, d;
    if (!id18_date(s, &y, &m, &d) || !mod11_2_ok(s))
        return false;
    fill_info(info, y, m, d, six_digits(s), sex_of(s[16]));
    return true;
}

bool xb_valid_foreign_pr_2023(const char *s, size_t n, xb_id_info *info)
{
    if (!s || n != 18 || s[0] != '9' || !id18_charset(s))
        return false;
    int y, m, d;
    if (!id18_date(s, &y, &m, &d) || !mod11_2_ok(s))
        return false;
    /* The published rules confirm the leading 9, the birth date and the
     * check; the meaning of the other digits (sex parity) is not verified,
     * so sex is reported as unknown (0). */
    fill_info(info, y, m, d, six_digits(s), 0);
    return true;
}

bool xb_valid_foreign_pr_2017(const char *s, size_t n)
{
    if (!s || n != 15)
        return false;
    for (int i = 0; i < 3; i++)
        if (!xbv_is_upper(s[i]))
            return false;
    if (!xbv_all_digits(s + 3, 12) || !xbv_cn_province(xbv_two(s + 3)))
        return false;
    /* YYMMDD with an unknown century: 29 February is real when YY is a
     * multiple of 4 (19YY or 20YY is then a leap year; 2000 covers YY=00). */
    int yy = xbv_two(s + 5), m = xbv_two(s + 7), d = xbv_two(s + 9);
    int probe_year = 2000 + yy;
    return xbv_real_date(probe_year, m, d);
}
