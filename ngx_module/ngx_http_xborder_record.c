
/*
 * ngx_http_xborder_record.c - the transfer record (xb_record.h) of one
 * transfer, and the SHA-256 digests of its body as received and as sent.
 *
 * The record states who sent what kind of data where, what was decided
 * and why; it never carries a value of the body, nor the query string of
 * the URI (which may hold personal data): the URI is recorded as its path.
 * The append command built here also adds the individuals actually sent to
 * the year-to-date sets, so that record and counts are filed in one atomic
 * step.
 */


#include "ngx_http_xborder_module.h"

#include <openssl/evp.h>

#include "classifier/record/xb_record_decision.h"
#include "classifier/policy/xb_china_time.h"


#define NGX_HTTP_XBORDER_ENGINE_VERSION  "xborder-1"


static const char *
ngx_http_xborder_record_outcome(ngx_uint_t outcome)
{
    switch (outcome) {

    case NGX_HTTP_XBORDER_OUT_WATERMARK:
        return "watermark";

    case NGX_HTTP_XBORDER_OUT_MASK:
        return "mask";

    case NGX_HTTP_XBORDER_OUT_BLOCK:
    case NGX_HTTP_XBORDER_OUT_ERROR:
        return "block";

    default:
        return "allow";
    }
}


static const char *
ngx_http_xborder_record_inspection(ngx_http_xborder_transfer_t *t)
{
    const xb_scan_result  *res;

    if (t->unknown_exporter) {
        return "not-inspected";
    }

    if (t->oversize) {
        return "oversize";
    }

    if (t->scan == NULL || !t->finished) {
        return "not-inspected";
    }

    res = xb_scan_get_result(t->scan);

    switch (res->inspection) {

    case XB_INSPECTED:
        return "inspected";

    case XB_INSPECTED_PARTIAL:
        return "partial";

    default:
        return "not-inspectable";
    }
}


