/* db.c: MariaDB through prepared statements only; the one user of <mysql.h>.
 *
 * Every connection prepares every statement of every registered set when it
 * opens, and again after a reconnect. Results are fetched as text: the
 * server converts, the callers parse the few integers they need, and one
 * code path serves every column type.
 */
/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <mysql.h>
#include <mysqld_error.h>
#include <errmsg.h>

#include "arena.h"
#include "config.h"
#include "db.h"
#include "log.h"

struct pl_db {
	MYSQL                  *my;
	MYSQL_STMT            **st; /* all sets' statements, flattened */
	const struct pl_dbpool *pool;
	int                     in_tx;
	unsigned                last_errno;
	struct pl_db           *next_free;
};

struct pl_dbpool {
	const struct pl_config        *cfg;
	const struct pl_sqlset *const *sets;
	size_t                         nsets;
	size_t                         nstmts;
	size_t                        *base; /* first flat index of each set */
	struct pl_db                  *conns;
	size_t                         nconn;
	struct pl_db                  *free;
	pthread_mutex_t                mu;
	pthread_cond_t                 cv;
};

static size_t
flat_index(const struct pl_dbpool *p, const struct pl_sqlset *set, size_t idx)
{
	for (size_t i = 0; i < p->nsets; i++)
		if (p->sets[i] == set) {
			if (idx >= set->n)
				pl_die("db: %s statement %zu out of range",
				    set->name, idx);
			return p->base[i] + idx;
		}
	pl_die("db: statement set %s is not registered", set->name);
}

static int
gone(unsigned e)
{
	return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST ||
	       e == ER_CONNECTION_KILLED ||
	       e == 4031 /* client was idle too long */;
}

static void
conn_close(struct pl_db *db)
{
	if (db->st != NULL)
		for (size_t i = 0; i < db->pool->nstmts; i++)
			if (db->st[i] != NULL) {
				mysql_stmt_close(db->st[i]);
				db->st[i] = NULL;
			}
	if (db->my != NULL) {
		mysql_close(db->my);
		db->my = NULL;
	}
	db->in_tx = 0;
}

static enum pl_err
conn_open(struct pl_db *db)
{
	const struct pl_config *c = db->pool->cfg;
	unsigned                tmo = 10, rwtmo = 60;
	MYSQL                  *my;

	if ((my = mysql_init(NULL)) == NULL)
		pl_die("db: mysql_init: out of memory");
	mysql_options(my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(my, MYSQL_OPT_CONNECT_TIMEOUT, &tmo);
	mysql_options(my, MYSQL_OPT_READ_TIMEOUT, &rwtmo);
	mysql_options(my, MYSQL_OPT_WRITE_TIMEOUT, &rwtmo);
	/* Strict mode, UTC, and read-committed: every autocommit statement
	 * sees what committed before it, which the event cursors rely on. */
	mysql_options(my, MYSQL_INIT_COMMAND,
	    "SET SESSION sql_mode='STRICT_ALL_TABLES,NO_ZERO_DATE,"
	    "NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'"
	    ","
	    " time_zone='+00:00'");
	mysql_options(my, MYSQL_INIT_COMMAND,
	    "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
	if (mysql_real_connect(my, c->db_socket ? NULL : c->db_host, c->db_user,
	        c->db_password, c->db_name, c->db_socket ? 0 : c->db_port,
	        c->db_socket, 0) == NULL) {
		pl_error("db: connect to %s as %s: %s",
		    c->db_socket ? c->db_socket : c->db_host, c->db_user,
		    mysql_error(my));
		mysql_close(my);
		return PL_EUNAVAIL;
	}
	db->my = my;
	for (size_t s = 0; s < db->pool->nsets; s++) {
		const struct pl_sqlset *set = db->pool->sets[s];

		for (size_t i = 0; i < set->n; i++) {
			MYSQL_STMT *st;
			my_bool     upd = 1;

			if (set->sql[i] == NULL) {
				pl_error("db: %s statement %zu is missing",
				    set->name, i);
				conn_close(db);
				return PL_EINTERNAL;
			}
			if ((st = mysql_stmt_init(my)) == NULL)
				pl_die("db: mysql_stmt_init: out of memory");
			mysql_stmt_attr_set(
			    st, STMT_ATTR_UPDATE_MAX_LENGTH, &upd);
			db->st[db->pool->base[s] + i] = st;
			if (mysql_stmt_prepare(
			        st, set->sql[i], strlen(set->sql[i])) != 0) {
				unsigned e = mysql_stmt_errno(st);

				pl_error("db: prepare %s[%zu]: %s", set->name,
				    i, mysql_stmt_error(st));
				conn_close(db); /* closes st too */
				return gone(e) ? PL_EUNAVAIL : PL_EINTERNAL;
			}
		}
	}
	return PL_OK;
}

enum pl_err
pl_dbpool_new(const struct pl_config *c, const struct pl_sqlset *const *sets,
    size_t nsets, size_t nconn, struct pl_dbpool **out)
{
	struct pl_dbpool *p;
	enum pl_err       er = PL_OK;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		pl_die("db: out of memory");
	p->cfg = c;
	p->sets = sets;
	p->nsets = nsets;
	if ((p->base = calloc(nsets ? nsets : 1, sizeof(*p->base))) == NULL)
		pl_die("db: out of memory");
	for (size_t i = 0; i < nsets; i++) {
		p->base[i] = p->nstmts;
		p->nstmts += sets[i]->n;
	}
	p->nconn = nconn ? nconn : 1;
	if ((p->conns = calloc(p->nconn, sizeof(*p->conns))) == NULL)
		pl_die("db: out of memory");
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	for (size_t i = 0; i < p->nconn; i++) {
		struct pl_db *db = &p->conns[i];

		db->pool = p;
		if ((db->st = calloc(
		         p->nstmts ? p->nstmts : 1, sizeof(*db->st))) == NULL)
			pl_die("db: out of memory");
		if ((er = conn_open(db)) != PL_OK)
			break;
		db->next_free = p->free;
		p->free = db;
	}
	if (er != PL_OK) {
		pl_dbpool_free(p);
		return er;
	}
	*out = p;
	return PL_OK;
}

void
pl_dbpool_free(struct pl_dbpool *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->nconn; i++) {
		if (p->conns[i].pool != NULL)
			conn_close(&p->conns[i]);
		free(p->conns[i].st);
	}
	free(p->conns);
	free(p->base);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p);
}

