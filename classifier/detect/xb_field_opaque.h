/*
 * xb_field_opaque.h - is a field name opaque, i.e. a name that says nothing
 * about its value ("f1", "c_03", "k2", "v_1", "col7", "x", "3")?
 *
 * Why: exports from generic tools and obfuscated APIs put identifiers under
 * such keys. A field name that means something ("batch", "orderNo",
 * "流水号") is evidence about the value, for or against a category; an
 * opaque one is neither. The detectors then accept, for a few identifiers
 * whose whole value is strong evidence on its own, what they would accept
 * under a hinted field name: a whole-value IPv4 address, a 15-digit Luhn
 * IMEI with a major reporting-body prefix, a whole-value Chinese name. A
 * meaningful but unknown name keeps the stricter rules.
 */
#ifndef XB_FIELD_OPAQUE_H
#define XB_FIELD_OPAQUE_H

#include <stdbool.h>
#include <stddef.h>

/* name[0..len): at most 3 ASCII letters, then optionally '_' or '-', then
 * digits, optionally more "_digits"/"-digits" groups; or a single letter;
 * or digits only (a column number). */
bool xb_field_opaque(const char *name, size_t len);

#endif
