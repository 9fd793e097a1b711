/*
 * test_worker_solve.c - a solve in a child process: whatever the child does, the
 * caller gets a plan or a clear error and lives on.
 *
 * The solve functions below stand in for solver_solve(): one fails inside
 * GLPK, one eats memory, one spins, one kills itself, one writes garbage on
 * the pipe.  Each runs through the same start/pump/poll/finish loop the
 * daemon uses.
 */
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
solve_with_progress(const struct snapshot *s, const struct solver_options *opt, struct plan *out,
                    char *err, size_t errlen)
{
	if (opt->progress == NULL) {
		snprintf(err, errlen, "no progress callback in the child");
		return -1;
	}
	opt->progress(opt->progress_arg, "pairing", 0.25, 100, NAN);
	opt->progress(opt->progress_arg, "roster", 0.5, -7.125, 1e300);
	opt->progress(opt->progress_arg, "roster", 1.0, 0.1, -INFINITY);
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

static int
solve_glpk_error(const struct snapshot *s, const struct solver_options *opt, struct plan *out,
                 char *err, size_t errlen)
{
	glp_prob *lp = glp_create_prob();

	glp_add_rows(lp, 3);
	glp_error("pairing model broken at row %d\n", 42);
	snprintf(err, errlen, "glp_error returned");
	return -1;
}

static int
solve_glpk_misuse(const struct snapshot *s, const struct solver_options *opt, struct plan *out,
                  char *err, size_t errlen)
{
	glp_prob *lp = glp_create_prob();

	glp_add_rows(lp, -1); /* GLPK's own check fails */
	snprintf(err, errlen, "glp_add_rows returned");
	return -1;
}

/* Touch every page so that the memory is really there. */
static void *
touched(void *p, size_t n)
{
	if (p != NULL)
		memset(p, 0x5a, n);
	return p;
}

static int
solve_glpk_eats_memory(const struct snapshot *s, const struct solver_options *opt, struct plan *out,
                       char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < 1024; i++) /* 1 GiB, far above the limit */
		touched(glp_alloc(1, (int)MIB), MIB);
	snprintf(err, errlen, "GLPK allocated 1 GiB under the limit");
	return -1;
}

static int
solve_malloc_eats_memory(const struct snapshot *s, const struct solver_options *opt,
                         struct plan *out, char *err, size_t errlen)
{
	size_t got;

	for (got = 0; got < 1024; got++)
		if (touched(malloc(MIB), MIB) == NULL)
			break;
	plan_init(out);
	snprintf(err, errlen, "out of memory after %zu MiB", got);
	return -1;
}

static int
solve_malloc_aborts(const struct snapshot *s, const struct solver_options *opt, struct plan *out,
                    char *err, size_t errlen)
{
	size_t got;

	for (got = 0; got < 1024; got++)
		if (touched(malloc(MIB), MIB) == NULL)
			abort(); /* what a library does when malloc fails */
	snprintf(err, errlen, "malloc gave 1 GiB under the limit");
	return -1;
}

static int
solve_small_allocation(const struct snapshot *s, const struct solver_options *opt, struct plan *out,
                       char *err, size_t errlen)
{
	if (touched(malloc(8 * MIB), 8 * MIB) == NULL) {
		snprintf(err, errlen, "8 MiB refused under a 64 MiB limit");
		return -1;
	}
	fill_small_plan(out);
	return 0;
}

static int
solve_spins(const struct snapshot *s, const struct solver_options *opt, struct plan *out, char *err,
            size_t errlen)
{
	volatile unsigned long n = 0;

	for (;;)
		n++;
	return -1;
}

static int
solve_sleeps(const struct snapshot *s, const struct solver_options *opt, struct plan *out,
             char *err, size_t errlen)
{
	for (;;)
		pause();
	return -1;
}

static int
solve_hangs_up(const struct snapshot *s, const struct solver_options *opt, struct plan *out,
               char *err, size_t errlen)
{
	int fd;

	for (fd = 3; fd < 1024; fd++) /* the parent sees the end of the output */
		close(fd);
	for (;;)
		pause();
	return -1;
}

static int
solve_raises_sigkill(const struct snapshot *s, const struct solver_options *opt, struct plan *out,
                     char *err, size_t errlen)
{
	raise(SIGKILL);
	return -1;
}

