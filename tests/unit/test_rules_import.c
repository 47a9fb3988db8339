/*
 * test_rules_import.c - `xborder rules import`: reading an officer's CSV
 * export of an official list (BOM, quoting, merged cells, full-width text),
 * mapping route and threshold texts strictly, reporting bad rows by CSV line,
 * and producing a catalog that the real loader accepts with the intended
 * values (ids, levels, routes, thresholds, field names, provenance).
 *
 * Fixtures: tests/data/catalogs/import/good.csv and bad.csv.
 */
#include "xb_test.h"

#include <unistd.h>

#include "classifier/catalog/xb_catalog.h"
#include "rules/tools/rules_tools.h"

static void test_route_texts(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        xb_route route;
    } ok[] = {
        {"安全评估", XB_ROUTE_ASSESSMENT},
        {"数据出境安全评估", XB_ROUTE_ASSESSMENT},
        {" 申报数据出境安全评估 ", XB_ROUTE_ASSESSMENT},
        {"标准合同", XB_ROUTE_SCC_OR_CERT},
        {"标准合同/认证", XB_ROUTE_SCC_OR_CERT},
        {"标准合同／认证", XB_ROUTE_SCC_OR_CERT},      /* full-width slash */
        {"标准合同 或 认证", XB_ROUTE_SCC_OR_CERT},    /* spaces */
        {"个人信息保护认证", XB_ROUTE_SCC_OR_CERT},
        {"订立标准合同或通过认证", XB_ROUTE_SCC_OR_CERT},
        {"禁止出境", XB_ROUTE_PROHIBITED},
        {"无需", XB_ROUTE_NONE},
        {"scc-or-cert", XB_ROUTE_SCC_OR_CERT},
        {"assessment", XB_ROUTE_ASSESSMENT},
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        xb_route r = (xb_route)-1;
        if (!xb_import_route(ok[i].text, &r) || r != ok[i].route)
            fail_msg("route '%s' -> %d", ok[i].text, (int)r);
    }
    static const char *bad[] = {"评估", "标准", "安全评估、标准合同", "", "备案", "SCC/认证"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        xb_route r = XB_ROUTE_PROHIBITED;
        if (xb_import_route(bad[i], &r))
            fail_msg("route '%s' was accepted", bad[i]);
        assert_int_equal(r, XB_ROUTE_PROHIBITED);
    }
    xb_route r;
    assert_false(xb_import_route(NULL, &r));
}

static void test_threshold_texts(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        uint64_t n;
        xb_threshold_basis basis;
    } ok[] = {
        {"", 0, XB_THRESHOLD_GENERAL},
        {"100000", 100000, XB_THRESHOLD_GENERAL},
        {"100,000", 100000, XB_THRESHOLD_GENERAL},
        {"10万", 100000, XB_THRESHOLD_GENERAL},
        {"10万人", 100000, XB_THRESHOLD_GENERAL},
        {"１０万人", 100000, XB_THRESHOLD_GENERAL},
        {"1万人以上", 10000, XB_THRESHOLD_GENERAL},
        {"100万人（含）以上", 1000000, XB_THRESHOLD_GENERAL},
        {"超过10万人", 100001, XB_THRESHOLD_GENERAL},
        {"不少于1万人", 10000, XB_THRESHOLD_GENERAL},
        {"累计1.5万人", 15000, XB_THRESHOLD_GENERAL},
        {"1百万人", 1000000, XB_THRESHOLD_GENERAL},
        {"敏感个人信息1万人以上", 10000, XB_THRESHOLD_SENSITIVE},
        {"个人信息（不含敏感个人信息）10万人", 100000, XB_THRESHOLD_GENERAL},
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        uint64_t n = 7;
        xb_threshold_basis b = XB_THRESHOLD_NONE;
        const char *why = "unset";
        bool r = xb_import_threshold(ok[i].text, XB_THRESHOLD_GENERAL, &n, &b, &why);
        if (!r || n != ok[i].n || b != ok[i].basis)
            fail_msg("threshold '%s' -> %d %llu basis %d (%s)", ok[i].text, r,
                     (unsigned long long)n, (int)b, why ? why : "");
        assert_null(why);
    }
    /* The default basis is used when the text names none. */
    uint64_t n;
    xb_threshold_basis b;
    const char *why;
    assert_true(xb_import_threshold("1万人", XB_THRESHOLD_SENSITIVE, &n, &b, &why));
    assert_int_equal(b, XB_THRESHOLD_SENSITIVE);

    static const struct {
        const char *text;
        const char *why;
    } bad[] = {
        {"十万人", "no number"},
        {"1万人以下", "upper bound"},
        {"不满10万人", "upper bound"},
        {"少于1万人", "upper bound"},
        {"10万条", "records"},
        {"0", "zero"},
        {"0万人", "zero"},
        {"10万人或敏感1万人", "more than one number"},
        {"1.23456789万人", "decimals"},
        {"1.5人", "whole number"},
        {"99999999999999999999999", "too large"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        n = 7;
        why = NULL;
        if (xb_import_threshold(bad[i].text, XB_THRESHOLD_GENERAL, &n, &b, &why))
            fail_msg("threshold '%s' was accepted as %llu", bad[i].text, (unsigned long long)n);
        assert_non_null(why);
        if (!strstr(why, bad[i].why))
            fail_msg("threshold '%s': reason '%s' lacks '%s'", bad[i].text, why, bad[i].why);
    }
}

