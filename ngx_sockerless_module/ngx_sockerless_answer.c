
/*
 * Copyright (C) ngx_sockerless developers
 */


/*
 * How an answer is rewritten as it streams.  yajl's callback parser reads
 * the bytes as they come; the raw bytes not yet passed on are kept from
 * the end of the last whole token, so that a token is rewritten or left
 * whole.  Every byte goes on as it came, but for:
 *
 * - a string at a path a rule names (Config.Env.* of a container's
 *   inspection): written again, "NAME=value" as "NAME=", or as "";
 * - an element of a filtered list (the Containers of a df answer): held
 *   until it ends, then passed on or left out by its labels, with the
 *   commas between the elements passed on written again.
 *
 * Paths are the keys from the top, "*" for any element or member.
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include <yajl/yajl_parse.h>

#include "ngx_sockerless_answer.h"


#define NGX_SOCKERLESS_ANSWER_DEPTH   64
#define NGX_SOCKERLESS_ANSWER_KEY     64

/* how a string is rewritten */
#define NGX_SOCKERLESS_ANSWER_VALUE   1     /* "NAME=value" as "NAME=" */
#define NGX_SOCKERLESS_ANSWER_BLANK   2     /* as "" */


typedef struct {
    ngx_uint_t                     shape;
    ngx_uint_t                     redact;    /* the setting that asks */
    ngx_uint_t                     how;
    const char                    *path;
} ngx_sockerless_answer_rule_t;


typedef struct {
    ngx_uint_t                     shape;
    ngx_uint_t                     narrow;    /* what filters it */
    const char                    *path;      /* of the filtered list */
} ngx_sockerless_answer_list_t;


typedef struct {
    unsigned                       array:1;
    unsigned                       filtered:1;  /* elements decided */
    unsigned                       labels:1;    /* an element's Labels */
    size_t                         key_len;
    u_char                         key[NGX_SOCKERLESS_ANSWER_KEY];
    ngx_uint_t                     kept;        /* elements passed on */
} ngx_sockerless_answer_frame_t;


struct ngx_sockerless_answer_s {
    ngx_sockerless_answer_conf_t   conf;
    yajl_handle                    handle;

    ngx_sockerless_answer_frame_t  stack[NGX_SOCKERLESS_ANSWER_DEPTH];
    ngx_uint_t                     depth;

    /* the raw bytes from "emit" on; "base" is where the chunk starts */
    u_char                        *raw;
    size_t                         raw_size;
    size_t                         raw_abs;     /* raw[0] in the stream */
    size_t                         raw_len;
    size_t                         base;
    size_t                         emit;        /* passed on before it */
    size_t                         safe;        /* the last token's end */

    /* an element held until it ends */
    u_char                        *hold;
    size_t                         hold_size;
    size_t                         hold_len;
    ngx_uint_t                     holding;     /* its depth, or 0 */
    ngx_uint_t                     matched;     /* labels it has */

    ngx_int_t                      rc;
    const char                    *err;
};


static ngx_int_t ngx_sockerless_answer_put(ngx_sockerless_answer_t *a,
    u_char *p, size_t len);
static ngx_int_t ngx_sockerless_answer_emit(ngx_sockerless_answer_t *a,
    size_t end);
static size_t ngx_sockerless_answer_start(ngx_sockerless_answer_t *a);
static size_t ngx_sockerless_answer_end(ngx_sockerless_answer_t *a);
static ngx_uint_t ngx_sockerless_answer_match(ngx_sockerless_answer_t *a,
    const char *path, ngx_uint_t depth);
static int ngx_sockerless_answer_value(ngx_sockerless_answer_t *a);
static int ngx_sockerless_answer_done(ngx_sockerless_answer_t *a);
static int ngx_sockerless_answer_hold(ngx_sockerless_answer_t *a);
static ngx_int_t ngx_sockerless_answer_name(u_char *p, size_t len);
static int ngx_sockerless_answer_push(ngx_sockerless_answer_t *a,
    ngx_uint_t array);
