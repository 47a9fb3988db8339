
/*
 * ngx_http_xborder_zone.c - the shared memory zone of the xborder module:
 * exact year-to-date counts of distinct individuals per exporter, shared by
 * all workers, and the metrics served by xborder_status.
 *
 * Counting implements the policy engine's counter interface (xb_counter.h)
 * on nginx's slab allocator: per (exporter USCC, China-time calendar year)
 * a set record with the two totals (general / sensitive PI) and baselines,
 * and one red-black tree of all counted subjects keyed by their HMAC hash.
 * A subject costs one 64-byte slab slot. The zone is reused across
 * `nginx -s reload` when its name and size are unchanged (the limit_req
 * technique), so counts survive reloads; they do not survive a restart - a
 * later issue makes Redis authoritative and keeps this zone as fallback.
 *
 * With filing to Redis, Redis holds the counts of every node; this zone
 * then also remembers, per set, the last totals Redis answered and its own
 * totals at that moment, so that while Redis is unreachable a decision can
 * start from "last known + what this node counted since" (plus the margin
 * of ngx_http_xborder_count.c).
 *
 * When the zone is full, sets of past years are dropped first; if that does
 * not help, commit fails and the caller fails closed (see
 * ngx_http_xborder_transfer.c): a transfer is never forwarded uncounted.
 */


#include "ngx_http_xborder_module.h"

#include "classifier/policy/xb_china_time.h"


#define NGX_HTTP_XBORDER_ZONE_MAGIC  0x78626f7264657203ULL  /* "xborder" v3 */
#define NGX_HTTP_XBORDER_USCC_MAX    32


typedef struct {
    uint64_t                    magic;
    size_t                      size;
    ngx_http_xborder_shctx_t    sh;
} ngx_http_xborder_shroot_t;


/* one (exporter, year) */
typedef struct {
    ngx_queue_t                 queue;
    uint32_t                    id;
    int                         year;
    uint64_t                    count[2];       /* by xb_subject_class */
    uint64_t                    baseline[2];

    /* the last totals Redis gave, and this zone's totals at that time */
    ngx_uint_t                  known;
    uint64_t                    redis_known[2];
    uint64_t                    local_at_known[2];
    size_t                      uscc_len;
    u_char                      uscc[NGX_HTTP_XBORDER_USCC_MAX];
} ngx_http_xborder_set_t;


/* one counted subject, laid over ngx_rbtree_node_t from its color field */
typedef struct {
    u_char                      color;
    u_char                      cls;
    u_char                      rest[XB_SUBJECT_HASH_LEN - 8];
    uint32_t                    set;
} ngx_http_xborder_subject_t;


static ngx_int_t ngx_http_xborder_init_zone(ngx_shm_zone_t *shm_zone,
    void *data);
static void ngx_http_xborder_rbtree_insert_value(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel);
static xb_status ngx_http_xborder_counter_query(xb_counter *c,
    const char *uscc, int year, xb_subject *subjects, size_t n,
    xb_counter_done done, void *arg);
static xb_status ngx_http_xborder_counter_commit(xb_counter *c,
    const char *uscc, int year, const xb_subject *subjects, size_t n,
    const uint8_t *selected, xb_counter_done done, void *arg);
static xb_status ngx_http_xborder_counter_set_baseline(xb_counter *c,
    const char *uscc, int year, const xb_subject_counts *baseline,
    xb_counter_done done, void *arg);
static void ngx_http_xborder_counter_destroy(xb_counter *c);


static const xb_counter_ops  ngx_http_xborder_counter_ops = {
    "nginx-shm",
    ngx_http_xborder_counter_query,
    ngx_http_xborder_counter_commit,
    ngx_http_xborder_counter_set_baseline,
    ngx_http_xborder_counter_destroy
};


