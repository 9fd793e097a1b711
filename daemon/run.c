/*
 * run.c - a run of the planner, as a state machine on the loop.
 *
 *	IDLE -> STARTING (plan_run row) -> LOADING (async snapshot read)
 *	     -> validate -> SOLVING (worker child, frames + deadline)
 *	     -> STORING (one transaction) -> IDLE
 *
 * What would hold the loop for long at city scale is done in children:
 * once loaded, the snapshot child (prep.c) validates the snapshot and
 * serialises it as the plan_snapshot COPY row while the solver child
 * solves; the store waits for that row when it is not there yet.
 *
 * Runs are asked for by the socket's replan and by triggers.c.  A request
 * during a run coalesces into one follow-up run; its waiters are answered
 * when that run ends.  A run that fails leaves its row and error report;
 * the plan in force is never changed by a failed run.  When the connection
 * drops in the middle, the step that needed it is taken up again once this
 * parkpland holds the planner lock again (run_role()).
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_state.h"
#include "solve.h"
#include "worker.h"

static void run_start_next(struct run *r);
static void run_step_start(struct run *r);
static void run_step_load(struct run *r);
static void run_step_store(struct run *r);

/* --- the end of a run ----------------------------------------------------- */

static void
run_answer(struct run_waiters *list, int64_t id, const char *error)
{
	struct run_waiter *w;

	while ((w = TAILQ_FIRST(list)) != NULL) {
		TAILQ_REMOVE(list, w, link);
		w->queued = false;
		w->done(w->arg, id, error);
	}
}

/*
 * Enterprises freed per pass of the loop: a city's snapshot (200 000 of
 * them) takes 60-110 ms to free at once; 20 000 take a few.
 */
#define RECLAIM_ROWS_PER_PASS 20000

static void
run_reclaim_cb(evutil_socket_t fd, short what, void *arg)
{
	struct run *r = arg;
	static const struct timeval now = {0, 0};

	(void)fd;
	(void)what;
	if (!snapshot_free_some(&r->old_snap, RECLAIM_ROWS_PER_PASS))
		evtimer_add(r->reclaim, &now);
}

/* Let the run's snapshot go, to be freed between the loop's other work. */
static void
run_let_go(struct run *r)
{
	static const struct timeval now = {0, 0};

	snapshot_free(&r->old_snap); /* one let go before, not yet freed: at once */
	r->old_snap = r->snap;
	snapshot_init(&r->snap);
	if (r->reclaim == NULL || evtimer_add(r->reclaim, &now) != 0)
		snapshot_free(&r->old_snap);
}

static void
run_clear(struct run *r)
{
	if (r->have_snap)
		run_let_go(r);
	r->have_snap = false;
	if (r->have_plan)
		plan_free(&r->plan);
	r->have_plan = false;
	problems_free(&r->problems);
	problems_init(&r->problems);
	problems_free(&r->load_problems);
	problems_init(&r->load_problems);
	json_decref(r->error);
	r->error = NULL;
	r->failed = false;
	r->progress_part[0] = '\0';
	r->progress_fraction = 0;
	r->part_fraction[0] = r->part_fraction[1] = -1;
	r->part_notified[0] = r->part_notified[1] = -1;
	prep_free(r->prep);
	r->prep = NULL;
	r->validated = false;
	r->store_waiting = false;
}

/* The run is over (stored, or could not be recorded at all). */
static void
run_end(struct run *r, const char *error)
{
	int64_t id = r->run_id;

	r->last_run_id = id;
	snprintf(r->last_status, sizeof(r->last_status), "%s",
	         error != NULL ? "failed" : "succeeded");
	snprintf(r->last_error, sizeof(r->last_error), "%s", error != NULL ? error : "");
	r->runs_done++;
	metrics_run(r->env->metrics, run_trigger_name(r->trigger), error == NULL, &r->timing);
	if (error != NULL)
		log_run(LOG_LEVEL_WARNING, id, 0, "run %lld failed: %s", (long long)id, error);
	run_clear(r);
	r->phase = RUN_IDLE;
	r->db_wait = false;
	r->run_id = 0;
	run_answer(&r->waiters, id, error);
	run_status_idle(r);
	run_start_next(r);
}

static json_t *
run_error_report(const char *stage, const char *message)
{
	json_t *e = json_object();

	json_object_set_new(e, "stage", json_string(stage));
	if (message != NULL)
		json_object_set_new(e, "message", json_string(message));
	return e;
}

