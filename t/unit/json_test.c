
/*
 * Copyright (C) ngx_sockerless developers
 */


/*
 * Unit tests of the JSON member reader (ngx_sockerless_json.c), in TAP.
 *
 *     json_test
 *
 * The reader must see the member that dockerd's Go decoder
 * (encoding/json) sees: keys fold like strings.EqualFold (U+017F and
 * U+212A included, nothing else outside ASCII), the last duplicate wins,
 * null leaves an earlier value, a value of another type is no string.
 * Every input is copied into a buffer of exactly its size, so that the
 * sanitizers see any overrun.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include "ngx_sockerless_json.h"

#include "tap.h"


#define T_OK            NGX_OK
#define T_DECLINED      NGX_DECLINED
#define T_ERROR         NGX_ERROR
#define T_NOT_OK        1000        /* NGX_DECLINED or NGX_ERROR */


typedef struct {
    char                   *json;
    size_t                  len;         /* 0: strlen(json) */
    char                   *key;
    char                   *sub;
    ngx_int_t               rc;
    char                   *value;       /* for NGX_OK */
    char                   *what;
} t_json_case_t;


typedef struct {
    char                   *key;
    size_t                  len;         /* 0: strlen(key) */
    char                   *name;
    ngx_uint_t              match;
    char                   *what;
} t_key_case_t;


static const char *t_rc(ngx_int_t rc);
static const char *t_printable(ngx_str_t *s);
static void t_json(void);
static void t_keys(void);
static void t_cut(void);


