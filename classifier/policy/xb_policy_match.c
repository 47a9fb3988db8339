/*
 * xb_policy_match.c - lookups in a loaded policy: which exporter a request
 * belongs to (API key, API-key digest, certificate DN, source CIDR), ids of
 * exporters and recipients, scenario tags, and the cross-check of a policy
 * against the loaded catalogs.
 *
 * Lookups are linear scans over the policy: a policy holds tens to a few
 * hundred exporters, and a scan of that size costs less than the hash of the
 * body. They only read the immutable policy, so they are thread-safe.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "xb_policy.h"

static const char *const builtin_scenarios[] = {
    XB_SCENARIO_CONTRACT, XB_SCENARIO_HR,           XB_SCENARIO_EMERGENCY,
    XB_SCENARIO_TRADE,    XB_SCENARIO_TRANSPORT,    XB_SCENARIO_ACADEMIC,
    XB_SCENARIO_MANUFACTURING, XB_SCENARIO_MARKETING, XB_SCENARIO_REEXPORT,
};

const char *const *xb_scenario_builtins(size_t *n)
{
    *n = sizeof(builtin_scenarios) / sizeof(builtin_scenarios[0]);
    return builtin_scenarios;
}

const char *xb_mechanism_type_name(xb_mechanism_type t)
{
    switch (t) {
    case XB_MECH_ASSESSMENT: return "assessment";
    case XB_MECH_SCC: return "scc";
    case XB_MECH_CERTIFICATION: return "certification";
    }
    return "?";
}

const char *xb_recipient_role_name(xb_recipient_role r)
{
    return r == XB_ROLE_ENTRUSTED ? "entrusted" : "controller";
}

const char *xb_match_kind_name(xb_match_kind k)
{
    switch (k) {
    case XB_MATCH_API_KEY: return "api-key";
    case XB_MATCH_API_KEY_SHA256: return "api-key-sha256";
    case XB_MATCH_CERT_DN: return "cert-dn";
    case XB_MATCH_CIDR: return "cidr";
    }
    return "?";
}

bool xb_ip_parse(const char *s, int *family, uint8_t addr[16])
{
    if (!s || !*s)
        return false;
    if (strchr(s, ':')) {
        if (inet_pton(AF_INET6, s, addr) != 1)
            return false;
        *family = 6;
        return true;
    }
    if (inet_pton(AF_INET, s, addr) != 1)
        return false;
    memset(addr + 4, 0, 12);
    *family = 4;
    return true;
}

bool xb_cidr_parse(const char *s, int *family, uint8_t net[16], unsigned *prefix)
{
    if (!s)
        return false;
    const char *slash = strchr(s, '/');
    char host[64];
    size_t hl = slash ? (size_t)(slash - s) : strlen(s);
    if (hl == 0 || hl >= sizeof(host))
        return false;
    memcpy(host, s, hl);
    host[hl] = '\0';
    int fam;
    uint8_t a[16];
    if (!xb_ip_parse(host, &fam, a))
        return false;
    unsigned max = fam == 4 ? 32 : 128, p = max;
    if (slash) {
        const char *d = slash + 1;
        if (!*d || strlen(d) > 3)
            return false;
        p = 0;
        for (; *d; d++) {
            if (*d < '0' || *d > '9')
                return false;
            p = p * 10 + (unsigned)(*d - '0');
        }
        if (p > max)
            return false;
    }
    /* no host bits beyond the prefix: 10.1.2.3/16 is almost always a typo */
    for (unsigned bit = p; bit < max; bit++)
        if (a[bit / 8] & (0x80 >> (bit % 8)))
            return false;
    *family = fam;
    memcpy(net, a, 16);
    *prefix = p;
    return true;
}

static bool in_net(const xb_exporter_match *m, int fam, const uint8_t *a)
{
    if (m->family != fam)
        return false;
    unsigned full = m->prefix / 8, rest = m->prefix % 8;
    if (memcmp(m->net, a, full))
        return false;
    if (rest) {
        uint8_t mask = (uint8_t)(0xFF << (8 - rest));
        if ((a[full] & mask) != m->net[full])
            return false;
    }
    return true;
}

static bool same_secret(const char *a, const char *b)
{
    size_t n = strlen(a);
    return n == strlen(b) && CRYPTO_memcmp(a, b, n) == 0;
}

