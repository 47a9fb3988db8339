/*
 * xb_evidence.h - evidence beyond a value's own shape, for identifiers whose
 * shape alone is too weak to report: IPv4 addresses, IMEIs and bare names.
 *
 * Three kinds of evidence, cheapest first:
 *
 *  1. The key: is the field name opaque (f1, c_03, v, col5, #3, empty)? An
 *     opaque key says nothing, so the value may be judged by its shape and
 *     record; a descriptive key that names something else (batch, orderNo)
 *     is left to the catalog's field names and exclusion words.
 *  2. The shape: which GSMA reporting body the first two digits of an IMEI
 *     name (GSMA TS.06 Appendix A); whether a dotted quad is a routable
 *     address or a special range / a version-shaped quad (1.0.2.3).
 *  3. The record: a value of an opaque field is reported as a name (resp. an
 *     IMEI of a former reporting body) when the same record - JSON array
 *     element, CSV row, XML element, form body, text line - carries a
 *     personal identifier (resident ID, passport, mobile, e-mail, bank card)
 *     (resp. a device identifier: IMEI, VIN, MAC). The record's other
 *     values may come after the candidate, so the candidate is reported
 *     provisionally and withdrawn when the record ends without that evidence
 *     (xb_record_ctx below).
 *
 * Everything here is reentrant: the record state lives in the caller's
 * detection context and is bounded (XB_RECORD_MAX_PROVISIONAL findings).
 */
#ifndef XB_EVIDENCE_H
#define XB_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------ shapes */

/* True when a field name carries no meaning: empty, one letter, up to three
 * letters followed by digits (f1, c_03, k94, col5, x7_1), a generic word with
 * optional digits (field12, column3, value, data, item), or a CSV column
 * number (#3). Case, '_', '-', '.' and spaces are ignored. */
bool xb_field_is_opaque(const char *field, size_t n);

/* Reporting body of an IMEI's first two digits (GSMA TS.06 v25.0 Appendix A,
 * 2024): 01 CTIA/PTCRB (US), 35 BABT (UK), 86 TAF (China) and 99 GHA
 * allocate TACs today; 10 30 33 44 45 49 50-54 91 allocated in the past;
 * 00-09 are test IMEIs; everything else is unallocated. Where the two digits
 * are also a province code (35 Fujian, 33, 44, 45, 50-54) and the next two a
 * prefecture code, the number is shaped like a legacy 15-digit taxpayer or
 * resident number: 35 then counts as FORMER (the record decides), the
 * former bodies as NONE. */
typedef enum xb_imei_body {
    XB_IMEI_BODY_NONE = 0,   /* unallocated or test range */
    XB_IMEI_BODY_FORMER,     /* a body that no longer allocates: needs a device
                                identifier in the record */
    XB_IMEI_BODY_CURRENT     /* a body allocating TACs today */
} xb_imei_body;
xb_imei_body xb_imei_reporting_body(const char *digits15);

/* What a syntactically valid dotted quad most likely is. */
typedef enum xb_ipv4_kind {
    XB_IPV4_ADDRESS = 0,   /* unicast address, public or private */
    XB_IPV4_SPECIAL,       /* 0/8, 127/8, 169.254/16, 224/4 multicast, 240/4, broadcast */
    XB_IPV4_VERSION        /* first two octets below 10: 1.0.2.15, 5.3.12.7 */
} xb_ipv4_kind;
xb_ipv4_kind xb_ipv4_classify(const char *s, size_t n);

/* True when t[s..e) is all of t[0..n) but surrounding spaces and tabs. */
bool xb_whole_value(const char *t, size_t n, size_t s, size_t e);

/* Confidence of a valid dotted quad t[s..e) in t[0..n): 0.75 for an
 * ordinary address that is the whole value (enough for the IP entry's 0.7
 * without a field name), the detector's 0.6 otherwise (inside text, special
 * ranges, version-shaped quads: a field name or hotword is needed). */
double xb_ipv4_confidence(const char *t, size_t n, size_t s, size_t e);

/* ------------------------------------------------------------ records */

/* Evidence a record can hold (bit set). */
enum {
    XB_EV_PERSON = 1u << 0, /* resident ID family, passport/permits, mobile, e-mail, bank card */
    XB_EV_DEVICE = 1u << 1  /* IMEI, VIN, MAC (not IP or plate: every web order
                               and waybill has one) */
};

#define XB_RECORD_MAX_PROVISIONAL 32

typedef struct xb_record_ctx {
    uint64_t key;            /* identity of the current record */
    bool started;
    unsigned evidence;       /* XB_EV_* seen in confirmed findings */
    unsigned need;           /* set while a provisional finding is emitted */
    size_t n_prov;
    size_t prov_index[XB_RECORD_MAX_PROVISIONAL]; /* indexes into the findings, ascending */
    unsigned prov_need[XB_RECORD_MAX_PROVISIONAL];
} xb_record_ctx;

struct xb_findings;
struct xb_value;

/* Called before a value is classified: when the value starts a new record,
 * the previous record is resolved (its unconfirmed provisional findings are
 * removed from out). */
void xb_record_enter(xb_record_ctx *r, struct xb_findings *out,
                     const struct xb_value *v);

/* Called after a value was classified: findings out->items[first..] that
 * are not provisional add their evidence to the record, and provisional
 * findings whose evidence is now present are confirmed. */
void xb_record_after_value(xb_record_ctx *r, struct xb_findings *out,
                           size_t first);

/* End of the body (or of the current record): remove unconfirmed
 * provisional findings and forget the record. */
void xb_record_resolve(xb_record_ctx *r, struct xb_findings *out);

/* True when the current record already holds evidence `ev`. */
static inline bool xb_record_has(const xb_record_ctx *r, unsigned ev)
{
    return (r->evidence & ev) != 0;
}

/* Register out->items[index] as provisional, waiting for r->need. Returns
 * false when the list is full (the caller must then drop the finding). */
bool xb_record_add_provisional(xb_record_ctx *r, size_t index);

#endif
