/*
 * test_worker_limits.c - a solve in a worker child that dies: whatever the
 * child does (eats memory, spins, sleeps past its deadline, is killed,
 * outlives its parent), the caller gets a clear error and lives on.
 */
#include <sched.h>
#include <sys/resource.h>

#include "check.h"
#include "worker_cases.h"

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

static void
test_memory_limit(void)
{
	struct worker_limits lim = limits(64 * MIB, 30, 30);
	struct plan p;
	char err[512] = "";
	unsigned got = 0;
	int rc;

	if (TEST_ASAN) {
		printf("test_worker_limits: memory limit tests skipped: AddressSanitizer reserves "
		       "more address space than RLIMIT_AS allows\n");
		return;
	}
	if (RUNNING_ON_VALGRIND) {
		printf(
		    "test_worker_limits: memory limit tests skipped: valgrind needs more address "
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

/* The child's scheduling: CPU-bound, and back at normal priority. */
static int expect_nice; /* the parent's, when not below 0; else 0 */

static int
solve_checks_priority(const struct snapshot *s, const struct solver_options *opt, struct plan *out,
                      char *err, size_t errlen)
{
	int policy = sched_getscheduler(0), prio;

	errno = 0;
	prio = getpriority(PRIO_PROCESS, 0);
	if (policy != SCHED_BATCH || prio != expect_nice || errno != 0) {
		snprintf(err, errlen, "policy %d (SCHED_BATCH is %d), nice %d (expected %d)",
		         policy, SCHED_BATCH, prio, expect_nice);
		return -1;
	}
	fill_small_plan(out);
	return 0;
}

/*
 * A parent above normal priority (the unit's Nice=-5) has children at
 * normal priority: the loop preempts them, a busy machine does not starve
 * them. Raising a priority needs root (CI runs as root); without it only
 * the policy is checked, from a parent at nice 0.
 */
static void
test_priority(void)
{
	struct worker_limits lim = limits(0, 30, 30);
	struct plan p;
	char err[512] = "";
	int rc, before, raised;

	errno = 0;
	before = getpriority(PRIO_PROCESS, 0);
	CHECK(errno == 0);
	raised = setpriority(PRIO_PROCESS, 0, -5) == 0;
	expect_nice = raised || before < 0 ? 0 : before;
	if (!raised)
		printf("test_priority: cannot raise this process's priority; the child of a "
		       "parent at nice %d only\n",
		       before);
	rc = run_fn(solve_checks_priority, &lim, NULL, &p, err, sizeof(err), NULL);
	CHECK_MSG(rc == 0, "rc %d: %s", rc, err);
	if (rc == 0)
		check_small_plan(&p);
	plan_free(&p);
	if (raised)
		CHECK(setpriority(PRIO_PROCESS, 0, before) == 0);
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

int
main(void)
{
	setvbuf(stdout, NULL, _IOFBF, 0); /* as under ctest: output stays buffered */
	test_memory_limit();
	test_deadline();
	test_cpu_limit();
	test_killed();
	test_fds_closed();
	test_priority();
	test_parent_dies();
	test_sigchld_ignored();
	/* after all that, this process lives and can still solve */
	test_plan_arrives();

	/* and no child was left behind */
	errno = 0;
	CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
	return check_done("test_worker_limits");
}
