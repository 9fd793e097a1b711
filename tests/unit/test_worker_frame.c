/*
 * test_worker_frame.c - the one framing of the worker's pipe
 * (worker/frame.c) and a worker's account of how its child ended
 * (worker/worker.c): frames split anywhere, many frames in one read, a
 * frame over the bound, a frame cut short, a frame the owner refuses, the
 * streamed frames of unknown length; exit statuses, signals, deadlines.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "frame.h"
#include "worker.h"

/* What the owner was handed. */
struct seen {
	int n;
	int type[2048];
	size_t len[2048];
	char text[2048][32];
	bool refuse_x; /* refuse frames of type 'X' */
	bool take;     /* keep the payloads (set data to NULL) */
	char *taken[2048];
};

static int
record(void *arg, struct frame *f, char *err, size_t errlen)
{
	struct seen *s = arg;

	if (s->refuse_x && f->type == 'X') {
		snprintf(err, errlen, "no X here");
		return -1;
	}
	if (s->n < 2048) {
		s->type[s->n] = f->type;
		s->len[s->n] = f->len;
		snprintf(s->text[s->n], sizeof(s->text[0]), "%.31s", f->data);
		CHECK(f->data[f->len] == '\0');
		if (s->take) {
			s->taken[s->n] = f->data;
			f->data = NULL;
		}
	}
	s->n++;
	return 0;
}

/* A frame as bytes, appended to buf at *len. */
static void
put_frame(char *buf, size_t *len, int type, const char *payload, size_t n)
{
	buf[(*len)++] = (char)type;
	buf[(*len)++] = (char)(n >> 24);
	buf[(*len)++] = (char)(n >> 16);
	buf[(*len)++] = (char)(n >> 8);
	buf[(*len)++] = (char)n;
	memcpy(buf + *len, payload, n);
	*len += n;
}

static void
test_many_frames_in_one_read(void)
{
	static char buf[1 << 16];
	struct frame_reader r;
	struct seen *s = calloc(1, sizeof(*s));
	size_t len = 0;
	int i, bad = 0;

	for (i = 0; i < 1000; i++) {
		char text[32];

		snprintf(text, sizeof(text), "frame %d", i);
		put_frame(buf, &len, 'P', text, strlen(text));
	}
	frame_reader_init(&r, 1024);
	CHECK_INT_EQ(frame_reader_feed(&r, buf, len, record, s), 0);
	CHECK_INT_EQ(s->n, 1000);
	for (i = 0; i < 1000 && i < s->n; i++) {
		char text[32];

		snprintf(text, sizeof(text), "frame %d", i);
		if (s->type[i] != 'P' || strcmp(s->text[i], text) != 0)
			bad++;
	}
	CHECK_INT_EQ(bad, 0);
	CHECK(!frame_reader_cut(&r, &i, &len, &len));
	frame_reader_free(&r);
	free(s);
}

static void
test_split_anywhere(void)
{
	char buf[256];
	struct frame_reader r;
	struct seen *s = calloc(1, sizeof(*s));
	size_t len = 0, i;

	put_frame(buf, &len, 'A', "hello", 5);
	put_frame(buf, &len, 'B', "", 0);
	put_frame(buf, &len, 'C', "a\0b", 3); /* a NUL inside the payload */
	frame_reader_init(&r, 1024);
	for (i = 0; i < len; i++) /* one byte per read */
		CHECK_INT_EQ(frame_reader_feed(&r, buf + i, 1, record, s), 0);
	CHECK_INT_EQ(s->n, 3);
	CHECK(s->type[0] == 'A' && s->len[0] == 5 && strcmp(s->text[0], "hello") == 0);
	CHECK(s->type[1] == 'B' && s->len[1] == 0 && s->text[1][0] == '\0');
	CHECK(s->type[2] == 'C' && s->len[2] == 3);
	frame_reader_free(&r);
	free(s);
}

static void
test_cut_short(void)
{
	char buf[64];
	struct frame_reader r;
	struct seen *s = calloc(1, sizeof(*s));
	size_t len = 0, have = 0, want = 0;
	int type = 0;

	put_frame(buf, &len, 'R', "0123456789", 10);
	frame_reader_init(&r, 1024);
	/* the header says 10 bytes; 4 come */
	CHECK_INT_EQ(frame_reader_feed(&r, buf, FRAME_HEADER + 4, record, s), 0);
	CHECK_INT_EQ(s->n, 0);
	CHECK(frame_reader_cut(&r, &type, &have, &want));
	CHECK(type == 'R' && have == 4 && want == 10);
	frame_reader_free(&r);

	/* inside a header */
	frame_reader_init(&r, 1024);
	CHECK_INT_EQ(frame_reader_feed(&r, buf, 3, record, s), 0);
	CHECK(frame_reader_cut(&r, &type, &have, &want));
	CHECK_INT_EQ(type, -1);
	frame_reader_free(&r);
	free(s);
}

