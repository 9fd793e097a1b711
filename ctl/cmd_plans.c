/*
 * cmd_plans.c - parkplanctl plans, show and diff: the runs and plans
 * parkpland keeps, one plan's pairs and roster, and what changed from one
 * plan to another.  Tables for people, the reply's data with --json.
 */
#include <stdio.h>

#include "client.h"
#include "ctl.h"
#include "print.h"
#include "table.h"

/* --- plans ---------------------------------------------------------------- */

static int
run_plans(const struct ctl_args *a)
{
	static const char *const headers[] = {"plan",   "trigger", "status",      "created",
	                                      "date",   "pairs",   "assignments", "pairing",
	                                      "roster", "approved"};
	const union ctl_value *limit = ctl_value(a, "limit");
	json_t *d, *args;
	struct table *t;
	size_t i;
	int rc;

	args = json_object();
	if (limit != NULL)
		json_object_set_new(args, "limit", json_integer(limit->integer));
	d = client_data(a, "plans", args, &rc);
	if (d == NULL)
		return rc;
	if (ctl_given(a, "json")) {
		print_json(d);
		json_decref(d);
		return EXIT_OK;
	}
	print_clean(d); /* names and messages shown as text, whatever they hold */
	t = table_new(10, headers);
	for (i = 5; i < 9; i++)
		table_align(t, i, TABLE_RIGHT);
	for (i = 0; i < json_array_size(d); i++) {
		json_t *r = json_array_get(d, i);
		char b1[64], b2[64], b3[64], b4[64], b5[64], b6[64], b7[64];
		const char *status = json_string_value(json_object_get(r, "status"));

		table_row(t);
		table_cell(t, "%s%s", print_text(json_object_get(r, "id"), b1, sizeof(b1)),
		           json_is_true(json_object_get(r, "in_force")) ? " *" : "");
		table_cell(t, "%s", print_text(json_object_get(r, "trigger"), b2, sizeof(b2)));
		table_cell(t, "%s", status != NULL ? status : "-");
		table_cell(t, "%s", print_time(json_object_get(r, "created_at"), b3, sizeof(b3)));
		table_cell(t, "%s", print_text(json_object_get(r, "plan_date"), b4, sizeof(b4)));
		table_cell(t, "%s", print_text(json_object_get(r, "pairs"), b5, sizeof(b5)));
		table_cell(t, "%s", print_text(json_object_get(r, "assignments"), b6, sizeof(b6)));
		table_cell(t, "%s",
		           print_text(json_object_get(r, "pairing_objective"), b7, sizeof(b7)));
		table_cell(t, "%s",
		           print_text(json_object_get(r, "roster_objective"), b1, sizeof(b1)));
		table_cell(t, "%s", print_time(json_object_get(r, "approved_at"), b2, sizeof(b2)));
	}
	table_print(t, stdout, NULL);
	table_free(t);
	printf("(* the plan in force)\n");
	json_decref(d);
	return EXIT_OK;
}

const struct ctl_verb ctl_verb_plans = {
    .name = "plans",
    .usage = "plans [--limit N] [--socket PATH] [--json]",
    .summary = "the latest runs and plans, newest first",
    .options =
        CTL_OPTIONS(&client_opt_socket, &client_opt_json, &client_opt_timeout, &client_opt_limit),
    .flags = CTL_DAEMON,
    .wording = CTL_WORDING_TERSE,
    .min_args = 0,
    .max_args = 0,
    .run = run_plans,
};

/* --- show ----------------------------------------------------------------- */

