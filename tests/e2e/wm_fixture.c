/*
 * wm_fixture.c - test-only: watermark a body the way the gateway does
 * (scan with carrier collection, embed, rewrite), so that `xborder trace`
 * can be tested on a real marked copy.
 *
 * usage: wm_fixture KEYFILE TRANSFER_ID CONTENT_TYPE IN OUT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classifier/scan/xb_scan.h"
#include "classifier/transform/xb_rewrite.h"
#include "classifier/transform/xb_watermark.h"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (fread(b, 1, (size_t)n, f) != (size_t)n)
        n = 0;
    fclose(f);
    b[n] = '\0';
    *len = (size_t)n;
    return b;
}

int main(int argc, char **argv)
{
    if (argc != 6)
        return 2;
    size_t klen, blen;
    char *khex = slurp(argv[1], &klen);
    uint8_t key[64];
    size_t kn = 0;
    for (size_t i = 0; i + 1 < klen && kn < sizeof(key); i += 2) {
        unsigned v;
        if (sscanf(khex + i, "%2x", &v) != 1)
            break;
        key[kn++] = (uint8_t)v;
    }
    xb_wm_key wk;
    if (xb_wm_key_init(&wk, key, kn) != XB_OK)
        return 3;
    uint64_t id;
    if (!xb_wm_parse_id(argv[2], &id))
        return 4;
    char *body = slurp(argv[4], &blen);
    const char *rules = "rules/catalogs";
    xb_diags d = {0};
    xb_catalog_set *set;
    if (xb_catalog_set_load(&rules, 1, &set, &d) != XB_OK)
        return 5;
    xb_engine *e = xb_engine_build(set, NULL, &d);
    xb_scan_options o;
    xb_scan_options_default(&o);
    o.collect_carriers = true;
    xb_scan *s = xb_scan_buffer(e, argv[3], NULL, body, blen, &o);
    const xb_scan_result *r = xb_scan_get_result(s);
    xb_edit_list edits = XB_EDIT_LIST_INIT;
    xb_wm_embed_stats st;
    if (xb_wm_embed(&wk, id, r->carriers, r->n_carriers, NULL, &edits, &st) != XB_OK)
        return 6;
    xb_chunk c = {(const uint8_t *)body, blen};
    xb_buf out = XB_BUF_INIT;
    if (xb_rewrite_to_buf(&c, 1, edits.items, edits.n, &out) != XB_OK)
        return 7;
    FILE *f = fopen(argv[5], "wb");
    fwrite(out.data, 1, out.len, f);
    fclose(f);
    fprintf(stderr, "carriers %zu selected %zu blobs %zu\n", st.carriers, st.selected, st.blobs);
    return st.selected > 0 ? 0 : 8;
}
