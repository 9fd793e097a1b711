/*
 * store.c - plan_run's SQL, as batches for db_conn.c: a run's row and its
 * outcome, the active planner's start-up clean-up, the plan in force and
 * approval.  (The commands' read-only answers are built by their own
 * statements, cmd_*.c.)
 *
 * A solved plan is stored in one transaction: its rows by COPY (text
 * format, numbers and escaped text only), the snapshot it came from, the
 * run row with timings, statuses, objectives, bounds and gaps, the approval
 * when planner.auto_approve is on, then NOTIFY parkplan_plan.  A failed run
 * keeps its snapshot, its error report and (after validation) one
 * plan_problem row per offending input row; the plan in force is untouched.
 * store_ms is measured by the server: from the transaction's start (now())
 * to the statement that writes it (clock_timestamp()).  A run that
 * parkpland stops in the middle (SIGTERM) is marked failed, "interrupted:
 * parkpland stopped", before it exits when the database is there; else the
 * next active planner's start-up closes it.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "copytext.h"
#include "parkpland.h"
#include "plan.h"
#include "snapshot.h"
#include "validate.h"

/* copytext's emit: into an evbuffer. */
static int
store_emit(void *arg, const char *data, size_t len)
{
	return evbuffer_add(arg, data, len);
}

static int
take_run_id(void *arg, const PGresult *res, char *err, size_t errlen)
{
	int64_t *id = arg;

	if (PQntuples(res) != 1) {
		snprintf(err, errlen, "the run row was not created");
		return -1;
	}
	*id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	return 0;
}

struct db_batch *
store_run_begin(const char *trigger, const char *requested_by, int64_t *run_id)
{
	struct db_batch *b = db_batch_new(false);
	const char *v[2] = {trigger, requested_by};

	if (b == NULL)
		return NULL;
	if (db_batch_query(b,
	                   "INSERT INTO plan_run (trigger, requested_by) VALUES ($1, $2) "
	                   "RETURNING id",
	                   2, v, take_run_id, run_id) != 0) {
		db_batch_free(b);
		return NULL;
	}
	return b;
}

/*
 * The snapshot the run planned from: by COPY when its row was made off the
 * loop (prep.c; taken over: no copy of tens of MB on the loop), else
 * serialised here.
 */
static int
add_snapshot(struct db_batch *b, const char *id, const struct snapshot *s, struct evbuffer *row)
{
	json_t *doc;
	char *text;
	int rc;

	if (s == NULL) {
		if (row != NULL)
			evbuffer_free(row);
		return 0;
	}
	if (row != NULL && evbuffer_get_length(row) > 0)
		return db_batch_copy(b, "COPY plan_snapshot (run_id, snapshot) FROM STDIN", row);
	if (row != NULL)
		evbuffer_free(row);
	doc = snapshot_to_json(s);
	if (doc == NULL)
		return -1;
	text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	if (text == NULL)
		return -1;
	{
		const char *v[2] = {id, text};

		rc = db_batch_query(
		    b, "INSERT INTO plan_snapshot (run_id, snapshot) VALUES ($1, $2::json)", 2, v,
		    NULL, NULL);
	}
	free(text);
	return rc;
}

static void
fmt_double(char *buf, size_t len, double v, bool *null)
{
	*null = !isfinite(v);
	snprintf(buf, len, "%.17g", isfinite(v) ? v : 0.0);
}