/* The run fails at stage: the failure is what is stored. */
static void
run_fail(struct run *r, const char *stage, const char *message)
{
	r->failed = true;
	json_decref(r->error);
	r->error = run_error_report(stage, message);
	run_step_store(r);
}

/* --- storing -------------------------------------------------------------- */

static void
run_stored(void *arg, int rc, const char *error)
{
	struct run *r = arg;
	bool approve = r->env->conf->auto_approve;
	char msg[1024];

	r->batch = NULL;
	if (rc == 0)
		r->timing.store_ms = 1000 * (monotonic_s() - r->phase_start);
	if (rc != 0) {
		if (!db_ready(r->env->db)) {
			/* rolled back by the lost connection: store again once back */
			log_run(LOG_LEVEL_WARNING, r->run_id, 0,
			        "run %lld: store interrupted (%s); storing again when the "
			        "database is back",
			        (long long)r->run_id, error);
			r->db_wait = true;
			run_status_phase(r);
			return;
		}
		log_run(LOG_LEVEL_ERR, r->run_id, 0, "run %lld: storing failed: %s",
		        (long long)r->run_id, error);
		if (!r->failed) {
			/* record the failure itself, without the plan */
			run_fail(r, "store", error);
			return;
		}
		snprintf(msg, sizeof(msg), "the run could not be recorded: %s", error);
		run_end(r, msg);
		return;
	}
	if (!r->failed) {
		log_run(LOG_LEVEL_NOTICE, r->run_id, r->run_id,
		        "run %lld: plan stored (%zu pairs, %zu assignments)%s",
		        (long long)r->run_id, r->plan.n_pairs, r->plan.n_assignments,
		        approve ? ", approved" : ", a draft until approved");
		if (approve)
			r->plan_in_force = r->run_id;
		metrics_plan(r->env->metrics, "pairing", (double)r->plan.pairing.objective,
		             r->plan.pairing.bound, r->plan.pairing.gap);
		metrics_plan(r->env->metrics, "roster", (double)r->plan.roster.objective,
		             r->plan.roster.bound, r->plan.roster.gap);
		run_end(r, NULL);
		return;
	}
	{
		json_t *m = json_object_get(r->error, "message");

		snprintf(msg, sizeof(msg), "%s",
		         json_is_string(m) ? json_string_value(m) : "the run failed");
	}
	run_end(r, msg);
}

static void
run_step_store(struct run *r)
{
	struct evbuffer *row;
	struct db_batch *b;
	double t0, t1;

	r->phase = RUN_STORING;
	r->db_wait = false;
	if (!r->active) {
		/* only under the planner lock: stored once it is taken again */
		r->db_wait = true;
		run_status_phase(r);
		return;
	}
	if (r->prep != NULL && prep_state(r->prep) == PREP_RUNNING && r->have_snap) {
		/* the snapshot's row is still being made off the loop */
		r->store_waiting = true;
		run_status_phase(r);
		return;
	}
	r->store_waiting = false;
	/* taken over by the store (a store again after a lost connection serialises here) */
	row = r->prep != NULL ? prep_take_row(r->prep) : NULL;
	t0 = monotonic_s();
	if (r->failed && !r->have_plan)
		b = store_run_failure(r->run_id, r->have_snap ? &r->snap : NULL, row, &r->problems,
		                      &r->timing, r->error);
	else
		b = store_run_result(r->run_id, r->have_snap ? &r->snap : NULL, row, &r->plan,
		                     &r->timing, r->failed, r->error, r->env->conf->auto_approve);
	if (b == NULL) {
		run_end(r, "out of memory building the store");
		return;
	}
	t1 = monotonic_s();
	r->phase_start = t1; /* the store's time, from its batch queued to its end */
	r->batch = b;
	if (db_batch_run(r->env->db, b, run_stored, r) != 0) {
		r->batch = NULL;
		r->db_wait = true;
	}
	log_run(LOG_LEVEL_DEBUG, r->run_id, 0,
	        "run %lld: store built in %.0f ms, queued in %.0f ms", (long long)r->run_id,
	        1000 * (t1 - t0), 1000 * (monotonic_s() - t1));
	run_status_phase(r);
}

/* --- solving -------------------------------------------------------------- */

