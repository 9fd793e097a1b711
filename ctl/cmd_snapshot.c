/*
 * cmd_snapshot.c - `parkplanctl snapshot [--dsn DSN] [--output FILE]`:
 * read the planning data in one REPEATABLE READ transaction and write it as
 * a "parkplan-snapshot/1" JSON document (stdout when no --output).
 */
#include <getopt.h>
#include <stdio.h>

#include "ctl.h"
#include "db.h"
#include "snapshot.h"

static void
snapshot_usage(FILE *f)
{
	fprintf(f, "usage: parkplanctl snapshot [--dsn DSN] [--output FILE]\n"
	           "       parkplanctl snapshot [PLAN] [--output FILE] [--socket PATH]\n"
	           "  Write the planning data as it is now (one consistent read) as snapshot\n"
	           "  JSON, to FILE or to standard output.  With a DSN (--dsn or $PARKPLAN_DSN)\n"
	           "  and no PLAN, read the database directly; otherwise ask parkpland for the\n"
	           "  input of PLAN (default: the data now).\n");
}

int
cmd_snapshot(int argc, char **argv)
{
	static const struct option options[] = {
	    {"dsn", required_argument, NULL, 'd'},
	    {"output", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *dsn_option = NULL, *output = "-", *dsn;
	struct snapshot s;
	char err[1024];
	PGconn *conn;
	int c, version, expected = db_schema_expected();

	optind = 1;
	while ((c = getopt_long(argc, argv, "d:o:h", options, NULL)) != -1) {
		switch (c) {
		case 'd':
			dsn_option = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			snapshot_usage(stdout);
			return EXIT_OK;
		default:
			snapshot_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		ctl_error("snapshot", "unexpected argument '%s'", argv[optind]);
		snapshot_usage(stderr);
		return EXIT_USAGE;
	}
	if (*output == '\0') {
		ctl_error("snapshot", "--output needs a file name");
		return EXIT_USAGE;
	}
	dsn = ctl_dsn(dsn_option);
	if (dsn == NULL)
		return EXIT_USAGE;
	conn = ctl_connect(dsn);
	if (conn == NULL)
		return EXIT_UNAVAILABLE;

	if (db_schema_version(conn, &version, err, sizeof(err)) < 0) {
		ctl_error("snapshot", "%s", err);
		c = PQstatus(conn) != CONNECTION_OK ? EXIT_UNAVAILABLE : EXIT_FAILURE_RUN;
		PQfinish(conn);
		return c;
	}
	if (version != expected) {
		if (version < expected)
			ctl_error("snapshot",
			          "database schema is at version %d, this parkplan needs %d: "
			          "run parkplanctl migrate",
			          version, expected);
		else
			ctl_error("snapshot",
			          "database schema version %d is newer than this parkplan "
			          "(knows %d); upgrade parkplan",
			          version, expected);
		PQfinish(conn);
		return EXIT_FAILURE_RUN;
	}
	if (db_load_snapshot(conn, &s, err, sizeof(err)) < 0) {
		ctl_error("snapshot", "%s", err);
		c = PQstatus(conn) != CONNECTION_OK ? EXIT_UNAVAILABLE : EXIT_INPUT;
		PQfinish(conn);
		return c;
	}
	PQfinish(conn);

	if (snapshot_write_file(output, &s, err, sizeof(err)) < 0) {
		ctl_error("snapshot", "%s", err);
		snapshot_free(&s);
		return EXIT_FAILURE_RUN;
	}
	snapshot_free(&s);
	return EXIT_OK;
}
