
/*
 * Copyright (C) ngx_sockerless developers
 */


/*
 * The audit log: one JSON object per line, written when the policy's
 * decision is made (before dockerd sees the request, so that a session
 * that lasts hours is on record while it runs) and when the request ends.
 * Each record is one write(2) to a file opened with O_APPEND, done before
 * the request goes on: nothing is queued, nothing dropped, and the lines
 * of several workers do not mix.  No record holds a secret: no header, no
 * body, no query string, only what the path and the decision say.  See
 * docs/observability.md.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_sockerless_module.h"


/* the fixed part of a record, the numbers, a time */
#define NGX_HTTP_SOCKERLESS_AUDIT_FIXED  1024

/* the longest value kept of a string field */
#define NGX_HTTP_SOCKERLESS_AUDIT_VALUE  2048


static u_char *ngx_http_sockerless_audit_field(u_char *p, const char *key,
    ngx_str_t *value);
static u_char *ngx_http_sockerless_audit_escape(u_char *dst, u_char *src,
    size_t len);


static const char  *ngx_http_sockerless_audit_decisions[] = {
    "none", "allow", "deny", "error", "would-deny"
};

static const char  *ngx_http_sockerless_audit_ends[] = {
    "", "daemon", "client", "timeout", "error"
};


/* sockerless_audit_log path | off */

char *
ngx_http_sockerless_audit_log(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_sockerless_loc_conf_t *slcf = conf;

    ngx_str_t                        *value;
    ngx_http_sockerless_main_conf_t  *smcf;

    if (slcf->observe.audit != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        slcf->observe.audit = NULL;
        return NGX_CONF_OK;
    }

    if (ngx_strncmp(value[1].data, "syslog:", 7) == 0) {
        return "takes a file: records are written synchronously, never "
               "through syslog";
    }

    slcf->observe.audit = ngx_conf_open_file(cf->cycle, &value[1]);
    if (slcf->observe.audit == NULL) {
        return NGX_CONF_ERROR;
    }

    smcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_sockerless_module);
    smcf->observe.audit = 1;

    return NGX_CONF_OK;
}


/* a record: the decision's ("complete" 0) or the request's end's */

void
ngx_http_sockerless_audit(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_uint_t complete)
{
    u_char                           *buf, *p, version[2 * NGX_INT_T_LEN + 2];
    size_t                            len;
    ssize_t                           n;
    ngx_tm_t                          tm;
    ngx_err_t                         err;
    ngx_str_t                         identity, subject, serial, reason,
                                      object, api, none = ngx_null_string;
    ngx_str_t                         op = ngx_string("-");
    ngx_uint_t                        status, i;
    ngx_time_t                       *tp;
    ngx_msec_int_t                    ms;
    ngx_open_file_t                  *file;
    ngx_http_variable_value_t        *id;
    ngx_http_sockerless_decision_t   *d;
    ngx_http_sockerless_loc_conf_t   *slcf;
    ngx_http_sockerless_main_conf_t  *smcf;
#if (NGX_HTTP_SSL)
    ngx_str_t                         verify;
#endif

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_sockerless_module);
    smcf = ngx_http_get_module_main_conf(r, ngx_http_sockerless_module);

    file = slcf->observe.audit;

    if (!complete) {
        ctx->observe.audited = 1;
    }

    d = &ctx->decision;

    /* the identity: the value the policy was chosen by */

    identity = none;

    if (slcf->enforce
        && ngx_http_complex_value(r, slcf->enforce, &identity) != NGX_OK)
    {
        identity = none;
    }

    identity.len = ngx_min(identity.len, NGX_HTTP_SOCKERLESS_AUDIT_VALUE);

    /* and the client's certificate, when nginx verified it */

    subject = none;
    serial = none;

#if (NGX_HTTP_SSL)

    if (r->connection->ssl) {
        if (ngx_ssl_get_client_verify(r->connection, r->pool, &verify)
            == NGX_OK
            && verify.len == 7
            && ngx_strncmp(verify.data, "SUCCESS", 7) == 0)
        {
            if (ngx_ssl_get_subject_dn(r->connection, r->pool, &subject)
                != NGX_OK)
            {
                subject = none;
            }

            if (ngx_ssl_get_serial_number(r->connection, r->pool, &serial)
                != NGX_OK)
            {
                serial = none;
            }

            subject.len = ngx_min(subject.len,
                                  NGX_HTTP_SOCKERLESS_AUDIT_VALUE);
            serial.len = ngx_min(serial.len, NGX_HTTP_SOCKERLESS_AUDIT_VALUE);
        }
    }

