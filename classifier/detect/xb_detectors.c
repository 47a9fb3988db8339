/*
 * xb_detectors.c - the registry of built-in detectors (names catalogs may
 * use) and their whole-string checks; see xb_detectors.h.
 */
#include "xb_detector_ids.h"

#include <stdlib.h>
#include <string.h>

#include "xb_cntext.h"
#include "xb_validate.h"

/* Order must follow xb_det_id. */
static const xb_builtin_detector registry[XB_D_COUNT] = {
    {"cn_ric18", "18-digit resident identity card number (GB 11643, MOD 11-2)", 4, 0.85, false},
    {"cn_ric15", "15-digit legacy resident identity card number", 4, 0.6, false},
    {"cn_hmt_residence", "residence permit of HK/Macau/Taiwan residents (810000/820000/830000)", 3, 0.85, false},
    {"cn_foreign_pr_2023", "foreign permanent residence ID card, 2023 form (9..., MOD 11-2)", 3, 0.75, false},
    {"cn_foreign_pr_2017", "foreign permanent residence ID card, 2017 form (3 letters + 12 digits)", 3, 0.6, false},
    {"cn_passport", "passport number (PRC E/G/D/S/P series, HKSAR K, MSAR MA)", 3, 0.6, false},
    {"hkmo_home_return_permit", "mainland travel permit for HK/Macau residents (H/M + 8 [+2] digits)", 3, 0.6, false},
    {"taiwan_permit", "mainland travel permit for Taiwan residents (8 digits; field context)", 3, 0.6, true},
    {"mainland_hkmo_permit", "exit-entry permit for travelling to HK/Macau (C + 8)", 3, 0.6, false},
    {"cn_mobile", "mainland mobile number (MIIT prefix table)", 2, 0.75, false},
    {"cn_iot_number", "13-digit IoT number (140-144)", 0, 0.55, false},
    {"cn_landline", "landline number with area code", 0, 0.6, false},
    {"email", "email address", 1, 0.9, false},
    {"bank_card", "bank card number (16-19 digits, Luhn; 62 = UnionPay)", 0, 0.65, false},
    {"cn_uscc", "unified social credit code (GB 32100, mod 31)", 0, 0.85, false},
    {"cn_org_code", "organisation code (GB 11714, mod 11)", 0, 0.6, true},
    {"cn_plate", "motor vehicle licence plate, incl. new-energy plates", 0, 0.8, false},
    {"vin", "vehicle identification number (ISO 3779 check digit)", 0, 0.75, false},
    {"imei", "IMEI (15 digits, Luhn)", 0, 0.6, false},
    {"mac_address", "MAC address", 0, 0.6, false},
    {"ipv4", "IPv4 address", 0, 0.6, false},
    {"ipv6", "IPv6 address", 0, 0.7, false},
    {"cn_coordinates", "latitude/longitude inside China", 0, 0.7, false},
    {"cn_postal_code", "postal code (field context only)", 0, 0.7, true},
    {"person_name", "Chinese person name (surname dictionary + structure)", 0, 0.0, false},
    {"address", "Chinese postal address (place dictionary + structure)", 0, 0.0, false},
};

const xb_builtin_detector *xb_builtin_detector_find(const char *name)
{
    for (size_t i = 0; i < XB_D_COUNT; i++)
        if (!strcmp(registry[i].name, name))
            return &registry[i];
    return NULL;
}

size_t xb_builtin_detector_count(void)
{
    return XB_D_COUNT;
}

const xb_builtin_detector *xb_builtin_detector_at(size_t i)
{
    return i < XB_D_COUNT ? &registry[i] : NULL;
}

xb_det_id xb_detector_id(const xb_builtin_detector *d)
{
    return (xb_det_id)(d - registry);
}

static bool check_mac(const char *s, size_t n)
{
    if (n != 17 && n != 12)
        return false;
    size_t hex = 0;
    char sep = n == 17 ? s[2] : 0;
    if (n == 17 && sep != ':' && sep != '-')
        return false;
    for (size_t i = 0; i < n; i++) {
        if (n == 17 && i % 3 == 2) {
            if (s[i] != sep)
                return false;
            continue;
        }
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
              (c >= 'A' && c <= 'F')))
            return false;
        hex++;
    }
    return hex == 12;
}

static bool check_coordinates(const char *s, size_t n)
{
    char buf[64];
    if (n >= sizeof(buf))
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *end;
    double a = strtod(buf, &end);
    while (*end == ',' || *end == ' ' || *end == ';')
        end++;
    if (!*end)
        return false;
    char *end2;
    double b = strtod(end, &end2);
    if (*end2)
        return false;
    return xb_valid_cn_coordinates(a, b) || xb_valid_cn_coordinates(b, a);
}

bool xb_detector_check(xb_det_id id, const char *s, size_t n)
{
    bool up;
    xb_text_match m;
    switch (id) {
    case XB_D_RIC18: return xb_valid_ric18(s, n, NULL);
    case XB_D_RIC15: return xb_valid_ric15(s, n, NULL);
    case XB_D_HMT_RESIDENCE: return xb_valid_hmt_residence(s, n, NULL);
    case XB_D_FOREIGN_PR_2023: return xb_valid_foreign_pr_2023(s, n, NULL);
    case XB_D_FOREIGN_PR_2017: return xb_valid_foreign_pr_2017(s, n);
    case XB_D_PASSPORT: return xb_valid_passport(s, n);
    case XB_D_HKMO_HOME_RETURN: return xb_valid_hkmo_home_return_permit(s, n);
    case XB_D_TAIWAN_PERMIT: return xb_valid_taiwan_permit(s, n);
    case XB_D_MAINLAND_HKMO: return xb_valid_mainland_hkmo_permit(s, n);
    case XB_D_MOBILE: return xb_valid_mobile(s, n);
    case XB_D_IOT: return xb_valid_iot_number(s, n);
    case XB_D_LANDLINE: return xb_valid_landline(s, n);
    case XB_D_EMAIL: return xb_valid_email(s, n);
    case XB_D_BANK_CARD: return xb_valid_bank_card(s, n, &up);
    case XB_D_USCC: return xb_valid_uscc(s, n);
    case XB_D_ORG_CODE: return xb_valid_org_code(s, n);
    case XB_D_PLATE: return n > 0 && xb_match_plate(s, n) == n;
    case XB_D_VIN: return xb_valid_vin(s, n);
    case XB_D_IMEI: return xb_valid_imei(s, n);
    case XB_D_MAC: return check_mac(s, n);
    case XB_D_IPV4: return xb_valid_ipv4(s, n);
    case XB_D_IPV6: return xb_valid_ipv6(s, n);
    case XB_D_COORDINATES: return check_coordinates(s, n);
    case XB_D_POSTAL: return xb_valid_postal_code(s, n);
    case XB_D_PERSON_NAME:
        return xb_find_person_names(s, n, true, &m, 1) == 1 &&
               m.start == 0 && m.end == n;
    case XB_D_ADDRESS:
        return xb_find_addresses(s, n, true, &m, 1) == 1;
    case XB_D_COUNT: break;
    }
    return false;
}
