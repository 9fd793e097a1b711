/*
 * worker.h - the one way parkplan runs work in a child process.
 *
 * Work that may abort the process (GLPK), blow its memory, run away, or
 * simply hold an event loop too long is done in a forked child.  The child
 * has the parent's memory as it was at the fork (copy on write): it reads
 * what it needs, works under RLIMIT_AS and RLIMIT_CPU, and sends its answer
 * as frames (frame.h) over a pipe, then exits.  The parent reads the pipe
 * without blocking, enforces a wall-clock deadline with SIGKILL and reaps
 * the child; whatever the child does, the parent gets its frames and a
 * plain account of how it ended (struct worker_end), and lives on.
 *
 * It knows nothing of what the work is: the solve (solve.h), the daemon's
 * snapshot and explain children put their meaning on top.
 *
 * Two ways to drive it:
 *  - blocking, for parkplanctl and tests: worker_start(), worker_wait();
 *  - from an event loop: watch worker_fd() for reading and call
 *    worker_pump(); when SIGCHLD arrives call worker_reap(); at the
 *    deadline (worker_remaining()) call worker_kill().
 */
#ifndef PARKPLAN_WORKER_H
#define PARKPLAN_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "frame.h"

struct worker_limits {
	size_t memory_bytes; /* RLIMIT_AS of the child; 0: no limit */
	double cpu_s;        /* RLIMIT_CPU of the child; 0: no limit */
	double wall_s;       /* wall-clock deadline, enforced by the parent; 0: none */
};

/* Exit statuses the worker itself gives the child. */
#define WORKER_EXIT_PIPE 74  /* the parent stopped listening */
#define WORKER_EXIT_SETUP 75 /* sent an 'E' frame: a limit could not be set */

/* The frame a child sends with worker_fail(): a one-line message. */
#define WORKER_FRAME_ERROR 'E'
/* Kept of such a message. */
#define WORKER_MAX_MESSAGE 2048

/* In the child: the work, writing frames to fd; returns the exit status. */
typedef int (*worker_child_fn)(int fd, void *arg);

struct worker_spec {
	const char *what; /* "solver", "snapshot": for messages */
	struct worker_limits limits;
	worker_child_fn child;
	void *child_arg;
	frame_fn frame; /* in the parent, for each frame */
	void *frame_arg;
	size_t max_frame; /* the largest payload taken; 0: FRAME_MAX_LEN */
};

struct worker;

/*
 * Fork the child.  Returns NULL with err set when the pipe or the fork
 * fails.  The memory limit is not set when the process runs under
 * AddressSanitizer or valgrind (they reserve more address space than it
 * would leave); that is said once on stderr, and worker_end() tells.
 */
struct worker *worker_start(const struct worker_spec *spec, char *err, size_t errlen);
/* The read end of the pipe: non-blocking. */
int worker_fd(const struct worker *w);
pid_t worker_pid(const struct worker *w);
const struct worker_limits *worker_limits(const struct worker *w);
bool worker_memory_enforced(const struct worker *w);

enum worker_state { WORKER_RUNNING, WORKER_EOF };
/* Read what is there without blocking; WORKER_EOF once the output ended. */
enum worker_state worker_pump(struct worker *w);
/* Seconds until the wall-clock deadline (negative when passed, INFINITY when none). */
double worker_remaining(const struct worker *w);
/*
 * SIGKILL the child, remembering why (worker_end()).  why NULL: "WHAT
 * exceeded its deadline of N s" once the deadline has passed, no reason
 * before.
 */
void worker_kill(struct worker *w, const char *why);
/*
 * Without blocking: has the child exited?  Once it has (or its status is
 * lost, SIGCHLD being ignored), what is left in the pipe is read and true
 * is returned, now and after.
 */
bool worker_reap(struct worker *w);
/*
 * Block until the output ended and the child is reaped, keeping the
 * deadline (a child that closed its output and goes on is killed at it).
 */
void worker_wait(struct worker *w);

struct worker_end {
	bool reaped;          /* false: the status was lost (SIGCHLD ignored) */
	int status;           /* the wait status, when reaped */
	double cpu_s;         /* user and system time of the child */
	bool killed;          /* worker_kill() was called */
	const char *kill_why; /* why it was killed; NULL: no reason known */
	/* the first fault in the output (frame.h), FRAME_FAULT_NONE if none */
	enum frame_fault fault;
	int fault_type;
	size_t fault_len;
	const char *fault_text;
	/* the output ended inside a frame (type -1: inside a header) */
	bool cut;
	int cut_type;
	size_t cut_have, cut_len;
};
/* How the child ended: valid after worker_reap() returned true. */
void worker_end(const struct worker *w, struct worker_end *end);
/*
 * The child's end as an error for a log or a reply ("the snapshot child
 * exited with status 2"): 0 when it exited 0 with its output whole and
 * sound, else -1 with err.
 */
int worker_error(const struct worker *w, char *err, size_t errlen);
/* A limit for a message: "90", "0.5", never "1e+06". */
const char *worker_number(double x, char buf[32]);
/* Kill and reap a child still there, close the pipe.  NULL is a no-op. */
void worker_free(struct worker *w);

/*
 * In the child: text as a frame of this type, made one line (newlines as
 * spaces, no trailing blanks) and bounded to WORKER_MAX_MESSAGE bytes.
 * Returns 0, or -1 on a write error.
 */
int worker_send_line(int fd, int type, const char *text);
/*
 * In the child: send msg as a WORKER_FRAME_ERROR frame (made one line and
 * bounded), flush stdio and _exit(status).
 */
void worker_fail(int fd, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));

/*
 * In the child: the bytes it may still map under its RLIMIT_AS soft limit,
 * for work that sizes itself to the memory left (the roster's model):
 * the limit less the address space mapped now (VmSize) and a margin of
 * 48 MiB, plus half of what malloc holds free (reused without mapping
 * more; half, for fragmentation).  0 when nothing is left, INFINITY
 * without a limit.  arg is unused: the shape of a solver_options callback.
 */
double worker_memory_room(void *arg);

#endif
