/*
 * cmd_migrate.c - `parkplanctl migrate [--dsn DSN]`: apply the missing
 * schema migrations in one transaction (idempotent).
 */
#include <getopt.h>
#include <stdio.h>

#include "ctl.h"
#include "db.h"

static void
migrate_usage(FILE *f)
{
	fprintf(f, "usage: parkplanctl migrate [--dsn DSN]\n"
	           "  Apply the schema migrations this parkplan knows and the database lacks,\n"
	           "  in one transaction.  Running it again changes nothing.\n");
}

int
cmd_migrate(int argc, char **argv)
{
	static const struct option options[] = {
	    {"dsn", required_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *dsn_option = NULL, *dsn;
	char err[1024];
	PGconn *conn;
	int c, from, to;

	optind = 1;
	while ((c = getopt_long(argc, argv, "d:h", options, NULL)) != -1) {
		switch (c) {
		case 'd':
			dsn_option = optarg;
			break;
		case 'h':
			migrate_usage(stdout);
			return EXIT_OK;
		default:
			migrate_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		ctl_error("migrate", "unexpected argument '%s'", argv[optind]);
		migrate_usage(stderr);
		return EXIT_USAGE;
	}
	dsn = ctl_dsn(dsn_option);
	if (dsn == NULL)
		return EXIT_USAGE;
	conn = ctl_connect(dsn);
	if (conn == NULL)
		return EXIT_UNAVAILABLE;

	if (db_migrate(conn, &from, &to, err, sizeof(err)) < 0) {
		int lost = PQstatus(conn) != CONNECTION_OK;

		ctl_error("migrate", "%s", err);
		PQfinish(conn);
		return lost ? EXIT_UNAVAILABLE : EXIT_FAILURE_RUN;
	}
	PQfinish(conn);
	if (from == to)
		printf("schema already at version %d\n", to);
	else
		printf("schema at version %d (was %d)\n", to, from);
	return EXIT_OK;
}
