
/*
 * ngx_http_xborder_module.h - types shared by the files of the xborder
 * nginx module: configuration, the per-request context, the shared memory
 * zone, and the functions one file offers the others.
 *
 * The module is glue between nginx and the classifier library: nginx reads
 * the body and owns memory and events; the library classifies, decides,
 * masks and watermarks. Files:
 *
 *   ngx_http_xborder_module.c     module, directives, configuration merge
 *   ngx_http_xborder_load.c       catalogs, policy, keys at configuration time
 *   ngx_http_xborder_request.c    PREACCESS body reading, request-body filter
 *   ngx_http_xborder_transfer.c   one transfer: scan, decide, count, metrics
 *   ngx_http_xborder_rewrite.c    mask / watermark a request body
 *   ngx_http_xborder_response.c   response header and body filters
 *   ngx_http_xborder_reply.c      JSON answers for blocked transfers
 *   ngx_http_xborder_zone.c       shared memory: counters and metrics
 *   ngx_http_xborder_status.c     the Prometheus status location
 *   ngx_http_xborder_variables.c  $xborder_* variables
 *   ngx_http_xborder_filing.c     filing records: chain, Redis or spool,
 *                                 replay, checkpoints (per worker)
 *   ngx_http_xborder_record.c     the transfer record of a transfer
 *   ngx_http_xborder_spool.c      spool file I/O in the thread pool
 *   ngx_http_xborder_redis.c      non-blocking hiredis on the event loop
 *   ngx_http_xborder_count.c      year-to-date counts from Redis before a
 *                                 decision, or a conservative estimate
 */


#ifndef _NGX_HTTP_XBORDER_MODULE_H_INCLUDED_
#define _NGX_HTTP_XBORDER_MODULE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "classifier/scan/xb_scan.h"
#include "classifier/policy/xb_policy.h"
#include "classifier/policy/xb_subjects.h"
#include "classifier/policy/xb_counter.h"
#include "classifier/policy/xb_decide.h"
#include "classifier/transform/xb_rewrite.h"
#include "classifier/transform/xb_watermark.h"
#include "classifier/record/xb_filing.h"
#include "classifier/record/xb_sign.h"


#define NGX_HTTP_XBORDER_REQUEST       0x01
#define NGX_HTTP_XBORDER_RESPONSE      0x02

#define NGX_HTTP_XBORDER_BLOCK         0
#define NGX_HTTP_XBORDER_PASS          1

/* response filter states */
#define NGX_HTTP_XBORDER_RESP_NONE      0   /* headers not seen yet */
#define NGX_HTTP_XBORDER_RESP_SKIP      1   /* not inspected: pass through */
#define NGX_HTTP_XBORDER_RESP_HOLD      2   /* headers held, body buffered */
#define NGX_HTTP_XBORDER_RESP_DRAIN     3   /* to be blocked: swallow body */
#define NGX_HTTP_XBORDER_RESP_RELEASED  4   /* let through: pass the rest */
#define NGX_HTTP_XBORDER_RESP_DONE      5   /* our answer sent: swallow */

/* r->connection->buffered bit while the response body is held */
#define NGX_HTTP_XBORDER_BUFFERED      0x80

#define NGX_HTTP_XBORDER_ID_LEN        16

#define NGX_HTTP_XBORDER_DEFAULT_ZONE_SIZE  (32 * 1024 * 1024)


/* outcomes counted by the status page (the decision's, plus two more) */
#define NGX_HTTP_XBORDER_OUT_ALLOW      0
#define NGX_HTTP_XBORDER_OUT_WATERMARK  1
#define NGX_HTTP_XBORDER_OUT_MASK       2
#define NGX_HTTP_XBORDER_OUT_BLOCK      3
#define NGX_HTTP_XBORDER_OUT_PASS       4   /* released undecided (oversize) */
#define NGX_HTTP_XBORDER_OUT_ERROR      5   /* internal error, fail closed */
#define NGX_HTTP_XBORDER_OUT_N          6

