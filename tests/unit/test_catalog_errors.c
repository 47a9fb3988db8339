/*
 * test_catalog_errors.c - every problem the catalog loader must catch, each
 * reported with the file and the exact line a compliance officer has to fix:
 * XML and schema errors, unknown detectors, regexes that do not compile,
 * threshold and switch mistakes, FTZ lists without zone, entries without
 * detectors, empty examples, unconfirmed entries presented as official,
 * duplicate ids across files. A set is never returned when anything is
 * wrong.
 *
 * Fixtures: tests/data/catalogs/bad/, dup-entry/, dup-catalog/.
 */
#include "xb_test.h"

#include <unistd.h>

#include "classifier/catalog/xb_catalog.h"

#define BAD "tests/data/catalogs/bad/"

static size_t line_of(const char *path, const char *needle)
{
    char *text = xb_test_read_file(path, NULL);
    const char *hit = strstr(text, needle);
    if (!hit)
        fail_msg("'%s' not found in %s", needle, path);
    size_t line = 1;
    for (const char *p = text; p < hit; p++)
        line += *p == '\n';
    free(text);
    return line;
}

/* Load paths, expect failure, and return the diags (caller frees). */
static xb_diags load_fails(const char *const *paths, size_t n)
{
    xb_diags d = {0};
    xb_catalog_set *set = (xb_catalog_set *)&d; /* must be reset to NULL */
    assert_int_equal(xb_catalog_set_load(paths, n, &set, &d), XB_ERR_INVALID);
    assert_null(set);
    assert_true(d.n > 0);
    return d;
}

/* True when some diag is at file:line and contains text. */
static bool has_diag(const xb_diags *d, const char *file, size_t line, const char *text)
{
    for (size_t i = 0; i < d->n; i++)
        if (!strcmp(d->items[i].file, file) && d->items[i].line == line &&
            strstr(d->items[i].message, text))
            return true;
    return false;
}

static void dump(const xb_diags *d)
{
    for (size_t i = 0; i < d->n; i++)
        print_message("  %s:%zu: %s\n", d->items[i].file, d->items[i].line,
                      d->items[i].message);
}

typedef struct bad_case {
    const char *file;     /* under BAD */
    const char *needle;   /* text on the line the diag must point at */
    const char *message;  /* part of the expected message */
    size_t n_diags;       /* exact number of diags expected */
} bad_case;

static const bad_case cases[] = {
    {"unknown-detector.xml", "name=\"cn_ric19\"", "unknown built-in detector 'cn_ric19'", 1},
    {"pattern-unknown-validator.xml", "validator=\"luhn\"", "unknown built-in detector 'luhn'", 1},
    {"bad-regex.xml", "(abc[0-9", "pattern /(abc[0-9/ does not compile at offset 8: missing terminating ]", 1},
    {"empty-match.xml", "\\d*", "matches the empty string", 1},
    {"threshold-no-basis.xml", "<threshold", "threshold without basis", 1},
    {"threshold-route-none.xml", "<threshold", "threshold on an entry whose route is none", 1},
    {"threshold-zero.xml", "<threshold", "threshold of 0 individuals", 1},
    {"undeclared-switch.xml", "id=\"bad.switch\"", "sensitive-switch 'identity-numbers-sensitive' is not declared", 1},
    {"switch-on-important.xml", "id=\"bad.switchlevel\"", "only applies to level pi, not important", 1},
    {"ftz-no-zone.xml", "<catalog", "an ftz-negative-list needs zone and list-version", 1},
    {"zone-on-national.xml", "<catalog", "only apply to ftz-negative-list", 1},
    {"ftz-route-none.xml", "id=\"bad.ftzroute\"", "must name the route it requires", 1},
    {"no-detector.xml", "<detectors", "entry bad.nodetector: no detector", 1},
    {"empty-example.xml", "<no-match>", "no-match example has no text", 1},
    {"unconfirmed-official.xml", "id=\"bad.unconfirmed\"", "confirmed=\"false\" but has provenance official", 1},
    {"official-no-source.xml", "id=\"bad.nosource\"", "provenance official needs a <source>", 1},
    {"empty-field-name.xml", "<name>*_-*</name>", "field name '*_-*' is empty after normalisation", 1},
    {"malformed.xml", "</entri>", "mismatch", 1},
    {"doctype.xml", "<!DOCTYPE", "DOCTYPE is not allowed", 1},
};

