/*
 * xb_csv.c - RFC 4180 CSV and tab-separated bodies, streaming.
 *
 * The first row is the header and names the columns, unless the media type
 * says header=absent (RFC 7111); each later cell is one XB_VALUE_STRING
 * whose path and field are its column's name ("#N", 1-based, for unnamed
 * columns, columns beyond the header and all columns without a header) and
 * whose record is its data row (0-based; blank lines are skipped). Header
 * cells are reported as XB_VALUE_KEY values (a body sent without a header
 * still has its first row classified). Empty cells are not reported.
 *
 * Rows end with CRLF, LF or a lone CR. Quoted cells may contain the
 * delimiter, line breaks and doubled quotes; the span is the cell without its
 * quotes, and a cell whose "" were collapsed has raw_offsets. A quote inside
 * an unquoted cell is kept as a character; anything but a delimiter or a
 * line end after a closing quote, and a quote still open at the end of the
 * body, are XB_ERR_MALFORMED. The delimiter is ',' (TAB for
 * text/tab-separated-values); when the first line has no comma outside
 * quotes but has ';' or TAB, that is used instead. A UTF-8 BOM at the start
 * is skipped; cells must be UTF-8 (a charset= other than utf-8 / us-ascii is
 * XB_ERR_UNSUPPORTED).
 *
 * Cells inside one chunk are delivered from the chunk (zero copy); longer
 * cells come in segments of max_value_len. Memory: the column names, the
 * first line while the delimiter is not known (bounded) and one cell.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/xb_buf.h"
#include "xb_parser.h"
#include "xb_text_utf8.h"
#include "xb_text_value.h"

/* Longest first line buffered to choose the delimiter. */
#define SNIFF_MAX (1024 * 1024)

enum csv_state {
    CSV_CELL_START, /* before the first byte of a cell */
    CSV_UNQUOTED,   /* inside an unquoted cell */
    CSV_QUOTED,     /* inside a quoted cell */
    CSV_QUOTE,      /* after a quote inside a quoted cell: end or "" */
    CSV_AFTER_CR    /* after a CR that ended a row: an LF may follow */
};

static const uint8_t utf8_bom[3] = {0xEF, 0xBB, 0xBF};

struct xb_parser {
    xb_sink sink;
    size_t base;          /* base_offset */
    size_t consumed;      /* body bytes received before the current chunk */
    size_t max_columns;

    /* start of the body: BOM and delimiter choice */
    uint8_t bom_seen;
    bool started;         /* BOM check over */
    bool sniffed;         /* delimiter known */
    bool delim_fixed;     /* TSV: the delimiter is TAB whatever the first line */
    bool sniff_quoted;
    bool sniff_content;   /* a byte of the first non-blank line was seen */
    size_t n_comma, n_semi, n_tab;
    xb_buf sniff;         /* first line, when it spans chunks */
    size_t sniff_abs;     /* absolute offset of sniff.data[0] */

    /* tokenizer */
    uint8_t delim;
    uint8_t stop[256];    /* bytes that end an unquoted run */
    enum csv_state state;
    const uint8_t *chunk; /* piece being tokenized */
    size_t chunk_abs;
    const uint8_t *run;   /* cell bytes not yet copied */
    const uint8_t *quote; /* the quote of CSV_QUOTE when in this piece */
    size_t quote_abs;     /* absolute offset of that quote */
    size_t open_abs;      /* absolute offset of the opening quote */
    xbt_value cell;

    /* rows and columns */
    bool has_header;
    bool in_header;       /* the current row is the header */
    bool row_started;     /* the current row has a cell or delimiter */
    size_t column;        /* 0-based column of the current cell */
    int64_t row;          /* data row index of the current row */
    xb_buf cols;          /* per column: prefix + name + NUL */
    size_t *col_off;      /* start of each column's path in cols */
    size_t *col_len;
    size_t n_cols;
    size_t cols_cap;
    size_t n_named;       /* columns named by the header */
    xb_buf prefix;

    xb_status status;
    char msg[200];
};

