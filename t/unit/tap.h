
/*
 * Copyright (C) ngx_sockerless developers
 */


#ifndef _NGX_SOCKERLESS_TAP_H_INCLUDED_
#define _NGX_SOCKERLESS_TAP_H_INCLUDED_


/*
 * TAP output for the unit tests: "ok N - ...", "not ok N - ...", the plan
 * and a closing "N passed, M failed" line.  Included by one test program
 * each: the counters are that program's.
 */


#include <stdarg.h>
#include <stdio.h>


static ngx_uint_t  t_passed;
static ngx_uint_t  t_failed;
static ngx_uint_t  t_todos;


static ngx_inline void t_report(int cond, const char *todo,
    const char *fmt, va_list args);


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


/* the plan and the summary; the exit status of the test program */

static ngx_inline int
t_done(void)
{
    printf("1..%lu\n", (unsigned long) (t_passed + t_failed + t_todos));
    printf("%lu passed, %lu failed", (unsigned long) t_passed,
           (unsigned long) t_failed);

    if (t_todos) {
        printf(", %lu todo", (unsigned long) t_todos);
    }

    printf("\n");

    return t_failed ? 1 : 0;
}


#endif /* _NGX_SOCKERLESS_TAP_H_INCLUDED_ */
