/*
 * main.c - parkplanctl's entry point: --help and --version, and the
 * dispatch of a verb through the table of verbs.c.
 */
#include <stdio.h>
#include <string.h>

#include "ctl.h"

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: parkplanctl VERB [OPTIONS]\n\nverbs:\n");
	for (i = 0; ctl_verbs[i] != NULL; i++)
		if (ctl_verbs[i]->summary != NULL)
			fprintf(f, "  %-10s %s\n", ctl_verbs[i]->name, ctl_verbs[i]->summary);
	fprintf(f, "\nusage of each verb:\n");
	for (i = 0; ctl_verbs[i] != NULL; i++)
		fprintf(f, "  parkplanctl %s\n", ctl_verbs[i]->usage);
	fprintf(f, "\nThe DSN of offline verbs comes from --dsn or $PARKPLAN_DSN.\n"
	           "\nexit codes: 0 ok, 1 the operation failed (infeasible, refused),\n"
	           "  2 usage, 3 bad input data, 4 database or daemon unavailable,\n"
	           "  5 internal error\n");
}

/* The first row named argv[0] whose form claims the command line. */
static const struct ctl_verb *
find_verb(int argc, char **argv)
{
	size_t i;

	for (i = 0; ctl_verbs[i] != NULL; i++)
		if (strcmp(argv[0], ctl_verbs[i]->name) == 0 &&
		    (ctl_verbs[i]->claims == NULL || ctl_verbs[i]->claims(argc, argv)))
			return ctl_verbs[i];
	return NULL;
}

int
main(int argc, char **argv)
{
	const struct ctl_verb *v;
	struct ctl_args args;
	int rc;

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
	v = find_verb(argc - 1, argv + 1);
	if (v == NULL) {
		fprintf(stderr, "parkplanctl: unknown verb '%s' (see parkplanctl --help)\n",
		        argv[1]);
		return EXIT_USAGE;
	}
	rc = ctl_args_parse(v, argc - 1, argv + 1, &args);
	if (rc >= 0)
		return rc;
	return v->run(&args);
}
