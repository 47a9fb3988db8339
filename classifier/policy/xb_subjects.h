/*
 * xb_subjects.h - the individuals (data subjects) a transfer is about, for
 * the counts of Provisions Arts. 5(4), 7 and 8, which count people, not
 * requests or records.
 *
 * Per transfer, per record (xb_finding.record: array element, CSV row,
 * repeated XML element; findings outside any record form one
 * document-level record):
 *   - the record's strongest identifier rank present decides who it is
 *     about: resident ID > passport/permit > mobile > email;
 *   - its subjects are the distinct identifiers of that rank in the record
 *     (a family record with two resident IDs is two people);
 *   - a record with personal information but no identifier is one
 *     individual keyed by (transfer id, record). Such a key can never be
 *     recognised in another transfer, so these people are counted again
 *     each time they are sent: an over-count, the conservative error.
 * General PI (level "pi") and sensitive PI are counted separately: a record
 * with both kinds puts its people in both counts.
 *
 * Identifiers are never kept in the clear: a subject is
 *   HMAC-SHA256(key, rank || identifier)       rank = one byte 1..4
 * where identifier is xb_finding.identifier (canonical form). A record
 * without identifier is keyed by
 *   HMAC-SHA256(key, 0x00 || transfer id)[0..23] || record number
 * (the record number as 8 bytes, big endian, two's complement; -1 for the
 * document-level record): it identifies nobody, so one HMAC per transfer
 * makes it unique and unlinkable.
 *
 * Masking removes findings from a transfer; the people it is about may then
 * be identified by a weaker identifier. xb_subjects_build() therefore keeps
 * every candidate subject of the unmasked transfer (every identifier of every
 * rank, and the record keys), so that one counter query answers for the
 * transfer as received and for any masked version of it.
 */
#ifndef XB_SUBJECTS_H
#define XB_SUBJECTS_H

#include "../parse/xb_parser.h"
#include "../scan/xb_scan.h"

#define XB_SUBJECT_HASH_LEN 32

/* Which counter a subject goes into. */
typedef enum xb_subject_class {
    XB_SUBJECT_GENERAL = 0,  /* PI other than sensitive PI */
    XB_SUBJECT_SENSITIVE = 1
} xb_subject_class;

typedef struct xb_subject_counts {
    uint64_t general;
    uint64_t sensitive;
} xb_subject_counts;

/* One distinct candidate subject: a keyed hash in one counter. */
typedef struct xb_subject {
    uint8_t hash[XB_SUBJECT_HASH_LEN];
    uint8_t cls;       /* xb_subject_class */
    uint8_t rank;      /* xb_subject_rank; XB_SUBJECT_NONE = record key */
    bool is_new;       /* set by the counter query: not yet counted this year */
} xb_subject;

struct xb_subjects_index; /* private: which findings and records yield which subject */

/* The candidate subjects of one transfer. */
typedef struct xb_subjects {
    xb_subject *items; /* distinct by (cls, hash) */
    size_t n;
    struct xb_subjects_index *index;
} xb_subjects;

/*
 * Compute the candidate subjects of a transfer. key/key_len is the counting
 * key (xb_policy.counting_key); transfer_id must be unique per transfer (it
 * keys records without an identifier). Findings whose level is neither PI
 * nor sensitive PI are not about counted individuals and are ignored. The
 * findings must stay unchanged while *out is used. is_new starts false.
 */
xb_status xb_subjects_build(xb_subjects *out, const xb_finding *findings, size_t n,
                            const uint8_t *key, size_t key_len,
                            const char *transfer_id);
void xb_subjects_free(xb_subjects *s);

/*
 * The individuals of the transfer as it would leave with the findings
 * flagged in masked[] (n_findings entries; NULL = none) removed. Sets
 * *in_transfer to the distinct individuals per class and *new_subjects to
 * how many of them are new (is_new). When selected is not NULL it receives
 * s->n flags: 1 for the subjects counted (what to commit to a counter).
 * Fails (counts zero) when findings is not the array the subjects were built
 * from (n_findings differs) or on allocation failure.
 */
xb_status xb_subjects_select(const xb_subjects *s, const xb_finding *findings,
                             size_t n_findings, const uint8_t *masked, uint8_t *selected,
                             xb_subject_counts *in_transfer,
                             xb_subject_counts *new_subjects);

/* HMAC-SHA256 of rank || identifier, as stored by counters. */
xb_status xb_subject_hash(const uint8_t *key, size_t key_len, xb_subject_rank rank,
                          const char *identifier, size_t len,
                          uint8_t out[XB_SUBJECT_HASH_LEN]);

/* Lower-case hex of a subject hash (65 bytes with the NUL). */
void xb_subject_hex(const uint8_t hash[XB_SUBJECT_HASH_LEN], char out[65]);

#endif
