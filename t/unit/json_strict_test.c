
/*
 * Copyright (C) ngx_sockerless developers
 */


/*
 * Unit tests of the strict JSON reader of the access policy
 * (ngx_sockerless_json_parse(), ngx_sockerless_json_get(),
 * ngx_sockerless_json_key_match()), in TAP:
 *
 *     json_strict_test
 *
 * A document is parsed only when dockerd's Go decoder and any other
 * reader agree on it: duplicate keys (exactly, by ASCII case, or folded as
 * Go folds U+017F to "s" and U+212A to "k"), trailing data, nesting deeper
 * than NGX_SOCKERLESS_JSON_DEPTH, NUL (raw or \u0000), invalid UTF-8 and
 * comments are refused.  ngx_sockerless_json_get() finds a member the way
 * Go matches a key to a struct field.
 *
 * Lines "not ok ... # TODO" are known gaps: they are printed, not counted
 * as failures.  Every input is copied into a buffer of exactly its size;
 * every allocation is freed, so that the sanitizers see overruns and
 * leaks.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include "ngx_sockerless_json.h"

#include "tap.h"
#include "arena.h"


#define T_LEN(s)        (sizeof(s) - 1)


typedef struct {
    char                   *json;
    size_t                  len;
    char                   *err;         /* NULL: parsed; else a substring */
    char                   *what;
} t_parse_case_t;


typedef struct {
    char                   *key;
    size_t                  len;
    char                   *name;
    ngx_uint_t              match;
} t_key_case_t;


static ngx_sockerless_jv_t *t_parse(char *json, size_t len,
    const char **err);
static void t_cases(t_parse_case_t *cases, ngx_uint_t todo);
static void t_tree(void);
static void t_get(void);
static void t_keys(void);
static void t_depth(void);
static void t_large(void);
static void t_shortcuts(void);
static int t_str(ngx_str_t *s, char *v, size_t len);


#define C(s, err, what)  { s, T_LEN(s), err, what }


