/*
 * isolate.h - run a solve in a child process.
 *
 * GLPK aborts the process on internal errors and its root LP cannot be
 * interrupted, so the daemon never solves in its own process.  A job forks
 * a child that installs glp_error_hook, sets RLIMIT_AS and RLIMIT_CPU, runs
 * solver_solve() and sends progress lines and the plan back over a pipe.
 * The parent enforces a wall-clock deadline with SIGKILL.  Whatever happens
 * to the child, the caller gets a plan or a clear error ("solver exceeded its
 * memory limit of 512 MiB") and lives on.
 *
 * Two ways to use it:
 *  - solver_run_isolated(): blocking, for parkplanctl and tests;
 *  - solver_job_start() + solver_job_pump() on the job's fd from an event
 *    loop (never blocks), + solver_job_deadline_passed()/solver_job_kill(),
 *    then solver_job_finish() for the result; for the daemon.
 */
#ifndef PARKPLAN_ISOLATE_H
#define PARKPLAN_ISOLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "solver.h"

struct solver_limits {
	size_t memory_bytes; /* RLIMIT_AS of the child; 0: no limit */
	double cpu_s;        /* RLIMIT_CPU of the child; 0: no limit */
	double wall_s;       /* wall-clock deadline, enforced by the parent; 0: none */
};

/*
 * The defaults: 512 MiB; a wall-clock deadline of 2 * time_limit_s + 30 s
 * (each part may use time_limit_s, plus the time to build the models) and
 * a CPU limit 10 s above it.  s may be NULL (time_limit_s taken as 30).
 */
void solver_limits_default(struct solver_limits *lim, const struct snapshot *s);

struct solver_job;

enum solver_job_state { JOB_RUNNING, JOB_DONE };

/*
 * Fork the child.  The snapshot is read by the child through its copy of
 * the parent's memory, so it must stay untouched until the job is finished
 * only in the parent's view: the child has its own copy after fork.
 * progress (in opt) is called in the parent from solver_job_pump().
 * lim NULL: solver_limits_default().
 * Returns NULL with err set when the fork or pipe fails.
 */
struct solver_job *solver_job_start(const struct snapshot *s, const struct solver_limits *lim,
                                    const struct solver_options *opt, char *err, size_t errlen);
/* The read end of the pipe: non-blocking, watch it for readability. */
int solver_job_fd(const struct solver_job *job);
pid_t solver_job_pid(const struct solver_job *job);
/* Read what is available without blocking; JOB_DONE once the child closed the pipe. */
enum solver_job_state solver_job_pump(struct solver_job *job);
/* Seconds until the wall-clock deadline (negative when passed, INFINITY when none). */
double solver_job_remaining(const struct solver_job *job);
/*
 * SIGKILL the child, remembering why: solver_job_finish() reports why as the
 * error.  why NULL: "solver exceeded its deadline of N s" once the deadline
 * has passed, "solver was stopped" before.
 */
void solver_job_kill(struct solver_job *job, const char *why);
/*
 * Reap the child (blocking until it has exited: call after JOB_DONE or a
 * kill; a job still running is killed first) and hand over the result.
 * Returns 0 with *out filled, or -1 with a clear error in err and *out
 * empty (plan_init).  Frees the job in both cases.  Not to be called from
 * the progress callback.
 */
int solver_job_finish(struct solver_job *job, struct plan *out, char *err, size_t errlen);

/*
 * The solve run in the child: solver_solve() for solver_job_start(); tests
 * put their own in its place (a forced GLPK error, a memory blow-up, a
 * runaway loop) with solver_job_start_fn().
 */
typedef int (*solver_solve_fn)(const struct snapshot *s, const struct solver_options *opt,
                               struct plan *out, char *err, size_t errlen);
struct solver_job *solver_job_start_fn(solver_solve_fn fn, const struct snapshot *s,
                                       const struct solver_limits *lim,
                                       const struct solver_options *opt, char *err, size_t errlen);

/* Write all of buf to fd, again after EINTR; -1 on a write error (errno set). */
int solver_write_all(int fd, const void *buf, size_t len);

/* Blocking convenience: start, wait (poll) with the deadline, finish. */
int solver_run_isolated(const struct snapshot *s, const struct solver_limits *lim,
                        const struct solver_options *opt, struct plan *out, char *err,
                        size_t errlen);

#endif
