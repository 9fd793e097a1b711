/*
 * run.c - a run of the planner, as a state machine on the loop.
 *
 *	IDLE -> STARTING (plan_run row) -> LOADING (async snapshot read)
 *	     -> validate -> SOLVING (child process, pipe + deadline timer)
 *	     -> STORING (one transaction) -> IDLE
 *
 * What would hold the loop for long at city scale is done in children:
 * once loaded, a "snapshot" child validates the snapshot and serialises it
 * as the plan_snapshot COPY row while the solver child solves; the store
 * waits for that row when it is not there yet.
 *
 * Triggers: replan on the socket, a debounced data-change NOTIFY, the
 * schedule, start-up with no plan.  A request during a run coalesces into
 * one follow-up run; its waiters are answered when that run ends.  A run
 * that fails leaves its row and error report; the plan in force is never
 * changed by a failed run.  When the connection drops in the middle, the
 * step that needed it is taken up again once the database is back.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "copytext.h"
#include "parkpland.h"
#include "plan.h"
#include "snapshot.h"
#include "solve.h"
#include "validate.h"
#include "worker.h"

enum run_phase { RUN_IDLE, RUN_STARTING, RUN_LOADING, RUN_SOLVING, RUN_STORING };

TAILQ_HEAD(run_waiters, run_waiter);

static struct {
	struct db *db;
	enum run_phase phase;
	bool db_wait; /* the current phase waits for the database to come back */
	bool shutting_down;

	/* the run in progress */
	int64_t run_id;
	enum run_trigger trigger;
	char requested_by[128];
	struct run_waiters waiters;
	struct load *load;
	struct db_batch *batch;
	struct snapshot snap;
	bool have_snap;
	struct plan plan;
	bool have_plan;
	struct problems problems;
	json_t *error; /* the error report of a failing run */
	bool failed;
	struct job *job; /* the solver child */
	struct solve *solve;
	struct run_timing timing;
	double phase_start;

	/* the snapshot child: validation, then the plan_snapshot COPY row */
	struct job *prep;
	enum { PREP_NONE, PREP_RUNNING, PREP_DONE, PREP_FAILED } prep_state;
	bool prep_checked;  /* the problems are in run.problems */
	bool prep_acted;    /* run_validated() was called */
	bool store_waiting; /* the store waits for the row */
	struct copybuf prep_row;
	struct event *prep_next; /* run_validated() from the loop, not from a read */
	char progress_part[16];
	double progress_fraction;
	double progress_notified;

	/* the next run */
	bool pending;
	enum run_trigger next_trigger;
	char next_by[128];
	struct run_waiters next_waiters;

	/* triggers */
	struct event *quiet; /* debounce of data changes */
	double first_change; /* 0: no change waiting */
	struct event *schedule;
	bool startup_checked;

	int64_t plan_in_force;
	int64_t last_run_id;
	char last_status[16];
	char last_error[512];
	int64_t runs_done;
	struct db_batch *check; /* the start-up check */
} run;

static void run_start_next(void);
static void run_step_start(void);
static void run_step_load(void);
static void run_step_store(void);
static void run_schedule_arm(void);
static void run_prep_clear(void);

const char *
run_trigger_name(enum run_trigger t)
{
	switch (t) {
	case TRIGGER_REPLAN:
		return "replan";
	case TRIGGER_DATA_CHANGE:
		return "data_change";
	case TRIGGER_SCHEDULE:
		return "schedule";
	case TRIGGER_STARTUP:
		return "startup";
	}
	return "replan";
}

static const char *
run_phase_name(enum run_phase p)
{
	switch (p) {
	case RUN_IDLE:
		return "idle";
	case RUN_STARTING:
		return "starting";
	case RUN_LOADING:
		return "loading";
	case RUN_SOLVING:
		return "solving";
	case RUN_STORING:
		return "storing";
	}
	return "idle";
}

static void
run_status_idle(void)
{
	if (!db_ready(run.db))
		daemon_status("%s", db_state_text(run.db));
	else if (run.plan_in_force > 0)
		daemon_status("idle, plan %lld in force", (long long)run.plan_in_force);
	else
		daemon_status("idle, no plan in force");
}

static void
run_status_phase(void)
{
	if (run.db_wait)
		daemon_status("%s run %lld: waiting for database", run_phase_name(run.phase),
		              (long long)run.run_id);
	else if (run.phase == RUN_SOLVING && run.progress_part[0] != '\0')
		daemon_status("solving run %lld: %s %.0f%%", (long long)run.run_id,
		              run.progress_part, 100 * run.progress_fraction);
	else
		daemon_status("%s run %lld", run_phase_name(run.phase), (long long)run.run_id);
}

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

