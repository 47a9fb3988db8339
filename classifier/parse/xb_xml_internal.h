/*
 * xb_xml_internal.h - state shared by the files of the XML body parser.
 *
 * The XML parser is split by job:
 *   xb_xml.c        libxml2 push parser, SAX2 callbacks, hostile-input
 *                   refusal, error collection, the xb_parser_ops glue
 *   xb_xml_span.c   where decoded text came from in the raw body: matching
 *                   libxml2's pieces against its input buffer, tokenizing raw
 *                   start tags, decoding attribute values with offsets
 *   xb_xml_value.c  assembling values from pieces, segmentation of long
 *                   values, exactness rules, delivery to the sink
 *   xb_xml_names.c  per-parent counters of same-name siblings (path indices)
 *
 * All offsets inside this parser are relative to the start of the body the
 * parser was fed; params->base_offset is added only when a value leaves.
 */
#ifndef XB_XML_INTERNAL_H
#define XB_XML_INTERNAL_H

#include <libxml/parser.h>

#include "../core/xb_buf.h"
#include "xb_parser.h"

/* ---- sibling counters (xb_xml_names.c) --------------------------------- */

#define XBX_NAME_BUCKETS 256
/* Distinct sibling names remembered over all open elements, and their bytes.
 * Exceeding either is XB_ERR_LIMIT: memory stays bounded whatever the body. */
#define XBX_MAX_NAMES 4096
#define XBX_MAX_NAME_BYTES (1u << 20)

typedef struct xbx_name {
    size_t off;      /* name bytes in xbx_names.bytes */
    uint32_t len;
    uint32_t hash;
    uint32_t group;  /* depth of the parent element (0 for the root) */
    uint32_t next;   /* earlier head of the same bucket, index + 1, 0 = none */
    uint32_t count;  /* children of that name seen so far */
} xbx_name;

typedef struct xbx_names {
    xbx_name *items; /* a stack: entries of deeper parents sit on top */
    size_t n, cap;
    xb_buf bytes;
    uint32_t seed;
    uint32_t heads[XBX_NAME_BUCKETS];
} xbx_names;

void xbx_names_init(xbx_names *t, uint32_t seed);
/* Count one more child called name[0..len) of the parent at depth group and
 * give its 1-based index among same-name siblings. */
xb_status xbx_names_next(xbx_names *t, uint32_t group, const char *name, size_t len,
                         uint32_t *index);
/* Entries above mark belong to the children of an element that ended. */
static inline size_t xbx_names_mark(const xbx_names *t)
{
    return t->n;
}
void xbx_names_pop(xbx_names *t, size_t mark);
void xbx_names_free(xbx_names *t);

/* ---- value assembly (xb_xml_value.c) ----------------------------------- */

/* Stretches of a value that come from plain character data or from one CDATA
 * section; a rewrite needs to know which, see xbx_acc_emit(). */
typedef struct xbx_area {
    size_t at;  /* first byte of the area in the value */
    bool cdata;
    bool head;  /* the area starts with the first byte of its CDATA section */
} xbx_area;

#define XBX_MAX_AREAS 8

typedef struct xbx_acc {
    xb_value_kind kind;
    size_t field_off, field_len; /* the field name inside the parser's path */
    xb_buf data;                 /* decoded bytes not yet delivered */
    size_t *offs;                /* raw offset of each byte when mapped */
    size_t offs_cap;
    bool mapped;                 /* offs[] is in use; else data[i] at start + i */
    size_t start;                /* raw offset of data[0] when not mapped */
    size_t end;                  /* raw offset just after the last piece */
    bool verified;               /* every offset was checked against raw bytes */
    bool altered;                /* some byte differs from its raw byte (a
                                    normalised line end or white space, a
                                    reference): offsets must then be given */
    bool segmented;              /* a segment of this value was delivered */
    xbx_area areas[XBX_MAX_AREAS];
    size_t n_areas;
    bool areas_overflow;
} xbx_acc;

