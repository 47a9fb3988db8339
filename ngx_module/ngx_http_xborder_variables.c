
/*
 * ngx_http_xborder_variables.c - the $xborder_* variables, for log_format,
 * proxy_set_header and friends:
 *
 *   $xborder_transfer_id   16 hex digits of the last transfer inspected
 *   $xborder_decision      allow | watermark | mask | block (what the policy
 *                          decided, also in monitor mode), or pass | error
 *                          when the body was let through undecided or the
 *                          gateway failed closed
 *   $xborder_route         none | exempt | scc-or-cert | assessment |
 *                          prohibited
 *   $xborder_categories    catalog entries found, comma separated
 *   $xborder_subjects      individuals in the transfer as it left:
 *                          "general:N,sensitive:M"
 *
 * With xborder_inspect both, they describe the response once it was
 * inspected, the request before that. Unset values are "not found" (a
 * dash in access logs).
 */


#include "ngx_http_xborder_module.h"


static ngx_int_t ngx_http_xborder_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);


#define NGX_HTTP_XBORDER_VAR_ID          0
#define NGX_HTTP_XBORDER_VAR_DECISION    1
#define NGX_HTTP_XBORDER_VAR_ROUTE       2
#define NGX_HTTP_XBORDER_VAR_CATEGORIES  3
#define NGX_HTTP_XBORDER_VAR_SUBJECTS    4


static ngx_http_variable_t  ngx_http_xborder_vars[] = {

    { ngx_string("xborder_transfer_id"), NULL, ngx_http_xborder_variable,
      NGX_HTTP_XBORDER_VAR_ID, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("xborder_decision"), NULL, ngx_http_xborder_variable,
      NGX_HTTP_XBORDER_VAR_DECISION, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("xborder_route"), NULL, ngx_http_xborder_variable,
      NGX_HTTP_XBORDER_VAR_ROUTE, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("xborder_categories"), NULL, ngx_http_xborder_variable,
      NGX_HTTP_XBORDER_VAR_CATEGORIES, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("xborder_subjects"), NULL, ngx_http_xborder_variable,
      NGX_HTTP_XBORDER_VAR_SUBJECTS, NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


static const char  *ngx_http_xborder_outcome_names[] = {
    "allow", "watermark", "mask", "block", "pass", "error"
};


ngx_int_t
ngx_http_xborder_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_http_xborder_vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_xborder_categories(ngx_http_request_t *r,
    ngx_http_xborder_transfer_t *t)
{
    u_char                *p;
    size_t                 i, j, len;
    const xb_entry        *e;
    const xb_scan_result  *res;

    if (t->categories.data || t->scan == NULL || !t->finished) {
        return NGX_OK;
    }

    res = xb_scan_get_result(t->scan);

    len = 0;

    for (i = 0; i < res->n_findings; i++) {
        len += ngx_strlen(res->findings[i].entry->id) + 1;
    }

    p = ngx_pnalloc(r->pool, len ? len : 1);
    if (p == NULL) {
        return NGX_ERROR;
    }

    t->categories.data = p;

    /* distinct entries in the order first found */

    for (i = 0; i < res->n_findings; i++) {
        e = res->findings[i].entry;

        for (j = 0; j < i; j++) {
            if (res->findings[j].entry == e) {
                break;
            }
        }

        if (j < i) {
            continue;
        }

        if (p != t->categories.data) {
            *p++ = ',';
        }

        p = ngx_cpymem(p, e->id, ngx_strlen(e->id));
    }

    t->categories.len = p - t->categories.data;

    return NGX_OK;
}


static ngx_int_t
ngx_http_xborder_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    u_char                       *p;
    const char                   *s;
    ngx_http_xborder_ctx_t       *ctx;
    ngx_http_xborder_transfer_t  *t;

    ctx = ngx_http_xborder_get_ctx(r->main);

    if (ctx == NULL || ctx->last == NULL || !ctx->last->started) {
        v->not_found = 1;
        return NGX_OK;
    }

    t = ctx->last;
    s = NULL;

    switch (data) {

    case NGX_HTTP_XBORDER_VAR_ID:
        v->data = t->id;
        v->len = NGX_HTTP_XBORDER_ID_LEN;
        break;

    case NGX_HTTP_XBORDER_VAR_DECISION:
        if (t->counted) {
            s = ngx_http_xborder_outcome_names[t->outcome];

        } else if (t->decided) {
            s = xb_outcome_name(t->decision.outcome);
        }

        break;

    case NGX_HTTP_XBORDER_VAR_ROUTE:
        if (t->decided) {
            s = xb_decision_route_name(t->decision.route);
        }

        break;

    case NGX_HTTP_XBORDER_VAR_CATEGORIES:
        if (ngx_http_xborder_categories(r, t) != NGX_OK) {
            return NGX_ERROR;
        }

        if (t->categories.data == NULL) {
            v->not_found = 1;
            return NGX_OK;
        }

        v->data = t->categories.data;
        v->len = t->categories.len;
        break;

    default: /* NGX_HTTP_XBORDER_VAR_SUBJECTS */
        if (!t->decided) {
            v->not_found = 1;
            return NGX_OK;
        }

        p = ngx_pnalloc(r->pool, sizeof("general:,sensitive:")
                                 + 2 * NGX_INT64_LEN);
        if (p == NULL) {
            return NGX_ERROR;
        }

        v->data = p;
        v->len = ngx_sprintf(p, "general:%uL,sensitive:%uL",
                             t->decision.subjects.general,
                             t->decision.subjects.sensitive)
                 - p;
        break;
    }

    if (data == NGX_HTTP_XBORDER_VAR_DECISION
        || data == NGX_HTTP_XBORDER_VAR_ROUTE)
    {
        if (s == NULL) {
            v->not_found = 1;
            return NGX_OK;
        }

        v->data = (u_char *) s;
        v->len = ngx_strlen(s);
    }

    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;

    return NGX_OK;
}
