/*
 * test_verify_chain.c - the chain verifier (reporting/rp_verify.c) on
 * records made by the real canonical encoder and checkpoints signed with a
 * real Ed25519 key: an intact chain passes, and every kind of tampering is
 * named with the record it concerns.
 */
#include "xb_test.h"

#include <unistd.h>

#include "classifier/record/xb_record.h"
#include "classifier/record/xb_sign.h"
#include "reporting/rp_verify.h"

#define MAX_ENTRIES 64

typedef struct filed {
    char id[32];
    char chain[16];
    char seq[16];
    char hash[XB_HASH_HEX];
    char *rec;
} filed;

typedef struct signed_cp {
    char id[32];
    char chain[16];
    char seq[16];
    char hash[XB_HASH_HEX];
    char *cp;
    char sig[XB_SIG_HEX];
    char key_id[17];
} signed_cp;

typedef struct fixture {
    char dir[64];
    xb_key *priv, *pub, *other_priv;
    filed e[MAX_ENTRIES];
    size_t n;
    signed_cp cps[8];
    size_t n_cps;
} fixture;

static void make_record(fixture *f, const char *chain, uint64_t seq, const char *prev,
                        int64_t ts)
{
    xb_transfer_record r;
    memset(&r, 0, sizeof(r));
    char tid[17];
    snprintf(tid, sizeof(tid), "%016llx", (unsigned long long)(0xabc000 + f->n));
    r.transfer_id = tid;
    r.node = "gw1";
    r.chain = chain;
    r.seq = seq;
    r.ts_start_ms = ts;
    r.ts_end_ms = ts + 3;
    memcpy(r.prev_hash, prev, XB_HASH_HEX);
    r.exporter_id = "acme";
    r.exporter_uscc = "91310000MA1FL8XQ3A";
    r.recipient_country = "DE";
    r.dest_country = "DE";
    r.direction = "push";
    r.route = "exempt";
    r.outcome = "allow";
    r.enforced = "allow";
    r.mode = "enforce";
    r.year = 2026;
    r.catalog_version = "national-pi@1"; /* no empty object: see the final report */
    r.policy_version = "p@1";
    r.engine_version = "test";
    xb_buf b = XB_BUF_INIT;
    assert_int_equal(xb_record_encode(&r, &b), XB_OK);
    filed *e = &f->e[f->n++];
    snprintf(e->id, sizeof(e->id), "%lld-0", (long long)ts);
    snprintf(e->chain, sizeof(e->chain), "%s", chain);
    snprintf(e->seq, sizeof(e->seq), "%llu", (unsigned long long)seq);
    e->rec = xb_buf_take(&b);
    xb_sha256_hex(e->rec, strlen(e->rec), e->hash);
}

static void make_checkpoint(fixture *f, xb_key *key, const filed *at, int64_t ts)
{
    signed_cp *c = &f->cps[f->n_cps++];
    uint64_t seq = strtoull(at->seq, NULL, 10);
    xb_key_id(key, c->key_id);
    xb_buf b = XB_BUF_INIT;
    assert_int_equal(xb_checkpoint_encode("gw1", at->chain, seq, at->hash, ts, c->key_id, &b),
                     XB_OK);
    c->cp = xb_buf_take(&b);
    assert_int_equal(xb_sign(key, c->cp, strlen(c->cp), c->sig), XB_OK);
    snprintf(c->id, sizeof(c->id), "%lld-0", (long long)ts);
    snprintf(c->chain, sizeof(c->chain), "%s", at->chain);
    snprintf(c->seq, sizeof(c->seq), "%s", at->seq);
    memcpy(c->hash, at->hash, XB_HASH_HEX);
}

