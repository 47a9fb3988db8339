/*
 * test_decide_fixture.h - what the decision-engine tests share: hand-built
 * catalogs (national PI, sensitive PI, important data, two FTZ negative
 * lists), a policy assembled from a template and loaded through the real
 * loader, and hand-built findings with their subjects. Building findings by
 * hand lets every row of the table be tested without depending on the
 * detectors.
 */
#ifndef TEST_DECIDE_FIXTURE_H
#define TEST_DECIDE_FIXTURE_H

#include "xb_test.h"

#include "classifier/policy/xb_china_time.h"
#include "classifier/policy/xb_counter.h"
#include "classifier/policy/xb_decide.h"
#include "classifier/policy/xb_policy.h"
#include "classifier/policy/xb_subjects.h"

/* ---- catalogs ------------------------------------------------------------- */

typedef struct fx_entry_spec {
    const char *id;
    int catalog;          /* index into fx_catalogs */
    xb_level level;
    xb_route route;
    xb_provenance provenance;
    const char *category;
    uint64_t threshold;
    xb_threshold_basis basis;
    const char *scenario; /* one scenario tag or NULL */
} fx_entry_spec;

enum { FX_NATIONAL, FX_SENSITIVE, FX_IMPORTANT, FX_SHANGHAI, FX_TIANJIN, FX_N_CATALOGS };

static const fx_entry_spec fx_entries[] = {
    {"cn.pi.name", FX_NATIONAL, XB_LEVEL_PI, XB_ROUTE_NONE, XB_PROV_OFFICIAL, "basic-profile", 0, 0, NULL},
    {"cn.pi.mobile", FX_NATIONAL, XB_LEVEL_PI, XB_ROUTE_NONE, XB_PROV_OFFICIAL, "contact", 0, 0, NULL},
    {"cn.pi.email", FX_NATIONAL, XB_LEVEL_PI, XB_ROUTE_NONE, XB_PROV_OFFICIAL, "contact", 0, 0, NULL},
    {"cn.pi.device", FX_NATIONAL, XB_LEVEL_GENERAL, XB_ROUTE_NONE, XB_PROV_OFFICIAL, "device", 0, 0, NULL},
    {"cn.spi.ric", FX_SENSITIVE, XB_LEVEL_SENSITIVE_PI, XB_ROUTE_NONE, XB_PROV_OFFICIAL, "identity", 0, 0, NULL},
    {"cn.spi.bank_card", FX_SENSITIVE, XB_LEVEL_SENSITIVE_PI, XB_ROUTE_NONE, XB_PROV_OFFICIAL, "financial", 0, 0, NULL},
    {"auto.imp.face", FX_IMPORTANT, XB_LEVEL_IMPORTANT, XB_ROUTE_ASSESSMENT, XB_PROV_OFFICIAL, "automotive", 0, 0, NULL},
    {"auto.imp.notified", FX_IMPORTANT, XB_LEVEL_IMPORTANT, XB_ROUTE_ASSESSMENT, XB_PROV_NOTIFIED, "automotive", 0, 0, NULL},
    {"corp.self.assess", FX_IMPORTANT, XB_LEVEL_IMPORTANT, XB_ROUTE_ASSESSMENT, XB_PROV_SELF_DEFINED, "corporate", 0, 0, NULL},
    {"corp.self.scc", FX_IMPORTANT, XB_LEVEL_IMPORTANT, XB_ROUTE_SCC_OR_CERT, XB_PROV_SELF_DEFINED, "corporate", 0, 0, NULL},
    {"corp.self.none", FX_IMPORTANT, XB_LEVEL_IMPORTANT, XB_ROUTE_NONE, XB_PROV_SELF_DEFINED, "corporate", 0, 0, NULL},
    {"health.pop", FX_IMPORTANT, XB_LEVEL_IMPORTANT, XB_ROUTE_PROHIBITED, XB_PROV_OFFICIAL, "health", 0, 0, NULL},
    {"auto.imp.pi100k", FX_IMPORTANT, XB_LEVEL_IMPORTANT, XB_ROUTE_ASSESSMENT, XB_PROV_OFFICIAL, "personal-information", 100001, XB_THRESHOLD_ANY, NULL},
    {"survey.points", FX_IMPORTANT, XB_LEVEL_IMPORTANT, XB_ROUTE_ASSESSMENT, XB_PROV_OFFICIAL, "surveying", 0, 0, "hd-mapping"},
    {"state.core", FX_IMPORTANT, XB_LEVEL_CORE, XB_ROUTE_ASSESSMENT, XB_PROV_OFFICIAL, "core", 0, 0, NULL},
    {"sh.reins.insured", FX_SHANGHAI, XB_LEVEL_PI, XB_ROUTE_SCC_OR_CERT, XB_PROV_OFFICIAL, "reinsurance", 500000, XB_THRESHOLD_GENERAL, "reinsurance"},
    {"sh.crew.record", FX_SHANGHAI, XB_LEVEL_PI, XB_ROUTE_ASSESSMENT, XB_PROV_OFFICIAL, "shipping", 0, 0, "crew-management"},
    {"sh.port.ops", FX_SHANGHAI, XB_LEVEL_IMPORTANT, XB_ROUTE_ASSESSMENT, XB_PROV_OFFICIAL, "shipping", 0, 0, NULL},
    {"tj.pi.person", FX_TIANJIN, XB_LEVEL_PI, XB_ROUTE_SCC_OR_CERT, XB_PROV_OFFICIAL, "personal-information", 0, 0, NULL},
    {"tj.elec.chip", FX_TIANJIN, XB_LEVEL_IMPORTANT, XB_ROUTE_ASSESSMENT, XB_PROV_OFFICIAL, "electronics", 0, 0, NULL},
};
#define FX_N_ENTRIES (sizeof(fx_entries) / sizeof(fx_entries[0]))

