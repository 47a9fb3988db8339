/*
 * test_report_io.c - what the reporting tools read and write: exported
 * files read back byte for byte (report JSON and raw dumps), CSV quoting
 * and its spreadsheet safeguards, the self-contained HTML, Redis URLs and
 * stream ids.
 */
#include "xb_test.h"

#include <unistd.h>

#include "reporting/rp_redis.h"
#include "reporting/rp_render.h"
#include "reporting/rp_report.h"
#include "reporting/rp_source.h"
#include "reporting/rp_time.h"

typedef struct seen {
    char rec[4][256];
    char chain[4][32];
    char id[4][32];
    size_t n_rec;
    char cp[4][128];
    size_t n_cp;
    char head_chain[4][32];
    char head_value[4][96];
    size_t n_head;
} seen;

static int on_rec(void *ctx, const rp_entry *e)
{
    seen *s = ctx;
    snprintf(s->rec[s->n_rec], 256, "%s", e->rec);
    assert_int_equal(strlen(e->rec), e->rec_len);
    snprintf(s->chain[s->n_rec], 32, "%s", e->chain);
    snprintf(s->id[s->n_rec++], 32, "%s|%s|%s", e->id, e->seq, e->hash);
    return 0;
}

static int on_cp(void *ctx, const rp_checkpoint *c)
{
    seen *s = ctx;
    snprintf(s->cp[s->n_cp++], 128, "%s|%s|%s|%s|%s", c->id, c->seq, c->cp, c->sig, c->key_id);
    return 0;
}

static int on_head(void *ctx, const char *chain, const char *value)
{
    seen *s = ctx;
    snprintf(s->head_chain[s->n_head], 32, "%s", chain);
    snprintf(s->head_value[s->n_head++], 96, "%s", value);
    return 0;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_export_read_report_format(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof(path), "/tmp/xb_test_export_%d.json", (int)getpid());
    /* Pretty-printed, members in any order, an escaped canonical text. */
    write_file(path,
               "{\"format\":\"xborder-report/1\",\"exporters\":[{\"id\":\"acme\"}],\n"
               " \"heads\": {\"gw1/0\": \"2 abc\"},\n"
               " \"checkpoints\": [ {\"id\":\"5-0\",\"chain\":\"gw1/0\",\"seq\":\"2\",\"hash\":"
               "\"abc\",\"cp\":\"{\\\"seq\\\":2}\",\"sig\":\"00\",\"key_id\":\"k\"} ],\n"
               " \"records\": [\n"
               "  {\"id\":\"1-0\",\"chain\":\"gw1/0\",\"seq\":\"1\",\"hash\":\"h1\","
               "\"rec\":\"{\\\"a\\\":\\\"x\\\\\\\\y\\\\u0001\\\"}\"},\n"
               "  {\"id\":\"2-0\",\"chain\":\"gw1/0\",\"seq\":2,\"hash\":\"h2\",\"rec\":\"{}\"}\n"
               " ]}\n");
    seen s;
    memset(&s, 0, sizeof(s));
    rp_visitor v = {&s, on_rec, on_cp, on_head};
    char err[256];
    assert_int_equal(rp_export_read(path, &v, err, sizeof(err)), 0);
    assert_int_equal(s.n_rec, 2);
    /* The canonical text comes back exactly: {"a":"x\\y\u0001"} */
    assert_string_equal(s.rec[0], "{\"a\":\"x\\\\y\\u0001\"}");
    assert_string_equal(s.id[0], "1-0|1|h1");
    assert_string_equal(s.id[1], "2-0|2|h2"); /* a numeric seq is read as written */
    assert_int_equal(s.n_cp, 1);
    assert_string_equal(s.cp[0], "5-0|2|{\"seq\":2}|00|k");
    assert_int_equal(s.n_head, 1);
    assert_string_equal(s.head_chain[0], "gw1/0"); /* JSON Pointer ~1 undone */
    assert_string_equal(s.head_value[0], "2 abc");
    unlink(path);
}

