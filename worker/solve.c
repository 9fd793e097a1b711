/*
 * solve.c - a solve in a worker child (see solve.h).
 *
 * The child sends frames (worker/frame.h):
 *
 *	P "<part> <fraction> <best> <bound>"	progress (numbers as %.17g, "nan")
 *	E <message>				the solve failed with this message
 *	G <message>				GLPK called its error hook
 *	R <the plan, planwire.h>			the last frame
 *
 * and ends with one of the exit statuses below.  The parent trusts none of
 * it: a frame it cannot read, a plan cut short or a child that died is
 * turned into one clear error for the caller.
 */
#include "solve.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "glpk_trap.h"
#include "planwire.h"

/* Exit statuses of the child (and the worker's own, worker.h). */
#define CHILD_OK 0
#define CHILD_SOLVE_FAILED 71 /* sent E: the solve returned -1 */
#define CHILD_GLPK_ERROR 72   /* sent G: GLPK's error hook */
#define CHILD_NO_MEMORY 73    /* sent E: an allocation failed outside GLPK */

#define FRAME_PROGRESS 'P'
#define FRAME_GLPK 'G'
#define FRAME_PLAN 'R'

#define MIB ((size_t)1024 * 1024)
/*
 * The default memory limit: a floor, and so much more for each row of the
 * snapshot (every zone, enterprise, community, instructor, period, rule
 * and row of the plan in force), at most a ceiling.  The child maps the
 * parent's snapshot, then the pairing's candidates (a city's 8 million
 * take 16 bytes each, and as much again while they are sorted) and the
 * roster's masters: the sample city, 208 000 rows, needs 448 MiB of
 * address space, and is given 918.
 */
#define DEFAULT_MEMORY_FLOOR (512 * MIB)
#define DEFAULT_MEMORY_PER_ROW ((size_t)2048)
#define DEFAULT_MEMORY_CAP (16384 * MIB)
#define DEFAULT_TIME_LIMIT_S 30.0
#define MAX_PLAN_BYTES ((size_t)1 << 30) /* 1 GiB */
#define MAX_PART 32                      /* "pairing", "roster" */

struct solve {
	solve_fn fn;
	const struct snapshot *s;
	struct solver_options opt;
	int fd; /* in the child: the pipe */

	/* what came back */
	char *plan;
	size_t plan_len;
	bool have_plan;
	char message[WORKER_MAX_MESSAGE]; /* from E or G */
	char message_kind;                /* 0, 'E' or 'G' */
};

size_t
solve_memory_default(const struct snapshot *s)
{
	size_t rows, room;

	if (s == NULL)
		return DEFAULT_MEMORY_FLOOR;
	rows = s->n_zones + s->n_enterprises + s->n_communities + s->n_instructors + s->n_periods +
	       s->n_rules + s->n_prev_pairs + s->n_prev_assignments;
	room = (DEFAULT_MEMORY_CAP - DEFAULT_MEMORY_FLOOR) / DEFAULT_MEMORY_PER_ROW;
	if (rows >= room)
		return DEFAULT_MEMORY_CAP;
	return DEFAULT_MEMORY_FLOOR + rows * DEFAULT_MEMORY_PER_ROW;
}

void
solve_limits_default(struct worker_limits *lim, const struct snapshot *s)
{
	double t = DEFAULT_TIME_LIMIT_S;

	if (s != NULL && isfinite(s->settings.time_limit_s) && s->settings.time_limit_s > 0)
		t = s->settings.time_limit_s;
	lim->memory_bytes = solve_memory_default(s);
	lim->wall_s = 2 * t + 30;
	lim->cpu_s = lim->wall_s + 10;
}

/* --- the child ------------------------------------------------------------ */

static void
child_progress(void *arg, const char *part, double fraction, double best, double bound)
{
	struct solve *sv = arg;
	char name[MAX_PART], buf[MAX_PART + 96];
	size_t i;
	int n;

	for (i = 0; part != NULL && part[i] != '\0' && i < sizeof(name) - 1; i++)
		name[i] = ((unsigned char)part[i] <= ' ' || part[i] == 0x7f) ? '_' : part[i];
	if (i == 0)
		name[i++] = '-';
	name[i] = '\0';
	n = snprintf(buf, sizeof(buf), "%s %.17g %.17g %.17g", name, fraction, best, bound);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return;
	if (frame_write(sv->fd, FRAME_PROGRESS, buf, (size_t)n) != 0)
		_exit(WORKER_EXIT_PIPE);
}

