/*
 * cmd.c - the commands of the control socket: one table of {word, handler,
 * flags}.  Every handler has the same signature and answers through
 * ctl_reply_ok / ctl_reply_error, at once or when its database work is
 * done.  Adding a command is adding a row (and a line in docs/protocol.md).
 *
 * Reads that need the database are single statements that build the
 * answer as JSON inside PostgreSQL, so that a command is one round trip.
 * explain computes in a worker child (jobs.c): the loop only relays.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "parkpland.h"
#include "plan.h"
#include "snapshot.h"
#include "worker.h"

#define CMD_PRIVILEGED 0x1 /* approve, reload */
#define CMD_DB 0x2         /* needs the database */

struct cmd_entry {
	const char *word;
	void (*fn)(struct ctl_client *c, json_t *args);
	unsigned flags;
};

/* --- arguments ------------------------------------------------------------ */

/* An optional plan id: 0 when absent, -1 when malformed. */
static int64_t
arg_id(json_t *args, const char *key)
{
	json_t *v = json_object_get(args, key);

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) <= 0)
		return -1;
	return json_integer_value(v);
}

/* --- one statement, one JSON answer --------------------------------------- */

struct cmd_query;
typedef void (*cmd_then_fn)(struct cmd_query *q);

struct cmd_query {
	struct ctl_client *c;
	json_t *data;
	char not_found[256];
	cmd_then_fn then;
	char parse_error[256];
};

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

	if (ctl_client_gone(q->c))
		;
	else if (rc != 0)
		ctl_reply_error(q->c, "database", "%s", error);
	else if (q->parse_error[0] != '\0')
		ctl_reply_error(q->c, "internal", "bad JSON from the database: %s", q->parse_error);
	else if (q->data == NULL)
		ctl_reply_error(q->c, "not_found", "%s", q->not_found);
	else if (q->then != NULL)
		q->then(q);
	else {
		ctl_reply_ok(q->c, q->data);
		q->data = NULL;
	}
	json_decref(q->data);
	ctl_client_unref(q->c);
	free(q);
}

static struct cmd_query *
cmd_query(struct ctl_client *c, const char *sql, int n, const char *const *values,
          const char *not_found, cmd_then_fn then)
{
	struct cmd_query *q = calloc(1, sizeof(*q));
	struct db_batch *b = db_batch_new(false);

	if (q == NULL || b == NULL || db_batch_query(b, sql, n, values, cmd_query_take, q) != 0) {
		free(q);
		db_batch_free(b);
		ctl_reply_error(c, "internal", "out of memory");
		return NULL;
	}
	q->c = c;
	q->then = then;
	snprintf(q->not_found, sizeof(q->not_found), "%s", not_found);
	ctl_client_ref(c);
	if (db_batch_run(database, b, cmd_query_done, q) != 0) {
		ctl_client_unref(c);
		free(q);
		ctl_reply_error(c, "unavailable", "%s", db_state_text(database));
		return NULL;
	}
	return q;
}

/* The plan a command names, else the plan in force, else the latest plan. */
#define PLAN_OR_DEFAULT(param)                                                                     \
	"coalesce(" param "::bigint, (SELECT id FROM plan_in_force), "                             \
	"(SELECT max(id) FROM plan_run WHERE status = 'succeeded'))"

/* --- status, replan, reload ----------------------------------------------- */

static void
cmd_status(struct ctl_client *c, json_t *args)
{
	json_t *o = run_status_json();

	(void)args;
	leader_status_json(o);
	ctl_reply_ok(c, o);
}

static void
cmd_replan_done(void *arg, int64_t run_id, const char *error)
{
	struct ctl_client *c = arg;

	if (!ctl_client_gone(c)) {
		if (error != NULL && run_shutting_down())
			ctl_reply_error(c, "shutting_down", "%s", error);
		else if (error != NULL && run_id > 0)
			ctl_reply_error(c, "run_failed", "run %lld failed: %s", (long long)run_id,
			                error);
		else if (error != NULL)
			ctl_reply_error(c, "run_failed", "%s", error);
		else {
			json_t *d = json_object();

			json_object_set_new(d, "run", json_integer(run_id));
			json_object_set_new(d, "status", json_string("succeeded"));
			json_object_set_new(d, "approved",
			                    json_boolean(run_plan_in_force() == run_id));
			ctl_reply_ok(c, d);
		}
	}
	ctl_client_unref(c);
}