/* Two interleaved chains of 12 records; checkpoints of gw1/0 at 4 and 8. */
static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    char err[256];
    snprintf(f->dir, sizeof(f->dir), "/tmp/xb_test_verify_%d", (int)getpid());
    if (xb_keygen(f->dir, err, sizeof(err)) != XB_OK)
        return -1;
    char path[128];
    snprintf(path, sizeof(path), "%s/signing.key", f->dir);
    f->priv = xb_key_load_private(path, err, sizeof(err));
    snprintf(path, sizeof(path), "%s/signing.pub", f->dir);
    f->pub = xb_key_load_public(path, err, sizeof(err));
    char other[96];
    snprintf(other, sizeof(other), "%s/other", f->dir);
    if (xb_keygen(other, err, sizeof(err)) != XB_OK)
        return -1;
    snprintf(path, sizeof(path), "%s/signing.key", other);
    f->other_priv = xb_key_load_private(path, err, sizeof(err));
    if (!f->priv || !f->pub || !f->other_priv)
        return -1;
    char prev0[XB_HASH_HEX], prev1[XB_HASH_HEX];
    memcpy(prev0, xb_record_genesis, XB_HASH_HEX);
    memcpy(prev1, xb_record_genesis, XB_HASH_HEX);
    int64_t ts = 1790000000000;
    for (uint64_t s = 1; s <= 12; s++) {
        make_record(f, "gw1/0", s, prev0, ts += 10);
        memcpy(prev0, f->e[f->n - 1].hash, XB_HASH_HEX);
        if (s == 4 || s == 8)
            make_checkpoint(f, f->priv, &f->e[f->n - 1], ts + 1);
        make_record(f, "gw1/1", s, prev1, ts += 10);
        memcpy(prev1, f->e[f->n - 1].hash, XB_HASH_HEX);
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < f->n; i++)
        free(f->e[i].rec);
    for (size_t i = 0; i < f->n_cps; i++)
        free(f->cps[i].cp);
    xb_key_free(f->priv);
    xb_key_free(f->pub);
    xb_key_free(f->other_priv);
    char cmd[160];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static filed *find(fixture *f, const char *chain, const char *seq)
{
    for (size_t i = 0; i < f->n; i++)
        if (!strcmp(f->e[i].chain, chain) && !strcmp(f->e[i].seq, seq))
            return &f->e[i];
    fail_msg("no record %s %s", chain, seq);
    return NULL;
}

/* Run the verifier over the fixture; heads as filed unless told. */
static rp_verifier *run(fixture *f, bool with_heads)
{
    rp_verifier *v = rp_verifier_new(&f->pub, 1);
    assert_non_null(v);
    for (size_t i = 0; i < f->n_cps; i++) {
        signed_cp *c = &f->cps[i];
        rp_checkpoint cp = {c->id, c->chain, c->seq, c->hash, c->cp, c->sig, c->key_id};
        assert_int_equal(rp_verifier_checkpoint(v, &cp), XB_OK);
    }
    if (with_heads) {
        char value[100];
        snprintf(value, sizeof(value), "12 %s", find(f, "gw1/0", "12")->hash);
        rp_verifier_head(v, "gw1/0", value);
        snprintf(value, sizeof(value), "12 %s", find(f, "gw1/1", "12")->hash);
        rp_verifier_head(v, "gw1/1", value);
    }
    for (size_t i = 0; i < f->n; i++) {
        filed *e = &f->e[i];
        if (!e->rec)
            continue; /* deleted */
        rp_entry en = {e->id, e->chain, e->seq, e->hash, e->rec, strlen(e->rec)};
        assert_int_equal(rp_verifier_record(v, &en), XB_OK);
    }
    assert_int_equal(rp_verifier_finish(v, with_heads), XB_OK);
    return v;
}

static void print_problems(const rp_verifier *v)
{
    for (size_t i = 0; i < rp_verifier_problem_count(v); i++)
        print_message("  problem: %s\n", rp_verifier_problem_at(v, i)->message);
}

/* Exactly one problem, of this kind, whose message contains all needles. */
static void expect_one(const rp_verifier *v, rp_problem_kind kind, const char *n1,
                       const char *n2)
{
    if (rp_verifier_problem_count(v) != 1)
        print_problems(v);
    assert_int_equal(rp_verifier_problem_count(v), 1);
    const rp_problem *p = rp_verifier_problem_at(v, 0);
    assert_int_equal(p->kind, kind);
    if (!strstr(p->message, n1) || (n2 && !strstr(p->message, n2)))
        fail_msg("unexpected message: %s", p->message);
}

static bool has_problem(const rp_verifier *v, rp_problem_kind kind, const char *needle)
{
    for (size_t i = 0; i < rp_verifier_problem_count(v); i++) {
        const rp_problem *p = rp_verifier_problem_at(v, i);
        if (p->kind == kind && strstr(p->message, needle))
            return true;
    }
    return false;
}

