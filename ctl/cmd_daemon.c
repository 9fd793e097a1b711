/*
 * cmd_daemon.c - the verbs that talk to parkpland over its control socket:
 * status, replan [--wait], plans, show, diff, approve, reload, and the
 * socket forms of explain and snapshot (cmd_daemon_explain,
 * cmd_daemon_snapshot).  Tables for people (CJK-width aware), --json for
 * scripts (the reply's data, unchanged).
 *
 * Common options: --socket PATH (else $PARKPLAN_SOCKET, else
 * /run/parkplan/parkpland.sock), --json, --timeout SECONDS.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "ctl.h"
#include "explain.h"
#include "print.h"
#include "table.h"

struct dopts {
	const char *socket;
	const char *output;
	bool json;
	bool wait;
	double timeout_s;
	long long limit;
	char **pos; /* positional arguments */
	int n_pos;
};

enum { OPT_SOCKET = 256, OPT_JSON, OPT_TIMEOUT, OPT_WAIT, OPT_LIMIT, OPT_OUTPUT };

static const struct option dlong[] = {
    {"socket", required_argument, NULL, OPT_SOCKET},
    {"json", no_argument, NULL, OPT_JSON},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"wait", no_argument, NULL, OPT_WAIT},
    {"limit", required_argument, NULL, OPT_LIMIT},
    {"output", required_argument, NULL, OPT_OUTPUT},
    {NULL, 0, NULL, 0},
};

/*
 * Parse the common options; allowed lists the ones this verb takes.
 * Returns 0, or EXIT_USAGE after printing why.
 */
static int
dparse(int argc, char **argv, const char *verb, unsigned allowed, int min_pos, int max_pos,
       struct dopts *o)
{
	int ch;
	char *end;

	memset(o, 0, sizeof(*o));
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", dlong, NULL)) != -1) {
		if (ch < OPT_SOCKET || !(allowed & (1u << (ch - OPT_SOCKET)))) {
			ctl_error(verb, "unknown option '%s'", argv[optind - 1]);
			return EXIT_USAGE;
		}
		switch (ch) {
		case OPT_SOCKET:
			o->socket = optarg;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_WAIT:
			o->wait = true;
			break;
		case OPT_OUTPUT:
			o->output = optarg;
			break;
		case OPT_TIMEOUT:
			o->timeout_s = strtod(optarg, &end);
			if (*end != '\0' || o->timeout_s <= 0) {
				ctl_error(verb, "--timeout: '%s' is not a positive number", optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_LIMIT:
			o->limit = strtoll(optarg, &end, 10);
			if (*end != '\0' || o->limit < 1) {
				ctl_error(verb, "--limit: '%s' is not a positive integer", optarg);
				return EXIT_USAGE;
			}
			break;
		}
	}
	o->pos = argv + optind;
	o->n_pos = argc - optind;
	if (o->n_pos < min_pos || o->n_pos > max_pos) {
		ctl_error(verb, "expected %d to %d arguments, got %d (see parkplanctl --help)",
		          min_pos, max_pos, o->n_pos);
		return EXIT_USAGE;
	}
	return 0;
}

#define A(opt) (1u << ((opt)-OPT_SOCKET))
#define COMMON (A(OPT_SOCKET) | A(OPT_JSON) | A(OPT_TIMEOUT))

static int
parse_id(const char *verb, const char *text, long long *out)
{
	char *end;
	long long v = strtoll(text, &end, 10);

	if (*text == '\0' || *end != '\0' || v <= 0) {
		ctl_error(verb, "'%s' is not a plan id", text);
		return -1;
	}
	*out = v;
	return 0;
}

/* args with "plan": plan added, when a plan was named (plan > 0). */
static json_t *
plan_args(json_t *args, long long plan)
{
	if (plan > 0)
		json_object_set_new(args, "plan", json_integer(plan));
	return args;
}

/* Call, and hand back the data of a successful reply (NULL: *rc set). */
static json_t *
dcall(const char *verb, const struct dopts *o, const char *cmd, json_t *args, int *rc)
{
	json_t *reply, *data;

	reply = client_call(client_socket_path(o->socket), cmd, args, o->timeout_s, verb, rc);
	json_decref(args);
	if (reply == NULL)
		return NULL;
	if (!json_is_true(json_object_get(reply, "ok"))) {
		*rc = client_reply_error(verb, reply);
		json_decref(reply);
		return NULL;
	}
	data = json_incref(json_object_get(reply, "data"));
	json_decref(reply);
	*rc = EXIT_OK;
	return data;
}

static void
print_json(const json_t *data)
{
	char *text = json_dumps(data, JSON_INDENT(2) | JSON_ENCODE_ANY);

	if (text != NULL) {
		fputs(text, stdout);
		fputc('\n', stdout);
		free(text);
	}
}

/* A JSON value as table text: strings as they are, null as "-". */
static const char *
jtext(const json_t *v, char *buf, size_t len)
{
	if (v == NULL || json_is_null(v))
		return "-";
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return buf;
	}
	if (json_is_real(v)) {
		snprintf(buf, len, "%.1f", json_real_value(v));
		return buf;
	}
	if (json_is_boolean(v))
		return json_is_true(v) ? "yes" : "no";
	return "?";
}

