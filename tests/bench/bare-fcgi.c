/* bare-fcgi.c: a bare threaded libfcgi responder, the bench's yardstick.
 *
 *   bare-fcgi -s SOCKET [-t THREADS] [-r MINID-MAXID]
 *
 * Answers every request with a tiny 200 "ok". With -r, a request for
 * DOCUMENT_URI /bare-db first runs one primary-key SELECT (SELECT id FROM
 * users WHERE id = ?, a random id in the range) through a plain libmariadb
 * prepared statement on the thread's own connection (PARLEY_DB_SOCKET,
 * PARLEY_DB_USER, PARLEY_DB_PASSWORD, PARLEY_DB_NAME from the environment).
 * Nothing of Parley is in the way: what nginx + libfcgi (+ MariaDB) cost by
 * themselves on this machine. SIGTERM ends it at once.
 */
/* SPDX-License-Identifier: MIT */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <sys/stat.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <mysql.h>

static int             listen_fd;
static pthread_mutex_t accept_mu = PTHREAD_MUTEX_INITIALIZER;
static long long       id_min, id_max;

static const char ok[] =
    "Status: 200 OK\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Length: 3\r\n\r\nok\n";
static const char fail[] =
    "Status: 500 Internal Server Error\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Length: 5\r\n\r\nfail\n";

struct dbc {
	MYSQL      *my;
	MYSQL_STMT *st;
	long long   arg, res;
	MYSQL_BIND  in, out;
};

static const char *
env(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : def;
}

static int
db_open(struct dbc *d)
{
	static const char sql[] = "SELECT id FROM users WHERE id = ?";

	memset(d, 0, sizeof(*d));
	if ((d->my = mysql_init(NULL)) == NULL)
		return -1;
	if (mysql_real_connect(d->my, NULL, env("PARLEY_DB_USER", "parley_app"),
	        env("PARLEY_DB_PASSWORD", ""), env("PARLEY_DB_NAME", "parley"),
	        0, env("PARLEY_DB_SOCKET", NULL), 0) == NULL) {
		fprintf(stderr, "bare-fcgi: connect: %s\n", mysql_error(d->my));
		return -1;
	}
	if ((d->st = mysql_stmt_init(d->my)) == NULL ||
	    mysql_stmt_prepare(d->st, sql, sizeof(sql) - 1) != 0) {
		fprintf(stderr, "bare-fcgi: prepare: %s\n", mysql_error(d->my));
		return -1;
	}
	d->in.buffer_type = MYSQL_TYPE_LONGLONG;
	d->in.buffer = &d->arg;
	d->out.buffer_type = MYSQL_TYPE_LONGLONG;
	d->out.buffer = &d->res;
	if (mysql_stmt_bind_param(d->st, &d->in) != 0 ||
	    mysql_stmt_bind_result(d->st, &d->out) != 0)
		return -1;
	return 0;
}

static int
db_select(struct dbc *d, unsigned *seed)
{
	int rc, found = 0;

	d->arg = id_min + (long long)(rand_r(seed) % (id_max - id_min + 1));
	if (mysql_stmt_execute(d->st) != 0)
		return -1;
	while ((rc = mysql_stmt_fetch(d->st)) == 0)
		found++;
	mysql_stmt_free_result(d->st);
	return rc == MYSQL_NO_DATA && found == 1 ? 0 : -1;
}

static void *
worker(void *arg)
{
	FCGX_Request f;
	struct dbc   d;
	int          have_db = 0;
	unsigned     seed = (unsigned)(size_t)arg ^ (unsigned)time(NULL);

	mysql_thread_init();
	if (id_max > 0) {
		if (db_open(&d) != 0)
			exit(1);
		have_db = 1;
	}
	FCGX_InitRequest(&f, listen_fd, 0);
	for (;;) {
		const char *uri;
		int         rc;

		pthread_mutex_lock(&accept_mu);
		rc = FCGX_Accept_r(&f);
		pthread_mutex_unlock(&accept_mu);
		if (rc < 0)
			break;
		uri = FCGX_GetParam("DOCUMENT_URI", f.envp);
		if (have_db && uri != NULL && strcmp(uri, "/bare-db") == 0 &&
		    db_select(&d, &seed) != 0)
			FCGX_PutStr(fail, (int)sizeof(fail) - 1, f.out);
		else
			FCGX_PutStr(ok, (int)sizeof(ok) - 1, f.out);
		FCGX_Finish_r(&f);
	}
	return NULL;
}

static void
on_term(int sig)
{
	(void)sig;
	_exit(0);
}

int
main(int argc, char *argv[])
{
	const char    *sock = NULL;
	long           nthreads = 32;
	pthread_t     *tids;
	pthread_attr_t attr;
	int            c;

	while ((c = getopt(argc, argv, "s:t:r:")) != -1) {
		switch (c) {
		case 's':
			sock = optarg;
			break;
		case 't':
			nthreads = strtol(optarg, NULL, 10);
			break;
		case 'r':
			if (sscanf(optarg, "%lld-%lld", &id_min, &id_max) !=
			        2 ||
			    id_min <= 0 || id_max < id_min)
				goto usage;
			break;
		default:
			goto usage;
		}
	}
	if (sock == NULL || nthreads < 1 || nthreads > 4096)
		goto usage;
	if (mysql_library_init(0, NULL, NULL) != 0 || FCGX_Init() != 0)
		return 1;
	/* libfcgi's own SIGTERM handler only sets a flag. */
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	signal(SIGPIPE, SIG_IGN);
	unlink(sock);
	if ((listen_fd = FCGX_OpenSocket(sock, 4096)) < 0) {
		fprintf(stderr, "bare-fcgi: listen %s: %s\n", sock,
		    strerror(errno));
		return 1;
	}
	chmod(sock, 0666);
	if ((tids = calloc((size_t)nthreads, sizeof(*tids))) == NULL)
		return 1;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	for (long i = 0; i < nthreads; i++)
		if (pthread_create(
		        &tids[i], &attr, worker, (void *)(size_t)i) != 0) {
			fprintf(stderr, "bare-fcgi: thread %ld failed\n", i);
			return 1;
		}
	for (long i = 0; i < nthreads; i++)
		pthread_join(tids[i], NULL);
	return 0;
usage:
	fprintf(
	    stderr, "usage: bare-fcgi -s SOCKET [-t THREADS] [-r MIN-MAX]\n");
	return 2;
}
