
/*
 * Copyright (C) ngx_sockerless developers
 */


/*
 * The fuzz targets' allocator for the pure files' "alloc" callbacks:
 * every block of one input is kept and freed by fuzz_free_all() when the
 * input is done, as a pool would be; NULL once 65536 blocks are out.
 * Included by one target each (static functions).
 */


#ifndef _FUZZ_ALLOC_H_INCLUDED_
#define _FUZZ_ALLOC_H_INCLUDED_


#include <stdlib.h>


static void    *fuzz_blocks[65536];
static size_t   fuzz_nblocks;


static void *
fuzz_alloc(void *data, size_t size)
{
    void  *p;

    if (fuzz_nblocks == sizeof(fuzz_blocks) / sizeof(fuzz_blocks[0])) {
        return NULL;
    }

    p = malloc(size ? size : 1);

    if (p) {
        fuzz_blocks[fuzz_nblocks++] = p;
    }

    return p;
}


static void
fuzz_free_all(void)
{
    while (fuzz_nblocks) {
        free(fuzz_blocks[--fuzz_nblocks]);
    }
}


#endif /* _FUZZ_ALLOC_H_INCLUDED_ */
