/* app.c: the FastCGI server: start-up, the threads, the front line every
 * request passes through, and the graceful stop. The only mutable globals
 * of the library live here.
 *
 * Threads share one listening socket; an accept mutex hands each
 * connection to one thread (libfcgi's own advice for threaded servers).
 * Signals are blocked in every thread and taken by one sigwait() thread,
 * because libfcgi's SIGTERM handler only sets a flag nothing here reads.
 */
/* SPDX-License-Identifier: MIT */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <fcgiapp.h>
#include <json-c/json.h>

#include "app.h"
#include "arena.h"
#include "buf.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "notify.h"
#include "parse.h"
#include "pl_limits.h"
#include "proc.h"
#include "req.h"
#include "resp.h"
#include "session.h"
#include "tmpl.h"

static struct pl_tmpl_set  *tmpls;
static int                  listen_fd = -1;
static const struct pl_app *the_app;
static pthread_mutex_t      accept_mu = PTHREAD_MUTEX_INITIALIZER;

static enum pl_err
body_read(struct pl_req *rq, FCGX_Request *f)
{
	const char         *cl = FCGX_GetParam("CONTENT_LENGTH", f->envp);
	const char         *ct = FCGX_GetParam("CONTENT_TYPE", f->envp);
	struct pl_parse_err pe = { NULL, NULL };
	long long           len = 0;
	char               *body;
	enum pl_err         er;
	int                 got;

	if (cl != NULL && *cl != '\0' &&
	    pl_parse_i64(cl, 0, INT32_MAX, &len) != PL_OK)
		return pl_in_fail(rq, NULL, "Bad Content-Length.");
	if (len == 0)
		return PL_OK;
	if (ct == NULL)
		ct = "";
	/* Only an executable that takes uploads takes a body larger than
	 * PL_MAX_BODY, and only as multipart (nginx's limits match). */
	if (len >
	    (the_app->upload && strncmp(ct, "multipart/form-data", 19) == 0
	            ? PL_MAX_UPLOAD
	            : PL_MAX_BODY)) {
		pl_in_fail(rq, NULL, "The request is too large.");
		return PL_ETOOBIG;
	}
	body = pl_arena_alloc(rq->arena, (size_t)len + 1);
	got = FCGX_GetStr(body, (int)len, f->in);
	if (got != (int)len)
		return PL_EHUP;
	if (strncmp(ct, "application/x-www-form-urlencoded", 33) == 0)
		er = pl_parse_urlencoded(
		    rq->arena, body, (size_t)len, &rq->form, &pe);
	else if (strncmp(ct, "multipart/form-data", 19) == 0)
		er = pl_parse_multipart(rq->arena, ct, body, (size_t)len,
		    &rq->form, &rq->files, &pe);
	else if (strncmp(ct, "application/json", 16) == 0)
		er = pl_parse_json(body, (size_t)len, &rq->json, &pe);
	else
		return pl_in_fail(rq, NULL,
		    "Send application/json, a form, or multipart/form-data.");
	if (er != PL_OK) {
		const char *msg =
		    pe.msg ? pe.msg : "The request body is malformed.";

		pl_in_fail(rq, NULL, msg);
		if (pe.field != NULL)
			pl_in_fail(rq, pe.field, msg);
	}
	return er;
}

/* The session as the domain sees it. */
static void
actor_fill(struct pl_req *rq)
{
	const struct pl_sess *s = rq->sess;

	rq->who.user_id = s->user_id;
	rq->who.tenant_id = s->tenant_id;
	rq->who.role = s->role;
	rq->who.real_user_id = s->real_user_id;
	rq->who.name = s->first_name != NULL
	                   ? pl_arena_printf(rq->arena, "%s %s", s->first_name,
	                         s->last_name ? s->last_name : "")
	                   : "";
	rq->who.real_name = s->real_name;
}

