/*
 * rules_import.c - `xborder rules import`: turn the spreadsheet a compliance
 * officer transcribed from an official list (CSV export, UTF-8, optional
 * BOM; columns 领域, 场景, 数据类别, 数据项, 描述, 出境路径, 阈值 and
 * optionally 数据类型, 编号, 英文名称) into a catalog file.
 *
 * Decisions (documented in README.md "Rule catalog format", "Importing a list"):
 *   - one entry per data row; id = <catalog>.<编号> when the sheet has an
 *     编号 column, else <catalog>.<row number, 4 digits>;
 *   - 领域, 场景, 数据类别 and 数据类型 are filled down from the row above
 *     when empty (merged cells export as empty cells);
 *   - 数据项 is split on 、，,；;/ into field names (parenthesised notes and a
 *     trailing 等 removed; items longer than 24 characters are prose and are
 *     not used as names): the list is field-level, so a value in a field of
 *     that name is a finding by itself. 描述 becomes the description only -
 *     prose makes bad keywords;
 *   - entries are provenance official by default (they come from the
 *     official list) with the CSV file and line as source;
 *   - each entry gets a generated match / no-match example pair so that
 *     `xborder rules test` exercises its field names.
 * Bad rows are reported by CSV line and nothing is written when any row is
 * bad. The output is loaded back through the catalog loader before the
 * command succeeds, so it always passes `xborder rules check`.
 */
#include <ctype.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/xb_cli.h"
#include "rules_tools.h"

#define MAX_FIELD_CHARS 24

enum col {
    COL_SECTOR, COL_SCENARIO, COL_CATEGORY, COL_ITEM, COL_DESCRIPTION, COL_ROUTE,
    COL_THRESHOLD, COL_LEVEL, COL_ID, COL_NAME_EN, COL_COUNT
};

static const char *const col_names[COL_COUNT][6] = {
    [COL_SECTOR] = {"领域", "行业领域", "行业", "sector", NULL},
    [COL_SCENARIO] = {"场景", "业务场景", "scenario", NULL},
    [COL_CATEGORY] = {"数据类别", "数据子类", "类别", "category", NULL},
    [COL_ITEM] = {"数据项", "数据字段", "字段", "item", "field", NULL},
    [COL_DESCRIPTION] = {"描述", "基本特征描述", "特征描述", "说明", "description", NULL},
    [COL_ROUTE] = {"出境路径", "出境要求", "管理要求", "route", NULL},
    [COL_THRESHOLD] = {"阈值", "规模阈值", "数量阈值", "threshold", NULL},
    [COL_LEVEL] = {"数据类型", "数据级别", "level", NULL},
    [COL_ID] = {"编号", "id", NULL},
    [COL_NAME_EN] = {"英文名称", "name_en", NULL},
};

/* Columns that are filled down from the previous row when empty. */
static bool fills_down(enum col c)
{
    return c == COL_SECTOR || c == COL_SCENARIO || c == COL_CATEGORY || c == COL_LEVEL;
}

static const char *col_label(enum col c)
{
    return col_names[c][0];
}

/* ------------------------------------------------------------- text */

static char *trim_copy(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' ||
                     s[n - 1] == '\n'))
        n--;
    return strndup(s, n);
}

static bool valid_utf8(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        unsigned char c = u[i];
        size_t k = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (!k || i + k > n)
            return false;
        for (size_t j = 1; j < k; j++)
            if ((u[i + j] & 0xC0) != 0x80)
                return false;
        i += k;
    }
    return true;
}

/* XML 1.0 forbids most control characters. */
static bool xml_safe(const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
            return false;
    }
    return true;
}

static void xml_escape(xb_buf *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            xb_buf_append_str(out, "&amp;");
            break;
        case '<':
            xb_buf_append_str(out, "&lt;");
            break;
        case '>':
            xb_buf_append_str(out, "&gt;");
            break;
        case '"':
            xb_buf_append_str(out, "&quot;");
            break;
        case '\r':
            break;
        default:
            xb_buf_append_char(out, *s);
        }
    }
}

static void element(xb_buf *out, const char *indent, const char *name, const char *text)
{
    xb_buf_printf(out, "%s<%s>", indent, name);
    xml_escape(out, text);
    xb_buf_printf(out, "</%s>\n", name);
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static bool id_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
}

