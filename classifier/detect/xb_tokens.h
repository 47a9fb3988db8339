/*
 * xb_tokens.h - find candidate identifier tokens in normalised text in one
 * pass.
 *
 * Running every PCRE2 pattern over every byte is what makes regex-based DLP
 * slow. Instead, one linear scan cuts the text into alphanumeric tokens and
 * reports, for each, its letters/digits profile and its "collapsed" form with
 * separators removed. Digit groups joined by a single space, '-' or '.'
 * (138 0013 8000, 110105-19491231-002X) form one token; letters and digits
 * glued together (E12345678, 91110000600037341L) are one token; anything else
 * ends a token. Validators and anchored patterns then look only at tokens of
 * a plausible shape.
 */
#ifndef XB_TOKENS_H
#define XB_TOKENS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XB_TOKEN_MAX 40

typedef struct xb_token {
    size_t start, end;            /* in the normalised text, separators included */
    char collapsed[XB_TOKEN_MAX]; /* alphanumerics only, NUL-terminated */
    uint8_t len;                  /* length of collapsed */
    uint8_t digits, upper, lower; /* character counts */
    uint8_t separators;           /* joined separators inside the token */
    uint8_t dots;                 /* of which '.' */
    bool overflow;                /* more than XB_TOKEN_MAX-1 alphanumerics */
} xb_token;

/* Character classes of ASCII bytes. */
enum { XB_C_DIGIT = 1, XB_C_UPPER = 2, XB_C_LOWER = 4, XB_C_ALNUM = 7 };
extern const uint8_t xb_char_class[256];

/*
 * Find the next token at or after *pos in t[0..n). Returns false when there
 * is none. On success *tok is filled and *pos is advanced past it.
 */
bool xb_next_token(const char *t, size_t n, size_t *pos, xb_token *tok);

#endif
