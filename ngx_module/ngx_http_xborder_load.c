
/*
 * ngx_http_xborder_load.c - configuration-time loading of what the library
 * needs: rule catalogs compiled into a scanning engine (xborder_rules), the
 * export policy (xborder_policy) and the watermark key
 * (xborder_watermark_key).
 *
 * Everything is loaded in the master process while the configuration is
 * read, so a bad catalog or policy fails `nginx -t` and `nginx -s reload`
 * with the library's file:line diagnostics, prefixed with the directive that
 * loaded the file. Workers inherit the loaded objects after fork; they are
 * freed by a cleanup of the configuration cycle's pool. Locations naming the
 * same files share one copy.
 */


#include "ngx_http_xborder_module.h"


#define NGX_HTTP_XBORDER_MAX_KEY  1024


static void ngx_http_xborder_log_diags(ngx_conf_t *cf, const char *directive,
    xb_diags *diags);
static void ngx_http_xborder_rules_cleanup(void *data);
static void ngx_http_xborder_policy_cleanup(void *data);
static void ngx_http_xborder_key_cleanup(void *data);


static void
ngx_http_xborder_log_diags(ngx_conf_t *cf, const char *directive,
    xb_diags *diags)
{
    size_t    i;
    xb_diag  *d;

    for (i = 0; i < diags->n; i++) {
        d = &diags->items[i];

        if (d->line) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "%s: %s:%uz: %s",
                               directive, d->file ? d->file : "-", d->line,
                               d->message ? d->message : "error");

        } else {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "%s: %s: %s",
                               directive, d->file ? d->file : "-",
                               d->message ? d->message : "error");
        }
    }
}


char *
ngx_http_xborder_rules(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_xborder_loc_conf_t *xlcf = conf;

    u_char                         *p;
    size_t                          len;
    xb_diags                        diags;
    ngx_str_t                      *value, key;
    ngx_uint_t                      i, n;
    xb_status                       st;
    const char                    **paths;
    ngx_pool_cleanup_t             *cln;
    ngx_http_xborder_rules_t      **rp, *rules;
    ngx_http_xborder_main_conf_t   *xmcf;

    if (xlcf->rules) {
        return "is duplicate";
    }

    value = cf->args->elts;
    n = cf->args->nelts - 1;

    paths = ngx_pcalloc(cf->pool, (n + 1) * sizeof(char *));
    if (paths == NULL) {
        return NGX_CONF_ERROR;
    }

    len = 0;

    for (i = 0; i < n; i++) {
        if (ngx_conf_full_name(cf->cycle, &value[i + 1], 1) != NGX_OK) {
            return NGX_CONF_ERROR;
        }

        len += value[i + 1].len + 1;
    }

    key.data = ngx_pnalloc(cf->pool, len);
    if (key.data == NULL) {
        return NGX_CONF_ERROR;
    }

    p = key.data;

    for (i = 0; i < n; i++) {
        paths[i] = (const char *) p;
        p = ngx_cpymem(p, value[i + 1].data, value[i + 1].len);
        *p++ = '\0';
    }

    key.len = len;

    xmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_xborder_module);

    rp = xmcf->rules.elts;

    for (i = 0; i < xmcf->rules.nelts; i++) {
        if (rp[i]->key.len == key.len
            && ngx_memcmp(rp[i]->key.data, key.data, key.len) == 0)
        {
            xlcf->rules = rp[i];
            return NGX_CONF_OK;
        }
    }

    rules = ngx_pcalloc(cf->pool, sizeof(ngx_http_xborder_rules_t));
    if (rules == NULL) {
        return NGX_CONF_ERROR;
    }

    rules->key = key;

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NGX_CONF_ERROR;
    }

    cln->handler = ngx_http_xborder_rules_cleanup;
    cln->data = rules;

    ngx_memzero(&diags, sizeof(xb_diags));

    st = xb_catalog_set_load(paths, n, &rules->set, &diags);

    if (st != XB_OK || rules->set == NULL) {
        ngx_http_xborder_log_diags(cf, "xborder_rules", &diags);

        if (diags.n == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "xborder_rules: loading failed: %s",
                               xb_status_name(st));
        }

        xb_diags_free(&diags);
        rules->set = NULL;
        return NGX_CONF_ERROR;
    }

    rules->engine = xb_engine_build(rules->set, NULL, &diags);

    if (rules->engine == NULL) {
        ngx_http_xborder_log_diags(cf, "xborder_rules", &diags);

        if (diags.n == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "xborder_rules: building the engine failed");
        }

        xb_diags_free(&diags);
        return NGX_CONF_ERROR;
    }

    xb_diags_free(&diags);

    rules->version = xb_catalog_set_version(rules->set);
    if (rules->version == NULL) {
        return NGX_CONF_ERROR;
    }

    rp = ngx_array_push(&xmcf->rules);
    if (rp == NULL) {
        return NGX_CONF_ERROR;
    }

    *rp = rules;
    xlcf->rules = rules;

    return NGX_CONF_OK;
}