static t_parse_case_t  t_parse_cases[] = {

    /* well-formed */
    C("{}", NULL, "an empty object"),
    C("[]", NULL, "an empty array"),
    C("null", NULL, "null"),
    C("\"x\"", NULL, "a string"),
    C("  {\"a\" : 1 }\r\n\t ", NULL, "whitespace around"),
    C("{\"a\":1,\"b\":2}", NULL, "two keys"),
    C("{\"a\":{\"a\":1}}", NULL, "the same key at two levels"),
    C("[{\"a\":1},{\"a\":2}]", NULL, "the same key in two objects"),
    C("{\"ab\":1,\"a\":2,\"b\":3}", NULL, "prefixes are other keys"),
    C("{\"\":1}", NULL, "an empty key"),
    C("{\"a\":\"\\u00e9\\u20ac\\ud83d\\ude00\"}", NULL, "escapes"),
    C("{\"a\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}", NULL,
      "UTF-8: 2, 3 and 4 bytes"),
    C("{\"a\":-0.5e+10}", NULL, "a number"),
    C("{\"s\":1,\"\\u0161\":2}", NULL, "s and U+0161 (no simple fold)"),
    C("{\"i\":1,\"\\u0130\":2,\"\\u0131\":3}", NULL,
      "i, U+0130 and U+0131 (no simple fold)"),
    C("{\"k\":1,\"\\u0138\":2}", NULL, "k and U+0138 (kra)"),

    /* duplicate keys */
    C("{\"a\":1,\"a\":2}", "duplicate", "the same key twice"),
    C("{\"a\":1,\"b\":2,\"a\":3}", "duplicate", "not adjacent"),
    C("{\"a\":1,\"a\":1}", "duplicate", "the same member twice"),
    C("{\"\":1,\"\":2}", "duplicate", "the empty key twice"),
    C("{\"Image\":\"a\",\"image\":\"b\"}", "duplicate", "Image and image"),
    C("{\"HostConfig\":{},\"hostconfig\":{}}", "duplicate",
      "HostConfig and hostconfig"),
    C("{\"HostConfig\":{},\"HOSTCONFIG\":null}", "duplicate",
      "HostConfig and HOSTCONFIG: null"),
    C("{\"x\":{\"Privileged\":false,\"privileged\":true}}", "duplicate",
      "inside a nested object"),
    C("[{\"a\":1,\"A\":2}]", "duplicate", "inside an array element"),
    C("{\"a\":[{\"b\":[{\"c\":1,\"C\":1}]}]}", "duplicate", "deep inside"),
    C("{\"a\":1,\"\\u0061\":2}", "duplicate", "a and \\u0061"),
    C("{\"s\":1,\"\\u017f\":2}", "duplicate", "s and \\u017f"),
    C("{\"S\":1,\"\\u017F\":2}", "duplicate", "S and \\u017F"),
    C("{\"s\":1,\"\xc5\xbf\":2}", "duplicate", "s and raw U+017F"),
    C("{\"k\":1,\"\\u212a\":2}", "duplicate", "k and \\u212a"),
    C("{\"K\":1,\"\xe2\x84\xaa\":2}", "duplicate", "K and raw U+212A"),
    C("{\"SecurityOpt\":[],\"\\u017fecurityOpt\":[\"x\"]}", "duplicate",
      "SecurityOpt and \\u017fecurityOpt"),
    C("{\"Links\":[],\"Lin\\u212as\":[]}", "duplicate",
      "Links and Lin\\u212as"),
    C("{\"sk\":1,\"\\u017f\\u212a\":2}", "duplicate", "sk and U+017F U+212A"),
    C("{\"\\u017f\":1,\"\\u017f\":2}", "duplicate", "U+017F twice"),
    C("{\"\\u212a\":1,\"\\u004b\":2}", "duplicate", "U+212A and K"),

    /* trailing data */
    C("{}{}", "", "two objects"),
    C("{} {}", "", "two objects and a space"),
    C("{\"a\":1}x", "", "a letter after"),
    C("{\"a\":1}]", "", "a bracket after"),
    C("{\"a\":1}}", "", "a brace after"),
    C("{\"a\":1},", "", "a comma after"),
    C("[] 1", "", "an array and a number"),
    C("1 2", "", "two numbers"),
    C("\"a\"\"b\"", "", "two strings"),
    C("null null", "", "two nulls"),

    /* NUL */
    C("{\"a\":1}\0", "NUL", "a NUL after"),
    C("\0{\"a\":1}", "NUL", "a NUL before"),
    C("{\"a\":\"x\0y\"}", "NUL", "a NUL in a string"),
    C("{\"a\0\":1}", "NUL", "a NUL in a key"),
    C("{\"a\":\"\\u0000\"}", "NUL", "\\u0000 in a string"),
    C("{\"a\":\"x\\u0000y\"}", "NUL", "\\u0000 inside a string"),
    C("{\"\\u0000\":1}", "NUL", "\\u0000 as a key"),
    C("{\"Image\\u0000x\":1}", "NUL", "\\u0000 inside a key"),
    C("[\"\\u0000\"]", "NUL", "\\u0000 in an array"),

    /* invalid UTF-8 */
    C("{\"a\":\"\xff\"}", "", "0xff"),
    C("{\"a\":\"\xfe\"}", "", "0xfe"),
    C("{\"a\":\"\x80\"}", "", "a lone continuation byte"),
    C("{\"a\":\"\xbf\"}", "", "a lone continuation byte 0xbf"),
    C("{\"a\":\"\xc3\"}", "", "a truncated 2-byte sequence"),
    C("{\"a\":\"\xe2\x82\"}", "", "a truncated 3-byte sequence"),
    C("{\"a\":\"\xf0\x9f\x98\"}", "", "a truncated 4-byte sequence"),
    C("{\"a\":\"\xc3x\"}", "", "a bad continuation"),
    C("{\"\xff\":1}", "", "0xff in a key"),
    C("{\"a\":\"\xf8\x88\x80\x80\x80\"}", "", "a 5-byte sequence"),

    /* comments and other extensions */
    C("/* c */{}", "", "a /* */ comment before"),
    C("{}/* c */", "", "a /* */ comment after"),
    C("{\"a\":/* c */1}", "", "a /* */ comment inside"),
    C("// c\n{}", "", "a // comment"),
    C("{} // c", "", "a // comment after"),
    C("# c\n{}", "", "a # comment"),
    C("{\"a\":1,}", "", "a trailing comma in an object"),
    C("[1,]", "", "a trailing comma in an array"),
    C("{a:1}", "", "an unquoted key"),
    C("{'a':1}", "", "single quotes"),
    C("{\"a\":'x'}", "", "a single-quoted string"),
    C("{\"a\":NaN}", "", "NaN"),
    C("{\"a\":Infinity}", "", "Infinity"),
    C("{\"a\":01}", "", "a leading zero"),
    C("{\"a\":+1}", "", "a plus sign"),
    C("{\"a\":.5}", "", "no digit before the point"),
    C("{\"a\":0x1}", "", "hexadecimal"),
    C("{\"a\":\"\\x41\"}", "", "an \\x escape"),
    C("{\"a\":\"\\u12\"}", "", "a short \\u escape"),
    C("{\"a\":\"x\ty\"}", "", "a raw tab in a string"),
    C("{\"a\":\"x\ny\"}", "", "a raw newline in a string"),
    C("{\"a\":\"\x01\"}", "", "a raw control character in a string"),
    C("{\"a\":True}", "", "True"),
    C("\xef\xbb\xbf{}", "", "a byte order mark"),

    /* truncated or empty */
    C("", "", "empty"),
    C("   ", "", "whitespace only"),
    C("{", "", "an open object"),
    C("{\"a\"", "", "a key without a value"),
    C("{\"a\":", "", "a colon without a value"),
    C("{\"a\":1", "", "no closing brace"),
    C("[1", "", "no closing bracket"),
    C("\"abc", "", "an unterminated string"),
    C("{\"a\" 1}", "", "no colon"),
    C("{\"a\":1 \"b\":2}", "", "no comma"),
    C("{1:2}", "", "a number as a key"),

    { NULL, 0, NULL, NULL }
};


