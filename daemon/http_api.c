/*
 * http_api.c - what parkpland answers over HTTP (docs/http.md): the
 * routes, each path and query parsed strictly (ids are positive integers,
 * a parameter not known or given twice is a 400), and
 *
 *	/api/status, /api/plans, /api/plans/N, /api/plans/N/diff/M
 *		the control socket's reading commands, run by the very same
 *		handlers (cmd*.c) through an HTTP request that implements
 *		struct req: the body is the command's "data", or the socket's
 *		error object with the HTTP status of its code;
 *	/report, /plans/N.xlsx, /plans/N/TABLE.csv
 *		the plan as documents (http_report.c);
 *	/metrics	the Prometheus text (metrics.c);
 *	/healthz	for monitors: the loop answers, the database, the role.
 *
 * Nothing here writes: no route replans or approves, and an HTTP request
 * is never privileged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "http.h"
#include "parkpland.h"
#include "report.h"

/* --- an HTTP request as the commands see it (struct req) ------------------ */

struct api_req {
	struct req req; /* first */
	struct http_request *hq;
	int refs;
	void *waiter;
	void (*waiter_cancel)(void *waiter);
};

static struct api_req *
api_of(const struct req *rq)
{
	return (struct api_req *)rq;
}

static void
api_reply_ok(struct req *rq, json_t *data)
{
	http_reply_json(api_of(rq)->hq, 200, data != NULL ? data : json_null());
}

static void
api_reply_error(struct req *rq, enum protocol_error code, const char *message)
{
	http_reply_problem(api_of(rq)->hq, http_status_of(code), code, "%s", message);
}

static void
api_ref(struct req *rq)
{
	api_of(rq)->refs++;
}

static void
api_unref(struct req *rq)
{
	struct api_req *ar = api_of(rq);

	if (--ar->refs > 0)
		return;
	http_request_on_gone(ar->hq, NULL, NULL);
	http_request_unref(ar->hq);
	free(ar);
}

static bool
api_gone(const struct req *rq)
{
	return http_request_gone(api_of(rq)->hq);
}

static bool
api_privileged(const struct req *rq)
{
	(void)rq;
	return false; /* HTTP checks nobody: it never approves nor reloads */
}

static const char *
api_who(const struct req *rq)
{
	(void)rq;
	return "http";
}

/* The client went first: what the request waited on is let go. */
static void
api_lost(void *arg)
{
	struct api_req *ar = arg;
	void (*cancel)(void *) = ar->waiter_cancel;

	ar->waiter_cancel = NULL;
	if (cancel != NULL)
		cancel(ar->waiter);
}

static void
api_set_waiter(struct req *rq, void *waiter, void (*cancel)(void *waiter))
{
	struct api_req *ar = api_of(rq);

	ar->waiter = waiter;
	ar->waiter_cancel = cancel;
	http_request_on_gone(ar->hq, cancel != NULL ? api_lost : NULL, ar);
}

static const struct req_ops api_ops = {
    api_reply_ok, api_reply_error, api_ref, api_unref,
    api_gone,     api_privileged,  api_who, api_set_waiter,
};

/* Run the control socket's command word with args (taken). */
static void
api_command(struct parkpland *env, struct http_request *hq, const char *word, json_t *args)
{
	struct api_req *ar = calloc(1, sizeof(*ar));

	if (ar == NULL || args == NULL) {
		free(ar);
		json_decref(args);
		http_reply_problem(hq, 500, ERR_INTERNAL, "out of memory");
		return;
	}
	ar->req.ops = &api_ops;
	ar->hq = hq;
	ar->refs = 1;
	http_request_ref(hq);
	cmd_dispatch(env, &ar->req, word, args);
	req_unref(&ar->req);
	json_decref(args);
}

/* --- strict parsing ------------------------------------------------------- */