/* The run row: everything but the plan's rows. */
static int
add_run_update(struct db_batch *b, const char *id, const struct snapshot *s, const struct plan *p,
               const struct run_timing *t, bool failed, json_t *error, bool approve)
{
	char load_ms[32], solve_ms[32], plan_date[16];
	char pobj[32], pbound[32], pgap[32], robj[32], rbound[32], rgap[32];
	char psec[32], rsec[32], rbudget[32];
	char *error_text = NULL;
	bool null_pb = true, null_pg = true, null_rb = true, null_rg = true, dummy;
	bool null_ps = true, null_rs = true, null_rm = true;
	const char *v[21];
	int rc;

	fmt_double(load_ms, sizeof(load_ms), t->load_ms, &dummy);
	fmt_double(solve_ms, sizeof(solve_ms), t->solve_ms, &dummy);
	if (s != NULL && s->n_periods > 0)
		date_format(s->periods[0].start, plan_date);
	else
		plan_date[0] = '\0';
	if (p != NULL) {
		snprintf(pobj, sizeof(pobj), "%lld", (long long)p->pairing.objective);
		snprintf(robj, sizeof(robj), "%lld", (long long)p->roster.objective);
		fmt_double(pbound, sizeof(pbound), p->pairing.bound, &null_pb);
		fmt_double(pgap, sizeof(pgap), p->pairing.gap, &null_pg);
		fmt_double(rbound, sizeof(rbound), p->roster.bound, &null_rb);
		fmt_double(rgap, sizeof(rgap), p->roster.gap, &null_rg);
		fmt_double(psec, sizeof(psec), p->pairing.seconds, &null_ps);
		fmt_double(rsec, sizeof(rsec), p->roster.seconds, &null_rs);
		fmt_double(rbudget, sizeof(rbudget), p->roster.memory_budget_mib, &null_rm);
	}
	if (error != NULL)
		error_text = json_dumps(error, JSON_COMPACT);

	v[0] = id;
	v[1] = failed ? "failed" : "succeeded";
	v[2] = plan_date[0] ? plan_date : NULL;
	v[3] = t->load_ms >= 0 ? load_ms : NULL;
	v[4] = t->solve_ms >= 0 ? solve_ms : NULL;
	v[5] = p ? part_status_name(p->pairing.status) : NULL;
	v[6] = p && p->pairing.status != PART_NOT_RUN ? pobj : NULL;
	v[7] = p && !null_pb ? pbound : NULL;
	v[8] = p && !null_pg ? pgap : NULL;
	v[9] = p ? part_status_name(p->roster.status) : NULL;
	v[10] = p && p->roster.status != PART_NOT_RUN ? robj : NULL;
	v[11] = p && !null_rb ? rbound : NULL;
	v[12] = p && !null_rg ? rgap : NULL;
	v[13] = error_text;
	v[14] = approve ? "t" : "f";
	v[15] = p && p->pairing.method[0] != '\0' ? p->pairing.method : NULL;
	v[16] = p && !null_ps ? psec : NULL;
	v[17] = p && p->roster.method[0] != '\0' ? p->roster.method : NULL;
	v[18] = p && !null_rs ? rsec : NULL;
	v[19] = p && !null_rm ? rbudget : NULL;
	rc = db_batch_query(
	    b,
	    "UPDATE plan_run SET status = $2, finished_at = clock_timestamp(), "
	    "plan_date = $3::date, load_ms = $4::double precision, "
	    "solve_ms = $5::double precision, "
	    "store_ms = 1000 * extract(epoch FROM clock_timestamp() - now()), "
	    "pairing_status = $6, pairing_objective = $7::bigint, "
	    "pairing_bound = $8::double precision, pairing_gap = $9::double precision, "
	    "roster_status = $10, roster_objective = $11::bigint, "
	    "roster_bound = $12::double precision, roster_gap = $13::double precision, "
	    "error = $14::jsonb, "
	    "approved_at = CASE WHEN $15::boolean THEN clock_timestamp() END, "
	    "approved_by = CASE WHEN $15::boolean THEN 'auto' END, "
	    "pairing_method = $16, pairing_seconds = $17::double precision, "
	    "roster_method = $18, roster_seconds = $19::double precision, "
	    "roster_memory_budget_mib = $20::double precision "
	    "WHERE id = $1",
	    20, v, NULL, NULL);
	free(error_text);
	return rc;
}

