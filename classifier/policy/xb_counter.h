/*
 * xb_counter.h - year-to-date counts of distinct individuals per exporter,
 * the input of rules R8-R10 (Provisions Arts. 5(4), 7, 8).
 *
 * A counter keeps, per exporter (USCC) and calendar year in China time, two
 * exact sets of keyed subject hashes (xb_subjects.h): individuals whose
 * general PI left, and individuals whose sensitive PI left, plus a baseline
 * per set for people exported through other channels. The totals are
 *     baseline + |set|.
 *
 * A transfer uses it in two steps:
 *   1. query:  which of the transfer's candidate subjects are new this year,
 *              and the current totals. Totals "after this transfer" are then
 *              current + new subjects (xb_decide does this arithmetic, also
 *              for a masked version of the transfer);
 *   2. commit: add the subjects actually sent (after masking; none when the
 *              transfer was blocked).
 * Between the two, another transfer may count the same people: both then
 * see them as new and decide on a slightly higher total (the conservative
 * error); the sets stay exact because commit is idempotent.
 *
 * Implementations:
 *   - in memory (xb_counter_mem.c): exact hash sets, for the CLI and tests;
 *   - Redis (the filing issue): sets keyed xborder:subjects:<uscc>:<year>:...
 *     (docs/redis-layout.md), updated by a Lua script.
 * The operations complete through a callback so that a non-blocking
 * implementation can answer later from the caller's event loop (nginx). A
 * synchronous implementation calls `done` before the operation returns.
 * Either way `done` is called exactly once when the operation returns
 * XB_OK, and never when it returns an error. Arrays passed in must stay
 * valid until `done` has been called.
 */
#ifndef XB_COUNTER_H
#define XB_COUNTER_H

#include "xb_subjects.h"

typedef struct xb_counter xb_counter;

/* Completion of an operation: st is XB_OK or why it failed; totals are the
 * current totals (query: before this transfer; commit: after it; baseline:
 * after the change). totals is only valid during the call. */
typedef void (*xb_counter_done)(void *arg, xb_status st, const xb_subject_counts *totals);

typedef struct xb_counter_ops {
    const char *name;  /* "memory", "redis" */
    /* Set subjects[i].is_new for each of the n subjects (a subject is new
     * when it is not in its class's set for (uscc, year)), then report the
     * current totals. Sets nothing. */
    xb_status (*query)(xb_counter *c, const char *uscc, int year, xb_subject *subjects,
                       size_t n, xb_counter_done done, void *arg);
    /* Add the subjects whose selected[i] is non-zero (selected may be NULL:
     * all of them). Adding a subject already present changes nothing. */
    xb_status (*commit)(xb_counter *c, const char *uscc, int year,
                        const xb_subject *subjects, size_t n, const uint8_t *selected,
                        xb_counter_done done, void *arg);
    /* Replace the baseline of (uscc, year): individuals exported through
     * other channels, imported by the compliance officer. */
    xb_status (*set_baseline)(xb_counter *c, const char *uscc, int year,
                              const xb_subject_counts *baseline, xb_counter_done done,
                              void *arg);
    void (*destroy)(xb_counter *c);
} xb_counter_ops;

/* Every implementation starts with this header. */
struct xb_counter {
    const xb_counter_ops *ops;
};

static inline xb_status xb_counter_query(xb_counter *c, const char *uscc, int year,
                                         xb_subject *subjects, size_t n,
                                         xb_counter_done done, void *arg)
{
    return c->ops->query(c, uscc, year, subjects, n, done, arg);
}

static inline xb_status xb_counter_commit(xb_counter *c, const char *uscc, int year,
                                          const xb_subject *subjects, size_t n,
                                          const uint8_t *selected, xb_counter_done done,
                                          void *arg)
{
    return c->ops->commit(c, uscc, year, subjects, n, selected, done, arg);
}

static inline xb_status xb_counter_set_baseline(xb_counter *c, const char *uscc, int year,
                                                const xb_subject_counts *baseline,
                                                xb_counter_done done, void *arg)
{
    return c->ops->set_baseline(c, uscc, year, baseline, done, arg);
}

static inline void xb_counter_free(xb_counter *c)
{
    if (c)
        c->ops->destroy(c);
}

/*
 * Blocking conveniences for synchronous implementations (the in-memory
 * counter): run the operation and return its status and totals. They
 * return XB_ERR_STATE when the implementation did not complete before
 * returning (an asynchronous counter must be driven by its event loop).
 */
xb_status xb_counter_query_sync(xb_counter *c, const char *uscc, int year,
                                xb_subject *subjects, size_t n,
                                xb_subject_counts *current);
xb_status xb_counter_commit_sync(xb_counter *c, const char *uscc, int year,
                                 const xb_subject *subjects, size_t n,
                                 const uint8_t *selected, xb_subject_counts *after);
xb_status xb_counter_set_baseline_sync(xb_counter *c, const char *uscc, int year,
                                       const xb_subject_counts *baseline);

/*
 * The in-memory counter: exact (hash sets of full 32-byte hashes), bounded
 * (at most max_subjects hashes in all sets together; 0 = 10 million, about
 * 0.5 GB; past it commit fails with XB_ERR_LIMIT and counts nothing), and
 * thread-safe: one mutex serialises the operations of one counter, so any
 * number of threads of a process may share it. It is not shared between
 * processes (nginx workers): that is what the Redis counter is for.
 * Completes synchronously.
 */
xb_counter *xb_counter_mem_new(size_t max_subjects);

#endif