static bool valid_id(const char *s)
{
    if (!s || !*s || strlen(s) > 128 || !((s[0] >= 'a' && s[0] <= 'z') ||
                                          (s[0] >= '0' && s[0] <= '9')))
        return false;
    for (; *s; s++)
        if (!id_char(*s))
            return false;
    return true;
}

/* ------------------------------------------------------ field names */

typedef struct strv {
    char **v;
    size_t n;
} strv;

static void strv_free(strv *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

static int strv_add(strv *s, char *item)
{
    if (!item)
        return -1;
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i], item)) {
            free(item);
            return 0;
        }
    char **p = realloc(s->v, (s->n + 1) * sizeof(*p));
    if (!p) {
        free(item);
        return -1;
    }
    s->v = p;
    p[s->n++] = item;
    return 0;
}

/* Length of a list separator at s (、，,；;/／ and line breaks), or 0. */
static size_t separator_at(const char *s)
{
    static const char *const seps[] = {"、", "，", "；", "／", ",", ";", "/", "\n", "\r",
                                       NULL};
    for (size_t i = 0; seps[i]; i++) {
        size_t k = strlen(seps[i]);
        if (!strncmp(s, seps[i], k))
            return k;
    }
    return 0;
}

/* End of the next list item starting at p: the first separator outside
 * brackets (so "会员等级（金卡/银卡）" stays one item). *sep_len receives the
 * separator's length (0 at the end of the text). */
static const char *item_end(const char *p, size_t *sep_len)
{
    int depth = 0;
    *sep_len = 0;
    for (; *p; p++) {
        if (*p == '(' || !strncmp(p, "（", 3))
            depth++;
        else if ((*p == ')' || !strncmp(p, "）", 3)) && depth > 0)
            depth--;
        else if (depth == 0 && (*sep_len = separator_at(p)) != 0)
            return p;
    }
    return p;
}

/* Remove "(...)" / "（...）" notes and a trailing 等 / 等信息, then trim. */
static char *clean_item(const char *s, size_t n)
{
    char *buf = malloc(n + 1);
    if (!buf)
        return NULL;
    size_t o = 0;
    int depth = 0;
    for (size_t i = 0; i < n;) {
        if (!strncmp(s + i, "（", 3) || s[i] == '(') {
            depth++;
            i += s[i] == '(' ? 1 : 3;
            continue;
        }
        if (!strncmp(s + i, "）", 3) || s[i] == ')') {
            if (depth > 0)
                depth--;
            i += s[i] == ')' ? 1 : 3;
            continue;
        }
        if (depth == 0)
            buf[o++] = s[i];
        i++;
    }
    buf[o] = '\0';
    char *t = trim_copy(buf);
    free(buf);
    if (!t)
        return NULL;
    static const char *const tails[] = {"等信息", "等数据", "等", NULL};
    for (size_t i = 0; tails[i]; i++) {
        size_t tl = strlen(tails[i]), l = strlen(t);
        if (l > tl && !strcmp(t + l - tl, tails[i])) {
            t[l - tl] = '\0';
            break;
        }
    }
    char *r = trim_copy(t);
    free(t);
    return r;
}

static int split_items(const char *cell, strv *out)
{
    const char *p = cell;
    while (*p) {
        const char *start = p;
        size_t k = 0;
        p = item_end(p, &k);
        char *item = clean_item(start, (size_t)(p - start));
        if (!item)
            return -1;
        if (item[0] && utf8_chars(item) <= MAX_FIELD_CHARS && xml_safe(item)) {
            if (strv_add(out, item))
                return -1;
        } else {
            free(item);
        }
        p += k;
    }
    return 0;
}

/* Scenario cell: several scenarios separated like items. */
static int split_scenarios(const char *cell, strv *out)
{
    const char *p = cell;
    while (*p) {
        const char *start = p;
        size_t k = 0;
        p = item_end(p, &k);
        char *item = strndup(start, (size_t)(p - start));
        char *t = item ? trim_copy(item) : NULL;
        free(item);
        if (!t)
            return -1;
        if (t[0]) {
            if (strv_add(out, t))
                return -1;
        } else {
            free(t);
        }
        p += k;
    }
    return 0;
}

