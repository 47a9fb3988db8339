/*
 * xb_policy_internal.h - shared between the policy loader
 * (xb_policy_load.c) and its meaning checks (xb_policy_validate.c). Not part
 * of the public API.
 */
#ifndef XB_POLICY_INTERNAL_H
#define XB_POLICY_INTERNAL_H

#include "xb_policy.h"

/* State of one load: where diagnostics go and how many were added. */
typedef struct xb_policy_loader {
    const char *file;
    xb_diags *diags;
    size_t errors;
    bool nomem;
    bool xml_error_seen;  /* only the first well-formedness error is useful */
} xb_policy_loader;

void xb_policy_diag(xb_policy_loader *L, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
char *xb_policy_strdup(const char *s);

/* Checks run while the model is built (they need the raw text). */
void xb_policy_check_dates(xb_policy_loader *L, xb_mechanism *m,
                           const char *from, const char *until);
void xb_policy_check_uscc(xb_policy_loader *L, const xb_exporter *e, size_t line);
/* Resolve and read the counting key (exactly one of file / hex). */
void xb_policy_load_key(xb_policy_loader *L, xb_policy *p, const char *file,
                        const char *hex, size_t line);

/* Checks across the whole model: duplicates, references, matches. */
void xb_policy_validate(xb_policy_loader *L, xb_policy *p);

/* Decode hex (even length) into out; false on a bad digit or overflow. */
bool xb_policy_hex_decode(const char *hex, uint8_t *out, size_t cap, size_t *len);

#endif
