/*
 * xb_filing_cmd.c - building the EVALSHA argument vectors of the filing
 * scripts (xb_filing.h), and rebuilding them from a spool frame.
 *
 * All argument bytes live in one buffer, each followed by a NUL that is not
 * part of the argument; argv[] is set once the command is complete, since
 * the buffer may move while it grows.
 */
#include "xb_filing.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void xb_filing_cmd_init(xb_filing_cmd *cmd)
{
    memset(cmd, 0, sizeof(*cmd));
}

void xb_filing_cmd_reset(xb_filing_cmd *cmd)
{
    cmd->argc = 0;
    cmd->n_keys = 0;
    xb_buf_reset(&cmd->store);
}

void xb_filing_cmd_free(xb_filing_cmd *cmd)
{
    xb_buf_free(&cmd->store);
    free(cmd->argv);
    free(cmd->argvlen);
    free(cmd->offsets);
    memset(cmd, 0, sizeof(*cmd));
}

static xb_status grow(xb_filing_cmd *cmd, size_t need)
{
    if (need <= cmd->cap)
        return XB_OK;
    size_t cap = cmd->cap ? cmd->cap * 2 : 16;
    while (cap < need)
        cap *= 2;
    const char **argv = realloc(cmd->argv, cap * sizeof(*argv));
    if (!argv)
        return XB_ERR_NOMEM;
    cmd->argv = argv;
    size_t *lens = realloc(cmd->argvlen, cap * sizeof(*lens));
    if (!lens)
        return XB_ERR_NOMEM;
    cmd->argvlen = lens;
    size_t *offs = realloc(cmd->offsets, cap * sizeof(*offs));
    if (!offs)
        return XB_ERR_NOMEM;
    cmd->offsets = offs;
    cmd->cap = cap;
    return XB_OK;
}

static xb_status push(xb_filing_cmd *cmd, const void *p, size_t n)
{
    xb_status st = grow(cmd, (size_t)cmd->argc + 1);
    if (st != XB_OK)
        return st;
    cmd->offsets[cmd->argc] = cmd->store.len;
    cmd->argvlen[cmd->argc] = n;
    if ((st = xb_buf_append(&cmd->store, p, n)) != XB_OK ||
        (st = xb_buf_append_char(&cmd->store, '\0')) != XB_OK)
        return st;
    cmd->argc++;
    return XB_OK;
}

static xb_status push_str(xb_filing_cmd *cmd, const char *s)
{
    return push(cmd, s, strlen(s));
}

static xb_status push_fmt(xb_filing_cmd *cmd, const char *fmt, const char *a, const char *b,
                          int year, const char *c)
{
    char tmp[512];
    int n = snprintf(tmp, sizeof(tmp), fmt, a, b, year, c);
    if (n < 0 || (size_t)n >= sizeof(tmp))
        return XB_ERR_INVALID;
    return push(cmd, tmp, (size_t)n);
}

static xb_status push_u64(xb_filing_cmd *cmd, uint64_t v)
{
    char tmp[24];
    int n = snprintf(tmp, sizeof(tmp), "%" PRIu64, v);
    return push(cmd, tmp, (size_t)n);
}

static xb_status begin(xb_filing_cmd *cmd, xb_filing_script s, size_t n_keys)
{
    xb_filing_cmd_reset(cmd);
    cmd->script = s;
    cmd->n_keys = n_keys;
    const char *sha = xb_filing_script_sha1(s);
    if (!sha || strlen(sha) != 40)
        return XB_ERR_STATE;
    xb_status st = push_str(cmd, "EVALSHA");
    if (st == XB_OK)
        st = push_str(cmd, sha);
    if (st == XB_OK)
        st = push_u64(cmd, n_keys);
    return st;
}

static void finish(xb_filing_cmd *cmd)
{
    for (int i = 0; i < cmd->argc; i++)
        cmd->argv[i] = cmd->store.data + cmd->offsets[i];
}

