
/*
 * ngx_http_xborder_status.c - the xborder_status location: the metrics of
 * the shared zone in the Prometheus text exposition format (version 0.0.4).
 *
 * Every worker updates the same counters (atomic adds in the zone), so one
 * scrape shows the whole instance; the counters survive reloads together
 * with the zone.
 */


#include "ngx_http_xborder_module.h"


static ngx_int_t ngx_http_xborder_status_handler(ngx_http_request_t *r);


static const char  *ngx_http_xborder_dirs[] = { "request", "response" };
static const char  *ngx_http_xborder_modes[] = { "enforce", "monitor" };
static const char  *ngx_http_xborder_outcomes[] = {
    "allow", "watermark", "mask", "block", "pass", "error"
};


char *
ngx_http_xborder_status(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_xborder_loc_conf_t *xlcf = conf;

    ngx_http_core_loc_conf_t  *clcf;

    if (xlcf->status) {
        return "is duplicate";
    }

    xlcf->status = 1;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_xborder_status_handler;

    return NGX_CONF_OK;
}


/* a Prometheus label value: \ " and newline escaped */
static u_char *
ngx_http_xborder_label(u_char *p, u_char *s)
{
    for ( /* void */ ; *s; s++) {
        if (*s == '\\' || *s == '"') {
            *p++ = '\\';
            *p++ = *s;

        } else if (*s == '\n') {
            *p++ = '\\';
            *p++ = 'n';

        } else {
            *p++ = *s;
        }
    }

    return p;
}


