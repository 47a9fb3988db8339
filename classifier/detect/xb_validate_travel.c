/*
 * xb_validate_travel.c - travel documents: PRC / HKSAR / MSAR passports and
 * the three travel permits (港澳居民来往内地通行证, 台湾居民来往大陆通行证,
 * 往来港澳通行证).
 *
 * None of these numbers has a published check digit, so the validators are
 * exact format checks (regulation.md §5.7-5.10). Shapes such as "8 digits"
 * collide with many other things; the engine only reports those with field
 * context, these functions just answer "is it well-formed".
 */
#include "xb_validate.h"

#include "xb_validate_internal.h"

/*
 * Passport shapes (upper case):
 *   E + letter (not I/O) + 7 digits   electronic ordinary, since April 2017
 *   E + 8 digits                      electronic ordinary, before April 2017
 *   G + 8 digits                      older non-chip ordinary
 *   DE / SE / PE + 7 digits           diplomatic / service / public affairs
 *   D / S / P + 7 digits              the same, older books
 *   S + 8 digits                      older service passports (§5.7 regex)
 *   K + 8 digits                      HKSAR
 *   MA + 7 digits                     MSAR
 */
bool xb_valid_passport(const char *s, size_t n)
{
    if (!s)
        return false;
    if (n == 8)
        return (s[0] == 'D' || s[0] == 'S' || s[0] == 'P') && xbv_all_digits(s + 1, 7);
    if (n != 9)
        return false;
    if (xbv_all_digits(s + 1, 8))
        return s[0] == 'E' || s[0] == 'G' || s[0] == 'K' || s[0] == 'S';
    if (!xbv_all_digits(s + 2, 7))
        return false;
    switch (s[0]) {
    case 'E':
        return xbv_is_upper_no_io(s[1]);
    case 'D':
    case 'S':
    case 'P':
        return s[1] == 'E';
    case 'M':
        return s[1] == 'A';
    default:
        return false;
    }
}

/* H (Hong Kong) or M (Macau) + 8-digit lifetime number, optionally followed
 * by the 2-digit issue count printed on the older cards. */
bool xb_valid_hkmo_home_return_permit(const char *s, size_t n)
{
    if (!s || (n != 9 && n != 11) || (s[0] != 'H' && s[0] != 'M'))
        return false;
    return xbv_all_digits(s + 1, n - 1);
}

/* 8-digit lifetime number (since 2008); or the older 10 digits (8-digit
 * number + 2-digit issue count), optionally followed by the bracketed
 * issuing-authority code, e.g. 0561682001(D). */
bool xb_valid_taiwan_permit(const char *s, size_t n)
{
    if (!s)
        return false;
    if (n == 8 || n == 10)
        return xbv_all_digits(s, n);
    if (n != 13 || !xbv_all_digits(s, 10) || s[10] != '(' || s[12] != ')')
        return false;
    return xbv_is_upper(s[11]) || xbv_is_digit(s[11]);
}

/* Electronic exit-entry permit for mainland residents: C + one digit or
 * letter (not I/O) + 7 digits. */
bool xb_valid_mainland_hkmo_permit(const char *s, size_t n)
{
    if (!s || n != 9 || s[0] != 'C')
        return false;
    if (!xbv_is_digit(s[1]) && !xbv_is_upper_no_io(s[1]))
        return false;
    return xbv_all_digits(s + 2, 7);
}
