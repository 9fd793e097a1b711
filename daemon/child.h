/*
 * child.h - heavy work of parkpland done off its loop, in a forked child.
 *
 * The child has the daemon's memory as it was at the fork (copy on write):
 * it reads what it needs (the snapshot of a run, a stored plan), computes,
 * and writes its answer to a pipe, then exits.  The parent reads the pipe
 * from the loop, a bounded amount per event, hands each piece to data()
 * and, once the child has closed the pipe and been reaped, calls done().
 * A child that dies or exits non-zero is an error for done(), never a
 * crash of the daemon.
 */
#ifndef PARKPLAND_CHILD_H
#define PARKPLAND_CHILD_H

#include <stddef.h>
#include <sys/types.h>

struct child_job;

/* In the child: write the answer to fd; the return value is the exit status. */
typedef int (*child_work_fn)(int fd, void *arg);
/* In the parent, as the answer arrives: return -1 to stop the child (done() gets err). */
typedef int (*child_data_fn)(void *arg, const char *data, size_t len, char *err, size_t errlen);
/* In the parent, once: error NULL when the child exited 0.  The job is freed after. */
typedef void (*child_done_fn)(void *arg, const char *error);

/*
 * Fork the child for what (a name for messages: "snapshot", "explain").
 * Returns NULL with err set when the pipe or the fork fails.
 */
struct child_job *child_start(const char *what, child_work_fn work, void *work_arg,
                              child_data_fn data, child_done_fn done, void *arg, char *err,
                              size_t errlen);
/* Kill and reap the child; done() is not called.  NULL is a no-op. */
void child_free(struct child_job *job);
pid_t child_pid(const struct child_job *job);

#endif
