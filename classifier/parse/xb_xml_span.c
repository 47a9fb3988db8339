/*
 * xb_xml_span.c - where the XML values reported by libxml2 sit in the raw
 * body, so that masking can rewrite them in place.
 *
 * libxml2's SAX callbacks give decoded text, not source spans. What can be
 * relied on in push mode (libxml2 2.9.14, checked against its source and by
 * the tests, which feed documents split at every byte):
 *
 *   - libxml2 appends every chunk to one input buffer; while no encoding
 *     conversion is active, buffer byte k sits at body offset
 *     input->consumed + k (consumed counts what libxml2 discarded from the
 *     front). xmlParseChunk holds back a chunk's trailing CR until parsing of
 *     the chunk ended. xbx_coords_ok() checks at every callback that the
 *     buffer ends exactly where the body fed so far ends (minus that CR), so
 *     positions are only trusted when they add up.
 *   - Character data made of ASCII is passed as a pointer into that buffer
 *     (the CR of a CRLF pair is skipped in front of the following LF); CDATA
 *     blocks are always such pointers. Their raw span is known exactly.
 *   - Everything else (text with non-ASCII bytes or a lone CR, the expansion
 *     of one &amp; / &#x4e2d; reference) is copied by libxml2 and delivered
 *     when its raw bytes end exactly at the parser's current position. Such a
 *     piece is matched byte by byte against the raw bytes from the cursor
 *     (the end of the previous piece or markup) to the current position; the
 *     bytes must agree, so a wrong guess can never be reported as exact.
 *   - A start tag is complete in the buffer when startElementNs runs and the
 *     position is at its closing '>' or "/>". '<' cannot occur inside a tag,
 *     so the tag begins at the last '<' before it. Its attributes are
 *     re-tokenized here and their values decoded with offsets; the result
 *     must equal the value libxml2 reports (which writes '&' as "&#38;").
 *
 * Whatever cannot be verified is still reported, with verified = false (the
 * value then leaves with exact = false and an approximate span).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xb_xml_internal.h"

bool xbx_coords_ok(xb_parser *p)
{
    xmlParserCtxtPtr c = p->ctxt;
    xmlParserInputPtr in = c ? c->input : NULL;
    if (!in || !in->buf || !in->base || !in->cur || !in->end || c->inputNr != 1)
        return false;
    if (in->buf->encoder) {
        p->converted = true;
        return false;
    }
    if (in->cur < in->base || in->end < in->cur)
        return false;
    return (size_t)in->consumed + (size_t)(in->end - in->base) == p->expect_end;
}

size_t xbx_pos(const xb_parser *p, const xmlChar *ptr)
{
    const xmlParserInput *in = p->ctxt->input;
    return (size_t)in->consumed + (size_t)(ptr - in->base);
}

bool xbx_in_buffer(const xb_parser *p, const xmlChar *ptr, size_t len)
{
    const xmlParserInput *in = p->ctxt->input;
    uintptr_t a = (uintptr_t)ptr, lo = (uintptr_t)in->base, hi = (uintptr_t)in->end;
    return a >= lo && a <= hi && len <= hi - a;
}

const xmlChar *xbx_tag_start(const xb_parser *p)
{
    const xmlParserInput *in = p->ctxt->input;
    for (const xmlChar *s = in->cur; s > in->base; s--)
        if (s[-1] == '<')
            return s - 1;
    return NULL;
}

/* ---- references ---------------------------------------------------------- */

