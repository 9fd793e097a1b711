/*
 * jobs.c - parkpland's worker children (worker/worker.h) on its loop.
 *
 * A job is a worker whose pipe is read as it becomes readable (the frames
 * go to the owner as they arrive), whose wall-clock deadline is a timer
 * (SIGKILL), and whose exit is an event: SIGCHLD through libevent, then
 * waitpid(WNOHANG) for each job this daemon owns.  Once a job's child has
 * exited and what it wrote is read, the owner's done() gets the worker,
 * from the loop, and the job is freed after.  No timer polls for exits.
 */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parkpland.h"
#include "worker.h"

/* The deadline timer fires this much after the deadline: the worker may notice first. */
#define JOB_DEADLINE_SLACK_S 0.5

TAILQ_HEAD(job_list, job);

struct jobs {
	struct event_base *base;
	struct event *sigchld;
	struct job_list live;
};

struct job {
	struct jobs *jobs;
	struct worker *w;
	struct event *io;
	struct event *deadline;
	job_done_fn done;
	job_deadline_fn on_deadline;
	void *arg;
	bool listed;
	TAILQ_ENTRY(job) link;
};

static void
job_release(struct job *j)
{
	if (j->listed)
		TAILQ_REMOVE(&j->jobs->live, j, link);
	if (j->io != NULL)
		event_free(j->io);
	if (j->deadline != NULL)
		event_free(j->deadline);
	worker_free(j->w);
	free(j);
}

/* The child has exited and its output is read: the owner takes the result. */
static void
job_end(struct job *j)
{
	/* off the list first: done() may start or cancel other jobs */
	TAILQ_REMOVE(&j->jobs->live, j, link);
	j->listed = false;
	event_del(j->io);
	if (j->deadline != NULL)
		event_del(j->deadline);
	j->done(j->arg, j->w);
	job_release(j);
}

static void
jobs_sigchld_cb(evutil_socket_t sig, short what, void *arg)
{
	struct jobs *js = arg;
	struct job *j;

	(void)sig;
	(void)what;
again:
	TAILQ_FOREACH(j, &js->live, link)
	{
		if (worker_reap(j->w)) {
			job_end(j);
			goto again; /* done() may have changed the list */
		}
	}
}

static void
job_io_cb(evutil_socket_t fd, short what, void *arg)
{
	struct job *j = arg;

	(void)fd;
	(void)what;
	if (worker_pump(j->w) == WORKER_RUNNING)
		return;
	event_del(j->io);
	/* the output ended: the child may be gone already, else SIGCHLD follows */
	if (worker_reap(j->w))
		job_end(j);
}

static void
job_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct job *j = arg;

	(void)fd;
	(void)what;
	if (j->on_deadline != NULL)
		j->on_deadline(j->arg);
	/* "WHAT exceeded its deadline of N s"; SIGCHLD follows */
	worker_kill(j->w, NULL);
}

struct job *
job_start(struct jobs *js, const struct worker_spec *spec, job_done_fn done,
          job_deadline_fn on_deadline, void *arg, char *err, size_t errlen)
{
	struct job *j = calloc(1, sizeof(*j));
	double remaining;

	if (j == NULL) {
		snprintf(err, errlen, "cannot start the %s: out of memory", spec->what);
		return NULL;
	}
	j->jobs = js;
	j->done = done;
	j->on_deadline = on_deadline;
	j->arg = arg;
	j->w = worker_start(spec, err, errlen);
	if (j->w == NULL) {
		free(j);
		return NULL;
	}
	TAILQ_INSERT_TAIL(&js->live, j, link);
	j->listed = true;
	j->io = event_new(js->base, worker_fd(j->w), EV_READ | EV_PERSIST, job_io_cb, j);
	if (j->io == NULL || event_add(j->io, NULL) != 0) {
		snprintf(err, errlen, "cannot watch the %s: out of memory", spec->what);
		job_release(j);
		return NULL;
	}
	remaining = worker_remaining(j->w);
	if (isfinite(remaining)) {
		struct timeval tv;

		if (remaining < 0)
			remaining = 0;
		remaining += JOB_DEADLINE_SLACK_S;
		tv.tv_sec = (time_t)remaining;
		tv.tv_usec = (suseconds_t)((remaining - (double)tv.tv_sec) * 1e6);
		j->deadline = evtimer_new(js->base, job_deadline_cb, j);
		if (j->deadline == NULL || evtimer_add(j->deadline, &tv) != 0) {
			snprintf(err, errlen, "cannot watch the %s: out of memory", spec->what);
			job_release(j);
			return NULL;
		}
	}
	return j;
}

pid_t
job_pid(const struct job *j)
{
	return worker_pid(j->w);
}

void
job_cancel(struct job *j, const char *why)
{
	if (j == NULL)
		return;
	worker_kill(j->w, why);
	job_release(j); /* reaps the killed child */
}

int
jobs_count(const struct jobs *js)
{
	const struct job *j;
	int n = 0;

	TAILQ_FOREACH(j, &js->live, link)
	n++;
	return n;
}

struct jobs *
jobs_new(struct event_base *loop)
{
	struct jobs *js = calloc(1, sizeof(*js));

	if (js == NULL)
		return NULL;
	js->base = loop;
	TAILQ_INIT(&js->live);
	js->sigchld = evsignal_new(loop, SIGCHLD, jobs_sigchld_cb, js);
	if (js->sigchld == NULL || evsignal_add(js->sigchld, NULL) != 0) {
		if (js->sigchld != NULL)
			event_free(js->sigchld);
		free(js);
		return NULL;
	}
	return js;
}

void
jobs_free(struct jobs *js)
{
	struct job *j;

	if (js == NULL)
		return;
	while ((j = TAILQ_FIRST(&js->live)) != NULL)
		job_cancel(j, "parkpland is shutting down");
	event_free(js->sigchld);
	free(js);
}
