/*
 * xb_csv.c - RFC 4180 CSV (and TSV) bodies, streaming.
 *
 * The first row is the header and names the columns (unless the media type
 * says header=absent): every later cell is a value whose path and field are
 * its column name ("#N", 1-based, for unnamed or extra columns) and whose
 * record is its data row (0-based). Quoted cells may contain separators,
 * newlines and doubled quotes; the span is the cell without its quotes and
 * raw_offsets map the decoded bytes back when "" escapes were collapsed.
 * A UTF-8 BOM at the start is skipped. Memory: the header names plus one cell.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/xb_buf.h"
#include "xb_parser.h"

enum csv_state { CSV_CELL_START, CSV_UNQUOTED, CSV_QUOTED, CSV_QUOTE_IN_QUOTED, CSV_AFTER_CR };

struct xb_parser {
    xb_sink sink;
    size_t base;
    char *prefix;
    size_t max_len, max_columns;
    char delim;
    bool delim_fixed;   /* TSV, or decided from the header */
    bool has_header;
    bool in_header;
    enum csv_state st;
    size_t pos;         /* body bytes consumed */
    size_t bom;         /* BOM bytes matched at the start */
    xb_buf cell;
    size_t *offs;       /* raw offset of every decoded byte of the cell */
    size_t offs_cap;
    size_t cell_start;  /* raw offset of the cell content */
    size_t cell_end;
    bool quoted, escaped;
    size_t column;      /* 0-based column of the current cell */
    int64_t row;        /* data row index */
    char **names;
    size_t n_names;
    xb_buf path;
    xb_buf header_line; /* header bytes, to pick the delimiter */
    xb_status err;
    char msg[200];
};

static xb_parser *csv_create(const xb_parser_params *pp)
{
    xb_parser *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->sink = pp->sink;
    p->base = pp->base_offset;
    p->prefix = strdup(pp->path_prefix ? pp->path_prefix : "");
    p->max_len = pp->limits && pp->limits->max_value_len ? pp->limits->max_value_len : 65536;
    p->max_columns = pp->limits && pp->limits->max_columns ? pp->limits->max_columns : 4096;
    p->delim = ',';
    p->has_header = true;
    if (pp->content_type) {
        char v[32];
        if (!strncasecmp(pp->content_type, "text/tab-separated-values", 25)) {
            p->delim = '\t';
            p->delim_fixed = true;
        }
        if (xb_content_type_param(pp->content_type, "header", v, sizeof(v)) &&
            !strcasecmp(v, "absent"))
            p->has_header = false;
    }
    p->in_header = p->has_header;
    if (!p->prefix) {
        free(p);
        return NULL;
    }
    return p;
}

static xb_status fail(xb_parser *p, xb_status st, const char *what, size_t at)
{
    snprintf(p->msg, sizeof(p->msg), "csv: %s at byte %zu", what, p->base + at);
    p->err = st;
    return st;
}

static xb_status add_byte(xb_parser *p, char c, size_t raw)
{
    if (p->cell.len >= p->max_len)
        return XB_OK; /* over-long cells are classified on their first part */
    if (p->cell.len + 1 >= p->offs_cap) {
        size_t cap = p->offs_cap ? p->offs_cap * 2 : 256;
        size_t *o = realloc(p->offs, cap * sizeof(*o));
        if (!o)
            return XB_ERR_NOMEM;
        p->offs = o;
        p->offs_cap = cap;
    }
    p->offs[p->cell.len] = p->base + raw;
    return xb_buf_append_char(&p->cell, c);
}

static const char *column_name(xb_parser *p, size_t col, char *tmp, size_t tmp_size)
{
    if (col < p->n_names && p->names[col] && p->names[col][0])
        return p->names[col];
    snprintf(tmp, tmp_size, "#%zu", col + 1);
    return tmp;
}

static xb_status end_cell(xb_parser *p)
{
    xb_status st = XB_OK;
    if (p->column >= p->max_columns)
        return fail(p, XB_ERR_LIMIT, "too many columns", p->pos);
    if (p->in_header) {
        char **n = realloc(p->names, (p->n_names + 1) * sizeof(*n));
        if (!n)
            return XB_ERR_NOMEM;
        p->names = n;
        size_t len = p->cell.len;
        const char *d = p->cell.data ? p->cell.data : "";
        while (len > 0 && (d[len - 1] == ' ' || d[len - 1] == '\r'))
            len--;
        size_t s = 0;
        while (s < len && d[s] == ' ')
            s++;
        p->names[p->n_names] = malloc(len - s + 1);
        if (!p->names[p->n_names])
            return XB_ERR_NOMEM;
        memcpy(p->names[p->n_names], d + s, len - s);
        p->names[p->n_names][len - s] = '\0';
        p->n_names++;
    } else if (p->cell.len > 0) {
        char tmp[32];
        const char *name = column_name(p, p->column, tmp, sizeof(tmp));
        xb_buf_reset(&p->path);
        if (xb_buf_append_str(&p->path, p->prefix) || xb_buf_append_str(&p->path, name))
            return XB_ERR_NOMEM;
        p->offs[p->cell.len] = p->base + p->cell_end;
        xb_value v;
        memset(&v, 0, sizeof(v));
        v.kind = XB_VALUE_STRING;
        v.syntax = XB_SYNTAX_CSV;
        v.path = p->path.data;
        v.path_len = p->path.len;
        v.field = name;
        v.field_len = strlen(name);
        v.data = (const uint8_t *)p->cell.data;
        v.len = p->cell.len;
        v.raw_start = p->base + p->cell_start;
        v.raw_end = p->base + p->cell_end;
        v.raw_offsets = p->escaped ? p->offs : NULL;
        v.exact = true;
        v.record = p->row;
        v.segment = p->cell.len >= p->max_len;
        st = p->sink.value(p->sink.ctx, &v);
    }
    xb_buf_reset(&p->cell);
    p->quoted = p->escaped = false;
    p->column++;
    return st;
}