#define NGX_HTTP_XBORDER_DIR_REQUEST    0
#define NGX_HTTP_XBORDER_DIR_RESPONSE   1

/* inspection time histogram upper bounds, microseconds; last is +Inf */
#define NGX_HTTP_XBORDER_TIME_BUCKETS   12

/* distinct catalog entries the status page can count findings for */
#define NGX_HTTP_XBORDER_MAX_ENTRIES    1024
#define NGX_HTTP_XBORDER_ENTRY_NAME     96
#define NGX_HTTP_XBORDER_CATEGORY_NAME  32


/* catalogs loaded by one xborder_rules directive (shared by all locations
 * naming the same files) */
typedef struct {
    ngx_str_t                   key;        /* the resolved paths */
    xb_catalog_set             *set;
    xb_engine                  *engine;
    char                       *version;    /* for records */
} ngx_http_xborder_rules_t;


typedef struct {
    ngx_str_t                   path;
    xb_policy                  *policy;
} ngx_http_xborder_policy_t;


/* filing: xborder_redis, xborder_spool and friends (http level) */
typedef struct {
    ngx_str_t                   redis;          /* as written */
    ngx_str_t                   redis_host;     /* IP literal */
    ngx_uint_t                  redis_port;
    ngx_str_t                   redis_user;     /* NUL-terminated */
    ngx_str_t                   redis_password; /* NUL-terminated */
    ngx_str_t                   prefix;         /* NUL-terminated */
    ngx_msec_t                  connect_timeout;
    ngx_msec_t                  timeout;
    ngx_str_t                   node;           /* NUL-terminated */
    ngx_str_t                   spool;          /* directory, no trailing / */
    ngx_flag_t                  spool_fail_open;
    xb_key                     *signing_key;
    char                        key_id[17];
    ngx_uint_t                  checkpoint_every;
    ngx_msec_t                  checkpoint_interval;
    ngx_uint_t                  margin_general;     /* individuals */
    ngx_uint_t                  margin_sensitive;
    ngx_msec_t                  replay_interval;
#if (NGX_THREADS)
    ngx_thread_pool_t          *thread_pool;
#endif
    ngx_flag_t                  enabled;        /* spool set */
} ngx_http_xborder_filing_conf_t;


typedef void (*ngx_http_xborder_redis_event_pt)(ngx_int_t rc);
typedef void (*ngx_http_xborder_redis_reply_pt)(void *ac, void *reply,
    void *data);


/* counters and metrics in the shared zone */
typedef struct {
    ngx_atomic_t                transfers[2][2][NGX_HTTP_XBORDER_OUT_N];
                                            /* [dir][monitor][outcome] */
    ngx_atomic_t                bytes[2];
    ngx_atomic_t                uninspectable[2];
    ngx_atomic_t                oversize[2];
    ngx_atomic_t                time_bucket[NGX_HTTP_XBORDER_TIME_BUCKETS];
    ngx_atomic_t                time_sum_us;
    ngx_atomic_t                time_count;
    ngx_atomic_t                counter_errors;
    ngx_atomic_t                subjects_stored;
    ngx_atomic_t                entries_used;
    ngx_atomic_t                entries_dropped;

    /* filing */
    ngx_atomic_t                filed_redis;    /* acknowledged by Redis */
    ngx_atomic_t                filed_spool;    /* fsynced to the spool */
    ngx_atomic_t                replayed;       /* spool -> Redis, new */
    ngx_atomic_t                replay_dups;    /* spool -> Redis, known */
    ngx_atomic_t                spool_backlog;  /* spooled, not replayed */
    ngx_atomic_t                filing_failed;  /* transfers refused/unfiled */
    ngx_atomic_t                redis_errors;   /* errors, timeouts, drops */
    ngx_atomic_t                checkpoints;
    ngx_atomic_t                filing_us_sum;  /* build to durable */
    ngx_atomic_t                filing_count;

    /* year-to-date counts before a decision */
    ngx_atomic_t                counts_redis;   /* answered by Redis */
    ngx_atomic_t                counts_estimated;   /* Redis unavailable */
} ngx_http_xborder_metrics_t;