/* ------------------------------------------------------------ rows */

typedef struct row_ctx {
    const xb_import_options *o;
    xb_diags *diags;
    int cols[COL_COUNT];      /* cell index of each column, -1 if absent */
    char *last[COL_COUNT];    /* previous row's values, for filling down */
    strv ids;                 /* entry ids used so far */
    size_t *id_lines;
    size_t data_rows;
    size_t bad;
} row_ctx;

static const char *cell(const xb_csv_row *r, const row_ctx *c, enum col k)
{
    int i = c->cols[k];
    return i >= 0 && (size_t)i < r->n ? r->cells[i] : "";
}

static bool row_is_empty(const xb_csv_row *r)
{
    for (size_t i = 0; i < r->n; i++)
        for (const char *s = r->cells[i]; *s; s++)
            if (!isspace((unsigned char)*s))
                return false;
    return true;
}

static void bad_row(row_ctx *c, size_t line, const char *fmt, const char *a, const char *b)
{
    char msg[512];
    snprintf(msg, sizeof(msg), fmt, a ? a : "", b ? b : "");
    xb_diags_add(c->diags, c->o->csv_name, line, "%s", msg);
    c->bad++;
}

static int read_header(row_ctx *c, const xb_csv_row *r)
{
    for (size_t k = 0; k < COL_COUNT; k++)
        c->cols[k] = -1;
    for (size_t i = 0; i < r->n; i++) {
        char *h = trim_copy(r->cells[i]);
        if (!h)
            return -1;
        for (size_t k = 0; k < COL_COUNT; k++)
            for (size_t j = 0; col_names[k][j]; j++)
                if (!strcasecmp(h, col_names[k][j]) && c->cols[k] < 0)
                    c->cols[k] = (int)i;
        free(h);
    }
    static const enum col required[] = {COL_SECTOR, COL_CATEGORY, COL_ITEM, COL_ROUTE};
    for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
        if (c->cols[required[i]] < 0)
            bad_row(c, r->line,
                    "the header has no %s column (expected columns: 领域, 场景, 数据类别, "
                    "数据项, 描述, 出境路径, 阈值)%s",
                    col_label(required[i]), NULL);
    return 0;
}

/* Current value of a column on this row, filling down where allowed.
 * Returns a pointer owned by c->last or the row. */
static const char *value(row_ctx *c, const xb_csv_row *r, enum col k)
{
    const char *v = cell(r, c, k);
    bool empty = true;
    for (const char *s = v; *s && empty; s++)
        empty = isspace((unsigned char)*s);
    if (!fills_down(k))
        return v;
    if (empty)
        return c->last[k] ? c->last[k] : "";
    char *copy = trim_copy(v);
    if (copy) {
        free(c->last[k]);
        c->last[k] = copy;
    }
    return c->last[k] ? c->last[k] : "";
}

