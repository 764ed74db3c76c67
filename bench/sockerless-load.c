/*
 * Copyright (C) ngx_sockerless developers
 */


/*
 * sockerless-load: the load driver of bench/run, for what wrk cannot do.
 * One process, one thread, one event loop: libcurl's multi interface for
 * HTTP transfers, epoll over raw sockets for hijacked sessions.
 *
 *   sockerless-load rate   -u BASE -p PATH [-c CONNS] [-d SECS | -n COUNT]
 *                          [-X METHOD] [-b BODYFILE]
 *       closed-loop requests on CONNS keepalive connections; prints the
 *       rate, latency percentiles (p50, p99), status counts, errors and
 *       the driver's own CPU use (cpu=1.00 is one core busy)
 *
 *   sockerless-load latency -u BASE -p PATH [-c CONNS] [-d SECS | -n COUNT]
 *       the same for GET on raw sockets (epoll), as cheap per request as
 *       wrk: the latency percentiles of bench/run; responses must carry
 *       Content-Length
 *
 *   sockerless-load cycle  -u BASE -i IMAGE [-c LOOPS] [-d SECS]
 *       LOOPS parallel loops of create, start, wait, remove; prints
 *       completed cycles per second
 *
 *   sockerless-load events -u BASE -p PATH -n COUNT [-t SECS]
 *   sockerless-load hijack -u BASE -p PATH -n COUNT [-t SECS]
 *       opens COUNT concurrent streams (GET PATH through libcurl) or
 *       hijacked sessions (POST PATH with Upgrade: tcp on raw sockets),
 *       prints "ready ok=N failed=M" once every one answered (or after
 *       -t SECS), holds them idle until SIGTERM, SIGINT or SIGUSR1, then
 *       prints "alive=N": how many the far side had not closed
 *
 * BASE is http://HOST:PORT (IPv4).  Every result is one line of
 * key=value pairs on stdout.
 */


#define _GNU_SOURCE

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>


typedef struct {
    const char  *mode;
    const char  *base;
    const char  *path;
    const char  *method;
    const char  *image;
    char        *body;
    size_t       body_len;
    long         conns;
    int          conns_set;
    double       duration;
    long         count;
    double       timeout;
} opts_t;


static volatile sig_atomic_t  stop_flag;


static void
on_signal(int signo)
{
    (void) signo;
    stop_flag = 1;
}


static void
die(const char *fmt, ...)
{
    va_list  ap;

    va_start(ap, fmt);
    fprintf(stderr, "sockerless-load: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(2);
}


static double
now(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}


static double
cpu_seconds(void)
{
    struct rusage  ru;

    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6
           + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}


static void
raise_nofile(void)
{
    struct rlimit  rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        (void) setrlimit(RLIMIT_NOFILE, &rl);
    }
}


static size_t
discard(char *p, size_t size, size_t n, void *data)
{
    (void) p;
    (void) data;
    return size * n;
}


/* latency samples, microseconds */

typedef struct {
    uint32_t  *v;
    size_t     n;
    size_t     cap;
} samples_t;


static void
sample_add(samples_t *s, double usec)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 65536;
        s->v = realloc(s->v, s->cap * sizeof(uint32_t));
        if (s->v == NULL) {
            die("out of memory");
        }
    }

    s->v[s->n++] = usec > 4e9 ? 4000000000u : (uint32_t) usec;
}


static int
cmp_u32(const void *a, const void *b)
{
    uint32_t  x = *(const uint32_t *) a, y = *(const uint32_t *) b;

    return x < y ? -1 : x > y;
}


static uint32_t
percentile(samples_t *s, double p)
{
    size_t  i;

    if (s->n == 0) {
        return 0;
    }

    i = (size_t) (p * (s->n - 1) + 0.5);
    return s->v[i];
}


static char *
read_file(const char *name, size_t *len)
{
    FILE   *f;
    char   *buf;
    long    size;

    f = fopen(name, "rb");
    if (f == NULL) {
        die("%s: %s", name, strerror(errno));
    }

    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, 0, SEEK_SET);

    buf = malloc(size + 1);
    if (buf == NULL || fread(buf, 1, size, f) != (size_t) size) {
        die("%s: cannot read", name);
    }

    fclose(f);
    buf[size] = '\0';
    *len = size;
    return buf;
}


