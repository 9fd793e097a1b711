/*
 * database.c - the database of the offline verbs: its DSN and the
 * connection.
 */
#include <stdio.h>
#include <stdlib.h>

#include "ctl.h"

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
