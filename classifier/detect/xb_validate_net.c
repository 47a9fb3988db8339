/*
 * xb_validate_net.c - network identifiers: IPv4 dotted quads, IPv6 text forms
 * (RFC 4291 §2.2, incl. "::" and an embedded IPv4 tail) and email addresses
 * (RFC 5321/5322 dot-atom subset).
 *
 * These are strict syntax checks with no allocation and no inet_pton(): the
 * latter accepts locale- and platform-dependent forms (and, for IPv4 on some
 * systems, octal "010"), while reports need one predictable definition.
 */
#include "xb_validate.h"

#include "xb_validate_internal.h"

/* ------------------------------------------------------------------ IPv4 */

bool xb_valid_ipv4(const char *s, size_t n)
{
    if (!s || n < 7 || n > 15)
        return false;
    size_t i = 0;
    for (int octet = 0; octet < 4; octet++) {
        if (octet > 0) {
            if (i >= n || s[i] != '.')
                return false;
            i++;
        }
        size_t start = i;
        int value = 0;
        while (i < n && xbv_is_digit(s[i]) && i - start < 3) {
            value = value * 10 + (s[i] - '0');
            i++;
        }
        size_t len = i - start;
        if (len == 0 || value > 255 || (len > 1 && s[start] == '0'))
            return false;
    }
    return i == n;
}

/* ------------------------------------------------------------------ IPv6 */

static bool is_hex(char c)
{
    return xbv_is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool xb_valid_ipv6(const char *s, size_t n)
{
    /* "::" is the shortest form; 45 = 6 groups of 4 + 6 colons + 15-byte IPv4 */
    if (!s || n < 2 || n > 45)
        return false;
    size_t i = 0;
    int groups = 0;
    bool compressed = false;
    if (s[0] == ':') {
        if (s[1] != ':')
            return false;
        compressed = true;
        i = 2;
        if (i == n)
            return true;
    }
    for (;;) {
        size_t start = i;
        while (i < n && is_hex(s[i]))
            i++;
        if (i < n && s[i] == '.') {
            /* Embedded IPv4: must be the last 32 bits. */
            if (groups > 6 || !xb_valid_ipv4(s + start, n - start))
                return false;
            groups += 2;
            break;
        }
        size_t len = i - start;
        if (len == 0 || len > 4)
            return false;
        groups++;
        if (i == n)
            break;
        if (s[i] != ':' || groups > 8)
            return false;
        i++;
        if (i < n && s[i] == ':') {
            if (compressed)
                return false; /* "::" may appear once */
            compressed = true;
            i++;
            if (i == n)
                break;
        } else if (i == n) {
            return false; /* trailing single ':' */
        }
    }
    /* "::" stands for at least one group of zeros. */
    return compressed ? groups <= 7 : groups == 8;
}

/* ----------------------------------------------------------------- email */

/* RFC 5322 atext: letters, digits and !#$%&'*+-/=?^_`{|}~ */
static bool is_atext(char c)
{
    if (xbv_is_digit(c) || xbv_is_upper(c) || (c >= 'a' && c <= 'z'))
        return true;
    switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*':
    case '+': case '-': case '/': case '=': case '?': case '^': case '_':
    case '`': case '{': case '|': case '}': case '~':
        return true;
    default:
        return false;
    }
}

static bool is_alpha(char c)
{
    return xbv_is_upper(c) || (c >= 'a' && c <= 'z');
}

static bool is_ldh(char c)
{
    return is_alpha(c) || xbv_is_digit(c) || c == '-';
}

/* Dot-atom: atext runs separated by single dots, 1-64 bytes. */
static bool local_part_ok(const char *s, size_t n)
{
    if (n == 0 || n > 64 || s[0] == '.' || s[n - 1] == '.')
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.') {
            if (s[i - 1] == '.')
                return false;
        } else if (!is_atext(s[i])) {
            return false;
        }
    }
    return true;
}

/* Top-level label: 2+ letters, or an IDN TLD in punycode ("xn--..."). */
static bool tld_ok(const char *s, size_t n)
{
    if (n >= 5 && (s[0] == 'x' || s[0] == 'X') && (s[1] == 'n' || s[1] == 'N') &&
        s[2] == '-' && s[3] == '-')
        return true; /* the label itself was checked as LDH */
    if (n < 2)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!is_alpha(s[i]))
            return false;
    return true;
}

/* Host name: 2+ LDH labels of 1-63 bytes, no edge hyphens, total <= 253. */
static bool domain_ok(const char *s, size_t n)
{
    if (n < 4 || n > 253)
        return false;
    size_t label_start = 0;
    int labels = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != '.') {
            if (!is_ldh(s[i]))
                return false;
            continue;
        }
        size_t len = i - label_start;
        if (len == 0 || len > 63 || s[label_start] == '-' || s[i - 1] == '-')
            return false;
        labels++;
        if (i == n)
            return labels >= 2 && tld_ok(s + label_start, len);
        label_start = i + 1;
    }
    return false;
}

bool xb_valid_email(const char *s, size_t n)
{
    if (!s || n < 6 || n > 254) /* a@b.cd */
        return false;
    size_t at = 0;
    while (at < n && s[at] != '@')
        at++;
    if (at == n)
        return false;
    return local_part_ok(s, at) && domain_ok(s + at + 1, n - at - 1);
}
