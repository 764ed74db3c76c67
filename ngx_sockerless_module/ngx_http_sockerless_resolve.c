
/*
 * Copyright (C) ngx_sockerless developers
 */


/*
 * The stage that has dockerd resolve the names the judge could not decide
 * alone: a network by name, ID or ID prefix (is it the host's?), and with
 * an owner every object a request names (is it the owner's?).  One
 * inspection each, through the module's client, one after the other;
 * each answer goes back to the judge, which writes the name as the full
 * ID it checked.  An exec is its container's: its inspection gives the
 * container, whose inspection gives the owner.  A named volume that a
 * create would make is made first, owned.
 *
 * What never changes for a full ID is kept, per worker: the container of
 * an exec, the owner of a container, a network, a service, a secret or a
 * config, and whether a container or a network has the labels of a
 * policy's "visible" (a bit per policy, for the first 64).  Nothing is
 * kept by name: names are given again to other objects; nor the labels
 * of what an update may label anew.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_sockerless_module.h"
#include "ngx_http_sockerless_client.h"


#define NGX_HTTP_SOCKERLESS_RESOLVE_BUFFER  65536

/* the longest of dockerd's error messages passed on */
#define NGX_HTTP_SOCKERLESS_RESOLVE_MESSAGE 1024

/* the entries a worker keeps, at most */
#define NGX_HTTP_SOCKERLESS_CACHE_SIZE      4096

/* the policies whose "visible" a fact says */
#define NGX_HTTP_SOCKERLESS_CACHE_POLICIES  64

/* what an inspection is for */
#define NGX_HTTP_SOCKERLESS_STEP_INSPECT    0
#define NGX_HTTP_SOCKERLESS_STEP_CONTAINER  1   /* an exec's container */
#define NGX_HTTP_SOCKERLESS_STEP_CREATE     2   /* a volume made owned */


typedef struct {
    ngx_http_request_t            *request;
    ngx_http_sockerless_client_t  *client;
    ngx_http_sockerless_next_pt    next;
    ngx_uint_t                     ref;       /* the one being resolved */
    ngx_uint_t                     step;
    ngx_str_t                      container; /* an exec's */
} ngx_http_sockerless_resolve_t;


/* how dockerd's API inspects an object of each kind: before, after it */

typedef struct {
    ngx_str_t                      path;
    ngx_str_t                      tail;
} ngx_http_sockerless_resolve_path_t;


typedef struct {
    ngx_str_node_t                 sn;        /* crc32 of the ID, the ID */
    ngx_queue_t                    queue;     /* least recently used last */
    ngx_str_t                      value;     /* the container, the owner */
    uint64_t                       known;     /* by policy: seen is said */
    uint64_t                       seen;      /* by policy: visible */
    unsigned                       exec:1;
    unsigned                       owned:1;   /* it has an owner label */
} ngx_http_sockerless_fact_t;


struct ngx_http_sockerless_cache_s {
    ngx_rbtree_t                   tree;
    ngx_rbtree_node_t              sentinel;
    ngx_queue_t                    queue;
    ngx_uint_t                     n;
};


static ngx_int_t ngx_http_sockerless_resolve_ref(
    ngx_http_sockerless_resolve_t *rs);
static ngx_int_t ngx_http_sockerless_resolve_cached(
    ngx_http_sockerless_resolve_t *rs, ngx_sockerless_ref_t *ref);
static ngx_int_t ngx_http_sockerless_resolve_get(
    ngx_http_sockerless_resolve_t *rs, ngx_uint_t kind, ngx_str_t *name);
static ngx_int_t ngx_http_sockerless_resolve_handler(
    ngx_http_sockerless_client_t *c, ngx_int_t rc);
static ngx_int_t ngx_http_sockerless_resolve_answer(
    ngx_http_sockerless_resolve_t *rs, ngx_int_t rc);
static ngx_int_t ngx_http_sockerless_resolve_verdict(
    ngx_http_sockerless_resolve_t *rs, ngx_int_t rc);
static ngx_int_t ngx_http_sockerless_resolve_failed(
    ngx_http_sockerless_resolve_t *rs, const char *what);
static void ngx_http_sockerless_resolve_cleanup(void *data);
static ngx_http_sockerless_fact_t *ngx_http_sockerless_cache_find(
    ngx_http_request_t *r, ngx_str_t *id, ngx_uint_t exec);
