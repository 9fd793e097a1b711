/*
 * test_db_loader.c - the loader's step-by-step interface, as the daemon
 * drives it: the queries of db_loader_query() run in order inside
 * DB_LOAD_BEGIN, each result handed to db_loader_take().
 *
 * - A row committed by another connection after the first query is not in
 *   the snapshot (one REPEATABLE READ read).
 * - Results out of order, a failed query and an unfinished loader are
 *   refused with a message.
 * - The stepwise snapshot equals db_load_snapshot()'s, once the
 *   concurrent row is visible to both; and so does one taken a few rows
 *   at a time (db_loader_take_some, as the daemon takes big results).
 *
 * Needs the "pg" fixture (PARKPLAN_TEST_DSN).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "check.h"
#include "db.h"
#include "testdb.h"

static const char data_sql[] =
    "INSERT INTO zone (id, code, name, lat, lon) VALUES (1, 'A', 'A', 31.17, 121.40),"
    " (2, 'B', 'B', 31.18, 121.41);"
    "INSERT INTO enterprise (id, name, zone_id, industry, lat, lon, offers)"
    " VALUES (10, 'E10', 1, 'IC', 31.16, 121.39, ARRAY['law', 'care', 'law']);"
    "INSERT INTO community (id, name, lat, lon, needs) VALUES (20, 'C20', 31.15, 121.41,"
    " ARRAY['care']);"
    "INSERT INTO instructor (id, name, home_lat, home_lon) VALUES (30, 'I30', 31.2, 121.5);"
    "INSERT INTO period (id, label, start) VALUES (40, 'P1', '2027-01-01'),"
    " (41, 'P0', '2026-10-01');"
    "INSERT INTO instructor_unavailable VALUES (30, 40);"
    "INSERT INTO setting VALUES ('w_stay', '7')";

/*
 * Load step by step; between the first and second query, run concurrent_sql
 * elsewhere.  max_rows > 0: each result taken that many rows at a time.
 */
static int
load_stepwise(PGconn *conn, PGconn *other, const char *concurrent_sql, struct snapshot *out,
              int max_rows)
{
	struct db_loader *ld = db_loader_new();
	char err[512] = "";
	size_t i;
	int ok = 1;

	CHECK(ld != NULL);
	if (ld == NULL)
		return -1;
	CHECK(testdb_exec(conn, DB_LOAD_BEGIN));
	for (i = 0; ok && i < db_loader_query_count(); i++) {
		PGresult *res =
		    PQexecParams(conn, db_loader_query(i), 0, NULL, NULL, NULL, NULL, 0);

		int rc, calls = 0;

		do {
			rc = max_rows > 0
			         ? db_loader_take_some(ld, i, res, max_rows, err, sizeof(err))
			         : db_loader_take(ld, i, res, err, sizeof(err));
			calls++;
		} while (rc == 1);
		if (rc < 0) {
			fprintf(stderr, "query %zu: %s\n", i, err);
			ok = 0;
		} else if (max_rows > 0) {
			/* one call per max_rows rows, and one for an empty result */
			int n = PQntuples(res), want = n == 0 ? 1 : (n + max_rows - 1) / max_rows;

			CHECK_MSG(calls == want, "query %zu: %d calls for %d rows", i, calls, n);
		}
		PQclear(res);
		if (i == 0 && concurrent_sql != NULL)
			CHECK(testdb_exec(other, concurrent_sql));
	}
	CHECK(testdb_exec(conn, ok ? "COMMIT" : "ROLLBACK"));
	if (!ok) {
		db_loader_free(ld);
		snapshot_init(out);
		return -1;
	}
	if (db_loader_finish(ld, out, err, sizeof(err)) < 0) {
		fprintf(stderr, "finish: %s\n", err);
		return -1;
	}
	return 0;
}

