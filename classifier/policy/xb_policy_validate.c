/*
 * xb_policy_validate.c - the meaning checks of a policy that the schema
 * cannot express: duplicate ids and match values, references to unknown
 * recipients and scenarios, real calendar dates in order, USCC check
 * characters, CIDR syntax, and a readable counting key of sane length.
 * Every problem is reported with the line of the element concerned.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../detect/xb_validate.h"
#include "xb_china_time.h"
#include "xb_policy_internal.h"

#define MIN_KEY_BYTES 16

void xb_policy_check_dates(xb_policy_loader *L, xb_mechanism *m,
                           const char *from, const char *until)
{
    bool ok = true;
    if (!from || !xb_date_parse(from, &m->valid_from)) {
        xb_policy_diag(L, m->line, "mechanism %s: valid-from '%s' is not a calendar date "
                       "YYYY-MM-DD", m->id ? m->id : "?", from ? from : "");
        ok = false;
    }
    if (!until || !xb_date_parse(until, &m->valid_until)) {
        xb_policy_diag(L, m->line, "mechanism %s: valid-until '%s' is not a calendar date "
                       "YYYY-MM-DD", m->id ? m->id : "?", until ? until : "");
        ok = false;
    }
    if (ok && m->valid_until < m->valid_from)
        xb_policy_diag(L, m->line, "mechanism %s: valid-until %s is before valid-from %s",
                       m->id ? m->id : "?", until, from);
}

void xb_policy_check_uscc(xb_policy_loader *L, const xb_exporter *e, size_t line)
{
    if (!e->uscc || !xb_valid_uscc(e->uscc, strlen(e->uscc)))
        xb_policy_diag(L, line, "exporter %s: '%s' is not a valid unified social credit "
                       "code (GB 32100-2015 format and check character)",
                       e->id ? e->id : "?", e->uscc ? e->uscc : "");
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool xb_policy_hex_decode(const char *hex, uint8_t *out, size_t cap, size_t *len)
{
    size_t n = strlen(hex);
    if (n % 2 || n / 2 > cap)
        return false;
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    *len = n / 2;
    return true;
}

/* path relative to the directory of the policy file, unless absolute */
static char *resolve(const char *policy_file, const char *path)
{
    if (path[0] == '/' || !strchr(policy_file, '/'))
        return xb_policy_strdup(path);
    size_t dir = (size_t)(strrchr(policy_file, '/') - policy_file);
    size_t n = dir + 1 + strlen(path) + 1;
    char *r = malloc(n);
    if (r)
        snprintf(r, n, "%.*s/%s", (int)dir, policy_file, path);
    return r;
}

static void key_from_file(xb_policy_loader *L, xb_policy *p, const char *file, size_t line)
{
    char *path = resolve(L->file, file);
    if (!path) {
        L->nomem = true;
        return;
    }
    p->counting_key_file = path;
    FILE *f = fopen(path, "rb");
    if (!f) {
        xb_policy_diag(L, line, "counting key file %s: %s", path, strerror(errno));
        return;
    }
    char buf[512];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    bool more = fgetc(f) != EOF;
    fclose(f);
    buf[n] = '\0';
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
        buf[--n] = '\0';
    size_t len = 0;
    if (more || !xb_policy_hex_decode(buf, p->counting_key, sizeof(p->counting_key), &len) ||
        len < MIN_KEY_BYTES) {
        xb_policy_diag(L, line, "counting key file %s must hold %d to %d bytes as hex "
                       "(as written by `xborder keygen`)", path, MIN_KEY_BYTES,
                       XB_POLICY_MAX_KEY);
        return;
    }
    p->counting_key_len = len;
    volatile char *v = buf;
    for (size_t i = 0; i < sizeof(buf); i++)
        v[i] = 0;
}