/* known gaps: yajl's UTF-8 check is looser than the standard */

static t_parse_case_t  t_todo_cases[] = {
    C("{\"a\":\"\xc0\xaf\"}", "", "an overlong 2-byte \"/\""),
    C("{\"a\":\"\xe0\x80\xae\"}", "", "an overlong 3-byte \".\""),
    C("{\"a\":\"\xed\xa0\x80\"}", "", "an encoded surrogate U+D800"),
    C("{\"a\":\"\xf4\x90\x80\x80\"}", "", "beyond U+10FFFF"),
    C("{\"a\":\"\xf5\x80\x80\x80\"}", "", "a 0xf5 lead byte"),
    C("{\"a\":\"\\ud800\"}", "", "an escaped lone surrogate (Go: U+FFFD)"),
    C("\v{}", "", "a vertical tab (Go: not whitespace)"),
    C("\f{}", "", "a form feed (Go: not whitespace)"),
    { NULL, 0, NULL, NULL }
};


static t_key_case_t  t_key_cases[] = {
    { "Image", 0, "Image", 1 },
    { "image", 0, "Image", 1 },
    { "IMAGE", 0, "Image", 1 },
    { "iMaGe", 0, "Image", 1 },
    { "Imag", 0, "Image", 0 },
    { "Images", 0, "Image", 0 },
    { "Image ", 0, "Image", 0 },
    { "", 0, "Image", 0 },
    { "Image", 0, "", 0 },
    { "", 0, "", 1 },
    { "\xc5\xbf" "ecurityOpt", 0, "SecurityOpt", 1 },
    { "Binds" "\xc5\xbf", 0, "Binds", 0 },
    { "Bind" "\xc5\xbf", 0, "Binds", 1 },
    { "Lin" "\xe2\x84\xaa" "s", 0, "Links", 1 },
    { "\xe2\x84\xaa", 0, "k", 1 },
    { "\xe2\x84\xaa", 0, "K", 1 },
    { "\xe2\x84\xaa", 0, "x", 0 },
    { "\xc5\xbf", 0, "s", 1 },
    { "\xc5\xbf", 0, "t", 0 },
    { "\xc5\xbf", 0, "ss", 0 },
    { "\xc5", 0, "s", 0 },
    { "\xe2\x84", 0, "k", 0 },
    { "\xc5\xa1", 0, "s", 0 },
    { "Ho\xc5\xbftConfig", 0, "HostConfig", 1 },
    { "Mas\xe2\x84\xaa" "edPaths", 0, "MaskedPaths", 1 },
    { "Sy\xc5\xbf" "ctl\xc5\xbf", 0, "Sysctls", 1 },
    { "Privileged\0", 11, "Privileged", 0 },
    { "Pr\xc4\xb1vileged", 0, "Privileged", 0 },
    { "PRIV\xc4\xb0LEGED", 0, "Privileged", 0 },
    { "Privileged", 0, "privileged", 1 },
    { "@mage", 0, "`mage", 0 },
    { "[mage", 0, "{mage", 0 },
    { NULL, 0, NULL, 0 }
};