static xb_status fail(xb_parser *p, xb_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static xb_status fail(xb_parser *p, xb_status st, const char *fmt, ...)
{
    if (p->status != XB_OK)
        return p->status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
    va_end(ap);
    p->status = st;
    return st;
}

static inline size_t abs_of(const xb_parser *p, const uint8_t *q)
{
    return p->chunk_abs + (size_t)(q - p->chunk);
}

/* ---- columns ------------------------------------------------------------ */

/* Append a column whose name is name[0..n). */
static xb_status add_column(xb_parser *p, const uint8_t *name, size_t n)
{
    if (p->n_cols == p->cols_cap) {
        size_t cap = p->cols_cap ? p->cols_cap * 2 : 16;
        size_t *o = realloc(p->col_off, cap * sizeof(*o));
        if (!o)
            return XB_ERR_NOMEM;
        p->col_off = o;
        size_t *l = realloc(p->col_len, cap * sizeof(*l));
        if (!l)
            return XB_ERR_NOMEM;
        p->col_len = l;
        p->cols_cap = cap;
    }
    size_t off = p->cols.len;
    if (xb_buf_append(&p->cols, p->prefix.data, p->prefix.len) != XB_OK)
        return XB_ERR_NOMEM;
    if (n > 0) {
        if (xb_buf_append(&p->cols, name, n) != XB_OK)
            return XB_ERR_NOMEM;
    } else if (xb_buf_printf(&p->cols, "#%zu", p->n_cols + 1) != XB_OK) {
        return XB_ERR_NOMEM;
    }
    if (xb_buf_append_char(&p->cols, '\0') != XB_OK)
        return XB_ERR_NOMEM;
    p->col_off[p->n_cols] = off;
    p->col_len[p->n_cols] = p->cols.len - 1 - off;
    p->n_cols++;
    return XB_OK;
}

/* Make sure column c has a name ("#N" beyond the header). */
static xb_status ensure_column(xb_parser *p, size_t c)
{
    while (p->n_cols <= c)
        if (add_column(p, NULL, 0) != XB_OK)
            return fail(p, XB_ERR_NOMEM, "csv: out of memory");
    return XB_OK;
}

/* ---- values --------------------------------------------------------------- */

static xb_status deliver(xb_parser *p, xb_value_kind kind, const uint8_t *data, size_t len,
                         size_t raw_start, size_t raw_end, const size_t *offsets,
                         bool segment)
{
    size_t bad = xbt_utf8_check(data, len, false);
    if (bad < len)
        return fail(p, XB_ERR_MALFORMED, "csv: non-UTF-8 content at byte %zu",
                    offsets ? offsets[bad] : raw_start + bad);
    if (ensure_column(p, p->column) != XB_OK)
        return p->status;
    if (!p->sink.value)
        return XB_OK;
    xb_value v;
    v.kind = kind;
    v.syntax = XB_SYNTAX_CSV;
    v.path = p->cols.data + p->col_off[p->column];
    v.path_len = p->col_len[p->column];
    if (kind == XB_VALUE_KEY) {
        v.field = "";
        v.field_len = 0;
        v.record = XB_RECORD_NONE;
    } else {
        v.field = v.path + p->prefix.len;
        v.field_len = v.path_len - p->prefix.len;
        v.record = p->row;
    }
    v.data = data;
    v.len = len;
    v.raw_start = raw_start;
    v.raw_end = raw_end;
    v.raw_offsets = offsets;
    v.exact = true;
    v.segment = segment;
    xb_status st = p->sink.value(p->sink.ctx, &v);
    if (st != XB_OK)
        return fail(p, st, "csv: value sink stopped the parse (%s) at byte %zu",
                    xb_status_name(st), raw_end);
    return XB_OK;
}

/* A header cell names a column and is reported as a key. */
static xb_status emit_header(void *ctx, const uint8_t *data, size_t len, size_t raw_start,
                             size_t raw_end, const size_t *offsets, bool segment)
{
    xb_parser *p = ctx;
    if (segment)
        return fail(p, XB_ERR_LIMIT, "csv: header cell longer than %zu bytes at byte %zu",
                    p->cell.max, raw_start);
    size_t bad = xbt_utf8_check(data, len, false);
    if (bad < len)
        return fail(p, XB_ERR_MALFORMED, "csv: non-UTF-8 content at byte %zu",
                    offsets ? offsets[bad] : raw_start + bad);
    if (ensure_column(p, p->column) != XB_OK) /* unnamed columns before this one */
        return p->status;
    /* ensure_column named column `column` "#N"; rename it */
    p->cols.len = p->col_off[p->column];
    p->n_cols = p->column;
    if (add_column(p, data, len) != XB_OK)
        return fail(p, XB_ERR_NOMEM, "csv: out of memory");
    return deliver(p, XB_VALUE_KEY, data, len, raw_start, raw_end, offsets, false);
}

static xb_status emit_cell(void *ctx, const uint8_t *data, size_t len, size_t raw_start,
                           size_t raw_end, const size_t *offsets, bool segment)
{
    return deliver(ctx, XB_VALUE_STRING, data, len, raw_start, raw_end, offsets, segment);
}

static inline xbt_emit_fn cell_emitter(const xb_parser *p)
{
    return p->in_header ? emit_header : emit_cell;
}

static xb_status check(xb_parser *p, xb_status st)
{
    return st == XB_OK ? XB_OK : fail(p, st, "csv: out of memory");
}

/* Copy the cell bytes [run, q) to the accumulator. */
static xb_status flush_run(xb_parser *p, const uint8_t *q)
{
    size_t n = (size_t)(q - p->run);
    xb_status st = XB_OK;
    if (n)
        st = xbt_value_copy(&p->cell, p->run, n, abs_of(p, p->run), cell_emitter(p), p);
    p->run = q;
    return check(p, st);
}

/* The cell's data ends at q in this piece (or, q == NULL, at raw_end with
 * everything already in the accumulator). */
static xb_status cell_end(xb_parser *p, const uint8_t *q, size_t raw_end)
{
    xb_status st;
    if (p->column >= p->max_columns)
        return fail(p, XB_ERR_LIMIT, "csv: more than %zu columns at byte %zu", p->max_columns,
                    raw_end);
    if (q && xbt_value_empty(&p->cell)) {
        st = xbt_value_direct(&p->cell, p->run, (size_t)(q - p->run), abs_of(p, p->run),
                              cell_emitter(p), p);
    } else {
        if (q && flush_run(p, q) != XB_OK)
            return p->status;
        st = xbt_value_end(&p->cell, raw_end, cell_emitter(p), p);
    }
    p->row_started = true;
    p->column++;
    return check(p, st);
}

static void row_end(xb_parser *p)
{
    if (p->row_started) {
        if (p->in_header) {
            p->in_header = false;
            p->n_named = p->n_cols;
        } else {
            p->row++;
        }
    }
    p->row_started = false;
    p->column = 0;
}

/* ---- tokenizer -------------------------------------------------------------- */

/* First delimiter, CR or LF in [s, end), or end. Eight bytes at a time: a
 * byte equal to t becomes zero after XOR with t, and the lowest zero byte
 * is found exactly by the classic has-zero-byte expression. */
static inline const uint8_t *find_stop(const xb_parser *p, const uint8_t *s,
                                       const uint8_t *end)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t ones = UINT64_C(0x0101010101010101), highs = ones << 7;
    const uint64_t d = ones * p->delim, lf = ones * '\n', cr = ones * '\r';
    while (end - s >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        uint64_t a = w ^ d, b = w ^ lf, c = w ^ cr;
        uint64_t hit = (((a - ones) & ~a) | ((b - ones) & ~b) | ((c - ones) & ~c)) & highs;
        if (hit)
            return s + (__builtin_ctzll(hit) >> 3);
        s += 8;
    }
#endif
    const uint8_t *stop = p->stop;
    while (s < end && !stop[*s])
        s++;
    return s;
}

