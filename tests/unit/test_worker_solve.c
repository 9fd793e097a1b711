/*
 * test_worker_solve.c - what a solve in a worker child (worker/solve.c)
 * hands back: the plan, field by field, progress on the way, the solve's
 * own error, GLPK's error, output that is not a result, big plans, two
 * solves at once, and the real solver.  How a child dies is
 * test_worker_limits.c.
 */
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
	struct solver_options opt = {.progress = record_progress, .progress_arg = &log};
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
	struct solver_options opt = {.progress = record_progress, .progress_arg = &log};
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
	test_malformed();
	test_two_jobs();
	test_big_plan();
	test_real_solve();
	/* after all that, this process lives and can still solve */
	test_plan_arrives();

	/* and no child was left behind */
	errno = 0;
	CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
	return check_done("test_worker_solve");
}