static t_json_case_t  t_json_cases[] = {

    /* plain */

    { "{\"Image\":\"busybox\"}", 0, "Image", NULL,
      T_OK, "busybox", "plain member" },
    { "  {\"Image\" : \"busybox\" }\n", 0, "Image", NULL,
      T_OK, "busybox", "whitespace around" },
    { "{\"Cmd\":[\"sh\"],\"Image\":\"a:1\",\"Env\":[]}", 0, "Image", NULL,
      T_OK, "a:1", "among other members" },
    { "{\"Image\":\"\"}", 0, "Image", NULL,
      T_OK, "", "empty string" },
    { "{}", 0, "Image", NULL,
      T_DECLINED, NULL, "empty object" },
    { "{\"Cmd\":\"Image\"}", 0, "Image", NULL,
      T_DECLINED, NULL, "the name as a value is no key" },

    /* Go's case-insensitive keys */

    { "{\"image\":\"a\"}", 0, "Image", NULL,
      T_OK, "a", "lower-case key" },
    { "{\"IMAGE\":\"a\"}", 0, "Image", NULL,
      T_OK, "a", "upper-case key" },
    { "{\"iMaGe\":\"a\"}", 0, "Image", NULL,
      T_OK, "a", "mixed-case key" },
    { "{\"Imag\":\"a\"}", 0, "Image", NULL,
      T_DECLINED, NULL, "a prefix of the key" },
    { "{\"Images\":\"a\"}", 0, "Image", NULL,
      T_DECLINED, NULL, "the key and more" },
    { "{\"Image \":\"a\"}", 0, "Image", NULL,
      T_DECLINED, NULL, "the key and a space" },
    { "{\"\\u0049mage\":\"a\"}", 0, "Image", NULL,
      T_OK, "a", "escaped key \\u0049mage" },
    { "{\"\\u0130mage\":\"a\"}", 0, "Image", NULL,
      T_DECLINED, NULL, "U+0130 does not fold to i in Go" },
    { "{\"\\u0131mage\":\"a\"}", 0, "Image", NULL,
      T_DECLINED, NULL, "U+0131 does not fold to i in Go" },
    { "{\"\xc4\xb1mage\":\"a\"}", 0, "Image", NULL,
      T_DECLINED, NULL, "raw U+0131 does not fold to i" },
    { "{\"me\\u017fsage\":\"m\"}", 0, "message", NULL,
      T_OK, "m", "escaped U+017F folds to s" },
    { "{\"ME\xc5\xbfSAGE\":\"m\"}", 0, "message", NULL,
      T_OK, "m", "raw U+017F folds to s" },
    { "{\"\\u212aey\":\"k\"}", 0, "key", NULL,
      T_OK, "k", "escaped U+212A (Kelvin) folds to k" },
    { "{\"\xe2\x84\xaa\x45Y\":\"k\"}", 0, "key", NULL,
      T_OK, "k", "raw U+212A folds to k" },
    { "{\"\\u212amage\":\"a\"}", 0, "Image", NULL,
      T_DECLINED, NULL, "U+212A is no i" },

    /* last duplicate wins, null keeps, other types */

    { "{\"Image\":\"a\",\"Image\":\"b\"}", 0, "Image", NULL,
      T_OK, "b", "last duplicate wins" },
    { "{\"Image\":\"a\",\"image\":\"b\"}", 0, "Image", NULL,
      T_OK, "b", "last duplicate wins, any case" },
    { "{\"image\":\"a\",\"Cmd\":null,\"IMAGE\":\"b\",\"x\":1}", 0,
      "Image", NULL, T_OK, "b", "last duplicate wins, members between" },
    { "{\"Image\":\"a\",\"Image\":null}", 0, "Image", NULL,
      T_OK, "a", "null keeps the earlier value" },
    { "{\"Image\":\"a\",\"Image\":null,\"Image\":null}", 0, "Image", NULL,
      T_OK, "a", "two nulls keep the earlier value" },
    { "{\"Image\":null}", 0, "Image", NULL,
      T_DECLINED, NULL, "null alone is no string" },
    { "{\"Image\":null,\"Image\":\"b\"}", 0, "Image", NULL,
      T_OK, "b", "a string after null" },
    { "{\"Image\":1}", 0, "Image", NULL,
      T_DECLINED, NULL, "number: no string" },
    { "{\"Image\":true}", 0, "Image", NULL,
      T_DECLINED, NULL, "boolean: no string" },
    { "{\"Image\":{}}", 0, "Image", NULL,
      T_DECLINED, NULL, "object: no string" },
    { "{\"Image\":[\"a\"]}", 0, "Image", NULL,
      T_DECLINED, NULL, "array of a string: no string" },
    { "{\"Image\":{\"Image\":\"a\"}}", 0, "Image", NULL,
      T_DECLINED, NULL, "object holding the key: no string" },
    { "{\"Image\":\"a\",\"Image\":1}", 0, "Image", NULL,
      T_DECLINED, NULL, "a number after a string: no string" },
    { "{\"Image\":\"a\",\"Image\":[]}", 0, "Image", NULL,
      T_DECLINED, NULL, "an array after a string: no string" },
    { "{\"Image\":\"a\",\"Image\":{}}", 0, "Image", NULL,
      T_DECLINED, NULL, "an object after a string: no string" },
    { "{\"Image\":1,\"Image\":\"b\"}", 0, "Image", NULL,
      T_OK, "b", "a string after a number" },
    { "{\"Image\":123456789012345678901234567890}", 0, "Image", NULL,
      T_DECLINED, NULL, "a huge number: no string, no error" },

    /* only the top level */

    { "{\"Config\":{\"Image\":\"x\"}}", 0, "Image", NULL,
      T_DECLINED, NULL, "nested key does not count" },
    { "{\"a\":{\"Image\":\"x\"},\"Image\":\"y\"}", 0, "Image", NULL,
      T_OK, "y", "nested before the top-level key" },
    { "{\"Image\":\"y\",\"a\":{\"Image\":\"x\"}}", 0, "Image", NULL,
      T_OK, "y", "nested after the top-level key" },
    { "{\"a\":[{\"Image\":\"x\"}],\"b\":[[\"Image\",\"z\"]]}", 0,
      "Image", NULL, T_DECLINED, NULL, "keys in arrays do not count" },
    { "{\"Image\":\"y\",\"a\":[\"Image\",\"x\"]}", 0, "Image", NULL,
      T_OK, "y", "array values after the key" },

    /* escapes in values */

    { "{\"Image\":\"a\\/b\\u0041\\n\"}", 0, "Image", NULL,
      T_OK, "a/bA\n", "escapes in the value" },
    { "{\"Image\":\"caf\\u00e9\"}", 0, "Image", NULL,
      T_OK, "caf\xc3\xa9", "\\u00e9 as UTF-8" },

    /* a member of a member: errorDetail.message */

    { "{\"errorDetail\":{\"message\":\"manifest unknown\"},"
      "\"error\":\"manifest unknown\"}", 0, "errorDetail", "message",
      T_OK, "manifest unknown", "errorDetail.message" },
    { "{\"ErrorDetail\":{\"Message\":\"m\"}}", 0, "errorDetail", "message",
      T_OK, "m", "errorDetail.message, any case" },
    { "{\"errorDetail\":{\"code\":1,\"message\":\"a\",\"message\":\"b\"}}", 0,
      "errorDetail", "message", T_OK, "b",
      "errorDetail.message, last duplicate wins" },
    { "{\"errorDetail\":{\"message\":\"a\"},"
      "\"errorDetail\":{\"message\":\"b\"}}", 0,
      "errorDetail", "message", T_OK, "b",
      "errorDetail twice: the last message" },
    { "{\"errorDetail\":{\"message\":\"a\",\"message\":null}}", 0,
      "errorDetail", "message", T_OK, "a",
      "errorDetail.message: null keeps" },
    { "{\"status\":\"Pulling fs layer\",\"progressDetail\":{},"
      "\"id\":\"abc\"}", 0, "errorDetail", "message",
      T_DECLINED, NULL, "a progress line: no errorDetail" },
    { "{\"message\":\"top\"}", 0, "errorDetail", "message",
      T_DECLINED, NULL, "a top-level message is no errorDetail.message" },
    { "{\"errorDetail\":\"message\"}", 0, "errorDetail", "message",
      T_DECLINED, NULL, "errorDetail as a string" },
    { "{\"errorDetail\":{\"x\":{\"message\":\"deep\"}}}", 0,
      "errorDetail", "message", T_DECLINED, NULL,
      "errorDetail.x.message does not count" },
    { "{\"errorDetail\":[{\"message\":\"deep\"}]}", 0,
      "errorDetail", "message", T_DECLINED, NULL,
      "errorDetail as an array does not count" },
    { "{\"other\":{\"message\":\"no\"},\"errorDetail\":{\"message\":\"yes\"}}",
      0, "errorDetail", "message", T_OK, "yes",
      "message of another member does not count" },
    { "{\"errorDetail\":{\"message\":\"yes\"},\"other\":{\"message\":\"no\"}}",
      0, "errorDetail", "message", T_OK, "yes",
      "message of a later member does not count" },
    { "{\"error\":\"unauthorized: authentication required\"}", 0,
      "error", NULL, T_OK, "unauthorized: authentication required",
      "the error member of a progress line" },
    { "{\"message\":\"No such image: x:1\"}", 0, "message", NULL,
      T_OK, "No such image: x:1", "dockerd's error body" },

    /* not objects, invalid JSON */

    { "", 0, "Image", NULL, T_ERROR, NULL, "empty input" },
    { "   ", 0, "Image", NULL, T_ERROR, NULL, "only whitespace" },
    { "{", 0, "Image", NULL, T_ERROR, NULL, "a lone {" },
    { "{\"Image\":\"a\"", 0, "Image", NULL, T_ERROR, NULL,
      "truncated object" },
    { "{\"Image\":\"a", 0, "Image", NULL, T_ERROR, NULL,
      "truncated string" },
    { "{\"Image\":'a'}", 0, "Image", NULL, T_ERROR, NULL,
      "single quotes" },
    { "{Image:\"a\"}", 0, "Image", NULL, T_ERROR, NULL,
      "unquoted key" },
    { "{\"Image\":\"a\",}", 0, "Image", NULL, T_ERROR, NULL,
      "trailing comma" },
    { "{\"Image\" \"a\"}", 0, "Image", NULL, T_ERROR, NULL,
      "missing colon" },
    { "{\"Image\":\"a\tb\"}", 0, "Image", NULL, T_ERROR, NULL,
      "a raw control character in a string" },
    { "{\"Image\":\"\\x41\"}", 0, "Image", NULL, T_ERROR, NULL,
      "an invalid escape" },
    { "{\"Image\":\"a\"}}", 0, "Image", NULL, T_OK, "a",
      "an extra } after the object: Go's decoder stops at the object" },
    { "/* c */{\"Image\":\"a\"}", 0, "Image", NULL, T_ERROR, NULL,
      "a comment (Go has none)" },
    { "{\"Image\":\"a\"\0}", 15, "Image", NULL, T_ERROR, NULL,
      "a NUL byte" },
    { "[{\"Image\":\"a\"}]", 0, "Image", NULL, T_NOT_OK, NULL,
      "an array of objects is no object" },
    { "\"Image\"", 0, "Image", NULL, T_NOT_OK, NULL,
      "a string is no object" },
    { "null", 0, "Image", NULL, T_NOT_OK, NULL, "null is no object" },
    { "12", 0, "Image", NULL, T_NOT_OK, NULL, "a number is no object" },

    /*
     * What Go's decoder accepts: dockerd reads the create with
     * json.NewDecoder(body).Decode(), which accepts invalid UTF-8 in
     * strings (as U+FFFD) and ignores what follows the first value.
     */

    { "{\"Labels\":{\"a\":\"\xff\xfe\"},\"Image\":\"busybox\"}", 0,
      "Image", NULL, T_OK, "busybox",
      "Go-compatible: invalid UTF-8 in another member" },
    { "{\"Image\":\"busybox\"}\n{}", 0, "Image", NULL, T_OK, "busybox",
      "Go-compatible: a second value after the object" },

    { NULL, 0, NULL, NULL, 0, NULL, NULL }
};


