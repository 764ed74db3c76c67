
/*
 * Copyright (C) ngx_sockerless developers
 */


/*
 * Unit tests of the answers rewritten as they stream
 * (ngx_sockerless_answer.c), in TAP:
 *
 *     answer_test
 *
 * Each case is one of dockerd's answers, what a policy redacts and the
 * labels a list's elements must have, and the bytes the client must get:
 * fed whole, a byte at a time and in chunks of 7, the answer is the same.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include "ngx_sockerless_answer.h"

#include "tap.h"
#include "arena.h"


typedef struct {
    char                   *what;
    ngx_uint_t              shape;
    ngx_uint_t              redact;
    char                   *labels;      /* one "key=value" or NULL */
    char                   *in;
    char                   *out;         /* NULL: refused */
} t_case_t;


typedef struct {
    u_char                  buf[8192];
    size_t                  len;
} t_out_t;


static ngx_int_t t_out(void *data, u_char *p, size_t len);
static ngx_int_t t_run(t_case_t *c, size_t chunk, t_out_t *out);
static void t_bounded(void);


static t_case_t  t_cases[] = {

    { "a network's containers, under labels: none", 
      NGX_SOCKERLESS_ANSWER_NETWORK, 0, "team=red",
      "{\"Name\":\"n\",\"Containers\":{\"aa\":{\"Name\":\"x\"}, "
      "\"bb\":{\"Name\":\"y\",\"Labels\":{\"team\":\"red\"}}},"
      "\"Labels\":{\"team\":\"red\"},\"Options\":{}}",
      "{\"Name\":\"n\",\"Containers\":{\"bb\":{\"Name\":\"y\","
      "\"Labels\":{\"team\":\"red\"}}},"
      "\"Labels\":{\"team\":\"red\"},\"Options\":{}}" },

    { "a network's containers: empty stays empty",
      NGX_SOCKERLESS_ANSWER_NETWORK, 0, "team=red",
      "{\"Containers\":{},\"Id\":\"i\"}",
      "{\"Containers\":{},\"Id\":\"i\"}" },

    { "a network, no labels: untouched", NGX_SOCKERLESS_ANSWER_NETWORK, 0,
      NULL,
      "{\"Containers\":{\"aa\":{\"Name\":\"x\"}}}",
      "{\"Containers\":{\"aa\":{\"Name\":\"x\"}}}" },

    { "no rule: byte for byte", NGX_SOCKERLESS_ANSWER_CONTAINER, 0, NULL,
      "{\"Id\":\"x\", \"Config\":{\"Env\":[\"A=1\"]},\"N\":1.50e3}",
      "{\"Id\":\"x\", \"Config\":{\"Env\":[\"A=1\"]},\"N\":1.50e3}" },

    { "env values", NGX_SOCKERLESS_ANSWER_CONTAINER,
      NGX_SOCKERLESS_REDACT_ENV, NULL,
      "{\"Id\":\"x\",\"Config\":{\"Env\":[\"DB_PASSWORD=hunter2\", "
      "\"PATH=/bin\",\"EMPTY=\",\"NOVALUE\"],\"Labels\":{\"Env\":\"k=v\"}},"
      "\"Size\":12345678901234567890}",
      "{\"Id\":\"x\",\"Config\":{\"Env\":[\"DB_PASSWORD=\", "
      "\"PATH=\",\"EMPTY=\",\"NOVALUE\"],\"Labels\":{\"Env\":\"k=v\"}},"
      "\"Size\":12345678901234567890}" },

    { "an escaped = is no name's end", NGX_SOCKERLESS_ANSWER_CONTAINER,
      NGX_SOCKERLESS_REDACT_ENV, NULL,
      "{\"Config\":{\"Env\":[\"A\\u003dsecret=x\",\"B\\n=y\"]}}",
      "{\"Config\":{\"Env\":[\"A=\",\"B\\n=\"]}}" },

    { "names as they came, no value as it came",
      NGX_SOCKERLESS_ANSWER_CONTAINER, NGX_SOCKERLESS_REDACT_ENV, NULL,
      "{\"Config\":{\"Env\":[\"=x\",\"C\\u00e9\\n\",\"\\u0044=\\u003d\"]}}",
      "{\"Config\":{\"Env\":[\"=\",\"C\\u00e9\\n\",\"\\u0044=\"]}}" },

    { "env, not secrets", NGX_SOCKERLESS_ANSWER_CONTAINER,
      NGX_SOCKERLESS_REDACT_SECRETS, NULL,
      "{\"Config\":{\"Env\":[\"A=1\"]}}",
      "{\"Config\":{\"Env\":[\"A=1\"]}}" },

    { "a service list", NGX_SOCKERLESS_ANSWER_SERVICES,
      NGX_SOCKERLESS_REDACT_ENV, NULL,
      "[{\"Spec\":{\"TaskTemplate\":{\"ContainerSpec\":{\"Env\":[\"T=s\"]}}}},"
      " {\"Spec\":{\"Name\":\"b\"}}]",
      "[{\"Spec\":{\"TaskTemplate\":{\"ContainerSpec\":{\"Env\":[\"T=\"]}}}},"
      " {\"Spec\":{\"Name\":\"b\"}}]" },

    { "volume options", NGX_SOCKERLESS_ANSWER_VOLUMES,
      NGX_SOCKERLESS_REDACT_SECRETS, NULL,
      "{\"Volumes\":[{\"Name\":\"v\",\"Options\":{\"o\":\"password=s3\","
      "\"type\":\"cifs\"}}],\"Warnings\":null}",
      "{\"Volumes\":[{\"Name\":\"v\",\"Options\":{\"o\":\"\","
      "\"type\":\"\"}}],\"Warnings\":null}" },

    { "config data", NGX_SOCKERLESS_ANSWER_CONFIG,
      NGX_SOCKERLESS_REDACT_SECRETS, NULL,
      "{\"ID\":\"c\",\"Spec\":{\"Name\":\"c\",\"Data\":\"c2VjcmV0\"}}",
      "{\"ID\":\"c\",\"Spec\":{\"Name\":\"c\",\"Data\":\"\"}}" },

    { "exec arguments", NGX_SOCKERLESS_ANSWER_EXEC,
      NGX_SOCKERLESS_REDACT_ENV, NULL,
      "{\"ProcessConfig\":{\"entrypoint\":\"sh\",\"arguments\":[\"-c\","
      "\"echo $TOKEN\"]}}",
      "{\"ProcessConfig\":{\"entrypoint\":\"sh\",\"arguments\":[\"\","
      "\"\"]}}" },

    { "df: the owner's containers and volumes",
      NGX_SOCKERLESS_ANSWER_DF, 0, "io.sockerless.owner=alice",
      "{\"LayersSize\":1,\"Images\":[{\"Id\":\"i\"}],"
      "\"Containers\":[{\"Id\":\"b\",\"Labels\":{\"io.sockerless.owner\":"
      "\"bob\"}}, {\"Id\":\"a\",\"Labels\":{\"io.sockerless.owner\":"
      "\"alice\"}}, {\"Id\":\"n\",\"Labels\":{}}, {\"Id\":\"a2\",\"Labels\":"
      "{\"x\":\"y\",\"io.sockerless.owner\":\"alice\"}}],"
      "\"Volumes\":[{\"Name\":\"v\",\"Labels\":null}],\"BuildCache\":[]}",
      "{\"LayersSize\":1,\"Images\":[{\"Id\":\"i\"}],"
      "\"Containers\":[{\"Id\":\"a\",\"Labels\":{\"io.sockerless.owner\":"
      "\"alice\"}},{\"Id\":\"a2\",\"Labels\":"
      "{\"x\":\"y\",\"io.sockerless.owner\":\"alice\"}}],"
      "\"Volumes\":[],\"BuildCache\":[]}" },

    { "df: an owner label in a nested map is not the element's",
      NGX_SOCKERLESS_ANSWER_DF, 0, "io.sockerless.owner=alice",
      "{\"Containers\":[{\"Id\":\"b\",\"Mounts\":[{\"Labels\":"
      "{\"io.sockerless.owner\":\"alice\"}}]}]}",
      "{\"Containers\":[]}" },

    { "df with redaction inside a kept element",
      NGX_SOCKERLESS_ANSWER_DF, NGX_SOCKERLESS_REDACT_SECRETS,
      "io.sockerless.owner=alice",
      "{\"Volumes\":[{\"Name\":\"v\",\"Labels\":{\"io.sockerless.owner\":"
      "\"alice\"},\"Options\":{\"o\":\"pw\"}}]}",
      "{\"Volumes\":[{\"Name\":\"v\",\"Labels\":{\"io.sockerless.owner\":"
      "\"alice\"},\"Options\":{\"o\":\"\"}}]}" },

    { "not JSON", NGX_SOCKERLESS_ANSWER_CONTAINER,
      NGX_SOCKERLESS_REDACT_ENV, NULL,
      "{\"Config\":{\"Env\":[\"A=1\"", NULL },

    { NULL, 0, 0, NULL, NULL, NULL }
};


