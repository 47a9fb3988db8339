/*
 * xb_policy.h - the export policy: who exports (exporters and how the
 * gateway recognises them), to whom (overseas recipients), on what legal
 * ground (mechanisms on file), in which scenarios, and what to do with each
 * outcome. Format reference: README.md "Export policy"; schema: config/schema/policy.xsd.
 *
 * The policy is one XML file owned by compliance officers, kept apart from
 * the rule catalogs (which say what data *is*; the policy says what this
 * company *may do* with it). Loading validates against the XSD compiled into
 * the library and then for meaning (duplicate ids, unknown recipients in a
 * mechanism scope, bad dates, invalid USCC, unknown scenarios, bad CIDRs,
 * unreadable counting key). Every problem is an xb_diag with file and line,
 * so `xborder policy check` and `nginx -t` point at the line to fix.
 *
 * A loaded policy is immutable: any number of threads (and nginx workers
 * after fork) may read it concurrently. Nothing here has global state.
 *
 *   xb_diags d = {0};
 *   xb_policy *p = xb_policy_load("/etc/xborder/policy.xml", &d);
 *   if (!p) { print d; }
 *   const xb_exporter *ex = xb_policy_find_exporter(p, api_key, client_ip);
 *   ...
 *   xb_policy_free(p);
 */
#ifndef XB_POLICY_H
#define XB_POLICY_H

#include "../catalog/xb_catalog.h"
#include "../core/xb_common.h"

/* Policy format version this library reads (<policy format-version="1">). */
#define XB_POLICY_FORMAT_VERSION 1

/* Longest counting key accepted, in bytes. */
#define XB_POLICY_MAX_KEY 64

/* How a request is attributed to an exporter. */
typedef enum xb_match_kind {
    XB_MATCH_API_KEY = 0,    /* exact value of the exporter variable */
    XB_MATCH_API_KEY_SHA256, /* hex SHA-256 of that value (key not stored) */
    XB_MATCH_CERT_DN,        /* exact client-certificate subject DN */
    XB_MATCH_CIDR            /* client address inside a network */
} xb_match_kind;

typedef struct xb_exporter_match {
    xb_match_kind kind;
    char *value;             /* as written (API key, hex digest, DN, CIDR) */
    uint8_t digest[32];      /* XB_MATCH_API_KEY_SHA256: decoded digest */
    int family;              /* XB_MATCH_CIDR: 4 or 6 */
    uint8_t net[16];         /* XB_MATCH_CIDR: network bytes (4 or 16) */
    unsigned prefix;         /* XB_MATCH_CIDR: prefix length */
    size_t line;
} xb_exporter_match;

typedef enum xb_recipient_role {
    XB_ROLE_CONTROLLER = 0,  /* overseas controller (境外接收方 as processor) */
    XB_ROLE_ENTRUSTED        /* entrusted party (受托方) */
} xb_recipient_role;

typedef struct xb_recipient {
    char *id;
    char *name;
    char *country;           /* ISO 3166-1 alpha-2, upper case */
    char *contact;           /* may be NULL */
    char *address;           /* may be NULL */
    xb_recipient_role role;
    size_t line;
} xb_recipient;

typedef enum xb_mechanism_type {
    XB_MECH_ASSESSMENT = 0,  /* CAC security assessment approval */
    XB_MECH_SCC,             /* standard contract filing (备案编号) */
    XB_MECH_CERTIFICATION    /* PI protection certification */
} xb_mechanism_type;

/* A mechanism on file: only valid on [valid_from, valid_until] (China-time
 * dates, inclusive) and only for its scope. */
