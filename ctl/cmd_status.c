/*
 * cmd_status.c - parkplanctl status and replan: what parkpland is doing,
 * and asking it for a new plan (--wait: until the plan is stored).
 */
#include <stdio.h>

#include "client.h"
#include "ctl.h"
#include "print.h"

/* --- status --------------------------------------------------------------- */

static int
run_status(const struct ctl_args *a)
{
	json_t *d, *r;
	char buf[64];
	int rc;

	d = client_data(a, "status", NULL, &rc);
	if (d == NULL)
		return rc;
	if (ctl_given(a, "json")) {
		print_json(d);
		json_decref(d);
		return EXIT_OK;
	}
	print_clean(d); /* names and messages shown as text, whatever they hold */
	printf("parkpland %s\n", print_text(json_object_get(d, "version"), buf, sizeof(buf)));
	printf("  state:          %s\n", print_text(json_object_get(d, "state"), buf, sizeof(buf)));
	printf("  database:       %s\n",
	       print_text(json_object_get(d, "database"), buf, sizeof(buf)));
	if (json_is_string(json_object_get(d, "role"))) {
		printf("  role:           %s", json_string_value(json_object_get(d, "role")));
		if (json_is_string(json_object_get(d, "active_planner")))
			printf(" (active planner: %s)",
			       json_string_value(json_object_get(d, "active_planner")));
		printf("\n");
	}
	printf("  plan in force:  %s\n",
	       print_text(json_object_get(d, "plan_in_force"), buf, sizeof(buf)));
	r = json_object_get(d, "run");
	if (json_is_object(r)) {
		printf("  run:            %s (%s, %s",
		       print_text(json_object_get(r, "id"), buf, sizeof(buf)),
		       json_string_value(json_object_get(r, "trigger")),
		       json_string_value(json_object_get(r, "phase")));
		if (json_is_string(json_object_get(r, "part")))
			printf(": %s %.0f%%", json_string_value(json_object_get(r, "part")),
			       100 * json_number_value(json_object_get(r, "fraction")));
		printf(")\n");
	}
	if (json_is_true(json_object_get(d, "pending")))
		printf("  next run:       requested\n");
	r = json_object_get(d, "last_run");
	if (json_is_object(r)) {
		printf("  last run:       %s %s",
		       print_text(json_object_get(r, "id"), buf, sizeof(buf)),
		       json_string_value(json_object_get(r, "status")));
		if (json_is_string(json_object_get(r, "error")))
			printf(": %s", json_string_value(json_object_get(r, "error")));
		printf("\n");
	}
	json_decref(d);
	return EXIT_OK;
}

const struct ctl_verb ctl_verb_status = {
    .name = "status",
    .usage = "status [--socket PATH] [--json]",
    .summary = "what parkpland is doing: database, plan in force, the run in progress",
    .options = CTL_OPTIONS(&client_opt_socket, &client_opt_json, &client_opt_timeout),
    .flags = CTL_DAEMON,
    .wording = CTL_WORDING_TERSE,
    .min_args = 0,
    .max_args = 0,
    .run = run_status,
};

/* --- replan --------------------------------------------------------------- */

static int
run_replan(const struct ctl_args *a)
{
	json_t *d;
	char buf[64];
	int rc;

	d = client_data(a, "replan", json_pack("{s:b}", "wait", ctl_given(a, "wait")), &rc);
	if (d == NULL)
		return rc;
	if (ctl_given(a, "json"))
		print_json(d);
	else if (ctl_given(a, "wait"))
		printf("run %s succeeded: plan %s is %s\n",
		       print_text(json_object_get(d, "run"), buf, sizeof(buf)), buf,
		       json_is_true(json_object_get(d, "approved"))
		           ? "approved and in force"
		           : "a draft (parkplanctl approve)");
	else
		printf("replan requested\n");
	json_decref(d);
	return EXIT_OK;
}

const struct ctl_verb ctl_verb_replan = {
    .name = "replan",
    .usage = "replan [--wait] [--timeout S] [--socket PATH] [--json]",
    .summary = "ask parkpland for a new plan (--wait: until it is stored)",
    .options =
        CTL_OPTIONS(&client_opt_socket, &client_opt_json, &client_opt_timeout, &client_opt_wait),
    .flags = CTL_DAEMON,
    .wording = CTL_WORDING_TERSE,
    .min_args = 0,
    .max_args = 0,
    .run = run_replan,
};
