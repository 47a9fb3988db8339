/*
 * xb_validate_card.c - Luhn-checked numbers: bank card PANs (ISO/IEC 7812)
 * and IMEIs.
 *
 * Luhn alone lets one in ten random digit strings through, and JSON bodies
 * are full of 16-19-digit integers: order numbers that start with a date
 * (2024110512345678), microsecond/nanosecond timestamps (17..., 16/19
 * digits), snowflake IDs (1...). So a PAN must also start with an issuer
 * identification number (IIN) of a scheme that actually issues cards in or
 * into China. Accepted IIN ranges:
 *
 *   62            China UnionPay (the domestic range; *unionpay is set)
 *   4             Visa
 *   51-55         Mastercard
 *   2221-2720     Mastercard 2-series
 *   3528-3589     JCB
 *   60, 64, 65    Discover / Diners (6011, 644-649, 65) and legacy domestic
 *                 ranges such as Bank of China's 601382
 *   95, 19 digits legacy domestic debit cards issued before the UnionPay
 *                 62 range (ICBC 9558..., ABC 9559...); 19 digits only,
 *                 because other lengths starting with 9 are far more often
 *                 generated IDs than cards
 *
 * Rejected on purpose: 0, 1 (timestamps, snowflake IDs), 2 outside
 * 2221-2720 (date-prefixed order numbers 20xxxxxx...), 34/37 (American
 * Express is 15 digits, outside 16-19), other 3x, 7, 8 (petroleum and
 * private ranges, rarely seen), and other 9x. The trade-off is documented in
 * docs/validators.md.
 */
#include "xb_validate.h"

#include "xb_validate_internal.h"

bool xb_luhn_ok(const char *s, size_t n)
{
    if (!s || n == 0)
        return false;
    unsigned sum = 0;
    bool dbl = false;
    for (size_t i = n; i-- > 0;) {
        if (!xbv_is_digit(s[i]))
            return false;
        unsigned d = (unsigned)(s[i] - '0');
        if (dbl) {
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        sum += d;
        dbl = !dbl;
    }
    return sum % 10 == 0;
}

/* IIN plausibility; s has at least 16 digits. */
static bool issuer_plausible(const char *s, size_t n, bool *unionpay)
{
    int two = xbv_two(s), four = xbv_four(s);
    switch (s[0]) {
    case '4':
        return true;
    case '5':
        return two >= 51 && two <= 55;
    case '2':
        return four >= 2221 && four <= 2720;
    case '3':
        return four >= 3528 && four <= 3589;
    case '6':
        if (two == 62) {
            *unionpay = true;
            return true;
        }
        return two == 60 || two == 64 || two == 65;
    case '9':
        return two == 95 && n == 19;
    default:
        return false;
    }
}

bool xb_valid_bank_card(const char *s, size_t n, bool *unionpay)
{
    bool up = false;
    bool ok = s && n >= 16 && n <= 19 && xbv_all_digits(s, n) &&
              issuer_plausible(s, n, &up) && xb_luhn_ok(s, n);
    if (unionpay)
        *unionpay = ok && up;
    return ok;
}

bool xb_valid_imei(const char *s, size_t n)
{
    return s && n == 15 && xb_luhn_ok(s, n);
}