ngx_shm_zone_t *
ngx_http_xborder_add_zone(ngx_conf_t *cf, ngx_str_t *name, size_t size)
{
    ngx_shm_zone_t               *shm_zone;
    ngx_http_xborder_zone_ctx_t  *ctx;

    shm_zone = ngx_shared_memory_add(cf, name, size, &ngx_http_xborder_module);
    if (shm_zone == NULL) {
        return NULL;
    }

    if (shm_zone->data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "duplicate xborder zone \"%V\"", name);
        return NULL;
    }

    ctx = ngx_pcalloc(cf->pool, sizeof(ngx_http_xborder_zone_ctx_t));
    if (ctx == NULL) {
        return NULL;
    }

    shm_zone->init = ngx_http_xborder_init_zone;
    shm_zone->data = ctx;

    return shm_zone;
}


static ngx_int_t
ngx_http_xborder_init_zone(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_http_xborder_zone_ctx_t  *octx = data;

    size_t                        len;
    ngx_http_xborder_shroot_t    *root;
    ngx_http_xborder_zone_ctx_t  *ctx;

    ctx = shm_zone->data;

    if (octx) {
        root = (ngx_http_xborder_shroot_t *) ((u_char *) octx->sh
                               - offsetof(ngx_http_xborder_shroot_t, sh));

        if (root->magic != NGX_HTTP_XBORDER_ZONE_MAGIC
            || root->size != sizeof(ngx_http_xborder_shroot_t))
        {
            ngx_log_error(NGX_LOG_EMERG, shm_zone->shm.log, 0,
                          "xborder zone \"%V\" was created by another version "
                          "of the module; rename the zone or restart nginx",
                          &shm_zone->shm.name);
            return NGX_ERROR;
        }

        ctx->sh = octx->sh;
        ctx->shpool = octx->shpool;

        return NGX_OK;
    }

    ctx->shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    if (shm_zone->shm.exists) {
        root = ctx->shpool->data;
        ctx->sh = &root->sh;

        return NGX_OK;
    }

    root = ngx_slab_alloc(ctx->shpool, sizeof(ngx_http_xborder_shroot_t));
    if (root == NULL) {
        return NGX_ERROR;
    }

    ngx_memzero(root, sizeof(ngx_http_xborder_shroot_t));

    root->magic = NGX_HTTP_XBORDER_ZONE_MAGIC;
    root->size = sizeof(ngx_http_xborder_shroot_t);

    ctx->sh = &root->sh;
    ctx->shpool->data = root;

    ngx_rbtree_init(&ctx->sh->rbtree, &ctx->sh->sentinel,
                    ngx_http_xborder_rbtree_insert_value);
    ngx_queue_init(&ctx->sh->sets);

    len = sizeof(" in xborder zone \"\"") + shm_zone->shm.name.len;

    ctx->shpool->log_ctx = ngx_slab_alloc(ctx->shpool, len);
    if (ctx->shpool->log_ctx == NULL) {
        return NGX_ERROR;
    }

    ngx_sprintf(ctx->shpool->log_ctx, " in xborder zone \"%V\"%Z",
                &shm_zone->shm.name);

    /* a full zone is reported by the counter itself */
    ctx->shpool->log_nomem = 0;

    return NGX_OK;
}


ngx_http_xborder_shctx_t *
ngx_http_xborder_zone_sh(ngx_shm_zone_t *shm_zone)
{
    ngx_http_xborder_zone_ctx_t  *ctx;

    if (shm_zone == NULL) {
        return NULL;
    }

    ctx = shm_zone->data;

    return ctx ? ctx->sh : NULL;
}


/* subjects */


static ngx_rbtree_key_t
ngx_http_xborder_subject_key(const uint8_t *hash, uint32_t set)
{
    uint64_t  k;

    ngx_memcpy(&k, hash, sizeof(uint64_t));

    return (ngx_rbtree_key_t) (k ^ ((uint64_t) set * 0x9e3779b97f4a7c15ULL));
}


