/*
 * cmd_export.c - parkplanctl export: a plan as documents for people (the
 * report library, report/report.h): the report page (HTML with an SVG
 * map, zh-CN), the workbook (XLSX), the CSV tables.
 *
 *   export --input SNAPSHOT --plan PLAN (--xlsx FILE | --csv DIR | --html FILE)
 *          [--zone ID] [--in-force PLAN]
 *	offline, from the files
 *
 * A form that asks parkpland for a stored plan (export PLAN --xlsx FILE)
 * would be a second row of the same name; the offline form claims the
 * command lines that name the files, or that name no plan (claims_files).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl.h"
#include "index.h"
#include "plan.h"
#include "print.h"
#include "report.h"
#include "snapshot.h"
#include "validate.h"

static const struct ctl_option opt_input = {.long_name = "input", .letter = 'i', .kind = CTL_VALUE};
static const struct ctl_option opt_plan = {.long_name = "plan", .letter = 'p', .kind = CTL_VALUE};
static const struct ctl_option opt_xlsx = {.long_name = "xlsx", .kind = CTL_VALUE};
static const struct ctl_option opt_csv = {.long_name = "csv", .kind = CTL_VALUE};
static const struct ctl_option opt_html = {.long_name = "html", .kind = CTL_VALUE};
static const struct ctl_option opt_zone = {.long_name = "zone", .letter = 'z', .kind = CTL_VALUE};
static const struct ctl_option opt_in_force = {.long_name = "in-force", .kind = CTL_VALUE};
static const struct ctl_option opt_help = {.long_name = "help", .letter = 'h', .kind = CTL_HELP};

/* A word that is no option and no option's value, before "--" or after it: a plan id. */
static bool
names_plan(int argc, char **argv)
{
	static const char *const with_value[] = {"--input", "-i",     "--plan", "-p", "--xlsx",
	                                         "--csv",   "--html", "--zone", "-z", "--in-force"};
	int k;
	size_t j;

	for (k = 1; k < argc; k++) {
		if (strcmp(argv[k], "--") == 0)
			return k + 1 < argc;
		if (argv[k][0] == '-' && argv[k][1] != '\0') {
			for (j = 0; j < sizeof(with_value) / sizeof(with_value[0]); j++)
				if (strcmp(argv[k], with_value[j]) == 0)
					k++; /* its value is the next word */
			continue;
		}
		return true;
	}
	return false;
}

/* The offline form runs when the files are named, or when no plan is. */
static bool
claims_files(int argc, char **argv)
{
	return ctl_mentions(argc, argv, "--input") || ctl_mentions(argc, argv, "--plan") ||
	       ctl_mentions(argc, argv, "-i") || ctl_mentions(argc, argv, "-p") ||
	       !names_plan(argc, argv);
}

static int
parse_id(const char *text, int64_t *id)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || v <= 0)
		return -1;
	*id = v;
	return 0;
}

/* The rows a plan names that the snapshot lacks: a plan of another snapshot. */
static size_t
plan_rows_missing(const struct snapshot_index *ix, const struct plan *p)
{
	size_t i, n = 0;

	for (i = 0; i < p->n_pairs; i++)
		n += idmap_get(&ix->enterprise, p->pairs[i].enterprise_id) == IDMAP_NONE ||
		     idmap_get(&ix->community, p->pairs[i].community_id) == IDMAP_NONE;
	for (i = 0; i < p->n_uncovered; i++)
		n += idmap_get(&ix->community, p->uncovered[i].community_id) == IDMAP_NONE;
	for (i = 0; i < p->n_assignments; i++)
		n += idmap_get(&ix->instructor, p->assignments[i].instructor_id) == IDMAP_NONE ||
		     idmap_get(&ix->zone, p->assignments[i].zone_id) == IDMAP_NONE ||
		     idmap_get(&ix->period, p->assignments[i].period_id) == IDMAP_NONE;
	for (i = 0; i < p->n_coverage; i++)
		n += idmap_get(&ix->zone, p->coverage[i].zone_id) == IDMAP_NONE ||
		     idmap_get(&ix->period, p->coverage[i].period_id) == IDMAP_NONE;
	return n;
}