static int
solve_raises_sigterm(const struct snapshot *s, const struct solver_options *opt, struct plan *out,
                     char *err, size_t errlen)
{
	raise(SIGTERM); /* ignored in the parent: the child must have reset it */
	snprintf(err, errlen, "SIGTERM was ignored in the child");
	return -1;
}

/* The child's end of the pipe: the only descriptor above stderr. */
static int
child_pipe_fd(void)
{
	int fd;

	for (fd = 3; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) != -1)
			return fd;
	return -1;
}

static void
write_to_parent(const char *text, size_t len)
{
	int fd = child_pipe_fd();

	if (fd >= 0 && write(fd, text, len) != (ssize_t)len)
		_exit(99);
}

/* A frame header (worker/frame.h): type, then the length big-endian. */
static void
write_header_to_parent(char type, uint32_t len)
{
	char h[5] = {type, (char)(len >> 24), (char)(len >> 16), (char)(len >> 8), (char)len};

	write_to_parent(h, sizeof(h));
}

static int
solve_writes_garbage(const struct snapshot *s, const struct solver_options *opt, struct plan *out,
                     char *err, size_t errlen)
{
	write_header_to_parent('X', 7);
	write_to_parent("garbage", 7);
	fill_small_plan(out);
	return 0;
}

static int
solve_cuts_plan_short(const struct snapshot *s, const struct solver_options *opt, struct plan *out,
                      char *err, size_t errlen)
{
	write_header_to_parent('R', 1000);
	write_to_parent("{\"format\"", 10);
	_exit(0);
}

static int
solve_sends_huge_plan(const struct snapshot *s, const struct solver_options *opt, struct plan *out,
                      char *err, size_t errlen)
{
	write_header_to_parent('R', 2000000000);
	_exit(0);
}

static int
solve_sends_bad_json(const struct snapshot *s, const struct solver_options *opt, struct plan *out,
                     char *err, size_t errlen)
{
	write_header_to_parent('R', 5);
	write_to_parent("nope!", 5);
	_exit(0);
}

static int
solve_sends_no_plan(const struct snapshot *s, const struct solver_options *opt, struct plan *out,
                    char *err, size_t errlen)
{
	_exit(0);
}

static int parent_fd = -1; /* opened in the parent without O_CLOEXEC */

static int
solve_checks_fds(const struct snapshot *s, const struct solver_options *opt, struct plan *out,
                 char *err, size_t errlen)
{
	int fd, open_fds = 0;

	if (fcntl(parent_fd, F_GETFD) != -1 || errno != EBADF) {
		snprintf(err, errlen, "the parent's fd %d leaked into the child", parent_fd);
		return -1;
	}
	for (fd = 3; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) != -1)
			open_fds++;
	if (open_fds != 1) {
		snprintf(err, errlen, "%d fds open above stderr, expected only the pipe", open_fds);
		return -1;
	}
	fill_small_plan(out);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Tests                                                                */
/* ------------------------------------------------------------------ */

static void
test_limits_default(void)
{
	struct worker_limits lim;
	struct snapshot s;

	memset(&s, 0, sizeof(s));
	s.settings.time_limit_s = 5;
	solve_limits_default(&lim, &s);
	CHECK_INT_EQ(lim.memory_bytes, 512 * MIB);
	CHECK(lim.wall_s == 2 * 5 + 30);
	CHECK(lim.cpu_s == 2 * 5 + 30 + 10);

	solve_limits_default(&lim, NULL); /* the model's default of 30 s */
	CHECK(lim.wall_s == 2 * 30 + 30);
	CHECK(lim.cpu_s == 2 * 30 + 30 + 10);
}

static void
test_plan_arrives(void)
{
	struct worker_limits lim = limits(256 * MIB, 30, 30);
	struct plan p;
	char err[512] = "";
	int rc;

	rc = run_fn(solve_small_plan, &lim, NULL, &p, err, sizeof(err), NULL);
	CHECK_MSG(rc == 0, "rc %d: %s", rc, err);
	check_small_plan(&p);
	plan_free(&p);
}

struct progress_log {
	int n;
	char part[8][16];
	double fraction[8], best[8], bound[8];
};