static CURLM *
new_multi(long conns)
{
    CURLM  *m;

    m = curl_multi_init();
    if (m == NULL) {
        die("curl_multi_init failed");
    }

    if (conns > 0) {
        curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, conns);
        curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, conns);
    }

    return m;
}


static CURL *
new_easy(void *priv)
{
    CURL  *e;

    e = curl_easy_init();
    if (e == NULL) {
        die("curl_easy_init failed");
    }

    curl_easy_setopt(e, CURLOPT_PRIVATE, priv);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, 30L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);

    return e;
}


/* rate: closed-loop keepalive requests */

static int
mode_rate(opts_t *o)
{
    long                n, i, started, done, errors;
    long                status[600];
    char                url[4096], codes[2048];
    size_t              len;
    double              t0, t1, c0, c1, elapsed;
    CURL              **e;
    CURLM              *m;
    CURLMsg            *msg;
    double              t, *slot, *due;
    samples_t           lat = { NULL, 0, 0 };
    struct curl_slist  *hdrs = NULL;
    int                 running, left, readded;

    n = o->conns;
    snprintf(url, sizeof(url), "%s%s", o->base, o->path);

    hdrs = curl_slist_append(hdrs, "Expect:");
    if (o->body) {
        hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
    }

    m = new_multi(n);
    e = calloc(n, sizeof(CURL *));
    due = calloc(n, sizeof(double));
    memset(status, 0, sizeof(status));

    for (i = 0; i < n; i++) {
        e[i] = new_easy(&due[i]);
        curl_easy_setopt(e[i], CURLOPT_URL, url);
        curl_easy_setopt(e[i], CURLOPT_HTTPHEADER, hdrs);

        if (o->body) {
            curl_easy_setopt(e[i], CURLOPT_POSTFIELDS, o->body);
            curl_easy_setopt(e[i], CURLOPT_POSTFIELDSIZE_LARGE,
                             (curl_off_t) o->body_len);
        }

        if (o->method && strcmp(o->method, o->body ? "POST" : "GET") != 0) {
            curl_easy_setopt(e[i], CURLOPT_CUSTOMREQUEST, o->method);
        }
    }

    started = done = errors = 0;
    t0 = now();
    c0 = cpu_seconds();

    for (i = 0; i < n && (o->count == 0 || started < o->count); i++) {
        due[i] = t0;
        curl_multi_add_handle(m, e[i]);
        started++;
    }

    for ( ;; ) {
        curl_multi_perform(m, &running);
        readded = 0;

        while ((msg = curl_multi_info_read(m, &left)) != NULL) {
            long  code = 0;

            if (msg->msg != CURLMSG_DONE) {
                continue;
            }

            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &slot);
            t = now();

            if (msg->data.result == CURLE_OK) {
                curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE,
                                  &code);
                status[code > 0 && code < 600 ? code : 0]++;

                /* from the moment the request was due: the driver's own
                   delays count against it, never for it */
                sample_add(&lat, (t - *slot) * 1e6);

            } else {
                errors++;
            }

            done++;
            curl_multi_remove_handle(m, msg->easy_handle);

            if (stop_flag
                || (o->count && started >= o->count)
                || (o->count == 0 && t - t0 >= o->duration))
            {
                continue;
            }

            *slot = t;
            curl_multi_add_handle(m, msg->easy_handle);
            started++;
            readded++;
        }

        if (done >= started) {
            break;
        }

        if (stop_flag || (o->count == 0 && now() - t0 >= o->duration + 30)) {
            break;
        }

        if (readded == 0) {
            curl_multi_poll(m, NULL, 0, 100, NULL);
        }
    }

    t1 = now();
    c1 = cpu_seconds();
    elapsed = t1 - t0;

    qsort(lat.v, lat.n, sizeof(uint32_t), cmp_u32);

    len = 0;
    codes[0] = '\0';
    for (i = 0; i < 600; i++) {
        if (status[i] && len < sizeof(codes) - 32) {
            len += snprintf(codes + len, sizeof(codes) - len, "%s%ld:%ld",
                            len ? "," : "", i, status[i]);
        }
    }

    printf("requests=%ld errors=%ld seconds=%.3f rps=%.1f p50_us=%u "
           "p99_us=%u cpu=%.2f status=%s\n",
           done - errors, errors, elapsed, (done - errors) / elapsed,
           percentile(&lat, 0.50), percentile(&lat, 0.99),
           (c1 - c0) / elapsed, len ? codes : "none");

    for (i = 0; i < n; i++) {
        curl_easy_cleanup(e[i]);
    }

    curl_multi_cleanup(m);
    curl_slist_free_all(hdrs);
    free(e);
    free(due);
    free(lat.v);

    return errors ? 1 : 0;
}


