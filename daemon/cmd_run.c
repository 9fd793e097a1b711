/*
 * cmd_run.c - the commands that act on runs: replan (now, or waiting for
 * the run's end) and approve.
 */
#include <stdio.h>
#include <stdlib.h>

#include "parkpland.h"

/* A replan --wait: the client holds it while the run goes on. */
struct cmd_wait {
	struct run_waiter w;
	struct parkpland *env;
	struct req *rq;
};

static void
cmd_replan_done(void *arg, int64_t run_id, const char *error)
{
	struct cmd_wait *cw = arg;
	struct req *rq = cw->rq;
	struct run *r = cw->env->run;

	if (!req_gone(rq)) {
		if (error != NULL && run_shutting_down(r))
			req_reply_error(rq, ERR_SHUTTING_DOWN, "%s", error);
		else if (error != NULL && run_id > 0)
			req_reply_error(rq, ERR_RUN_FAILED, "run %lld failed: %s",
			                (long long)run_id, error);
		else if (error != NULL)
			req_reply_error(rq, ERR_RUN_FAILED, "%s", error);
		else {
			json_t *d = json_object();

			json_object_set_new(d, "run", json_integer(run_id));
			json_object_set_new(d, "status", json_string("succeeded"));
			json_object_set_new(d, "approved",
			                    json_boolean(run_plan_in_force(r) == run_id));
			req_reply_ok(rq, d);
		}
	}
	req_unref(rq);
	free(cw);
}

/* The client went before the run ended. */
static void
cmd_replan_cancel(void *arg)
{
	struct cmd_wait *cw = arg;

	run_waiter_cancel(cw->env->run, &cw->w);
	req_unref(cw->rq);
	free(cw);
}

void
cmd_replan(struct parkpland *env, struct req *rq, json_t *args)
{
	json_t *wait = json_object_get(args, "wait");
	struct cmd_wait *cw;
	json_t *d;

	if (wait != NULL && !json_is_boolean(wait)) {
		req_reply_error(rq, ERR_BAD_REQUEST, "\"wait\" must be true or false");
		return;
	}
	if (leader_standby(env->leader)) {
		req_reply_error(rq, ERR_STANDBY, "%s", leader_standby_text(env->leader));
		return;
	}
	if (json_is_true(wait)) {
		cw = calloc(1, sizeof(*cw));
		if (cw == NULL) {
			req_reply_error(rq, ERR_INTERNAL, "out of memory");
			return;
		}
		cw->env = env;
		cw->rq = rq;
		cw->w.done = cmd_replan_done;
		cw->w.arg = cw;
		req_ref(rq);
		req_set_waiter(rq, cw, cmd_replan_cancel);
		run_request(env->run, TRIGGER_REPLAN, req_who(rq), &cw->w);
		return;
	}
	run_request(env->run, TRIGGER_REPLAN, req_who(rq), NULL);
	d = json_object();
	json_object_set_new(d, "queued", json_true());
	json_object_set_new(d, "database", json_string(db_state_text(env->db)));
	req_reply_ok(rq, d);
}

static void
cmd_approve_then(struct cmd_query *q)
{
	json_t *id = json_object_get(q->data, "id");

	if (json_is_integer(id)) {
		log_run(LOG_LEVEL_NOTICE, 0, json_integer_value(id), "plan %lld approved by %s",
		        (long long)json_integer_value(id), req_who(q->rq));
		run_set_plan_in_force(q->env->run, json_integer_value(id));
	}
	req_reply_ok(q->rq, q->data);
	q->data = NULL;
}

void
cmd_approve(struct parkpland *env, struct req *rq, json_t *args)
{
	int64_t id = cmd_arg_id(args, "plan");
	char text[32];
	const char *v[2] = {text, req_who(rq)};

	if (id <= 0) {
		req_reply_error(rq, ERR_BAD_REQUEST, "\"plan\" must be a plan id");
		return;
	}
	snprintf(text, sizeof(text), "%lld", (long long)id);
	cmd_query(env, rq, store_approve_sql, 2, v, "no such plan, or its run did not succeed",
	          cmd_approve_then);
}
