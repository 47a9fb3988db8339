/*
 * xb_validate_vehicle.c - vehicle identifiers: mainland licence plates
 * (机动车号牌, UTF-8, GA 36) and the 17-character VIN (GB 16735-2019 /
 * ISO 3779) with its position-9 check digit.
 *
 * Plates are matched, not just validated: the scanner hands over the text at
 * a province character and gets back how many bytes form a plate, so that
 * "京A12345D" is one new-energy plate and not an ordinary plate plus a D.
 * Formats follow regulation.md §5.13 and §5.14.
 */
#include "xb_validate.h"

#include <string.h>

#include "xb_validate_internal.h"

/* The 31 province-level abbreviations that open a civil plate (3 UTF-8
 * bytes each). */
static const char plate_provinces[][4] = {
    "京", "津", "沪", "渝", "冀", "豫", "云", "辽", "黑", "湘", "皖",
    "鲁", "新", "苏", "浙", "赣", "鄂", "桂", "甘", "晋", "蒙", "陕",
    "吉", "闽", "贵", "粤", "青", "藏", "川", "宁", "琼",
};

/* Suffix characters of special ordinary plates: trailer, learner, police,
 * Hong Kong and Macau cross-border vehicles. */
static const char plate_suffixes[][4] = {"挂", "学", "警", "港", "澳"};

#define UTF8_CJK_LEN 3

static bool is_province(const char *s)
{
    unsigned char lead = (unsigned char)s[0];
    if (lead < 0xE4 || lead > 0xE9) /* all 31 lie in U+4E00..U+9FFF */
        return false;
    for (size_t i = 0; i < sizeof plate_provinces / sizeof plate_provinces[0]; i++)
        if (!memcmp(s, plate_provinces[i], UTF8_CJK_LEN))
            return true;
    return false;
}

static bool is_suffix(const char *s)
{
    for (size_t i = 0; i < sizeof plate_suffixes / sizeof plate_suffixes[0]; i++)
        if (!memcmp(s, plate_suffixes[i], UTF8_CJK_LEN))
            return true;
    return false;
}

/* Serial character: digit or upper-case letter other than I/O. */
static bool serial_char(char c)
{
    return xbv_is_digit(c) || xbv_is_upper_no_io(c);
}

static bool d_or_f(char c)
{
    return c == 'D' || c == 'F';
}

/* Ordinary serial s[0..k): serial characters with at most two letters (the
 * GA 36 serial patterns, incl. self-chosen numbers, never use more; the
 * limit keeps words such as "云SERVER" from reading as plates). */
static bool ordinary_serial(const char *s, size_t k)
{
    int letters = 0;
    for (size_t i = 0; i < k; i++) {
        if (!serial_char(s[i]))
            return false;
        letters += xbv_is_upper(s[i]);
    }
    return letters <= 2;
}

size_t xb_match_plate(const char *s, size_t n)
{
    /* province (3 bytes) + authority letter + at least 5 serial bytes */
    if (!s || n < UTF8_CJK_LEN + 6 || !is_province(s))
        return 0;
    const char *p = s + UTF8_CJK_LEN;
    size_t rest = n - UTF8_CJK_LEN;
    if (!xbv_is_upper_no_io(p[0]))
        return 0;
    const char *q = p + 1; /* serial */
    /* New-energy plates: 6 serial characters. */
    if (rest >= 7) {
        bool small_nev = d_or_f(q[0]) && serial_char(q[1]) && xbv_all_digits(q + 2, 4);
        bool large_nev = xbv_all_digits(q, 5) && d_or_f(q[5]);
        if (small_nev || large_nev)
            return UTF8_CJK_LEN + 7;
    }
    /* Special ordinary plates: 4 serial characters + 挂/学/警/港/澳. */
    if (rest >= 1 + 4 + UTF8_CJK_LEN && ordinary_serial(q, 4) && is_suffix(q + 4))
        return UTF8_CJK_LEN + 1 + 4 + UTF8_CJK_LEN;
    /* Ordinary plates: 5 serial characters. */
    if (ordinary_serial(q, 5))
        return UTF8_CJK_LEN + 6;
    return 0;
}

/* ISO 3779 transliteration; 0 for characters never used in a VIN. */
static int vin_value(char c)
{
    if (xbv_is_digit(c))
        return c - '0';
    static const signed char letters[26] = {
        /* A  B  C  D  E  F  G  H  I  J  K  L  M */
           1, 2, 3, 4, 5, 6, 7, 8, -1, 1, 2, 3, 4,
        /* N  O  P  Q  R  S  T  U  V  W  X  Y  Z */
           5, -1, 7, -1, 9, 2, 3, 4, 5, 6, 7, 8, 9,
    };
    if (xbv_is_upper(c))
        return letters[c - 'A'];
    return -1;
}

bool xb_valid_vin(const char *s, size_t n)
{
    static const unsigned char weights[17] = {8, 7, 6, 5, 4, 3, 2, 10, 0,
                                              9, 8, 7, 6, 5, 4, 3, 2};
    if (!s || n != 17)
        return false;
    unsigned sum = 0;
    for (int i = 0; i < 17; i++) {
        int v = vin_value(s[i]);
        if (v < 0)
            return false;
        sum += (unsigned)v * weights[i];
    }
    unsigned r = sum % 11;
    char expected = r == 10 ? 'X' : (char)('0' + r);
    return s[8] == expected;
}