static void
record_progress(void *arg, const char *part, double fraction, double best, double bound)
{
	struct progress_log *log = arg;

	if (log->n < 8) {
		snprintf(log->part[log->n], sizeof(log->part[0]), "%s", part);
		log->fraction[log->n] = fraction;
		log->best[log->n] = best;
		log->bound[log->n] = bound;
	}
	log->n++;
}

static void
test_progress(void)
{
	struct worker_limits lim = limits(256 * MIB, 30, 30);
	struct progress_log log;
	struct solver_options opt = {record_progress, &log, 0};
	struct plan p;
	char err[512] = "";
	int rc;

	memset(&log, 0, sizeof(log));
	rc = run_fn(solve_with_progress, &lim, &opt, &p, err, sizeof(err), NULL);
	CHECK_MSG(rc == 0, "rc %d: %s", rc, err);
	check_small_plan(&p);
	plan_free(&p);
	CHECK_INT_EQ(log.n, 3);
	if (log.n != 3)
		return;
	CHECK(strcmp(log.part[0], "pairing") == 0);
	CHECK(log.fraction[0] == 0.25 && log.best[0] == 100 && isnan(log.bound[0]));
	CHECK(strcmp(log.part[1], "roster") == 0);
	CHECK(log.fraction[1] == 0.5 && log.best[1] == -7.125 && log.bound[1] == 1e300);
	CHECK(strcmp(log.part[2], "roster") == 0);
	CHECK(log.fraction[2] == 1.0 && log.best[2] == 0.1);
	CHECK(isinf(log.bound[2]) && log.bound[2] < 0);
}

static void
test_solve_error(void)
{
	struct worker_limits lim = limits(256 * MIB, 30, 30);
	struct plan p;
	char err[512] = "";
	int rc;

	rc = run_fn(solve_fails, &lim, NULL, &p, err, sizeof(err), NULL);
	CHECK_INT_EQ(rc, -1);
	CHECK_MSG(strcmp(err, "zone 4 has no periods") == 0, "%s", err);
	CHECK_INT_EQ(p.n_pairs, 0); /* *out left empty */
	plan_free(&p);
}

/* Redirect stdout into a file while f runs; returns what landed in it. */
static char *
capture_stdout(void (*f)(void *), void *arg)
{
	char path[] = "/tmp/test_worker_solve_stdout_XXXXXX";
	static char text[4096];
	int fd = mkstemp(path), saved;
	ssize_t n;

	if (fd < 0)
		return NULL;
	unlink(path);
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	dup2(fd, STDOUT_FILENO);
	f(arg);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	n = pread(fd, text, sizeof(text) - 1, 0);
	close(fd);
	text[n > 0 ? n : 0] = '\0';
	return text;
}

struct captured_case {
	solve_fn fn;
	int rc;
	char err[512];
	struct plan plan;
};

static void
run_captured_case(void *arg)
{
	struct captured_case *c = arg;
	struct worker_limits lim = limits(256 * MIB, 30, 30);

	/* left in stdout's buffer across the fork: must be written once */
	printf("unflushed-marker;");
	c->rc = run_fn(c->fn, &lim, NULL, &c->plan, c->err, sizeof(c->err), NULL);
}

/* The parent's buffered output is not written a second time by the child. */
static void
test_stdout_once(void)
{
	struct captured_case c = {.fn = solve_small_plan};
	const char *out;

	out = capture_stdout(run_captured_case, &c);
	CHECK_MSG(c.rc == 0, "%s", c.err);
	check_small_plan(&c.plan);
	plan_free(&c.plan);
	CHECK_MSG(out != NULL && strcmp(out, "unflushed-marker;") == 0, "stdout: \"%s\"",
	          out ? out : "(none)");
}

static void
test_glpk_error(void)
{
	struct captured_case c = {.fn = solve_glpk_error};
	const char *out;

	out = capture_stdout(run_captured_case, &c);
	plan_free(&c.plan);
	CHECK_INT_EQ(c.rc, -1);
	CHECK_MSG(strncmp(c.err, "GLPK failed: pairing model broken at row 42", 43) == 0, "%s",
	          c.err);
	CHECK(strchr(c.err, '\n') == NULL);
	/* GLPK's text goes nowhere without verbose; the parent's buffer once */
	CHECK_MSG(out != NULL && strcmp(out, "unflushed-marker;") == 0, "stdout: \"%s\"",
	          out ? out : "(none)");

	c = (struct captured_case){.fn = solve_glpk_misuse};
	out = capture_stdout(run_captured_case, &c);
	plan_free(&c.plan);
	CHECK_INT_EQ(c.rc, -1);
	CHECK_STR_CONTAINS(c.err, "GLPK failed: glp_add_rows: nrs = -1; invalid number of rows");
	CHECK_MSG(out != NULL && strcmp(out, "unflushed-marker;") == 0, "stdout: \"%s\"",
	          out ? out : "(none)");
}