int
main(void)
{
    t_cases(t_parse_cases, 0);
    t_cases(t_todo_cases, 1);
    t_tree();
    t_get();
    t_keys();
    t_depth();
    t_large();
    t_shortcuts();

    return t_done();
}


static ngx_sockerless_jv_t *
t_parse(char *json, size_t len, const char **err)
{
    u_char               *buf;
    const char           *err2;
    ngx_sockerless_jv_t  *v, *ref;

    buf = t_arena_alloc(NULL, len ? len : 1);
    ngx_memcpy(buf, json, len);

    *err = NULL;
    v = ngx_sockerless_json_parse(buf, len, t_arena_alloc, NULL, err);

    /* the reader without its shortcuts says the same */

    err2 = NULL;
    ref = ngx_sockerless_json_parse_reference(buf, len, t_arena_alloc, NULL,
                                              &err2);

    if ((v == NULL) != (ref == NULL)
        || (v == NULL && *err && err2 && strcmp(*err, err2) != 0))
    {
        t_ok(0, "the reference reader differs on \"%.*s\"", (int) len, json);
    }

    return v;
}


static void
t_cases(t_parse_case_t *cases, ngx_uint_t todo)
{
    const char           *err;
    ngx_sockerless_jv_t  *v;
    t_parse_case_t       *c;

    for (c = cases; c->json; c++) {
        v = t_parse(c->json, c->len, &err);

        if (c->err == NULL) {
            t_ok(v != NULL, "parsed: %s%s%s", c->what, v ? "" : " - ",
                 v ? "" : err);

        } else if (todo) {
            t_todo(v == NULL, "yajl accepts it", "refused: %s", c->what);

        } else {
            t_ok(v == NULL && err != NULL && strstr(err, c->err) != NULL,
                 "refused: %s (%s)", c->what, v ? "parsed" : err);
        }

        t_arena_free();
    }
}


/* the tree's shape: types, counts, keys, links */

