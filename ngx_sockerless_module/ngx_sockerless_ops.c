
/*
 * Copyright (C) ngx_sockerless developers
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include "ngx_sockerless_ops.h"


/* the short names NGX_SOCKERLESS_OPS() is written with */

#define G_READ        NGX_SOCKERLESS_GROUP_READ
#define G_CONTENT     NGX_SOCKERLESS_GROUP_CONTENT
#define G_EXEC        NGX_SOCKERLESS_GROUP_EXEC
#define G_LIFECYCLE   NGX_SOCKERLESS_GROUP_LIFECYCLE
#define G_CONTAINERS  NGX_SOCKERLESS_GROUP_CONTAINERS
#define G_IMAGES      NGX_SOCKERLESS_GROUP_IMAGES
#define G_BUILD       NGX_SOCKERLESS_GROUP_BUILD
#define G_NETWORKS    NGX_SOCKERLESS_GROUP_NETWORKS
#define G_VOLUMES     NGX_SOCKERLESS_GROUP_VOLUMES
#define G_SWARM       NGX_SOCKERLESS_GROUP_SWARM
#define G_PLUGINS     NGX_SOCKERLESS_GROUP_PLUGINS
#define G_SYSTEM      NGX_SOCKERLESS_GROUP_SYSTEM
#define G_REGISTRY    NGX_SOCKERLESS_GROUP_REGISTRY

#define F_STREAM        NGX_SOCKERLESS_OP_STREAM
#define F_HIJACK        NGX_SOCKERLESS_OP_HIJACK
#define F_JSON          NGX_SOCKERLESS_OP_JSON
#define F_UPLOAD        NGX_SOCKERLESS_OP_UPLOAD
#define F_OBJECT        NGX_SOCKERLESS_OP_OBJECT
#define F_PULL          NGX_SOCKERLESS_OP_PULL
#define F_REDACT_QUERY  NGX_SOCKERLESS_OP_REDACT_QUERY
#define F_HOST          NGX_SOCKERLESS_OP_HOST
#define F_CREATE        NGX_SOCKERLESS_OP_CREATE
#define F_LIST          NGX_SOCKERLESS_OP_LIST
#define F_SHARED        NGX_SOCKERLESS_OP_SHARED
#define F_EXTRA         NGX_SOCKERLESS_OP_EXTRA
#define F_LIBPOD        NGX_SOCKERLESS_OP_LIBPOD
#define F_CANNOT_KILL   NGX_SOCKERLESS_OP_CANNOT_KILL

#define K_NONE        NGX_SOCKERLESS_KIND_NONE
#define K_CONTAINER   NGX_SOCKERLESS_KIND_CONTAINER
#define K_EXEC        NGX_SOCKERLESS_KIND_EXEC
#define K_IMAGE       NGX_SOCKERLESS_KIND_IMAGE
#define K_NETWORK     NGX_SOCKERLESS_KIND_NETWORK
#define K_VOLUME      NGX_SOCKERLESS_KIND_VOLUME
#define K_SERVICE     NGX_SOCKERLESS_KIND_SERVICE
#define K_NODE        NGX_SOCKERLESS_KIND_NODE
#define K_TASK        NGX_SOCKERLESS_KIND_TASK
#define K_SECRET      NGX_SOCKERLESS_KIND_SECRET
#define K_CONFIG      NGX_SOCKERLESS_KIND_CONFIG
#define K_PLUGIN      NGX_SOCKERLESS_KIND_PLUGIN

#define J_NONE        NGX_SOCKERLESS_JUDGE_NONE
#define J_CREATE      NGX_SOCKERLESS_JUDGE_CREATE
#define J_START       NGX_SOCKERLESS_JUDGE_START
#define J_UPDATE      NGX_SOCKERLESS_JUDGE_UPDATE
#define J_EXEC        NGX_SOCKERLESS_JUDGE_EXEC
#define J_COMMIT      NGX_SOCKERLESS_JUDGE_COMMIT
#define J_PULL        NGX_SOCKERLESS_JUDGE_PULL
#define J_BUILD       NGX_SOCKERLESS_JUDGE_BUILD
#define J_SERVICE     NGX_SOCKERLESS_JUDGE_SERVICE
#define J_VOLUME      NGX_SOCKERLESS_JUDGE_VOLUME
#define J_NETWORK     NGX_SOCKERLESS_JUDGE_NETWORK
#define J_CONNECT     NGX_SOCKERLESS_JUDGE_CONNECT
#define J_SWARM       NGX_SOCKERLESS_JUDGE_SWARM
#define J_SECRET      NGX_SOCKERLESS_JUDGE_SECRET
#define J_CHECKPOINT  NGX_SOCKERLESS_JUDGE_CHECKPOINT

