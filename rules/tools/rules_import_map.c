/*
 * rules_import_map.c - read the free-text cells of an official list as a
 * compliance officer types them (出境路径, 阈值, 数据类型) into catalog
 * values. The mapping is deliberately strict: a route such as "评估" could
 * mean the CAC security assessment or the officer's own risk assessment, so
 * it is rejected rather than guessed; a threshold counts individuals, so
 * "10万条" (records) or "1万人以下" (an upper bound) are rejected too.
 *
 * Cells are first normalised: full-width ASCII (digits, letters, brackets,
 * slash) folded to ASCII, and all white space removed.
 */
#include <stdlib.h>
#include <string.h>

#include "rules_tools.h"

/* Fold full-width forms U+FF01..U+FF5E to ASCII and drop white space
 * (ASCII and U+3000). Returns a malloc'd string or NULL. */
static char *normalise(const char *s)
{
    size_t n = strlen(s);
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        if (u[i] == ' ' || u[i] == '\t' || u[i] == '\r' || u[i] == '\n') {
            i++;
            continue;
        }
        if (i + 2 < n && u[i] == 0xE3 && u[i + 1] == 0x80 && u[i + 2] == 0x80) {
            i += 3; /* U+3000 ideographic space */
            continue;
        }
        if (i + 2 < n && u[i] == 0xEF && (u[i + 1] == 0xBC || u[i + 1] == 0xBD)) {
            unsigned cp = ((unsigned)(u[i] & 0x0F) << 12) | ((unsigned)(u[i + 1] & 0x3F) << 6) |
                          (u[i + 2] & 0x3F);
            if (cp >= 0xFF01 && cp <= 0xFF5E) {
                out[o++] = (char)(cp - 0xFF01 + 0x21);
                i += 3;
                continue;
            }
        }
        out[o++] = s[i++];
    }
    out[o] = '\0';
    return out;
}

static bool in_list(const char *s, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (!strcmp(s, list[i]))
            return true;
    return false;
}

bool xb_import_route(const char *text, xb_route *out)
{
    static const char *const assessment[] = {
        "安全评估", "数据出境安全评估", "出境安全评估", "申报安全评估",
        "申报数据出境安全评估", "assessment", "security-assessment", NULL};
    static const char *const scc[] = {
        "标准合同", "标准合同备案", "个人信息出境标准合同", "个人信息出境标准合同备案",
        "认证", "个人信息保护认证", "个人信息出境认证", "标准合同或认证", "标准合同/认证",
        "标准合同、认证", "标准合同备案或认证", "标准合同备案/认证",
        "标准合同或个人信息保护认证", "订立标准合同或通过认证",
        "订立标准合同或通过个人信息保护认证", "scc", "scc-or-cert", "certification", NULL};
    static const char *const prohibited[] = {"禁止出境", "不得出境", "禁止", "prohibited",
                                             NULL};
    static const char *const none[] = {"无需", "无", "不需要", "免予申报", "豁免", "none",
                                       NULL};
    if (!text)
        return false;
    char *s = normalise(text);
    if (!s)
        return false;
    bool ok = true;
    if (in_list(s, assessment))
        *out = XB_ROUTE_ASSESSMENT;
    else if (in_list(s, scc))
        *out = XB_ROUTE_SCC_OR_CERT;
    else if (in_list(s, prohibited))
        *out = XB_ROUTE_PROHIBITED;
    else if (in_list(s, none))
        *out = XB_ROUTE_NONE;
    else
        ok = false;
    free(s);
    return ok;
}

