/* chat.c: end-to-end chat figures on the running stack, for the bench.
 *
 *   chat --port PORT --setup FILE [--chats 1000] [--polls 5000]
 *        [--visitor-polls 1] [--secs 10] [--rate 0] [--race 200]
 *
 * A plain HTTP/1.1 client over keep-alive connections to nginx, one epoll
 * loop, one thread. FILE (tests/bench/chat.mjs writes it) names the widget
 * ("key KEY"), the department of the chats ("dept ID"), its agents ("agent
 * ID BEARER", each line one) and agents of another department that only
 * poll ("idle ID BEARER"). Everything goes through the real API:
 *   1. CHATS visitors start a request (POST /api/w/KEY/conversations) and
 *      agent i % AGENTS accepts chat i (POST /api/conversations/ID/accept);
 *   2. POLLS parked polls: one /api/events per agent (its stream user-N
 *      gets the visitors' messages), one conversation poll per chat
 *      (/api/w/KEY/conversations/ID/events, the visitor's widget; its own
 *      message comes back there too) unless --visitor-polls 0, and the rest
 *      idle /api/events polls of the idle agents (streams nobody writes);
 *   3. for SECS seconds each chat's visitor sends (POST .../messages with a
 *      client id, X-Parley-Visitor), one at a time on its own connection,
 *      as fast as answers come (--rate 0) or paced to RATE a second in all;
 *      each send's "message.new" is awaited on the holder's poll: latency
 *      from the send's start to the poll answer that carries it; then
 *      events lost (never arrived within 5 s of the last answer),
 *      duplicated, or on the wrong agent's stream (the visitors' own
 *      echoes on their conversation polls are awaited and counted too);
 *      and over those seconds the CPU of the --watch processes, this
 *      client and the machine, and MariaDB's counters per message
 *      (--db-socket);
 *   4. RACE requests offered to the department: all its agents POST accept
 *      at once on their own connections; the winner's and the losers'
 *      answer times, and exactly one 200 and AGENTS-1 409 per request.
 * Prints figures; exits 1 when an event was lost, duplicated or misplaced,
 * or a race had other than one winner.
 */
/* SPDX-License-Identifier: MIT */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* memmem, strcasestr */
#endif
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

/* --- small things -------------------------------------------------------
 */

static void
die(const char *what)
{
	fprintf(stderr, "chat: %s\n", what);
	exit(2);
}

static void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		die("out of memory");
	return q;
}

static char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		die("out of memory");
	return p;
}

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A growable list of latencies in ms. */
struct lat {
	double *v;
	size_t  n, cap;
};

static void
lat_add(struct lat *l, double ms)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 1024;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = ms;
}

static int
dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
lat_q(struct lat *l, double q)
{
	size_t i;

	if (l->n == 0)
		return 0;
	i = (size_t)(q * (double)l->n);
	return l->v[i < l->n ? i : l->n - 1];
}

static void
lat_print(const char *name, struct lat *l)
{
	qsort(l->v, l->n, sizeof(*l->v), dcmp);
	printf(
	    "  %-28s n=%zu p50=%.1f ms p90=%.1f ms p99=%.1f ms max=%.1f ms\n",
	    name, l->n, lat_q(l, 0.5), lat_q(l, 0.9), lat_q(l, 0.99),
	    l->n ? l->v[l->n - 1] : 0.0);
}

/* --- connections ----------------------------------------------------------
 */

struct conn;
typedef void done_fn(struct conn *c, int status, json_object *data);

enum cstate {
	C_CLOSED,
	C_CONNECTING,
	C_IDLE,
	C_WRITING,
	C_READING
};

struct conn {
	int          fd;
	enum cstate  st;
	char        *req; /* the request in flight, heap */
	size_t       reqlen, reqoff;
	char        *rb; /* the answer so far */
	size_t       rlen, rcap;
	done_fn     *done;
	int          kind, idx; /* the owner's */
	int64_t      t0;        /* when the request was handed over */
	bool         retry;     /* resend on a closed connection */
	uint32_t     src;       /* a loopback source address, 0: any */
	int          tries;
	struct conn *next_free; /* setup pool */
};

static int                ep;
static struct sockaddr_in addr;
static const char        *host = "127.0.0.1";
static int                port = 8080;
static long               inflight; /* requests not yet answered */
static long               neterrors;

static void
conn_watch(struct conn *c, uint32_t ev)
{
	struct epoll_event e = { .events = ev, .data.ptr = c };

	if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &e) != 0)
		die("epoll_ctl MOD");
}

static void
conn_close(struct conn *c)
{
	if (c->fd >= 0) {
		epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
	}
	c->fd = -1;
	c->st = C_CLOSED;
	c->rlen = 0;
}