static void
ngx_http_xborder_rules_cleanup(void *data)
{
    ngx_http_xborder_rules_t  *rules = data;

    if (rules->version) {
        free(rules->version);
        rules->version = NULL;
    }

    if (rules->engine) {
        xb_engine_free(rules->engine);
        rules->engine = NULL;
    }

    if (rules->set) {
        xb_catalog_set_free(rules->set);
        rules->set = NULL;
    }
}


char *
ngx_http_xborder_policy(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_xborder_loc_conf_t *xlcf = conf;

    xb_diags                        diags;
    ngx_str_t                      *value, path;
    ngx_uint_t                      i;
    ngx_pool_cleanup_t             *cln;
    ngx_http_xborder_policy_t     **pp, *policy;
    ngx_http_xborder_main_conf_t   *xmcf;

    if (xlcf->policy) {
        return "is duplicate";
    }

    value = cf->args->elts;
    path = value[1];

    if (ngx_conf_full_name(cf->cycle, &path, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    xmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_xborder_module);

    pp = xmcf->policies.elts;

    for (i = 0; i < xmcf->policies.nelts; i++) {
        if (pp[i]->path.len == path.len
            && ngx_strncmp(pp[i]->path.data, path.data, path.len) == 0)
        {
            xlcf->policy = pp[i];
            return NGX_CONF_OK;
        }
    }

    policy = ngx_pcalloc(cf->pool, sizeof(ngx_http_xborder_policy_t));
    if (policy == NULL) {
        return NGX_CONF_ERROR;
    }

    policy->path = path;    /* ngx_conf_full_name() NUL-terminates */

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NGX_CONF_ERROR;
    }

    cln->handler = ngx_http_xborder_policy_cleanup;
    cln->data = policy;

    ngx_memzero(&diags, sizeof(xb_diags));

    policy->policy = xb_policy_load((const char *) path.data, &diags);

    if (policy->policy == NULL) {
        ngx_http_xborder_log_diags(cf, "xborder_policy", &diags);

        if (diags.n == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "xborder_policy: loading \"%V\" failed",
                               &path);
        }

        xb_diags_free(&diags);
        return NGX_CONF_ERROR;
    }

    xb_diags_free(&diags);

    pp = ngx_array_push(&xmcf->policies);
    if (pp == NULL) {
        return NGX_CONF_ERROR;
    }

    *pp = policy;
    xlcf->policy = policy;

    return NGX_CONF_OK;
}


static void
ngx_http_xborder_policy_cleanup(void *data)
{
    ngx_http_xborder_policy_t  *policy = data;

    if (policy->policy) {
        xb_policy_free(policy->policy);
        policy->policy = NULL;
    }
}