static void
cmd_replan(struct ctl_client *c, json_t *args)
{
	json_t *wait = json_object_get(args, "wait");
	struct run_waiter *w;

	if (wait != NULL && !json_is_boolean(wait)) {
		ctl_reply_error(c, "bad_request", "\"wait\" must be true or false");
		return;
	}
	if (leader_standby()) {
		ctl_reply_error(c, "standby", "%s", leader_standby_text());
		return;
	}
	if (json_is_true(wait)) {
		w = ctl_client_waiter(c);
		w->done = cmd_replan_done;
		w->arg = c;
		ctl_client_ref(c);
		run_request(TRIGGER_REPLAN, ctl_client_who(c), w);
		return;
	}
	run_request(TRIGGER_REPLAN, ctl_client_who(c), NULL);
	{
		json_t *d = json_object();

		json_object_set_new(d, "queued", json_true());
		json_object_set_new(d, "database", json_string(db_state_text(database)));
		ctl_reply_ok(c, d);
	}
}

static void
cmd_reload(struct ctl_client *c, json_t *args)
{
	char err[1024];

	(void)args;
	log_notice("reload asked by %s", ctl_client_who(c));
	if (daemon_reload(err, sizeof(err)) != 0) {
		ctl_reply_error(c, "bad_config", "kept the old configuration: %s", err);
		return;
	}
	ctl_reply_ok(c, json_pack("{s:b}", "reloaded", 1));
}

/* --- plans, show, diff, approve ------------------------------------------- */

static void
cmd_plans(struct ctl_client *c, json_t *args)
{
	json_t *lv = json_object_get(args, "limit");
	char limit[32];
	const char *v[1] = {limit};
	long long n = 20;

	if (lv != NULL) {
		if (!json_is_integer(lv) || json_integer_value(lv) < 1 ||
		    json_integer_value(lv) > 100000) {
			ctl_reply_error(c, "bad_request",
			                "\"limit\" must be an integer in [1, 100000]");
			return;
		}
		n = json_integer_value(lv);
	}
	snprintf(limit, sizeof(limit), "%lld", n);
	cmd_query(c,
	          "SELECT coalesce(json_agg(x ORDER BY x.id DESC), '[]') FROM ("
	          " SELECT r.id, r.trigger, r.requested_by, r.status, r.created_at, r.finished_at,"
	          "  r.plan_date, r.load_ms, r.solve_ms, r.store_ms,"
	          "  r.pairing_status, r.pairing_objective, r.pairing_gap,"
	          "  r.roster_status, r.roster_objective, r.roster_gap,"
	          "  r.approved_at, r.approved_by,"
	          "  (SELECT count(*) FROM plan_pair p WHERE p.run_id = r.id) AS pairs,"
	          "  (SELECT count(*) FROM plan_assignment a WHERE a.run_id = r.id) AS assignments,"
	          "  r.id IS NOT DISTINCT FROM (SELECT id FROM plan_in_force) AS in_force,"
	          "  r.error->>'message' AS error"
	          " FROM plan_run r ORDER BY r.id DESC LIMIT $1::integer) x",
	          1, v, "no plans", NULL);
}

