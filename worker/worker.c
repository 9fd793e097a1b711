/*
 * worker.c - work in a child process (see worker.h): the fork, the child's
 * set-up and limits, the parent's reading, deadline, killing and reaping.
 */
#include "worker.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
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

/* AddressSanitizer reserves terabytes of address space: RLIMIT_AS cannot hold. */
#if defined(__SANITIZE_ADDRESS__)
#define WORKER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WORKER_ASAN 1
#endif
#endif
#ifndef WORKER_ASAN
#define WORKER_ASAN 0
#endif
/* So does valgrind, which then cannot run the child at all. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define WORKER_VALGRIND_H 1
#endif
#endif

#define MIB ((size_t)1024 * 1024)
#define READ_CHUNK 65536
#define MAX_READ_PER_PUMP (4 * MIB) /* keep the caller's loop responsive */
#define FALLBACK_MAX_FD 65536

struct worker {
	char what[32];
	pid_t pid;
	int fd;
	struct worker_limits lim;
	bool memory_enforced;
	struct timespec started;
	frame_fn frame;
	void *frame_arg;
	struct frame_reader reader;

	bool eof; /* the output ended (EOF or a read error) */
	size_t bytes_read;
	char read_error[160];
	bool killed;
	char kill_why[256]; /* "" when no reason is known */

	bool reaped, status_lost;
	int status;
	double cpu_s;
};

/* --- limits --------------------------------------------------------------- */

const char *
worker_number(double x, char buf[32])
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

	if (WORKER_ASAN)
		return "AddressSanitizer reserves the address space RLIMIT_AS would cap";
#ifdef WORKER_VALGRIND_H
	if (RUNNING_ON_VALGRIND)
		return "valgrind needs more address space than RLIMIT_AS would leave";
#endif
	if (preload != NULL && strstr(preload, "vgpreload") != NULL)
		return "valgrind needs more address space than RLIMIT_AS would leave";
	return NULL;
}

static double
monotonic_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --- the child ------------------------------------------------------------ */

int
worker_send_line(int fd, int type, const char *text)
{
	char line[WORKER_MAX_MESSAGE];
	size_t n = 0, i;

	for (i = 0; text[i] != '\0' && n < sizeof(line); i++)
		line[n++] = (text[i] == '\n' || text[i] == '\r') ? ' ' : text[i];
	while (n > 0 && line[n - 1] == ' ')
		n--;
	return frame_write(fd, type, line, n);
}