/* latency: closed-loop keepalive GETs on raw sockets, as cheap per request
   as wrk, for percentiles that measure the server and not the driver */

typedef struct {
    int      fd;
    int      state;     /* 0 connecting, 1 sending, 2 reading */
    size_t   sent;
    size_t   got;
    long     want;      /* header + body length, once the header is in */
    double   due;
    char     buf[16384];
} conn_t;


static int
conn_open(int ep, conn_t *c, struct sockaddr_in *sin)
{
    int                 one = 1;
    struct epoll_event  ev;

    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (c->fd < 0) {
        return -1;
    }

    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));

    if (connect(c->fd, (struct sockaddr *) sin, sizeof(*sin)) < 0
        && errno != EINPROGRESS)
    {
        close(c->fd);
        c->fd = -1;
        return -1;
    }

    c->state = 0;
    c->sent = c->got = 0;
    c->want = -1;

    ev.events = EPOLLOUT | EPOLLIN | EPOLLRDHUP;
    ev.data.ptr = c;
    epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);

    return 0;
}


static void parse_base(const char *base, struct sockaddr_in *sin);


static int
mode_latency(opts_t *o)
{
    int                  ep, k, nev, stopping;
    long                 n, i, done, errors, active, started, status[600];
    char                 req[4096], codes[2048];
    size_t               req_len, len;
    ssize_t              r;
    double               t, t0, c0, c1, elapsed;
    conn_t              *conns, *c;
    samples_t            lat = { NULL, 0, 0 };
    struct epoll_event   ev, evs[256];
    struct sockaddr_in   sin;

    n = o->conns;
    parse_base(o->base, &sin);

    req_len = snprintf(req, sizeof(req),
                       "GET %s HTTP/1.1\r\n"
                       "Host: docker\r\n"
                       "User-Agent: sockerless-load\r\n"
                       "\r\n", o->path);

    memset(status, 0, sizeof(status));
    ep = epoll_create1(0);
    conns = calloc(n, sizeof(conn_t));

    t0 = now();
    c0 = cpu_seconds();
    done = errors = 0;
    stopping = 0;
    started = n;

    for (i = 0; i < n; i++) {
        conns[i].due = t0;
        if (conn_open(ep, &conns[i], &sin) != 0) {
            die("connect: %s", strerror(errno));
        }
    }

    active = n;

    while (active > 0) {
        nev = epoll_wait(ep, evs, 256, 100);
        t = now();

        if (!stopping && (stop_flag
                          || (o->count == 0 && t - t0 >= o->duration)))
        {
            stopping = 1;
        }

        for (k = 0; k < nev; k++) {
            c = evs[k].data.ptr;

            if (c->state == 0 || c->state == 1) {
                if (!(evs[k].events & EPOLLOUT)) {
                    if (evs[k].events & (EPOLLERR | EPOLLHUP)) {
                        goto failed;
                    }
                    continue;
                }

                r = send(c->fd, req + c->sent, req_len - c->sent,
                         MSG_NOSIGNAL);
                if (r < 0) {
                    if (errno == EAGAIN) {
                        continue;
                    }
                    goto failed;
                }

                c->sent += r;
                c->state = 1;

                if (c->sent == req_len) {
                    c->state = 2;
                    c->got = 0;
                    c->want = -1;
                    ev.events = EPOLLIN | EPOLLRDHUP;
                    ev.data.ptr = c;
                    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
                }

                continue;
            }

            /* state 2: the response */

            r = recv(c->fd, c->buf + c->got, sizeof(c->buf) - 1 - c->got, 0);
            if (r < 0 && errno == EAGAIN) {
                continue;
            }

            if (r <= 0) {
                goto failed;
            }

            c->got += r;
            c->buf[c->got] = '\0';

            if (c->want < 0) {
                char  *end, *cl;
                long   code;

                end = strstr(c->buf, "\r\n\r\n");
                if (end == NULL) {
                    if (c->got == sizeof(c->buf) - 1) {
                        goto failed;
                    }
                    continue;
                }

                *end = '\0';
                cl = strcasestr(c->buf, "\r\nContent-Length:");

                if (cl == NULL || strncmp(c->buf, "HTTP/1.1 ", 9) != 0) {
                    /* chunked or unterminated bodies: not for this mode */
                    if (errors < 3) {
                        fprintf(stderr, "sockerless-load: latency mode needs "
                                "Content-Length: %.200s\n", c->buf);
                    }
                    *end = '\r';
                    goto failed;
                }

                code = atol(c->buf + 9);
                status[code > 0 && code < 600 ? code : 0]++;
                c->want = (end + 4 - c->buf) + atol(cl + 17);
                *end = '\r';
            }

            if ((long) c->got < c->want) {
                continue;
            }

            /* a whole response: one sample, and the next request at once */

            sample_add(&lat, (t - c->due) * 1e6);
            done++;

            if (stopping || (o->count && started >= o->count)) {
                epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
                close(c->fd);
                c->fd = -1;
                active--;
                continue;
            }

            started++;
            c->due = t;
            c->sent = 0;
            c->state = 1;

            r = send(c->fd, req, req_len, MSG_NOSIGNAL);
            if (r > 0) {
                c->sent = r;
            }

            if (c->sent == req_len) {
                c->state = 2;
                c->got = 0;
                c->want = -1;

            } else {
                ev.events = EPOLLOUT | EPOLLRDHUP;
                ev.data.ptr = c;
                epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
            }

            continue;

        failed:

            /* a closed or broken connection: count it, open another */

            errors++;
            epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
            close(c->fd);
            c->fd = -1;

            if (stopping || conn_open(ep, c, &sin) != 0) {
                active--;
                continue;
            }

            c->due = t;
        }

        if (stopping && t - t0 > o->duration + 30) {
            break;
        }
    }

    elapsed = now() - t0;
    c1 = cpu_seconds();

    qsort(lat.v, lat.n, sizeof(uint32_t), cmp_u32);

    len = 0;
    codes[0] = '\0';
    for (i = 0; i < 600; i++) {
        if (status[i] && len < sizeof(codes) - 32) {
            len += snprintf(codes + len, sizeof(codes) - len, "%s%ld:%ld",
                            len ? "," : "", i, status[i]);
        }
    }

    printf("requests=%ld errors=%ld seconds=%.3f rps=%.1f p50_us=%u "
           "p99_us=%u cpu=%.2f status=%s\n",
           done, errors, elapsed, done / elapsed,
           percentile(&lat, 0.50), percentile(&lat, 0.99),
           (c1 - c0) / elapsed, len ? codes : "none");

    for (i = 0; i < n; i++) {
        if (conns[i].fd >= 0) {
            close(conns[i].fd);
        }
    }

    close(ep);
    free(conns);
    free(lat.v);

    return errors ? 1 : 0;
}