ngx_int_t
ngx_http_xborder_record_build(ngx_http_request_t *r,
    ngx_http_xborder_transfer_t *t, ngx_uint_t outcome, const char *chain,
    uint64_t seq, const char *prev_hash, xb_filing_cmd *cmd,
    char hash[XB_HASH_HEX])
{
    u_char                         digest[EVP_MAX_MD_SIZE];
    unsigned int                   dlen;
    xb_buf                         rec;
    xb_status                      st;
    ngx_str_t                      uri;
    const char                    *error;
    xb_record_parts                parts;
    xb_filing_record               fr;
    xb_transfer_record             tr;
    const xb_scan_result          *res;
    ngx_http_xborder_loc_conf_t   *xlcf;
    ngx_http_xborder_main_conf_t  *xmcf;

    xlcf = ngx_http_get_module_loc_conf(r, ngx_http_xborder_module);
    xmcf = ngx_http_get_module_main_conf(r, ngx_http_xborder_module);

    ngx_memzero(&tr, sizeof(xb_transfer_record));
    ngx_memzero(&parts, sizeof(xb_record_parts));

    tr.transfer_id = (const char *) t->id;
    tr.node = (const char *) xmcf->filing.node.data;
    tr.chain = chain;
    tr.seq = seq;
    tr.ts_start_ms = t->start_ms;
    tr.ts_end_ms = (int64_t) ngx_time() * 1000
                   + (int64_t) (ngx_current_msec % 1000);
    if (tr.ts_end_ms < tr.ts_start_ms) {
        tr.ts_end_ms = tr.ts_start_ms;
    }
    ngx_memcpy(tr.prev_hash, prev_hash, XB_HASH_HEX);

    /* parties */

    if (t->exporter) {
        tr.exporter_id = t->exporter->id;
        tr.exporter_uscc = t->exporter->uscc;
        tr.exporter_name = t->exporter->name;
        tr.exporter_ftz = t->exporter->ftz_zone;
        tr.exporter_ftz_list_version = t->exporter->ftz_list_version;
        tr.exporter_ciio = t->exporter->ciio;
    }

    if (t->recipient) {
        tr.recipient_id = t->recipient->id;
        tr.recipient_name = t->recipient->name;
        tr.recipient_country = t->recipient->country;
    }

    tr.dest_country = t->country.len ? (const char *) t->country.data : NULL;
    tr.dest_host = r->headers_in.server.len
                   ? ngx_http_xborder_cstr(r->pool, &r->headers_in.server)
                   : NULL;
    uri = r->uri;
    tr.dest_uri = ngx_http_xborder_cstr(r->pool, &uri);
    tr.method = ngx_http_xborder_cstr(r->pool, &r->method_name);
    tr.direction = t->direction == NGX_HTTP_XBORDER_DIR_REQUEST ? "push"
                                                                : "pull";
    tr.scenario = t->scenario.len ? (const char *) t->scenario.data : NULL;

    /* content */

    tr.content_type = t->content_type;
    tr.content_encoding = t->content_encoding;
    tr.bytes_original = t->bytes;
    tr.inspection = ngx_http_xborder_record_inspection(t);

    res = (t->scan && t->finished) ? xb_scan_get_result(t->scan) : NULL;

    if (res) {
        tr.records = res->records > 0 ? (uint64_t) res->records : 0;
        tr.inspection_error = res->error;
    }

    if (t->hashing && !t->oversize) {
        if (EVP_DigestFinal_ex(t->sha_original, digest, &dlen) == 1) {
            ngx_hex_dump((u_char *) tr.sha256_original, digest, dlen);
            tr.sha256_original[2 * dlen] = '\0';
        }

        ngx_http_xborder_hash_free(t);
    }

    error = NULL;

    if (t->after_error) {
        /*
         * refused: nothing leaves (a block, an error that fails closed);
         * monitor mode and errors that let the body go on are sent as is
         */
        tr.bytes_sent = 0;

    } else if (t->sha_sent[0]) {
        tr.bytes_sent = t->bytes_sent;
        ngx_memcpy(tr.sha256_sent, t->sha_sent, XB_HASH_HEX);

    } else {
        tr.bytes_sent = t->bytes;
        ngx_memcpy(tr.sha256_sent, tr.sha256_original, XB_HASH_HEX);
    }

    /* decision */

    if (t->decided) {
        st = xb_record_set_decision(&tr, &t->decision, xlcf->rules->set,
                                    &parts);
        if (st != XB_OK) {
            return NGX_ERROR;
        }

        if (t->decision.watermark && t->wm_marks) {
            tr.watermark_id = (const char *) t->id;
        }

        /*
         * what happened: the decision's, unless the gateway refused the
         * transfer for another reason (a body it cannot mask, counters or
         * inspection failing closed)
         */
        if (t->after_error) {
            tr.enforced = "block";
        }

    } else {
        tr.outcome = ngx_http_xborder_record_outcome(outcome);
        tr.enforced = t->after_error ? "block" : "allow";
        tr.mode = ngx_http_xborder_monitor(xlcf) ? "monitor" : "enforce";

        if (t->unknown_exporter) {
            error = "unknown exporter";

        } else if (t->oversize) {
            error = "larger than xborder_max_inspect_size";

        } else if (outcome == NGX_HTTP_XBORDER_OUT_ERROR) {
            error = "internal error";
        }

        if (error && tr.inspection_error == NULL) {
            tr.inspection_error = error;
        }

        tr.policy_version = xlcf->policy->policy->version;
    }

    tr.catalog_version = xlcf->rules->version;
    tr.engine_version = NGX_HTTP_XBORDER_ENGINE_VERSION;

    ngx_memzero(&rec, sizeof(xb_buf));

    st = xb_record_encode(&tr, &rec);
    xb_record_parts_free(&parts);

    if (st != XB_OK) {
        xb_buf_free(&rec);
        return NGX_ERROR;
    }

    xb_sha256_hex(rec.data, rec.len, hash);

    ngx_memzero(&fr, sizeof(xb_filing_record));

    fr.chain = chain;
    fr.seq = seq;
    fr.prev_hash = prev_hash;
    fr.hash = hash;
    fr.rec = rec.data;
    fr.rec_len = rec.len;
    fr.transfer_id = (const char *) t->id;
    fr.uscc = t->exporter ? t->exporter->uscc : NULL;
    fr.year = t->decided ? t->decision.year : 0;

    /* the individuals of what leaves: monitor mode sends what it would block */

    if (t->decided && t->subjects_built && t->decision.commit
        && t->after_error == NULL)
    {
        fr.subjects = t->subjects.items;
        fr.n_subjects = t->subjects.n;
        fr.selected = t->decision.commit;
    }

    if (fr.year == 0) {
        fr.year = xb_china_year(ngx_time());
    }

    st = xb_filing_cmd_append(cmd, (const char *) xmcf->filing.prefix.data,
                              &fr);
    xb_buf_free(&rec);

    return st == XB_OK ? NGX_OK : NGX_ERROR;
}


void
ngx_http_xborder_hash_body(ngx_http_xborder_transfer_t *t, u_char *data,
    size_t len)
{
    if (t->sha_original == NULL) {
        t->sha_original = EVP_MD_CTX_new();

        if (t->sha_original == NULL
            || EVP_DigestInit_ex(t->sha_original, EVP_sha256(), NULL) != 1)
        {
            ngx_http_xborder_hash_free(t);
            return;
        }

        t->hashing = 1;
    }

    if (t->hashing && EVP_DigestUpdate(t->sha_original, data, len) != 1) {
        t->hashing = 0;
    }
}


void
ngx_http_xborder_hash_chain(ngx_http_xborder_transfer_t *t, ngx_chain_t *cl)
{
    u_char         digest[EVP_MAX_MD_SIZE];
    unsigned int   dlen;
    EVP_MD_CTX    *md;

    md = EVP_MD_CTX_new();
    if (md == NULL) {
        return;
    }

    if (EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(md);
        return;
    }

    for ( /* void */ ; cl; cl = cl->next) {
        if (ngx_buf_in_memory(cl->buf) && cl->buf->last > cl->buf->pos) {
            (void) EVP_DigestUpdate(md, cl->buf->pos,
                                    cl->buf->last - cl->buf->pos);
        }
    }

    if (EVP_DigestFinal_ex(md, digest, &dlen) == 1) {
        ngx_hex_dump(t->sha_sent, digest, dlen);
        t->sha_sent[2 * dlen] = '\0';
    }

    EVP_MD_CTX_free(md);
}


void
ngx_http_xborder_hash_free(ngx_http_xborder_transfer_t *t)
{
    if (t->sha_original) {
        EVP_MD_CTX_free(t->sha_original);
        t->sha_original = NULL;
    }

    t->hashing = 0;
}
