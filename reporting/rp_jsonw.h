/*
 * rp_jsonw.h - small helpers for writing JSON output with xb_buf (strings
 * escaped with the library's xb_buf_append_json_escaped). Output only: the
 * project reads JSON with its streaming parser.
 */
#ifndef RP_JSONW_H
#define RP_JSONW_H

#include <stdint.h>
#include <stdio.h>

#include "classifier/core/xb_buf.h"

/* "key": */
void rp_jw_key(xb_buf *b, const char *key);
/* "escaped string" (NULL writes null) */
void rp_jw_str(xb_buf *b, const char *s);
/* "key":"value", with a leading comma when comma is set */
void rp_jw_kv(xb_buf *b, bool comma, const char *key, const char *value);
void rp_jw_ku(xb_buf *b, bool comma, const char *key, uint64_t value);
/* Write the buffer to f and empty it; false on a write error. */
bool rp_jw_flush(xb_buf *b, FILE *f);

#endif
