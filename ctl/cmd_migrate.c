/*
 * cmd_migrate.c - `parkplanctl migrate [--dsn DSN]`: apply the missing
 * schema migrations in one transaction (idempotent).
 */
#include <stdio.h>

#include "ctl.h"
#include "db.h"

static const struct ctl_option opt_dsn = {.long_name = "dsn", .letter = 'd', .kind = CTL_VALUE};
static const struct ctl_option opt_help = {.long_name = "help", .letter = 'h', .kind = CTL_HELP};

static int
run_migrate(const struct ctl_args *a)
{
	const char *dsn;
	char err[1024];
	PGconn *conn;
	int from, to;

	dsn = ctl_dsn(ctl_text(a, "dsn"));
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

const struct ctl_verb ctl_verb_migrate = {
    .name = "migrate",
    .usage = "migrate [--dsn DSN]",
    .summary = "apply the missing schema migrations (one transaction, idempotent)",
    .help = "usage: parkplanctl migrate [--dsn DSN]\n"
            "  Apply the schema migrations this parkplan knows and the database lacks,\n"
            "  in one transaction.  Running it again changes nothing.\n",
    .options = CTL_OPTIONS(&opt_dsn, &opt_help),
    .flags = CTL_OFFLINE,
    .wording = CTL_WORDING_GETOPT,
    .run = run_migrate,
};