/* Everything before the handler, in order; handlers never repeat it. */
static enum pl_err
front(struct pl_req *rq, struct pl_resp *rs, FCGX_Request *f)
{
	const struct pl_app *app = the_app;
	const char          *m = FCGX_GetParam("REQUEST_METHOD", f->envp);
	const char          *qs = FCGX_GetParam("QUERY_STRING", f->envp);
	const char          *ck = FCGX_GetParam("HTTP_COOKIE", f->envp);
	struct pl_parse_err  pe = { NULL, NULL };
	unsigned             allowed;
	enum pl_err          er;

	rq->method = m ? pl_method_parse(m) : 0;
	rq->path = FCGX_GetParam("DOCUMENT_URI", f->envp);
	if (rq->path == NULL)
		rq->path = FCGX_GetParam("SCRIPT_NAME", f->envp);
	if (rq->path == NULL || rq->path[0] != '/' ||
	    !pl_utf8_valid(rq->path, strlen(rq->path))) {
		rq->path = "/";
		return pl_in_fail(rq, NULL, "Bad request path.");
	}
	rq->api = rs->api =
	    strncmp(rq->path, "/api/", 5) == 0 || strcmp(rq->path, "/api") == 0;
	rq->client_addr = FCGX_GetParam("REMOTE_ADDR", f->envp);
	if (rq->client_addr == NULL)
		rq->client_addr = "";

	if (ck != NULL &&
	    pl_parse_cookies(rq->arena, ck, &rq->cookies, &pe) != PL_OK)
		rq->cookies.n = 0; /* junk cookies: as if none */
	/* The session first, so even a 404 page knows who is signed in. */
	if ((er = pl_sess_load(rq, rs)) != PL_OK)
		return er;
	if (rq->sess != NULL)
		actor_fill(rq);

	rq->route = pl_route_match(app->routes, app->nroutes, rq->method,
	    rq->path, rq->arena, &rq->params, &rq->api, &allowed);
	rs->api = rq->api;
	if (rq->route == NULL) {
		if (allowed == 0)
			return PL_ENOTFOUND;
		pl_resp_header(rs, "Allow", pl_method_list(rq->arena, allowed));
		return PL_EMETHOD;
	}
	if (qs != NULL && *qs != '\0') {
		if (strlen(qs) > PL_MAX_QUERY)
			return PL_ETOOBIG;
		if ((er = pl_parse_urlencoded(rq->arena, qs, strlen(qs),
		         &rq->query, &pe)) != PL_OK) {
			pl_in_fail(rq, NULL, pe.msg);
			return er;
		}
	}
	if (rq->route->role != PL_ROLE_PUBLIC) { /* never NONE: boot checks */
		if (rq->sess == NULL)
			return PL_EAUTH;
		if (rq->sess->role < rq->route->role)
			return PL_EPERM;
	}
	/* A form refused before its handler runs (bad body, expired CSRF)
	 * comes back as the form; after the role check, so that a 401 still
	 * goes to sign-in and a 403 is not dressed as a form. */
	if (rq->route->form != NULL && !rq->api)
		pl_resp_page(rs, rq->route->form, rq->route->title);
	if (rq->method != PL_GET) {
		if ((er = body_read(rq, f)) != PL_OK)
			return er;
		/* Cookie-authenticated unsafe requests carry a CSRF token;
		 * bearer-token programs and anonymous JSON calls have no
		 * ambient authority to abuse. */
		if ((rq->sess != NULL && !rq->sess->bearer) || !rq->api)
			if ((er = pl_csrf_check(rq)) != PL_OK)
				return er;
	}
	return rq->route->fn(rq, rs);
}