typedef struct fx_world {
    xb_catalog catalogs[FX_N_CATALOGS];
    xb_catalog *catalog_ptrs[FX_N_CATALOGS];
    xb_catalog_set set;
    xb_entry entries[FX_N_ENTRIES];
    char *scenario_tags[FX_N_ENTRIES];
    xb_policy *policy;
} fx_world;

static inline void fx_catalogs_init(fx_world *w)
{
    static const struct {
        const char *id;
        xb_catalog_kind kind;
        const char *zone, *list_version;
    } cats[FX_N_CATALOGS] = {
        {"cn-national-pi", XB_CATALOG_NATIONAL_PI, NULL, NULL},
        {"cn-sensitive-pi", XB_CATALOG_SENSITIVE_PI, NULL, NULL},
        {"important", XB_CATALOG_SECTOR_IMPORTANT, NULL, NULL},
        {"shanghai-ftz", XB_CATALOG_FTZ_NEGATIVE_LIST, "shanghai", "2024"},
        {"tianjin-ftz", XB_CATALOG_FTZ_NEGATIVE_LIST, "tianjin", "2024"},
    };
    memset(w, 0, sizeof(*w));
    for (int i = 0; i < FX_N_CATALOGS; i++) {
        w->catalogs[i].id = (char *)cats[i].id;
        w->catalogs[i].version = (char *)"test";
        w->catalogs[i].kind = cats[i].kind;
        w->catalogs[i].zone = (char *)cats[i].zone;
        w->catalogs[i].list_version = (char *)cats[i].list_version;
        w->catalog_ptrs[i] = &w->catalogs[i];
    }
    for (size_t i = 0; i < FX_N_ENTRIES; i++) {
        const fx_entry_spec *s = &fx_entries[i];
        xb_entry *e = &w->entries[i];
        e->id = (char *)s->id;
        e->name_en = (char *)s->id;
        e->data_category = (char *)s->category;
        e->level = s->level;
        e->route = s->route;
        e->provenance = s->provenance;
        e->threshold = s->threshold;
        e->threshold_basis = s->basis;
        e->article = (char *)"test article";
        e->sector = (char *)(!strncmp(s->id, "auto.", 5) ? "automotive" : "general");
        if (s->scenario) {
            w->scenario_tags[i] = (char *)s->scenario;
            e->scenarios = &w->scenario_tags[i];
            e->n_scenarios = 1;
        }
        e->catalog = &w->catalogs[s->catalog];
    }
    w->set.catalogs = w->catalog_ptrs;
    w->set.n = FX_N_CATALOGS;
}