static void
conn_open(struct conn *c)
{
	struct epoll_event e = { .events = EPOLLOUT, .data.ptr = c };
	int                one = 1;

	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		die("socket (raise ulimit -n)");
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (c->src != 0) {
		struct sockaddr_in sa = { .sin_family = AF_INET };

		sa.sin_addr.s_addr = htonl(c->src);
		if (bind(c->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
			die("bind to a loopback address");
	}
	if (connect(c->fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 &&
	    errno != EINPROGRESS)
		die("connect");
	if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &e) != 0)
		die("epoll_ctl ADD");
	c->st = C_CONNECTING;
}

/* A failed exchange: resend once on a fresh connection when the request
 * may be repeated (polls, sends with a client id), else answer 0. */
static void
conn_fail(struct conn *c)
{
	conn_close(c);
	if (c->retry && c->tries++ < 3) {
		c->reqoff = 0;
		conn_open(c);
		return;
	}
	neterrors++;
	inflight--;
	free(c->req);
	c->req = NULL;
	c->done(c, 0, NULL);
}

static void
conn_write(struct conn *c)
{
	while (c->reqoff < c->reqlen) {
		ssize_t n =
		    write(c->fd, c->req + c->reqoff, c->reqlen - c->reqoff);

		if (n < 0 && errno == EAGAIN) {
			conn_watch(c, EPOLLOUT);
			c->st = C_WRITING;
			return;
		}
		if (n <= 0) {
			conn_fail(c);
			return;
		}
		c->reqoff += (size_t)n;
	}
	c->st = C_READING;
	conn_watch(c, EPOLLIN);
}

/* Hand over a request built in c->req (heap) and start it. */
static void
conn_start(struct conn *c, char *req, done_fn *fn, bool retry)
{
	c->req = req;
	c->reqlen = strlen(req);
	c->reqoff = 0;
	c->done = fn;
	c->retry = retry;
	c->tries = 0;
	c->rlen = 0;
	c->t0 = now_ns();
	inflight++;
	if (c->st == C_CLOSED)
		conn_open(c);
	else
		conn_write(c);
}

/* A complete answer: its status and the envelope's data. */
static void
conn_answer(struct conn *c, size_t hlen, size_t blen, bool closing)
{
	int          status = atoi(c->rb + 9);
	json_object *o, *data = NULL;
	char         save = c->rb[hlen + blen];
	done_fn     *fn = c->done;

	c->rb[hlen + blen] = '\0';
	o = json_tokener_parse(c->rb + hlen);
	c->rb[hlen + blen] = save;
	if (o != NULL && !json_object_object_get_ex(o, "data", &data))
		json_object_object_get_ex(o, "error", &data);
	c->rlen = 0;
	free(c->req);
	c->req = NULL;
	inflight--;
	if (closing)
		conn_close(c);
	else
		c->st = C_IDLE;
	fn(c, status, data);
	json_object_put(o);
}

static void
conn_read(struct conn *c)
{
	for (;;) {
		ssize_t     n;
		const char *he, *cl;
		size_t      hlen, blen;

		if (c->rcap - c->rlen < 4096) {
			c->rcap = c->rcap ? 2 * c->rcap : 16384;
			c->rb = xrealloc(c->rb, c->rcap);
		}
		n = read(c->fd, c->rb + c->rlen, c->rcap - c->rlen - 1);
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			conn_fail(c);
			return;
		}
		c->rlen += (size_t)n;
		c->rb[c->rlen] = '\0';
		he = memmem(c->rb, c->rlen, "\r\n\r\n", 4);
		if (he == NULL)
			continue;
		hlen = (size_t)(he - c->rb) + 4;
		c->rb[hlen - 2] = '\0'; /* headers only, for the searches */
		cl = strcasestr(c->rb, "\r\ncontent-length:");
		if (cl == NULL || strncmp(c->rb, "HTTP/1.", 7) != 0) {
			fprintf(stderr, "chat: an answer without a length\n");
			conn_fail(c);
			return;
		}
		blen = (size_t)strtoul(cl + 17, NULL, 10);
		bool closing =
		    strcasestr(c->rb, "\r\nconnection: close") != NULL;
		c->rb[hlen - 2] = '\r';
		if (c->rlen >= hlen + blen) {
			conn_answer(c, hlen, blen, closing);
			return;
		}
	}
}

static void
conn_event(struct conn *c, uint32_t ev)
{
	if (c->st == C_CONNECTING) {
		int       err = 0;
		socklen_t l = sizeof(err);

		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &l);
		if (err != 0) {
			conn_fail(c);
			return;
		}
		c->st = C_WRITING;
		conn_write(c);
		return;
	}
	if (c->st == C_WRITING && (ev & EPOLLOUT)) {
		conn_write(c);
		return;
	}
	if (c->st == C_READING)
		conn_read(c);
	else if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR)) /* idle: closed */
		conn_close(c);
}

