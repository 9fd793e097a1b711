/*
 * cmd_explain.c - explain: why an enterprise, a community or an instructor
 * is planned as it is, by the model's own scoring (explain.h), for a
 * stored plan.
 *
 * The statement reads the stored snapshot and the plan's rows back as the
 * plan document plan_from_json() reads (parkplan-plan/1, plan_sql.h): one
 * reader of a plan for files, the solver's pipe and the database alike.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "parkpland.h"
#include "plan.h"
#include "plan_sql.h"
#include "snapshot.h"
#include "worker.h"

static const char explain_sql[] =
    "SELECT json_build_object('run', json_build_object('id', r.id),"
    " 'snapshot', s.snapshot,"
    " 'plan', " PLAN_SQL_DOCUMENT(
        "r") ") "
             "FROM plan_run r JOIN plan_snapshot s ON s.run_id = r.id "
             "WHERE r.status = 'succeeded' AND r.id = " CMD_PLAN_OR_DEFAULT("$1");

/*
 * explain() on a city's snapshot means reading tens of MB of JSON: the
 * stored snapshot and plan are read back and explained in a short-lived
 * child (forked while the database's answer is at hand), and the loop only
 * relays the child's small answer.  When no child can be started, it is
 * done here.
 */
#define EXPLAIN_FRAME_ANSWER 'A'
#define EXPLAIN_MAX_ANSWER ((size_t)1 << 30)

struct cmd_explain {
	struct parkpland *env;
	struct req *rq;
	enum explain_kind kind;
	int64_t target;
	const char *text; /* the database's answer, during the take only */
	bool plan_named;  /* else the default plan */
	bool found;
	bool batch_done, child_running;
	char error[512]; /* the database's error */
	char *out;       /* the child's answer */
	size_t out_len;
	json_t *answer; /* {"ok": true, "data": ...} or {"ok": false, "code", "error"} */
};

static json_t *
explain_error(const char *code, const char *msg)
{
	return json_pack("{s:b, s:s, s:s}", "ok", 0, "code", code, "error", msg);
}

/* The answer for the stored snapshot and plan (text: the explain_sql row). */
static json_t *
explain_answer(const char *text, enum explain_kind kind, int64_t target)
{
	struct snapshot s;
	struct plan p;
	char err[512];
	json_error_t jerr;
	json_t *d, *out, *ans;

	d = json_loads(text, 0, &jerr);
	if (d == NULL) {
		snprintf(err, sizeof(err), "bad JSON from the database: %s", jerr.text);
		return explain_error("internal", err);
	}
	if (snapshot_from_json(json_object_get(d, "snapshot"), &s, err, sizeof(err)) != 0) {
		char msg[600];

		snprintf(msg, sizeof(msg), "the stored snapshot does not read back: %s", err);
		json_decref(d);
		return explain_error("internal", msg);
	}
	if (plan_from_json(json_object_get(d, "plan"), &p, err, sizeof(err)) != 0) {
		char msg[600];

		snprintf(msg, sizeof(msg), "the stored plan does not read back: %s", err);
		snapshot_free(&s);
		json_decref(d);
		return explain_error("internal", msg);
	}
	out = explain(&s, &p, kind, target, 5, err, sizeof(err));
	if (out == NULL) {
		ans = explain_error("not_found", err);
	} else {
		/* "plan" is explain()'s own object: the id goes beside it */
		json_object_set(out, "plan_id", json_object_get(json_object_get(d, "run"), "id"));
		ans = json_pack("{s:b, s:o}", "ok", 1, "data", out);
	}
	plan_free(&p);
	snapshot_free(&s);
	json_decref(d);
	return ans;
}

/* In the child. */
static int
explain_work(int fd, void *arg)
{
	struct cmd_explain *x = arg;
	json_t *ans = explain_answer(x->text, x->kind, x->target);
	char *text = ans != NULL ? json_dumps(ans, JSON_COMPACT) : NULL;
	int rc = 0;

	json_decref(ans);
	if (text == NULL)
		return 2;
	if (frame_write(fd, EXPLAIN_FRAME_ANSWER, text, strlen(text)) != 0)
		rc = 3;
	free(text);
	return rc;
}

static int
explain_frame(void *arg, struct frame *f, char *err, size_t errlen)
{
	struct cmd_explain *x = arg;

	if (f->type != EXPLAIN_FRAME_ANSWER || x->out != NULL) {
		snprintf(err, errlen, "an unexpected frame '%c'", f->type);
		return -1;
	}
	x->out = f->data; /* taken */
	x->out_len = f->len;
	f->data = NULL;
	return 0;
}

/* The code of an answer's error, as protocol.h has it ("internal" if unknown). */
static enum protocol_error
explain_code(json_t *answer)
{
	const char *text = json_string_value(json_object_get(answer, "code"));
	int e;

	for (e = 0; text != NULL && e < PROTOCOL_ERROR_COUNT; e++)
		if (strcmp(text, protocol_error_text((enum protocol_error)e)) == 0)
			return (enum protocol_error)e;
	return ERR_INTERNAL;
}

