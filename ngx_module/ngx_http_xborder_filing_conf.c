
/*
 * ngx_http_xborder_filing_conf.c - the filing directives (http level):
 *
 *   xborder_spool dir;                      enables filing
 *   xborder_spool_fail closed | open;
 *   xborder_spool_thread_pool name;
 *   xborder_redis address;                  IP:port, [IPv6]:port, unix:path
 *   xborder_redis_auth [user] password;
 *   xborder_redis_prefix prefix;
 *   xborder_redis_connect_timeout time;
 *   xborder_redis_timeout time;
 *   xborder_node_id name;
 *   xborder_signing_key file;
 *   xborder_checkpoint_every number;
 *   xborder_checkpoint_interval time;
 *   xborder_counter_margin general [sensitive];  counts when Redis is away
 *
 * Everything is checked at configuration time, so that "nginx -t" refuses
 * a spool directory that does not exist, an unreadable signing key or a
 * Redis host name (hiredis would resolve it with a blocking call).
 */


#include "ngx_http_xborder_module.h"

#include <unistd.h>


char *
ngx_http_xborder_filing_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_xborder_main_conf_t *xmcf = conf;

    char                            err[256];
    u_char                         *p, *colon;
    ngx_int_t                       port;
    ngx_str_t                      *value, name;
    ngx_http_xborder_filing_conf_t *fc;

    fc = &xmcf->filing;
    value = cf->args->elts;

    if (ngx_strcmp(cmd->name.data, "xborder_counter_margin") == 0) {

        if (fc->margin_general != NGX_CONF_UNSET_UINT) {
            return "is duplicate";
        }

        port = ngx_atoi(value[1].data, value[1].len);
        if (port == NGX_ERROR) {
            return "takes a number of individuals";
        }

        fc->margin_general = port;
        fc->margin_sensitive = port;

        if (cf->args->nelts == 3) {
            port = ngx_atoi(value[2].data, value[2].len);
            if (port == NGX_ERROR) {
                return "takes a number of individuals";
            }

            fc->margin_sensitive = port;
        }

        return NGX_CONF_OK;
    }

    if (ngx_strcmp(cmd->name.data, "xborder_spool") == 0) {

        if (fc->spool.data) {
            return "is duplicate";
        }

        name = value[1];

        while (name.len > 1 && name.data[name.len - 1] == '/') {
            name.len--;
        }

        if (ngx_conf_full_name(cf->cycle, &name, 0) != NGX_OK) {
            return NGX_CONF_ERROR;
        }

        fc->spool.data = ngx_pnalloc(cf->pool, name.len + 1);
        if (fc->spool.data == NULL) {
            return NGX_CONF_ERROR;
        }

        ngx_memcpy(fc->spool.data, name.data, name.len);
        fc->spool.data[name.len] = '\0';
        fc->spool.len = name.len;

        if (access((char *) fc->spool.data, W_OK|X_OK) == -1) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                               "xborder_spool: \"%s\" is not a writable "
                               "directory", fc->spool.data);
            return NGX_CONF_ERROR;
        }

        fc->enabled = 1;

        return NGX_CONF_OK;
    }

    if (ngx_strcmp(cmd->name.data, "xborder_redis") == 0) {

        if (fc->redis.data) {
            return "is duplicate";
        }

        fc->redis = value[1];

        if (value[1].len > 5 && ngx_strncmp(value[1].data, "unix:", 5) == 0)
        {
            return NGX_CONF_OK;
        }

        p = value[1].data;

        if (p[0] == '[') {
            colon = ngx_strlchr(p, p + value[1].len, ']');

            if (colon == NULL || colon + 1 == p + value[1].len
                || colon[1] != ':')
            {
                goto invalid;
            }

            fc->redis_host.data = p + 1;
            fc->redis_host.len = colon - p - 1;
            colon++;

        } else {
            colon = ngx_strlchr(p, p + value[1].len, ':');

            if (colon == NULL) {
                goto invalid;
            }

            fc->redis_host.data = p;
            fc->redis_host.len = colon - p;
        }

        port = ngx_atoi(colon + 1, p + value[1].len - colon - 1);

        if (port < 1 || port > 65535) {
            goto invalid;
        }

        fc->redis_port = port;

        if (ngx_inet_addr(fc->redis_host.data, fc->redis_host.len)
            == INADDR_NONE
#if (NGX_HAVE_INET6)
            && ngx_inet6_addr(fc->redis_host.data, fc->redis_host.len,
                              (u_char *) err) != NGX_OK
#endif
            )
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "xborder_redis: \"%V\" is not an IP address "
                               "(host names would be resolved with a "
                               "blocking call); use an IP or unix:/path",
                               &fc->redis_host);
            return NGX_CONF_ERROR;
        }

        /* NUL-terminate the host for hiredis */

        p = ngx_pnalloc(cf->pool, fc->redis_host.len + 1);
        if (p == NULL) {
            return NGX_CONF_ERROR;
        }

        ngx_memcpy(p, fc->redis_host.data, fc->redis_host.len);
        p[fc->redis_host.len] = '\0';
        fc->redis_host.data = p;

        return NGX_CONF_OK;
    }

    if (ngx_strcmp(cmd->name.data, "xborder_redis_auth") == 0) {

        if (cf->args->nelts == 3) {
            fc->redis_user = value[1];
            fc->redis_password = value[2];

        } else {
            fc->redis_password = value[1];
        }

        return NGX_CONF_OK;
    }

    if (ngx_strcmp(cmd->name.data, "xborder_signing_key") == 0) {

        if (fc->signing_key) {
            return "is duplicate";
        }

        name = value[1];

        if (ngx_conf_full_name(cf->cycle, &name, 1) != NGX_OK) {
            return NGX_CONF_ERROR;
        }

        fc->signing_key = xb_key_load_private((char *) name.data, err,
                                              sizeof(err));
        if (fc->signing_key == NULL) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "xborder_signing_key: \"%V\": %s", &name, err);
            return NGX_CONF_ERROR;
        }

        xb_key_id(fc->signing_key, fc->key_id);

        return NGX_CONF_OK;
    }

