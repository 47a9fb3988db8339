/*
 * xb_pattern_filter.c - rule out PCRE2 matches with the pattern's own
 * start and required code units (see xb_pattern_filter.h).
 */
#include <string.h>

#include "xb_pattern_filter.h"

static void set_bit(uint8_t *map, unsigned c)
{
    map[c >> 3] |= (uint8_t)(1u << (c & 7));
}

static bool has_bit(const uint8_t *map, unsigned char c)
{
    return map[c >> 3] & (1u << (c & 7));
}

static bool ascii_letter(uint32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

void xb_pattern_filter_init(xb_pattern_filter *f, const pcre2_code *code,
                            bool anchored, bool might_be_caseless)
{
    memset(f, 0, sizeof(*f));
    f->anchored = anchored;
    f->required[0] = f->required[1] = -1;

    uint32_t type = 0, unit = 0;
    if (pcre2_pattern_info(code, PCRE2_INFO_FIRSTCODETYPE, &type) == 0 && type == 1 &&
        pcre2_pattern_info(code, PCRE2_INFO_FIRSTCODEUNIT, &unit) == 0 &&
        (unit < 0x80 || !might_be_caseless)) {
        f->has_start = true;
        set_bit(f->start, unit & 0xFF);
        if (ascii_letter(unit))
            set_bit(f->start, (unit ^ 0x20) & 0xFF);
    } else if (type == 0) {
        const uint8_t *map = NULL;
        if (pcre2_pattern_info(code, PCRE2_INFO_FIRSTBITMAP, &map) == 0 && map) {
            /* PCRE2 uses this bitmap itself to skip start positions: it
             * already holds every case of every possible first byte. */
            f->has_start = true;
            memcpy(f->start, map, sizeof(f->start));
        }
    }

    type = 0;
    if (pcre2_pattern_info(code, PCRE2_INFO_LASTCODETYPE, &type) == 0 && type == 1 &&
        pcre2_pattern_info(code, PCRE2_INFO_LASTCODEUNIT, &unit) == 0 &&
        (unit < 0x80 || !might_be_caseless)) {
        f->required[0] = (int)(unit & 0xFF);
        if (ascii_letter(unit))
            f->required[1] = (int)((unit ^ 0x20) & 0xFF);
    }
}

bool xb_pattern_filter_may_match(const xb_pattern_filter *f, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    /* the required byte first: memchr is the cheapest test */
    if (f->required[0] >= 0 && !memchr(s, f->required[0], n) &&
        (f->required[1] < 0 || !memchr(s, f->required[1], n)))
        return false;
    if (f->has_start) {
        if (f->anchored)
            return n > 0 && has_bit(f->start, u[0]);
        for (size_t i = 0; i < n; i++)
            if (has_bit(f->start, u[i]))
                return true;
        return false;
    }
    return true;
}