/* One turn of the loop, waiting at most ms. */
static void
loop_once(int ms)
{
	struct epoll_event evs[512];
	int                n = epoll_wait(ep, evs, 512, ms);

	for (int i = 0; i < n; i++)
		conn_event(evs[i].data.ptr, evs[i].events);
}

/* Run until no request is in flight (or ms passed). */
static void
loop_drain(int64_t ms)
{
	int64_t end = now_ns() + ms * 1000000;

	while (inflight > 0 && now_ns() < end)
		loop_once(10);
}

static char *
req_build(const char *method, const char *path, const char *auth_name,
    const char *auth, const char *body)
{
	size_t blen = body ? strlen(body) : 0;
	size_t n = strlen(path) + (auth ? strlen(auth) : 0) + blen + 256;
	char  *r = xrealloc(NULL, n);

	snprintf(r, n,
	    "%s %s HTTP/1.1\r\nHost: %s:%d\r\n%s%s%s%s"
	    "%s%zu\r\n\r\n%s",
	    method, path, host, port, auth ? auth_name : "", auth ? auth : "",
	    auth ? "\r\n" : "",
	    body ? "Content-Type: application/json\r\n" : "",
	    "Content-Length: ", blen, body ? body : "");
	return r;
}

/* The URL encoding of a cursor (letters, digits, "-", "." and "_" kept). */
static void
urlenc(char *out, size_t cap, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t            o = 0;

	for (; *s != '\0' && o + 4 < cap; s++) {
		unsigned char ch = (unsigned char)*s;

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' ||
		    ch == '_') {
			out[o++] = (char)ch;
		} else {
			out[o++] = '%';
			out[o++] = hex[ch >> 4];
			out[o++] = hex[ch & 15];
		}
	}
	out[o] = '\0';
}

static const char *
jstr(json_object *o, const char *k)
{
	json_object *v;

	if (o == NULL || !json_object_object_get_ex(o, k, &v))
		return NULL;
	return json_object_get_string(v);
}

static int64_t
jint(json_object *o, const char *k)
{
	json_object *v;

	if (o == NULL || !json_object_object_get_ex(o, k, &v))
		return 0;
	return json_object_get_int64(v);
}

/* --- the model ------------------------------------------------------------
 */

struct agent {
	int64_t     id;
	char       *bearer; /* "Bearer ..." */
	struct conn act;    /* accepts */
	int         status; /* the race's answer */
	int64_t     t_answer;
};

struct chat {
	int64_t     id;
	char       *token; /* the visitor's */
	char       *cursor;
	int         holder; /* agent index */
	struct conn send;
	int         nsent; /* sends started */
	int64_t    *t0;    /* per seq: the send's start */
	uint8_t    *got;   /* per seq: deliveries to the holder */
	uint8_t    *ok;    /* per seq: answered 2xx */
	int         cap;
	bool        busy;
};

enum {
	K_SETUP,
	K_AGENT_POLL,
	K_VISITOR_POLL,
	K_IDLE_POLL,
	K_SEND
};

struct poll {
	struct conn c;
	int         kind;
	int         who; /* agent, chat or idle agent index */
	char       *cursor;
	bool        parked;
};

static char        **wkeys; /* the widgets; chat i on i % nwkeys */
static int           nwkeys;
static int64_t       dept;
static struct agent *agents, *idles;
static int           nagents, nidles;
static struct chat  *chats;
static int           nchats;
static struct poll  *polls;
static int           npolls;

/* Chat i's visitor: 127.1.x.y, its own address (per-address limits and
 * their rows, as real visitors). */
#define LOOP_SRC(i) ((127u << 24 | 1u << 16) + 2u + (uint32_t)(i))
static bool       addrs;
static bool       vpolls_on; /* visitors' polls: their echoes awaited */
static bool       measuring, stop_sending;
static int64_t    t_first, t_last_answer, t_last_delivery;
static long       delivered, duplicated, misplaced, foreign, echoes;
static long       send_ok, send_err, poll_err;
static struct lat lat_deliv, lat_send;
static int64_t    rate;
static long       started;
static int       *idle_q; /* ring of senders that may send */
static int        q_head, q_tail, q_n;

static void
read_setup(const char *file)
{
	FILE     *f = fopen(file, "r");
	char      line[4096], kind[16], val[4000];
	long long id;

	if (f == NULL)
		die("cannot open the setup file");
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "key %3999s", val) == 1) {
			wkeys = xrealloc(
			    wkeys, (size_t)(nwkeys + 1) * sizeof(*wkeys));
			wkeys[nwkeys++] = xstrdup(val);
		} else if (sscanf(line, "dept %lld", &id) == 1)
			dept = id;
		else if (sscanf(line, "%15s %lld %3999s", kind, &id, val) ==
		         3) {
			struct agent **v =
			    strcmp(kind, "agent") == 0 ? &agents : &idles;
			int *n = v == &agents ? &nagents : &nidles;
			char b[4100];

			*v = xrealloc(*v, (size_t)(*n + 1) * sizeof(**v));
			memset(&(*v)[*n], 0, sizeof(**v));
			(*v)[*n].id = id;
			snprintf(b, sizeof(b), "Bearer %s", val);
			(*v)[*n].bearer = xstrdup(b);
			(*v)[*n].act.fd = -1;
			(*n)++;
		}
	}
	fclose(f);
	if (nwkeys == 0 || dept == 0 || nagents < 2)
		die("the setup file needs key, dept and two agents or more");
}

