/*
 * xb_validate_phone.c - mainland telephone numbers: 11-digit mobile numbers on
 * allocated prefixes, 13-digit IoT numbers, and landlines with area code.
 *
 * Mobile numbers have no check digit, so the only defence against arbitrary
 * 11-digit integers starting with 1 is the allocation table itself. It is the
 * MIIT table as of end-March 2023 (regulation.md §5.4), encoded below prefix
 * by prefix; unallocated blocks (154, 179, 194, 10x-12x, most of 14x/16x/174)
 * are rejected.
 */
#include "xb_validate.h"

#include "xb_validate_internal.h"

/*
 * Allocation by network code. p[0] is '1'; p[1..4] are the next digits.
 *   13x  all (1340-1348 mobile, 1349 satellite)
 *   14x  145-149 (140-144 are 13-digit IoT numbers, see below)
 *   15x  all but 154
 *   16x  162, 165, 166, 167, and 1619 (satellite)
 *   17x  170-173, 175-178; 174 only 1740x (telecom 17400-05, satellite
 *        17406-09), 17410-17412 and 1749 (satellite); 179 unallocated
 *   18x  all
 *   19x  all but 194 (192 = China Broadnet)
 */
static bool mobile_prefix_allocated(const char *p)
{
    char b = p[1], c = p[2];
    switch (b) {
    case '3':
    case '8':
        return true;
    case '4':
        return c >= '5';
    case '5':
    case '9':
        return c != '4';
    case '6':
        return c == '2' || c == '5' || c == '6' || c == '7' ||
               (c == '1' && p[3] == '9');
    case '7':
        if (c == '9')
            return false;
        if (c != '4')
            return true;
        return p[3] == '0' || p[3] == '9' || (p[3] == '1' && p[4] <= '2');
    default:
        return false;
    }
}

bool xb_valid_mobile(const char *s, size_t n)
{
    if (!s || n != 11 || s[0] != '1' || !xbv_all_digits(s, 11))
        return false;
    return mobile_prefix_allocated(s);
}

bool xb_valid_iot_number(const char *s, size_t n)
{
    if (!s || n != 13 || s[0] != '1' || s[1] != '4' || s[2] < '0' || s[2] > '4')
        return false;
    return xbv_all_digits(s, 13);
}

/*
 * Area codes: 010 (Beijing) and 020-029 (the large regional centres) are
 * followed by 8-digit local numbers; every other area code has three digits
 * after the trunk 0 (0311, 0755 ...) and 7- or 8-digit local numbers. Local
 * numbers start with 2-8 (0 is the trunk prefix, 1 special services, 9 was
 * historically used for paging/mobile).
 */
bool xb_valid_landline(const char *s, size_t n)
{
    if (!s || n < 11 || n > 12 || s[0] != '0' || !xbv_all_digits(s, n))
        return false;
    size_t area_len; /* including the trunk 0 */
    if (s[1] == '1') {
        if (s[2] != '0')
            return false;
        area_len = 3;
    } else if (s[1] == '2') {
        area_len = 3;
    } else if (s[1] >= '3') {
        area_len = 4;
    } else {
        return false; /* 00 is the international prefix */
    }
    size_t local_len = n - area_len;
    if (area_len == 3 ? local_len != 8 : (local_len != 7 && local_len != 8))
        return false;
    char first = s[area_len];
    return first >= '2' && first <= '8';
}