static void
run_clear(void)
{
	if (run.have_snap)
		snapshot_free(&run.snap);
	run.have_snap = false;
	if (run.have_plan)
		plan_free(&run.plan);
	run.have_plan = false;
	problems_free(&run.problems);
	problems_init(&run.problems);
	json_decref(run.error);
	run.error = NULL;
	run.failed = false;
	run.progress_part[0] = '\0';
	run.progress_fraction = 0;
	run.progress_notified = -1;
	run_prep_clear();
}

/* The run is over (stored, or could not be recorded at all). */
static void
run_end(const char *error)
{
	int64_t id = run.run_id;

	run.last_run_id = id;
	snprintf(run.last_status, sizeof(run.last_status), "%s",
	         error != NULL ? "failed" : "succeeded");
	snprintf(run.last_error, sizeof(run.last_error), "%s", error != NULL ? error : "");
	run.runs_done++;
	if (error != NULL)
		log_run(LOG_LEVEL_WARNING, id, 0, "run %lld failed: %s", (long long)id, error);
	run_clear();
	run.phase = RUN_IDLE;
	run.db_wait = false;
	run.run_id = 0;
	run_answer(&run.waiters, id, error);
	run_status_idle();
	run_start_next();
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

/* --- storing -------------------------------------------------------------- */

static void
run_stored(void *arg, int rc, const char *error)
{
	char msg[1024];

	(void)arg;
	run.batch = NULL;
	if (rc != 0) {
		if (!db_ready(run.db)) {
			/* rolled back by the lost connection: store again once back */
			log_run(LOG_LEVEL_WARNING, run.run_id, 0,
			        "run %lld: store interrupted (%s); storing again when the "
			        "database is back",
			        (long long)run.run_id, error);
			run.db_wait = true;
			run_status_phase();
			return;
		}
		log_run(LOG_LEVEL_ERR, run.run_id, 0, "run %lld: storing failed: %s",
		        (long long)run.run_id, error);
		if (!run.failed) {
			/* record the failure itself, without the plan */
			run.failed = true;
			json_decref(run.error);
			run.error = run_error_report("store", error);
			run_step_store();
			return;
		}
		snprintf(msg, sizeof(msg), "the run could not be recorded: %s", error);
		run_end(msg);
		return;
	}
	if (!run.failed) {
		log_run(LOG_LEVEL_NOTICE, run.run_id, run.run_id,
		        "run %lld: plan stored (%zu pairs, %zu assignments)%s",
		        (long long)run.run_id, run.plan.n_pairs, run.plan.n_assignments,
		        conf->auto_approve ? ", approved" : ", a draft until approved");
		if (conf->auto_approve)
			run.plan_in_force = run.run_id;
		run_end(NULL);
		return;
	}
	{
		json_t *m = json_object_get(run.error, "message");

		snprintf(msg, sizeof(msg), "%s",
		         json_is_string(m) ? json_string_value(m) : "the run failed");
	}
	run_end(msg);
}

static void
run_step_store(void)
{
	struct copybuf *row;
	struct db_batch *b;
	double t0, t1;

	run.phase = RUN_STORING;
	run.db_wait = false;
	if (!leader_active()) {
		/* only under the planner lock: stored once it is taken again */
		run.db_wait = true;
		run_status_phase();
		return;
	}
	if (run.prep_state == PREP_RUNNING && run.have_snap) {
		/* the snapshot's row is still being made off the loop */
		run.store_waiting = true;
		run_status_phase();
		return;
	}
	run.store_waiting = false;
	/* taken over by the store (a store again after a lost connection serialises here) */
	row = run.prep_state == PREP_DONE ? &run.prep_row : NULL;
	run.timing.store_start = now_s();
	t0 = now_s();
	if (run.failed && !run.have_plan)
		b = store_run_failure(run.run_id, run.have_snap ? &run.snap : NULL, row,
		                      &run.problems, &run.timing, run.error);
	else
		b = store_run_result(run.run_id, run.have_snap ? &run.snap : NULL, row, &run.plan,
		                     &run.timing, run.failed, run.error, conf->auto_approve);
	if (b == NULL) {
		run_end("out of memory building the store");
		return;
	}
	t1 = now_s();
	run.batch = b;
	if (db_batch_run(run.db, b, run_stored, NULL) != 0) {
		run.batch = NULL;
		run.db_wait = true;
	}
	log_run(LOG_LEVEL_DEBUG, run.run_id, 0,
	        "run %lld: store built in %.0f ms, queued in %.0f ms", (long long)run.run_id,
	        1000 * (t1 - t0), 1000 * (now_s() - t1));
	run_status_phase();
}

/* --- solving -------------------------------------------------------------- */

static void
run_progress(void *arg, const char *part, double fraction, double best, double bound)
{
	(void)arg;
	(void)best;
	(void)bound;
	snprintf(run.progress_part, sizeof(run.progress_part), "%s", part);
	run.progress_fraction = isfinite(fraction) ? fraction : 0;
	if (fabs(run.progress_fraction - run.progress_notified) >= 0.01) {
		run.progress_notified = run.progress_fraction;
		run_status_phase();
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
	char err[1024];
	double t0;
	int rc;

	(void)arg;
	t0 = now_s();
	rc = solve_finish(run.solve, w, &run.plan, err, sizeof(err));
	run.solve = NULL;
	run.job = NULL;
	log_run(LOG_LEVEL_DEBUG, run.run_id, 0, "run %lld: solver result taken in %.0f ms",
	        (long long)run.run_id, 1000 * (now_s() - t0));
	run.timing.solve_ms = 1000 * (now_s() - run.phase_start);
	if (rc != 0) {
		log_run(LOG_LEVEL_ERR, run.run_id, 0, "run %lld: solver: %s", (long long)run.run_id,
		        err);
		run.failed = true;
		run.error = run_error_report("solve", err);
		run_step_store();
		return;
	}
	run.have_plan = true;
	if (!part_ok(&run.plan.pairing) || !part_ok(&run.plan.roster)) {
		char msg[512];

		snprintf(msg, sizeof(msg), "no plan: pairing %s, roster %s",
		         part_status_name(run.plan.pairing.status),
		         part_status_name(run.plan.roster.status));
		run.failed = true;
		run.error = run_error_report("solve", msg);
		run_part_report(run.error, "pairing", &run.plan.pairing);
		run_part_report(run.error, "roster", &run.plan.roster);
	}
	log_run(LOG_LEVEL_INFO, run.run_id, 0,
	        "run %lld: solved in %.0f ms (pairing %s, roster %s)", (long long)run.run_id,
	        run.timing.solve_ms, part_status_name(run.plan.pairing.status),
	        part_status_name(run.plan.roster.status));
	run_step_store();
}

static void
run_deadline(void *arg)
{
	(void)arg;
	log_run(LOG_LEVEL_WARNING, run.run_id, 0,
	        "run %lld: the solver passed its wall-clock deadline: stopping it",
	        (long long)run.run_id);
}

static void
run_step_solve(void)
{
	struct worker_limits lim;
	struct worker_spec spec;
	struct solver_options opt = {0};
	char err[512];

	run.phase = RUN_SOLVING;
	run.phase_start = now_s();
	solve_limits_default(&lim, &run.snap);
	lim.memory_bytes = (size_t)conf->solver_memory_mib * 1024 * 1024;
	if (conf->solver_wall_s > 0)
		lim.wall_s = conf->solver_wall_s;
	opt.progress = run_progress;
	run.solve = solve_new(NULL, &run.snap, &lim, &opt, &spec);
	if (run.solve == NULL)
		snprintf(err, sizeof(err), "cannot start the solver: out of memory");
	else
		run.job = job_start(jobs, &spec, run_solved, run_deadline, NULL, err, sizeof(err));
	if (run.job == NULL) {
		solve_free(run.solve);
		run.solve = NULL;
		log_run(LOG_LEVEL_ERR, run.run_id, 0, "run %lld: cannot start the solver: %s",
		        (long long)run.run_id, err);
		run.failed = true;
		run.error = run_error_report("solve", err);
		run_step_store();
		return;
	}
	log_run(LOG_LEVEL_INFO, run.run_id, 0, "run %lld: solving in child process %d",
	        (long long)run.run_id, (int)job_pid(run.job));
	run_status_phase();
}

/* --- validating, and the snapshot's row, in a child ------------------------ */

/*
 * The snapshot child sends frames (worker/frame.h):
 *
 *	V <the problems as a JSON array>
 *	S <the snapshot as compact JSON, escaped for COPY text>, in pieces
 *
 * and exits 0.  Anything else is a failure of the child: the daemon then
 * does in its own process what is missing (validation, serialisation).
 */
#define PREP_MAX_FRAME ((size_t)1 << 30)
#define PREP_FRAME_PROBLEMS 'V'
#define PREP_FRAME_SNAPSHOT 'S'

/* json_dump_callback: the JSON text, escaped for COPY, as 'S' frames. */
static int
prep_dump(const char *text, size_t size, void *data)
{
	return copytext_escape(text, size, frame_stream_write, data);
}

/* In the child. */
static int
prep_work(int fd, void *arg)
{
	const struct snapshot *s = arg;
	struct problems pr;
	struct frame_stream *out;
	json_t *doc;
	char *text;
	int rc = 0;

	problems_init(&pr);
	(void)snapshot_validate(s, &pr);
	doc = problems_to_json(&pr);
	problems_free(&pr);
	text = doc != NULL ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	if (text == NULL)
		return 2;
	if (frame_write(fd, PREP_FRAME_PROBLEMS, text, strlen(text)) != 0) {
		free(text);
		return 3;
	}
	free(text);
	out = malloc(sizeof(*out));
	doc = snapshot_to_json(s);
	if (out == NULL || doc == NULL) {
		free(out);
		json_decref(doc);
		return 2;
	}
	frame_stream_init(out, fd, PREP_FRAME_SNAPSHOT);
	if (json_dump_callback(doc, prep_dump, out, JSON_COMPACT) != 0 ||
	    frame_stream_flush(out) != 0)
		rc = 3;
	json_decref(doc);
	free(out);
	return rc;
}

static void
prep_append(struct copybuf *b, const char *data, size_t len)
{
	if (b->cap - b->len < len + 1) {
		size_t cap = b->cap ? b->cap : 1 << 20;
		char *d;

		while (cap - b->len < len + 1)
			cap *= 2;
		d = realloc(b->data, cap);
		if (d == NULL)
			abort(); /* as copybuf_printf */
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
}

/* The problems as the child wrote them, into run.problems. */
static int
prep_take_problems(const struct frame *f, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *a, *p;
	size_t i;

	a = json_loadb(f->data, f->len, 0, &jerr);
	if (!json_is_array(a)) {
		snprintf(err, errlen, "bad problems from the snapshot child: %s",
		         a == NULL ? jerr.text : "not an array");
		json_decref(a);
		return -1;
	}
	problems_free(&run.problems);
	problems_init(&run.problems);
	json_array_foreach(a, i, p)
	{
		const char *entity = json_string_value(json_object_get(p, "entity"));
		const char *field = json_string_value(json_object_get(p, "field"));
		const char *reason = json_string_value(json_object_get(p, "reason"));

		problems_add(&run.problems, entity != NULL ? entity : "",
		             json_integer_value(json_object_get(p, "id")),
		             field != NULL ? field : "", "%s", reason != NULL ? reason : "");
	}
	json_decref(a);
	run.prep_checked = true;
	return 0;
}

static int
prep_frame(void *arg, struct frame *f, char *err, size_t errlen)
{
	(void)arg;
	if (f->type == PREP_FRAME_PROBLEMS && !run.prep_checked) {
		if (prep_take_problems(f, err, errlen) != 0)
			return -1;
		/* act from the loop, not from inside the child's read */
		event_active(run.prep_next, EV_TIMEOUT, 0);
		return 0;
	}
	if (f->type == PREP_FRAME_SNAPSHOT && run.prep_checked) {
		prep_append(&run.prep_row, f->data, f->len);
		return 0;
	}
	snprintf(err, errlen, "an unexpected frame '%c'", f->type);
	return -1;
}

static void run_validated(void);

static void
prep_next_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	if (run.phase == RUN_LOADING && run.have_snap && run.prep_checked && !run.prep_acted)
		run_validated();
}

/* The child's problems never came: validate here. */
static void
run_validate_inline(void)
{
	problems_free(&run.problems);
	problems_init(&run.problems);
	(void)snapshot_validate(&run.snap, &run.problems);
	run_validated();
}

static void
prep_done(void *arg, struct worker *w)
{
	char error[512] = "";
	int rc = worker_error(w, error, sizeof(error));

	(void)arg;
	run.prep = NULL;
	if (rc == 0 && run.prep_checked) {
		run.prep_state = PREP_DONE;
		prep_append(&run.prep_row, "\n", 1);
		log_run(LOG_LEVEL_DEBUG, run.run_id, 0,
		        "run %lld: snapshot row made off the loop (%zu bytes)",
		        (long long)run.run_id, run.prep_row.len);
	} else {
		log_run(LOG_LEVEL_WARNING, run.run_id, 0, "run %lld: %s; parkpland does it itself",
		        (long long)run.run_id,
		        error[0] != '\0' ? error : "the snapshot child stopped early");
		run.prep_state = PREP_FAILED;
		free(run.prep_row.data);
		memset(&run.prep_row, 0, sizeof(run.prep_row));
	}
	if (!run.prep_checked && run.phase == RUN_LOADING && !run.prep_acted) {
		run_validate_inline();
		return;
	}
	if (run.store_waiting && run.phase == RUN_STORING)
		run_step_store();
}

static void
run_prep_clear(void)
{
	job_cancel(run.prep, "the run is over");
	run.prep = NULL;
	if (run.prep_next != NULL)
		event_del(run.prep_next);
	run.prep_state = PREP_NONE;
	run.prep_checked = false;
	run.prep_acted = false;
	run.store_waiting = false;
	free(run.prep_row.data);
	memset(&run.prep_row, 0, sizeof(run.prep_row));
}

/* Start the snapshot child; false when it could not be started. */
static bool
run_prep_start(void)
{
	struct worker_spec spec = {0};
	char err[256], id[32];

	run_prep_clear();
	spec.what = "snapshot";
	spec.child = prep_work;
	spec.child_arg = &run.snap;
	spec.frame = prep_frame;
	spec.max_frame = PREP_MAX_FRAME;
	run.prep = job_start(jobs, &spec, prep_done, NULL, NULL, err, sizeof(err));
	if (run.prep == NULL) {
		log_run(LOG_LEVEL_WARNING, run.run_id, 0, "run %lld: %s; validating in parkpland",
		        (long long)run.run_id, err);
		return false;
	}
	run.prep_state = PREP_RUNNING;
	/* the row: "<run id>\t<escaped JSON>\n" */
	snprintf(id, sizeof(id), "%lld\t", (long long)run.run_id);
	prep_append(&run.prep_row, id, strlen(id));
	return true;
}

/* --- loading and validating ----------------------------------------------- */

/* The problems are known (run.problems): solve, or store the failure. */
static void
run_validated(void)
{
	run.prep_acted = true;
	if (run.problems.n > 0) {
		char msg[512];
		const struct problem *p = &run.problems.v[0];

		snprintf(msg, sizeof(msg),
		         "%zu problems in the planning data, first: %s %lld: %s: %s",
		         run.problems.n, p->entity, (long long)p->id, p->field, p->reason);
		run.failed = true;
		run.error = run_error_report("validate", msg);
		json_object_set_new(run.error, "problems", problems_to_json(&run.problems));
		run.timing.solve_ms = -1;
		run_step_store();
		return;
	}
	run_step_solve();
}

static void
run_loaded(void *arg, struct snapshot *s, const char *error)
{
	(void)arg;
	run.load = NULL;
	run.timing.load_ms = 1000 * (now_s() - run.phase_start);
	if (s == NULL) {
		if (!db_ready(run.db)) {
			/*
			 * The consistent read is gone with the connection: loading
			 * again later would plan other data under this run's
			 * name.  The run fails (recorded once the database is
			 * back) and the next request gets a run of its own.
			 */
			char msg[512];
			size_t n;

			/* libpq's message, first line only: the rest quotes the query */
			snprintf(msg, sizeof(msg),
			         "the database connection was lost during the load (%s",
			         error != NULL ? error : "connection lost");
			msg[strcspn(msg, "\n")] = '\0';
			for (n = strlen(msg); n > 0 && isspace((unsigned char)msg[n - 1]); n--)
				msg[n - 1] = '\0';
			snprintf(msg + n, sizeof(msg) - n, ")");
			log_run(LOG_LEVEL_WARNING, run.run_id, 0, "run %lld: %s",
			        (long long)run.run_id, msg);
			run.failed = true;
			run.error = run_error_report("load", msg);
			run_step_store();
			return;
		}
		run.failed = true;
		run.error = run_error_report("load", error);
		run_step_store();
		return;
	}
	run.snap = *s;
	run.have_snap = true;
	log_run(LOG_LEVEL_INFO, run.run_id, 0,
	        "run %lld: loaded %zu enterprises, %zu communities, %zu instructors, %zu "
	        "zones, %zu periods in %.0f ms",
	        (long long)run.run_id, run.snap.n_enterprises, run.snap.n_communities,
	        run.snap.n_instructors, run.snap.n_zones, run.snap.n_periods, run.timing.load_ms);
	/* validation and the snapshot's row off the loop; run_validated() follows */
	if (!run_prep_start())
		run_validate_inline();
}

static void
run_step_load(void)
{
	run.phase = RUN_LOADING;
	run.db_wait = false;
	run.phase_start = now_s();
	run.load = load_start(run.db, run_loaded, NULL);
	if (run.load == NULL)
		run.db_wait = true;
	run_status_phase();
}

/* --- starting ------------------------------------------------------------- */

static void
run_started(void *arg, int rc, const char *error)
{
	(void)arg;
	run.batch = NULL;
	if (rc != 0) {
		if (!db_ready(run.db)) {
			run.db_wait = true;
			run_status_phase();
			return;
		}
		log_err("cannot start a run: %s", error);
		run_end(error);
		return;
	}
	log_run(LOG_LEVEL_NOTICE, run.run_id, 0, "run %lld started (%s%s%s)", (long long)run.run_id,
	        run_trigger_name(run.trigger), run.requested_by[0] ? ", " : "", run.requested_by);
	run_step_load();
}

static void
run_step_start(void)
{
	struct db_batch *b;

	run.phase = RUN_STARTING;
	run.db_wait = false;
	b = store_run_begin(run.trigger, run.requested_by[0] ? run.requested_by : NULL,
	                    &run.run_id);
	if (b == NULL) {
		run_end("out of memory");
		return;
	}
	run.batch = b;
	if (db_batch_run(run.db, b, run_started, NULL) != 0) {
		run.batch = NULL;
		run.db_wait = true;
	}
	run_status_phase();
}

static void
run_start_next(void)
{
	if (run.phase != RUN_IDLE || !run.pending || run.shutting_down || !db_ready(run.db) ||
	    !leader_active())
		return;
	run.pending = false;
	run.trigger = run.next_trigger;
	snprintf(run.requested_by, sizeof(run.requested_by), "%s", run.next_by);
	TAILQ_CONCAT(&run.waiters, &run.next_waiters, link);
	run_clear();
	memset(&run.timing, 0, sizeof(run.timing));
	run.timing.load_ms = -1;
	run.timing.solve_ms = -1;
	run.run_id = 0;
	run_step_start();
}

/* --- triggers ------------------------------------------------------------- */

void
run_request(enum run_trigger trigger, const char *requested_by, struct run_waiter *w)
{
	if (leader_standby()) {
		/* another parkpland plans (cmd.c refuses a replan before this) */
		if (w != NULL)
			w->done(w->arg, 0, leader_standby_text());
		return;
	}
	if (w != NULL) {
		if (run.shutting_down) {
			w->done(w->arg, 0, "parkpland is shutting down");
			return;
		}
		TAILQ_INSERT_TAIL(&run.next_waiters, w, link);
		w->queued = true;
	}
	if (!run.pending || trigger == TRIGGER_REPLAN) {
		if (!run.pending || run.next_trigger != TRIGGER_REPLAN) {
			run.next_trigger = trigger;
			snprintf(run.next_by, sizeof(run.next_by), "%s",
			         requested_by != NULL ? requested_by : "");
		}
	}
	if (!run.pending)
		log_info("run requested (%s)%s", run_trigger_name(trigger),
		         run.phase != RUN_IDLE ? ": follows the run in progress" : "");
	run.pending = true;
	run_start_next();
}

void
run_waiter_cancel(struct run_waiter *w)
{
	struct run_waiter *q;

	if (!w->queued)
		return;
	TAILQ_FOREACH(q, &run.waiters, link)
	{
		if (q == w) {
			TAILQ_REMOVE(&run.waiters, w, link);
			w->queued = false;
			return;
		}
	}
	TAILQ_REMOVE(&run.next_waiters, w, link);
	w->queued = false;
}

static void
run_arm_quiet(void)
{
	double delay = conf->notify_quiet_s;
	struct timeval tv;

	if (conf->notify_max_delay_s > 0) {
		double left = run.first_change + conf->notify_max_delay_s - now_s();

		if (left < delay)
			delay = left > 0 ? left : 0;
	}
	tv.tv_sec = (time_t)delay;
	tv.tv_usec = (suseconds_t)((delay - (double)tv.tv_sec) * 1e6);
	evtimer_add(run.quiet, &tv);
}

static void
run_quiet_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	run.first_change = 0;
	run_request(TRIGGER_DATA_CHANGE, NULL, NULL);
}

void
run_data_changed(void)
{
	if (run.shutting_down)
		return;
	if (run.first_change == 0) {
		run.first_change = now_s();
		log_info("planning data changed: a run follows after %.1f s of quiet",
		         conf->notify_quiet_s);
	}
	/* each change restarts the quiet period (up to notify_max_delay_s) */
	run_arm_quiet();
}

static void
run_schedule_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	run_request(TRIGGER_SCHEDULE, NULL, NULL);
	run_schedule_arm();
}

