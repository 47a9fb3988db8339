/*
 * xb_multipart_internal.h - state of the streaming multipart parser, shared
 * by its framing (xb_multipart.c: boundaries, part headers) and its part
 * handling (xb_multipart_part.c: what each part is and where its bytes go).
 *
 * One instance per body; nothing global. Memory: the delimiter pattern, one
 * part's header block (bounded), one form-field value (bounded by
 * max_value_len), a decode block, and the nested parser of the current part.
 */
#ifndef XB_MULTIPART_INTERNAL_H
#define XB_MULTIPART_INTERNAL_H

#include "../core/xb_buf.h"
#include "xb_multipart_decode.h"
#include "xb_parser.h"
#include "xb_text_value.h"

/* Bytes of one part's header block. */
#define XBM_MAX_HEADER 16384
/* Boundary parameter length accepted (RFC 2046 allows 70). */
#define XBM_MAX_BOUNDARY 200
/* Multipart bodies nested in multipart parts. */
#define XBM_MAX_NESTING 8
/* Decoded bytes of base64 / quoted-printable parts are passed on in blocks
 * of this size (a multiple of 3: blocks end on base64 quanta); the raw
 * start of the last XBM_BLOCK_RING blocks is kept to give their values an
 * approximate span. */
#define XBM_DECODE_BLOCK 3072
#define XBM_BLOCK_RING 64

typedef enum xbm_state {
    XBM_PREAMBLE,     /* before the first delimiter: bytes are ignored */
    XBM_AFTER_DELIM,  /* after "--boundary": "--", padding or a line end */
    XBM_CLOSE_DASH,   /* after "--boundary-" */
    XBM_PADDING,      /* transport padding before the line end */
    XBM_PAD_CR,       /* CR of the delimiter line end */
    XBM_HEADERS,      /* the part's header block */
    XBM_BODY,         /* the part's body: looking for the next delimiter */
    XBM_EPILOGUE      /* after the close delimiter: bytes are ignored */
} xbm_state;

typedef enum xbm_kind {
    XBM_PART_FIELD,   /* no Content-Type, no filename: one string value */
    XBM_PART_NESTED,  /* a type we parse: fed to a nested parser */
    XBM_PART_SKIP     /* anything else: reported as not inspectable */
} xbm_kind;

typedef struct xbm_part {
    xbm_kind kind;
    size_t index;            /* 1-based */
    char *name;              /* Content-Disposition parameters, or NULL */
    char *filename;
    char *content_type;      /* Content-Type header, or NULL */
    const char *skip_reason; /* XBM_PART_SKIP: stable reason code */
    xbm_cte cte;
    xbm_decoder dec;
    size_t body_start;       /* absolute offset of the body's first byte */
    /* encoded parts: decoded bytes go out in blocks (p->block) */
    size_t decoded;          /* decoded bytes passed on */
    size_t blk_len;          /* decoded bytes in the current block */
    size_t n_blocks;         /* blocks started, the current one included */
    size_t blk_raw[XBM_BLOCK_RING]; /* raw start of recent blocks */
    size_t cur_raw_end;      /* raw end of the block being passed on */
    const xb_parser_ops *ops;
    xb_parser *nested;
    int64_t rec_base;        /* added to the nested parser's records */
    int64_t rec_max;         /* largest record reported, after rec_base */
    bool binary;             /* a form field that is not UTF-8 */
    bool active;
} xbm_part;

struct xb_parser {
    xb_sink sink;
    xb_limits limits;
    size_t base;             /* base_offset */
    size_t consumed;         /* body bytes fed before the current chunk */
    const uint8_t *chunk;    /* the chunk being fed */
    size_t chunk_abs;        /* absolute offset of chunk[0] */
    unsigned depth;          /* 0 for the body, 1 for multipart in a part ... */
    xb_buf prefix;           /* path_prefix */

    /* delimiter: "\n--" boundary; a CR before the LF is part of it too */
    uint8_t *pat;
    size_t pat_len;
    xbm_state state;
    size_t carry;            /* pattern bytes matched at the end of the last chunk */
    bool carry_virtual;      /* the carried '\n' is the line end before the body
                                (or the body start): it is not a part byte */
    size_t carry_abs;        /* absolute offset of the first carried part byte */
    bool pending_cr;         /* a CR right before the carry / chunk start */
    size_t cr_abs;

    /* the part being read */
    xb_buf hdr;              /* header block */
    size_t hdr_line;         /* start of the current header line in hdr */
    size_t hdr_abs;          /* absolute offset of hdr.data[0] */
    size_t n_parts;
    xbm_part part;
    xbt_value field;         /* value of a form-field part */
    xb_buf path;             /* prefix + part label (+ '#') */
    int64_t next_record;     /* records used by earlier parts */
    uint8_t block[XBM_DECODE_BLOCK];

    xb_status status;
    char msg[400];
};

/* Record a sticky error with a message (the first error wins). */
xb_status xbm_fail(xb_parser *p, xb_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Label of the current part: name, else filename, else "part<N>". */
const char *xbm_part_label(const xb_parser *p, char *tmp, size_t tmp_size);

/* The header block hdr[0..len) is complete; the body starts at body_abs. */
xb_status xbm_part_begin(xb_parser *p, size_t body_abs);
/* Body bytes of the current part (in order, each exactly once); data may
 * point into the chunk or into the pattern (carried bytes). abs is the
 * offset of data[0]; last: the part ends right after these bytes. */
xb_status xbm_part_data(xb_parser *p, const uint8_t *data, size_t n, size_t abs, bool last);
/* The part's body ended at body_end (absolute, exclusive). */
xb_status xbm_part_end(xb_parser *p, size_t body_end);
/* Release the current part (after an error or at destroy). */
void xbm_part_release(xb_parser *p);

/* Create a parser at the given nesting depth. */
xb_parser *xbm_create(const xb_parser_params *params, unsigned depth);

#endif
