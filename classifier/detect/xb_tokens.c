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
    /* counts[class]: digits at 1, upper at 2, lower at 4 (saturated below) */
    unsigned counts[5] = {0, 0, 0, 0, 0};
    unsigned separators = 0, dots = 0;
    size_t len = 0;
    bool overflow = false;
    for (;;) {
        /* a run of alphanumerics */
        uint8_t c;
        while (i < n && (c = xb_char_class[s[i]]) != 0) {
            if (len < XB_TOKEN_MAX - 1)
                tok->collapsed[len++] = (char)s[i];
            else
                overflow = true;
            counts[c]++;
            i++;
        }
        /* A single separator between two digits joins the groups. */
        if (i < n && i + 1 < n && is_joiner((char)s[i]) &&
            xb_char_class[s[i - 1]] == XB_C_DIGIT &&
            xb_char_class[s[i + 1]] == XB_C_DIGIT) {
            separators++;
            dots += s[i] == '.';
            i++;
            continue;
        }
        break;
    }
    tok->len = (uint8_t)len;
    tok->digits = (uint8_t)(counts[XB_C_DIGIT] < 255 ? counts[XB_C_DIGIT] : 255);
    tok->upper = (uint8_t)(counts[XB_C_UPPER] < 255 ? counts[XB_C_UPPER] : 255);
    tok->lower = (uint8_t)(counts[XB_C_LOWER] < 255 ? counts[XB_C_LOWER] : 255);
    tok->separators = (uint8_t)(separators < 255 ? separators : 255);
    tok->dots = (uint8_t)(dots < 255 ? dots : 255);
    tok->overflow = overflow;
    tok->end = i;
    tok->collapsed[len] = '\0';
    *pos = i;
    return true;
}
