/*
 * main.c - parkplanctl's entry point and verb table.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

/* True when argv has the long option name, as "--name VALUE" or "--name=VALUE". */
static bool
has_option(int argc, char **argv, const char *name)
{
	size_t n = strlen(name);
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strncmp(argv[i], name, n) == 0 && (argv[i][n] == '\0' || argv[i][n] == '='))
			return true;
	}
	return false;
}

/* explain works on files (--input, --plan) or asks parkpland. */
static int
explain_either(int argc, char **argv)
{
	if (has_option(argc, argv, "--input") || has_option(argc, argv, "--plan") ||
	    has_option(argc, argv, "-i"))
		return cmd_explain(argc, argv);
	return cmd_daemon_explain(argc, argv);
}

/*
 * snapshot reads the database itself when it has a DSN (--dsn or
 * $PARKPLAN_DSN) and neither a plan nor --socket is named; otherwise it asks
 * parkpland for the input of a plan.
 */
static int
snapshot_either(int argc, char **argv)
{
	static const char *const with_value[] = {"--dsn", "-d",       "--output",
	                                         "-o",    "--socket", "--timeout"};
	bool positional = false;
	int i;
	size_t k;

	for (i = 1; i < argc; i++) {
		bool takes = false;

		if (strcmp(argv[i], "--") == 0) {
			positional = i + 1 < argc;
			break;
		}
		for (k = 0; k < sizeof(with_value) / sizeof(with_value[0]); k++)
			if (strcmp(argv[i], with_value[k]) == 0)
				takes = true;
		if (takes)
			i++;
		else if (argv[i][0] != '-')
			positional = true;
	}
	if (has_option(argc, argv, "--dsn") || has_option(argc, argv, "-d") ||
	    has_option(argc, argv, "--help") || has_option(argc, argv, "-h"))
		return cmd_snapshot(argc, argv);
	if (!positional && !has_option(argc, argv, "--socket") && getenv("PARKPLAN_DSN") != NULL &&
	    *getenv("PARKPLAN_DSN") != '\0')
		return cmd_snapshot(argc, argv);
	return cmd_daemon_snapshot(argc, argv);
}

struct verb {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
	const char *summary;
};

static const struct verb verbs[] = {
    {"migrate", cmd_migrate, "migrate [--dsn DSN]",
     "apply the missing schema migrations (one transaction, idempotent)"},
    {"sample", cmd_sample, "sample [--dsn DSN] --scale park|district|city [--seed N]",
     "write the sample park into an empty database"},
    {"snapshot", snapshot_either,
     "snapshot [--dsn DSN] [--output FILE]\n"
     "  parkplanctl snapshot [PLAN] [--output FILE] [--socket PATH]",
     "the planning data as snapshot JSON: from the database when a DSN is\n"
     "             given (one REPEATABLE READ transaction), else from parkpland\n"
     "             (the input of PLAN, or the data now)"},
    {"solve", cmd_solve,
     "solve --input SNAPSHOT [--output PLAN] [--export-lp PREFIX [--export-only]]\n"
     "                    [--memory-mib N] [--quiet] [--json]",
     "solve a snapshot offline in an isolated child process"},
    {"explain", explain_either,
     "explain --input SNAPSHOT --plan PLAN enterprise|community|instructor ID\n"
     "                    [--alternatives N] [--json]\n"
     "  parkplanctl explain enterprise|community|instructor ID [PLAN] [--socket PATH] [--json]",
     "explain one decision of a plan: its score and the alternatives that lost"},
    {"status", cmd_status, "status [--socket PATH] [--json]",
     "what parkpland is doing: database, plan in force, the run in progress"},
    {"replan", cmd_replan, "replan [--wait] [--timeout S] [--socket PATH] [--json]",
     "ask parkpland for a new plan (--wait: until it is stored)"},
    {"plans", cmd_plans, "plans [--limit N] [--socket PATH] [--json]",
     "the latest runs and plans, newest first"},
    {"show", cmd_show, "show [PLAN] [--socket PATH] [--json]",
     "a plan's pairs and roster (default: the plan in force)"},
    {"diff", cmd_diff, "diff PLAN_A PLAN_B [--socket PATH] [--json]",
     "pairs added and removed, instructors moved, from plan A to plan B"},
    {"approve", cmd_approve, "approve PLAN [--socket PATH] [--json]",
     "approve a draft plan: it becomes the plan in force"},
    {"reload", cmd_reload, "reload [--socket PATH]",
     "make parkpland re-read its configuration (kept when the new one is bad)"},
};

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: parkplanctl VERB [OPTIONS]\n\nverbs:\n");
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(f, "  %-10s %s\n", verbs[i].name, verbs[i].summary);
	fprintf(f, "\nusage of each verb:\n");
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(f, "  parkplanctl %s\n", verbs[i].usage);
	fprintf(f, "\nThe DSN of offline verbs comes from --dsn or $PARKPLAN_DSN.\n"
	           "\nexit codes: 0 ok, 1 the operation failed (infeasible, refused),\n"
	           "  2 usage, 3 bad input data, 4 database or daemon unavailable,\n"
	           "  5 internal error\n");
}

void
ctl_error(const char *verb, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "parkplanctl: %s: ", verb);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

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

int
main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("parkplanctl %s\n", PARKPLAN_VERSION);
		return EXIT_OK;
	}
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(argv[1], verbs[i].name) == 0)
			return verbs[i].run(argc - 1, argv + 1);
	fprintf(stderr, "parkplanctl: unknown verb '%s' (see parkplanctl --help)\n", argv[1]);
	return EXIT_USAGE;
}
