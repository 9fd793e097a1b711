/*
 * run_state.h - the state of the planner's runs, shared by run.c (the
 * phases) and run_status.c (what is told of them); nothing else sees it.
 */
#ifndef PARKPLAND_RUN_STATE_H
#define PARKPLAND_RUN_STATE_H

#include "parkpland.h"
#include "plan.h"
#include "snapshot.h"
#include "validate.h"

enum run_phase { RUN_IDLE, RUN_STARTING, RUN_LOADING, RUN_SOLVING, RUN_STORING };

TAILQ_HEAD(run_waiters, run_waiter);

struct run {
	struct parkpland *env;
	enum run_phase phase;
	bool db_wait; /* the current phase waits for the database to come back */
	bool shutting_down;
	bool active;            /* this parkpland holds the planner lock */
	bool standby;           /* another one does */
	char standby_text[256]; /* the refusal of a standby */

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
	struct problems load_problems; /* the loader's: bad settings, rules naming inactive rows */
	json_t *error;                 /* the error report of a failing run */
	bool failed;
	struct job *job; /* the solver child */
	struct solve *solve;
	struct run_timing timing;
	double phase_start;
	struct prep *prep;  /* the snapshot child and its results */
	bool validated;     /* run_validated() was called */
	bool store_waiting; /* the store waits for the snapshot's row */
	char progress_part[16]; /* the part that reported last */
	double progress_fraction;
	/*
	 * Each part's progress (pairing, roster; -1 before its first report),
	 * and as last shown in the service's status: the two parts run at once.
	 */
	double part_fraction[2];
	double part_notified[2];

	/* the next run */
	bool pending;
	enum run_trigger next_trigger;
	char next_by[128];
	struct run_waiters next_waiters;

	/* a snapshot let go, freed a part at a time on passes of the loop */
	struct snapshot old_snap;
	struct event *reclaim;

	int64_t plan_in_force;
	int64_t last_run_id;
	char last_status[16];
	char last_error[512];
	int64_t runs_done;
};

/* run_status.c: systemd's STATUS= line, when idle and during a phase. */
void run_status_idle(struct run *r);
void run_status_phase(struct run *r);

#endif
