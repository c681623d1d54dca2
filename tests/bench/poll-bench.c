/* poll-bench.c: many parked long-polls from one epoll loop, for the bench.
 *
 *   poll-bench --port PORT --ids FILE [--host 127.0.0.1] [--inflight 256]
 *
 * A plain HTTP/1.1 client (no libcurl): one keep-alive connection per user
 * id of FILE (one id a line, users that exist with password_version 0), a
 * JWT minted here for each (the configuration comes from the environment,
 * like any Parley tool: PARLEY_SECRET_FILE). Each connection asks
 * GET /api/events without a cursor to learn its head, then parks
 * GET /api/events?cursor=...; when an answer comes it records the events'
 * data.t (CLOCK_REALTIME nanoseconds at publish start) against the time it
 * arrived and polls again with the new cursor.
 *
 * It is driven by commands on stdin, one a line, and answers each with one
 * line on stdout:
 *   park N    open connections up to N and wait until all N are parked:
 *             "parked N secs=S errors=E"
 *   mark      start collecting latencies: "marked"
 *   report [K] (after K events, or 15 s, when K is given)
 *             "lat n=K p50=MS p90=MS p99=MS max=MS rate=EV/S errors=E"
 *   bcast     arm: the next event each connection gets is the broadcast:
 *             "armed"; later "bcast n=K/N first=MS p50=MS p99=MS last=MS"
 *             (after all N have one, or 30 s)
 *   quit      close everything and exit.
 */
/* SPDX-License-Identifier: MIT */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* memmem, strncasecmp */
#endif
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "parley.h"
#include "jwt.h"

enum cstate {
	C_NONE,       /* not opened yet */
	C_CONNECTING, /* non-blocking connect under way */
	C_WRITING,    /* sending the request */
	C_READING,    /* waiting for (the rest of) the answer */
	C_RETRY       /* closed after an error; reconnect at retry_at */
};

struct conn {
	int         fd;
	enum cstate st;
	int64_t     uid;
	char       *token;  /* the JWT, heap */
	char       *cursor; /* NULL until the cursor-less answer, heap */
	char       *out;    /* the request being sent, heap */
	size_t      outlen, outoff;
	char       *in; /* the answer being read, heap */
	size_t      inlen, incap;
	int64_t     retry_at;  /* monotonic ms */
	int         parked;    /* has sent a poll with a cursor */
	int         bcast_got; /* has the armed broadcast */
	unsigned    served;    /* answers on this connection */
};

struct lat {
	int64_t *v; /* nanoseconds */
	size_t   n, cap;
};

static struct conn       *conns;
static size_t             nids, target, opened;
static int                ep = -1;
static struct sockaddr_in addr;
static char               hostport[64];
static size_t             inflight_max = 256;
static long long          errors, answers, non200, reconnects;
static struct lat         lats, blats;
static int                marking, bcast_on;
static int64_t            mark_ns, park_t0, bcast_t0;
static int                park_pending;
static size_t             nparked, nretry, nbcast;
static size_t             report_want; /* deferred report: events awaited */
static int64_t            report_t0;

static int64_t
now_real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void *
xmalloc(size_t n)
{
	void *p = malloc(n);

	if (p == NULL) {
		fprintf(stderr, "poll-bench: out of memory\n");
		exit(1);
	}
	return p;
}

static void
lat_add(struct lat *l, int64_t ns)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 4096;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		if (l->v == NULL) {
			fprintf(stderr, "poll-bench: out of memory\n");
			exit(1);
		}
	}
	l->v[l->n++] = ns;
}

static int
i64_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static double
pct_ms(const struct lat *l, double p)
{
	size_t i;

	if (l->n == 0)
		return 0;
	i = (size_t)(p * (double)(l->n - 1) + 0.5);
	return (double)l->v[i] / 1e6;
}

