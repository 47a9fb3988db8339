/*
 * xb_decide.c - the decision for one transfer: classify the findings for
 * the law, evaluate the table (xb_decide_rules.c), look for mechanisms
 * (xb_decide_mech.c), and turn "route + mechanisms on file + policy" into
 * an outcome:
 *
 *   route none or exempt            allow (watermark when the policy says
 *                                   "always" and PI or important data leaves)
 *   route needs a mechanism, every
 *   category covered                watermark (allow when watermark="no")
 *   something not covered           block, or with on-missing-mechanism=mask:
 *                                   mask the findings no mechanism covers,
 *                                   re-evaluate the transfer as it would then
 *                                   leave (those findings and the people only
 *                                   they identify removed), repeat until what
 *                                   remains is covered; block when something
 *                                   that needs a mechanism cannot be masked
 *                                   (content not inspected, inexact spans)
 *   monitor mode                    all of the above is decided and reported,
 *                                   the enforced outcome is allow
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "xb_china_time.h"
#include "xb_decide_internal.h"

/* ---- setting up the context --------------------------------------------- */

static bool is_sep(char ch)
{
    return ch == ' ' || ch == ',' || ch == '\t' || ch == '\n' || ch == '\r';
}

static void parse_tags(xb_dctx *c, const char *s)
{
    while (s && *s) {
        while (is_sep(*s))
            s++;
        size_t k = 0;
        while (s[k] && !is_sep(s[k]))
            k++;
        if (k == 0)
            break;
        if (xb_policy_scenario_known(c->policy, s, k)) {
            if (c->n_tags < XB_MAX_TAGS) {
                c->tags[c->n_tags] = s;
                c->tag_len[c->n_tags++] = k;
            }
        } else if (c->n_unknown < XB_MAX_TAGS) {
            c->unknown_tags[c->n_unknown] = s;
            c->unknown_len[c->n_unknown++] = k;
        }
        s += k;
    }
}

/* An entry applies in the scenarios it names (none: in all). A transfer
 * without scenario tags is assumed to be in every scenario: the
 * conservative reading. */
static bool entry_in_scenario(const xb_dctx *c, const xb_entry *e)
{
    if (e->n_scenarios == 0 || c->n_tags == 0)
        return true;
    for (size_t i = 0; i < e->n_scenarios; i++)
        if (e->scenarios[i] && xb_dctx_has_tag(c, e->scenarios[i]))
            return true;
    return false;
}

static bool is_exporters_list(const xb_dctx *c, const xb_catalog *k)
{
    return k && k->kind == XB_CATALOG_FTZ_NEGATIVE_LIST && c->ex->ftz_zone && k->zone &&
           k->list_version && !strcmp(k->zone, c->ex->ftz_zone) &&
           !strcmp(k->list_version, c->ex->ftz_list_version);
}

/* Exporters that declare no sectors are in every sector; entries of sector
 * "general" (or none) concern everyone. */
static bool exporter_in_sector(const xb_exporter *ex, const char *sector)
{
    if (ex->n_sectors == 0 || !sector || !*sector || !strcmp(sector, "general"))
        return true;
    for (size_t i = 0; i < ex->n_sectors; i++)
        if (!strcmp(ex->sectors[i], sector))
            return true;
    return false;
}

/* What one finding means for the decision; see xb_decide_internal.h. */
static uint16_t classify(const xb_dctx *c, const xb_finding *f)
{
    const xb_entry *e = f->entry;
    uint16_t fl = 0;
    if (f->level == XB_LEVEL_PI)
        fl |= XB_F_PI;
    else if (f->level == XB_LEVEL_SENSITIVE_PI)
        fl |= XB_F_SENSITIVE;
    if (!e)
        return fl;
    const xb_catalog *k = e->catalog;
    if (k && k->kind == XB_CATALOG_FTZ_NEGATIVE_LIST) {
        if (is_exporters_list(c, k) && c->ftz_applies) {
            /* on the list only in the scenarios its entry names */
            return fl | (entry_in_scenario(c, e) ? XB_F_ONLIST : XB_F_OTHER_SCENARIO);
        }
        /* another zone's list does not apply here: ignored by the decision
         * (xb_subjects still counts its individuals by level: an over-count
         * at worst, as the national catalogs find the same fields) */
        if (!is_exporters_list(c, k))
            return XB_F_OTHER_LIST;
        /* the exporter's own list when the FTZ rules do not apply (a CIIO):
         * an ordinary entry */
    }
    /* sector-specific important data only concerns exporters of that sector */
    if ((f->level >= XB_LEVEL_IMPORTANT || e->route == XB_ROUTE_PROHIBITED) &&
        !exporter_in_sector(c->ex, e->sector))
        return fl | XB_F_OTHER_SECTOR;
    if (e->route == XB_ROUTE_PROHIBITED)
        return fl | XB_F_PROHIBITED | XB_F_IMPORTANT;
    /* an important-data entry scoped to other scenarios does not make this
     * transfer's data important; personal information stays what it is */
    if (!entry_in_scenario(c, e))
        return fl | XB_F_OTHER_SCENARIO;
    if (f->level == XB_LEVEL_IMPORTANT || f->level == XB_LEVEL_CORE) {
        if (e->provenance != XB_PROV_SELF_DEFINED)
            fl |= XB_F_IMPORTANT;
        else if (e->route == XB_ROUTE_ASSESSMENT)
            fl |= XB_F_SELF_ASSESS;
        else if (e->route == XB_ROUTE_SCC_OR_CERT)
            fl |= XB_F_SELF_SCC;
        else
            fl |= XB_F_SELF_NOTE;
    }
    return fl;
}