static void test_level_texts(void **state)
{
    (void)state;
    xb_level l;
    assert_true(xb_import_level("重要数据", &l));
    assert_int_equal(l, XB_LEVEL_IMPORTANT);
    assert_true(xb_import_level(" 敏感个人信息 ", &l));
    assert_int_equal(l, XB_LEVEL_SENSITIVE_PI);
    assert_true(xb_import_level("个人信息", &l));
    assert_int_equal(l, XB_LEVEL_PI);
    assert_true(xb_import_level("核心数据", &l));
    assert_int_equal(l, XB_LEVEL_CORE);
    assert_true(xb_import_level("general", &l));
    assert_int_equal(l, XB_LEVEL_GENERAL);
    assert_false(xb_import_level("重要", &l));
    assert_false(xb_import_level(NULL, &l));
}

static void test_csv_reader(void **state)
{
    (void)state;
    const char csv[] = "\xEF\xBB\xBF"
                       "a,\"b,c\",\"say \"\"hi\"\"\"\r\n"
                       "\"line1\nline2\",,x\n"
                       "\n"
                       "last";
    xb_csv_reader r;
    xb_csv_init(&r, csv, sizeof(csv) - 1);
    xb_csv_row row;
    const char *err;
    assert_int_equal(xb_csv_next(&r, &row, &err), 1);
    assert_int_equal(row.line, 1);
    assert_int_equal(row.n, 3);
    assert_string_equal(row.cells[0], "a"); /* BOM removed */
    assert_string_equal(row.cells[1], "b,c");
    assert_string_equal(row.cells[2], "say \"hi\"");
    xb_csv_row_free(&row);
    assert_int_equal(xb_csv_next(&r, &row, &err), 1);
    assert_int_equal(row.line, 2);
    assert_int_equal(row.n, 3);
    assert_string_equal(row.cells[0], "line1\nline2");
    assert_string_equal(row.cells[1], "");
    xb_csv_row_free(&row);
    assert_int_equal(xb_csv_next(&r, &row, &err), 1); /* the empty line */
    assert_int_equal(row.line, 4);
    assert_int_equal(row.n, 1);
    assert_string_equal(row.cells[0], "");
    xb_csv_row_free(&row);
    assert_int_equal(xb_csv_next(&r, &row, &err), 1);
    assert_int_equal(row.line, 5);
    assert_string_equal(row.cells[0], "last");
    xb_csv_row_free(&row);
    assert_int_equal(xb_csv_next(&r, &row, &err), 0);

    const char bad1[] = "a,\"unterminated\n";
    xb_csv_init(&r, bad1, sizeof(bad1) - 1);
    assert_int_equal(xb_csv_next(&r, &row, &err), -1);
    assert_non_null(strstr(err, "unterminated"));
    const char bad2[] = "a,b\"c\n";
    xb_csv_init(&r, bad2, sizeof(bad2) - 1);
    assert_int_equal(xb_csv_next(&r, &row, &err), -1);
    assert_non_null(strstr(err, "quote"));
    const char bad3[] = "\"a\"b\n";
    xb_csv_init(&r, bad3, sizeof(bad3) - 1);
    assert_int_equal(xb_csv_next(&r, &row, &err), -1);
}