static void write_entry(xb_buf *out, const row_ctx *c, const char *id, xb_level level,
                        xb_route route, uint64_t threshold, xb_threshold_basis basis,
                        const char *name_zh, const char *name_en, const char *description,
                        const char *category, const char *sector, const strv *scenarios,
                        const strv *fields, size_t line)
{
    const xb_import_options *o = c->o;
    xb_buf_printf(out, "  <entry id=\"");
    xml_escape(out, id);
    xb_buf_printf(out, "\" level=\"%s\" route=\"%s\" provenance=\"%s\">\n",
                  xb_level_name(level), xb_route_name(route),
                  xb_provenance_name(o->provenance));
    xb_buf_append_str(out, "    <name lang=\"zh\">");
    xml_escape(out, name_zh);
    xb_buf_append_str(out, "</name>\n    <name lang=\"en\">");
    xml_escape(out, name_en);
    xb_buf_append_str(out, "</name>\n");
    if (description[0])
        element(out, "    ", "description", description);
    element(out, "    ", "data-category", category);
    element(out, "    ", "sector", sector);
    for (size_t i = 0; i < scenarios->n; i++)
        element(out, "    ", "scenario", scenarios->v[i]);
    if (threshold)
        xb_buf_printf(out, "    <threshold individuals=\"%" PRIu64 "\" basis=\"%s\"/>\n",
                      threshold,
                      basis == XB_THRESHOLD_SENSITIVE ? "sensitive"
                      : basis == XB_THRESHOLD_ANY     ? "any"
                                                      : "general");
    element(out, "    ", "article", o->article);
    char src[1024];
    snprintf(src, sizeof(src), "%s, CSV line %zu", o->source, line);
    element(out, "    ", "source", src);
    xb_buf_append_str(out, "    <detectors>\n      <field-names>\n");
    for (size_t i = 0; i < fields->n; i++)
        element(out, "        ", "name", fields->v[i]);
    xb_buf_append_str(out, "      </field-names>\n    </detectors>\n");
    /* Generated examples: a value in the first field is a finding, the same
     * value under an unrelated field is not. */
    xb_buf json = XB_BUF_INIT;
    xb_buf_append_str(&json, "{\"");
    xb_buf_append_json_escaped(&json, fields->v[0], strlen(fields->v[0]));
    xb_buf_append_str(&json, "\":\"示例值\"}");
    xb_buf_append_str(out, "    <examples>\n      <match content-type=\"application/json\">");
    xml_escape(out, xb_buf_cstr(&json));
    xb_buf_append_str(out, "</match>\n      <no-match content-type=\"application/json\">"
                           "{\"xborder_unrelated_field\":\"示例值\"}</no-match>\n"
                           "    </examples>\n  </entry>\n");
    xb_buf_free(&json);
}

