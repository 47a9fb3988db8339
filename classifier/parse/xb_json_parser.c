/*
 * xb_json_parser.c - xb_parser_ops glue of the streaming JSON parser.
 *
 * create() reads the limits and the Content-Type (NDJSON, JSON Lines and
 * json-seq bodies hold a sequence of top-level values), feed() hands each
 * chunk to the tokenizer in xb_json.c and copies the unfinished tail of a
 * string or number into the value buffer (the chunk is not kept), finish()
 * reports an empty or truncated body.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xb_json_internal.h"

/* NDJSON, JSON Lines and JSON text sequences carry several top-level values. */
static bool is_sequence_type(const char *ct)
{
    static const char *const types[] = {
        "application/x-ndjson", "application/ndjson", "application/jsonl",
        "application/x-jsonlines", "application/json-seq",
    };
    if (!ct)
        return false;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    size_t n = 0;
    while (ct[n] && ct[n] != ';' && ct[n] != ' ' && ct[n] != '\t')
        n++;
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (strlen(types[i]) == n && strncasecmp(ct, types[i], n) == 0)
            return true;
    return false;
}

static xb_parser *json_create(const xb_parser_params *params)
{
    xb_json *j = calloc(1, sizeof(*j));
    if (!j)
        return NULL;
    xb_limits defaults;
    xb_limits_default(&defaults);
    const xb_limits *lim = params->limits ? params->limits : &defaults;
    j->sink = params->sink;
    j->base_offset = params->base_offset;
    j->max_depth = lim->max_depth ? lim->max_depth : defaults.max_depth;
    j->max_value_len = lim->max_value_len ? lim->max_value_len : defaults.max_value_len;
    if (j->max_value_len < 4)
        j->max_value_len = 4; /* room for one UTF-8 character */
    j->seq_mode = is_sequence_type(params->content_type);
    j->rec_depth = j->seq_mode ? 0 : XBJ_NO_DEPTH;
    j->record = XB_RECORD_NONE;
    j->state = XBJ_START;
    if (xb_buf_reserve(&j->path, 64) != XB_OK ||
        (params->path_prefix && xb_buf_append_str(&j->path, params->path_prefix) != XB_OK)) {
        xb_buf_free(&j->path);
        free(j);
        return NULL;
    }
    j->prefix_len = j->path.len;
    j->path.data[j->path.len] = '\0';
    return (xb_parser *)j;
}

static xb_status json_feed(xb_parser *parser, const uint8_t *data, size_t len)
{
    xb_json *j = (xb_json *)parser;
    if (j->status != XB_OK)
        return j->status;
    if (j->finished)
        return xbj_fail(j, XB_ERR_STATE, "json: feed() after finish()");
    if (len == 0)
        return XB_OK;
    j->chunk = data;
    j->chunk_abs = j->base_offset + j->consumed;
    j->run = data; /* a string or number continues from the previous chunk */
    xb_status st = xbj_tokenize(j, data, data + len);
    if (st == XB_OK && (j->state == XBJ_STR || xbj_in_number(j->state)))
        st = xbj_flush_run(j, data + len);
    j->run = NULL;
    j->chunk = NULL;
    j->consumed += len;
    return st;
}

static xb_status json_finish(xb_parser *parser)
{
    xb_json *j = (xb_json *)parser;
    if (j->status != XB_OK)
        return j->status;
    if (j->finished)
        return XB_OK;
    j->finished = true;
    j->chunk_abs = j->base_offset + j->consumed;
    switch (j->state) {
    case XBJ_START:
    case XBJ_TOP:
        return xbj_fail(j, XB_ERR_MALFORMED, "json: empty body");
    case XBJ_DONE:
        return XB_OK;
    case XBJ_NUM_ZERO:
    case XBJ_NUM_INT:
    case XBJ_NUM_FRAC:
    case XBJ_NUM_EXP:
        if (j->depth == 0) {
            /* a top-level number ends with the body */
            xb_status st = xbj_value_end(j, NULL, j->chunk_abs);
            if (st == XB_OK)
                j->state = XBJ_DONE;
            return st;
        }
        break;
    default:
        break;
    }
    return xbj_fail(j, XB_ERR_MALFORMED, "json: unexpected end of body");
}

static const char *json_error_message(const xb_parser *parser)
{
    const xb_json *j = (const xb_json *)parser;
    return j->errmsg;
}

static void json_destroy(xb_parser *parser)
{
    xb_json *j = (xb_json *)parser;
    if (!j)
        return;
    xb_buf_free(&j->path);
    xb_buf_free(&j->keys);
    xb_buf_free(&j->vbuf);
    free(j->voff);
    free(j->levels);
    free(j);
}

const xb_parser_ops xb_json_parser = {
    .name = "json",
    .syntax = XB_SYNTAX_JSON,
    .records_by_path = false,
    .create = json_create,
    .feed = json_feed,
    .finish = json_finish,
    .error_message = json_error_message,
    .destroy = json_destroy,
};
