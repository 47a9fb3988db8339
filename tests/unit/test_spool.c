/*
 * test_spool.c - the spool frame format and the spool file reader
 * (classifier/record/xb_spool.h): what the gateway writes when Redis is
 * unavailable must come back byte for byte, a torn tail must be told from
 * corruption, and no damaged byte may pass unnoticed.
 *
 * Commands are built with the real filing builders (xb_filing.h), frames
 * written to real temporary files and read back with the chunked reader.
 */
#include "xb_test.h"

#include <fcntl.h>
#include <unistd.h>

#include "classifier/record/xb_filing.h"
#include "classifier/record/xb_sign.h"
#include "classifier/record/xb_spool.h"

/* ---- helpers ---------------------------------------------------------- */

static void hex64(char out[XB_HASH_HEX], unsigned seed)
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 64; i++)
        out[i] = digits[(seed * 7u + (unsigned)i * 13u) % 16u];
    out[64] = '\0';
}

/* an append command of chain/seq with a record text of rec_len bytes */
static void build_append(xb_filing_cmd *cmd, const char *chain, uint64_t seq, size_t rec_len,
                         const xb_subject *subjects, size_t n_subjects)
{
    char prev[XB_HASH_HEX], hash[XB_HASH_HEX], tid[17];
    hex64(prev, (unsigned)seq);
    hex64(hash, (unsigned)seq + 1);
    snprintf(tid, sizeof(tid), "%016llx", (unsigned long long)seq);
    char *rec = malloc(rec_len + 1);
    assert_non_null(rec);
    int n = snprintf(rec, rec_len + 1, "{\"seq\":%llu,\"pad\":\"", (unsigned long long)seq);
    for (size_t i = (size_t)n; i < rec_len; i++)
        rec[i] = (char)('a' + i % 26);
    xb_filing_record r = {
        .chain = chain, .seq = seq, .prev_hash = prev, .hash = hash, .rec = rec,
        .rec_len = rec_len, .transfer_id = tid, .uscc = "91310000MA1FL8XQ3A", .year = 2026,
        .subjects = subjects, .n_subjects = n_subjects, .selected = NULL};
    assert_int_equal(xb_filing_cmd_append(cmd, NULL, &r), XB_OK);
    free(rec);
}

static void build_checkpoint(xb_filing_cmd *cmd, const char *chain, uint64_t seq)
{
    char hash[XB_HASH_HEX], sig[XB_SIG_HEX];
    hex64(hash, (unsigned)seq);
    for (int i = 0; i < XB_SIG_HEX - 1; i++)
        sig[i] = "0123456789abcdef"[i % 16];
    sig[XB_SIG_HEX - 1] = '\0';
    const char cp[] = "{\"chain\":\"x\",\"seq\":1,\"v\":1}";
    assert_int_equal(xb_filing_cmd_checkpoint(cmd, "p:", chain, seq, hash, cp, sizeof(cp) - 1,
                                              sig, "0011223344556677"),
                     XB_OK);
}

static void assert_same_args(const xb_filing_cmd *cmd, const xb_spool_frame *f)
{
    assert_int_equal(f->script, cmd->script);
    assert_int_equal(f->n_keys, cmd->n_keys);
    assert_int_equal(f->n_args, (size_t)cmd->argc - 3);
    for (size_t i = 0; i < f->n_args; i++) {
        assert_int_equal(f->lens[i], cmd->argvlen[3 + i]);
        assert_memory_equal(f->args[i], cmd->argv[3 + i], f->lens[i]);
    }
}

/* rebuild a command from a frame: identical argv, EVALSHA prefix included */
static void assert_rebuilds(const xb_filing_cmd *cmd, const xb_spool_frame *f)
{
    xb_filing_cmd back;
    xb_filing_cmd_init(&back);
    assert_int_equal(xb_filing_cmd_from_args(&back, f->script, f->n_keys, f->n_args, f->args,
                                             f->lens),
                     XB_OK);
    assert_int_equal(back.argc, cmd->argc);
    for (int i = 0; i < cmd->argc; i++) {
        assert_int_equal(back.argvlen[i], cmd->argvlen[i]);
        assert_memory_equal(back.argv[i], cmd->argv[i], cmd->argvlen[i]);
    }
    xb_filing_cmd_free(&back);
}