/* The plan's rows, each table by COPY (none when it has no rows). */
static int
add_plan_rows(struct db_batch *b, long long r, const struct plan *p)
{
	struct evbuffer *pairs = evbuffer_new(), *unc = evbuffer_new(), *asg = evbuffer_new(),
	                *cov = evbuffer_new();
	size_t i;
	int rc = -1;
	bool bad = false;

	if (pairs == NULL || unc == NULL || asg == NULL || cov == NULL)
		goto out;
	/* an evbuffer that could not grow fails the store, never a plan cut short */
	for (i = 0; i < p->n_pairs; i++)
		bad |= evbuffer_add_printf(pairs, "%lld\t%lld\t%lld\t%lld\n", r,
		                           (long long)p->pairs[i].enterprise_id,
		                           (long long)p->pairs[i].community_id,
		                           (long long)p->pairs[i].score) < 0;
	for (i = 0; i < p->n_uncovered; i++)
		bad |= evbuffer_add_printf(unc, "%lld\t%lld\t%lld\n", r,
		                           (long long)p->uncovered[i].community_id,
		                           (long long)p->uncovered[i].shortfall) < 0;
	for (i = 0; i < p->n_assignments; i++)
		bad |= evbuffer_add_printf(asg, "%lld\t%lld\t%lld\t%lld\n", r,
		                           (long long)p->assignments[i].instructor_id,
		                           (long long)p->assignments[i].zone_id,
		                           (long long)p->assignments[i].period_id) < 0;
	for (i = 0; i < p->n_coverage; i++)
		bad |= evbuffer_add_printf(
		           cov, "%lld\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\n", r,
		           (long long)p->coverage[i].zone_id, (long long)p->coverage[i].period_id,
		           (long long)p->coverage[i].workload, (long long)p->coverage[i].capacity,
		           (long long)p->coverage[i].seats_full_time,
		           (long long)p->coverage[i].seats_part_time) < 0;
	if (bad)
		goto out;
	rc = 0;
	/* each evbuffer is the batch's once handed over, also when that fails */
	if (evbuffer_get_length(pairs) > 0) {
		rc |= db_batch_copy(b,
		                    "COPY plan_pair (run_id, enterprise_id, community_id, score) "
		                    "FROM STDIN",
		                    pairs);
		pairs = NULL;
	}
	if (evbuffer_get_length(unc) > 0) {
		rc |= db_batch_copy(
		    b, "COPY plan_uncovered (run_id, community_id, shortfall) FROM STDIN", unc);
		unc = NULL;
	}
	if (evbuffer_get_length(asg) > 0) {
		rc |= db_batch_copy(
		    b,
		    "COPY plan_assignment (run_id, instructor_id, zone_id, period_id) "
		    "FROM STDIN",
		    asg);
		asg = NULL;
	}
	if (evbuffer_get_length(cov) > 0) {
		rc |= db_batch_copy(b,
		                    "COPY plan_coverage (run_id, zone_id, period_id, workload, "
		                    "capacity, seats_full_time, seats_part_time) FROM STDIN",
		                    cov);
		cov = NULL;
	}
out:
	if (pairs != NULL)
		evbuffer_free(pairs);
	if (unc != NULL)
		evbuffer_free(unc);
	if (asg != NULL)
		evbuffer_free(asg);
	if (cov != NULL)
		evbuffer_free(cov);
	return rc;
}

struct db_batch *
store_run_result(int64_t run_id, const struct snapshot *s, struct evbuffer *snapshot_row,
                 const struct plan *p, const struct run_timing *t, bool failed, json_t *error,
                 bool approve)
{
	struct db_batch *b = db_batch_new(true);
	char id[32];

	if (b == NULL) {
		if (snapshot_row != NULL)
			evbuffer_free(snapshot_row);
		return NULL;
	}
	snprintf(id, sizeof(id), "%lld", (long long)run_id);
	if (db_batch_query(b, "BEGIN", 0, NULL, NULL, NULL) != 0 ||
	    (!failed && add_plan_rows(b, (long long)run_id, p) != 0)) {
		if (snapshot_row != NULL)
			evbuffer_free(snapshot_row);
		goto fail;
	}
	if (add_snapshot(b, id, s, snapshot_row) != 0 ||
	    add_run_update(b, id, s, p, t, failed, error, approve && !failed) != 0)
		goto fail;
	if (!failed) {
		const char *v[1] = {id};

		if (db_batch_query(b, "SELECT pg_notify('parkplan_plan', $1)", 1, v, NULL, NULL) !=
		    0)
			goto fail;
	}
	if (db_batch_query(b, "COMMIT", 0, NULL, NULL, NULL) != 0)
		goto fail;
	return b;
fail:
	db_batch_free(b);
	return NULL;
}

