/*
 * test_daemon_jobs.c - worker children on parkpland's loop (daemon/jobs.c):
 * frames as they arrive, the exit noticed through SIGCHLD (no timer polls
 * for it), the deadline as a timer, a job cancelled, several at once.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "parkpland.h"
#include "worker.h"

struct outcome {
	int frames;
	char last[64];
	bool done;
	bool deadline;
	struct worker_end end;
	char kill_why[128];
	int *left; /* jobs still running: the loop stops at 0 */
	struct event_base *loop;
};

static int
on_frame(void *arg, struct frame *f, char *err, size_t errlen)
{
	struct outcome *o = arg;

	(void)err;
	(void)errlen;
	o->frames++;
	snprintf(o->last, sizeof(o->last), "%c %.60s", f->type, f->data);
	return 0;
}

static void
on_done(void *arg, struct worker *w)
{
	struct outcome *o = arg;

	o->done = true;
	worker_end(w, &o->end);
	snprintf(o->kill_why, sizeof(o->kill_why), "%s",
	         o->end.kill_why != NULL ? o->end.kill_why : "");
	if (--*o->left == 0)
		event_base_loopbreak(o->loop);
}

static void
on_deadline(void *arg)
{
	struct outcome *o = arg;

	o->deadline = true;
}

static int
child_talks(int fd, void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 100; i++) {
		char text[16];

		snprintf(text, sizeof(text), "%d", i);
		if (frame_write(fd, 'P', text, strlen(text)) != 0)
			return 1;
	}
	return 0;
}

static int
child_exits_at_once(int fd, void *arg)
{
	(void)fd;
	(void)arg;
	return 5;
}

static int
child_hangs_up(int fd, void *arg)
{
	(void)arg;
	close(fd); /* the end of the output, but the child goes on */
	for (;;)
		pause();
	return 0;
}

static int
child_sleeps(int fd, void *arg)
{
	(void)fd;
	(void)arg;
	for (;;)
		pause();
	return 0;
}

static struct job *
start(struct jobs *js, worker_child_fn fn, struct outcome *o, double wall_s)
{
	struct worker_spec spec = {.what = "test", .child = fn, .frame = on_frame, .frame_arg = o};
	char err[256];
	struct job *j;

	spec.limits.wall_s = wall_s;
	j = job_start(js, &spec, on_done, on_deadline, o, err, sizeof(err));
	CHECK_MSG(j != NULL, "%s", err);
	return j;
}

/* A safety net: the test fails rather than hangs. */
static void
give_up_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	fprintf(stderr, "test_daemon_jobs: the loop did not finish in 30 s\n");
	event_base_loopbreak(arg);
}

int
main(void)
{
	struct event_base *loop = event_base_new();
	struct outcome talks = {0}, at_once = {0}, hangs = {0}, cancelled = {0};
	struct timeval limit = {30, 0};
	struct event *give_up;
	struct jobs *js;
	struct job *j;
	int left = 3;

	setvbuf(stdout, NULL, _IOFBF, 0);
	js = jobs_new(loop);
	CHECK(js != NULL);
	if (js == NULL)
		return check_done("test_daemon_jobs");
	talks.left = at_once.left = hangs.left = cancelled.left = &left;
	talks.loop = at_once.loop = hangs.loop = cancelled.loop = loop;

	start(js, child_talks, &talks, 30);
	start(js, child_exits_at_once, &at_once, 30);
	start(js, child_hangs_up, &hangs, 0.3);
	j = start(js, child_sleeps, &cancelled, 0);
	CHECK_INT_EQ(jobs_count(js), 4);
	/* cancelled: killed and reaped now, its done() never called */
	job_cancel(j, "not wanted");
	CHECK_INT_EQ(jobs_count(js), 3);

	give_up = evtimer_new(loop, give_up_cb, loop);
	evtimer_add(give_up, &limit);
	event_base_dispatch(loop);

	CHECK(talks.done && at_once.done && hangs.done && !cancelled.done);
	CHECK_INT_EQ(talks.frames, 100);
	CHECK(strcmp(talks.last, "P 99") == 0);
	CHECK(talks.end.reaped && WIFEXITED(talks.end.status) &&
	      WEXITSTATUS(talks.end.status) == 0);
	CHECK(!talks.deadline && !talks.end.killed);
	CHECK(at_once.end.reaped && WIFEXITED(at_once.end.status) &&
	      WEXITSTATUS(at_once.end.status) == 5);
	CHECK_INT_EQ(at_once.frames, 0);
	/* the output ended at once, the exit came at the deadline */
	CHECK(hangs.deadline);
	CHECK(hangs.end.reaped && WIFSIGNALED(hangs.end.status) &&
	      WTERMSIG(hangs.end.status) == SIGKILL);
	CHECK_MSG(strcmp(hangs.kill_why, "test exceeded its deadline of 0.3 s") == 0, "%s",
	          hangs.kill_why);
	CHECK_INT_EQ(jobs_count(js), 0);
	/* nothing polls: with no job left, only the give-up timer and SIGCHLD remain */
	evtimer_del(give_up);
	CHECK_INT_EQ(event_base_get_num_events(loop, EVENT_BASE_COUNT_ADDED) -
	                 event_base_get_num_events(loop, EVENT_BASE_COUNT_VIRTUAL),
	             1);

	/* jobs_free() stops a job still running */
	left = 1;
	start(js, child_sleeps, &cancelled, 0);
	jobs_free(js);
	CHECK(!cancelled.done);
	event_free(give_up);
	event_base_free(loop);
	errno = 0;
	CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
	return check_done("test_daemon_jobs");
}