static int
run_show(const struct ctl_args *a)
{
	static const char *const ph[] = {"enterprise", "name", "credit code", "community",
	                                 "name",       "code", "score"};
	static const char *const pk[] = {"enterprise_id", "enterprise", "enterprise_code",
	                                 "community_id",  "community",  "community_code",
	                                 "score"};
	static const char *const uh[] = {"community", "name", "code", "shortfall"};
	static const char *const uk[] = {"community_id", "community", "community_code",
	                                 "shortfall"};
	static const char *const ah[] = {"period", "instructor", "name", "staff no.", "zone"};
	static const char *const ak[] = {"period", "instructor_id", "instructor", "instructor_code",
	                                 "zone"};
	static const char *const ch[] = {"period",   "zone",      "workload",
	                                 "capacity", "full-time", "part-time"};
	static const char *const ck[] = {
	    "period", "zone", "workload", "capacity", "seats_full_time", "seats_part_time"};
	static const char *const qh[] = {"entity", "id", "field", "reason"};
	static const char *const qk[] = {"entity", "id", "field", "reason"};
	json_t *d, *r, *err;
	long long id = 0;
	char b1[64], b2[64], b3[64];
	int rc;

	if (a->n_pos == 1 && client_plan_id("show", a->pos[0], &id) != 0)
		return EXIT_USAGE;
	d = client_data(a, "show", client_plan_args(json_object(), id), &rc);
	if (d == NULL)
		return rc;
	if (ctl_given(a, "json")) {
		print_json(d);
		json_decref(d);
		return EXIT_OK;
	}
	print_clean(d); /* names and messages shown as text, whatever they hold */
	r = json_object_get(d, "run");
	printf("plan %s: %s, %s%s\n", print_text(json_object_get(r, "id"), b1, sizeof(b1)),
	       print_text(json_object_get(r, "status"), b2, sizeof(b2)),
	       json_is_null(json_object_get(r, "approved_at")) ? "draft" : "approved",
	       json_is_true(json_object_get(d, "in_force")) ? ", in force" : "");
	printf("  trigger %s, created %s, plan date %s\n",
	       print_text(json_object_get(r, "trigger"), b1, sizeof(b1)),
	       print_time(json_object_get(r, "created_at"), b2, sizeof(b2)),
	       print_text(json_object_get(r, "plan_date"), b3, sizeof(b3)));
	printf("  pairing %s, objective %s\n",
	       print_text(json_object_get(r, "pairing_status"), b1, sizeof(b1)),
	       print_text(json_object_get(r, "pairing_objective"), b2, sizeof(b2)));
	printf("  roster %s, objective %s\n",
	       print_text(json_object_get(r, "roster_status"), b1, sizeof(b1)),
	       print_text(json_object_get(r, "roster_objective"), b2, sizeof(b2)));
	err = json_object_get(r, "error");
	if (json_is_object(err))
		printf("  error (%s): %s\n",
		       print_text(json_object_get(err, "stage"), b1, sizeof(b1)),
		       print_text(json_object_get(err, "message"), b2, sizeof(b2)));
	if (json_array_size(json_object_get(d, "problems")) > 0) {
		printf("\nproblems in the planning data:\n");
		print_rows(json_object_get(d, "problems"), 4, qh, qk, "  ");
	}
	if (json_array_size(json_object_get(d, "pairs")) > 0) {
		printf("\npairs (%zu):\n", json_array_size(json_object_get(d, "pairs")));
		print_rows(json_object_get(d, "pairs"), 7, ph, pk, "  ");
	}
	if (json_array_size(json_object_get(d, "uncovered")) > 0) {
		printf("\ncommunities short of partners:\n");
		print_rows(json_object_get(d, "uncovered"), 4, uh, uk, "  ");
	}
	if (json_array_size(json_object_get(d, "assignments")) > 0) {
		printf("\ninstructors (%zu assignments):\n",
		       json_array_size(json_object_get(d, "assignments")));
		print_rows(json_object_get(d, "assignments"), 5, ah, ak, "  ");
		printf("\ncoverage:\n");
		print_rows(json_object_get(d, "coverage"), 6, ch, ck, "  ");
	}
	json_decref(d);
	return EXIT_OK;
}

const struct ctl_verb ctl_verb_show = {
    .name = "show",
    .usage = "show [PLAN] [--socket PATH] [--json]",
    .summary = "a plan's pairs and roster (default: the plan in force)",
    .options = CTL_OPTIONS(&client_opt_socket, &client_opt_json, &client_opt_timeout),
    .flags = CTL_DAEMON,
    .wording = CTL_WORDING_TERSE,
    .min_args = 0,
    .max_args = 1,
    .run = run_show,
};

/* --- diff ----------------------------------------------------------------- */

static int
run_diff(const struct ctl_args *a)
{
	static const char *const ph[] = {"enterprise", "name", "community", "name"};
	static const char *const pk[] = {"enterprise_id", "enterprise", "community_id",
	                                 "community"};
	static const char *const ah[] = {"period", "instructor", "name", "from", "to"};
	static const char *const ak[] = {"period", "instructor_id", "instructor", "zone_a",
	                                 "zone_b"};
	json_t *d;
	long long plan_a, plan_b;
	char b1[64], b2[64];
	int rc;

	if (client_plan_id("diff", a->pos[0], &plan_a) != 0 ||
	    client_plan_id("diff", a->pos[1], &plan_b) != 0)
		return EXIT_USAGE;
	d = client_data(a, "diff",
	                json_pack("{s:I, s:I}", "a", (json_int_t)plan_a, "b", (json_int_t)plan_b),
	                &rc);
	if (d == NULL)
		return rc;
	if (ctl_given(a, "json")) {
		print_json(d);
		json_decref(d);
		return EXIT_OK;
	}
	print_clean(d); /* names and messages shown as text, whatever they hold */
	printf("plan %lld -> plan %lld: %zu pairs added, %zu removed, %s kept; %zu assignments "
	       "changed, %s kept\n",
	       plan_a, plan_b, json_array_size(json_object_get(d, "pairs_added")),
	       json_array_size(json_object_get(d, "pairs_removed")),
	       print_text(json_object_get(d, "pairs_kept"), b1, sizeof(b1)),
	       json_array_size(json_object_get(d, "assignments_changed")),
	       print_text(json_object_get(d, "assignments_kept"), b2, sizeof(b2)));
	if (json_array_size(json_object_get(d, "pairs_added")) > 0) {
		printf("\npairs added:\n");
		print_rows(json_object_get(d, "pairs_added"), 4, ph, pk, "  ");
	}
	if (json_array_size(json_object_get(d, "pairs_removed")) > 0) {
		printf("\npairs removed:\n");
		print_rows(json_object_get(d, "pairs_removed"), 4, ph, pk, "  ");
	}
	if (json_array_size(json_object_get(d, "assignments_changed")) > 0) {
		printf("\nassignments changed:\n");
		print_rows(json_object_get(d, "assignments_changed"), 5, ah, ak, "  ");
	}
	json_decref(d);
	return EXIT_OK;
}

const struct ctl_verb ctl_verb_diff = {
    .name = "diff",
    .usage = "diff PLAN_A PLAN_B [--socket PATH] [--json]",
    .summary = "pairs added and removed, instructors moved, from plan A to plan B",
    .options = CTL_OPTIONS(&client_opt_socket, &client_opt_json, &client_opt_timeout),
    .flags = CTL_DAEMON,
    .wording = CTL_WORDING_TERSE,
    .min_args = 2,
    .max_args = 2,
    .run = run_diff,
};