static size_t utf8_put(uint32_t c, uint8_t out[4])
{
    if (c < 0x80) {
        out[0] = (uint8_t)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (uint8_t)(0xC0 | (c >> 6));
        out[1] = (uint8_t)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (uint8_t)(0xE0 | (c >> 12));
        out[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (uint8_t)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (uint8_t)(0xF0 | (c >> 18));
    out[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3F));
    out[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
    out[3] = (uint8_t)(0x80 | (c & 0x3F));
    return 4;
}

size_t xbx_decode_ref(const xmlChar *raw, size_t n, uint8_t out[4])
{
    if (n < 4 || raw[0] != '&' || raw[n - 1] != ';')
        return 0;
    const char *s = (const char *)raw + 1;
    size_t k = n - 2; /* between '&' and ';' */
    static const struct {
        const char *name;
        char c;
    } predefined[] = {{"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"apos", '\''}, {"quot", '"'}};
    if (s[0] != '#') {
        for (size_t i = 0; i < sizeof(predefined) / sizeof(predefined[0]); i++)
            if (strlen(predefined[i].name) == k && memcmp(s, predefined[i].name, k) == 0) {
                out[0] = (uint8_t)predefined[i].c;
                return 1;
            }
        return 0;
    }
    bool hex = k > 1 && s[1] == 'x';
    size_t i = hex ? 2 : 1;
    if (i >= k)
        return 0;
    uint32_t v = 0;
    for (; i < k; i++) {
        char c = s[i];
        uint32_t d;
        if (c >= '0' && c <= '9')
            d = (uint32_t)(c - '0');
        else if (hex && c >= 'a' && c <= 'f')
            d = (uint32_t)(c - 'a' + 10);
        else if (hex && c >= 'A' && c <= 'F')
            d = (uint32_t)(c - 'A' + 10);
        else
            return 0;
        v = v * (hex ? 16 : 10) + d;
        if (v > 0x10FFFF)
            return 0;
    }
    /* XML 1.0 Char production; libxml2 refuses the others before we see them */
    if (!(v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 && v <= 0xD7FF) ||
          (v >= 0xE000 && v <= 0xFFFD) || v >= 0x10000))
        return 0;
    return utf8_put(v, out);
}

/* ---- text pieces --------------------------------------------------------- */

static bool scratch_reserve(xb_parser *p, size_t need)
{
    if (need <= p->scratch_cap)
        return true;
    size_t cap = p->scratch_cap ? p->scratch_cap : 512;
    while (cap < need)
        cap *= 2;
    size_t *s = realloc(p->scratch, cap * sizeof(*s));
    if (!s)
        return false;
    p->scratch = s;
    p->scratch_cap = cap;
    return true;
}

/*
 * A piece libxml2 copied: its raw bytes run from the cursor to the current
 * position. Fill p->scratch with the raw offset of each byte.
 */
static bool match_copied(xb_parser *p, const uint8_t *d, size_t n, size_t *rs, size_t *re)
{
    const xmlParserInput *in = p->ctxt->input;
    if (p->cursor < (size_t)in->consumed)
        return false;
    size_t from = p->cursor - (size_t)in->consumed;
    if (from > (size_t)(in->cur - in->base))
        return false;
    const xmlChar *r = in->base + from, *lim = in->cur;
    /* markup that produced no text: the end of the CDATA section the
     * previous piece came from, an empty CDATA section */
    for (;;) {
        if (lim - r >= 3 && memcmp(r, "]]>", 3) == 0)
            r += 3;
        else if (lim - r >= 12 && memcmp(r, "<![CDATA[]]>", 12) == 0)
            r += 12;
        else
            break;
    }
    if (!scratch_reserve(p, n + 1))
        return false;
    if (r < lim && *r == '&') {
        uint8_t out[4];
        size_t k = xbx_decode_ref(r, (size_t)(lim - r), out);
        if (k == 0 || k != n || memcmp(out, d, n) != 0)
            return false;
        p->text.altered = true;
        for (size_t i = 0; i < n; i++)
            p->scratch[i] = xbx_pos(p, r);
        *rs = xbx_pos(p, r);
        *re = xbx_pos(p, lim);
        return true;
    }
    const xmlChar *start = r;
    for (size_t i = 0; i < n; i++) {
        if (r >= lim)
            return false;
        p->scratch[i] = xbx_pos(p, r);
        if (*r == '\r' && d[i] == '\n') {
            r += (r + 1 < lim && r[1] == '\n') ? 2 : 1; /* line ends become LF */
            p->text.altered = true;
        }
        else if (*r == d[i])
            r++;
        else
            return false;
    }
    if (r != lim)
        return false;
    *rs = xbx_pos(p, start);
    *re = xbx_pos(p, lim);
    return true;
}

/* A position to report when nothing better is known. */
static size_t approx_pos(xb_parser *p)
{
    const xmlParserInput *in = p->ctxt ? p->ctxt->input : NULL;
    size_t at = p->fed;
    if (in && in->buf && in->base && in->cur) {
        size_t pos = xbx_pos(p, in->cur);
        if (pos < at)
            at = pos;
    }
    return at;
}

void xbx_text_piece(xb_parser *p, const xmlChar *ch, size_t len, bool cdata)
{
    if (p->err != XB_OK || p->depth == 0 || len == 0)
        return;
    bool coords = xbx_coords_ok(p);
    xbx_acc *a = &p->text;
    if (coords && xbx_in_buffer(p, ch, len)) {
        size_t rs = xbx_pos(p, ch);
        bool verified = !p->cursor_known || rs >= p->cursor;
        bool new_section = false, head = false;
        if (cdata) {
            new_section = !(p->last_piece_cdata && p->cursor_known && rs == p->cursor);
            const xmlParserInput *in = p->ctxt->input;
            head = new_section && ch - in->base >= 9 && memcmp(ch - 9, "<![CDATA[", 9) == 0;
        } else if (p->cursor_known && rs == p->cursor + 1 && ch[0] == '\n' &&
                   ch > p->ctxt->input->base && ch[-1] == '\r') {
            /* the CR of a CRLF pair that libxml2 skipped produced this LF */
            size_t cr = p->cursor;
            if (xbx_acc_append(p, a, ch, 1, &cr, cr, rs + 1, verified, false, false, false) !=
                XB_OK)
                return;
            ch++;
            len--;
            rs++;
        }
        if (xbx_acc_append(p, a, ch, len, NULL, rs, rs + len, verified, cdata, new_section,
                           head) != XB_OK)
            return;
        p->cursor = rs + len;
        p->cursor_known = true;
        p->last_piece_cdata = cdata;
        return;
    }
    size_t rs, re;
    if (coords && !cdata && p->cursor_known && match_copied(p, ch, len, &rs, &re)) {
        if (xbx_acc_append(p, a, ch, len, p->scratch, rs, re, true, false, false, false) != XB_OK)
            return;
        p->cursor = re;
        p->cursor_known = true;
    } else {
        size_t at = approx_pos(p);
        if (xbx_acc_append(p, a, ch, len, NULL, at, at, false, cdata, cdata, false) != XB_OK)
            return;
        p->cursor = at;
        p->cursor_known = coords;
    }
    p->last_piece_cdata = cdata;
}

/* ---- attributes ---------------------------------------------------------- */

static bool is_ws(xmlChar c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static const xmlChar *skip_ws(const xmlChar *s, const xmlChar *e)
{
    while (s < e && is_ws(*s))
        s++;
    return s;
}

static const xmlChar *skip_name(const xmlChar *s, const xmlChar *e)
{
    while (s < e && !is_ws(*s) && *s != '=' && *s != '>' && *s != '/' && *s != '"' &&
           *s != '\'')
        s++;
    return s;
}

typedef struct raw_attr {
    const xmlChar *name, *name_end;
    const xmlChar *value, *value_end; /* between the quotes */
} raw_attr;

/* Next attribute of a raw start tag at *s (before e), skipping namespace
 * declarations, which libxml2 reports separately. */
static bool next_raw_attr(const xmlChar **s, const xmlChar *e, raw_attr *a)
{
    for (;;) {
        const xmlChar *c = skip_ws(*s, e);
        if (c >= e || *c == '>' || *c == '/')
            return false;
        a->name = c;
        a->name_end = c = skip_name(c, e);
        if (a->name_end == a->name)
            return false;
        c = skip_ws(c, e);
        if (c >= e || *c != '=')
            return false;
        c = skip_ws(c + 1, e);
        if (c >= e || (*c != '"' && *c != '\''))
            return false;
        xmlChar quote = *c++;
        a->value = c;
        while (c < e && *c != quote)
            c++;
        if (c >= e)
            return false;
        a->value_end = c;
        *s = c + 1;
        size_t n = (size_t)(a->name_end - a->name);
        bool xmlns = (n == 5 && memcmp(a->name, "xmlns", 5) == 0) ||
                     (n > 6 && memcmp(a->name, "xmlns:", 6) == 0);
        if (!xmlns)
            return true;
    }
}

static bool name_is(const xmlChar *s, const xmlChar *e, const xmlChar *prefix,
                    const xmlChar *local)
{
    size_t n = (size_t)(e - s);
    size_t pl = prefix ? strlen((const char *)prefix) : 0;
    size_t ll = strlen((const char *)local);
    if (prefix) {
        if (n != pl + 1 + ll || memcmp(s, prefix, pl) != 0 || s[pl] != ':')
            return false;
        s += pl + 1;
    } else if (n != ll) {
        return false;
    }
    return memcmp(s, local, ll) == 0;
}

static bool abuf_reserve(xb_parser *p, size_t need)
{
    if (need <= p->abuf_cap)
        return true;
    size_t cap = p->abuf_cap ? p->abuf_cap : 256;
    while (cap < need)
        cap *= 2;
    uint8_t *b = realloc(p->abuf, cap);
    if (!b)
        return false;
    p->abuf = b;
    p->abuf_cap = cap;
    return true;
}

/* Decode a raw attribute value the way XML 1.0 normalises it (references
 * resolved, each white space character or CRLF pair becomes one space) into
 * p->abuf, with the raw offset of each byte in p->scratch. */
static bool decode_raw_value(xb_parser *p, const xmlChar *s, const xmlChar *e, size_t *out_len,
                             bool *altered)
{
    size_t raw_len = (size_t)(e - s);
    if (!abuf_reserve(p, raw_len + 1) || !scratch_reserve(p, raw_len + 1))
        return false;
    size_t n = 0;
    *altered = false;
    while (s < e) {
        size_t at = xbx_pos(p, s);
        if (*s == '&') {
            const xmlChar *semi = memchr(s, ';', (size_t)(e - s));
            uint8_t out[4];
            size_t k = semi ? xbx_decode_ref(s, (size_t)(semi + 1 - s), out) : 0;
            if (k == 0)
                return false;
            for (size_t i = 0; i < k; i++) {
                p->abuf[n] = out[i];
                p->scratch[n++] = at;
            }
            s = semi + 1;
            *altered = true;
        } else if (*s == '\r' || *s == '\n' || *s == '\t') {
            p->abuf[n] = ' ';
            p->scratch[n++] = at;
            s += (*s == '\r' && s + 1 < e && s[1] == '\n') ? 2 : 1;
            *altered = true;
        } else {
            p->abuf[n] = *s;
            p->scratch[n++] = at;
            s++;
        }
    }
    p->scratch[n] = xbx_pos(p, e);
    *out_len = n;
    return true;
}

/* libxml2 (without entity substitution) reports an '&' in an attribute
 * value as "&#38;"; everything else arrives decoded. */
static bool same_as_libxml(const uint8_t *d, size_t n, const xmlChar *v, size_t vlen)
{
    size_t i = 0;
    for (size_t j = 0; j < vlen;) {
        if (i >= n)
            return false;
        if (v[j] == '&') {
            if (vlen - j < 5 || memcmp(v + j, "&#38;", 5) != 0 || d[i] != '&')
                return false;
            j += 5;
        } else {
            if (d[i] != v[j])
                return false;
            j++;
        }
        i++;
    }
    return i == n;
}

/* The value as libxml2 reports it, with "&#38;" turned back into '&'. */
static bool libxml_value(xb_parser *p, const xmlChar *v, size_t vlen, size_t *out_len)
{
    if (!abuf_reserve(p, vlen + 1))
        return false;
    size_t n = 0;
    for (size_t j = 0; j < vlen;) {
        if (v[j] == '&' && vlen - j >= 5 && memcmp(v + j, "&#38;", 5) == 0) {
            p->abuf[n++] = '&';
            j += 5;
        } else {
            p->abuf[n++] = v[j++];
        }
    }
    *out_len = n;
    return true;
}

void xbx_attributes(xb_parser *p, const xmlChar *tag_lt, int nb_attrs, const xmlChar **attrs)
{
    if (nb_attrs <= 0 || p->err != XB_OK)
        return;
    const xmlParserInput *in = p->ctxt->input;
    /* The raw tag is trusted only when the position sits on its end. */
    bool raw_ok = tag_lt && (*in->cur == '>' || (*in->cur == '/' && in->cur[1] == '>'));
    const xmlChar *s = tag_lt ? tag_lt + 1 : NULL, *e = in->cur;
    if (raw_ok)
        s = skip_name(s, e);
    size_t fallback = raw_ok ? xbx_pos(p, tag_lt) : approx_pos(p);
    for (int i = 0; i < nb_attrs && p->err == XB_OK; i++) {
        const xmlChar *local = attrs[5 * i], *prefix = attrs[5 * i + 1];
        const xmlChar *v = attrs[5 * i + 3];
        size_t vlen = (size_t)(attrs[5 * i + 4] - v);
        size_t saved = p->path.len;
        xb_status st = xb_buf_append_str(&p->path, "/@");
        if (st == XB_OK && prefix)
            st = xb_buf_append_str(&p->path, (const char *)prefix);
        if (st == XB_OK && prefix)
            st = xb_buf_append_char(&p->path, ':');
        size_t field_off = p->path.len, field_len = strlen((const char *)local);
        if (st == XB_OK)
            st = xb_buf_append(&p->path, local, field_len);
        if (st != XB_OK) {
            xbx_fail(p, XB_ERR_NOMEM, "xml: out of memory");
            return;
        }
        raw_attr ra;
        size_t n = 0;
        bool altered = false;
        bool verified = raw_ok && next_raw_attr(&s, e, &ra) &&
                        name_is(ra.name, ra.name_end, prefix, local) &&
                        decode_raw_value(p, ra.value, ra.value_end, &n, &altered) &&
                        same_as_libxml(p->abuf, n, v, vlen);
        xbx_acc_begin(&p->attr, XB_VALUE_ATTRIBUTE, field_off, field_len, fallback);
        if (verified) {
            p->attr.altered = altered;
            xbx_acc_append(p, &p->attr, p->abuf, n, p->scratch, p->scratch[0], p->scratch[n],
                           true, false, false, false);
        } else {
            raw_ok = false; /* the raw tokenizer lost track; stop trusting it */
            if (!libxml_value(p, v, vlen, &n)) {
                xbx_fail(p, XB_ERR_NOMEM, "xml: out of memory");
                return;
            }
            xbx_acc_append(p, &p->attr, p->abuf, n, NULL, fallback, fallback, false, false,
                           false, false);
        }
        xbx_acc_finish(p, &p->attr);
        p->path.len = saved;
    }
}