static void
test_memory_limit(void)
{
	struct worker_limits lim = limits(64 * MIB, 30, 30);
	struct plan p;
	char err[512] = "";
	unsigned got = 0;
	int rc;

	if (TEST_ASAN) {
		printf("test_worker_solve: memory limit tests skipped: AddressSanitizer reserves "
		       "more address space than RLIMIT_AS allows\n");
		return;
	}
	if (RUNNING_ON_VALGRIND) {
		printf("test_worker_solve: memory limit tests skipped: valgrind needs more address "
		       "space than RLIMIT_AS allows\n");
		return;
	}

	rc = run_fn(solve_glpk_eats_memory, &lim, NULL, &p, err, sizeof(err), NULL);
	CHECK_INT_EQ(rc, -1);
	CHECK_STR_CONTAINS(err, "solver exceeded its memory limit of 64 MiB");
	plan_free(&p);

	rc = run_fn(solve_malloc_eats_memory, &lim, NULL, &p, err, sizeof(err), NULL);
	CHECK_INT_EQ(rc, -1);
	CHECK_STR_CONTAINS(err, "solver exceeded its memory limit of 64 MiB");
	/* the limit held: the child got less than 64 MiB before malloc failed */
	CHECK_MSG(strstr(err, "out of memory after ") != NULL &&
	              sscanf(strstr(err, "out of memory after "), "out of memory after %u", &got) ==
	                  1 &&
	              got < 64,
	          "%s", err);
	plan_free(&p);

	rc = run_fn(solve_malloc_aborts, &lim, NULL, &p, err, sizeof(err), NULL);
	CHECK_INT_EQ(rc, -1);
	CHECK_STR_CONTAINS(err, "solver exceeded its memory limit of 64 MiB");
	CHECK_STR_CONTAINS(err, "SIGABRT");
	plan_free(&p);

	/* under the limit, work goes on */
	rc = run_fn(solve_small_allocation, &lim, NULL, &p, err, sizeof(err), NULL);
	CHECK_MSG(rc == 0, "rc %d: %s", rc, err);
	check_small_plan(&p);
	plan_free(&p);
}

static void
test_deadline(void)
{
	struct worker_limits lim = limits(0, 0, 1);
	struct plan p;
	char err[512] = "";
	double took = 0;
	int rc;

	rc = run_fn(solve_spins, &lim, NULL, &p, err, sizeof(err), &took);
	CHECK_INT_EQ(rc, -1);
	CHECK_MSG(strcmp(err, "solver exceeded its deadline of 1 s") == 0, "%s", err);
	CHECK_MSG(took >= 0.99 && took < 5, "took %.3f s", took);
	plan_free(&p);

	lim = limits(0, 0, 0.5);
	rc = run_fn(solve_sleeps, &lim, NULL, &p, err, sizeof(err), &took);
	CHECK_INT_EQ(rc, -1);
	CHECK_MSG(strcmp(err, "solver exceeded its deadline of 0.5 s") == 0, "%s", err);
	CHECK_MSG(took >= 0.49 && took < 5, "took %.3f s", took);
	plan_free(&p);

	/* the output ends but the child lives on: finish still keeps the deadline */
	lim = limits(0, 0, 1);
	rc = run_fn(solve_hangs_up, &lim, NULL, &p, err, sizeof(err), &took);
	CHECK_INT_EQ(rc, -1);
	CHECK_MSG(strcmp(err, "solver exceeded its deadline of 1 s") == 0, "%s", err);
	CHECK_MSG(took >= 0.99 && took < 5, "took %.3f s", took);
	plan_free(&p);
}