struct pl_db *
pl_db_get(struct pl_dbpool *p)
{
	struct pl_db *db;

	pthread_mutex_lock(&p->mu);
	while (p->free == NULL)
		pthread_cond_wait(&p->cv, &p->mu);
	db = p->free;
	p->free = db->next_free;
	pthread_mutex_unlock(&p->mu);
	db->next_free = NULL;
	return db;
}

void
pl_db_put(struct pl_dbpool *p, struct pl_db *db)
{
	if (db == NULL)
		return;
	if (db->in_tx)
		pl_db_rollback(db);
	pthread_mutex_lock(&p->mu);
	db->next_free = p->free;
	p->free = db;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

static enum pl_err
map_err(struct pl_db *db, MYSQL_STMT *st, const char *what, size_t idx)
{
	unsigned e = mysql_stmt_errno(st);

	db->last_errno = e;
	switch (e) {
	case ER_DUP_ENTRY:
	case ER_NO_REFERENCED_ROW_2:
	case ER_ROW_IS_REFERENCED_2:
		return PL_ECONFLICT;
	case ER_LOCK_DEADLOCK:
	case ER_LOCK_WAIT_TIMEOUT:
		pl_warn("db: %s[%zu]: %s", what, idx, mysql_stmt_error(st));
		return PL_EUNAVAIL;
	default:
		break;
	}
	pl_error("db: %s[%zu]: (%u) %s", what, idx, e, mysql_stmt_error(st));
	return gone(e) ? PL_EUNAVAIL : PL_EINTERNAL;
}

/* Bind the parameters and execute. One reconnect when the server went away
 * outside a transaction (a restart of mysqld must not need one of ours). */
static enum pl_err
stmt_run(struct pl_db *db, const struct pl_sqlset *set, size_t idx,
    const struct pl_val *args, size_t nargs, MYSQL_STMT **out)
{
	size_t      fi = flat_index(db->pool, set, idx);
	MYSQL_BIND  bind[32];
	int         tries = 0;
	MYSQL_STMT *st;

	if (nargs > 32)
		pl_die("db: %s[%zu]: too many parameters", set->name, idx);
again:
	if (db->my == NULL) {
		enum pl_err er = conn_open(db);

		if (er != PL_OK)
			return er;
	}
	st = db->st[fi];
	if (mysql_stmt_param_count(st) != nargs)
		pl_die("db: %s[%zu] takes %lu parameters, given %zu", set->name,
		    idx, mysql_stmt_param_count(st), nargs);
	memset(bind, 0, sizeof(bind));
	for (size_t i = 0; i < nargs; i++) {
		switch (args[i].t) {
		case PL_V_NULL:
			bind[i].buffer_type = MYSQL_TYPE_NULL;
			break;
		case PL_V_I64:
			bind[i].buffer_type = MYSQL_TYPE_LONGLONG;
			bind[i].buffer = (void *)(uintptr_t)&args[i].i;
			break;
		case PL_V_STR:
			if (args[i].s == NULL) {
				bind[i].buffer_type = MYSQL_TYPE_NULL;
				break;
			}
			bind[i].buffer_type = MYSQL_TYPE_STRING;
			bind[i].buffer = (void *)(uintptr_t)args[i].s;
			bind[i].buffer_length = args[i].n == (size_t)-1
			                            ? strlen(args[i].s)
			                            : args[i].n;
			break;
		}
	}
	if ((nargs > 0 && mysql_stmt_bind_param(st, bind) != 0) ||
	    mysql_stmt_execute(st) != 0) {
		unsigned e = mysql_stmt_errno(st);

		if (gone(e) && !db->in_tx && tries++ == 0) {
			pl_warn("db: server went away; reconnecting");
			conn_close(db);
			goto again;
		}
		if (gone(e))
			conn_close(db);
		return map_err(db, st, set->name, idx);
	}
	db->last_errno = 0;
	*out = st;
	return PL_OK;
}

enum pl_err
pl_db_exec(struct pl_db *db, const struct pl_sqlset *set, size_t idx,
    const struct pl_val *args, size_t nargs, uint64_t *affected,
    uint64_t *insert_id)
{
	MYSQL_STMT *st;
	enum pl_err er;

	if ((er = stmt_run(db, set, idx, args, nargs, &st)) != PL_OK)
		return er;
	if (affected != NULL)
		*affected = mysql_stmt_affected_rows(st);
	if (insert_id != NULL)
		*insert_id = mysql_stmt_insert_id(st);
	mysql_stmt_free_result(st);
	return PL_OK;
}

static enum pl_err
fetch(struct pl_db *db, struct pl_arena *a, const struct pl_sqlset *set,
    size_t idx, const struct pl_val *args, size_t nargs, size_t max,
    struct pl_rows *rows)
{
	MYSQL_STMT    *st;
	MYSQL_RES     *meta = NULL;
	MYSQL_BIND    *bind = NULL;
	unsigned long *lens = NULL;
	my_bool       *nulls = NULL;
	size_t         ncol, cap = 0;
	enum pl_err    er;
	int            rc;

	rows->v = NULL;
	rows->n = 0;
	if ((er = stmt_run(db, set, idx, args, nargs, &st)) != PL_OK)
		return er;
	if (mysql_stmt_store_result(st) != 0) {
		er = map_err(db, st, set->name, idx);
		goto out;
	}
	if ((meta = mysql_stmt_result_metadata(st)) == NULL)
		pl_die("db: %s[%zu] returns no result set", set->name, idx);
	ncol = mysql_num_fields(meta);
	bind = pl_arena_array(a, ncol, sizeof(*bind));
	lens = pl_arena_array(a, ncol, sizeof(*lens));
	nulls = pl_arena_array(a, ncol, sizeof(*nulls));
	for (size_t c = 0; c < ncol; c++) {
		MYSQL_FIELD *f = mysql_fetch_field_direct(meta, (unsigned)c);

		bind[c].buffer_type = MYSQL_TYPE_STRING;
		/* max_length is the longest value in this result (we asked
		 * for STMT_ATTR_UPDATE_MAX_LENGTH); numbers need room too. */
		bind[c].buffer_length = f->max_length + 64;
		bind[c].length = &lens[c];
		bind[c].is_null = &nulls[c];
	}
	cap = mysql_stmt_num_rows(st);
	if (cap > max)
		cap = max;
	rows->v = pl_arena_array(a, cap ? cap : 1, sizeof(*rows->v));
	while (rows->n < cap) {
		struct pl_row *r = &rows->v[rows->n];

		for (size_t c = 0; c < ncol; c++)
			bind[c].buffer =
			    pl_arena_alloc(a, bind[c].buffer_length + 1);
		if (mysql_stmt_bind_result(st, bind) != 0) {
			er = map_err(db, st, set->name, idx);
			goto out;
		}
		rc = mysql_stmt_fetch(st);
		if (rc == MYSQL_NO_DATA)
			break;
		if (rc == 1) {
			er = map_err(db, st, set->name, idx);
			goto out;
		}
		r->n = ncol;
		r->v = pl_arena_array(a, ncol, sizeof(*r->v));
		r->len = pl_arena_array(a, ncol, sizeof(*r->len));
		for (size_t c = 0; c < ncol; c++) {
			if (nulls[c]) {
				r->v[c] = NULL;
				continue;
			}
			r->v[c] = bind[c].buffer;
			r->len[c] = lens[c];
			r->v[c][lens[c]] = '\0';
		}
		rows->n++;
	}
out:
	if (meta != NULL)
		mysql_free_result(meta);
	mysql_stmt_free_result(st);
	return er;
}

enum pl_err
pl_db_one(struct pl_db *db, struct pl_arena *a, const struct pl_sqlset *set,
    size_t idx, const struct pl_val *args, size_t nargs, struct pl_row *row)
{
	struct pl_rows rows;
	enum pl_err    er;

	if ((er = fetch(db, a, set, idx, args, nargs, 1, &rows)) != PL_OK)
		return er;
	if (rows.n == 0)
		return PL_ENOTFOUND;
	*row = rows.v[0];
	return PL_OK;
}

enum pl_err
pl_db_all(struct pl_db *db, struct pl_arena *a, const struct pl_sqlset *set,
    size_t idx, const struct pl_val *args, size_t nargs, struct pl_rows *rows)
{
	return fetch(db, a, set, idx, args, nargs, 100000, rows);
}

enum pl_err
pl_db_begin(struct pl_db *db)
{
	if (db->in_tx)
		pl_die("db: transactions do not nest");
	if (db->my == NULL) {
		enum pl_err er = conn_open(db);

		if (er != PL_OK)
			return er;
	}
	if (mysql_autocommit(db->my, 0) != 0 ||
	    mysql_real_query(db->my, "START TRANSACTION", 17) != 0) {
		unsigned e = mysql_errno(db->my);

		pl_error("db: begin: %s", mysql_error(db->my));
		if (gone(e))
			conn_close(db);
		return PL_EUNAVAIL;
	}
	db->in_tx = 1;
	return PL_OK;
}

enum pl_err
pl_db_commit(struct pl_db *db)
{
	if (!db->in_tx)
		pl_die("db: commit outside a transaction");
	db->in_tx = 0;
	if (mysql_commit(db->my) != 0) {
		db->last_errno = mysql_errno(db->my);
		pl_error("db: commit: %s", mysql_error(db->my));
		if (gone(db->last_errno))
			conn_close(db);
		else
			mysql_autocommit(db->my, 1);
		return PL_EUNAVAIL;
	}
	mysql_autocommit(db->my, 1);
	return PL_OK;
}

void
pl_db_rollback(struct pl_db *db)
{
	if (!db->in_tx)
		return;
	db->in_tx = 0;
	if (db->my == NULL)
		return;
	if (mysql_rollback(db->my) != 0 || mysql_autocommit(db->my, 1) != 0) {
		pl_warn("db: rollback: %s", mysql_error(db->my));
		conn_close(db);
	}
}

int
pl_db_retryable(const struct pl_db *db)
{
	return db->last_errno == ER_LOCK_DEADLOCK ||
	       db->last_errno == ER_LOCK_WAIT_TIMEOUT;
}

const char *
pl_row_str(const struct pl_row *r, size_t col)
{
	return col < r->n ? r->v[col] : NULL;
}

int64_t
pl_row_i64(const struct pl_row *r, size_t col)
{
	const char *s = pl_row_str(r, col);
	char       *end;
	long long   v;

	if (s == NULL)
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	return errno == 0 && *end == '\0' ? v : 0;
}

int
pl_row_null(const struct pl_row *r, size_t col)
{
	return pl_row_str(r, col) == NULL;
}
