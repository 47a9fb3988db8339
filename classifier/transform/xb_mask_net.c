/*
 * xb_mask_net.c - masking rules whose shape is not "keep N characters":
 * email addresses, IPv4 / IPv6 addresses and coordinates. See xb_mask.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xb_mask_internal.h"

/* Copy s[0..n), masking invalid bytes. */
static xb_status copy_valid(const uint8_t *s, size_t n, xb_buf *out)
{
    size_t i = 0;
    xb_status st = XB_OK;
    while (i < n && st == XB_OK) {
        uint32_t cp;
        size_t len = xb_u8_decode(s + i, n - i, &cp);
        st = xb_mask_put_kept(out, s + i, len, cp);
        i += len;
    }
    return st;
}

/* ----------------------------------------------------------------- email */

/* z***@example.com: the first character of the local part, a fixed "***"
 * (so the length is not revealed), the domain as written. A one-character
 * local part is not kept at all. */
xb_status xb_mask_email(const uint8_t *s, size_t n, xb_buf *out)
{
    size_t at = n, at_len = 0, i = 0;
    while (i < n) {
        uint32_t cp;
        size_t len = xb_u8_decode(s + i, n - i, &cp);
        if (cp == '@' || cp == 0xFF20) { /* '@' or full-width '＠' */
            at = i;
            at_len = len;
        }
        i += len;
    }
    if (at == n || at == 0)
        return xb_mask_keep(s, n, 1, 1, out);
    uint32_t first;
    size_t first_len = xb_u8_decode(s, at, &first);
    xb_status st = XB_OK;
    if (first_len < at)
        st = xb_mask_put_kept(out, s, first_len, first);
    if (st == XB_OK)
        st = xb_buf_append(out, "***", 3);
    if (st == XB_OK)
        st = xb_buf_append(out, s + at, at_len);
    if (st == XB_OK)
        st = copy_valid(s + at + at_len, n - at - at_len, out);
    return st;
}

/* ------------------------------------------------------------------- IP */

static bool is_dot(uint32_t cp)
{
    return cp == '.' || cp == 0xFF0E || cp == 0x3002; /* . ． 。 */
}

/* 192.168.*.*: after the second dot every run of digits becomes one '*'. */
xb_status xb_mask_ipv4(const uint8_t *s, size_t n, xb_buf *out)
{
    size_t dots = 0, i = 0;
    bool in_run = false;
    xb_status st = XB_OK;
    while (i < n && st == XB_OK) {
        uint32_t cp;
        size_t len = xb_u8_decode(s + i, n - i, &cp);
        bool digit = cp != XB_U8_INVALID && xb_is_any_digit(cp);
        if (dots >= 2 && (digit || cp == XB_U8_INVALID)) {
            if (!in_run)
                st = xb_mask_put_star(out, cp);
            in_run = true;
        } else {
            in_run = false;
            if (cp != XB_U8_INVALID && is_dot(cp))
                dots++;
            st = xb_mask_put_kept(out, s + i, len, cp);
        }
        i += len;
    }
    return st;
}

/* 2001:db8:85a3:*:*:*:*:*: the first three groups are kept (a /48 network);
 * from the third ':' (or a "::", whichever comes first) on, every run of
 * letters and digits becomes one '*'. */
xb_status xb_mask_ipv6(const uint8_t *s, size_t n, xb_buf *out)
{
    size_t colons = 0, i = 0;
    bool cut = false, in_run = false, prev_colon = false;
    xb_status st = XB_OK;
    while (i < n && st == XB_OK) {
        uint32_t cp;
        size_t len = xb_u8_decode(s + i, n - i, &cp);
        uint32_t a = cp == XB_U8_INVALID ? 0 : xb_fold_fullwidth(cp);
        bool alnum = (a >= '0' && a <= '9') || (a >= 'a' && a <= 'z') ||
                     (a >= 'A' && a <= 'Z') || cp == XB_U8_INVALID;
        if (cut && alnum) {
            if (!in_run)
                st = xb_mask_put_star(out, cp);
            in_run = true;
        } else {
            in_run = false;
            if (a == ':') {
                colons++;
                if (colons >= 3 || prev_colon)
                    cut = true;
            }
            st = xb_mask_put_kept(out, s + i, len, cp);
        }
        prev_colon = a == ':';
        i += len;
    }
    return st;
}

/* ---------------------------------------------------------- coordinates */

/* Every decimal number with more than two decimals is rounded to two
 * (about 1 km); other characters are kept. Full-width digits of a rounded
 * number are written as ASCII. */
xb_status xb_mask_coordinates(const uint8_t *s, size_t n, xb_buf *out)
{
    size_t i = 0;
    xb_status st = XB_OK;
    while (i < n && st == XB_OK) {
        /* Try to read [sign] digits '.' digits starting at i. */
        char num[64];
        size_t k = 0, j = i, decimals = 0;
        bool dot = false, digits_before = false;
        uint32_t cp;
        size_t len = xb_u8_decode(s + j, n - j, &cp);
        uint32_t a = cp == XB_U8_INVALID ? 0 : xb_fold_fullwidth(cp);
        if (a == '-' || a == '+') {
            num[k++] = (char)a;
            j += len;
        }
        while (j < n && k < sizeof(num) - 1) {
            len = xb_u8_decode(s + j, n - j, &cp);
            a = cp == XB_U8_INVALID ? 0 : xb_fold_fullwidth(cp);
            if (a >= '0' && a <= '9') {
                if (dot)
                    decimals++;
                else
                    digits_before = true;
            } else if (a == '.' && !dot && digits_before) {
                dot = true;
            } else {
                break;
            }
            num[k++] = (char)a;
            j += len;
        }
        num[k] = '\0';
        if (digits_before && decimals > 2 && k < sizeof(num) - 1) {
            double v = strtod(num, NULL);
            char r[64];
            int w = snprintf(r, sizeof(r), "%s%.2f",
                             (num[0] == '+') ? "+" : "", v);
            if (w > 0 && (size_t)w < sizeof(r))
                st = xb_buf_append(out, r, (size_t)w);
            i = j;
            continue;
        }
        if (digits_before) {
            /* A number kept as written (at most two decimals); digits and
             * sign are copied from the source. */
            while (i < j && st == XB_OK) {
                len = xb_u8_decode(s + i, n - i, &cp);
                st = xb_mask_put_kept(out, s + i, len, cp);
                i += len;
            }
            continue;
        }
        len = xb_u8_decode(s + i, n - i, &cp);
        st = xb_mask_put_kept(out, s + i, len, cp);
        i += len;
    }
    return st;
}
