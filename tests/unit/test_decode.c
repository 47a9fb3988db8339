/*
 * test_decode.c - Content-Encoding removal: gzip, zlib-wrapped and raw
 * deflate round trips made here with zlib and split at every byte,
 * multi-member gzip (also as written by the gzip tool), bounded output
 * pieces, decompression bombs (ratio and absolute size), truncation,
 * trailing garbage, corruption, unsupported codings, sticky errors.
 */
#include "xb_test.h"

#include <time.h>
#include <zlib.h>

#include "classifier/core/xb_buf.h"
#include "classifier/parse/xb_decode.h"

#define PIECE_MAX 16384

typedef struct sink_buf {
    unsigned char *data;
    size_t len, cap;
    size_t pieces;
    size_t largest;
    bool keep;          /* false: only count bytes */
    size_t fail_after;  /* return XB_ERR_LIMIT once this many bytes arrived (0 = never) */
} sink_buf;

static xb_status collect(void *ctx, const uint8_t *p, size_t n)
{
    sink_buf *b = ctx;
    assert_true(n > 0);
    b->pieces++;
    if (n > b->largest)
        b->largest = n;
    if (b->keep) {
        if (b->len + n > b->cap) {
            b->cap = (b->len + n) * 2;
            b->data = realloc(b->data, b->cap);
            assert_non_null(b->data);
        }
        memcpy(b->data + b->len, p, n);
    }
    b->len += n;
    if (b->fail_after && b->len >= b->fail_after)
        return XB_ERR_LIMIT;
    return XB_OK;
}

/* Compress in (possibly huge, given as a repeated block) with the zlib
 * window_bits convention: 15 zlib, -15 raw deflate, 31 gzip. */