/* GLPK's error hook: report and leave, without atexit handlers or stdio. */
static void
child_glpk_failed(void *arg, const char *message)
{
	struct solve *sv = arg;

	if (worker_send_line(sv->fd, FRAME_GLPK, message) != 0)
		_exit(WORKER_EXIT_PIPE);
	_exit(CHILD_GLPK_ERROR);
}

/*
 * The two parts at once: the pairing in a second process forked here, the
 * roster in this one.  They share nothing but the snapshot (docs/model.md
 * §2 and §3 are independent problems), and on two cores a city's solve
 * then takes as long as its longer part.  The second process sends its
 * progress and any failure on the parent's pipe itself (small frames go
 * in one write, worker/frame.c) and its half of the plan on a pipe of its
 * own; it dies with this process (PR_SET_PDEATHSIG).  Whatever ends it
 * ends this process the same way, so the parent reads one outcome.
 */
static int
read_all(int fd, char **out, size_t *len)
{
	size_t cap = 0, n = 0;
	char *buf = NULL;

	for (;;) {
		ssize_t got;

		if (n == cap) {
			size_t ncap = cap == 0 ? 65536 : 2 * cap;
			char *nb;

			if (ncap > MAX_PLAN_BYTES || (nb = realloc(buf, ncap)) == NULL) {
				free(buf);
				return -1;
			}
			buf = nb;
			cap = ncap;
		}
		got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			free(buf);
			return -1;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	*out = buf;
	*len = n;
	return 0;
}

static __attribute__((noreturn)) void
pairing_process(struct solve *sv, const struct snapshot_index *ix,
                const struct solver_options *copt, int out, pid_t parent)
{
	struct plan half;
	char *wire;
	size_t len;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
		_exit(WORKER_EXIT_PIPE);
	plan_init(&half);
	if (pairing_solve(sv->s, ix, copt, &half) != 0)
		worker_fail(sv->fd, CHILD_SOLVE_FAILED, "out of memory building the models");
	wire = planwire_encode(&half, &len);
	plan_free(&half);
	if (wire == NULL)
		worker_fail(sv->fd, CHILD_NO_MEMORY, "out of memory writing the pairing");
	if (frame_write_all(out, wire, len) != 0)
		_exit(WORKER_EXIT_PIPE);
	free(wire);
	_exit(CHILD_OK);
}

/* The pairing process ended: go the same way, or take its half of the plan. */
static int
pairing_join(pid_t pid, char *wire, size_t len, struct plan *out, char *err, size_t errlen)
{
	struct plan half;
	char why[256];
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			snprintf(err, errlen, "lost the pairing's process: %s", strerror(errno));
			return -1;
		}
	if (WIFSIGNALED(status)) {
		signal(WTERMSIG(status), SIG_DFL);
		raise(WTERMSIG(status));
		_exit(WORKER_EXIT_PIPE);
	}
	if (WEXITSTATUS(status) != CHILD_OK)
		_exit(WEXITSTATUS(status)); /* its message went to the parent already */
	if (wire == NULL) {
		snprintf(err, errlen, "out of memory reading the pairing");
		return -1;
	}
	if (planwire_decode(wire, len, &half, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "the pairing's process sent a malformed result: %s", why);
		return -1;
	}
	out->pairing = half.pairing;
	out->pairs = half.pairs;
	out->n_pairs = half.n_pairs;
	out->uncovered = half.uncovered;
	out->n_uncovered = half.n_uncovered;
	half.pairing.reasons = NULL;
	half.pairing.n_reasons = 0;
	half.pairs = NULL;
	half.uncovered = NULL;
	half.n_pairs = half.n_uncovered = 0;
	plan_free(&half);
	return 0;
}

static int
solve_parts_at_once(struct solve *sv, const struct solver_options *copt, struct plan *out,
                    char *err, size_t errlen)
{
	struct snapshot_index ix;
	pid_t parent = getpid(), pid;
	char *wire = NULL;
	size_t len = 0;
	int p[2], rc = 0, got;

	plan_init(out);
	if (snapshot_index_build(sv->s, &ix) != 0) {
		snprintf(err, errlen, "out of memory indexing the snapshot");
		return -1;
	}
	if (pipe2(p, O_CLOEXEC) != 0) {
		snapshot_index_free(&ix);
		return solver_solve(sv->s, copt, out, err, errlen);
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		pairing_process(sv, &ix, copt, p[1], parent);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		snapshot_index_free(&ix);
		return solver_solve(sv->s, copt, out, err, errlen);
	}
	if (roster_solve(sv->s, &ix, copt, out) != 0) {
		snprintf(err, errlen, "out of memory building the models");
		rc = -1;
	}
	got = read_all(p[0], &wire, &len);
	close(p[0]);
	if (pairing_join(pid, got == 0 ? wire : NULL, len, out, err, errlen) != 0)
		rc = -1;
	free(wire);
	snapshot_index_free(&ix);
	return rc;
}