static void test_export_read_raw_dump(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof(path), "/tmp/xb_test_dump_%d.ndjson", (int)getpid());
    write_file(path,
               "{\"id\":\"1-0\",\"chain\":\"a/0\",\"seq\":\"1\",\"hash\":\"h\",\"rec\":\"{}\"}\n"
               "{\"id\":\"2-0\",\"chain\":\"a/0\",\"seq\":\"1\",\"hash\":\"h\",\"cp\":\"{}\","
               "\"sig\":\"s\",\"key_id\":\"k\"}\n"
               "{\"id\":\"3-0\",\"chain\":\"b/1\",\"seq\":\"1\",\"hash\":\"h\",\"rec\":\"[]\"}\n"
               "{\"heads\":{\"a/0\":\"1 h\",\"b/1\":\"1 h\"}}\n");
    seen s;
    memset(&s, 0, sizeof(s));
    rp_visitor v = {&s, on_rec, on_cp, on_head};
    char err[256];
    assert_int_equal(rp_export_read(path, &v, err, sizeof(err)), 0);
    assert_int_equal(s.n_rec, 2);
    assert_string_equal(s.chain[1], "b/1");
    assert_int_equal(s.n_cp, 1);
    assert_int_equal(s.n_head, 2);

    write_file(path, "{\"records\":[{\"id\":\"1-0\",\"rec\":\"{}\"}\n");
    assert_int_equal(rp_export_read(path, &v, err, sizeof(err)), -1);
    assert_non_null(strstr(err, path));
    write_file(path, "{\"something\":\"else\"}\n");
    assert_int_equal(rp_export_read(path, &v, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "holds no filed records"));
    unlink(path);
    assert_int_equal(rp_export_read(path, &v, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "cannot open"));
}

static void test_transfer_lookup_in_a_file(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof(path), "/tmp/xb_test_lookup_%d.ndjson", (int)getpid());
    write_file(path,
               "{\"id\":\"1-0\",\"chain\":\"a/0\",\"seq\":\"1\",\"hash\":\"h\","
               "\"rec\":\"{\\\"chain\\\":\\\"a/0\\\",\\\"transfer_id\\\":\\\"00000000000000a1\\\"}\"}\n"
               "{\"id\":\"2-0\",\"chain\":\"a/0\",\"seq\":\"2\",\"hash\":\"h\","
               "\"rec\":\"{\\\"chain\\\":\\\"a/0\\\",\\\"transfer_id\\\":\\\"00000000000000b2\\\"}\"}\n");
    char err[256];
    rp_source *src = rp_source_open(NULL, path, NULL, err, sizeof(err));
    assert_non_null(src);
    seen s;
    memset(&s, 0, sizeof(s));
    rp_visitor v = {&s, on_rec, NULL, NULL};
    assert_int_equal(rp_source_transfer(src, "00000000000000b2", &v, err, sizeof(err)), 0);
    assert_int_equal(s.n_rec, 1);
    assert_string_equal(s.id[0], "2-0|2|h");
    assert_int_equal(rp_source_transfer(src, "00000000000000ff", &v, err, sizeof(err)), 1);
    assert_int_equal(s.n_rec, 1);
    rp_source_free(src);
    unlink(path);
}

static char *render(bool (*fn)(const rp_report *, bool, FILE *), const rp_report *r, bool due)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_non_null(f);
    assert_true(fn(r, due, f));
    fclose(f);
    return buf;
}

/* A report with one exporter whose name needs quoting. */
static rp_report *small_report(void)
{
    rp_report_options o = {0};
    assert_true(xb_date_parse("2026-11-18", &o.as_of_day));
    rp_report *r = rp_report_new(&o);
    r->exporters = calloc(1, sizeof(*r->exporters));
    rp_exporter_report *e = calloc(1, sizeof(*e));
    r->exporters[0] = e;
    r->n_exporters = 1;
    e->key = strdup("91310000MA1FL8XQ3A");
    e->id = strdup("acme");
    e->uscc = strdup("91310000MA1FL8XQ3A");
    e->name = strdup("Acme \"Intl\", 上海");
    e->ftz = strdup("");
    e->transfers = 1234567;
    rp_tally_item *it = rp_tally_get(&e->by_country, "DE", NULL);
    it->transfers = 3;
    it = rp_tally_get(&e->by_recipient, "=HYPERLINK(\"x\")", NULL);
    it->transfers = 1;
    it = rp_tally_get(&e->by_day, "2026-11-02", NULL);
    it->transfers = 2;
    r->policy_note = strdup("no policy");
    r->calendar_note = strdup("Monday to Friday");
    r->source = strdup("<test> & co");
    rp_report_finish(r);
    return r;
}

static void test_csv_quoting(void **state)
{
    (void)state;
    rp_report *r = small_report();
    char *csv = render(rp_render_csv, r, false);
    assert_memory_equal(csv, "\xEF\xBB\xBF" "section,exporter_id,", 23);
    assert_non_null(strstr(csv, "\r\nsummary,acme,91310000MA1FL8XQ3A,\"Acme \"\"Intl\"\", 上海\","));
    assert_non_null(strstr(csv, ",1234567,"));
    /* A cell a spreadsheet would run as a formula is defused. */
    assert_non_null(strstr(csv, ",\"'=HYPERLINK(\"\"x\"\")\","));
    assert_null(strstr(csv, ",=HYPERLINK"));
    /* Every line has the same number of unquoted commas (20 columns). */
    size_t lines = 0;
    for (char *line = csv; *line; lines++) {
        char *end = strstr(line, "\r\n");
        assert_non_null(end);
        int commas = 0;
        bool quoted = false;
        for (char *p = line; p < end; p++) {
            if (*p == '"')
                quoted = !quoted;
            else if (*p == ',' && !quoted)
                commas++;
        }
        assert_int_equal(commas, 19);
        line = end + 2;
    }
    assert_true(lines > 5);
    free(csv);
    rp_report_free(r);
}

