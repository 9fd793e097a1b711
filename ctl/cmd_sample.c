/*
 * cmd_sample.c - parkplanctl sample: write the sample park (park, district
 * or city scale) into an empty, migrated database, or, with --csv DIR, as
 * the spreadsheets a park office keeps (import.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "ctl.h"
#include "db.h"
#include "import.h"

#define SAMPLE_DEFAULT_SEED 1

/* A non-negative decimal (or 0x hexadecimal) 64-bit number. */
static int
check_seed(const char *verb, const struct ctl_option *o, const char *text, union ctl_value *out)
{
	char *end;
	unsigned long long v;

	if (text == NULL || !isdigit((unsigned char)text[0]))
		goto bad;
	errno = 0;
	v = strtoull(text, &end, 0);
	if (errno != 0 || *end != '\0')
		goto bad;
	out->natural = (uint64_t)v;
	return 0;
bad:
	ctl_error(verb, "--seed wants a non-negative integer, not '%s'", text);
	return -1;
}

static const struct ctl_option opt_dsn = {.long_name = "dsn", .kind = CTL_VALUE};
static const struct ctl_option opt_scale = {.long_name = "scale", .kind = CTL_VALUE};
static const struct ctl_option opt_seed = {
    .long_name = "seed", .kind = CTL_VALUE, .check = check_seed};
static const struct ctl_option opt_csv = {.long_name = "csv", .kind = CTL_VALUE};
static const struct ctl_option opt_help = {.long_name = "help", .letter = 'h', .kind = CTL_HELP};

static int
run_sample(const struct ctl_args *a)
{
	const char *scale_text = ctl_text(a, "scale"), *dsn;
	const union ctl_value *seed_given = ctl_value(a, "seed");
	enum sample_scale scale;
	uint64_t seed = seed_given != NULL ? seed_given->natural : SAMPLE_DEFAULT_SEED;
	char err[1024];
	PGconn *conn;
	int rc;

	if (scale_text == NULL) {
		ctl_error("sample", "--scale park|district|city is required");
		return EXIT_USAGE;
	}
	if (sample_scale_parse(scale_text, &scale) < 0) {
		ctl_error("sample", "unknown scale '%s' (park, district or city)", scale_text);
		return EXIT_USAGE;
	}
	if (ctl_given(a, "csv")) {
		const char *dir = ctl_text(a, "csv");

		if (*dir == '\0') {
			ctl_error("sample", "--csv needs a folder");
			return EXIT_USAGE;
		}
		if (sample_write_csv(scale, seed, dir, stdout, err, sizeof(err)) < 0) {
			ctl_error("sample", "%s", err);
			return EXIT_FAILURE_RUN;
		}
		return EXIT_OK;
	}
	dsn = ctl_dsn(ctl_text(a, "dsn"));
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

const struct ctl_verb ctl_verb_sample = {
    .name = "sample",
    .usage = "sample [--dsn DSN] --scale park|district|city [--seed N] [--csv DIR]",
    .summary = "write the sample park into an empty database",
    .help =
        "usage: parkplanctl sample [--dsn DSN] --scale park|district|city [--seed N]\n"
        "       parkplanctl sample --scale park|district|city [--seed N] --csv DIR\n"
        "\n"
        "Write the sample park into an empty database that 'parkplanctl migrate'\n"
        "has prepared, with COPY, in one transaction.  The same seed gives the\n"
        "same rows (default seed " CTL_STR(
            SAMPLE_DEFAULT_SEED) ").\n"
                                 "\n"
                                 "  park      5 000 enterprises, 315 party organisations, 4 "
                                 "zones,\n"
                                 "            60 communities, 40 instructors, 4 periods "
                                 "(2027Q1-Q4)\n"
                                 "  district  50 000 enterprises, 30 zones, 600 communities, 300 "
                                 "instructors\n"
                                 "  city      200 000 enterprises, 200 zones, 6 000 communities,\n"
                                 "            2 000 instructors\n"
                                 "\n"
                                 "A database that already holds planning data is refused (exit "
                                 "1).\n"
                                 "\n"
                                 "With --csv DIR, no database: the same park as the lists an "
                                 "office\n"
                                 "keeps (docs/import.md), in DIR/utf-8/ and DIR/gb18030/, to "
                                 "import.\n",
    .options = CTL_OPTIONS(&opt_dsn, &opt_scale, &opt_seed, &opt_csv, &opt_help),
    .flags = CTL_OFFLINE,
    .wording = CTL_WORDING_USAGE,
    .run = run_sample,
};