static int
solve_child(int fd, void *arg)
{
	struct solve *sv = arg; /* the child's copy */
	struct solver_options copt = sv->opt;
	struct plan plan;
	char err[WORKER_MAX_MESSAGE] = "";
	char *wire;
	size_t len;

	sv->fd = fd;
	glpk_trap_install(sv->opt.verbose != 0, child_glpk_failed, sv);
	copt.progress = NULL;
	copt.progress_arg = NULL;
	if (sv->opt.progress != NULL) {
		copt.progress = child_progress;
		copt.progress_arg = sv;
	}
	/* The roster sizes its model to the memory left under this child's RLIMIT_AS. */
	if (copt.memory_room == NULL) {
		copt.memory_room = worker_memory_room;
		copt.memory_room_arg = NULL;
	}
	if ((sv->fn == solver_solve ? solve_parts_at_once(sv, &copt, &plan, err, sizeof(err))
	                            : sv->fn(sv->s, &copt, &plan, err, sizeof(err))) != 0)
		worker_fail(fd, CHILD_SOLVE_FAILED, "%s",
		            err[0] != '\0' ? err : "the solve failed");
	/*
	 * Freed although _exit() follows: memcheck would otherwise count what
	 * only a dead register still pointed to as lost.
	 */
	wire = planwire_encode(&plan, &len);
	plan_free(&plan);
	if (wire == NULL)
		worker_fail(fd, CHILD_NO_MEMORY, "out of memory writing the plan for the parent");
	if (frame_write(fd, FRAME_PLAN, wire, len) != 0)
		_exit(WORKER_EXIT_PIPE);
	free(wire);
	/* The solve's own output, if any, then leave without atexit handlers. */
	fflush(stdout);
	fflush(stderr);
	return CHILD_OK;
}

/* --- the parent: the frames ----------------------------------------------- */

/* Parse a double that must end at a space or the end of the text. */
static int
parse_number(char **p, double *out)
{
	char *end;

	while (**p == ' ')
		(*p)++;
	if (**p == '\0')
		return -1;
	errno = 0;
	*out = strtod(*p, &end);
	if (end == *p || (*end != ' ' && *end != '\0'))
		return -1;
	*p = end;
	return 0;
}

static int
solve_progress(struct solve *sv, char *rest, char *err, size_t errlen)
{
	char part[MAX_PART];
	char *space = strchr(rest, ' ');
	double fraction, best, bound;
	size_t plen;

	if (space == NULL || (plen = (size_t)(space - rest)) == 0 || plen >= sizeof(part)) {
		snprintf(err, errlen, "a progress line without a part");
		return -1;
	}
	memcpy(part, rest, plen);
	part[plen] = '\0';
	rest = space;
	if (parse_number(&rest, &fraction) != 0 || parse_number(&rest, &best) != 0 ||
	    parse_number(&rest, &bound) != 0 || *rest != '\0') {
		snprintf(err, errlen, "a progress line that is not \"P part fraction best bound\"");
		return -1;
	}
	if (sv->opt.progress != NULL)
		sv->opt.progress(sv->opt.progress_arg, part, fraction, best, bound);
	return 0;
}

static int
solve_frame(void *arg, struct frame *f, char *err, size_t errlen)
{
	struct solve *sv = arg;

	if (sv->have_plan) {
		snprintf(err, errlen, "output after the plan");
		return -1;
	}
	if (memchr(f->data, '\0', f->len) != NULL && f->type != FRAME_PLAN) {
		snprintf(err, errlen, "a line with a NUL byte");
		return -1;
	}
	switch (f->type) {
	case FRAME_PROGRESS:
		return solve_progress(sv, f->data, err, errlen);
	case WORKER_FRAME_ERROR:
	case FRAME_GLPK:
		if (sv->message_kind == 0) {
			sv->message_kind = (char)f->type;
			snprintf(sv->message, sizeof(sv->message), "%s", f->data);
		}
		return 0;
	case FRAME_PLAN:
		sv->plan = f->data; /* taken */
		sv->plan_len = f->len;
		sv->have_plan = true;
		f->data = NULL;
		return 0;
	default:
		snprintf(err, errlen, "an unknown message \"%c\"", f->type);
		return -1;
	}
}

