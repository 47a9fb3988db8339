/*
 * xb_mask_internal.h - building blocks shared by the masking rules
 * (xb_mask.c: digit-style identifiers; xb_mask_net.c: email, IP,
 * coordinates; xb_mask_cjk.c: person names and addresses). Private to
 * classifier/transform.
 */
#ifndef XB_MASK_INTERNAL_H
#define XB_MASK_INTERNAL_H

#include "xb_mask.h"
#include "xb_tf_utf8.h"

/* Characters kept in place by every rule: spaces, dashes, dots, slashes,
 * parentheses, '+', ':', '_', ',', middle dots, their full-width forms and
 * zero-width characters. */
bool xb_mask_is_separator(uint32_t cp);

/* Append the mask character for the original code point cp: U+FF0A for a
 * full-width ASCII form, '*' for anything else (including XB_U8_INVALID). */
xb_status xb_mask_put_star(xb_buf *out, uint32_t cp);

/* Append the code point cp (or '*' when it is XB_U8_INVALID), taking its
 * bytes from s[0..len). */
xb_status xb_mask_put_kept(xb_buf *out, const uint8_t *s, size_t len, uint32_t cp);

/*
 * The workhorse: over the "significant" characters of s (every character
 * that is not a separator), keep the first `head` and the last `tail` and
 * mask the others; separators are copied. When head + tail would leave
 * nothing of the N significant characters masked, at most N / 2 are kept,
 * the head first ("ab" -> "a*", "x" -> "*").
 */
xb_status xb_mask_keep(const uint8_t *s, size_t n, size_t head, size_t tail,
                       xb_buf *out);

/* Number of significant (non-separator) characters in s. */
size_t xb_mask_count_significant(const uint8_t *s, size_t n);

xb_status xb_mask_email(const uint8_t *s, size_t n, xb_buf *out);
xb_status xb_mask_ipv4(const uint8_t *s, size_t n, xb_buf *out);
xb_status xb_mask_ipv6(const uint8_t *s, size_t n, xb_buf *out);
xb_status xb_mask_coordinates(const uint8_t *s, size_t n, xb_buf *out);
xb_status xb_mask_person_name(const uint8_t *s, size_t n, xb_buf *out);
xb_status xb_mask_address(const uint8_t *s, size_t n, xb_buf *out);

#endif
