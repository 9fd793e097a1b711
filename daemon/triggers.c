/*
 * triggers.c - when parkpland asks for a run by itself.
 *
 *  - data changes: each NOTIFY parkplan_data (re)starts a quiet period of
 *    planner.notify_quiet_s; a burst gives one run once it is quiet, or
 *    planner.notify_max_delay_s after its first change at the latest;
 *  - the schedule: every planner.schedule_interval_s, or daily at
 *    planner.schedule_daily;
 *  - start-up: once this parkpland is the active planner, runs left
 *    'running' by a planner that stopped are closed, and a run is asked
 *    for when the database has no plan yet (planner.startup_run).
 *
 * What it asks for goes to its owner through hooks (run_request), so that
 * it knows nothing of the run itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parkpland.h"

struct triggers {
	struct parkpland *env;
	struct trigger_hooks hooks;
	bool shutting_down;
	struct event *quiet; /* debounce of data changes */
	double first_change; /* 0: no change waiting */
	struct event *schedule;
	bool startup_checked;
	struct db_batch *check; /* the start-up check in flight */
	bool has_plan;          /* as the check read it */
};

/* --- data changes --------------------------------------------------------- */

static void
triggers_arm_quiet(struct triggers *t)
{
	const struct config *conf = t->env->conf;
	double delay = conf->notify_quiet_s;
	struct timeval tv;

	if (conf->notify_max_delay_s > 0) {
		double left = t->first_change + conf->notify_max_delay_s - monotonic_s();

		if (left < delay)
			delay = left > 0 ? left : 0;
	}
	tv = seconds_tv(delay);
	evtimer_add(t->quiet, &tv);
}

static void
triggers_quiet_cb(evutil_socket_t fd, short what, void *arg)
{
	struct triggers *t = arg;

	(void)fd;
	(void)what;
	t->first_change = 0;
	t->hooks.request(t->hooks.arg, TRIGGER_DATA_CHANGE);
}

void
triggers_data_changed(struct triggers *t)
{
	if (t->shutting_down)
		return;
	if (t->first_change == 0) {
		t->first_change = monotonic_s();
		log_info("planning data changed: a run follows after %.1f s of quiet",
		         t->env->conf->notify_quiet_s);
	}
	/* each change restarts the quiet period (up to notify_max_delay_s) */
	triggers_arm_quiet(t);
}

/* --- the schedule --------------------------------------------------------- */

static void
triggers_schedule_arm(struct triggers *t)
{
	const struct config *conf = t->env->conf;
	struct timeval tv;
	double delay;

	evtimer_del(t->schedule);
	if (conf->schedule_interval_s > 0) {
		delay = conf->schedule_interval_s;
	} else if (conf->schedule_daily_min >= 0) {
		time_t now = time(NULL);
		struct tm tm;

		localtime_r(&now, &tm);
		delay = config_daily_delay(conf->schedule_daily_min, &tm);
	} else {
		return;
	}
	tv = seconds_tv(delay);
	evtimer_add(t->schedule, &tv);
}

static void
triggers_schedule_cb(evutil_socket_t fd, short what, void *arg)
{
	struct triggers *t = arg;

	(void)fd;
	(void)what;
	t->hooks.request(t->hooks.arg, TRIGGER_SCHEDULE);
	triggers_schedule_arm(t);
}

void
triggers_config_changed(struct triggers *t)
{
	triggers_schedule_arm(t);
}

/* --- start-up ------------------------------------------------------------- */

static int
triggers_check_result(void *arg, const PGresult *res, char *err, size_t errlen)
{
	struct triggers *t = arg;
	int64_t id;

	(void)err;
	(void)errlen;
	if (PQntuples(res) != 1)
		return 0;
	store_plans_read(res, &id, &t->has_plan);
	t->hooks.plan_in_force(t->hooks.arg, id);
	return 0;
}

static void
triggers_check_done(void *arg, int rc, const char *error)
{
	struct triggers *t = arg;

	t->check = NULL;
	if (rc != 0) {
		log_warnx("start-up check: %s", error);
		return;
	}
	if (!t->startup_checked) {
		t->startup_checked = true;
		if (!t->has_plan && t->env->conf->startup_run && t->hooks.idle(t->hooks.arg))
			t->hooks.request(t->hooks.arg, TRIGGER_STARTUP);
	}
}

void
triggers_active(struct triggers *t)
{
	struct db_batch *b;

	if (t->shutting_down)
		return;
	/*
	 * Runs left 'running' by a planner that stopped in the middle are
	 * closed (this parkpland holds the planner lock), then the plan in
	 * force, and whether there is any plan.
	 */
	t->has_plan = true;
	b = store_startup(t->hooks.current_run(t->hooks.arg), triggers_check_result, t);
	if (b == NULL)
		return;
	t->check = b;
	if (db_batch_run(t->env->db, b, triggers_check_done, t) != 0)
		t->check = NULL;
}

void
triggers_standby(struct triggers *t)
{
	t->first_change = 0;
	evtimer_del(t->quiet);
	t->startup_checked = false;
	if (t->check != NULL) {
		db_batch_forget(t->env->db, t->check);
		t->check = NULL;
	}
}

void
triggers_status_json(const struct triggers *t, json_t *o)
{
	json_object_set_new(o, "data_change_waiting", json_boolean(t->first_change > 0));
}

/* --- life ----------------------------------------------------------------- */

struct triggers *
triggers_new(struct parkpland *env, const struct trigger_hooks *hooks)
{
	struct triggers *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->env = env;
	t->hooks = *hooks;
	t->quiet = evtimer_new(env->base, triggers_quiet_cb, t);
	t->schedule = evtimer_new(env->base, triggers_schedule_cb, t);
	if (t->quiet == NULL || t->schedule == NULL) {
		triggers_free(t);
		return NULL;
	}
	triggers_schedule_arm(t);
	return t;
}

void
triggers_shutdown(struct triggers *t)
{
	t->shutting_down = true;
	evtimer_del(t->quiet);
	evtimer_del(t->schedule);
	if (t->check != NULL) {
		db_batch_forget(t->env->db, t->check);
		t->check = NULL;
	}
}

void
triggers_free(struct triggers *t)
{
	if (t == NULL)
		return;
	if (t->quiet != NULL)
		event_free(t->quiet);
	if (t->schedule != NULL)
		event_free(t->schedule);
	free(t);
}