/* ---- the parser --------------------------------------------------------- */

typedef struct xbx_level {
    size_t path_len;   /* path length before this element's step */
    size_t field_off;  /* local name inside the path */
    size_t field_len;
    size_t names_mark; /* sibling counters above this belong to our children */
} xbx_level;

struct xb_parser {
    xb_sink sink;
    size_t base;                /* params->base_offset */
    size_t max_depth;
    size_t max_len;             /* limits->max_value_len */
    xmlParserCtxtPtr ctxt;

    xb_buf path;                /* path_prefix, then the element steps */
    xbx_level *levels;
    size_t depth, levels_cap;
    xbx_names names;

    xbx_acc text;               /* text run of the innermost open element */
    xbx_acc attr;               /* one attribute value */
    size_t cursor;              /* raw offset where the next text piece starts */
    bool cursor_known;
    bool last_piece_cdata;      /* the previous piece of the run was CDATA */
    size_t *scratch;            /* offsets of one copied piece */
    size_t scratch_cap;
    uint8_t *abuf;              /* decoded attribute value */
    size_t abuf_cap;

    size_t fed;                 /* body bytes handed to libxml2 so far */
    size_t expect_end;          /* body offset of the end of libxml2's buffer
                                   while it parses (a trailing CR is held back) */
    bool converted;             /* libxml2 converts from a declared encoding */

    xb_status err;
    char msg[320];
};

/* Record the first error; also stop libxml2 when called from a SAX callback
 * (never from an error callback, see xb_xml.c). */
xb_status xbx_fail(xb_parser *p, xb_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

void xbx_acc_begin(xbx_acc *a, xb_value_kind kind, size_t field_off, size_t field_len,
                   size_t raw_start);
/*
 * Append n decoded bytes whose raw bytes span [rs, re): offs gives the raw
 * offset of each byte, or NULL when byte i sits at rs + i. Set a->altered
 * first when the bytes are not a verbatim copy of raw. verified = false
 * when the origin of the bytes is not certain. cdata / new_section describe
 * where the bytes came from (see xbx_area). Delivers segments once the value
 * outgrows max_value_len.
 */
xb_status xbx_acc_append(xb_parser *p, xbx_acc *a, const uint8_t *d, size_t n,
                         const size_t *offs, size_t rs, size_t re, bool verified,
                         bool cdata, bool new_section, bool section_head);
/* Deliver what is left (skipped when blank). */
xb_status xbx_acc_finish(xb_parser *p, xbx_acc *a);
void xbx_acc_free(xbx_acc *a);

/* ---- raw spans (xb_xml_span.c) ----------------------------------------- */

/* True while libxml2's input buffer holds body bytes at body offsets:
 * no encoding conversion and the buffer ends where the body fed so far ends. */
bool xbx_coords_ok(xb_parser *p);
/* Body offset of a pointer into libxml2's input buffer. */
size_t xbx_pos(const xb_parser *p, const xmlChar *ptr);
bool xbx_in_buffer(const xb_parser *p, const xmlChar *ptr, size_t len);
/* The last '<' before the parser's current position (start of the tag that
 * was just parsed), or NULL. */
const xmlChar *xbx_tag_start(const xb_parser *p);

/* Handle one characters() / cdataBlock() piece of the current text run. */
void xbx_text_piece(xb_parser *p, const xmlChar *ch, size_t len, bool cdata);
/* Deliver the attributes of a start tag that ends at the current position. */
void xbx_attributes(xb_parser *p, const xmlChar *tag_lt, int nb_attrs, const xmlChar **attrs);

/* Decode the reference raw[0..n) ("&amp;", "&#x4e2d;", ...) to UTF-8.
 * Returns the number of bytes written to out[4], 0 when not a reference
 * that exists without a DTD. */
size_t xbx_decode_ref(const xmlChar *raw, size_t n, uint8_t out[4]);

#endif