static void
t_tree(void)
{
    const char           *err;
    ngx_sockerless_jv_t  *root, *a, *e, *o;

    static char  json[] = "{\"a\":[1,\"x\\n\\u00e9\",true,false,null,"
                          "{\"b\":{}}],\"c\":-2.5e3}";

    root = t_parse(json, T_LEN(json), &err);

    t_ok(root && root->type == NGX_SOCKERLESS_JSON_OBJECT && root->n == 2
         && root->parent == NULL && root->next == NULL,
         "tree: the root object with 2 members");

    if (root == NULL) {
        t_arena_free();
        return;
    }

    a = root->child;

    t_ok(a && t_str(&a->key, "a", 1) && a->type == NGX_SOCKERLESS_JSON_ARRAY
         && a->n == 6 && a->parent == root,
         "tree: \"a\" is an array of 6");

    e = a ? a->child : NULL;

    t_ok(e && e->type == NGX_SOCKERLESS_JSON_NUMBER
         && t_str(&e->str, "1", 1) && e->key.len == 0,
         "tree: a number keeps its text, no key in an array");

    e = e ? e->next : NULL;

    t_ok(e && e->type == NGX_SOCKERLESS_JSON_STRING
         && t_str(&e->str, "x\n\xc3\xa9", 4),
         "tree: a string is unescaped");

    e = e ? e->next : NULL;
    t_ok(e && e->type == NGX_SOCKERLESS_JSON_TRUE, "tree: true");
    e = e ? e->next : NULL;
    t_ok(e && e->type == NGX_SOCKERLESS_JSON_FALSE, "tree: false");
    e = e ? e->next : NULL;
    t_ok(e && e->type == NGX_SOCKERLESS_JSON_NULL, "tree: null");
    e = e ? e->next : NULL;

    t_ok(e && e->type == NGX_SOCKERLESS_JSON_OBJECT && e->n == 1
         && e == a->last && e->next == NULL && e->parent == a,
         "tree: the last element, an object");

    o = e ? e->child : NULL;

    t_ok(o && t_str(&o->key, "b", 1) && o->type == NGX_SOCKERLESS_JSON_OBJECT
         && o->n == 0 && o->child == NULL && o->parent == e,
         "tree: an empty object");

    e = a ? a->next : NULL;

    t_ok(e && t_str(&e->key, "c", 1) && e->type == NGX_SOCKERLESS_JSON_NUMBER
         && t_str(&e->str, "-2.5e3", 6) && e == root->last,
         "tree: \"c\", the last member");

    t_arena_free();
}


/* ngx_sockerless_json_get(): a member as Go would match it to a field */

static void
t_get(void)
{
    const char           *err;
    ngx_sockerless_jv_t  *root, *v, *hc;

    static char  json[] = "{\"IMAGE\":\"busybox\",\"Ho\\u017ftConfig\":"
        "{\"\\u017fecurityOpt\":[\"seccomp=unconfined\"],"
        "\"Lin\\u212as\":[\"a:b\"],\"privileged\":true,"
        "\"Bind\xc5\xbf\":[\"/:/h\"]},\"Cmd\":null}";

    root = t_parse(json, T_LEN(json), &err);

    t_ok(root != NULL, "get: parsed%s%s", root ? "" : " - ",
         root ? "" : err);

    if (root == NULL) {
        t_arena_free();
        return;
    }

    v = ngx_sockerless_json_get(root, "Image");
    t_ok(v && v->type == NGX_SOCKERLESS_JSON_STRING
         && t_str(&v->str, "busybox", 7), "get: IMAGE is Image");

    hc = ngx_sockerless_json_get(root, "HostConfig");
    t_ok(hc && hc->type == NGX_SOCKERLESS_JSON_OBJECT,
         "get: Ho\\u017ftConfig is HostConfig");

    v = ngx_sockerless_json_get(hc, "SecurityOpt");
    t_ok(v && v->type == NGX_SOCKERLESS_JSON_ARRAY && v->n == 1,
         "get: \\u017fecurityOpt is SecurityOpt");

    v = ngx_sockerless_json_get(hc, "Links");
    t_ok(v && v->n == 1, "get: Lin\\u212as is Links");

    v = ngx_sockerless_json_get(hc, "Privileged");
    t_ok(v && v->type == NGX_SOCKERLESS_JSON_TRUE,
         "get: privileged is Privileged");

    v = ngx_sockerless_json_get(hc, "Binds");
    t_ok(v && v->n == 1, "get: raw Bind U+017F is Binds");

    v = ngx_sockerless_json_get(root, "Cmd");
    t_ok(v && v->type == NGX_SOCKERLESS_JSON_NULL,
         "get: a null member is found, as null");

    t_ok(ngx_sockerless_json_get(root, "Entrypoint") == NULL,
         "get: a missing member");
    t_ok(ngx_sockerless_json_get(root, "Imag") == NULL,
         "get: a prefix of a key is no match");
    t_ok(ngx_sockerless_json_get(root, "Privileged") == NULL,
         "get: only the object's own members");
    t_ok(ngx_sockerless_json_get(v, "x") == NULL,
         "get: in a null");
    t_ok(ngx_sockerless_json_get(ngx_sockerless_json_get(hc, "Links"), "a")
         == NULL, "get: in an array");
    t_ok(ngx_sockerless_json_get(NULL, "x") == NULL, "get: in nothing");

    t_arena_free();
}


