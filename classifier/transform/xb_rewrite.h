/*
 * xb_rewrite.h - apply span edits to a body held in memory chunks.
 *
 * The nginx module scans a body, gets a decision listing findings to mask
 * (and whether to watermark), turns those into edits (xb_mask_edits.h,
 * xb_watermark.h) and calls this code to produce the body it forwards with a
 * new Content-Length (design-notes §1.5).
 *
 * An edit replaces the raw bytes span [start, end) of the identity body
 * (start == end inserts) by a replacement given as *decoded* UTF-8 text; the
 * rewriter re-encodes it for the syntax the value is written in:
 *
 *   JSON  string escaping (\" \\ \n \u00XX ...), non-ASCII kept as raw UTF-8.
 *         A value that is not inside quotes (a number token) can only be
 *         replaced whole: by the replacement as is when it is a JSON number
 *         (a rounded coordinate), otherwise by a quoted JSON string
 *         (138****8000). An edit covering part of a token is refused.
 *   XML   & < > " ' become &amp; &lt; &gt; &quot; &apos; and TAB, LF, CR
 *         become &#9; &#10; &#13; (valid in text and in attribute values,
 *         whatever the quote). Inside a CDATA section the text is written
 *         as is and refused if it contains "]]>".
 *   form  application/x-www-form-urlencoded: ALPHA DIGIT * - . _ as is,
 *         space as '+', every other byte as %XX (upper-case hex).
 *   CSV   a span never includes the quotes of its cell. When the cell is
 *         quoted (the byte before the cell is '"'), '"' in the replacement
 *         is doubled. When the cell is not quoted and the replacement holds
 *         '"', ',', CR or LF, the edit must cover the whole cell, which is
 *         then written quoted; otherwise the edit is refused.
 *   text  as is.
 *
 * "The cell" / "the token" is the edit's context: the whole value the span
 * sits in (xb_finding.value_span). A context with end == 0 is unknown and
 * means: JSON inside a string, CSV unquoted, XML not CDATA.
 *
 * Edits must be sorted by position and must not overlap (an insertion may
 * sit at the start or end of a replaced span, several insertions may share
 * a position and are applied in list order); every edit must be exact (its
 * span maps to raw bytes that can be replaced), lie inside the body, and
 * carry valid UTF-8. Anything else is refused with XB_ERR_INVALID before a
 * single byte is produced.
 *
 * Memory: output size = input size +/- the replacements; the plan variant
 * references the caller's chunks and holds only the encoded replacements.
 */
#ifndef XB_REWRITE_H
#define XB_REWRITE_H

#include "../core/xb_buf.h"
#include "../core/xb_common.h"

/* One piece of the body in memory (an nginx buffer, say). */
typedef struct xb_chunk {
    const uint8_t *data;
    size_t len;
} xb_chunk;

typedef struct xb_edit {
    xb_span span;      /* raw bytes replaced; start == end inserts */
    xb_span context;   /* the whole value holding span; end == 0: unknown */
    char *text;        /* replacement, decoded UTF-8 (owned by the list) */
    size_t text_len;
    xb_syntax syntax;  /* how the value is written in the body */
    bool exact;        /* must be true: the span is exact raw bytes */
    size_t seq;        /* insertion order in its list (keeps sorting stable) */
} xb_edit;

typedef struct xb_edit_list {
    xb_edit *items;
    size_t n;
    size_t cap;
} xb_edit_list;

#define XB_EDIT_LIST_INIT {NULL, 0, 0}

/* Append an edit; text is copied. */
xb_status xb_edit_list_add(xb_edit_list *l, xb_span span, xb_span context,
                           const char *text, size_t text_len, xb_syntax syntax,
                           bool exact);
/* Sort by span start; insertions before a replacement at the same offset;
 * otherwise the order of addition is kept. */
void xb_edit_list_sort(xb_edit_list *l);
void xb_edit_list_free(xb_edit_list *l);

/*
 * Check edits against a body of body_len bytes: exact, spans inside the
 * body and inside their context, sorted, not overlapping, syntax known,
 * valid UTF-8. Returns XB_OK or XB_ERR_INVALID; *bad (may be NULL) gets the
 * index of the first offending edit.
 */
xb_status xb_edits_check(const xb_edit *edits, size_t n_edits, size_t body_len,
                         size_t *bad);

/* Apply edits; the new body is appended to out (which the caller owns). On
 * error out is left as it was. */
xb_status xb_rewrite_to_buf(const xb_chunk *chunks, size_t n_chunks,
                            const xb_edit *edits, size_t n_edits, xb_buf *out);

/* A piece of the new body: either a range of one of the caller's chunks or
 * bytes of plan->encoded (replaced == true). */
typedef struct xb_piece {
    const uint8_t *data;
    size_t len;
    bool replaced;
} xb_piece;

typedef struct xb_rewrite_plan {
    xb_piece *pieces;
    size_t n_pieces;
    size_t total_len;  /* length of the new body */
    xb_buf encoded;    /* the encoded replacements pieces point into */
    size_t cap;
} xb_rewrite_plan;

#define XB_REWRITE_PLAN_INIT {NULL, 0, 0, XB_BUF_INIT, 0}

/*
 * Apply edits without copying the body: the new body is the concatenation
 * of plan->pieces, which point into the caller's chunks (they must stay
 * alive and unchanged) or into plan->encoded. Empty pieces are not emitted.
 * The plan is reset first; free it with xb_rewrite_plan_free.
 */
xb_status xb_rewrite_plan_build(const xb_chunk *chunks, size_t n_chunks,
                                const xb_edit *edits, size_t n_edits,
                                xb_rewrite_plan *plan);
void xb_rewrite_plan_free(xb_rewrite_plan *plan);

/*
 * Encode decoded text for its syntax as described above, appending to out.
 * quoted: JSON inside a string / CSV cell in quotes; whole: the edit covers
 * its whole context; cdata: XML CDATA section. ctx NULL means a JSON
 * string, an unquoted CSV cell, XML outside CDATA. Exposed for tests and
 * for callers that build bodies themselves. On error out is unchanged.
 */
typedef struct xb_encode_ctx {
    bool quoted;
    bool whole;
    bool cdata;
} xb_encode_ctx;

xb_status xb_encode_for_syntax(xb_syntax syntax, const xb_encode_ctx *ctx,
                               const char *text, size_t len, xb_buf *out);

#endif
