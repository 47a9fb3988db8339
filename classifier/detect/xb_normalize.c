/* xb_normalize.c - width folding and invisible-character removal; see
 * xb_normalize.h. */
#include "xb_normalize.h"

#include <stdlib.h>
#include <string.h>

static xb_status grow_map(xb_norm *nm, size_t need)
{
    if (nm->map_cap >= need)
        return XB_OK;
    size_t cap = nm->map_cap ? nm->map_cap : 256;
    while (cap < need)
        cap *= 2;
    size_t *m = realloc(nm->map, cap * sizeof(*m));
    if (!m)
        return XB_ERR_NOMEM;
    nm->map = m;
    nm->map_cap = cap;
    return XB_OK;
}

static bool all_ascii(const uint8_t *s, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (w & 0x8080808080808080ull)
            return false;
    }
    for (; i < n; i++)
        if (s[i] & 0x80)
            return false;
    return true;
}

/* Length of the UTF-8 sequence starting with lead byte c (1 for invalid). */
static size_t utf8_len(uint8_t c)
{
    if (c < 0xC0)
        return 1;
    if (c < 0xE0)
        return 2;
    if (c < 0xF0)
        return 3;
    return 4;
}

xb_status xb_normalize(xb_norm *nm, const uint8_t *src, size_t n)
{
    nm->src = src;
    nm->src_len = n;
    if (all_ascii(src, n)) {
        nm->identity = true;
        return XB_OK;
    }
    nm->identity = false;
    xb_buf_reset(&nm->text);
    xb_status st = xb_buf_reserve(&nm->text, n);
    if (st != XB_OK)
        return st;
    if ((st = grow_map(nm, n + 1)) != XB_OK)
        return st;
    char *out = nm->text.data;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        uint8_t c = src[i];
        if (c < 0x80) {
            nm->map[o] = i;
            out[o++] = (char)c;
            i++;
            continue;
        }
        size_t k = utf8_len(c);
        if (i + k > n)
            k = n - i;
        uint32_t cp = 0;
        if (k == 3)
            cp = ((uint32_t)(c & 0x0F) << 12) |
                 ((uint32_t)(src[i + 1] & 0x3F) << 6) | (src[i + 2] & 0x3F);
        else if (k == 2)
            cp = ((uint32_t)(c & 0x1F) << 6) | (src[i + 1] & 0x3F);
        int fold = -1;
        bool drop = false;
        if (cp >= 0xFF01 && cp <= 0xFF5E)
            fold = (int)(cp - 0xFF01 + 0x21);
        else if (cp == 0x3000)
            fold = ' ';
        else if ((cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212)
            fold = '-';
        else if ((cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 ||
                 cp == 0xFEFF || cp == 0x00AD)
            drop = true;
        if (drop) {
            i += k;
            continue;
        }
        if (fold >= 0) {
            nm->map[o] = i;
            out[o++] = (char)fold;
            i += k;
            continue;
        }
        for (size_t j = 0; j < k; j++) {
            nm->map[o] = i + j;
            out[o++] = (char)src[i + j];
        }
        i += k;
    }
    nm->map[o] = n;
    nm->text.len = o;
    return XB_OK;
}

void xb_norm_to_source(const xb_norm *nm, size_t start, size_t end,
                       size_t *src_start, size_t *src_end)
{
    if (nm->identity) {
        *src_start = start;
        *src_end = end;
        return;
    }
    *src_start = nm->map[start];
    if (end <= start) {
        *src_end = *src_start;
        return;
    }
    size_t last = nm->map[end - 1];
    uint8_t c = nm->src[last];
    size_t width;
    if ((unsigned char)nm->text.data[end - 1] < 0x80 && c >= 0x80)
        width = utf8_len(c); /* a folded character */
    else
        width = 1;
    *src_end = last + width;
}

void xb_norm_free(xb_norm *nm)
{
    xb_buf_free(&nm->text);
    free(nm->map);
    nm->map = NULL;
    nm->map_cap = 0;
}