static xb_status setup(xb_dctx *c, const xb_decide_input *in, xb_decision *d)
{
    memset(c, 0, sizeof(*c));
    c->in = in;
    c->policy = in->policy;
    c->ex = in->exporter;
    c->f = in->findings;
    c->n = in->n_findings;
    c->flags = calloc(c->n ? c->n : 1, sizeof(*c->flags));
    if (!c->flags)
        return XB_ERR_NOMEM;

    parse_tags(c, in->scenario && *in->scenario ? in->scenario : c->ex->default_scenario);
    c->purpose = in->purpose && *in->purpose ? in->purpose : c->ex->default_purpose;
    c->today = xb_china_day(in->now);
    c->year = xb_china_year(in->now);
    c->monitor = in->mode == XB_MODE_MONITOR ||
                 (in->mode == XB_MODE_POLICY && c->policy->monitor);
    c->on_missing = c->ex->on_missing != XB_MISSING_INHERIT ? c->ex->on_missing
                                                             : c->policy->on_missing;
    c->watermark = c->ex->watermark != XB_WATERMARK_INHERIT ? c->ex->watermark
                                                              : c->policy->watermark;

    if (c->ex->ftz_zone) {
        const xb_catalog_set *set = in->catalogs;
        for (size_t i = 0; set && i < set->n && !c->ftz_list; i++)
            if (is_exporters_list(c, set->catalogs[i]))
                c->ftz_list = set->catalogs[i];
        c->ftz_list_missing = c->ftz_list == NULL;
        c->ftz_applies = c->ftz_list && !c->ex->ciio;
    }

    c->uninspected = in->inspection != XB_INSPECTED || in->findings_truncated ||
                     in->n_uninspectable > 0;
    bool block = in->uninspectable_mode == XB_UNINSPECTABLE_BLOCK ||
                 (in->uninspectable_mode == XB_UNINSPECTABLE_POLICY &&
                  c->policy->uninspectable_block);
    c->uninspected_blocks = c->uninspected && block;

    /* destination: two letters, upper case; anything else is unknown */
    const char *dc = in->dest_country;
    if (dc && isalpha((unsigned char)dc[0]) && isalpha((unsigned char)dc[1]) && !dc[2]) {
        d->dest_country[0] = (char)toupper((unsigned char)dc[0]);
        d->dest_country[1] = (char)toupper((unsigned char)dc[1]);
    }
    const xb_recipient *r = in->recipient;
    c->domestic = !strcmp(d->dest_country, "CN") && (!r || (r->country && !strcmp(r->country, "CN")));

    for (size_t i = 0; i < c->n; i++)
        c->flags[i] = classify(c, &c->f[i]);
    return XB_OK;
}

/* ---- outcome helpers ------------------------------------------------------ */

static bool needs_mechanism(xb_decision_route r)
{
    return r == XB_DECISION_SCC_OR_CERT || r == XB_DECISION_ASSESSMENT ||
           r == XB_DECISION_PROHIBITED;
}

/* Covered: something needed a mechanism and all of it has one. A route
 * that needs a mechanism with nothing to cover is never waved through. */
static bool fully_covered(const xb_cover *cov)
{
    return cov->n_uncovered == 0 && !cov->uninspected_uncovered &&
           (cov->n_needed > 0 || cov->uninspected_by);
}

/* PI or important data leaves with this version of the transfer. */
static bool carries_regulated(const xb_dctx *c, const uint8_t *masked)
{
    const uint16_t reg = XB_F_PI | XB_F_SENSITIVE | XB_F_IMPORTANT | XB_F_ONLIST |
                         XB_F_SELF_ASSESS | XB_F_SELF_SCC | XB_F_SELF_NOTE;
    for (size_t i = 0; i < c->n; i++)
        if (!xb_dctx_masked(masked, i) && (c->flags[i] & reg))
            return true;
    return false;
}

static bool maskable(const xb_finding *f)
{
    return f->exact && f->span.end > f->span.start;
}