static const char show_sql[] = "WITH r AS (SELECT * FROM plan_run WHERE id = " PLAN_OR_DEFAULT(
    "$1") ") "
          "SELECT json_build_object("
          " 'run', row_to_json(r),"
          " 'in_force', r.id IS NOT DISTINCT FROM (SELECT id FROM plan_in_force),"
          " 'pairs', (SELECT coalesce(json_agg(json_build_object('enterprise_id', p.enterprise_id,"
          "   'enterprise', e.name, 'community_id', p.community_id, 'community', c.name,"
          "   'score', p.score) ORDER BY p.enterprise_id, p.community_id), '[]')"
          "   FROM plan_pair p JOIN enterprise e ON e.id = p.enterprise_id"
          "   JOIN community c ON c.id = p.community_id WHERE p.run_id = r.id),"
          " 'uncovered', (SELECT coalesce(json_agg(json_build_object('community_id', "
          "u.community_id,"
          "   'community', c.name, 'shortfall', u.shortfall) ORDER BY u.community_id), '[]')"
          "   FROM plan_uncovered u JOIN community c ON c.id = u.community_id WHERE u.run_id = "
          "r.id),"
          " 'assignments', (SELECT coalesce(json_agg(json_build_object('instructor_id',"
          "   a.instructor_id, 'instructor', i.name, 'zone_id', a.zone_id, 'zone', z.code,"
          "   'period_id', a.period_id, 'period', pe.label)"
          "   ORDER BY pe.start, pe.id, a.instructor_id), '[]')"
          "   FROM plan_assignment a JOIN instructor i ON i.id = a.instructor_id"
          "   JOIN zone z ON z.id = a.zone_id JOIN period pe ON pe.id = a.period_id"
          "   WHERE a.run_id = r.id),"
          " 'coverage', (SELECT coalesce(json_agg(json_build_object('zone_id', v.zone_id,"
          "   'zone', z.code, 'period_id', v.period_id, 'period', pe.label,"
          "   'workload', v.workload, 'capacity', v.capacity,"
          "   'seats_full_time', v.seats_full_time, 'seats_part_time', v.seats_part_time)"
          "   ORDER BY pe.start, pe.id, v.zone_id), '[]')"
          "   FROM plan_coverage v JOIN zone z ON z.id = v.zone_id"
          "   JOIN period pe ON pe.id = v.period_id WHERE v.run_id = r.id),"
          " 'problems', (SELECT coalesce(json_agg(json_build_object('entity', q.entity,"
          "   'id', q.entity_id, 'field', q.field, 'reason', q.reason) ORDER BY q.seq), '[]')"
          "   FROM plan_problem q WHERE q.run_id = r.id)"
          ") FROM r";

static void
cmd_show(struct ctl_client *c, json_t *args)
{
	int64_t id = arg_id(args, "plan");
	char text[32];
	const char *v[1] = {text};

	if (id < 0) {
		ctl_reply_error(c, "bad_request", "\"plan\" must be a positive integer");
		return;
	}
	snprintf(text, sizeof(text), "%lld", (long long)id);
	if (id == 0)
		v[0] = NULL;
	cmd_query(c, show_sql, 1, v, id ? "no such plan" : "no plan yet", NULL);
}

static const char diff_sql[] =
    "WITH pa AS (SELECT enterprise_id, community_id FROM plan_pair WHERE run_id = $1::bigint),"
    " pb AS (SELECT enterprise_id, community_id FROM plan_pair WHERE run_id = $2::bigint),"
    " aa AS (SELECT instructor_id, period_id, zone_id FROM plan_assignment"
    "  WHERE run_id = $1::bigint),"
    " ab AS (SELECT instructor_id, period_id, zone_id FROM plan_assignment"
    "  WHERE run_id = $2::bigint),"
    " added AS (SELECT * FROM pb EXCEPT SELECT * FROM pa),"
    " removed AS (SELECT * FROM pa EXCEPT SELECT * FROM pb),"
    " moved AS (SELECT coalesce(aa.instructor_id, ab.instructor_id) AS instructor_id,"
    "  coalesce(aa.period_id, ab.period_id) AS period_id,"
    "  aa.zone_id AS zone_a, ab.zone_id AS zone_b"
    "  FROM aa FULL JOIN ab ON aa.instructor_id = ab.instructor_id"
    "  AND aa.period_id = ab.period_id WHERE aa.zone_id IS DISTINCT FROM ab.zone_id) "
    "SELECT json_build_object('a', $1::bigint, 'b', $2::bigint,"
    " 'pairs_added', (SELECT coalesce(json_agg(json_build_object('enterprise_id',"
    "   d.enterprise_id, 'enterprise', e.name, 'community_id', d.community_id,"
    "   'community', c.name) ORDER BY d.enterprise_id, d.community_id), '[]')"
    "   FROM added d JOIN enterprise e ON e.id = d.enterprise_id"
    "   JOIN community c ON c.id = d.community_id),"
    " 'pairs_removed', (SELECT coalesce(json_agg(json_build_object('enterprise_id',"
    "   d.enterprise_id, 'enterprise', e.name, 'community_id', d.community_id,"
    "   'community', c.name) ORDER BY d.enterprise_id, d.community_id), '[]')"
    "   FROM removed d JOIN enterprise e ON e.id = d.enterprise_id"
    "   JOIN community c ON c.id = d.community_id),"
    " 'pairs_kept', (SELECT count(*) FROM (SELECT * FROM pa INTERSECT SELECT * FROM pb) k),"
    " 'assignments_changed', (SELECT coalesce(json_agg(json_build_object('instructor_id',"
    "   m.instructor_id, 'instructor', i.name, 'period_id', m.period_id, 'period', pe.label,"
    "   'zone_a', (SELECT code FROM zone WHERE id = m.zone_a),"
    "   'zone_b', (SELECT code FROM zone WHERE id = m.zone_b))"
    "   ORDER BY pe.start, pe.id, m.instructor_id), '[]')"
    "   FROM moved m JOIN instructor i ON i.id = m.instructor_id"
    "   JOIN period pe ON pe.id = m.period_id),"
    " 'assignments_kept', (SELECT count(*) FROM (SELECT * FROM aa INTERSECT"
    "   SELECT * FROM ab) k)) "
    "WHERE EXISTS (SELECT 1 FROM plan_run WHERE id = $1::bigint AND status = 'succeeded')"
    " AND EXISTS (SELECT 1 FROM plan_run WHERE id = $2::bigint AND status = 'succeeded')";

