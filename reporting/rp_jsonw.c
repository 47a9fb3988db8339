/* rp_jsonw.c - JSON output helpers; see rp_jsonw.h. */
#include "rp_jsonw.h"

#include <string.h>

void rp_jw_key(xb_buf *b, const char *key)
{
    rp_jw_str(b, key);
    xb_buf_append_char(b, ':');
}

void rp_jw_str(xb_buf *b, const char *s)
{
    if (!s) {
        xb_buf_append_str(b, "null");
        return;
    }
    xb_buf_append_char(b, '"');
    xb_buf_append_json_escaped(b, s, strlen(s));
    xb_buf_append_char(b, '"');
}

void rp_jw_kv(xb_buf *b, bool comma, const char *key, const char *value)
{
    if (comma)
        xb_buf_append_char(b, ',');
    rp_jw_key(b, key);
    rp_jw_str(b, value);
}

void rp_jw_ku(xb_buf *b, bool comma, const char *key, uint64_t value)
{
    if (comma)
        xb_buf_append_char(b, ',');
    rp_jw_key(b, key);
    xb_buf_printf(b, "%llu", (unsigned long long)value);
}

bool rp_jw_flush(xb_buf *b, FILE *f)
{
    bool ok = b->len == 0 || fwrite(b->data, 1, b->len, f) == b->len;
    xb_buf_reset(b);
    return ok;
}