static void
run_progress(void *arg, const char *part, double fraction, double best, double bound)
{
	struct run *r = arg;
	int i = strcmp(part, "pairing") == 0 ? 0 : strcmp(part, "roster") == 0 ? 1 : -1;

	(void)best;
	(void)bound;
	snprintf(r->progress_part, sizeof(r->progress_part), "%s", part);
	r->progress_fraction = isfinite(fraction) ? fraction : 0;
	if (i < 0)
		return;
	r->part_fraction[i] = r->progress_fraction;
	if (fabs(r->part_fraction[i] - r->part_notified[i]) >= 0.01) {
		r->part_notified[i] = r->part_fraction[i];
		run_status_phase(r);
	}
}

static void
run_part_report(json_t *e, const char *name, const struct plan_part *part)
{
	json_t *o = json_object(), *reasons = json_array();
	size_t i;

	json_object_set_new(o, "status", json_string(part_status_name(part->status)));
	for (i = 0; i < part->n_reasons; i++)
		json_array_append_new(reasons, json_string(part->reasons[i]));
	json_object_set_new(o, "reasons", reasons);
	json_object_set_new(e, name, o);
}

static bool
part_ok(const struct plan_part *p)
{
	return p->status == PART_OPTIMAL || p->status == PART_FEASIBLE;
}

/* The solver child has exited and its output is read. */
static void
run_solved(void *arg, struct worker *w)
{
	struct run *r = arg;
	char err[1024];
	double t0;
	int rc;

	t0 = monotonic_s();
	rc = solve_finish(r->solve, w, &r->plan, err, sizeof(err));
	r->solve = NULL;
	r->job = NULL;
	log_run(LOG_LEVEL_DEBUG, r->run_id, 0, "run %lld: solver result taken in %.0f ms",
	        (long long)r->run_id, 1000 * (monotonic_s() - t0));
	r->timing.solve_ms = 1000 * (monotonic_s() - r->phase_start);
	if (rc != 0) {
		log_run(LOG_LEVEL_ERR, r->run_id, 0, "run %lld: solver: %s", (long long)r->run_id,
		        err);
		run_fail(r, "solve", err);
		return;
	}
	r->have_plan = true;
	if (!part_ok(&r->plan.pairing) || !part_ok(&r->plan.roster)) {
		char msg[512];

		snprintf(msg, sizeof(msg), "no plan: pairing %s, roster %s",
		         part_status_name(r->plan.pairing.status),
		         part_status_name(r->plan.roster.status));
		r->failed = true;
		r->error = run_error_report("solve", msg);
		run_part_report(r->error, "pairing", &r->plan.pairing);
		run_part_report(r->error, "roster", &r->plan.roster);
	}
	log_run(LOG_LEVEL_INFO, r->run_id, 0, "run %lld: solved in %.0f ms (pairing %s, roster %s)",
	        (long long)r->run_id, r->timing.solve_ms, part_status_name(r->plan.pairing.status),
	        part_status_name(r->plan.roster.status));
	run_step_store(r);
}

static void
run_deadline(void *arg)
{
	struct run *r = arg;

	log_run(LOG_LEVEL_WARNING, r->run_id, 0,
	        "run %lld: the solver passed its wall-clock deadline: stopping it",
	        (long long)r->run_id);
}

static void
run_step_solve(struct run *r)
{
	const struct config *conf = r->env->conf;
	struct worker_limits lim;
	struct worker_spec spec;
	struct solver_options opt = {0};
	char err[512];

	r->phase = RUN_SOLVING;
	r->phase_start = monotonic_s();
	solve_limits_default(&lim, &r->snap);
	lim.memory_bytes = (size_t)conf->solver_memory_mib * 1024 * 1024;
	if (conf->solver_wall_s > 0)
		lim.wall_s = conf->solver_wall_s;
	opt.progress = run_progress;
	opt.progress_arg = r;
	r->solve = solve_new(NULL, &r->snap, &lim, &opt, &spec);
	if (r->solve == NULL)
		snprintf(err, sizeof(err), "cannot start the solver: out of memory");
	else
		r->job =
		    job_start(r->env->jobs, &spec, run_solved, run_deadline, r, err, sizeof(err));
	if (r->job == NULL) {
		solve_free(r->solve);
		r->solve = NULL;
		log_run(LOG_LEVEL_ERR, r->run_id, 0, "run %lld: cannot start the solver: %s",
		        (long long)r->run_id, err);
		run_fail(r, "solve", err);
		return;
	}
	log_run(LOG_LEVEL_INFO, r->run_id, 0, "run %lld: solving in child process %d",
	        (long long)r->run_id, (int)job_pid(r->job));
	run_status_phase(r);
}

/* --- validating ----------------------------------------------------------- */