void xb_policy_load_key(xb_policy_loader *L, xb_policy *p, const char *file,
                        const char *hex, size_t line)
{
    if ((file != NULL) == (hex != NULL)) {
        xb_policy_diag(L, line, "<counting> needs exactly one of key-file or key-hex");
        return;
    }
    if (file) {
        key_from_file(L, p, file, line);
        return;
    }
    size_t len = 0;
    if (!xb_policy_hex_decode(hex, p->counting_key, sizeof(p->counting_key), &len) ||
        len < MIN_KEY_BYTES)
        xb_policy_diag(L, line, "key-hex must be %d to %d bytes as hex", MIN_KEY_BYTES,
                       XB_POLICY_MAX_KEY);
    else
        p->counting_key_len = len;
}

/* ---- duplicates -------------------------------------------------------- */

typedef struct keyed {
    const char *key;     /* compared */
    const char *shown;   /* printed */
    size_t line;
} keyed;

static int keyed_cmp(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c)
        return c;
    return x->line < y->line ? -1 : x->line > y->line;
}

/* Report every repeated key in v (n items) as "duplicate WHAT". */
static void report_duplicates(xb_policy_loader *L, keyed *v, size_t n, const char *what)
{
    if (n < 2)
        return;
    qsort(v, n, sizeof(*v), keyed_cmp);
    for (size_t i = 1; i < n; i++) {
        size_t first = i - 1;
        while (first > 0 && !strcmp(v[first - 1].key, v[i].key))
            first--;
        if (!strcmp(v[i - 1].key, v[i].key))
            xb_policy_diag(L, v[i].line, "duplicate %s '%s' (first at line %zu)", what,
                           v[i].shown, v[first].line);
    }
}

typedef struct keyset {
    keyed *v;
    size_t n, cap;
} keyset;

static void keyset_add_shown(xb_policy_loader *L, keyset *s, const char *key,
                             const char *shown, size_t line)
{
    if (!key)
        return;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        keyed *nv = realloc(s->v, cap * sizeof(*nv));
        if (!nv) {
            L->nomem = true;
            return;
        }
        s->v = nv;
        s->cap = cap;
    }
    s->v[s->n].key = key;
    s->v[s->n].shown = shown;
    s->v[s->n].line = line;
    s->n++;
}

static void keyset_add(xb_policy_loader *L, keyset *s, const char *key, size_t line)
{
    keyset_add_shown(L, s, key, key, line);
}

static void keyset_report(xb_policy_loader *L, keyset *s, const char *what)
{
    report_duplicates(L, s->v, s->n, what);
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}

/* ---- references -------------------------------------------------------- */

static bool is_builtin_scenario(const char *tag, size_t len)
{
    size_t n;
    const char *const *b = xb_scenario_builtins(&n);
    for (size_t i = 0; i < n; i++)
        if (strlen(b[i]) == len && !memcmp(b[i], tag, len))
            return true;
    return false;
}

static void check_scenario_list(xb_policy_loader *L, const xb_policy *p, const char *list,
                                const char *owner, size_t line)
{
    const char *s = list;
    while (s && *s) {
        while (*s == ' ' || *s == ',' || *s == '\t' || *s == '\n')
            s++;
        size_t k = 0;
        while (s[k] && s[k] != ' ' && s[k] != ',' && s[k] != '\t' && s[k] != '\n')
            k++;
        if (k && !xb_policy_scenario_known(p, s, k))
            xb_policy_diag(L, line, "%s: unknown scenario '%.*s' (declare it under "
                           "<scenarios> or use a built-in tag)", owner, (int)k, s);
        s += k;
    }
}

static void check_match(xb_policy_loader *L, const xb_exporter *e, xb_exporter_match *m)
{
    const char *v = m->value ? m->value : "";
    switch (m->kind) {
    case XB_MATCH_CIDR:
        if (!xb_cidr_parse(v, &m->family, m->net, &m->prefix))
            xb_policy_diag(L, m->line, "exporter %s: '%s' is not a valid CIDR (address/prefix "
                           "with no host bits set)", e->id, v);
        break;
    case XB_MATCH_API_KEY_SHA256: {
        size_t len = 0;
        if (strlen(v) != 64 || !xb_policy_hex_decode(v, m->digest, sizeof(m->digest), &len))
            xb_policy_diag(L, m->line, "exporter %s: api-key-sha256 must be 64 hex digits",
                           e->id);
        break;
    }
    case XB_MATCH_API_KEY:
    case XB_MATCH_CERT_DN:
        if (!*v)
            xb_policy_diag(L, m->line, "exporter %s: empty %s", e->id,
                           xb_match_kind_name(m->kind));
        break;
    }
}