static void
run_schedule_arm(void)
{
	struct timeval tv;
	double delay;

	evtimer_del(run.schedule);
	if (conf->schedule_interval_s > 0) {
		delay = conf->schedule_interval_s;
	} else if (conf->schedule_daily_min >= 0) {
		time_t t = time(NULL);
		struct tm tm;

		localtime_r(&t, &tm);
		delay = config_daily_delay(conf->schedule_daily_min, &tm);
	} else {
		return;
	}
	tv.tv_sec = (time_t)delay;
	tv.tv_usec = (suseconds_t)((delay - (double)tv.tv_sec) * 1e6);
	evtimer_add(run.schedule, &tv);
}

void
run_config_changed(void)
{
	run_schedule_arm();
}

/* --- the database --------------------------------------------------------- */

static int
run_check_result(void *arg, const PGresult *res, char *err, size_t errlen)
{
	bool *has_plan = arg;

	(void)err;
	(void)errlen;
	if (PQntuples(res) == 1) {
		run.plan_in_force =
		    PQgetisnull(res, 0, 0) ? 0 : strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		*has_plan = strcmp(PQgetvalue(res, 0, 1), "t") == 0;
	}
	return 0;
}

static bool check_has_plan;

static void
run_check_done(void *arg, int rc, const char *error)
{
	(void)arg;
	run.check = NULL;
	if (rc != 0) {
		log_warnx("start-up check: %s", error);
		return;
	}
	if (!run.startup_checked) {
		run.startup_checked = true;
		if (!check_has_plan && conf->startup_run && run.phase == RUN_IDLE && !run.pending)
			run_request(TRIGGER_STARTUP, NULL, NULL);
	}
	if (run.phase == RUN_IDLE)
		run_status_idle();
}

