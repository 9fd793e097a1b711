/*
 * isolate.c - run a solve in a child process (ARCHITECTURE.md, step 4).
 *
 * The child talks to the parent over one pipe, one message after another:
 *
 *	P <part> <fraction> <best> <bound>\n	progress (numbers as %.17g, "nan")
 *	E <message>\n				the solve failed with this message
 *	G <message>\n				GLPK called its error hook
 *	R <length>\n<length bytes>		the plan as JSON; the last message
 *
 * and ends with one of the exit codes below.  The parent trusts none of it:
 * a frame it cannot read, a plan cut short or a child that died is turned
 * into one clear error for the caller.
 */
#include "isolate.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <glpk.h>
#include <jansson.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

/* AddressSanitizer reserves terabytes of address space: RLIMIT_AS cannot hold. */
#if defined(__SANITIZE_ADDRESS__)
#define ISOLATE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ISOLATE_ASAN 1
#endif
#endif
#ifndef ISOLATE_ASAN
#define ISOLATE_ASAN 0
#endif
/* So does valgrind, which then cannot run the child at all. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define ISOLATE_VALGRIND_H 1
#endif
#endif

/* Exit codes of the child. */
#define CHILD_OK 0
#define CHILD_SOLVE_FAILED 71 /* sent E: the solve returned -1 */
#define CHILD_GLPK_ERROR 72   /* sent G: GLPK's error hook */
#define CHILD_NO_MEMORY 73    /* sent E: an allocation failed outside GLPK */
#define CHILD_PIPE_FAILED 74  /* the parent stopped listening */
#define CHILD_SETUP_FAILED 75 /* sent E: a limit could not be set */

#define MIB ((size_t)1024 * 1024)
#define DEFAULT_MEMORY (512 * MIB)
#define DEFAULT_TIME_LIMIT_S 30.0
#define MAX_PLAN_BYTES ((size_t)1 << 30) /* 1 GiB */
#define MAX_LINE 8192                    /* one P/E/G line or R header */
#define MAX_MESSAGE 2048                 /* kept of an E or G message */
#define MAX_PART 32                      /* "pairing", "roster" */
#define MAX_READ_PER_PUMP (4 * MIB)      /* keep the caller's loop responsive */
#define FALLBACK_MAX_FD 65536

struct solver_job {
	pid_t pid;
	int fd;
	struct solver_limits lim;
	bool memory_enforced;
	solver_progress_fn progress;
	void *progress_arg;
	struct timespec started;

	bool done; /* EOF or a read error */
	size_t bytes_read;
	bool killed; /* solver_job_kill() */
	char kill_why[256];
	bool kill_why_set;

	/* what came over the pipe */
	char line[MAX_LINE + 1];
	size_t line_len;
	bool in_plan; /* reading the bytes of an R frame */
	char *plan;
	size_t plan_len, plan_have, plan_cap;
	bool have_plan;
	char message[MAX_MESSAGE]; /* from E or G */
	char message_kind;         /* 0, 'E' or 'G' */
	char bad[256];             /* the first protocol error, "" if none */
};

/* ------------------------------------------------------------------ */
/* Limits                                                               */
/* ------------------------------------------------------------------ */

void
solver_limits_default(struct solver_limits *lim, const struct snapshot *s)
{
	double t = DEFAULT_TIME_LIMIT_S;

	if (s != NULL && isfinite(s->settings.time_limit_s) && s->settings.time_limit_s > 0)
		t = s->settings.time_limit_s;
	lim->memory_bytes = DEFAULT_MEMORY;
	lim->wall_s = 2 * t + 30;
	lim->cpu_s = lim->wall_s + 10;
}

static double
monotonic_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
memory_mib(const struct solver_limits *lim)
{
	return (double)lim->memory_bytes / (double)MIB;
}

