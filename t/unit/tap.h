
/*
 * Copyright (C) ngx_sockerless developers
 */


#ifndef _NGX_SOCKERLESS_TAP_H_INCLUDED_
#define _NGX_SOCKERLESS_TAP_H_INCLUDED_


/*
 * The checks of the unit tests.  A failure is printed in full, as a TAP
 * "not ok N - ..." line; a passing check is only counted, unless VERBOSE
 * is set in the environment (make unit VERBOSE=1): then every check is a
 * TAP line and the plan follows.  t_done() prints one summary line,
 * "<program>: N passed, M failed".  Included by one test program each:
 * the counters are that program's.
 */


#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>


static ngx_uint_t  t_passed;
static ngx_uint_t  t_failed;
static ngx_uint_t  t_todos;


static ngx_inline int t_verbose(void);
static ngx_inline void t_report(int cond, const char *todo,
    const char *fmt, va_list args);


static ngx_inline int
t_verbose(void)
{
    const char  *v;

    v = getenv("VERBOSE");

    return v != NULL && v[0] != '\0' && !(v[0] == '0' && v[1] == '\0');
}


static ngx_inline void
t_report(int cond, const char *todo, const char *fmt, va_list args)
{
    ngx_uint_t  n;

    if (cond) {
        t_passed++;

    } else if (todo) {
        t_todos++;

    } else {
        t_failed++;
    }

    if (cond && !t_verbose()) {
        return;
    }

    n = t_passed + t_failed + t_todos;

    printf("%s %lu - ", cond ? "ok" : "not ok", (unsigned long) n);
    vprintf(fmt, args);

    if (!cond && todo) {
        printf(" # TODO %s", todo);
    }

    printf("\n");
}


/* a check */

static ngx_inline void
t_ok(int cond, const char *fmt, ...)
{
    va_list  args;

    va_start(args, fmt);
    t_report(cond, NULL, fmt, args);
    va_end(args);
}


/* a known gap: a failure counts as TODO */

static ngx_inline void
t_todo(int cond, const char *why, const char *fmt, ...)
{
    va_list  args;

    va_start(args, fmt);
    t_report(cond, why, fmt, args);
    va_end(args);
}


/* the summary (and the plan); the exit status of the test program */

static ngx_inline int
t_done(void)
{
    if (t_verbose()) {
        printf("1..%lu\n", (unsigned long) (t_passed + t_failed + t_todos));
    }

    printf("%s: %lu passed, %lu failed", program_invocation_short_name,
           (unsigned long) t_passed, (unsigned long) t_failed);

    if (t_todos) {
        printf(", %lu todo", (unsigned long) t_todos);
    }

    printf("\n");

    return t_failed ? 1 : 0;
}


#endif /* _NGX_SOCKERLESS_TAP_H_INCLUDED_ */