static int convert_row(row_ctx *c, const xb_csv_row *r, xb_buf *out)
{
    const xb_import_options *o = c->o;
    size_t line = r->line;
    size_t bad_before = c->bad;
    c->data_rows++;
    for (size_t i = 0; i < r->n; i++)
        if (!xml_safe(r->cells[i])) {
            bad_row(c, line, "a cell contains control characters%s%s", NULL, NULL);
            return 0;
        }
    if (r->n > 0) {
        int max_col = -1;
        for (size_t k = 0; k < COL_COUNT; k++)
            if (c->cols[k] > max_col)
                max_col = c->cols[k];
        for (size_t i = (size_t)max_col + 1; i < r->n; i++) {
            bool empty = true;
            for (const char *s = r->cells[i]; *s && empty; s++)
                empty = isspace((unsigned char)*s);
            if (!empty) {
                char n[32];
                snprintf(n, sizeof(n), "%zu", i + 1);
                bad_row(c, line, "cell %s is outside the named columns: '%s'", n,
                        r->cells[i]);
                break;
            }
        }
    }
    const char *sector = value(c, r, COL_SECTOR);
    const char *scenario = value(c, r, COL_SCENARIO);
    const char *category = value(c, r, COL_CATEGORY);
    const char *level_text = value(c, r, COL_LEVEL);
    char *item = trim_copy(cell(r, c, COL_ITEM));
    char *description = trim_copy(cell(r, c, COL_DESCRIPTION));
    char *route_text = trim_copy(cell(r, c, COL_ROUTE));
    char *threshold_text = trim_copy(cell(r, c, COL_THRESHOLD));
    char *id_text = trim_copy(cell(r, c, COL_ID));
    char *name_en = trim_copy(cell(r, c, COL_NAME_EN));
    strv fields = {0}, scenarios = {0};
    char id[200] = "";
    int rc = 0;
    if (!item || !description || !route_text || !threshold_text || !id_text || !name_en) {
        rc = -1;
        goto done;
    }
    if (!sector[0])
        bad_row(c, line, "%s is empty (and no row above gives one)%s", col_label(COL_SECTOR),
                NULL);
    if (!category[0])
        bad_row(c, line, "%s is empty (and no row above gives one)%s",
                col_label(COL_CATEGORY), NULL);
    xb_level level = o->default_level;
    if (level_text[0] && !xb_import_level(level_text, &level)) {
        bad_row(c, line,
                "unknown 数据类型 '%s' (use 重要数据, 核心数据, 个人信息, 敏感个人信息 or "
                "一般数据)%s", level_text, NULL);
        /* Do not fill a bad value down into the rows below. */
        free(c->last[COL_LEVEL]);
        c->last[COL_LEVEL] = NULL;
    }
    xb_route route = XB_ROUTE_NONE;
    if (!route_text[0])
        bad_row(c, line,
                "出境路径 is empty (if the sheet had merged cells, repeat the route on "
                "every row)%s%s", NULL, NULL);
    else if (!xb_import_route(route_text, &route))
        bad_row(c, line,
                "unknown route '%s' (use 安全评估, 标准合同/认证 or 禁止出境)%s", route_text,
                NULL);
    else if (route == XB_ROUTE_NONE && o->kind == XB_CATALOG_FTZ_NEGATIVE_LIST)
        bad_row(c, line,
                "route '%s' means no mechanism, but every negative-list row names one%s",
                route_text, NULL);
    uint64_t threshold = 0;
    xb_threshold_basis basis = XB_THRESHOLD_GENERAL;
    const char *why = NULL;
    xb_threshold_basis default_basis =
        level == XB_LEVEL_SENSITIVE_PI ? XB_THRESHOLD_SENSITIVE : XB_THRESHOLD_GENERAL;
    if (!xb_import_threshold(threshold_text, default_basis, &threshold, &basis, &why))
        bad_row(c, line, "bad threshold '%s': %s", threshold_text, why);
    else if (threshold && route == XB_ROUTE_NONE && route_text[0])
        bad_row(c, line, "threshold '%s' on a row whose route is none%s", threshold_text,
                NULL);
    if (!item[0]) {
        bad_row(c, line, "数据项 is empty%s%s", NULL, NULL);
    } else {
        if (split_items(item, &fields)) {
            rc = -1;
            goto done;
        }
        if (fields.n == 0)
            bad_row(c, line,
                    "数据项 '%s' gives no field name (list short names such as "
                    "会员姓名、手机号码)%s", item, NULL);
    }
    if (split_scenarios(scenario, &scenarios)) {
        rc = -1;
        goto done;
    }
    if (id_text[0]) {
        char lower[160];
        size_t k = 0;
        for (const char *s = id_text; *s && k + 1 < sizeof(lower); s++)
            lower[k++] = (char)tolower((unsigned char)*s);
        lower[k] = '\0';
        snprintf(id, sizeof(id), "%s.%s", o->catalog_id, lower);
        if (!valid_id(id) || strlen(id_text) >= sizeof(lower))
            bad_row(c, line,
                    "编号 '%s' cannot be used in an id (letters, digits, '.', '_', '-')%s",
                    id_text, NULL);
    } else {
        snprintf(id, sizeof(id), "%s.%04zu", o->catalog_id, c->data_rows);
    }
    for (size_t i = 0; i < c->ids.n; i++)
        if (!strcmp(c->ids.v[i], id)) {
            char prev[32];
            snprintf(prev, sizeof(prev), "%zu", c->id_lines[i]);
            bad_row(c, line, "编号 '%s' is already used on line %s", id_text, prev);
            break;
        }
    if (c->bad != bad_before)
        goto done;
    char *id_copy = strdup(id);
    size_t *lines = realloc(c->id_lines, (c->ids.n + 1) * sizeof(*lines));
    if (!lines) {
        free(id_copy);
        rc = -1;
        goto done;
    }
    c->id_lines = lines;
    lines[c->ids.n] = line;
    if (strv_add(&c->ids, id_copy)) {
        rc = -1;
        goto done;
    }
    const char *name_zh = fields.v[0];
    char name_buf[512];
    if (utf8_chars(item) <= 64) {
        name_zh = item;
    } else {
        snprintf(name_buf, sizeof(name_buf), "%s：%s", category, fields.v[0]);
        name_zh = name_buf;
    }
    write_entry(out, c, id, level, route, threshold, basis, name_zh,
                name_en[0] ? name_en : name_zh, description, category, sector, &scenarios,
                &fields, line);
done:
    strv_free(&fields);
    strv_free(&scenarios);
    free(item);
    free(description);
    free(route_text);
    free(threshold_text);
    free(id_text);
    free(name_en);
    return rc;
}

/* ----------------------------------------------------------- driver */