static void
ep_set(struct conn *c, uint32_t events, int op)
{
	struct epoll_event e = { .events = events,
		.data.u64 = (uint64_t)(c - conns) };

	if (epoll_ctl(ep, op, c->fd, &e) == -1) {
		fprintf(stderr, "poll-bench: epoll_ctl: %s\n", strerror(errno));
		exit(1);
	}
}

static void
conn_close(struct conn *c, int retry)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->out);
	c->out = NULL;
	c->inlen = 0;
	c->served = 0;
	c->st = retry ? C_RETRY : C_NONE;
	if (retry)
		nretry++;
	c->retry_at = pl_now_ms() + 100;
}

/* Build the next request: cursor-less first, then parked polls. */
static void
req_build(struct conn *c)
{
	size_t n;

	free(c->out);
	n = 256 + strlen(c->token) + (c->cursor ? 3 * strlen(c->cursor) : 0);
	c->out = xmalloc(n);
	c->outlen = (size_t)snprintf(c->out, n,
	    "GET /api/events%s%s HTTP/1.1\r\n"
	    "Host: %s\r\n"
	    "Authorization: Bearer %s\r\n"
	    "Accept: application/json\r\n\r\n",
	    c->cursor ? "?cursor=" : "", c->cursor ? c->cursor : "", hostport,
	    c->token);
	c->outoff = 0;
}

static void
conn_open(struct conn *c)
{
	int one = 1;

	if (c->st == C_RETRY)
		nretry--;
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd == -1) {
		fprintf(stderr, "poll-bench: socket: %s\n", strerror(errno));
		exit(1);
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	req_build(c);
	if (connect(c->fd, (struct sockaddr *)&addr, sizeof(addr)) == -1 &&
	    errno != EINPROGRESS) {
		errors++;
		conn_close(c, 1);
		return;
	}
	c->st = C_CONNECTING;
	ep_set(c, EPOLLOUT, EPOLL_CTL_ADD);
}

static void
send_more(struct conn *c)
{
	while (c->outoff < c->outlen) {
		ssize_t k = send(c->fd, c->out + c->outoff,
		    c->outlen - c->outoff, MSG_NOSIGNAL);

		if (k < 0) {
			if (errno == EAGAIN)
				return;
			errors++;
			conn_close(c, 1);
			return;
		}
		c->outoff += (size_t)k;
	}
	if (c->cursor != NULL && !c->parked) {
		c->parked = 1;
		nparked++;
	}
	c->st = C_READING;
	ep_set(c, EPOLLIN | EPOLLRDHUP, EPOLL_CTL_MOD);
}

static const char *
header_find(const char *h, size_t hlen, const char *name)
{
	size_t nl = strlen(name);

	for (const char *p = h; p + nl + 2 < h + hlen; p++)
		if (p[0] == '\r' && p[1] == '\n' &&
		    strncasecmp(p + 2, name, nl) == 0)
			return p + 2 + nl;
	return NULL;
}

/*
 * Is a whole answer in c->in? 1 and *body (heap, de-chunked), *blen,
 * *used, *status, *close; 0 not yet; -1 malformed.
 */