static void
cmd_diff(struct ctl_client *c, json_t *args)
{
	int64_t a = arg_id(args, "a"), b = arg_id(args, "b");
	char ta[32], tb[32];
	const char *v[2] = {ta, tb};

	if (a <= 0 || b <= 0) {
		ctl_reply_error(c, "bad_request", "\"a\" and \"b\" must be plan ids");
		return;
	}
	snprintf(ta, sizeof(ta), "%lld", (long long)a);
	snprintf(tb, sizeof(tb), "%lld", (long long)b);
	cmd_query(c, diff_sql, 2, v, "both plans must exist and have succeeded", NULL);
}

static void
cmd_approve_then(struct cmd_query *q)
{
	json_t *id = json_object_get(q->data, "id");

	if (json_is_integer(id)) {
		log_run(LOG_LEVEL_NOTICE, 0, json_integer_value(id), "plan %lld approved by %s",
		        (long long)json_integer_value(id), ctl_client_who(q->c));
		run_set_plan_in_force(json_integer_value(id));
	}
	ctl_reply_ok(q->c, q->data);
	q->data = NULL;
}

static void
cmd_approve(struct ctl_client *c, json_t *args)
{
	int64_t id = arg_id(args, "plan");
	char text[32];
	const char *v[2] = {text, ctl_client_who(c)};

	if (id <= 0) {
		ctl_reply_error(c, "bad_request", "\"plan\" must be a plan id");
		return;
	}
	snprintf(text, sizeof(text), "%lld", (long long)id);
	cmd_query(c,
	          "UPDATE plan_run SET approved_at = clock_timestamp(), approved_by = $2"
	          " WHERE id = $1::bigint AND status = 'succeeded'"
	          " RETURNING json_build_object('id', id, 'approved_at', approved_at,"
	          " 'approved_by', approved_by)",
	          2, v, "no such plan, or its run did not succeed", cmd_approve_then);
}

/* --- explain, snapshot ---------------------------------------------------- */