static int ngx_sockerless_answer_pop(void *data);
static int ngx_sockerless_answer_null(void *data);
static int ngx_sockerless_answer_boolean(void *data, int v);
static int ngx_sockerless_answer_number(void *data, const char *s,
    size_t len);
static int ngx_sockerless_answer_string(void *data, const unsigned char *s,
    size_t len);
static int ngx_sockerless_answer_start_map(void *data);
static int ngx_sockerless_answer_map_key(void *data, const unsigned char *s,
    size_t len);
static int ngx_sockerless_answer_start_array(void *data);


static const yajl_callbacks  ngx_sockerless_answer_callbacks = {
    ngx_sockerless_answer_null,
    ngx_sockerless_answer_boolean,
    NULL,
    NULL,
    ngx_sockerless_answer_number,
    ngx_sockerless_answer_string,
    ngx_sockerless_answer_start_map,
    ngx_sockerless_answer_map_key,
    ngx_sockerless_answer_pop,
    ngx_sockerless_answer_start_array,
    ngx_sockerless_answer_pop
};


/* the strings redacted, by the shape of the answer */

static ngx_sockerless_answer_rule_t  ngx_sockerless_answer_rules[] = {

    { NGX_SOCKERLESS_ANSWER_CONTAINER, NGX_SOCKERLESS_REDACT_ENV,
      NGX_SOCKERLESS_ANSWER_VALUE, "Config.Env.*" },
    { NGX_SOCKERLESS_ANSWER_CONTAINER, NGX_SOCKERLESS_REDACT_SECRETS,
      NGX_SOCKERLESS_ANSWER_BLANK,
      "HostConfig.Mounts.*.VolumeOptions.DriverConfig.Options.*" },

    { NGX_SOCKERLESS_ANSWER_SERVICE, NGX_SOCKERLESS_REDACT_ENV,
      NGX_SOCKERLESS_ANSWER_VALUE, "Spec.TaskTemplate.ContainerSpec.Env.*" },
    { NGX_SOCKERLESS_ANSWER_SERVICE, NGX_SOCKERLESS_REDACT_ENV,
      NGX_SOCKERLESS_ANSWER_VALUE,
      "PreviousSpec.TaskTemplate.ContainerSpec.Env.*" },
    { NGX_SOCKERLESS_ANSWER_SERVICES, NGX_SOCKERLESS_REDACT_ENV,
      NGX_SOCKERLESS_ANSWER_VALUE,
      "*.Spec.TaskTemplate.ContainerSpec.Env.*" },
    { NGX_SOCKERLESS_ANSWER_SERVICES, NGX_SOCKERLESS_REDACT_ENV,
      NGX_SOCKERLESS_ANSWER_VALUE,
      "*.PreviousSpec.TaskTemplate.ContainerSpec.Env.*" },

    { NGX_SOCKERLESS_ANSWER_TASK, NGX_SOCKERLESS_REDACT_ENV,
      NGX_SOCKERLESS_ANSWER_VALUE, "Spec.ContainerSpec.Env.*" },
    { NGX_SOCKERLESS_ANSWER_TASKS, NGX_SOCKERLESS_REDACT_ENV,
      NGX_SOCKERLESS_ANSWER_VALUE, "*.Spec.ContainerSpec.Env.*" },

    /* the options of the volumes a service's containers mount */
    { NGX_SOCKERLESS_ANSWER_SERVICE, NGX_SOCKERLESS_REDACT_SECRETS,
      NGX_SOCKERLESS_ANSWER_BLANK,
      "Spec.TaskTemplate.ContainerSpec.Mounts.*.VolumeOptions.DriverConfig"
      ".Options.*" },
    { NGX_SOCKERLESS_ANSWER_SERVICE, NGX_SOCKERLESS_REDACT_SECRETS,
      NGX_SOCKERLESS_ANSWER_BLANK,
      "PreviousSpec.TaskTemplate.ContainerSpec.Mounts.*.VolumeOptions"
      ".DriverConfig.Options.*" },
    { NGX_SOCKERLESS_ANSWER_SERVICES, NGX_SOCKERLESS_REDACT_SECRETS,
      NGX_SOCKERLESS_ANSWER_BLANK,
      "*.Spec.TaskTemplate.ContainerSpec.Mounts.*.VolumeOptions"
      ".DriverConfig.Options.*" },
    { NGX_SOCKERLESS_ANSWER_SERVICES, NGX_SOCKERLESS_REDACT_SECRETS,
      NGX_SOCKERLESS_ANSWER_BLANK,
      "*.PreviousSpec.TaskTemplate.ContainerSpec.Mounts.*.VolumeOptions"
      ".DriverConfig.Options.*" },
    { NGX_SOCKERLESS_ANSWER_TASK, NGX_SOCKERLESS_REDACT_SECRETS,
      NGX_SOCKERLESS_ANSWER_BLANK,
      "Spec.ContainerSpec.Mounts.*.VolumeOptions.DriverConfig.Options.*" },
    { NGX_SOCKERLESS_ANSWER_TASKS, NGX_SOCKERLESS_REDACT_SECRETS,
      NGX_SOCKERLESS_ANSWER_BLANK,
      "*.Spec.ContainerSpec.Mounts.*.VolumeOptions.DriverConfig.Options.*" },

    { NGX_SOCKERLESS_ANSWER_PLUGIN, NGX_SOCKERLESS_REDACT_ENV,
      NGX_SOCKERLESS_ANSWER_VALUE, "Settings.Env.*" },
    { NGX_SOCKERLESS_ANSWER_PLUGINS, NGX_SOCKERLESS_REDACT_ENV,
      NGX_SOCKERLESS_ANSWER_VALUE, "*.Settings.Env.*" },

    /* an exec's command line: its arguments are not told from values */
    { NGX_SOCKERLESS_ANSWER_EXEC, NGX_SOCKERLESS_REDACT_ENV,
      NGX_SOCKERLESS_ANSWER_BLANK, "ProcessConfig.arguments.*" },

    { NGX_SOCKERLESS_ANSWER_VOLUME, NGX_SOCKERLESS_REDACT_SECRETS,
      NGX_SOCKERLESS_ANSWER_BLANK, "Options.*" },
    { NGX_SOCKERLESS_ANSWER_VOLUMES, NGX_SOCKERLESS_REDACT_SECRETS,
      NGX_SOCKERLESS_ANSWER_BLANK, "Volumes.*.Options.*" },
    { NGX_SOCKERLESS_ANSWER_DF, NGX_SOCKERLESS_REDACT_SECRETS,
      NGX_SOCKERLESS_ANSWER_BLANK, "Volumes.*.Options.*" },

    { NGX_SOCKERLESS_ANSWER_CONFIG, NGX_SOCKERLESS_REDACT_SECRETS,
      NGX_SOCKERLESS_ANSWER_BLANK, "Spec.Data" },
    { NGX_SOCKERLESS_ANSWER_CONFIGS, NGX_SOCKERLESS_REDACT_SECRETS,
      NGX_SOCKERLESS_ANSWER_BLANK, "*.Spec.Data" },

    { NGX_SOCKERLESS_ANSWER_SWARM, NGX_SOCKERLESS_REDACT_SECRETS,
      NGX_SOCKERLESS_ANSWER_BLANK, "JoinTokens.*" },

    { 0, 0, 0, NULL }
};


