/*
 * cmd_query.c - what the commands share: one statement whose one value is
 * the answer as JSON, built inside PostgreSQL so that a command is one
 * round trip; and their arguments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parkpland.h"

int64_t
cmd_arg_id(json_t *args, const char *key)
{
	json_t *v = json_object_get(args, key);

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) <= 0)
		return -1;
	return json_integer_value(v);
}

static int
cmd_query_take(void *arg, const PGresult *res, char *err, size_t errlen)
{
	struct cmd_query *q = arg;
	json_error_t jerr;

	(void)err;
	(void)errlen;
	if (PQntuples(res) == 0 || PQgetisnull(res, 0, 0))
		return 0;
	q->data = json_loads(PQgetvalue(res, 0, 0), JSON_DECODE_ANY, &jerr);
	if (q->data == NULL)
		snprintf(q->parse_error, sizeof(q->parse_error), "%s", jerr.text);
	return 0;
}

static void
cmd_query_done(void *arg, int rc, const char *error)
{
	struct cmd_query *q = arg;

	if (req_gone(q->rq))
		;
	else if (rc != 0)
		req_reply_error(q->rq, ERR_DATABASE, "%s", error);
	else if (q->parse_error[0] != '\0')
		req_reply_error(q->rq, ERR_INTERNAL, "bad JSON from the database: %s",
		                q->parse_error);
	else if (q->data == NULL)
		req_reply_error(q->rq, ERR_NOT_FOUND, "%s", q->not_found);
	else if (q->then != NULL)
		q->then(q);
	else {
		req_reply_ok(q->rq, q->data);
		q->data = NULL;
	}
	json_decref(q->data);
	req_unref(q->rq);
	free(q);
}

void
cmd_query(struct parkpland *env, struct req *rq, const char *sql, int n, const char *const *values,
          const char *not_found, cmd_then_fn then)
{
	struct cmd_query *q = calloc(1, sizeof(*q));
	struct db_batch *b = db_batch_new(false);

	if (q == NULL || b == NULL || db_batch_query(b, sql, n, values, cmd_query_take, q) != 0) {
		free(q);
		db_batch_free(b);
		req_reply_error(rq, ERR_INTERNAL, "out of memory");
		return;
	}
	q->env = env;
	q->rq = rq;
	q->then = then;
	snprintf(q->not_found, sizeof(q->not_found), "%s", not_found);
	req_ref(rq);
	if (db_batch_run(env->db, b, cmd_query_done, q) != 0) {
		req_unref(rq);
		free(q);
		req_reply_error(rq, ERR_UNAVAILABLE, "%s", db_state_text(env->db));
	}
}
