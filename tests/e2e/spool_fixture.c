/*
 * spool_fixture.c - test-only: write a spool file exactly as a gateway
 * that lost Redis would, for tests/e2e/test_spool_cli.py and
 * tests/e2e/test_redis_acl.py. Compiled by those tests with cc against
 * build/libxborder.a; not part of xborder.
 *
 * Records are real: canonical encoding (xb_record_encode), SHA-256 chain
 * from seq 1, subjects in the year's sets, and Ed25519 checkpoints
 * (xb_sign) every CP_EVERY records when a signing key is given. Only the
 * frames of seq FROM..TO are written (the earlier ones are computed to get
 * the chain right), appended to DIR/<xb_spool_file_name(CHAIN)>, followed
 * by TORN bytes of one more frame when TORN > 0. Prints the file's path.
 *
 * usage: spool_fixture DIR CHAIN FROM TO PREFIX SIGNING_KEY|- CP_EVERY TORN
 *        spool_fixture script append|checkpoint|count   (print the Lua)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classifier/record/xb_filing.h"
#include "classifier/record/xb_record.h"
#include "classifier/record/xb_sign.h"
#include "classifier/record/xb_spool.h"

#define USCC "91310000MA1FL8XQ3A"

static int put(int fd, const xb_buf *b, size_t n)
{
    return write(fd, b->data, n) == (ssize_t)n ? 0 : -1;
}

static int build_record(const char *chain, uint64_t seq, const char *prev, xb_buf *rec,
                        char tid[17])
{
    xb_transfer_record r;
    memset(&r, 0, sizeof(r));
    unsigned h = 0;
    for (const char *p = chain; *p; p++)
        h = h * 31 + (unsigned char)*p;
    snprintf(tid, 17, "%08x%08llx", h, (unsigned long long)seq);
    r.transfer_id = tid;
    r.node = "gw1";
    r.chain = chain;
    r.seq = seq;
    r.ts_start_ms = 1763812224000 + (int64_t)seq * 1000;
    r.ts_end_ms = r.ts_start_ms + 4;
    memcpy(r.prev_hash, prev, XB_HASH_HEX);
    r.exporter_id = "acme";
    r.exporter_uscc = USCC;
    r.recipient_country = "DE";
    r.dest_country = "DE";
    r.direction = "push";
    r.route = "scc-or-cert";
    r.outcome = "allow";
    r.enforced = "allow";
    r.mode = "enforce";
    r.year = 2026;
    r.subjects_general = 2;
    r.catalog_version = "national-pi@1";
    r.policy_version = "p@1";
    r.engine_version = "fixture";
    xb_buf_reset(rec);
    return xb_record_encode(&r, rec) == XB_OK ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "script")) {
        xb_filing_script s = !strcmp(argv[2], "append")       ? XB_FILING_APPEND
                             : !strcmp(argv[2], "checkpoint") ? XB_FILING_CHECKPOINT
                                                              : XB_FILING_COUNT;
        fputs(xb_filing_script_source(s), stdout);
        return 0;
    }
    if (argc != 9) {
        fprintf(stderr, "usage: spool_fixture DIR CHAIN FROM TO PREFIX KEY|- CP_EVERY TORN\n");
        return 2;
    }
    const char *dir = argv[1], *chain = argv[2], *prefix = argv[5], *keyfile = argv[6];
    uint64_t from = strtoull(argv[3], NULL, 10), to = strtoull(argv[4], NULL, 10);
    uint64_t cp_every = strtoull(argv[7], NULL, 10);
    size_t torn = (size_t)strtoull(argv[8], NULL, 10);
    char err[256];
    xb_key *key = NULL;
    char key_id[17] = "";
    if (strcmp(keyfile, "-")) {
        key = xb_key_load_private(keyfile, err, sizeof(err));
        if (!key) {
            fprintf(stderr, "%s\n", err);
            return 3;
        }
        xb_key_id(key, key_id);
    }
    xb_buf name = XB_BUF_INIT, rec = XB_BUF_INIT, frame = XB_BUF_INIT, cp = XB_BUF_INIT;
    if (xb_spool_file_name(chain, &name) != XB_OK)
        return 4;
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, xb_buf_cstr(&name));
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd < 0) {
        perror(path);
        return 5;
    }
    xb_filing_cmd cmd;
    xb_filing_cmd_init(&cmd);
    char prev[XB_HASH_HEX], hash[XB_HASH_HEX], tid[17];
    memcpy(prev, xb_record_genesis, XB_HASH_HEX);
    for (uint64_t seq = 1; seq <= to + (torn ? 1 : 0); seq++) {
        if (build_record(chain, seq, prev, &rec, tid))
            return 6;
        xb_sha256_hex(rec.data, rec.len, hash);
        if (seq >= from) {
            /* two individuals per record, one shared by every record */
            xb_subject subj[2];
            memset(subj, 0, sizeof(subj));
            subj[0].hash[0] = 0x5a;
            subj[1].hash[0] = 0x6b;
            subj[1].hash[1] = (uint8_t)(seq >> 8);
            subj[1].hash[2] = (uint8_t)seq;
            subj[1].hash[3] = (uint8_t)(tid[0] ^ tid[5]);
            xb_filing_record fr = {.chain = chain, .seq = seq, .prev_hash = prev,
                                   .hash = hash, .rec = rec.data, .rec_len = rec.len,
                                   .transfer_id = tid, .uscc = USCC, .year = 2026,
                                   .subjects = subj, .n_subjects = 2, .selected = NULL};
            xb_buf_reset(&frame);
            if (xb_filing_cmd_append(&cmd, prefix, &fr) != XB_OK ||
                xb_spool_frame_encode(&cmd, &frame) != XB_OK)
                return 7;
            if (seq > to) { /* the torn frame */
                if (put(fd, &frame, torn < frame.len ? torn : frame.len - 1))
                    return 8;
                break;
            }
            if (put(fd, &frame, frame.len))
                return 8;
            if (key && cp_every && seq % cp_every == 0) {
                char sig[XB_SIG_HEX];
                xb_buf_reset(&cp);
                xb_buf_reset(&frame);
                if (xb_checkpoint_encode("gw1", chain, seq, hash, 1763812224000 + seq * 1000 + 5,
                                         key_id, &cp) != XB_OK ||
                    xb_sign(key, cp.data, cp.len, sig) != XB_OK ||
                    xb_filing_cmd_checkpoint(&cmd, prefix, chain, seq, hash, cp.data, cp.len,
                                             sig, key_id) != XB_OK ||
                    xb_spool_frame_encode(&cmd, &frame) != XB_OK || put(fd, &frame, frame.len))
                    return 9;
            }
        }
        memcpy(prev, hash, XB_HASH_HEX);
    }
    close(fd);
    printf("%s\n", path);
    xb_filing_cmd_free(&cmd);
    xb_buf_free(&name);
    xb_buf_free(&rec);
    xb_buf_free(&frame);
    xb_buf_free(&cp);
    xb_key_free(key);
    return 0;
}
