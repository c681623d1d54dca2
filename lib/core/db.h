/* db.h: MariaDB through prepared statements only. SQL lives in static
 * tables (struct pl_sqlset), prepared on every connection at start-up, so a
 * statement that no longer fits the schema stops the process at boot. */
/* SPDX-License-Identifier: MIT */
#ifndef PL_DB_H
#define PL_DB_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct pl_arena;
struct pl_config;
struct pl_db;
struct pl_dbpool;

/*
 * A module's statements, and the modules it calls: each module owns its
 * SQL, and an executable names the modules it uses (struct pl_app .uses, or
 * pl_proc_boot), which brings in what they use in turn. Every statement of
 * every set so reached is prepared at start-up; running one of a set that
 * was not is a bug that stops the process with the set's name.
 */
#define PL_MAX_USES 8

struct pl_sqlset {
	const char             *name; /* for logs: "session", "admin" */
	const char *const      *sql;
	size_t                  n;
	const struct pl_sqlset *uses[PL_MAX_USES]; /* the rest NULL */
};

enum pl_vtype {
	PL_V_NULL,
	PL_V_I64,
	PL_V_STR
};

/* One bound parameter. */
struct pl_val {
	enum pl_vtype t;
	int64_t       i;
	const char   *s;
	size_t        n;
};

#define PL_I64(x)     ((struct pl_val){ .t = PL_V_I64, .i = (int64_t)(x) })
#define PL_STR(x)     ((struct pl_val){ .t = PL_V_STR, .s = (x), .n = (size_t)-1 })
#define PL_STRN(x, l) ((struct pl_val){ .t = PL_V_STR, .s = (x), .n = (l) })
#define PL_NULLV      ((struct pl_val){ .t = PL_V_NULL })
/* A typed argument list: PL_ARGS(PL_I64(id), PL_STR(name)). */
#define PL_ARGS(...)                                                           \
	(const struct pl_val[]){ __VA_ARGS__ },                                \
	    sizeof((const struct pl_val[]){ __VA_ARGS__ }) /                   \
	        sizeof(struct pl_val)
#define PL_NOARGS NULL, 0

/* A result row: every column as text (NULL for SQL NULL), arena-owned. */
struct pl_row {
	char  **v;
	size_t *len;
	size_t  n;
};

struct pl_rows {
	struct pl_row *v;
	size_t         n;
};

/*
 * Open a pool of c->db_pool connections and prepare every statement of every
 * set on each. PL_OK, or PL_EUNAVAIL (server unreachable, logged) or
 * PL_EINTERNAL (a statement failed to prepare: logged with its set, index and
 * the server's message).
 */
enum pl_err pl_dbpool_new(const struct pl_config *c,
    const struct pl_sqlset *const *sets, size_t nsets, size_t nconn,
    struct pl_dbpool **out);
void        pl_dbpool_free(struct pl_dbpool *p);
/* Borrow a connection, waiting for one; give it back with pl_db_put(). */
struct pl_db *pl_db_get(struct pl_dbpool *p);
/* Return a connection; rolls back an open transaction first. */
void pl_db_put(struct pl_dbpool *p, struct pl_db *db);

/*
 * Run a statement that returns no rows. *affected and *insert_id may be
 * NULL. PL_OK; PL_ECONFLICT on a duplicate key (1062) or a foreign-key
 * failure (1451/1452); PL_EUNAVAIL if the server went away (retried once by
 * reconnecting when no transaction is open); PL_EINTERNAL otherwise (logged).
 */
enum pl_err pl_db_exec(struct pl_db *db, const struct pl_sqlset *set,
    size_t idx, const struct pl_val *args, size_t nargs, uint64_t *affected,
    uint64_t *insert_id);
/* Fetch exactly the first row: PL_OK, or PL_ENOTFOUND when there is none. */
enum pl_err pl_db_one(struct pl_db *db, struct pl_arena *a,
    const struct pl_sqlset *set, size_t idx, const struct pl_val *args,
    size_t nargs, struct pl_row *row);
/* Fetch every row (the SQL bounds them with LIMIT). */
enum pl_err pl_db_all(struct pl_db *db, struct pl_arena *a,
    const struct pl_sqlset *set, size_t idx, const struct pl_val *args,
    size_t nargs, struct pl_rows *rows);

/* Transactions never nest. begin/commit/rollback return PL_OK or an error;
 * rollback is safe to call when none is open. */
enum pl_err pl_db_begin(struct pl_db *db);
enum pl_err pl_db_commit(struct pl_db *db);
void        pl_db_rollback(struct pl_db *db);
/* True when the last failure was a deadlock or lock wait timeout, so the
 * whole transaction may be retried. */
int pl_db_retryable(const struct pl_db *db);

/* Column accessors. str returns NULL for SQL NULL; i64 returns 0 for NULL
 * or text that is not an integer. */
const char *pl_row_str(const struct pl_row *r, size_t col);
int64_t     pl_row_i64(const struct pl_row *r, size_t col);
int         pl_row_null(const struct pl_row *r, size_t col);

#endif
