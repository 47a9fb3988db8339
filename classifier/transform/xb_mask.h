/*
 * xb_mask.h - the masked rendition of an identifier or other personal data.
 *
 * When policy says "mask", every finding to be masked is replaced in the
 * body by a rendition that keeps what a recipient legitimately needs (the
 * region code of an ID, the area code of a phone, a surname) and hides what
 * identifies the person. Renditions follow the usual Chinese practice
 * (GB/T 35273 examples, bank and carrier statements):
 *
 *   resident ID        110105********002X      keep 6 + last 4
 *   mobile             138****5678             keep 3 + last 4
 *   landline           010-******78            keep area code + last 2
 *   bank card          621626*********0018     keep 6 + last 4
 *   passport / permit  E*******78              keep leading letters + last 2
 *   email              z***@example.com        keep first char and domain
 *   person name        张*  欧阳**             keep the surname
 *   address            北京市朝阳区********    keep province / city / district
 *   licence plate      京A***45                keep 2 + last 2
 *   VIN                LSV**********1234       keep WMI + last 4
 *   IPv4               192.168.*.*             keep the first two octets
 *   coordinates        39.90,116.41            rounded to 2 decimals
 *   anything else      合***5                  keep first and last character
 *
 * The full table (every built-in detector) is in docs/transforms.md.
 *
 * Separators are kept where the original had them (138 0013 8000 ->
 * 138 **** 8000). A masked ASCII character becomes '*', a masked full-width
 * character (U+FF01..U+FF5E, e.g. '１') becomes the full-width '＊'
 * (U+FF0A) so that column alignment is kept; every other masked character
 * (CJK, invalid bytes) becomes '*'. The output is always valid UTF-8 and
 * never contains a character of the masked part.
 *
 * All functions are pure: no allocation except growing `out`, no state.
 */
#ifndef XB_MASK_H
#define XB_MASK_H

#include "../catalog/xb_catalog.h"
#include "../core/xb_buf.h"
#include "../core/xb_common.h"

typedef enum xb_mask_rule {
    XB_MASK_GENERIC = 0,     /* keep first and last character */
    XB_MASK_STRICT,          /* mask every character except separators */
    XB_MASK_RESIDENT_ID,     /* 18-character IDs and cards: keep 6 + last 4 */
    XB_MASK_RESIDENT_ID15,   /* 15-digit legacy ID: keep 6 + last 3 */
    XB_MASK_FOREIGN_PR_2017, /* 3 letters + 12 digits: keep 3 + last 2 */
    XB_MASK_DOCUMENT,        /* passports, permits: leading letters + last 2 */
    XB_MASK_MOBILE,          /* keep (country code) + 3 + last 4 */
    XB_MASK_IOT,             /* 13-digit IoT number: keep 3 + last 4 */
    XB_MASK_LANDLINE,        /* keep (country code) + area code + last 2 */
    XB_MASK_BANK_CARD,       /* keep 6 + last 4 */
    XB_MASK_EMAIL,           /* keep first character of the local part + domain */
    XB_MASK_USCC,            /* keep 8 (authority, type, region) + last 2 */
    XB_MASK_ORG_CODE,        /* keep 2 + last 2 */
    XB_MASK_PLATE,           /* keep province + letter + last 2 */
    XB_MASK_VIN,             /* keep WMI (3) + last 4 */
    XB_MASK_IMEI,            /* keep TAC (8) + last 2 */
    XB_MASK_MAC,             /* keep the OUI (first 6 hex digits) */
    XB_MASK_IPV4,            /* keep the first two octets */
    XB_MASK_IPV6,            /* keep the first three groups */
    XB_MASK_COORDINATES,     /* round every decimal number to 2 decimals */
    XB_MASK_POSTAL_CODE,     /* keep the first 2 digits */
    XB_MASK_PERSON_NAME,     /* keep the surname (single or compound) */
    XB_MASK_ADDRESS,         /* keep province / city / district */
    XB_MASK_RULE_COUNT
} xb_mask_rule;

/* Stable short name of a rule ("resident_id", "mobile", ...). */
const char *xb_mask_rule_name(xb_mask_rule rule);

/* The rule for a built-in detector name (xb_detectors.h); GENERIC for
 * unknown names and for NULL. */
xb_mask_rule xb_mask_rule_for_detector(const char *detector);

/*
 * The rule for a finding: its detector when that is a built-in detector;
 * otherwise ("pattern", "field_name", "keyword", ...) the first built-in
 * validator named by its catalog entry; otherwise GENERIC.
 */
xb_mask_rule xb_mask_rule_for_finding(const char *detector, const xb_entry *entry);

/*
 * Append the masked rendition of value[0..len) (decoded UTF-8 text as it
 * appears in the body) to out. Invalid UTF-8 bytes in the input are masked.
 * Returns XB_OK or XB_ERR_NOMEM.
 */
xb_status xb_mask_apply(xb_mask_rule rule, const char *value, size_t len,
                        xb_buf *out);

/* xb_mask_apply with the rule chosen by xb_mask_rule_for_finding. */
xb_status xb_mask_text(const char *detector, const xb_entry *entry,
                       const char *value, size_t len, xb_buf *out);

#endif