/* A limit for a message: "90", "0.5", never "1e+06". */
static const char *
limit_text(double x, char buf[32])
{
	if (x == floor(x) && fabs(x) < 1e15)
		snprintf(buf, 32, "%.0f", x);
	else
		snprintf(buf, 32, "%.6g", x);
	return buf;
}

/*
 * Why RLIMIT_AS cannot hold in this process (the child is a copy of it), or
 * NULL when it can.
 */
static const char *
memory_limit_blocker(void)
{
	const char *preload = getenv("LD_PRELOAD");

	if (ISOLATE_ASAN)
		return "AddressSanitizer reserves the address space RLIMIT_AS would cap";
#ifdef ISOLATE_VALGRIND_H
	if (RUNNING_ON_VALGRIND)
		return "valgrind needs more address space than RLIMIT_AS would leave";
#endif
	if (preload != NULL && strstr(preload, "vgpreload") != NULL)
		return "valgrind needs more address space than RLIMIT_AS would leave";
	return NULL;
}

/* ------------------------------------------------------------------ */
/* The child                                                            */
/* ------------------------------------------------------------------ */

struct child {
	int fd;
	int verbose;
	char glpk_error[MAX_MESSAGE]; /* what GLPK printed since it entered its error state */
	size_t glpk_error_len;
};

/* Only one child per process: the hooks reach it through GLPK's info pointer. */
static struct child child_state;

int
solver_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* One line "<kind> <text>\n", the text flattened to one line and bounded. */
static void
child_send_line(struct child *c, char kind, const char *text)
{
	char buf[MAX_MESSAGE + 4];
	size_t n = 0, i;

	buf[n++] = kind;
	buf[n++] = ' ';
	for (i = 0; text[i] != '\0' && n < sizeof(buf) - 2; i++)
		buf[n++] = (text[i] == '\n' || text[i] == '\r') ? ' ' : text[i];
	while (n > 2 && buf[n - 1] == ' ')
		n--;
	buf[n++] = '\n';
	if (solver_write_all(c->fd, buf, n) != 0)
		_exit(CHILD_PIPE_FAILED);
}

static void child_fail(struct child *c, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));

static void
child_fail(struct child *c, int code, const char *fmt, ...)
{
	char msg[MAX_MESSAGE];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	child_send_line(c, 'E', msg);
	fflush(stdout); /* the solve's own output: the parent's was purged */
	fflush(stderr);
	_exit(code);
}

static void
child_progress(void *arg, const char *part, double fraction, double best, double bound)
{
	struct child *c = arg;
	char name[MAX_PART], buf[MAX_PART + 96];
	size_t i;
	int n;

	for (i = 0; part != NULL && part[i] != '\0' && i < sizeof(name) - 1; i++)
		name[i] = ((unsigned char)part[i] <= ' ' || part[i] == 0x7f) ? '_' : part[i];
	if (i == 0)
		name[i++] = '-';
	name[i] = '\0';
	n = snprintf(buf, sizeof(buf), "P %s %.17g %.17g %.17g\n", name, fraction, best, bound);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return;
	if (solver_write_all(c->fd, buf, (size_t)n) != 0)
		_exit(CHILD_PIPE_FAILED);
}

/*
 * GLPK's terminal output.  When GLPK enters its error state it prints the
 * message through here before calling the error hook: keep that text.
 * Everything else goes to stderr when verbose, and nowhere otherwise (GLPK
 * would write to stdout, which may carry parkplanctl's output).
 */
static int
child_term_hook(void *info, const char *s)
{
	struct child *c = info;
	size_t len = strlen(s);

	if (glp_at_error()) {
		size_t room = sizeof(c->glpk_error) - 1 - c->glpk_error_len;
		size_t take = len < room ? len : room;

		memcpy(c->glpk_error + c->glpk_error_len, s, take);
		c->glpk_error_len += take;
		c->glpk_error[c->glpk_error_len] = '\0';
	}
	if (c->verbose)
		(void)solver_write_all(STDERR_FILENO, s, len);
	return 1;
}