/* total order on (key, set, class, rest of the hash) */
static ngx_int_t
ngx_http_xborder_subject_cmp(ngx_rbtree_key_t key, uint32_t set,
    u_char cls, const u_char *rest, ngx_rbtree_node_t *node)
{
    ngx_http_xborder_subject_t  *s;

    if (key != node->key) {
        return key < node->key ? -1 : 1;
    }

    s = (ngx_http_xborder_subject_t *) &node->color;

    if (set != s->set) {
        return set < s->set ? -1 : 1;
    }

    if (cls != s->cls) {
        return cls < s->cls ? -1 : 1;
    }

    return ngx_memcmp(rest, s->rest, sizeof(s->rest));
}


static void
ngx_http_xborder_rbtree_insert_value(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel)
{
    ngx_rbtree_node_t           **p;
    ngx_http_xborder_subject_t   *s;

    s = (ngx_http_xborder_subject_t *) &node->color;

    for ( ;; ) {

        p = ngx_http_xborder_subject_cmp(node->key, s->set, s->cls, s->rest,
                                         temp) < 0
            ? &temp->left : &temp->right;

        if (*p == sentinel) {
            break;
        }

        temp = *p;
    }

    *p = node;
    node->parent = temp;
    node->left = sentinel;
    node->right = sentinel;
    ngx_rbt_red(node);
}


static ngx_rbtree_node_t *
ngx_http_xborder_subject_lookup(ngx_http_xborder_shctx_t *sh, uint32_t set,
    const xb_subject *subject)
{
    ngx_int_t           rc;
    ngx_rbtree_key_t    key;
    ngx_rbtree_node_t  *node, *sentinel;

    key = ngx_http_xborder_subject_key(subject->hash, set);

    node = sh->rbtree.root;
    sentinel = sh->rbtree.sentinel;

    while (node != sentinel) {

        rc = ngx_http_xborder_subject_cmp(key, set, subject->cls,
                                          subject->hash + 8, node);
        if (rc == 0) {
            return node;
        }

        node = rc < 0 ? node->left : node->right;
    }

    return NULL;
}


static ngx_http_xborder_set_t *
ngx_http_xborder_set_find(ngx_http_xborder_shctx_t *sh, const char *uscc,
    size_t len, int year)
{
    ngx_queue_t             *q;
    ngx_http_xborder_set_t  *set;

    for (q = ngx_queue_head(&sh->sets);
         q != ngx_queue_sentinel(&sh->sets);
         q = ngx_queue_next(q))
    {
        set = ngx_queue_data(q, ngx_http_xborder_set_t, queue);

        if (set->year == year && set->uscc_len == len
            && ngx_memcmp(set->uscc, uscc, len) == 0)
        {
            return set;
        }
    }

    return NULL;
}


/* drop every subject and set of years before "year"; returns what it freed */
static ngx_uint_t
ngx_http_xborder_expire_years(ngx_http_xborder_zone_ctx_t *ctx, int year)
{
    ngx_uint_t                   freed;
    ngx_queue_t                 *q, *next;
    ngx_rbtree_node_t           *node, *following;
    ngx_http_xborder_set_t      *set;
    ngx_http_xborder_shctx_t    *sh;
    ngx_http_xborder_subject_t  *s;

    sh = ctx->sh;
    freed = 0;

    if (sh->rbtree.root != sh->rbtree.sentinel) {

        node = ngx_rbtree_min(sh->rbtree.root, sh->rbtree.sentinel);

        while (node) {
            following = ngx_rbtree_next(&sh->rbtree, node);

            s = (ngx_http_xborder_subject_t *) &node->color;

            for (q = ngx_queue_head(&sh->sets);
                 q != ngx_queue_sentinel(&sh->sets);
                 q = ngx_queue_next(q))
            {
                set = ngx_queue_data(q, ngx_http_xborder_set_t, queue);

                if (set->id == s->set) {
                    if (set->year < year) {
                        ngx_rbtree_delete(&sh->rbtree, node);
                        ngx_slab_free_locked(ctx->shpool, node);
                        (void) ngx_atomic_fetch_add(
                                          &sh->metrics.subjects_stored, -1);
                        freed++;
                    }

                    break;
                }
            }

            node = following;
        }
    }

    for (q = ngx_queue_head(&sh->sets);
         q != ngx_queue_sentinel(&sh->sets);
         q = next)
    {
        next = ngx_queue_next(q);
        set = ngx_queue_data(q, ngx_http_xborder_set_t, queue);

        if (set->year < year) {
            ngx_queue_remove(q);
            ngx_slab_free_locked(ctx->shpool, set);
            freed++;
        }
    }

    return freed;
}


