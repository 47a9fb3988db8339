/*
 * xb_validate_internal.h - small inline helpers shared by the identifier
 * validators (xb_validate_*.c). Not part of the public contract: other
 * modules include xb_validate.h only.
 *
 * Everything here is a pure function over bytes; nothing allocates, nothing
 * keeps state, so the validators stay reentrant and cheap enough to run on
 * every candidate token.
 */
#ifndef XB_VALIDATE_INTERNAL_H
#define XB_VALIDATE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

static inline bool xbv_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static inline bool xbv_is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

/* True when s[0..n) are all ASCII digits. */
static inline bool xbv_all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!xbv_is_digit(s[i]))
            return false;
    return true;
}

/* Value of two ASCII digits (caller has checked they are digits). */
static inline int xbv_two(const char *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

/* Value of four ASCII digits (caller has checked they are digits). */
static inline int xbv_four(const char *s)
{
    return xbv_two(s) * 100 + xbv_two(s + 2);
}

/* Upper-case letter other than I and O (licence plates, passports, permits
 * avoid both because they look like 1 and 0). */
static inline bool xbv_is_upper_no_io(char c)
{
    return xbv_is_upper(c) && c != 'I' && c != 'O';
}

static inline bool xbv_is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* True when y-m-d is a real Gregorian calendar date (any year >= 1). */
static inline bool xbv_real_date(int y, int m, int d)
{
    static const unsigned char days[12] = {31, 28, 31, 30, 31, 30,
                                           31, 31, 30, 31, 30, 31};
    if (y < 1 || m < 1 || m > 12 || d < 1)
        return false;
    int dim = days[m - 1] + (m == 2 && xbv_is_leap(y));
    return d <= dim;
}

/*
 * Province-level part (first two digits) of a GB/T 2260 address code as used
 * in mainland citizen IDs: 11-15 (north), 21-23 (north-east), 31-37 (east),
 * 41-46 (south-central), 50-54 (south-west), 61-65 (north-west) and 71
 * (Taiwan, reserved in GB/T 2260). 81/82/83 (HK, Macau, Taiwan residence
 * permits) are deliberately not included: they have their own validator.
 */
static inline bool xbv_cn_province(int code)
{
    return (code >= 11 && code <= 15) || (code >= 21 && code <= 23) ||
           (code >= 31 && code <= 37) || (code >= 41 && code <= 46) ||
           (code >= 50 && code <= 54) || (code >= 61 && code <= 65) ||
           code == 71;
}

#endif