static xb_status tokenize(xb_parser *p, const uint8_t *data, size_t len, size_t abs)
{
    p->chunk = data;
    p->chunk_abs = abs;
    p->run = data;
    const uint8_t *s = data, *end = data + len;
    const uint8_t delim = p->delim;
    while (s < end) {
        switch (p->state) {
        case CSV_CELL_START: {
            uint8_t c = *s;
            if (c == '"') {
                p->open_abs = abs_of(p, s);
                s++;
                xbt_value_begin(&p->cell, abs_of(p, s));
                p->run = s;
                p->state = CSV_QUOTED;
            } else if (c == delim) {
                p->run = s;
                if (cell_end(p, s, abs_of(p, s)) != XB_OK)
                    return p->status;
                s++;
            } else if (c == '\n' || c == '\r') {
                if (p->row_started) {
                    p->run = s;
                    if (cell_end(p, s, abs_of(p, s)) != XB_OK) /* an empty last cell */
                        return p->status;
                }
                row_end(p);
                s++;
                p->state = c == '\r' ? CSV_AFTER_CR : CSV_CELL_START;
            } else {
                xbt_value_begin(&p->cell, abs_of(p, s));
                p->run = s;
                p->state = CSV_UNQUOTED;
            }
            break;
        }
        case CSV_UNQUOTED: {
            s = find_stop(p, s, end);
            if (s == end)
                break;
            uint8_t c = *s;
            if (cell_end(p, s, abs_of(p, s)) != XB_OK)
                return p->status;
            s++;
            if (c == delim) {
                p->state = CSV_CELL_START;
            } else {
                row_end(p);
                p->state = c == '\r' ? CSV_AFTER_CR : CSV_CELL_START;
            }
            break;
        }
        case CSV_QUOTED: {
            const uint8_t *q = memchr(s, '"', (size_t)(end - s));
            if (!q) {
                s = end;
                break;
            }
            p->quote = q;
            p->quote_abs = abs_of(p, q);
            p->state = CSV_QUOTE;
            s = q + 1;
            break;
        }
        case CSV_QUOTE: {
            uint8_t c = *s;
            if (c == '"') {
                /* "" is one quote, produced by the first of the two */
                if (p->quote && flush_run(p, p->quote) != XB_OK)
                    return p->status;
                if (check(p, xbt_value_put_mapped(&p->cell, '"', p->quote_abs,
                                                  cell_emitter(p), p)) != XB_OK)
                    return p->status;
                s++;
                p->run = s;
                p->state = CSV_QUOTED;
                break;
            }
            if (c != delim && c != '\r' && c != '\n') {
                if (c > 0x20 && c < 0x7f)
                    return fail(p, XB_ERR_MALFORMED,
                                "csv: unexpected '%c' after closing quote at byte %zu", (char)c,
                                abs_of(p, s));
                return fail(p, XB_ERR_MALFORMED,
                            "csv: unexpected byte 0x%02x after closing quote at byte %zu",
                            (unsigned)c, abs_of(p, s));
            }
            if (cell_end(p, p->quote, p->quote_abs) != XB_OK)
                return p->status;
            s++;
            if (c == delim) {
                p->state = CSV_CELL_START;
            } else {
                row_end(p);
                p->state = c == '\r' ? CSV_AFTER_CR : CSV_CELL_START;
            }
            break;
        }
        case CSV_AFTER_CR:
            if (*s == '\n')
                s++;
            p->state = CSV_CELL_START;
            break;
        }
    }
    /* the piece ends: keep the current cell's bytes */
    xb_status st = XB_OK;
    if (p->state == CSV_UNQUOTED || p->state == CSV_QUOTED)
        st = flush_run(p, end);
    else if (p->state == CSV_QUOTE && p->quote)
        st = flush_run(p, p->quote);
    p->quote = NULL;
    p->chunk = NULL;
    p->run = NULL;
    return st;
}