/*
 * GLPK cannot be used any more once it called this: report and leave,
 * without atexit handlers and without flushing stdio.
 */
static void
child_error_hook(void *info)
{
	struct child *c = info;
	char msg[MAX_MESSAGE];
	size_t i, n = 0;

	/* "glp_add_rows: nrs = -1; ...\nError detected in file ... at line 254\n" */
	for (i = 0; i < c->glpk_error_len && n < sizeof(msg) - 3; i++) {
		if (c->glpk_error[i] == '\n') {
			if (i + 1 < c->glpk_error_len) {
				msg[n++] = ';';
				msg[n++] = ' ';
			}
		} else {
			msg[n++] = c->glpk_error[i];
		}
	}
	msg[n] = '\0';
	child_send_line(c, 'G', n > 0 ? msg : "unknown error");
	_exit(CHILD_GLPK_ERROR);
}

static void
child_reset_signals(void)
{
	static const int sigs[] = {SIGPIPE, SIGTERM, SIGINT,  SIGHUP,  SIGQUIT, SIGUSR1,
	                           SIGUSR2, SIGCHLD, SIGALRM, SIGXCPU, SIGXFSZ};
	sigset_t none;
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Keep stdin, stdout, stderr and the pipe; the daemon's sockets must not leak. */
static int
child_close_fds(int fd)
{
	long max;
	int i;

	if (fd < 3) {
		int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);

		if (moved < 0)
			return -1;
		fd = moved;
	}
	if ((fd == 3 || close_range(3, (unsigned)fd - 1, 0) == 0) &&
	    close_range((unsigned)fd + 1, ~0U, 0) == 0)
		return fd;
	max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > FALLBACK_MAX_FD)
		max = FALLBACK_MAX_FD;
	for (i = 3; i < max; i++)
		if (i != fd)
			close(i);
	return fd;
}

static void
child_set_limit(struct child *c, int resource, const char *what, rlim_t value, rlim_t hard)
{
	struct rlimit old, rl;

	if (getrlimit(resource, &old) != 0)
		child_fail(c, CHILD_SETUP_FAILED, "cannot read the %s limit: %s", what,
		           strerror(errno));
	/* Never above a hard limit set from outside (ulimit, systemd). */
	if (old.rlim_max != RLIM_INFINITY) {
		if (value > old.rlim_max)
			value = old.rlim_max;
		if (hard > old.rlim_max)
			hard = old.rlim_max;
	}
	rl.rlim_cur = value;
	rl.rlim_max = hard;
	if (setrlimit(resource, &rl) != 0)
		child_fail(c, CHILD_SETUP_FAILED, "cannot set the %s limit: %s", what,
		           strerror(errno));
}

/*
 * The bytes the child's solve may still allocate (solver_options.memory_room):
 * the soft RLIMIT_AS limit less the address space mapped now (VmSize) and a
 * margin left unspent (the plan, its JSON, libc's own heap); INFINITY
 * without a limit.
 */
