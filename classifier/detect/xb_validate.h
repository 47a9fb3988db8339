/*
 * xb_validate.h - format and check-digit validators for identifiers.
 *
 * Pure functions over already-normalised ASCII (full-width folded, zero-width
 * removed, separators collapsed): they never allocate and never look at
 * context. The detection engine decides which token to hand to which
 * validator and adds context (field names, hotwords) on top.
 *
 * The algorithms follow ../shared/research/regulation.md §5:
 *   resident ID       GB 11643-1999, ISO 7064 MOD 11-2, birth date, region
 *   USCC              GB 32100-2015, mod 31
 *   organisation code GB 11714-1997, mod 11
 *   bank card         Luhn (ISO/IEC 7812), UnionPay 62 BIN
 *   VIN               ISO 3779 / GB 16735-2019 position-9 check digit
 *   IMEI              Luhn over 15 digits
 * Every "valid" function returns false for a failed check digit: the engine
 * never reports a value whose check digit fails.
 */
#ifndef XB_VALIDATE_H
#define XB_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Facts decoded from a resident-ID-shaped number. */
typedef struct xb_id_info {
    int year, month, day; /* birth date */
    int region;           /* 6-digit address code */
    int sex;              /* 1 male, 2 female */
} xb_id_info;

/* ISO 7064 MOD 11-2 check character ('0'-'9' or 'X') of 17 digits. */
char xb_mod11_2_check(const char *digits17);

/* 18-character citizen ID: digits + check [0-9X], first digit 1-8, province
 * code (11-15, 21-23, 31-37, 41-46, 50-54, 61-65, 71), real birth date between
 * 1800-01-01 and today in China (UTC+8), MOD 11-2. Lower-case x accepted.
 * info may be NULL. */
bool xb_valid_ric18(const char *s, size_t n, xb_id_info *info);
/* Legacy 15-digit ID: province code, real 19YYMMDD date. No check digit. */
bool xb_valid_ric15(const char *s, size_t n, xb_id_info *info);
/* HK/Macau/Taiwan residents' residence permit: 18 characters with address
 * code 810000, 820000 or 830000, date and MOD 11-2. */
bool xb_valid_hmt_residence(const char *s, size_t n, xb_id_info *info);
/* Foreign permanent residence ID, 2023 form: 18 characters starting with 9,
 * birth date in positions 7-14, MOD 11-2. */
bool xb_valid_foreign_pr_2023(const char *s, size_t n, xb_id_info *info);
/* Foreign permanent residence ID, 2017 form: 3 upper-case letters, then 12
 * digits: a province code as in citizen IDs (positions 4-5), a real YYMMDD
 * birth date (positions 6-11) and 4 more digits. */
bool xb_valid_foreign_pr_2017(const char *s, size_t n);

/* Unified social credit code, 18 characters over 0-9A-HJ-NPQRTUWXY, mod 31. */
bool xb_valid_uscc(const char *s, size_t n);
/* Organisation code: 8 characters + check [0-9X], with or without '-'. */
bool xb_valid_org_code(const char *s, size_t n);

/* Mainland mobile number: 11 digits on an allocated prefix (MIIT table,
 * March 2023, incl. 192). The caller strips +86 / 86 / 0086. */
bool xb_valid_mobile(const char *s, size_t n);
/* 13-digit IoT number on prefixes 140-144. */
bool xb_valid_iot_number(const char *s, size_t n);
/* Landline with area code, digits only (separators removed): 0 + area code
 * (10, 2x, or a 3-digit code) + local number starting 2-8: 8 digits after
 * 010/02x, 7 or 8 after a 3-digit code (11 or 12 digits in all). */
bool xb_valid_landline(const char *s, size_t n);

/* Luhn check over n digits. */
bool xb_luhn_ok(const char *s, size_t n);
/* Bank card number: 16-19 digits, Luhn, and a plausible issuer prefix
 * (the accepted IIN ranges are listed in the .c). *unionpay (may be NULL) is
 * set to true when a valid number starts with 62 (UnionPay), which raises
 * confidence, and to false otherwise. */
bool xb_valid_bank_card(const char *s, size_t n, bool *unionpay);

/* Passport: E + letter (not I/O) + 7 digits (since April 2017), E + 8 digits,
 * G + 8 digits, DE/SE/PE + 7 digits, D/S/P + 7 digits, S + 8 digits, K + 8
 * digits (HKSAR), MA + 7 digits (MSAR). Upper case only. */
bool xb_valid_passport(const char *s, size_t n);
/* Mainland travel permit for HK/Macau residents: H or M + 8 digits, optionally
 * + 2-digit issue count. */
bool xb_valid_hkmo_home_return_permit(const char *s, size_t n);
/* Mainland travel permit for Taiwan residents: 8 digits (since 2008), or 10
 * digits with an optional bracketed upper-case letter/digit as in
 * 0561682001(D) (13 bytes). The 8-digit form is only meaningful with field
 * context. */
bool xb_valid_taiwan_permit(const char *s, size_t n);
/* Exit-entry permit for mainland residents travelling to HK/Macau: C + one
 * digit or letter (not I/O) + 7 digits. */
bool xb_valid_mainland_hkmo_permit(const char *s, size_t n);

/* Licence plate, UTF-8: province character + authority letter + 5 characters
 * (ordinary: digits and letters without I/O, at most 2 letters; the last may
 * be 挂学警港澳), or new-energy 8-character forms (small: letter + D/F +
 * letter/digit + 4 digits; large: 5 digits + D/F). Returns the byte length of
 * the longest plate starting at s (0 when none does); the caller checks that
 * no letter or digit follows. */
size_t xb_match_plate(const char *s, size_t n);

/* VIN: 17 characters without I, O, Q, position-9 check digit. */
bool xb_valid_vin(const char *s, size_t n);
/* IMEI: 15 digits, Luhn. */
bool xb_valid_imei(const char *s, size_t n);

/* Dotted-quad IPv4 with each octet 0-255 and no leading zeros. */
bool xb_valid_ipv4(const char *s, size_t n);
/* IPv6 text form (RFC 4291 / 5952, with :: and embedded IPv4). */
bool xb_valid_ipv6(const char *s, size_t n);
/* Email address: dot-atom local part, domain with a dot and a 2+ letter
 * TLD, total <= 254. */
bool xb_valid_email(const char *s, size_t n);

/* Coordinates: true when a latitude/longitude pair lies inside China's
 * extent (lon 73.5-135.1, lat 3.8-53.6, with the large areas of neighbouring
 * countries inside that box excluded as documented in the .c). Precision
 * (decimal places) is judged by the caller from the text. */
bool xb_valid_cn_coordinates(double lat, double lon);

/* Postal code shape: 6 digits whose first two digits are an allocated zone
 * between 01 and 86 (the list is in the .c). Only reported with field-name
 * context. */
bool xb_valid_postal_code(const char *s, size_t n);

#endif