/* The problems are known (r->problems): solve, or store the failure. */
static void
run_validated(struct run *r)
{
	size_t i;

	r->validated = true;
	/* the loader's problems (settings, rules naming inactive rows) with the rest */
	for (i = 0; i < r->load_problems.n; i++) {
		const struct problem *p = &r->load_problems.v[i];

		problems_add(&r->problems, p->entity, p->id, p->field, "%s", p->reason);
	}
	if (r->problems.n > 0) {
		char msg[512];
		const struct problem *p = &r->problems.v[0];

		snprintf(msg, sizeof(msg),
		         "%zu problems in the planning data, first: %s %lld: %s: %s", r->problems.n,
		         p->entity, (long long)p->id, p->field, p->reason);
		r->timing.solve_ms = -1;
		r->failed = true;
		r->error = run_error_report("validate", msg);
		json_object_set_new(r->error, "problems", problems_to_json(&r->problems));
		run_step_store(r);
		return;
	}
	run_step_solve(r);
}

/* The snapshot child's problems never came: validate here. */
static void
run_validate_inline(struct run *r)
{
	problems_free(&r->problems);
	problems_init(&r->problems);
	(void)snapshot_validate(&r->snap, &r->problems);
	run_validated(r);
}

/* prep.c: the child's problems are in r->problems. */
static void
run_prep_checked(void *arg)
{
	struct run *r = arg;

	if (r->phase == RUN_LOADING && r->have_snap && !r->validated)
		run_validated(r);
}

/* prep.c: the snapshot child is gone, its row made or not. */
static void
run_prep_done(void *arg)
{
	struct run *r = arg;

	if (!prep_checked(r->prep) && r->phase == RUN_LOADING && !r->validated) {
		run_validate_inline(r);
		return;
	}
	if (r->store_waiting && r->phase == RUN_STORING)
		run_step_store(r);
}

/* --- loading -------------------------------------------------------------- */

/* libpq's message of a load cut by the lost connection, first line only. */
static void
run_load_lost(char *msg, size_t len, const char *error)
{
	size_t n;

	snprintf(msg, len, "the database connection was lost during the load (%s",
	         error != NULL ? error : "connection lost");
	msg[strcspn(msg, "\n")] = '\0'; /* the rest quotes the query */
	for (n = strlen(msg); n > 0 && isspace((unsigned char)msg[n - 1]); n--)
		msg[n - 1] = '\0';
	snprintf(msg + n, len - n, ")");
}

static void
run_loaded(void *arg, struct snapshot *s, const char *error)
{
	struct run *r = arg;
	struct prep_hooks hooks = {run_prep_checked, run_prep_done, r};

	r->load = NULL;
	r->timing.load_ms = 1000 * (monotonic_s() - r->phase_start);
	if (s == NULL) {
		if (!db_ready(r->env->db)) {
			/*
			 * The consistent read is gone with the connection: loading
			 * again later would plan other data under this run's
			 * name.  The run fails (recorded once the database is
			 * back) and the next request gets a run of its own.
			 */
			char msg[512];

			run_load_lost(msg, sizeof(msg), error);
			log_run(LOG_LEVEL_WARNING, r->run_id, 0, "run %lld: %s",
			        (long long)r->run_id, msg);
			run_fail(r, "load", msg);
			return;
		}
		run_fail(r, "load", error);
		return;
	}
	r->snap = *s;
	r->have_snap = true;
	log_run(LOG_LEVEL_INFO, r->run_id, 0,
	        "run %lld: loaded %zu enterprises, %zu communities, %zu instructors, %zu "
	        "zones, %zu periods in %.0f ms",
	        (long long)r->run_id, r->snap.n_enterprises, r->snap.n_communities,
	        r->snap.n_instructors, r->snap.n_zones, r->snap.n_periods, r->timing.load_ms);
	/* validation and the snapshot's row off the loop; run_validated() follows */
	r->prep = prep_start(r->env, r->run_id, &r->snap, &r->problems, &hooks);
	if (r->prep == NULL)
		run_validate_inline(r);
}

static void
run_step_load(struct run *r)
{
	r->phase = RUN_LOADING;
	r->db_wait = false;
	r->phase_start = monotonic_s();
	problems_free(&r->load_problems);
	problems_init(&r->load_problems);
	r->load = load_start(r->env->db, &r->load_problems, run_loaded, r);
	if (r->load == NULL)
		r->db_wait = true;
	run_status_phase(r);
}