/* Replace the text of a record (and optionally its stored hash). */
static void alter(filed *e, const char *from, const char *to, bool rehash)
{
    char *at = strstr(e->rec, from);
    assert_non_null(at);
    size_t n = strlen(e->rec) - strlen(from) + strlen(to) + 1;
    char *s = malloc(n);
    snprintf(s, n, "%.*s%s%s", (int)(at - e->rec), e->rec, to, at + strlen(from));
    free(e->rec);
    e->rec = s;
    if (rehash)
        xb_sha256_hex(s, strlen(s), e->hash);
}

static void test_intact_chain_passes(void **state)
{
    fixture *f = *state;
    rp_verifier *v = run(f, true);
    print_problems(v);
    assert_int_equal(rp_verifier_problem_count(v), 0);
    const rp_verify_stats *st = rp_verifier_stats(v);
    assert_int_equal(st->records, 24);
    assert_int_equal(st->chains, 2);
    assert_int_equal(st->checkpoints_valid, 2);
    assert_int_equal(st->checkpoints_matched, 2);
    /* gw1/0 9-12 and all of gw1/1 are only chain-linked: noted, not failed. */
    assert_int_equal(rp_verifier_note_count(v), 2);
    rp_verifier_free(v);
}

static void test_field_changed_hash_mismatch(void **state)
{
    fixture *f = *state;
    filed *e = find(f, "gw1/0", "6");
    alter(e, "\"DE\"", "\"SG\"", false);
    rp_verifier *v = run(f, true);
    char needle[96];
    snprintf(needle, sizeof(needle), "record seq 6 (stream id %s) altered: hash mismatch", e->id);
    expect_one(v, RP_PROBLEM_ALTERED, "chain gw1/0: ", needle);
    rp_verifier_free(v);
}

static void test_field_changed_with_rehash_breaks_link(void **state)
{
    fixture *f = *state;
    filed *e = find(f, "gw1/1", "6");
    alter(e, "\"DE\"", "\"SG\"", true);
    rp_verifier *v = run(f, true);
    char needle[128];
    snprintf(needle, sizeof(needle),
             "record seq 6 (stream id %s) altered: its hash is not the prev_hash of seq 7", e->id);
    expect_one(v, RP_PROBLEM_ALTERED, "chain gw1/1: ", needle);
    rp_verifier_free(v);
}

static void test_prev_hash_changed_names_that_record(void **state)
{
    fixture *f = *state;
    filed *e = find(f, "gw1/1", "5");
    alter(e, "\"prev_hash\":\"", "\"prev_hash\":\"0", true);
    /* keep it 64 digits long: drop one digit at the end of the hash */
    char *p = strstr(e->rec, "\"prev_hash\":\"") + 13;
    memmove(p + 63, p + 64, strlen(p + 64) + 1);
    xb_sha256_hex(e->rec, strlen(e->rec), e->hash);
    rp_verifier *v = run(f, true);
    expect_one(v, RP_PROBLEM_ALTERED, "record seq 5 ", "links neither to seq 4 nor to seq 6");
    rp_verifier_free(v);
}

static void test_checkpointed_record_rewritten(void **state)
{
    fixture *f = *state;
    /* Rewrite seq 8..12 of gw1/0 consistently: every link holds, but seq 8 is
     * signed by a checkpoint. */
    char prev[XB_HASH_HEX];
    memcpy(prev, find(f, "gw1/0", "7")->hash, XB_HASH_HEX);
    for (int s = 8; s <= 12; s++) {
        char seq[16];
        snprintf(seq, sizeof(seq), "%d", s);
        filed *e = find(f, "gw1/0", seq);
        if (s == 8)
            alter(e, "\"DE\"", "\"US\"", true);
        char *p = strstr(e->rec, "\"prev_hash\":\"") + 13;
        memcpy(p, prev, 64);
        xb_sha256_hex(e->rec, strlen(e->rec), e->hash);
        memcpy(prev, e->hash, XB_HASH_HEX);
    }
    rp_verifier *v = run(f, false);
    expect_one(v, RP_PROBLEM_ALTERED, "record seq 8 ", "signed by the checkpoint at seq 8");
    /* seq 5-7 were not touched, but nothing tells them apart from records
     * rewritten together with seq 8: they are named as suspects */
    expect_one(v, RP_PROBLEM_ALTERED, "record seq 8 ",
               "; seq 5-7, after the last checkpoint that matches (seq 4), may have been "
               "rewritten with it");
    rp_verifier_free(v);
}