/* --- setup: starts and accepts, through a small pool ------------------ */

static struct conn  pool[32];
static struct conn *pool_free;
static long         setup_err;
static int          setup_done;

static void
pool_init(void)
{
	for (size_t i = 0; i < 32; i++) {
		pool[i].fd = -1;
		pool[i].next_free = pool_free;
		pool_free = &pool[i];
	}
}

static struct conn *
pool_get(void)
{
	struct conn *c;

	while (pool_free == NULL)
		loop_once(10);
	c = pool_free;
	pool_free = c->next_free;
	return c;
}

static void
pool_put(struct conn *c)
{
	c->next_free = pool_free;
	pool_free = c;
}

static void
started_done(struct conn *c, int status, json_object *d)
{
	struct chat *ch = &chats[c->idx];

	if (status == 201 && jint(d, "conversation_id") > 0) {
		ch->id = jint(d, "conversation_id");
		ch->token = xstrdup(jstr(d, "token"));
		ch->cursor = xstrdup(jstr(d, "cursor"));
	} else {
		if (setup_err++ < 3)
			fprintf(stderr, "chat: start answered %d\n", status);
	}
	setup_done++;
	pool_put(c);
}

static void
start_one(struct conn *c, int i, done_fn *fn)
{
	char path[512], body[512];

	snprintf(
	    path, sizeof(path), "/api/w/%s/conversations", wkeys[i % nwkeys]);
	snprintf(body, sizeof(body),
	    "{\"name\":\"Bench Chat %d\",\"email\":\"bench-chat-%d-%lld@"
	    "bench.parley.local\",\"department_id\":%lld}",
	    i, i, (long long)(now_ns() % 1000000000), (long long)dept);
	c->idx = i;
	conn_start(c, req_build("POST", path, NULL, NULL, body), fn, false);
}

static long accept_retries;
static void accept_one(struct conn *c, int i);

/* An accept of the setup; a 503 (the engine's transaction gave up, e.g. a
 * deadlock between accepts of different chats) is tried again. */
static void
accepted_done(struct conn *c, int status, json_object *d)
{
	(void)d;
	if (status == 503 && chats[c->idx].nsent++ < 200) {
		accept_retries++;
		accept_one(c, c->idx);
		return;
	}
	chats[c->idx].nsent = 0;
	if (status != 200 && setup_err++ < 3)
		fprintf(stderr, "chat: accept answered %d\n", status);
	setup_done++;
	pool_put(c);
}

static void
accept_one(struct conn *c, int i)
{
	char path[128];

	snprintf(path, sizeof(path), "/api/conversations/%lld/accept",
	    (long long)chats[i].id);
	c->idx = i;
	conn_start(c,
	    req_build("POST", path,
	        "Authorization: ", agents[chats[i].holder].bearer, "{}"),
	    accepted_done, false);
}

static void
setup_chats(void)
{
	int64_t t = now_ns();

	for (int i = 0; i < nchats; i++)
		start_one(pool_get(), i, started_done);
	loop_drain(60000);
	for (int i = 0; i < nchats; i++) {
		chats[i].holder = i % nagents;
		accept_one(pool_get(), i);
	}
	loop_drain(60000);
	printf(
	    "setup: %d chats started and accepted by %d agents in %.1f s "
	    "(%ld errors; %ld accepts answered 503 and were tried again)\n",
	    nchats, nagents, (double)(now_ns() - t) / 1e9, setup_err,
	    accept_retries);
	if (setup_err != 0)
		die("setup failed");
}

/* --- polls ----------------------------------------------------------------
 */

static void poll_again(struct poll *p);

/* A visitor's message on its holder's stream: "c<chat>x<seq>". */
static void
deliver(struct poll *p, json_object *data)
{
	const char *cid = jstr(data, "client_id");
	int         ci, seq;
	char        tail;

	if (cid == NULL || sscanf(cid, "c%dx%d%c", &ci, &seq, &tail) != 2 ||
	    ci < 0 || ci >= nchats || seq < 0 || seq >= chats[ci].nsent) {
		foreign++;
		return;
	}
	struct chat *ch = &chats[ci];
	int64_t      t = now_ns();

	if (p->kind == K_VISITOR_POLL) {
		echoes++;
		return;
	}
	if (ch->holder != p->who || jint(data, "conversation_id") != ch->id)
		misplaced++;
	if (ch->got[seq]++ != 0) {
		duplicated++;
		return;
	}
	delivered++;
	lat_add(&lat_deliv, (double)(t - ch->t0[seq]) / 1e6);
	t_last_delivery = t;
}

