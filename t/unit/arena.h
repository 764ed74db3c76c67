
/*
 * Copyright (C) ngx_sockerless developers
 */


#ifndef _NGX_SOCKERLESS_ARENA_H_INCLUDED_
#define _NGX_SOCKERLESS_ARENA_H_INCLUDED_


/*
 * The allocator of the tests of code that takes one
 * (void *(*)(void *data, size_t size), as ngx_sockerless_json_parse()):
 * every block is malloc()ed on its own and all are freed at once by
 * t_arena_free(), so that the sanitizers see overruns and leaks.  Included
 * by one test program or fuzz target each: the arena is that program's.
 */


#include <stdlib.h>


typedef struct t_arena_block_s  t_arena_block_t;

struct t_arena_block_s {
    t_arena_block_t        *next;
};


static t_arena_block_t  *t_arena_blocks;
static size_t            t_arena_total;     /* bytes given since a free */


static ngx_inline void *t_arena_alloc(void *data, size_t size);
static ngx_inline void t_arena_free(void);


static ngx_inline void *
t_arena_alloc(void *data, size_t size)
{
    t_arena_block_t  *b;

    b = malloc(sizeof(t_arena_block_t) + size);

    if (b == NULL) {
        return NULL;
    }

    b->next = t_arena_blocks;
    t_arena_blocks = b;
    t_arena_total += size;

    return (u_char *) b + sizeof(t_arena_block_t);
}


static ngx_inline void
t_arena_free(void)
{
    t_arena_block_t  *b, *next;

    for (b = t_arena_blocks; b; b = next) {
        next = b->next;
        free(b);
    }

    t_arena_blocks = NULL;
    t_arena_total = 0;
}


#endif /* _NGX_SOCKERLESS_ARENA_H_INCLUDED_ */