void xb_policy_validate(xb_policy_loader *L, xb_policy *p)
{
    keyset ids = {0};

    for (size_t i = 0; i < p->n_scenarios; i++) {
        const xb_scenario_def *d = &p->scenarios[i];
        if (d->id && is_builtin_scenario(d->id, strlen(d->id)))
            xb_policy_diag(L, d->line, "scenario '%s' is built in and cannot be redeclared",
                           d->id);
        keyset_add(L, &ids, d->id, d->line);
    }
    keyset_report(L, &ids, "scenario id");

    for (size_t i = 0; i < p->n_recipients; i++)
        keyset_add(L, &ids, p->recipients[i].id, p->recipients[i].line);
    keyset_report(L, &ids, "recipient id");

    keyset usccs = {0}, idents = {0}, nets = {0}, mechs = {0};
    char (*netkeys)[64] = NULL;
    size_t n_cidr = 0;
    for (size_t i = 0; i < p->n_exporters; i++)
        for (size_t j = 0; j < p->exporters[i].n_matches; j++)
            n_cidr += p->exporters[i].matches[j].kind == XB_MATCH_CIDR;
    if (n_cidr && !(netkeys = calloc(n_cidr, sizeof(*netkeys))))
        L->nomem = true;
    size_t k_cidr = 0;

    for (size_t i = 0; i < p->n_exporters; i++) {
        xb_exporter *e = &p->exporters[i];
        keyset_add(L, &ids, e->id, e->line);
        keyset_add(L, &usccs, e->uscc, e->line);
        char owner[200];
        snprintf(owner, sizeof(owner), "exporter %s", e->id ? e->id : "?");
        if (e->default_scenario)
            check_scenario_list(L, p, e->default_scenario, owner, e->line);
        for (size_t j = 0; j < e->n_matches; j++) {
            xb_exporter_match *m = &e->matches[j];
            check_match(L, e, m);
            if (m->kind == XB_MATCH_CIDR) {
                /* compare networks, not spellings: 10.0.0.0/8 == 010.0.0.0/8 */
                if (netkeys && k_cidr < n_cidr && m->family) {
                    char *k = netkeys[k_cidr++];
                    int off = snprintf(k, 64, "%d/%u/", m->family, m->prefix);
                    for (int b = 0; b < (m->family == 4 ? 4 : 16) && off < 62; b++)
                        off += snprintf(k + off, (size_t)(64 - off), "%02x", m->net[b]);
                    keyset_add_shown(L, &nets, k, m->value, m->line);
                }
            } else {
                keyset_add(L, &idents, m->value, m->line);
            }
        }
        for (size_t j = 0; j < e->n_mechanisms; j++) {
            const xb_mechanism *m = &e->mechanisms[j];
            keyset_add(L, &mechs, m->id, m->line);
            for (size_t r = 0; r < m->n_recipients; r++)
                if (!xb_policy_recipient_by_id(p, m->recipients[r]))
                    xb_policy_diag(L, m->line, "mechanism %s: unknown recipient '%s' in its "
                                   "scope (declare it under <recipients>)", m->id,
                                   m->recipients[r]);
        }
    }
    keyset_report(L, &ids, "exporter id");
    keyset_report(L, &usccs, "exporter USCC (one exporter per legal person; give it "
                  "several <match> elements)");
    keyset_report(L, &idents, "exporter match value");
    keyset_report(L, &mechs, "mechanism id");
    keyset_report(L, &nets, "exporter CIDR network");
    free(netkeys);
}