void
worker_fail(int fd, int status, const char *fmt, ...)
{
	char msg[WORKER_MAX_MESSAGE];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (worker_send_line(fd, WORKER_FRAME_ERROR, msg) != 0)
		_exit(WORKER_EXIT_PIPE);
	fflush(stdout); /* the work's own output: the parent's was purged */
	fflush(stderr);
	_exit(status);
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
child_set_limit(int fd, int resource, const char *what, rlim_t value, rlim_t hard)
{
	struct rlimit old, rl;

	if (getrlimit(resource, &old) != 0)
		worker_fail(fd, WORKER_EXIT_SETUP, "cannot read the %s limit: %s", what,
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
		worker_fail(fd, WORKER_EXIT_SETUP, "cannot set the %s limit: %s", what,
		            strerror(errno));
}

static void __attribute__((noreturn))
child_main(int fd, pid_t parent, const struct worker_spec *spec, const struct worker *w)
{
	/* The parent's unwritten stdio output is the parent's to write. */
	__fpurge(stdout);
	__fpurge(stderr);
	child_reset_signals();
	fd = child_close_fds(fd);
	if (fd < 0)
		_exit(WORKER_EXIT_SETUP);

	/* Die with the parent rather than work for nobody. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(WORKER_EXIT_PIPE);

	/*
	 * Background work: a child computes while the parent's loop answers
	 * people. It is marked CPU-bound (SCHED_BATCH) and runs at normal
	 * priority: when parkpland runs above it (the unit's Nice=), the
	 * loop takes a core from the children at once, and the children
	 * still get their share of a machine shared with other work (a niced
	 * solver starved by a busy machine ends at its time limit with a poor
	 * roster). Best effort: a refusal changes only the latency.
	 */
	{
		struct sched_param sp = {.sched_priority = 0};

		(void)sched_setscheduler(0, SCHED_BATCH, &sp);
		errno = 0;
		if (getpriority(PRIO_PROCESS, 0) < 0 && errno == 0)
			(void)setpriority(PRIO_PROCESS, 0, 0);
	}

	/* A child that blew its limits would only leave a huge core behind. */
	child_set_limit(fd, RLIMIT_CORE, "core size", 0, 0);
	if (w->memory_enforced)
		child_set_limit(fd, RLIMIT_AS, "memory", (rlim_t)w->lim.memory_bytes,
		                (rlim_t)w->lim.memory_bytes);
	if (w->lim.cpu_s > 0 && w->lim.cpu_s < 1e15) {
		rlim_t soft = (rlim_t)ceil(w->lim.cpu_s);

		/* SIGXCPU at the soft limit; SIGKILL 5 s later if it is ignored. */
		child_set_limit(fd, RLIMIT_CPU, "CPU time", soft, soft + 5);
	}
	_exit(spec->child(fd, spec->child_arg));
}

/* --- the parent ----------------------------------------------------------- */

struct worker *
worker_start(const struct worker_spec *spec, char *err, size_t errlen)
{
	static bool warned_memory;
	const char *blocker;
	char num[32];
	struct worker *w;
	int fds[2];
	pid_t parent = getpid();

	w = calloc(1, sizeof(*w));
	if (w == NULL) {
		snprintf(err, errlen, "cannot start the %s: out of memory", spec->what);
		return NULL;
	}
	snprintf(w->what, sizeof(w->what), "%s", spec->what);
	w->fd = -1;
	w->lim = spec->limits;
	w->frame = spec->frame;
	w->frame_arg = spec->frame_arg;
	frame_reader_init(&w->reader, spec->max_frame > 0 ? spec->max_frame : FRAME_MAX_LEN);
	blocker = w->lim.memory_bytes > 0 ? memory_limit_blocker() : NULL;
	w->memory_enforced = w->lim.memory_bytes > 0 && blocker == NULL;
	if (blocker != NULL && !warned_memory) {
		warned_memory = true;
		fprintf(stderr, "parkplan: the %s's memory limit of %s MiB is not enforced: %s\n",
		        w->what, worker_number((double)w->lim.memory_bytes / (double)MIB, num),
		        blocker);
	}
	if (pipe2(fds, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "cannot start the %s: pipe: %s", w->what, strerror(errno));
		free(w);
		return NULL;
	}
	if (fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK) != 0) {
		snprintf(err, errlen, "cannot start the %s: %s", w->what, strerror(errno));
		close(fds[0]);
		close(fds[1]);
		free(w);
		return NULL;
	}
	clock_gettime(CLOCK_MONOTONIC, &w->started);
	w->pid = fork();
	if (w->pid < 0) {
		snprintf(err, errlen, "cannot start the %s: fork: %s", w->what, strerror(errno));
		close(fds[0]);
		close(fds[1]);
		free(w);
		return NULL;
	}
	if (w->pid == 0) {
		close(fds[0]);
		child_main(fds[1], parent, spec, w);
	}
	close(fds[1]);
	w->fd = fds[0];
	return w;
}

int
worker_fd(const struct worker *w)
{
	return w->fd;
}

pid_t
worker_pid(const struct worker *w)
{
	return w->pid;
}

const struct worker_limits *
worker_limits(const struct worker *w)
{
	return &w->lim;
}

bool
worker_memory_enforced(const struct worker *w)
{
	return w->memory_enforced;
}

enum worker_state
worker_pump(struct worker *w)
{
	char buf[READ_CHUNK];
	size_t total = 0;

	while (!w->eof && total < MAX_READ_PER_PUMP) {
		ssize_t n = read(w->fd, buf, sizeof(buf));

		if (n > 0) {
			total += (size_t)n;
			w->bytes_read += (size_t)n;
			/* a fault is kept in the reader; what follows is ignored */
			(void)frame_reader_feed(&w->reader, buf, (size_t)n, w->frame, w->frame_arg);
		} else if (n == 0) {
			w->eof = true;
		} else if (errno == EINTR) {
			continue;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			break;
		} else {
			snprintf(w->read_error, sizeof(w->read_error),
			         "cannot read from the %s: %s", w->what, strerror(errno));
			w->eof = true;
		}
	}
	return w->eof ? WORKER_EOF : WORKER_RUNNING;
}

double
worker_remaining(const struct worker *w)
{
	double started;

	if (!(w->lim.wall_s > 0))
		return INFINITY;
	started = (double)w->started.tv_sec + (double)w->started.tv_nsec / 1e9;
	return started + w->lim.wall_s - monotonic_now();
}

void
worker_kill(struct worker *w, const char *why)
{
	if (w->reaped || w->status_lost)
		return;
	if (!w->killed) {
		w->killed = true;
		if (why != NULL) {
			snprintf(w->kill_why, sizeof(w->kill_why), "%s", why);
		} else if (worker_remaining(w) <= 0) {
			char num[32];

			snprintf(w->kill_why, sizeof(w->kill_why),
			         "%s exceeded its deadline of %s s", w->what,
			         worker_number(w->lim.wall_s, num));
		}
	}
	kill(w->pid, SIGKILL);
}

/* Whatever the child wrote before it died is in the pipe: read it. */
static void
worker_drain(struct worker *w)
{
	/* stop when nothing more comes (another process still holds the pipe) */
	for (;;) {
		size_t before = w->bytes_read;

		if (worker_pump(w) == WORKER_EOF || w->bytes_read == before)
			break;
	}
}

/* wait4 on the child, blocking or not: true once its status is known or lost. */
static bool
worker_wait4(struct worker *w, bool block)
{
	struct rusage ru;
	pid_t r;

	if (w->reaped || w->status_lost)
		return true;
	memset(&ru, 0, sizeof(ru));
	do
		r = wait4(w->pid, &w->status, block ? 0 : WNOHANG, &ru);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return false;
	if (r == w->pid) {
		w->reaped = true;
		w->cpu_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
		           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	} else {
		w->status_lost = true; /* ECHILD: SIGCHLD ignored */
	}
	worker_drain(w);
	return true;
}

bool
worker_reap(struct worker *w)
{
	return worker_wait4(w, false);
}

void
worker_wait(struct worker *w)
{
	while (worker_pump(w) == WORKER_RUNNING) {
		double left = worker_remaining(w);
		struct pollfd pfd = {.fd = w->fd, .events = POLLIN};
		int timeout;

		if (left <= 0) {
			worker_kill(w, NULL);
			break;
		}
		if (isinf(left) || left > INT_MAX / 1000 - 1)
			timeout = isinf(left) ? -1 : INT_MAX - 1000;
		else
			timeout = (int)ceil(left * 1000);
		if (poll(&pfd, 1, timeout) < 0 && errno != EINTR) {
			char why[128];

			snprintf(why, sizeof(why), "cannot wait for the %s: %s", w->what,
			         strerror(errno));
			worker_kill(w, why);
			break;
		}
	}
	/*
	 * After the end of the output the child is on its way out; but one
	 * that closed the pipe and goes on working still meets the deadline.
	 */
	while (!worker_wait4(w, w->killed)) {
		if (worker_remaining(w) <= 0)
			worker_kill(w, NULL);
		else
			nanosleep(&(struct timespec){0, 2 * 1000 * 1000}, NULL);
	}
}

void
worker_end(const struct worker *w, struct worker_end *end)
{
	memset(end, 0, sizeof(*end));
	end->reaped = w->reaped;
	end->status = w->status;
	end->cpu_s = w->cpu_s;
	end->killed = w->killed;
	end->kill_why = w->kill_why[0] != '\0' ? w->kill_why : NULL;
	end->fault = w->reader.fault;
	end->fault_type = w->reader.fault_type;
	end->fault_len = w->reader.fault_len;
	end->fault_text = w->reader.fault != FRAME_FAULT_NONE ? w->reader.fault_text : NULL;
	if (end->fault == FRAME_FAULT_NONE && w->read_error[0] != '\0') {
		end->fault = FRAME_FAULT_REFUSED;
		end->fault_type = -1;
		end->fault_text = w->read_error;
	}
	end->cut = frame_reader_cut(&w->reader, &end->cut_type, &end->cut_have, &end->cut_len);
}

int
worker_error(const struct worker *w, char *err, size_t errlen)
{
	struct worker_end end;

	worker_end(w, &end);
	if (end.reaped && WIFEXITED(end.status) && WEXITSTATUS(end.status) != 0)
		snprintf(err, errlen, "the %s child exited with status %d", w->what,
		         WEXITSTATUS(end.status));
	else if (end.reaped && WIFSIGNALED(end.status))
		snprintf(err, errlen, "the %s child was killed by signal %d", w->what,
		         WTERMSIG(end.status));
	else if (end.fault != FRAME_FAULT_NONE)
		snprintf(err, errlen, "bad answer from the %s child: %s", w->what, end.fault_text);
	else if (end.cut)
		snprintf(err, errlen, "the answer of the %s child was cut short", w->what);
	else
		return 0;
	return -1;
}

void
worker_free(struct worker *w)
{
	if (w == NULL)
		return;
	if (!w->reaped && !w->status_lost) {
		kill(w->pid, SIGKILL);
		while (waitpid(w->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (w->fd >= 0)
		close(w->fd);
	frame_reader_free(&w->reader);
	free(w);
}
