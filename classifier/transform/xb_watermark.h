/*
 * xb_watermark.h - keyed, invisible leak-tracing marks in free-text values
 * (design-notes §5.3), and their extraction from a leaked copy.
 *
 * Scheme (version 1), all MACs HMAC-SHA256 (OpenSSL):
 *
 *   keys      K_sel = HMAC(K_wm, "select"), K_bits = HMAC(K_wm, "bits"),
 *             K_tag = HMAC(K_wm, "tag"); key id = first 8 hex digits of
 *             SHA-256(K_wm).
 *   payload   P = transfer_id (64 bits, big-endian) || tag (32 bits),
 *             tag = first 4 bytes of HMAC(K_tag, transfer_id);
 *             P' = P XOR first 12 bytes of HMAC(K_bits, "whiten").
 *   carriers  free-text string values (xb_scan_result.carriers: canonical
 *             path without indices + decoded value; never identifiers).
 *             h = HMAC(K_sel, path || 0x00 || visible value), where the
 *             visible value has the zero-width characters U+200B, U+200C,
 *             U+200D, U+2060 and U+FEFF removed. With H0, H1, H2 the first
 *             three big-endian 64-bit words of h, a carrier is selected
 *             when H0 mod γ == 0 and then
 *               votes   carries bit (H0 >> 8) mod 96 of P' as one U+200B (0)
 *                       or U+200C (1) inserted after its k-th visible
 *                       character, k = 1 + H1 mod (V - 1), V = number of
 *                       visible characters (V >= 2);
 *               blob    when V >= min_blob_chars, also the whole of P':
 *                       U+2060, 48 base-4 symbols (2 bits each, most
 *                       significant first; 0..3 = U+200B U+200C U+200D
 *                       U+2060), U+2060 - inserted after visible character
 *                       j = 1 + H2 mod (V - 1) (moved to the next position
 *                       when it equals k).
 *   γ         1 below 1536 carriers, then doubling every time the carrier
 *             count doubles (2 from 1536, 4 from 3072, 8 from 6144), at
 *             most 16: about 768 voting carriers, enough for every one of
 *             the 96 bits to collect votes. Extraction does not need γ:
 *             an unselected carrier has no mark at its keyed position.
 *
 * Extraction from any text (a leaked file of any format, reformatted,
 * reordered, or a single pasted value): (1) every framed blob is decoded
 * (raw UTF-8, JSON \uXXXX, XML &#...; and %XX forms are all recognised),
 * un-whitened and its tag checked; (2) otherwise the caller's carriers (a
 * scan of the leaked file with collect_carriers) are re-selected from their
 * visible values, their marks collected as bit votes, majority-decoded and
 * the tag checked. Only a tag-verified transfer id is ever reported.
 */
#ifndef XB_WATERMARK_H
#define XB_WATERMARK_H

#include "../core/xb_common.h"
#include "../scan/xb_scan.h"
#include "xb_rewrite.h"

#define XB_WM_SCHEME_VERSION 1
#define XB_WM_PAYLOAD_BITS 96
#define XB_WM_BLOB_SYMBOLS 48
/* Bytes of one framed blob as UTF-8: 50 code points of 3 bytes. */
#define XB_WM_BLOB_BYTES ((XB_WM_BLOB_SYMBOLS + 2) * 3)
/* Minimum length of a master key, bytes. */
#define XB_WM_MIN_KEY_LEN 16
/* Bits searched against the tag when decoding votes: undecided bits (no
 * votes, ties), then bits won by a single vote. Each one searched doubles the
 * 2^-32 chance that a wrong id verifies; 6 keep it below 2^-26. */
#define XB_WM_MAX_GUESS_BITS 6

/* Keys derived from the master watermark key. Holds secrets: clear with
 * xb_wm_key_clear. */
typedef struct xb_wm_key {
    uint8_t k_sel[32];
    uint8_t k_bits[32];
    uint8_t k_tag[32];
    uint8_t whiten[12];
    char key_id[9];    /* 8 lower-case hex digits + NUL */
} xb_wm_key;