static void defaults(xb_import_options *o, const char *name)
{
    memset(o, 0, sizeof(*o));
    o->csv_name = name;
    o->catalog_id = "ftz-test-2024";
    o->catalog_version = "2024.1";
    o->kind = XB_CATALOG_FTZ_NEGATIVE_LIST;
    o->zone = "testzone";
    o->list_version = "2024";
    o->title_zh = "测试清单 & 附件";
    o->title_en = "Test list <imported>";
    o->source = "《测试负面清单》\"2024\"";
    o->article = "《促进和规范数据跨境流动规定》第六条";
    o->provenance = XB_PROV_OFFICIAL;
    o->default_level = XB_LEVEL_IMPORTANT;
}

/* Convert, write to a temporary file and load it with the real loader. */
static xb_catalog_set *import_and_load(const char *csv, size_t len, const xb_import_options *o)
{
    xb_buf out = XB_BUF_INIT;
    xb_diags d = {0};
    xb_status st = xb_import_csv(csv, len, o, &out, &d);
    for (size_t i = 0; i < d.n; i++)
        print_message("%s:%zu: %s\n", d.items[i].file, d.items[i].line, d.items[i].message);
    assert_int_equal(st, XB_OK);
    assert_int_equal(d.n, 0);
    char path[] = "/tmp/xb-import-test-XXXXXX.xml";
    int fd = mkstemps(path, 4);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, out.data, out.len), (ssize_t)out.len);
    close(fd);
    xb_buf_free(&out);
    const char *paths[] = {path};
    xb_catalog_set *set = NULL;
    st = xb_catalog_set_load(paths, 1, &set, &d);
    for (size_t i = 0; i < d.n; i++)
        print_message("%s:%zu: %s\n", d.items[i].file, d.items[i].line, d.items[i].message);
    unlink(path);
    assert_int_equal(st, XB_OK);
    xb_diags_free(&d);
    return set;
}

static void test_import_good_sheet(void **state)
{
    (void)state;
    const char *name = "tests/data/catalogs/import/good.csv";
    size_t len;
    char *csv = xb_test_read_file(name, &len);
    xb_import_options o;
    defaults(&o, name);
    xb_catalog_set *set = import_and_load(csv, len, &o);
    free(csv);
    assert_int_equal(set->n, 1);
    const xb_catalog *c = set->catalogs[0];
    assert_string_equal(c->id, "ftz-test-2024");
    assert_string_equal(c->version, "2024.1");
    assert_string_equal(c->zone, "testzone");
    assert_string_equal(c->list_version, "2024");
    assert_string_equal(c->title_zh, "测试清单 & 附件");
    assert_string_equal(c->title_en, "Test list <imported>");
    assert_int_equal(c->n_entries, 3);

    /* Row 1 (line 2): ids from 编号, parenthesised note kept with its item,
     * trailing 等 dropped. */
    const xb_entry *m1 = xb_catalog_set_find(set, "ftz-test-2024.m-01");
    assert_non_null(m1);
    assert_int_equal(m1->level, XB_LEVEL_PI);
    assert_int_equal(m1->route, XB_ROUTE_SCC_OR_CERT);
    assert_int_equal(m1->threshold, 100000);
    assert_int_equal(m1->threshold_basis, XB_THRESHOLD_GENERAL);
    assert_int_equal(m1->provenance, XB_PROV_OFFICIAL);
    assert_string_equal(m1->sector, "零售");
    assert_string_equal(m1->data_category, "会员信息");
    assert_int_equal(m1->n_scenarios, 1);
    assert_string_equal(m1->scenarios[0], "会员管理");
    assert_int_equal(m1->n_field_names, 3);
    assert_string_equal(m1->field_names[0], "会员姓名");
    assert_string_equal(m1->field_names[1], "手机号码");
    assert_string_equal(m1->field_names[2], "会员等级");
    assert_non_null(strstr(m1->source, "CSV line 2"));
    assert_non_null(strstr(m1->source, "《测试负面清单》\"2024\""));
    assert_string_equal(m1->article, "《促进和规范数据跨境流动规定》第六条");
    assert_int_equal(m1->n_examples, 2);
    assert_true(m1->examples[0].must_match);
    assert_false(m1->examples[1].must_match);

    /* Row 2 (line 3): 领域/场景/数据类别 filled down from the row above, a
     * quoted multi-line description, a sensitive threshold. */
    const xb_entry *m2 = xb_catalog_set_find(set, "ftz-test-2024.m-02");
    assert_non_null(m2);
    assert_int_equal(m2->level, XB_LEVEL_SENSITIVE_PI);
    assert_string_equal(m2->sector, "零售");
    assert_string_equal(m2->scenarios[0], "会员管理");
    assert_string_equal(m2->data_category, "会员信息");
    assert_int_equal(m2->threshold, 10000);
    assert_int_equal(m2->threshold_basis, XB_THRESHOLD_SENSITIVE);
    assert_string_equal(m2->description, "会员消费明细\n及积分变动");
    assert_int_equal(m2->n_field_names, 2);
    assert_string_equal(m2->field_names[1], "积分余额");

    /* Row 3 (line 5, after a two-line cell): two scenarios, no threshold. */
    const xb_entry *s1 = xb_catalog_set_find(set, "ftz-test-2024.s-01");
    assert_non_null(s1);
    assert_int_equal(s1->level, XB_LEVEL_IMPORTANT);
    assert_int_equal(s1->route, XB_ROUTE_ASSESSMENT);
    assert_int_equal(s1->threshold, 0);
    assert_int_equal(s1->n_scenarios, 2);
    assert_string_equal(s1->scenarios[1], "船员管理");
    assert_non_null(strstr(s1->source, "CSV line 5"));
    xb_catalog_set_free(set);
}