static ngx_http_sockerless_fact_t *ngx_http_sockerless_cache_add(
    ngx_http_request_t *r, ngx_str_t *id, ngx_uint_t exec, ngx_str_t *value,
    ngx_uint_t owned);
static uint64_t ngx_http_sockerless_cache_bit(ngx_http_request_t *r,
    ngx_uint_t kind);
static ngx_uint_t ngx_http_sockerless_full_id(ngx_uint_t kind,
    ngx_str_t *name);


static ngx_http_sockerless_resolve_path_t  ngx_http_sockerless_paths[] = {
    { ngx_null_string, ngx_null_string },             /* none */
    { ngx_string("/containers/"), ngx_string("/json") },
    { ngx_string("/exec/"), ngx_string("/json") },
    { ngx_string("/images/"), ngx_string("/json") },
    { ngx_string("/networks/"), ngx_null_string },
    { ngx_string("/volumes/"), ngx_null_string },
    { ngx_string("/services/"), ngx_null_string },
    { ngx_string("/nodes/"), ngx_null_string },
    { ngx_string("/tasks/"), ngx_null_string },
    { ngx_string("/secrets/"), ngx_null_string },
    { ngx_string("/configs/"), ngx_null_string },
    { ngx_string("/plugins/"), ngx_string("/json") }
};