/* cycle: create, start, wait, remove */

enum { S_CREATE, S_START, S_WAIT, S_REMOVE };

typedef struct {
    CURL    *e;
    int      step;
    int      failed;
    char     id[80];
    char     resp[4096];
    size_t   resp_len;
} loop_t;


static size_t
keep_response(char *p, size_t size, size_t n, void *data)
{
    loop_t  *l = data;
    size_t   len = size * n, room;

    room = sizeof(l->resp) - 1 - l->resp_len;
    if (len < room) {
        room = len;
    }

    memcpy(l->resp + l->resp_len, p, room);
    l->resp_len += room;
    l->resp[l->resp_len] = '\0';

    return len;
}


static void
loop_request(opts_t *o, loop_t *l, char *create_body)
{
    char  url[4096];

    l->resp_len = 0;
    l->resp[0] = '\0';

    curl_easy_setopt(l->e, CURLOPT_CUSTOMREQUEST, NULL);

    switch (l->step) {

    case S_CREATE:
        snprintf(url, sizeof(url), "%s/containers/create", o->base);
        curl_easy_setopt(l->e, CURLOPT_POSTFIELDS, create_body);
        curl_easy_setopt(l->e, CURLOPT_POSTFIELDSIZE_LARGE,
                         (curl_off_t) strlen(create_body));
        break;

    case S_START:
    case S_WAIT:
        snprintf(url, sizeof(url), "%s/containers/%s/%s", o->base, l->id,
                 l->step == S_START ? "start" : "wait");
        curl_easy_setopt(l->e, CURLOPT_POSTFIELDS, "");
        curl_easy_setopt(l->e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) 0);
        break;

    default: /* S_REMOVE */
        snprintf(url, sizeof(url), "%s/containers/%s?force=1", o->base,
                 l->id);
        curl_easy_setopt(l->e, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(l->e, CURLOPT_CUSTOMREQUEST, "DELETE");
        break;
    }

    curl_easy_setopt(l->e, CURLOPT_URL, url);
}