/* the lists whose elements are decided by their labels */

static ngx_sockerless_answer_list_t  ngx_sockerless_answer_lists[] = {
    { NGX_SOCKERLESS_ANSWER_DF,
      NGX_SOCKERLESS_NARROW_OWNER|NGX_SOCKERLESS_NARROW_VISIBLE,
      "Containers" },
    { NGX_SOCKERLESS_ANSWER_DF,
      NGX_SOCKERLESS_NARROW_OWNER|NGX_SOCKERLESS_NARROW_VISIBLE,
      "Volumes" },

    /*
     * a network's containers, by ID: their entries carry no labels, so
     * none is kept (the hidden ones would show, by ID and name).  Not for
     * an owner: only the owner's containers can be put on its networks
     * but by a policy without owner.
     */
    { NGX_SOCKERLESS_ANSWER_NETWORK, NGX_SOCKERLESS_NARROW_VISIBLE,
      "Containers" },
    { 0, 0, NULL }
};


ngx_uint_t
ngx_sockerless_answer_needed(ngx_uint_t shape, ngx_uint_t redact,
    ngx_uint_t narrow)
{
    ngx_sockerless_answer_list_t  *l;
    ngx_sockerless_answer_rule_t  *r;

    for (r = ngx_sockerless_answer_rules; r->path; r++) {
        if (r->shape == shape && (r->redact & redact)) {
            return 1;
        }
    }

    if (narrow == 0) {
        return 0;
    }

    for (l = ngx_sockerless_answer_lists; l->path; l++) {
        if (l->shape == shape && (l->narrow & narrow)) {
            return 1;
        }
    }

    return 0;
}