static const xb_entry *fx_entry(fx_world *w, const char *id)
{
    for (size_t i = 0; i < FX_N_ENTRIES; i++)
        if (!strcmp(w->entries[i].id, id))
            return &w->entries[i];
    fail_msg("no test entry %s", id);
    return NULL;
}

/* ---- policy -------------------------------------------------------------- */

#define FX_KEY_HEX "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

/* The standard recipients and scenarios around the given outcomes/options
 * and exporters XML. */
static char *fx_policy_text(const char *head, const char *exporters)
{
    const char *fmt =
        "<?xml version=\"1.0\"?>\n"
        "<policy format-version=\"1\" version=\"test-1\">\n"
        "%s\n"
        "  <counting key-hex=\"" FX_KEY_HEX "\"/>\n"
        "  <scenarios>\n"
        "    <scenario id=\"reinsurance\"/>\n"
        "    <scenario id=\"crew-management\"/>\n"
        "    <scenario id=\"hd-mapping\"/>\n"
        "  </scenarios>\n"
        "  <recipients>\n"
        "    <recipient id=\"r-de\" country=\"DE\" role=\"controller\"><name>DE GmbH</name></recipient>\n"
        "    <recipient id=\"r-us\" country=\"US\" role=\"entrusted\"><name>US Inc</name></recipient>\n"
        "    <recipient id=\"r-hk\" country=\"HK\" role=\"controller\"><name>HK Ltd</name></recipient>\n"
        "    <recipient id=\"r-cn\" country=\"CN\" role=\"entrusted\"><name>Backup Co</name></recipient>\n"
        "  </recipients>\n"
        "  <exporters>\n%s\n  </exporters>\n"
        "</policy>\n";
    size_t n = strlen(fmt) + strlen(head) + strlen(exporters) + 1;
    char *s = malloc(n);
    assert_non_null(s);
    snprintf(s, n, fmt, head, exporters);
    return s;
}

static xb_policy *fx_load_policy(const char *head, const char *exporters)
{
    char *text = fx_policy_text(head, exporters);
    xb_diags d = {0};
    xb_policy *p = xb_policy_load_memory(text, strlen(text), "test-policy.xml", &d);
    for (size_t i = 0; i < d.n; i++)
        fprintf(stderr, "%s:%zu: %s\n", d.items[i].file, d.items[i].line, d.items[i].message);
    xb_diags_free(&d);
    free(text);
    assert_non_null(p);
    return p;
}

/* Exporters used by most table tests; valid USCCs. */
#define FX_EXPORTERS_STANDARD                                                               \
    "<exporter id=\"plain\"><name>Plain Co</name><uscc>91310000MA1FL0001R</uscc></exporter>\n" \
    "<exporter id=\"ciio\" ciio=\"yes\"><name>CIIO Co</name><uscc>91310115MA1HB00029</uscc></exporter>\n" \
    "<exporter id=\"ftz\"><name>FTZ Co</name><uscc>91120116MA05JX0034</uscc>"               \
    "<ftz zone=\"shanghai\" list-version=\"2024\"/></exporter>\n"                           \
    "<exporter id=\"ftz-ciio\" ciio=\"yes\"><name>FTZ CIIO</name><uscc>91110105MA01AB004T</uscc>" \
    "<ftz zone=\"shanghai\" list-version=\"2024\"/></exporter>\n"                           \
    "<exporter id=\"ftz-nolist\"><name>Hainan Co</name><uscc>91440300MA5F00005N</uscc>"     \
    "<ftz zone=\"hainan\" list-version=\"2024\"/></exporter>\n"

/* ---- findings and a transfer --------------------------------------------- */

#define FX_MAX_FINDINGS 64