static int
write_html(const struct report_input *in, const char *path)
{
	bool to_stdout = strcmp(path, "-") == 0;
	FILE *f = to_stdout ? stdout : fopen(path, "w");
	char err[512];
	int rc;

	if (f == NULL) {
		ctl_error("export", "%s: %s", path, strerror(errno));
		return EXIT_FAILURE_RUN;
	}
	rc = report_html(in, f, err, sizeof(err));
	if (!to_stdout && fclose(f) != 0 && rc == 0) {
		snprintf(err, sizeof(err), "%s", strerror(errno));
		rc = -1;
	}
	if (rc != 0) {
		ctl_error("export", "%s: %s", path, err);
		if (!to_stdout)
			unlink(path);
		return EXIT_FAILURE_RUN;
	}
	return EXIT_OK;
}

static int
write_csv(const struct report_input *in, const char *dir)
{
	char path[4096], err[512];
	size_t t;

	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		ctl_error("export", "%s: %s", dir, strerror(errno));
		return EXIT_FAILURE_RUN;
	}
	for (t = 0; t < REPORT_TABLES; t++) {
		FILE *f;
		int rc;

		snprintf(path, sizeof(path), "%s/%s", dir, report_table_file((enum report_table)t));
		f = fopen(path, "w");
		if (f == NULL) {
			ctl_error("export", "%s: %s", path, strerror(errno));
			return EXIT_FAILURE_RUN;
		}
		rc = report_csv(in, (enum report_table)t, f, err, sizeof(err));
		if (fclose(f) != 0 && rc == 0) {
			snprintf(err, sizeof(err), "%s", strerror(errno));
			rc = -1;
		}
		if (rc != 0) {
			ctl_error("export", "%s: %s", path, err);
			unlink(path);
			return EXIT_FAILURE_RUN;
		}
	}
	return EXIT_OK;
}

static int
read_plan(const char *path, const struct snapshot_index *ix, struct plan *p, const char *input)
{
	char err[1024];
	size_t missing;

	if (plan_read_file(path, p, err, sizeof(err)) != 0) {
		ctl_error("export", "%s: %s", path, err);
		return EXIT_INPUT;
	}
	missing = plan_rows_missing(ix, p);
	if (missing > 0) {
		ctl_error("export",
		          "%s names %zu row%s that %s lacks: not the plan of this snapshot", path,
		          missing, missing == 1 ? "" : "s", input);
		plan_free(p);
		return EXIT_INPUT;
	}
	return EXIT_OK;
}