/* Derive the keys; the master key must hold at least XB_WM_MIN_KEY_LEN
 * bytes (XB_ERR_INVALID otherwise). */
xb_status xb_wm_key_init(xb_wm_key *key, const uint8_t *master, size_t len);
void xb_wm_key_clear(xb_wm_key *key);

/* 16 lower-case hex digits + NUL. */
void xb_wm_format_id(uint64_t transfer_id, char out[17]);
/* 1 to 16 hex digits, nothing else. */
bool xb_wm_parse_id(const char *s, uint64_t *transfer_id);

/* γ for a body with n carriers (see above). */
unsigned xb_wm_gamma_for(size_t n_carriers);

typedef struct xb_wm_options {
    unsigned gamma;         /* 0: xb_wm_gamma_for(n_carriers) */
    bool votes;             /* one-bit marks (default true) */
    bool blobs;             /* full-payload blobs (default true) */
    size_t min_blob_chars;  /* visible characters for a blob (default 8) */
    size_t max_blobs;       /* 0: every selected carrier long enough */
} xb_wm_options;

void xb_wm_options_default(xb_wm_options *o);

typedef struct xb_wm_embed_stats {
    unsigned gamma;
    size_t carriers;      /* carriers offered */
    size_t eligible;      /* exact, positional, UTF-8, >= 2 visible chars */
    size_t selected;      /* carriers marked (H0 mod γ == 0) */
    size_t votes;         /* one-bit marks inserted */
    size_t blobs;         /* blobs inserted */
    size_t bytes_added;   /* decoded bytes inserted (before re-encoding) */
} xb_wm_embed_stats;

/*
 * Append to edits the insertions that mark carriers[0..n) with
 * transfer_id, then sort the whole list (xb_edit_list_sort). Carriers that
 * are not exact, whose raw span is not the same length as their decoded
 * value (the mark position could not be mapped), that are not valid UTF-8
 * or have syntax NONE are skipped. opt may be NULL (defaults); stats may be
 * NULL. On error nothing is added.
 */
xb_status xb_wm_embed(const xb_wm_key *key, uint64_t transfer_id,
                      const xb_carrier *carriers, size_t n_carriers,
                      const xb_wm_options *opt, xb_edit_list *edits,
                      xb_wm_embed_stats *stats);

typedef enum xb_wm_method {
    XB_WM_METHOD_NONE = 0,
    XB_WM_METHOD_BLOB,
    XB_WM_METHOD_VOTES
} xb_wm_method;

const char *xb_wm_method_name(xb_wm_method m); /* "none", "blob", "votes" */

typedef struct xb_wm_result {
    bool found;             /* a tag-verified transfer id was recovered */
    uint64_t transfer_id;
    xb_wm_method method;
    double confidence;      /* 0..1, see docs/transforms.md */
    size_t blobs_seen;      /* framed candidates decoded */
    size_t blobs_valid;     /* candidates whose tag verified (any id) */
    size_t blobs_for_id;    /* of those, carrying transfer_id */
    size_t distinct_ids;    /* distinct verified ids among blobs */
    size_t carriers;        /* carriers examined for votes */
    size_t marked;          /* carriers holding a mark at their position */
    size_t votes_agreeing;  /* marks agreeing with the decoded payload */
    size_t bits_covered;    /* payload bits with at least one vote */
    size_t bits_guessed;    /* weak or undecided bits searched via the tag */
} xb_wm_result;

/*
 * Look for a mark. text (may be NULL) is searched for blobs; when text is
 * NULL the carriers' values are searched instead. When no blob verifies,
 * carriers (may be NULL) are used for votes. gamma_hint (0 = unknown)
 * restricts votes to carriers selected with that γ. A blob tie between
 * several verified ids goes to the most frequent, then the first seen.
 * Returns XB_OK (found or not, see res->found) or an error (memory,
 * OpenSSL); a wrong key simply yields found == false.
 */
xb_status xb_wm_extract(const xb_wm_key *key, const void *text, size_t len,
                        const xb_carrier *carriers, size_t n_carriers,
                        unsigned gamma_hint, xb_wm_result *res);

#endif
