/*
 * xb_filing_reply.c - reading the replies of the filing scripts
 * (xb_filing.h): "OK <stream id>", "DUP <head seq>", "GAP <head seq>" and
 * the count script's totals and flags.
 */
#include "xb_filing.h"

#include <string.h>

static bool parse_u64(const char *s, size_t n, uint64_t *out)
{
    if (n == 0 || n > 20)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        uint64_t d = (uint64_t)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

xb_filing_result xb_filing_parse_reply(const char *str, size_t len)
{
    xb_filing_result r;
    memset(&r, 0, sizeof(r));
    r.outcome = XB_FILED_ERROR;
    if (!str)
        return r;
    if (len > 3 && memcmp(str, "OK ", 3) == 0) {
        size_t n = len - 3;
        if (n == 0 || n >= sizeof(r.id))
            return r;
        for (size_t i = 0; i < n; i++) {
            char c = str[3 + i];
            if (!((c >= '0' && c <= '9') || c == '-'))
                return r;
        }
        memcpy(r.id, str + 3, n);
        r.outcome = XB_FILED_OK;
        return r;
    }
    if (len > 4 && (memcmp(str, "DUP ", 4) == 0 || memcmp(str, "GAP ", 4) == 0)) {
        if (!parse_u64(str + 4, len - 4, &r.head))
            return r;
        r.outcome = str[0] == 'D' ? XB_FILED_DUP : XB_FILED_GAP;
    }
    return r;
}

xb_status xb_filing_parse_count(const char *general, size_t general_len, const char *sensitive,
                                size_t sensitive_len, const char *flags, size_t flags_len,
                                xb_subject *subjects, size_t n, xb_subject_counts *totals)
{
    uint64_t g, s;
    if (!parse_u64(general, general_len, &g) || !parse_u64(sensitive, sensitive_len, &s) ||
        flags_len != n)
        return XB_ERR_MALFORMED;
    for (size_t i = 0; i < flags_len; i++) {
        if (flags[i] != '0' && flags[i] != '1')
            return XB_ERR_MALFORMED;
    }
    /* flags are in argument order: general subjects, then sensitive ones */
    size_t k = 0;
    for (int pass = 0; pass < 2; pass++) {
        uint8_t cls = pass == 0 ? XB_SUBJECT_GENERAL : XB_SUBJECT_SENSITIVE;
        for (size_t i = 0; i < n; i++) {
            if (subjects[i].cls != cls)
                continue;
            subjects[i].is_new = flags[k++] == '0';
        }
    }
    if (k != n)
        return XB_ERR_MALFORMED;
    totals->general = g;
    totals->sensitive = s;
    return XB_OK;
}