/* --- starting ------------------------------------------------------------- */

static void
run_started(void *arg, int rc, const char *error)
{
	struct run *r = arg;

	r->batch = NULL;
	if (rc != 0) {
		if (!db_ready(r->env->db)) {
			r->db_wait = true;
			run_status_phase(r);
			return;
		}
		log_err("cannot start a run: %s", error);
		run_end(r, error);
		return;
	}
	log_run(LOG_LEVEL_NOTICE, r->run_id, 0, "run %lld started (%s%s%s)", (long long)r->run_id,
	        run_trigger_name(r->trigger), r->requested_by[0] ? ", " : "", r->requested_by);
	run_step_load(r);
}

static void
run_step_start(struct run *r)
{
	struct db_batch *b;

	r->phase = RUN_STARTING;
	r->db_wait = false;
	b = store_run_begin(run_trigger_name(r->trigger),
	                    r->requested_by[0] ? r->requested_by : NULL, &r->run_id);
	if (b == NULL) {
		run_end(r, "out of memory");
		return;
	}
	r->batch = b;
	if (db_batch_run(r->env->db, b, run_started, r) != 0) {
		r->batch = NULL;
		r->db_wait = true;
	}
	run_status_phase(r);
}

static void
run_start_next(struct run *r)
{
	if (r->phase != RUN_IDLE || !r->pending || r->shutting_down || !db_ready(r->env->db) ||
	    !r->active)
		return;
	r->pending = false;
	r->trigger = r->next_trigger;
	snprintf(r->requested_by, sizeof(r->requested_by), "%s", r->next_by);
	TAILQ_CONCAT(&r->waiters, &r->next_waiters, link);
	run_clear(r);
	memset(&r->timing, 0, sizeof(r->timing));
	r->timing.load_ms = -1;
	r->timing.solve_ms = -1;
	r->timing.store_ms = -1;
	r->run_id = 0;
	run_step_start(r);
}

/* --- requests ------------------------------------------------------------- */

void
run_request(struct run *r, enum run_trigger trigger, const char *requested_by, struct run_waiter *w)
{
	if (r->standby) {
		/* another parkpland plans (cmd_run.c refuses a replan before this) */
		if (w != NULL)
			w->done(w->arg, 0, r->standby_text);
		return;
	}
	if (w != NULL) {
		if (r->shutting_down) {
			w->done(w->arg, 0, "parkpland is shutting down");
			return;
		}
		TAILQ_INSERT_TAIL(&r->next_waiters, w, link);
		w->queued = true;
	}
	if (!r->pending || trigger == TRIGGER_REPLAN) {
		if (!r->pending || r->next_trigger != TRIGGER_REPLAN) {
			r->next_trigger = trigger;
			snprintf(r->next_by, sizeof(r->next_by), "%s",
			         requested_by != NULL ? requested_by : "");
		}
	}
	if (!r->pending)
		log_info("run requested (%s)%s", run_trigger_name(trigger),
		         r->phase != RUN_IDLE ? ": follows the run in progress" : "");
	r->pending = true;
	run_start_next(r);
}

void
run_waiter_cancel(struct run *r, struct run_waiter *w)
{
	struct run_waiter *q;

	if (!w->queued)
		return;
	TAILQ_FOREACH(q, &r->waiters, link)
	{
		if (q == w) {
			TAILQ_REMOVE(&r->waiters, w, link);
			w->queued = false;
			return;
		}
	}
	TAILQ_REMOVE(&r->next_waiters, w, link);
	w->queued = false;
}

/* --- the planner's role --------------------------------------------------- */

/*
 * Stop what the current run has under way: its solver (told why), its
 * load and its batch.  An open transaction is rolled back when the
 * connection closes.
 */
static void
run_drop(struct run *r, const char *why)
{
	if (r->job != NULL) {
		job_cancel(r->job, why);
		r->job = NULL;
		solve_free(r->solve);
		r->solve = NULL;
	}
	if (r->load != NULL) {
		load_free(r->load);
		r->load = NULL;
	}
	if (r->batch != NULL) {
		db_batch_forget(r->env->db, r->batch);
		r->batch = NULL;
	}
}

/* Another parkpland is the active planner: drop the run and the requests. */
static void
run_standby(struct run *r, const char *why)
{
	run_drop(r, why);
	/* its plan_run row is closed by the active planner */
	if (r->phase != RUN_IDLE)
		log_run(LOG_LEVEL_NOTICE, r->run_id, 0, "run %lld: abandoned (%s)",
		        (long long)r->run_id, why);
	run_answer(&r->waiters, r->run_id, why);
	run_answer(&r->next_waiters, 0, why);
	run_clear(r);
	r->phase = RUN_IDLE;
	r->db_wait = false;
	r->run_id = 0;
	r->pending = false;
}