typedef struct {
    ngx_atomic_t                used;       /* name is valid */
    ngx_atomic_t                count;
    u_char                      name[NGX_HTTP_XBORDER_ENTRY_NAME];
    u_char                      category[NGX_HTTP_XBORDER_CATEGORY_NAME];
} ngx_http_xborder_entry_stat_t;


typedef struct {
    ngx_rbtree_t                rbtree;     /* counted subjects */
    ngx_rbtree_node_t           sentinel;
    ngx_queue_t                 sets;       /* ngx_http_xborder_set_t */
    uint32_t                    next_set_id;
    ngx_http_xborder_metrics_t  metrics;
    ngx_http_xborder_entry_stat_t  entries[NGX_HTTP_XBORDER_MAX_ENTRIES];
} ngx_http_xborder_shctx_t;


typedef struct {
    ngx_http_xborder_shctx_t   *sh;
    ngx_slab_pool_t            *shpool;
} ngx_http_xborder_zone_ctx_t;


/* the counter interface of the policy engine, implemented on the zone */
typedef struct {
    xb_counter                  base;
    ngx_shm_zone_t             *shm_zone;
} ngx_http_xborder_counter_t;


typedef struct {
    ngx_array_t                 rules;      /* ngx_http_xborder_rules_t * */
    ngx_array_t                 policies;   /* ngx_http_xborder_policy_t * */
    ngx_array_t                 checked;    /* pairs cross-checked (void *) */
    ngx_shm_zone_t             *shm_zone;
    ngx_http_xborder_counter_t  counter;
    ngx_flag_t                  used;       /* some location inspects */
    ngx_http_xborder_filing_conf_t  filing;
} ngx_http_xborder_main_conf_t;


typedef struct {
    ngx_flag_t                  enable;
    ngx_http_xborder_rules_t   *rules;
    ngx_http_xborder_policy_t  *policy;

    ngx_http_complex_value_t   *exporter;
    ngx_http_complex_value_t   *recipient;
    ngx_http_complex_value_t   *destination_country;
    ngx_http_complex_value_t   *scenario;
    ngx_http_complex_value_t   *purpose;

    ngx_uint_t                  mode;           /* xb_mode_override */
    ngx_uint_t                  inspect;        /* NGX_HTTP_XBORDER_REQUEST.. */
    size_t                      max_inspect_size;
    ngx_uint_t                  oversize;       /* BLOCK | PASS */
    ngx_uint_t                  uninspectable;  /* xb_uninspectable_override */
    ngx_uint_t                  block_status;   /* 451 or 403 */
    xb_wm_key                  *watermark;      /* derived keys */
    ngx_flag_t                  status;         /* xborder_status location */

#if (NGX_THREADS)
    ngx_thread_pool_t          *thread_pool;
#endif
} ngx_http_xborder_loc_conf_t;