static void
serve(FCGX_Request *f, struct pl_arena *arena)
{
	struct pl_req  rq;
	struct pl_resp rs;
	struct pl_buf  out;
	enum pl_err    er;
	int64_t        t0 = pl_now_ms();
	const char    *st;

	memset(&rq, 0, sizeof(rq));
	memset(&rs, 0, sizeof(rs));
	rq.arena = rs.arena = arena;
	rq.app = the_app;
	rq.tmpl = tmpls;
	rq.auth_cache = the_app->auth_cache;
	rq.fcgi = f;
	rq.now = (int64_t)time(NULL);
	pl_buf_init(&rs.headers, arena);

	er = front(&rq, &rs, f);
	if (er == PL_EINTERNAL || er == PL_EUNAVAIL)
		pl_resp_set(&rs, NULL);
	/* The database goes back before rendering: templates need none. */
	pl_req_db_release(&rq);
	/* A page's forms carry a CSRF token (for a signed-out visitor this
	 * may set the pre-session cookie). A page framed on another site
	 * (the widget's) posts no form and sets no cookie. */
	if (!rq.api && er != PL_EHUP && !rs.done &&
	    rs.frame_ancestors == NULL && (er != PL_OK || rs.redirect == NULL))
		rs.csrf = pl_csrf_token(&rq, &rs);
	if (er != PL_EHUP && !rs.done) {
		pl_buf_init(&out, arena);
		pl_resp_render(&rq, &rs, er, &out);
		if (FCGX_PutStr(out.p, (int)out.len, f->out) != (int)out.len)
			er = PL_EHUP;
	}
	st = er == PL_OK
	         ? (rs.redirect && !rq.api ? "303"
	                                   : pl_arena_printf(arena, "%d",
	                                         rs.status ? rs.status : 200))
	         : pl_arena_printf(arena, "%d", pl_err_status(er));
	pl_info("%s %s %s %lldms", FCGX_GetParam("REQUEST_METHOD", f->envp),
	    rq.path ? rq.path : "-", st, (long long)(pl_now_ms() - t0));
	json_object_put(rs.data);
	json_object_put(rs.form);
	json_object_put(rs.view);
	json_object_put(rq.json);
}

static void *
worker_main(void *arg)
{
	FCGX_Request     f;
	struct pl_arena *arena = pl_arena_new(0);
	int              rc;

	(void)arg;
	if (FCGX_InitRequest(&f, listen_fd, 0) != 0)
		pl_die("FCGX_InitRequest failed");
	while (!pl_stopping()) {
		pthread_mutex_lock(&accept_mu);
		rc = pl_stopping() ? -1 : FCGX_Accept_r(&f);
		pthread_mutex_unlock(&accept_mu);
		if (rc < 0)
			break;
		serve(&f, arena);
		FCGX_Finish_r(&f);
		pl_arena_reset(arena);
	}
	FCGX_Free(&f, 1);
	pl_arena_free(arena);
	return NULL;
}

static void *
signal_main(void *arg)
{
	sigset_t *set = arg;
	int       sig = 0;

	while (sigwait(set, &sig) == 0 && sig != SIGTERM && sig != SIGINT)
		;
	pl_info("signal %d: stopping", sig);
	pl_proc_stop();
	/* Unblock the thread in accept(); the others find the flag. */
	shutdown(listen_fd, SHUT_RDWR);
	return NULL;
}

/* "GET,POST": the methods without spaces, for --routes. */
static const char *
methods_word(struct pl_arena *a, unsigned m)
{
	char *s = pl_method_list(a, m), *w = s;

	for (const char *p = s; *p != '\0'; p++)
		if (*p != ' ')
			*w++ = *p;
	*w = '\0';
	return s;
}

/* --routes: the table, for tools/gen-locations. */
static int
routes_print(const struct pl_app *app)
{
	struct pl_arena *a = pl_arena_new(0);

	printf("app %s%s%s\n", app->name, app->longpoll ? " longpoll" : "",
	    app->upload ? " upload" : "");
	for (size_t i = 0; i < app->nroutes; i++) {
		const struct pl_route *r = &app->routes[i];
		const char            *role = pl_role_short(r->role);

		if (r->html)
			printf("route %s %s %s\n", methods_word(a, r->html),
			    r->path, role);
		if (r->api)
			printf("route %s /api%s %s\n", methods_word(a, r->api),
			    r->path, role);
	}
	pl_arena_free(a);
	return fflush(stdout) == 0 ? 0 : 1;
}

static struct stat listen_st; /* to unlink only our own socket at exit */

static int
socket_open(const char *path)
{
	struct group *gr;
	int           fd;

	unlink(path); /* a stale socket from a killed run */
	if ((fd = FCGX_OpenSocket(path, 4096)) < 0) {
		pl_error("cannot listen on %s: %s", path, strerror(errno));
		return -1;
	}
	const char *group = pl_cfg()->socket_group;

	if (group != NULL) {
		if ((gr = getgrnam(group)) == NULL ||
		    chown(path, (uid_t)-1, gr->gr_gid) == -1) {
			pl_error("socket %s: group %s: %s", path, group,
			    strerror(errno));
			close(fd);
			return -1;
		}
		chmod(path, 0660);
	} else
		chmod(path, 0600);
	if (stat(path, &listen_st) == -1)
		memset(&listen_st, 0, sizeof(listen_st));
	return fd;
}

