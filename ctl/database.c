/*
 * database.c - the database of the offline verbs: its DSN and the
 * connection.
 */
#include <stdio.h>
#include <stdlib.h>

#include "ctl.h"
#include "db.h"

const char *
ctl_dsn(const char *option_value)
{
	const char *dsn = option_value;

	if (dsn == NULL)
		dsn = getenv("PARKPLAN_DSN");
	if (dsn == NULL || *dsn == '\0') {
		fprintf(stderr, "parkplanctl: no database: give --dsn DSN or set PARKPLAN_DSN\n");
		return NULL;
	}
	return dsn;
}

PGconn *
ctl_connect(const char *dsn)
{
	PGconn *conn = PQconnectdb(dsn);

	if (PQstatus(conn) != CONNECTION_OK) {
		fprintf(stderr, "parkplanctl: cannot connect to the database: %s",
		        PQerrorMessage(conn));
		PQfinish(conn);
		return NULL;
	}
	return conn;
}

PGconn *
ctl_connect_schema(const char *verb, const char *option_value, int *rc)
{
	const char *dsn = ctl_dsn(option_value);
	int version, expected = db_schema_expected();
	char err[1024];
	PGconn *conn;

	*rc = EXIT_USAGE;
	if (dsn == NULL)
		return NULL;
	*rc = EXIT_UNAVAILABLE;
	conn = ctl_connect(dsn);
	if (conn == NULL)
		return NULL;
	if (db_schema_version(conn, &version, err, sizeof(err)) < 0) {
		ctl_error(verb, "%s", err);
		*rc = PQstatus(conn) != CONNECTION_OK ? EXIT_UNAVAILABLE : EXIT_FAILURE_RUN;
		PQfinish(conn);
		return NULL;
	}
	if (version != expected) {
		if (version < expected)
			ctl_error(verb,
			          "database schema is at version %d, this parkplan needs %d: "
			          "run parkplanctl migrate",
			          version, expected);
		else
			ctl_error(
			    verb,
			    "database schema version %d is newer than this parkplan (knows %d); "
			    "upgrade parkplan",
			    version, expected);
		*rc = EXIT_FAILURE_RUN;
		PQfinish(conn);
		return NULL;
	}
	*rc = EXIT_OK;
	return conn;
}