static const char explain_sql[] =
    "SELECT json_build_object('run', json_build_object('id', r.id, 'status', r.status,"
    "  'pairing_status', r.pairing_status, 'pairing_objective', r.pairing_objective,"
    "  'roster_status', r.roster_status, 'roster_objective', r.roster_objective),"
    " 'snapshot', s.snapshot,"
    " 'pairs', (SELECT coalesce(json_agg(json_build_array(enterprise_id, community_id, score)"
    "   ORDER BY enterprise_id, community_id), '[]') FROM plan_pair WHERE run_id = r.id),"
    " 'uncovered', (SELECT coalesce(json_agg(json_build_array(community_id, shortfall)"
    "   ORDER BY community_id), '[]') FROM plan_uncovered WHERE run_id = r.id),"
    " 'assignments', (SELECT coalesce(json_agg(json_build_array(a.instructor_id, a.zone_id,"
    "   a.period_id) ORDER BY pe.start, pe.id, a.instructor_id), '[]')"
    "   FROM plan_assignment a JOIN period pe ON pe.id = a.period_id WHERE a.run_id = r.id),"
    " 'coverage', (SELECT coalesce(json_agg(json_build_array(v.zone_id, v.period_id,"
    "   v.workload, v.capacity, v.seats_full_time, v.seats_part_time)"
    "   ORDER BY pe.start, pe.id, v.zone_id), '[]')"
    "   FROM plan_coverage v JOIN period pe ON pe.id = v.period_id WHERE v.run_id = r.id)) "
    "FROM plan_run r JOIN plan_snapshot s ON s.run_id = r.id "
    "WHERE r.status = 'succeeded' AND r.id = " PLAN_OR_DEFAULT("$1");

static int64_t
jint(json_t *a, size_t i)
{
	return json_integer_value(json_array_get(a, i));
}