static void test_rechained_forgery_names_the_records_since_the_last_checkpoint(void **state)
{
    fixture *f = *state;
    /* The forger changes seq 6, which no checkpoint signs, and rewrites the
     * chain from there on: the checkpoint at seq 8 catches it, and the
     * problem names seq 5-7 as records that may have been rewritten. */
    char prev[XB_HASH_HEX];
    memcpy(prev, find(f, "gw1/0", "5")->hash, XB_HASH_HEX);
    for (int s = 6; s <= 12; s++) {
        char seq[16];
        snprintf(seq, sizeof(seq), "%d", s);
        filed *e = find(f, "gw1/0", seq);
        if (s == 6)
            alter(e, "\"DE\"", "\"US\"", true);
        char *p = strstr(e->rec, "\"prev_hash\":\"") + 13;
        memcpy(p, prev, 64);
        xb_sha256_hex(e->rec, strlen(e->rec), e->hash);
        memcpy(prev, e->hash, XB_HASH_HEX);
    }
    rp_verifier *v = run(f, false);
    expect_one(v, RP_PROBLEM_ALTERED, "record seq 8 ",
               "signed by the checkpoint at seq 8 (checkpoint id ");
    expect_one(v, RP_PROBLEM_ALTERED, "record seq 8 ", "; seq 5-7, after the last checkpoint "
               "that matches (seq 4), may have been rewritten with it");
    rp_verifier_free(v);
}

static void test_rechained_before_the_first_checkpoint(void **state)
{
    fixture *f = *state;
    /* Rewritten from seq 2: no checkpoint before seq 4 vouches for seq 1-3. */
    char prev[XB_HASH_HEX];
    memcpy(prev, find(f, "gw1/0", "1")->hash, XB_HASH_HEX);
    for (int s = 2; s <= 12; s++) {
        char seq[16];
        snprintf(seq, sizeof(seq), "%d", s);
        filed *e = find(f, "gw1/0", seq);
        if (s == 2)
            alter(e, "\"DE\"", "\"US\"", true);
        char *p = strstr(e->rec, "\"prev_hash\":\"") + 13;
        memcpy(p, prev, 64);
        xb_sha256_hex(e->rec, strlen(e->rec), e->hash);
        memcpy(prev, e->hash, XB_HASH_HEX);
    }
    rp_verifier *v = run(f, false);
    /* both checkpoints disagree; the first names seq 1-3 */
    assert_true(has_problem(v, RP_PROBLEM_ALTERED,
                            "; seq 1-3, which no matching checkpoint covers, may have been "
                            "rewritten with it"));
    assert_true(has_problem(v, RP_PROBLEM_ALTERED, "record seq 8 "));
    rp_verifier_free(v);
}

static void test_deleted_record_is_missing(void **state)
{
    fixture *f = *state;
    filed *e = find(f, "gw1/0", "5");
    free(e->rec);
    e->rec = NULL;
    free(find(f, "gw1/0", "6")->rec);
    find(f, "gw1/0", "6")->rec = NULL;
    rp_verifier *v = run(f, true);
    char needle[128];
    snprintf(needle, sizeof(needle), "missing seq 5-6 (between stream ids %s and %s)",
             find(f, "gw1/0", "4")->id, find(f, "gw1/0", "7")->id);
    expect_one(v, RP_PROBLEM_MISSING, "chain gw1/0: ", needle);
    rp_verifier_free(v);
}

static void test_truncated_tail_is_missing(void **state)
{
    fixture *f = *state;
    for (int s = 11; s <= 12; s++) {
        char seq[16];
        snprintf(seq, sizeof(seq), "%d", s);
        filed *e = find(f, "gw1/1", seq);
        free(e->rec);
        e->rec = NULL;
    }
    rp_verifier *v = run(f, true);
    expect_one(v, RP_PROBLEM_MISSING, "chain gw1/1: missing seq 11-12", "the head (seq 12)");
    rp_verifier_free(v);
}