/* cross-check a policy against the catalogs of a location, once per pair */
ngx_int_t
ngx_http_xborder_check_pair(ngx_conf_t *cf, ngx_http_xborder_loc_conf_t *xlcf)
{
    size_t                         i, problems;
    void                         **pair;
    xb_diag                       *d;
    xb_diags                       diags;
    ngx_http_xborder_main_conf_t  *xmcf;

    xmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_xborder_module);

    pair = xmcf->checked.elts;

    for (i = 0; i + 1 < xmcf->checked.nelts; i += 2) {
        if (pair[i] == xlcf->rules && pair[i + 1] == xlcf->policy) {
            return NGX_OK;
        }
    }

    ngx_memzero(&diags, sizeof(xb_diags));

    problems = xb_policy_check_catalogs(xlcf->policy->policy,
                                        xlcf->rules->set, &diags);

    for (i = 0; i < diags.n; i++) {
        d = &diags.items[i];

        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "xborder_policy: %s:%uz: %s (against the catalogs of "
                      "xborder_rules)",
                      d->file ? d->file : (char *) xlcf->policy->path.data,
                      d->line, d->message ? d->message : "error");
    }

    xb_diags_free(&diags);

    if (problems) {
        return NGX_ERROR;
    }

    pair = ngx_array_push_n(&xmcf->checked, 2);
    if (pair == NULL) {
        return NGX_ERROR;
    }

    pair[0] = xlcf->rules;
    pair[1] = xlcf->policy;

    return NGX_OK;
}


char *
ngx_http_xborder_watermark_key(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_xborder_loc_conf_t *xlcf = conf;

    u_char              *buf;
    ssize_t              n;
    ngx_fd_t             fd;
    xb_wm_key           *key;
    ngx_str_t           *value, path;
    ngx_file_info_t      fi;
    ngx_pool_cleanup_t  *cln;

    if (xlcf->watermark) {
        return "is duplicate";
    }

    value = cf->args->elts;
    path = value[1];

    if (ngx_conf_full_name(cf->cycle, &path, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    fd = ngx_open_file(path.data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);

    if (fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "xborder_watermark_key: "
                           ngx_open_file_n " \"%V\" failed", &path);
        return NGX_CONF_ERROR;
    }

    buf = NULL;
    n = -1;

    if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "xborder_watermark_key: "
                           ngx_fd_info_n " \"%V\" failed", &path);
        goto close;
    }

    if (ngx_file_size(&fi) > NGX_HTTP_XBORDER_MAX_KEY) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "xborder_watermark_key: \"%V\" is larger than "
                           "%d bytes", &path, NGX_HTTP_XBORDER_MAX_KEY);
        goto close;
    }

    buf = ngx_pnalloc(cf->pool, NGX_HTTP_XBORDER_MAX_KEY + 1);
    if (buf == NULL) {
        goto close;
    }

    n = ngx_read_fd(fd, buf, NGX_HTTP_XBORDER_MAX_KEY + 1);

    if (n == -1) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "xborder_watermark_key: "
                           ngx_read_fd_n " \"%V\" failed", &path);
    }

close:

    if (ngx_close_file(fd) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_ALERT, cf, ngx_errno,
                           ngx_close_file_n " \"%V\" failed", &path);
    }

    if (buf == NULL || n == -1) {
        return NGX_CONF_ERROR;
    }

    /* a key file written by an editor or echo ends with a newline */

    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'
                     || buf[n - 1] == ' ' || buf[n - 1] == '\t'))
    {
        n--;
    }

    if (n < XB_WM_MIN_KEY_LEN) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "xborder_watermark_key: \"%V\" holds %z bytes, "
                           "at least %d are needed", &path, n,
                           XB_WM_MIN_KEY_LEN);
        ngx_explicit_memzero(buf, NGX_HTTP_XBORDER_MAX_KEY + 1);
        return NGX_CONF_ERROR;
    }

    key = ngx_pcalloc(cf->pool, sizeof(xb_wm_key));
    if (key == NULL) {
        return NGX_CONF_ERROR;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NGX_CONF_ERROR;
    }

    cln->handler = ngx_http_xborder_key_cleanup;
    cln->data = key;

    if (xb_wm_key_init(key, buf, n) != XB_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "xborder_watermark_key: deriving keys from \"%V\" "
                           "failed", &path);
        ngx_explicit_memzero(buf, NGX_HTTP_XBORDER_MAX_KEY + 1);
        return NGX_CONF_ERROR;
    }

    /* only the derived keys are kept */
    ngx_explicit_memzero(buf, NGX_HTTP_XBORDER_MAX_KEY + 1);

    xlcf->watermark = key;

    return NGX_CONF_OK;
}


static void
ngx_http_xborder_key_cleanup(void *data)
{
    xb_wm_key  *key = data;

    xb_wm_key_clear(key);
}