/* The stored rows of a plan back into a struct plan. */
static int
plan_from_rows(json_t *d, struct plan *p)
{
	json_t *run = json_object_get(d, "run"), *a;
	size_t i, n;
	const char *st;

	plan_init(p);
	st = json_string_value(json_object_get(run, "pairing_status"));
	if (st != NULL)
		(void)part_status_parse(st, &p->pairing.status);
	st = json_string_value(json_object_get(run, "roster_status"));
	if (st != NULL)
		(void)part_status_parse(st, &p->roster.status);
	p->pairing.objective = json_integer_value(json_object_get(run, "pairing_objective"));
	p->roster.objective = json_integer_value(json_object_get(run, "roster_objective"));

	a = json_object_get(d, "pairs");
	n = json_array_size(a);
	if (n > 0 && (p->pairs = calloc(n, sizeof(*p->pairs))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		json_t *r = json_array_get(a, i);

		p->pairs[i].enterprise_id = jint(r, 0);
		p->pairs[i].community_id = jint(r, 1);
		p->pairs[i].score = jint(r, 2);
	}
	p->n_pairs = n;
	a = json_object_get(d, "uncovered");
	n = json_array_size(a);
	if (n > 0 && (p->uncovered = calloc(n, sizeof(*p->uncovered))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		json_t *r = json_array_get(a, i);

		p->uncovered[i].community_id = jint(r, 0);
		p->uncovered[i].shortfall = jint(r, 1);
	}
	p->n_uncovered = n;
	a = json_object_get(d, "assignments");
	n = json_array_size(a);
	if (n > 0 && (p->assignments = calloc(n, sizeof(*p->assignments))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		json_t *r = json_array_get(a, i);

		p->assignments[i].instructor_id = jint(r, 0);
		p->assignments[i].zone_id = jint(r, 1);
		p->assignments[i].period_id = jint(r, 2);
	}
	p->n_assignments = n;
	a = json_object_get(d, "coverage");
	n = json_array_size(a);
	if (n > 0 && (p->coverage = calloc(n, sizeof(*p->coverage))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		json_t *r = json_array_get(a, i);

		p->coverage[i].zone_id = jint(r, 0);
		p->coverage[i].period_id = jint(r, 1);
		p->coverage[i].workload = jint(r, 2);
		p->coverage[i].capacity = jint(r, 3);
		p->coverage[i].seats_full_time = jint(r, 4);
		p->coverage[i].seats_part_time = jint(r, 5);
	}
	p->n_coverage = n;
	return 0;
}

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
	struct ctl_client *c;
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
	if (plan_from_rows(d, &p) != 0) {
		plan_free(&p);
		snapshot_free(&s);
		json_decref(d);
		return explain_error("internal", "out of memory");
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
	if (ctl_client_gone(x->c))
		;
	else if (x->error[0] != '\0')
		ctl_reply_error(x->c, "database", "%s", x->error);
	else if (!x->found)
		ctl_reply_error(x->c, "not_found", "%s",
		                x->plan_named ? "no such plan, or its run did not succeed"
		                              : "no plan yet");
	else if (x->answer == NULL)
		ctl_reply_error(x->c, "internal", "explain gave no answer");
	else if (json_is_true(json_object_get(x->answer, "ok")))
		ctl_reply_ok(x->c, json_incref(json_object_get(x->answer, "data")));
	else
		ctl_reply_error(x->c, explain_text(x->answer, "code", "internal"), "%s",
		                explain_text(x->answer, "error", "explain failed"));
	json_decref(x->answer);
	free(x->out);
	ctl_client_unref(x->c);
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
	if (job_start(jobs, &spec, explain_child_done, NULL, x, why, sizeof(why)) != NULL) {
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

static void
cmd_explain(struct ctl_client *c, json_t *args)
{
	const char *kind = json_string_value(json_object_get(args, "kind"));
	int64_t target = arg_id(args, "id"), id = arg_id(args, "plan");
	enum explain_kind k;
	struct cmd_explain *x;
	struct db_batch *b;
	char text[32];
	const char *v[1] = {text};

	if (kind == NULL || explain_kind_parse(kind, &k) != 0) {
		ctl_reply_error(c, "bad_request",
		                "\"kind\" must be enterprise, community or instructor");
		return;
	}
	if (target <= 0 || id < 0) {
		ctl_reply_error(c, "bad_request", "\"id\" (and \"plan\", if given) must be ids");
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
		ctl_reply_error(c, "internal", "out of memory");
		return;
	}
	x->c = c;
	x->kind = k;
	x->target = target;
	x->plan_named = id != 0;
	ctl_client_ref(c);
	if (db_batch_run(database, b, explain_batch_done, x) != 0) {
		ctl_client_unref(c);
		free(x);
		ctl_reply_error(c, "unavailable", "%s", db_state_text(database));
	}
}

static void
cmd_snapshot_loaded(void *arg, struct snapshot *s, const char *error)
{
	struct ctl_client *c = arg;

	if (!ctl_client_gone(c)) {
		if (s == NULL) {
			ctl_reply_error(c, "database", "%s", error);
		} else {
			json_t *doc = snapshot_to_json(s);

			if (doc == NULL)
				ctl_reply_error(c, "internal", "out of memory");
			else
				ctl_reply_ok(c, doc);
		}
	}
	if (s != NULL)
		snapshot_free(s);
	ctl_client_unref(c);
}

static void
cmd_snapshot(struct ctl_client *c, json_t *args)
{
	int64_t id = arg_id(args, "plan");
	char text[32];
	const char *v[1] = {text};

	if (id < 0) {
		ctl_reply_error(c, "bad_request", "\"plan\" must be a positive integer");
		return;
	}
	if (id > 0) {
		snprintf(text, sizeof(text), "%lld", (long long)id);
		cmd_query(c, "SELECT snapshot FROM plan_snapshot WHERE run_id = $1::bigint", 1, v,
		          "no snapshot stored for that plan", NULL);
		return;
	}
	/* No plan named: the planning data as it is now. */
	ctl_client_ref(c);
	if (load_start(database, cmd_snapshot_loaded, c) == NULL) {
		ctl_client_unref(c);
		ctl_reply_error(c, "unavailable", "%s", db_state_text(database));
	}
}

/* --- the table ------------------------------------------------------------ */

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
cmd_dispatch(struct ctl_client *c, const char *word, json_t *args)
{
	size_t i;

	for (i = 0; i < sizeof(cmd_table) / sizeof(cmd_table[0]); i++) {
		const struct cmd_entry *e = &cmd_table[i];

		if (strcmp(e->word, word) != 0)
			continue;
		if ((e->flags & CMD_PRIVILEGED) && !ctl_client_privileged(c)) {
			log_warnx("control: %s refused to %s (daemon.admin_group)", e->word,
			          ctl_client_who(c));
			ctl_reply_error(c, "denied", "%s needs daemon.admin_group", e->word);
			return;
		}
		if ((e->flags & CMD_DB) && !db_ready(database)) {
			ctl_reply_error(c, "unavailable", "%s", db_state_text(database));
			return;
		}
		e->fn(c, args);
		return;
	}
	ctl_reply_error(c, "unknown_command", "unknown command '%.64s'", word);
}