ngx_sockerless_answer_t *
ngx_sockerless_answer_create(ngx_sockerless_answer_conf_t *conf)
{
    ngx_sockerless_answer_t  *a;

    a = conf->alloc(conf->data, sizeof(ngx_sockerless_answer_t));
    if (a == NULL) {
        return NULL;
    }

    ngx_memzero(a, sizeof(ngx_sockerless_answer_t));

    a->conf = *conf;

    a->handle = yajl_alloc(&ngx_sockerless_answer_callbacks, NULL, a);
    if (a->handle == NULL) {
        return NULL;
    }

    /* dockerd's answers as they are: its bytes are not judged, only read */

    yajl_config(a->handle, yajl_dont_validate_strings, 1);
    yajl_config(a->handle, yajl_allow_multiple_values, 1);

    return a;
}


void
ngx_sockerless_answer_free(ngx_sockerless_answer_t *a)
{
    if (a && a->handle) {
        yajl_free(a->handle);
        a->handle = NULL;
    }
}


ngx_int_t
ngx_sockerless_answer_feed(ngx_sockerless_answer_t *a, u_char *p, size_t len,
    ngx_uint_t last, const char **err)
{
    u_char       *raw;
    size_t        size, keep;
    ngx_int_t     rc;
    yajl_status   st;

    *err = NULL;

    /* the raw bytes kept: from "emit", and this chunk after them */

    keep = a->raw_len - (a->emit - a->raw_abs);

    if (keep > a->conf.max_element) {
        /* a token not yet whole: a string, a key, a number */
        *err = "a value of dockerd's answer is over the limit";
        return NGX_DECLINED;
    }

    if (keep + len > a->raw_size) {
        size = ngx_max(2 * a->raw_size, keep + len);
        size = ngx_max(size, (size_t) 4096);

        raw = a->conf.alloc(a->conf.data, size);
        if (raw == NULL) {
            return NGX_ERROR;
        }

        if (keep) {
            ngx_memcpy(raw, a->raw + (a->emit - a->raw_abs), keep);
        }

        a->raw = raw;
        a->raw_size = size;

    } else if (keep && a->emit > a->raw_abs) {
        ngx_memmove(a->raw, a->raw + (a->emit - a->raw_abs), keep);
    }

    a->raw_abs = a->emit;
    a->raw_len = keep;

    if (len) {
        ngx_memcpy(a->raw + a->raw_len, p, len);
    }

    a->base = a->raw_abs + a->raw_len;
    a->raw_len += len;

    a->rc = NGX_OK;

    st = yajl_status_ok;

    if (len) {
        st = yajl_parse(a->handle, p, len);
    }

    if (st == yajl_status_ok && last) {
        a->base = a->raw_abs + a->raw_len;
        st = yajl_complete_parse(a->handle);
    }

    if (a->rc != NGX_OK) {
        *err = a->err;
        return a->rc;
    }

    if (st != yajl_status_ok) {
        *err = "dockerd's answer is not JSON";
        return NGX_DECLINED;
    }

    /* whole tokens go on (or to the element held): a token waits whole */

    rc = ngx_sockerless_answer_emit(a, a->safe);
    if (rc != NGX_OK) {
        *err = a->err;
        return rc;
    }

    if (last) {
        /* what follows the document: whitespace, a newline */

        if (ngx_sockerless_answer_emit(a, a->raw_abs + a->raw_len)
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/* bytes to the client, or to the element held */

static ngx_int_t
ngx_sockerless_answer_put(ngx_sockerless_answer_t *a, u_char *p, size_t len)
{
    u_char  *hold;
    size_t   size;

    if (len == 0) {
        return NGX_OK;
    }

    if (!a->holding) {
        return a->conf.out(a->conf.out_data, p, len);
    }

    if (a->hold_len + len > a->conf.max_element) {
        a->err = "an element of dockerd's answer is over the limit";
        return NGX_DECLINED;
    }

    if (a->hold_len + len > a->hold_size) {
        size = ngx_max(2 * a->hold_size, a->hold_len + len);
        size = ngx_max(size, (size_t) 4096);

        hold = a->conf.alloc(a->conf.data, size);
        if (hold == NULL) {
            return NGX_ERROR;
        }

        if (a->hold_len) {
            ngx_memcpy(hold, a->hold, a->hold_len);
        }

        a->hold = hold;
        a->hold_size = size;
    }

    ngx_memcpy(a->hold + a->hold_len, p, len);
    a->hold_len += len;

    return NGX_OK;
}


/* the raw bytes up to "end" (a position in the stream) go on */

static ngx_int_t
ngx_sockerless_answer_emit(ngx_sockerless_answer_t *a, size_t end)
{
    ngx_int_t  rc;

    if (end <= a->emit) {
        return NGX_OK;
    }

    rc = ngx_sockerless_answer_put(a, a->raw + (a->emit - a->raw_abs),
                                   end - a->emit);

    a->emit = end;

    return rc;
}


/* where the current token starts: after the separators of the last */

static size_t
ngx_sockerless_answer_start(ngx_sockerless_answer_t *a)
{
    size_t  pos, end;

    end = ngx_sockerless_answer_end(a);

    for (pos = a->safe; pos < end; pos++) {
        switch (a->raw[pos - a->raw_abs]) {
        case ' ': case '\t': case '\r': case '\n': case ':': case ',':
            continue;
        }

        break;
    }

    return pos;
}


/* where the current token ends */

static size_t
ngx_sockerless_answer_end(ngx_sockerless_answer_t *a)
{
    size_t  end;

    end = a->base + yajl_get_bytes_consumed(a->handle);

    /* yajl_complete_parse() reads a space of its own */

    return ngx_min(end, a->raw_abs + a->raw_len);
}


/*
 * The path of the value at "depth" (the stack's frames up to it) against
 * a rule's, "*" for any key or element
 */

static ngx_uint_t
ngx_sockerless_answer_match(ngx_sockerless_answer_t *a, const char *path,
    ngx_uint_t depth)
{
    size_t                          len;
    ngx_uint_t                      i;
    const char                     *dot;
    ngx_sockerless_answer_frame_t  *f;

    for (i = 0; i < depth; i++) {
        if (*path == '\0') {
            return 0;
        }

        dot = ngx_strchr(path, '.');
        len = dot ? (size_t) (dot - path) : ngx_strlen(path);

        f = &a->stack[i];

        if (!(len == 1 && path[0] == '*')
            && (f->array || f->key_len != len
                || ngx_memcmp(f->key, path, len) != 0))
        {
            return 0;
        }

        path += len;

        if (*path == '.') {
            path++;
        }
    }

    return *path == '\0';
}


/*
 * A value begins: the first of an element of a filtered list is held,
 * the commas before it are not passed on (they are written again)
 */

static int
ngx_sockerless_answer_value(ngx_sockerless_answer_t *a)
{
    ngx_sockerless_answer_frame_t  *parent;

    if (a->depth == 0 || a->holding) {
        return 1;
    }

    parent = &a->stack[a->depth - 1];

    if (!parent->array || !parent->filtered) {
        return 1;
    }

    return ngx_sockerless_answer_hold(a);
}


/* the element (or member) that begins with this token is held */

static int
ngx_sockerless_answer_hold(ngx_sockerless_answer_t *a)
{
    size_t  start;

    start = ngx_sockerless_answer_start(a);

    if (ngx_sockerless_answer_emit(a, a->safe) != NGX_OK) {
        a->rc = NGX_ERROR;
        return 0;
    }

    a->emit = start;
    a->holding = a->depth + 1;
    a->hold_len = 0;
    a->matched = 0;

    return 1;
}


/*
 * The raw bytes of a name before its "=" in the raw JSON string token
 * "p" (quotes included): the length of the name, or -1 when the string
 * has no "=".  The first "=" as Go decodes the string: a raw "=" or the
 * escape \u003d; every other escape is part of the name as it came.
 */

static ngx_int_t
ngx_sockerless_answer_name(u_char *p, size_t len)
{
    size_t  i;

    for (i = 1; i + 1 < len; i++) {

        if (p[i] == '=') {
            return i - 1;
        }

        if (p[i] != '\\') {
            continue;
        }

        if (i + 6 < len && p[i + 1] == 'u' && p[i + 2] == '0'
            && p[i + 3] == '0' && p[i + 4] == '3' && (p[i + 5] | 0x20) == 'd')
        {
            return i - 1;
        }

        i += (p[i + 1] == 'u') ? 5 : 1;
    }

    return -1;
}


/* a token ended; an element held may end with it */

static int
ngx_sockerless_answer_done(ngx_sockerless_answer_t *a)
{
    ngx_int_t                       rc;
    ngx_uint_t                      keep;
    ngx_sockerless_answer_frame_t  *parent;

    a->safe = ngx_sockerless_answer_end(a);

    if (!a->holding || a->depth + 1 != a->holding) {
        return 1;
    }

    /* the element held is whole: on, with a comma, or left out */

    rc = ngx_sockerless_answer_emit(a, a->safe);

    parent = &a->stack[a->depth - 1];
    keep = (a->matched == a->conf.nlabels);

    a->holding = 0;

    if (rc == NGX_OK && keep) {
        if (parent->kept++) {
            rc = ngx_sockerless_answer_put(a, (u_char *) ",", 1);
        }

        if (rc == NGX_OK) {
            rc = ngx_sockerless_answer_put(a, a->hold, a->hold_len);
        }
    }

    if (rc != NGX_OK) {
        a->rc = rc;
        return 0;
    }

    return 1;
}


static int
ngx_sockerless_answer_push(ngx_sockerless_answer_t *a, ngx_uint_t array)
{
    ngx_sockerless_answer_list_t   *l;
    ngx_sockerless_answer_frame_t  *f;

    if (!ngx_sockerless_answer_value(a)) {
        return 0;
    }

    if (a->depth == NGX_SOCKERLESS_ANSWER_DEPTH) {
        a->rc = NGX_DECLINED;
        a->err = "dockerd's answer is nested too deeply";
        return 0;
    }

    f = &a->stack[a->depth];
    ngx_memzero(f, sizeof(ngx_sockerless_answer_frame_t));
    f->array = array;

    if (a->conf.narrow) {
        for (l = ngx_sockerless_answer_lists; l->path; l++) {
            if (l->shape == a->conf.shape && (l->narrow & a->conf.narrow)
                && ngx_sockerless_answer_match(a, l->path, a->depth))
            {
                f->filtered = 1;
            }
        }
    }

    /* the Labels of an element held: where its labels are matched */

    if (!array && a->holding && a->depth == a->holding
        && a->stack[a->depth - 1].key_len == 6
        && ngx_memcmp(a->stack[a->depth - 1].key, "Labels", 6) == 0)
    {
        f->labels = 1;
    }

    a->depth++;

    a->safe = ngx_sockerless_answer_end(a);

    return 1;
}


static int
ngx_sockerless_answer_pop(void *data)
{
    ngx_sockerless_answer_t  *a = data;

    a->depth--;

    return ngx_sockerless_answer_done(a);
}


static int
ngx_sockerless_answer_null(void *data)
{
    ngx_sockerless_answer_t  *a = data;

    return ngx_sockerless_answer_value(a) && ngx_sockerless_answer_done(a);
}


static int
ngx_sockerless_answer_boolean(void *data, int v)
{
    ngx_sockerless_answer_t  *a = data;

    return ngx_sockerless_answer_value(a) && ngx_sockerless_answer_done(a);
}


static int
ngx_sockerless_answer_number(void *data, const char *s, size_t len)
{
    ngx_sockerless_answer_t  *a = data;

    return ngx_sockerless_answer_value(a) && ngx_sockerless_answer_done(a);
}


static int
ngx_sockerless_answer_string(void *data, const unsigned char *s, size_t len)
{
    ngx_sockerless_answer_t  *a = data;

    u_char                         *eq;
    size_t                          start, end;
    ngx_int_t                       name;
    ngx_str_t                      *l;
    ngx_uint_t                      i;
    ngx_sockerless_answer_rule_t   *r;
    ngx_sockerless_answer_frame_t  *f;

    if (!ngx_sockerless_answer_value(a)) {
        return 0;
    }

    /* a label of the element held, "key" or "key=value" */

    f = a->depth ? &a->stack[a->depth - 1] : NULL;

    if (f && f->labels && a->depth == a->holding + 1) {
        for (i = 0; i < a->conf.nlabels; i++) {
            l = &a->conf.labels[i];
            eq = ngx_strlchr(l->data, l->data + l->len, '=');

            if (eq == NULL) {
                if (f->key_len == l->len
                    && ngx_memcmp(f->key, l->data, l->len) == 0)
                {
                    a->matched++;
                }

                continue;
            }

            if (f->key_len == (size_t) (eq - l->data)
                && ngx_memcmp(f->key, l->data, f->key_len) == 0
                && len == (size_t) (l->data + l->len - (eq + 1))
                && ngx_memcmp(s, eq + 1, len) == 0)
            {
                a->matched++;
            }
        }
    }

    for (r = ngx_sockerless_answer_rules; r->path; r++) {

        if (r->shape != a->conf.shape || !(r->redact & a->conf.redact)
            || !ngx_sockerless_answer_match(a, r->path, a->depth))
        {
            continue;
        }

        /* the string written again: "NAME=" or "" */

        start = ngx_sockerless_answer_start(a);
        end = ngx_sockerless_answer_end(a);

        name = -1;

        if (r->how == NGX_SOCKERLESS_ANSWER_VALUE) {
            name = ngx_sockerless_answer_name(a->raw + (start - a->raw_abs),
                                              end - start);
            if (name == -1) {
                /* no "=": no value, the string goes as it came */
                break;
            }
        }

        if (ngx_sockerless_answer_emit(a, start) != NGX_OK
            || ngx_sockerless_answer_put(a, (u_char *) "\"", 1) != NGX_OK
            || (name >= 0
                && (ngx_sockerless_answer_put(a,
                                              a->raw + (start - a->raw_abs)
                                              + 1, name)
                    != NGX_OK
                    || ngx_sockerless_answer_put(a, (u_char *) "=", 1)
                       != NGX_OK))
            || ngx_sockerless_answer_put(a, (u_char *) "\"", 1) != NGX_OK)
        {
            a->rc = NGX_ERROR;
            return 0;
        }

        a->emit = ngx_sockerless_answer_end(a);

        break;
    }

    return ngx_sockerless_answer_done(a);
}


static int
ngx_sockerless_answer_start_map(void *data)
{
    return ngx_sockerless_answer_push(data, 0);
}


static int
ngx_sockerless_answer_map_key(void *data, const unsigned char *s, size_t len)
{
    ngx_sockerless_answer_t  *a = data;

    ngx_sockerless_answer_frame_t  *f;

    f = &a->stack[a->depth - 1];

    if (f->filtered && !a->holding && !ngx_sockerless_answer_hold(a)) {
        /* a member of a filtered object is held from its key on */
        return 0;
    }

    if (len > NGX_SOCKERLESS_ANSWER_KEY) {
        /* no rule names a key this long */
        f->key_len = NGX_SOCKERLESS_ANSWER_KEY + 1;

    } else {
        f->key_len = len;
        ngx_memcpy(f->key, s, len);
    }

    a->safe = ngx_sockerless_answer_end(a);

    return 1;
}


static int
ngx_sockerless_answer_start_array(void *data)
{
    return ngx_sockerless_answer_push(data, 1);
}