static double
child_memory_room(void *arg)
{
	const double margin = 48.0 * 1024 * 1024;
	struct rlimit rl;
	FILE *f;
	unsigned long pages = 0;
	long psz = sysconf(_SC_PAGESIZE);
	double room;

	(void)arg;
	if (getrlimit(RLIMIT_AS, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
		return INFINITY;
	f = fopen("/proc/self/statm", "r");
	if (f != NULL) {
		if (fscanf(f, "%lu", &pages) != 1)
			pages = 0;
		fclose(f);
	}
	room = (double)rl.rlim_cur - (double)pages * (double)(psz > 0 ? psz : 4096) - margin;
#ifdef __GLIBC__
	/*
	 * What malloc holds free (the snapshot's JSON, freed) is reused
	 * without mapping more: count half of it, for fragmentation.
	 */
	room += (double)mallinfo2().fordblks / 2;
#endif
	return room;
}

static void
child_run(int fd, pid_t parent, solver_solve_fn fn, const struct snapshot *s,
          const struct solver_limits *lim, const struct solver_options *opt, bool memory_enforced)
{
	struct child *c = &child_state;
	struct solver_options copt = {0};
	struct plan plan;
	char err[MAX_MESSAGE] = "";
	char header[64];
	json_t *doc;
	char *text;
	size_t len;
	int n;

	/* The parent's unwritten stdio output is the parent's to write. */
	__fpurge(stdout);
	__fpurge(stderr);
	child_reset_signals();
	c->fd = fd;
	fd = child_close_fds(fd);
	if (fd < 0)
		_exit(CHILD_SETUP_FAILED);
	c->fd = fd;
	c->verbose = opt != NULL && opt->verbose;

	/* Die with the parent rather than solve for nobody. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(CHILD_PIPE_FAILED);

	/* A child that blew its limits would only leave a huge core behind. */
	child_set_limit(c, RLIMIT_CORE, "core size", 0, 0);
	if (memory_enforced)
		child_set_limit(c, RLIMIT_AS, "memory", (rlim_t)lim->memory_bytes,
		                (rlim_t)lim->memory_bytes);
	if (lim->cpu_s > 0 && lim->cpu_s < 1e15) {
		rlim_t soft = (rlim_t)ceil(lim->cpu_s);

		/* SIGXCPU at the soft limit; SIGKILL 5 s later if it is ignored. */
		child_set_limit(c, RLIMIT_CPU, "CPU time", soft, soft + 5);
	}

	glp_term_hook(child_term_hook, c);
	glp_error_hook(child_error_hook, c);

	if (opt != NULL)
		copt = *opt;
	copt.progress = NULL;
	copt.progress_arg = NULL;
	if (opt != NULL && opt->progress != NULL) {
		copt.progress = child_progress;
		copt.progress_arg = c;
	}
	if (copt.memory_room == NULL) {
		copt.memory_room = child_memory_room;
		copt.memory_room_arg = NULL;
	}

	if (fn(s, &copt, &plan, err, sizeof(err)) != 0)
		child_fail(c, CHILD_SOLVE_FAILED, "%s", err[0] != '\0' ? err : "the solve failed");
	/*
	 * Freed although _exit() follows: memcheck would otherwise count what
	 * only a dead register still pointed to as lost.
	 */
	doc = plan_to_json(&plan);
	plan_free(&plan);
	if (doc == NULL)
		child_fail(c, CHILD_SOLVE_FAILED, "the plan could not be written as JSON");
	text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	if (text == NULL)
		child_fail(c, CHILD_NO_MEMORY, "out of memory writing the plan as JSON");
	len = strlen(text);
	n = snprintf(header, sizeof(header), "R %zu\n", len);
	if (solver_write_all(fd, header, (size_t)n) != 0 || solver_write_all(fd, text, len) != 0)
		_exit(CHILD_PIPE_FAILED);
	free(text);
	/* The solve's own output, if any, then leave without atexit handlers. */
	fflush(stdout);
	fflush(stderr);
	_exit(CHILD_OK);
}

/* ------------------------------------------------------------------ */
/* The parent                                                           */
/* ------------------------------------------------------------------ */

static void job_bad(struct solver_job *job, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
job_bad(struct solver_job *job, const char *fmt, ...)
{
	va_list ap;

	if (job->bad[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(job->bad, sizeof(job->bad), fmt, ap);
	va_end(ap);
	if (job->bad[0] == '\0')
		snprintf(job->bad, sizeof(job->bad), "unreadable output");
}

/* Parse a double that must end at a space or the end of the line. */
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

static void
job_progress_line(struct solver_job *job, char *rest)
{
	char part[MAX_PART];
	char *space = strchr(rest, ' ');
	double fraction, best, bound;
	size_t plen;

	if (space == NULL || (plen = (size_t)(space - rest)) == 0 || plen >= sizeof(part)) {
		job_bad(job, "a progress line without a part");
		return;
	}
	memcpy(part, rest, plen);
	part[plen] = '\0';
	rest = space;
	if (parse_number(&rest, &fraction) != 0 || parse_number(&rest, &best) != 0 ||
	    parse_number(&rest, &bound) != 0 || *rest != '\0') {
		job_bad(job, "a progress line that is not \"P part fraction best bound\"");
		return;
	}
	if (job->progress != NULL)
		job->progress(job->progress_arg, part, fraction, best, bound);
}

static void
job_plan_header(struct solver_job *job, const char *rest)
{
	unsigned long long len;
	char *end;

	if (job->have_plan) {
		job_bad(job, "a second plan");
		return;
	}
	if (*rest < '0' || *rest > '9') {
		job_bad(job, "a plan header without a length");
		return;
	}
	errno = 0;
	len = strtoull(rest, &end, 10);
	if (*end != '\0' || errno != 0) {
		job_bad(job, "a plan header without a length");
		return;
	}
	if (len > MAX_PLAN_BYTES) {
		job_bad(job, "a plan of %llu bytes, above the bound of 1 GiB", len);
		return;
	}
	job->plan_len = (size_t)len;
	job->plan_have = 0;
	if (len == 0) {
		job->have_plan = true;
		return;
	}
	job->in_plan = true;
}

static void
job_line(struct solver_job *job, char *line)
{
	char kind = line[0];

	if (kind == '\0' || line[1] != ' ') {
		job_bad(job, "a line that is no message");
		return;
	}
	switch (kind) {
	case 'P':
		job_progress_line(job, line + 2);
		break;
	case 'E':
	case 'G':
		if (job->message_kind == 0) {
			job->message_kind = kind;
			snprintf(job->message, sizeof(job->message), "%s", line + 2);
		}
		break;
	case 'R':
		job_plan_header(job, line + 2);
		break;
	default:
		job_bad(job, "an unknown message \"%c\"", kind);
		break;
	}
}

static int
job_plan_reserve(struct solver_job *job, size_t need)
{
	size_t cap = job->plan_cap;
	char *p;

	if (need <= cap)
		return 0;
	if (cap < 65536)
		cap = 65536;
	while (cap < need)
		cap *= 2;
	if (cap > job->plan_len)
		cap = job->plan_len;
	p = realloc(job->plan, cap + 1);
	if (p == NULL)
		return -1;
	job->plan = p;
	job->plan_cap = cap;
	return 0;
}

static void
job_consume(struct solver_job *job, const char *p, size_t n)
{
	while (n > 0 && job->bad[0] == '\0') {
		const char *nl;
		size_t take;

		if (job->in_plan) {
			take = job->plan_len - job->plan_have;
			if (take > n)
				take = n;
			if (job_plan_reserve(job, job->plan_have + take) != 0) {
				job_bad(job, "no memory for a plan of %zu bytes", job->plan_len);
				return;
			}
			memcpy(job->plan + job->plan_have, p, take);
			job->plan_have += take;
			p += take;
			n -= take;
			if (job->plan_have == job->plan_len) {
				job->in_plan = false;
				job->have_plan = true;
			}
			continue;
		}
		if (job->have_plan) {
			job_bad(job, "output after the plan");
			return;
		}
		nl = memchr(p, '\n', n);
		take = nl != NULL ? (size_t)(nl - p) + 1 : n;
		if (job->line_len + take > MAX_LINE) {
			job_bad(job, "a line longer than %d bytes", MAX_LINE);
			return;
		}
		if (memchr(p, '\0', take) != NULL) {
			job_bad(job, "a line with a NUL byte");
			return;
		}
		memcpy(job->line + job->line_len, p, take);
		job->line_len += take;
		p += take;
		n -= take;
		if (nl != NULL) {
			job->line[job->line_len - 1] = '\0';
			job->line_len = 0;
			job_line(job, job->line);
		}
	}
}

struct solver_job *
solver_job_start_fn(solver_solve_fn fn, const struct snapshot *s, const struct solver_limits *lim,
                    const struct solver_options *opt, char *err, size_t errlen)
{
	static bool warned_memory;
	const char *blocker;
	char num[32];
	struct solver_job *job;
	int fds[2];
	pid_t parent = getpid();

	job = calloc(1, sizeof(*job));
	if (job == NULL) {
		snprintf(err, errlen, "cannot start the solver: out of memory");
		return NULL;
	}
	if (lim != NULL)
		job->lim = *lim;
	else
		solver_limits_default(&job->lim, s);
	blocker = job->lim.memory_bytes > 0 ? memory_limit_blocker() : NULL;
	job->memory_enforced = job->lim.memory_bytes > 0 && blocker == NULL;
	if (blocker != NULL && !warned_memory) {
		warned_memory = true;
		fprintf(stderr,
		        "parkplan: the solver's memory limit of %s MiB is not enforced: %s\n",
		        limit_text(memory_mib(&job->lim), num), blocker);
	}
	if (opt != NULL) {
		job->progress = opt->progress;
		job->progress_arg = opt->progress_arg;
	}
	if (pipe2(fds, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "cannot start the solver: pipe: %s", strerror(errno));
		free(job);
		return NULL;
	}
	if (fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK) != 0) {
		snprintf(err, errlen, "cannot start the solver: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		free(job);
		return NULL;
	}
	clock_gettime(CLOCK_MONOTONIC, &job->started);
	job->pid = fork();
	if (job->pid < 0) {
		snprintf(err, errlen, "cannot start the solver: fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		free(job);
		return NULL;
	}
	if (job->pid == 0) {
		close(fds[0]);
		child_run(fds[1], parent, fn, s, &job->lim, opt, job->memory_enforced);
		_exit(CHILD_SETUP_FAILED); /* not reached */
	}
	close(fds[1]);
	job->fd = fds[0];
	return job;
}

struct solver_job *
solver_job_start(const struct snapshot *s, const struct solver_limits *lim,
                 const struct solver_options *opt, char *err, size_t errlen)
{
	return solver_job_start_fn(solver_solve, s, lim, opt, err, errlen);
}

int
solver_job_fd(const struct solver_job *job)
{
	return job->fd;
}

pid_t
solver_job_pid(const struct solver_job *job)
{
	return job->pid;
}

enum solver_job_state
solver_job_pump(struct solver_job *job)
{
	char buf[65536];
	size_t total = 0;

	while (!job->done && total < MAX_READ_PER_PUMP) {
		ssize_t n = read(job->fd, buf, sizeof(buf));

		if (n > 0) {
			total += (size_t)n;
			job->bytes_read += (size_t)n;
			job_consume(job, buf, (size_t)n);
		} else if (n == 0) {
			job->done = true;
		} else if (errno == EINTR) {
			continue;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			break;
		} else {
			job_bad(job, "cannot read from the solver: %s", strerror(errno));
			job->done = true;
		}
	}
	return job->done ? JOB_DONE : JOB_RUNNING;
}

double
solver_job_remaining(const struct solver_job *job)
{
	double started;

	if (!(job->lim.wall_s > 0))
		return INFINITY;
	started = (double)job->started.tv_sec + (double)job->started.tv_nsec / 1e9;
	return started + job->lim.wall_s - monotonic_now();
}

void
solver_job_kill(struct solver_job *job, const char *why)
{
	if (!job->killed) {
		job->killed = true;
		if (why != NULL) {
			snprintf(job->kill_why, sizeof(job->kill_why), "%s", why);
			job->kill_why_set = true;
		} else if (solver_job_remaining(job) <= 0) {
			char num[32];

			snprintf(job->kill_why, sizeof(job->kill_why),
			         "solver exceeded its deadline of %s s",
			         limit_text(job->lim.wall_s, num));
			job->kill_why_set = true;
		}
	}
	kill(job->pid, SIGKILL);
}

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
memory_error(const struct solver_job *job, const char *detail, char *err, size_t errlen)
{
	char num[32];

	if (job->memory_enforced)
		snprintf(err, errlen, "solver exceeded its memory limit of %s MiB%s%s%s",
		         limit_text(memory_mib(&job->lim), num), detail ? " (" : "",
		         detail ? detail : "", detail ? ")" : "");
	else
		snprintf(err, errlen, "solver ran out of memory%s%s%s", detail ? " (" : "",
		         detail ? detail : "", detail ? ")" : "");
}

/* Turn what the child did into 0, or -1 with err; *out is left empty. */
static int
job_outcome(struct solver_job *job, int status, bool reaped, const struct rusage *ru, char *err,
            size_t errlen)
{
	char name[32], num[32];

	if (reaped && WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		double cpu = (double)ru->ru_utime.tv_sec + (double)ru->ru_utime.tv_usec / 1e6 +
		             (double)ru->ru_stime.tv_sec + (double)ru->ru_stime.tv_usec / 1e6;
		bool cpu_limit = job->lim.cpu_s > 0 && job->lim.cpu_s < 1e15;

		if (sig == SIGKILL && job->killed) {
			if (job->kill_why_set)
				snprintf(err, errlen, "%s", job->kill_why);
			else
				snprintf(err, errlen, "solver was stopped");
		} else if (cpu_limit &&
		           (sig == SIGXCPU || (sig == SIGKILL && cpu >= ceil(job->lim.cpu_s)))) {
			snprintf(err, errlen, "solver exceeded its CPU limit of %s s",
			         limit_text(job->lim.cpu_s, num));
		} else if (job->memory_enforced &&
		           (sig == SIGSEGV || sig == SIGABRT || sig == SIGBUS)) {
			/* under RLIMIT_AS, most likely an allocation that failed */
			char detail[64];

			snprintf(detail, sizeof(detail), "it died of %s", signal_name(sig, name));
			memory_error(job, detail, err, errlen);
		} else {
			snprintf(err, errlen, "solver was killed by signal %d (%s)", sig,
			         signal_name(sig, name));
		}
		return -1;
	}
	if (reaped && WIFEXITED(status)) {
		int code = WEXITSTATUS(status);

		switch (code) {
		case CHILD_OK:
			break;
		case CHILD_GLPK_ERROR:
			if (job->message_kind == 'G' && glpk_out_of_memory(job->message)) {
				/* GLPK's words, without where in GLPK it noticed */
				char *where = strstr(job->message, "; Error detected in file");

				if (where != NULL)
					*where = '\0';
				memory_error(job, job->message, err, errlen);
			} else {
				snprintf(err, errlen, "GLPK failed: %s",
				         job->message_kind == 'G' ? job->message : "no message");
			}
			return -1;
		case CHILD_NO_MEMORY:
			memory_error(job, job->message_kind ? job->message : NULL, err, errlen);
			return -1;
		case CHILD_SOLVE_FAILED:
		case CHILD_SETUP_FAILED:
			if (job->message_kind == 0)
				snprintf(err, errlen, "solver failed without a message");
			else if (strstr(job->message, "out of memory") != NULL &&
			         job->memory_enforced)
				memory_error(job, job->message, err, errlen);
			else
				snprintf(err, errlen, "%s", job->message);
			return -1;
		default:
			snprintf(err, errlen, "solver exited unexpectedly with status %d%s%s", code,
			         job->message_kind ? ": " : "",
			         job->message_kind ? job->message : "");
			return -1;
		}
	}
	/* A clean exit, or a status lost to SIGCHLD ignored: the output decides. */
	if (job->bad[0] != '\0') {
		snprintf(err, errlen, "solver sent a malformed result: %s", job->bad);
		return -1;
	}
	if (job->in_plan) {
		snprintf(err, errlen,
		         "solver sent a malformed result: the plan was cut short after %zu of "
		         "%zu bytes",
		         job->plan_have, job->plan_len);
		return -1;
	}
	if (!job->have_plan) {
		if (job->message_kind != 0)
			snprintf(err, errlen, "%s", job->message);
		else if (!reaped)
			snprintf(err, errlen, "solver ended without a plan");
		else
			snprintf(err, errlen, "solver sent a malformed result: no plan");
		return -1;
	}
	return 0;
}

static int
job_decode_plan(struct solver_job *job, struct plan *out, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *doc;
	char why[256];

	doc = json_loadb(job->plan, job->plan_len, 0, &jerr);
	if (doc == NULL) {
		snprintf(err, errlen, "solver sent a malformed result: %s (byte %d)", jerr.text,
		         jerr.position);
		return -1;
	}
	if (plan_from_json(doc, out, why, sizeof(why)) != 0) {
		json_decref(doc);
		plan_free(out);
		plan_init(out);
		snprintf(err, errlen, "solver sent a malformed result: %s", why);
		return -1;
	}
	json_decref(doc);
	return 0;
}

static void
job_free(struct solver_job *job)
{
	if (job->fd >= 0)
		close(job->fd);
	free(job->plan);
	free(job);
}

int
solver_job_finish(struct solver_job *job, struct plan *out, char *err, size_t errlen)
{
	struct rusage ru;
	int status = 0, rc;
	bool reaped = false;
	pid_t r;

	plan_init(out);
	if (job == NULL) {
		snprintf(err, errlen, "no solver job");
		return -1;
	}
	if (!job->done && !job->killed)
		solver_job_kill(job, "solver was stopped before it finished");
	memset(&ru, 0, sizeof(ru));
	for (;;) {
		/*
		 * After EOF the child is on its way out; but one that closed
		 * the pipe and goes on solving still meets the deadline.
		 */
		r = wait4(job->pid, &status, job->killed ? 0 : WNOHANG, &ru);
		if (r == job->pid) {
			reaped = true;
			break;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break; /* ECHILD: SIGCHLD ignored, the status is lost */
		if (solver_job_remaining(job) <= 0)
			solver_job_kill(job, NULL);
		else
			nanosleep(&(struct timespec){0, 2 * 1000 * 1000}, NULL);
	}
	/*
	 * Whatever the child wrote before it died is in the pipe now; stop
	 * when nothing more comes (another process still holds the pipe).
	 */
	for (;;) {
		size_t before = job->bytes_read;

		if (solver_job_pump(job) == JOB_DONE || job->bytes_read == before)
			break;
	}
	rc = job_outcome(job, status, reaped, &ru, err, errlen);
	if (rc == 0)
		rc = job_decode_plan(job, out, err, errlen);
	job_free(job);
	return rc;
}

int
solver_run_isolated(const struct snapshot *s, const struct solver_limits *lim,
                    const struct solver_options *opt, struct plan *out, char *err, size_t errlen)
{
	struct solver_job *job;

	job = solver_job_start(s, lim, opt, err, errlen);
	if (job == NULL) {
		plan_init(out);
		return -1;
	}
	while (solver_job_pump(job) == JOB_RUNNING) {
		double left = solver_job_remaining(job);
		struct pollfd pfd = {.fd = solver_job_fd(job), .events = POLLIN};
		int timeout;

		if (left <= 0) {
			solver_job_kill(job, NULL);
			break;
		}
		if (isinf(left) || left > INT_MAX / 1000 - 1)
			timeout = isinf(left) ? -1 : INT_MAX - 1000;
		else
			timeout = (int)ceil(left * 1000);
		if (poll(&pfd, 1, timeout) < 0 && errno != EINTR) {
			char why[128];

			snprintf(why, sizeof(why), "cannot wait for the solver: %s",
			         strerror(errno));
			solver_job_kill(job, why);
			break;
		}
	}
	return solver_job_finish(job, out, err, errlen);
}