void
run_role(struct run *r, enum leader_role role, const char *text)
{
	bool was_standby = r->standby;

	r->active = role == LEADER_ACTIVE;
	r->standby = role == LEADER_STANDBY;
	if (r->standby) {
		snprintf(r->standby_text, sizeof(r->standby_text), "%s", text != NULL ? text : "");
		if (!was_standby)
			run_standby(r, r->standby_text);
		return;
	}
	if (!r->active || r->shutting_down) {
		if (r->phase == RUN_IDLE)
			run_status_idle(r);
		return;
	}
	if (r->db_wait) {
		switch (r->phase) {
		case RUN_STARTING:
			run_step_start(r);
			break;
		case RUN_LOADING:
			run_step_load(r);
			break;
		case RUN_STORING:
			run_step_store(r);
			break;
		default:
			break;
		}
	}
	run_start_next(r);
	if (r->phase == RUN_IDLE)
		run_status_idle(r);
}

/* --- life ----------------------------------------------------------------- */

struct run *
run_new(struct parkpland *env)
{
	struct run *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->env = env;
	TAILQ_INIT(&r->waiters);
	TAILQ_INIT(&r->next_waiters);
	problems_init(&r->problems);
	problems_init(&r->load_problems);
	snapshot_init(&r->old_snap);
	r->reclaim = evtimer_new(env->base, run_reclaim_cb, r);
	r->part_fraction[0] = r->part_fraction[1] = -1;
	r->part_notified[0] = r->part_notified[1] = -1;
	run_status_idle(r);
	return r;
}

struct run_stopping {
	int64_t run_id;
	void (*done)(void *arg);
	void *arg;
};

static void
run_interrupted_marked(void *arg, int rc, const char *error)
{
	struct run_stopping *st = arg;

	if (rc == 0)
		log_run(LOG_LEVEL_NOTICE, st->run_id, 0,
		        "run %lld: marked failed (interrupted: parkpland stopped)",
		        (long long)st->run_id);
	else
		log_run(LOG_LEVEL_WARNING, st->run_id, 0,
		        "run %lld: not marked as interrupted (%s): the next start does it",
		        (long long)st->run_id, error);
	if (st->done != NULL)
		st->done(st->arg);
	free(st);
}

void
run_shutdown(struct run *r, void (*done)(void *arg), void *arg)
{
	int64_t id = r->phase != RUN_IDLE ? r->run_id : 0;
	struct run_stopping *st;
	struct db_batch *b;

	r->shutting_down = true;
	if (r->job != NULL)
		log_run(LOG_LEVEL_INFO, r->run_id, 0, "run %lld: stopping the solver",
		        (long long)r->run_id);
	run_drop(r, "parkpland is shutting down");
	if (r->phase != RUN_IDLE)
		log_run(LOG_LEVEL_NOTICE, r->run_id, 0, "run %lld: abandoned (shutting down)",
		        (long long)r->run_id);
	run_answer(&r->waiters, r->run_id, "parkpland is shutting down");
	run_answer(&r->next_waiters, 0, "parkpland is shutting down");
	run_clear(r);
	r->phase = RUN_IDLE;
	/*
	 * Its row: marked now when the database is there (a load or a store
	 * in flight is cancelled first, and rolled back), else by the next
	 * start.  Only this planner's own row, and only under the lock.
	 */
	st = id > 0 && r->active && db_ready(r->env->db) ? calloc(1, sizeof(*st)) : NULL;
	b = st != NULL ? store_run_interrupted(id) : NULL;
	if (b != NULL) {
		st->run_id = id;
		st->done = done;
		st->arg = arg;
		db_cancel(r->env->db);
		if (db_batch_run(r->env->db, b, run_interrupted_marked, st) == 0)
			return;
	}
	free(st);
	if (done != NULL)
		done(arg);
}

void
run_free(struct run *r)
{
	if (r == NULL)
		return;
	if (!r->shutting_down)
		run_shutdown(r, NULL, NULL);
	problems_free(&r->problems);
	problems_free(&r->load_problems);
	if (r->reclaim != NULL)
		event_free(r->reclaim);
	snapshot_free(&r->old_snap);
	free(r);
}