/* one inspected body, request or response */
typedef struct {
    u_char                      id[NGX_HTTP_XBORDER_ID_LEN + 1];
    ngx_uint_t                  direction;      /* NGX_HTTP_XBORDER_DIR_* */
    xb_scan                    *scan;
    const xb_exporter          *exporter;
    const xb_recipient         *recipient;
    ngx_str_t                   exporter_ident;
    ngx_str_t                   country;
    ngx_str_t                   scenario;
    ngx_str_t                   purpose;
    char                       *content_type;
    char                       *content_encoding;

    off_t                       bytes;          /* encoded bytes seen */
    uint64_t                    inspect_ns;     /* time in the library */

    xb_subjects                 subjects;
    xb_subject_counts           ytd_before;     /* the decision's counts */
    xb_subject_counts           ytd_local;      /* this node's zone */
    time_t                      decide_time;
    int                         decide_year;    /* China time */
    void                       *count_query;    /* while counting */
    xb_decision                 decision;
    ngx_uint_t                  outcome;        /* NGX_HTTP_XBORDER_OUT_* */
    ngx_str_t                   categories;     /* cached variable value */

    unsigned                    started:1;
    unsigned                    oversize:1;
    unsigned                    finished:1;
    unsigned                    decided:1;      /* decision is valid */
    unsigned                    subjects_built:1;
    unsigned                    unknown_exporter:1;
    unsigned                    counted:1;      /* metrics updated */
    unsigned                    cannot_rewrite:1;
    unsigned                    counting:1;     /* waiting for Redis */
    unsigned                    estimated:1;    /* counts not from Redis */
    unsigned                    filing:1;       /* waiting for its record */
    unsigned                    filed:1;        /* record durable */
    unsigned                    filed_ok:1;
    unsigned                    hashing:1;      /* sha_original valid */
    size_t                      wm_marks;       /* watermark marks added */

    /* the record */
    void                       *sha_original;   /* EVP_MD_CTX */
    u_char                      sha_sent[65];   /* hex, "" when not set */
    off_t                       bytes_sent;
    ngx_msec_t                  start_msec;
    int64_t                     start_ms;       /* Unix time, ms */

    /* what to do once the record is filed */
    const char                 *after_error;    /* NULL: let it go */
    ngx_uint_t                  after_status;
    ngx_uint_t                  after_outcome;
} ngx_http_xborder_transfer_t;


typedef struct {
    ngx_http_xborder_transfer_t   request;
    ngx_http_xborder_transfer_t   response;
    ngx_http_xborder_transfer_t  *last;         /* for variables */

    ngx_int_t                     status;       /* phase handler re-entry */

    /* response filter state */
    ngx_chain_t                  *held;         /* copies of the body */
    ngx_chain_t                 **held_last;
    ngx_uint_t                    response_state;
    const char                   *response_error;   /* DRAIN: answer with */
    ngx_uint_t                    response_status;

    unsigned                      body_requested:1;
    unsigned                      waiting_body:1;
    unsigned                      rewriting:1;
    unsigned                      read_done:1;
    unsigned                      response_filing:1;
    unsigned                      response_counting:1;
    unsigned                      response_last:1;  /* last_buf seen */

    /* response filed: what is sent once the record is durable */
    ngx_uint_t                    response_action;
    ngx_chain_t                  *response_out;
    off_t                         response_len;

#if (NGX_THREADS)
    ngx_thread_task_t            *read_task;
#endif
} ngx_http_xborder_ctx_t;


typedef void (*ngx_http_xborder_response_pt)(ngx_http_request_t *r,
    ngx_http_xborder_ctx_t *ctx);


/* ngx_http_xborder_module.c */
extern ngx_module_t  ngx_http_xborder_module;
extern ngx_http_output_header_filter_pt  ngx_http_xborder_next_header_filter;
extern ngx_http_output_body_filter_pt    ngx_http_xborder_next_body_filter;
extern ngx_http_request_body_filter_pt   ngx_http_xborder_next_request_body_filter;

