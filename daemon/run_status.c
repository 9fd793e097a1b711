/*
 * run_status.c - what is told of the planner's runs: the state line for
 * systemd (STATUS=), the status object of the control socket, and the
 * plain questions the other parts ask.
 */
#include <stdio.h>

#include "run_state.h"

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

void
run_status_idle(struct run *r)
{
	if (!db_ready(r->env->db))
		log_status("%s", db_state_text(r->env->db));
	else if (r->plan_in_force > 0)
		log_status("idle, plan %lld in force", (long long)r->plan_in_force);
	else
		log_status("idle, no plan in force");
}

void
run_status_phase(struct run *r)
{
	if (r->db_wait)
		log_status("%s run %lld: waiting for database", run_phase_name(r->phase),
		           (long long)r->run_id);
	else if (r->phase == RUN_SOLVING && r->part_fraction[0] >= 0 && r->part_fraction[1] >= 0)
		log_status("solving run %lld: pairing %.0f%%, roster %.0f%%", (long long)r->run_id,
		           100 * r->part_fraction[0], 100 * r->part_fraction[1]);
	else if (r->phase == RUN_SOLVING && r->progress_part[0] != '\0')
		log_status("solving run %lld: %s %.0f%%", (long long)r->run_id, r->progress_part,
		           100 * r->progress_fraction);
	else
		log_status("%s run %lld", run_phase_name(r->phase), (long long)r->run_id);
}

/* --- status --------------------------------------------------------------- */

json_t *
run_status_json(const struct run *r)
{
	json_t *o = json_object(), *x;

	json_object_set_new(o, "version", json_string(PARKPLAN_VERSION));
	json_object_set_new(o, "state", json_string(run_phase_name(r->phase)));
	json_object_set_new(o, "database", json_string(db_state_text(r->env->db)));
	json_object_set_new(o, "plan_in_force",
	                    r->plan_in_force > 0 ? json_integer(r->plan_in_force) : json_null());
	json_object_set_new(o, "pending", json_boolean(r->pending));
	json_object_set_new(o, "auto_approve", json_boolean(r->env->conf->auto_approve));
	json_object_set_new(o, "runs_done", json_integer(r->runs_done));
	if (r->phase != RUN_IDLE) {
		x = json_object();
		json_object_set_new(x, "id", r->run_id > 0 ? json_integer(r->run_id) : json_null());
		json_object_set_new(x, "trigger", json_string(run_trigger_name(r->trigger)));
		json_object_set_new(x, "phase", json_string(run_phase_name(r->phase)));
		json_object_set_new(x, "waiting_for_database", json_boolean(r->db_wait));
		if (r->phase == RUN_SOLVING && r->progress_part[0] != '\0') {
			json_object_set_new(x, "part", json_string(r->progress_part));
			json_object_set_new(x, "fraction", json_real(r->progress_fraction));
			for (int i = 0; i < 2; i++)
				if (r->part_fraction[i] >= 0)
					json_object_set_new(x, i == 0 ? "pairing" : "roster",
					                    json_real(r->part_fraction[i]));
		}
		json_object_set_new(o, "run", x);
	} else {
		json_object_set_new(o, "run", json_null());
	}
	if (r->last_run_id > 0) {
		x = json_object();
		json_object_set_new(x, "id", json_integer(r->last_run_id));
		json_object_set_new(x, "status", json_string(r->last_status));
		if (r->last_error[0] != '\0')
			json_object_set_new(x, "error", json_string(r->last_error));
		json_object_set_new(o, "last_run", x);
	} else {
		json_object_set_new(o, "last_run", json_null());
	}
	return o;
}

bool
run_idle(const struct run *r)
{
	return r->phase == RUN_IDLE && !r->pending;
}

int64_t
run_current(const struct run *r)
{
	return r->run_id;
}

int64_t
run_plan_in_force(const struct run *r)
{
	return r->plan_in_force;
}

void
run_set_plan_in_force(struct run *r, int64_t id)
{
	r->plan_in_force = id;
	if (r->phase == RUN_IDLE)
		run_status_idle(r);
}

bool
run_shutting_down(const struct run *r)
{
	return r->shutting_down;
}
