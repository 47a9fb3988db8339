/*
 * xb_json.c - the streaming JSON parser (xb_json_parser).
 *
 * A hand-written resumable tokenizer in the nginx style: all state lives in
 * struct xb_json, so a chunk may end on any byte - inside a UTF-8 sequence, a
 * \uXXXX escape, a surrogate pair, a number, a literal or a key - and feed()
 * simply continues with the next chunk. Validation is strict RFC 8259 plus
 * RFC 3629 UTF-8. String bodies are scanned 16 bytes at a time (SSE2) and
 * the UTF-8 of each run is validated at once (xb_json_utf8.h); states are
 * labels joined by direct jumps, dispatched only when a chunk resumes.
 * Values wholly inside one chunk without escapes are handed to the sink
 * zero-copy. Events, paths and records are built in xb_json_value.c; the
 * xb_parser_ops glue is in xb_json_parser.c.
 */
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "xb_json_internal.h"
#include "xb_json_tables.h"
#include "xb_json_utf8.h"

/* ---- small helpers ------------------------------------------------------ */

static inline const uint8_t *skip_ws(const uint8_t *p, const uint8_t *end)
{
    while (p < end && *p <= ' ' && is_ws[*p])
        p++;
    return p;
}

/* Advance to the first byte that ends a run of string content: '"', '\' or
 * a control byte (< 0x20), stopping at lim. Bytes >= 0x80 are content here;
 * *high tells whether the run has any (its UTF-8 is then validated as a
 * whole). With SSE2 (every x86-64) 16 bytes are tested at once. */
static inline const uint8_t *skip_content(const uint8_t *p, const uint8_t *lim, bool *high)
{
    unsigned any_high = 0;
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i ctl_max = _mm_set1_epi8(0x1F);
    while (lim - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote),
                                              _mm_cmpeq_epi8(v, backslash)),
                                 _mm_cmpeq_epi8(_mm_min_epu8(v, ctl_max), v));
        unsigned mask = (unsigned)_mm_movemask_epi8(m);
        unsigned hm = (unsigned)_mm_movemask_epi8(v);
        if (mask) {
            unsigned at = (unsigned)__builtin_ctz(mask);
            *high = (any_high | (hm & ((1u << at) - 1))) != 0;
            return p + at;
        }
        any_high |= hm;
        p += 16;
    }
#endif
    while (p < lim && (str_class[*p] == SC_PLAIN || str_class[*p] == SC_HIGH)) {
        any_high |= *p & 0x80;
        p++;
    }
    *high = any_high != 0;
    return p;
}

/* Advance over ASCII bytes up to the next byte >= 0x80 (or lim). */
static inline const uint8_t *skip_ascii(const uint8_t *p, const uint8_t *lim)
{
    while (lim - p >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        w &= UINT64_C(0x8080808080808080);
        if (w)
            return p + __builtin_ctzll(w) / 8;
        p += 8;
    }
    while (p < lim && *p < 0x80)
        p++;
    return p;
}

/* Second byte of a UTF-8 sequence: excludes overlongs, surrogates and
 * code points above U+10FFFF (RFC 3629 table, see utf8_lo / utf8_hi). */
static inline bool utf8_second_ok(uint8_t lead, uint8_t b)
{
    return b >= utf8_lo[lead] && b <= utf8_hi[lead];
}

static xb_status bad_utf8(xb_json *j, size_t at)
{
    return xbj_fail(j, XB_ERR_MALFORMED, "json: invalid UTF-8 at byte %zu", at);
}

/* Exact, per-character validation of string content [p, q) (no '"', '\' or
 * control bytes in it). Returns q, or the lead byte of a sequence that q
 * cuts; NULL after reporting an invalid sequence. */
static const uint8_t *utf8_exact(xb_json *j, const uint8_t *p, const uint8_t *q)
{
    for (;;) {
        p = skip_ascii(p, q);
        if (p == q)
            return q;
        uint8_t c = *p;
        size_t n = utf8_len[c];
        if (n == 0) {
            bad_utf8(j, xbj_pos(j, p));
            return NULL;
        }
        if ((size_t)(q - p) < n)
            return p;
        if (!utf8_second_ok(c, p[1]) ||
            (n > 2 && ((p[2] & 0xC0) != 0x80 || (n > 3 && (p[3] & 0xC0) != 0x80)))) {
            bad_utf8(j, xbj_pos(j, p));
            return NULL;
        }
        p += n;
    }
}