static void
poll_done(struct conn *c, int status, json_object *d)
{
	struct poll *p = &polls[c->idx];
	json_object *evs;
	const char  *cur = jstr(d, "cursor");

	p->parked = false;
	if (status != 200 || cur == NULL) {
		if (poll_err++ < 5)
			fprintf(stderr, "chat: a poll answered %d\n", status);
		if (status == 0 || status == 401 || status == 404)
			return; /* given up */
	} else {
		free(p->cursor);
		p->cursor = xstrdup(cur);
	}
	if (json_object_object_get_ex(d, "events", &evs))
		for (size_t i = 0; i < json_object_array_length(evs); i++) {
			json_object *e = json_object_array_get_idx(evs, i),
			            *data;
			const char *name = jstr(e, "event");

			if (name != NULL && strcmp(name, "message.new") == 0 &&
			    json_object_object_get_ex(e, "data", &data) &&
			    p->kind != K_IDLE_POLL)
				deliver(p, data);
		}
	poll_again(p);
}

static void
poll_again(struct poll *p)
{
	char path[1024], enc[600];

	urlenc(enc, sizeof(enc), p->cursor ? p->cursor : "");
	if (p->kind == K_VISITOR_POLL) {
		struct chat *ch = &chats[p->who];

		snprintf(path, sizeof(path),
		    "/api/w/%s/conversations/%lld/events%s%s",
		    wkeys[p->who % nwkeys], (long long)ch->id,
		    p->cursor ? "?cursor=" : "", enc);
		conn_start(&p->c,
		    req_build(
		        "GET", path, "X-Parley-Visitor: ", ch->token, NULL),
		    poll_done, true);
	} else {
		struct agent *a =
		    p->kind == K_AGENT_POLL ? &agents[p->who] : &idles[p->who];

		snprintf(path, sizeof(path), "/api/events%s%s",
		    p->cursor ? "?cursor=" : "", enc);
		conn_start(&p->c,
		    req_build("GET", path, "Authorization: ", a->bearer, NULL),
		    poll_done, true);
	}
	p->parked = true;
}

static void
setup_polls(int total, bool visitor_polls)
{
	int nv = visitor_polls ? nchats : 0;
	int ni = total - nagents - nv;

	vpolls_on = nv > 0;
	int64_t t = now_ns();
	long    was = inflight;

	if (ni < 0)
		ni = 0;
	if (ni > 0 && nidles == 0)
		die("idle polls need idle agents in the setup file");
	npolls = nagents + nv + ni;
	polls = xrealloc(NULL, (size_t)npolls * sizeof(*polls));
	memset(polls, 0, (size_t)npolls * sizeof(*polls));
	for (int i = 0; i < npolls; i++) {
		struct poll *p = &polls[i];

		p->c.fd = -1;
		if (addrs && i >= nagents && i < nagents + nv)
			p->c.src = LOOP_SRC(i - nagents);
		p->c.idx = i;
		if (i < nagents) {
			p->kind = K_AGENT_POLL;
			p->who = i;
		} else if (i < nagents + nv) {
			p->kind = K_VISITOR_POLL;
			p->who = i - nagents;
			p->cursor = xstrdup(chats[p->who].cursor);
		} else {
			p->kind = K_IDLE_POLL;
			p->who = (i - nagents - nv) % nidles;
		}
		poll_again(p);
		if (i % 200 == 199)
			loop_once(0);
	}
	/* Until every poll has its cursor and waits (nothing came for 1 s). */
	int64_t quiet = now_ns();
	long    last = -1;

	while (now_ns() - quiet < 1000000000 && now_ns() - t < 60000000000) {
		loop_once(50);
		long parked = 0;

		for (int i = 0; i < npolls; i++)
			parked += polls[i].parked && polls[i].cursor != NULL;
		if (parked != last) {
			last = parked;
			quiet = now_ns();
		}
	}
	printf(
	    "polls: %d parked (%d agents' streams, %d visitors' "
	    "conversations, %d idle on %d other agents' streams) in %.1f "
	    "s, %ld errors\n",
	    npolls, nagents, nv, ni, nidles, (double)(now_ns() - t) / 1e9,
	    poll_err);
	(void)was;
}

/* --- CPU of the stack's processes -------------------------------------- */

struct watch {
	char   name[32];
	int    pid[16];
	int    n;
	double t0;
};
static struct watch watches[16];
static int          nwatches;
static double       sys_busy0, sys_all0;

