/*
 * xb_detectors.h - the registry of built-in detectors that catalogs may name
 * in <validator name="..."/>.
 *
 * A built-in detector knows the shape of its identifier (which candidate
 * tokens to look at), validates it in C (xb_validate.h, xb_cntext.h), gives
 * a base confidence, and says how strongly the identifier points at one
 * person (for counting individuals). Catalog entries bind detectors to
 * categories; the same detector may serve several entries.
 *
 *   name                     identifier                              rank
 *   cn_ric18                 18-digit resident ID                    resident-id
 *   cn_ric15                 15-digit legacy resident ID             resident-id
 *   cn_hmt_residence         HK/Macau/Taiwan residence permit        document
 *   cn_foreign_pr_2023       foreign permanent residence ID (2023)   document
 *   cn_foreign_pr_2017       foreign permanent residence ID (2017)   document
 *   cn_passport              PRC / HKSAR / MSAR passport             document
 *   hkmo_home_return_permit  permit for HK/Macau residents (H/M)     document
 *   taiwan_permit            permit for Taiwan residents             document
 *   mainland_hkmo_permit     mainland residents' HK/Macau permit (C) document
 *   cn_mobile                mainland mobile number                  mobile
 *   cn_iot_number            13-digit IoT number                     none
 *   cn_landline              landline with area code                 none
 *   email                    email address                           email
 *   bank_card                bank card number (Luhn)                 none
 *   cn_uscc                  unified social credit code              none
 *   cn_org_code              organisation code                       none
 *   cn_plate                 licence plate                           none
 *   vin                      vehicle identification number           none
 *   imei                     IMEI (Luhn)                             none
 *   mac_address              MAC address                             none
 *   ipv4, ipv6               IP addresses                            none
 *   cn_coordinates           lat/lon inside China                    none
 *   cn_postal_code           postal code (field context only)        none
 *   person_name              Chinese person name                     none
 *   address                  Chinese postal address                  none
 */
#ifndef XB_DETECTORS_H
#define XB_DETECTORS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct xb_builtin_detector {
    const char *name;
    const char *description;
    int subject_rank;        /* xb_subject_rank */
    double base_confidence;  /* confidence without any context */
    bool needs_field_context;/* only reported in a field named for it */
} xb_builtin_detector;

const xb_builtin_detector *xb_builtin_detector_find(const char *name);
size_t xb_builtin_detector_count(void);
const xb_builtin_detector *xb_builtin_detector_at(size_t i);

#endif
