/*
 * xb_wm_extract.c - recover a transfer id from a leaked copy: framed blobs
 * found anywhere in the text first, then bit votes collected from the
 * carriers of a scan of the leak. Only an id whose tag verifies with the
 * key is reported; see xb_watermark.h.
 */
#include <string.h>

#include "xb_tf_utf8.h"
#include "xb_wm_internal.h"

#define BLOB_WINDOW (XB_WM_BLOB_SYMBOLS + 2)
#define MAX_TRACKED_IDS 16

typedef struct id_count {
    uint64_t id;
    size_t count;
} id_count;

typedef struct blob_state {
    const xb_wm_key *key;
    id_count ids[MAX_TRACKED_IDS];
    size_t n_ids;
    size_t seen;
    size_t valid;
} blob_state;

static void note_id(blob_state *b, uint64_t id)
{
    for (size_t i = 0; i < b->n_ids; i++)
        if (b->ids[i].id == id) {
            b->ids[i].count++;
            return;
        }
    if (b->n_ids < MAX_TRACKED_IDS) {
        b->ids[b->n_ids].id = id;
        b->ids[b->n_ids].count = 1;
        b->n_ids++;
    }
}

/* The 48 symbols between two frames -> whitened payload, then the tag. */
static xb_status try_blob(blob_state *b, const int *win, size_t run)
{
    uint8_t p[12] = {0};
    for (unsigned k = 0; k < XB_WM_BLOB_SYMBOLS; k++) {
        int sym = win[(run - BLOB_WINDOW + 1 + k) % BLOB_WINDOW];
        p[k / 4] |= (uint8_t)(sym << (6 - 2 * (k % 4)));
    }
    b->seen++;
    uint64_t id;
    bool ok = false;
    xb_status st = xb_wm_payload_check(b->key, p, &id, &ok);
    if (st == XB_OK && ok) {
        b->valid++;
        note_id(b, id);
    }
    return st;
}

/* Every run of zero-width symbols is watched through a window of 50: a
 * frame symbol at both ends is a blob candidate. */
static xb_status scan_blobs(blob_state *b, const uint8_t *s, size_t n)
{
    int win[BLOB_WINDOW];
    size_t run = 0, i = 0;
    while (i < n) {
        uint8_t c = s[i];
        if (c != 0xE2 && c != '\\' && c != '&' && c != '%') {
            run = 0;
            i++;
            continue;
        }
        int sym = xb_wm_symbol_at(s, n, &i);
        if (sym < 0) {
            run = 0;
            i++;
            continue;
        }
        win[run % BLOB_WINDOW] = sym;
        run++;
        if (run >= BLOB_WINDOW && sym == XB_WM_FRAME_SYMBOL &&
            win[(run - BLOB_WINDOW) % BLOB_WINDOW] == XB_WM_FRAME_SYMBOL) {
            xb_status st = try_blob(b, win, run);
            if (st != XB_OK)
                return st;
        }
    }
    return XB_OK;
}

static xb_status extract_blobs(const xb_wm_key *key, const void *text, size_t len,
                               const xb_carrier *carriers, size_t n_carriers,
                               xb_wm_result *res)
{
    blob_state b;
    memset(&b, 0, sizeof(b));
    b.key = key;
    xb_status st = XB_OK;
    if (text)
        st = scan_blobs(&b, text, len);
    else
        for (size_t i = 0; i < n_carriers && st == XB_OK; i++)
            if (carriers[i].value)
                st = scan_blobs(&b, (const uint8_t *)carriers[i].value,
                                strlen(carriers[i].value));
    if (st != XB_OK)
        return st;
    res->blobs_seen = b.seen;
    res->blobs_valid = b.valid;
    res->distinct_ids = b.n_ids;
    if (b.n_ids == 0)
        return XB_OK;
    size_t best = 0;
    for (size_t i = 1; i < b.n_ids; i++)
        if (b.ids[i].count > b.ids[best].count)
            best = i;
    res->found = true;
    res->method = XB_WM_METHOD_BLOB;
    res->transfer_id = b.ids[best].id;
    res->blobs_for_id = b.ids[best].count;
    res->confidence = (1.0 - 0x1p-32) * (double)b.ids[best].count / (double)b.valid;
    return XB_OK;
}

/* ---------------------------------------------------------------- votes */

typedef struct votes {
    uint32_t zero[XB_WM_PAYLOAD_BITS];
    uint32_t one[XB_WM_PAYLOAD_BITS];
} votes;