/* "name:pid,pid;name:pid..." */
static void
watch_parse(const char *spec)
{
	char *s = xstrdup(spec), *save = NULL;

	for (char *w = strtok_r(s, ";", &save); w && nwatches < 16;
	     w = strtok_r(NULL, ";", &save)) {
		char         *colon = strchr(w, ':'), *save2 = NULL;
		struct watch *x = &watches[nwatches];

		if (colon == NULL)
			continue;
		*colon = '\0';
		snprintf(x->name, sizeof(x->name), "%s", w);
		for (char *p = strtok_r(colon + 1, ",", &save2); p && x->n < 16;
		     p = strtok_r(NULL, ",", &save2))
			if (atoi(p) > 0)
				x->pid[x->n++] = atoi(p);
		nwatches++;
	}
	free(s);
}

/* CPU seconds of a process (all its threads). */
static double
proc_cpu(int pid)
{
	char               path[64], buf[2048], *p;
	FILE              *f;
	unsigned long long ut = 0, st = 0;
	size_t             n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL)
		return 0;
	/* after ")": state ppid pgrp session tty tpgid flags minflt cminflt
	 * majflt cmajflt utime stime */
	if (sscanf(p + 2,
	        "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut,
	        &st) != 2)
		return 0;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* The machine's busy and total jiffies. */
static void
sys_cpu(double *busy, double *all)
{
	unsigned long long v[8] = { 0 };
	FILE              *f = fopen("/proc/stat", "r");

	*busy = *all = 0;
	if (f == NULL)
		return;
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
	        &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 8) {
		for (int i = 0; i < 8; i++)
			*all += (double)v[i];
		*busy = *all - (double)v[3] - (double)v[4];
	}
	fclose(f);
}

/* MariaDB's counters (SHOW GLOBAL STATUS, through the mariadb client on
 * --db-socket), for what each message costs it. */
static const char       *dbsock;
static const char *const dbvars[] = { "Questions", "Com_commit", "Com_select",
	"Com_insert", "Com_update", "Innodb_os_log_fsyncs",
	"Innodb_row_lock_waits", "Innodb_row_lock_time" };
#define NDBVARS (sizeof(dbvars) / sizeof(dbvars[0]))
static double db0[NDBVARS];

