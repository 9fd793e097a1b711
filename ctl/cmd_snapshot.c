/*
 * cmd_snapshot.c - parkplanctl snapshot: the planning data as a
 * "parkplan-snapshot/1" JSON document, to FILE or stdout, in two forms.
 *
 *   snapshot [--dsn DSN] [--output FILE]
 *	read the database itself, in one REPEATABLE READ transaction
 *   snapshot [PLAN] [--output FILE] [--socket PATH]
 *	ask parkpland for the input of PLAN (default: the data now)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "ctl.h"
#include "db.h"
#include "print.h"
#include "snapshot.h"

/* --- from the database ---------------------------------------------------- */

static const struct ctl_option opt_dsn = {.long_name = "dsn", .letter = 'd', .kind = CTL_VALUE};
static const struct ctl_option opt_output = {
    .long_name = "output", .letter = 'o', .kind = CTL_VALUE};
static const struct ctl_option opt_help = {.long_name = "help", .letter = 'h', .kind = CTL_HELP};

/*
 * The database form runs when it has a DSN (--dsn, or $PARKPLAN_DSN with
 * neither a plan nor --socket named), and for --help.
 */
static bool
claims_database(int argc, char **argv)
{
	static const char *const with_value[] = {"--dsn", "-d",       "--output",
	                                         "-o",    "--socket", "--timeout"};
	bool positional = false;
	int i;
	size_t k;

	for (i = 1; i < argc; i++) {
		bool value_next = false;

		if (strcmp(argv[i], "--") == 0) {
			positional = i + 1 < argc;
			break;
		}
		for (k = 0; k < sizeof(with_value) / sizeof(with_value[0]); k++)
			if (strcmp(argv[i], with_value[k]) == 0)
				value_next = true;
		if (value_next)
			i++;
		else if (argv[i][0] != '-')
			positional = true;
	}
	if (ctl_mentions(argc, argv, "--dsn") || ctl_mentions(argc, argv, "-d") ||
	    ctl_mentions(argc, argv, "--help") || ctl_mentions(argc, argv, "-h"))
		return true;
	return !positional && !ctl_mentions(argc, argv, "--socket") &&
	       getenv("PARKPLAN_DSN") != NULL && *getenv("PARKPLAN_DSN") != '\0';
}

static int
run_database(const struct ctl_args *a)
{
	const char *output = ctl_text(a, "output");
	struct snapshot s;
	char err[1024];
	PGconn *conn;
	int rc;

	if (output == NULL)
		output = "-";
	if (*output == '\0') {
		ctl_error("snapshot", "--output needs a file name");
		return EXIT_USAGE;
	}
	conn = ctl_connect_schema("snapshot", ctl_text(a, "dsn"), &rc);
	if (conn == NULL)
		return rc;
	if (db_load_snapshot(conn, &s, err, sizeof(err)) < 0) {
		ctl_error("snapshot", "%s", err);
		rc = PQstatus(conn) != CONNECTION_OK ? EXIT_UNAVAILABLE : EXIT_INPUT;
		PQfinish(conn);
		return rc;
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

const struct ctl_verb ctl_verb_snapshot_db = {
    .name = "snapshot",
    .usage = "snapshot [--dsn DSN] [--output FILE]",
    .summary = "the planning data as snapshot JSON: from the database when a DSN is\n"
               "             given (one REPEATABLE READ transaction), else from parkpland\n"
               "             (the input of PLAN, or the data now)",
    .help = "usage: parkplanctl snapshot [--dsn DSN] [--output FILE]\n"
            "       parkplanctl snapshot [PLAN] [--output FILE] [--socket PATH]\n"
            "  Write the planning data as it is now (one consistent read) as snapshot\n"
            "  JSON, to FILE or to standard output.  With a DSN (--dsn or $PARKPLAN_DSN)\n"
            "  and no PLAN, read the database directly; otherwise ask parkpland for the\n"
            "  input of PLAN (default: the data now).\n",
    .options = CTL_OPTIONS(&opt_dsn, &opt_output, &opt_help),
    .flags = CTL_OFFLINE,
    .wording = CTL_WORDING_GETOPT,
    .claims = claims_database,
    .run = run_database,
};

/* --- from parkpland ------------------------------------------------------- */

static int
run_socket(const struct ctl_args *a)
{
	const char *output = ctl_text(a, "output");
	json_t *d;
	long long plan = 0;
	int rc;

	if (a->n_pos == 1 && client_plan_id("snapshot", a->pos[0], &plan) != 0)
		return EXIT_USAGE;
	d = client_data(a, "snapshot", client_plan_args(json_object(), plan), &rc);
	if (d == NULL)
		return rc;
	if (output != NULL) {
		if (json_dump_file(d, output, JSON_INDENT(1)) != 0) {
			ctl_error("snapshot", "cannot write %s", output);
			json_decref(d);
			return EXIT_INTERNAL;
		}
	} else {
		print_json(d);
	}
	json_decref(d);
	return EXIT_OK;
}

const struct ctl_verb ctl_verb_snapshot_socket = {
    .name = "snapshot",
    .usage = "snapshot [PLAN] [--output FILE] [--socket PATH]",
    .options =
        CTL_OPTIONS(&client_opt_socket, &client_opt_json, &client_opt_timeout, &client_opt_output),
    .flags = CTL_DAEMON,
    .wording = CTL_WORDING_TERSE,
    .max_args = 1,
    .run = run_socket,
};
