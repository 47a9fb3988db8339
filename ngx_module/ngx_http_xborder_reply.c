
/*
 * ngx_http_xborder_reply.c - the JSON answer to a transfer that is not let
 * through: 451 "Unavailable For Legal Reasons" (or 403, xborder_block_status)
 * for a blocked transfer, 403 for an unknown exporter, 503 when the gateway
 * cannot inspect or count and therefore fails closed.
 *
 * The body is
 *   {"error":"<code>","transfer_id":"<16 hex>", ...decision...}
 * where the decision part is the library's xb_decision_to_json() (route,
 * reasons[] with entry, category, path and article, message_zh,
 * message_en, ...). Without a decision (oversize body, unknown exporter,
 * internal failure) the module writes the same fields itself.
 *
 * nginx 1.22 knows no reason phrase for 451, so the status line is set
 * explicitly. The request body has been read completely (or is discarded),
 * so the connection stays usable for keepalive.
 */


#include "ngx_http_xborder_module.h"


typedef struct {
    const char  *error;
    const char  *message_zh;
    const char  *message_en;
} ngx_http_xborder_error_text_t;


static ngx_http_xborder_error_text_t  ngx_http_xborder_errors[] = {

    { "oversize",
      "传输内容超过网关检查上限，未经检查不得出境，已被拦截。",
      "The transfer is larger than the gateway inspects; "
      "it may not leave uninspected and was blocked." },

    { "unknown_exporter",
      "无法识别数据处理者（出口方），传输已被拦截。",
      "The exporter could not be identified; the transfer was blocked." },

    { "inspection_failed",
      "网关无法完成检查，传输已被拦截，请稍后重试。",
      "The gateway could not complete the inspection; the transfer was "
      "blocked. Please retry later." },

    { "counter_unavailable",
      "网关无法记录出境个人信息数量，传输已被拦截，请稍后重试。",
      "The gateway could not count the individuals of this transfer; "
      "the transfer was blocked. Please retry later." },

    { "cannot_mask",
      "传输须经去标识化处理后方可出境，但部分数据无法在原位处理，已被拦截。",
      "The transfer must be masked before it leaves, but some values cannot "
      "be rewritten in place; it was blocked." },

    { "filing_unavailable",
      "网关无法为本次出境传输存证（记录无法写入 Redis 或本地缓存），"
      "传输已被拦截，请稍后重试。",
      "The gateway could not file the record of this transfer (neither "
      "Redis nor the local spool accepted it); the transfer was blocked. "
      "Please retry later." },

    { NULL, NULL, NULL }
};


static ngx_str_t  ngx_http_xborder_451 =
    ngx_string("451 Unavailable For Legal Reasons");


static u_char *
ngx_http_xborder_json_str(u_char *p, const char *s)
{
    size_t  len;

    len = ngx_strlen(s);

    *p++ = '"';
    p = (u_char *) ngx_escape_json(p, (u_char *) s, len);
    *p++ = '"';

    return p;
}


static size_t
ngx_http_xborder_json_len(const char *s)
{
    size_t  len;

    len = ngx_strlen(s);

    return 2 + len + ngx_escape_json(NULL, (u_char *) s, len);
}