static const char *
explain_text(json_t *answer, const char *key, const char *otherwise)
{
	const char *t = json_string_value(json_object_get(answer, key));

	return t != NULL ? t : otherwise;
}

/* Both the batch and the child (if any) are over: answer, and free. */
static void
explain_finish(struct cmd_explain *x)
{
	if (!x->batch_done || x->child_running)
		return;
	if (req_gone(x->rq))
		;
	else if (x->error[0] != '\0')
		req_reply_error(x->rq, ERR_DATABASE, "%s", x->error);
	else if (!x->found)
		req_reply_error(x->rq, ERR_NOT_FOUND, "%s",
		                x->plan_named ? "no such plan, or its run did not succeed"
		                              : "no plan yet");
	else if (x->answer == NULL)
		req_reply_error(x->rq, ERR_INTERNAL, "explain gave no answer");
	else if (json_is_true(json_object_get(x->answer, "ok")))
		req_reply_ok(x->rq, json_incref(json_object_get(x->answer, "data")));
	else
		req_reply_error(x->rq, explain_code(x->answer), "%s",
		                explain_text(x->answer, "error", "explain failed"));
	json_decref(x->answer);
	free(x->out);
	req_unref(x->rq);
	free(x);
}

static void
explain_child_done(void *arg, struct worker *w)
{
	struct cmd_explain *x = arg;
	json_error_t jerr;
	char error[512];

	x->child_running = false;
	if (worker_error(w, error, sizeof(error)) != 0) {
		log_warnx("explain: %s", error);
		x->answer = explain_error("internal", error);
	} else if (x->out == NULL ||
	           (x->answer = json_loadb(x->out, x->out_len, 0, &jerr)) == NULL) {
		x->answer = explain_error("internal", "bad answer from the explain child");
	}
	explain_finish(x);
}

static int
explain_take(void *arg, const PGresult *res, char *err, size_t errlen)
{
	struct cmd_explain *x = arg;
	struct worker_spec spec = {0};
	char why[256];

	(void)err;
	(void)errlen;
	if (PQntuples(res) == 0 || PQgetisnull(res, 0, 0))
		return 0;
	x->found = true;
	x->text = PQgetvalue(res, 0, 0);
	spec.what = "explain";
	spec.child = explain_work;
	spec.child_arg = x;
	spec.frame = explain_frame;
	spec.frame_arg = x;
	spec.max_frame = EXPLAIN_MAX_ANSWER;
	if (job_start(x->env->jobs, &spec, explain_child_done, NULL, x, why, sizeof(why)) != NULL) {
		x->child_running = true;
	} else {
		log_warnx("explain: %s; explaining in parkpland", why);
		x->answer = explain_answer(x->text, x->kind, x->target);
	}
	x->text = NULL;
	return 0;
}

static void
explain_batch_done(void *arg, int rc, const char *error)
{
	struct cmd_explain *x = arg;

	x->batch_done = true;
	if (rc != 0)
		snprintf(x->error, sizeof(x->error), "%s", error);
	explain_finish(x);
}

void
cmd_explain(struct parkpland *env, struct req *rq, json_t *args)
{
	const char *kind = json_string_value(json_object_get(args, "kind"));
	int64_t target = cmd_arg_id(args, "id"), id = cmd_arg_id(args, "plan");
	enum explain_kind k;
	struct cmd_explain *x;
	struct db_batch *b;
	char text[32];
	const char *v[1] = {text};

	if (kind == NULL || explain_kind_parse(kind, &k) != 0) {
		req_reply_error(rq, ERR_BAD_REQUEST,
		                "\"kind\" must be enterprise, community or instructor");
		return;
	}
	if (target <= 0 || id < 0) {
		req_reply_error(rq, ERR_BAD_REQUEST, "\"id\" (and \"plan\", if given) must be ids");
		return;
	}
	snprintf(text, sizeof(text), "%lld", (long long)id);
	if (id == 0)
		v[0] = NULL;
	x = calloc(1, sizeof(*x));
	b = db_batch_new(false);
	if (x == NULL || b == NULL || db_batch_query(b, explain_sql, 1, v, explain_take, x) != 0) {
		free(x);
		db_batch_free(b);
		req_reply_error(rq, ERR_INTERNAL, "out of memory");
		return;
	}
	x->env = env;
	x->rq = rq;
	x->kind = k;
	x->target = target;
	x->plan_named = id != 0;
	req_ref(rq);
	if (db_batch_run(env->db, b, explain_batch_done, x) != 0) {
		req_unref(rq);
		free(x);
		req_reply_error(rq, ERR_UNAVAILABLE, "%s", db_state_text(env->db));
	}
}
