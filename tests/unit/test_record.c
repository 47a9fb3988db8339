/* test_record.c - canonical record encoding, hashing, signatures, keygen. */
#include "xb_test.h"

#include <sys/stat.h>
#include <unistd.h>

#include "classifier/record/xb_record.h"
#include "classifier/record/xb_sign.h"

static xb_transfer_record sample(void)
{
    static const char *paths[] = {"/customers/0/idNo", "/customers/1/idNo"};
    static xb_record_category cats[] = {{"cn.pi.ric", "sensitive-pi", 2, paths, 2}};
    static xb_record_reason reasons[] = {
        {"cn.pi.ric", "identity", "/customers/0/idNo", "《促进和规范数据跨境流动规定》第八条", "SCC-2026-001"}};
    xb_transfer_record r;
    memset(&r, 0, sizeof(r));
    r.transfer_id = "0123456789abcdef";
    r.node = "gw1";
    r.chain = "gw1/0";
    r.seq = 1;
    r.ts_start_ms = 1763812224123; /* 2025-11-22T19:50:24.123+08:00 */
    r.ts_end_ms = 1763812224125;
    memcpy(r.prev_hash, xb_record_genesis, XB_HASH_HEX);
    r.exporter_id = "acme";
    r.exporter_uscc = "91110000600037341L";
    r.direction = "push";
    r.content_type = "application/json";
    r.bytes_original = 120;
    r.bytes_sent = 120;
    r.categories = cats;
    r.n_categories = 1;
    r.reasons = reasons;
    r.n_reasons = 1;
    r.route = "scc-or-cert";
    r.outcome = "allow";
    r.enforced = "allow";
    r.mode = "enforce";
    r.rule = "R9";
    r.year = 2025;
    return r;
}

static void test_encoding_is_canonical(void **state)
{
    (void)state;
    xb_transfer_record r = sample();
    xb_buf b = XB_BUF_INIT;
    assert_int_equal(xb_record_encode(&r, &b), XB_OK);
    const char *s = xb_buf_cstr(&b);
    /* sorted keys, no whitespace, China time */
    assert_non_null(strstr(s, "{\"chain\":\"gw1/0\",\"content\":{\"bytes_original\":120,"));
    assert_non_null(strstr(s, "\"ts_start\":\"2025-11-22T19:50:24.123+08:00\""));
    assert_non_null(strstr(s, "\"findings\":[{\"category\":\"cn.pi.ric\",\"count\":2,"
                              "\"level\":\"sensitive-pi\",\"paths\":[\"/customers/0/idNo\","
                              "\"/customers/1/idNo\"]}]"));
    assert_null(strstr(s, " "));
    assert_null(strstr(s, "null"));
    assert_non_null(strstr(s, ",\"v\":1,\"versions\":{}}"));
    /* Same input, same bytes. */
    xb_buf b2 = XB_BUF_INIT;
    assert_int_equal(xb_record_encode(&r, &b2), XB_OK);
    assert_int_equal(b.len, b2.len);
    assert_memory_equal(b.data, b2.data, b.len);
    xb_buf_free(&b);
    xb_buf_free(&b2);
}

static void test_hash_changes_with_any_field(void **state)
{
    (void)state;
    xb_transfer_record r = sample();
    xb_buf b = XB_BUF_INIT;
    char h1[XB_HASH_HEX], h2[XB_HASH_HEX];
    xb_record_encode(&r, &b);
    xb_sha256_hex(b.data, b.len, h1);
    xb_buf_reset(&b);
    r.bytes_sent = 121;
    xb_record_encode(&r, &b);
    xb_sha256_hex(b.data, b.len, h2);
    assert_string_not_equal(h1, h2);
    assert_int_equal(strlen(h1), 64);
    xb_buf_free(&b);
    /* Known SHA-256 vector */
    xb_sha256_hex("abc", 3, h1);
    assert_string_equal(h1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_keygen_sign_verify(void **state)
{
    (void)state;
    char dir[] = "/tmp/xb-keys-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char sub[256], err[256], path[300];
    snprintf(sub, sizeof(sub), "%s/k", dir);
    assert_int_equal(xb_keygen(sub, err, sizeof(err)), XB_OK);
    /* never overwrites */
    assert_int_not_equal(xb_keygen(sub, err, sizeof(err)), XB_OK);
    assert_non_null(strstr(err, "refusing"));
    struct stat st;
    snprintf(path, sizeof(path), "%s/signing.key", sub);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    xb_key *priv = xb_key_load_private(path, err, sizeof(err));
    assert_non_null(priv);
    snprintf(path, sizeof(path), "%s/signing.pub", sub);
    xb_key *pub = xb_key_load_public(path, err, sizeof(err));
    assert_non_null(pub);
    char id[17];
    xb_key_id(pub, id);
    assert_int_equal(strlen(id), 16);

    xb_buf cp = XB_BUF_INIT;
    assert_int_equal(xb_checkpoint_encode("gw1", "gw1/0", 42, xb_record_genesis,
                                          1763812224123, id, &cp), XB_OK);
    assert_non_null(strstr(xb_buf_cstr(&cp), "\"seq\":42,"));
    char sig[XB_SIG_HEX];
    assert_int_equal(xb_sign(priv, cp.data, cp.len, sig), XB_OK);
    assert_true(xb_verify(pub, cp.data, cp.len, sig));
    cp.data[10] ^= 1; /* tamper */
    assert_false(xb_verify(pub, cp.data, cp.len, sig));
    assert_false(xb_verify(pub, cp.data, cp.len, "00"));
    xb_buf_free(&cp);
    xb_key_free(priv);
    xb_key_free(pub);
    /* A missing key gives a message naming the file. */
    assert_null(xb_key_load_private("/nonexistent/key.pem", err, sizeof(err)));
    assert_non_null(strstr(err, "/nonexistent/key.pem"));
    char cmd[400];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encoding_is_canonical),
        cmocka_unit_test(test_hash_changes_with_any_field),
        cmocka_unit_test(test_keygen_sign_verify),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