static void
t_keys(void)
{
    u_char        *key;
    size_t         len;
    t_key_case_t  *c;

    for (c = t_key_cases; c->key; c++) {
        len = c->len ? c->len : strlen(c->key);
        key = malloc(len ? len : 1);
        ngx_memcpy(key, c->key, len);

        t_ok(ngx_sockerless_json_key_match(key, len, c->name) == c->match,
             "key_match: key of %lu bytes %s \"%s\" (%s)",
             (unsigned long) len, c->match ? "matches" : "does not match",
             c->name, c->key[0] ? c->key : "empty");

        free(key);
    }
}


/* NGX_SOCKERLESS_JSON_DEPTH nested, and one more */

static void
t_depth(void)
{
    char                 *buf, *p;
    size_t                n, i, d;
    const char           *err;
    ngx_sockerless_jv_t  *v;

    for (d = NGX_SOCKERLESS_JSON_DEPTH - 1; d <= NGX_SOCKERLESS_JSON_DEPTH + 8;
         d++)
    {
        if (d > NGX_SOCKERLESS_JSON_DEPTH + 1 && d != 40) {
            continue;
        }

        /* arrays */

        buf = malloc(2 * d);
        for (i = 0; i < d; i++) {
            buf[i] = '[';
            buf[2 * d - 1 - i] = ']';
        }

        v = t_parse(buf, 2 * d, &err);
        t_ok((d <= NGX_SOCKERLESS_JSON_DEPTH) == (v != NULL)
             && (v || strstr(err, "deep")),
             "depth: %lu arrays %s", (unsigned long) d,
             d <= NGX_SOCKERLESS_JSON_DEPTH ? "parsed" : "refused");
        t_arena_free();
        free(buf);

        /* objects: {"a":{"a":...{}...}} */

        n = 5 * (d - 1) + 2 + (d - 1);
        buf = malloc(n);
        p = buf;
        for (i = 0; i + 1 < d; i++) {
            p = (char *) ngx_cpymem(p, "{\"a\":", 5);
        }
        *p++ = '{';
        *p++ = '}';
        for (i = 0; i + 1 < d; i++) {
            *p++ = '}';
        }

        v = t_parse(buf, p - buf, &err);
        t_ok((d <= NGX_SOCKERLESS_JSON_DEPTH) == (v != NULL)
             && (v || strstr(err, "deep")),
             "depth: %lu objects %s", (unsigned long) d,
             d <= NGX_SOCKERLESS_JSON_DEPTH ? "parsed" : "refused");
        t_arena_free();
        free(buf);
    }

    /* depth goes back down: many shallow siblings are fine */

    n = 5 * 100 + 2;
    buf = malloc(n);
    p = buf;
    *p++ = '[';
    for (i = 0; i < 100; i++) {
        p = (char *) ngx_cpymem(p, i ? ",[[]]" : "[[]]", i ? 5 : 4);
    }
    *p++ = ']';

    v = t_parse(buf, p - buf, &err);
    t_ok(v && v->n == 100, "depth: 100 siblings of depth 3");
    t_arena_free();
    free(buf);
}