/* ---- start of the body: delimiter ---------------------------------------- */

/* Count delimiter candidates of the first non-blank line in [s, end); true
 * when its end was seen. */
static bool sniff_line(xb_parser *p, const uint8_t *s, const uint8_t *end)
{
    for (; s < end; s++) {
        uint8_t c = *s;
        if (c == '\n' || c == '\r') {
            if (p->sniff_quoted)
                continue;
            if (p->sniff_content)
                return true;
            continue; /* leading blank lines */
        }
        p->sniff_content = true;
        if (c == '"')
            p->sniff_quoted = !p->sniff_quoted;
        else if (p->sniff_quoted)
            continue;
        else if (c == ',')
            p->n_comma++;
        else if (c == ';')
            p->n_semi++;
        else if (c == '\t')
            p->n_tab++;
    }
    return false;
}

static void choose_delimiter(xb_parser *p)
{
    if (!p->delim_fixed && p->n_comma == 0 && (p->n_semi || p->n_tab))
        p->delim = p->n_semi >= p->n_tab ? ';' : '\t';
    p->sniffed = true;
    memset(p->stop, 0, sizeof(p->stop));
    p->stop[p->delim] = p->stop['\r'] = p->stop['\n'] = 1;
}

/* Body bytes after the BOM: buffered until the delimiter is known, then
 * tokenized. */
static xb_status consume(xb_parser *p, const uint8_t *data, size_t len, size_t abs)
{
    if (p->sniffed)
        return tokenize(p, data, len, abs);
    if (!sniff_line(p, data, data + len)) {
        if (p->sniff.len == 0)
            p->sniff_abs = abs;
        if (p->sniff.len + len > SNIFF_MAX)
            return fail(p, XB_ERR_LIMIT, "csv: first line longer than %d bytes at byte %zu",
                        SNIFF_MAX, p->sniff_abs);
        return check(p, xb_buf_append(&p->sniff, data, len));
    }
    choose_delimiter(p);
    if (p->sniff.len > 0) {
        xb_status st = tokenize(p, (const uint8_t *)p->sniff.data, p->sniff.len, p->sniff_abs);
        xb_buf_free(&p->sniff);
        if (st != XB_OK)
            return st;
    }
    return tokenize(p, data, len, abs);
}