/* allocate, dropping past years when full; "year" is never dropped */
static void *
ngx_http_xborder_zone_alloc(ngx_http_xborder_zone_ctx_t *ctx, size_t size,
    int year)
{
    int    current;
    void  *p;

    p = ngx_slab_alloc_locked(ctx->shpool, size);

    current = xb_china_year(ngx_time());

    if (p == NULL
        && ngx_http_xborder_expire_years(ctx, ngx_min(current, year)))
    {
        p = ngx_slab_alloc_locked(ctx->shpool, size);
    }

    return p;
}


static ngx_http_xborder_set_t *
ngx_http_xborder_set_get(ngx_http_xborder_zone_ctx_t *ctx, const char *uscc,
    size_t len, int year)
{
    ngx_http_xborder_set_t  *set;

    set = ngx_http_xborder_set_find(ctx->sh, uscc, len, year);
    if (set) {
        return set;
    }

    set = ngx_http_xborder_zone_alloc(ctx, sizeof(ngx_http_xborder_set_t),
                                      year);
    if (set == NULL) {
        return NULL;
    }

    ngx_memzero(set, sizeof(ngx_http_xborder_set_t));

    set->id = ++ctx->sh->next_set_id;
    set->year = year;
    set->uscc_len = len;
    ngx_memcpy(set->uscc, uscc, len);

    ngx_queue_insert_tail(&ctx->sh->sets, &set->queue);

    return set;
}


static void
ngx_http_xborder_set_totals(ngx_http_xborder_set_t *set,
    xb_subject_counts *totals)
{
    if (set == NULL) {
        totals->general = 0;
        totals->sensitive = 0;
        return;
    }

    totals->general = set->baseline[XB_SUBJECT_GENERAL]
                      + set->count[XB_SUBJECT_GENERAL];
    totals->sensitive = set->baseline[XB_SUBJECT_SENSITIVE]
                        + set->count[XB_SUBJECT_SENSITIVE];
}


static ngx_http_xborder_zone_ctx_t *
ngx_http_xborder_counter_zone(xb_counter *c, const char *uscc, size_t *len)
{
    ngx_http_xborder_counter_t   *hc;
    ngx_http_xborder_zone_ctx_t  *ctx;

    hc = (ngx_http_xborder_counter_t *) c;

    if (hc->shm_zone == NULL || uscc == NULL) {
        return NULL;
    }

    ctx = hc->shm_zone->data;

    if (ctx == NULL || ctx->sh == NULL) {
        return NULL;
    }

    *len = ngx_strlen(uscc);

    if (*len == 0 || *len > NGX_HTTP_XBORDER_USCC_MAX) {
        return NULL;
    }

    return ctx;
}


static xb_status
ngx_http_xborder_counter_query(xb_counter *c, const char *uscc, int year,
    xb_subject *subjects, size_t n, xb_counter_done done, void *arg)
{
    size_t                        i, len;
    xb_subject_counts             totals;
    ngx_http_xborder_set_t       *set;
    ngx_http_xborder_zone_ctx_t  *ctx;

    ctx = ngx_http_xborder_counter_zone(c, uscc, &len);
    if (ctx == NULL) {
        return XB_ERR_INVALID;
    }

    ngx_shmtx_lock(&ctx->shpool->mutex);

    set = ngx_http_xborder_set_find(ctx->sh, uscc, len, year);

    for (i = 0; i < n; i++) {
        subjects[i].is_new = (set == NULL
                              || ngx_http_xborder_subject_lookup(ctx->sh,
                                                 set->id, &subjects[i])
                                 == NULL);
    }

    ngx_http_xborder_set_totals(set, &totals);

    ngx_shmtx_unlock(&ctx->shpool->mutex);

    if (done) {
        done(arg, XB_OK, &totals);
    }

    return XB_OK;
}