static void test_each_problem_at_its_line(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char path[256];
        snprintf(path, sizeof(path), BAD "%s", cases[i].file);
        const char *paths[] = {path};
        xb_diags d = load_fails(paths, 1);
        size_t line = line_of(path, cases[i].needle);
        if (!has_diag(&d, path, line, cases[i].message) || d.n != cases[i].n_diags) {
            print_message("%s: expected %zu diag(s), one at line %zu with '%s'; got:\n", path,
                          cases[i].n_diags, line, cases[i].message);
            dump(&d);
            fail();
        }
        xb_diags_free(&d);
    }
}

static void test_schema_errors_are_all_reported(void **state)
{
    (void)state;
    const char *path = BAD "schema-error.xml";
    const char *paths[] = {path};
    xb_diags d = load_fails(paths, 1);
    assert_int_equal(d.n, 2);
    assert_true(has_diag(&d, path, line_of(path, "level=\"critical\""), "schema:"));
    assert_true(has_diag(&d, path, line_of(path, "level=\"critical\""), "'critical'"));
    assert_true(has_diag(&d, path, line_of(path, "<colour>"), "'colour'"));
    xb_diags_free(&d);
}

static void test_bad_magic_prefixes(void **state)
{
    (void)state;
    const char *path = BAD "bad-magic.xml";
    const char *paths[] = {path};
    xb_diags d = load_fails(paths, 1);
    assert_true(has_diag(&d, path, line_of(path, "4c 4G"), "is not hexadecimal"));
    assert_true(has_diag(&d, path, line_of(path, "4c 00 41"), "contains a NUL byte"));
    assert_true(has_diag(&d, path, line_of(path, ">4c4<"), "even, non-zero number"));
    /* With every prefix rejected the entry has no detector left. */
    assert_true(has_diag(&d, path, line_of(path, "<detectors"), "no detector"));
    xb_diags_free(&d);
}

static void test_duplicates_inside_one_file(void **state)
{
    (void)state;
    const char *path = BAD "duplicate-in-file.xml";
    const char *paths[] = {path};
    xb_diags d = load_fails(paths, 1);
    assert_true(has_diag(&d, path, line_of(path, "<switch id=\"s1\" default=\"off\""),
                         "switch 's1' is declared twice"));
    assert_true(has_diag(&d, path, line_of(path, "测试二"), "two zh names"));
    assert_true(has_diag(&d, path, line_of(path, "id=\"bad.twonames\""),
                         "needs a name in both zh and en"));
    xb_diags_free(&d);
}

static void test_duplicate_entry_ids_across_files(void **state)
{
    (void)state;
    const char *paths[] = {"tests/data/catalogs/dup-entry"};
    xb_diags d = load_fails(paths, 1);
    const char *b = "tests/data/catalogs/dup-entry/b.xml";
    assert_int_equal(d.n, 1);
    assert_true(has_diag(&d, b, line_of(b, "<entry id=\"dup.mobile\""),
                         "duplicate entry id 'dup.mobile' (first defined at "
                         "tests/data/catalogs/dup-entry/a.xml:6)"));
    xb_diags_free(&d);

    /* Same files given explicitly in the other order: b is now first. */
    const char *rev[] = {"tests/data/catalogs/dup-entry/b.xml",
                         "tests/data/catalogs/dup-entry/a.xml"};
    d = load_fails(rev, 2);
    assert_true(has_diag(&d, "tests/data/catalogs/dup-entry/a.xml", 6,
                         "first defined at tests/data/catalogs/dup-entry/b.xml:6"));
    xb_diags_free(&d);

    /* The same file twice is a duplicate of itself. */
    const char *twice[] = {"tests/data/catalogs/dup-entry/a.xml",
                           "tests/data/catalogs/dup-entry/a.xml"};
    d = load_fails(twice, 2);
    assert_true(has_diag(&d, "tests/data/catalogs/dup-entry/a.xml", 3, "duplicate catalog id 'dup-a'"));
    assert_true(has_diag(&d, "tests/data/catalogs/dup-entry/a.xml", 6, "duplicate entry id 'dup.mobile'"));
    xb_diags_free(&d);
}