/*
 * Find what to mask. First what no mechanism on file could ever cover
 * (none is usable for it, or it is prohibited), then, as long as the
 * re-evaluated transfer still needs something that is not covered, that
 * too. Each round masks at least one more finding, so this ends.
 */
static xb_status try_mask(const xb_dctx *c, const xb_eval *ev0, const xb_cover *cov0,
                          uint8_t **masked_out, xb_eval *evm, xb_cover *covm, bool *ok)
{
    *ok = false;
    *masked_out = NULL;
    memset(evm, 0, sizeof(*evm));
    memset(covm, 0, sizeof(*covm));
    if (cov0->uninspected_uncovered)
        return XB_OK; /* what was not inspected cannot be masked */
    uint8_t *m = calloc(c->n ? c->n : 1, 1);
    bool *usable = calloc(c->ex->n_mechanisms + 1, sizeof(*usable));
    if (!m || !usable) {
        free(m);
        free(usable);
        return XB_ERR_NOMEM;
    }
    char why[512];
    for (size_t k = 0; k < c->ex->n_mechanisms; k++)
        usable[k] = !xb_mechanism_unusable(c, &c->ex->mechanisms[k], why, sizeof(why));
    for (size_t i = 0; i < c->n; i++) {
        if (!ev0->needs[i] || cov0->by[i] || !maskable(&c->f[i]))
            continue;
        bool coverable = false;
        for (size_t k = 0; k < c->ex->n_mechanisms && !coverable &&
                           ev0->needs[i] != XB_DECISION_PROHIBITED; k++)
            coverable = usable[k] &&
                        xb_mechanism_covers_entry(&c->ex->mechanisms[k], c->f[i].entry);
        if (!coverable)
            m[i] = 1;
    }
    free(usable);

    xb_status st = XB_OK;
    for (size_t round = 0; round <= c->n + 1; round++) {
        if ((st = xb_decide_evaluate(c, m, evm)) != XB_OK)
            break;
        if ((st = xb_decide_cover(c, evm, covm)) != XB_OK)
            break;
        if (!needs_mechanism(evm->route) || fully_covered(covm)) {
            *ok = true;
            break;
        }
        if (covm->uninspected_uncovered)
            break;
        bool progress = false, stuck = false;
        for (size_t i = 0; i < c->n; i++) {
            if (!evm->needs[i] || covm->by[i])
                continue;
            if (!maskable(&c->f[i]))
                stuck = true;
            else if (!m[i]) {
                m[i] = 1;
                progress = true;
            }
        }
        if (stuck || !progress)
            break;
        xb_eval_free(evm);
        xb_cover_free(covm);
    }
    if (*ok) {
        *masked_out = m;
        return XB_OK;
    }
    xb_eval_free(evm);
    xb_cover_free(covm);
    free(m);
    return st;
}

/* The distinct mechanisms a cover relies on, in policy order. */
static xb_status collect_mechanisms(const xb_dctx *c, const xb_eval *ev, const xb_cover *cov,
                                    const uint8_t *masked, xb_decision *d)
{
    size_t cap = c->ex->n_mechanisms;
    if (cap == 0)
        return XB_OK;
    d->mechanisms = calloc(cap, sizeof(*d->mechanisms));
    if (!d->mechanisms)
        return XB_ERR_NOMEM;
    for (size_t k = 0; k < cap; k++) {
        const xb_mechanism *m = &c->ex->mechanisms[k];
        bool used = cov->uninspected_by == m;
        for (size_t i = 0; i < c->n && !used; i++)
            used = ev->needs[i] && !xb_dctx_masked(masked, i) && cov->by[i] == m;
        if (used)
            d->mechanisms[d->n_mechanisms++] = m;
    }
    return XB_OK;
}

static xb_status scenario_text(const xb_dctx *c, xb_decision *d)
{
    size_t n = 1;
    for (size_t i = 0; i < c->n_tags; i++)
        n += c->tag_len[i] + 1;
    d->scenario = malloc(n);
    if (!d->scenario)
        return XB_ERR_NOMEM;
    size_t o = 0;
    for (size_t i = 0; i < c->n_tags; i++) {
        if (o)
            d->scenario[o++] = ' ';
        memcpy(d->scenario + o, c->tags[i], c->tag_len[i]);
        o += c->tag_len[i];
    }
    d->scenario[o] = '\0';
    return XB_OK;
}

/* ---- the decision ------------------------------------------------------------ */

