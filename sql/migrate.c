/*
 * migrate.c - parkplan's schema migrations.
 *
 * The migrations are the numbered sql/NNN_*.sql files, embedded at build
 * time (migrations.h).  The database records what it has in schema_version,
 * one row per applied migration.  db_migrate() applies the missing ones in
 * one transaction, serialised against other migrators by an advisory lock,
 * so that two servers started at once do not both apply version 1.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "dberr.h"
#include "migrations.h"

/*
 * The advisory lock key of the migrator: "pkplmigr" in ASCII.  Other
 * parkplan locks (the planner election) use other keys.
 */
#define MIGRATE_LOCK_KEY "8100691965750372210"

/* Run a statement without parameters that returns no rows. */
static int
exec_command(PGconn *conn, const char *sql, const char *what, char *err, size_t errlen)
{
	PGresult *res = PQexec(conn, sql);
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;

	if (!ok)
		dberr_pq(err, errlen, what, conn);
	PQclear(res);
	return ok ? 0 : -1;
}

/* Parse one non-NULL integer cell of res. */
static int
cell_int(const PGresult *res, int row, int col, int *out)
{
	const char *text;
	char *end;
	long v;

	if (PQgetisnull(res, row, col))
		return -1;
	text = PQgetvalue(res, row, col);
	errno = 0;
	v = strtol(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || v < 0 || v > 1000000)
		return -1;
	*out = (int)v;
	return 0;
}

int
db_schema_expected(void)
{
	if (migrations_count <= 0)
		return 0;
	return migrations[migrations_count - 1].version;
}

int
db_schema_version(PGconn *conn, int *version, char *err, size_t errlen)
{
	PGresult *res;
	int exists;

	*version = 0;
	res = PQexec(conn, "SELECT to_regclass('schema_version') IS NOT NULL");
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		dberr_pq(err, errlen, "reading the schema version", conn);
		PQclear(res);
		return -1;
	}
	exists = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	if (!exists)
		return 0;

	res = PQexec(conn, "SELECT coalesce(max(version), 0) FROM schema_version");
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		dberr_pq(err, errlen, "reading the schema version", conn);
		PQclear(res);
		return -1;
	}
	if (cell_int(res, 0, 0, version) < 0) {
		dberr_set(err, errlen, "reading the schema version: bad value '%s'",
		          PQgetvalue(res, 0, 0));
		PQclear(res);
		return -1;
	}
	PQclear(res);
	return 0;
}

/* Everything of db_migrate() after BEGIN; the caller commits or rolls back. */
static int
migrate_in_transaction(PGconn *conn, int *from, int *to, char *err, size_t errlen)
{
	PGresult *res;
	int current, i, expected = db_schema_expected();

	/* "relation already exists, skipping" is not news. */
	if (exec_command(conn, "SET LOCAL client_min_messages = warning", "migrate", err, errlen) <
	    0)
		return -1;
	if (exec_command(conn, "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK_KEY ")",
	                 "taking the migration lock", err, errlen) < 0)
		return -1;
	if (exec_command(conn,
	                 "CREATE TABLE IF NOT EXISTS schema_version ("
	                 " version integer PRIMARY KEY,"
	                 " applied_at timestamptz NOT NULL DEFAULT now())",
	                 "creating schema_version", err, errlen) < 0)
		return -1;

	res = PQexec(conn, "SELECT coalesce(max(version), 0) FROM schema_version");
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		dberr_pq(err, errlen, "reading the schema version", conn);
		PQclear(res);
		return -1;
	}
	if (cell_int(res, 0, 0, &current) < 0) {
		dberr_set(err, errlen, "reading the schema version: bad value '%s'",
		          PQgetvalue(res, 0, 0));
		PQclear(res);
		return -1;
	}
	PQclear(res);
	*from = current;
	*to = current;

	if (current > expected) {
		dberr_set(err, errlen,
		          "database schema version %d is newer than this parkplan (knows %d); "
		          "upgrade parkplan",
		          current, expected);
		return -1;
	}

	for (i = 0; i < migrations_count; i++) {
		const struct migration *m = &migrations[i];
		char version_text[16];
		const char *params[1];
		char what[128];

		if (m->version <= current)
			continue;
		/* Our own embedded text, not outside input: sent as it is. */
		snprintf(what, sizeof(what), "applying %s", m->file);
		if (exec_command(conn, m->sql, what, err, errlen) < 0)
			return -1;

		snprintf(version_text, sizeof(version_text), "%d", m->version);
		params[0] = version_text;
		res =
		    PQexecParams(conn, "INSERT INTO schema_version (version) VALUES ($1::integer)",
		                 1, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			dberr_pq(err, errlen, "recording the schema version", conn);
			PQclear(res);
			return -1;
		}
		PQclear(res);
		*to = m->version;
	}
	return 0;
}

int
db_migrate(PGconn *conn, int *from, int *to, char *err, size_t errlen)
{
	int dummy_from, dummy_to;

	if (from == NULL)
		from = &dummy_from;
	if (to == NULL)
		to = &dummy_to;
	*from = 0;
	*to = 0;
	if (PQtransactionStatus(conn) != PQTRANS_IDLE) {
		dberr_set(err, errlen, "migrate: the connection is busy or inside a transaction");
		return -1;
	}
	if (exec_command(conn, "BEGIN", "migrate", err, errlen) < 0)
		return -1;
	if (migrate_in_transaction(conn, from, to, err, errlen) < 0) {
		PQclear(PQexec(conn, "ROLLBACK"));
		*to = *from;
		return -1;
	}
	if (exec_command(conn, "COMMIT", "committing the migration", err, errlen) < 0) {
		*to = *from;
		return -1;
	}
	return 0;
}