static xb_status collect_votes(const xb_wm_key *key, const xb_carrier *carriers,
                               size_t n_carriers, unsigned gamma, votes *v,
                               xb_wm_result *res)
{
    xb_wm_mac sel_mac;
    xb_status st = xb_wm_mac_open(&sel_mac, key->k_sel, sizeof(key->k_sel));
    if (st != XB_OK)
        return st;
    xb_buf scratch = XB_BUF_INIT;
    for (size_t i = 0; i < n_carriers && st == XB_OK; i++) {
        const xb_carrier *c = &carriers[i];
        if (!c->value)
            continue;
        size_t len = strlen(c->value);
        xb_wm_sel sel;
        st = xb_wm_select(&sel_mac, c->path, c->value, len, &scratch, &sel);
        if (st != XB_OK || sel.visible < 2)
            continue;
        res->carriers++;
        if (gamma > 1 && sel.h0 % gamma != 0)
            continue;
        size_t k = 1 + (size_t)(sel.h1 % (sel.visible - 1));
        size_t off = xb_wm_offset_after_visible(c->value, len, k);
        if (off >= len)
            continue;
        uint32_t cp;
        (void)xb_u8_decode((const uint8_t *)c->value + off, len - off, &cp);
        if (cp != XB_ZW_SPACE && cp != XB_ZW_NONJOINER)
            continue;
        unsigned bit = (unsigned)((sel.h0 >> 8) % XB_WM_PAYLOAD_BITS);
        res->marked++;
        if (cp == XB_ZW_SPACE)
            v->zero[bit]++;
        else
            v->one[bit]++;
    }
    xb_buf_free(&scratch);
    xb_wm_mac_close(&sel_mac);
    return st;
}

/*
 * Majority per bit. Undecided bits (no votes, ties) and then the weakest
 * decided bits (won by a single vote) are searched exhaustively against the
 * tag, at most XB_WM_MAX_GUESS_BITS of them; the id is reported only when
 * exactly one combination verifies.
 */
static xb_status decode_votes(const xb_wm_key *key, const votes *v, xb_wm_result *res)
{
    uint8_t p[12] = {0};
    unsigned search[XB_WM_MAX_GUESS_BITS];
    unsigned u = 0, undecided = 0;
    size_t total = 0;
    for (unsigned b = 0; b < XB_WM_PAYLOAD_BITS; b++) {
        total += v->zero[b] + v->one[b];
        if (v->zero[b] + v->one[b])
            res->bits_covered++;
        if (v->one[b] > v->zero[b])
            p[b / 8] |= (uint8_t)(0x80 >> (b % 8));
        else if (v->one[b] == v->zero[b]) {
            if (undecided++ < XB_WM_MAX_GUESS_BITS)
                search[u++] = b;
        }
    }
    if (total == 0 || undecided > XB_WM_MAX_GUESS_BITS)
        return XB_OK;
    for (unsigned b = 0; b < XB_WM_PAYLOAD_BITS && u < XB_WM_MAX_GUESS_BITS; b++) {
        uint32_t hi = v->one[b] > v->zero[b] ? v->one[b] : v->zero[b];
        uint32_t lo = v->one[b] > v->zero[b] ? v->zero[b] : v->one[b];
        if (hi == lo + 1)
            search[u++] = b;
    }
    size_t matches = 0;
    uint64_t id = 0;
    uint8_t found[12] = {0};
    for (uint32_t combo = 0; combo < (1u << u); combo++) {
        uint8_t q[12];
        memcpy(q, p, sizeof(q));
        for (unsigned k = 0; k < u; k++)
            if (combo & (1u << k))
                q[search[k] / 8] ^= (uint8_t)(0x80 >> (search[k] % 8));
        uint64_t cand;
        bool ok = false;
        xb_status st = xb_wm_payload_check(key, q, &cand, &ok);
        if (st != XB_OK)
            return st;
        if (ok) {
            matches++;
            id = cand;
            memcpy(found, q, sizeof(found));
        }
    }
    if (matches != 1)
        return XB_OK; /* nothing verified, or ambiguous: never guess */
    size_t agree = 0;
    for (unsigned b = 0; b < XB_WM_PAYLOAD_BITS; b++)
        agree += xb_wm_payload_bit(found, b) ? v->one[b] : v->zero[b];
    res->found = true;
    res->method = XB_WM_METHOD_VOTES;
    res->transfer_id = id;
    res->votes_agreeing = agree;
    res->bits_guessed = u;
    res->confidence = (double)agree / (double)total * (1.0 - (double)(1u << u) * 0x1p-32);
    return XB_OK;
}

xb_status xb_wm_extract(const xb_wm_key *key, const void *text, size_t len,
                        const xb_carrier *carriers, size_t n_carriers,
                        unsigned gamma_hint, xb_wm_result *res)
{
    memset(res, 0, sizeof(*res));
    xb_status st = extract_blobs(key, text, len, carriers, n_carriers, res);
    if (st != XB_OK || res->found || !carriers || n_carriers == 0)
        return st;
    votes v;
    memset(&v, 0, sizeof(v));
    st = collect_votes(key, carriers, n_carriers, gamma_hint, &v, res);
    if (st == XB_OK)
        st = decode_votes(key, &v, res);
    return st;
}