typedef struct xb_mechanism {
    char *id;
    xb_mechanism_type type;
    char *ref;               /* filing / approval / certificate number */
    int64_t valid_from;      /* day number, see xb_china_time.h */
    int64_t valid_until;     /* day number, inclusive */
    char **recipients;       /* recipient ids (at least one) */
    size_t n_recipients;
    /* Categories covered: a catalog entry id ("cn.pi.ric"), an entry-id
     * prefix ending in ".*" ("cn.pi.*"), a data category ("identity"), or
     * "*" (everything, including content that could not be inspected). */
    char **categories;
    size_t n_categories;
    char **purposes;         /* purposes covered; none = any purpose */
    size_t n_purposes;
    const struct xb_exporter *holder;
    size_t line;
} xb_mechanism;

/* Whether allowed transfers are watermarked. */
typedef enum xb_watermark_policy {
    XB_WATERMARK_INHERIT = 0, /* exporters only: use the global setting */
    XB_WATERMARK_NO,
    XB_WATERMARK_MECHANISM,   /* "yes": when a mechanism was relied on */
    XB_WATERMARK_ALWAYS       /* also exempt transfers carrying PI or
                                 important data */
} xb_watermark_policy;

/* What happens when a required mechanism is missing. */
typedef enum xb_missing_action {
    XB_MISSING_INHERIT = 0,   /* exporters only: use the global setting */
    XB_MISSING_BLOCK,
    XB_MISSING_MASK           /* mask the offending fields, re-evaluate */
} xb_missing_action;

typedef struct xb_exporter {
    char *id;
    char *name;              /* legal name */
    char *uscc;              /* unified social credit code (validated) */
    bool ciio;               /* critical information infrastructure operator */
    char *ftz_zone;          /* registered FTZ (catalog zone id) or NULL */
    char *ftz_list_version;  /* version of that zone's list, or NULL */
    char *default_scenario;  /* scenario tags, space separated, or NULL */
    /* Business sectors (catalog <sector> values). Important-data entries of
     * another sector (not "general") do not apply to this exporter. NULL /
     * 0: every sector applies (the conservative default). */
    char **sectors;
    size_t n_sectors;
    char *default_purpose;   /* or NULL */
    xb_watermark_policy watermark;     /* INHERIT = global */
    xb_missing_action on_missing;      /* INHERIT = global */
    xb_exporter_match *matches;
    size_t n_matches;
    xb_mechanism *mechanisms;
    size_t n_mechanisms;
    size_t line;
} xb_exporter;

/* A scenario tag declared by the policy (e.g. an FTZ list scenario). The
 * built-in tags of Provisions Arts. 3-5 need no declaration. */
typedef struct xb_scenario_def {
    char *id;
    char *name_zh;           /* may be NULL */
    char *name_en;           /* may be NULL */
    size_t line;
} xb_scenario_def;

/* Conservative default for R1: off-list data of an FTZ exporter is only
 * exempt when no nationally published/notified important data is present. */
typedef enum xb_ftz_offlist_important {
    XB_FTZ_OFFLIST_ASSESSMENT = 0, /* national important data -> assessment */
    XB_FTZ_OFFLIST_EXEMPT          /* Art. 6 read literally: exempt */
} xb_ftz_offlist_important;

typedef struct xb_policy {
    char *file;              /* path it was loaded from */
    int format_version;
    char *version;           /* the policy's own version string */
    char *description;       /* may be NULL */

    /* options and outcomes (global) */
    xb_ftz_offlist_important ftz_offlist_important;
    bool monitor;            /* decide and file, never enforce */
    xb_missing_action on_missing;      /* BLOCK or MASK */
    xb_watermark_policy watermark;     /* NO, MECHANISM or ALWAYS */
    bool uninspectable_block;          /* content not inspected counts as
                                          possibly important data */

    /* key for HMAC-SHA256 of counted identifiers */
    uint8_t counting_key[XB_POLICY_MAX_KEY];
    size_t counting_key_len;
    char *counting_key_file; /* resolved path, or NULL when inline */

    xb_scenario_def *scenarios;
    size_t n_scenarios;
    xb_recipient *recipients;
    size_t n_recipients;
    xb_exporter *exporters;
    size_t n_exporters;
} xb_policy;