static void
test_cpu_limit(void)
{
	/* the wall clock leaves room for a busy machine */
	struct worker_limits lim = limits(0, 1, 20);
	struct plan p;
	char err[512] = "";
	double took = 0;
	int rc;

	rc = run_fn(solve_spins, &lim, NULL, &p, err, sizeof(err), &took);
	CHECK_INT_EQ(rc, -1);
	CHECK_MSG(strcmp(err, "solver exceeded its CPU limit of 1 s") == 0, "%s", err);
	CHECK_MSG(took >= 0.99 && took < 20, "took %.3f s", took);
	plan_free(&p);
}

static void
test_killed(void)
{
	struct worker_limits lim = limits(0, 0, 30);
	struct worker *job;
	struct solve *sv;
	struct plan p;
	char err[512] = "";
	int rc;

	/* from the parent, with a reason */
	job = start_fn(solve_sleeps, &lim, NULL, &sv, err, sizeof(err));
	CHECK(job != NULL);
	if (job != NULL) {
		CHECK(worker_pid(job) > 0);
		CHECK(worker_remaining(job) > 25 && worker_remaining(job) <= 30);
		worker_kill(job, "the planner asked for a new run");
		rc = finish(sv, job, &p, err, sizeof(err));
		CHECK_INT_EQ(rc, -1);
		CHECK_MSG(strcmp(err, "the planner asked for a new run") == 0, "%s", err);
		plan_free(&p);
	}

	/* from the parent, without a reason, before the deadline */
	job = start_fn(solve_sleeps, &lim, NULL, &sv, err, sizeof(err));
	CHECK(job != NULL);
	if (job != NULL) {
		worker_kill(job, NULL);
		rc = finish(sv, job, &p, err, sizeof(err));
		CHECK_INT_EQ(rc, -1);
		CHECK_MSG(strcmp(err, "solver was stopped") == 0, "%s", err);
		plan_free(&p);
	}

	/* finish on a job still running stops it */
	job = start_fn(solve_sleeps, &lim, NULL, &sv, err, sizeof(err));
	CHECK(job != NULL);
	if (job != NULL) {
		rc = finish(sv, job, &p, err, sizeof(err));
		CHECK_INT_EQ(rc, -1);
		CHECK_MSG(strcmp(err, "solver was stopped before it finished") == 0, "%s", err);
		plan_free(&p);
	}

	/* no deadline at all */
	lim = limits(0, 0, 0);
	job = start_fn(solve_sleeps, &lim, NULL, &sv, err, sizeof(err));
	CHECK(job != NULL);
	if (job != NULL) {
		CHECK(isinf(worker_remaining(job)));
		worker_kill(job, NULL);
		rc = finish(sv, job, &p, err, sizeof(err));
		CHECK_INT_EQ(rc, -1);
		plan_free(&p);
	}

	/* by itself */
	lim = limits(0, 0, 30);
	rc = run_fn(solve_raises_sigkill, &lim, NULL, &p, err, sizeof(err), NULL);
	CHECK_INT_EQ(rc, -1);
	CHECK_MSG(strcmp(err, "solver was killed by signal 9 (SIGKILL)") == 0, "%s", err);
	plan_free(&p);

	/* a signal the daemon ignores is deadly again in the child */
	signal(SIGTERM, SIG_IGN);
	rc = run_fn(solve_raises_sigterm, &lim, NULL, &p, err, sizeof(err), NULL);
	signal(SIGTERM, SIG_DFL);
	CHECK_INT_EQ(rc, -1);
	CHECK_MSG(strcmp(err, "solver was killed by signal 15 (SIGTERM)") == 0, "%s", err);
	plan_free(&p);
}