static t_key_case_t  t_key_cases[] = {
    { "Image", 0, "Image", 1, "same" },
    { "image", 0, "Image", 1, "lower case" },
    { "IMAGE", 0, "Image", 1, "upper case" },
    { "IMAGE", 0, "image", 1, "upper case against lower case" },
    { "Imag", 0, "Image", 0, "shorter" },
    { "Imagee", 0, "Image", 0, "longer" },
    { "", 0, "Image", 0, "empty key" },
    { "", 0, "", 1, "empty key, empty name" },
    { "a", 0, "", 0, "a key, empty name" },
    { "Image\0", 6, "Image", 0, "a NUL after the key" },
    { "Im\0ge", 5, "Image", 0, "a NUL in the key" },
    { "Imag\xc5", 5, "Image", 0, "a stray UTF-8 lead byte" },
    { "Ima@e", 0, "Image", 0, "@ is no G (0x40 vs 0x47)" },
    { "Imag\x85", 0, "Image", 0, "e with the high bit (0xe5 & 0x7f)" },
    { "\xc9mage", 0, "Image", 0, "0xc9 is no I" },
    { "\xc5\xbf", 0, "s", 1, "U+017F is s" },
    { "\xc5\xbf", 0, "S", 1, "U+017F is S" },
    { "me\xc5\xbf\xc5\xbf" "age", 0, "message", 1,
      "me(U+017F)(U+017F)age is message" },
    { "mes\xc5\xbf" "age", 0, "message", 1, "mes(U+017F)age is message" },
    { "\xc5\xbf", 0, "k", 0, "U+017F is no k" },
    { "\xc5\xbf", 0, "ss", 0, "U+017F is one s, not two" },
    { "me\xc5", 3, "mes", 0, "half a U+017F" },
    { "\xc5\xbe", 0, "s", 0, "U+017E is no s" },
    { "\xe2\x84\xaa", 0, "k", 1, "U+212A is k" },
    { "\xe2\x84\xaa", 0, "K", 1, "U+212A is K" },
    { "\xe2\x84\xaa" "ey", 0, "key", 1, "(U+212A)ey is key" },
    { "\xe2\x84\xaa", 0, "s", 0, "U+212A is no s" },
    { "\xe2\x84", 2, "k", 0, "two thirds of a U+212A" },
    { "\xe2\x84\xab", 0, "k", 0, "U+212B (Angstrom) is no k" },
    { "\xe2\x84\xaa\xe2\x84\xaa", 0, "k", 0, "two U+212A are no k" },
    { "\xc4\xb0mage", 0, "Image", 0, "U+0130 is no I" },
    { "\xc4\xb1mage", 0, "Image", 0, "U+0131 is no i" },
    { "\xef\xbc\xa9mage", 0, "Image", 0, "fullwidth I is no I" },
    { "errordetail", 0, "errorDetail", 1, "errordetail" },
    { "ERRORDETAIL", 0, "errorDetail", 1, "ERRORDETAIL" },
    { "error", 0, "errorDetail", 0, "error is no errorDetail" },
    { "errorDetail", 0, "error", 0, "errorDetail is no error" },
    { NULL, 0, NULL, 0, NULL }
};