xb_status xb_import_csv(const char *csv, size_t len, const xb_import_options *o,
                        xb_buf *out, xb_diags *diags)
{
    const char *name = o->csv_name ? o->csv_name : "(csv)";
    if (!valid_utf8(csv, len)) {
        xb_diags_add(diags, name, 0,
                     "the file is not UTF-8 (Excel's plain \"CSV\" is GBK on Chinese "
                     "Windows: save as \"CSV UTF-8\")");
        return XB_ERR_INVALID;
    }
    row_ctx c;
    memset(&c, 0, sizeof(c));
    c.o = o;
    c.diags = diags;
    xb_buf body = XB_BUF_INIT;
    xb_csv_reader rd;
    xb_csv_init(&rd, csv, len);
    xb_csv_row row;
    const char *err = NULL;
    bool header = false;
    int got;
    xb_status st = XB_OK;
    while ((got = xb_csv_next(&rd, &row, &err)) == 1) {
        if (row_is_empty(&row)) {
            xb_csv_row_free(&row);
            continue;
        }
        int rc = header ? convert_row(&c, &row, &body) : read_header(&c, &row);
        header = true;
        xb_csv_row_free(&row);
        if (rc) {
            st = XB_ERR_NOMEM;
            break;
        }
        if (c.bad && c.data_rows == 0)
            break; /* bad header: the rows cannot be read */
    }
    if (got < 0) {
        xb_diags_add(diags, name, rd.line, "malformed CSV: %s", err ? err : "?");
        c.bad++;
    }
    if (st == XB_OK && !header) {
        xb_diags_add(diags, name, 0, "the file is empty (expected a header row)");
        c.bad++;
    } else if (st == XB_OK && c.data_rows == 0 && c.bad == 0) {
        xb_diags_add(diags, name, 0, "no data rows after the header");
        c.bad++;
    }
    if (st == XB_OK && c.bad == 0) {
        xb_buf_append_str(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- Generated by "
                               "`xborder rules import` from ");
        /* "--" may not appear inside an XML comment. */
        for (const char *s = name; *s; s++)
            if (!(s[0] == '-' && (s[1] == '-' || s[1] == '\0')))
                xb_buf_append_char(out, *s);
        xb_buf_printf(out, " (%zu rows). Edit the spreadsheet and import again rather "
                           "than editing this file. -->\n", c.data_rows);
        xb_buf_printf(out, "<catalog format-version=\"1\" id=\"");
        xml_escape(out, o->catalog_id);
        xb_buf_append_str(out, "\" version=\"");
        xml_escape(out, o->catalog_version);
        xb_buf_printf(out, "\" kind=\"%s\"", xb_catalog_kind_name(o->kind));
        if (o->zone) {
            xb_buf_append_str(out, " zone=\"");
            xml_escape(out, o->zone);
            xb_buf_append_str(out, "\"");
        }
        if (o->list_version) {
            xb_buf_append_str(out, " list-version=\"");
            xml_escape(out, o->list_version);
            xb_buf_append_str(out, "\"");
        }
        xb_buf_append_str(out, ">\n  <title lang=\"zh\">");
        xml_escape(out, o->title_zh);
        xb_buf_append_str(out, "</title>\n  <title lang=\"en\">");
        xml_escape(out, o->title_en);
        xb_buf_append_str(out, "</title>\n");
        element(out, "  ", "source", o->source);
        xb_buf_append(out, body.data, body.len);
        xb_buf_append_str(out, "</catalog>\n");
    }
    xb_buf_free(&body);
    for (size_t k = 0; k < COL_COUNT; k++)
        free(c.last[k]);
    strv_free(&c.ids);
    free(c.id_lines);
    if (st != XB_OK) {
        xb_diags_add(diags, name, 0, "out of memory");
        return st;
    }
    return c.bad ? XB_ERR_INVALID : XB_OK;
}

/* -------------------------------------------------------------- CLI */

