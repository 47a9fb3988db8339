/*
 * rp_verify.c - the streaming chain verifier; see rp_verify.h for what is
 * checked.
 *
 * Per chain it keeps the last record in order (seq, hash, stream id), a
 * small ring of recent records (to name the original of a duplicate), the
 * open gaps (to check a late record against both neighbours of its place)
 * and the valid checkpoints. A broken link between two records is only
 * attributed once the next link is known:
 *   - links a->b and b->c both broken: b was altered (its prev_hash and
 *     its content changed);
 *   - only a->b broken: a was altered (its content and stored hash were
 *     rewritten, b still names the original hash);
 *   - unless a signed checkpoint vouches for one of the two, in which case
 *     the other one is named.
 * A record already named altered (its stored hash or a signed checkpoint
 * disagrees with its text) explains the broken links around it, which are
 * then not reported again.
 */
#include "rp_verify.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classifier/core/xb_buf.h"
#include "classifier/parse/xb_parser.h"
#include "classifier/record/xb_record.h"
#include "rp_record.h"

#define RING 64
#define ID_MAX 48

typedef struct cp_ref {
    uint64_t seq;
    char hash[XB_HASH_HEX];
    char id[ID_MAX];
    bool matched;
} cp_ref;

typedef struct recent {
    uint64_t seq;
    char hash[XB_HASH_HEX];
    char id[ID_MAX];
} recent;

typedef struct gap {
    uint64_t from, to;
    char before_id[ID_MAX];       /* record before the gap ("" at a chain start) */
    char hash_before[XB_HASH_HEX]; /* its hash (or the anchor), "" when unknown */
    char after_id[ID_MAX];        /* record after the gap, "" at the end */
    char after_prev[XB_HASH_HEX]; /* that record's prev_hash, "" when unknown */
} gap;

typedef struct chain {
    char *name;
    /* scope */
    bool scoped;
    uint64_t from, to;
    /* checkpoints with a good signature, sorted by seq before records */
    cp_ref *cps;
    size_t n_cps, cap_cps;
    bool cps_sorted;
    /* head */
    bool has_head;
    uint64_t head_seq;
    char head_hash[XB_HASH_HEX];
    /* progress */
    bool started;
    size_t records;
    uint64_t first_seq, last_seq;
    char last_hash[XB_HASH_HEX];
    char last_id[ID_MAX];
    bool last_altered, last_certified;
    /* the highest seq a signed checkpoint vouched for (its record's hash
       matched, or the chain was anchored there); 0 when none */
    uint64_t vouched_seq;
    /* a broken link from the record before last to last */
    bool pending;
    char pend_prev_id[ID_MAX];
    bool pend_prev_altered, pend_prev_certified;
    recent ring[RING];
    size_t ring_n, ring_pos;
    gap *gaps;
    size_t n_gaps, cap_gaps;
    /* records beyond the head, reported at the end */
    uint64_t beyond_from, beyond_to;
    char beyond_id[ID_MAX];
} chain;

struct rp_verifier {
    xb_key *const *keys;
    size_t n_keys;
    char key_ids[8][17];
    chain **chains;
    size_t n_chains, cap_chains;
    bool scoped_only;
    bool anchored_starts;
    bool heads_seen;
    rp_problem *problems;
    size_t n_problems, cap_problems;
    char **notes;
    size_t n_notes, cap_notes;
    rp_verify_stats stats;
    rp_record_parser *parser;
    chain *recent_chain;  /* the chain of the previous lookup (records of a
                             chain often come in runs) */
    xb_status error; /* first allocation failure */
};

const char *rp_problem_kind_name(rp_problem_kind k)
{
    switch (k) {
    case RP_PROBLEM_ALTERED: return "altered";
    case RP_PROBLEM_MISSING: return "missing";
    case RP_PROBLEM_INSERTED: return "inserted";
    case RP_PROBLEM_REORDERED: return "reordered";
    case RP_PROBLEM_FORGED: return "forged";
    case RP_PROBLEM_MALFORMED: return "malformed";
    case RP_PROBLEM_UNANCHORED: return "unanchored";
    }
    return "unknown";
}

rp_verifier *rp_verifier_new(xb_key *const *keys, size_t n_keys)
{
    rp_verifier *v = calloc(1, sizeof(*v));
    if (!v)
        return NULL;
    v->parser = rp_record_parser_new();
    if (!v->parser) {
        free(v);
        return NULL;
    }
    v->keys = keys;
    v->n_keys = n_keys;
    for (size_t i = 0; i < n_keys && i < 8; i++)
        xb_key_id(keys[i], v->key_ids[i]);
    return v;
}

void rp_verifier_free(rp_verifier *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->n_chains; i++) {
        free(v->chains[i]->name);
        free(v->chains[i]->cps);
        free(v->chains[i]->gaps);
        free(v->chains[i]);
    }
    free(v->chains);
    for (size_t i = 0; i < v->n_problems; i++) {
        free(v->problems[i].chain);
        free(v->problems[i].message);
    }
    free(v->problems);
    for (size_t i = 0; i < v->n_notes; i++)
        free(v->notes[i]);
    free(v->notes);
    rp_record_parser_free(v->parser);
    free(v);
}