#endif

    if (ctx->op) {
        op = ctx->op->name;
    }

    api = none;

    if (ctx->route.versioned && ctx->route.version_ok) {
        api.data = version;
        api.len = ngx_sprintf(version, "%ui.%ui", ctx->route.major,
                              ctx->route.minor)
                  - version;
    }

    object = ctx->route.object;
    object.len = ngx_min(object.len, NGX_HTTP_SOCKERLESS_AUDIT_VALUE);

    reason = none;

    if (d->decision == NGX_HTTP_SOCKERLESS_DENY
        || d->decision == NGX_HTTP_SOCKERLESS_WOULD_DENY)
    {
        reason = d->reason;

        if (ctx->op && (ctx->op->flags & NGX_SOCKERLESS_OP_REDACT_QUERY)) {
            /* a build's reason may quote its query: the code only */

            p = ngx_strlchr(reason.data, reason.data + reason.len, ':');
            if (p) {
                reason.len = p - reason.data;
            }
        }
    }

    id = ngx_http_get_indexed_variable(r, smcf->observe.request_id);

    len = NGX_HTTP_SOCKERLESS_AUDIT_FIXED
          + 6 * (identity.len + subject.len + serial.len + object.len
                 + reason.len + d->name.len + r->method_name.len
                 + ctx->pulled.len
                 + r->connection->addr_text.len
                 + ((id && !id->not_found) ? id->len : 0));

    buf = ngx_pnalloc(r->pool, len);
    if (buf == NULL) {
        goto failed;
    }

    tp = ngx_timeofday();
    ngx_gmtime(tp->sec, &tm);

    p = ngx_sprintf(buf, "{\"time\":\"%4d-%02d-%02dT%02d:%02d:%02d.%03MZ\","
                    "\"stage\":\"%s\",\"request_id\":\"",
                    tm.ngx_tm_year, tm.ngx_tm_mon, tm.ngx_tm_mday,
                    tm.ngx_tm_hour, tm.ngx_tm_min, tm.ngx_tm_sec, tp->msec,
                    complete ? "complete" : "decision");

    if (id && !id->not_found) {
        p = ngx_http_sockerless_audit_escape(p, id->data, id->len);
    }

    *p++ = '"';

    p = ngx_http_sockerless_audit_field(p, "remote_addr",
                                        &r->connection->addr_text);
    p = ngx_http_sockerless_audit_field(p, "identity", &identity);

    if (subject.len || serial.len) {
        p = ngx_cpymem(p, ",\"cert\":{\"subject\":\"",
                       sizeof(",\"cert\":{\"subject\":\"") - 1);
        p = ngx_http_sockerless_audit_escape(p, subject.data, subject.len);
        p = ngx_cpymem(p, "\",\"serial\":\"", sizeof("\",\"serial\":\"") - 1);
        p = ngx_http_sockerless_audit_escape(p, serial.data, serial.len);
        p = ngx_cpymem(p, "\"}", 2);
    }

    p = ngx_http_sockerless_audit_field(p, "method", &r->method_name);
    p = ngx_http_sockerless_audit_field(p, "operation", &op);
    p = ngx_http_sockerless_audit_field(p, "api_version", &api);
    p = ngx_http_sockerless_audit_field(p, "object", &object);
    p = ngx_http_sockerless_audit_field(p, "policy", &d->name);

    p = ngx_sprintf(p, ",\"decision\":\"%s\"",
                    ngx_http_sockerless_audit_decisions[d->decision]);

    p = ngx_http_sockerless_audit_field(p, "reason", &reason);

    if (complete) {
        status = r->err_status ? r->err_status : r->headers_out.status;

        ms = (ngx_msec_int_t) ((tp->sec - r->start_sec) * 1000
                               + (tp->msec - r->start_msec));
        ms = ngx_max(ms, 0);

        p = ngx_http_sockerless_audit_field(p, "pulled", &ctx->pulled);

        i = ctx->hijack ? ctx->observe.end : NGX_HTTP_SOCKERLESS_END_NONE;

        p = ngx_sprintf(p, ",\"status\":%ui,\"bytes_in\":%O,"
                        "\"bytes_out\":%O,\"duration_ms\":%M,"
                        "\"hijack\":\"%s\"", status,
                        r->request_length + ctx->observe.stream_in,
                        r->connection->sent, ms,
                        (ctx->hijack && i == NGX_HTTP_SOCKERLESS_END_NONE)
                        ? "error" : ngx_http_sockerless_audit_ends[i]);
    }

    *p++ = '}';
    *p++ = LF;

    n = ngx_write_fd(file->fd, buf, p - buf);

    if (n == p - buf) {
        ngx_http_sockerless_metrics_count(NGX_HTTP_SOCKERLESS_M_AUDIT);
        return;
    }

    err = (n == -1) ? ngx_errno : 0;

    ngx_log_error(NGX_LOG_ERR, r->connection->log, err,
                  "sockerless audit: " ngx_write_fd_n " to \"%V\" failed "
                  "(%z of %uz)", &file->name, n, (size_t) (p - buf));

failed:

    ngx_http_sockerless_metrics_count(NGX_HTTP_SOCKERLESS_M_AUDIT_ERRORS);
}


/* ,"key":"value" */

static u_char *
ngx_http_sockerless_audit_field(u_char *p, const char *key, ngx_str_t *value)
{
    p = ngx_sprintf(p, ",\"%s\":\"", key);
    p = ngx_http_sockerless_audit_escape(p, value->data, value->len);
    *p++ = '"';

    return p;
}


/*
 * A JSON string's content: what is not valid UTF-8 (a path may hold any
 * byte) becomes U+FFFD, so that every line parses.  At most 6 bytes for
 * each byte of "src".
 */

static u_char *
ngx_http_sockerless_audit_escape(u_char *dst, u_char *src, size_t len)
{
    u_char         c, *p, *last;
    uint32_t       u;
    static u_char  hex[] = "0123456789abcdef";

    last = src + len;

    while (src < last) {
        c = *src;

        if (c >= 0x80) {
            p = src;
            u = ngx_utf8_decode(&p, last - src);

            if (u > 0x10ffff || (u >= 0xd800 && u <= 0xdfff)) {
                dst = ngx_cpymem(dst, "\\ufffd", 6);
                src++;
                continue;
            }

            while (src < p) {
                *dst++ = *src++;
            }

            continue;
        }

        src++;

        if (c == '"' || c == '\\') {
            *dst++ = '\\';
            *dst++ = c;

        } else if (c < 0x20 || c == 0x7f) {
            *dst++ = '\\';
            *dst++ = 'u';
            *dst++ = '0';
            *dst++ = '0';
            *dst++ = hex[c >> 4];
            *dst++ = hex[c & 0xf];

        } else {
            *dst++ = c;
        }
    }

    return dst;
}