static void usage(FILE *f)
{
    fprintf(f,
            "usage: xborder rules import --csv FILE --catalog ID [--kind KIND]\n"
            "           [--zone ZONE --list-version V] [--catalog-version V]\n"
            "           [--title-zh T] [--title-en T] [--source TEXT] [--article TEXT]\n"
            "           [--provenance P] [--level L] [-o OUT]\n\n"
            "Turn a CSV export (UTF-8, optional BOM) of an official list into a catalog.\n"
            "Columns, by header name: 领域, 场景, 数据类别, 数据项, 描述, 出境路径, 阈值;\n"
            "optional 数据类型 (重要数据/个人信息/...), 编号 (entry id), 英文名称.\n"
            "Empty 领域/场景/数据类别/数据类型 cells repeat the row above (merged cells).\n"
            "数据项 is split on 、，,；; into field names; 出境路径 must be 安全评估,\n"
            "标准合同/认证 or 禁止出境; 阈值 like 10万人, 100000, 1万人以上, 超过10万人.\n\n"
            "  --csv FILE          the spreadsheet export\n"
            "  --catalog ID        catalog id, also the prefix of entry ids\n"
            "  --kind KIND         ftz-negative-list (default), sector-important,\n"
            "                      national-pi or sensitive-pi\n"
            "  --zone ZONE         FTZ id (required for ftz-negative-list), e.g. tianjin\n"
            "  --list-version V    official list version (required for FTZ lists), e.g. 2024\n"
            "  --catalog-version V version of this catalog (default: the list version)\n"
            "  --title-zh/--title-en  catalog titles\n"
            "  --source TEXT       citation of the official list (default: the CSV name)\n"
            "  --article TEXT      legal basis (default for FTZ lists: Provisions Art. 6)\n"
            "  --provenance P      official (default), notified or self-defined\n"
            "  --level L           level when there is no 数据类型 column (default important)\n"
            "  -o, --output OUT    write the catalog here (default: standard output)\n\n"
            "Bad rows are printed as file:line: message and nothing is written.\n"
            "exit status: 0 converted, 1 any bad row or error\n");
}

/* Write buf to path (or a temporary file when path is NULL), then load it
 * through the catalog loader. Returns 0 when it loads cleanly. */
static int write_and_verify(const xb_buf *buf, const char *path)
{
    char tmp[] = "/tmp/xborder-import-XXXXXX.xml";
    const char *target = path;
    FILE *f = NULL;
    if (!target) {
        int fd = mkstemps(tmp, 4);
        if (fd < 0) {
            perror("xborder rules import: temporary file");
            return -1;
        }
        f = fdopen(fd, "w");
        target = tmp;
    } else {
        f = fopen(target, "w");
    }
    if (!f || fwrite(buf->data, 1, buf->len, f) != buf->len) {
        fprintf(stderr, "xborder rules import: cannot write %s\n", target);
        if (f)
            fclose(f);
        unlink(target);
        return -1;
    }
    if (fclose(f) != 0) {
        fprintf(stderr, "xborder rules import: cannot write %s\n", target);
        unlink(target);
        return -1;
    }
    xb_diags diags = {0};
    xb_catalog_set *set = NULL;
    int rc = 0;
    if (xb_catalog_set_load(&target, 1, &set, &diags) != XB_OK) {
        fprintf(stderr, "xborder rules import: internal error, the generated catalog "
                        "does not load:\n");
        xb_cli_print_diags(stderr, &diags);
        unlink(target);
        rc = -1;
    }
    xb_catalog_set_free(set);
    xb_diags_free(&diags);
    if (!path) {
        if (rc == 0)
            fwrite(buf->data, 1, buf->len, stdout);
        unlink(tmp);
    }
    return rc;
}

