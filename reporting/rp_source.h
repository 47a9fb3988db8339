/*
 * rp_source.h - where the reporting tools read filed records from: a live
 * Redis (the layout of docs/redis-layout.md) or an exported file, so that an
 * auditor can work offline with exactly the bytes that were filed.
 *
 * Exported files are read as a sequence of JSON values (a single object or
 * one object per line) with the project's streaming JSON parser, in 64 KiB
 * chunks, so a file of any size is read with bounded memory:
 *   - `xborder report --format json`: one object with "records": [entry...],
 *     "checkpoints": [checkpoint...] and "heads": {chain: "seq hash"};
 *   - a raw dump: one JSON object per line, each a record entry
 *     {"id","chain","seq","hash","rec"}, a checkpoint entry
 *     {"id","chain","seq","hash","cp","sig","key_id"} or {"heads": {...}}.
 */
#ifndef RP_SOURCE_H
#define RP_SOURCE_H

#include <stddef.h>

#include "rp_entry.h"
#include "rp_redis.h"

typedef struct rp_source rp_source;

#define RP_DEFAULT_PREFIX "xborder:"

/* Open Redis (redis_url) or a file (path); exactly one must be given.
 * prefix may be NULL (the default); a prefix without a trailing ':' gets one.
 * NULL with a message on failure. */
rp_source *rp_source_open(const char *redis_url, const char *path, const char *prefix,
                          char *err, size_t err_size);
void rp_source_free(rp_source *s);

/* The Redis connection, or NULL for a file source. */
rp_redis *rp_source_redis(rp_source *s);
/* Full key name prefix + name, e.g. "xborder:records". */
const char *rp_source_key(const rp_source *s, const char *name, char *buf, size_t size);
/* A short description ("redis://... xborder:records" or the file name). */
const char *rp_source_name(const rp_source *s);

/*
 * A consistent starting point for reading a live Redis: in one MULTI/EXEC
 * it reads every head and the last entry ids of the records and checkpoints
 * streams (empty when a stream is empty). Reading the streams only up to
 * those ids then sees exactly the records the heads account for, however
 * many records the gateway files meanwhile. For a file source the heads
 * are those the file holds and the ids are empty. Returns 0, 1 when the
 * source has no heads (a file without them), -1 on error.
 */
int rp_source_snapshot(rp_source *s, const rp_visitor *v, char *last_record_id,
                       char *last_checkpoint_id, size_t id_size, char *err, size_t err_size);

/* Every checkpoint in stream order, up to stream id to_id (inclusive;
 * NULL or "" = to the end). 0 on success (or stopped), -1 error. */
int rp_source_checkpoints(rp_source *s, const char *to_id, const rp_visitor *v, char *err,
                          size_t err_size);
/* Every head. Returns 1 when the source has no heads (a file without them). */
int rp_source_heads(rp_source *s, const rp_visitor *v, char *err, size_t err_size);
/* Record entries in stream order with from_id <= id <= to_id (NULL or "" =
 * unbounded). Files ignore both bounds. */
int rp_source_records(rp_source *s, const char *from_id, const char *to_id,
                      const rp_visitor *v, char *err, size_t err_size);
/* Record entries with an id before before_id, newest first (Redis only; a
 * file source returns -1). */
int rp_source_records_reverse(rp_source *s, const char *before_id, const rp_visitor *v,
                              char *err, size_t err_size);
/* The record entry of one transfer (via <prefix>transfers for Redis, by a
 * scan of the file otherwise). Returns 0 when found (the visitor's record
 * callback was called), 1 when unknown, -1 on error. */
int rp_source_transfer(rp_source *s, const char *transfer_id, const rp_visitor *v,
                       char *err, size_t err_size);

/* Read an exported file (see above); the file-source half of rp_source. */
int rp_export_read(const char *path, const rp_visitor *v, char *err, size_t err_size);

#endif