static ngx_int_t
ngx_http_xborder_status_handler(ngx_http_request_t *r)
{
    u_char                         *p;
    size_t                          size;
    uint64_t                        cumulative;
    ngx_int_t                       rc;
    ngx_buf_t                      *b;
    ngx_uint_t                      d, m, o, i, used, sets;
    ngx_chain_t                     out;
    const uint64_t                 *bounds;
    ngx_http_xborder_metrics_t     *mt;
    ngx_http_xborder_shctx_t       *sh;
    ngx_http_xborder_entry_stat_t  *e;
    ngx_http_xborder_main_conf_t   *xmcf;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);

    if (rc != NGX_OK) {
        return rc;
    }

    xmcf = ngx_http_get_module_main_conf(r, ngx_http_xborder_module);

    sh = ngx_http_xborder_zone_sh(xmcf->shm_zone);
    if (sh == NULL) {
        return NGX_HTTP_SERVICE_UNAVAILABLE;
    }

    mt = &sh->metrics;
    bounds = ngx_http_xborder_time_buckets();

    /* entries may be added while we print: print at most those counted */

    used = 0;

    for (i = 0; i < NGX_HTTP_XBORDER_MAX_ENTRIES; i++) {
        if (sh->entries[i].used) {
            used++;
        }
    }

    sets = ngx_http_xborder_count_sets(xmcf->shm_zone) + 4;

    size = 4096 + 4096
           + sets * 2 * 256
           + 2 * 2 * NGX_HTTP_XBORDER_OUT_N * (96 + NGX_ATOMIC_T_LEN)
           + NGX_HTTP_XBORDER_TIME_BUCKETS * (64 + NGX_ATOMIC_T_LEN)
           + used
             * (64 + 2 * (NGX_HTTP_XBORDER_ENTRY_NAME
                          + NGX_HTTP_XBORDER_CATEGORY_NAME)
                + NGX_ATOMIC_T_LEN);

    b = ngx_create_temp_buf(r->pool, size);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = b->last;

    p = ngx_cpymem(p,
        "# HELP xborder_transfers_total Transfers inspected, by direction, "
        "mode and outcome (pass: let through undecided by policy, error: "
        "failed closed).\n"
        "# TYPE xborder_transfers_total counter\n",
        sizeof("# HELP xborder_transfers_total Transfers inspected, by "
               "direction, mode and outcome (pass: let through undecided by "
               "policy, error: failed closed).\n"
               "# TYPE xborder_transfers_total counter\n") - 1);

    for (d = 0; d < 2; d++) {
        for (m = 0; m < 2; m++) {
            for (o = 0; o < NGX_HTTP_XBORDER_OUT_N; o++) {
                p = ngx_sprintf(p, "xborder_transfers_total{direction=\"%s\","
                                   "mode=\"%s\",outcome=\"%s\"} %uA\n",
                                ngx_http_xborder_dirs[d],
                                ngx_http_xborder_modes[m],
                                ngx_http_xborder_outcomes[o],
                                mt->transfers[d][m][o]);
            }
        }
    }

    p = ngx_sprintf(p,
        "# HELP xborder_findings_total Findings by catalog entry and data "
        "category.\n"
        "# TYPE xborder_findings_total counter\n");

    for (i = 0; i < NGX_HTTP_XBORDER_MAX_ENTRIES && used; i++) {
        e = &sh->entries[i];

        if (!e->used) {
            continue;
        }

        used--;

        p = ngx_cpymem(p, "xborder_findings_total{entry=\"",
                       sizeof("xborder_findings_total{entry=\"") - 1);
        p = ngx_http_xborder_label(p, e->name);
        p = ngx_cpymem(p, "\",category=\"", sizeof("\",category=\"") - 1);
        p = ngx_http_xborder_label(p, e->category);
        p = ngx_sprintf(p, "\"} %uA\n", e->count);
    }

    p = ngx_sprintf(p,
        "# HELP xborder_findings_unlabelled_total Findings of entries beyond "
        "the %d the zone can label.\n"
        "# TYPE xborder_findings_unlabelled_total counter\n"
        "xborder_findings_unlabelled_total %uA\n",
        NGX_HTTP_XBORDER_MAX_ENTRIES, mt->entries_dropped);

    p = ngx_sprintf(p,
        "# HELP xborder_inspected_bytes_total Body bytes seen by the "
        "inspection.\n"
        "# TYPE xborder_inspected_bytes_total counter\n"
        "xborder_inspected_bytes_total{direction=\"request\"} %uA\n"
        "xborder_inspected_bytes_total{direction=\"response\"} %uA\n",
        mt->bytes[0], mt->bytes[1]);

    p = ngx_sprintf(p,
        "# HELP xborder_inspection_seconds Time spent classifying and "
        "deciding one body.\n"
        "# TYPE xborder_inspection_seconds histogram\n");

    cumulative = 0;

    for (i = 0; i < NGX_HTTP_XBORDER_TIME_BUCKETS; i++) {
        cumulative += mt->time_bucket[i];

        if (i < NGX_HTTP_XBORDER_TIME_BUCKETS - 1) {
            p = ngx_sprintf(p, "xborder_inspection_seconds_bucket"
                               "{le=\"%uL.%06uL\"} %uL\n",
                            bounds[i] / 1000000, bounds[i] % 1000000,
                            cumulative);

        } else {
            p = ngx_sprintf(p, "xborder_inspection_seconds_bucket"
                               "{le=\"+Inf\"} %uL\n", cumulative);
        }
    }

    p = ngx_sprintf(p,
        "xborder_inspection_seconds_sum %uA.%06uA\n"
        "xborder_inspection_seconds_count %uA\n",
        mt->time_sum_us / 1000000, mt->time_sum_us % 1000000,
        mt->time_count);

    p = ngx_sprintf(p,
        "# HELP xborder_uninspectable_total Bodies that could not be "
        "inspected completely.\n"
        "# TYPE xborder_uninspectable_total counter\n"
        "xborder_uninspectable_total{direction=\"request\"} %uA\n"
        "xborder_uninspectable_total{direction=\"response\"} %uA\n"
        "# HELP xborder_oversize_total Bodies larger than "
        "xborder_max_inspect_size.\n"
        "# TYPE xborder_oversize_total counter\n"
        "xborder_oversize_total{direction=\"request\"} %uA\n"
        "xborder_oversize_total{direction=\"response\"} %uA\n",
        mt->uninspectable[0], mt->uninspectable[1],
        mt->oversize[0], mt->oversize[1]);

    p = ngx_sprintf(p,
        "# HELP xborder_counted_subjects Distinct individuals held by the "
        "year-to-date counters of the zone.\n"
        "# TYPE xborder_counted_subjects gauge\n"
        "xborder_counted_subjects %uA\n"
        "# HELP xborder_counter_errors_total Counter updates that failed "
        "(zone full); the transfers failed closed.\n"
        "# TYPE xborder_counter_errors_total counter\n"
        "xborder_counter_errors_total %uA\n",
        mt->subjects_stored, mt->counter_errors);

    p = ngx_sprintf(p,
        "# HELP xborder_records_filed_total Transfer records made durable, "
        "by where: acknowledged by Redis, or fsynced to the spool.\n"
        "# TYPE xborder_records_filed_total counter\n"
        "xborder_records_filed_total{to=\"redis\"} %uA\n"
        "xborder_records_filed_total{to=\"spool\"} %uA\n"
        "# HELP xborder_records_replayed_total Spooled records replayed to "
        "Redis: new to Redis, or already there (duplicate).\n"
        "# TYPE xborder_records_replayed_total counter\n"
        "xborder_records_replayed_total{result=\"new\"} %uA\n"
        "xborder_records_replayed_total{result=\"duplicate\"} %uA\n"
        "# HELP xborder_spool_backlog Records in spool files not yet "
        "replayed to Redis.\n"
        "# TYPE xborder_spool_backlog gauge\n"
        "xborder_spool_backlog %A\n"
        "# HELP xborder_filing_failures_total Records that could be filed "
        "nowhere (the transfer failed closed, or went on unrecorded under "
        "xborder_spool_fail open).\n"
        "# TYPE xborder_filing_failures_total counter\n"
        "xborder_filing_failures_total %uA\n"
        "# HELP xborder_redis_errors_total Redis errors, refusals and "
        "timeouts while filing.\n"
        "# TYPE xborder_redis_errors_total counter\n"
        "xborder_redis_errors_total %uA\n"
        "# HELP xborder_checkpoints_total Signed checkpoints filed.\n"
        "# TYPE xborder_checkpoints_total counter\n"
        "xborder_checkpoints_total %uA\n"
        "# HELP xborder_filing_seconds Time from building a record to its "
        "being durable.\n"
        "# TYPE xborder_filing_seconds summary\n"
        "xborder_filing_seconds_sum %uA.%06uA\n"
        "xborder_filing_seconds_count %uA\n"
        "# HELP xborder_counts_total Year-to-date counts a decision started "
        "from: answered by Redis, or estimated (Redis unavailable: last "
        "known counts plus xborder_counter_margin).\n"
        "# TYPE xborder_counts_total counter\n"
        "xborder_counts_total{source=\"redis\"} %uA\n"
        "xborder_counts_total{source=\"estimate\"} %uA\n",
        mt->filed_redis, mt->filed_spool, mt->replayed, mt->replay_dups,
        (ngx_atomic_int_t) mt->spool_backlog < 0
        ? (ngx_atomic_int_t) 0 : (ngx_atomic_int_t) mt->spool_backlog,
        mt->filing_failed, mt->redis_errors, mt->checkpoints,
        mt->filing_us_sum / 1000000, mt->filing_us_sum % 1000000,
        mt->filing_count, mt->counts_redis, mt->counts_estimated);

    p = ngx_sprintf(p,
        "# HELP xborder_individuals Distinct individuals whose personal "
        "information left this year (China time), per exporter and class, "
        "baseline included.\n"
        "# TYPE xborder_individuals gauge\n");

    p = ngx_http_xborder_print_sets(xmcf->shm_zone, p, b->end);

    b->last = p;
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = b->last - b->pos;

    ngx_str_set(&r->headers_out.content_type, "text/plain; version=0.0.4");
    r->headers_out.content_type_len = sizeof("text/plain") - 1;
    r->headers_out.content_type_lowcase = NULL;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}