struct db_batch *
store_run_failure(int64_t run_id, const struct snapshot *s, struct evbuffer *snapshot_row,
                  const struct problems *pr, const struct run_timing *t, json_t *error)
{
	struct db_batch *b = db_batch_new(true);
	struct evbuffer *rows;
	char id[32];
	size_t i;
	bool bad = false;

	if (b == NULL || db_batch_query(b, "BEGIN", 0, NULL, NULL, NULL) != 0)
		goto fail_row;
	snprintf(id, sizeof(id), "%lld", (long long)run_id);
	if (pr != NULL && pr->n > 0) {
		rows = evbuffer_new();
		if (rows == NULL)
			goto fail_row;
		for (i = 0; i < pr->n && !bad; i++) {
			bad |=
			    evbuffer_add_printf(rows, "%lld\t%zu\t", (long long)run_id, i + 1) < 0;
			bad |= copytext_escape_str(pr->v[i].entity, store_emit, rows) != 0;
			if (pr->v[i].id != 0)
				bad |= evbuffer_add_printf(rows, "\t%lld\t",
				                           (long long)pr->v[i].id) < 0;
			else
				bad |= evbuffer_add(rows, "\t\\N\t", 4) != 0;
			bad |= copytext_escape_str(pr->v[i].field, store_emit, rows) != 0;
			bad |= evbuffer_add(rows, "\t", 1) != 0;
			bad |= copytext_escape_str(pr->v[i].reason, store_emit, rows) != 0;
			bad |= evbuffer_add(rows, "\n", 1) != 0;
		}
		if (bad) {
			evbuffer_free(rows);
			goto fail_row;
		}
		if (db_batch_copy(b,
		                  "COPY plan_problem (run_id, seq, entity, entity_id, field, "
		                  "reason) FROM STDIN",
		                  rows) != 0)
			goto fail_row;
	}
	if (add_snapshot(b, id, s, snapshot_row) != 0 ||
	    add_run_update(b, id, s, NULL, t, true, error, false) != 0 ||
	    db_batch_query(b, "COMMIT", 0, NULL, NULL, NULL) != 0)
		goto fail;
	return b;
fail_row:
	if (snapshot_row != NULL)
		evbuffer_free(snapshot_row);
fail:
	db_batch_free(b);
	return NULL;
}

/* --- the planner's start-up and the plan in force ------------------------- */

void
store_plans_read(const PGresult *res, int64_t *plan_in_force, bool *has_plan)
{
	*plan_in_force = 0;
	*has_plan = false;
	if (PQntuples(res) != 1)
		return;
	if (!PQgetisnull(res, 0, 0))
		*plan_in_force = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	*has_plan = PQnfields(res) > 1 && strcmp(PQgetvalue(res, 0, 1), "t") == 0;
}

struct db_batch *
store_startup(int64_t keep_id, db_result_fn fn, void *arg)
{
	struct db_batch *b = db_batch_new(false);
	char id[32];
	const char *v[1] = {id};

	if (b == NULL)
		return NULL;
	snprintf(id, sizeof(id), "%lld", (long long)keep_id);
	if (db_batch_query(b,
	                   "UPDATE plan_run SET status = 'failed', finished_at = now(), "
	                   "error = '{\"stage\": \"interrupted\", \"message\": \"the planner "
	                   "stopped during the run\"}' WHERE status = 'running' AND id <> $1",
	                   1, v, NULL, NULL) != 0 ||
	    db_batch_query(b,
	                   "SELECT (SELECT id FROM plan_in_force), "
	                   "EXISTS (SELECT 1 FROM plan_run WHERE status = 'succeeded')",
	                   0, NULL, fn, arg) != 0) {
		db_batch_free(b);
		return NULL;
	}
	return b;
}

struct db_batch *
store_run_interrupted(int64_t run_id)
{
	struct db_batch *b = db_batch_new(false);
	char id[32];
	const char *v[1] = {id};

	if (b == NULL)
		return NULL;
	snprintf(id, sizeof(id), "%lld", (long long)run_id);
	/* a store that did commit is not undone: only a row still 'running' */
	if (db_batch_query(
	        b,
	        "UPDATE plan_run SET status = 'failed', finished_at = clock_timestamp(), "
	        "error = '{\"stage\": \"interrupted\", \"message\": \"interrupted: "
	        "parkpland stopped\"}' WHERE id = $1::bigint AND status = 'running'",
	        1, v, NULL, NULL) != 0) {
		db_batch_free(b);
		return NULL;
	}
	return b;
}

int
store_read_plan_in_force(struct db_batch *b, db_result_fn fn, void *arg)
{
	return db_batch_query(b, "SELECT (SELECT id FROM plan_in_force)", 0, NULL, fn, arg);
}

const char store_approve_sql[] =
    "UPDATE plan_run SET approved_at = clock_timestamp(), approved_by = $2"
    " WHERE id = $1::bigint AND status = 'succeeded'"
    " RETURNING json_build_object('id', id, 'approved_at', approved_at,"
    " 'approved_by', approved_by)";
