/*
 * rp_business_days.c - the business-day calendar of rp_business_days.h:
 * holiday file loading and business-day arithmetic.
 */
#include "rp_business_days.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rp_time.h"

static int cmp_day(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static bool contains(const int64_t *v, size_t n, int64_t day)
{
    return n && bsearch(&day, v, n, sizeof(*v), cmp_day) != NULL;
}

/* Sort and drop repeated days (a date listed twice counts once). */
static void sort_unique(int64_t *v, size_t *n)
{
    if (*n < 2)
        return;
    qsort(v, *n, sizeof(*v), cmp_day);
    size_t k = 1;
    for (size_t i = 1; i < *n; i++)
        if (v[i] != v[k - 1])
            v[k++] = v[i];
    *n = k;
}

static xb_status push(int64_t **v, size_t *n, size_t *cap, int64_t day)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 32;
        int64_t *p = realloc(*v, c * sizeof(*p));
        if (!p)
            return XB_ERR_NOMEM;
        *v = p;
        *cap = c;
    }
    (*v)[(*n)++] = day;
    return XB_OK;
}

/* Trim leading and trailing blanks in place; returns the start. */
static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

xb_status rp_calendar_load(rp_calendar *c, const char *path, char *err, size_t err_size)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, err_size, "cannot open %s: %s", path, strerror(errno));
        return XB_ERR_IO;
    }
    size_t cap_h = 0, cap_w = 0, lineno = 0;
    char line[256];
    xb_status st = XB_OK;
    while (st == XB_OK && fgets(line, sizeof(line), f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *s = trim(line);
        if (!*s)
            continue;
        char date[11];
        int64_t day;
        size_t k = strcspn(s, " \t");
        if (k != 10) {
            snprintf(err, err_size, "%s:%zu: expected YYYY-MM-DD [workday]", path, lineno);
            st = XB_ERR_INVALID;
            break;
        }
        memcpy(date, s, 10);
        date[10] = '\0';
        char *rest = trim(s + 10);
        if (!xb_date_parse(date, &day)) {
            snprintf(err, err_size, "%s:%zu: '%s' is not a valid date", path, lineno, date);
            st = XB_ERR_INVALID;
        } else if (!*rest) {
            st = push(&c->holidays, &c->n_holidays, &cap_h, day);
        } else if (!strcmp(rest, "workday")) {
            st = push(&c->workdays, &c->n_workdays, &cap_w, day);
        } else {
            snprintf(err, err_size, "%s:%zu: unknown word '%s' (only 'workday' may follow a date)",
                     path, lineno, rest);
            st = XB_ERR_INVALID;
        }
        if (st == XB_ERR_NOMEM)
            snprintf(err, err_size, "out of memory reading %s", path);
    }
    if (st == XB_OK && ferror(f)) {
        snprintf(err, err_size, "read error on %s", path);
        st = XB_ERR_IO;
    }
    fclose(f);
    if (st != XB_OK) {
        rp_calendar_free(c);
        return st;
    }
    sort_unique(c->holidays, &c->n_holidays);
    sort_unique(c->workdays, &c->n_workdays);
    return XB_OK;
}

void rp_calendar_free(rp_calendar *c)
{
    free(c->holidays);
    free(c->workdays);
    memset(c, 0, sizeof(*c));
}

bool rp_is_business_day(const rp_calendar *c, int64_t day)
{
    if (c && contains(c->workdays, c->n_workdays, day))
        return true;
    if (rp_weekday(day) >= 5)
        return false;
    return !(c && contains(c->holidays, c->n_holidays, day));
}

int64_t rp_add_business_days(const rp_calendar *c, int64_t day, int n)
{
    while (n > 0) {
        day++;
        if (rp_is_business_day(c, day))
            n--;
    }
    return day;
}

int64_t rp_business_days_between(const rp_calendar *c, int64_t from, int64_t to)
{
    int64_t sign = 1;
    if (to < from) {
        int64_t t = from;
        from = to;
        to = t;
        sign = -1;
    }
    int64_t n = 0;
    /* Whole weeks hold five weekdays; only the holiday lists need a walk. */
    int64_t span = to - from;
    int64_t weeks = span / 7;
    n = weeks * 5;
    for (int64_t d = from + weeks * 7 + 1; d <= to; d++)
        if (rp_weekday(d) < 5)
            n++;
    if (c) {
        for (size_t i = 0; i < c->n_holidays; i++)
            if (c->holidays[i] > from && c->holidays[i] <= to && rp_weekday(c->holidays[i]) < 5)
                n--;
        for (size_t i = 0; i < c->n_workdays; i++)
            if (c->workdays[i] > from && c->workdays[i] <= to && rp_weekday(c->workdays[i]) >= 5)
                n++;
    }
    return sign * n;
}