int xb_rules_import(int argc, char **argv)
{
    static const struct option opts[] = {
        {"csv", required_argument, NULL, 'c'},
        {"catalog", required_argument, NULL, 'i'},
        {"kind", required_argument, NULL, 'k'},
        {"zone", required_argument, NULL, 'z'},
        {"list-version", required_argument, NULL, 'l'},
        {"catalog-version", required_argument, NULL, 'V'},
        {"title-zh", required_argument, NULL, 'Z'},
        {"title-en", required_argument, NULL, 'E'},
        {"source", required_argument, NULL, 's'},
        {"article", required_argument, NULL, 'a'},
        {"provenance", required_argument, NULL, 'p'},
        {"level", required_argument, NULL, 'L'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    xb_import_options o;
    memset(&o, 0, sizeof(o));
    o.kind = XB_CATALOG_FTZ_NEGATIVE_LIST;
    o.provenance = XB_PROV_OFFICIAL;
    o.default_level = XB_LEVEL_IMPORTANT;
    const char *csv_path = NULL, *output = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            csv_path = optarg;
            break;
        case 'i':
            o.catalog_id = optarg;
            break;
        case 'k':
            if (!xb_catalog_kind_parse(optarg, &o.kind)) {
                fprintf(stderr, "xborder rules import: unknown kind '%s'\n", optarg);
                return 1;
            }
            break;
        case 'z':
            o.zone = optarg;
            break;
        case 'l':
            o.list_version = optarg;
            break;
        case 'V':
            o.catalog_version = optarg;
            break;
        case 'Z':
            o.title_zh = optarg;
            break;
        case 'E':
            o.title_en = optarg;
            break;
        case 's':
            o.source = optarg;
            break;
        case 'a':
            o.article = optarg;
            break;
        case 'p':
            if (!xb_provenance_parse(optarg, &o.provenance)) {
                fprintf(stderr, "xborder rules import: unknown provenance '%s'\n", optarg);
                return 1;
            }
            break;
        case 'L':
            if (!xb_level_parse(optarg, &o.default_level)) {
                fprintf(stderr, "xborder rules import: unknown level '%s'\n", optarg);
                return 1;
            }
            break;
        case 'o':
            output = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 1;
        }
    }
    if (optind < argc || !csv_path || !o.catalog_id) {
        fprintf(stderr, "xborder rules import: --csv and --catalog are required\n");
        usage(stderr);
        return 1;
    }
    if (!valid_id(o.catalog_id)) {
        fprintf(stderr, "xborder rules import: catalog id '%s' must be lower-case letters, "
                        "digits, '.', '_' or '-'\n", o.catalog_id);
        return 1;
    }
    bool ftz = o.kind == XB_CATALOG_FTZ_NEGATIVE_LIST;
    if (ftz && (!o.zone || !o.list_version)) {
        fprintf(stderr, "xborder rules import: an ftz-negative-list needs --zone and "
                        "--list-version\n");
        return 1;
    }
    if (!ftz && (o.zone || o.list_version)) {
        fprintf(stderr, "xborder rules import: --zone and --list-version only apply to "
                        "ftz-negative-list\n");
        return 1;
    }
    if (o.zone && !valid_id(o.zone)) {
        fprintf(stderr, "xborder rules import: zone '%s' must be lower-case letters, "
                        "digits, '.', '_' or '-'\n", o.zone);
        return 1;
    }
    if (!o.article) {
        if (!ftz) {
            fprintf(stderr, "xborder rules import: --article (the legal basis) is required "
                            "for %s catalogs\n", xb_catalog_kind_name(o.kind));
            return 1;
        }
        o.article = "《促进和规范数据跨境流动规定》第六条";
    }
    char title_zh[300], title_en[300];
    if (!o.title_zh) {
        snprintf(title_zh, sizeof(title_zh), "%s（导入）", o.catalog_id);
        o.title_zh = title_zh;
    }
    if (!o.title_en) {
        snprintf(title_en, sizeof(title_en), "%s (imported)", o.catalog_id);
        o.title_en = title_en;
    }
    if (!o.catalog_version)
        o.catalog_version = o.list_version ? o.list_version : "1";
    const char *base = strrchr(csv_path, '/');
    o.csv_name = csv_path;
    if (!o.source)
        o.source = base ? base + 1 : csv_path;
    size_t len = 0;
    char *csv = xb_cli_read_file(csv_path, &len);
    if (!csv)
        return 1;
    xb_buf out = XB_BUF_INIT;
    xb_diags diags = {0};
    xb_status st = xb_import_csv(csv, len, &o, &out, &diags);
    free(csv);
    int rc = 0;
    if (st != XB_OK) {
        xb_cli_print_diags(stderr, &diags);
        fprintf(stderr, "%zu problem%s; nothing written\n", diags.n, diags.n == 1 ? "" : "s");
        rc = 1;
    } else if (write_and_verify(&out, output)) {
        rc = 1;
    }
    xb_diags_free(&diags);
    xb_buf_free(&out);
    return rc;
}
