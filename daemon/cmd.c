/*
 * cmd.c - the commands of the control socket (and of HTTP's /api, which
 * runs the reading ones): one table of {word, handler, flags}.  Every
 * handler has the same signature (cmd_fn) and answers a struct req through
 * req_reply_ok / req_reply_error, at once or when its database work is
 * done, whichever door the request came through.  Adding a command is adding a row (and a line in
 * docs/protocol.md); the handlers live in cmd_*.c, grouped by what they
 * are about.
 */
#include <stdio.h>
#include <string.h>

#include "parkpland.h"

#define CMD_PRIVILEGED 0x1 /* approve, reload */
#define CMD_DB 0x2         /* needs the database */

struct cmd_entry {
	const char *word;
	cmd_fn fn;
	unsigned flags;
};

static const struct cmd_entry cmd_table[] = {
    {"status", cmd_status, 0},
    {"replan", cmd_replan, 0},
    {"plans", cmd_plans, CMD_DB},
    {"show", cmd_show, CMD_DB},
    {"diff", cmd_diff, CMD_DB},
    {"approve", cmd_approve, CMD_DB | CMD_PRIVILEGED},
    {"explain", cmd_explain, CMD_DB},
    {"snapshot", cmd_snapshot, CMD_DB},
    {"reload", cmd_reload, CMD_PRIVILEGED},
};

void
cmd_dispatch(void *arg, struct req *rq, const char *word, json_t *args)
{
	struct parkpland *env = arg;
	size_t i;

	for (i = 0; i < sizeof(cmd_table) / sizeof(cmd_table[0]); i++) {
		const struct cmd_entry *e = &cmd_table[i];

		if (strcmp(e->word, word) != 0)
			continue;
		rq->cmd = e->word;
		if ((e->flags & CMD_PRIVILEGED) && !req_privileged(rq)) {
			log_warnx("control: %s refused to %s (daemon.admin_group)", e->word,
			          req_who(rq));
			req_reply_error(rq, ERR_DENIED, "%s needs daemon.admin_group", e->word);
			return;
		}
		if ((e->flags & CMD_DB) && !db_ready(env->db)) {
			req_reply_error(rq, ERR_UNAVAILABLE, "%s", db_state_text(env->db));
			return;
		}
		e->fn(env, rq, args);
		return;
	}
	rq->cmd = "unknown";
	{
		char shown[65];

		/* at most 64 bytes of it, never half a character */
		snprintf(shown, sizeof(shown), "%s", word);
		utf8_cut(shown, 64);
		req_reply_error(rq, ERR_UNKNOWN_COMMAND, "unknown command '%s'", shown);
	}
}
