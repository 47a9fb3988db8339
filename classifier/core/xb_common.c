/* xb_common.c - status names and default limits; see xb_common.h. */
#include "xb_common.h"

const char *xb_status_name(xb_status st)
{
    switch (st) {
    case XB_OK: return "ok";
    case XB_ERR_NOMEM: return "out_of_memory";
    case XB_ERR_MALFORMED: return "malformed";
    case XB_ERR_LIMIT: return "limit_exceeded";
    case XB_ERR_FORBIDDEN: return "forbidden_construct";
    case XB_ERR_UNSUPPORTED: return "unsupported";
    case XB_ERR_IO: return "io_error";
    case XB_ERR_INVALID: return "invalid";
    case XB_ERR_STATE: return "bad_state";
    }
    return "unknown";
}

void xb_limits_default(xb_limits *l)
{
    l->max_depth = 64;
    l->max_value_len = 64 * 1024;
    l->max_decoded_size = 64u * 1024 * 1024;
    l->max_ratio = 200;
    l->max_findings = 100000;
    l->max_parts = 256;
    l->max_columns = 4096;
    l->max_carriers = 4096;
}

const char *xb_syntax_name(xb_syntax s)
{
    switch (s) {
    case XB_SYNTAX_JSON: return "json";
    case XB_SYNTAX_XML: return "xml";
    case XB_SYNTAX_FORM: return "form";
    case XB_SYNTAX_CSV: return "csv";
    case XB_SYNTAX_TEXT: return "text";
    case XB_SYNTAX_NONE: break;
    }
    return "none";
}
