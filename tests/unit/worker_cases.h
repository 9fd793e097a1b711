/*
 * worker_cases.h - what the solve tests share (test_worker_solve.c,
 * test_worker_limits.c): the daemon's way of driving a solve in a worker,
 * a small plan and its check, and the plainest solve functions run in the
 * child in place of solver_solve().
 */
#ifndef PARKPLAN_WORKER_CASES_H
#define PARKPLAN_WORKER_CASES_H

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <glpk.h>

#include "check.h"
#include "solve.h"

#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif
#ifndef TEST_ASAN
#define TEST_ASAN 0
#endif
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

#define MIB ((size_t)1024 * 1024)
#define BIG_ID INT64_C(9007199254740993) /* 2^53 + 1: not exact as a double */

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct worker_limits
limits(size_t memory_bytes, double cpu_s, double wall_s)
{
	struct worker_limits lim = {memory_bytes, cpu_s, wall_s};

	return lim;
}

/* A solve by fn in a worker: NULL (with err) when it cannot start. */
static struct worker *
start_fn(solve_fn fn, const struct worker_limits *lim, const struct solver_options *opt,
         struct solve **sv, char *err, size_t errlen)
{
	struct worker_spec spec;
	struct worker *w;

	*sv = solve_new(fn, NULL, lim, opt, &spec);
	if (*sv == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	w = worker_start(&spec, err, errlen);
	if (w == NULL) {
		solve_free(*sv);
		*sv = NULL;
	}
	return w;
}

/* The solve's result, and the worker freed. */
static int
finish(struct solve *sv, struct worker *w, struct plan *out, char *err, size_t errlen)
{
	int rc = solve_finish(sv, w, out, err, errlen);

	worker_free(w);
	return rc;
}

/*
 * The daemon's way: poll the worker's fd with the remaining time, pump,
 * kill at the deadline, finish.  *seconds is the wall time the job took.
 */
static int
run_fn(solve_fn fn, const struct worker_limits *lim, const struct solver_options *opt,
       struct plan *out, char *err, size_t errlen, double *seconds)
{
	double t0 = now();
	struct solve *sv;
	struct worker *w;
	int rc;

	w = start_fn(fn, lim, opt, &sv, err, errlen);
	if (w == NULL) {
		plan_init(out);
		return -2;
	}
	while (worker_pump(w) == WORKER_RUNNING) {
		double left = worker_remaining(w);
		struct pollfd pfd = {.fd = worker_fd(w), .events = POLLIN};

		if (left <= 0) {
			worker_kill(w, NULL);
			break;
		}
		poll(&pfd, 1, isinf(left) ? -1 : (int)ceil(left * 1000));
	}
	rc = finish(sv, w, out, err, errlen);
	if (seconds != NULL)
		*seconds = now() - t0;
	return rc;
}

/* ------------------------------------------------------------------ */
/* Solve functions run in the child                                     */
/* ------------------------------------------------------------------ */

static void
fill_small_plan(struct plan *out)
{
	plan_init(out);
	out->pairing.status = PART_OPTIMAL;
	out->pairing.objective = 1234;
	out->pairing.bound = 1234.5;
	out->pairing.gap = 0.125;
	out->pairing.seconds = 0.75;
	plan_part_add_reason(&out->pairing, "community %d lacks %s", 7, "a partner");
	out->n_pairs = 2;
	out->pairs = calloc(2, sizeof(*out->pairs));
	out->pairs[0] = (struct plan_pair){1, 2, 300};
	out->pairs[1] = (struct plan_pair){BIG_ID, 4, -5};
	out->n_uncovered = 1;
	out->uncovered = calloc(1, sizeof(*out->uncovered));
	out->uncovered[0] = (struct plan_uncovered){7, 2};

	out->roster.status = PART_FEASIBLE;
	out->roster.objective = -42;
	out->roster.bound = -40;
	out->roster.gap = 0.05;
	out->roster.seconds = 1.5;
	out->n_assignments = 1;
	out->assignments = calloc(1, sizeof(*out->assignments));
	out->assignments[0] = (struct plan_assignment){10, 20, 30};
	out->n_coverage = 1;
	out->coverage = calloc(1, sizeof(*out->coverage));
	out->coverage[0] = (struct plan_coverage){20, 30, 5, 6, 1, 0};
}

/* The plan fill_small_plan() builds, checked field by field against literals. */
static void
check_small_plan(const struct plan *p)
{
	CHECK_INT_EQ(p->pairing.status, PART_OPTIMAL);
	CHECK_INT_EQ(p->pairing.objective, 1234);
	CHECK(p->pairing.bound == 1234.5);
	CHECK(p->pairing.gap == 0.125);
	CHECK(p->pairing.seconds == 0.75);
	CHECK_INT_EQ(p->pairing.n_reasons, 1);
	if (p->pairing.n_reasons == 1)
		CHECK(strcmp(p->pairing.reasons[0], "community 7 lacks a partner") == 0);
	CHECK_INT_EQ(p->n_pairs, 2);
	if (p->n_pairs == 2) {
		CHECK_INT_EQ(p->pairs[0].enterprise_id, 1);
		CHECK_INT_EQ(p->pairs[0].community_id, 2);
		CHECK_INT_EQ(p->pairs[0].score, 300);
		CHECK(p->pairs[1].enterprise_id == BIG_ID);
		CHECK_INT_EQ(p->pairs[1].community_id, 4);
		CHECK_INT_EQ(p->pairs[1].score, -5);
	}
	CHECK_INT_EQ(p->n_uncovered, 1);
	if (p->n_uncovered == 1) {
		CHECK_INT_EQ(p->uncovered[0].community_id, 7);
		CHECK_INT_EQ(p->uncovered[0].shortfall, 2);
	}
	CHECK_INT_EQ(p->roster.status, PART_FEASIBLE);
	CHECK_INT_EQ(p->roster.objective, -42);
	CHECK(p->roster.bound == -40);
	CHECK(p->roster.gap == 0.05);
	CHECK(p->roster.seconds == 1.5);
	CHECK_INT_EQ(p->roster.n_reasons, 0);
	CHECK_INT_EQ(p->n_assignments, 1);
	if (p->n_assignments == 1) {
		CHECK_INT_EQ(p->assignments[0].instructor_id, 10);
		CHECK_INT_EQ(p->assignments[0].zone_id, 20);
		CHECK_INT_EQ(p->assignments[0].period_id, 30);
	}
	CHECK_INT_EQ(p->n_coverage, 1);
	if (p->n_coverage == 1) {
		CHECK_INT_EQ(p->coverage[0].zone_id, 20);
		CHECK_INT_EQ(p->coverage[0].period_id, 30);
		CHECK_INT_EQ(p->coverage[0].workload, 5);
		CHECK_INT_EQ(p->coverage[0].capacity, 6);
		CHECK_INT_EQ(p->coverage[0].seats_full_time, 1);
		CHECK_INT_EQ(p->coverage[0].seats_part_time, 0);
	}
}

static int
solve_small_plan(const struct snapshot *s, const struct solver_options *opt, struct plan *out,
                 char *err, size_t errlen)
{
	/* no progress was asked for: the child must not pretend otherwise */
	if (opt->progress != NULL) {
		snprintf(err, errlen, "progress set without a callback in the parent");
		return -1;
	}
	fill_small_plan(out);
	return 0;
}

static int
solve_fails(const struct snapshot *s, const struct solver_options *opt, struct plan *out, char *err,
            size_t errlen)
{
	plan_init(out);
	snprintf(err, errlen, "zone 4 has no\nperiods");
	return -1;
}

#endif
