/*
 * child.c - heavy work off the loop, in a forked child (see child.h).
 */
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "parkpland.h"

#define CHILD_READ_CHUNK 65536
#define CHILD_READ_BUDGET (1024 * 1024) /* per event: the loop stays responsive */
#define CHILD_REAP_RETRY_US 10000

struct child_job {
	char what[32];
	pid_t pid;
	int fd;
	struct event *ev;
	struct event *reap;
	child_data_fn data;
	child_done_fn done;
	void *arg;
	char error[512]; /* the first error seen by the parent */
};

pid_t
child_pid(const struct child_job *job)
{
	return job->pid;
}

static void
child_job_free(struct child_job *job)
{
	if (job->ev != NULL)
		event_free(job->ev);
	if (job->reap != NULL)
		event_free(job->reap);
	if (job->fd >= 0)
		close(job->fd);
	free(job);
}

/* The child's exit status as an error ("" when it exited 0). */
static void
child_status_text(const struct child_job *job, int status, char *buf, size_t len)
{
	buf[0] = '\0';
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		snprintf(buf, len, "the %s child exited with status %d", job->what,
		         WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "the %s child was killed by signal %d", job->what,
		         WTERMSIG(status));
}

static void
child_reap_cb(evutil_socket_t fd, short what, void *arg)
{
	struct child_job *job = arg;
	char why[256];
	int status;
	pid_t r;

	(void)fd;
	(void)what;
	do
		r = waitpid(job->pid, &status, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == 0) {
		struct timeval tv = {0, CHILD_REAP_RETRY_US};

		evtimer_add(job->reap, &tv);
		return;
	}
	job->pid = -1;
	if (r < 0)
		snprintf(why, sizeof(why), "the %s child could not be reaped: %s", job->what,
		         strerror(errno));
	else
		child_status_text(job, status, why, sizeof(why));
	if (job->error[0] == '\0' && why[0] != '\0')
		snprintf(job->error, sizeof(job->error), "%s", why);
	job->done(job->arg, job->error[0] != '\0' ? job->error : NULL);
	child_job_free(job);
}

/* The pipe is closed (or the parent gave up on the child): reap it. */
static void
child_ended(struct child_job *job)
{
	event_del(job->ev);
	close(job->fd);
	job->fd = -1;
	child_reap_cb(-1, 0, job);
}

static void
child_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct child_job *job = arg;
	char buf[CHILD_READ_CHUNK];
	size_t got = 0;
	ssize_t n;

	(void)what;
	while (got < CHILD_READ_BUDGET) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0) {
			snprintf(job->error, sizeof(job->error), "reading from the %s child: %s",
			         job->what, strerror(errno));
			kill(job->pid, SIGKILL);
			child_ended(job);
			return;
		}
		if (n == 0) {
			child_ended(job);
			return;
		}
		got += (size_t)n;
		if (job->data(job->arg, buf, (size_t)n, job->error, sizeof(job->error)) != 0) {
			if (job->error[0] == '\0')
				snprintf(job->error, sizeof(job->error),
				         "bad answer from the %s child", job->what);
			kill(job->pid, SIGKILL);
			child_ended(job);
			return;
		}
	}
}

/* In the child: default signals, die with the daemon, keep only 0-2 and fd. */
static void
child_setup(int fd, pid_t parent)
{
	static const int sigs[] = {SIGPIPE, SIGTERM, SIGINT,  SIGHUP, SIGQUIT,
	                           SIGUSR1, SIGUSR2, SIGCHLD, SIGALRM};
	sigset_t none;
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	if (fd > 3)
		(void)close_range(3, (unsigned)fd - 1, 0);
	(void)close_range((unsigned)fd + 1, ~0U, 0);
}

struct child_job *
child_start(const char *what, child_work_fn work, void *work_arg, child_data_fn data,
            child_done_fn done, void *arg, char *err, size_t errlen)
{
	struct child_job *job = calloc(1, sizeof(*job));
	pid_t parent = getpid();
	int p[2];

	if (job == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(job->what, sizeof(job->what), "%s", what);
	job->fd = -1;
	job->pid = -1;
	job->data = data;
	job->done = done;
	job->arg = arg;
	if (pipe2(p, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "pipe for the %s child: %s", what, strerror(errno));
		free(job);
		return NULL;
	}
	/* what the daemon's stdio buffers hold must not be written twice */
	fflush(stdout);
	fflush(stderr);
	job->pid = fork();
	if (job->pid < 0) {
		snprintf(err, errlen, "fork for the %s child: %s", what, strerror(errno));
		close(p[0]);
		close(p[1]);
		free(job);
		return NULL;
	}
	if (job->pid == 0) {
		close(p[0]);
		child_setup(p[1], parent);
		_exit(work(p[1], work_arg));
	}
	close(p[1]);
	job->fd = p[0];
	(void)fcntl(job->fd, F_SETFL, fcntl(job->fd, F_GETFL) | O_NONBLOCK);
	job->ev = event_new(base, job->fd, EV_READ | EV_PERSIST, child_read_cb, job);
	job->reap = evtimer_new(base, child_reap_cb, job);
	if (job->ev == NULL || job->reap == NULL || event_add(job->ev, NULL) != 0) {
		snprintf(err, errlen, "out of memory");
		child_free(job);
		return NULL;
	}
	return job;
}

void
child_free(struct child_job *job)
{
	if (job == NULL)
		return;
	if (job->pid > 0) {
		kill(job->pid, SIGKILL);
		while (waitpid(job->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	child_job_free(job);
}