static void copy(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

/* Abbreviated hash for messages. */
static const char *brief(const char *hash, char out[16])
{
    snprintf(out, 16, "%.12s...", hash);
    return out;
}

static void add_problem(rp_verifier *v, rp_problem_kind kind, const char *chain_name,
                        uint64_t seq, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void add_problem(rp_verifier *v, rp_problem_kind kind, const char *chain_name,
                        uint64_t seq, const char *fmt, ...)
{
    if (v->n_problems == v->cap_problems) {
        size_t cap = v->cap_problems ? v->cap_problems * 2 : 16;
        rp_problem *p = realloc(v->problems, cap * sizeof(*p));
        if (!p) {
            v->error = XB_ERR_NOMEM;
            return;
        }
        v->problems = p;
        v->cap_problems = cap;
    }
    xb_buf b = XB_BUF_INIT;
    char body[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof(body), fmt, ap);
    va_end(ap);
    if (chain_name && *chain_name)
        xb_buf_printf(&b, "chain %s: %s", chain_name, body);
    else
        xb_buf_append_str(&b, body);
    rp_problem *p = &v->problems[v->n_problems];
    p->kind = kind;
    p->chain = strdup(chain_name ? chain_name : "");
    p->seq = seq;
    p->message = xb_buf_take(&b);
    if (!p->chain || !p->message) {
        free(p->chain);
        free(p->message);
        v->error = XB_ERR_NOMEM;
        return;
    }
    v->n_problems++;
}

static void add_note(rp_verifier *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add_note(rp_verifier *v, const char *fmt, ...)
{
    if (v->n_notes == v->cap_notes) {
        size_t cap = v->cap_notes ? v->cap_notes * 2 : 8;
        char **n = realloc(v->notes, cap * sizeof(*n));
        if (!n) {
            v->error = XB_ERR_NOMEM;
            return;
        }
        v->notes = n;
        v->cap_notes = cap;
    }
    char body[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof(body), fmt, ap);
    va_end(ap);
    char *s = strdup(body);
    if (!s) {
        v->error = XB_ERR_NOMEM;
        return;
    }
    v->notes[v->n_notes++] = s;
}

static chain *find_chain(const rp_verifier *v, const char *name)
{
    for (size_t i = 0; i < v->n_chains; i++)
        if (!strcmp(v->chains[i]->name, name))
            return v->chains[i];
    return NULL;
}

static chain *get_chain(rp_verifier *v, const char *name)
{
    if (v->recent_chain && !strcmp(v->recent_chain->name, name))
        return v->recent_chain;
    chain *c = find_chain(v, name);
    if (c)
        return v->recent_chain = c;
    if (v->n_chains == v->cap_chains) {
        size_t cap = v->cap_chains ? v->cap_chains * 2 : 8;
        chain **p = realloc(v->chains, cap * sizeof(*p));
        if (!p)
            return NULL;
        v->chains = p;
        v->cap_chains = cap;
    }
    c = calloc(1, sizeof(*c));
    if (!c || !(c->name = strdup(name))) {
        free(c);
        return NULL;
    }
    v->chains[v->n_chains++] = c;
    return c;
}

/* ---- checkpoints ------------------------------------------------------ */

/* The fields of a canonical checkpoint text. */
typedef struct cp_text {
    xb_buf chain, hash, key_id, seq;
} cp_text;

static xb_status cp_value(void *ctx, const xb_value *val)
{
    cp_text *t = ctx;
    xb_buf *dst = NULL;
    if (val->kind == XB_VALUE_KEY)
        return XB_OK;
    if (val->path_len == 6 && !memcmp(val->path, "/chain", 6))
        dst = &t->chain;
    else if (val->path_len == 5 && !memcmp(val->path, "/hash", 5))
        dst = &t->hash;
    else if (val->path_len == 7 && !memcmp(val->path, "/key_id", 7))
        dst = &t->key_id;
    else if (val->path_len == 4 && !memcmp(val->path, "/seq", 4))
        dst = &t->seq;
    if (!dst)
        return XB_OK;
    xb_buf_reset(dst);
    return xb_buf_append(dst, val->data, val->len);
}

static bool parse_cp_text(const char *text, cp_text *t)
{
    xb_limits lim;
    xb_limits_default(&lim);
    lim.max_depth = 4;
    xb_parser_params params = {&lim, {t, cp_value, NULL}, 0, NULL, "application/json"};
    xb_parser *p = xb_json_parser.create(&params);
    if (!p)
        return false;
    size_t n = strlen(text);
    xb_status st = n && text[0] == '{' ? xb_json_parser.feed(p, (const uint8_t *)text, n)
                                       : XB_ERR_MALFORMED;
    if (st == XB_OK)
        st = xb_json_parser.finish(p);
    xb_json_parser.destroy(p);
    return st == XB_OK;
}

static int cmp_cp(const void *a, const void *b)
{
    uint64_t x = ((const cp_ref *)a)->seq, y = ((const cp_ref *)b)->seq;
    return x < y ? -1 : x > y;
}

xb_status rp_verifier_checkpoint(rp_verifier *v, const rp_checkpoint *c)
{
    v->stats.checkpoints++;
    uint64_t entry_seq = 0;
    bool entry_seq_ok = rp_parse_seq(c->seq, &entry_seq);
    const char *where_chain = c->chain;
    bool good_sig = false;
    for (size_t i = 0; i < v->n_keys && !good_sig; i++)
        good_sig = xb_verify(v->keys[i], c->cp, strlen(c->cp), c->sig);
    cp_text t = {XB_BUF_INIT, XB_BUF_INIT, XB_BUF_INIT, XB_BUF_INIT};
    bool parsed = c->cp[0] && parse_cp_text(c->cp, &t);
    uint64_t signed_seq = 0;
    bool signed_seq_ok = parsed && rp_parse_seq(xb_buf_cstr(&t.seq), &signed_seq);
    const char *label_seq = entry_seq_ok ? c->seq : (signed_seq_ok ? xb_buf_cstr(&t.seq) : "?");

    if (!good_sig) {
        char known[96] = "";
        const char *claimed = parsed ? xb_buf_cstr(&t.key_id) : c->key_id;
        bool ours = false;
        for (size_t i = 0; i < v->n_keys && i < 8; i++)
            ours = ours || !strcmp(claimed, v->key_ids[i]);
        if (claimed[0] && !ours && v->n_keys)
            snprintf(known, sizeof(known), " (claims key %.16s; the given key is %s)", claimed,
                     v->key_ids[0]);
        add_problem(v, RP_PROBLEM_FORGED, where_chain, entry_seq,
                    "checkpoint at seq %s (checkpoint id %s) forged: bad signature%s", label_seq,
                    c->id, known);
    } else if (!parsed || !signed_seq_ok) {
        add_problem(v, RP_PROBLEM_MALFORMED, where_chain, entry_seq,
                    "checkpoint at seq %s (checkpoint id %s): signed text is not a checkpoint",
                    label_seq, c->id);
        good_sig = false;
    } else {
        where_chain = xb_buf_cstr(&t.chain);
        if (strcmp(c->chain, where_chain) || !entry_seq_ok || entry_seq != signed_seq ||
            strcmp(c->hash, xb_buf_cstr(&t.hash)))
            add_problem(v, RP_PROBLEM_FORGED, where_chain, signed_seq,
                        "checkpoint at seq %llu (checkpoint id %s) forged: its entry fields "
                        "(chain %s, seq %s) differ from its signed text (chain %s, seq %llu)",
                        (unsigned long long)signed_seq, c->id, c->chain, c->seq, where_chain,
                        (unsigned long long)signed_seq);
    }
    if (good_sig) {
        v->stats.checkpoints_valid++;
        chain *ch = get_chain(v, where_chain);
        if (!ch) {
            v->error = XB_ERR_NOMEM;
        } else {
            if (ch->n_cps == ch->cap_cps) {
                size_t cap = ch->cap_cps ? ch->cap_cps * 2 : 8;
                cp_ref *p = realloc(ch->cps, cap * sizeof(*p));
                if (!p)
                    v->error = XB_ERR_NOMEM;
                else {
                    ch->cps = p;
                    ch->cap_cps = cap;
                }
            }
            if (ch->n_cps < ch->cap_cps) {
                cp_ref *r = &ch->cps[ch->n_cps++];
                memset(r, 0, sizeof(*r));
                r->seq = signed_seq;
                copy(r->hash, sizeof(r->hash), xb_buf_cstr(&t.hash));
                copy(r->id, sizeof(r->id), c->id);
                ch->cps_sorted = false;
            }
        }
    }
    xb_buf_free(&t.chain);
    xb_buf_free(&t.hash);
    xb_buf_free(&t.key_id);
    xb_buf_free(&t.seq);
    return v->error;
}

static void sort_cps(chain *c)
{
    if (!c->cps_sorted && c->n_cps > 1)
        qsort(c->cps, c->n_cps, sizeof(cp_ref), cmp_cp);
    c->cps_sorted = true;
}

/* Index of the first valid checkpoint with seq >= s (n_cps when none). */
static size_t cp_lower(chain *c, uint64_t s)
{
    sort_cps(c);
    size_t lo = 0, hi = c->n_cps;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (c->cps[mid].seq < s)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

const char *rp_verifier_checkpoint_hash(const rp_verifier *v, const char *name, uint64_t seq)
{
    chain *c = find_chain(v, name);
    if (!c)
        return NULL;
    size_t i = cp_lower(c, seq);
    return i < c->n_cps && c->cps[i].seq == seq ? c->cps[i].hash : NULL;
}

uint64_t rp_verifier_checkpoint_before(const rp_verifier *v, const char *name, uint64_t below)
{
    chain *c = find_chain(v, name);
    if (!c || !c->n_cps)
        return 0;
    if (below == 0) {
        sort_cps(c);
        return c->cps[c->n_cps - 1].seq;
    }
    size_t i = cp_lower(c, below);
    return i ? c->cps[i - 1].seq : 0;
}

uint64_t rp_verifier_checkpoint_from(const rp_verifier *v, const char *name, uint64_t at_least)
{
    chain *c = find_chain(v, name);
    if (!c)
        return 0;
    size_t i = cp_lower(c, at_least);
    return i < c->n_cps ? c->cps[i].seq : 0;
}

/* ---- heads and scopes ------------------------------------------------- */

xb_status rp_verifier_head(rp_verifier *v, const char *name, const char *value)
{
    v->heads_seen = true;
    chain *c = get_chain(v, name);
    if (!c)
        return v->error = XB_ERR_NOMEM;
    const char *sp = strchr(value, ' ');
    char seq[32] = "";
    if (sp && (size_t)(sp - value) < sizeof(seq))
        memcpy(seq, value, (size_t)(sp - value));
    if (!sp || !rp_parse_seq(seq, &c->head_seq) || strlen(sp + 1) != 64) {
        add_problem(v, RP_PROBLEM_MALFORMED, name, 0,
                    "head '%.100s' is not '<seq> <hash>'", value);
        return v->error;
    }
    c->has_head = true;
    copy(c->head_hash, sizeof(c->head_hash), sp + 1);
    return XB_OK;
}

xb_status rp_verifier_scope(rp_verifier *v, const char *name, uint64_t from, uint64_t to)
{
    chain *c = get_chain(v, name);
    if (!c)
        return v->error = XB_ERR_NOMEM;
    c->scoped = true;
    c->from = from ? from : 1;
    c->to = to;
    return XB_OK;
}

void rp_verifier_scoped_only(rp_verifier *v, bool on)
{
    v->scoped_only = on;
}

void rp_verifier_anchored_starts(rp_verifier *v, bool on)
{
    v->anchored_starts = on;
}

/* ---- records ---------------------------------------------------------- */

static void ring_push(chain *c, uint64_t seq, const char *hash, const char *id)
{
    recent *r = &c->ring[c->ring_pos];
    r->seq = seq;
    copy(r->hash, sizeof(r->hash), hash);
    copy(r->id, sizeof(r->id), id);
    c->ring_pos = (c->ring_pos + 1) % RING;
    if (c->ring_n < RING)
        c->ring_n++;
}

static const recent *ring_find(const chain *c, uint64_t seq)
{
    for (size_t i = 0; i < c->ring_n; i++)
        if (c->ring[i].seq == seq)
            return &c->ring[i];
    return NULL;
}

static gap *add_gap(rp_verifier *v, chain *c)
{
    if (c->n_gaps == c->cap_gaps) {
        size_t cap = c->cap_gaps ? c->cap_gaps * 2 : 4;
        gap *g = realloc(c->gaps, cap * sizeof(*g));
        if (!g) {
            v->error = XB_ERR_NOMEM;
            return NULL;
        }
        c->gaps = g;
        c->cap_gaps = cap;
    }
    gap *g = &c->gaps[c->n_gaps++];
    memset(g, 0, sizeof(*g));
    return g;
}

static void seq_range(char *out, size_t n, uint64_t a, uint64_t b)
{
    if (a == b)
        snprintf(out, n, "%llu", (unsigned long long)a);
    else
        snprintf(out, n, "%llu-%llu", (unsigned long long)a, (unsigned long long)b);
}

/*
 * When record s contradicts its signed checkpoint but links to its
 * predecessor, the forger may have changed an earlier record and rewritten
 * the chain up to s: name the records since the last seq a checkpoint
 * vouched for (or since the chain's first record) as suspects too.
 * Writes "" when there are none.
 */
static void suspects_before(const chain *c, uint64_t s, char *out, size_t n)
{
    out[0] = '\0';
    if (!c->started)
        return; /* s is the chain's first record */
    uint64_t from = c->vouched_seq + 1;
    if (from < c->first_seq)
        from = c->first_seq;
    if (from >= s)
        return;
    char range[64];
    seq_range(range, sizeof(range), from, s - 1);
    if (c->vouched_seq && c->vouched_seq + 1 == from)
        snprintf(out, n, "; seq %s, after the last checkpoint that matches (seq %llu), may "
                 "have been rewritten with it", range, (unsigned long long)c->vouched_seq);
    else
        snprintf(out, n, "; seq %s, which no matching checkpoint covers, may have been "
                 "rewritten with it", range);
}

/*
 * Settle a broken link into the last record (from the record before it)
 * when the following link is unknown: at a gap or at the end of the chain.
 */
static void settle_pending(rp_verifier *v, chain *c)
{
    if (!c->pending)
        return;
    c->pending = false;
    uint64_t s = c->last_seq;
    if (c->pend_prev_altered || c->last_altered)
        return;
    if (c->pend_prev_certified && !c->last_certified)
        add_problem(v, RP_PROBLEM_ALTERED, c->name, s,
                    "record seq %llu (stream id %s) altered or forged: it does not link to "
                    "seq %llu (stream id %s), which a signed checkpoint confirms",
                    (unsigned long long)s, c->last_id, (unsigned long long)(s - 1),
                    c->pend_prev_id);
    else if (c->last_certified && !c->pend_prev_certified)
        add_problem(v, RP_PROBLEM_ALTERED, c->name, s - 1,
                    "record seq %llu (stream id %s) altered: its hash is not the prev_hash of "
                    "seq %llu (stream id %s), which a signed checkpoint confirms",
                    (unsigned long long)(s - 1), c->pend_prev_id, (unsigned long long)s,
                    c->last_id);
    else
        add_problem(v, RP_PROBLEM_ALTERED, c->name, s - 1,
                    "link broken between seq %llu (stream id %s) and seq %llu (stream id %s): "
                    "the prev_hash of seq %llu is not the hash of seq %llu, one of the two "
                    "records was altered",
                    (unsigned long long)(s - 1), c->pend_prev_id, (unsigned long long)s,
                    c->last_id, (unsigned long long)s, (unsigned long long)(s - 1));
}

/* A record arriving after records with higher seq: fill its gap. */
static void late_record(rp_verifier *v, chain *c, uint64_t s, const char *id,
                        const char *hash, const char *prev_hash, bool altered)
{
    size_t gi = c->n_gaps;
    for (size_t i = 0; i < c->n_gaps; i++)
        if (c->gaps[i].from <= s && s <= c->gaps[i].to)
            gi = i;
    if (gi == c->n_gaps) {
        const recent *orig = ring_find(c, s);
        if (orig && !strcmp(orig->hash, hash))
            add_problem(v, RP_PROBLEM_INSERTED, c->name, s,
                        "record inserted: seq %llu (stream id %s) is a second copy of seq %llu "
                        "(stream id %s)",
                        (unsigned long long)s, id, (unsigned long long)s, orig->id);
        else if (orig)
            add_problem(v, RP_PROBLEM_INSERTED, c->name, s,
                        "record inserted: seq %llu (stream id %s) conflicts with seq %llu "
                        "filed at stream id %s",
                        (unsigned long long)s, id, (unsigned long long)s, orig->id);
        else
            add_problem(v, RP_PROBLEM_INSERTED, c->name, s,
                        "record inserted: seq %llu (stream id %s) repeats a sequence number "
                        "already filed (the chain was at seq %llu)",
                        (unsigned long long)s, id, (unsigned long long)c->last_seq);
        return;
    }
    gap g = c->gaps[gi];
    add_problem(v, RP_PROBLEM_REORDERED, c->name, s,
                "records reordered: seq %llu (stream id %s) filed after seq %llu (stream id "
                "%s); its place is between stream ids %s and %s",
                (unsigned long long)s, id, (unsigned long long)c->last_seq, c->last_id,
                g.before_id[0] ? g.before_id : "(start)", g.after_id[0] ? g.after_id : "(end)");
    if (!altered && s == g.from && g.hash_before[0] && strcmp(prev_hash, g.hash_before))
        add_problem(v, RP_PROBLEM_ALTERED, c->name, s,
                    "record seq %llu (stream id %s) altered: it does not link to seq %llu",
                    (unsigned long long)s, id, (unsigned long long)(s - 1));
    else if (!altered && s == g.to && g.after_prev[0] && strcmp(hash, g.after_prev))
        add_problem(v, RP_PROBLEM_ALTERED, c->name, s,
                    "record seq %llu (stream id %s) altered: its hash is not the prev_hash of "
                    "seq %llu (stream id %s)",
                    (unsigned long long)s, id, (unsigned long long)(s + 1), g.after_id);
    /* Shrink or split the gap around s. */
    gap *cur = &c->gaps[gi];
    if (g.from == g.to) {
        c->gaps[gi] = c->gaps[--c->n_gaps];
    } else if (s == g.from) {
        cur->from = s + 1;
        copy(cur->before_id, sizeof(cur->before_id), id);
        copy(cur->hash_before, sizeof(cur->hash_before), hash);
    } else if (s == g.to) {
        cur->to = s - 1;
        copy(cur->after_id, sizeof(cur->after_id), id);
        copy(cur->after_prev, sizeof(cur->after_prev), prev_hash);
    } else {
        cur->to = s - 1;
        copy(cur->after_id, sizeof(cur->after_id), id);
        copy(cur->after_prev, sizeof(cur->after_prev), prev_hash);
        gap *n = add_gap(v, c);
        if (n) {
            *n = g;
            n->from = s + 1;
            copy(n->before_id, sizeof(n->before_id), id);
            copy(n->hash_before, sizeof(n->hash_before), hash);
        }
    }
}

/* Start a chain at its first record: decide where it is anchored. */
static void start_chain(rp_verifier *v, chain *c, uint64_t s, const char *prev_hash,
                        const char *id)
{
    c->started = true;
    c->first_seq = s;
    uint64_t from = c->scoped ? c->from : 1;
    if (!c->scoped && s > 1 && v->anchored_starts) {
        /* An export that begins after a checkpoint is anchored by it. */
        size_t i = cp_lower(c, s - 1);
        if (i < c->n_cps && c->cps[i].seq == s - 1) {
            from = s;
            add_note(v, "chain %s: verified from seq %llu, anchored by the signed checkpoint at "
                        "seq %llu (earlier records are not in the input)",
                     c->name, (unsigned long long)s, (unsigned long long)(s - 1));
        }
    }
    c->last_seq = from - 1;
    c->last_id[0] = '\0';
    c->last_certified = false;
    if (from == 1) {
        copy(c->last_hash, sizeof(c->last_hash), xb_record_genesis);
        return;
    }
    size_t i = cp_lower(c, from - 1);
    if (i < c->n_cps && c->cps[i].seq == from - 1) {
        copy(c->last_hash, sizeof(c->last_hash), c->cps[i].hash);
        copy(c->last_id, sizeof(c->last_id), c->cps[i].id);
        c->last_certified = true;
        c->vouched_seq = from - 1;
        return;
    }
    /* A scope whose start no valid checkpoint vouches for. */
    add_problem(v, RP_PROBLEM_UNANCHORED, c->name, from,
                "window start not anchored: no valid signed checkpoint at seq %llu, so seq "
                "%llu (stream id %s) cannot be tied to the chain",
                (unsigned long long)(from - 1), (unsigned long long)s, id);
    copy(c->last_hash, sizeof(c->last_hash), prev_hash); /* check the rest from here */
}

xb_status rp_verifier_record(rp_verifier *v, const rp_entry *e)
{
    char computed[XB_HASH_HEX], b1[16], b2[16];
    uint64_t entry_seq = 0;
    bool entry_seq_ok = rp_parse_seq(e->seq, &entry_seq);
    if (!e->rec_len) {
        v->stats.records++;
        add_problem(v, RP_PROBLEM_MALFORMED, e->chain, entry_seq,
                    "stream id %s: entry without record text (seq '%.20s')", e->id, e->seq);
        return v->error;
    }
    xb_sha256_hex(e->rec, e->rec_len, computed);
    rp_record r;
    char perr[256];
    if (rp_record_parse(v->parser, e->rec, e->rec_len, &r, perr, sizeof(perr)) != XB_OK ||
        !r.chain[0] || !r.seq) {
        v->stats.records++;
        add_problem(v, RP_PROBLEM_ALTERED, e->chain, entry_seq,
                    "record seq %s (stream id %s) altered: its text is not a record (%s)",
                    e->seq, e->id, r.chain[0] ? perr : "no chain or seq");
        return v->error;
    }
    uint64_t s = r.seq;
    chain *c = get_chain(v, r.chain);
    if (!c)
        return v->error = XB_ERR_NOMEM;
    if ((v->scoped_only && !c->scoped) ||
        (c->scoped && (s < c->from || (c->to && s > c->to)))) {
        v->stats.records_skipped++;
        return XB_OK;
    }
    if (c->has_head && s > c->head_seq) {
        /* Records the heads do not account for: inserted after the head. */
        v->stats.records++;
        if (!c->beyond_from || s < c->beyond_from) {
            c->beyond_from = s;
            copy(c->beyond_id, sizeof(c->beyond_id), e->id);
        }
        if (s > c->beyond_to)
            c->beyond_to = s;
        return XB_OK;
    }
    v->stats.records++;
    c->records++;
    bool altered = false, certified = false;
    if (strcmp(computed, e->hash)) {
        add_problem(v, RP_PROBLEM_ALTERED, c->name, s,
                    "record seq %llu (stream id %s) altered: hash mismatch (stored %s, computed "
                    "from the text %s)",
                    (unsigned long long)s, e->id, brief(e->hash, b1), brief(computed, b2));
        altered = true;
    }
    if (strcmp(e->chain, r.chain) || !entry_seq_ok || entry_seq != s) {
        add_problem(v, RP_PROBLEM_ALTERED, c->name, s,
                    "record seq %llu (stream id %s) altered: its entry fields (chain %s, seq "
                    "%s) differ from its text (chain %s, seq %llu)",
                    (unsigned long long)s, e->id, e->chain, e->seq, r.chain,
                    (unsigned long long)s);
    }
    for (size_t i = cp_lower(c, s); i < c->n_cps && c->cps[i].seq == s; i++) {
        c->cps[i].matched = true;
        if (!strcmp(c->cps[i].hash, computed)) {
            certified = true;
        } else if (!altered) {
            char also[256];
            suspects_before(c, s, also, sizeof(also));
            add_problem(v, RP_PROBLEM_ALTERED, c->name, s,
                        "record seq %llu (stream id %s) altered or replaced: its hash %s is not "
                        "the hash %s signed by the checkpoint at seq %llu (checkpoint id %s)%s",
                        (unsigned long long)s, e->id, brief(computed, b1),
                        brief(c->cps[i].hash, b2), (unsigned long long)s, c->cps[i].id, also);
            altered = true;
        }
    }
    if (certified)
        v->stats.checkpoints_matched++;

    if (!c->started)
        start_chain(v, c, s, r.prev_hash, e->id);

    uint64_t expected = c->last_seq + 1;
    if (s < expected) {
        late_record(v, c, s, e->id, computed, r.prev_hash, altered);
        ring_push(c, s, computed, e->id);
        return v->error;
    }
    if (s > expected) {
        settle_pending(v, c);
        gap *g = add_gap(v, c);
        if (g) {
            g->from = expected;
            g->to = s - 1;
            copy(g->before_id, sizeof(g->before_id), c->last_id);
            copy(g->hash_before, sizeof(g->hash_before), c->last_hash);
            copy(g->after_id, sizeof(g->after_id), e->id);
            copy(g->after_prev, sizeof(g->after_prev), r.prev_hash);
        }
    } else {
        bool link_ok = !strcmp(r.prev_hash, c->last_hash);
        if (c->pending) {
            c->pending = false;
            uint64_t b = c->last_seq; /* links (b-1 -> b) and maybe (b -> s) broken */
            if (!link_ok) {
                if (!c->last_altered && !altered)
                    add_problem(v, RP_PROBLEM_ALTERED, c->name, b,
                                "record seq %llu (stream id %s) altered: it links neither to "
                                "seq %llu nor to seq %llu (stream id %s)",
                                (unsigned long long)b, c->last_id, (unsigned long long)(b - 1),
                                (unsigned long long)s, e->id);
            } else if (!c->pend_prev_altered && !c->last_altered) {
                if (c->pend_prev_certified)
                    add_problem(v, RP_PROBLEM_ALTERED, c->name, b,
                                "record seq %llu (stream id %s) altered or forged: it does not "
                                "link to seq %llu (stream id %s), which a signed checkpoint "
                                "confirms",
                                (unsigned long long)b, c->last_id, (unsigned long long)(b - 1),
                                c->pend_prev_id);
                else
                    add_problem(v, RP_PROBLEM_ALTERED, c->name, b - 1,
                                "record seq %llu (stream id %s) altered: its hash is not the "
                                "prev_hash of seq %llu (stream id %s)",
                                (unsigned long long)(b - 1), c->pend_prev_id,
                                (unsigned long long)b, c->last_id);
            }
        } else if (!link_ok && !c->last_altered && !altered) {
            if (s == 1) {
                add_problem(v, RP_PROBLEM_ALTERED, c->name, s,
                            "record seq 1 (stream id %s) altered: its prev_hash is not the "
                            "genesis hash", e->id);
            } else if (!c->last_id[0] && c->last_certified) {
                add_problem(v, RP_PROBLEM_ALTERED, c->name, s,
                            "record seq %llu (stream id %s) altered or forged: it does not "
                            "link to the hash signed by the checkpoint at seq %llu",
                            (unsigned long long)s, e->id, (unsigned long long)(s - 1));
            } else {
                c->pending = true;
                copy(c->pend_prev_id, sizeof(c->pend_prev_id), c->last_id);
                c->pend_prev_altered = c->last_altered;
                c->pend_prev_certified = c->last_certified;
            }
        }
    }
    c->last_seq = s;
    copy(c->last_hash, sizeof(c->last_hash), computed);
    copy(c->last_id, sizeof(c->last_id), e->id);
    c->last_altered = altered;
    c->last_certified = certified;
    if (certified && s > c->vouched_seq)
        c->vouched_seq = s;
    ring_push(c, s, computed, e->id);
    return v->error;
}

/* ---- end -------------------------------------------------------------- */

static int cmp_problem(const void *a, const void *b)
{
    const rp_problem *x = a, *y = b;
    int c = strcmp(x->chain, y->chain);
    if (c)
        return c;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void finish_chain(rp_verifier *v, chain *c, bool heads_complete)
{
    char range[64];
    sort_cps(c);
    settle_pending(v, c);
    for (size_t i = 0; i < c->n_gaps; i++) {
        const gap *g = &c->gaps[i];
        seq_range(range, sizeof(range), g->from, g->to);
        if (g->before_id[0])
            add_problem(v, RP_PROBLEM_MISSING, c->name, g->from,
                        "missing seq %s (between stream ids %s and %s)", range, g->before_id,
                        g->after_id);
        else
            add_problem(v, RP_PROBLEM_MISSING, c->name, g->from,
                        "missing seq %s (before stream id %s: the chain must start at seq %llu)",
                        range, g->after_id, (unsigned long long)(c->scoped ? c->from : 1));
    }
    /* How far the chain must reach: the head and every valid checkpoint. */
    uint64_t end = c->started ? c->last_seq : (c->scoped ? c->from - 1 : 0);
    uint64_t must = end;
    const char *why = NULL;
    char why_buf[160];
    for (size_t i = 0; i < c->n_cps; i++) {
        if (c->scoped && c->to && c->cps[i].seq > c->to)
            continue;
        if (c->cps[i].seq > must) {
            must = c->cps[i].seq;
            snprintf(why_buf, sizeof(why_buf), "the signed checkpoint at seq %llu (checkpoint "
                     "id %s)", (unsigned long long)c->cps[i].seq, c->cps[i].id);
            why = why_buf;
        }
    }
    bool to_end = heads_complete && !(c->scoped && c->to);
    if (to_end && c->has_head && c->head_seq > must) {
        must = c->head_seq;
        snprintf(why_buf, sizeof(why_buf), "the head (seq %llu)",
                 (unsigned long long)c->head_seq);
        why = why_buf;
    }
    if (must > end && why) {
        seq_range(range, sizeof(range), end + 1, must);
        if (c->started)
            add_problem(v, RP_PROBLEM_MISSING, c->name, end + 1,
                        "missing seq %s after stream id %s: %s shows the chain goes on to seq "
                        "%llu", range, c->last_id, why, (unsigned long long)must);
        else
            add_problem(v, RP_PROBLEM_MISSING, c->name, end + 1,
                        "missing seq %s: no record of this chain, but %s shows it has %llu",
                        range, why, (unsigned long long)must);
    }
    if (c->beyond_from) {
        seq_range(range, sizeof(range), c->beyond_from, c->beyond_to);
        add_problem(v, RP_PROBLEM_INSERTED, c->name, c->beyond_from,
                    "record inserted: seq %s (first at stream id %s) lies beyond the head, "
                    "which ends the chain at seq %llu",
                    range, c->beyond_id, (unsigned long long)c->head_seq);
    }
    if (to_end && c->started && c->has_head && c->head_seq == c->last_seq &&
        strcmp(c->head_hash, c->last_hash) && !c->last_altered) {
        char b1[16], b2[16];
        add_problem(v, RP_PROBLEM_ALTERED, c->name, c->last_seq,
                    "record seq %llu (stream id %s) altered or head forged: the head names hash "
                    "%s, the record hashes to %s",
                    (unsigned long long)c->last_seq, c->last_id, brief(c->head_hash, b1),
                    brief(c->last_hash, b2));
    }
    if (heads_complete && v->heads_seen && !c->has_head && c->records) {
        add_problem(v, RP_PROBLEM_INSERTED, c->name, c->first_seq,
                    "records inserted: this chain is not in the heads, so the gateway never "
                    "filed its %zu record(s) (first at seq %llu)",
                    c->records, (unsigned long long)c->first_seq);
    }
    /* Coverage by signatures: informative. */
    if (c->started) {
        uint64_t covered = 0;
        for (size_t i = 0; i < c->n_cps; i++)
            if (c->cps[i].matched && c->cps[i].seq <= c->last_seq && c->cps[i].seq > covered)
                covered = c->cps[i].seq;
        if (covered < c->last_seq) {
            seq_range(range, sizeof(range), covered + 1, c->last_seq);
            add_note(v, "chain %s: seq %s not yet covered by a signed checkpoint (protected by "
                        "the hash chain and the head only)", c->name, range);
        }
    }
}

static int cmp_chain(const void *a, const void *b)
{
    return strcmp((*(chain *const *)a)->name, (*(chain *const *)b)->name);
}

xb_status rp_verifier_finish(rp_verifier *v, bool heads_complete)
{
    size_t used = 0;
    if (v->n_chains > 1)
        qsort(v->chains, v->n_chains, sizeof(*v->chains), cmp_chain);
    for (size_t i = 0; i < v->n_chains; i++) {
        chain *c = v->chains[i];
        if (v->scoped_only && !c->scoped)
            continue;
        if (c->started || c->n_cps || c->has_head || c->scoped) {
            finish_chain(v, c, heads_complete);
            used++;
        }
    }
    v->stats.chains = used;
    if (v->n_problems > 1) {
        /* Stable order: sort by (chain, seq), keeping detection order for ties. */
        for (size_t i = 1; i < v->n_problems; i++) {
            rp_problem p = v->problems[i];
            size_t j = i;
            while (j > 0 && cmp_problem(&v->problems[j - 1], &p) > 0) {
                v->problems[j] = v->problems[j - 1];
                j--;
            }
            v->problems[j] = p;
        }
    }
    return v->error;
}

size_t rp_verifier_problem_count(const rp_verifier *v)
{
    return v->n_problems;
}

const rp_problem *rp_verifier_problem_at(const rp_verifier *v, size_t i)
{
    return i < v->n_problems ? &v->problems[i] : NULL;
}

size_t rp_verifier_note_count(const rp_verifier *v)
{
    return v->n_notes;
}

const char *rp_verifier_note_at(const rp_verifier *v, size_t i)
{
    return i < v->n_notes ? v->notes[i] : NULL;
}

const rp_verify_stats *rp_verifier_stats(const rp_verifier *v)
{
    return &v->stats;
}
