/*
 * cmd_approve.c - parkplanctl approve and reload: a draft plan becomes the
 * plan in force; parkpland re-reads its configuration.
 */
#include <stdio.h>

#include "client.h"
#include "ctl.h"
#include "print.h"

/* --- approve -------------------------------------------------------------- */

static int
run_approve(const struct ctl_args *a)
{
	json_t *d;
	long long id;
	int rc;

	if (client_plan_id("approve", a->pos[0], &id) != 0)
		return EXIT_USAGE;
	d = client_data(a, "approve", json_pack("{s:I}", "plan", (json_int_t)id), &rc);
	if (d == NULL)
		return rc;
	if (ctl_given(a, "json"))
		print_json(d);
	else
		printf("plan %lld approved: it is the plan in force\n", id);
	json_decref(d);
	return EXIT_OK;
}

const struct ctl_verb ctl_verb_approve = {
    .name = "approve",
    .usage = "approve PLAN [--socket PATH] [--json]",
    .summary = "approve a draft plan: it becomes the plan in force",
    .options = CTL_OPTIONS(&client_opt_socket, &client_opt_json, &client_opt_timeout),
    .flags = CTL_DAEMON,
    .wording = CTL_WORDING_TERSE,
    .min_args = 1,
    .max_args = 1,
    .run = run_approve,
};

/* --- reload --------------------------------------------------------------- */

static int
run_reload(const struct ctl_args *a)
{
	json_t *d;
	int rc;

	d = client_data(a, "reload", NULL, &rc);
	if (d == NULL)
		return rc;
	if (ctl_given(a, "json"))
		print_json(d);
	else
		printf("configuration reloaded\n");
	json_decref(d);
	return EXIT_OK;
}

const struct ctl_verb ctl_verb_reload = {
    .name = "reload",
    .usage = "reload [--socket PATH]",
    .summary = "make parkpland re-read its configuration (kept when the new one is bad)",
    .options = CTL_OPTIONS(&client_opt_socket, &client_opt_json, &client_opt_timeout),
    .flags = CTL_DAEMON,
    .wording = CTL_WORDING_TERSE,
    .min_args = 0,
    .max_args = 0,
    .run = run_reload,
};