static xb_status
ngx_http_xborder_counter_commit(xb_counter *c, const char *uscc, int year,
    const xb_subject *subjects, size_t n, const uint8_t *selected,
    xb_counter_done done, void *arg)
{
    size_t                        i, len;
    xb_status                     st;
    xb_subject_counts             totals;
    ngx_rbtree_node_t            *node;
    ngx_http_xborder_set_t       *set;
    ngx_http_xborder_zone_ctx_t  *ctx;
    ngx_http_xborder_subject_t   *s;

    ctx = ngx_http_xborder_counter_zone(c, uscc, &len);
    if (ctx == NULL) {
        return XB_ERR_INVALID;
    }

    for (i = 0; i < n; i++) {
        if ((selected == NULL || selected[i])
            && subjects[i].cls > XB_SUBJECT_SENSITIVE)
        {
            return XB_ERR_INVALID;
        }
    }

    st = XB_OK;

    ngx_shmtx_lock(&ctx->shpool->mutex);

    set = ngx_http_xborder_set_get(ctx, uscc, len, year);
    if (set == NULL) {
        st = XB_ERR_NOMEM;
        goto done;
    }

    for (i = 0; i < n; i++) {

        if (selected && !selected[i]) {
            continue;
        }

        if (ngx_http_xborder_subject_lookup(ctx->sh, set->id, &subjects[i])) {
            continue;
        }

        node = ngx_http_xborder_zone_alloc(ctx,
                                   offsetof(ngx_rbtree_node_t, color)
                                   + sizeof(ngx_http_xborder_subject_t),
                                   year);
        if (node == NULL) {
            st = XB_ERR_NOMEM;
            goto done;
        }

        node->key = ngx_http_xborder_subject_key(subjects[i].hash, set->id);

        s = (ngx_http_xborder_subject_t *) &node->color;
        s->cls = subjects[i].cls;
        s->set = set->id;
        ngx_memcpy(s->rest, subjects[i].hash + 8, sizeof(s->rest));

        ngx_rbtree_insert(&ctx->sh->rbtree, node);

        set->count[s->cls]++;
        (void) ngx_atomic_fetch_add(&ctx->sh->metrics.subjects_stored, 1);
    }

done:

    ngx_http_xborder_set_totals(set, &totals);

    ngx_shmtx_unlock(&ctx->shpool->mutex);

    if (st != XB_OK) {
        (void) ngx_atomic_fetch_add(&ctx->sh->metrics.counter_errors, 1);
        return st;
    }

    if (done) {
        done(arg, XB_OK, &totals);
    }

    return XB_OK;
}


static xb_status
ngx_http_xborder_counter_set_baseline(xb_counter *c, const char *uscc,
    int year, const xb_subject_counts *baseline, xb_counter_done done,
    void *arg)
{
    size_t                        len;
    xb_subject_counts             totals;
    ngx_http_xborder_set_t       *set;
    ngx_http_xborder_zone_ctx_t  *ctx;

    ctx = ngx_http_xborder_counter_zone(c, uscc, &len);
    if (ctx == NULL || baseline == NULL) {
        return XB_ERR_INVALID;
    }

    ngx_shmtx_lock(&ctx->shpool->mutex);

    set = ngx_http_xborder_set_get(ctx, uscc, len, year);

    if (set) {
        set->baseline[XB_SUBJECT_GENERAL] = baseline->general;
        set->baseline[XB_SUBJECT_SENSITIVE] = baseline->sensitive;
        ngx_http_xborder_set_totals(set, &totals);
    }

    ngx_shmtx_unlock(&ctx->shpool->mutex);

    if (set == NULL) {
        return XB_ERR_NOMEM;
    }

    if (done) {
        done(arg, XB_OK, &totals);
    }

    return XB_OK;
}