static bool is_hex64(const char *s)
{
    if (!s || strlen(s) != 64)
        return false;
    for (size_t i = 0; i < 64; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return true;
}

static xb_status push_subjects(xb_filing_cmd *cmd, const xb_subject *subjects, size_t n,
                               const uint8_t *selected, uint8_t cls, size_t *count)
{
    char hex[65];
    *count = 0;
    for (size_t i = 0; i < n; i++) {
        if (subjects[i].cls != cls || (selected && !selected[i]))
            continue;
        xb_subject_hex(subjects[i].hash, hex);
        xb_status st = push(cmd, hex, 64);
        if (st != XB_OK)
            return st;
        (*count)++;
    }
    return XB_OK;
}

/* the subject count argument is written before the hashes: reserve it */
static xb_status push_subject_lists(xb_filing_cmd *cmd, const xb_subject *subjects, size_t n,
                                    const uint8_t *selected)
{
    xb_status st = push(cmd, "0000000000", 10); /* patched below */
    if (st != XB_OK)
        return st;
    int count_arg = cmd->argc - 1;
    size_t ng = 0, ns = 0;
    if ((st = push_subjects(cmd, subjects, n, selected, XB_SUBJECT_GENERAL, &ng)) != XB_OK ||
        (st = push_subjects(cmd, subjects, n, selected, XB_SUBJECT_SENSITIVE, &ns)) != XB_OK)
        return st;
    char tmp[24];
    int len = snprintf(tmp, sizeof(tmp), "%zu", ng);
    memcpy(cmd->store.data + cmd->offsets[count_arg], tmp, (size_t)len + 1);
    cmd->argvlen[count_arg] = (size_t)len;
    return XB_OK;
}

static const char *or_dash(const char *s)
{
    return s && *s ? s : "-";
}

xb_status xb_filing_cmd_append(xb_filing_cmd *cmd, const char *prefix, const xb_filing_record *r)
{
    if (!r->chain || !*r->chain || r->seq == 0 || !is_hex64(r->prev_hash) ||
        !is_hex64(r->hash) || !r->rec || !r->transfer_id || !*r->transfer_id)
        return XB_ERR_INVALID;
    if (!prefix)
        prefix = XB_FILING_DEFAULT_PREFIX;
    xb_status st = begin(cmd, XB_FILING_APPEND, 5);
    if (st == XB_OK)
        st = push_fmt(cmd, "%s%s", prefix, "records", 0, NULL);
    if (st == XB_OK)
        st = push_fmt(cmd, "%s%s", prefix, "heads", 0, NULL);
    if (st == XB_OK)
        st = push_fmt(cmd, "%s%s", prefix, "transfers", 0, NULL);
    if (st == XB_OK)
        st = push_fmt(cmd, "%ssubjects:%s:%d:%s", prefix, or_dash(r->uscc), r->year, "general");
    if (st == XB_OK)
        st = push_fmt(cmd, "%ssubjects:%s:%d:%s", prefix, or_dash(r->uscc), r->year, "sensitive");
    if (st == XB_OK)
        st = push_str(cmd, r->chain);
    if (st == XB_OK)
        st = push_u64(cmd, r->seq);
    if (st == XB_OK)
        st = push_str(cmd, r->prev_hash);
    if (st == XB_OK)
        st = push_str(cmd, r->hash);
    if (st == XB_OK)
        st = push(cmd, r->rec, r->rec_len);
    if (st == XB_OK)
        st = push_str(cmd, r->transfer_id);
    if (st == XB_OK)
        st = push_subject_lists(cmd, r->uscc ? r->subjects : NULL, r->uscc ? r->n_subjects : 0,
                                r->selected);
    if (st == XB_OK)
        finish(cmd);
    return st;
}

xb_status xb_filing_cmd_checkpoint(xb_filing_cmd *cmd, const char *prefix, const char *chain,
                                   uint64_t seq, const char *head_hash, const char *cp,
                                   size_t cp_len, const char *sig_hex, const char *key_id)
{
    if (!chain || !*chain || seq == 0 || !is_hex64(head_hash) || !cp || !sig_hex ||
        strlen(sig_hex) != 128 || !key_id)
        return XB_ERR_INVALID;
    if (!prefix)
        prefix = XB_FILING_DEFAULT_PREFIX;
    xb_status st = begin(cmd, XB_FILING_CHECKPOINT, 2);
    if (st == XB_OK)
        st = push_fmt(cmd, "%s%s", prefix, "checkpoints", 0, NULL);
    if (st == XB_OK)
        st = push_fmt(cmd, "%s%s", prefix, "checkpoint-heads", 0, NULL);
    if (st == XB_OK)
        st = push_str(cmd, chain);
    if (st == XB_OK)
        st = push_u64(cmd, seq);
    if (st == XB_OK)
        st = push_str(cmd, head_hash);
    if (st == XB_OK)
        st = push(cmd, cp, cp_len);
    if (st == XB_OK)
        st = push_str(cmd, sig_hex);
    if (st == XB_OK)
        st = push_str(cmd, key_id);
    if (st == XB_OK)
        finish(cmd);
    return st;
}

xb_status xb_filing_cmd_count(xb_filing_cmd *cmd, const char *prefix, const char *uscc, int year,
                              const xb_subject *subjects, size_t n)
{
    if (!uscc || !*uscc)
        return XB_ERR_INVALID;
    if (!prefix)
        prefix = XB_FILING_DEFAULT_PREFIX;
    xb_status st = begin(cmd, XB_FILING_COUNT, 3);
    if (st == XB_OK)
        st = push_fmt(cmd, "%ssubjects:%s:%d:%s", prefix, uscc, year, "general");
    if (st == XB_OK)
        st = push_fmt(cmd, "%ssubjects:%s:%d:%s", prefix, uscc, year, "sensitive");
    if (st == XB_OK)
        st = push_fmt(cmd, "%sbaseline:%s:%d%s", prefix, uscc, year, "");
    if (st == XB_OK)
        st = push_subject_lists(cmd, subjects, n, NULL);
    if (st == XB_OK)
        finish(cmd);
    return st;
}

xb_status xb_filing_cmd_from_args(xb_filing_cmd *cmd, xb_filing_script script, size_t n_keys,
                                  size_t n_args, const char *const *args, const size_t *lens)
{
    /* the key count is fixed per script: with another one the script would
     * read keys as arguments (and write to keys named by arguments) */
    size_t want_keys = script == XB_FILING_APPEND       ? 5
                       : script == XB_FILING_CHECKPOINT ? 2
                       : script == XB_FILING_COUNT      ? 3
                                                        : 0;
    if (want_keys == 0 || n_keys != want_keys || n_keys > n_args)
        return XB_ERR_INVALID;
    xb_status st = begin(cmd, script, n_keys);
    for (size_t i = 0; st == XB_OK && i < n_args; i++)
        st = push(cmd, args[i], lens[i]);
    if (st == XB_OK)
        finish(cmd);
    return st;
}

xb_status xb_filing_cmd_position(const xb_filing_cmd *cmd, const char **chain, size_t *chain_len,
                                 uint64_t *seq)
{
    size_t a = 3 + cmd->n_keys; /* ARGV[1] */
    if ((cmd->script != XB_FILING_APPEND && cmd->script != XB_FILING_CHECKPOINT) ||
        (size_t)cmd->argc < a + 2)
        return XB_ERR_INVALID;
    /* digits only: strtoull alone would take " 5", "+5" and "-1" (as
     * 2^64 - 1) */
    const char *s = cmd->argv[a + 1];
    size_t n = cmd->argvlen[a + 1];
    uint64_t v = 0;
    if (n == 0 || n > 20)
        return XB_ERR_INVALID;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return XB_ERR_INVALID;
        uint64_t d = (uint64_t)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return XB_ERR_INVALID;
        v = v * 10 + d;
    }
    if (v == 0)
        return XB_ERR_INVALID;
    *chain = cmd->argv[a];
    *chain_len = cmd->argvlen[a];
    *seq = v;
    return XB_OK;
}

xb_status xb_filing_cmd_as_eval(const xb_filing_cmd *cmd, xb_filing_eval *out)
{
    memset(out, 0, sizeof(*out));
    if (cmd->argc < 3)
        return XB_ERR_STATE;
    out->argv = malloc((size_t)cmd->argc * sizeof(*out->argv));
    out->argvlen = malloc((size_t)cmd->argc * sizeof(*out->argvlen));
    if (!out->argv || !out->argvlen) {
        xb_filing_eval_free(out);
        return XB_ERR_NOMEM;
    }
    const char *src = xb_filing_script_source(cmd->script);
    out->argv[0] = "EVAL";
    out->argvlen[0] = 4;
    out->argv[1] = src;
    out->argvlen[1] = strlen(src);
    for (int i = 2; i < cmd->argc; i++) {
        out->argv[i] = cmd->argv[i];
        out->argvlen[i] = cmd->argvlen[i];
    }
    out->argc = cmd->argc;
    return XB_OK;
}

void xb_filing_eval_free(xb_filing_eval *e)
{
    free(e->argv);
    free(e->argvlen);
    memset(e, 0, sizeof(*e));
}
