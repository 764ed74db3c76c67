
/*
 * Copyright (C) ngx_sockerless developers
 */


/*
 * Prints the policy groups and their member operations, from the route
 * table itself, as the Markdown that docs/policy.md carries:
 *
 *     policy_groups > groups.md
 *
 * Each group is a "### @name" heading followed by one line per operation
 * ("`Name` | `METHOD /path`"), in the table's order.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include "ngx_sockerless_route.h"


int
main(void)
{
    ngx_uint_t            g, i, n;
    const char           *name;
    ngx_sockerless_op_t  *op;

    for (g = 1; g < NGX_SOCKERLESS_GROUP_ALL; g <<= 1) {
        name = ngx_sockerless_group_name(g);

        if (name == NULL) {
            continue;
        }

        n = 0;

        for (i = 0; i < ngx_sockerless_nops(); i++) {
            if (ngx_sockerless_op(i)->groups & g) {
                n++;
            }
        }

        printf("### @%s (%lu operations)\n\n", name, (unsigned long) n);
        printf("| operation | method and path |\n|---|---|\n");

        for (i = 0; i < ngx_sockerless_nops(); i++) {
            op = ngx_sockerless_op(i);

            if (!(op->groups & g)) {
                continue;
            }

            printf("| `%.*s` | `%.*s %.*s` |\n",
                   (int) op->name.len, op->name.data,
                   (int) op->method.len, op->method.data,
                   (int) op->path.len, op->path.data);
        }

        printf("\n");
    }

    printf("### @all\n\nEvery one of the %lu operations above.\n",
           (unsigned long) ngx_sockerless_nops());

    return 0;
}