/* "2026-11-27T14:50:33.123+00:00" -> "2026-11-27 14:50" */
static const char *
jtime(const json_t *v, char *buf, size_t len)
{
	const char *s = json_string_value(v);

	if (s == NULL)
		return "-";
	snprintf(buf, len, "%.16s", s);
	if (strlen(buf) > 10 && buf[10] == 'T')
		buf[10] = ' ';
	return buf;
}

/* Print rows of objects as a table: keys[i] under headers[i]. */
static void
print_rows(const json_t *rows, size_t ncols, const char *const *headers, const char *const *keys,
           const char *indent)
{
	struct table *t = table_new(ncols, headers);
	size_t i, j;
	char buf[64];

	if (t == NULL)
		return;
	for (i = 0; i < json_array_size(rows); i++) {
		json_t *r = json_array_get(rows, i);

		table_row(t);
		for (j = 0; j < ncols; j++) {
			json_t *v = json_object_get(r, keys[j]);

			if (json_is_integer(v) || json_is_real(v))
				table_align(t, j, TABLE_RIGHT);
			table_cell(t, "%s", jtext(v, buf, sizeof(buf)));
		}
	}
	table_print(t, stdout, indent);
	table_free(t);
}

/* --- status --------------------------------------------------------------- */

int
cmd_status(int argc, char **argv)
{
	struct dopts o;
	json_t *d, *r;
	char buf[64];
	int rc = dparse(argc, argv, "status", COMMON, 0, 0, &o);

	if (rc != 0)
		return rc;
	d = dcall("status", &o, "status", NULL, &rc);
	if (d == NULL)
		return rc;
	if (o.json) {
		print_json(d);
		json_decref(d);
		return EXIT_OK;
	}
	printf("parkpland %s\n", jtext(json_object_get(d, "version"), buf, sizeof(buf)));
	printf("  state:          %s\n", jtext(json_object_get(d, "state"), buf, sizeof(buf)));
	printf("  database:       %s\n", jtext(json_object_get(d, "database"), buf, sizeof(buf)));
	if (json_is_string(json_object_get(d, "role"))) {
		printf("  role:           %s", json_string_value(json_object_get(d, "role")));
		if (json_is_string(json_object_get(d, "active_planner")))
			printf(" (active planner: %s)",
			       json_string_value(json_object_get(d, "active_planner")));
		printf("\n");
	}
	printf("  plan in force:  %s\n",
	       jtext(json_object_get(d, "plan_in_force"), buf, sizeof(buf)));
	r = json_object_get(d, "run");
	if (json_is_object(r)) {
		printf("  run:            %s (%s, %s",
		       jtext(json_object_get(r, "id"), buf, sizeof(buf)),
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
		printf("  last run:       %s %s", jtext(json_object_get(r, "id"), buf, sizeof(buf)),
		       json_string_value(json_object_get(r, "status")));
		if (json_is_string(json_object_get(r, "error")))
			printf(": %s", json_string_value(json_object_get(r, "error")));
		printf("\n");
	}
	json_decref(d);
	return EXIT_OK;
}

/* --- replan --------------------------------------------------------------- */

int
cmd_replan(int argc, char **argv)
{
	struct dopts o;
	json_t *d;
	char buf[64];
	int rc = dparse(argc, argv, "replan", COMMON | A(OPT_WAIT), 0, 0, &o);

	if (rc != 0)
		return rc;
	d = dcall("replan", &o, "replan", json_pack("{s:b}", "wait", o.wait), &rc);
	if (d == NULL)
		return rc;
	if (o.json)
		print_json(d);
	else if (o.wait)
		printf("run %s succeeded: plan %s is %s\n",
		       jtext(json_object_get(d, "run"), buf, sizeof(buf)), buf,
		       json_is_true(json_object_get(d, "approved"))
		           ? "approved and in force"
		           : "a draft (parkplanctl approve)");
	else
		printf("replan requested\n");
	json_decref(d);
	return EXIT_OK;
}

/* --- plans ---------------------------------------------------------------- */

int
cmd_plans(int argc, char **argv)
{
	static const char *const headers[] = {"plan",   "trigger", "status",      "created",
	                                      "date",   "pairs",   "assignments", "pairing",
	                                      "roster", "approved"};
	struct dopts o;
	json_t *d, *args;
	struct table *t;
	size_t i;
	int rc = dparse(argc, argv, "plans", COMMON | A(OPT_LIMIT), 0, 0, &o);

	if (rc != 0)
		return rc;
	args = json_object();
	if (o.limit > 0)
		json_object_set_new(args, "limit", json_integer(o.limit));
	d = dcall("plans", &o, "plans", args, &rc);
	if (d == NULL)
		return rc;
	if (o.json) {
		print_json(d);
		json_decref(d);
		return EXIT_OK;
	}
	t = table_new(10, headers);
	for (i = 5; i < 9; i++)
		table_align(t, i, TABLE_RIGHT);
	for (i = 0; i < json_array_size(d); i++) {
		json_t *r = json_array_get(d, i);
		char b1[64], b2[64], b3[64], b4[64], b5[64], b6[64], b7[64];
		const char *status = json_string_value(json_object_get(r, "status"));

		table_row(t);
		table_cell(t, "%s%s", jtext(json_object_get(r, "id"), b1, sizeof(b1)),
		           json_is_true(json_object_get(r, "in_force")) ? " *" : "");
		table_cell(t, "%s", jtext(json_object_get(r, "trigger"), b2, sizeof(b2)));
		table_cell(t, "%s", status != NULL ? status : "-");
		table_cell(t, "%s", jtime(json_object_get(r, "created_at"), b3, sizeof(b3)));
		table_cell(t, "%s", jtext(json_object_get(r, "plan_date"), b4, sizeof(b4)));
		table_cell(t, "%s", jtext(json_object_get(r, "pairs"), b5, sizeof(b5)));
		table_cell(t, "%s", jtext(json_object_get(r, "assignments"), b6, sizeof(b6)));
		table_cell(t, "%s", jtext(json_object_get(r, "pairing_objective"), b7, sizeof(b7)));
		table_cell(t, "%s", jtext(json_object_get(r, "roster_objective"), b1, sizeof(b1)));
		table_cell(t, "%s", jtime(json_object_get(r, "approved_at"), b2, sizeof(b2)));
	}
	table_print(t, stdout, NULL);
	table_free(t);
	printf("(* the plan in force)\n");
	json_decref(d);
	return EXIT_OK;
}

/* --- show ----------------------------------------------------------------- */

int
cmd_show(int argc, char **argv)
{
	static const char *const ph[] = {"enterprise", "name", "community", "name", "score"};
	static const char *const pk[] = {"enterprise_id", "enterprise", "community_id", "community",
	                                 "score"};
	static const char *const uh[] = {"community", "name", "shortfall"};
	static const char *const uk[] = {"community_id", "community", "shortfall"};
	static const char *const ah[] = {"period", "instructor", "name", "zone"};
	static const char *const ak[] = {"period", "instructor_id", "instructor", "zone"};
	static const char *const ch[] = {"period",   "zone",      "workload",
	                                 "capacity", "full-time", "part-time"};
	static const char *const ck[] = {
	    "period", "zone", "workload", "capacity", "seats_full_time", "seats_part_time"};
	static const char *const qh[] = {"entity", "id", "field", "reason"};
	static const char *const qk[] = {"entity", "id", "field", "reason"};
	struct dopts o;
	json_t *d, *r, *err;
	long long id = 0;
	char b1[64], b2[64], b3[64];
	int rc = dparse(argc, argv, "show", COMMON, 0, 1, &o);

	if (rc != 0)
		return rc;
	if (o.n_pos == 1 && parse_id("show", o.pos[0], &id) != 0)
		return EXIT_USAGE;
	d = dcall("show", &o, "show", plan_args(json_object(), id), &rc);
	if (d == NULL)
		return rc;
	if (o.json) {
		print_json(d);
		json_decref(d);
		return EXIT_OK;
	}
	r = json_object_get(d, "run");
	printf("plan %s: %s, %s%s\n", jtext(json_object_get(r, "id"), b1, sizeof(b1)),
	       jtext(json_object_get(r, "status"), b2, sizeof(b2)),
	       json_is_null(json_object_get(r, "approved_at")) ? "draft" : "approved",
	       json_is_true(json_object_get(d, "in_force")) ? ", in force" : "");
	printf("  trigger %s, created %s, plan date %s\n",
	       jtext(json_object_get(r, "trigger"), b1, sizeof(b1)),
	       jtime(json_object_get(r, "created_at"), b2, sizeof(b2)),
	       jtext(json_object_get(r, "plan_date"), b3, sizeof(b3)));
	printf("  pairing %s, objective %s\n",
	       jtext(json_object_get(r, "pairing_status"), b1, sizeof(b1)),
	       jtext(json_object_get(r, "pairing_objective"), b2, sizeof(b2)));
	printf("  roster %s, objective %s\n",
	       jtext(json_object_get(r, "roster_status"), b1, sizeof(b1)),
	       jtext(json_object_get(r, "roster_objective"), b2, sizeof(b2)));
	err = json_object_get(r, "error");
	if (json_is_object(err))
		printf("  error (%s): %s\n", jtext(json_object_get(err, "stage"), b1, sizeof(b1)),
		       jtext(json_object_get(err, "message"), b2, sizeof(b2)));
	if (json_array_size(json_object_get(d, "problems")) > 0) {
		printf("\nproblems in the planning data:\n");
		print_rows(json_object_get(d, "problems"), 4, qh, qk, "  ");
	}
	if (json_array_size(json_object_get(d, "pairs")) > 0) {
		printf("\npairs (%zu):\n", json_array_size(json_object_get(d, "pairs")));
		print_rows(json_object_get(d, "pairs"), 5, ph, pk, "  ");
	}
	if (json_array_size(json_object_get(d, "uncovered")) > 0) {
		printf("\ncommunities short of partners:\n");
		print_rows(json_object_get(d, "uncovered"), 3, uh, uk, "  ");
	}
	if (json_array_size(json_object_get(d, "assignments")) > 0) {
		printf("\ninstructors (%zu assignments):\n",
		       json_array_size(json_object_get(d, "assignments")));
		print_rows(json_object_get(d, "assignments"), 4, ah, ak, "  ");
		printf("\ncoverage:\n");
		print_rows(json_object_get(d, "coverage"), 6, ch, ck, "  ");
	}
	json_decref(d);
	return EXIT_OK;
}

/* --- diff ----------------------------------------------------------------- */

int
cmd_diff(int argc, char **argv)
{
	static const char *const ph[] = {"enterprise", "name", "community", "name"};
	static const char *const pk[] = {"enterprise_id", "enterprise", "community_id",
	                                 "community"};
	static const char *const ah[] = {"period", "instructor", "name", "from", "to"};
	static const char *const ak[] = {"period", "instructor_id", "instructor", "zone_a",
	                                 "zone_b"};
	struct dopts o;
	json_t *d;
	long long a, b;
	char b1[64], b2[64];
	int rc = dparse(argc, argv, "diff", COMMON, 2, 2, &o);

	if (rc != 0)
		return rc;
	if (parse_id("diff", o.pos[0], &a) != 0 || parse_id("diff", o.pos[1], &b) != 0)
		return EXIT_USAGE;
	d = dcall("diff", &o, "diff",
	          json_pack("{s:I, s:I}", "a", (json_int_t)a, "b", (json_int_t)b), &rc);
	if (d == NULL)
		return rc;
	if (o.json) {
		print_json(d);
		json_decref(d);
		return EXIT_OK;
	}
	printf("plan %lld -> plan %lld: %zu pairs added, %zu removed, %s kept; %zu assignments "
	       "changed, %s kept\n",
	       a, b, json_array_size(json_object_get(d, "pairs_added")),
	       json_array_size(json_object_get(d, "pairs_removed")),
	       jtext(json_object_get(d, "pairs_kept"), b1, sizeof(b1)),
	       json_array_size(json_object_get(d, "assignments_changed")),
	       jtext(json_object_get(d, "assignments_kept"), b2, sizeof(b2)));
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

/* --- approve, reload ------------------------------------------------------ */

int
cmd_approve(int argc, char **argv)
{
	struct dopts o;
	json_t *d;
	long long id;
	int rc = dparse(argc, argv, "approve", COMMON, 1, 1, &o);

	if (rc != 0)
		return rc;
	if (parse_id("approve", o.pos[0], &id) != 0)
		return EXIT_USAGE;
	d = dcall("approve", &o, "approve", json_pack("{s:I}", "plan", (json_int_t)id), &rc);
	if (d == NULL)
		return rc;
	if (o.json)
		print_json(d);
	else
		printf("plan %lld approved: it is the plan in force\n", id);
	json_decref(d);
	return EXIT_OK;
}

int
cmd_reload(int argc, char **argv)
{
	struct dopts o;
	json_t *d;
	int rc = dparse(argc, argv, "reload", COMMON, 0, 0, &o);

	if (rc != 0)
		return rc;
	d = dcall("reload", &o, "reload", NULL, &rc);
	if (d == NULL)
		return rc;
	if (o.json)
		print_json(d);
	else
		printf("configuration reloaded\n");
	json_decref(d);
	return EXIT_OK;
}

/* --- explain, snapshot over the socket ------------------------------------ */

int
cmd_daemon_explain(int argc, char **argv)
{
	struct dopts o;
	json_t *d, *args;
	enum explain_kind kind;
	long long id, plan = 0;
	int rc = dparse(argc, argv, "explain", COMMON, 2, 3, &o);

	if (rc != 0)
		return rc;
	if (explain_kind_parse(o.pos[0], &kind) != 0) {
		ctl_error("explain", "'%s' is not enterprise, community or instructor", o.pos[0]);
		return EXIT_USAGE;
	}
	if (parse_id("explain", o.pos[1], &id) != 0 ||
	    (o.n_pos == 3 && parse_id("explain", o.pos[2], &plan) != 0))
		return EXIT_USAGE;
	args = json_pack("{s:s, s:I}", "kind", o.pos[0], "id", (json_int_t)id);
	d = dcall("explain", &o, "explain", plan_args(args, plan), &rc);
	if (d == NULL)
		return rc;
	if (o.json)
		print_json(d);
	else
		print_explain(d, stdout);
	json_decref(d);
	return EXIT_OK;
}

int
cmd_daemon_snapshot(int argc, char **argv)
{
	struct dopts o;
	json_t *d;
	long long plan = 0;
	int rc = dparse(argc, argv, "snapshot", COMMON | A(OPT_OUTPUT), 0, 1, &o);

	if (rc != 0)
		return rc;
	if (o.n_pos == 1 && parse_id("snapshot", o.pos[0], &plan) != 0)
		return EXIT_USAGE;
	d = dcall("snapshot", &o, "snapshot", plan_args(json_object(), plan), &rc);
	if (d == NULL)
		return rc;
	if (o.output != NULL) {
		if (json_dump_file(d, o.output, JSON_INDENT(1)) != 0) {
			ctl_error("snapshot", "cannot write %s", o.output);
			json_decref(d);
			return EXIT_INTERNAL;
		}
	} else {
		print_json(d);
	}
	json_decref(d);
	return EXIT_OK;
}