int
main(void)
{
    size_t       chunks[] = { 0, 1, 7 };
    ngx_int_t    rc;
    ngx_uint_t   i;
    t_out_t      out;
    t_case_t    *c;

    for (c = t_cases; c->what; c++) {
        for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
            rc = t_run(c, chunks[i], &out);

            if (c->out == NULL) {
                t_ok(rc == NGX_DECLINED, "%s (chunks of %d): refused",
                     c->what, (int) chunks[i]);
                continue;
            }

            t_ok(rc == NGX_OK && out.len == ngx_strlen(c->out)
                 && ngx_memcmp(out.buf, c->out, out.len) == 0,
                 "%s (chunks of %d): %.*s", c->what, (int) chunks[i],
                 (int) out.len, out.buf);
        }
    }

    t_ok(ngx_sockerless_answer_needed(NGX_SOCKERLESS_ANSWER_CONTAINER,
                                      NGX_SOCKERLESS_REDACT_ENV, 0),
         "a container's inspection is rewritten for env");
    t_ok(!ngx_sockerless_answer_needed(NGX_SOCKERLESS_ANSWER_CONTAINERS,
                                       NGX_SOCKERLESS_REDACT_ENV, 0),
         "a container list has no env: passed untouched");
    t_ok(!ngx_sockerless_answer_needed(NGX_SOCKERLESS_ANSWER_DF, 0, 0),
         "df without labels: untouched");
    t_ok(!ngx_sockerless_answer_needed(NGX_SOCKERLESS_ANSWER_NETWORK, 0,
                                       NGX_SOCKERLESS_NARROW_OWNER),
         "a network under an owner: untouched");
    t_ok(ngx_sockerless_answer_needed(NGX_SOCKERLESS_ANSWER_NETWORK, 0,
                                      NGX_SOCKERLESS_NARROW_VISIBLE),
         "a network under visible: its containers left out");

    t_bounded();

    return t_done();
}