static int
mode_cycle(opts_t *o)
{
    long                n, i, cycles, errors;
    char                create_body[1024];
    double              t0, elapsed;
    loop_t             *loops, *l;
    CURLM              *m;
    CURLMsg            *msg;
    struct curl_slist  *hdrs = NULL;
    int                 running, left, want;

    n = o->conns;
    snprintf(create_body, sizeof(create_body),
             "{\"Image\":\"%s\",\"Cmd\":[\"true\"],"
             "\"HostConfig\":{\"NetworkMode\":\"none\"}}", o->image);

    hdrs = curl_slist_append(hdrs, "Expect:");
    hdrs = curl_slist_append(hdrs, "Content-Type: application/json");

    m = new_multi(n);
    loops = calloc(n, sizeof(loop_t));

    for (i = 0; i < n; i++) {
        l = &loops[i];
        l->e = new_easy(l);
        curl_easy_setopt(l->e, CURLOPT_HTTPHEADER, hdrs);
        curl_easy_setopt(l->e, CURLOPT_WRITEFUNCTION, keep_response);
        curl_easy_setopt(l->e, CURLOPT_WRITEDATA, l);
        l->step = S_CREATE;
        loop_request(o, l, create_body);
        curl_multi_add_handle(m, l->e);
    }

    cycles = errors = 0;
    t0 = now();

    for ( ;; ) {
        curl_multi_perform(m, &running);

        while ((msg = curl_multi_info_read(m, &left)) != NULL) {
            long   code = 0;
            char  *p, *q;

            if (msg->msg != CURLMSG_DONE) {
                continue;
            }

            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &l);
            curl_multi_remove_handle(m, l->e);

            if (msg->data.result == CURLE_OK) {
                curl_easy_getinfo(l->e, CURLINFO_RESPONSE_CODE, &code);
            }

            want = l->step == S_CREATE ? 201
                   : l->step == S_WAIT ? 200 : 204;

            if (code != want) {
                errors++;
                l->failed = 1;

                if (errors <= 3) {
                    fprintf(stderr, "sockerless-load: step %d: %ld %s\n",
                            l->step, code, l->resp);
                }
            }

            if (l->step == S_CREATE) {
                l->id[0] = '\0';
                p = strstr(l->resp, "\"Id\":\"");

                if (code == 201 && p) {
                    p += 6;
                    q = strchr(p, '"');
                    if (q && q - p < (long) sizeof(l->id)) {
                        memcpy(l->id, p, q - p);
                        l->id[q - p] = '\0';
                    }
                }

                l->step = l->id[0] ? S_START : S_CREATE;

            } else if (l->step == S_REMOVE) {
                if (!l->failed) {
                    cycles++;
                }

                l->failed = 0;
                l->step = S_CREATE;

            } else {
                l->step = l->failed ? S_REMOVE : l->step + 1;
            }

            /* a loop ends only between cycles: nothing is left behind */

            if (l->step == S_CREATE
                && (stop_flag || now() - t0 >= o->duration))
            {
                continue;
            }

            loop_request(o, l, create_body);
            curl_multi_add_handle(m, l->e);
        }

        if (running == 0 && curl_multi_info_read(m, &left) == NULL) {
            int  busy = 0;

            for (i = 0; i < n; i++) {
                busy += loops[i].step != S_CREATE;
            }

            if (busy == 0 && (stop_flag || now() - t0 >= o->duration)) {
                break;
            }
        }

        if (now() - t0 > o->duration + 120) {
            break;
        }

        curl_multi_poll(m, NULL, 0, 100, NULL);
    }

    elapsed = now() - t0;

    printf("cycles=%ld errors=%ld seconds=%.3f rate=%.2f\n",
           cycles, errors, elapsed, cycles / elapsed);

    for (i = 0; i < n; i++) {
        curl_easy_cleanup(loops[i].e);
    }

    curl_multi_cleanup(m);
    curl_slist_free_all(hdrs);
    free(loops);

    return errors ? 1 : 0;
}