bool xb_import_level(const char *text, xb_level *out)
{
    if (!text)
        return false;
    char *s = normalise(text);
    if (!s)
        return false;
    bool ok = true;
    if (!strcmp(s, "重要数据"))
        *out = XB_LEVEL_IMPORTANT;
    else if (!strcmp(s, "核心数据"))
        *out = XB_LEVEL_CORE;
    else if (!strcmp(s, "个人信息"))
        *out = XB_LEVEL_PI;
    else if (!strcmp(s, "敏感个人信息"))
        *out = XB_LEVEL_SENSITIVE_PI;
    else if (!strcmp(s, "一般数据"))
        *out = XB_LEVEL_GENERAL;
    else
        ok = xb_level_parse(s, out);
    free(s);
    return ok;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Multiplier word right after the number ("万", "百万", ...); advances *p. */
static uint64_t unit_at(const char **p)
{
    static const struct {
        const char *word;
        uint64_t mult;
    } units[] = {
        {"百万", 1000000u}, {"千万", 10000000u}, {"万", 10000u},
        {"亿", 100000000u}, {"千", 1000u},       {"百", 100u},
    };
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        size_t k = strlen(units[i].word);
        if (!strncmp(*p, units[i].word, k)) {
            *p += k;
            return units[i].mult;
        }
    }
    return 1;
}

bool xb_import_threshold(const char *text, xb_threshold_basis default_basis,
                         uint64_t *individuals, xb_threshold_basis *basis,
                         const char **why)
{
    *individuals = 0;
    *basis = default_basis;
    *why = NULL;
    char *s = normalise(text ? text : "");
    if (!s) {
        *why = "out of memory";
        return false;
    }
    bool ok = false;
    if (!s[0] || !strcmp(s, "-") || !strcmp(s, "无")) {
        ok = true;
        goto done;
    }
    if (strstr(s, "不含敏感") || strstr(s, "不包括敏感") || strstr(s, "非敏感"))
        *basis = XB_THRESHOLD_GENERAL;
    else if (strstr(s, "敏感"))
        *basis = XB_THRESHOLD_SENSITIVE;
    if (strstr(s, "条") || strstr(s, "记录") || strstr(s, "records")) {
        *why = "counts records; thresholds count individuals (人)";
        goto done;
    }
    const char *lower_bound = strstr(s, "不少于");
    if (strstr(s, "以下") || strstr(s, "不满") || strstr(s, "不足") || strstr(s, "未满") ||
        strchr(s, '<') || (!lower_bound && strstr(s, "少于"))) {
        *why = "an upper bound (以下/不满) is not a threshold: give the number of "
               "individuals from which the route applies";
        goto done;
    }
    const char *p = s;
    while (*p && !is_digit(*p))
        p++;
    if (!*p) {
        *why = "no number of individuals (write digits, e.g. 10万人 or 100000)";
        goto done;
    }
    bool exclusive = false;
    size_t prefix = (size_t)(p - s);
    const char *const excl[] = {"超过", "大于", "多于", ">", NULL};
    for (size_t i = 0; excl[i]; i++) {
        const char *hit = strstr(s, excl[i]);
        if (hit && (size_t)(hit - s) < prefix)
            exclusive = true;
    }
    uint64_t whole = 0;
    int digits = 0;
    for (; is_digit(*p) || *p == ','; p++) {
        if (*p == ',')
            continue;
        if (whole > UINT64_MAX / 10 - 10) {
            *why = "number too large";
            goto done;
        }
        whole = whole * 10 + (uint64_t)(*p - '0');
        digits++;
    }
    uint64_t frac = 0, frac_div = 1;
    if (*p == '.' && is_digit(p[1])) {
        for (p++; is_digit(*p); p++) {
            if (frac_div >= 1000000) {
                *why = "too many decimals";
                goto done;
            }
            frac = frac * 10 + (uint64_t)(*p - '0');
            frac_div *= 10;
        }
    }
    uint64_t mult = unit_at(&p);
    if (frac && (mult % frac_div) != 0) {
        *why = "not a whole number of individuals";
        goto done;
    }
    if (whole > UINT64_MAX / mult) {
        *why = "number too large";
        goto done;
    }
    uint64_t value = whole * mult + (frac ? frac * (mult / frac_div) : 0);
    for (const char *q = p; *q; q++)
        if (is_digit(*q)) {
            *why = "more than one number: one threshold per row";
            goto done;
        }
    if (digits == 0 || value == 0) {
        *why = "a threshold of zero individuals";
        goto done;
    }
    if (exclusive)
        value++;
    *individuals = value;
    ok = true;
done:
    free(s);
    return ok;
}
