/*
 * cmd_explain.c - parkplanctl explain: why a plan says what it says about
 * one enterprise, community or instructor, in two forms.
 *
 *   explain --input SNAPSHOT --plan PLAN
 *           enterprise|community|instructor ID [--json] [--alternatives N]
 *	offline, from the two files
 *   explain enterprise|community|instructor ID [PLAN] [--socket PATH] [--json]
 *	asked of parkpland, about PLAN (default: the plan in force)
 *
 * A table for people by default (print_explain), the explanation object
 * (explain.h) with --json.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "client.h"
#include "ctl.h"
#include "explain.h"
#include "index.h"
#include "plan.h"
#include "print.h"
#include "snapshot.h"
#include "validate.h"

#define DEFAULT_ALTERNATIVES 5
#define MAX_ALTERNATIVES 1000

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

static const struct idmap *
kind_map(const struct snapshot_index *ix, enum explain_kind kind)
{
	switch (kind) {
	case EXPLAIN_ENTERPRISE:
		return &ix->enterprise;
	case EXPLAIN_COMMUNITY:
		return &ix->community;
	case EXPLAIN_INSTRUCTOR:
	default:
		return &ix->instructor;
	}
}

/* Writes "community 7 (pair 3 of the plan)" to buf when id is not in map. */
static bool
missing(const struct idmap *map, const char *entity, int64_t id, const char *what, size_t row,
        char *buf, size_t len)
{
	if (idmap_get(map, id) != IDMAP_NONE)
		return false;
	snprintf(buf, len, "%s %" PRId64 " (%s %zu of the plan)", entity, id, what, row + 1);
	return true;
}

/*
 * The first row the plan names that the snapshot lacks, written to buf:
 * a plan explained against another snapshot than its own is refused.
 */
static bool
plan_names_missing(const struct snapshot_index *ix, const struct plan *p, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < p->n_pairs; i++)
		if (missing(&ix->enterprise, "enterprise", p->pairs[i].enterprise_id, "pair", i,
		            buf, len) ||
		    missing(&ix->community, "community", p->pairs[i].community_id, "pair", i, buf,
		            len))
			return true;
	for (i = 0; i < p->n_uncovered; i++)
		if (missing(&ix->community, "community", p->uncovered[i].community_id,
		            "uncovered row", i, buf, len))
			return true;
	for (i = 0; i < p->n_assignments; i++) {
		const struct plan_assignment *a = &p->assignments[i];

		if (missing(&ix->instructor, "instructor", a->instructor_id, "assignment", i, buf,
		            len) ||
		    missing(&ix->zone, "zone", a->zone_id, "assignment", i, buf, len) ||
		    missing(&ix->period, "period", a->period_id, "assignment", i, buf, len))
			return true;
	}
	for (i = 0; i < p->n_coverage; i++)
		if (missing(&ix->zone, "zone", p->coverage[i].zone_id, "coverage row", i, buf,
		            len) ||
		    missing(&ix->period, "period", p->coverage[i].period_id, "coverage row", i, buf,
		            len))
			return true;
	return false;
}

/* --- from the files ------------------------------------------------------- */

static const struct ctl_option opt_input = {.long_name = "input", .letter = 'i', .kind = CTL_VALUE};
static const struct ctl_option opt_plan = {.long_name = "plan", .letter = 'p', .kind = CTL_VALUE};
static const struct ctl_option opt_json = {.long_name = "json", .letter = 'j', .kind = CTL_FLAG};
static const struct ctl_option opt_alternatives = {.long_name = "alternatives",
                                                   .letter = 'n',
                                                   .kind = CTL_VALUE,
                                                   .check = ctl_check_range,
                                                   .max = MAX_ALTERNATIVES};
static const struct ctl_option opt_help = {.long_name = "help", .letter = 'h', .kind = CTL_HELP};

/* The offline form runs when the files are named. */
static bool
claims_files(int argc, char **argv)
{
	return ctl_mentions(argc, argv, "--input") || ctl_mentions(argc, argv, "--plan") ||
	       ctl_mentions(argc, argv, "-i");
}

