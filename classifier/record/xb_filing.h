/*
 * xb_filing.h - the Redis commands that file records, checkpoints and
 * distinct-person counts (docs/redis-layout.md is the layout they write).
 *
 * Why a library module: the gateway (nginx, non-blocking hiredis), the
 * spool replayer and `xborder spool replay` must send byte-identical
 * commands and read the replies the same way, and the Lua scripts are the
 * one place where idempotence and gap detection live. Nothing here does
 * I/O: a command is built as an argv (for redisAsyncCommandArgv() or
 * redisCommandArgv()), and replies are interpreted from their parts.
 *
 * Every filing operation is one EVALSHA of one of three scripts, atomic in
 * Redis:
 *
 *   append      file one transfer record and add its individuals to the
 *               year-to-date sets, in one step:
 *                 seq <= head seq                   -> "DUP <head seq>"
 *                 seq == head+1, prev == head hash  -> XADD, HSET head,
 *                                                      HSET transfer index,
 *                                                      SADD subjects,
 *                                                      "OK <stream id>"
 *                 otherwise                         -> "GAP <head seq>"
 *               KEYS: records stream, heads hash, transfers hash,
 *                     general set, sensitive set
 *               ARGV: chain, seq, prev_hash, hash, rec, transfer id,
 *                     n_general, general hex hashes..., sensitive hex...
 *   checkpoint  file one signed checkpoint of a chain:
 *                 seq <= last checkpointed seq of the chain -> "DUP <seq>"
 *                 otherwise XADD to the checkpoint stream -> "OK <id>"
 *               KEYS: checkpoints stream, checkpoint heads hash
 *               ARGV: chain, seq, hash, cp, sig, key_id
 *   count       which candidate subjects are already counted this year,
 *               and the totals (read only):
 *               KEYS: general set, sensitive set, baseline hash
 *               ARGV: n_general, general hex hashes..., sensitive hex...
 *               reply: array { "general total", "sensitive total",
 *                              "flags" } where totals include the
 *               baseline and flags has one '0'/'1' per queried hash
 *               (in argument order), '1' = already counted.
 *
 * The argument list of append/checkpoint (KEYS and ARGV, without the
 * EVALSHA/sha/numkeys prefix) is what a spool frame stores (xb_spool.h),
 * so a replay sends exactly what would have been sent.
 */
#ifndef XB_FILING_H
#define XB_FILING_H

#include "../core/xb_buf.h"
#include "../policy/xb_subjects.h"
#include "xb_record.h"

typedef enum xb_filing_script {
    XB_FILING_APPEND = 1,
    XB_FILING_CHECKPOINT = 2,
    XB_FILING_COUNT = 3
} xb_filing_script;

/* The Lua source of a script and its SHA-1 (40 hex digits), the name
 * EVALSHA uses. NULL for an unknown script. */
const char *xb_filing_script_source(xb_filing_script s);
const char *xb_filing_script_sha1(xb_filing_script s);

/*
 * A command: argv[0..argc) ready for hiredis. argv[0] is "EVALSHA",
 * argv[1] the script's SHA-1, argv[2] the number of keys, then keys and
 * arguments. Owns its memory; reusable after xb_filing_cmd_reset().
 */
typedef struct xb_filing_cmd {
    xb_filing_script script;
    int argc;
    const char **argv;
    size_t *argvlen;
    size_t n_keys;
    /* private */
    xb_buf store;     /* the bytes of every argument */
    size_t cap;       /* capacity of argv/argvlen */
    size_t *offsets;  /* argument i starts at store.data + offsets[i] */
} xb_filing_cmd;

void xb_filing_cmd_init(xb_filing_cmd *cmd);
void xb_filing_cmd_reset(xb_filing_cmd *cmd);
void xb_filing_cmd_free(xb_filing_cmd *cmd);

/* Same command as EVAL with the full script text (used once after a
 * NOSCRIPT reply; EVAL also caches the script for later EVALSHA). The
 * returned argv shares the arguments of cmd; valid until cmd changes. */
typedef struct xb_filing_eval {
    int argc;
    const char **argv;
    size_t *argvlen;
} xb_filing_eval;
xb_status xb_filing_cmd_as_eval(const xb_filing_cmd *cmd, xb_filing_eval *out);
void xb_filing_eval_free(xb_filing_eval *e);

/* Key names under a prefix ("xborder:" by default). */
#define XB_FILING_DEFAULT_PREFIX "xborder:"

/* The record to file: the canonical text and its chain position, and the
 * individuals it adds to the counts (those actually sent). uscc may be
 * NULL (unknown exporter, nothing counted): the set keys are then
 * "<prefix>subjects:-:<year>:general|sensitive" and no SADD happens. */
typedef struct xb_filing_record {
    const char *chain;
    uint64_t seq;
    const char *prev_hash;   /* 64 hex */
    const char *hash;        /* 64 hex: SHA-256 of rec */
    const char *rec;
    size_t rec_len;
    const char *transfer_id;
    const char *uscc;
    int year;
    const xb_subject *subjects;   /* candidates of the transfer */
    size_t n_subjects;
    const uint8_t *selected;      /* NULL: all; else add subjects[i] iff selected[i] */
} xb_filing_record;

xb_status xb_filing_cmd_append(xb_filing_cmd *cmd, const char *prefix,
                               const xb_filing_record *r);

xb_status xb_filing_cmd_checkpoint(xb_filing_cmd *cmd, const char *prefix,
                                   const char *chain, uint64_t seq, const char *head_hash,
                                   const char *cp, size_t cp_len, const char *sig_hex,
                                   const char *key_id);

xb_status xb_filing_cmd_count(xb_filing_cmd *cmd, const char *prefix, const char *uscc,
                              int year, const xb_subject *subjects, size_t n);

/* Rebuild a command from a stored argument list (a spool frame payload,
 * see xb_spool.h). XB_ERR_INVALID unless n_keys is the script's own key
 * count (5 append, 2 checkpoint, 3 count). */
xb_status xb_filing_cmd_from_args(xb_filing_cmd *cmd, xb_filing_script script, size_t n_keys,
                                  size_t n_args, const char *const *args,
                                  const size_t *lens);

/* The chain and seq a stored append/checkpoint command is about (ARGV[1],
 * ARGV[2]); XB_ERR_INVALID unless seq is a positive decimal number. */
xb_status xb_filing_cmd_position(const xb_filing_cmd *cmd, const char **chain,
                                 size_t *chain_len, uint64_t *seq);

/* Reply of append and checkpoint (a status or bulk string). */
typedef enum xb_filing_outcome {
    XB_FILED_OK = 0,    /* written now; id = stream id */
    XB_FILED_DUP,       /* already there (retry or replay); head = its head seq */
    XB_FILED_GAP,       /* records are missing before this one; head = head seq */
    XB_FILED_ERROR      /* anything else: an error reply or a malformed one */
} xb_filing_outcome;

typedef struct xb_filing_result {
    xb_filing_outcome outcome;
    uint64_t head;
    char id[48];
} xb_filing_result;

xb_filing_result xb_filing_parse_reply(const char *str, size_t len);

/* Reply of count: the three array elements as strings. Sets
 * subjects[i].is_new from the flags and the totals; XB_ERR_MALFORMED when
 * the reply does not match the n subjects queried. */
xb_status xb_filing_parse_count(const char *general, size_t general_len,
                                const char *sensitive, size_t sensitive_len,
                                const char *flags, size_t flags_len, xb_subject *subjects,
                                size_t n, xb_subject_counts *totals);

#endif
