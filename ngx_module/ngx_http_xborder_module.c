
/*
 * ngx_http_xborder_module.c - the xborder module definition: directives,
 * configuration create/merge, and the installation of the phase handler,
 * the request-body filter and the response filters.
 *
 * Directives are documented in docs/module.md.
 */


#include "ngx_http_xborder_module.h"


static ngx_int_t ngx_http_xborder_preconfiguration(ngx_conf_t *cf);
static ngx_int_t ngx_http_xborder_postconfiguration(ngx_conf_t *cf);
static void *ngx_http_xborder_create_main_conf(ngx_conf_t *cf);
static void *ngx_http_xborder_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_xborder_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static char *ngx_http_xborder_zone(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
#if (NGX_THREADS)
static char *ngx_http_xborder_thread_pool(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
#endif
static char *ngx_http_xborder_block_status(ngx_conf_t *cf, void *post,
    void *data);
static char *ngx_http_xborder_init_main_conf(ngx_conf_t *cf, void *conf);
static ngx_int_t ngx_http_xborder_init_process(ngx_cycle_t *cycle);
static void ngx_http_xborder_exit_process(ngx_cycle_t *cycle);


ngx_http_output_header_filter_pt  ngx_http_xborder_next_header_filter;
ngx_http_output_body_filter_pt    ngx_http_xborder_next_body_filter;
ngx_http_request_body_filter_pt   ngx_http_xborder_next_request_body_filter;


static ngx_conf_enum_t  ngx_http_xborder_mode[] = {
    { ngx_string("enforce"), XB_MODE_ENFORCE },
    { ngx_string("monitor"), XB_MODE_MONITOR },
    { ngx_null_string, 0 }
};


static ngx_conf_enum_t  ngx_http_xborder_inspect[] = {
    { ngx_string("request"), NGX_HTTP_XBORDER_REQUEST },
    { ngx_string("response"), NGX_HTTP_XBORDER_RESPONSE },
    { ngx_string("both"), NGX_HTTP_XBORDER_REQUEST|NGX_HTTP_XBORDER_RESPONSE },
    { ngx_null_string, 0 }
};


static ngx_conf_enum_t  ngx_http_xborder_oversize[] = {
    { ngx_string("block"), NGX_HTTP_XBORDER_BLOCK },
    { ngx_string("pass"), NGX_HTTP_XBORDER_PASS },
    { ngx_null_string, 0 }
};


static ngx_conf_enum_t  ngx_http_xborder_uninspectable[] = {
    { ngx_string("block"), XB_UNINSPECTABLE_BLOCK },
    { ngx_string("pass"), XB_UNINSPECTABLE_PASS },
    { ngx_null_string, 0 }
};


static ngx_conf_enum_t  ngx_http_xborder_spool_fail[] = {
    { ngx_string("closed"), 0 },
    { ngx_string("open"), 1 },
    { ngx_null_string, 0 }
};


static ngx_conf_post_handler_pt  ngx_http_xborder_block_status_p =
    ngx_http_xborder_block_status;


static ngx_command_t  ngx_http_xborder_commands[] = {

    { ngx_string("xborder"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_xborder_loc_conf_t, enable),
      NULL },

    { ngx_string("xborder_rules"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_xborder_rules,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("xborder_policy"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_xborder_policy,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("xborder_exporter"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_set_complex_value_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_xborder_loc_conf_t, exporter),
      NULL },

    { ngx_string("xborder_recipient"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_set_complex_value_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_xborder_loc_conf_t, recipient),
      NULL },

    { ngx_string("xborder_destination_country"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_set_complex_value_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_xborder_loc_conf_t, destination_country),
      NULL },

    { ngx_string("xborder_scenario"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_set_complex_value_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_xborder_loc_conf_t, scenario),
      NULL },

    { ngx_string("xborder_purpose"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_set_complex_value_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_xborder_loc_conf_t, purpose),
      NULL },

    { ngx_string("xborder_mode"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_enum_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_xborder_loc_conf_t, mode),
      &ngx_http_xborder_mode },

    { ngx_string("xborder_inspect"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_enum_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_xborder_loc_conf_t, inspect),
      &ngx_http_xborder_inspect },

    { ngx_string("xborder_max_inspect_size"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_size_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_xborder_loc_conf_t, max_inspect_size),
      NULL },

    { ngx_string("xborder_oversize"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_enum_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_xborder_loc_conf_t, oversize),
      &ngx_http_xborder_oversize },

    { ngx_string("xborder_uninspectable"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_enum_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_xborder_loc_conf_t, uninspectable),
      &ngx_http_xborder_uninspectable },

    { ngx_string("xborder_block_status"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_xborder_loc_conf_t, block_status),
      &ngx_http_xborder_block_status_p },

    { ngx_string("xborder_watermark_key"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_xborder_watermark_key,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("xborder_zone"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_xborder_zone,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

#if (NGX_THREADS)
    { ngx_string("xborder_thread_pool"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_xborder_thread_pool,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },
#endif

    { ngx_string("xborder_spool"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_xborder_filing_directive,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("xborder_spool_fail"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_enum_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_xborder_main_conf_t, filing.spool_fail_open),
      &ngx_http_xborder_spool_fail },

#if (NGX_THREADS)
    { ngx_string("xborder_spool_thread_pool"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_xborder_filing_directive,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },
#endif

    { ngx_string("xborder_redis"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_xborder_filing_directive,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("xborder_redis_auth"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE12,
      ngx_http_xborder_filing_directive,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("xborder_redis_prefix"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_xborder_main_conf_t, filing.prefix),
      NULL },

    { ngx_string("xborder_redis_connect_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_xborder_main_conf_t, filing.connect_timeout),
      NULL },

    { ngx_string("xborder_redis_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_xborder_main_conf_t, filing.timeout),
      NULL },

    { ngx_string("xborder_node_id"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_xborder_main_conf_t, filing.node),
      NULL },

    { ngx_string("xborder_signing_key"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_xborder_filing_directive,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("xborder_checkpoint_every"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_xborder_main_conf_t, filing.checkpoint_every),
      NULL },

    { ngx_string("xborder_counter_margin"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE12,
      ngx_http_xborder_filing_directive,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("xborder_checkpoint_interval"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_xborder_main_conf_t, filing.checkpoint_interval),
      NULL },

    { ngx_string("xborder_status"),
      NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_xborder_status,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_xborder_module_ctx = {
    ngx_http_xborder_preconfiguration,      /* preconfiguration */
    ngx_http_xborder_postconfiguration,     /* postconfiguration */

    ngx_http_xborder_create_main_conf,      /* create main configuration */
    ngx_http_xborder_init_main_conf,        /* init main configuration */

    NULL,                                   /* create server configuration */
    NULL,                                   /* merge server configuration */

    ngx_http_xborder_create_loc_conf,       /* create location configuration */
    ngx_http_xborder_merge_loc_conf         /* merge location configuration */
};


ngx_module_t  ngx_http_xborder_module = {
    NGX_MODULE_V1,
    &ngx_http_xborder_module_ctx,           /* module context */
    ngx_http_xborder_commands,              /* module directives */
    NGX_HTTP_MODULE,                        /* module type */
    NULL,                                   /* init master */
    NULL,                                   /* init module */
    ngx_http_xborder_init_process,          /* init process */
    NULL,                                   /* init thread */
    NULL,                                   /* exit thread */
    ngx_http_xborder_exit_process,          /* exit process */
    NULL,                                   /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_int_t
ngx_http_xborder_preconfiguration(ngx_conf_t *cf)
{
    return ngx_http_xborder_add_variables(cf);
}


static void *
ngx_http_xborder_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_xborder_main_conf_t  *xmcf;

    xmcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_xborder_main_conf_t));
    if (xmcf == NULL) {
        return NULL;
    }

    if (ngx_array_init(&xmcf->rules, cf->pool, 2, sizeof(void *)) != NGX_OK
        || ngx_array_init(&xmcf->policies, cf->pool, 2, sizeof(void *))
           != NGX_OK
        || ngx_array_init(&xmcf->checked, cf->pool, 4, sizeof(void *))
           != NGX_OK)
    {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     xmcf->shm_zone = NULL;
     *     xmcf->used = 0;
     *     xmcf->filing.redis = { 0, NULL };
     *     xmcf->filing.spool = { 0, NULL };
     *     xmcf->filing.signing_key = NULL;
     *     xmcf->filing.enabled = 0;
     */

    xmcf->filing.connect_timeout = NGX_CONF_UNSET_MSEC;
    xmcf->filing.timeout = NGX_CONF_UNSET_MSEC;
    xmcf->filing.checkpoint_interval = NGX_CONF_UNSET_MSEC;
    xmcf->filing.checkpoint_every = NGX_CONF_UNSET_UINT;
    xmcf->filing.margin_general = NGX_CONF_UNSET_UINT;
    xmcf->filing.margin_sensitive = NGX_CONF_UNSET_UINT;
    xmcf->filing.spool_fail_open = NGX_CONF_UNSET;

    return xmcf;
}


static char *
ngx_http_xborder_init_main_conf(ngx_conf_t *cf, void *conf)
{
    return ngx_http_xborder_filing_merge(cf, conf);
}


static ngx_int_t
ngx_http_xborder_init_process(ngx_cycle_t *cycle)
{
    return ngx_http_xborder_filing_init_process(cycle);
}


static void
ngx_http_xborder_exit_process(ngx_cycle_t *cycle)
{
    ngx_http_xborder_filing_exit_process(cycle);
}


static void *
ngx_http_xborder_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_xborder_loc_conf_t  *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_xborder_loc_conf_t));
    if (conf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     conf->rules = NULL;
     *     conf->policy = NULL;
     *     conf->exporter = NULL;
     *     conf->recipient = NULL;
     *     conf->destination_country = NULL;
     *     conf->scenario = NULL;
     *     conf->purpose = NULL;
     *     conf->watermark = NULL;
     *     conf->status = 0;
     */

    conf->enable = NGX_CONF_UNSET;
    conf->mode = NGX_CONF_UNSET_UINT;
    conf->inspect = NGX_CONF_UNSET_UINT;
    conf->max_inspect_size = NGX_CONF_UNSET_SIZE;
    conf->oversize = NGX_CONF_UNSET_UINT;
    conf->uninspectable = NGX_CONF_UNSET_UINT;
    conf->block_status = NGX_CONF_UNSET_UINT;

#if (NGX_THREADS)
    conf->thread_pool = NGX_CONF_UNSET_PTR;
#endif

    return conf;
}


static char *
ngx_http_xborder_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_xborder_loc_conf_t *prev = parent;
    ngx_http_xborder_loc_conf_t *conf = child;

    ngx_http_xborder_main_conf_t  *xmcf;

    ngx_conf_merge_value(conf->enable, prev->enable, 0);

    if (conf->rules == NULL) {
        conf->rules = prev->rules;
    }

    if (conf->policy == NULL) {
        conf->policy = prev->policy;
    }

    if (conf->exporter == NULL) {
        conf->exporter = prev->exporter;
    }

    if (conf->recipient == NULL) {
        conf->recipient = prev->recipient;
    }

    if (conf->destination_country == NULL) {
        conf->destination_country = prev->destination_country;
    }

    if (conf->scenario == NULL) {
        conf->scenario = prev->scenario;
    }

    if (conf->purpose == NULL) {
        conf->purpose = prev->purpose;
    }

    ngx_conf_merge_uint_value(conf->mode, prev->mode, XB_MODE_POLICY);
    ngx_conf_merge_uint_value(conf->inspect, prev->inspect,
                              NGX_HTTP_XBORDER_REQUEST);
    ngx_conf_merge_size_value(conf->max_inspect_size, prev->max_inspect_size,
                              8 * 1024 * 1024);
    ngx_conf_merge_uint_value(conf->oversize, prev->oversize,
                              NGX_HTTP_XBORDER_BLOCK);
    ngx_conf_merge_uint_value(conf->uninspectable, prev->uninspectable,
                              XB_UNINSPECTABLE_POLICY);
    ngx_conf_merge_uint_value(conf->block_status, prev->block_status,
                              451);

    if (conf->watermark == NULL) {
        conf->watermark = prev->watermark;
    }

    if (!conf->enable) {
#if (NGX_THREADS)
        ngx_conf_merge_ptr_value(conf->thread_pool, prev->thread_pool, NULL);
#endif
        return NGX_CONF_OK;
    }

    if (conf->rules == NULL) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "\"xborder\" is on but \"xborder_rules\" is not set");
        return NGX_CONF_ERROR;
    }

    if (conf->policy == NULL) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "\"xborder\" is on but \"xborder_policy\" is not set");
        return NGX_CONF_ERROR;
    }

#if (NGX_THREADS)
    ngx_conf_merge_ptr_value(conf->thread_pool, prev->thread_pool, NULL);

    if (conf->thread_pool == NULL) {
        conf->thread_pool = ngx_thread_pool_add(cf, NULL);
        if (conf->thread_pool == NULL) {
            return NGX_CONF_ERROR;
        }
    }
#endif

    if (ngx_http_xborder_check_pair(cf, conf) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (conf->watermark == NULL
        && ngx_http_xborder_policy_watermarks(conf->policy->policy))
    {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "the policy \"%V\" watermarks transfers but "
                      "\"xborder_watermark_key\" is not set",
                      &conf->policy->path);
        return NGX_CONF_ERROR;
    }

    xmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_xborder_module);
    xmcf->used = 1;

    return NGX_CONF_OK;
}


static char *
ngx_http_xborder_block_status(ngx_conf_t *cf, void *post, void *data)
{
    ngx_uint_t  *np = data;

    if (*np != 451 && *np != 403) {
        return "must be 451 or 403";
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_xborder_zone(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_xborder_main_conf_t *xmcf = conf;

    u_char     *p;
    ssize_t     size;
    ngx_str_t  *value, name, s;

    if (xmcf->shm_zone) {
        return "is duplicate";
    }

    value = cf->args->elts;

    p = (u_char *) ngx_strchr(value[1].data, ':');

    if (p == NULL || p == value[1].data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid zone \"%V\", expected name:size",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    name.data = value[1].data;
    name.len = p - value[1].data;

    s.data = p + 1;
    s.len = value[1].data + value[1].len - s.data;

    size = ngx_parse_size(&s);

    if (size == NGX_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid zone size \"%V\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    if (size < (ssize_t) (8 * ngx_pagesize
                          + sizeof(ngx_http_xborder_shctx_t)))
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "zone \"%V\" is too small", &value[1]);
        return NGX_CONF_ERROR;
    }

    xmcf->shm_zone = ngx_http_xborder_add_zone(cf, &name, size);
    if (xmcf->shm_zone == NULL) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


#if (NGX_THREADS)

static char *
ngx_http_xborder_thread_pool(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_xborder_loc_conf_t *xlcf = conf;

    ngx_str_t  *value;

    if (xlcf->thread_pool != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    xlcf->thread_pool = ngx_thread_pool_add(cf, &value[1]);
    if (xlcf->thread_pool == NULL) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}

#endif


static ngx_int_t
ngx_http_xborder_postconfiguration(ngx_conf_t *cf)
{
    ngx_str_t                      name;
    ngx_http_handler_pt           *h;
    ngx_http_core_main_conf_t     *cmcf;
    ngx_http_xborder_main_conf_t  *xmcf;

    xmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_xborder_module);

    if (xmcf->shm_zone == NULL) {

        /* xborder_status needs the zone even where nothing is inspected */

        ngx_str_set(&name, "xborder");

        xmcf->shm_zone = ngx_http_xborder_add_zone(cf, &name,
                                        NGX_HTTP_XBORDER_DEFAULT_ZONE_SIZE);
        if (xmcf->shm_zone == NULL) {
            return NGX_ERROR;
        }
    }

    ngx_http_xborder_counter_init(&xmcf->counter, xmcf->shm_zone);

    if (!xmcf->used) {
        return NGX_OK;
    }

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_PREACCESS_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_xborder_access_handler;

    ngx_http_xborder_next_request_body_filter =
                                              ngx_http_top_request_body_filter;
    ngx_http_top_request_body_filter = ngx_http_xborder_request_body_filter;

    ngx_http_xborder_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_xborder_header_filter;

    ngx_http_xborder_next_body_filter = ngx_http_top_body_filter;
    ngx_http_top_body_filter = ngx_http_xborder_body_filter;

    return NGX_OK;
}