static xb_status lone_surrogate(xb_json *j, uint32_t unit)
{
    return xbj_fail(j, XB_ERR_MALFORMED, "json: lone surrogate \\u%04x at byte %zu",
                    (unsigned)unit, j->esc_start);
}

static size_t utf8_encode(uint32_t cp, uint8_t out[4])
{
    if (cp < 0x80) {
        out[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (uint8_t)(0xC0 | (cp >> 6));
        out[1] = (uint8_t)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (uint8_t)(0xE0 | (cp >> 12));
        out[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (uint8_t)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (uint8_t)(0xF0 | (cp >> 18));
    out[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (uint8_t)(0x80 | (cp & 0x3F));
    return 4;
}

/* ---- values --------------------------------------------------------------- */

/* Outcome of the string and number scanners. */
enum { OUT_ERR = -1, OUT_SUSPEND = 0, OUT_DONE = 1, OUT_ESC = 2 };

/* Inside a string body: consume up to the closing quote (OUT_DONE, value
 * emitted), a backslash (OUT_ESC, consumed), or the end of the chunk
 * (OUT_SUSPEND, state saved: XBJ_STR, or XBJ_UTF8 for a split sequence).
 * Content runs are found first and their UTF-8 validated as a whole; the
 * value never grows past max_value_len (a segment is cut first). */
static inline int string_body(xb_json *j, const uint8_t **pp, const uint8_t *end,
                              xb_status *stp)
{
    const uint8_t *p = *pp;
    size_t n;
    for (;;) {
        size_t have = j->vbuf.len + (size_t)(p - j->run);
        size_t room = j->max_value_len - have;
        const uint8_t *lim = (size_t)(end - p) > room ? p + room : end;
        bool high;
        const uint8_t *q = skip_content(p, lim, &high);
        if (high && !xbj_utf8_span_valid(p, q, end)) {
            const uint8_t *r = utf8_exact(j, p, q);
            if (!r) {
                *stp = j->status;
                return OUT_ERR;
            }
            if (r != q) {
                /* a sequence cut by the chunk end or by max_value_len is
                 * handled below; cut by '"', '\' or a control: invalid */
                if (q != lim) {
                    *stp = bad_utf8(j, xbj_pos(j, r));
                    return OUT_ERR;
                }
                p = r;
                n = utf8_len[*p];
                goto char_does_not_fit;
            }
        }
        p = q;
        if (p == end)
            break;
        uint8_t c = *p;
        if (c == '"') {
            if ((*stp = xbj_value_end(j, p, xbj_pos(j, p))) != XB_OK)
                return OUT_ERR;
            *pp = p + 1;
            return OUT_DONE;
        }
        if (c == '\\') {
            if ((*stp = xbj_flush_run(j, p)) != XB_OK || (*stp = xbj_enable_escapes(j)) != XB_OK)
                return OUT_ERR;
            j->esc_start = xbj_pos(j, p);
            *pp = p + 1;
            return OUT_ESC;
        }
        if (c < 0x20) {
            *stp = xbj_fail(j, XB_ERR_MALFORMED,
                            "json: unescaped control character 0x%02x in string at byte %zu",
                            (unsigned)c, xbj_pos(j, p));
            return OUT_ERR;
        }
        /* p == lim < end: the value is full */
        if (c < 0x80) {
            if ((*stp = xbj_overflow(j, p, xbj_pos(j, p))) != XB_OK)
                return OUT_ERR;
            continue;
        }
        n = utf8_len[c];
        if (n == 0) {
            *stp = bad_utf8(j, xbj_pos(j, p));
            return OUT_ERR;
        }
    char_does_not_fit:
        /* *p leads an n-byte character that does not fit before lim */
        if ((size_t)(end - p) >= n) {
            /* cut a segment before it; it is validated on the next round */
            if ((*stp = xbj_overflow(j, p, xbj_pos(j, p))) != XB_OK)
                return OUT_ERR;
            continue;
        }
        /* the sequence continues in the next chunk */
        size_t avail = (size_t)(end - p);
        if ((avail >= 2 && !utf8_second_ok(*p, p[1])) ||
            (avail >= 3 && (p[2] & 0xC0) != 0x80)) {
            *stp = bad_utf8(j, xbj_pos(j, p));
            return OUT_ERR;
        }
        if ((*stp = xbj_flush_run(j, p)) != XB_OK)
            return OUT_ERR;
        memcpy(j->u8, p, avail);
        j->u8_have = (uint8_t)avail;
        j->u8_need = (uint8_t)n;
        j->u8_start = xbj_pos(j, p);
        j->state = XBJ_UTF8;
        *pp = end;
        return OUT_SUSPEND;
    }
    j->state = XBJ_STR;
    *pp = p;
    return OUT_SUSPEND;
}

/* After a backslash: a one-character escape (back to XBJ_STR) or the start
 * of \uXXXX (XBJ_UHEX). */
static xb_status escape_char(xb_json *j, const uint8_t **pp)
{
    const uint8_t *p = *pp;
    uint8_t out;
    switch (*p) {
    case '"': out = '"'; break;
    case '\\': out = '\\'; break;
    case '/': out = '/'; break;
    case 'b': out = '\b'; break;
    case 'f': out = '\f'; break;
    case 'n': out = '\n'; break;
    case 'r': out = '\r'; break;
    case 't': out = '\t'; break;
    case 'u':
        j->hex_n = 0;
        j->hex_acc = 0;
        j->hi_surrogate = 0;
        j->state = XBJ_UHEX;
        *pp = p + 1;
        return XB_OK;
    default:
        return xbj_unexpected(j, p, " (invalid escape)");
    }
    xb_status st = xbj_append_decoded(j, &out, 1, j->esc_start, false);
    if (st != XB_OK)
        return st;
    j->state = XBJ_STR;
    j->run = p + 1;
    *pp = p + 1;
    return XB_OK;
}

/* The hex digits of \uXXXX. Leaves the state at XBJ_UHEX (digits missing),
 * XBJ_SURR_BS (high surrogate read) or XBJ_STR (character appended). */
static xb_status unicode_escape(xb_json *j, const uint8_t **pp, const uint8_t *end)
{
    const uint8_t *p = *pp;
    while (p < end && j->hex_n < 4) {
        uint8_t h = hex_val[*p];
        if (h == 255)
            return xbj_unexpected(j, p, " (invalid \\u escape)");
        j->hex_acc = (j->hex_acc << 4) | h;
        j->hex_n++;
        p++;
    }
    *pp = p;
    if (j->hex_n < 4)
        return XB_OK;
    uint32_t unit = j->hex_acc, cp;
    if (j->hi_surrogate) {
        if (unit < 0xDC00 || unit > 0xDFFF)
            return lone_surrogate(j, j->hi_surrogate);
        cp = 0x10000 + ((j->hi_surrogate - 0xD800) << 10) + (unit - 0xDC00);
        j->hi_surrogate = 0;
    } else if (unit >= 0xD800 && unit <= 0xDBFF) {
        j->hi_surrogate = unit;
        j->state = XBJ_SURR_BS;
        return XB_OK;
    } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
        return lone_surrogate(j, unit);
    } else {
        cp = unit;
    }
    uint8_t out[4];
    size_t n = utf8_encode(cp, out);
    xb_status st = xbj_append_decoded(j, out, n, j->esc_start, false);
    if (st != XB_OK)
        return st;
    j->state = XBJ_STR;
    j->run = p;
    return XB_OK;
}

/* The rest of a UTF-8 sequence split by a chunk boundary. */
static xb_status utf8_continue(xb_json *j, const uint8_t **pp, const uint8_t *end)
{
    const uint8_t *p = *pp;
    while (p < end && j->u8_have < j->u8_need) {
        uint8_t c = *p;
        bool ok = j->u8_have == 1 ? utf8_second_ok(j->u8[0], c) : (c & 0xC0) == 0x80;
        if (!ok)
            return bad_utf8(j, j->u8_start);
        j->u8[j->u8_have++] = c;
        p++;
    }
    *pp = p;
    if (j->u8_have < j->u8_need)
        return XB_OK;
    xb_status st = xbj_append_decoded(j, j->u8, j->u8_need, j->u8_start, true);
    if (st != XB_OK)
        return st;
    j->state = XBJ_STR;
    j->run = p;
    return XB_OK;
}

static inline bool number_can_end(uint8_t s)
{
    return s == XBJ_NUM_ZERO || s == XBJ_NUM_INT || s == XBJ_NUM_FRAC || s == XBJ_NUM_EXP;
}

/* Inside a number (sub-state in j->state): consume its bytes. The first byte
 * that cannot continue it ends the number (OUT_DONE, byte not consumed). */
static inline int number_body(xb_json *j, const uint8_t **pp, const uint8_t *end,
                              xb_status *stp)
{
    const uint8_t *p = *pp;
    uint8_t s = j->state;
    while (p < end) {
        uint8_t c = *p;
        uint8_t next;
        if ((uint8_t)(c - '0') <= 9) {
            switch (s) {
            case XBJ_NUM_ZERO:
                *stp = xbj_unexpected(j, p, " (leading zero in number)");
                return OUT_ERR;
            case XBJ_NUM_MINUS:
                next = c == '0' ? XBJ_NUM_ZERO : XBJ_NUM_INT;
                break;
            case XBJ_NUM_DOT:
                next = XBJ_NUM_FRAC;
                break;
            case XBJ_NUM_E:
            case XBJ_NUM_ESIGN:
                next = XBJ_NUM_EXP;
                break;
            default:
                next = s;
                break;
            }
        } else if (c == '.' && (s == XBJ_NUM_ZERO || s == XBJ_NUM_INT)) {
            next = XBJ_NUM_DOT;
        } else if ((c == 'e' || c == 'E') &&
                   (s == XBJ_NUM_ZERO || s == XBJ_NUM_INT || s == XBJ_NUM_FRAC)) {
            next = XBJ_NUM_E;
        } else if ((c == '+' || c == '-') && s == XBJ_NUM_E) {
            next = XBJ_NUM_ESIGN;
        } else if (number_can_end(s)) {
            if ((*stp = xbj_value_end(j, p, xbj_pos(j, p))) != XB_OK)
                return OUT_ERR;
            *pp = p;
            return OUT_DONE;
        } else {
            *stp = xbj_unexpected(j, p, " (in a number)");
            return OUT_ERR;
        }
        if (j->vbuf.len + (size_t)(p - j->run) >= j->max_value_len &&
            (*stp = xbj_overflow(j, p, xbj_pos(j, p))) != XB_OK)
            return OUT_ERR;
        s = next;
        p++;
        if (s == XBJ_NUM_INT || s == XBJ_NUM_FRAC || s == XBJ_NUM_EXP) {
            size_t room = j->max_value_len - (j->vbuf.len + (size_t)(p - j->run));
            const uint8_t *lim = (size_t)(end - p) > room ? p + room : end;
            while (p < lim && (uint8_t)(*p - '0') <= 9)
                p++;
        }
    }
    j->state = s;
    *pp = p;
    return OUT_SUSPEND;
}

/* Path and record bookkeeping when a value starts at the current depth. */
static inline xb_status value_position(xb_json *j)
{
    if (j->depth > 0) {
        xb_json_level *l = &j->levels[j->depth - 1];
        if (l->is_array) {
            xb_status st = xbj_element_path(j, l);
            if (st != XB_OK)
                return st;
        }
    } else {
        xbj_top_value_path(j);
    }
    if (j->depth == j->rec_depth)
        j->record = j->next_record++;
    return XB_OK;
}

/* ---- the tokenizer --------------------------------------------------------- */

/*
 * Each state is a label; transitions are direct jumps, so compact JSON runs
 * through predictable branches. The switch is only taken when a chunk
 * resumes. SUSPEND saves the state when the chunk is exhausted.
 */
#define SUSPEND(s)                 \
    do {                           \
        if (p == end) {            \
            j->state = (s);        \
            return XB_OK;          \
        }                          \
    } while (0)

xb_status xbj_tokenize(xb_json *j, const uint8_t *p, const uint8_t *end)
{
    xb_status st = XB_OK;
    uint8_t c;

    switch (j->state) {
    case XBJ_START: goto s_start;
    case XBJ_BOM1:
    case XBJ_BOM2: goto s_bom;
    case XBJ_TOP: goto s_top;
    case XBJ_VALUE: goto s_value;
    case XBJ_ARR_FIRST: goto s_arr_first;
    case XBJ_OBJ_FIRST: goto s_obj_first;
    case XBJ_OBJ_NEXT: goto s_obj_next;
    case XBJ_COLON: goto s_colon;
    case XBJ_AFTER: goto s_after;
    case XBJ_DONE: goto s_done;
    case XBJ_STR: goto s_str;
    case XBJ_ESC: goto s_esc;
    case XBJ_UHEX: goto s_uhex;
    case XBJ_SURR_BS:
    case XBJ_SURR_U: goto s_surr;
    case XBJ_UTF8: goto s_utf8;
    case XBJ_LIT: goto s_lit;
    case XBJ_ERROR: return j->status;
    default: goto s_num;
    }

s_start: /* the very first byte: a UTF-8 byte order mark may start here */
    SUSPEND(XBJ_START);
    if (*p != 0xEF)
        goto s_top;
    p++;
    j->state = XBJ_BOM1;
s_bom:
    while (j->state != XBJ_TOP) {
        SUSPEND(j->state);
        if (*p != (j->state == XBJ_BOM1 ? 0xBB : 0xBF))
            return bad_utf8(j, xbj_pos(j, p));
        j->state = j->state == XBJ_BOM1 ? XBJ_BOM2 : XBJ_TOP;
        p++;
    }
s_top: /* before the first top-level value */
    for (;;) {
        SUSPEND(XBJ_TOP);
        c = *p;
        if (!is_ws[c] && !(c == 0x1E && j->seq_mode))
            break;
        p++;
    }
    goto s_begin;

s_done: /* after a top-level value: only whitespace, or the next value of a
         * sequence (NDJSON / JSON lines / json-seq) after a separator */
    for (;;) {
        SUSPEND(XBJ_DONE);
        c = *p;
        if (!is_ws[c] && !(c == 0x1E && j->seq_mode))
            break;
        j->sep_seen = true;
        p++;
    }
    if (!j->seq_mode || !j->sep_seen)
        return xbj_unexpected(j, p, " (after the top-level value)");
    goto s_begin;

s_value: /* after ':' or after ',' in an array */
    p = skip_ws(p, end);
    SUSPEND(XBJ_VALUE);
    c = *p;
    if ((c == ']' || c == '}') && j->levels[j->depth - 1].is_array)
        return xbj_unexpected(j, p, " (trailing comma)");
    goto s_begin;

s_arr_first:
    p = skip_ws(p, end);
    SUSPEND(XBJ_ARR_FIRST);
    if (*p == ']') {
        p++;
        xbj_pop(j);
        goto s_value_done;
    }
    /* fall through to s_begin */

s_begin: /* *p starts a value */
    if ((st = value_position(j)) != XB_OK)
        return st;
    switch (*p) {
    case '"':
        p++;
        xbj_value_begin(j, p, XB_VALUE_STRING);
        goto s_str;
    case '{':
        if ((st = xbj_push(j, false, p)) != XB_OK)
            return st;
        p++;
        goto s_obj_first;
    case '[':
        if ((st = xbj_push(j, true, p)) != XB_OK)
            return st;
        p++;
        goto s_arr_first;
    case '-':
        xbj_value_begin(j, p, XB_VALUE_NUMBER);
        j->state = XBJ_NUM_MINUS;
        p++;
        goto s_num;
    case '0':
        xbj_value_begin(j, p, XB_VALUE_NUMBER);
        j->state = XBJ_NUM_ZERO;
        p++;
        goto s_num;
    case '1': case '2': case '3': case '4': case '5':
    case '6': case '7': case '8': case '9':
        xbj_value_begin(j, p, XB_VALUE_NUMBER);
        j->state = XBJ_NUM_INT;
        p++;
        goto s_num;
    case 't':
        j->lit = "true";
        break;
    case 'f':
        j->lit = "false";
        break;
    case 'n':
        j->lit = "null";
        break;
    default:
        return xbj_unexpected(j, p, "");
    }
    j->lit_idx = 1;
    p++;
s_lit: /* the rest of true / false / null */
    while (j->lit[j->lit_idx] != '\0') {
        SUSPEND(XBJ_LIT);
        if (*p != (uint8_t)j->lit[j->lit_idx])
            return xbj_unexpected(j, p, "");
        p++;
        j->lit_idx++;
    }
    goto s_value_done;

s_obj_first:
    p = skip_ws(p, end);
    SUSPEND(XBJ_OBJ_FIRST);
    if (*p == '}') {
        p++;
        xbj_pop(j);
        goto s_value_done;
    }
    /* fall through to s_obj_next */
s_obj_next: /* a key must follow */
    p = skip_ws(p, end);
    SUSPEND(XBJ_OBJ_NEXT);
    if (*p != '"')
        return xbj_unexpected(j, p, *p == '}' ? " (trailing comma)" : "");
    p++;
    xbj_value_begin(j, p, XB_VALUE_KEY);
    goto s_str;

s_colon:
    p = skip_ws(p, end);
    SUSPEND(XBJ_COLON);
    if (*p != ':')
        return xbj_unexpected(j, p, " (expected ':')");
    p++;
    goto s_value;

s_value_done: /* a value (scalar or container) is complete */
    if (j->depth == 0) {
        j->sep_seen = false;
        goto s_done;
    }
s_after: /* after a value inside a container */
    p = skip_ws(p, end);
    SUSPEND(XBJ_AFTER);
    c = *p++;
    if (j->levels[j->depth - 1].is_array) {
        if (c == ',')
            goto s_value;
        if (c == ']') {
            xbj_pop(j);
            goto s_value_done;
        }
    } else {
        if (c == ',')
            goto s_obj_next;
        if (c == '}') {
            xbj_pop(j);
            goto s_value_done;
        }
    }
    return xbj_unexpected(j, p - 1, "");

s_str:
    switch (string_body(j, &p, end, &st)) {
    case OUT_DONE:
        if (j->v_kind == XB_VALUE_KEY)
            goto s_colon;
        goto s_value_done;
    case OUT_ESC:
        goto s_esc;
    case OUT_SUSPEND:
        return XB_OK;
    default:
        return st;
    }

s_esc:
    SUSPEND(XBJ_ESC);
    if ((st = escape_char(j, &p)) != XB_OK)
        return st;
    if (j->state == XBJ_STR)
        goto s_str;
    /* XBJ_UHEX */
s_uhex:
    j->state = XBJ_UHEX;
    if ((st = unicode_escape(j, &p, end)) != XB_OK)
        return st;
    if (j->state == XBJ_STR)
        goto s_str;
    if (j->state == XBJ_UHEX)
        return XB_OK; /* p == end */
    /* XBJ_SURR_BS: a low surrogate escape must follow */
s_surr:
    SUSPEND(j->state);
    if (*p != (j->state == XBJ_SURR_BS ? '\\' : 'u'))
        return lone_surrogate(j, j->hi_surrogate);
    p++;
    if (j->state == XBJ_SURR_BS) {
        j->state = XBJ_SURR_U;
        goto s_surr;
    }
    j->hex_n = 0;
    j->hex_acc = 0;
    goto s_uhex;

s_utf8:
    if ((st = utf8_continue(j, &p, end)) != XB_OK)
        return st;
    if (j->state == XBJ_STR)
        goto s_str;
    return XB_OK; /* p == end, still XBJ_UTF8 */

s_num:
    switch (number_body(j, &p, end, &st)) {
    case OUT_DONE:
        goto s_value_done;
    case OUT_SUSPEND:
        return XB_OK;
    default:
        return st;
    }
}