static void test_html_is_self_contained(void **state)
{
    (void)state;
    rp_report *r = small_report();
    char *html = render(rp_render_html, r, false);
    assert_non_null(strstr(html, "<!DOCTYPE html>"));
    assert_non_null(strstr(html, "@media print"));
    assert_non_null(strstr(html, "data-metric=\"transfers\" data-value=\"1234567\">1,234,567<"));
    assert_non_null(strstr(html, "Acme &quot;Intl&quot;, 上海"));
    assert_non_null(strstr(html, "&lt;test&gt; &amp; co"));
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "<link"));
    assert_null(strstr(html, "src="));
    assert_non_null(strstr(html, "<svg id=\"volume-0\""));
    assert_non_null(strstr(html, "<svg id=\"gauges-0\""));
    free(html);
    char *due = render(rp_render_html, r, true);
    assert_non_null(strstr(due, "No FTZ report is pending."));
    free(due);
    char *json = render(rp_render_csv, r, true);
    assert_null(strstr(json, "summary,")); /* due only: FTZ rows, none here */
    free(json);
    rp_report_free(r);
}

static void test_redis_urls(void **state)
{
    (void)state;
    rp_redis_url u;
    char err[256];
    assert_int_equal(rp_redis_parse_url("redis://127.0.0.1:6390/2", &u, err, sizeof(err)), 0);
    assert_string_equal(u.host, "127.0.0.1");
    assert_int_equal(u.port, 6390);
    assert_int_equal(u.db, 2);
    assert_int_equal(rp_redis_parse_url("redis://auditor:p%40ss@db.local", &u, err,
                                        sizeof(err)), 0);
    assert_string_equal(u.user, "auditor");
    assert_string_equal(u.password, "p@ss");
    assert_string_equal(u.host, "db.local");
    assert_int_equal(u.port, 6379);
    assert_int_equal(rp_redis_parse_url("redis://:secret@[::1]:7000", &u, err, sizeof(err)), 0);
    assert_string_equal(u.host, "::1");
    assert_string_equal(u.password, "secret");
    assert_int_equal(u.port, 7000);
    assert_int_equal(rp_redis_parse_url("unix:///run/redis.sock?db=3", &u, err, sizeof(err)), 0);
    assert_string_equal(u.unix_path, "/run/redis.sock");
    assert_int_equal(u.db, 3);
    assert_int_equal(rp_redis_parse_url("rediss://h", &u, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "TLS"));
    assert_int_equal(rp_redis_parse_url("redis://h:99999", &u, err, sizeof(err)), -1);
    assert_int_equal(rp_redis_parse_url("redis://h/x", &u, err, sizeof(err)), -1);
    assert_int_equal(rp_redis_parse_url("http://h", &u, err, sizeof(err)), -1);
    assert_int_equal(rp_redis_parse_url("redis://u:%4@h", &u, err, sizeof(err)), -1);
}

static void test_stream_ids(void **state)
{
    (void)state;
    int64_t ms;
    uint64_t seq;
    assert_true(rp_stream_id_ms("1793584800000-7", &ms));
    assert_int_equal(ms, 1793584800000LL);
    assert_false(rp_stream_id_ms("abc", &ms));
    assert_true(rp_stream_id_cmp("9-0", "10-0") < 0);
    assert_true(rp_stream_id_cmp("10-2", "10-10") < 0);
    assert_int_equal(rp_stream_id_cmp("10-2", "10-2"), 0);
    assert_true(rp_stream_id_cmp("5-18446744073709551615", "6-0") < 0);
    assert_true(rp_parse_seq("18446744073709551615", &seq));
    assert_false(rp_parse_seq("18446744073709551616", &seq));
    assert_false(rp_parse_seq("017", &seq));
    assert_false(rp_parse_seq("", &seq));
    assert_false(rp_parse_seq("1a", &seq));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_export_read_report_format),
        cmocka_unit_test(test_export_read_raw_dump),
        cmocka_unit_test(test_transfer_lookup_in_a_file),
        cmocka_unit_test(test_csv_quoting),
        cmocka_unit_test(test_html_is_self_contained),
        cmocka_unit_test(test_redis_urls),
        cmocka_unit_test(test_stream_ids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