void
run_db_state(bool up)
{
	char id[32];
	const char *v[1] = {id};
	struct db_batch *b;

	if (!up || run.shutting_down) {
		if (run.phase == RUN_IDLE)
			run_status_idle();
		return;
	}
	/*
	 * Runs left 'running' by a planner that stopped in the middle are
	 * closed (up comes from leader.c: this parkpland holds the planner
	 * lock); then the plan in force, and whether there is any plan.
	 */
	snprintf(id, sizeof(id), "%lld", (long long)run.run_id);
	b = db_batch_new(false);
	if (b != NULL &&
	    db_batch_query(b,
	                   "UPDATE plan_run SET status = 'failed', finished_at = now(), "
	                   "error = '{\"stage\": \"interrupted\", \"message\": \"the planner "
	                   "stopped during the run\"}' WHERE status = 'running' AND id <> $1",
	                   1, v, NULL, NULL) == 0 &&
	    db_batch_query(b,
	                   "SELECT (SELECT id FROM plan_in_force), "
	                   "EXISTS (SELECT 1 FROM plan_run WHERE status = 'succeeded')",
	                   0, NULL, run_check_result, &check_has_plan) == 0) {
		run.check = b;
		if (db_batch_run(run.db, b, run_check_done, NULL) != 0)
			run.check = NULL;
	} else {
		db_batch_free(b);
	}
	if (run.db_wait) {
		switch (run.phase) {
		case RUN_STARTING:
			run_step_start();
			break;
		case RUN_LOADING:
			run_step_load();
			break;
		case RUN_STORING:
			run_step_store();
			break;
		default:
			break;
		}
	}
	run_start_next();
	if (run.phase == RUN_IDLE)
		run_status_idle();
}