ngx_int_t
ngx_http_xborder_block_body(ngx_http_request_t *r,
    ngx_http_xborder_transfer_t *t, const char *error, ngx_buf_t **out)
{
    u_char                         *p;
    size_t                          len;
    xb_buf                          json = XB_BUF_INIT;
    ngx_buf_t                      *b;
    const xb_scan_result           *res;
    ngx_http_xborder_error_text_t  *e;

    static const char  head[] = "{\"error\":";
    static const char  tid[] = ",\"transfer_id\":\"";

    if (t->decided) {
        res = xb_scan_get_result(t->scan);

        if (xb_decision_to_json(&t->decision, res->findings, res->n_findings,
                                &json)
            != XB_OK
            || json.len < 2)
        {
            xb_buf_free(&json);
            return NGX_ERROR;
        }

        len = sizeof(head) - 1 + ngx_http_xborder_json_len(error)
              + sizeof(tid) - 1 + NGX_HTTP_XBORDER_ID_LEN + 2
              + json.len - 1 + 1;

        b = ngx_create_temp_buf(r->pool, len);
        if (b == NULL) {
            xb_buf_free(&json);
            return NGX_ERROR;
        }

        p = ngx_cpymem(b->last, head, sizeof(head) - 1);
        p = ngx_http_xborder_json_str(p, error);
        p = ngx_cpymem(p, tid, sizeof(tid) - 1);
        p = ngx_cpymem(p, t->id, NGX_HTTP_XBORDER_ID_LEN);
        *p++ = '"';
        *p++ = ',';

        /* the decision object without its opening brace */
        p = ngx_cpymem(p, json.data + 1, json.len - 1);
        *p++ = '\n';

        b->last = p;

        xb_buf_free(&json);

        *out = b;
        return NGX_OK;
    }

    for (e = ngx_http_xborder_errors; e->error; e++) {
        if (ngx_strcmp(e->error, error) == 0) {
            break;
        }
    }

    if (e->error == NULL) {
        e = &ngx_http_xborder_errors[2];
    }

    len = sizeof("{\"error\":,\"transfer_id\":\"\",\"route\":\"unknown\","
                 "\"reasons\":[{\"kind\":\"uninspected\",\"entry\":null,"
                 "\"category\":null,\"path\":null,\"article\":null,"
                 "\"note\":}],\"message_zh\":,\"message_en\":}\n")
          + ngx_http_xborder_json_len(error) + NGX_HTTP_XBORDER_ID_LEN
          + 2 * ngx_http_xborder_json_len(e->message_en)
          + ngx_http_xborder_json_len(e->message_zh);

    b = ngx_create_temp_buf(r->pool, len);
    if (b == NULL) {
        return NGX_ERROR;
    }

    p = ngx_cpymem(b->last, head, sizeof(head) - 1);
    p = ngx_http_xborder_json_str(p, error);
    p = ngx_cpymem(p, tid, sizeof(tid) - 1);
    p = ngx_cpymem(p, t->id, NGX_HTTP_XBORDER_ID_LEN);
    p = ngx_cpymem(p, "\",\"route\":\"unknown\",\"reasons\":[{\"kind\":"
                      "\"uninspected\",\"entry\":null,\"category\":null,"
                      "\"path\":null,\"article\":null,\"note\":",
                   sizeof("\",\"route\":\"unknown\",\"reasons\":[{\"kind\":"
                          "\"uninspected\",\"entry\":null,\"category\":null,"
                          "\"path\":null,\"article\":null,\"note\":") - 1);
    p = ngx_http_xborder_json_str(p, e->message_en);
    p = ngx_cpymem(p, "}],\"message_zh\":", sizeof("}],\"message_zh\":") - 1);
    p = ngx_http_xborder_json_str(p, e->message_zh);
    p = ngx_cpymem(p, ",\"message_en\":", sizeof(",\"message_en\":") - 1);
    p = ngx_http_xborder_json_str(p, e->message_en);
    *p++ = '}';
    *p++ = '\n';

    b->last = p;

    *out = b;
    return NGX_OK;
}


/* replace whatever response headers there were by those of our answer */
ngx_int_t
ngx_http_xborder_set_block_headers(ngx_http_request_t *r, ngx_uint_t status,
    off_t length)
{
    ngx_http_headers_out_t  *h;

    h = &r->headers_out;

    if (ngx_list_init(&h->headers, r->pool, 4, sizeof(ngx_table_elt_t))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    h->server = NULL;
    h->date = NULL;
    h->content_length = NULL;
    h->content_encoding = NULL;
    h->location = NULL;
    h->refresh = NULL;
    h->last_modified = NULL;
    h->content_range = NULL;
    h->accept_ranges = NULL;
    h->www_authenticate = NULL;
    h->expires = NULL;
    h->etag = NULL;
    h->override_charset = NULL;
    h->cache_control.nelts = 0;
    h->link.nelts = 0;
    h->last_modified_time = -1;

    h->status = status;

    if (status == 451) {
        h->status_line = ngx_http_xborder_451;

    } else {
        ngx_str_null(&h->status_line);
    }

    ngx_str_set(&h->content_type, "application/json");
    h->content_type_len = h->content_type.len;
    ngx_str_set(&h->charset, "utf-8");
    h->content_type_lowcase = NULL;

    h->content_length_n = length;

    r->allow_ranges = 0;

    return NGX_OK;
}


ngx_int_t
ngx_http_xborder_send_block(ngx_http_request_t *r,
    ngx_http_xborder_transfer_t *t, const char *error, ngx_uint_t status)
{
    ngx_int_t                rc;
    ngx_buf_t               *b;
    ngx_chain_t              out;
    ngx_table_elt_t         *h;
    ngx_http_xborder_ctx_t  *ctx;

    rc = ngx_http_discard_request_body(r);

    if (rc != NGX_OK) {
        return rc;
    }

    ctx = ngx_http_xborder_get_ctx(r);

    if (ctx) {
        /* the response filter must not hold our own answer */
        ctx->response_state = NGX_HTTP_XBORDER_RESP_SKIP;
    }

    if (ngx_http_xborder_block_body(r, t, error, &b) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    if (ngx_http_xborder_set_block_headers(r, status, b->last - b->pos)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "X-Xborder-Transfer-Id");
    h->value.data = t->id;
    h->value.len = NGX_HTTP_XBORDER_ID_LEN;
    h->lowcase_key = NULL;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}
