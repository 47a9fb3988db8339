/*
 * xb_content_type.c - read one parameter from a Content-Type header value.
 *
 * Parsers need boundary= (multipart) and charset= (text formats); the JSON
 * parser reads the media type itself. Grammar (RFC 9110 §8.3.1, §5.6.6):
 *   media-type = type "/" subtype *( OWS ";" OWS parameter )
 *   parameter  = name "=" ( token / quoted-string )
 * Parameter names are case-insensitive; values are returned as written,
 * quoted-strings unquoted with their quoted-pairs (\x) resolved. A ';' inside
 * a quoted value does not end the parameter. The first occurrence wins.
 */
#include <string.h>
#include <strings.h>

#include "xb_parser.h"

static bool is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* Store byte c at out[*n] if it fits (leaving room for the NUL). */
static void put(char *out, size_t out_size, size_t *n, char c)
{
    if (out && *n + 1 < out_size)
        out[*n] = c;
    (*n)++;
}

static void terminate(char *out, size_t out_size, size_t n)
{
    if (out && out_size > 0)
        out[n < out_size ? n : out_size - 1] = '\0';
}

bool xb_content_type_param(const char *content_type, const char *name,
                           char *out, size_t out_size)
{
    if (!content_type || !name || !*name)
        return false;
    size_t name_len = strlen(name);
    const char *s = strchr(content_type, ';'); /* media type has no quotes */
    while (s && *s == ';') {
        s++;
        while (is_ows(*s))
            s++;
        const char *pname = s;
        while (*s && *s != '=' && *s != ';' && !is_ows(*s))
            s++;
        size_t plen = (size_t)(s - pname);
        while (is_ows(*s))
            s++;
        if (*s != '=') {
            /* a parameter without a value: skip to the next ';' */
            s = strchr(s, ';');
            continue;
        }
        s++;
        while (is_ows(*s))
            s++;
        bool match = plen == name_len && strncasecmp(pname, name, plen) == 0;
        size_t n = 0;
        if (*s == '"') {
            s++;
            while (*s && *s != '"') {
                if (*s == '\\' && s[1])
                    s++;
                if (match)
                    put(out, out_size, &n, *s);
                s++;
            }
            if (*s != '"')
                return false; /* unterminated quoted-string: malformed header */
            s++;
        } else {
            while (*s && *s != ';' && !is_ows(*s)) {
                if (match)
                    put(out, out_size, &n, *s);
                s++;
            }
        }
        if (match) {
            terminate(out, out_size, n);
            return true;
        }
        while (*s && *s != ';')
            s++;
    }
    return false;
}