xb_status xb_decide(const xb_decide_input *in, xb_decision *d)
{
    memset(d, 0, sizeof(*d));
    if (!in || !in->policy || !in->exporter || (in->n_findings && !in->findings))
        return XB_ERR_INVALID;
    xb_dctx c;
    xb_eval ev0 = {0}, evm = {0};
    xb_cover cov0 = {0}, covm = {0};
    uint8_t *masked = NULL;
    xb_status st = setup(&c, in, d);
    if (st == XB_OK)
        st = xb_decide_evaluate(&c, NULL, &ev0);
    if (st == XB_OK)
        st = xb_decide_cover(&c, &ev0, &cov0);
    if (st != XB_OK)
        goto out;

    d->exporter = in->exporter;
    d->recipient = in->recipient;
    d->purpose = c.purpose;
    d->policy_version = in->policy->version;
    d->year = c.year;
    d->monitor = c.monitor;
    d->rule = ev0.rule;
    d->route = ev0.route;
    d->article = ev0.article;
    d->masked_rule = ev0.rule;
    d->masked_route = ev0.route;
    d->masked_article = ev0.article;

    bool mask_watermark = false;
    if (!needs_mechanism(ev0.route)) {
        d->outcome = c.watermark == XB_WATERMARK_ALWAYS && ev0.route == XB_DECISION_EXEMPT &&
                             carries_regulated(&c, NULL)
                         ? XB_OUTCOME_WATERMARK : XB_OUTCOME_ALLOW;
    } else if (fully_covered(&cov0)) {
        d->outcome = c.watermark == XB_WATERMARK_NO ? XB_OUTCOME_ALLOW : XB_OUTCOME_WATERMARK;
    } else if (c.on_missing == XB_MISSING_MASK) {
        bool ok = false;
        if ((st = try_mask(&c, &ev0, &cov0, &masked, &evm, &covm, &ok)) != XB_OK)
            goto out;
        if (ok) {
            d->outcome = XB_OUTCOME_MASK;
            d->masked_rule = evm.rule;
            d->masked_route = evm.route;
            d->masked_article = evm.article;
            mask_watermark = c.watermark != XB_WATERMARK_NO &&
                             (needs_mechanism(evm.route) ||
                              (c.watermark == XB_WATERMARK_ALWAYS &&
                               evm.route == XB_DECISION_EXEMPT && carries_regulated(&c, masked)));
        } else {
            d->outcome = XB_OUTCOME_BLOCK;
        }
    } else {
        d->outcome = XB_OUTCOME_BLOCK;
    }
    d->enforced = c.monitor ? XB_OUTCOME_ALLOW : d->outcome;
    d->watermark = d->enforced == XB_OUTCOME_WATERMARK ||
                   (d->enforced == XB_OUTCOME_MASK && mask_watermark);

    /* the transfer as it leaves */
    bool is_mask = d->outcome == XB_OUTCOME_MASK;
    const xb_eval *sent = d->enforced == XB_OUTCOME_MASK ? &evm : &ev0;
    const xb_cover *sent_cov = d->enforced == XB_OUTCOME_MASK ? &covm : &cov0;
    d->subjects = sent->in;
    d->counters_after = sent->after;
    if (in->subjects && in->subjects->n) {
        d->commit = calloc(in->subjects->n, 1);
        if (!d->commit) {
            st = XB_ERR_NOMEM;
            goto out;
        }
        if (d->enforced != XB_OUTCOME_BLOCK && sent->selected)
            memcpy(d->commit, sent->selected, in->subjects->n);
    }
    if (d->enforced != XB_OUTCOME_BLOCK &&
        (st = collect_mechanisms(&c, sent, sent_cov,
                                 d->enforced == XB_OUTCOME_MASK ? masked : NULL, d)) != XB_OK)
        goto out;

    if (is_mask) {
        for (size_t i = 0; i < c.n; i++)
            d->n_mask += masked[i];
        d->mask = malloc((d->n_mask ? d->n_mask : 1) * sizeof(*d->mask));
        if (!d->mask) {
            st = XB_ERR_NOMEM;
            goto out;
        }
        d->n_mask = 0;
        for (size_t i = 0; i < c.n; i++)
            if (masked[i])
                d->mask[d->n_mask++] = i;
    }
    if ((st = scenario_text(&c, d)) != XB_OK)
        goto out;
    if ((st = xb_decide_reasons(&c, &ev0, is_mask ? &evm : &ev0, is_mask ? &covm : &cov0,
                                is_mask ? masked : NULL, d)) != XB_OK)
        goto out;
    st = xb_decide_messages(&c, d);
out:
    xb_eval_free(&ev0);
    xb_eval_free(&evm);
    xb_cover_free(&cov0);
    xb_cover_free(&covm);
    free(masked);
    free(c.flags);
    if (st != XB_OK)
        xb_decision_free(d);
    return st;
}

void xb_decision_free(xb_decision *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n_reasons; i++) {
        free(d->reasons[i].path);
        free(d->reasons[i].note);
    }
    free(d->reasons);
    free(d->mask);
    free(d->mechanisms);
    free(d->commit);
    free(d->scenario);
    free(d->message_zh);
    free(d->message_en);
    memset(d, 0, sizeof(*d));
}