/* ---- frames ------------------------------------------------------------ */

static void test_append_round_trip(void **state)
{
    (void)state;
    xb_subject subjects[3];
    memset(subjects, 0, sizeof(subjects));
    for (int i = 0; i < 3; i++) {
        memset(subjects[i].hash, 0x11 * (i + 1), XB_SUBJECT_HASH_LEN);
        subjects[i].cls = i == 1 ? XB_SUBJECT_SENSITIVE : XB_SUBJECT_GENERAL;
    }
    xb_filing_cmd cmd;
    xb_filing_cmd_init(&cmd);
    build_append(&cmd, "gw1/w0-4242-1763812224", 7, 300, subjects, 3);
    assert_int_equal(cmd.argc, 3 + 5 + 7 + 3);

    xb_buf b = XB_BUF_INIT;
    assert_int_equal(xb_spool_frame_encode(&cmd, &b), XB_OK);
    assert_memory_equal(b.data, "XBSP", 4);

    xb_spool_frame f;
    char err[128] = "";
    assert_int_equal(xb_spool_frame_parse((const uint8_t *)b.data, b.len, &f, err, sizeof(err)),
                     XB_SPOOL_FRAME);
    assert_int_equal(f.frame_len, b.len);
    assert_same_args(&cmd, &f);
    assert_rebuilds(&cmd, &f);

    xb_filing_cmd back;
    xb_filing_cmd_init(&back);
    assert_int_equal(
        xb_filing_cmd_from_args(&back, f.script, f.n_keys, f.n_args, f.args, f.lens), XB_OK);
    const char *chain;
    size_t chain_len;
    uint64_t seq;
    assert_int_equal(xb_filing_cmd_position(&back, &chain, &chain_len, &seq), XB_OK);
    assert_int_equal(chain_len, strlen("gw1/w0-4242-1763812224"));
    assert_memory_equal(chain, "gw1/w0-4242-1763812224", chain_len);
    assert_int_equal(seq, 7);
    xb_filing_cmd_free(&back);
    xb_spool_frame_free(&f);
    xb_buf_free(&b);
    xb_filing_cmd_free(&cmd);
}

static void test_checkpoint_round_trip(void **state)
{
    (void)state;
    xb_filing_cmd cmd;
    xb_filing_cmd_init(&cmd);
    build_checkpoint(&cmd, "gw2/w3", 1000);
    xb_buf b = XB_BUF_INIT;
    /* appended after bytes already in the buffer */
    assert_int_equal(xb_buf_append_str(&b, "prefix"), XB_OK);
    assert_int_equal(xb_spool_frame_encode(&cmd, &b), XB_OK);
    xb_spool_frame f;
    char err[128];
    assert_int_equal(xb_spool_frame_parse((const uint8_t *)b.data + 6, b.len - 6, &f, err,
                                          sizeof(err)),
                     XB_SPOOL_FRAME);
    assert_int_equal(f.script, XB_FILING_CHECKPOINT);
    assert_int_equal(f.n_keys, 2);
    assert_int_equal(f.frame_len, b.len - 6);
    assert_same_args(&cmd, &f);
    assert_rebuilds(&cmd, &f);
    xb_spool_frame_free(&f);
    xb_buf_free(&b);
    xb_filing_cmd_free(&cmd);
}

/* arguments are length-prefixed: NUL and non-UTF-8 bytes survive */
static void test_binary_argument_round_trip(void **state)
{
    (void)state;
    const char *args[] = {"k1", "k2", "chain\0with nul", "1", "\xff\xfe\x00\x01"};
    const size_t lens[] = {2, 2, 14, 1, 4};
    xb_filing_cmd cmd;
    xb_filing_cmd_init(&cmd);
    assert_int_equal(xb_filing_cmd_from_args(&cmd, XB_FILING_CHECKPOINT, 2, 5, args, lens),
                     XB_OK);
    xb_buf b = XB_BUF_INIT;
    assert_int_equal(xb_spool_frame_encode(&cmd, &b), XB_OK);
    xb_spool_frame f;
    char err[128];
    assert_int_equal(xb_spool_frame_parse((const uint8_t *)b.data, b.len, &f, err, sizeof(err)),
                     XB_SPOOL_FRAME);
    assert_same_args(&cmd, &f);
    xb_spool_frame_free(&f);
    xb_buf_free(&b);
    xb_filing_cmd_free(&cmd);
}