int
pl_app_main(const struct pl_app *app, int argc, char *argv[])
{
	const char    *sock = NULL;
	long long      nthreads = app->threads ? app->threads : 8;
	size_t         stack = (app->stack_kb ? app->stack_kb : 256) * 1024;
	pthread_t     *tids, sigtid;
	pthread_attr_t attr;
	sigset_t       set;
	size_t         started = 0, nuses = 0;
	const struct pl_sqlset *uses[PL_MAX_USES + 2];
	const char             *why;
	int                     c, rc = 1;

	the_app = app;
	if ((why = pl_route_check(app->routes, app->nroutes)) != NULL) {
		fprintf(stderr, "%s: %s\n", app->name, why);
		return 2;
	}
	if (argc == 2 && strcmp(argv[1], "--routes") == 0)
		return routes_print(app);
	while ((c = getopt(argc, argv, "s:t:")) != -1) {
		switch (c) {
		case 's':
			sock = optarg;
			break;
		case 't':
			if (pl_parse_i64(optarg, 1, 100000, &nthreads) !=
			    PL_OK) {
				fprintf(stderr, "%s: -t takes 1..100000\n",
				    app->name);
				return 2;
			}
			break;
		default:
			fprintf(stderr, "usage: %s -s SOCKET [-t THREADS]\n",
			    app->name);
			return 2;
		}
	}
	if (sock == NULL) {
		fprintf(
		    stderr, "usage: %s -s SOCKET [-t THREADS]\n", app->name);
		return 2;
	}
#ifdef PL_SANITIZERS
	/* The sanitizers' own frames need room. */
	if (stack < 1024 * 1024)
		stack = 1024 * 1024;
#endif
	/* Block the stop signals before any thread exists (all inherit it). */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* The front line's own statements (sessions), then the modules the
	 * handlers use. */
	uses[nuses++] = &pl_session_sql;
	for (size_t i = 0; i < PL_MAX_USES && app->uses[i] != NULL; i++)
		uses[nuses++] = app->uses[i];
	uses[nuses] = NULL;
	if (pl_proc_boot(app->name, uses, 0) != 0)
		goto out;
	if (pl_tmpl_load(pl_cfg()->templates, &tmpls) != PL_OK) {
		pl_error("templates in %s failed to load", pl_cfg()->templates);
		goto out;
	}
	if (FCGX_Init() != 0) {
		pl_error("FCGX_Init failed");
		goto out;
	}
	signal(SIGPIPE, SIG_IGN);
	if ((listen_fd = socket_open(sock)) < 0)
		goto out;
	/* From here on, nothing may gain privileges. */
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);

	if (pthread_create(&sigtid, NULL, signal_main, &set) != 0)
		pl_die("cannot start the signal thread");
	tids = calloc((size_t)nthreads, sizeof(*tids));
	if (tids == NULL)
		pl_die("out of memory");
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, stack);
	for (; started < (size_t)nthreads; started++)
		if (pthread_create(&tids[started], &attr, worker_main, NULL) !=
		    0) {
			pl_warn("started %zu of %lld threads: %s", started,
			    nthreads, strerror(errno));
			break;
		}
	pthread_attr_destroy(&attr);
	pl_info("serving on %s with %zu threads", sock, started);
	for (size_t i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	pthread_kill(sigtid, SIGTERM); /* if the workers died first */
	pthread_join(sigtid, NULL);
	free(tids);
	close(listen_fd);
	/* Another instance may have taken the path over since (a restart
	 * that overlapped): remove the socket only if it is still ours. */
	{
		struct stat st;

		if (stat(sock, &st) == 0 && st.st_ino == listen_st.st_ino &&
		    st.st_dev == listen_st.st_dev)
			unlink(sock);
	}
	pl_info("stopped");
	rc = 0;
out:
	pl_tmpl_free(tmpls);
	tmpls = NULL;
	pl_proc_shutdown();
	return rc;
}