int
main(void)
{
    t_json();
    t_keys();
    t_cut();

    return t_done();
}


static const char *
t_rc(ngx_int_t rc)
{
    switch (rc) {
    case NGX_OK:
        return "NGX_OK";
    case NGX_DECLINED:
        return "NGX_DECLINED";
    case NGX_ERROR:
        return "NGX_ERROR";
    default:
        return "other";
    }
}


/* a value for a TAP line: at most 64 bytes, control bytes as "?" */

static const char *
t_printable(ngx_str_t *s)
{
    size_t       i, n;
    static char  out[65];

    n = ngx_min(s->len, 64);

    for (i = 0; i < n; i++) {
        out[i] = (s->data[i] < 0x20 || s->data[i] == 0x7f) ? '?'
                                                           : s->data[i];
    }

    out[n] = '\0';

    return out;
}


static void
t_json(void)
{
    int             good;
    size_t          len, vlen;
    u_char         *json, *buf;
    ngx_int_t       rc;
    ngx_str_t       value;
    t_json_case_t  *c;

    for (c = t_json_cases; c->json; c++) {
        len = c->len ? c->len : strlen(c->json);

        json = malloc(len ? len : 1);
        buf = malloc(256);

        if (json == NULL || buf == NULL) {
            t_ok(0, "malloc");
            return;
        }

        ngx_memcpy(json, c->json, len);

        value.len = 12345;
        value.data = NULL;

        rc = ngx_sockerless_json_string(json, len, c->key, c->sub, buf, 256,
                                        &value);

        if (c->rc == T_NOT_OK) {
            good = (rc == NGX_DECLINED || rc == NGX_ERROR);

        } else {
            good = (rc == c->rc);
        }

        if (good && rc == NGX_OK) {
            vlen = strlen(c->value);
            good = (value.data == buf && value.len == vlen
                    && ngx_memcmp(value.data, c->value, vlen) == 0);

        }

        t_ok(good, "json %s%s%s: %s (got %s \"%s\")", c->key,
             c->sub ? "." : "", c->sub ? c->sub : "", c->what, t_rc(rc),
             rc == NGX_OK ? t_printable(&value) : "");

        free(json);
        free(buf);
    }
}


