/*
 * xb_decide_text.c - the words of a decision: stable names for JSON and
 * records, the legal article of each rule (in Chinese, as cited in filings)
 * and the short human messages in Chinese and English shown to the
 * exporter's developers and filed with the record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xb_decide_internal.h"

#define PROVISIONS "《促进和规范数据跨境流动规定》"

const char *xb_rule_name(xb_rule r)
{
    static const char *const names[] = {"R0", "R1", "R2", "R3", "R4", "R5",
                                        "R6", "R7", "R8", "R9", "R10"};
    return (unsigned)r <= XB_RULE_R10 ? names[r] : "?";
}

const char *xb_decision_route_name(xb_decision_route r)
{
    switch (r) {
    case XB_DECISION_NONE: return "none";
    case XB_DECISION_EXEMPT: return "exempt";
    case XB_DECISION_SCC_OR_CERT: return "scc-or-cert";
    case XB_DECISION_ASSESSMENT: return "assessment";
    case XB_DECISION_PROHIBITED: return "prohibited";
    }
    return "?";
}

const char *xb_outcome_name(xb_outcome o)
{
    switch (o) {
    case XB_OUTCOME_ALLOW: return "allow";
    case XB_OUTCOME_WATERMARK: return "watermark";
    case XB_OUTCOME_MASK: return "mask";
    case XB_OUTCOME_BLOCK: return "block";
    }
    return "?";
}

const char *xb_reason_kind_name(xb_reason_kind k)
{
    switch (k) {
    case XB_REASON_RULE: return "rule";
    case XB_REASON_DATA: return "data";
    case XB_REASON_MECHANISM: return "mechanism";
    case XB_REASON_UNINSPECTED: return "uninspected";
    case XB_REASON_NOTE: return "note";
    }
    return "?";
}

const char *xb_rule_article(xb_rule r, int r5_item, bool route_none)
{
    switch (r) {
    case XB_RULE_R0:
        return "《个人信息出境标准合同备案指南（第二版）》（出境行为认定）";
    case XB_RULE_R1: return PROVISIONS "第六条";
    case XB_RULE_R2: return PROVISIONS "第六条（自由贸易试验区负面清单）";
    case XB_RULE_R3: return PROVISIONS "第三条";
    case XB_RULE_R4: return PROVISIONS "第四条";
    case XB_RULE_R5:
        return r5_item == 2 ? PROVISIONS "第五条第二项"
               : r5_item == 3 ? PROVISIONS "第五条第三项" : PROVISIONS "第五条第一项";
    case XB_RULE_R6: return PROVISIONS "第二条、第七条（重要数据）";
    case XB_RULE_R7: return PROVISIONS "第七条第一项";
    case XB_RULE_R8: return PROVISIONS "第七条第二项";
    case XB_RULE_R9: return PROVISIONS "第八条";
    case XB_RULE_R10:
        return route_none ? "《数据出境安全管理政策问答》（2025年4月）：一般数据可以自由流动"
                          : PROVISIONS "第五条第四项";
    }
    return NULL;
}

static const char *article_en(xb_rule r, int r5_item)
{
    switch (r) {
    case XB_RULE_R1: return "Art. 6 (FTZ, data not on the zone's negative list)";
    case XB_RULE_R2: return "Art. 6 (FTZ negative list)";
    case XB_RULE_R3: return "Art. 3";
    case XB_RULE_R4: return "Art. 4";
    case XB_RULE_R5: return r5_item == 2 ? "Art. 5(2)" : r5_item == 3 ? "Art. 5(3)" : "Art. 5(1)";
    case XB_RULE_R10: return "Art. 5(4)";
    default: break;
    }
    return "the Provisions";
}

/* Which item of Art. 5 an R5 article cites. */
static int r5_item_of(const char *article)
{
    if (article && strstr(article, "第三项"))
        return 3;
    if (article && strstr(article, "第二项"))
        return 2;
    return 1;
}

const char *xb_decision_route_zh(xb_decision_route r)
{
    switch (r) {
    case XB_DECISION_SCC_OR_CERT: return "个人信息出境标准合同备案或个人信息保护认证";
    case XB_DECISION_ASSESSMENT: return "数据出境安全评估";
    case XB_DECISION_PROHIBITED: return "禁止出境";
    case XB_DECISION_EXEMPT: return "豁免";
    case XB_DECISION_NONE: break;
    }
    return "无需出境机制";
}

static const char *route_en(xb_decision_route r)
{
    switch (r) {
    case XB_DECISION_SCC_OR_CERT: return "a standard contract filing or a certification";
    case XB_DECISION_ASSESSMENT: return "a CAC security assessment";
    case XB_DECISION_PROHIBITED: return "nothing: the data may not leave China";
    case XB_DECISION_EXEMPT: return "no mechanism (exempt)";
    case XB_DECISION_NONE: break;
    }
    return "no mechanism";
}

static const char *mech_zh(xb_mechanism_type t)
{
    switch (t) {
    case XB_MECH_ASSESSMENT: return "安全评估";
    case XB_MECH_SCC: return "标准合同备案";
    case XB_MECH_CERTIFICATION: return "个人信息保护认证";
    }
    return "";
}

static const char *mech_en(xb_mechanism_type t)
{
    switch (t) {
    case XB_MECH_ASSESSMENT: return "security assessment";
    case XB_MECH_SCC: return "standard contract filing";
    case XB_MECH_CERTIFICATION: return "certification";
    }
    return "";
}