/* ngx_http_xborder_load.c */
char *ngx_http_xborder_rules(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_xborder_policy(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_xborder_watermark_key(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_int_t ngx_http_xborder_check_pair(ngx_conf_t *cf,
    ngx_http_xborder_loc_conf_t *xlcf);

/* ngx_http_xborder_request.c */
ngx_int_t ngx_http_xborder_access_handler(ngx_http_request_t *r);
ngx_int_t ngx_http_xborder_request_body_filter(ngx_http_request_t *r,
    ngx_chain_t *in);
void ngx_http_xborder_resume(ngx_http_request_t *r, ngx_int_t status);
void ngx_http_xborder_rewritten(ngx_http_request_t *r, ngx_int_t rc);
ngx_str_t *ngx_http_xborder_request_header(ngx_http_request_t *r,
    const char *name, size_t len);

/* ngx_http_xborder_transfer.c */
ngx_http_xborder_ctx_t *ngx_http_xborder_get_ctx(ngx_http_request_t *r);
ngx_http_xborder_ctx_t *ngx_http_xborder_create_ctx(ngx_http_request_t *r);
ngx_int_t ngx_http_xborder_transfer_start(ngx_http_request_t *r,
    ngx_http_xborder_transfer_t *t, ngx_uint_t direction,
    ngx_str_t *content_type, ngx_str_t *content_encoding);
ngx_int_t ngx_http_xborder_transfer_feed(ngx_http_request_t *r,
    ngx_http_xborder_transfer_t *t, u_char *data, size_t len);
ngx_int_t ngx_http_xborder_transfer_decide(ngx_http_request_t *r,
    ngx_http_xborder_transfer_t *t);
ngx_int_t ngx_http_xborder_transfer_decide_counted(ngx_http_request_t *r,
    ngx_http_xborder_transfer_t *t);
ngx_int_t ngx_http_xborder_transfer_commit(ngx_http_request_t *r,
    ngx_http_xborder_transfer_t *t);
char *ngx_http_xborder_cstr(ngx_pool_t *pool, ngx_str_t *s);
void ngx_http_xborder_transfer_wake(ngx_http_request_t *r,
    ngx_http_xborder_transfer_t *t, ngx_http_xborder_response_pt next);
void ngx_http_xborder_transfer_account(ngx_http_request_t *r,
    ngx_http_xborder_transfer_t *t, ngx_uint_t outcome);
const uint64_t *ngx_http_xborder_time_buckets(void);
ngx_int_t ngx_http_xborder_monitor(ngx_http_xborder_loc_conf_t *xlcf);
ngx_int_t ngx_http_xborder_exporter_watermarks(xb_policy *policy,
    const xb_exporter *exporter);
ngx_int_t ngx_http_xborder_policy_watermarks(xb_policy *policy);
ngx_uint_t ngx_http_xborder_outcome(xb_outcome outcome);

/* ngx_http_xborder_rewrite.c */
ngx_int_t ngx_http_xborder_rewrite_request(ngx_http_request_t *r,
    ngx_http_xborder_ctx_t *ctx);
ngx_int_t ngx_http_xborder_gunzip(ngx_http_request_t *r,
    ngx_http_xborder_transfer_t *t, ngx_str_t *in, ngx_str_t *out);
ngx_int_t ngx_http_xborder_transform_chunks(ngx_http_request_t *r,
    ngx_http_xborder_transfer_t *t, xb_chunk *chunks, size_t n,
    ngx_chain_t **out, off_t *len);

/* ngx_http_xborder_response.c */
ngx_int_t ngx_http_xborder_header_filter(ngx_http_request_t *r);
ngx_int_t ngx_http_xborder_body_filter(ngx_http_request_t *r,
    ngx_chain_t *in);

void ngx_http_xborder_response_filed(ngx_http_request_t *r,
    ngx_http_xborder_ctx_t *ctx);
void ngx_http_xborder_response_counted(ngx_http_request_t *r,
    ngx_http_xborder_ctx_t *ctx);

/* ngx_http_xborder_reply.c */
ngx_int_t ngx_http_xborder_block_body(ngx_http_request_t *r,
    ngx_http_xborder_transfer_t *t, const char *error, ngx_buf_t **out);
ngx_int_t ngx_http_xborder_set_block_headers(ngx_http_request_t *r,
    ngx_uint_t status, off_t length);
ngx_int_t ngx_http_xborder_send_block(ngx_http_request_t *r,
    ngx_http_xborder_transfer_t *t, const char *error, ngx_uint_t status);

/* ngx_http_xborder_zone.c */
ngx_shm_zone_t *ngx_http_xborder_add_zone(ngx_conf_t *cf, ngx_str_t *name,
    size_t size);
void ngx_http_xborder_counter_init(ngx_http_xborder_counter_t *c,
    ngx_shm_zone_t *shm_zone);
ngx_http_xborder_shctx_t *ngx_http_xborder_zone_sh(ngx_shm_zone_t *shm_zone);
void ngx_http_xborder_count_entry(ngx_shm_zone_t *shm_zone,
    const xb_entry *entry, ngx_atomic_int_t n);
u_char *ngx_http_xborder_print_sets(ngx_shm_zone_t *shm_zone, u_char *p,
    u_char *end);
ngx_uint_t ngx_http_xborder_count_sets(ngx_shm_zone_t *shm_zone);
void ngx_http_xborder_zone_remember(ngx_shm_zone_t *shm_zone,
    const char *uscc, int year, const xb_subject_counts *redis,
    const xb_subject_counts *local);
ngx_int_t ngx_http_xborder_zone_estimate(ngx_shm_zone_t *shm_zone,
    const char *uscc, int year, const xb_subject_counts *local,
    xb_subject_counts *estimate);

/* ngx_http_xborder_count.c */
ngx_int_t ngx_http_xborder_count(ngx_http_request_t *r,
    ngx_http_xborder_transfer_t *t);
void ngx_http_xborder_count_redis_event(ngx_int_t rc);

/* ngx_http_xborder_status.c */
char *ngx_http_xborder_status(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);

/* ngx_http_xborder_filing.c */
#define NGX_HTTP_XBORDER_FILED_NOW   0      /* filing is off */
char *ngx_http_xborder_filing_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_xborder_filing_merge(ngx_conf_t *cf,
    ngx_http_xborder_main_conf_t *xmcf);
ngx_int_t ngx_http_xborder_filing_init_process(ngx_cycle_t *cycle);
void ngx_http_xborder_filing_exit_process(ngx_cycle_t *cycle);
ngx_int_t ngx_http_xborder_file(ngx_http_request_t *r,
    ngx_http_xborder_transfer_t *t, ngx_uint_t outcome);
ngx_int_t ngx_http_xborder_filing_enabled(ngx_http_request_t *r);
u_char *ngx_http_xborder_filing_chain(void);

/* ngx_http_xborder_record.c */
ngx_int_t ngx_http_xborder_record_build(ngx_http_request_t *r,
    ngx_http_xborder_transfer_t *t, ngx_uint_t outcome, const char *chain,
    uint64_t seq, const char *prev_hash, xb_filing_cmd *cmd,
    char hash[XB_HASH_HEX]);
void ngx_http_xborder_hash_body(ngx_http_xborder_transfer_t *t,
    u_char *data, size_t len);
void ngx_http_xborder_hash_chain(ngx_http_xborder_transfer_t *t,
    ngx_chain_t *cl);
void ngx_http_xborder_hash_free(ngx_http_xborder_transfer_t *t);

/* ngx_http_xborder_redis.c */
ngx_int_t ngx_http_xborder_redis_start(ngx_cycle_t *cycle,
    ngx_http_xborder_filing_conf_t *conf,
    ngx_http_xborder_redis_event_pt handler);
void ngx_http_xborder_redis_stop(void);
ngx_uint_t ngx_http_xborder_redis_ready(void);
ngx_uint_t ngx_http_xborder_redis_connecting(void);
ngx_int_t ngx_http_xborder_redis_send(int argc, const char **argv,
    const size_t *argvlen, ngx_http_xborder_redis_reply_pt handler,
    void *data);
void ngx_http_xborder_redis_drop(const char *why);

/* ngx_http_xborder_variables.c */
ngx_int_t ngx_http_xborder_add_variables(ngx_conf_t *cf);


#endif /* _NGX_HTTP_XBORDER_MODULE_H_INCLUDED_ */