static int
run_offline(const struct ctl_args *a)
{
	const char *input = ctl_text(a, "input"), *plan_path = ctl_text(a, "plan");
	const char *xlsx = ctl_text(a, "xlsx"), *csv = ctl_text(a, "csv");
	const char *html = ctl_text(a, "html"), *zone = ctl_text(a, "zone");
	const char *in_force_path = ctl_text(a, "in-force");
	struct report_input in = {.link_prefix = ""};
	struct snapshot s;
	struct plan plan, in_force;
	struct problems probs;
	struct snapshot_index ix;
	char err[1024];
	int rc;
	size_t z;

	if (input == NULL || plan_path == NULL) {
		ctl_error("export", "--input SNAPSHOT and --plan PLAN are required");
		return EXIT_USAGE;
	}
	if (xlsx == NULL && csv == NULL && html == NULL) {
		ctl_error("export", "nothing to write: give --xlsx FILE, --csv DIR or --html FILE");
		return EXIT_USAGE;
	}
	if (zone != NULL && html == NULL) {
		ctl_error("export", "--zone chooses a zone's page: it goes with --html FILE");
		return EXIT_USAGE;
	}
	if (zone != NULL && parse_id(zone, &in.zone_id) != 0) {
		ctl_error("export", "--zone: '%s' is not an id (a positive integer)", zone);
		return EXIT_USAGE;
	}

	if (snapshot_read_file(input, &s, err, sizeof(err)) != 0) {
		ctl_error("export", "%s: %s", input, err);
		return EXIT_INPUT;
	}
	problems_init(&probs);
	if (snapshot_validate(&s, &probs) > 0) {
		ctl_error("export", "%s: %zu problem%s, no plan can come from it:", input, probs.n,
		          probs.n == 1 ? "" : "s");
		print_problems(&probs, stderr);
		problems_free(&probs);
		snapshot_free(&s);
		return EXIT_INPUT;
	}
	problems_free(&probs);
	for (z = 0; z < s.n_zones && s.zones[z].id != in.zone_id; z++)
		;
	if (in.zone_id != 0 && z == s.n_zones) {
		ctl_error("export", "no zone with id %" PRId64 " in %s", in.zone_id, input);
		snapshot_free(&s);
		return EXIT_INPUT;
	}
	if (snapshot_index_build(&s, &ix) != 0) {
		ctl_error("export", "out of memory indexing %s", input);
		snapshot_free(&s);
		return EXIT_INTERNAL;
	}
	rc = read_plan(plan_path, &ix, &plan, input);
	if (rc != EXIT_OK)
		goto out_index;
	if (in_force_path != NULL) {
		/* the plan in force may name rows that have left the park since */
		if (plan_read_file(in_force_path, &in_force, err, sizeof(err)) != 0) {
			ctl_error("export", "%s: %s", in_force_path, err);
			rc = EXIT_INPUT;
			goto out_plan;
		}
		in.in_force = &in_force;
	}
	in.s = &s;
	in.p = &plan;

	if (xlsx != NULL && report_xlsx(&in, xlsx, err, sizeof(err)) != 0) {
		ctl_error("export", "%s", err);
		unlink(xlsx);
		rc = EXIT_FAILURE_RUN;
	}
	if (rc == EXIT_OK && csv != NULL)
		rc = write_csv(&in, csv);
	if (rc == EXIT_OK && html != NULL)
		rc = write_html(&in, html);
	if (in.in_force != NULL)
		plan_free(&in_force);
out_plan:
	plan_free(&plan);
out_index:
	snapshot_index_free(&ix);
	snapshot_free(&s);
	return rc;
}

const struct ctl_verb ctl_verb_export_offline = {
    .name = "export",
    .usage = "export --input SNAPSHOT --plan PLAN (--xlsx FILE | --csv DIR | --html FILE)\n"
             "                    [--zone ID] [--in-force PLAN]",
    .summary = "a plan as a report page (HTML, with a map), a workbook (XLSX) or CSV tables",
    .help = "usage: parkplanctl export --input SNAPSHOT --plan PLAN\n"
            "                          (--xlsx FILE | --csv DIR | --html FILE)\n"
            "                          [--zone ID] [--in-force PLAN]\n"
            "\n"
            "Write a plan as documents for people, in Chinese: the report page (one HTML\n"
            "file with an SVG map of the park, no script, nothing fetched), the workbook\n"
            "(sheets 概况, 结对共建, 指导员派驻, 未覆盖居民区, 片区工作量) or the four tables\n"
            "as CSV files (UTF-8 with a byte-order mark, for Excel).  Any of the three\n"
            "may be given together.\n"
            "\n"
            "  --input SNAPSHOT    the snapshot the plan was computed from\n"
            "  --plan PLAN         the plan (parkplan-plan/1 JSON)\n"
            "  --xlsx FILE         write the workbook to FILE\n"
            "  --csv DIR           write pairs.csv, assignments.csv, uncovered.csv and\n"
            "                      workload.csv into DIR (made when missing)\n"
            "  --html FILE         write the report page to FILE (- for stdout)\n"
            "  --zone ID           the page of one zone in detail instead of the park\n"
            "  --in-force PLAN     the plan in force, for what changes against it\n"
            "\n"
            "exit: 0 ok, 1 a file could not be written, 2 usage, 3 bad input or a plan\n"
            "      of another snapshot, 5 internal error\n",
    .options = CTL_OPTIONS(&opt_input, &opt_plan, &opt_xlsx, &opt_csv, &opt_html, &opt_zone,
                           &opt_in_force, &opt_help),
    .flags = CTL_OFFLINE,
    .wording = CTL_WORDING_SEE_HELP,
    .max_args = 0,
    .claims = claims_files,
    .run = run_offline,
};
