/*
 * cmd_snapshot.c - snapshot: the planning data a stored plan was made
 * from, or (no plan named) the planning data as it is now, read as a run
 * would read it.
 */
#include <stdio.h>

#include "parkpland.h"
#include "snapshot.h"

static void
cmd_snapshot_loaded(void *arg, struct snapshot *s, const char *error)
{
	struct req *rq = arg;

	if (!req_gone(rq)) {
		if (s == NULL) {
			req_reply_error(rq, ERR_DATABASE, "%s", error);
		} else {
			json_t *doc = snapshot_to_json(s);

			if (doc == NULL)
				req_reply_error(rq, ERR_INTERNAL, "out of memory");
			else
				req_reply_ok(rq, doc);
		}
	}
	if (s != NULL)
		snapshot_free(s);
	req_unref(rq);
}

void
cmd_snapshot(struct parkpland *env, struct req *rq, json_t *args)
{
	int64_t id = cmd_arg_id(args, "plan");
	char text[32];
	const char *v[1] = {text};

	if (id < 0) {
		req_reply_error(rq, ERR_BAD_REQUEST, "\"plan\" must be a positive integer");
		return;
	}
	if (id > 0) {
		snprintf(text, sizeof(text), "%lld", (long long)id);
		cmd_query(env, rq, "SELECT snapshot FROM plan_snapshot WHERE run_id = $1::bigint",
		          1, v, "no snapshot stored for that plan", NULL);
		return;
	}
	/* No plan named: the planning data as it is now. */
	req_ref(rq);
	if (load_start(env->db, NULL, cmd_snapshot_loaded, rq) == NULL) {
		req_unref(rq);
		req_reply_error(rq, ERR_UNAVAILABLE, "%s", db_state_text(env->db));
	}
}
