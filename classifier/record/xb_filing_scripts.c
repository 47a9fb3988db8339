/*
 * xb_filing_scripts.c - the Lua scripts that file records, checkpoints and
 * count individuals in Redis (their contract is in xb_filing.h), and their
 * SHA-1 names for EVALSHA.
 *
 * Every script validates all of its arguments before its first write:
 * Redis does not roll a script back when it fails half way. Long lists of
 * subject hashes are passed to SADD / SMISMEMBER in slices of 1000, below
 * Lua's limit on unpack().
 */
#include "xb_filing.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static const char append_lua[] =
    "local chain, seqs, prev, hash = ARGV[1], ARGV[2], ARGV[3], ARGV[4]\n"
    "local seq = tonumber(seqs)\n"
    "if not seq or seq < 1 or seq ~= math.floor(seq) or not string.match(seqs, '^%d+$') then\n"
    "  return redis.error_reply('ERR xborder append: bad seq') end\n"
    "if #hash ~= 64 or not string.match(hash, '^[0-9a-f]+$') or #prev ~= 64\n"
    "   or not string.match(prev, '^[0-9a-f]+$') then\n"
    "  return redis.error_reply('ERR xborder append: bad hash') end\n"
    "if #chain == 0 or #ARGV[5] == 0 or #ARGV[6] == 0 then\n"
    "  return redis.error_reply('ERR xborder append: empty argument') end\n"
    "local ng = tonumber(ARGV[7])\n"
    "if not ng or ng < 0 or 7 + ng > #ARGV then\n"
    "  return redis.error_reply('ERR xborder append: bad subject count') end\n"
    "for i = 8, #ARGV do\n"
    "  if #ARGV[i] ~= 64 then return redis.error_reply('ERR xborder append: bad subject') end\n"
    "end\n"
    "local head = redis.call('HGET', KEYS[2], chain)\n"
    "local hseq, hhash = 0, string.rep('0', 64)\n"
    "if head then\n"
    "  local s, h = string.match(head, '^(%d+) (%x+)$')\n"
    "  hseq, hhash = tonumber(s), h\n"
    "end\n"
    "if seq <= hseq then return {ok = 'DUP ' .. hseq} end\n"
    "if seq ~= hseq + 1 or prev ~= hhash then return {ok = 'GAP ' .. hseq} end\n"
    "local id = redis.call('XADD', KEYS[1], '*', 'chain', chain, 'seq', seqs,\n"
    "                      'hash', hash, 'rec', ARGV[5])\n"
    "redis.call('HSET', KEYS[2], chain, seqs .. ' ' .. hash)\n"
    "redis.call('HSET', KEYS[3], ARGV[6], id)\n"
    "local function add(key, from, to)\n"
    "  for i = from, to, 1000 do\n"
    "    redis.call('SADD', key, unpack(ARGV, i, math.min(i + 999, to)))\n"
    "  end\n"
    "end\n"
    "if ng > 0 then add(KEYS[4], 8, 7 + ng) end\n"
    "if #ARGV > 7 + ng then add(KEYS[5], 8 + ng, #ARGV) end\n"
    "return {ok = 'OK ' .. id}\n";

static const char checkpoint_lua[] =
    "local chain, seqs = ARGV[1], ARGV[2]\n"
    "local seq = tonumber(seqs)\n"
    "if not seq or seq < 1 or not string.match(seqs, '^%d+$') then\n"
    "  return redis.error_reply('ERR xborder checkpoint: bad seq') end\n"
    "if #ARGV[3] ~= 64 or #ARGV[5] ~= 128 or #chain == 0 or #ARGV[4] == 0 then\n"
    "  return redis.error_reply('ERR xborder checkpoint: bad argument') end\n"
    "local last = tonumber(redis.call('HGET', KEYS[2], chain) or '0') or 0\n"
    "if seq <= last then return {ok = 'DUP ' .. last} end\n"
    "local id = redis.call('XADD', KEYS[1], '*', 'chain', chain, 'seq', seqs,\n"
    "                      'hash', ARGV[3], 'cp', ARGV[4], 'sig', ARGV[5],\n"
    "                      'key_id', ARGV[6])\n"
    "redis.call('HSET', KEYS[2], chain, seqs)\n"
    "return {ok = 'OK ' .. id}\n";

static const char count_lua[] =
    "local ng = tonumber(ARGV[1])\n"
    "if not ng or ng < 0 or 1 + ng > #ARGV then\n"
    "  return redis.error_reply('ERR xborder count: bad subject count') end\n"
    "local flags = {}\n"
    "local function check(key, from, to)\n"
    "  for i = from, to, 1000 do\n"
    "    local r = redis.call('SMISMEMBER', key, unpack(ARGV, i, math.min(i + 999, to)))\n"
    "    for _, v in ipairs(r) do flags[#flags + 1] = (v == 1) and '1' or '0' end\n"
    "  end\n"
    "end\n"
    "if ng > 0 then check(KEYS[1], 2, 1 + ng) end\n"
    "if #ARGV > 1 + ng then check(KEYS[2], 2 + ng, #ARGV) end\n"
    "local bg = tonumber(redis.call('HGET', KEYS[3], 'general') or '0') or 0\n"
    "local bs = tonumber(redis.call('HGET', KEYS[3], 'sensitive') or '0') or 0\n"
    "return {tostring(redis.call('SCARD', KEYS[1]) + bg),\n"
    "        tostring(redis.call('SCARD', KEYS[2]) + bs), table.concat(flags)}\n";

static char sha_append[41], sha_checkpoint[41], sha_count[41];
static pthread_once_t sha_once = PTHREAD_ONCE_INIT;

static void sha1_hex(const char *s, char out[41])
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_Digest(s, strlen(s), d, &n, EVP_sha1(), NULL) != 1 || n != 20) {
        out[0] = '\0';
        return;
    }
    for (unsigned i = 0; i < 20; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void compute_shas(void)
{
    sha1_hex(append_lua, sha_append);
    sha1_hex(checkpoint_lua, sha_checkpoint);
    sha1_hex(count_lua, sha_count);
}

const char *xb_filing_script_source(xb_filing_script s)
{
    switch (s) {
    case XB_FILING_APPEND:
        return append_lua;
    case XB_FILING_CHECKPOINT:
        return checkpoint_lua;
    case XB_FILING_COUNT:
        return count_lua;
    }
    return NULL;
}

const char *xb_filing_script_sha1(xb_filing_script s)
{
    pthread_once(&sha_once, compute_shas);
    switch (s) {
    case XB_FILING_APPEND:
        return sha_append;
    case XB_FILING_CHECKPOINT:
        return sha_checkpoint;
    case XB_FILING_COUNT:
        return sha_count;
    }
    return NULL;
}