/* --- the parent: the outcome ---------------------------------------------- */

static const char *
signal_name(int sig, char buf[32])
{
	const char *abbrev = sigabbrev_np(sig);

	if (abbrev == NULL)
		snprintf(buf, 32, "unknown signal");
	else
		snprintf(buf, 32, "SIG%s", abbrev);
	return buf;
}

static bool
glpk_out_of_memory(const char *message)
{
	return strstr(message, "no memory available") != NULL ||
	       strstr(message, "memory limit exceeded") != NULL ||
	       strstr(message, "memory allocation error") != NULL;
}

static void
memory_error(const struct worker *w, const char *detail, char *err, size_t errlen)
{
	char num[32];

	if (worker_memory_enforced(w))
		snprintf(err, errlen, "solver exceeded its memory limit of %s MiB%s%s%s",
		         worker_number((double)worker_limits(w)->memory_bytes / (double)MIB, num),
		         detail ? " (" : "", detail ? detail : "", detail ? ")" : "");
	else
		snprintf(err, errlen, "solver ran out of memory%s%s%s", detail ? " (" : "",
		         detail ? detail : "", detail ? ")" : "");
}

/* The child died of a signal: why, in the planners' words. */
static void
signal_outcome(struct solve *sv, const struct worker *w, const struct worker_end *e, char *err,
               size_t errlen)
{
	const struct worker_limits *lim = worker_limits(w);
	int sig = WTERMSIG(e->status);
	bool cpu_limit = lim->cpu_s > 0 && lim->cpu_s < 1e15;
	char name[32], num[32];

	(void)sv;
	if (sig == SIGKILL && e->killed) {
		snprintf(err, errlen, "%s",
		         e->kill_why != NULL ? e->kill_why : "solver was stopped");
	} else if (cpu_limit &&
	           (sig == SIGXCPU || (sig == SIGKILL && e->cpu_s >= ceil(lim->cpu_s)))) {
		snprintf(err, errlen, "solver exceeded its CPU limit of %s s",
		         worker_number(lim->cpu_s, num));
	} else if (worker_memory_enforced(w) &&
	           (sig == SIGSEGV || sig == SIGABRT || sig == SIGBUS)) {
		/* under RLIMIT_AS, most likely an allocation that failed */
		char detail[64];

		snprintf(detail, sizeof(detail), "it died of %s", signal_name(sig, name));
		memory_error(w, detail, err, errlen);
	} else {
		snprintf(err, errlen, "solver was killed by signal %d (%s)", sig,
		         signal_name(sig, name));
	}
}

/* The child exited non-zero: its message, in the planners' words. */
static void
exit_outcome(struct solve *sv, const struct worker *w, int code, char *err, size_t errlen)
{
	switch (code) {
	case CHILD_GLPK_ERROR:
		if (sv->message_kind == FRAME_GLPK && glpk_out_of_memory(sv->message)) {
			/* GLPK's words, without where in GLPK it noticed */
			char *where = strstr(sv->message, "; Error detected in file");

			if (where != NULL)
				*where = '\0';
			memory_error(w, sv->message, err, errlen);
		} else {
			snprintf(err, errlen, "GLPK failed: %s",
			         sv->message_kind == FRAME_GLPK ? sv->message : "no message");
		}
		break;
	case CHILD_NO_MEMORY:
		memory_error(w, sv->message_kind ? sv->message : NULL, err, errlen);
		break;
	case CHILD_SOLVE_FAILED:
	case WORKER_EXIT_SETUP:
		if (sv->message_kind == 0)
			snprintf(err, errlen, "solver failed without a message");
		else if (strstr(sv->message, "out of memory") != NULL && worker_memory_enforced(w))
			memory_error(w, sv->message, err, errlen);
		else
			snprintf(err, errlen, "%s", sv->message);
		break;
	default:
		snprintf(err, errlen, "solver exited unexpectedly with status %d%s%s", code,
		         sv->message_kind ? ": " : "", sv->message_kind ? sv->message : "");
		break;
	}
}