static void
ngx_http_xborder_counter_destroy(xb_counter *c)
{
    /* lives in the configuration pool */
}


void
ngx_http_xborder_counter_init(ngx_http_xborder_counter_t *c,
    ngx_shm_zone_t *shm_zone)
{
    c->base.ops = &ngx_http_xborder_counter_ops;
    c->shm_zone = shm_zone;
}


/*
 * the year-to-date totals of every (exporter, year) for the status page,
 * as Prometheus lines; returns the end of what was written, at most "end"
 */
u_char *
ngx_http_xborder_print_sets(ngx_shm_zone_t *shm_zone, u_char *p, u_char *end)
{
    ngx_uint_t                    cls;
    ngx_queue_t                  *q;
    ngx_http_xborder_set_t       *set;
    ngx_http_xborder_zone_ctx_t  *ctx;

    static const char  *classes[] = { "general", "sensitive" };

    ctx = shm_zone->data;

    ngx_shmtx_lock(&ctx->shpool->mutex);

    for (q = ngx_queue_head(&ctx->sh->sets);
         q != ngx_queue_sentinel(&ctx->sh->sets);
         q = ngx_queue_next(q))
    {
        set = ngx_queue_data(q, ngx_http_xborder_set_t, queue);

        for (cls = 0; cls < 2; cls++) {
            if (end - p < (ssize_t) (128 + NGX_HTTP_XBORDER_USCC_MAX)) {
                goto done;
            }

            p = ngx_sprintf(p, "xborder_individuals{uscc=\"%*s\",year=\"%d\","
                               "class=\"%s\"} %uL\n",
                            set->uscc_len, set->uscc, set->year, classes[cls],
                            set->baseline[cls] + set->count[cls]);
        }
    }

done:

    ngx_shmtx_unlock(&ctx->shpool->mutex);

    return p;
}


/* the number of (exporter, year) sets, to size the status page */
ngx_uint_t
ngx_http_xborder_count_sets(ngx_shm_zone_t *shm_zone)
{
    ngx_uint_t                    n;
    ngx_queue_t                  *q;
    ngx_http_xborder_zone_ctx_t  *ctx;

    ctx = shm_zone->data;
    n = 0;

    ngx_shmtx_lock(&ctx->shpool->mutex);

    for (q = ngx_queue_head(&ctx->sh->sets);
         q != ngx_queue_sentinel(&ctx->sh->sets);
         q = ngx_queue_next(q))
    {
        n++;
    }

    ngx_shmtx_unlock(&ctx->shpool->mutex);

    return n;
}


/* metrics: findings per catalog entry */


void
ngx_http_xborder_count_entry(ngx_shm_zone_t *shm_zone, const xb_entry *entry,
    ngx_atomic_int_t n)
{
    size_t                          len, clen;
    ngx_uint_t                      i, slot;
    ngx_http_xborder_shctx_t       *sh;
    ngx_http_xborder_zone_ctx_t    *ctx;
    ngx_http_xborder_entry_stat_t  *e;

    if (entry == NULL || entry->id == NULL || shm_zone == NULL) {
        return;
    }

    ctx = shm_zone->data;
    sh = ctx->sh;

    len = ngx_min(ngx_strlen(entry->id), NGX_HTTP_XBORDER_ENTRY_NAME - 1);

    slot = ngx_hash_key((u_char *) entry->id, len);

    for (i = 0; i < NGX_HTTP_XBORDER_MAX_ENTRIES; i++) {

        e = &sh->entries[(slot + i) % NGX_HTTP_XBORDER_MAX_ENTRIES];

        if (!e->used) {

            ngx_shmtx_lock(&ctx->shpool->mutex);

            if (!e->used) {
                ngx_memcpy(e->name, entry->id, len);
                e->name[len] = '\0';

                clen = 0;

                if (entry->data_category) {
                    clen = ngx_min(ngx_strlen(entry->data_category),
                                   NGX_HTTP_XBORDER_CATEGORY_NAME - 1);
                    ngx_memcpy(e->category, entry->data_category, clen);
                }

                e->category[clen] = '\0';

                ngx_memory_barrier();
                e->used = 1;

                (void) ngx_atomic_fetch_add(&sh->metrics.entries_used, 1);
            }

            ngx_shmtx_unlock(&ctx->shpool->mutex);
        }

        if (ngx_strncmp(e->name, entry->id, len) == 0 && e->name[len] == '\0')
        {
            (void) ngx_atomic_fetch_add(&e->count, n);
            return;
        }
    }

    (void) ngx_atomic_fetch_add(&sh->metrics.entries_dropped, n);
}