/* --- status --------------------------------------------------------------- */

json_t *
run_status_json(void)
{
	json_t *o = json_object(), *r;

	json_object_set_new(o, "version", json_string(PARKPLAN_VERSION));
	json_object_set_new(o, "state", json_string(run_phase_name(run.phase)));
	json_object_set_new(o, "database", json_string(db_state_text(run.db)));
	json_object_set_new(o, "plan_in_force",
	                    run.plan_in_force > 0 ? json_integer(run.plan_in_force) : json_null());
	json_object_set_new(o, "pending", json_boolean(run.pending));
	json_object_set_new(o, "auto_approve", json_boolean(conf->auto_approve));
	json_object_set_new(o, "runs_done", json_integer(run.runs_done));
	json_object_set_new(o, "data_change_waiting", json_boolean(run.first_change > 0));
	if (run.phase != RUN_IDLE) {
		r = json_object();
		json_object_set_new(r, "id",
		                    run.run_id > 0 ? json_integer(run.run_id) : json_null());
		json_object_set_new(r, "trigger", json_string(run_trigger_name(run.trigger)));
		json_object_set_new(r, "phase", json_string(run_phase_name(run.phase)));
		json_object_set_new(r, "waiting_for_database", json_boolean(run.db_wait));
		if (run.phase == RUN_SOLVING && run.progress_part[0] != '\0') {
			json_object_set_new(r, "part", json_string(run.progress_part));
			json_object_set_new(r, "fraction", json_real(run.progress_fraction));
		}
		json_object_set_new(o, "run", r);
	} else {
		json_object_set_new(o, "run", json_null());
	}
	if (run.last_run_id > 0) {
		r = json_object();
		json_object_set_new(r, "id", json_integer(run.last_run_id));
		json_object_set_new(r, "status", json_string(run.last_status));
		if (run.last_error[0] != '\0')
			json_object_set_new(r, "error", json_string(run.last_error));
		json_object_set_new(o, "last_run", r);
	} else {
		json_object_set_new(o, "last_run", json_null());
	}
	return o;
}