static void test_import_bad_rows_by_line(void **state)
{
    (void)state;
    const char *name = "tests/data/catalogs/import/bad.csv";
    size_t len;
    char *csv = xb_test_read_file(name, &len);
    xb_import_options o;
    defaults(&o, name);
    xb_buf out = XB_BUF_INIT;
    xb_diags d = {0};
    assert_int_equal(xb_import_csv(csv, len, &o, &out, &d), XB_ERR_INVALID);
    free(csv);
    assert_int_equal(out.len, 0); /* nothing written */
    static const struct {
        size_t line;
        const char *text;
    } want[] = {
        {3, "unknown route '评估'"},
        {4, "bad threshold '十万人'"},
        {5, "bad threshold '1万人以下'"},
        {6, "数据项 is empty"},
        {7, "bad threshold '10万条'"},
    };
    assert_int_equal(d.n, sizeof(want) / sizeof(want[0]));
    for (size_t i = 0; i < d.n; i++) {
        assert_string_equal(d.items[i].file, name);
        assert_int_equal(d.items[i].line, want[i].line);
        if (!strstr(d.items[i].message, want[i].text))
            fail_msg("line %zu: '%s' lacks '%s'", want[i].line, d.items[i].message, want[i].text);
    }
    xb_diags_free(&d);
    xb_buf_free(&out);
}

/* Run the importer on an inline sheet and return its diags. */
static xb_diags import_text(const char *csv, xb_status want, const xb_import_options *o)
{
    xb_buf out = XB_BUF_INIT;
    xb_diags d = {0};
    assert_int_equal(xb_import_csv(csv, strlen(csv), o, &out, &d), want);
    xb_buf_free(&out);
    return d;
}

