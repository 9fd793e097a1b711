/*
 * cmd_export.c - parkplanctl export: a plan as documents for people (the
 * report library, report/report.h): the report page (HTML with an SVG
 * map, zh-CN), the workbook (XLSX), the CSV tables.
 *
 *   export --input SNAPSHOT --plan PLAN (--xlsx FILE | --csv DIR | --html FILE)
 *          [--zone ID] [--in-force PLAN]
 *	offline, from the files
 *   export PLAN (--xlsx FILE | --csv DIR | --html FILE) [--zone ID]
 *          [--link-prefix URL] [--socket PATH] [--timeout S]
 *	a stored plan, asked of parkpland: its document ("show" with
 *	"document"), the snapshot it was made from ("snapshot"), the plan in
 *	force for what changes, and the recent runs for the page's links
 *
 * Two rows of one name: the offline form claims the command lines that
 * name the files, or that name no plan (claims_files); the other the rest.
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

#include "client.h"
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
static const struct ctl_option opt_link_prefix = {.long_name = "link-prefix", .kind = CTL_VALUE};
static const struct ctl_option opt_help = {.long_name = "help", .letter = 'h', .kind = CTL_HELP};

/* A word that is no option and no option's value, before "--" or after it: a plan id. */
static bool
names_plan(int argc, char **argv)
{
	static const char *const with_value[] = {
	    "--input",       "-i",       "--plan",   "-p", "--xlsx",
	    "--csv",         "--html",   "--zone",   "-z", "--in-force",
	    "--link-prefix", "--socket", "--timeout"};
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

/* The documents asked for, one after the other; the first failure stops. */
static int
write_all(const struct report_input *in, const char *xlsx, const char *csv, const char *html)
{
	char err[1024];
	int rc = EXIT_OK;

	if (xlsx != NULL && report_xlsx(in, xlsx, err, sizeof(err)) != 0) {
		ctl_error("export", "%s", err);
		unlink(xlsx);
		rc = EXIT_FAILURE_RUN;
	}
	if (rc == EXIT_OK && csv != NULL)
		rc = write_csv(in, csv);
	if (rc == EXIT_OK && html != NULL)
		rc = write_html(in, html);
	return rc;
}

/* What to write and for which zone: EXIT_OK, or EXIT_USAGE after saying why. */
static int
check_outputs(const struct ctl_args *a, int64_t *zone_id)
{
	const char *zone = ctl_text(a, "zone");

	if (ctl_text(a, "xlsx") == NULL && ctl_text(a, "csv") == NULL &&
	    ctl_text(a, "html") == NULL) {
		ctl_error("export", "nothing to write: give --xlsx FILE, --csv DIR or --html FILE");
		return EXIT_USAGE;
	}
	if (zone != NULL && ctl_text(a, "html") == NULL) {
		ctl_error("export", "--zone chooses a zone's page: it goes with --html FILE");
		return EXIT_USAGE;
	}
	if (zone != NULL && parse_id(zone, zone_id) != 0) {
		ctl_error("export", "--zone: '%s' is not an id (a positive integer)", zone);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* The zone must be one of the snapshot's (0: the whole park). */
static int
check_zone(const struct snapshot *s, int64_t zone_id, const char *source)
{
	size_t z;

	for (z = 0; z < s->n_zones && s->zones[z].id != zone_id; z++)
		;
	if (zone_id != 0 && z == s->n_zones) {
		ctl_error("export", "no zone with id %" PRId64 " in %s", zone_id, source);
		return EXIT_INPUT;
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
	const char *html = ctl_text(a, "html");
	const char *in_force_path = ctl_text(a, "in-force");
	struct report_input in = {.link_prefix = ""};
	struct snapshot s;
	struct plan plan, in_force;
	struct snapshot_index ix;
	char err[1024];
	int rc;

	if (input == NULL || plan_path == NULL) {
		ctl_error("export", "--input SNAPSHOT and --plan PLAN are required");
		return EXIT_USAGE;
	}
	rc = check_outputs(a, &in.zone_id);
	if (rc != EXIT_OK)
		return rc;

	rc = ctl_snapshot_input("export", input, "no plan can come from it", NULL, &s);
	if (rc != EXIT_OK)
		return rc;
	rc = check_zone(&s, in.zone_id, input);
	if (rc != EXIT_OK) {
		snapshot_free(&s);
		return rc;
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

	rc = write_all(&in, xlsx, csv, html);
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

/* --- a stored plan, asked of parkpland ------------------------------------ */

/* A document of a reply's data read by fn; EXIT_OK or EXIT_INTERNAL after saying why. */
static int
read_document(const char *what, json_t *doc, int (*fn)(const json_t *, void *, char *, size_t),
              void *out)
{
	char err[1024];

	if (doc == NULL || fn(doc, out, err, sizeof(err)) != 0) {
		ctl_error("export", "parkpland sent %s that cannot be read: %s", what,
		          doc == NULL ? "it is missing" : err);
		return EXIT_INTERNAL;
	}
	return EXIT_OK;
}

static int
read_snapshot_doc(const json_t *doc, void *out, char *err, size_t errlen)
{
	return snapshot_from_json(doc, out, err, errlen);
}

static int
read_plan_doc(const json_t *doc, void *out, char *err, size_t errlen)
{
	return plan_from_json(doc, out, err, errlen);
}

/* "show" of plan id with its document: the reply's data, or NULL after saying why. */
static json_t *
show_document(const struct ctl_args *a, long long id, int *rc)
{
	return client_data(a, "show",
	                   json_pack("{s:I, s:b}", "plan", (json_int_t)id, "document", 1), rc);
}

static int
run_socket(const struct ctl_args *a)
{
	struct report_input in = {.link_prefix = ctl_text(a, "link-prefix")};
	json_t *shown = NULL, *snap = NULL, *status = NULL, *force = NULL, *plans = NULL;
	struct snapshot s;
	struct plan plan, in_force;
	bool have_s = false, have_p = false, have_f = false;
	long long id, force_id;
	int rc;

	if (in.link_prefix == NULL)
		in.link_prefix = "";
	rc = check_outputs(a, &in.zone_id);
	if (rc != EXIT_OK || client_plan_id("export", a->pos[0], &id) != 0)
		return rc != EXIT_OK ? rc : EXIT_USAGE;
	shown = show_document(a, id, &rc);
	if (shown == NULL)
		goto out;
	if (!json_is_object(json_object_get(shown, "plan"))) {
		ctl_error("export",
		          "plan %lld has no stored plan (a failed run?): nothing to export", id);
		rc = EXIT_FAILURE_RUN;
		goto out;
	}
	snap = client_data(a, "snapshot", json_pack("{s:I}", "plan", (json_int_t)id), &rc);
	if (snap == NULL)
		goto out;
	if ((rc = read_document("a snapshot", snap, read_snapshot_doc, &s)) != EXIT_OK)
		goto out;
	have_s = true;
	if ((rc = read_document("a plan", json_object_get(shown, "plan"), read_plan_doc, &plan)) !=
	    EXIT_OK)
		goto out;
	have_p = true;
	if ((rc = check_zone(&s, in.zone_id, "the plan's snapshot")) != EXIT_OK)
		goto out;

	/* What changes against the plan in force, when another one is. */
	status = client_data(a, "status", NULL, &rc);
	if (status == NULL)
		goto out;
	force_id = json_integer_value(json_object_get(status, "plan_in_force"));
	if (force_id > 0 && force_id != id) {
		force = show_document(a, force_id, &rc);
		if (force == NULL)
			goto out;
		if ((rc = read_document("the plan in force", json_object_get(force, "plan"),
		                        read_plan_doc, &in_force)) != EXIT_OK)
			goto out;
		have_f = true;
		in.in_force = &in_force;
	}
	plans = client_data(a, "plans", json_pack("{s:i}", "limit", 20), &rc);
	if (plans == NULL)
		goto out;

	in.s = &s;
	in.p = &plan;
	in.plan_id = id;
	in.run = json_object_get(shown, "run");
	in.in_force_id = force_id > 0 ? force_id : 0;
	in.plans = plans;
	rc = write_all(&in, ctl_text(a, "xlsx"), ctl_text(a, "csv"), ctl_text(a, "html"));
out:
	if (have_f)
		plan_free(&in_force);
	if (have_p)
		plan_free(&plan);
	if (have_s)
		snapshot_free(&s);
	json_decref(shown);
	json_decref(snap);
	json_decref(status);
	json_decref(force);
	json_decref(plans);
	return rc;
}

const struct ctl_verb ctl_verb_export_socket = {
    .name = "export",
    .usage = "export PLAN (--xlsx FILE | --csv DIR | --html FILE) [--zone ID]\n"
             "                    [--link-prefix URL] [--socket PATH]",
    .help = "usage: parkplanctl export PLAN (--xlsx FILE | --csv DIR | --html FILE)\n"
            "                          [--zone ID] [--link-prefix URL] [--socket PATH]\n"
            "\n"
            "Write plan PLAN, as parkpland stored it, as documents for people: the same\n"
            "workbook, CSV tables and report page as the offline form, with what changes\n"
            "against the plan in force.  The page's links (other plans, zones, the\n"
            "workbook) are relative to the report's address; --link-prefix URL puts\n"
            "that address before them (e.g. http://127.0.0.1:8080/).\n",
    .options = CTL_OPTIONS(&opt_xlsx, &opt_csv, &opt_html, &opt_zone, &opt_link_prefix,
                           &client_opt_socket, &client_opt_timeout, &opt_help),
    .flags = CTL_DAEMON | CTL_OWN_OPTIONS,
    .wording = CTL_WORDING_SEE_HELP,
    .min_args = 1,
    .max_args = 1,
    .run = run_socket,
};