/* events: COUNT concurrent streaming GETs */

typedef struct {
    CURL  *e;
    int    state;       /* 0 waiting, 1 ready, 2 failed, 3 ended */
} stream_t;


static size_t
stream_header(char *p, size_t size, size_t n, void *data)
{
    stream_t  *s = data;
    long       code = 0;

    if (size * n == 2 && p[0] == '\r' && s->state == 0) {
        curl_easy_getinfo(s->e, CURLINFO_RESPONSE_CODE, &code);
        s->state = code == 200 ? 1 : 2;
    }

    return size * n;
}


static int
mode_events(opts_t *o)
{
    long        n, i, ok, failed, ended, added, answered, window;
    char        url[4096];
    double      t0;
    stream_t   *s;
    CURLM      *m;
    CURLMsg    *msg;
    int         running, left, reported = 0;

    n = o->count;
    snprintf(url, sizeof(url), "%s%s", o->base, o->path);

    m = new_multi(0);
    s = calloc(n, sizeof(stream_t));

    /* at most "window" streams opening at a time, as in mode_hijack */

    window = o->conns_set ? o->conns : 256;
    added = 0;

    t0 = now();

    while (!stop_flag) {

        for (answered = 0, i = 0; i < added; i++) {
            answered += s[i].state != 0;
        }

        while (added < n && added - answered < window) {
            i = added++;
            s[i].e = new_easy(&s[i]);
            curl_easy_setopt(s[i].e, CURLOPT_URL, url);
            curl_easy_setopt(s[i].e, CURLOPT_HEADERFUNCTION, stream_header);
            curl_easy_setopt(s[i].e, CURLOPT_HEADERDATA, &s[i]);
            curl_multi_add_handle(m, s[i].e);
        }

        curl_multi_perform(m, &running);

        while ((msg = curl_multi_info_read(m, &left)) != NULL) {
            stream_t  *d;

            if (msg->msg != CURLMSG_DONE) {
                continue;
            }

            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &d);
            d->state = d->state == 1 ? 3 : 2;
            curl_multi_remove_handle(m, d->e);
        }

        if (!reported) {
            ok = failed = 0;
            for (i = 0; i < n; i++) {
                ok += s[i].state == 1;
                failed += s[i].state >= 2;
            }

            if (ok + failed == n || now() - t0 > o->timeout) {
                printf("ready ok=%ld failed=%ld seconds=%.3f\n", ok,
                       n - ok, now() - t0);
                fflush(stdout);
                reported = 1;
            }
        }

        curl_multi_poll(m, NULL, 0, 200, NULL);
    }

    ok = ended = 0;
    for (i = 0; i < n; i++) {
        ok += s[i].state == 1;
        ended += s[i].state == 3;
    }

    printf("alive=%ld ended=%ld\n", ok, ended);

    for (i = 0; i < added; i++) {
        curl_multi_remove_handle(m, s[i].e);
        curl_easy_cleanup(s[i].e);
    }

    curl_multi_cleanup(m);
    free(s);

    return 0;
}