static void test_duplicate_catalog_ids(void **state)
{
    (void)state;
    const char *paths[] = {"tests/data/catalogs/dup-catalog"};
    xb_diags d = load_fails(paths, 1);
    const char *b = "tests/data/catalogs/dup-catalog/b.xml";
    assert_int_equal(d.n, 1);
    assert_true(has_diag(&d, b, line_of(b, "<catalog"),
                         "duplicate catalog id 'dup-same' (first defined at "
                         "tests/data/catalogs/dup-catalog/a.xml:3)"));
    xb_diags_free(&d);
}

static void test_every_file_is_reported(void **state)
{
    (void)state;
    /* A good file, two bad ones and a missing one: all problems in one run. */
    const char *paths[] = {"tests/data/catalogs/valid/10-basic.xml", BAD "unknown-detector.xml",
                           "tests/data/catalogs/no-such-file.xml", BAD "ftz-no-zone.xml"};
    xb_diags d = load_fails(paths, 4);
    assert_int_equal(d.n, 3);
    assert_true(has_diag(&d, BAD "unknown-detector.xml", 14, "cn_ric19"));
    assert_true(has_diag(&d, "tests/data/catalogs/no-such-file.xml", 0, "cannot open"));
    assert_true(has_diag(&d, BAD "ftz-no-zone.xml", 3, "zone"));
    xb_diags_free(&d);
}

static void test_empty_directory_and_no_paths(void **state)
{
    (void)state;
    char dir[] = "/tmp/xb-catalog-empty-XXXXXX";
    assert_non_null(mkdtemp(dir));
    const char *paths[] = {dir};
    xb_diags d = load_fails(paths, 1);
    assert_true(has_diag(&d, dir, 0, "no catalog files"));
    xb_diags_free(&d);
    rmdir(dir);

    xb_catalog_set *set = NULL;
    assert_int_equal(xb_catalog_set_load(NULL, 0, &set, &d), XB_ERR_INVALID);
    assert_null(set);
    assert_int_equal(d.n, 1);
    xb_diags_free(&d);
}

static void test_diags_accumulate_across_calls(void **state)
{
    (void)state;
    /* The loader appends to the caller's diags and judges only its own. */
    xb_diags d = {0};
    xb_diags_add(&d, "earlier", 1, "from an earlier step");
    const char *good[] = {"tests/data/catalogs/valid"};
    xb_catalog_set *set = NULL;
    assert_int_equal(xb_catalog_set_load(good, 1, &set, &d), XB_OK);
    assert_non_null(set);
    assert_int_equal(d.n, 1);
    xb_catalog_set_free(set);
    xb_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_problem_at_its_line),
        cmocka_unit_test(test_schema_errors_are_all_reported),
        cmocka_unit_test(test_bad_magic_prefixes),
        cmocka_unit_test(test_duplicates_inside_one_file),
        cmocka_unit_test(test_duplicate_entry_ids_across_files),
        cmocka_unit_test(test_duplicate_catalog_ids),
        cmocka_unit_test(test_every_file_is_reported),
        cmocka_unit_test(test_empty_directory_and_no_paths),
        cmocka_unit_test(test_diags_accumulate_across_calls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
