/*
 * xb_wm_embed.c - choose the carriers of a body and produce the insertion
 * edits that mark them with a transfer id (one-bit votes and full-payload
 * blobs); see xb_watermark.h for the scheme.
 */
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#include "xb_tf_utf8.h"
#include "xb_wm_internal.h"

void xb_wm_options_default(xb_wm_options *o)
{
    memset(o, 0, sizeof(*o));
    o->votes = true;
    o->blobs = true;
    o->min_blob_chars = 8;
}

/* Can marks be inserted into this carrier at positions computed on its
 * decoded value? */
static bool eligible(const xb_carrier *c, size_t *len)
{
    if (!c->exact || !c->value || c->syntax == XB_SYNTAX_NONE ||
        c->syntax > XB_SYNTAX_TEXT || c->span.end < c->span.start)
        return false;
    *len = strlen(c->value);
    /* Positional mapping: decoded byte i sits at raw span.start + i. */
    return c->span.end - c->span.start == *len;
}

static xb_status insert_at(xb_edit_list *edits, const xb_carrier *c, size_t off,
                           const char *text, size_t len)
{
    xb_span at = {c->span.start + off, c->span.start + off};
    return xb_edit_list_add(edits, at, c->span, text, len, c->syntax, true);
}

xb_status xb_wm_embed(const xb_wm_key *key, uint64_t transfer_id,
                      const xb_carrier *carriers, size_t n_carriers,
                      const xb_wm_options *opt, xb_edit_list *edits,
                      xb_wm_embed_stats *stats)
{
    xb_wm_options defaults;
    if (!opt) {
        xb_wm_options_default(&defaults);
        opt = &defaults;
    }
    xb_wm_embed_stats local;
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof(*stats));
    stats->carriers = n_carriers;
    unsigned gamma = opt->gamma ? opt->gamma : xb_wm_gamma_for(n_carriers);
    stats->gamma = gamma;
    size_t min_blob = opt->min_blob_chars < 3 ? 3 : opt->min_blob_chars;

    uint8_t payload[12];
    char blob[XB_WM_BLOB_BYTES];
    xb_status st = xb_wm_payload(key, transfer_id, payload);
    if (st != XB_OK)
        return st;
    xb_wm_blob_encode(payload, blob);
    xb_wm_mac sel_mac;
    if ((st = xb_wm_mac_open(&sel_mac, key->k_sel, sizeof(key->k_sel))) != XB_OK)
        return st;

    size_t first_new = edits->n;
    xb_buf scratch = XB_BUF_INIT;
    for (size_t i = 0; i < n_carriers && st == XB_OK; i++) {
        const xb_carrier *c = &carriers[i];
        size_t len;
        if (!eligible(c, &len))
            continue;
        xb_wm_sel sel;
        st = xb_wm_select(&sel_mac, c->path, c->value, len, &scratch, &sel);
        if (st != XB_OK || sel.visible < 2)
            continue;
        stats->eligible++;
        if (sel.h0 % gamma != 0)
            continue;
        stats->selected++;
        size_t positions = sel.visible - 1;
        size_t k = 1 + (size_t)(sel.h1 % positions);
        if (opt->votes) {
            unsigned bit = (unsigned)((sel.h0 >> 8) % XB_WM_PAYLOAD_BITS);
            char mark[4];
            size_t ml = xb_u8_encode(xb_wm_symbol_cp[xb_wm_payload_bit(payload, bit)], mark);
            st = insert_at(edits, c, xb_wm_offset_after_visible(c->value, len, k), mark, ml);
            if (st == XB_OK) {
                stats->votes++;
                stats->bytes_added += ml;
            }
        }
        if (st == XB_OK && opt->blobs && sel.visible >= min_blob &&
            (opt->max_blobs == 0 || stats->blobs < opt->max_blobs)) {
            size_t j = 1 + (size_t)(sel.h2 % positions);
            if (j == k)
                j = k % positions + 1;
            st = insert_at(edits, c, xb_wm_offset_after_visible(c->value, len, j), blob,
                           sizeof(blob));
            if (st == XB_OK) {
                stats->blobs++;
                stats->bytes_added += sizeof(blob);
            }
        }
    }
    xb_buf_free(&scratch);
    xb_wm_mac_close(&sel_mac);
    OPENSSL_cleanse(payload, sizeof(payload));
    if (st != XB_OK) {
        for (size_t k = first_new; k < edits->n; k++)
            free(edits->items[k].text);
        edits->n = first_new;
        return st;
    }
    xb_edit_list_sort(edits);
    return XB_OK;
}
