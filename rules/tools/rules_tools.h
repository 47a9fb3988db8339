/*
 * rules_tools.h - the parts of `xborder rules` (rules/tools/): checking,
 * testing and listing catalogs, and importing a compliance officer's
 * spreadsheet (CSV export of an official list) into a catalog file.
 *
 * The import functions are plain library calls (no printing, no exit) so
 * that tests/unit/test_rules_import.c can drive them directly.
 */
#ifndef XB_RULES_TOOLS_H
#define XB_RULES_TOOLS_H

#include <stdint.h>

#include "classifier/catalog/xb_catalog.h"
#include "classifier/core/xb_buf.h"

/* Subcommands; each returns the process exit code. */
int xb_rules_check(int argc, char **argv);
int xb_rules_test(int argc, char **argv);
int xb_rules_list(int argc, char **argv);
int xb_rules_import(int argc, char **argv);

/* ---- CSV reading (rules_csv.c) ---- */

/* One record of an RFC 4180 CSV file. */
typedef struct xb_csv_row {
    char **cells;   /* UTF-8, NUL-terminated, quotes removed */
    size_t n;
    size_t line;    /* physical line where the record starts (1-based) */
} xb_csv_row;

typedef struct xb_csv_reader {
    const char *data;
    size_t len;
    size_t pos;
    size_t line;
} xb_csv_reader;

/* Start reading; skips a UTF-8 byte-order mark. */
void xb_csv_init(xb_csv_reader *r, const char *data, size_t len);
/* Read the next record. Returns 1 with *row filled, 0 at end of input, -1 on
 * a malformed record (*err says why; the reader cannot continue) or when
 * memory runs out. */
int xb_csv_next(xb_csv_reader *r, xb_csv_row *row, const char **err);
void xb_csv_row_free(xb_csv_row *row);

/* ---- spreadsheet text -> catalog values (rules_import_map.c) ---- */

/* Route column: 安全评估 / 数据出境安全评估 -> assessment, 标准合同 / 认证 /
 * 标准合同或认证 -> scc-or-cert, 禁止出境 -> prohibited, 无需 -> none, and
 * the English catalog spellings. Anything else (e.g. "评估") is rejected. */
bool xb_import_route(const char *text, xb_route *out);

/* Threshold column: "100000", "100,000", "10万", "10万人", "1万人以上",
 * "100万人（含）以上", "超过10万人" (exclusive: 100001), "不少于1万人";
 * mentions of 敏感个人信息 set the basis to sensitive (不含敏感 keeps it
 * general). Empty text means no threshold (*individuals = 0). Returns false
 * with *why set for anything else (upper bounds such as 以下/不满, Chinese
 * numerals, zero, garbage). */
bool xb_import_threshold(const char *text, xb_threshold_basis default_basis,
                         uint64_t *individuals, xb_threshold_basis *basis,
                         const char **why);

/* Data-type column (optional): 重要数据, 核心数据, 个人信息, 敏感个人信息,
 * 一般数据, or the catalog spellings. */
bool xb_import_level(const char *text, xb_level *out);

/* ---- CSV -> catalog XML (rules_import.c) ---- */

typedef struct xb_import_options {
    const char *csv_name;        /* for diagnostics and the default source */
    const char *catalog_id;
    const char *catalog_version; /* default: list_version, else "1" */
    xb_catalog_kind kind;
    const char *zone;            /* FTZ lists */
    const char *list_version;    /* FTZ lists */
    const char *title_zh;        /* default: "<id>（导入）" */
    const char *title_en;        /* default: "<id> (imported)" */
    const char *source;          /* default: the CSV file name */
    const char *article;         /* default for FTZ lists: Provisions Art. 6 */
    xb_provenance provenance;    /* default official */
    xb_level default_level;      /* when the sheet has no 数据类型 column */
} xb_import_options;

/* Convert a CSV export into catalog XML appended to out. Every bad row
 * becomes a diag "csv_name:line: message"; returns XB_OK only when every row
 * converted (out is then a complete catalog). */
xb_status xb_import_csv(const char *csv, size_t len, const xb_import_options *o,
                        xb_buf *out, xb_diags *diags);

#endif
