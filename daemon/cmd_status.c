/*
 * cmd_status.c - status (the run, the triggers, the planner's role) and
 * reload.
 */
#include <stdio.h>

#include "parkpland.h"

void
cmd_status(struct parkpland *env, struct req *rq, json_t *args)
{
	json_t *o = run_status_json(env->run);

	(void)args;
	triggers_status_json(env->triggers, o);
	leader_status_json(env->leader, o);
	req_reply_ok(rq, o);
}

void
cmd_reload(struct parkpland *env, struct req *rq, json_t *args)
{
	char err[1024];

	(void)args;
	log_notice("reload asked by %s", req_who(rq));
	if (env->reload(env, err, sizeof(err)) != 0) {
		req_reply_error(rq, ERR_BAD_CONFIG, "kept the old configuration: %s", err);
		return;
	}
	req_reply_ok(rq, json_pack("{s:b}", "reloaded", 1));
}