static int
run_offline(const struct ctl_args *a)
{
	const char *input = ctl_text(a, "input"), *plan_path = ctl_text(a, "plan");
	const union ctl_value *alternatives = ctl_value(a, "alternatives");
	bool as_json = ctl_given(a, "json");
	long long n_alt = alternatives != NULL ? alternatives->integer : DEFAULT_ALTERNATIVES;
	enum explain_kind kind;
	int64_t id;
	struct snapshot s;
	struct plan plan;
	struct snapshot_index ix;
	char err[1024];
	json_t *x;
	int rc = EXIT_OK;

	if (input == NULL || plan_path == NULL) {
		ctl_error("explain", "--input SNAPSHOT and --plan PLAN are required");
		return EXIT_USAGE;
	}
	if (a->n_pos != 2) {
		ctl_error("explain", "expected enterprise|community|instructor ID");
		return EXIT_USAGE;
	}
	if (explain_kind_parse(a->pos[0], &kind) != 0) {
		ctl_error("explain", "'%s' is not enterprise, community or instructor", a->pos[0]);
		return EXIT_USAGE;
	}
	if (parse_id(a->pos[1], &id) != 0) {
		ctl_error("explain", "'%s' is not an id (a positive integer)", a->pos[1]);
		return EXIT_USAGE;
	}

	rc = ctl_snapshot_input("explain", input, "no plan can come from it", NULL, &s);
	if (rc != EXIT_OK)
		return rc;
	if (snapshot_index_build(&s, &ix) != 0) {
		ctl_error("explain", "out of memory indexing %s", input);
		snapshot_free(&s);
		return EXIT_INTERNAL;
	}
	if (idmap_get(kind_map(&ix, kind), id) == IDMAP_NONE) {
		ctl_error("explain", "no %s with id %" PRId64 " in %s", a->pos[0], id, input);
		rc = EXIT_INPUT;
		goto out_index;
	}
	if (plan_read_file(plan_path, &plan, err, sizeof(err)) != 0) {
		ctl_error("explain", "%s: %s", plan_path, err);
		rc = EXIT_INPUT;
		goto out_index;
	}
	if (plan_names_missing(&ix, &plan, err, sizeof(err))) {
		ctl_error("explain",
		          "%s names %s, which is not in %s: not the plan of this snapshot",
		          plan_path, err, input);
		rc = EXIT_INPUT;
		goto out_plan;
	}

	x = explain(&s, &plan, kind, id, (size_t)n_alt, err, sizeof(err));
	if (x == NULL) {
		ctl_error("explain", "%s", err);
		rc = EXIT_INTERNAL;
	} else if (as_json) {
		if (json_dumpf(x, stdout, JSON_INDENT(2)) != 0 || fputc('\n', stdout) == EOF)
			rc = EXIT_INTERNAL;
	} else {
		print_explain(x, stdout);
	}
	if (fflush(stdout) != 0)
		rc = EXIT_INTERNAL;
	json_decref(x);
out_plan:
	plan_free(&plan);
out_index:
	snapshot_index_free(&ix);
	snapshot_free(&s);
	return rc;
}

const struct ctl_verb ctl_verb_explain_offline = {
    .name = "explain",
    .usage = "explain --input SNAPSHOT --plan PLAN enterprise|community|instructor ID\n"
             "                    [--alternatives N] [--json]",
    .summary = "explain one decision of a plan: its score and the alternatives that lost",
    .help = "usage: parkplanctl explain --input SNAPSHOT --plan PLAN\n"
            "                           enterprise|community|instructor ID\n"
            "                           [--json] [--alternatives N]\n"
            "\n"
            "Explain one decision of a plan: the score broken into the model's terms and\n"
            "the best alternatives that lost, each with the reason.\n"
            "\n"
            "  --input SNAPSHOT    the snapshot the plan was computed from\n"
            "  --plan PLAN         the plan (parkplan-plan/1 JSON)\n"
            "  --json              the explanation as JSON instead of a table\n"
            "  --alternatives N    show at most N alternatives (per period for an\n"
            "                      instructor; default " CTL_STR(
                DEFAULT_ALTERNATIVES) ")\n"
                                      "\n"
                                      "exit: 0 ok, 2 usage, 3 bad input, unknown id or a plan of "
                                      "another snapshot,\n"
                                      "      5 internal error\n",
    .options = CTL_OPTIONS(&opt_input, &opt_plan, &opt_json, &opt_alternatives, &opt_help),
    .flags = CTL_OFFLINE,
    .wording = CTL_WORDING_SEE_HELP,
    .max_args = CTL_ARGS_ANY,
    .claims = claims_files,
    .run = run_offline,
};

/* --- asked of parkpland --------------------------------------------------- */

static int
run_socket(const struct ctl_args *a)
{
	json_t *d, *args;
	enum explain_kind kind;
	long long id, plan = 0;
	int rc;

	if (explain_kind_parse(a->pos[0], &kind) != 0) {
		ctl_error("explain", "'%s' is not enterprise, community or instructor", a->pos[0]);
		return EXIT_USAGE;
	}
	if (client_plan_id("explain", a->pos[1], &id) != 0 ||
	    (a->n_pos == 3 && client_plan_id("explain", a->pos[2], &plan) != 0))
		return EXIT_USAGE;
	args = json_pack("{s:s, s:I}", "kind", a->pos[0], "id", (json_int_t)id);
	d = client_data(a, "explain", client_plan_args(args, plan), &rc);
	if (d == NULL)
		return rc;
	if (ctl_given(a, "json"))
		print_json(d);
	else
		print_explain(d, stdout);
	json_decref(d);
	return EXIT_OK;
}

const struct ctl_verb ctl_verb_explain_socket = {
    .name = "explain",
    .usage = "explain enterprise|community|instructor ID [PLAN] [--socket PATH] [--json]",
    .options = CTL_OPTIONS(&client_opt_socket, &client_opt_json, &client_opt_timeout),
    .flags = CTL_DAEMON,
    .wording = CTL_WORDING_TERSE,
    .min_args = 2,
    .max_args = 3,
    .run = run_socket,
};