static void
test_malformed(void)
{
	struct worker_limits lim = limits(0, 30, 30);
	struct plan p;
	char err[512] = "";
	int rc;

	rc = run_fn(solve_writes_garbage, &lim, NULL, &p, err, sizeof(err), NULL);
	CHECK_INT_EQ(rc, -1);
	CHECK_MSG(strcmp(err, "solver sent a malformed result: an unknown message \"X\"") == 0,
	          "%s", err);
	plan_free(&p);

	rc = run_fn(solve_cuts_plan_short, &lim, NULL, &p, err, sizeof(err), NULL);
	CHECK_INT_EQ(rc, -1);
	CHECK_MSG(strcmp(err, "solver sent a malformed result: the plan was cut short after 10 "
	                      "of 1000 bytes") == 0,
	          "%s", err);
	plan_free(&p);

	rc = run_fn(solve_sends_huge_plan, &lim, NULL, &p, err, sizeof(err), NULL);
	CHECK_INT_EQ(rc, -1);
	CHECK_MSG(strcmp(err, "solver sent a malformed result: a plan of 2000000000 bytes, "
	                      "above the bound of 1 GiB") == 0,
	          "%s", err);
	plan_free(&p);

	rc = run_fn(solve_sends_bad_json, &lim, NULL, &p, err, sizeof(err), NULL);
	CHECK_INT_EQ(rc, -1);
	CHECK_MSG(strncmp(err, "solver sent a malformed result: ", 32) == 0, "%s", err);
	plan_free(&p);

	rc = run_fn(solve_sends_no_plan, &lim, NULL, &p, err, sizeof(err), NULL);
	CHECK_INT_EQ(rc, -1);
	CHECK_MSG(strcmp(err, "solver sent a malformed result: no plan") == 0, "%s", err);
	plan_free(&p);
}

static void
test_fds_closed(void)
{
	struct worker_limits lim = limits(0, 30, 30);
	struct plan p;
	char err[512] = "";
	int rc;

	parent_fd = open("/dev/null", O_RDONLY); /* deliberately without O_CLOEXEC */
	CHECK(parent_fd >= 3);
	rc = run_fn(solve_checks_fds, &lim, NULL, &p, err, sizeof(err), NULL);
	CHECK_MSG(rc == 0, "rc %d: %s", rc, err);
	check_small_plan(&p);
	plan_free(&p);
	close(parent_fd);
}

#define BIG_PLAN_PAIRS 200000 /* about 12 MB of JSON: many pipe buffers, several pumps */