static int
resp_parse(struct conn *c, char **body, size_t *blen, size_t *used, int *status,
    int *cls)
{
	const char *end, *v;
	size_t      hlen, pos;
	char       *b;

	end = memmem(c->in, c->inlen, "\r\n\r\n", 4);
	if (end == NULL)
		return 0;
	hlen = (size_t)(end - c->in) + 2;
	if (c->inlen < 12 || strncmp(c->in, "HTTP/1.", 7) != 0)
		return -1;
	*status = (int)strtol(c->in + 9, NULL, 10);
	*cls = (v = header_find(c->in, hlen, "connection:")) != NULL &&
	       strncasecmp(v + strspn(v, " "), "close", 5) == 0;
	pos = hlen + 2;
	if ((v = header_find(c->in, hlen, "content-length:")) != NULL) {
		size_t n = (size_t)strtoull(v, NULL, 10);

		if (c->inlen - pos < n)
			return 0;
		b = xmalloc(n + 1);
		memcpy(b, c->in + pos, n);
		b[n] = '\0';
		*body = b;
		*blen = n;
		*used = pos + n;
		return 1;
	}
	if ((v = header_find(c->in, hlen, "transfer-encoding:")) == NULL ||
	    strncasecmp(v + strspn(v, " "), "chunked", 7) != 0) {
		/* No length: nothing (a 204 or 304), or until close. */
		*body = xmalloc(1);
		(*body)[0] = '\0';
		*blen = 0;
		*used = pos;
		return 1;
	}
	b = xmalloc(c->inlen - pos + 1);
	*blen = 0;
	for (;;) {
		const char *crlf =
		    memmem(c->in + pos, c->inlen - pos, "\r\n", 2);
		char  *e;
		size_t n;

		if (crlf == NULL)
			goto more;
		n = (size_t)strtoull(c->in + pos, &e, 16);
		if (e == c->in + pos) {
			free(b);
			return -1;
		}
		pos = (size_t)(crlf - c->in) + 2;
		if (n == 0) {
			/* No trailers from nginx: the final CRLF. */
			if (c->inlen - pos < 2)
				goto more;
			pos += 2;
			break;
		}
		if (c->inlen - pos < n + 2)
			goto more;
		memcpy(b + *blen, c->in + pos, n);
		*blen += n;
		pos += n + 2;
	}
	b[*blen] = '\0';
	*body = b;
	*used = pos;
	return 1;
more:
	free(b);
	return 0;
}

static void
answer_handle(struct conn *c, int status, const char *body)
{
	const char *p, *q;
	int64_t     now = now_real_ns();

	answers++;
	if (status != 200) {
		non200++;
		if (non200 <= 5)
			fprintf(stderr,
			    "poll-bench: user %lld: HTTP %d %.200s\n",
			    (long long)c->uid, status, body);
		return;
	}
	if ((p = strstr(body, "\"cursor\":\"")) != NULL) {
		p += 10;
		if ((q = strchr(p, '"')) != NULL) {
			free(c->cursor);
			c->cursor = xmalloc((size_t)(q - p) + 1);
			memcpy(c->cursor, p, (size_t)(q - p));
			c->cursor[q - p] = '\0';
		}
	}
	for (p = body; (p = strstr(p, "\"t\":")) != NULL; p += 4) {
		int64_t t = strtoll(p + 4, NULL, 10);

		if (t <= 0)
			continue;
		if (marking)
			lat_add(&lats, now - t);
		if (bcast_on && !c->bcast_got) {
			c->bcast_got = 1;
			nbcast++;
			lat_add(&blats, now - t);
		}
	}
}

static void
recv_more(struct conn *c)
{
	for (;;) {
		ssize_t k;
		char   *body;
		size_t  blen, used;
		int     status, cls, r;

		if (c->incap - c->inlen < 2048) {
			c->incap = c->incap ? 2 * c->incap : 4096;
			c->in = realloc(c->in, c->incap);
			if (c->in == NULL) {
				fprintf(stderr, "poll-bench: out of memory\n");
				exit(1);
			}
		}
		k = recv(c->fd, c->in + c->inlen, c->incap - c->inlen - 1, 0);
		if (k == 0 || (k < 0 && errno != EAGAIN)) {
			/* The server closed between answers (keepalive limit or
			 * a restart): reconnect and send the poll again. */
			if (c->inlen != 0 || k < 0)
				errors++;
			reconnects++;
			conn_close(c, 1);
			c->retry_at = pl_now_ms();
			return;
		}
		if (k < 0)
			return;
		c->inlen += (size_t)k;
		r = resp_parse(c, &body, &blen, &used, &status, &cls);
		if (r == 0)
			continue;
		if (r < 0) {
			errors++;
			conn_close(c, 1);
			return;
		}
		answer_handle(c, status, body);
		free(body);
		c->served++;
		memmove(c->in, c->in + used, c->inlen - used);
		c->inlen -= used;
		if (status != 200) {
			/* 502 while the server restarts: back off a little. */
			conn_close(c, 1);
			return;
		}
		if (cls) {
			reconnects++;
			conn_close(c, 1);
			c->retry_at = pl_now_ms();
			return;
		}
		req_build(c);
		c->st = C_WRITING;
		send_more(c);
		return;
	}
}