const xb_exporter *xb_policy_find_exporter(const xb_policy *p, const char *ident,
                                           const char *client_addr)
{
    if (!p)
        return NULL;
    if (ident && *ident) {
        uint8_t digest[32];
        bool have_digest = false;
        for (size_t i = 0; i < p->n_exporters; i++) {
            const xb_exporter *e = &p->exporters[i];
            for (size_t j = 0; j < e->n_matches; j++) {
                const xb_exporter_match *m = &e->matches[j];
                if ((m->kind == XB_MATCH_API_KEY || m->kind == XB_MATCH_CERT_DN) &&
                    same_secret(m->value, ident))
                    return e;
                if (m->kind == XB_MATCH_API_KEY_SHA256) {
                    if (!have_digest) {
                        unsigned int len = 0;
                        if (!EVP_Digest(ident, strlen(ident), digest, &len, EVP_sha256(),
                                        NULL))
                            continue;
                        have_digest = true;
                    }
                    if (CRYPTO_memcmp(digest, m->digest, 32) == 0)
                        return e;
                }
            }
        }
    }
    int fam;
    uint8_t a[16];
    if (!client_addr || !xb_ip_parse(client_addr, &fam, a))
        return NULL;
    const xb_exporter *best = NULL;
    unsigned best_prefix = 0;
    for (size_t i = 0; i < p->n_exporters; i++) {
        const xb_exporter *e = &p->exporters[i];
        for (size_t j = 0; j < e->n_matches; j++) {
            const xb_exporter_match *m = &e->matches[j];
            if (m->kind == XB_MATCH_CIDR && in_net(m, fam, a) &&
                (!best || m->prefix > best_prefix)) {
                best = e;
                best_prefix = m->prefix;
            }
        }
    }
    return best;
}

const xb_exporter *xb_policy_exporter_by_id(const xb_policy *p, const char *id)
{
    for (size_t i = 0; p && id && i < p->n_exporters; i++)
        if (p->exporters[i].id && !strcmp(p->exporters[i].id, id))
            return &p->exporters[i];
    return NULL;
}

const xb_recipient *xb_policy_recipient_by_id(const xb_policy *p, const char *id)
{
    for (size_t i = 0; p && id && i < p->n_recipients; i++)
        if (p->recipients[i].id && !strcmp(p->recipients[i].id, id))
            return &p->recipients[i];
    return NULL;
}

bool xb_policy_scenario_known(const xb_policy *p, const char *tag, size_t len)
{
    size_t n;
    const char *const *b = xb_scenario_builtins(&n);
    for (size_t i = 0; i < n; i++)
        if (strlen(b[i]) == len && !memcmp(b[i], tag, len))
            return true;
    for (size_t i = 0; p && i < p->n_scenarios; i++) {
        const char *id = p->scenarios[i].id;
        if (id && strlen(id) == len && !memcmp(id, tag, len))
            return true;
    }
    return false;
}

/* ---- cross-check with the catalogs ------------------------------------- */

static bool category_known(const xb_catalog_set *set, const char *cat)
{
    if (!strcmp(cat, "*"))
        return true;
    size_t n = strlen(cat);
    bool prefix = n >= 2 && !strcmp(cat + n - 2, ".*");
    for (size_t c = 0; c < set->n; c++) {
        const xb_catalog *k = set->catalogs[c];
        for (size_t i = 0; i < k->n_entries; i++) {
            const xb_entry *e = &k->entries[i];
            if (prefix ? (e->id && !strncmp(e->id, cat, n - 1))
                       : ((e->id && !strcmp(e->id, cat)) ||
                          (e->data_category && !strcmp(e->data_category, cat))))
                return true;
        }
    }
    return false;
}

size_t xb_policy_check_catalogs(const xb_policy *p, const xb_catalog_set *set,
                                xb_diags *diags)
{
    size_t problems = 0;
    if (!p || !set)
        return 0;
    for (size_t i = 0; i < p->n_exporters; i++) {
        const xb_exporter *e = &p->exporters[i];
        if (e->ftz_zone) {
            bool loaded = false;
            for (size_t c = 0; c < set->n && !loaded; c++) {
                const xb_catalog *k = set->catalogs[c];
                loaded = k->kind == XB_CATALOG_FTZ_NEGATIVE_LIST && k->zone &&
                         k->list_version && !strcmp(k->zone, e->ftz_zone) &&
                         !strcmp(k->list_version, e->ftz_list_version);
            }
            if (!loaded) {
                xb_diags_add(diags, p->file, e->line,
                             "exporter %s: no loaded catalog is the negative list of FTZ "
                             "'%s' version '%s'; the national rules will apply to it",
                             e->id, e->ftz_zone, e->ftz_list_version);
                problems++;
            }
        }
        for (size_t j = 0; j < e->n_mechanisms; j++) {
            const xb_mechanism *m = &e->mechanisms[j];
            for (size_t k = 0; k < m->n_categories; k++)
                if (!category_known(set, m->categories[k])) {
                    xb_diags_add(diags, p->file, m->line,
                                 "mechanism %s: category '%s' is neither an entry id, an "
                                 "entry-id prefix nor a data category of the loaded catalogs",
                                 m->id, m->categories[k]);
                    problems++;
                }
        }
    }
    return problems;
}