static void test_inserted_duplicate(void **state)
{
    fixture *f = *state;
    /* An attacker appends a fabricated record claiming seq 3 of gw1/0. */
    filed *copy = &f->e[f->n++];
    *copy = *find(f, "gw1/0", "3");
    copy->rec = strdup(copy->rec);
    snprintf(copy->id, sizeof(copy->id), "1790000009999-0");
    alter(copy, "\"allow\"", "\"block\"", true);
    rp_verifier *v = run(f, true);
    char needle[128];
    snprintf(needle, sizeof(needle),
             "record inserted: seq 3 (stream id 1790000009999-0) conflicts with seq 3 filed at "
             "stream id %s", find(f, "gw1/0", "3")->id);
    expect_one(v, RP_PROBLEM_INSERTED, needle, NULL);
    rp_verifier_free(v);
}

static void test_inserted_beyond_head(void **state)
{
    fixture *f = *state;
    filed *extra = &f->e[f->n++];
    *extra = *find(f, "gw1/1", "12");
    extra->rec = strdup(extra->rec);
    snprintf(extra->id, sizeof(extra->id), "1790000009999-0");
    snprintf(extra->seq, sizeof(extra->seq), "13");
    alter(extra, "\"seq\":12", "\"seq\":13", true);
    rp_verifier *v = run(f, true);
    expect_one(v, RP_PROBLEM_INSERTED, "seq 13 (first at stream id 1790000009999-0) lies beyond "
                                       "the head", NULL);
    rp_verifier_free(v);
}

static void test_reordered_records(void **state)
{
    fixture *f = *state;
    /* Swap the stream positions of gw1/1 seq 9 and 10. */
    filed *a = find(f, "gw1/1", "9"), *b = find(f, "gw1/1", "10");
    char ida[32];
    memcpy(ida, a->id, sizeof(ida));
    memcpy(a->id, b->id, sizeof(ida));
    memcpy(b->id, ida, sizeof(ida));
    filed t = *a;
    *a = *b;
    *b = t;
    rp_verifier *v = run(f, true);
    expect_one(v, RP_PROBLEM_REORDERED, "records reordered: seq 9 ", "filed after seq 10");
    rp_verifier_free(v);
}

static void test_altered_copy_readded_at_end(void **state)
{
    fixture *f = *state;
    /* XADD a modified copy (hash recomputed) and XDEL the original. */
    filed *orig = find(f, "gw1/0", "10");
    filed *copy = &f->e[f->n++];
    *copy = *orig;
    copy->rec = strdup(orig->rec);
    snprintf(copy->id, sizeof(copy->id), "1790000009999-0");
    alter(copy, "\"DE\"", "\"RU\"", true);
    free(orig->rec);
    orig->rec = NULL;
    rp_verifier *v = run(f, true);
    assert_true(has_problem(v, RP_PROBLEM_REORDERED,
                            "records reordered: seq 10 (stream id 1790000009999-0)"));
    assert_true(has_problem(v, RP_PROBLEM_ALTERED,
                            "record seq 10 (stream id 1790000009999-0) altered: its hash is not "
                            "the prev_hash of seq 11"));
    assert_int_equal(rp_verifier_problem_count(v), 2);
    rp_verifier_free(v);
}

static void test_forged_checkpoint(void **state)
{
    fixture *f = *state;
    /* Signed with another key. */
    make_checkpoint(f, f->other_priv, find(f, "gw1/1", "10"), 1790000009999);
    snprintf(f->cps[f->n_cps - 1].id, 32, "1790000009999-0");
    rp_verifier *v = run(f, true);
    expect_one(v, RP_PROBLEM_FORGED,
               "chain gw1/1: checkpoint at seq 10 (checkpoint id 1790000009999-0) forged: bad "
               "signature", NULL);
    rp_verifier_free(v);
}

static void test_checkpoint_text_changed(void **state)
{
    fixture *f = *state;
    signed_cp *c = &f->cps[1]; /* seq 8 */
    char *p = strstr(c->cp, "\"seq\":8");
    assert_non_null(p);
    p[6] = '7';
    rp_verifier *v = run(f, true);
    expect_one(v, RP_PROBLEM_FORGED, "checkpoint at seq 8 ", "forged: bad signature");
    rp_verifier_free(v);
}

