/*
 * xb_parser_registry.c - choose a body parser from a Content-Type value.
 *
 * Dispatch is on the media type only (case-insensitive); parameters such as
 * charset and boundary are read by the parsers themselves.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "xb_parser.h"

/* Copy the media type (before ';', trimmed, lower-cased) into out. */
static size_t media_type(const char *ct, char *out, size_t out_size)
{
    while (*ct == ' ' || *ct == '\t')
        ct++;
    size_t n = 0;
    while (ct[n] && ct[n] != ';' && n + 1 < out_size) {
        out[n] = (char)tolower((unsigned char)ct[n]);
        n++;
    }
    while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t'))
        n--;
    out[n] = '\0';
    return n;
}

static bool has_suffix(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

const xb_parser_ops *xb_parser_for_content_type(const char *content_type)
{
    if (!content_type)
        return NULL;
    char mt[128];
    size_t n = media_type(content_type, mt, sizeof(mt));
    if (n == 0)
        return NULL;
    if (!strcmp(mt, "application/json") || has_suffix(mt, n, "+json") ||
        !strcmp(mt, "text/json") || !strcmp(mt, "application/x-ndjson") ||
        !strcmp(mt, "application/jsonl") || !strcmp(mt, "application/json-seq"))
        return &xb_json_parser;
    if (!strcmp(mt, "application/xml") || !strcmp(mt, "text/xml") ||
        has_suffix(mt, n, "+xml"))
        return &xb_xml_parser;
    if (!strcmp(mt, "application/x-www-form-urlencoded"))
        return &xb_form_parser;
    if (!strcmp(mt, "multipart/form-data") || !strcmp(mt, "multipart/mixed"))
        return &xb_multipart_parser;
    if (!strcmp(mt, "text/csv") || !strcmp(mt, "application/csv") ||
        !strcmp(mt, "text/tab-separated-values"))
        return &xb_csv_parser;
    if (!strcmp(mt, "text/plain"))
        return &xb_text_parser;
    return NULL;
}
