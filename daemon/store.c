/*
 * store.c - a run's outcome, written as batches for db_conn.c.
 *
 * A solved plan is stored in one transaction: its rows by COPY (text
 * format, numbers and escaped text only), the snapshot it came from, the
 * run row with timings, statuses, objectives, bounds and gaps, the approval
 * when planner.auto_approve is on, then NOTIFY parkplan_plan.  A failed run
 * keeps its snapshot, its error report and (after validation) one
 * plan_problem row per offending input row; the plan in force is untouched.
 * store_ms is measured by the server: from the transaction's start (now())
 * to the statement that writes it (clock_timestamp()).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parkpland.h"
#include "plan.h"
#include "snapshot.h"
#include "validate.h"

void
copybuf_printf(struct copybuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->data ? b->data + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if ((size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = b->cap ? b->cap * 2 : 4096;
		while (cap - b->len <= (size_t)n)
			cap *= 2;
		char *d = realloc(b->data, cap);
		if (d == NULL)
			abort(); /* out of memory while storing: nothing sensible left */
		b->data = d;
		b->cap = cap;
	}
}

/* One text field of a COPY row: backslash, tab, newline and CR escaped. */
void
copybuf_text(struct copybuf *b, const char *text)
{
	const char *p;

	if (text == NULL) {
		copybuf_printf(b, "\\N");
		return;
	}
	for (p = text; *p != '\0'; p++) {
		switch (*p) {
		case '\\':
			copybuf_printf(b, "\\\\");
			break;
		case '\t':
			copybuf_printf(b, "\\t");
			break;
		case '\n':
			copybuf_printf(b, "\\n");
			break;
		case '\r':
			copybuf_printf(b, "\\r");
			break;
		default:
			copybuf_printf(b, "%c", *p);
			break;
		}
	}
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
store_run_begin(enum run_trigger trigger, const char *requested_by, int64_t *run_id)
{
	struct db_batch *b = db_batch_new(false);
	const char *v[2] = {run_trigger_name(trigger), requested_by};

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
 * loop (see run.c), else serialised here.
 */
static int
add_snapshot(struct db_batch *b, const char *id, const struct snapshot *s, struct copybuf *row)
{
	json_t *doc;
	char *text;
	int rc;

	if (s == NULL)
		return 0;
	if (row != NULL && row->data != NULL && row->len > 0) {
		char *data = row->data;
		size_t len = row->len;

		/* taken over: no copy of tens of MB on the loop */
		row->data = NULL;
		row->len = row->cap = 0;
		return db_batch_copy(b, "COPY plan_snapshot (run_id, snapshot) FROM STDIN", data,
		                     len);
	}
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
		    b, "INSERT INTO plan_snapshot (run_id, snapshot) VALUES ($1, $2::jsonb)", 2, v,
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
	char *error_text = NULL;
	bool null_pb = true, null_pg = true, null_rb = true, null_rg = true, dummy;
	const char *v[16];
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
	    "approved_by = CASE WHEN $15::boolean THEN 'auto' END "
	    "WHERE id = $1",
	    15, v, NULL, NULL);
	free(error_text);
	return rc;
}

struct db_batch *
store_run_result(int64_t run_id, const struct snapshot *s, struct copybuf *snapshot_row,
                 const struct plan *p, const struct run_timing *t, bool failed, json_t *error,
                 bool approve)
{
	struct db_batch *b = db_batch_new(true);
	struct copybuf pairs = {0}, unc = {0}, asg = {0}, cov = {0};
	char id[32];
	size_t i;
	long long r = (long long)run_id;

	if (b == NULL)
		return NULL;
	snprintf(id, sizeof(id), "%lld", r);
	if (db_batch_query(b, "BEGIN", 0, NULL, NULL, NULL) != 0)
		goto fail;
	if (!failed) {
		for (i = 0; i < p->n_pairs; i++)
			copybuf_printf(&pairs, "%lld\t%lld\t%lld\t%lld\n", r,
			               (long long)p->pairs[i].enterprise_id,
			               (long long)p->pairs[i].community_id,
			               (long long)p->pairs[i].score);
		for (i = 0; i < p->n_uncovered; i++)
			copybuf_printf(&unc, "%lld\t%lld\t%lld\n", r,
			               (long long)p->uncovered[i].community_id,
			               (long long)p->uncovered[i].shortfall);
		for (i = 0; i < p->n_assignments; i++)
			copybuf_printf(&asg, "%lld\t%lld\t%lld\t%lld\n", r,
			               (long long)p->assignments[i].instructor_id,
			               (long long)p->assignments[i].zone_id,
			               (long long)p->assignments[i].period_id);
		for (i = 0; i < p->n_coverage; i++)
			copybuf_printf(
			    &cov, "%lld\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\n", r,
			    (long long)p->coverage[i].zone_id, (long long)p->coverage[i].period_id,
			    (long long)p->coverage[i].workload, (long long)p->coverage[i].capacity,
			    (long long)p->coverage[i].seats_full_time,
			    (long long)p->coverage[i].seats_part_time);
		if (pairs.len > 0 &&
		    db_batch_copy(b,
		                  "COPY plan_pair (run_id, enterprise_id, community_id, score) "
		                  "FROM STDIN",
		                  pairs.data, pairs.len) != 0)
			goto fail_nofree_pairs;
		pairs.data = NULL;
		if (unc.len > 0 &&
		    db_batch_copy(
		        b, "COPY plan_uncovered (run_id, community_id, shortfall) FROM STDIN",
		        unc.data, unc.len) != 0)
			goto fail_nofree_unc;
		unc.data = NULL;
		if (asg.len > 0 &&
		    db_batch_copy(
		        b,
		        "COPY plan_assignment (run_id, instructor_id, zone_id, period_id) "
		        "FROM STDIN",
		        asg.data, asg.len) != 0)
			goto fail_nofree_asg;
		asg.data = NULL;
		if (cov.len > 0 &&
		    db_batch_copy(b,
		                  "COPY plan_coverage (run_id, zone_id, period_id, workload, "
		                  "capacity, seats_full_time, seats_part_time) FROM STDIN",
		                  cov.data, cov.len) != 0)
			goto fail_nofree_cov;
		cov.data = NULL;
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
	free(pairs.data);
	free(unc.data);
	free(asg.data);
	free(cov.data);
	return b;
fail_nofree_pairs:
	pairs.data = NULL;
	goto fail;
fail_nofree_unc:
	unc.data = NULL;
	goto fail;
fail_nofree_asg:
	asg.data = NULL;
	goto fail;
fail_nofree_cov:
	cov.data = NULL;
fail:
	free(pairs.data);
	free(unc.data);
	free(asg.data);
	free(cov.data);
	db_batch_free(b);
	return NULL;
}

struct db_batch *
store_run_failure(int64_t run_id, const struct snapshot *s, struct copybuf *snapshot_row,
                  const struct problems *pr, const struct run_timing *t, json_t *error)
{
	struct db_batch *b = db_batch_new(true);
	struct copybuf rows = {0};
	char id[32];
	size_t i;

	if (b == NULL)
		return NULL;
	snprintf(id, sizeof(id), "%lld", (long long)run_id);
	if (db_batch_query(b, "BEGIN", 0, NULL, NULL, NULL) != 0)
		goto fail;
	if (pr != NULL && pr->n > 0) {
		for (i = 0; i < pr->n; i++) {
			copybuf_printf(&rows, "%lld\t%zu\t", (long long)run_id, i + 1);
			copybuf_text(&rows, pr->v[i].entity);
			if (pr->v[i].id != 0)
				copybuf_printf(&rows, "\t%lld\t", (long long)pr->v[i].id);
			else
				copybuf_printf(&rows, "\t\\N\t");
			copybuf_text(&rows, pr->v[i].field);
			copybuf_printf(&rows, "\t");
			copybuf_text(&rows, pr->v[i].reason);
			copybuf_printf(&rows, "\n");
		}
		if (db_batch_copy(b,
		                  "COPY plan_problem (run_id, seq, entity, entity_id, field, "
		                  "reason) FROM STDIN",
		                  rows.data, rows.len) != 0) {
			db_batch_free(b);
			return NULL;
		}
	}
	if (add_snapshot(b, id, s, snapshot_row) != 0 ||
	    add_run_update(b, id, s, NULL, t, true, error, false) != 0 ||
	    db_batch_query(b, "COMMIT", 0, NULL, NULL, NULL) != 0)
		goto fail;
	return b;
fail:
	db_batch_free(b);
	return NULL;
}