/* hijack: COUNT idle upgraded sessions on raw sockets */

typedef struct {
    int      fd;
    int      state;     /* 0 connecting, 1 reading header, 2 up, 3 failed,
                           4 ended */
    int      opening_done;
    size_t   sent;
    size_t   got;
    char     head[1024];
} session_t;


static void
parse_base(const char *base, struct sockaddr_in *sin)
{
    char         host[256];
    unsigned     port;

    if (sscanf(base, "http://%255[^:]:%u", host, &port) != 2) {
        die("base %s: want http://IPv4:PORT", base);
    }

    memset(sin, 0, sizeof(*sin));
    sin->sin_family = AF_INET;
    sin->sin_port = htons(port);

    if (inet_pton(AF_INET, host, &sin->sin_addr) != 1) {
        die("base %s: want an IPv4 address", base);
    }
}


static int
mode_hijack(opts_t *o)
{
    int                  ep, k, nev, one = 1;
    long                 n, i, ok, failed, ended;
    char                 req[4096], buf[65536];
    size_t               req_len;
    ssize_t              r;
    double               t0;
    session_t           *s, *x;
    struct epoll_event   ev, evs[256];
    struct sockaddr_in   sin;
    int                  reported = 0, failures = 0;
    long                 opened, opening, window;

    n = o->count;
    parse_base(o->base, &sin);

    req_len = snprintf(req, sizeof(req),
                       "POST %s HTTP/1.1\r\n"
                       "Host: docker\r\n"
                       "User-Agent: sockerless-load\r\n"
                       "Content-Type: text/plain\r\n"
                       "Connection: Upgrade\r\n"
                       "Upgrade: tcp\r\n"
                       "\r\n", o->path);

    ep = epoll_create1(0);
    s = calloc(n, sizeof(session_t));

    /*
     * at most "window" sessions are opening at a time: a burst of
     * thousands overflows the listen queue of dockerd's unix socket,
     * where connect() fails with EAGAIN instead of waiting
     */

    opened = 0;
    opening = 0;
    window = o->conns_set ? o->conns : 256;

    t0 = now();

    while (!stop_flag) {

        while (opened < n && opening < window) {
            x = &s[opened++];
            x->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
            if (x->fd < 0) {
                die("socket: %s", strerror(errno));
            }

            setsockopt(x->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));

            if (connect(x->fd, (struct sockaddr *) &sin, sizeof(sin)) < 0
                && errno != EINPROGRESS)
            {
                x->state = 3;
                close(x->fd);
                x->fd = -1;
                continue;
            }

            opening++;
            ev.events = EPOLLOUT | EPOLLIN | EPOLLRDHUP;
            ev.data.ptr = x;
            epoll_ctl(ep, EPOLL_CTL_ADD, x->fd, &ev);
        }

        nev = epoll_wait(ep, evs, 256, 200);

        for (k = 0; k < nev; k++) {
            x = evs[k].data.ptr;

            if (x->state == 0 && (evs[k].events & EPOLLOUT)) {
                r = send(x->fd, req + x->sent, req_len - x->sent,
                         MSG_NOSIGNAL);
                if (r < 0 && errno != EAGAIN) {
                    x->state = 3;
                    goto close;
                }

                if (r > 0) {
                    x->sent += r;
                }

                if (x->sent == req_len) {
                    x->state = 1;
                    ev.events = EPOLLIN | EPOLLRDHUP;
                    ev.data.ptr = x;
                    epoll_ctl(ep, EPOLL_CTL_MOD, x->fd, &ev);
                }

                continue;
            }

            if (!(evs[k].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP
                                   | EPOLLERR)))
            {
                continue;
            }

            if (x->state == 1) {
                char  *end;

                r = recv(x->fd, x->head + x->got,
                         sizeof(x->head) - 1 - x->got, 0);
                if (r <= 0) {
                    if (r < 0 && errno == EAGAIN) {
                        continue;
                    }

                    x->state = 3;
                    goto close;
                }

                x->got += r;
                x->head[x->got] = '\0';
                end = strstr(x->head, "\r\n\r\n");

                if (end == NULL) {
                    if (x->got == sizeof(x->head) - 1) {
                        x->state = 3;
                        goto close;
                    }

                    continue;
                }

                x->state = (strncmp(x->head, "HTTP/1.1 101", 12) == 0
                            || strncmp(x->head, "HTTP/1.1 200", 12) == 0)
                           ? 2 : 3;
                opening--;
                x->opening_done = 1;

                if (x->state == 3) {
                    if (failures++ < 3) {
                        fprintf(stderr, "sockerless-load: %.200s\n",
                                x->head);
                    }

                    goto close;
                }

                continue;
            }

            /* state 2: an idle session; the far side may write or close */

            r = recv(x->fd, buf, sizeof(buf), 0);
            if (r > 0 || (r < 0 && errno == EAGAIN)) {
                continue;
            }

            x->state = 4;

        close:

            if (!x->opening_done) {
                opening--;
                x->opening_done = 1;
            }

            epoll_ctl(ep, EPOLL_CTL_DEL, x->fd, NULL);
            close(x->fd);
            x->fd = -1;
        }

        if (!reported) {
            ok = failed = 0;
            for (i = 0; i < n; i++) {
                ok += s[i].state == 2;
                failed += s[i].state >= 3;
            }

            if (ok + failed == n || now() - t0 > o->timeout) {
                printf("ready ok=%ld failed=%ld seconds=%.3f\n", ok,
                       n - ok, now() - t0);
                fflush(stdout);
                reported = 1;
            }
        }
    }

    ok = ended = 0;
    for (i = 0; i < n; i++) {
        ok += s[i].state == 2;
        ended += s[i].state == 4;

        if (s[i].fd >= 0) {
            close(s[i].fd);
        }
    }

    printf("alive=%ld ended=%ld\n", ok, ended);

    close(ep);
    free(s);

    return 0;
}