/* Open more connections while fewer than inflight_max are starting. */
static void
ramp(void)
{
	size_t  starting = opened - nparked;
	int64_t now = pl_now_ms();

	for (size_t i = 0; nretry > 0 && i < opened; i++)
		if (conns[i].st == C_RETRY && conns[i].retry_at <= now)
			conn_open(&conns[i]);
	while (opened < target && starting < inflight_max) {
		conn_open(&conns[opened++]);
		starting++;
	}
}

static void
bcast_report(int done)
{
	size_t n = nbcast;

	if (!done && n < target && pl_now_ms() - bcast_t0 < 30000)
		return;
	qsort(blats.v, blats.n, sizeof(*blats.v), i64_cmp);
	printf("bcast n=%zu/%zu first=%.1f p50=%.1f p99=%.1f last=%.1f\n", n,
	    target, pct_ms(&blats, 0), pct_ms(&blats, 0.5),
	    pct_ms(&blats, 0.99), pct_ms(&blats, 1));
	fflush(stdout);
	bcast_on = 0;
}

static void
command(char *line)
{
	unsigned long long n;

	if (sscanf(line, "park %llu", &n) == 1) {
		if (n > nids) {
			printf("error: only %zu ids\n", nids);
			fflush(stdout);
			return;
		}
		target = (size_t)n;
		park_t0 = pl_now_ms();
		park_pending = 1;
		ramp();
	} else if (strcmp(line, "mark") == 0) {
		lats.n = 0;
		marking = 1;
		mark_ns = now_real_ns();
		errors = non200 = 0;
		puts("marked");
	} else if (sscanf(line, "report %llu", &n) == 1 && lats.n < n) {
		report_want = (size_t)n;
		report_t0 = pl_now_ms();
		return;
	} else if (strncmp(line, "report", 6) == 0) {
		double secs = (double)(now_real_ns() - mark_ns) / 1e9;

		report_want = 0;
		marking = 0;
		qsort(lats.v, lats.n, sizeof(*lats.v), i64_cmp);
		printf(
		    "lat n=%zu p50=%.2f p90=%.2f p99=%.2f max=%.2f"
		    " rate=%.0f errors=%lld non200=%lld\n",
		    lats.n, pct_ms(&lats, 0.5), pct_ms(&lats, 0.9),
		    pct_ms(&lats, 0.99), pct_ms(&lats, 1),
		    secs > 0 ? (double)lats.n / secs : 0, errors, non200);
	} else if (strcmp(line, "bcast") == 0) {
		blats.n = 0;
		for (size_t i = 0; i < target; i++)
			conns[i].bcast_got = 0;
		nbcast = 0;
		bcast_on = 1;
		bcast_t0 = pl_now_ms();
		puts("armed");
	} else if (strcmp(line, "quit") == 0) {
		exit(0);
	} else
		printf("error: unknown command %s\n", line);
	fflush(stdout);
}

static void
stdin_read(void)
{
	static char   buf[4096];
	static size_t len;
	ssize_t       k = read(0, buf + len, sizeof(buf) - 1 - len);
	char         *nl;

	if (k <= 0)
		exit(0); /* the driver went away */
	len += (size_t)k;
	buf[len] = '\0';
	while ((nl = strchr(buf, '\n')) != NULL) {
		*nl = '\0';
		command(buf);
		len -= (size_t)(nl + 1 - buf);
		memmove(buf, nl + 1, len + 1);
	}
}

