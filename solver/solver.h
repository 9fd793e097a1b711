/*
 * solver.h - snapshot in, plan out (docs/model.md §2 and §3).
 *
 * The solver is a pure library: GLPK lives here and nowhere else, and it
 * includes neither libevent nor libpq.  Callers that must survive a GLPK
 * abort, a memory blow-up or a runaway solve use solve_run()
 * (worker/solve.h), which runs solver_solve() in a child process.
 */
#ifndef PARKPLAN_SOLVER_H
#define PARKPLAN_SOLVER_H

#include <stdbool.h>
#include <stddef.h>

#include "index.h"
#include "plan.h"
#include "snapshot.h"

/*
 * Progress of a solve: part is "pairing" or "roster", fraction an estimate
 * in [0, 1]; best and bound are the incumbent objective and the best bound
 * (NAN when not known yet).
 */
typedef void (*solver_progress_fn)(void *arg, const char *part, double fraction, double best,
                                   double bound);

struct solver_options {
	solver_progress_fn progress; /* may be NULL */
	void *progress_arg;
	int verbose; /* GLPK's own output on (the isolated child sends it to stderr) */
	/*
	 * Each part by GLPK's branch-and-cut on its whole model: the pairing
	 * without its flow, the roster without its column generation (tests
	 * compare both).
	 */
	bool force_mip;
	/* A cap on the roster's memory budget, in MiB; 0: none. */
	double memory_budget_mib;
	/*
	 * The bytes the solve may still allocate, asked when the roster decides
	 * whether a GLPK model fits; INFINITY for no limit.  NULL: no limit
	 * either, and the roster spends at most 4 GiB.  solver_job_start()
	 * measures it in the child when the caller leaves it NULL.
	 */
	double (*memory_room)(void *arg);
	void *memory_room_arg;
};

/*
 * Solve both parts of a validated snapshot into *out (initialised here).
 * Infeasibility is not an error: it is reported in out->pairing / out->roster
 * with reasons.  Returns 0 when both parts ran (whatever their status), -1 on
 * an internal error with the message in err.
 */
int solver_solve(const struct snapshot *s, const struct solver_options *opt, struct plan *out,
                 char *err, size_t errlen);

/* The two parts, used by solver_solve(); each fills its half of *out. */
int pairing_solve(const struct snapshot *s, const struct snapshot_index *ix,
                  const struct solver_options *opt, struct plan *out);
int roster_solve(const struct snapshot *s, const struct snapshot_index *ix,
                 const struct solver_options *opt, struct plan *out);

/* Write the models in CPLEX LP format (glp_write_lp). Returns 0 or -1. */
int pairing_export_lp(const struct snapshot *s, const struct snapshot_index *ix, const char *path,
                      char *err, size_t errlen);
/*
 * The pairing's network (docs/model.md §2.4) as a DIMACS min-cost flow
 * file, the flow parkplan solves without max_changes.  Returns 0 or -1.
 */
int pairing_export_network(const struct snapshot *s, const struct snapshot_index *ix,
                           const char *path, char *err, size_t errlen);
int roster_export_lp(const struct snapshot *s, const struct snapshot_index *ix, const char *path,
                     char *err, size_t errlen);

#endif