/* The schema, compiled into the library from config/schema/policy.xsd. */
extern const char xb_policy_xsd[];
extern const size_t xb_policy_xsd_len;

/*
 * Load and validate a policy file. Returns NULL when anything is wrong, with
 * at least one diag (file:line: message). A relative counting key-file is
 * resolved against the policy file's directory. Calls xmlInitParser(); call
 * it once from the main thread before loading from several threads.
 */
xb_policy *xb_policy_load(const char *path, xb_diags *diags);
/* The same from memory; file is used in diags and to resolve key files. */
xb_policy *xb_policy_load_memory(const char *data, size_t len,
                                 const char *file, xb_diags *diags);
void xb_policy_free(xb_policy *p);

/*
 * The exporter a request belongs to. ident is the value of the configured
 * exporter variable (an API key or a client-certificate DN; may be NULL);
 * client_addr is the client's IP address as text (may be NULL). An exact
 * API key, API-key digest or DN match wins; otherwise the CIDR with the
 * longest prefix containing client_addr. NULL when nothing matches.
 */
const xb_exporter *xb_policy_find_exporter(const xb_policy *p,
                                           const char *ident,
                                           const char *client_addr);
const xb_exporter *xb_policy_exporter_by_id(const xb_policy *p, const char *id);
const xb_recipient *xb_policy_recipient_by_id(const xb_policy *p, const char *id);

/* True when tag is a built-in scenario or declared by the policy. */
bool xb_policy_scenario_known(const xb_policy *p, const char *tag, size_t len);

/* Built-in scenario tags (Provisions Arts. 3, 4, 5). */
#define XB_SCENARIO_CONTRACT   "contract-necessity"      /* Art. 5(1) */
#define XB_SCENARIO_HR         "hr-management"           /* Art. 5(2) */
#define XB_SCENARIO_EMERGENCY  "emergency"               /* Art. 5(3) */
#define XB_SCENARIO_TRADE      "trade"                   /* Art. 3 */
#define XB_SCENARIO_TRANSPORT  "transport"               /* Art. 3 */
#define XB_SCENARIO_ACADEMIC   "academic"                /* Art. 3 */
#define XB_SCENARIO_MANUFACTURING "manufacturing"        /* Art. 3 */
#define XB_SCENARIO_MARKETING  "marketing"               /* Art. 3 */
#define XB_SCENARIO_REEXPORT   "foreign-origin-reexport" /* Art. 4 */
/* The built-in tags in the order above; n is set to their number. */
const char *const *xb_scenario_builtins(size_t *n);

/*
 * Cross-check a policy against the loaded catalogs (for `nginx -t` and the
 * CLI): exporters whose registered FTZ list (zone + version) is not among
 * the catalogs, and mechanism categories that name neither an entry, an
 * entry-id prefix nor a data category of any catalog. Returns the number of
 * problems added to diags (file:line of the policy).
 */
size_t xb_policy_check_catalogs(const xb_policy *p, const xb_catalog_set *set,
                                xb_diags *diags);

/* Stable names used in files, JSON and messages. */
const char *xb_mechanism_type_name(xb_mechanism_type t); /* "assessment", "scc", "certification" */
const char *xb_recipient_role_name(xb_recipient_role r); /* "controller", "entrusted" */
const char *xb_match_kind_name(xb_match_kind k);  /* "api-key", "api-key-sha256", "cert-dn", "cidr" */

/* Parse "a.b.c.d/n" or "x:y::/n" into family (4/6), network bytes and
 * prefix. Fails on host bits set beyond the prefix. */
bool xb_cidr_parse(const char *s, int *family, uint8_t net[16], unsigned *prefix);
/* Parse an IPv4 or IPv6 address. */
bool xb_ip_parse(const char *s, int *family, uint8_t addr[16]);

#endif
