/* test-db.c: the database layer against the real test database: prepared
 * statements, rows and NULLs, not-found, duplicate keys, transactions and
 * the pool. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "arena.h"
#include "db.h"
#include "proc.h"
#include "t.h"
#include "tdb.h"

enum {
	S_TENANT_ADD,
	S_TENANT_GET,
	S_TENANT_NAMED,
	S_STREAM_ADD,
	S_NULLS,
	S__MAX
};

static const char *const stmts[S__MAX] = {
	[S_TENANT_ADD] = "INSERT INTO tenants (company) VALUES (?)",
	[S_TENANT_GET] =
	    "SELECT id, company, blocked FROM tenants WHERE id = ?",
	[S_TENANT_NAMED] =
	    "SELECT id FROM tenants WHERE company LIKE ?"
	    " ORDER BY id LIMIT ?",
	[S_STREAM_ADD] = "INSERT INTO event_streams (skey, seq) VALUES (?, 1)",
	[S_NULLS] = "SELECT NULL, 42, 'x', ?",
};

static const struct pl_sqlset test_sql = { "test-db", stmts, S__MAX };

int
main(void)
{
	const struct pl_sqlset *uses[] = { &test_sql, NULL };
	struct tdb              t;
	struct pl_row           row;
	struct pl_rows          rows;
	uint64_t                id = 0, id2 = 0, n = 0;
	const char             *co, *key;
	enum pl_err             er;
	int                     rc;

	if ((rc = tdb_open(&t, "test-db", uses)) != 0)
		return rc;
	co = tdb_unique(&t, "db-co");

	/* Insert, then read back by primary key. */
	er = pl_db_exec(
	    t.db, &test_sql, S_TENANT_ADD, PL_ARGS(PL_STR(co)), &n, &id);
	T_INT(er, PL_OK, "insert a tenant");
	T_INT(n, 1, "one row affected");
	T_OK(id > 0, "insert id");
	er = pl_db_one(
	    t.db, t.a, &test_sql, S_TENANT_GET, PL_ARGS(PL_I64(id)), &row);
	T_INT(er, PL_OK, "read it back");
	T_STR(pl_row_str(&row, 1), co, "company as stored");
	T_INT(pl_row_i64(&row, 0), (long long)id, "id as stored");
	T_INT(pl_row_i64(&row, 2), 0, "default blocked");

	/* Not found is its own answer, not an error. */
	er = pl_db_one(t.db, t.a, &test_sql, S_TENANT_GET,
	    PL_ARGS(PL_I64(INT64_MAX)), &row);
	T_INT(er, PL_ENOTFOUND, "missing row");

	/* Text with quotes and a LIKE prefix: bound, never spliced. */
	er = pl_db_exec(t.db, &test_sql, S_TENANT_ADD,
	    PL_ARGS(PL_STR(pl_arena_printf(t.a, "%s' OR '1'='1", co))), NULL,
	    &id2);
	T_INT(er, PL_OK, "insert text with quotes");
	er = pl_db_all(t.db, t.a, &test_sql, S_TENANT_NAMED,
	    PL_ARGS(PL_STR(pl_arena_printf(t.a, "%s%%", co)), PL_I64(10)),
	    &rows);
	T_INT(er, PL_OK, "list by prefix");
	T_INT(rows.n, 2, "both rows of this run, no others");
	T_INT(rows.n == 2 ? pl_row_i64(&rows.v[1], 0) : 0, (long long)id2,
	    "in id order");
	er = pl_db_all(t.db, t.a, &test_sql, S_TENANT_NAMED,
	    PL_ARGS(PL_STR(pl_arena_printf(t.a, "%s%%", co)), PL_I64(1)),
	    &rows);
	T_INT(rows.n, 1, "LIMIT bounds the rows");

	/* NULL, numbers and a NULL parameter. */
	er = pl_db_one(t.db, t.a, &test_sql, S_NULLS, PL_ARGS(PL_NULLV), &row);
	T_INT(er, PL_OK, "select constants");
	T_OK(pl_row_null(&row, 0) && pl_row_str(&row, 0) == NULL, "SQL NULL");
	T_INT(pl_row_i64(&row, 1), 42, "integer column");
	T_INT(pl_row_i64(&row, 2), 0, "text as integer is 0");
	T_OK(pl_row_null(&row, 3), "NULL parameter");

	/* A duplicate key is a conflict, and the connection still works. */
	key = tdb_unique(&t, "db-stream");
	er = pl_db_exec(
	    t.db, &test_sql, S_STREAM_ADD, PL_ARGS(PL_STR(key)), NULL, NULL);
	T_INT(er, PL_OK, "first insert of a key");
	er = pl_db_exec(
	    t.db, &test_sql, S_STREAM_ADD, PL_ARGS(PL_STR(key)), NULL, NULL);
	T_INT(er, PL_ECONFLICT, "duplicate key");
	er = pl_db_one(
	    t.db, t.a, &test_sql, S_TENANT_GET, PL_ARGS(PL_I64(id)), &row);
	T_INT(er, PL_OK, "usable after a conflict");

	/* A rolled-back transaction leaves nothing; a committed one stays. */
	T_INT(pl_db_begin(t.db), PL_OK, "begin");
	er = pl_db_exec(t.db, &test_sql, S_TENANT_ADD,
	    PL_ARGS(PL_STR(pl_arena_printf(t.a, "%s-rolled", co))), NULL, &id2);
	T_INT(er, PL_OK, "insert in a transaction");
	pl_db_rollback(t.db);
	er = pl_db_one(
	    t.db, t.a, &test_sql, S_TENANT_GET, PL_ARGS(PL_I64(id2)), &row);
	T_INT(er, PL_ENOTFOUND, "rolled back: gone");
	T_INT(pl_db_begin(t.db), PL_OK, "begin again");
	er = pl_db_exec(t.db, &test_sql, S_TENANT_ADD,
	    PL_ARGS(PL_STR(pl_arena_printf(t.a, "%s-kept", co))), NULL, &id2);
	T_INT(pl_db_commit(t.db), PL_OK, "commit");
	er = pl_db_one(
	    t.db, t.a, &test_sql, S_TENANT_GET, PL_ARGS(PL_I64(id2)), &row);
	T_INT(er, PL_OK, "committed: there");

	/* A connection given back with a transaction open is rolled back. */
	{
		struct pl_db *db2 = pl_db_get(pl_pool());
		uint64_t      id3 = 0;

		T_INT(pl_db_begin(db2), PL_OK, "begin on a second connection");
		pl_db_exec(db2, &test_sql, S_TENANT_ADD,
		    PL_ARGS(PL_STR(pl_arena_printf(t.a, "%s-open", co))), NULL,
		    &id3);
		pl_db_put(pl_pool(), db2);
		er = pl_db_one(t.db, t.a, &test_sql, S_TENANT_GET,
		    PL_ARGS(PL_I64(id3)), &row);
		T_INT(er, PL_ENOTFOUND, "open transaction rolled back on put");
	}

	tdb_close(&t);
	return t_done();
}