/* remember what Redis answered for (uscc, year), and our totals then */
void
ngx_http_xborder_zone_remember(ngx_shm_zone_t *shm_zone, const char *uscc,
    int year, const xb_subject_counts *redis, const xb_subject_counts *local)
{
    size_t                        len;
    ngx_http_xborder_set_t       *set;
    ngx_http_xborder_zone_ctx_t  *ctx;

    if (shm_zone == NULL || uscc == NULL) {
        return;
    }

    ctx = shm_zone->data;
    len = ngx_strlen(uscc);

    if (ctx == NULL || ctx->sh == NULL || len == 0
        || len > NGX_HTTP_XBORDER_USCC_MAX)
    {
        return;
    }

    ngx_shmtx_lock(&ctx->shpool->mutex);

    set = ngx_http_xborder_set_get(ctx, uscc, len, year);

    if (set) {
        set->known = 1;
        set->redis_known[XB_SUBJECT_GENERAL] = redis->general;
        set->redis_known[XB_SUBJECT_SENSITIVE] = redis->sensitive;
        set->local_at_known[XB_SUBJECT_GENERAL] = local->general;
        set->local_at_known[XB_SUBJECT_SENSITIVE] = local->sensitive;
    }

    ngx_shmtx_unlock(&ctx->shpool->mutex);
}


/*
 * the best known totals of (uscc, year) without Redis: the larger of this
 * zone's totals and the last Redis totals plus what this zone counted
 * since; NGX_DECLINED when Redis never answered for it (then the estimate
 * is this zone's totals)
 */
ngx_int_t
ngx_http_xborder_zone_estimate(ngx_shm_zone_t *shm_zone, const char *uscc,
    int year, const xb_subject_counts *local, xb_subject_counts *estimate)
{
    size_t                        len;
    uint64_t                      since, v;
    ngx_int_t                     rc;
    ngx_uint_t                    cls;
    ngx_http_xborder_set_t       *set;
    ngx_http_xborder_zone_ctx_t  *ctx;
    uint64_t                      now[2], out[2];

    now[XB_SUBJECT_GENERAL] = local->general;
    now[XB_SUBJECT_SENSITIVE] = local->sensitive;
    out[XB_SUBJECT_GENERAL] = local->general;
    out[XB_SUBJECT_SENSITIVE] = local->sensitive;

    rc = NGX_DECLINED;

    ctx = shm_zone ? shm_zone->data : NULL;
    len = uscc ? ngx_strlen(uscc) : 0;

    if (ctx && ctx->sh && len && len <= NGX_HTTP_XBORDER_USCC_MAX) {

        ngx_shmtx_lock(&ctx->shpool->mutex);

        set = ngx_http_xborder_set_find(ctx->sh, uscc, len, year);

        if (set && set->known) {
            rc = NGX_OK;

            for (cls = 0; cls < 2; cls++) {
                since = now[cls] > set->local_at_known[cls]
                        ? now[cls] - set->local_at_known[cls] : 0;
                v = set->redis_known[cls] + since;

                if (v > out[cls]) {
                    out[cls] = v;
                }
            }
        }

        ngx_shmtx_unlock(&ctx->shpool->mutex);
    }

    estimate->general = out[XB_SUBJECT_GENERAL];
    estimate->sensitive = out[XB_SUBJECT_SENSITIVE];

    return rc;
}