/* a large flat document, and a large object with no duplicates */

static void
t_large(void)
{
    char                 *buf, *p;
    size_t                i;
    const char           *err;
    ngx_sockerless_jv_t  *v;

    buf = malloc(20 * 20000 + 16);
    p = buf;
    *p++ = '{';
    for (i = 0; i < 20000; i++) {
        p += sprintf(p, "%s\"k%lu\":%lu", i ? "," : "", (unsigned long) i,
                     (unsigned long) i);
    }
    *p++ = '}';

    v = t_parse(buf, p - buf, &err);
    t_ok(v && v->n == 20000, "large: an object of 20000 keys");
    t_arena_free();

    /* the same with the first key repeated at the end */

    p--;
    p = (char *) ngx_cpymem(p, ",\"K0\":1}", 8);

    v = t_parse(buf, p - buf, &err);
    t_ok(v == NULL && err && strstr(err, "duplicate"),
         "large: a duplicate among 20001 keys");
    t_arena_free();

    free(buf);
}


static int
t_str(ngx_str_t *s, char *v, size_t len)
{
    return s->len == len && ngx_memcmp(s->data, v, len) == 0;
}


/*
 * What the reader's shortcuts skip over, at every offset around the
 * blocks of 8 and 32 bytes they skip: a multibyte character, bytes that
 * are no UTF-8, "\v" and "\f" in and out of strings, after a backslash,
 * escapes that decode to a NUL or a lone surrogate.  Each document is
 * judged by t_parse() against the reader without shortcuts too.
 */

static void
t_shortcuts(void)
{
    char                 buf[512];
    size_t               i, k, m, n, len;
    const char          *err;
    ngx_uint_t           ok;
    ngx_sockerless_jv_t  *v;

    static const struct {
        const char  *text;
        ngx_uint_t   valid;
    } ins[] = {
        { "\xc3\xa9", 1 },               /* U+00E9 */
        { "\xf0\x9f\x90\xb3", 1 },       /* U+1F433 */
        { "\xc3", 0 },                   /* cut short */
        { "\xc0\xaf", 0 },               /* overlong */
        { "\xed\xa0\x80", 0 },           /* a surrogate */
        { "\\u00e9", 1 },
        { "\\ud83d\\udc33", 1 },
        { "\\ud83d", 0 },               /* a lone surrogate escape */
        { "\\u0000", 0 },               /* a NUL once decoded */
        { "\\n", 1 },
        { "\\\\", 1 },
        { "\v", 0 },
        { "\f", 0 },
        { "\\\v", 0 },                 /* an escape yajl refuses */
        { "\t", 0 },                     /* raw in a string */
    };

    ok = 1;

    for (k = 0; k < sizeof(ins) / sizeof(ins[0]); k++) {
        for (i = 0; i < 70; i++) {

            /*
             * {"a":"xxx...<ins>yyy...", "xxx...<ins>yyy...":1}: in a
             * string at offset 6 + i, in a key further on
             */

            n = ngx_strlen(ins[k].text);
            len = 0;

            for (m = 0; m < 2; m++) {
                len += sprintf(buf + len, m ? ",\"" : "{\"a\":\"");
                ngx_memset(buf + len, 'x', i);
                len += i;
                ngx_memcpy(buf + len, ins[k].text, n);
                len += n;
                len += sprintf(buf + len, "%s\"", "yyyyyyyyyyyyyyyyyyyyyyyyy");
            }

            len += sprintf(buf + len, ":1}");

            v = t_parse(buf, len, &err);

            if ((v != NULL) != ins[k].valid) {
                ok = 0;
                t_ok(0, "shortcuts: insert %lu at %lu: %s", (unsigned long) k,
                     (unsigned long) i, v ? "parsed" : err);
            }

            t_arena_free();
        }
    }

    t_ok(ok, "shortcuts: characters at every offset, in strings and keys");
}