/* The output's fault as the solve names it. */
static void
fault_outcome(const struct worker_end *e, char *err, size_t errlen)
{
	if (e->fault == FRAME_FAULT_OVERSIZE && e->fault_type == FRAME_PLAN)
		snprintf(err, errlen,
		         "solver sent a malformed result: a plan of %zu bytes, above the bound "
		         "of 1 GiB",
		         e->fault_len);
	else if (e->fault == FRAME_FAULT_NOMEM && e->fault_type == FRAME_PLAN)
		snprintf(err, errlen,
		         "solver sent a malformed result: no memory for a plan of %zu bytes",
		         e->fault_len);
	else
		snprintf(err, errlen, "solver sent a malformed result: %s", e->fault_text);
}

/* Turn what the child did into 0, or -1 with err. */
static int
solve_outcome(struct solve *sv, const struct worker *w, char *err, size_t errlen)
{
	struct worker_end e;

	worker_end(w, &e);
	if (e.reaped && WIFSIGNALED(e.status)) {
		signal_outcome(sv, w, &e, err, errlen);
		return -1;
	}
	if (e.reaped && WIFEXITED(e.status) && WEXITSTATUS(e.status) != CHILD_OK) {
		exit_outcome(sv, w, WEXITSTATUS(e.status), err, errlen);
		return -1;
	}
	/* A clean exit, or a status lost to SIGCHLD ignored: the output decides. */
	if (e.fault != FRAME_FAULT_NONE) {
		fault_outcome(&e, err, errlen);
		return -1;
	}
	if (e.cut && e.cut_type == FRAME_PLAN) {
		snprintf(err, errlen,
		         "solver sent a malformed result: the plan was cut short after %zu of "
		         "%zu bytes",
		         e.cut_have, e.cut_len);
		return -1;
	}
	if (e.cut) {
		snprintf(err, errlen, "solver sent a malformed result: a message cut short");
		return -1;
	}
	if (!sv->have_plan) {
		if (sv->message_kind != 0)
			snprintf(err, errlen, "%s", sv->message);
		else if (!e.reaped)
			snprintf(err, errlen, "solver ended without a plan");
		else
			snprintf(err, errlen, "solver sent a malformed result: no plan");
		return -1;
	}
	return 0;
}

static int
solve_decode_plan(struct solve *sv, struct plan *out, char *err, size_t errlen)
{
	char why[256];

	if (planwire_decode(sv->plan, sv->plan_len, out, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "solver sent a malformed result: %s", why);
		return -1;
	}
	return 0;
}

/* --- the calls ------------------------------------------------------------ */

struct solve *
solve_new(solve_fn fn, const struct snapshot *s, const struct worker_limits *lim,
          const struct solver_options *opt, struct worker_spec *spec)
{
	struct solve *sv = calloc(1, sizeof(*sv));

	if (sv == NULL)
		return NULL;
	sv->fn = fn != NULL ? fn : solver_solve;
	sv->s = s;
	sv->fd = -1;
	if (opt != NULL)
		sv->opt = *opt;
	memset(spec, 0, sizeof(*spec));
	spec->what = "solver";
	if (lim != NULL)
		spec->limits = *lim;
	else
		solve_limits_default(&spec->limits, s);
	spec->child = solve_child;
	spec->child_arg = sv;
	spec->frame = solve_frame;
	spec->frame_arg = sv;
	spec->max_frame = MAX_PLAN_BYTES;
	return sv;
}

void
solve_free(struct solve *sv)
{
	if (sv == NULL)
		return;
	free(sv->plan);
	free(sv);
}

int
solve_finish(struct solve *sv, struct worker *w, struct plan *out, char *err, size_t errlen)
{
	struct worker_end e;
	int rc;

	plan_init(out);
	worker_end(w, &e);
	if (!e.reaped && !e.killed && worker_pump(w) == WORKER_RUNNING)
		worker_kill(w, "solver was stopped before it finished");
	worker_wait(w);
	rc = solve_outcome(sv, w, err, errlen);
	if (rc == 0)
		rc = solve_decode_plan(sv, out, err, errlen);
	solve_free(sv);
	return rc;
}

int
solve_run(const struct snapshot *s, const struct worker_limits *lim,
          const struct solver_options *opt, struct plan *out, char *err, size_t errlen)
{
	struct worker_spec spec;
	struct solve *sv;
	struct worker *w;
	int rc;

	plan_init(out);
	sv = solve_new(NULL, s, lim, opt, &spec);
	if (sv == NULL) {
		snprintf(err, errlen, "cannot start the solver: out of memory");
		return -1;
	}
	w = worker_start(&spec, err, errlen);
	if (w == NULL) {
		solve_free(sv);
		return -1;
	}
	worker_wait(w);
	rc = solve_finish(sv, w, out, err, errlen);
	worker_free(w);
	return rc;
}