ngx_int_t
ngx_http_sockerless_resolve(ngx_http_request_t *r,
    ngx_http_sockerless_ctx_t *ctx, ngx_http_sockerless_next_pt next)
{
    ngx_http_cleanup_t              *cln;
    ngx_http_sockerless_peer_t       addr;
    ngx_sockerless_judge_t          *j;
    ngx_http_sockerless_resolve_t   *rs;
    ngx_http_sockerless_loc_conf_t  *slcf;

    j = ctx->decision.judge;

    if (j == NULL || j->refs == NULL || j->refs->nelts == 0) {
        return NGX_OK;
    }

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_sockerless_module);

    if (ngx_http_sockerless_client_addr(r, &addr) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rs = ngx_pcalloc(r->pool, sizeof(ngx_http_sockerless_resolve_t));
    if (rs == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rs->request = r;
    rs->next = next;

    rs->client = ngx_http_sockerless_client_create(r->pool,
                                         r->connection->log, &addr,
                                         NGX_HTTP_SOCKERLESS_RESOLVE_BUFFER,
                                         slcf->upstream.connect_timeout);
    if (rs->client == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rs->client->handler = ngx_http_sockerless_resolve_handler;
    rs->client->data = rs;

    cln = ngx_http_cleanup_add(r, 0);
    if (cln == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    cln->handler = ngx_http_sockerless_resolve_cleanup;
    cln->data = rs->client;

    return ngx_http_sockerless_resolve_ref(rs);
}


/*
 * The current reference: from what the worker keeps, or asked of dockerd
 * (NGX_AGAIN); NGX_OK when every reference is resolved.
 */

static ngx_int_t
ngx_http_sockerless_resolve_ref(ngx_http_sockerless_resolve_t *rs)
{
    ngx_int_t                   rc;
    ngx_sockerless_ref_t       *ref;
    ngx_sockerless_judge_t     *j;
    ngx_http_sockerless_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(rs->request, ngx_http_sockerless_module);
    j = ctx->decision.judge;

    for ( /* void */ ; rs->ref < j->refs->nelts; rs->ref++) {
        ref = (ngx_sockerless_ref_t *) j->refs->elts + rs->ref;

        rc = ngx_http_sockerless_resolve_cached(rs, ref);

        if (rc == NGX_DECLINED) {
            rs->step = NGX_HTTP_SOCKERLESS_STEP_INSPECT;
            return ngx_http_sockerless_resolve_get(rs, ref->kind,
                                                   &ref->name);
        }

        if (rc != NGX_OK || ctx->answered) {
            return rc;
        }
    }

    return NGX_OK;
}


/* a reference the worker knows the answer of: NGX_DECLINED if none */

static ngx_int_t
ngx_http_sockerless_resolve_cached(ngx_http_sockerless_resolve_t *rs,
    ngx_sockerless_ref_t *ref)
{
    uint64_t                     bit;
    ngx_str_t                    id;
    ngx_uint_t                   seen;
    ngx_http_sockerless_ctx_t   *ctx;
    ngx_http_sockerless_fact_t  *exec, *fact;

    if (!(ref->checks & NGX_SOCKERLESS_REF_OWNED)
        || (ref->checks & (NGX_SOCKERLESS_REF_NOT_HOST
                           |NGX_SOCKERLESS_REF_CREATE
                           |NGX_SOCKERLESS_REF_CLAIM
                           |NGX_SOCKERLESS_REF_NETWORKS)))
    {
        /*
         * the host's network, a volume to make, a name to take, the
         * networks a container has now: ask
         */
        return NGX_DECLINED;
    }

    if (!ngx_http_sockerless_full_id(ref->kind, &ref->name)) {
        return NGX_DECLINED;
    }

    id = ref->name;

    if (ref->kind == NGX_SOCKERLESS_KIND_EXEC) {
        exec = ngx_http_sockerless_cache_find(rs->request, &id, 1);
        if (exec == NULL) {
            return NGX_DECLINED;
        }

        id = exec->value;
    }

    fact = ngx_http_sockerless_cache_find(rs->request, &id, 0);
    if (fact == NULL) {
        return NGX_DECLINED;
    }

    ctx = ngx_http_get_module_ctx(rs->request, ngx_http_sockerless_module);

    seen = 1;

    if (ctx->decision.judge->rules->visible) {
        bit = ngx_http_sockerless_cache_bit(rs->request, ref->kind);

        if (!(fact->known & bit)) {
            return NGX_DECLINED;
        }

        seen = (fact->seen & bit) ? 1 : 0;
    }

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, rs->request->connection->log, 0,
                   "sockerless resolve: \"%V\" known", &ref->name);

    id = ref->name;

    return ngx_http_sockerless_policy_verdict(rs->request, ctx,
                      ngx_sockerless_judge_owned(ctx->decision.judge, ref,
                                                 fact->owned ? &fact->value
                                                             : NULL,
                                                 seen, &id));
}


/* an inspection of "name", an object of "kind" */

static ngx_int_t
ngx_http_sockerless_resolve_get(ngx_http_sockerless_resolve_t *rs,
    ngx_uint_t kind, ngx_str_t *name)
{
    u_char                              *p;
    size_t                               len;
    ngx_str_t                            target, none = ngx_null_string;
    ngx_http_request_t                  *r;
    ngx_http_sockerless_resolve_path_t  *path;

    r = rs->request;
    path = &ngx_http_sockerless_paths[kind];

    len = path->path.len + name->len + path->tail.len
          + 2 * ngx_escape_uri(NULL, name->data, name->len,
                               NGX_ESCAPE_URI_COMPONENT);

    target.data = ngx_pnalloc(r->pool, len);
    if (target.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_cpymem(target.data, path->path.data, path->path.len);
    p = (u_char *) ngx_escape_uri(p, name->data, name->len,
                                  NGX_ESCAPE_URI_COMPONENT);
    p = ngx_cpymem(p, path->tail.data, path->tail.len);

    target.len = p - target.data;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "sockerless resolve: \"%V\"", &target);

    if (ngx_http_sockerless_client_request(rs->client, "GET", &target, &none,
                                           NULL)
        != NGX_OK)
    {
        return ngx_http_sockerless_resolve_failed(rs, "resolve");
    }

    return NGX_AGAIN;
}


static ngx_int_t
ngx_http_sockerless_resolve_handler(ngx_http_sockerless_client_t *c,
    ngx_int_t rc)
{
    ngx_http_sockerless_resolve_t  *rs = c->data;

    if (rc == NGX_AGAIN) {
        /* the answer is read whole */
        return NGX_OK;
    }

    rc = ngx_http_sockerless_resolve_answer(rs, rc);

    if (rc != NGX_AGAIN) {
        rs->next(rs->request, rc);
    }

    return NGX_DONE;
}


/* dockerd's answer; NGX_AGAIN: the next question is asked */

static ngx_int_t
ngx_http_sockerless_resolve_answer(ngx_http_sockerless_resolve_t *rs,
    ngx_int_t rc)
{
    ngx_str_t                      id, body, none = ngx_null_string;
    ngx_str_t                      target = ngx_string("/volumes/create");
    uint64_t                       bit;
    ngx_str_t                     *owner;
    const char                    *err;
    ngx_buf_t                     *b;
    ngx_http_sockerless_fact_t    *fact;
    ngx_http_request_t            *r;
    ngx_sockerless_jv_t           *answer, *v;
    ngx_sockerless_ref_t          *ref;
    ngx_sockerless_judge_t        *j;
    ngx_http_sockerless_ctx_t     *ctx;
    ngx_http_sockerless_client_t  *c;

    r = rs->request;
    c = rs->client;
    ctx = ngx_http_get_module_ctx(r, ngx_http_sockerless_module);
    j = ctx->decision.judge;
    ref = (ngx_sockerless_ref_t *) j->refs->elts + rs->ref;
    b = c->in;

    if (rc != NGX_OK) {
        return ngx_http_sockerless_resolve_failed(rs, "resolve");
    }

    if (rs->step == NGX_HTTP_SOCKERLESS_STEP_CREATE) {
        if (c->status != NGX_HTTP_CREATED && c->status != NGX_HTTP_OK) {
            return ngx_http_sockerless_resolve_failed(rs, "make");
        }

        rs->ref++;
        return ngx_http_sockerless_resolve_verdict(rs, NGX_OK);
    }

    answer = NULL;

    if (c->status == NGX_HTTP_OK && !c->truncated) {
        answer = ngx_sockerless_json_parse(b->pos, b->last - b->pos,
                                           ngx_http_sockerless_palloc,
                                           r->pool, &err);
        if (answer == NULL) {
            return ngx_http_sockerless_resolve_failed(rs, "read");
        }

    } else if (c->status != NGX_HTTP_NOT_FOUND) {
        return ngx_http_sockerless_resolve_failed(rs, "resolve");
    }

    if (ref->kind == NGX_SOCKERLESS_KIND_EXEC
        && rs->step == NGX_HTTP_SOCKERLESS_STEP_INSPECT
        && (ref->checks & NGX_SOCKERLESS_REF_OWNED))
    {
        if (answer == NULL) {
            /* no such exec: dockerd says so */
            rs->ref++;
            return ngx_http_sockerless_resolve_verdict(rs, NGX_OK);
        }

        /* an exec is its container's */

        v = ngx_sockerless_json_get(answer, "ContainerID");

        if (v == NULL || v->type != NGX_SOCKERLESS_JSON_STRING) {
            return ngx_http_sockerless_resolve_failed(rs, "read");
        }

        rs->container = v->str;
        ngx_http_sockerless_cache_add(r, &ref->name, 1, &v->str, 0);

        rs->step = NGX_HTTP_SOCKERLESS_STEP_CONTAINER;

        return ngx_http_sockerless_resolve_get(rs,
                                               NGX_SOCKERLESS_KIND_CONTAINER,
                                               &rs->container);
    }

    rc = ngx_sockerless_judge_answer(j, ref, answer, &id);

    /* the judge may have added references: its array may have moved */
    ref = (ngx_sockerless_ref_t *) j->refs->elts + rs->ref;

    if (rc == NGX_DONE) {

        /* a named volume dockerd would make: made now, owned */

        if (ngx_sockerless_judge_create_body(j, ref, &body) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        rs->step = NGX_HTTP_SOCKERLESS_STEP_CREATE;

        if (ngx_http_sockerless_client_request(c, "POST", &target, &none,
                                               &body)
            != NGX_OK)
        {
            return ngx_http_sockerless_resolve_failed(rs, "make");
        }

        return NGX_AGAIN;
    }

    if (rc == NGX_OK && answer && (ref->checks & NGX_SOCKERLESS_REF_OWNED)
        && ref->kind != NGX_SOCKERLESS_KIND_VOLUME)
    {
        /* what the owner of this full ID is does not change */

        owner = ngx_sockerless_judge_owner_of(j, ref->kind, answer);

        if (ref->kind == NGX_SOCKERLESS_KIND_EXEC) {
            id = rs->container;
        }

        fact = ngx_http_sockerless_cache_add(r, &id, 0,
                                             owner ? owner : &none,
                                             owner != NULL);

        bit = ngx_http_sockerless_cache_bit(r, ref->kind);

        if (fact && bit && j->rules->visible) {
            fact->known |= bit;

            if (ngx_sockerless_judge_visible(j, ref->kind, answer)) {
                fact->seen |= bit;
            }
        }
    }

    rs->ref++;

    return ngx_http_sockerless_resolve_verdict(rs, rc);
}


/* the judge's verdict on a reference, then the next one */

static ngx_int_t
ngx_http_sockerless_resolve_verdict(ngx_http_sockerless_resolve_t *rs,
    ngx_int_t rc)
{
    ngx_http_sockerless_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(rs->request, ngx_http_sockerless_module);

    rc = ngx_http_sockerless_policy_verdict(rs->request, ctx, rc);

    if (rc != NGX_OK || ctx->answered) {
        return rc;
    }

    return ngx_http_sockerless_resolve_ref(rs);
}


static ngx_int_t
ngx_http_sockerless_resolve_failed(ngx_http_sockerless_resolve_t *rs,
    const char *what)
{
    u_char                        *buf;
    size_t                         size;
    ngx_buf_t                     *b;
    ngx_str_t                      msg;
    ngx_sockerless_ref_t          *ref;
    ngx_http_sockerless_ctx_t     *ctx;
    ngx_http_sockerless_client_t  *c;

    c = rs->client;
    ctx = ngx_http_get_module_ctx(rs->request, ngx_http_sockerless_module);
    ref = (ngx_sockerless_ref_t *) ctx->decision.judge->refs->elts + rs->ref;

    /*
     * dockerd refused the inspection with its own error (an ID prefix
     * that several objects share: 500 "multiple IDs found with provided
     * prefix"): the request itself would get the same, so it gets it
     */

    if (c->message.len == 0 && !c->truncated
        && c->status >= NGX_HTTP_BAD_REQUEST
        && c->status < 600)
    {
        b = c->in;
        size = NGX_HTTP_SOCKERLESS_RESOLVE_MESSAGE;

        buf = ngx_pnalloc(rs->request->pool, size);
        if (buf == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (b && ngx_sockerless_json_string(b->pos, b->last - b->pos,
                                            "message", NULL, buf, size, &msg)
                 == NGX_OK
            && msg.len)
        {
            return ngx_http_sockerless_send_error(rs->request, c->status,
                                                  "%V", &msg);
        }
    }

    if (c->message.len) {
        return ngx_http_sockerless_send_error(rs->request,
                                              NGX_HTTP_BAD_GATEWAY,
                                              "%V to %s %s %V",
                                              &c->message, what,
                                              ngx_sockerless_kind_name(
                                                  ref->kind),
                                              &ref->name);
    }

    return ngx_http_sockerless_send_error(rs->request, NGX_HTTP_BAD_GATEWAY,
                                          "the Docker daemon answered %ui%s "
                                          "when asked to %s %s %V",
                                          c->status,
                                          c->truncated ? " (too long)" : "",
                                          what,
                                          ngx_sockerless_kind_name(ref->kind),
                                          &ref->name);
}


static void
ngx_http_sockerless_resolve_cleanup(void *data)
{
    ngx_http_sockerless_client_t  *c = data;

    c->handler = NULL;
    ngx_http_sockerless_client_close(c);
}



/* what the worker keeps */

static ngx_http_sockerless_cache_t *
ngx_http_sockerless_cache(ngx_http_request_t *r)
{
    ngx_http_sockerless_cache_t      *cache;
    ngx_http_sockerless_main_conf_t  *smcf;

    smcf = ngx_http_get_module_main_conf(r, ngx_http_sockerless_module);

    if (smcf->cache) {
        return smcf->cache;
    }

    /* made in the worker, on first use: each worker has its own */

    cache = ngx_pcalloc(ngx_cycle->pool, sizeof(ngx_http_sockerless_cache_t));
    if (cache == NULL) {
        return NULL;
    }

    ngx_rbtree_init(&cache->tree, &cache->sentinel,
                    ngx_str_rbtree_insert_value);
    ngx_queue_init(&cache->queue);

    smcf->cache = cache;

    return cache;
}


static ngx_http_sockerless_fact_t *
ngx_http_sockerless_cache_find(ngx_http_request_t *r, ngx_str_t *id,
    ngx_uint_t exec)
{
    uint32_t                      hash;
    ngx_str_node_t               *sn;
    ngx_http_sockerless_fact_t   *fact;
    ngx_http_sockerless_cache_t  *cache;

    cache = ngx_http_sockerless_cache(r);
    if (cache == NULL) {
        return NULL;
    }

    hash = ngx_crc32_short(id->data, id->len) ^ exec;

    sn = ngx_str_rbtree_lookup(&cache->tree, id, hash);
    if (sn == NULL) {
        return NULL;
    }

    fact = (ngx_http_sockerless_fact_t *) sn;

    ngx_queue_remove(&fact->queue);
    ngx_queue_insert_head(&cache->queue, &fact->queue);

    return fact;
}


static ngx_http_sockerless_fact_t *
ngx_http_sockerless_cache_add(ngx_http_request_t *r, ngx_str_t *id,
    ngx_uint_t exec, ngx_str_t *value, ngx_uint_t owned)
{
    u_char                       *p;
    ngx_queue_t                  *q;
    ngx_http_sockerless_fact_t   *fact;
    ngx_http_sockerless_cache_t  *cache;

    fact = ngx_http_sockerless_cache_find(r, id, exec);
    if (fact) {
        return fact;
    }

    cache = ngx_http_sockerless_cache(r);
    if (cache == NULL) {
        return NULL;
    }

    if (cache->n == NGX_HTTP_SOCKERLESS_CACHE_SIZE) {
        q = ngx_queue_last(&cache->queue);
        fact = ngx_queue_data(q, ngx_http_sockerless_fact_t, queue);

        ngx_queue_remove(q);
        ngx_rbtree_delete(&cache->tree, &fact->sn.node);
        ngx_free(fact);

        cache->n--;
    }

    fact = ngx_alloc(sizeof(ngx_http_sockerless_fact_t) + id->len
                     + value->len, r->connection->log);
    if (fact == NULL) {
        return NULL;
    }

    p = (u_char *) (fact + 1);

    fact->sn.str.data = p;
    fact->sn.str.len = id->len;
    p = ngx_cpymem(p, id->data, id->len);

    fact->value.data = p;
    fact->value.len = value->len;
    ngx_memcpy(p, value->data, value->len);

    fact->known = 0;
    fact->seen = 0;
    fact->exec = exec;
    fact->owned = owned;

    fact->sn.node.key = ngx_crc32_short(id->data, id->len) ^ exec;

    ngx_rbtree_insert(&cache->tree, &fact->sn.node);
    ngx_queue_insert_head(&cache->queue, &fact->queue);

    cache->n++;

    return fact;
}


/*
 * The bit of the request's policy in what a fact says of "visible": 0
 * when the policy is not one of the first 64, or the labels of objects of
 * this kind may change (an update of a service, a secret, a config)
 */

static uint64_t
ngx_http_sockerless_cache_bit(ngx_http_request_t *r, ngx_uint_t kind)
{
    ngx_uint_t                        n;
    ngx_http_sockerless_ctx_t        *ctx;
    ngx_http_sockerless_main_conf_t  *smcf;

    if (kind != NGX_SOCKERLESS_KIND_CONTAINER
        && kind != NGX_SOCKERLESS_KIND_EXEC
        && kind != NGX_SOCKERLESS_KIND_NETWORK)
    {
        return 0;
    }

    ctx = ngx_http_get_module_ctx(r, ngx_http_sockerless_module);
    smcf = ngx_http_get_module_main_conf(r, ngx_http_sockerless_module);

    n = ctx->decision.policy
        - (ngx_http_sockerless_policy_t *) smcf->policies->elts;

    if (n >= NGX_HTTP_SOCKERLESS_CACHE_POLICIES) {
        return 0;
    }

    return (uint64_t) 1 << n;
}


/* a name that is the full ID of an object of its kind */

static ngx_uint_t
ngx_http_sockerless_full_id(ngx_uint_t kind, ngx_str_t *name)
{
    ngx_uint_t  i;

    switch (kind) {

    case NGX_SOCKERLESS_KIND_CONTAINER:
    case NGX_SOCKERLESS_KIND_EXEC:
    case NGX_SOCKERLESS_KIND_NETWORK:

        if (name->len != 64) {
            return 0;
        }

        for (i = 0; i < 64; i++) {
            if (ngx_sockerless_hex(name->data[i]) < 0
                || (name->data[i] >= 'A' && name->data[i] <= 'F'))
            {
                return 0;
            }
        }

        return 1;

    default:
        /* volumes are names; swarm IDs are not told from names here */
        return 0;
    }
}
