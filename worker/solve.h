/*
 * solve.h - a solve in a worker child (worker.h).
 *
 * GLPK aborts the process on internal errors and its root LP cannot be
 * interrupted, so parkplan never solves in its own process.  The child
 * installs GLPK's error hook (glpk_trap.h), runs solver_solve() under the
 * worker's limits and sends progress and the plan back as frames; the
 * parent turns whatever happened to the child into a plan or one clear
 * error ("solver exceeded its memory limit of 918 MiB") and lives on.
 *
 * Two ways to use it:
 *  - solve_run(): blocking, for parkplanctl and tests;
 *  - solve_new() fills a worker_spec; the caller starts the worker (from
 *    an event loop, say), drives it, and hands it to solve_finish().
 */
#ifndef PARKPLAN_SOLVE_H
#define PARKPLAN_SOLVE_H

#include <stddef.h>

#include "solver.h"
#include "worker.h"

/*
 * The default memory limit follows from the snapshot's size: 512 MiB and
 * 2 KiB more for each of its rows (zones, enterprises, communities,
 * instructors, periods, rules, rows of the plan in force), at most
 * 16 GiB: the sample park 521 MiB, district 611 MiB, city 918 MiB.  s NULL:
 * 512 MiB.
 */
size_t solve_memory_default(const struct snapshot *s);

/*
 * The defaults: solve_memory_default(); a wall-clock deadline of
 * 2 * time_limit_s + 30 s (each part may use time_limit_s, plus the time
 * to build the models) and a CPU limit 10 s above it.  s may be NULL
 * (time_limit_s taken as 30).
 */
void solve_limits_default(struct worker_limits *lim, const struct snapshot *s);

/*
 * The solve run in the child: solver_solve() by default; tests put their
 * own in its place (a forced GLPK error, a memory blow-up, a runaway loop).
 */
typedef int (*solve_fn)(const struct snapshot *s, const struct solver_options *opt,
                        struct plan *out, char *err, size_t errlen);

struct solve;

/*
 * A solve of s with fn (NULL: solver_solve) under lim (NULL: the
 * defaults); spec is filled for worker_start().  The snapshot is read by
 * the child through its copy of the parent's memory.  progress (in opt) is
 * called in the parent as the frames arrive.  NULL when out of memory.
 */
struct solve *solve_new(solve_fn fn, const struct snapshot *s, const struct worker_limits *lim,
                        const struct solver_options *opt, struct worker_spec *spec);
/*
 * The result of the worker started with solve_new()'s spec: a child still
 * running is stopped ("solver was stopped before it finished") and waited
 * for.  Returns 0 with *out filled, or -1 with a clear error in err and
 * *out empty (plan_init).  Frees sv, not w.  Not to be called from the
 * progress callback.
 */
int solve_finish(struct solve *sv, struct worker *w, struct plan *out, char *err, size_t errlen);
/* Drop a solve whose worker never started, or was freed.  NULL is a no-op. */
void solve_free(struct solve *sv);

/* Blocking: start, wait with the deadline, finish. */
int solve_run(const struct snapshot *s, const struct worker_limits *lim,
              const struct solver_options *opt, struct plan *out, char *err, size_t errlen);

#endif