static void test_import_sheet_problems(void **state)
{
    (void)state;
    xb_import_options o;
    defaults(&o, "sheet.csv");

    /* Missing required column: reported on the header line. */
    xb_diags d = import_text("领域,数据类别,数据项\n零售,会员,会员号\n", XB_ERR_INVALID, &o);
    assert_int_equal(d.n, 1);
    assert_int_equal(d.items[0].line, 1);
    assert_non_null(strstr(d.items[0].message, "no 出境路径 column"));
    xb_diags_free(&d);

    /* GBK bytes (Excel's plain CSV on Chinese Windows). */
    d = import_text("\xC1\xEC\xD3\xF2,x\n", XB_ERR_INVALID, &o);
    assert_int_equal(d.n, 1);
    assert_non_null(strstr(d.items[0].message, "not UTF-8"));
    xb_diags_free(&d);

    /* Duplicate 编号, a route of none on a negative list, an empty route,
     * prose-only 数据项, an unknown data type, a stray cell. */
    d = import_text("编号,领域,数据类别,数据项,出境路径,数据类型\n"
                    "a1,零售,会员,会员号,安全评估,\n"
                    "A1,零售,会员,会员卡号,安全评估,\n"
                    "a2,零售,会员,积分,无需,\n"
                    "a3,零售,会员,积分,,\n"
                    "a4,零售,会员,会员在门店和线上渠道注册时填写的全部个人资料及其后续变更记录,安全评估,\n"
                    "a5,零售,会员,积分,安全评估,机密\n"
                    "a6,零售,会员,积分,安全评估,,extra\n"
                    "a 7,零售,会员,积分,安全评估,\n",
                    XB_ERR_INVALID, &o);
    static const struct {
        size_t line;
        const char *text;
    } want[] = {
        {3, "编号 'A1' is already used on line 2"},
        {4, "means no mechanism"},
        {5, "出境路径 is empty"},
        {6, "gives no field name"},
        {7, "unknown 数据类型 '机密'"},
        {8, "outside the named columns: 'extra'"},
        {9, "cannot be used in an id"},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        bool found = false;
        for (size_t k = 0; k < d.n && !found; k++)
            found = d.items[k].line == want[i].line && strstr(d.items[k].message, want[i].text);
        if (!found) {
            for (size_t k = 0; k < d.n; k++)
                print_message("  %zu: %s\n", d.items[k].line, d.items[k].message);
            fail_msg("no diag at line %zu with '%s'", want[i].line, want[i].text);
        }
    }
    assert_int_equal(d.n, sizeof(want) / sizeof(want[0]));
    xb_diags_free(&d);

    /* Empty file, header only, malformed CSV. */
    d = import_text("", XB_ERR_INVALID, &o);
    assert_non_null(strstr(d.items[0].message, "empty"));
    xb_diags_free(&d);
    d = import_text("领域,数据类别,数据项,出境路径\n", XB_ERR_INVALID, &o);
    assert_non_null(strstr(d.items[0].message, "no data rows"));
    xb_diags_free(&d);
    d = import_text("领域,数据类别,数据项,出境路径\n零售,会员,\"会员号,安全评估\n", XB_ERR_INVALID, &o);
    assert_non_null(strstr(d.items[0].message, "malformed CSV"));
    xb_diags_free(&d);
}

static void test_import_escapes_and_sector_kind(void **state)
{
    (void)state;
    xb_import_options o;
    defaults(&o, "sheet.csv");
    o.kind = XB_CATALOG_SECTOR_IMPORTANT;
    o.zone = NULL;
    o.list_version = NULL;
    o.provenance = XB_PROV_NOTIFIED;
    const char *csv = "领域,场景,数据类别,数据项,描述,出境路径,阈值\n"
                      "能源,\"电网 <调度>\",\"A&B\",\"调度指令；\"\"负荷\"\"曲线\",\"含 <, >, & 与 \"\" 的描述\","
                      "安全评估,超过1万人\n";
    xb_catalog_set *set = import_and_load(csv, strlen(csv), &o);
    const xb_entry *e = xb_catalog_set_find(set, "ftz-test-2024.0001");
    assert_non_null(e);
    assert_int_equal(set->catalogs[0]->kind, XB_CATALOG_SECTOR_IMPORTANT);
    assert_null(set->catalogs[0]->zone);
    assert_int_equal(e->provenance, XB_PROV_NOTIFIED);
    assert_string_equal(e->scenarios[0], "电网 <调度>");
    assert_string_equal(e->data_category, "A&B");
    assert_string_equal(e->description, "含 <, >, & 与 \" 的描述");
    assert_int_equal(e->n_field_names, 2);
    assert_string_equal(e->field_names[1], "\"负荷\"曲线");
    assert_int_equal(e->threshold, 10001);
    /* The generated example uses the first field name, JSON-escaped. */
    assert_string_equal(e->examples[0].text, "{\"调度指令\":\"示例值\"}");
    xb_catalog_set_free(set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_route_texts),
        cmocka_unit_test(test_threshold_texts),
        cmocka_unit_test(test_level_texts),
        cmocka_unit_test(test_csv_reader),
        cmocka_unit_test(test_import_good_sheet),
        cmocka_unit_test(test_import_bad_rows_by_line),
        cmocka_unit_test(test_import_sheet_problems),
        cmocka_unit_test(test_import_escapes_and_sector_kind),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