/* True when the transfer needs a route only because content could not be
 * inspected. */
static bool only_uninspected(const xb_dctx *c, const xb_decision *d)
{
    if (!c->uninspected_blocks || d->rule != XB_RULE_R6)
        return false;
    for (size_t i = 0; i < c->n; i++)
        if (c->flags[i] & (XB_F_IMPORTANT | XB_F_SELF_ASSESS))
            return false;
    return true;
}

xb_status xb_decide_messages(const xb_dctx *c, xb_decision *d)
{
    char zh[1024], en[1024];
    const xb_mechanism *m = d->n_mechanisms ? d->mechanisms[0] : NULL;
    char refs_zh[300] = "", refs_en[300] = "";
    if (m) {
        snprintf(refs_zh, sizeof(refs_zh), "%s（%s）%s", mech_zh(m->type), m->ref,
                 d->n_mechanisms > 1 ? "等" : "");
        snprintf(refs_en, sizeof(refs_en), "%s %s%s", mech_en(m->type), m->ref,
                 d->n_mechanisms > 1 ? " and others" : "");
    }
    switch (d->outcome) {
    case XB_OUTCOME_BLOCK:
        if (d->route == XB_DECISION_PROHIBITED) {
            snprintf(zh, sizeof(zh), "本次传输包含禁止出境的数据，已阻断。");
            snprintf(en, sizeof(en), "The transfer contains data that may not leave China; "
                                     "blocked.");
        } else if (only_uninspected(c, d)) {
            snprintf(zh, sizeof(zh), "请求内容无法完整检查，按可能包含重要数据处理，需%s且"
                                     "未找到覆盖全部内容的有效评估，已阻断。",
                     xb_decision_route_zh(d->route));
            snprintf(en, sizeof(en), "The content could not be fully inspected and is treated "
                                     "as possibly important data: it needs %s covering all "
                                     "content, and none is on file; blocked.",
                     route_en(d->route));
        } else {
            snprintf(zh, sizeof(zh), "本次出境需%s，但未找到有效且覆盖本次传输（接收方、数据"
                                     "类别、目的）的出境机制，已阻断。",
                     xb_decision_route_zh(d->route));
            snprintf(en, sizeof(en), "This transfer requires %s, but no valid mechanism on "
                                     "file covers it (recipient, data categories, purpose); "
                                     "blocked.", route_en(d->route));
        }
        break;
    case XB_OUTCOME_MASK:
        snprintf(zh, sizeof(zh), "本次出境需%s，但缺少覆盖全部数据的有效出境机制；已对%zu处"
                                 "数据脱敏后放行%s%s。",
                 xb_decision_route_zh(d->route), d->n_mask, m ? "，其余数据依据" : "", refs_zh);
        snprintf(en, sizeof(en), "This transfer requires %s, but no valid mechanism covers all "
                                 "of it; %zu value(s) masked, the rest allowed%s%s.",
                 route_en(d->route), d->n_mask, m ? " relying on " : "", refs_en);
        break;
    case XB_OUTCOME_WATERMARK:
    case XB_OUTCOME_ALLOW: {
        bool mark = d->outcome == XB_OUTCOME_WATERMARK;
        if (d->rule == XB_RULE_R0) {
            snprintf(zh, sizeof(zh), "目的地及接收方位于中国境内，不构成数据出境，放行。");
            snprintf(en, sizeof(en), "Destination and recipient are in mainland China: not a "
                                     "cross-border transfer; allowed.");
        } else if (d->route == XB_DECISION_NONE) {
            snprintf(zh, sizeof(zh), "未发现个人信息或重要数据，放行%s。",
                     mark ? "并加注数字水印" : "");
            snprintf(en, sizeof(en), "No personal information or important data found; "
                                     "allowed%s.", mark ? " with a watermark" : "");
        } else if (d->route == XB_DECISION_EXEMPT) {
            snprintf(zh, sizeof(zh), "依据%s，本次出境免予申报安全评估、订立标准合同或认证，"
                                     "放行%s。", d->article ? d->article : "",
                     mark ? "并加注数字水印" : "");
            snprintf(en, sizeof(en), "Exempt under %s of the Provisions on Promoting and "
                                     "Regulating Cross-Border Data Flows; allowed%s.",
                     article_en(d->rule, r5_item_of(d->article)), mark ? " with a watermark" : "");
        } else {
            snprintf(zh, sizeof(zh), "本次出境需%s，已依据%s放行%s。",
                     xb_decision_route_zh(d->route), refs_zh, mark ? "并加注数字水印" : "");
            snprintf(en, sizeof(en), "This transfer requires %s; allowed relying on %s%s.",
                     route_en(d->route), refs_en, mark ? ", with a watermark" : "");
        }
        break;
    }
    }
    if (d->monitor && d->outcome != XB_OUTCOME_ALLOW) {
        size_t k = strlen(zh);
        snprintf(zh + k, sizeof(zh) - k, "（监测模式：仅记录，未实际执行）");
        k = strlen(en);
        snprintf(en + k, sizeof(en) - k, " (monitor mode: recorded, not enforced)");
    }
    size_t nz = strlen(zh), ne = strlen(en);
    d->message_zh = malloc(nz + 1);
    d->message_en = malloc(ne + 1);
    if (!d->message_zh || !d->message_en)
        return XB_ERR_NOMEM;
    memcpy(d->message_zh, zh, nz + 1);
    memcpy(d->message_en, en, ne + 1);
    return XB_OK;
}