static void
db_status(double *v)
{
	char   cmd[1024], name[128], line[4096];
	FILE  *f;
	double x;

	memset(v, 0, NDBVARS * sizeof(*v));
	if (dbsock == NULL)
		return;
	snprintf(cmd, sizeof(cmd),
	    "mariadb --no-defaults --socket='%s' -u root -N -B -e 'SHOW "
	    "GLOBAL STATUS' 2>/dev/null",
	    dbsock);
	if ((f = popen(cmd, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "%127s %lf", name, &x) == 2)
			for (size_t i = 0; i < NDBVARS; i++)
				if (strcmp(name, dbvars[i]) == 0)
					v[i] = x;
	pclose(f);
}

static void
db_print(long n)
{
	double v[NDBVARS];

	if (dbsock == NULL || n <= 0)
		return;
	db_status(v);
	printf("  MariaDB per message delivered:");
	for (size_t i = 0; i < NDBVARS; i++)
		printf(" %s %.2f%s", dbvars[i], (v[i] - db0[i]) / (double)n,
		    i + 1 < NDBVARS ? "," : " ms\n");
}

static void
watch_start(void)
{
	db_status(db0);
	for (int w = 0; w < nwatches; w++) {
		watches[w].t0 = 0;
		for (int i = 0; i < watches[w].n; i++)
			watches[w].t0 += proc_cpu(watches[w].pid[i]);
	}
	sys_cpu(&sys_busy0, &sys_all0);
}

/* CPU of each watched process since watch_start, of this client, of the
 * machine, and of everything else on it. */
static void
watch_print(double secs, double self)
{
	double busy, all, sum = 0;
	long   ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	sys_cpu(&busy, &all);
	printf("  CPU over those %.1f s, %% of one core:", secs);
	for (int w = 0; w < nwatches; w++) {
		double t = -watches[w].t0;

		for (int i = 0; i < watches[w].n; i++)
			t += proc_cpu(watches[w].pid[i]);
		sum += t;
		printf(" %s %.0f,", watches[w].name, 100.0 * t / secs);
	}
	printf(" this client %.0f\n", 100.0 * self / secs);
	if (all > sys_all0) {
		double mach =
		    (double)ncpu * (busy - sys_busy0) / (all - sys_all0);

		printf(
		    "  the machine (%ld cores) was busy %.0f of %ld00 %%, of "
		    "which %.0f outside this stack and client\n",
		    ncpu, 100.0 * mach, ncpu,
		    100.0 * mach - 100.0 * (sum + self) / secs);
	}
}

/* --- sends ----------------------------------------------------------------
 */

static void send_one(int i);

static void
q_push(int i)
{
	idle_q[q_tail] = i;
	q_tail = (q_tail + 1) % nchats;
	q_n++;
}

static void
send_done(struct conn *c, int status, json_object *d)
{
	struct chat *ch = &chats[c->idx];
	int          seq = ch->nsent - 1;
	int64_t      t = now_ns();

	(void)d;
	ch->busy = false;
	if (status == 201 || status == 200) {
		send_ok++;
		ch->ok[seq] = 1;
		lat_add(&lat_send, (double)(t - ch->t0[seq]) / 1e6);
	} else if (send_err++ < 5)
		fprintf(stderr, "chat: a send answered %d\n", status);
	t_last_answer = t;
	if (stop_sending)
		return;
	if (rate == 0)
		send_one(c->idx);
	else
		q_push(c->idx);
}

static void
send_one(int i)
{
	struct chat *ch = &chats[i];
	char         path[512], body[256];
	int          seq = ch->nsent;

	if (seq == ch->cap) {
		ch->cap = ch->cap ? 2 * ch->cap : 64;
		ch->t0 = xrealloc(ch->t0, (size_t)ch->cap * sizeof(*ch->t0));
		ch->got = xrealloc(ch->got, (size_t)ch->cap);
		ch->ok = xrealloc(ch->ok, (size_t)ch->cap);
	}
	ch->got[seq] = 0;
	ch->ok[seq] = 0;
	snprintf(path, sizeof(path), "/api/w/%s/conversations/%lld/messages",
	    wkeys[i % nwkeys], (long long)ch->id);
	snprintf(body, sizeof(body),
	    "{\"client_id\":\"c%dx%d\",\"body\":\"A message of an ordinary "
	    "length from the chat bench.\"}",
	    i, seq);
	ch->nsent++;
	ch->busy = true;
	started++;
	ch->send.idx = i;
	conn_start(&ch->send,
	    req_build("POST", path, "X-Parley-Visitor: ", ch->token, body),
	    send_done, true);
	ch->t0[seq] = ch->send.t0;
}

static bool
run_sends(int secs)
{
	int64_t       t0, end;
	long          lost = 0, unanswered = 0;
	struct rusage ru0, ru1;

	idle_q = xrealloc(NULL, (size_t)nchats * sizeof(*idle_q));
	for (int i = 0; i < nchats; i++) {
		chats[i].send.fd = -1;
		if (addrs)
			chats[i].send.src = LOOP_SRC(i);
		q_push(i);
	}
	getrusage(RUSAGE_SELF, &ru0);
	watch_start();
	measuring = true;
	t0 = t_first = now_ns();
	end = t0 + (int64_t)secs * 1000000000;
	if (rate == 0) {
		q_n = 0;
		for (int i = 0; i < nchats; i++)
			send_one(i);
	}
	while (now_ns() < end) {
		if (rate > 0) {
			int64_t due = (now_ns() - t0) * rate / 1000000000;

			while (started < due && q_n > 0) {
				int i = idle_q[q_head];

				q_head = (q_head + 1) % nchats;
				q_n--;
				send_one(i);
			}
		}
		loop_once(rate > 0 ? 1 : 50);
	}
	stop_sending = true;
	/* The answers, then what the polls still carry (5 s at most). */
	int64_t wait_end = now_ns() + 30000000000;

	while (now_ns() < wait_end) {
		bool busy = false;

		for (int i = 0; i < nchats && !busy; i++)
			busy = chats[i].busy;
		if (!busy)
			break;
		loop_once(10);
	}
	wait_end = now_ns() + 5000000000;
	while ((delivered + duplicated < send_ok ||
	           (vpolls_on && echoes < send_ok)) &&
	       now_ns() < wait_end)
		loop_once(10);
	getrusage(RUSAGE_SELF, &ru1);
	for (int i = 0; i < nchats; i++)
		for (int s = 0; s < chats[i].nsent; s++) {
			if (!chats[i].ok[s] && !chats[i].got[s])
				unanswered++;
			else if (chats[i].ok[s] && !chats[i].got[s])
				lost++;
		}

	double span = (double)(t_last_delivery - t0) / 1e9;
	double cpu = (double)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec +
	                      ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) +
	             (double)(ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec +
	                      ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) /
	                 1e6;

	printf("messages, %d chats sending for %d s (%s):\n", nchats, secs,
	    rate ? "paced" : "each as soon as its last was answered");
	if (rate)
		printf("  asked for %" PRId64 " messages/s\n", rate);
	printf(
	    "  sent %ld, answered 2xx %ld, failed %ld; delivered %ld in "
	    "%.2f s = %.0f messages/s end to end\n",
	    started, send_ok, send_err, delivered, span,
	    span > 0 ? (double)delivered / span : 0.0);
	lat_print("send answer (POST)", &lat_send);
	lat_print("send start -> agent's poll", &lat_deliv);
	printf(
	    "  lost %ld, duplicated %ld, on a wrong stream %ld, not ours "
	    "%ld; visitors' own echoes %ld; poll errors %ld, network "
	    "errors %ld\n",
	    lost, duplicated, misplaced, foreign, echoes, poll_err, neterrors);
	watch_print((double)(now_ns() - t0) / 1e9, cpu);
	db_print(delivered);
	(void)unanswered;
	measuring = false;
	return lost == 0 && duplicated == 0 && misplaced == 0;
}