static ngx_int_t
t_run(t_case_t *c, size_t chunk, t_out_t *out)
{
    u_char                        *p, *last, *copy;
    size_t                         n;
    ngx_int_t                      rc;
    ngx_str_t                      label;
    const char                    *err;
    ngx_sockerless_answer_t       *a;
    ngx_sockerless_answer_conf_t   conf;

    out->len = 0;

    ngx_memzero(&conf, sizeof(ngx_sockerless_answer_conf_t));

    conf.shape = c->shape;
    conf.redact = c->redact;
    conf.max_element = 65536;
    conf.alloc = t_arena_alloc;
    conf.out = t_out;
    conf.out_data = out;

    if (c->labels) {
        label.data = (u_char *) c->labels;
        label.len = ngx_strlen(c->labels);
        conf.labels = &label;
        conf.nlabels = 1;
        conf.narrow = NGX_SOCKERLESS_NARROW_OWNER
                      |NGX_SOCKERLESS_NARROW_VISIBLE;
    }

    a = ngx_sockerless_answer_create(&conf);
    if (a == NULL) {
        t_arena_free();
        return NGX_ERROR;
    }

    p = (u_char *) c->in;
    last = p + ngx_strlen(c->in);
    rc = NGX_OK;

    while (p < last && rc == NGX_OK) {
        n = chunk ? ngx_min(chunk, (size_t) (last - p)) : (size_t) (last - p);

        /* each chunk in a buffer of its own size: the sanitizers watch */

        copy = t_arena_alloc(NULL, n);
        ngx_memcpy(copy, p, n);
        rc = ngx_sockerless_answer_feed(a, copy, n, 0, &err);
        p += n;
    }

    if (rc == NGX_OK) {
        rc = ngx_sockerless_answer_feed(a, NULL, 0, 1, &err);
    }

    ngx_sockerless_answer_free(a);
    t_arena_free();

    return rc;
}


/* a list of 1,000 elements held one at a time: memory by one element */

static void
t_bounded(void)
{
    size_t                         total;
    ngx_int_t                      rc;
    ngx_str_t                      label = ngx_string("k=v");
    ngx_uint_t                     i;
    const char                    *err;
    t_out_t                        out;
    ngx_sockerless_answer_t       *a;
    ngx_sockerless_answer_conf_t   conf;

    static char  head[] = "{\"Containers\":[";
    static char  elem[] = "{\"Id\":\"0123456789abcdef\",\"Labels\":"
                          "{\"k\":\"w\"},\"Pad\":\"....................\"},";

    ngx_memzero(&conf, sizeof(ngx_sockerless_answer_conf_t));

    conf.shape = NGX_SOCKERLESS_ANSWER_DF;
    conf.labels = &label;
    conf.nlabels = 1;
    conf.narrow = NGX_SOCKERLESS_NARROW_OWNER;
    conf.max_element = 4096;
    conf.alloc = t_arena_alloc;
    conf.out = t_out;
    conf.out_data = &out;

    out.len = 0;

    a = ngx_sockerless_answer_create(&conf);

    rc = ngx_sockerless_answer_feed(a, (u_char *) head, sizeof(head) - 1, 0,
                                    &err);

    for (i = 0; i < 1000 && rc == NGX_OK; i++) {
        rc = ngx_sockerless_answer_feed(a, (u_char *) elem, sizeof(elem) - 1,
                                        0, &err);
    }

    total = t_arena_total;

    ngx_sockerless_answer_free(a);
    t_arena_free();

    t_ok(rc == NGX_OK && out.len == sizeof(head) - 1 && total < 65536,
         "1,000 elements left out, %lu bytes of memory in all",
         (unsigned long) total);
}


static ngx_int_t
t_out(void *data, u_char *p, size_t len)
{
    t_out_t  *out = data;

    if (out->len + len > sizeof(out->buf)) {
        return NGX_ERROR;
    }

    ngx_memcpy(out->buf + out->len, p, len);
    out->len += len;

    return NGX_OK;
}