/* A positive integer of at most 18 digits, no sign, no leading zero: an id. */
static int64_t
api_id(const char *s, size_t len)
{
	int64_t v = 0;
	size_t i;

	if (len == 0 || len > 18 || s[0] == '0')
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/*
 * The query's parameters: each a name of allowed (NULL-ended) at most
 * once, with a positive integer value, into ids[] (0: absent).  -1 with
 * a 400 answered.
 */
static int
api_params(struct http_request *hq, const char *const *allowed, int64_t *ids)
{
	struct evkeyvalq kv;
	struct evkeyval *p;
	size_t i;
	int rc = 0;

	for (i = 0; allowed[i] != NULL; i++)
		ids[i] = 0;
	TAILQ_INIT(&kv);
	if (evhttp_parse_query_str(http_request_query(hq), &kv) != 0) {
		http_reply_problem(hq, 400, ERR_BAD_REQUEST, "a malformed query");
		return -1;
	}
	TAILQ_FOREACH(p, &kv, next)
	{
		for (i = 0; allowed[i] != NULL && strcmp(allowed[i], p->key) != 0; i++)
			;
		if (allowed[i] == NULL) {
			http_reply_problem(hq, 400, ERR_BAD_REQUEST, "unknown parameter '%.32s'",
			                   p->key);
			rc = -1;
			break;
		}
		if (ids[i] != 0) {
			http_reply_problem(hq, 400, ERR_BAD_REQUEST, "'%s' given twice",
			                   allowed[i]);
			rc = -1;
			break;
		}
		ids[i] = api_id(p->value, strlen(p->value));
		if (ids[i] < 0) {
			http_reply_problem(hq, 400, ERR_BAD_REQUEST,
			                   "'%s' must be a positive integer", allowed[i]);
			rc = -1;
			break;
		}
	}
	evhttp_clear_headers(&kv);
	return rc;
}

/* --- the routes ----------------------------------------------------------- */

static void
api_healthz(struct parkpland *env, struct http_request *hq)
{
	bool stopping = http_shutting_down(env->http);
	json_t *doc = json_pack("{s:s, s:s, s:b, s:s}", "status", stopping ? "shutting_down" : "ok",
	                        "database", db_state_text(env->db), "database_connected",
	                        db_ready(env->db), "role", leader_role_name(env->leader));

	http_reply_json(hq, stopping ? 503 : 200, doc);
}

static void
api_metrics(struct parkpland *env, struct http_request *hq)
{
	struct metrics_gauges g = {
	    .plan_in_force = run_plan_in_force(env->run),
	    .db_connected = db_ready(env->db),
	    .role = leader_role(env->leader),
	    .control_clients = ctlsock_clients(env->ctl),
	    .http_connections = http_connections(env->http),
	    .http_renders = http_renders(env->http),
	};
	struct evbuffer *body = evbuffer_new();

	if (body == NULL) {
		http_reply_problem(hq, 500, ERR_INTERNAL, "out of memory");
		return;
	}
	metrics_render(env->metrics, &g, body);
	http_reply(hq, 200, "text/plain; version=0.0.4; charset=utf-8", body);
	evbuffer_free(body);
}

/* /api/plans/N..., the part after "/api/plans/". */
static void
api_plan(struct parkpland *env, struct http_request *hq, const char *rest)
{
	static const char *const none[] = {NULL};
	const char *slash = strchr(rest, '/');
	int64_t a = api_id(rest, slash != NULL ? (size_t)(slash - rest) : strlen(rest)), b, v[1];

	if (a < 0) {
		http_reply_problem(hq, 400, ERR_BAD_REQUEST,
		                   "a plan id must be a positive integer");
		return;
	}
	if (api_params(hq, none, v) != 0)
		return;
	if (slash == NULL) {
		api_command(env, hq, "show", json_pack("{s:I}", "plan", (json_int_t)a));
		return;
	}
	if (strncmp(slash, "/diff/", 6) != 0) {
		http_reply_problem(hq, 404, ERR_NOT_FOUND, "no such page");
		return;
	}
	b = api_id(slash + 6, strlen(slash + 6));
	if (b < 0) {
		http_reply_problem(hq, 400, ERR_BAD_REQUEST,
		                   "a plan id must be a positive integer");
		return;
	}
	api_command(env, hq, "diff",
	            json_pack("{s:I, s:I}", "a", (json_int_t)a, "b", (json_int_t)b));
}

/* /plans/N.xlsx and /plans/N/TABLE.csv, the part after "/plans/". */
static void
api_document(struct parkpland *env, struct http_request *hq, const char *rest)
{
	static const char *const none[] = {NULL};
	const char *slash = strchr(rest, '/');
	size_t len = strlen(rest);
	bool xlsx = slash == NULL && len > 5 && strcmp(rest + len - 5, ".xlsx") == 0;
	int64_t id, v[1];
	enum report_table t;

	if (!xlsx && (slash == NULL || strchr(slash + 1, '/') != NULL)) {
		http_reply_problem(hq, 404, ERR_NOT_FOUND, "no such page");
		return;
	}
	id = api_id(rest, xlsx ? len - 5 : (size_t)(slash - rest));
	if (id < 0) {
		http_reply_problem(hq, 400, ERR_BAD_REQUEST,
		                   "a plan id must be a positive integer");
		return;
	}
	if (api_params(hq, none, v) != 0)
		return;
	if (xlsx) {
		http_report(env, hq, HTTP_REPORT_XLSX, id, 0, 0);
		return;
	}
	len = strlen(slash + 1);
	if (len < 5 || strcmp(slash + 1 + len - 4, ".csv") != 0 ||
	    report_table_parse(slash + 1, &t) != 0) {
		http_reply_problem(hq, 404, ERR_NOT_FOUND,
		                   "no such table: pairs.csv, assignments.csv, uncovered.csv or "
		                   "workload.csv");
		return;
	}
	http_report(env, hq, HTTP_REPORT_CSV, id, 0, (int)t);
}

void
http_route(void *arg, struct http_request *hq)
{
	static const char *const none[] = {NULL};
	static const char *const limit[] = {"limit", NULL};
	static const char *const report[] = {"plan", "zone", NULL};
	struct parkpland *env = arg;
	const char *path = http_request_path(hq);
	int64_t v[2];

	if (strcmp(path, "/healthz") == 0) {
		if (api_params(hq, none, v) == 0)
			api_healthz(env, hq);
	} else if (http_shutting_down(env->http)) {
		http_reply_problem(hq, 503, ERR_SHUTTING_DOWN, "parkpland is shutting down");
	} else if (strcmp(path, "/metrics") == 0) {
		if (api_params(hq, none, v) == 0)
			api_metrics(env, hq);
	} else if (strcmp(path, "/api/status") == 0) {
		if (api_params(hq, none, v) == 0)
			api_command(env, hq, "status", json_object());
	} else if (strcmp(path, "/api/plans") == 0) {
		if (api_params(hq, limit, v) == 0)
			api_command(env, hq, "plans",
			            v[0] > 0 ? json_pack("{s:I}", "limit", (json_int_t)v[0])
			                     : json_object());
	} else if (strncmp(path, "/api/plans/", 11) == 0) {
		api_plan(env, hq, path + 11);
	} else if (strcmp(path, "/report") == 0) {
		if (api_params(hq, report, v) == 0)
			http_report(env, hq, HTTP_REPORT_PAGE, v[0], v[1], 0);
	} else if (strncmp(path, "/plans/", 7) == 0) {
		api_document(env, hq, path + 7);
	} else {
		http_reply_problem(hq, 404, ERR_NOT_FOUND, "no such page");
	}
}