/* --- the accept race ------------------------------------------------------
 */

static int     race_left;
static int64_t race_t0;

static void
race_done(struct conn *c, int status, json_object *d)
{
	(void)d;
	agents[c->idx].status = status;
	agents[c->idx].t_answer = now_ns();
	race_left--;
}

static int64_t race_id;

static void
race_started(struct conn *c, int status, json_object *d)
{
	race_id = status == 201 ? jint(d, "conversation_id") : -1;
	pool_put(c);
}

static bool
run_race(int n)
{
	struct lat win = { 0 }, lose = { 0 };
	long       bad = 0, other = 0;

	if (n <= 0)
		return true;
	for (int a = 0; a < nagents; a++)
		agents[a].act.idx = a;
	for (int r = 0; r < n; r++) {
		char path[128];
		int  wins = 0;

		race_id = 0;
		start_one(pool_get(), nchats + r, race_started);
		while (race_id == 0)
			loop_once(10);
		if (race_id < 0) {
			bad++;
			continue;
		}
		snprintf(path, sizeof(path), "/api/conversations/%lld/accept",
		    (long long)race_id);
		race_left = nagents;
		race_t0 = now_ns();
		/* All the requests first (each a write on its own kept
		 * connection), then the answers. */
		for (int a = 0; a < nagents; a++)
			conn_start(&agents[a].act,
			    req_build("POST", path,
			        "Authorization: ", agents[a].bearer, "{}"),
			    race_done, false);
		while (race_left > 0)
			loop_once(10);
		for (int a = 0; a < nagents; a++) {
			double ms =
			    (double)(agents[a].t_answer - agents[a].act.t0) /
			    1e6;

			if (agents[a].status == 200) {
				wins++;
				lat_add(&win, ms);
			} else if (agents[a].status == 409)
				lat_add(&lose, ms);
			else
				other++;
		}
		if (wins != 1)
			bad++;
	}
	printf(
	    "accept race: %d requests, %d agents of the department "
	    "accepting each at once:\n",
	    n, nagents);
	lat_print("winner's 200", &win);
	lat_print("losers' 409", &lose);
	printf(
	    "  requests without exactly one 200: %ld; answers neither "
	    "200 nor 409: %ld\n",
	    bad, other);
	return bad == 0 && other == 0;
}

int
main(int argc, char *argv[])
{
	const char   *setup = NULL;
	int           npoll = 5000, secs = 10, race = 200;
	bool          vpolls = true, ok;
	struct rlimit rl;

	nchats = 1000;
	for (int i = 1; i + 1 < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];

		if (strcmp(k, "--port") == 0)
			port = atoi(v);
		else if (strcmp(k, "--host") == 0)
			host = v;
		else if (strcmp(k, "--setup") == 0)
			setup = v;
		else if (strcmp(k, "--chats") == 0)
			nchats = atoi(v);
		else if (strcmp(k, "--polls") == 0)
			npoll = atoi(v);
		else if (strcmp(k, "--visitor-polls") == 0)
			vpolls = atoi(v) != 0;
		else if (strcmp(k, "--secs") == 0)
			secs = atoi(v);
		else if (strcmp(k, "--rate") == 0)
			rate = atoll(v);
		else if (strcmp(k, "--race") == 0)
			race = atoi(v);
		else if (strcmp(k, "--addrs") == 0)
			addrs = atoi(v) != 0;
		else if (strcmp(k, "--watch") == 0)
			watch_parse(v);
		else if (strcmp(k, "--db-socket") == 0)
			dbsock = v;
		else
			die("usage: chat --port PORT --setup FILE [--chats N] "
			    "[--polls N] [--visitor-polls 0|1] [--secs S] "
			    "[--rate R] [--race N] [--addrs 0|1] "
			    "[--watch NAME:PID,..;..] [--db-socket PATH]");
	}
	if (setup == NULL || nchats < 1)
		die("usage: chat --port PORT --setup FILE ...");
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &addr.sin_addr) != 1)
		die("bad --host");
	read_setup(setup);
	chats = xrealloc(NULL, (size_t)nchats * sizeof(*chats));
	memset(chats, 0, (size_t)nchats * sizeof(*chats));
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) < 0)
		die("epoll_create1");
	pool_init();
	setbuf(stdout, NULL);
	setup_chats();
	setup_polls(npoll, vpolls);
	ok = run_sends(secs);
	ok = run_race(race) && ok;
	return ok ? 0 : 1;
}