static void
usage(void)
{
    fprintf(stderr,
        "usage: sockerless-load rate|latency|cycle|events|hijack -u http://HOST:PORT\n"
        "       [-p PATH] [-c CONNS] [-d SECS] [-n COUNT] [-X METHOD]\n"
        "       [-b BODYFILE] [-i IMAGE] [-t SECS]\n");
    exit(2);
}


int
main(int argc, char **argv)
{
    int               ch, rc;
    opts_t            o;
    struct sigaction  sa;

    if (argc < 2) {
        usage();
    }

    memset(&o, 0, sizeof(o));
    o.mode = argv[1];
    o.path = "/_ping";
    o.conns = 16;
    o.duration = 5;
    o.timeout = 60;

    optind = 2;

    while ((ch = getopt(argc, argv, "u:p:c:d:n:X:b:i:t:")) != -1) {
        switch (ch) {
        case 'u': o.base = optarg; break;
        case 'p': o.path = optarg; break;
        case 'c': o.conns = atol(optarg); o.conns_set = 1; break;
        case 'd': o.duration = atof(optarg); break;
        case 'n': o.count = atol(optarg); break;
        case 'X': o.method = optarg; break;
        case 'b': o.body = read_file(optarg, &o.body_len); break;
        case 'i': o.image = optarg; break;
        case 't': o.timeout = atof(optarg); break;
        default: usage();
        }
    }

    if (o.base == NULL || o.conns < 1) {
        usage();
    }

    raise_nofile();

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        die("curl_global_init failed");
    }

    if (strcmp(o.mode, "rate") == 0) {
        rc = mode_rate(&o);

    } else if (strcmp(o.mode, "latency") == 0) {
        rc = mode_latency(&o);

    } else if (strcmp(o.mode, "cycle") == 0) {
        if (o.image == NULL) {
            usage();
        }
        rc = mode_cycle(&o);

    } else if (strcmp(o.mode, "events") == 0 && o.count > 0) {
        rc = mode_events(&o);

    } else if (strcmp(o.mode, "hijack") == 0 && o.count > 0) {
        rc = mode_hijack(&o);

    } else {
        usage();
    }

    curl_global_cleanup();

    return rc;
}
