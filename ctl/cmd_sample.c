/*
 * cmd_sample.c - parkplanctl sample: write the sample park (park, district
 * or city scale) into an empty, migrated database.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "db.h"

#define SAMPLE_DEFAULT_SEED 1

static void
sample_usage(FILE *f)
{
	fprintf(f,
	        "usage: parkplanctl sample [--dsn DSN] --scale park|district|city [--seed N]\n"
	        "\n"
	        "Write the sample park into an empty database that 'parkplanctl migrate'\n"
	        "has prepared, with COPY, in one transaction.  The same seed gives the\n"
	        "same rows (default seed %d).\n"
	        "\n"
	        "  park      5 000 enterprises, 315 party organisations, 4 zones,\n"
	        "            60 communities, 40 instructors, 4 periods (2027Q1-Q4)\n"
	        "  district  50 000 enterprises, 30 zones, 600 communities, 300 instructors\n"
	        "  city      200 000 enterprises, 200 zones, 6 000 communities,\n"
	        "            2 000 instructors\n"
	        "\n"
	        "A database that already holds planning data is refused (exit 1).\n",
	        SAMPLE_DEFAULT_SEED);
}

/* A non-negative decimal (or 0x hexadecimal) 64-bit number. */
static int
parse_seed(const char *text, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (text == NULL || !isdigit((unsigned char)text[0]))
		return -1;
	errno = 0;
	v = strtoull(text, &end, 0);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = (uint64_t)v;
	return 0;
}

int
cmd_sample(int argc, char **argv)
{
	static const struct option options[] = {
	    {"dsn", required_argument, NULL, 'd'},
	    {"scale", required_argument, NULL, 's'},
	    {"seed", required_argument, NULL, 'S'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *dsn_option = NULL, *scale_text = NULL, *dsn;
	enum sample_scale scale;
	uint64_t seed = SAMPLE_DEFAULT_SEED;
	char err[1024];
	PGconn *conn;
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case 'd':
			dsn_option = optarg;
			break;
		case 's':
			scale_text = optarg;
			break;
		case 'S':
			if (parse_seed(optarg, &seed) < 0) {
				ctl_error("sample", "--seed wants a non-negative integer, not '%s'",
				          optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			sample_usage(stdout);
			return EXIT_OK;
		case ':':
			ctl_error("sample", "%s needs a value", argv[optind - 1]);
			return EXIT_USAGE;
		default:
			ctl_error("sample", "unknown option '%s'", argv[optind - 1]);
			sample_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		ctl_error("sample", "unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (scale_text == NULL) {
		ctl_error("sample", "--scale park|district|city is required");
		return EXIT_USAGE;
	}
	if (sample_scale_parse(scale_text, &scale) < 0) {
		ctl_error("sample", "unknown scale '%s' (park, district or city)", scale_text);
		return EXIT_USAGE;
	}
	dsn = ctl_dsn(dsn_option);
	if (dsn == NULL)
		return EXIT_USAGE;
	conn = ctl_connect(dsn);
	if (conn == NULL)
		return EXIT_UNAVAILABLE;
	err[0] = '\0';
	if (db_sample(conn, scale, seed, stdout, err, sizeof(err)) == 0) {
		rc = EXIT_OK;
	} else {
		ctl_error("sample", "%s", err);
		rc = PQstatus(conn) == CONNECTION_OK ? EXIT_FAILURE_RUN : EXIT_UNAVAILABLE;
	}
	PQfinish(conn);
	return rc;
}