static void
test_over_the_bound(void)
{
	char buf[256], big[101];
	struct frame_reader r;
	struct seen *s = calloc(1, sizeof(*s));
	size_t len = 0;

	memset(big, 'x', sizeof(big));
	put_frame(buf, &len, 'P', "ok", 2);
	put_frame(buf, &len, 'R', big, sizeof(big));
	put_frame(buf, &len, 'P', "after", 5);
	frame_reader_init(&r, 100);
	CHECK_INT_EQ(frame_reader_feed(&r, buf, len, record, s), -1);
	CHECK_INT_EQ(s->n, 1); /* the frame before; nothing after the fault */
	CHECK_INT_EQ(r.fault, FRAME_FAULT_OVERSIZE);
	CHECK(r.fault_type == 'R' && r.fault_len == 101);
	CHECK_STR_CONTAINS(r.fault_text, "a frame of 101 bytes, above the bound of 100 bytes");
	/* later output is ignored */
	CHECK_INT_EQ(frame_reader_feed(&r, buf, 7, record, s), -1);
	CHECK_INT_EQ(s->n, 1);
	frame_reader_free(&r);

	/* a length of 4 GiB - 1 is read as such, and refused */
	len = 0;
	buf[len++] = 'R';
	buf[len++] = (char)0xff;
	buf[len++] = (char)0xff;
	buf[len++] = (char)0xff;
	buf[len++] = (char)0xff;
	frame_reader_init(&r, (size_t)1 << 30);
	CHECK_INT_EQ(frame_reader_feed(&r, buf, len, record, s), -1);
	CHECK(r.fault == FRAME_FAULT_OVERSIZE && r.fault_len == UINT32_MAX);
	frame_reader_free(&r);
	free(s);
}

static void
test_refused(void)
{
	char buf[64];
	struct frame_reader r;
	struct seen *s = calloc(1, sizeof(*s));
	size_t len = 0;

	s->refuse_x = true;
	put_frame(buf, &len, 'X', "?", 1);
	put_frame(buf, &len, 'P', "later", 5);
	frame_reader_init(&r, 100);
	CHECK_INT_EQ(frame_reader_feed(&r, buf, len, record, s), -1);
	CHECK_INT_EQ(r.fault, FRAME_FAULT_REFUSED);
	CHECK(strcmp(r.fault_text, "no X here") == 0);
	CHECK_INT_EQ(s->n, 0);
	frame_reader_free(&r);
	free(s);
}

static void
test_taken_payloads(void)
{
	char buf[256];
	struct frame_reader r;
	struct seen *s = calloc(1, sizeof(*s));
	size_t len = 0;
	int i;

	s->take = true;
	put_frame(buf, &len, 'R', "first", 5);
	put_frame(buf, &len, 'R', "second", 6);
	frame_reader_init(&r, 100);
	CHECK_INT_EQ(frame_reader_feed(&r, buf, len, record, s), 0);
	CHECK_INT_EQ(s->n, 2);
	CHECK(s->taken[0] != s->taken[1]);
	CHECK(s->taken[0] != NULL && strcmp(s->taken[0], "first") == 0);
	CHECK(s->taken[1] != NULL && strcmp(s->taken[1], "second") == 0);
	for (i = 0; i < 2; i++)
		free(s->taken[i]);
	frame_reader_free(&r);
	free(s);
}

/* The stream writes full chunks as frames of one type, then the rest. */
static void
test_stream(void)
{
	static struct frame_stream st;
	static char data[3 * FRAME_STREAM_CHUNK + 100];
	struct frame_reader r;
	struct seen *s = calloc(1, sizeof(*s));
	int fds[2];
	size_t i, total = 0;
	char *buf = malloc(sizeof(data) + 64);
	ssize_t n;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (char)('a' + i % 26);
	CHECK(pipe(fds) == 0);
	if (fork() == 0) {
		close(fds[0]);
		frame_stream_init(&st, fds[1], 'S');
		/* in odd pieces */
		for (i = 0; i < sizeof(data); i += 7777)
			if (frame_stream_write(&st, data + i,
			                       i + 7777 <= sizeof(data) ? 7777
			                                                : sizeof(data) - i) != 0)
				_exit(1);
		_exit(frame_stream_flush(&st) != 0 || frame_write(fds[1], 'Z', NULL, 0) != 0);
	}
	close(fds[1]);
	while ((n = read(fds[0], buf + total, sizeof(data) + 64 - total)) > 0)
		total += (size_t)n;
	close(fds[0]);
	wait(NULL);
	CHECK_INT_EQ(total, sizeof(data) + 5 * FRAME_HEADER);
	frame_reader_init(&r, FRAME_STREAM_CHUNK);
	CHECK_INT_EQ(frame_reader_feed(&r, buf, total, record, s), 0);
	CHECK_INT_EQ(s->n, 5);
	for (i = 0; i < 3; i++)
		CHECK(s->type[i] == 'S' && s->len[i] == FRAME_STREAM_CHUNK);
	CHECK(s->type[3] == 'S' && s->len[3] == 100);
	CHECK(s->type[4] == 'Z' && s->len[4] == 0);
	frame_reader_free(&r);
	free(buf);
	free(s);
}