static void
ids_load(const char *path)
{
	FILE     *f = fopen(path, "r");
	long long id;
	size_t    cap = 0;

	if (f == NULL) {
		fprintf(stderr, "poll-bench: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	while (fscanf(f, "%lld", &id) == 1) {
		if (nids == cap) {
			cap = cap ? 2 * cap : 1024;
			conns = realloc(conns, cap * sizeof(*conns));
			if (conns == NULL) {
				fprintf(stderr, "poll-bench: out of memory\n");
				exit(1);
			}
		}
		memset(&conns[nids], 0, sizeof(*conns));
		conns[nids].fd = -1;
		conns[nids].uid = id;
		nids++;
	}
	fclose(f);
}

static void
tokens_mint(void)
{
	struct pl_config     cfg;
	struct pl_arena     *a = pl_arena_new(0);
	unsigned char        key[32];
	struct pl_jwt_claims cl;

	if (pl_config_load(&cfg) != PL_OK)
		exit(1);
	pl_config_key(&cfg, "jwt", key);
	for (size_t i = 0; i < nids; i++) {
		cl.sub = conns[i].uid;
		cl.iat = (int64_t)time(NULL);
		cl.exp = cl.iat + 3600;
		cl.jti = NULL;
		cl.pwv = 0;
		conns[i].token = strdup(pl_jwt_sign(a, key, sizeof(key), &cl));
		if (conns[i].token == NULL)
			exit(1);
		pl_arena_reset(a);
	}
	pl_arena_free(a);
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: poll-bench --port PORT --ids FILE"
	    " [--host ADDR] [--inflight N]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	const char        *host = "127.0.0.1", *ids = NULL;
	int                port = 0;
	struct epoll_event evs[512], e = { .events = EPOLLIN };
	struct rlimit      rl;

	for (int i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (strcmp(argv[i], "--port") == 0)
			port = (int)strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--ids") == 0)
			ids = argv[++i];
		else if (strcmp(argv[i], "--host") == 0)
			host = argv[++i];
		else if (strcmp(argv[i], "--inflight") == 0)
			inflight_max = (size_t)strtoul(argv[++i], NULL, 10);
		else
			usage();
	}
	if (port <= 0 || port > 65535 || ids == NULL || inflight_max == 0)
		usage();
	pl_log_init("poll-bench", PL_LOG_WARN);
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &addr.sin_addr) != 1)
		usage();
	snprintf(hostport, sizeof(hostport), "%s:%d", host, port);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	ids_load(ids);
	tokens_mint();
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		fprintf(stderr, "poll-bench: epoll: %s\n", strerror(errno));
		return 1;
	}
	e.data.u64 = UINT64_MAX;
	epoll_ctl(ep, EPOLL_CTL_ADD, 0, &e);
	printf("ready ids=%zu\n", nids);
	fflush(stdout);

	for (;;) {
		int n = epoll_wait(ep, evs, (int)PL_NITEMS(evs), 50);

		for (int i = 0; i < n; i++) {
			struct conn *c;
			int          err = 0;
			socklen_t    len = sizeof(err);

			if (evs[i].data.u64 == UINT64_MAX) {
				stdin_read();
				continue;
			}
			c = &conns[evs[i].data.u64];
			switch (c->st) {
			case C_CONNECTING:
				getsockopt(
				    c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
				if (err != 0) {
					errors++;
					conn_close(c, 1);
					break;
				}
				c->st = C_WRITING;
				send_more(c);
				break;
			case C_WRITING:
				send_more(c);
				break;
			case C_READING:
				recv_more(c);
				break;
			default:
				break;
			}
		}
		ramp();
		if (park_pending && nparked >= target) {
			park_pending = 0;
			printf("parked %zu secs=%.1f errors=%lld\n", target,
			    (double)(pl_now_ms() - park_t0) / 1000, errors);
			fflush(stdout);
		}
		if (bcast_on)
			bcast_report(0);
		if (report_want > 0 && (lats.n >= report_want ||
		                           pl_now_ms() - report_t0 > 15000)) {
			char cmd[] = "report";

			command(cmd);
		}
	}
}