int64_t
run_plan_in_force(void)
{
	return run.plan_in_force;
}

void
run_set_plan_in_force(int64_t id)
{
	run.plan_in_force = id;
	if (run.phase == RUN_IDLE)
		run_status_idle();
}

/* --- life ----------------------------------------------------------------- */

void
run_init(struct db *db)
{
	memset(&run, 0, sizeof(run));
	run.db = db;
	TAILQ_INIT(&run.waiters);
	TAILQ_INIT(&run.next_waiters);
	problems_init(&run.problems);
	run.progress_notified = -1;
	run.quiet = evtimer_new(base, run_quiet_cb, NULL);
	run.schedule = evtimer_new(base, run_schedule_cb, NULL);
	run.prep_next = evtimer_new(base, prep_next_cb, NULL);
	if (run.quiet == NULL || run.schedule == NULL || run.prep_next == NULL)
		fatalx("out of memory");
	run_schedule_arm();
	run_status_idle();
}

bool
run_shutting_down(void)
{
	return run.shutting_down;
}

/*
 * Stop what the current run has under way: its solver (told why), its load
 * and its batches.  An open transaction is rolled back when the connection
 * closes.
 */
static void
run_drop(const char *why)
{
	if (run.job != NULL) {
		job_cancel(run.job, why);
		run.job = NULL;
		solve_free(run.solve);
		run.solve = NULL;
	}
	if (run.load != NULL) {
		load_free(run.load);
		run.load = NULL;
	}
	if (run.batch != NULL) {
		db_batch_forget(run.db, run.batch);
		run.batch = NULL;
	}
	if (run.check != NULL) {
		db_batch_forget(run.db, run.check);
		run.check = NULL;
	}
}