/* --- a worker, blocking ----------------------------------------------------- */

static int
child_many_then_exit3(int fd, void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 500; i++) {
		char text[32];

		snprintf(text, sizeof(text), "frame %d", i);
		if (frame_write(fd, 'P', text, strlen(text)) != 0)
			return 1;
	}
	return 3;
}

static int
child_cuts_short(int fd, void *arg)
{
	(void)arg;
	/* 'R', 1000 bytes announced, 10 sent */
	if (frame_write_all(fd, "R\0\0\x03\xe8{\"format\"", 15) != 0)
		return 1;
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

static int
child_fails(int fd, void *arg)
{
	(void)arg;
	worker_fail(fd, 9, "zone %d has no\nperiods  ", 4);
}

static struct worker *
start(worker_child_fn fn, struct seen *s, double wall_s)
{
	struct worker_spec spec = {.what = "test", .child = fn, .frame = record, .frame_arg = s};
	char err[256];
	struct worker *w;

	spec.limits.wall_s = wall_s;
	spec.max_frame = 4096;
	w = worker_start(&spec, err, sizeof(err));
	CHECK_MSG(w != NULL, "%s", err);
	return w;
}

static void
test_worker_ends(void)
{
	struct seen *s = calloc(1, sizeof(*s));
	struct worker_end e;
	struct worker *w;
	char err[256];

	w = start(child_many_then_exit3, s, 30);
	if (w != NULL) {
		worker_wait(w);
		worker_end(w, &e);
		CHECK_INT_EQ(s->n, 500);
		CHECK(strcmp(s->text[499], "frame 499") == 0);
		CHECK(e.reaped && WIFEXITED(e.status) && WEXITSTATUS(e.status) == 3);
		CHECK(!e.killed && !e.cut && e.fault == FRAME_FAULT_NONE);
		CHECK_INT_EQ(worker_error(w, err, sizeof(err)), -1);
		CHECK_MSG(strcmp(err, "the test child exited with status 3") == 0, "%s", err);
		worker_free(w);
	}

	memset(s, 0, sizeof(*s));
	w = start(child_cuts_short, s, 30);
	if (w != NULL) {
		worker_wait(w);
		worker_end(w, &e);
		CHECK(e.reaped && WIFEXITED(e.status) && WEXITSTATUS(e.status) == 0);
		CHECK(e.cut && e.cut_type == 'R' && e.cut_have == 10 && e.cut_len == 1000);
		CHECK_INT_EQ(worker_error(w, err, sizeof(err)), -1);
		CHECK_MSG(strcmp(err, "the answer of the test child was cut short") == 0, "%s",
		          err);
		worker_free(w);
	}

	memset(s, 0, sizeof(*s));
	w = start(child_sleeps, s, 0.3);
	if (w != NULL) {
		worker_wait(w);
		worker_end(w, &e);
		CHECK(e.reaped && WIFSIGNALED(e.status) && WTERMSIG(e.status) == SIGKILL);
		CHECK(e.killed && e.kill_why != NULL &&
		      strcmp(e.kill_why, "test exceeded its deadline of 0.3 s") == 0);
		CHECK_INT_EQ(worker_error(w, err, sizeof(err)), -1);
		CHECK_MSG(strcmp(err, "the test child was killed by signal 9") == 0, "%s", err);
		worker_free(w);
	}

	memset(s, 0, sizeof(*s));
	w = start(child_fails, s, 30);
	if (w != NULL) {
		worker_wait(w);
		worker_end(w, &e);
		CHECK(e.reaped && WIFEXITED(e.status) && WEXITSTATUS(e.status) == 9);
		CHECK_INT_EQ(s->n, 1);
		CHECK(s->type[0] == WORKER_FRAME_ERROR);
		CHECK_MSG(strcmp(s->text[0], "zone 4 has no periods") == 0, "%s", s->text[0]);
		worker_free(w);
	}

	/* freed while running: killed and reaped */
	memset(s, 0, sizeof(*s));
	w = start(child_sleeps, s, 0);
	if (w != NULL) {
		CHECK(isinf(worker_remaining(w)));
		worker_free(w);
	}
	free(s);
}

int
main(void)
{
	setvbuf(stdout, NULL, _IOFBF, 0);
	test_many_frames_in_one_read();
	test_split_anywhere();
	test_cut_short();
	test_over_the_bound();
	test_refused();
	test_taken_payloads();
	test_stream();
	test_worker_ends();
	errno = 0;
	CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
	return check_done("test_worker_frame");
}
