/*
 * xb_field_opaque.c - see xb_field_opaque.h.
 */
#include "xb_field_opaque.h"

static bool is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

bool xb_field_opaque(const char *name, size_t len)
{
    if (!name || len == 0)
        return false;
    if (len == 1)
        return is_letter(name[0]) || is_digit(name[0]);
    size_t i = 0;
    while (i < len && i < 3 && is_letter(name[i]))
        i++;
    if (i < len && i > 0 && (name[i] == '_' || name[i] == '-'))
        i++;
    size_t groups = 0;
    while (i < len) {
        size_t d = i;
        while (i < len && is_digit(name[i]))
            i++;
        if (i == d)
            return false;
        groups++;
        if (i < len) {
            if (name[i] != '_' && name[i] != '-')
                return false;
            i++;
            if (i == len)
                return false;
        }
    }
    return groups > 0;
}