static xb_status end_row(xb_parser *p)
{
    xb_status st = end_cell(p);
    if (st != XB_OK)
        return st;
    if (p->in_header)
        p->in_header = false;
    else
        p->row++;
    p->column = 0;
    return XB_OK;
}

/* For CSV without TAB in the media type: if the header has no comma but a
 * semicolon or TAB, use that as the delimiter. */
static void choose_delimiter(xb_parser *p, const uint8_t *d, size_t n)
{
    if (p->delim_fixed)
        return;
    const uint8_t *nl = memchr(d, '\n', n);
    size_t len = nl ? (size_t)(nl - d) : n;
    xb_buf_append(&p->header_line, d, len);
    if (!nl && p->header_line.len < 4096)
        return;
    const char *h = p->header_line.data ? p->header_line.data : "";
    size_t hl = p->header_line.len;
    if (!memchr(h, ',', hl)) {
        if (memchr(h, ';', hl))
            p->delim = ';';
        else if (memchr(h, '\t', hl))
            p->delim = '\t';
    }
    p->delim_fixed = true;
}

static xb_status csv_feed(xb_parser *p, const uint8_t *d, size_t n)
{
    if (p->err != XB_OK)
        return p->err;
    size_t i = 0;
    while (p->pos + i < 3 && i < n) {
        static const uint8_t bom[3] = {0xEF, 0xBB, 0xBF};
        if (d[i] != bom[p->bom] || p->bom != p->pos + i)
            break;
        p->bom++;
        i++;
    }
    if (p->bom > 0 && p->bom < 3 && p->pos + i >= 3)
        return fail(p, XB_ERR_MALFORMED, "broken byte-order mark", 0);
    if (!p->delim_fixed)
        choose_delimiter(p, d + i, n - i);
    for (; i < n; i++) {
        char c = (char)d[i];
        size_t at = p->pos + i;
        xb_status st = XB_OK;
        switch (p->st) {
        case CSV_AFTER_CR:
            p->st = CSV_CELL_START;
            if (c == '\n')
                break;
            /* a lone CR ended the row: this byte starts the next cell */
            __attribute__((fallthrough));
        case CSV_CELL_START:
            p->cell_start = p->cell_end = at;
            if (c == '"') {
                p->quoted = true;
                p->cell_start = p->cell_end = at + 1;
                p->st = CSV_QUOTED;
            } else if (c == p->delim) {
                st = end_cell(p);
            } else if (c == '\n') {
                st = end_row(p);
            } else if (c == '\r') {
                st = end_row(p);
                p->st = CSV_AFTER_CR;
            } else {
                st = add_byte(p, c, at);
                p->cell_end = at + 1;
                p->st = CSV_UNQUOTED;
            }
            break;
        case CSV_UNQUOTED:
            if (c == p->delim) {
                st = end_cell(p);
                p->st = CSV_CELL_START;
            } else if (c == '\n' || c == '\r') {
                st = end_row(p);
                p->st = c == '\r' ? CSV_AFTER_CR : CSV_CELL_START;
            } else {
                st = add_byte(p, c, at);
                p->cell_end = at + 1;
            }
            break;
        case CSV_QUOTED:
            if (c == '"') {
                p->st = CSV_QUOTE_IN_QUOTED;
            } else {
                st = add_byte(p, c, at);
                p->cell_end = at + 1;
            }
            break;
        case CSV_QUOTE_IN_QUOTED:
            if (c == '"') { /* doubled quote: one literal quote */
                p->escaped = true;
                st = add_byte(p, '"', at - 1);
                p->cell_end = at + 1;
                p->st = CSV_QUOTED;
            } else if (c == p->delim) {
                st = end_cell(p);
                p->st = CSV_CELL_START;
            } else if (c == '\n' || c == '\r') {
                st = end_row(p);
                p->st = c == '\r' ? CSV_AFTER_CR : CSV_CELL_START;
            } else if (c == ' ' || c == '\t') {
                /* tolerated whitespace after the closing quote */
            } else {
                return fail(p, XB_ERR_MALFORMED, "character after closing quote", at);
            }
            break;
        }
        if (st != XB_OK) {
            p->err = st;
            if (!p->msg[0])
                snprintf(p->msg, sizeof(p->msg), "csv: %s", xb_status_name(st));
            return st;
        }
    }
    p->pos += n;
    return XB_OK;
}

static xb_status csv_finish(xb_parser *p)
{
    if (p->err != XB_OK)
        return p->err;
    if (p->st == CSV_QUOTED)
        return fail(p, XB_ERR_MALFORMED, "unterminated quoted cell", p->pos);
    if (p->st == CSV_UNQUOTED || p->st == CSV_QUOTE_IN_QUOTED || p->column > 0) {
        xb_status st = end_row(p);
        if (st != XB_OK)
            return p->err = st;
    }
    return XB_OK;
}

static const char *csv_error(const xb_parser *p)
{
    return p->msg;
}

static void csv_destroy(xb_parser *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_names; i++)
        free(p->names[i]);
    free(p->names);
    free(p->offs);
    xb_buf_free(&p->cell);
    xb_buf_free(&p->path);
    xb_buf_free(&p->header_line);
    free(p->prefix);
    free(p);
}

const xb_parser_ops xb_csv_parser = {
    "csv", XB_SYNTAX_CSV, false, csv_create, csv_feed, csv_finish, csv_error, csv_destroy,
};
