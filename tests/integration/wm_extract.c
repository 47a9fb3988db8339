/*
 * wm_extract.c - test-only helper for tests/integration/test_gateway_*.py:
 * recover the transfer id a watermarked body carries, with the library's
 * own extractor (xb_wm_extract), so that the gateway tests can check that
 * the id embedded by nginx is the id of the transfer. Compiled by the test
 * with cc against build/libxborder.a; it is not part of xborder.
 *
 * Usage: wm_extract KEYFILE < body
 * Prints the 16-hex-digit transfer id and exits 0 when a tag-verified mark
 * was found; prints "none" and exits 1 otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classifier/transform/xb_watermark.h"

static unsigned char *read_all(FILE *f, size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);
    if (!buf)
        return NULL;
    for (;;) {
        if (n == cap) {
            unsigned char *p = realloc(buf, cap * 2);
            if (!p) {
                free(buf);
                return NULL;
            }
            buf = p;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        if (got == 0)
            break;
        n += got;
    }
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: wm_extract KEYFILE < body\n");
        return 2;
    }
    FILE *kf = fopen(argv[1], "rb");
    if (!kf) {
        perror(argv[1]);
        return 2;
    }
    size_t klen = 0, blen = 0;
    unsigned char *key = read_all(kf, &klen);
    fclose(kf);
    /* the gateway strips trailing whitespace of the key file, so do we */
    while (key && klen && (key[klen - 1] == '\n' || key[klen - 1] == '\r' ||
                           key[klen - 1] == ' ' || key[klen - 1] == '\t'))
        klen--;
    unsigned char *body = read_all(stdin, &blen);
    if (!key || !body)
        return 2;

    xb_wm_key wk;
    if (xb_wm_key_init(&wk, key, klen) != XB_OK) {
        fprintf(stderr, "bad key\n");
        return 2;
    }
    xb_wm_result res;
    memset(&res, 0, sizeof(res));
    if (xb_wm_extract(&wk, body, blen, NULL, 0, 0, &res) != XB_OK) {
        fprintf(stderr, "extract failed\n");
        return 2;
    }
    xb_wm_key_clear(&wk);
    free(key);
    free(body);
    if (!res.found) {
        printf("none\n");
        return 1;
    }
    char id[17];
    xb_wm_format_id(res.transfer_id, id);
    printf("%s\n", id);
    return 0;
}
