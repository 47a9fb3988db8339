/* xb_tokens.c - single-pass candidate token scanner; see xb_tokens.h. */
#include "xb_tokens.h"

#define D XB_C_DIGIT
#define U XB_C_UPPER
#define L XB_C_LOWER
const uint8_t xb_char_class[256] = {
    ['0'] = D, ['1'] = D, ['2'] = D, ['3'] = D, ['4'] = D,
    ['5'] = D, ['6'] = D, ['7'] = D, ['8'] = D, ['9'] = D,
    ['A'] = U, ['B'] = U, ['C'] = U, ['D'] = U, ['E'] = U, ['F'] = U,
    ['G'] = U, ['H'] = U, ['I'] = U, ['J'] = U, ['K'] = U, ['L'] = U,
    ['M'] = U, ['N'] = U, ['O'] = U, ['P'] = U, ['Q'] = U, ['R'] = U,
    ['S'] = U, ['T'] = U, ['U'] = U, ['V'] = U, ['W'] = U, ['X'] = U,
    ['Y'] = U, ['Z'] = U,
    ['a'] = L, ['b'] = L, ['c'] = L, ['d'] = L, ['e'] = L, ['f'] = L,
    ['g'] = L, ['h'] = L, ['i'] = L, ['j'] = L, ['k'] = L, ['l'] = L,
    ['m'] = L, ['n'] = L, ['o'] = L, ['p'] = L, ['q'] = L, ['r'] = L,
    ['s'] = L, ['t'] = L, ['u'] = L, ['v'] = L, ['w'] = L, ['x'] = L,
    ['y'] = L, ['z'] = L,
};
#undef D
#undef U
#undef L

static inline bool is_joiner(char c)
{
    return c == ' ' || c == '-' || c == '.';
}

bool xb_next_token(const char *t, size_t n, size_t *pos, xb_token *tok)
{
    const unsigned char *s = (const unsigned char *)t;
    size_t i = *pos;
    while (i < n && !(xb_char_class[s[i]] & XB_C_ALNUM))
        i++;
    if (i >= n) {
        *pos = n;
        return false;
    }
    tok->start = i;
    tok->len = 0;
    tok->digits = tok->upper = tok->lower = 0;
    tok->separators = tok->dots = 0;
    tok->overflow = false;
    for (;;) {
        uint8_t c = xb_char_class[s[i]];
        if (c) {
            if (tok->len < XB_TOKEN_MAX - 1)
                tok->collapsed[tok->len++] = (char)s[i];
            else
                tok->overflow = true;
            if (c == XB_C_DIGIT)
                tok->digits += tok->digits < 255;
            else if (c == XB_C_UPPER)
                tok->upper += tok->upper < 255;
            else
                tok->lower += tok->lower < 255;
            i++;
            if (i < n)
                continue;
            break;
        }
        /* A single separator between two digits joins the groups. */
        if (is_joiner((char)s[i]) && i + 1 < n &&
            xb_char_class[s[i - 1]] == XB_C_DIGIT &&
            xb_char_class[s[i + 1]] == XB_C_DIGIT) {
            tok->separators += tok->separators < 255;
            if (s[i] == '.')
                tok->dots += tok->dots < 255;
            i++;
            continue;
        }
        break;
    }
    tok->end = i;
    tok->collapsed[tok->len] = '\0';
    *pos = i;
    return true;
}