#if (NGX_THREADS)
    if (ngx_strcmp(cmd->name.data, "xborder_spool_thread_pool") == 0) {

        if (fc->thread_pool) {
            return "is duplicate";
        }

        fc->thread_pool = ngx_thread_pool_add(cf, &value[1]);
        if (fc->thread_pool == NULL) {
            return NGX_CONF_ERROR;
        }

        return NGX_CONF_OK;
    }
#endif

    return "is not a filing directive";

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "xborder_redis: invalid address \"%V\", expected "
                       "IP:port, [IPv6]:port or unix:/path", &value[1]);
    return NGX_CONF_ERROR;
}


static char *
ngx_http_xborder_filing_cstr(ngx_conf_t *cf, ngx_str_t *s)
{
    u_char  *p;

    p = ngx_pnalloc(cf->pool, s->len + 1);
    if (p == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memcpy(p, s->data, s->len);
    p[s->len] = '\0';
    s->data = p;

    return NGX_CONF_OK;
}


/* defaults and cross-checks, after the http block was read */
char *
ngx_http_xborder_filing_merge(ngx_conf_t *cf,
    ngx_http_xborder_main_conf_t *xmcf)
{
    u_char                          *host;
    ngx_http_xborder_filing_conf_t  *fc;

    fc = &xmcf->filing;

    ngx_conf_init_msec_value(fc->connect_timeout, 1000);
    ngx_conf_init_msec_value(fc->timeout, 1000);
    ngx_conf_init_msec_value(fc->checkpoint_interval, 60000);
    ngx_conf_init_uint_value(fc->checkpoint_every, 1000);
    ngx_conf_init_uint_value(fc->margin_general, 1000);
    ngx_conf_init_uint_value(fc->margin_sensitive, fc->margin_general);
    ngx_conf_init_value(fc->spool_fail_open, 0);

    fc->replay_interval = 2000;

    if (fc->redis.len && !fc->enabled) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                      "\"xborder_redis\" is set but \"xborder_spool\" is "
                      "not: records must have somewhere to go while Redis "
                      "is unavailable");
        return NGX_CONF_ERROR;
    }

    if (fc->prefix.data == NULL) {
        ngx_str_set(&fc->prefix, XB_FILING_DEFAULT_PREFIX);
    }

    if (fc->node.data == NULL) {
        host = ngx_pnalloc(cf->pool, NGX_MAXHOSTNAMELEN);
        if (host == NULL) {
            return NGX_CONF_ERROR;
        }

        if (gethostname((char *) host, NGX_MAXHOSTNAMELEN) == -1) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, ngx_errno,
                          "gethostname() failed; set \"xborder_node_id\"");
            return NGX_CONF_ERROR;
        }

        host[NGX_MAXHOSTNAMELEN - 1] = '\0';
        fc->node.data = host;
        fc->node.len = ngx_strlen(host);
    }

    if (ngx_strlchr(fc->node.data, fc->node.data + fc->node.len, '/')) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                      "xborder_node_id \"%V\" must not contain \"/\"",
                      &fc->node);
        return NGX_CONF_ERROR;
    }

    if (ngx_http_xborder_filing_cstr(cf, &fc->prefix) != NGX_CONF_OK
        || ngx_http_xborder_filing_cstr(cf, &fc->node) != NGX_CONF_OK
        || ngx_http_xborder_filing_cstr(cf, &fc->redis_user) != NGX_CONF_OK
        || ngx_http_xborder_filing_cstr(cf, &fc->redis_password)
           != NGX_CONF_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (!fc->enabled) {
        return NGX_CONF_OK;
    }

#if (NGX_THREADS)
    if (fc->thread_pool == NULL) {
        fc->thread_pool = ngx_thread_pool_add(cf, NULL);
        if (fc->thread_pool == NULL) {
            return NGX_CONF_ERROR;
        }
    }
#else
    ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                  "\"xborder_spool\" needs nginx built with threads");
    return NGX_CONF_ERROR;
#endif

    return NGX_CONF_OK;
}