void
run_shutdown(void)
{
	run.shutting_down = true;
	if (run.job != NULL)
		log_run(LOG_LEVEL_INFO, run.run_id, 0, "run %lld: stopping the solver",
		        (long long)run.run_id);
	run_drop("parkpland is shutting down");
	if (run.phase != RUN_IDLE)
		log_run(LOG_LEVEL_NOTICE, run.run_id, 0, "run %lld: abandoned (shutting down)",
		        (long long)run.run_id);
	run_answer(&run.waiters, run.run_id, "parkpland is shutting down");
	run_answer(&run.next_waiters, 0, "parkpland is shutting down");
	run_clear();
	run.phase = RUN_IDLE;
	if (run.quiet != NULL)
		event_free(run.quiet);
	if (run.schedule != NULL)
		event_free(run.schedule);
	if (run.prep_next != NULL)
		event_free(run.prep_next);
	run.quiet = run.schedule = run.prep_next = NULL;
	problems_free(&run.problems);
}

void
run_standby(const char *why)
{
	run_drop(why);
	/* its plan_run row is closed by the active planner */
	if (run.phase != RUN_IDLE)
		log_run(LOG_LEVEL_NOTICE, run.run_id, 0, "run %lld: abandoned (%s)",
		        (long long)run.run_id, why);
	run_answer(&run.waiters, run.run_id, why);
	run_answer(&run.next_waiters, 0, why);
	run_clear();
	run.phase = RUN_IDLE;
	run.db_wait = false;
	run.run_id = 0;
	run.pending = false;
	run.first_change = 0;
	if (run.quiet != NULL)
		evtimer_del(run.quiet);
	run.startup_checked = false;
}
