/*
 * xb_pattern_filter.h - a cheap test that tells when a compiled PCRE2
 * pattern cannot match a subject, so that pcre2_match is not called at all.
 *
 * Catalog patterns are few, but they are tried on every token, value or
 * text of the body; most subjects cannot match (a token pattern that starts
 * with "rs" against a 13-digit number). PCRE2 knows, after compiling, which
 * bytes a match can start with (first code unit, or a 256-bit start bitmap)
 * and one code unit every match must contain (the "last" required code
 * unit). Checking those two facts in C costs a few nanoseconds; a
 * pcre2_match call that fails costs tens to hundreds.
 *
 * The filter only ever answers "cannot match" when PCRE2's own facts say
 * so. Where case folding could make a byte test wrong (a caseless pattern
 * whose first or required unit is a non-ASCII byte, where the other case
 * may begin with another byte), that fact is not used.
 */
#ifndef XB_PATTERN_FILTER_H
#define XB_PATTERN_FILTER_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct xb_pattern_filter {
    bool anchored;         /* a match starts at offset 0 only */
    bool has_start;        /* start[] says which bytes a match can start with */
    uint8_t start[32];     /* bitmap over bytes */
    int required[2];       /* bytes of which one must occur (both cases), -1 = none */
} xb_pattern_filter;

/* Derive the filter from a compiled pattern. might_be_caseless: the pattern
 * was compiled with PCRE2_CASELESS or may switch it on inline. */
void xb_pattern_filter_init(xb_pattern_filter *f, const pcre2_code *code,
                            bool anchored, bool might_be_caseless);

/* False when no match of the pattern can exist in s[0..n). */
bool xb_pattern_filter_may_match(const xb_pattern_filter *f, const char *s, size_t n);

#endif