#define A_NONE        NGX_SOCKERLESS_ANSWER_NONE
#define A_CONTAINER   NGX_SOCKERLESS_ANSWER_CONTAINER
#define A_CONTAINERS  NGX_SOCKERLESS_ANSWER_CONTAINERS
#define A_SERVICE     NGX_SOCKERLESS_ANSWER_SERVICE
#define A_SERVICES    NGX_SOCKERLESS_ANSWER_SERVICES
#define A_TASK        NGX_SOCKERLESS_ANSWER_TASK
#define A_TASKS       NGX_SOCKERLESS_ANSWER_TASKS
#define A_EXEC        NGX_SOCKERLESS_ANSWER_EXEC
#define A_PLUGIN      NGX_SOCKERLESS_ANSWER_PLUGIN
#define A_PLUGINS     NGX_SOCKERLESS_ANSWER_PLUGINS
#define A_VOLUME      NGX_SOCKERLESS_ANSWER_VOLUME
#define A_VOLUMES     NGX_SOCKERLESS_ANSWER_VOLUMES
#define A_CONFIG      NGX_SOCKERLESS_ANSWER_CONFIG
#define A_CONFIGS     NGX_SOCKERLESS_ANSWER_CONFIGS
#define A_DF          NGX_SOCKERLESS_ANSWER_DF
#define A_EVENTS      NGX_SOCKERLESS_ANSWER_EVENTS
#define A_SWARM       NGX_SOCKERLESS_ANSWER_SWARM
#define A_NETWORK     NGX_SOCKERLESS_ANSWER_NETWORK


#define ngx_sockerless_op_entry(id, name, method, path, routes, groups,      \
    flags, kind, judge, answer)                                               \
    { ngx_sockerless_op_##id, ngx_string(#name), ngx_string(method),          \
      ngx_string(path), ngx_string(routes), groups, flags, kind, judge,       \
      answer },


static const ngx_sockerless_op_t  ngx_sockerless_ops[] = {
    NGX_SOCKERLESS_OPS(ngx_sockerless_op_entry)
};


static const char  *ngx_sockerless_kind_names[] = {
    "", "container", "exec", "image", "network", "volume", "service",
    "node", "task", "secret", "config", "plugin"
};


const ngx_sockerless_op_t *
ngx_sockerless_op(ngx_int_t id)
{
    if (id < 0 || id >= ngx_sockerless_op_n) {
        return NULL;
    }

    return &ngx_sockerless_ops[id];
}


ngx_uint_t
ngx_sockerless_nops(void)
{
    return ngx_sockerless_op_n;
}


const char *
ngx_sockerless_group_name(ngx_uint_t group)
{
    switch (group) {

    case NGX_SOCKERLESS_GROUP_READ:
        return "read";

    case NGX_SOCKERLESS_GROUP_CONTENT:
        return "content";

    case NGX_SOCKERLESS_GROUP_EXEC:
        return "exec";

    case NGX_SOCKERLESS_GROUP_LIFECYCLE:
        return "lifecycle";

    case NGX_SOCKERLESS_GROUP_CONTAINERS:
        return "containers";

    case NGX_SOCKERLESS_GROUP_IMAGES:
        return "images";

    case NGX_SOCKERLESS_GROUP_BUILD:
        return "build";

    case NGX_SOCKERLESS_GROUP_NETWORKS:
        return "networks";

    case NGX_SOCKERLESS_GROUP_VOLUMES:
        return "volumes";

    case NGX_SOCKERLESS_GROUP_SWARM:
        return "swarm";

    case NGX_SOCKERLESS_GROUP_PLUGINS:
        return "plugins";

    case NGX_SOCKERLESS_GROUP_SYSTEM:
        return "system";

    case NGX_SOCKERLESS_GROUP_REGISTRY:
        return "registry";

    default:
        return NULL;
    }
}


const char *
ngx_sockerless_kind_name(ngx_uint_t kind)
{
    if (kind >= NGX_SOCKERLESS_KIND_N) {
        return "";
    }

    return ngx_sockerless_kind_names[kind];
}
