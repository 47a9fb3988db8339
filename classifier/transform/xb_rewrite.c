/*
 * xb_rewrite.c - apply a checked edit list to a body spread over memory
 * chunks, producing either one contiguous buffer or a list of pieces that
 * reference the original chunks (zero copy of unchanged bytes); see
 * xb_rewrite.h.
 */
#include <stdlib.h>
#include <string.h>

#include "xb_rewrite.h"

/* The body as chunks plus the absolute offset where each chunk starts, so
 * that context bytes (the quote before a value) can be looked up. */
typedef struct body {
    const xb_chunk *chunks;
    size_t n;
    size_t *starts; /* n + 1 entries; starts[n] == total length */
    size_t total;
} body;

static xb_status body_init(body *b, const xb_chunk *chunks, size_t n)
{
    b->chunks = chunks;
    b->n = n;
    b->starts = malloc((n + 1) * sizeof(size_t));
    if (!b->starts)
        return XB_ERR_NOMEM;
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        if (chunks[i].len && !chunks[i].data) {
            free(b->starts);
            return XB_ERR_INVALID;
        }
        b->starts[i] = off;
        off += chunks[i].len;
    }
    b->starts[n] = off;
    b->total = off;
    return XB_OK;
}

/* Index of the chunk holding absolute offset off (< total). */
static size_t chunk_of(const body *b, size_t off)
{
    size_t lo = 0, hi = b->n; /* starts[lo] <= off < starts[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (b->starts[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    while (lo < b->n && b->chunks[lo].len == 0)
        lo++;
    return lo;
}

static int body_byte(const body *b, size_t off)
{
    if (off >= b->total)
        return -1;
    size_t c = chunk_of(b, off);
    return b->chunks[c].data[off - b->starts[c]];
}

static bool body_has(const body *b, size_t off, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++)
        if (body_byte(b, off + i) != (unsigned char)s[i])
            return false;
    return true;
}

/* How the replacement of edit e must be encoded, from the bytes around its
 * context. */
static void encode_ctx_for(const body *b, const xb_edit *e, xb_encode_ctx *ctx)
{
    bool known = e->context.end != 0;
    size_t cs = e->context.start;
    bool quote_before = known && cs > 0 && body_byte(b, cs - 1) == '"';
    ctx->whole = known && e->span.start == e->context.start &&
                 e->span.end == e->context.end;
    ctx->cdata = false;
    switch (e->syntax) {
    case XB_SYNTAX_JSON:
        ctx->quoted = !known || quote_before;
        break;
    case XB_SYNTAX_CSV:
        ctx->quoted = quote_before && body_byte(b, e->context.end) == '"';
        break;
    case XB_SYNTAX_XML:
        ctx->quoted = false;
        ctx->cdata = known && cs >= 9 && body_has(b, cs - 9, "<![CDATA[");
        break;
    default:
        ctx->quoted = false;
        break;
    }
}

/* ------------------------------------------------------------- emitters */

typedef struct emitter {
    xb_buf *out;            /* contiguous mode */
    xb_rewrite_plan *plan;  /* pieces mode */
} emitter;

static xb_status add_piece(xb_rewrite_plan *p, const uint8_t *data, size_t len,
                           bool replaced)
{
    if (len == 0)
        return XB_OK;
    if (p->n_pieces == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        xb_piece *q = realloc(p->pieces, cap * sizeof(*q));
        if (!q)
            return XB_ERR_NOMEM;
        p->pieces = q;
        p->cap = cap;
    }
    xb_piece *pc = &p->pieces[p->n_pieces++];
    pc->data = data;
    pc->len = len;
    pc->replaced = replaced;
    p->total_len += len;
    return XB_OK;
}

/* Copy body bytes [from, to). */
static xb_status emit_body(emitter *em, const body *b, size_t from, size_t to)
{
    if (from >= to)
        return XB_OK;
    size_t c = chunk_of(b, from);
    xb_status st = XB_OK;
    while (from < to && st == XB_OK) {
        if (b->chunks[c].len == 0) {
            c++;
            continue;
        }
        size_t in = from - b->starts[c];
        size_t take = b->chunks[c].len - in;
        if (take > to - from)
            take = to - from;
        const uint8_t *p = b->chunks[c].data + in;
        if (em->out)
            st = xb_buf_append(em->out, p, take);
        else
            st = add_piece(em->plan, p, take, false);
        from += take;
        c++;
    }
    return st;
}

static xb_status emit_edit(emitter *em, const body *b, const xb_edit *e)
{
    xb_encode_ctx ctx;
    encode_ctx_for(b, e, &ctx);
    if (em->out)
        return xb_encode_for_syntax(e->syntax, &ctx, e->text, e->text_len, em->out);
    xb_buf *enc = &em->plan->encoded;
    size_t before = enc->len;
    xb_status st = xb_encode_for_syntax(e->syntax, &ctx, e->text, e->text_len, enc);
    if (st == XB_OK)
        /* data is fixed up once every replacement is encoded (the buffer
         * may still move). */
        st = add_piece(em->plan, NULL, enc->len - before, true);
    return st;
}

static xb_status run(emitter *em, const xb_chunk *chunks, size_t n_chunks,
                     const xb_edit *edits, size_t n_edits)
{
    body b;
    xb_status st = body_init(&b, chunks, n_chunks);
    if (st != XB_OK)
        return st;
    st = xb_edits_check(edits, n_edits, b.total, NULL);
    size_t pos = 0;
    for (size_t i = 0; i < n_edits && st == XB_OK; i++) {
        st = emit_body(em, &b, pos, edits[i].span.start);
        if (st == XB_OK)
            st = emit_edit(em, &b, &edits[i]);
        pos = edits[i].span.end;
    }
    if (st == XB_OK)
        st = emit_body(em, &b, pos, b.total);
    free(b.starts);
    return st;
}

xb_status xb_rewrite_to_buf(const xb_chunk *chunks, size_t n_chunks,
                            const xb_edit *edits, size_t n_edits, xb_buf *out)
{
    size_t mark = out->len;
    size_t guess = 0;
    for (size_t i = 0; i < n_chunks; i++)
        guess += chunks[i].len;
    for (size_t i = 0; i < n_edits; i++)
        guess += edits[i].text_len + 2;
    xb_status st = xb_buf_reserve(out, guess);
    emitter em = {out, NULL};
    if (st == XB_OK)
        st = run(&em, chunks, n_chunks, edits, n_edits);
    if (st != XB_OK)
        out->len = mark;
    return st;
}

xb_status xb_rewrite_plan_build(const xb_chunk *chunks, size_t n_chunks,
                                const xb_edit *edits, size_t n_edits,
                                xb_rewrite_plan *plan)
{
    plan->n_pieces = 0;
    plan->total_len = 0;
    xb_buf_reset(&plan->encoded);
    emitter em = {NULL, plan};
    xb_status st = run(&em, chunks, n_chunks, edits, n_edits);
    if (st != XB_OK) {
        plan->n_pieces = 0;
        plan->total_len = 0;
        xb_buf_reset(&plan->encoded);
        return st;
    }
    size_t off = 0;
    for (size_t i = 0; i < plan->n_pieces; i++)
        if (plan->pieces[i].replaced) {
            plan->pieces[i].data = (const uint8_t *)plan->encoded.data + off;
            off += plan->pieces[i].len;
        }
    return XB_OK;
}

void xb_rewrite_plan_free(xb_rewrite_plan *plan)
{
    free(plan->pieces);
    plan->pieces = NULL;
    plan->n_pieces = plan->cap = 0;
    plan->total_len = 0;
    xb_buf_free(&plan->encoded);
}