static void
test_loader(PGconn *conn, PGconn *other)
{
	struct snapshot a, b;
	struct db_loader *ld;
	char err[512] = "";
	PGresult *res;
	json_t *ja, *jb;

	CHECK(db_loader_query_count() >= 9);
	CHECK(db_loader_query(db_loader_query_count()) == NULL);
	CHECK(testdb_exec(conn, data_sql));

	/* The zone committed meanwhile is not seen. */
	CHECK_INT_EQ(load_stepwise(conn, other,
	                           "INSERT INTO zone (id, code, name, lat, lon)"
	                           " VALUES (3, 'C', 'C', 31.19, 121.42)",
	                           &a, 0),
	             0);
	CHECK_INT_EQ(a.n_zones, 2);
	CHECK_INT_EQ(a.n_enterprises, 1);
	CHECK_INT_EQ(a.settings.w_stay, 7);
	if (a.n_enterprises == 1) {
		CHECK_INT_EQ(a.enterprises[0].offers.n, 2);
		CHECK(a.enterprises[0].party_org == ORG_NONE);
		CHECK(a.enterprises[0].joined_on == DATE_NONE);
	}
	CHECK_INT_EQ(a.n_periods, 2);
	if (a.n_periods == 2) {
		CHECK_INT_EQ(a.periods[0].id, 41);
		CHECK_INT_EQ(a.periods[0].start, 20727); /* 2026-10-01 */
		CHECK_INT_EQ(a.periods[1].start, 20819); /* 2027-01-01 */
	}
	if (a.n_instructors == 1) {
		CHECK_INT_EQ(a.instructors[0].capacity, 100);
		CHECK_INT_EQ(a.instructors[0].n_unavailable, 1);
	}
	snapshot_free(&a);

	/* Now both ways see three zones, and agree on everything. */
	CHECK_INT_EQ(load_stepwise(conn, NULL, NULL, &a, 0), 0);
	CHECK_INT_EQ(db_load_snapshot(conn, &b, err, sizeof(err)), 0);
	CHECK_INT_EQ(a.n_zones, 3);
	CHECK(PQtransactionStatus(conn) == PQTRANS_IDLE);
	ja = snapshot_to_json(&a);
	jb = snapshot_to_json(&b);
	CHECK(ja != NULL && jb != NULL && json_equal(ja, jb));
	json_decref(ja);
	snapshot_free(&a);

	/* A few rows at a time: the same snapshot, with more rows to cut. */
	CHECK(testdb_exec(conn, "INSERT INTO enterprise (id, name, zone_id, industry, lat, lon)"
	                        " SELECT g, 'E' || g, 1 + g % 3, 'IC', 31.1 + g / 1e4, 121.4"
	                        " FROM generate_series(100, 124) g"));
	json_decref(jb);
	snapshot_free(&b);
	CHECK_INT_EQ(db_load_snapshot(conn, &b, err, sizeof(err)), 0);
	jb = snapshot_to_json(&b);
	for (int max_rows = 1; max_rows <= 30; max_rows += 7) {
		CHECK_INT_EQ(load_stepwise(conn, NULL, NULL, &a, max_rows), 0);
		CHECK_INT_EQ(a.n_enterprises, 26);
		ja = snapshot_to_json(&a);
		CHECK_MSG(ja != NULL && jb != NULL && json_equal(ja, jb), "max_rows %d", max_rows);
		json_decref(ja);
		snapshot_free(&a);
	}
	json_decref(jb);
	snapshot_free(&b);

	/* Out of order: result 1 before result 0. */
	ld = db_loader_new();
	CHECK(testdb_exec(conn, DB_LOAD_BEGIN));
	res = PQexecParams(conn, db_loader_query(1), 0, NULL, NULL, NULL, NULL, 0);
	CHECK_INT_EQ(db_loader_take(ld, 1, res, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, "out of order");
	PQclear(res);
	CHECK(testdb_exec(conn, "ROLLBACK"));
	/* Finishing a loader that has not read everything. */
	CHECK_INT_EQ(db_loader_finish(ld, &a, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, "0 of");
	CHECK_INT_EQ(a.n_zones, 0);

	/* A failed query is reported with what was being loaded. */
	ld = db_loader_new();
	res = PQexec(conn, "SELECT * FROM no_such_table");
	CHECK_INT_EQ(db_loader_take(ld, 0, res, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, "loading settings");
	CHECK_STR_CONTAINS(err, "no_such_table");
	PQclear(res);
	db_loader_free(ld);
	db_loader_free(NULL);

	/* Inside a transaction already: refused, the transaction untouched. */
	CHECK(testdb_exec(conn, "BEGIN"));
	CHECK_INT_EQ(db_load_snapshot(conn, &b, err, sizeof(err)), -1);
	CHECK(PQtransactionStatus(conn) == PQTRANS_INTRANS);
	CHECK(testdb_exec(conn, "ROLLBACK"));
	snapshot_free(&b);
}

int
main(void)
{
	struct testdb db;
	PGconn *conn, *other;
	char err[512];
	int from, to;

	if (testdb_create(&db, "loader") != 0)
		return 1;
	conn = testdb_open(&db);
	other = testdb_open(&db);
	CHECK(conn != NULL && other != NULL);
	if (conn != NULL && other != NULL) {
		CHECK_INT_EQ(db_migrate(conn, &from, &to, err, sizeof(err)), 0);
		test_loader(conn, other);
	}
	PQfinish(conn);
	PQfinish(other);
	testdb_drop(&db);
	return check_done("test_db_loader");
}
