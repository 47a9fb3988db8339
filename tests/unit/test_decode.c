/* test_decode.c - gzip / deflate decoding, chunking and bomb limits. */
#include "xb_test.h"

#include <zlib.h>

#include "classifier/parse/xb_decode.h"

typedef struct {
    unsigned char *data;
    size_t len, cap;
} sink_buf;

static xb_status collect(void *ctx, const uint8_t *p, size_t n)
{
    sink_buf *b = ctx;
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2;
        b->data = realloc(b->data, b->cap);
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return XB_OK;
}

static size_t compress_with(int window_bits, const char *in, size_t n, unsigned char *out,
                            size_t cap)
{
    z_stream zs;
    memset(&zs, 0, sizeof(zs));
    assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = (Bytef *)in;
    zs.avail_in = (uInt)n;
    zs.next_out = out;
    zs.avail_out = (uInt)cap;
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    size_t len = cap - zs.avail_out;
    deflateEnd(&zs);
    return len;
}

static const char *TEXT = "{\"name\":\"张伟\",\"idNo\":\"11010519491231002X\",\"note\":\"hello hello hello\"}";

static void roundtrip(const char *encoding, int window_bits, size_t split)
{
    unsigned char comp[1024];
    size_t n = compress_with(window_bits, TEXT, strlen(TEXT), comp, sizeof(comp));
    xb_limits lim;
    xb_limits_default(&lim);
    xb_decoder *d;
    assert_int_equal(xb_decoder_create(encoding, &lim, &d), XB_OK);
    sink_buf b = {0};
    size_t first = split < n ? split : n;
    assert_int_equal(xb_decoder_feed(d, comp, first, collect, &b), XB_OK);
    assert_int_equal(xb_decoder_feed(d, comp + first, n - first, collect, &b), XB_OK);
    assert_int_equal(xb_decoder_finish(d, collect, &b), XB_OK);
    assert_int_equal(b.len, strlen(TEXT));
    assert_memory_equal(b.data, TEXT, b.len);
    xb_decoder_free(d);
    free(b.data);
}

static void test_gzip_split_everywhere(void **state)
{
    (void)state;
    for (size_t i = 0; i < 120; i++)
        roundtrip("gzip", 16 + MAX_WBITS, i);
}

static void test_deflate_zlib_and_raw(void **state)
{
    (void)state;
    for (size_t i = 0; i < 100; i += 7) {
        roundtrip("deflate", MAX_WBITS, i);
        roundtrip("deflate", -MAX_WBITS, i);
    }
}

static void test_identity_passthrough(void **state)
{
    (void)state;
    xb_decoder *d;
    assert_int_equal(xb_decoder_create(NULL, NULL, &d), XB_OK);
    assert_true(xb_decoder_is_identity(d));
    sink_buf b = {0};
    assert_int_equal(xb_decoder_feed(d, (const uint8_t *)"abc", 3, collect, &b), XB_OK);
    assert_int_equal(xb_decoder_finish(d, collect, &b), XB_OK);
    assert_memory_equal(b.data, "abc", 3);
    xb_decoder_free(d);
    free(b.data);
}

static void test_multi_member_gzip(void **state)
{
    (void)state;
    unsigned char comp[2048];
    size_t a = compress_with(16 + MAX_WBITS, "hello ", 6, comp, sizeof(comp));
    size_t b2 = compress_with(16 + MAX_WBITS, "world", 5, comp + a, sizeof(comp) - a);
    xb_decoder *d;
    assert_int_equal(xb_decoder_create("x-gzip", NULL, &d), XB_OK);
    sink_buf b = {0};
    assert_int_equal(xb_decoder_feed(d, comp, a + b2, collect, &b), XB_OK);
    assert_int_equal(xb_decoder_finish(d, collect, &b), XB_OK);
    assert_int_equal(b.len, 11);
    assert_memory_equal(b.data, "hello world", 11);
    xb_decoder_free(d);
    free(b.data);
}

static void test_bomb_is_refused(void **state)
{
    (void)state;
    size_t n = 50u * 1024 * 1024;
    char *zeros = calloc(1, n);
    size_t cap = n / 100;
    unsigned char *comp = malloc(cap);
    size_t clen = compress_with(16 + MAX_WBITS, zeros, n, comp, cap);
    free(zeros);
    xb_limits lim;
    xb_limits_default(&lim);
    xb_decoder *d;
    assert_int_equal(xb_decoder_create("gzip", &lim, &d), XB_OK);
    sink_buf b = {0};
    xb_status st = xb_decoder_feed(d, comp, clen, collect, &b);
    assert_int_equal(st, XB_ERR_LIMIT);
    assert_non_null(strstr(xb_decoder_error(d), "bomb"));
    assert_true(b.len < 200u * 1024 * 1024);
    xb_decoder_free(d);
    free(comp);
    free(b.data);
}

static void test_truncated_and_garbage(void **state)
{
    (void)state;
    unsigned char comp[1024];
    size_t n = compress_with(16 + MAX_WBITS, TEXT, strlen(TEXT), comp, sizeof(comp) - 4);
    xb_decoder *d;
    sink_buf b = {0};
    assert_int_equal(xb_decoder_create("gzip", NULL, &d), XB_OK);
    assert_int_equal(xb_decoder_feed(d, comp, n - 5, collect, &b), XB_OK);
    assert_int_equal(xb_decoder_finish(d, collect, &b), XB_ERR_MALFORMED);
    xb_decoder_free(d);
    b.len = 0;
    memcpy(comp + n, "JUNK", 4);
    assert_int_equal(xb_decoder_create("gzip", NULL, &d), XB_OK);
    assert_int_equal(xb_decoder_feed(d, comp, n + 4, collect, &b), XB_ERR_MALFORMED);
    assert_non_null(strstr(xb_decoder_error(d), "trailing"));
    xb_decoder_free(d);
    assert_int_equal(xb_decoder_create("gzip", NULL, &d), XB_OK);
    assert_int_equal(xb_decoder_feed(d, (const uint8_t *)"not gzip at all", 15, collect, &b),
                     XB_ERR_MALFORMED);
    xb_decoder_free(d);
    free(b.data);
}

static void test_unsupported_coding(void **state)
{
    (void)state;
    xb_decoder *d;
    assert_int_equal(xb_decoder_create("br", NULL, &d), XB_ERR_UNSUPPORTED);
    assert_int_equal(xb_decoder_create("gzip, br", NULL, &d), XB_ERR_UNSUPPORTED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gzip_split_everywhere),
        cmocka_unit_test(test_deflate_zlib_and_raw),
        cmocka_unit_test(test_identity_passthrough),
        cmocka_unit_test(test_multi_member_gzip),
        cmocka_unit_test(test_bomb_is_refused),
        cmocka_unit_test(test_truncated_and_garbage),
        cmocka_unit_test(test_unsupported_coding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
