/*
 * xb_validate_org.c - organisation identifiers: the unified social credit code
 * (统一社会信用代码, GB 32100-2015) and the older organisation code
 * (组织机构代码, GB 11714-1997), which also forms positions 9-17 of a USCC.
 *
 * Both carry a weighted check character (mod 31 and mod 11), so an 18- or
 * 9-character token that passes is rarely an accident; see regulation.md
 * §5.2 and §5.3 for the algorithms and vectors.
 */
#include "xb_validate.h"

#include <string.h>

#include "xb_validate_internal.h"

/* The 31 USCC symbols: digits and upper-case letters without I, O, Z, S, V. */
static const char uscc_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* Weights 3^i mod 31 for the 17 body positions. */
static const unsigned char uscc_weights[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                               29, 25, 13, 8,  24, 10, 30, 28};

/* Value of a USCC symbol, -1 when c is not in the alphabet. */
static int uscc_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    switch (c) {
    case 'A': return 10;
    case 'B': return 11;
    case 'C': return 12;
    case 'D': return 13;
    case 'E': return 14;
    case 'F': return 15;
    case 'G': return 16;
    case 'H': return 17;
    case 'J': return 18;
    case 'K': return 19;
    case 'L': return 20;
    case 'M': return 21;
    case 'N': return 22;
    case 'P': return 23;
    case 'Q': return 24;
    case 'R': return 25;
    case 'T': return 26;
    case 'U': return 27;
    case 'W': return 28;
    case 'X': return 29;
    case 'Y': return 30;
    default: return -1;
    }
}

/* The structure of GB 32100-2015: position 1 is the registering
 * department (1 机构编制, 2 外交, 3 司法行政, 4 文化, 5 民政, 6 旅游, 7 宗教,
 * 8 工会, 9 工商 / 市场监管, A 中央军委改革和编制办公室, N 农业, Y 其他);
 * position 2 the organisation category (1-9, never 0); positions 3-8 the
 * administrative division of the registering office (GB/T 2260: a province
 * code, or 100000 for organisations registered at national level). A random
 * 18-digit number that passes mod 31 by chance (order numbers such as
 * 202406134002790769) fails here about four times in five. */
static bool uscc_structure_ok(const char *s)
{
    if (!strchr("123456789ANY", s[0]) || s[1] < '1' || s[1] > '9')
        return false;
    if (!xbv_all_digits(s + 2, 6))
        return false;
    int p = (s[2] - '0') * 10 + (s[3] - '0');
    return p == 10 || (p >= 11 && p <= 15) || (p >= 21 && p <= 23) ||
           (p >= 31 && p <= 37) || (p >= 41 && p <= 46) || (p >= 50 && p <= 54) ||
           (p >= 61 && p <= 65) || p == 71 || p == 81 || p == 82;
}

bool xb_valid_uscc(const char *s, size_t n)
{
    if (!s || n != 18)
        return false;
    /* Registering department, category, administrative-division code. */
    if (!uscc_structure_ok(s))
        return false;
    unsigned sum = 0;
    for (int i = 0; i < 17; i++) {
        int v = uscc_value(s[i]);
        if (v < 0)
            return false;
        sum += (unsigned)v * uscc_weights[i];
    }
    unsigned check = (31 - sum % 31) % 31;
    return s[17] == uscc_alphabet[check];
}

/* Organisation-code body symbol: digit 0-9 or letter A=10 ... Z=35. */
static int org_value(char c)
{
    if (xbv_is_digit(c))
        return c - '0';
    if (xbv_is_upper(c))
        return c - 'A' + 10;
    return -1;
}

bool xb_valid_org_code(const char *s, size_t n)
{
    static const unsigned char weights[8] = {3, 7, 9, 10, 5, 8, 4, 2};
    if (!s)
        return false;
    char check;
    if (n == 9)
        check = s[8];
    else if (n == 10 && s[8] == '-')
        check = s[9];
    else
        return false;
    unsigned sum = 0;
    for (int i = 0; i < 8; i++) {
        int v = org_value(s[i]);
        if (v < 0)
            return false;
        sum += (unsigned)v * weights[i];
    }
    unsigned c = 11 - sum % 11; /* 1..11 */
    char expected = c == 10 ? 'X' : c == 11 ? '0' : (char)('0' + c);
    return check == expected;
}
