/*
 * xb_test.h - common includes and helpers for the cmocka unit tests.
 *
 * Tests run from the repository root (scripts/run-unit-tests.sh cd's there),
 * so paths such as "rules/catalogs" and "tests/data/..." are relative to it.
 */
#ifndef XB_TEST_H
#define XB_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Read a whole file into a malloc'd, NUL-terminated buffer; fails the test
 * when the file cannot be read. */
static inline char *xb_test_read_file(const char *path, size_t *len)
{
    if (len)
        *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        fail_msg("cannot open %s", path);
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return buf;
}

#endif
