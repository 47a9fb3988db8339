/*
 * rules_csv.c - a small RFC 4180 reader for spreadsheet exports: comma
 * separated, double-quoted cells with "" for a quote, line breaks inside
 * quoted cells, CRLF or LF line ends, an optional UTF-8 byte-order mark
 * (Excel's "CSV UTF-8" writes one). Each record remembers the physical line
 * it starts on, so bad rows can be reported where the officer sees them.
 */
#include <stdlib.h>
#include <string.h>

#include "classifier/core/xb_buf.h"
#include "rules_tools.h"

/* A spreadsheet row has at most this many cells; a cell at most this many
 * bytes. Bounds memory on garbage input. */
#define XB_CSV_MAX_CELLS 256
#define XB_CSV_MAX_CELL (1u << 20)

void xb_csv_init(xb_csv_reader *r, const char *data, size_t len)
{
    r->data = data;
    r->len = len;
    r->pos = 0;
    r->line = 1;
    if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
        r->pos = 3;
}

void xb_csv_row_free(xb_csv_row *row)
{
    for (size_t i = 0; i < row->n; i++)
        free(row->cells[i]);
    free(row->cells);
    row->cells = NULL;
    row->n = 0;
}

static int push_cell(xb_csv_row *row, xb_buf *cell)
{
    if (row->n >= XB_CSV_MAX_CELLS)
        return -1;
    char **p = realloc(row->cells, (row->n + 1) * sizeof(*p));
    if (!p)
        return -1;
    row->cells = p;
    char *s = xb_buf_take(cell);
    if (!s) {
        s = strdup("");
        if (!s)
            return -1;
    }
    p[row->n++] = s;
    return 0;
}

int xb_csv_next(xb_csv_reader *r, xb_csv_row *row, const char **err)
{
    memset(row, 0, sizeof(*row));
    *err = NULL;
    if (r->pos >= r->len)
        return 0;
    row->line = r->line;
    xb_buf cell = XB_BUF_INIT;
    bool quoted = false, was_quoted = false;
    const char *d = r->data;
    for (;;) {
        if (r->pos >= r->len) {
            if (quoted) {
                *err = "unterminated quoted cell";
                goto fail;
            }
            break;
        }
        char c = d[r->pos++];
        if (quoted) {
            if (c == '"') {
                if (r->pos < r->len && d[r->pos] == '"') {
                    r->pos++;
                    if (xb_buf_append_char(&cell, '"'))
                        goto nomem;
                } else {
                    quoted = false;
                }
                continue;
            }
            if (c == '\n')
                r->line++;
            if (xb_buf_append_char(&cell, c))
                goto nomem;
        } else if (c == '"') {
            if (cell.len != 0 || was_quoted) {
                *err = "quote in the middle of an unquoted cell";
                goto fail;
            }
            quoted = was_quoted = true;
        } else if (c == ',') {
            if (push_cell(row, &cell))
                goto nomem;
            was_quoted = false;
        } else if (c == '\r' || c == '\n') {
            if (c == '\r' && r->pos < r->len && d[r->pos] == '\n')
                r->pos++;
            r->line++;
            break;
        } else {
            if (was_quoted) {
                *err = "text after the closing quote of a cell";
                goto fail;
            }
            if (xb_buf_append_char(&cell, c))
                goto nomem;
        }
        if (cell.len > XB_CSV_MAX_CELL) {
            *err = "cell longer than 1 MiB";
            goto fail;
        }
    }
    if (push_cell(row, &cell))
        goto nomem;
    xb_buf_free(&cell);
    return 1;
nomem:
    if (row->n >= XB_CSV_MAX_CELLS)
        *err = "more than 256 cells in a row";
    else
        *err = "out of memory";
fail:
    xb_buf_free(&cell);
    xb_csv_row_free(row);
    return -1;
}