/* the read-only count is never spooled */
static void test_count_is_not_a_frame(void **state)
{
    (void)state;
    xb_subject s;
    memset(&s, 0, sizeof(s));
    xb_filing_cmd cmd;
    xb_filing_cmd_init(&cmd);
    assert_int_equal(xb_filing_cmd_count(&cmd, NULL, "91310000MA1FL8XQ3A", 2026, &s, 1), XB_OK);
    xb_buf b = XB_BUF_INIT;
    assert_int_equal(xb_spool_frame_encode(&cmd, &b), XB_ERR_INVALID);
    assert_int_equal(b.len, 0);
    xb_buf_free(&b);
    xb_filing_cmd_free(&cmd);
}

/* every prefix of a frame is "need more", the whole frame parses */
static void test_split_at_every_byte(void **state)
{
    (void)state;
    xb_filing_cmd cmd;
    xb_filing_cmd_init(&cmd);
    xb_buf b = XB_BUF_INIT;
    build_append(&cmd, "gw1/w0", 1, 120, NULL, 0);
    assert_int_equal(xb_spool_frame_encode(&cmd, &b), XB_OK);
    size_t first = b.len;
    build_checkpoint(&cmd, "gw1/w0", 1);
    assert_int_equal(xb_spool_frame_encode(&cmd, &b), XB_OK);

    xb_spool_frame f;
    char err[128];
    for (size_t cut = 0; cut < b.len; cut++) {
        size_t at = cut < first ? 0 : first;
        size_t end = cut < first ? first : b.len;
        xb_spool_parse_status ps =
            xb_spool_frame_parse((const uint8_t *)b.data + at, cut - at, &f, err, sizeof(err));
        if (cut - at == end - at)
            assert_int_equal(ps, XB_SPOOL_FRAME);
        else if (ps != XB_SPOOL_NEED_MORE)
            fail_msg("cut at %zu: status %d (%s), expected need-more", cut, ps, err);
        xb_spool_frame_free(&f);
    }
    assert_int_equal(
        xb_spool_frame_parse((const uint8_t *)b.data, first, &f, err, sizeof(err)),
        XB_SPOOL_FRAME);
    assert_int_equal(f.frame_len, first);
    xb_spool_frame_free(&f);
    xb_buf_free(&b);
    xb_filing_cmd_free(&cmd);
}

/*
 * One flipped bit anywhere in a frame - header, payload or CRC - is
 * corruption, even when the frame is the last bytes of the file: a changed
 * length must never make a damaged frame look like a torn tail (which
 * replay ignores).
 */
static void test_every_flipped_bit_is_corrupt(void **state)
{
    (void)state;
    xb_filing_cmd cmd;
    xb_filing_cmd_init(&cmd);
    xb_buf b = XB_BUF_INIT;
    build_append(&cmd, "gw1/w0", 3, 64, NULL, 0);
    assert_int_equal(xb_spool_frame_encode(&cmd, &b), XB_OK);
    xb_spool_frame f;
    char err[128];
    for (size_t i = 0; i < b.len; i++) {
        for (int bit = 0; bit < 8; bit++) {
            b.data[i] ^= (char)(1 << bit);
            err[0] = '\0';
            xb_spool_parse_status ps =
                xb_spool_frame_parse((const uint8_t *)b.data, b.len, &f, err, sizeof(err));
            if (ps != XB_SPOOL_CORRUPT)
                fail_msg("bit %d of byte %zu flipped: status %d, expected corrupt", bit, i, ps);
            assert_true(err[0] != '\0');
            b.data[i] ^= (char)(1 << bit);
        }
    }
    assert_int_equal(xb_spool_frame_parse((const uint8_t *)b.data, b.len, &f, err, sizeof(err)),
                     XB_SPOOL_FRAME);
    xb_spool_frame_free(&f);
    xb_buf_free(&b);
    xb_filing_cmd_free(&cmd);
}

