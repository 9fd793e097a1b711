/*
 * test_db_notify.c - the migrator through its C interface, and the NOTIFY
 * triggers: a change to the planning data tells a listener on
 * parkplan_data once per statement, naming the table; writing a plan does
 * not; a rolled-back change says nothing.
 *
 * Needs the "pg" fixture (PARKPLAN_TEST_DSN); creates and drops a database
 * of its own.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "check.h"
#include "db.h"
#include "testdb.h"

struct heard {
	int count;
	char relname[64];
	char extra[64];
};

/* Read what has arrived on the socket; -1 on a broken connection. */
static int
drain(PGconn *conn, struct heard *h)
{
	PGnotify *n;

	if (!PQconsumeInput(conn)) {
		fprintf(stderr, "PQconsumeInput: %s", PQerrorMessage(conn));
		return -1;
	}
	while ((n = PQnotifies(conn)) != NULL) {
		h->count++;
		snprintf(h->relname, sizeof(h->relname), "%s", n->relname);
		snprintf(h->extra, sizeof(h->extra), "%s", n->extra);
		PQfreemem(n);
	}
	return 0;
}

/* One wait on the connection's socket with select(), until deadline at most. */
static void
wait_until(PGconn *conn, const struct timeval *deadline, struct heard *h)
{
	struct timeval now, left;
	fd_set fds;
	int sock = PQsocket(conn), rc;

	do {
		gettimeofday(&now, NULL);
		if (!timercmp(&now, deadline, <))
			return;
		timersub(deadline, &now, &left);
		FD_ZERO(&fds);
		FD_SET(sock, &fds);
		rc = select(sock + 1, &fds, NULL, NULL, &left);
	} while (rc < 0 && errno == EINTR);
	if (rc > 0)
		drain(conn, h);
}

static void
after_ms(struct timeval *t, int ms)
{
	struct timeval d = {ms / 1000, (ms % 1000) * 1000}, now;

	gettimeofday(&now, NULL);
	timeradd(&now, &d, t);
}

/*
 * Collect notifications: wait up to 3 s for the expected number, then
 * 400 ms more, so that one too many is seen as well.
 */
static void
listen_for(PGconn *conn, int expect, struct heard *h)
{
	struct timeval deadline, now;

	memset(h, 0, sizeof(*h));
	after_ms(&deadline, 3000);
	for (;;) {
		gettimeofday(&now, NULL);
		if (h->count >= expect || !timercmp(&now, &deadline, <))
			break;
		wait_until(conn, &deadline, h);
	}
	after_ms(&deadline, 400);
	for (;;) {
		gettimeofday(&now, NULL);
		if (!timercmp(&now, &deadline, <))
			break;
		wait_until(conn, &deadline, h);
	}
}

static void
test_migrate(PGconn *db)
{
	char err[512] = "";
	int from = -1, to = -1, version = -1;
	PGresult *res;

	CHECK_INT_EQ(db_schema_version(db, &version, err, sizeof(err)), 0);
	CHECK_INT_EQ(version, 0);
	CHECK_INT_EQ(db_migrate(db, &from, &to, err, sizeof(err)), 0);
	CHECK_MSG(from == 0 && to == db_schema_expected(), "from %d to %d: %s", from, to, err);
	CHECK_INT_EQ(db_schema_version(db, &version, err, sizeof(err)), 0);
	CHECK_INT_EQ(version, db_schema_expected());
	CHECK_INT_EQ(db_migrate(db, &from, &to, err, sizeof(err)), 0);
	CHECK_INT_EQ(from, db_schema_expected());
	CHECK_INT_EQ(to, db_schema_expected());
	res = PQexec(db, "SELECT count(*) FROM schema_version");
	CHECK(PQresultStatus(res) == PGRES_TUPLES_OK);
	if (PQresultStatus(res) == PGRES_TUPLES_OK)
		CHECK_INT_EQ(atoi(PQgetvalue(res, 0, 0)), db_schema_expected());
	PQclear(res);
	/* The connection is left idle, outside a transaction. */
	CHECK(PQtransactionStatus(db) == PQTRANS_IDLE);
}

static void
test_notify(PGconn *listener, PGconn *writer)
{
	struct heard h;

	CHECK(testdb_exec(listener, "LISTEN parkplan_data"));
	CHECK(testdb_exec(writer, "INSERT INTO zone (id, code, name, lat, lon)"
	                          " VALUES (1, 'A', 'A', 31.17, 121.40)"));
	listen_for(listener, 1, &h);
	CHECK_INT_EQ(h.count, 1);
	CHECK_STR_CONTAINS(h.relname, "parkplan_data");
	CHECK_STR_CONTAINS(h.extra, "zone");

	/* One statement of three rows: one notification, naming enterprise. */
	CHECK(testdb_exec(writer, "INSERT INTO enterprise (id, name, zone_id, industry, lat, lon)"
	                          " VALUES (10, 'E10', 1, 'IC', 31.16, 121.39),"
	                          " (11, 'E11', 1, 'IC', 31.16, 121.39),"
	                          " (12, 'E12', 1, 'IC', 31.16, 121.39)"));
	listen_for(listener, 1, &h);
	CHECK_INT_EQ(h.count, 1);
	CHECK(strcmp(h.relname, "parkplan_data") == 0);
	CHECK(strcmp(h.extra, "enterprise") == 0);

	/* Two transactions: two notifications. */
	CHECK(testdb_exec(writer, "UPDATE enterprise SET employees = 5 WHERE id = 10"));
	CHECK(testdb_exec(writer, "INSERT INTO community (id, name, lat, lon)"
	                          " VALUES (20, 'C20', 31.15, 121.41)"));
	listen_for(listener, 2, &h);
	CHECK_INT_EQ(h.count, 2);
	CHECK(strcmp(h.extra, "community") == 0);

	/* Settings and rules are planning data too. */
	CHECK(testdb_exec(writer, "INSERT INTO setting (key, value) VALUES ('w_need', '500')"));
	listen_for(listener, 1, &h);
	CHECK_INT_EQ(h.count, 1);
	CHECK(strcmp(h.extra, "setting") == 0);

	/* A rolled-back change says nothing. */
	CHECK(testdb_exec(writer, "BEGIN"));
	CHECK(testdb_exec(writer, "DELETE FROM enterprise WHERE id = 12"));
	CHECK(testdb_exec(writer, "ROLLBACK"));
	listen_for(listener, 0, &h);
	CHECK_INT_EQ(h.count, 0);

	/* Writing a plan is not a change of the planning data. */
	CHECK(testdb_exec(writer,
	                  "INSERT INTO plan_run (id, trigger, status) VALUES (1, 'replan',"
	                  " 'succeeded');"
	                  "INSERT INTO plan_pair (run_id, enterprise_id, community_id, score)"
	                  " VALUES (1, 10, 20, 100)"));
	listen_for(listener, 0, &h);
	CHECK_INT_EQ(h.count, 0);
}

int
main(void)
{
	struct testdb db;
	PGconn *listener, *writer;

	if (testdb_create(&db, "notify") != 0)
		return 1;
	listener = testdb_open(&db);
	writer = testdb_open(&db);
	CHECK(listener != NULL && writer != NULL);
	if (listener != NULL && writer != NULL) {
		test_migrate(writer);
		test_notify(listener, writer);
	}
	PQfinish(listener);
	PQfinish(writer);
	testdb_drop(&db);
	return check_done("test_db_notify");
}