static xb_status csv_feed(xb_parser *p, const uint8_t *data, size_t len)
{
    if (p->status != XB_OK)
        return p->status;
    size_t abs = p->base + p->consumed;
    p->consumed += len;
    const uint8_t *s = data, *end = data + len;
    if (!p->started) {
        while (s < end && p->bom_seen < 3 && *s == utf8_bom[p->bom_seen]) {
            p->bom_seen++;
            s++;
        }
        if (s == end && p->bom_seen < 3)
            return XB_OK;
        p->started = true;
        if (p->bom_seen < 3 && p->bom_seen > 0 &&
            consume(p, utf8_bom, p->bom_seen, p->base) != XB_OK)
            return p->status;
        abs += (size_t)(s - data);
    }
    return consume(p, s, (size_t)(end - s), abs);
}

static xb_status csv_finish(xb_parser *p)
{
    if (p->status != XB_OK)
        return p->status;
    if (!p->started) {
        p->started = true;
        if (p->bom_seen > 0 && p->bom_seen < 3 &&
            consume(p, utf8_bom, p->bom_seen, p->base) != XB_OK)
            return p->status;
    }
    if (!p->sniffed) {
        choose_delimiter(p);
        if (p->sniff.len > 0) {
            xb_status st = tokenize(p, (const uint8_t *)p->sniff.data, p->sniff.len,
                                    p->sniff_abs);
            xb_buf_free(&p->sniff);
            if (st != XB_OK)
                return st;
        }
    }
    size_t end = p->base + p->consumed;
    switch (p->state) {
    case CSV_QUOTED:
        return fail(p, XB_ERR_MALFORMED,
                    "csv: unterminated quoted cell starting at byte %zu", p->open_abs);
    case CSV_QUOTE:
        if (cell_end(p, NULL, p->quote_abs) != XB_OK)
            return p->status;
        break;
    case CSV_UNQUOTED:
        if (cell_end(p, NULL, end) != XB_OK)
            return p->status;
        break;
    case CSV_CELL_START:
        if (p->row_started) {
            p->chunk = p->run = NULL;
            if (cell_end(p, NULL, end) != XB_OK)
                return p->status;
        }
        break;
    case CSV_AFTER_CR:
        break;
    }
    row_end(p);
    p->state = CSV_AFTER_CR;
    return XB_OK;
}

/* ---- ops -------------------------------------------------------------------- */

static bool media_type_is(const char *ct, const char *type)
{
    while (*ct == ' ' || *ct == '\t')
        ct++;
    size_t n = strlen(type);
    return strncasecmp(ct, type, n) == 0 &&
           (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ' || ct[n] == '\t');
}

static xb_parser *csv_create(const xb_parser_params *pp)
{
    xb_parser *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    xb_limits defaults;
    xb_limits_default(&defaults);
    const xb_limits *lim = pp->limits ? pp->limits : &defaults;
    p->sink = pp->sink;
    p->base = pp->base_offset;
    p->max_columns = lim->max_columns ? lim->max_columns : defaults.max_columns;
    xbt_value_init(&p->cell, lim->max_value_len ? lim->max_value_len : defaults.max_value_len);
    p->delim = ',';
    p->has_header = true;
    p->state = CSV_CELL_START;
    if (pp->path_prefix && xb_buf_append_str(&p->prefix, pp->path_prefix) != XB_OK) {
        free(p);
        return NULL;
    }
    const char *ct = pp->content_type;
    if (ct) {
        char v[64];
        if (media_type_is(ct, "text/tab-separated-values")) {
            p->delim = '\t';
            p->delim_fixed = true;
        }
        if (xb_content_type_param(ct, "header", v, sizeof(v)) && !strcasecmp(v, "absent"))
            p->has_header = false;
        if (xb_content_type_param(ct, "charset", v, sizeof(v)) && strcasecmp(v, "utf-8") &&
            strcasecmp(v, "utf8") && strcasecmp(v, "us-ascii"))
            fail(p, XB_ERR_UNSUPPORTED, "csv: charset %s is not supported", v);
    }
    if (p->delim_fixed)
        choose_delimiter(p);
    p->in_header = p->has_header;
    return p;
}

static const char *csv_error(const xb_parser *p)
{
    return p->msg;
}

static void csv_destroy(xb_parser *p)
{
    if (!p)
        return;
    xbt_value_free(&p->cell);
    xb_buf_free(&p->sniff);
    xb_buf_free(&p->cols);
    xb_buf_free(&p->prefix);
    free(p->col_off);
    free(p->col_len);
    free(p);
}

const xb_parser_ops xb_csv_parser = {
    .name = "csv",
    .syntax = XB_SYNTAX_CSV,
    .records_by_path = false,
    .create = csv_create,
    .feed = csv_feed,
    .finish = csv_finish,
    .error_message = csv_error,
    .destroy = csv_destroy,
};