static void test_window_anchored_by_checkpoint(void **state)
{
    fixture *f = *state;
    rp_verifier *v = rp_verifier_new(&f->pub, 1);
    for (size_t i = 0; i < f->n_cps; i++) {
        signed_cp *c = &f->cps[i];
        rp_checkpoint cp = {c->id, c->chain, c->seq, c->hash, c->cp, c->sig, c->key_id};
        rp_verifier_checkpoint(v, &cp);
    }
    assert_int_equal(rp_verifier_checkpoint_before(v, "gw1/0", 7), 4);
    assert_int_equal(rp_verifier_checkpoint_from(v, "gw1/0", 5), 8);
    assert_non_null(rp_verifier_checkpoint_hash(v, "gw1/0", 4));
    rp_verifier_scope(v, "gw1/0", 5, 8);
    rp_verifier_scoped_only(v, true);
    for (size_t i = 0; i < f->n; i++) {
        filed *e = &f->e[i];
        rp_entry en = {e->id, e->chain, e->seq, e->hash, e->rec, strlen(e->rec)};
        rp_verifier_record(v, &en);
    }
    rp_verifier_finish(v, false);
    print_problems(v);
    assert_int_equal(rp_verifier_problem_count(v), 0);
    assert_int_equal(rp_verifier_stats(v)->records, 4);
    rp_verifier_free(v);

    /* A window whose start is not a checkpoint cannot be anchored. */
    v = rp_verifier_new(&f->pub, 1);
    rp_verifier_scope(v, "gw1/0", 6, 0);
    for (size_t i = 0; i < f->n; i++) {
        filed *e = &f->e[i];
        rp_entry en = {e->id, e->chain, e->seq, e->hash, e->rec, strlen(e->rec)};
        rp_verifier_record(v, &en);
    }
    rp_verifier_finish(v, false);
    assert_true(has_problem(v, RP_PROBLEM_UNANCHORED, "no valid signed checkpoint at seq 5"));
    rp_verifier_free(v);
}

static void test_export_starting_at_checkpoint(void **state)
{
    fixture *f = *state;
    /* The file holds gw1/0 from seq 5 on (after the checkpoint at 4). */
    for (int s = 1; s <= 4; s++) {
        char seq[16];
        snprintf(seq, sizeof(seq), "%d", s);
        filed *e = find(f, "gw1/0", seq);
        free(e->rec);
        e->rec = NULL;
    }
    rp_verifier *v = rp_verifier_new(&f->pub, 1);
    rp_verifier_anchored_starts(v, true);
    for (size_t i = 0; i < f->n_cps; i++) {
        signed_cp *c = &f->cps[i];
        rp_checkpoint cp = {c->id, c->chain, c->seq, c->hash, c->cp, c->sig, c->key_id};
        rp_verifier_checkpoint(v, &cp);
    }
    for (size_t i = 0; i < f->n; i++) {
        filed *e = &f->e[i];
        if (!e->rec)
            continue;
        rp_entry en = {e->id, e->chain, e->seq, e->hash, e->rec, strlen(e->rec)};
        rp_verifier_record(v, &en);
    }
    rp_verifier_finish(v, false);
    print_problems(v);
    assert_int_equal(rp_verifier_problem_count(v), 0);
    rp_verifier_free(v);

    /* The same input verified as a whole stream: seq 1-4 are missing. */
    rp_verifier *w = run(f, true);
    expect_one(w, RP_PROBLEM_MISSING, "chain gw1/0: missing seq 1-4", NULL);
    rp_verifier_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_intact_chain_passes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_field_changed_hash_mismatch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_field_changed_with_rehash_breaks_link, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_prev_hash_changed_names_that_record, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_checkpointed_record_rewritten, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_rechained_forgery_names_the_records_since_the_last_checkpoint, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rechained_before_the_first_checkpoint, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_deleted_record_is_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_tail_is_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inserted_duplicate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inserted_beyond_head, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reordered_records, setup, teardown),
        cmocka_unit_test_setup_teardown(test_altered_copy_readded_at_end, setup, teardown),
        cmocka_unit_test_setup_teardown(test_forged_checkpoint, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checkpoint_text_changed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_window_anchored_by_checkpoint, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export_starting_at_checkpoint, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
