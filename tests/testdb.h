/*
 * testdb.h - a database of a C test's own on the server of the "pg"
 * fixture: created through the maintenance DSN (PARKPLAN_TEST_DSN), named
 * after the test and its pid, dropped at the end.
 *
 *	struct testdb db;
 *
 *	if (testdb_create(&db, "loader") != 0)
 *		return 1;
 *	conn = testdb_open(&db);
 *	...
 *	PQfinish(conn);
 *	testdb_drop(&db);
 */
#ifndef PARKPLAN_TESTDB_H
#define PARKPLAN_TESTDB_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <libpq-fe.h>

struct testdb {
	const char *dsn; /* the maintenance DSN */
	PGconn *admin;   /* connected to it */
	char name[64];
};

/* Connect to dsn with dbname replaced (NULL: as given). */
static inline PGconn *
testdb_connect(const char *dsn, const char *db)
{
	const char *keys[] = {"dbname", "dbname", NULL};
	const char *values[] = {dsn, db, NULL};
	PGconn *conn;

	if (db == NULL)
		keys[1] = NULL;
	conn = PQconnectdbParams(keys, values, 1);
	if (PQstatus(conn) != CONNECTION_OK) {
		fprintf(stderr, "cannot connect: %s", PQerrorMessage(conn));
		PQfinish(conn);
		return NULL;
	}
	return conn;
}

/* Whether sql ran; a failure is printed. */
static inline int
testdb_exec(PGconn *conn, const char *sql)
{
	PGresult *res = PQexec(conn, sql);
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;

	if (!ok)
		fprintf(stderr, "%s: %s", sql, PQerrorMessage(conn));
	PQclear(res);
	return ok;
}

/* Creates the database parkplan_test_<what>_<pid>; 0, or -1 with a message. */
static inline int
testdb_create(struct testdb *t, const char *what)
{
	char sql[160];

	t->admin = NULL;
	t->dsn = getenv("PARKPLAN_TEST_DSN");
	if (t->dsn == NULL) {
		fprintf(stderr, "PARKPLAN_TEST_DSN is not set (run through ctest)\n");
		return -1;
	}
	t->admin = testdb_connect(t->dsn, NULL);
	if (t->admin == NULL)
		return -1;
	testdb_exec(t->admin, "SET client_min_messages = warning");
	snprintf(t->name, sizeof(t->name), "parkplan_test_%s_%ld", what, (long)getpid());
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s", t->name);
	testdb_exec(t->admin, sql);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", t->name);
	if (!testdb_exec(t->admin, sql)) {
		PQfinish(t->admin);
		t->admin = NULL;
		return -1;
	}
	return 0;
}

/* A new connection to the test's database, or NULL. */
static inline PGconn *
testdb_open(const struct testdb *t)
{
	return testdb_connect(t->dsn, t->name);
}

static inline void
testdb_drop(struct testdb *t)
{
	char sql[160];

	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", t->name);
	testdb_exec(t->admin, sql);
	PQfinish(t->admin);
	t->admin = NULL;
}

#endif
