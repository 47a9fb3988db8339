/*
 * xb_counter.c - blocking wrappers over the callback-based counter
 * interface (xb_counter.h), for synchronous implementations.
 */
#include "xb_counter.h"

typedef struct sync_result {
    bool called;
    xb_status st;
    xb_subject_counts totals;
} sync_result;

static void sync_done(void *arg, xb_status st, const xb_subject_counts *totals)
{
    sync_result *r = arg;
    r->called = true;
    r->st = st;
    if (totals)
        r->totals = *totals;
}

static xb_status finish(xb_status started, const sync_result *r, xb_subject_counts *out)
{
    if (started != XB_OK)
        return started;
    if (!r->called)
        return XB_ERR_STATE;
    if (r->st == XB_OK && out)
        *out = r->totals;
    return r->st;
}

xb_status xb_counter_query_sync(xb_counter *c, const char *uscc, int year,
                                xb_subject *subjects, size_t n,
                                xb_subject_counts *current)
{
    sync_result r = {0};
    return finish(xb_counter_query(c, uscc, year, subjects, n, sync_done, &r), &r, current);
}

xb_status xb_counter_commit_sync(xb_counter *c, const char *uscc, int year,
                                 const xb_subject *subjects, size_t n,
                                 const uint8_t *selected, xb_subject_counts *after)
{
    sync_result r = {0};
    return finish(xb_counter_commit(c, uscc, year, subjects, n, selected, sync_done, &r), &r,
                  after);
}

xb_status xb_counter_set_baseline_sync(xb_counter *c, const char *uscc, int year,
                                       const xb_subject_counts *baseline)
{
    sync_result r = {0};
    return finish(xb_counter_set_baseline(c, uscc, year, baseline, sync_done, &r), &r, NULL);
}