static int
solve_big_plan(const struct snapshot *s, const struct solver_options *opt, struct plan *out,
               char *err, size_t errlen)
{
	size_t i;

	plan_init(out);
	out->pairing.status = PART_OPTIMAL;
	out->pairs = calloc(BIG_PLAN_PAIRS, sizeof(*out->pairs));
	if (out->pairs == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	out->n_pairs = BIG_PLAN_PAIRS;
	for (i = 0; i < BIG_PLAN_PAIRS; i++)
		out->pairs[i] =
		    (struct plan_pair){(int64_t)i + 1, (int64_t)(i % 600) + 1, (int64_t)i * 7 - 3};
	return 0;
}

static void
test_big_plan(void)
{
	struct worker_limits lim = limits(0, 60, 60);
	struct plan p;
	char err[512] = "";
	size_t i, wrong = 0;
	int rc;

	rc = run_fn(solve_big_plan, &lim, NULL, &p, err, sizeof(err), NULL);
	CHECK_MSG(rc == 0, "rc %d: %s", rc, err);
	CHECK_INT_EQ(p.n_pairs, BIG_PLAN_PAIRS);
	for (i = 0; i < p.n_pairs; i++)
		if (p.pairs[i].enterprise_id != (int64_t)i + 1 ||
		    p.pairs[i].community_id != (int64_t)(i % 600) + 1 ||
		    p.pairs[i].score != (int64_t)i * 7 - 3)
			wrong++;
	CHECK_INT_EQ(wrong, 0);
	plan_free(&p);
}

/* A parent that dies takes its solver with it (no orphan solving for nobody). */
static void
test_parent_dies(void)
{
	struct worker_limits lim = limits(0, 0, 60);
	int fds[2], status = 0;
	pid_t middle, solver = -1, r;
	double t0;

	/* the orphaned solver is handed to this process, so it can be reaped here */
	CHECK(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
	CHECK(pipe(fds) == 0);
	fflush(stdout); /* valgrind's exit in the middle process would write it again */
	middle = fork();
	if (middle == 0) {
		char err[256];
		/* held, not leaked, when this process dies (volatile: the store stays) */
		static struct worker *volatile job;
		static struct solve *sv;

		close(fds[0]);
		job = start_fn(solve_sleeps, &lim, NULL, &sv, err, sizeof(err));
		solver = job != NULL ? worker_pid(job) : -1;
		if (write(fds[1], &solver, sizeof(solver)) != sizeof(solver))
			_exit(2);
		usleep(100 * 1000); /* let the solver reach its solve */
		_exit(0);
	}
	close(fds[1]);
	CHECK(read(fds[0], &solver, sizeof(solver)) == sizeof(solver));
	close(fds[0]);
	CHECK(waitpid(middle, &status, 0) == middle && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0);
	CHECK(solver > 0);
	if (solver <= 0)
		return;
	t0 = now();
	while ((r = waitpid(solver, &status, WNOHANG)) == 0 && now() - t0 < 10)
		usleep(10 * 1000);
	CHECK_MSG(r == solver, "the orphaned solver still runs after %.1f s", now() - t0);
	if (r == 0) { /* clean up after the failure */
		kill(solver, SIGKILL);
		r = waitpid(solver, &status, 0);
	} else {
		CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	}
	prctl(PR_SET_CHILD_SUBREAPER, 0);
}

/* A daemon that ignores SIGCHLD loses exit statuses: the output decides. */
static void
test_sigchld_ignored(void)
{
	struct worker_limits lim = limits(0, 30, 30);
	struct plan p;
	char err[512] = "";
	int rc;

	signal(SIGCHLD, SIG_IGN);
	rc = run_fn(solve_small_plan, &lim, NULL, &p, err, sizeof(err), NULL);
	CHECK_MSG(rc == 0, "rc %d: %s", rc, err);
	check_small_plan(&p);
	plan_free(&p);

	rc = run_fn(solve_fails, &lim, NULL, &p, err, sizeof(err), NULL);
	CHECK_INT_EQ(rc, -1);
	CHECK_MSG(strcmp(err, "zone 4 has no periods") == 0, "%s", err);
	plan_free(&p);

	rc = run_fn(solve_raises_sigkill, &lim, NULL, &p, err, sizeof(err), NULL);
	CHECK_INT_EQ(rc, -1);
	CHECK_MSG(strcmp(err, "solver ended without a plan") == 0, "%s", err);
	plan_free(&p);
	signal(SIGCHLD, SIG_DFL);
}

/* Two jobs at once, each with its own result. */
static void
test_two_jobs(void)
{
	struct worker_limits lim = limits(0, 30, 30);
	struct worker *a, *b;
	struct solve *sva, *svb;
	struct plan pa, pb;
	char erra[512] = "", errb[512] = "";
	int rca, rcb;

	a = start_fn(solve_small_plan, &lim, NULL, &sva, erra, sizeof(erra));
	b = start_fn(solve_fails, &lim, NULL, &svb, errb, sizeof(errb));
	CHECK(a != NULL && b != NULL);
	if (a == NULL || b == NULL)
		return;
	for (;;) {
		enum worker_state sa = worker_pump(a), sb = worker_pump(b);
		struct pollfd pfd = {.fd = worker_fd(sa == WORKER_RUNNING ? a : b),
		                     .events = POLLIN};

		if (sa == WORKER_EOF && sb == WORKER_EOF)
			break;
		poll(&pfd, 1, 1000);
	}
	rcb = finish(svb, b, &pb, errb, sizeof(errb));
	rca = finish(sva, a, &pa, erra, sizeof(erra));
	CHECK_MSG(rca == 0, "%s", erra);
	check_small_plan(&pa);
	CHECK_INT_EQ(rcb, -1);
	CHECK_MSG(strcmp(errb, "zone 4 has no periods") == 0, "%s", errb);
	plan_free(&pa);
	plan_free(&pb);
}

/*
 * The real solver through solve_run(): one enterprise and one
 * community at the same spot, offers = needs, one instructor in one zone
 * for one period, all at one point.  By docs/model.md: score = round(600 * 1 +
 * 400 * 1) = 1000 = P; skill = round(200 * ow / D) = 200, commute 0, so
 * R = 200.  The isolated plan must also equal the in-process one.
 */
static const char tiny_snapshot[] =
    "{\"format\": \"parkplan-snapshot/1\","
    " \"zones\": [{\"id\": 1, \"code\": \"A\", \"name\": \"A\", \"lat\": 31.17,"
    " \"lon\": 121.40, \"min_fulltime\": 1}],"
    " \"enterprises\": [{\"id\": 7, \"name\": \"E\", \"zone_id\": 1,"
    " \"industry\": \"chips\", \"party_org\": \"branch\", \"party_members\": 12,"
    " \"employees\": 300, \"lat\": 31.17, \"lon\": 121.40, \"offers\": [\"law\"],"
    " \"max_communities\": 1}],"
    " \"communities\": [{\"id\": 3, \"name\": \"C\", \"lat\": 31.17, \"lon\": 121.40,"
    " \"needs\": [\"law\"], \"min_partners\": 1, \"max_partners\": 3}],"
    " \"instructors\": [{\"id\": 5, \"name\": \"I\", \"full_time\": true,"
    " \"capacity\": 100, \"skills\": [\"chips\"], \"home_lat\": 31.17,"
    " \"home_lon\": 121.40}],"
    " \"periods\": [{\"id\": 1, \"label\": \"2027Q1\", \"start\": \"2027-01-01\"}]}";

static void
test_real_solve(void)
{
	struct snapshot s;
	struct worker_limits lim;
	struct progress_log log;
	struct solver_options opt = {record_progress, &log, 0};
	struct plan iso, local;
	json_error_t jerr;
	json_t *doc;
	char err[512] = "";
	int rc;
	size_t i;

	doc = json_loads(tiny_snapshot, 0, &jerr);
	CHECK_MSG(doc != NULL, "%s", jerr.text);
	if (doc == NULL)
		return;
	rc = snapshot_from_json(doc, &s, err, sizeof(err));
	json_decref(doc);
	CHECK_MSG(rc == 0, "%s", err);
	if (rc != 0)
		return;
	solve_limits_default(&lim, &s);
	memset(&log, 0, sizeof(log));
	rc = solve_run(&s, &lim, &opt, &iso, err, sizeof(err));
	CHECK_MSG(rc == 0, "%s", err);
	CHECK_INT_EQ(iso.pairing.status, PART_OPTIMAL);
	CHECK_INT_EQ(iso.pairing.objective, 1000);
	CHECK_INT_EQ(iso.n_pairs, 1);
	if (iso.n_pairs == 1) {
		CHECK_INT_EQ(iso.pairs[0].enterprise_id, 7);
		CHECK_INT_EQ(iso.pairs[0].community_id, 3);
		CHECK_INT_EQ(iso.pairs[0].score, 1000);
	}
	CHECK_INT_EQ(iso.roster.status, PART_OPTIMAL);
	CHECK_INT_EQ(iso.roster.objective, 200);
	CHECK_INT_EQ(iso.n_assignments, 1);
	if (iso.n_assignments == 1) {
		CHECK_INT_EQ(iso.assignments[0].instructor_id, 5);
		CHECK_INT_EQ(iso.assignments[0].zone_id, 1);
		CHECK_INT_EQ(iso.assignments[0].period_id, 1);
	}
	for (i = 0; i < (size_t)log.n && i < 8; i++)
		CHECK(strcmp(log.part[i], "pairing") == 0 || strcmp(log.part[i], "roster") == 0);

	rc = solver_solve(&s, NULL, &local, err, sizeof(err));
	CHECK_MSG(rc == 0, "%s", err);
	CHECK_INT_EQ(iso.n_pairs, local.n_pairs);
	CHECK_INT_EQ(iso.n_assignments, local.n_assignments);
	CHECK_INT_EQ(iso.n_coverage, local.n_coverage);
	CHECK_INT_EQ(iso.pairing.objective, local.pairing.objective);
	CHECK_INT_EQ(iso.roster.objective, local.roster.objective);
	for (i = 0; i < iso.n_coverage && i < local.n_coverage; i++)
		CHECK(memcmp(&iso.coverage[i], &local.coverage[i], sizeof(iso.coverage[i])) == 0);
	plan_free(&iso);
	plan_free(&local);
	snapshot_free(&s);
}

int
main(void)
{
	setvbuf(stdout, NULL, _IOFBF, 0); /* as under ctest: output stays buffered */
	test_limits_default();
	test_plan_arrives();
	test_progress();
	test_solve_error();
	test_stdout_once();
	test_glpk_error();
	test_memory_limit();
	test_deadline();
	test_cpu_limit();
	test_killed();
	test_malformed();
	test_fds_closed();
	test_two_jobs();
	test_big_plan();
	test_parent_dies();
	test_sigchld_ignored();
	test_real_solve();

	/* after all that, this process lives and can still solve */
	test_plan_arrives();

	/* and no child was left behind */
	errno = 0;
	CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
	return check_done("test_worker_solve");
}