static unsigned char *compress_repeat(int window_bits, int level, const void *block, size_t block_len,
                                      size_t repeats, size_t *out_len)
{
    z_stream zs;
    memset(&zs, 0, sizeof(zs));
    assert_int_equal(deflateInit2(&zs, level, Z_DEFLATED, window_bits, 9, Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = 4096, len = 0;
    unsigned char *out = malloc(cap);
    assert_non_null(out);
    for (size_t r = 0; r <= repeats; r++) {
        bool last = r == repeats;
        zs.next_in = (Bytef *)block;
        zs.avail_in = last ? 0 : (uInt)block_len;
        int rc;
        do {
            if (cap - len < 4096) {
                cap *= 2;
                out = realloc(out, cap);
                assert_non_null(out);
            }
            zs.next_out = out + len;
            zs.avail_out = (uInt)(cap - len);
            rc = deflate(&zs, last ? Z_FINISH : Z_NO_FLUSH);
            len = cap - zs.avail_out;
        } while (last ? rc != Z_STREAM_END : zs.avail_out == 0);
    }
    deflateEnd(&zs);
    *out_len = len;
    return out;
}

static unsigned char *compress_with(int window_bits, const char *in, size_t n, size_t *out_len)
{
    return compress_repeat(window_bits, 6, in, n, 1, out_len);
}

/* Decode data cut at cuts[0..ncuts), each chunk an exact-size heap copy. */
static xb_status decode_cuts(const char *encoding, const xb_limits *lim, const unsigned char *data,
                             size_t len, const size_t *cuts, size_t ncuts, sink_buf *out,
                             char *err, size_t err_size)
{
    xb_decoder *d = NULL;
    xb_status st = xb_decoder_create(encoding, lim, &d);
    if (st != XB_OK) {
        assert_null(d);
        return st;
    }
    size_t from = 0;
    for (size_t i = 0; i <= ncuts && st == XB_OK; i++) {
        size_t to = i < ncuts ? cuts[i] : len;
        unsigned char *chunk = malloc(to - from + 1);
        assert_non_null(chunk);
        if (to > from)
            memcpy(chunk, data + from, to - from);
        st = xb_decoder_feed(d, chunk, to - from, collect, out);
        free(chunk);
        from = to;
    }
    if (st == XB_OK)
        st = xb_decoder_finish(d, collect, out);
    if (err)
        snprintf(err, err_size, "%s", xb_decoder_error(d));
    if (st == XB_OK) {
        assert_int_equal(xb_decoder_in_bytes(d), len);
        assert_int_equal(xb_decoder_out_bytes(d), out->len);
    }
    xb_decoder_free(d);
    return st;
}

static xb_status decode(const char *encoding, const xb_limits *lim, const unsigned char *data,
                        size_t len, sink_buf *out, char *err, size_t err_size)
{
    return decode_cuts(encoding, lim, data, len, NULL, 0, out, err, err_size);
}

static const char TEXT[] =
    "{\"users\":[{\"name\":\"张伟\",\"idNo\":\"11010519491231002X\",\"phone\":\"13800138000\"},"
    "{\"name\":\"李娜\",\"idNo\":\"440524188001010014\",\"note\":\"hello hello hello hello\"},"
    "{\"name\":\"王芳\",\"address\":\"北京市朝阳区建国路88号\",\"email\":\"wang@example.cn\"}]}";

/* Every split point, and one byte at a time, give back TEXT. */
static void roundtrip_everywhere(const char *encoding, int window_bits)
{
    size_t n;
    unsigned char *comp = compress_with(window_bits, TEXT, sizeof(TEXT) - 1, &n);
    for (size_t i = 0; i <= n; i++) {
        sink_buf b = {.keep = true};
        size_t cut = i;
        assert_int_equal(decode_cuts(encoding, NULL, comp, n, &cut, 1, &b, NULL, 0), XB_OK);
        assert_int_equal(b.len, sizeof(TEXT) - 1);
        assert_memory_equal(b.data, TEXT, b.len);
        free(b.data);
    }
    size_t *cuts = malloc(n * sizeof(*cuts));
    for (size_t i = 0; i + 1 < n; i++)
        cuts[i] = i + 1;
    sink_buf b = {.keep = true};
    assert_int_equal(decode_cuts(encoding, NULL, comp, n, cuts, n - 1, &b, NULL, 0), XB_OK);
    assert_int_equal(b.len, sizeof(TEXT) - 1);
    assert_memory_equal(b.data, TEXT, b.len);
    free(b.data);
    free(cuts);
    free(comp);
}

static void test_gzip_split_everywhere(void **state)
{
    (void)state;
    roundtrip_everywhere("gzip", 16 + MAX_WBITS);
    roundtrip_everywhere("x-gzip", 16 + MAX_WBITS);
    roundtrip_everywhere("GZip", 16 + MAX_WBITS);
}

static void test_deflate_zlib_and_raw_split_everywhere(void **state)
{
    (void)state;
    roundtrip_everywhere("deflate", MAX_WBITS);  /* RFC 1950, as specified */
    roundtrip_everywhere("deflate", -MAX_WBITS); /* raw RFC 1951, as some clients send */
    /* small windows too (other zlib headers) */
    roundtrip_everywhere("deflate", 9);
    roundtrip_everywhere("deflate", -9);
}

/* Output leaves in pieces of at most 16 KiB, whatever the input. */
static void test_bounded_pieces(void **state)
{
    (void)state;
    size_t big = 3u * 1024 * 1024;
    char *text = malloc(big);
    assert_non_null(text);
    uint32_t x = 7;
    for (size_t i = 0; i < big; i++) {
        x = x * 1664525u + 1013904223u;
        text[i] = (char)('a' + (x >> 24) % 16); /* ratio about 2:1 */
    }
    size_t n;
    unsigned char *comp = compress_with(16 + MAX_WBITS, text, big, &n);
    sink_buf b = {.keep = true};
    assert_int_equal(decode("gzip", NULL, comp, n, &b, NULL, 0), XB_OK);
    assert_int_equal(b.len, big);
    assert_memory_equal(b.data, text, big);
    assert_true(b.largest <= PIECE_MAX);
    assert_true(b.pieces >= big / PIECE_MAX);
    free(b.data);
    /* identity passes through in pieces of the same bound */
    sink_buf id = {.keep = true};
    assert_int_equal(decode("identity", NULL, (const unsigned char *)text, big, &id, NULL, 0), XB_OK);
    assert_int_equal(id.len, big);
    assert_memory_equal(id.data, text, big);
    assert_true(id.largest <= PIECE_MAX);
    free(id.data);
    free(comp);
    free(text);
}

static void test_identity_passthrough(void **state)
{
    (void)state;
    const char *codings[] = {NULL, "", "identity", " Identity "};
    for (size_t i = 0; i < sizeof(codings) / sizeof(codings[0]); i++) {
        xb_decoder *d;
        assert_int_equal(xb_decoder_create(codings[i], NULL, &d), XB_OK);
        assert_true(xb_decoder_is_identity(d));
        sink_buf b = {.keep = true};
        assert_int_equal(xb_decoder_feed(d, (const uint8_t *)"abc", 3, collect, &b), XB_OK);
        assert_int_equal(xb_decoder_feed(d, (const uint8_t *)"de", 2, collect, &b), XB_OK);
        assert_int_equal(xb_decoder_finish(d, collect, &b), XB_OK);
        assert_int_equal(b.len, 5);
        assert_memory_equal(b.data, "abcde", 5);
        assert_int_equal(xb_decoder_in_bytes(d), 5);
        assert_int_equal(xb_decoder_out_bytes(d), 5);
        xb_decoder_free(d);
        free(b.data);
    }
    xb_decoder *d;
    assert_int_equal(xb_decoder_create("gzip", NULL, &d), XB_OK);
    assert_false(xb_decoder_is_identity(d));
    xb_decoder_free(d);
}

static void test_multi_member_gzip(void **state)
{
    (void)state;
    const char *parts[] = {"hello ", "", "world", "! 你好"};
    unsigned char all[2048];
    size_t n = 0;
    for (size_t i = 0; i < 4; i++) {
        size_t k;
        unsigned char *c = compress_with(16 + MAX_WBITS, parts[i], strlen(parts[i]), &k);
        memcpy(all + n, c, k);
        n += k;
        free(c);
    }
    const char *want = "hello world! 你好";
    for (size_t i = 0; i <= n; i++) {
        sink_buf b = {.keep = true};
        size_t cut = i;
        assert_int_equal(decode_cuts("gzip", NULL, all, n, &cut, 1, &b, NULL, 0), XB_OK);
        assert_int_equal(b.len, strlen(want));
        assert_memory_equal(b.data, want, b.len);
        free(b.data);
    }
}

/* Members written by the gzip tool carry a file name and a time stamp. */
static void test_gzip_tool_fixture(void **state)
{
    (void)state;
    size_t n, m;
    char *gz = xb_test_read_file("tests/data/gzip/two-members.json.gz", &n);
    char *plain = xb_test_read_file("tests/data/gzip/two-members.json", &m);
    assert_int_equal((unsigned char)gz[3] & 0x08, 0x08); /* FNAME present */
    for (size_t i = 0; i <= n; i++) {
        sink_buf b = {.keep = true};
        size_t cut = i;
        assert_int_equal(decode_cuts("gzip", NULL, (const unsigned char *)gz, n, &cut, 1, &b, NULL, 0),
                         XB_OK);
        assert_int_equal(b.len, m);
        assert_memory_equal(b.data, plain, m);
        free(b.data);
    }
    free(gz);
    free(plain);
}

/* ---- decompression bombs ---------------------------------------------------- */

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static unsigned char *bomb(size_t megabytes, int window_bits, size_t *n)
{
    static char zeros[1 << 20];
    return compress_repeat(window_bits, 9, zeros, sizeof(zeros), megabytes, n);
}

/* 200 MB of zeros (about 200 KB compressed): the ratio limit stops it right
 * after 64 KiB were produced, however the compressed bytes are handed over. */
static void test_bomb_ratio_limit(void **state)
{
    (void)state;
    size_t n;
    unsigned char *comp = bomb(200, 16 + MAX_WBITS, &n);
    assert_true(n < 400 * 1024);
    xb_limits lim;
    xb_limits_default(&lim);
    static const size_t chunk_sizes[] = {0 /* all at once */, 65536, 4096, 1};
    for (size_t c = 0; c < sizeof(chunk_sizes) / sizeof(chunk_sizes[0]); c++) {
        size_t step = chunk_sizes[c] ? chunk_sizes[c] : n;
        size_t ncuts = 0;
        size_t *cuts = malloc((n / step + 1) * sizeof(*cuts));
        for (size_t at = step; at < n; at += step)
            cuts[ncuts++] = at;
        sink_buf b = {.keep = false};
        char err[256];
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        xb_status st = decode_cuts("gzip", &lim, comp, n, cuts, ncuts, &b, err, sizeof(err));
        assert_int_equal(st, XB_ERR_LIMIT);
        assert_true(seconds_since(&t0) < 1.0);
        assert_non_null(strstr(err, "ratio"));
        assert_non_null(strstr(err, "bomb"));
        /* the first piece past the ratio is not emitted */
        assert_true(b.len <= 64 * 1024 + PIECE_MAX);
        free(cuts);
    }
    free(comp);
}

/* With the ratio check out of the way, the absolute cap holds. */
static void test_bomb_size_limit(void **state)
{
    (void)state;
    size_t n;
    unsigned char *comp = bomb(200, MAX_WBITS, &n); /* as "deflate" this time */
    xb_limits lim;
    xb_limits_default(&lim);
    lim.max_ratio = 1000000;
    lim.max_decoded_size = 8u * 1024 * 1024;
    sink_buf b = {.keep = false};
    char err[256];
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(decode("deflate", &lim, comp, n, &b, err, sizeof(err)), XB_ERR_LIMIT);
    assert_true(seconds_since(&t0) < 2.0);
    assert_non_null(strstr(err, "max_decoded_size"));
    assert_true(b.len <= lim.max_decoded_size);
    assert_true(b.len > lim.max_decoded_size - PIECE_MAX);
    free(comp);
}

/* Ordinary compressible bodies stay under the default ratio. */
static void test_normal_ratio_passes(void **state)
{
    (void)state;
    xb_buf text = XB_BUF_INIT;
    for (int i = 0; i < 20000; i++)
        xb_buf_printf(&text, "{\"id\":%d,\"name\":\"用户%d\",\"phone\":\"138%08d\"}\n", i, i * 7, i * 31);
    size_t n;
    unsigned char *comp = compress_with(16 + MAX_WBITS, text.data, text.len, &n);
    assert_true(text.len / n > 3);
    xb_limits lim;
    xb_limits_default(&lim);
    sink_buf b = {.keep = true};
    assert_int_equal(decode("gzip", &lim, comp, n, &b, NULL, 0), XB_OK);
    assert_int_equal(b.len, text.len);
    assert_memory_equal(b.data, text.data, text.len);
    free(b.data);
    free(comp);
    xb_buf_free(&text);
}

/* ---- broken streams ------------------------------------------------------------ */

static void test_truncated_everywhere(void **state)
{
    (void)state;
    const struct {
        const char *coding;
        int bits;
    } kinds[] = {{"gzip", 16 + MAX_WBITS}, {"deflate", MAX_WBITS}, {"deflate", -MAX_WBITS}};
    for (size_t k = 0; k < 3; k++) {
        size_t n;
        unsigned char *comp = compress_with(kinds[k].bits, TEXT, sizeof(TEXT) - 1, &n);
        for (size_t cut = 1; cut < n; cut++) {
            sink_buf b = {.keep = false};
            char err[256];
            xb_status st = decode(kinds[k].coding, NULL, comp, cut, &b, err, sizeof(err));
            if (st != XB_ERR_MALFORMED)
                fail_msg("%s truncated to %zu of %zu bytes: status %d", kinds[k].coding, cut, n, st);
            assert_non_null(strstr(err, kinds[k].coding));
        }
        sink_buf b = {.keep = false};
        char err[256];
        assert_int_equal(decode(kinds[k].coding, NULL, comp, n - 1, &b, err, sizeof(err)),
                         XB_ERR_MALFORMED);
        assert_non_null(strstr(err, "ends before"));
        free(comp);
    }
}

static void test_trailing_garbage(void **state)
{
    (void)state;
    size_t n;
    unsigned char *gz = compress_with(16 + MAX_WBITS, TEXT, sizeof(TEXT) - 1, &n);
    unsigned char *buf = malloc(n + 16);
    memcpy(buf, gz, n);
    char err[256];
    static const struct {
        const char *tail;
        size_t len;
    } tails[] = {{"JUNK", 4}, {"\n", 1}, {"\0\0\0\0", 4}, {"\x1f\x00garbage", 9}, {"\x1f\x8b", 2}};
    for (size_t t = 0; t < sizeof(tails) / sizeof(tails[0]); t++) {
        memcpy(buf + n, tails[t].tail, tails[t].len);
        for (size_t cut = 0; cut <= n + tails[t].len; cut++) {
            sink_buf b = {.keep = true};
            xb_status st = decode_cuts("gzip", NULL, buf, n + tails[t].len, &cut, 1, &b, err, sizeof(err));
            if (st != XB_ERR_MALFORMED)
                fail_msg("tail %zu cut %zu: status %d", t, cut, st);
            free(b.data);
        }
    }
    memcpy(buf + n, "JUNK", 4);
    sink_buf b = {.keep = true};
    assert_int_equal(decode("gzip", NULL, buf, n + 4, &b, err, sizeof(err)), XB_ERR_MALFORMED);
    assert_non_null(strstr(err, "trailing garbage"));
    /* the member before the garbage was decoded in full */
    assert_int_equal(b.len, sizeof(TEXT) - 1);
    free(b.data);
    free(gz);
    /* deflate has a single stream */
    unsigned char *z = compress_with(MAX_WBITS, TEXT, sizeof(TEXT) - 1, &n);
    memcpy(buf, z, n);
    memcpy(buf + n, "x", 1);
    sink_buf c = {.keep = false};
    assert_int_equal(decode("deflate", NULL, buf, n + 1, &c, err, sizeof(err)), XB_ERR_MALFORMED);
    assert_non_null(strstr(err, "trailing data"));
    free(z);
    free(buf);
}

static void test_corrupt_streams(void **state)
{
    (void)state;
    char err[256];
    sink_buf b = {.keep = false};
    assert_int_equal(decode("gzip", NULL, (const unsigned char *)"not gzip at all", 15, &b, err,
                            sizeof(err)),
                     XB_ERR_MALFORMED);
    assert_non_null(strstr(err, "gzip: "));
    assert_non_null(strstr(err, "byte"));
    /* a flipped bit in the payload or the trailer is caught; flips that
     * still decode (unused padding bits of the last deflate byte) must give
     * back the original text */
    size_t n;
    unsigned char *gz = compress_with(16 + MAX_WBITS, TEXT, sizeof(TEXT) - 1, &n);
    size_t bad = 0;
    for (size_t i = 10; i < n; i++) {
        for (int bit = 0; bit < 8; bit++) {
            gz[i] ^= (unsigned char)(1u << bit);
            sink_buf c = {.keep = true};
            xb_status st = decode("gzip", NULL, gz, n, &c, err, sizeof(err));
            if (st == XB_OK) {
                assert_int_equal(c.len, sizeof(TEXT) - 1);
                assert_memory_equal(c.data, TEXT, c.len);
                assert_true(i < n - 8); /* never in the CRC-32 / ISIZE trailer */
            } else {
                assert_int_equal(st, XB_ERR_MALFORMED);
                assert_non_null(strstr(err, "gzip: "));
                bad++;
            }
            free(c.data);
            gz[i] ^= (unsigned char)(1u << bit);
        }
    }
    assert_true(bad >= (n - 10) * 8 - 8);
    free(gz);
}

static void test_unsupported_codings(void **state)
{
    (void)state;
    const char *codings[] = {"br", "compress", "x-compress", "zstd", "gzip, br", "gzip,gzip", "bogus"};
    for (size_t i = 0; i < sizeof(codings) / sizeof(codings[0]); i++) {
        xb_decoder *d = (xb_decoder *)&d;
        assert_int_equal(xb_decoder_create(codings[i], NULL, &d), XB_ERR_UNSUPPORTED);
        assert_null(d);
    }
}

static void test_errors_are_sticky_and_emit_errors_propagate(void **state)
{
    (void)state;
    xb_decoder *d;
    sink_buf b = {.keep = false};
    assert_int_equal(xb_decoder_create("gzip", NULL, &d), XB_OK);
    assert_int_equal(xb_decoder_feed(d, (const uint8_t *)"xxxxxxxxxx", 10, collect, &b),
                     XB_ERR_MALFORMED);
    char first[256];
    snprintf(first, sizeof(first), "%s", xb_decoder_error(d));
    size_t n;
    unsigned char *gz = compress_with(16 + MAX_WBITS, TEXT, sizeof(TEXT) - 1, &n);
    assert_int_equal(xb_decoder_feed(d, gz, n, collect, &b), XB_ERR_MALFORMED);
    assert_int_equal(xb_decoder_finish(d, collect, &b), XB_ERR_MALFORMED);
    assert_string_equal(first, xb_decoder_error(d));
    assert_int_equal(b.len, 0);
    xb_decoder_free(d);
    /* the consumer's status comes back from feed() */
    sink_buf stop = {.keep = false, .fail_after = 1};
    assert_int_equal(decode("gzip", NULL, gz, n, &stop, NULL, 0), XB_ERR_LIMIT);
    assert_int_equal(stop.pieces, 1);
    free(gz);
}

/* No body at all with a Content-Encoding header decodes to nothing. */
static void test_empty_body(void **state)
{
    (void)state;
    sink_buf b = {.keep = false};
    assert_int_equal(decode("gzip", NULL, NULL, 0, &b, NULL, 0), XB_OK);
    assert_int_equal(decode("deflate", NULL, NULL, 0, &b, NULL, 0), XB_OK);
    assert_int_equal(b.len, 0);
    /* but one byte is a truncated stream */
    assert_int_equal(decode("deflate", NULL, (const unsigned char *)"x", 1, &b, NULL, 0),
                     XB_ERR_MALFORMED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gzip_split_everywhere),
        cmocka_unit_test(test_deflate_zlib_and_raw_split_everywhere),
        cmocka_unit_test(test_bounded_pieces),
        cmocka_unit_test(test_identity_passthrough),
        cmocka_unit_test(test_multi_member_gzip),
        cmocka_unit_test(test_gzip_tool_fixture),
        cmocka_unit_test(test_bomb_ratio_limit),
        cmocka_unit_test(test_bomb_size_limit),
        cmocka_unit_test(test_normal_ratio_passes),
        cmocka_unit_test(test_truncated_everywhere),
        cmocka_unit_test(test_trailing_garbage),
        cmocka_unit_test(test_corrupt_streams),
        cmocka_unit_test(test_unsupported_codings),
        cmocka_unit_test(test_errors_are_sticky_and_emit_errors_propagate),
        cmocka_unit_test(test_empty_body),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