static void
t_keys(void)
{
    size_t         len;
    u_char        *key;
    ngx_uint_t     m;
    t_key_case_t  *c;

    for (c = t_key_cases; c->key; c++) {
        len = c->len ? c->len : strlen(c->key);

        key = malloc(len ? len : 1);
        if (key == NULL) {
            t_ok(0, "malloc");
            return;
        }

        ngx_memcpy(key, c->key, len);

        m = ngx_sockerless_json_key_match(key, len, c->name);

        t_ok(m == c->match, "key_match \"%s\": %s (got %lu)", c->name,
             c->what, (unsigned long) m);

        free(key);
    }
}


/* a value longer than the buffer is cut to its size */

static void
t_cut(void)
{
    u_char      *json, *buf;
    size_t       len;
    ngx_int_t    rc;
    ngx_str_t    value;
    static char  doc[] = "{\"Image\":\"0123456789\"}";

    len = sizeof(doc) - 1;

    json = malloc(len);
    buf = malloc(4);

    if (json == NULL || buf == NULL) {
        t_ok(0, "malloc");
        return;
    }

    ngx_memcpy(json, doc, len);

    rc = ngx_sockerless_json_string(json, len, "Image", NULL, buf, 4, &value);

    t_ok(rc == NGX_OK && value.data == buf && value.len == 4
         && ngx_memcmp(buf, "0123", 4) == 0,
         "a value of 10 bytes into a buffer of 4: cut to 4");

    free(json);
    free(buf);

    /* a buffer of exactly the value's size */

    buf = malloc(10);
    json = malloc(len);

    if (json == NULL || buf == NULL) {
        t_ok(0, "malloc");
        return;
    }

    ngx_memcpy(json, doc, len);

    rc = ngx_sockerless_json_string(json, len, "Image", NULL, buf, 10,
                                    &value);

    t_ok(rc == NGX_OK && value.len == 10
         && ngx_memcmp(buf, "0123456789", 10) == 0,
         "a value of 10 bytes into a buffer of 10: whole");

    rc = ngx_sockerless_json_string(json, len, "Image", NULL, buf, 0, &value);

    t_ok(rc == NGX_OK && value.len == 0, "a buffer of 0: an empty value");

    free(json);
    free(buf);
}