static void test_oversize_and_impossible_lengths(void **state)
{
    (void)state;
    /* an argument above the frame limit is refused at encoding */
    size_t big = XB_SPOOL_MAX_FRAME + 1;
    char *blob = malloc(big);
    assert_non_null(blob);
    memset(blob, 'x', big);
    const char *args[] = {"k", "k", "chain", "1", blob};
    const size_t lens[] = {1, 1, 5, 1, big};
    xb_filing_cmd cmd;
    xb_filing_cmd_init(&cmd);
    assert_int_equal(xb_filing_cmd_from_args(&cmd, XB_FILING_CHECKPOINT, 2, 5, args, lens),
                     XB_OK);
    xb_buf b = XB_BUF_INIT;
    assert_int_equal(xb_spool_frame_encode(&cmd, &b), XB_ERR_LIMIT);
    assert_int_equal(b.len, 0);
    /* so is a total just above it */
    const size_t half = XB_SPOOL_MAX_FRAME / 2;
    const char *args2[] = {"k", "k", blob, blob};
    const size_t lens2[] = {1, 1, half, half};
    assert_int_equal(xb_filing_cmd_from_args(&cmd, XB_FILING_CHECKPOINT, 2, 4, args2, lens2),
                     XB_OK);
    assert_int_equal(xb_spool_frame_encode(&cmd, &b), XB_ERR_LIMIT);
    free(blob);

    /* a header announcing more than the limit is corrupt at once, not
     * "need more" (the reader would otherwise wait for 4 GiB) */
    build_checkpoint(&cmd, "c", 1);
    assert_int_equal(xb_spool_frame_encode(&cmd, &b), XB_OK);
    xb_spool_frame f;
    char err[128];
    assert_int_equal(xb_spool_frame_parse((const uint8_t *)b.data, b.len, &f, err, sizeof(err)),
                     XB_SPOOL_FRAME);
    xb_spool_frame_free(&f);
    uint8_t *h = (uint8_t *)b.data;
    h[12] = 0x7f; /* length = 0x7f...... */
    assert_int_equal(xb_spool_frame_parse(h, XB_SPOOL_HEADER_LEN, &f, err, sizeof(err)),
                     XB_SPOOL_CORRUPT);
    xb_buf_free(&b);
    xb_filing_cmd_free(&cmd);
}

static void test_bad_magic_and_garbage(void **state)
{
    (void)state;
    xb_spool_frame f;
    char err[128];
    assert_int_equal(xb_spool_frame_parse((const uint8_t *)"XBS", 3, &f, err, sizeof(err)),
                     XB_SPOOL_NEED_MORE);
    assert_int_equal(xb_spool_frame_parse((const uint8_t *)"XBQ", 3, &f, err, sizeof(err)),
                     XB_SPOOL_CORRUPT);
    uint8_t zeros[64] = {0};
    assert_int_equal(xb_spool_frame_parse(zeros, sizeof(zeros), &f, err, sizeof(err)),
                     XB_SPOOL_CORRUPT);
    assert_non_null(strstr(err, "magic"));
}


/* a stored argument list is rebuilt only with its script's key count, and
 * its position only from a plain decimal seq */
static void test_rebuild_validation(void **state)
{
    (void)state;
    const char *args[] = {"k1", "k2", "k3", "k4", "k5", "chain", "12", "x"};
    const size_t lens[] = {2, 2, 2, 2, 2, 5, 2, 1};
    xb_filing_cmd cmd;
    xb_filing_cmd_init(&cmd);
    assert_int_equal(xb_filing_cmd_from_args(&cmd, XB_FILING_APPEND, 4, 8, args, lens),
                     XB_ERR_INVALID);
    assert_int_equal(xb_filing_cmd_from_args(&cmd, XB_FILING_APPEND, 0, 8, args, lens),
                     XB_ERR_INVALID);
    assert_int_equal(xb_filing_cmd_from_args(&cmd, XB_FILING_CHECKPOINT, 5, 8, args, lens),
                     XB_ERR_INVALID);
    assert_int_equal(xb_filing_cmd_from_args(&cmd, XB_FILING_COUNT, 2, 8, args, lens),
                     XB_ERR_INVALID);
    assert_int_equal(xb_filing_cmd_from_args(&cmd, (xb_filing_script)9, 5, 8, args, lens),
                     XB_ERR_INVALID);
    assert_int_equal(xb_filing_cmd_from_args(&cmd, XB_FILING_APPEND, 5, 4, args, lens),
                     XB_ERR_INVALID);
    assert_int_equal(xb_filing_cmd_from_args(&cmd, XB_FILING_APPEND, 5, 8, args, lens), XB_OK);
    const char *chain;
    size_t chain_len;
    uint64_t seq;
    assert_int_equal(xb_filing_cmd_position(&cmd, &chain, &chain_len, &seq), XB_OK);
    assert_int_equal(seq, 12);

    const char *bad_seqs[] = {"-1", " 5", "+5", "0", "5x", "", "18446744073709551616"};
    for (size_t i = 0; i < sizeof(bad_seqs) / sizeof(bad_seqs[0]); i++) {
        const char *a[] = {"k1", "k2", "chain", bad_seqs[i]};
        const size_t l[] = {2, 2, 5, strlen(bad_seqs[i])};
        assert_int_equal(xb_filing_cmd_from_args(&cmd, XB_FILING_CHECKPOINT, 2, 4, a, l),
                         XB_OK);
        if (xb_filing_cmd_position(&cmd, &chain, &chain_len, &seq) != XB_ERR_INVALID)
            fail_msg("seq '%s' accepted as %llu", bad_seqs[i], (unsigned long long)seq);
    }
    xb_filing_cmd_free(&cmd);
}

