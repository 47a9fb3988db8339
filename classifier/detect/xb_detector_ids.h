/*
 * xb_detector_ids.h - internal numbering of the built-in detectors and their
 * whole-string check functions (used to post-validate PCRE2 matches that name
 * a validator). The public registry is xb_detectors.h.
 */
#ifndef XB_DETECTOR_IDS_H
#define XB_DETECTOR_IDS_H

#include <stdbool.h>
#include <stddef.h>

#include "xb_detectors.h"

typedef enum xb_det_id {
    XB_D_RIC18 = 0,
    XB_D_RIC15,
    XB_D_HMT_RESIDENCE,
    XB_D_FOREIGN_PR_2023,
    XB_D_FOREIGN_PR_2017,
    XB_D_PASSPORT,
    XB_D_HKMO_HOME_RETURN,
    XB_D_TAIWAN_PERMIT,
    XB_D_MAINLAND_HKMO,
    XB_D_MOBILE,
    XB_D_IOT,
    XB_D_LANDLINE,
    XB_D_EMAIL,
    XB_D_BANK_CARD,
    XB_D_USCC,
    XB_D_ORG_CODE,
    XB_D_PLATE,
    XB_D_VIN,
    XB_D_IMEI,
    XB_D_MAC,
    XB_D_IPV4,
    XB_D_IPV6,
    XB_D_COORDINATES,
    XB_D_POSTAL,
    XB_D_PERSON_NAME,
    XB_D_ADDRESS,
    XB_D_COUNT
} xb_det_id;

/* Validate a whole string (already normalised) as this detector's
 * identifier. */
bool xb_detector_check(xb_det_id id, const char *s, size_t n);

/* Index of a registry entry (== its xb_det_id). */
xb_det_id xb_detector_id(const xb_builtin_detector *d);

#endif