typedef struct fx_transfer {
    fx_world *w;
    xb_finding f[FX_MAX_FINDINGS];
    char paths[FX_MAX_FINDINGS][64];
    size_t n;
    xb_subjects subjects;
    bool have_subjects;
    xb_decide_input in;
    xb_decision d;
    bool decided;
} fx_transfer;

/* 2026-06-15 12:00 China time */
#define FX_NOW ((int64_t)1781496000)

static inline void fx_transfer_init(fx_transfer *t, fx_world *w, const char *exporter)
{
    memset(t, 0, sizeof(*t));
    t->w = w;
    t->in.policy = w->policy;
    t->in.catalogs = &w->set;
    t->in.exporter = xb_policy_exporter_by_id(w->policy, exporter);
    assert_non_null(t->in.exporter);
    t->in.dest_country = "DE";
    t->in.recipient = xb_policy_recipient_by_id(w->policy, "r-de");
    t->in.now = FX_NOW;
    t->in.inspection = XB_INSPECTED;
}

/* Add a finding of entry `id` in record `record`; identifier/rank may be
 * NULL/0. Returns its index. */
static inline size_t fx_add(fx_transfer *t, const char *id, int64_t record, xb_subject_rank rank,
                     const char *identifier)
{
    assert_true(t->n < FX_MAX_FINDINGS);
    size_t i = t->n++;
    xb_finding *f = &t->f[i];
    const xb_entry *e = fx_entry(t->w, id);
    f->entry = e;
    f->level = e->level;
    snprintf(t->paths[i], sizeof(t->paths[i]), "/items/%lld/%s", (long long)record, id);
    f->path = t->paths[i];
    f->span.start = 10 * i;
    f->span.end = 10 * i + 5;
    f->exact = true;
    f->syntax = XB_SYNTAX_JSON;
    f->confidence = 0.9;
    f->detector = "test";
    f->record = record;
    f->subject_rank = rank;
    f->identifier = (char *)identifier;
    return i;
}

/* Build the subjects (all new unless a counter says otherwise). */
static inline void fx_subjects(fx_transfer *t, xb_counter *counter)
{
    const xb_policy *p = t->w->policy;
    assert_int_equal(xb_subjects_build(&t->subjects, t->f, t->n, p->counting_key,
                                       p->counting_key_len, "transfer-1"), XB_OK);
    t->have_subjects = true;
    for (size_t i = 0; i < t->subjects.n; i++)
        t->subjects.items[i].is_new = true;
    if (counter) {
        xb_subject_counts before;
        assert_int_equal(xb_counter_query_sync(counter, t->in.exporter->uscc,
                                               xb_china_year(t->in.now), t->subjects.items,
                                               t->subjects.n, &before), XB_OK);
        t->in.ytd_before = before;
    }
}

static xb_decision *fx_decide(fx_transfer *t)
{
    if (!t->have_subjects)
        fx_subjects(t, NULL);
    t->in.findings = t->f;
    t->in.n_findings = t->n;
    t->in.subjects = &t->subjects;
    if (t->decided)
        xb_decision_free(&t->d);
    assert_int_equal(xb_decide(&t->in, &t->d), XB_OK);
    t->decided = true;
    return &t->d;
}

static inline void fx_transfer_free(fx_transfer *t)
{
    if (t->decided)
        xb_decision_free(&t->d);
    if (t->have_subjects)
        xb_subjects_free(&t->subjects);
}

/* True when some reason's note contains text. */
static inline bool fx_has_reason(const xb_decision *d, const char *text)
{
    for (size_t i = 0; i < d->n_reasons; i++)
        if (d->reasons[i].note && strstr(d->reasons[i].note, text))
            return true;
    return false;
}

static inline void fx_dump(const xb_decision *d, const xb_finding *f, size_t n)
{
    xb_buf b = XB_BUF_INIT;
    xb_decision_to_json(d, f, n, &b);
    fprintf(stderr, "%.*s\n", (int)b.len, b.data ? b.data : "");
    xb_buf_free(&b);
}

#endif