/* ---- files ------------------------------------------------------------- */

typedef struct spool_file {
    char path[128];
    size_t n;             /* frames */
    uint64_t ends[4200];  /* file offset after frame i */
    uint64_t seqs[4200];
    uint64_t size;        /* bytes of whole frames */
} spool_file;

/*
 * Write n frames of one chain (appends, a checkpoint every 100, one frame
 * larger than the reader's chunk), optionally followed by a torn frame.
 */
static void write_spool(spool_file *sf, size_t n, size_t torn_bytes)
{
    snprintf(sf->path, sizeof(sf->path), "/tmp/xb_test_spool_%d.spool", (int)getpid());
    int fd = open(sf->path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    xb_filing_cmd cmd;
    xb_filing_cmd_init(&cmd);
    xb_buf b = XB_BUF_INIT;
    sf->n = 0;
    uint64_t off = 0, seq = 0;
    for (size_t i = 0; i < n; i++) {
        if (i % 100 == 99) {
            build_checkpoint(&cmd, "gw1/w0", seq);
        } else {
            seq++;
            build_append(&cmd, "gw1/w0", seq, i == n / 2 ? 700 * 1024 : 200 + i % 50, NULL, 0);
        }
        xb_buf_reset(&b);
        assert_int_equal(xb_spool_frame_encode(&cmd, &b), XB_OK);
        assert_int_equal(write(fd, b.data, b.len), (ssize_t)b.len);
        off += b.len;
        sf->ends[sf->n] = off;
        sf->seqs[sf->n] = cmd.script == XB_FILING_APPEND ? seq : 0;
        sf->n++;
    }
    sf->size = off;
    if (torn_bytes) {
        build_append(&cmd, "gw1/w0", seq + 1, 500, NULL, 0);
        xb_buf_reset(&b);
        assert_int_equal(xb_spool_frame_encode(&cmd, &b), XB_OK);
        assert_true(torn_bytes < b.len);
        assert_int_equal(write(fd, b.data, torn_bytes), (ssize_t)torn_bytes);
    }
    close(fd);
    xb_buf_free(&b);
    xb_filing_cmd_free(&cmd);
}

/* read from offset; checks every frame against the file's table */
static size_t read_all(const spool_file *sf, uint64_t from, size_t first_index, bool *torn)
{
    xb_spool_reader rd;
    char err[256];
    assert_int_equal(xb_spool_reader_open(&rd, sf->path, from, err, sizeof(err)), XB_OK);
    xb_spool_frame f;
    memset(&f, 0, sizeof(f));
    xb_filing_cmd cmd;
    xb_filing_cmd_init(&cmd);
    size_t i = first_index;
    xb_spool_parse_status ps;
    while ((ps = xb_spool_reader_next(&rd, &f, err, sizeof(err))) == XB_SPOOL_FRAME) {
        assert_true(i < sf->n);
        assert_int_equal(xb_spool_reader_offset(&rd), sf->ends[i]);
        assert_int_equal(xb_filing_cmd_from_args(&cmd, f.script, f.n_keys, f.n_args, f.args,
                                                 f.lens),
                         XB_OK);
        const char *chain;
        size_t chain_len;
        uint64_t seq;
        assert_int_equal(xb_filing_cmd_position(&cmd, &chain, &chain_len, &seq), XB_OK);
        if (f.script == XB_FILING_APPEND)
            assert_int_equal(seq, sf->seqs[i]);
        i++;
    }
    assert_int_equal(ps, XB_SPOOL_NEED_MORE);
    assert_int_equal(xb_spool_reader_offset(&rd), sf->size);
    *torn = rd.torn;
    xb_spool_frame_free(&f);
    xb_spool_reader_close(&rd);
    xb_filing_cmd_free(&cmd);
    return i - first_index;
}

static void test_reader_many_frames_and_torn_tail(void **state)
{
    (void)state;
    spool_file *sf = calloc(1, sizeof(*sf));
    assert_non_null(sf);
    write_spool(sf, 4000, 37);
    assert_true(sf->size > 4 * 256 * 1024); /* crosses the reader's chunk many times */
    bool torn = false;
    assert_int_equal(read_all(sf, 0, 0, &torn), 4000);
    assert_true(torn);

    /* resume from the offset after frame 2500, and from the very end */
    assert_int_equal(read_all(sf, sf->ends[2499], 2500, &torn), 1500);
    assert_true(torn);
    assert_int_equal(read_all(sf, sf->size, sf->n, &torn), 0);
    assert_true(torn);

    /* the same file without the torn tail */
    write_spool(sf, 300, 0);
    assert_int_equal(read_all(sf, 0, 0, &torn), 300);
    assert_false(torn);
    unlink(sf->path);
    free(sf);
}

/* a damaged frame in the middle stops the reader there, with its offset */
static void test_reader_corruption_offset(void **state)
{
    (void)state;
    spool_file *sf = calloc(1, sizeof(*sf));
    assert_non_null(sf);
    write_spool(sf, 1200, 0);
    /* damage one payload byte of frame 1000 */
    int fd = open(sf->path, O_RDWR);
    assert_true(fd >= 0);
    uint64_t at = sf->ends[999] + XB_SPOOL_HEADER_LEN + 10;
    char c;
    assert_int_equal(pread(fd, &c, 1, (off_t)at), 1);
    c ^= 0x20;
    assert_int_equal(pwrite(fd, &c, 1, (off_t)at), 1);
    close(fd);

    xb_spool_reader rd;
    char err[256] = "";
    assert_int_equal(xb_spool_reader_open(&rd, sf->path, 0, err, sizeof(err)), XB_OK);
    xb_spool_frame f;
    memset(&f, 0, sizeof(f));
    size_t n = 0;
    xb_spool_parse_status ps;
    while ((ps = xb_spool_reader_next(&rd, &f, err, sizeof(err))) == XB_SPOOL_FRAME)
        n++;
    assert_int_equal(ps, XB_SPOOL_CORRUPT);
    assert_int_equal(n, 1000);
    assert_int_equal(xb_spool_reader_offset(&rd), sf->ends[999]);
    assert_non_null(strstr(err, "CRC"));
    xb_spool_frame_free(&f);
    xb_spool_reader_close(&rd);

    /* and a length grown past the end of the file is corruption too, not a
     * torn tail: the frames after it were acknowledged */
    write_spool(sf, 50, 0);
    fd = open(sf->path, O_RDWR);
    assert_true(fd >= 0);
    uint8_t len_hi = 0x01; /* + 16 MiB */
    assert_int_equal(pwrite(fd, &len_hi, 1, (off_t)(sf->ends[9] + 12)), 1);
    close(fd);
    assert_int_equal(xb_spool_reader_open(&rd, sf->path, 0, err, sizeof(err)), XB_OK);
    n = 0;
    while ((ps = xb_spool_reader_next(&rd, &f, err, sizeof(err))) == XB_SPOOL_FRAME)
        n++;
    assert_int_equal(ps, XB_SPOOL_CORRUPT);
    assert_int_equal(n, 10);
    assert_false(rd.torn);
    assert_int_equal(xb_spool_reader_offset(&rd), sf->ends[9]);
    xb_spool_frame_free(&f);
    xb_spool_reader_close(&rd);
    unlink(sf->path);
    free(sf);
}

static void test_reader_missing_file(void **state)
{
    (void)state;
    xb_spool_reader rd;
    char err[256] = "";
    assert_int_equal(xb_spool_reader_open(&rd, "/nonexistent/x.spool", 0, err, sizeof(err)),
                     XB_ERR_IO);
    assert_non_null(strstr(err, "/nonexistent/x.spool"));
}

/* ---- file names -------------------------------------------------------- */

static void test_name_round_trip(void **state)
{
    (void)state;
    const char *chains[] = {
        "gw1/w0-4242-1763812224", "gw1/w0-4242-1763812224.2", "a%b", "with space",
        "数据/节点", "..", ".", "-", "100%", "%41", "tab\there", "x/../../etc/passwd",
        "\x7f\x80\xff"};
    xb_buf name = XB_BUF_INIT, back = XB_BUF_INIT;
    for (size_t i = 0; i < sizeof(chains) / sizeof(chains[0]); i++) {
        assert_int_equal(xb_spool_file_name(chains[i], &name), XB_OK);
        const char *s = xb_buf_cstr(&name);
        size_t n = strlen(s);
        assert_true(n > strlen(XB_SPOOL_SUFFIX));
        assert_string_equal(s + n - strlen(XB_SPOOL_SUFFIX), XB_SPOOL_SUFFIX);
        for (size_t k = 0; k < n; k++) {
            char c = s[k];
            bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' || c == '%';
            if (!ok)
                fail_msg("chain '%s': byte 0x%02x in file name '%s'", chains[i],
                         (unsigned char)c, s);
        }
        assert_int_equal(xb_spool_chain_of(s, &back), XB_OK);
        assert_int_equal(back.len, strlen(chains[i]));
        assert_memory_equal(back.data, chains[i], back.len);
    }
    assert_int_equal(xb_spool_file_name("gw1/w0", &name), XB_OK);
    assert_string_equal(xb_buf_cstr(&name), "gw1%2Fw0.spool");
    assert_int_equal(xb_spool_file_name("", &name), XB_ERR_INVALID);
    assert_int_equal(xb_spool_file_name(NULL, &name), XB_ERR_INVALID);
    xb_buf_free(&name);
    xb_buf_free(&back);
}

/* only names that xb_spool_file_name() produces are spool names: one chain
 * has exactly one file */
static void test_malformed_names(void **state)
{
    (void)state;
    const char *bad[] = {
        "", ".spool", "abc", "abc.spool.replayed", "gw1%2Fw0.spool.replayed", "a%2.spool",
        "a%.spool", "a%zz.spool", "a b.spool", "a/b.spool", "%00.spool", "a%00b.spool",
        "%41.spool" /* 'A' is written as itself */, "gw1%2fw0.spool" /* upper-case hex */,
        "abc.SPOOL", "\xe6\x95\xb0.spool"};
    xb_buf chain = XB_BUF_INIT;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (xb_spool_chain_of(bad[i], &chain) != XB_ERR_INVALID)
            fail_msg("'%s' accepted as a spool file name", bad[i]);
    }
    assert_int_equal(xb_spool_chain_of("gw1%2Fw0.spool", &chain), XB_OK);
    assert_int_equal(chain.len, 6);
    assert_memory_equal(chain.data, "gw1/w0", 6);
    xb_buf_free(&chain);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_round_trip),
        cmocka_unit_test(test_checkpoint_round_trip),
        cmocka_unit_test(test_binary_argument_round_trip),
        cmocka_unit_test(test_count_is_not_a_frame),
        cmocka_unit_test(test_split_at_every_byte),
        cmocka_unit_test(test_every_flipped_bit_is_corrupt),
        cmocka_unit_test(test_oversize_and_impossible_lengths),
        cmocka_unit_test(test_bad_magic_and_garbage),
        cmocka_unit_test(test_rebuild_validation),
        cmocka_unit_test(test_reader_many_frames_and_torn_tail),
        cmocka_unit_test(test_reader_corruption_offset),
        cmocka_unit_test(test_reader_missing_file),
        cmocka_unit_test(test_name_round_trip),
        cmocka_unit_test(test_malformed_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
