/*
 * test_daemon_ctlsock.c - the control socket's framing and limits
 * (daemon/ctlsock.c) on a real socketpair and a real event loop: a request
 * split across reads, two requests in one read, bad JSON, a wrong version,
 * a request over the size limit; and a client that disconnects while its
 * reply is pending, released on a later pass of the loop.  Against
 * hostile clients: the request's deadline that trickled bytes do not
 * restart, replies past the soft output bound stop the reading and past
 * the hard one drop the client, a half-closed client still answered,
 * requests that are not UTF-8 or carry a version of the wrong type, and
 * error messages cut between two characters.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "parkpland.h"

static struct {
	int n;
	char word[16][32];
	struct req *held; /* a "hold" request waits for its reply */
} seen;

/*
 * The dispatch: "hold" waits, "nosuch" and "name:..." are unknown (the
 * second quotes the word cut at 64 bytes, as cmd.c does), "big" answers
 * 3 000 bytes, "huge" 100 000, anything else echoes.
 */
static void
dispatch(void *arg, struct req *c, const char *word, json_t *args)
{
	(void)arg;
	(void)args;
	if (seen.n < 16)
		snprintf(seen.word[seen.n], sizeof(seen.word[0]), "%s", word);
	seen.n++;
	if (strcmp(word, "hold") == 0) {
		req_ref(c);
		seen.held = c;
	} else if (strcmp(word, "nosuch") == 0) {
		req_reply_error(c, ERR_UNKNOWN_COMMAND, "unknown command '%s'", word);
	} else if (strncmp(word, "name:", 5) == 0) {
		char shown[65];

		snprintf(shown, sizeof(shown), "%s", word);
		utf8_cut(shown, 64);
		req_reply_error(c, ERR_UNKNOWN_COMMAND, "unknown command '%s'", shown);
	} else if (strcmp(word, "big") == 0 || strcmp(word, "huge") == 0) {
		size_t n = word[0] == 'b' ? 3000 : 100000;
		char *text = malloc(n + 1);

		memset(text, 'x', n);
		text[n] = '\0';
		req_reply_ok(c, json_pack("{s:s}", "text", text));
		free(text);
	} else {
		req_reply_ok(c, json_pack("{s:s}", "word", word));
	}
}

static void
run_for(struct event_base *base, double s)
{
	struct timeval tv = seconds_tv(s);

	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

/* The peer's end: what came back, as JSON replies; *eof when it was closed. */
static int
replies(int fd, json_t **out, int max, bool *eof)
{
	static char buf[65536];
	size_t len = 0;
	ssize_t n;
	char *p, *nl;
	int count = 0;

	*eof = false;
	while ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	if (n == 0)
		*eof = true;
	buf[len] = '\0';
	for (p = buf; (nl = strchr(p, '\n')) != NULL && count < max; p = nl + 1) {
		*nl = '\0';
		out[count++] = json_loads(p, 0, NULL);
	}
	return count;
}

static const char *
code(json_t *r)
{
	const char *c = json_string_value(json_object_get(r, "code"));

	return c != NULL ? c : "";
}

/* A connection served by cs; returns the peer's non-blocking end. */
static int
connect_client(struct ctlsock *cs)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return -1;
	CHECK_INT_EQ(ctlsock_adopt(cs, sv[0]), 0);
	fcntl(sv[1], F_SETFL, fcntl(sv[1], F_GETFL) | O_NONBLOCK);
	return sv[1];
}

static void
send_text(int fd, const char *text)
{
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
}

static void
free_replies(json_t **r, int n)
{
	int i;

	for (i = 0; i < n; i++)
		json_decref(r[i]);
}

static void
test_framing(struct parkpland *env, struct ctlsock *cs)
{
	json_t *r[8];
	bool eof;
	int fd = connect_client(cs), n;

	/* split across reads */
	seen.n = 0;
	send_text(fd, "{\"v\":1,\"cmd\":\"st");
	run_for(env->base, 0.05);
	CHECK_INT_EQ(seen.n, 0);
	send_text(fd, "atus\"}\n");
	run_for(env->base, 0.05);
	n = replies(fd, r, 8, &eof);
	CHECK_INT_EQ(n, 1);
	CHECK(n == 1 && json_is_true(json_object_get(r[0], "ok")));
	CHECK(n == 1 && json_integer_value(json_object_get(r[0], "v")) == PROTOCOL_VERSION);
	CHECK(n == 1 &&
	      strcmp(json_string_value(json_object_get(json_object_get(r[0], "data"), "word")),
	             "status") == 0);
	free_replies(r, n);

	/* two in one read: two replies, in order */
	send_text(fd, "{\"v\":1,\"cmd\":\"status\"}\n{\"v\":1,\"cmd\":\"nosuch\"}\n");
	run_for(env->base, 0.05);
	n = replies(fd, r, 8, &eof);
	CHECK_INT_EQ(n, 2);
	CHECK(n == 2 && json_is_true(json_object_get(r[0], "ok")));
	CHECK(n == 2 && strcmp(code(r[1]), "unknown_command") == 0);
	free_replies(r, n);

	/* not JSON, then a good request on the same connection */
	send_text(fd, "hello\n");
	run_for(env->base, 0.05);
	n = replies(fd, r, 8, &eof);
	CHECK(n == 1 && strcmp(code(r[0]), "bad_request") == 0);
	free_replies(r, n);
	send_text(fd, "[1,2]\n{\"v\":1,\"cmd\":3}\n{\"v\":1,\"cmd\":\"x\",\"args\":[]}\n");
	run_for(env->base, 0.05);
	n = replies(fd, r, 8, &eof);
	CHECK_INT_EQ(n, 3);
	CHECK(n == 3 && strcmp(code(r[0]), "bad_request") == 0 &&
	      strcmp(code(r[1]), "bad_request") == 0 && strcmp(code(r[2]), "bad_request") == 0);
	free_replies(r, n);

	/* a version this parkpland does not speak */
	seen.n = 0;
	send_text(fd, "{\"v\":2,\"cmd\":\"status\"}\n\n{\"v\":1,\"cmd\":\"status\"}\n");
	run_for(env->base, 0.05);
	n = replies(fd, r, 8, &eof);
	CHECK_INT_EQ(n, 2);
	CHECK(n == 2 && strcmp(code(r[0]), "version") == 0);
	CHECK(n == 2 && json_is_true(json_object_get(r[1], "ok")));
	CHECK_INT_EQ(seen.n, 1);
	CHECK(!eof);
	free_replies(r, n);
	close(fd);
	run_for(env->base, 0.05);
	CHECK_INT_EQ(ctlsock_clients(cs), 0);
}

static void
test_too_large(struct parkpland *env, struct ctlsock *cs)
{
	char big[2100];
	json_t *r[8];
	bool eof;
	int fd = connect_client(cs), n;

	/* over max_request_bytes (1024) without a newline: too_large, then closed */
	seen.n = 0;
	snprintf(big, sizeof(big), "{\"v\":1,\"cmd\":\"status\",\"args\":{\"x\":\"");
	memset(big + strlen(big), 'a', 2000);
	big[2099] = '\0';
	send_text(fd, big);
	run_for(env->base, 0.1);
	n = replies(fd, r, 8, &eof);
	CHECK_INT_EQ(n, 1);
	CHECK(n == 1 && strcmp(code(r[0]), "too_large") == 0);
	CHECK_MSG(eof, "the connection was not closed after too_large");
	CHECK_INT_EQ(seen.n, 0);
	CHECK_INT_EQ(ctlsock_clients(cs), 0);
	free_replies(r, n);
	close(fd);
}

static int drained;

static void
on_drained(void *arg)
{
	(void)arg;
	drained++;
}

static void
test_gone_while_pending(struct parkpland *env, struct ctlsock *cs)
{
	struct req *c;
	int fd = connect_client(cs);

	seen.n = 0;
	seen.held = NULL;
	send_text(fd, "{\"v\":1,\"cmd\":\"hold\"}\n");
	run_for(env->base, 0.05);
	CHECK(seen.held != NULL);
	if (seen.held == NULL)
		return;
	c = seen.held;
	/*
	 * The client goes while its answer is being made (reading is off
	 * while a request is pending: the answer's write finds it gone).
	 */
	close(fd);
	run_for(env->base, 0.05);
	CHECK_INT_EQ(ctlsock_clients(cs), 1);
	CHECK(!req_gone(c));
	/* the answer comes, and the handler lets go: the client is closed on the write */
	req_reply_ok(c, json_pack("{s:s}", "late", "yes"));
	req_unref(c);
	run_for(env->base, 0.05);
	CHECK_INT_EQ(ctlsock_clients(cs), 0);

	/* gone first, answered after: the reply is dropped, the memory let go later */
	fd = connect_client(cs);
	seen.held = NULL;
	send_text(fd, "{\"v\":1,\"cmd\":\"hold\"}\n");
	run_for(env->base, 0.05);
	CHECK(seen.held != NULL);
	if (seen.held == NULL)
		return;
	c = seen.held;
	req_ref(c); /* as a second handler would */
	req_reply_ok(c, json_pack("{s:s}", "first", "yes"));
	close(fd);
	run_for(env->base, 0.05);
	CHECK_INT_EQ(ctlsock_clients(cs), 0);
	CHECK(req_gone(c));
	req_reply_ok(c, json_pack("{s:s}", "late", "yes")); /* dropped */
	req_unref(c);
	req_unref(c);
	run_for(env->base, 0.05);

	/* shutting down: answered, closed, and the owner told when all are gone */
	fd = connect_client(cs);
	seen.held = NULL;
	send_text(fd, "{\"v\":1,\"cmd\":\"hold\"}\n");
	run_for(env->base, 0.05);
	CHECK(seen.held != NULL);
	drained = 0;
	ctlsock_close_all(cs, "parkpland is shutting down", on_drained, NULL);
	run_for(env->base, 0.05);
	CHECK_INT_EQ(drained, 1);
	CHECK_INT_EQ(ctlsock_clients(cs), 0);
	if (seen.held != NULL) {
		json_t *r[4];
		bool eof;
		int n = replies(fd, r, 4, &eof);

		CHECK(n == 1 && strcmp(code(r[0]), "shutting_down") == 0);
		CHECK(eof);
		free_replies(r, n);
		req_unref(seen.held);
	}
	close(fd);
	run_for(env->base, 0.05);
}

/* Read whatever comes within s seconds of running the loop; returns the bytes. */
static size_t
drain_for(struct parkpland *env, int fd, double s, char *buf, size_t cap, bool *eof)
{
	size_t len = 0;
	double end = monotonic_s() + s;
	ssize_t n;

	*eof = false;
	while (monotonic_s() < end && !*eof) {
		run_for(env->base, 0.02);
		while (len < cap - 1 && (n = read(fd, buf + len, cap - 1 - len)) > 0)
			len += (size_t)n;
		if (n == 0)
			*eof = true;
	}
	buf[len] = '\0';
	return len;
}

static int
count_lines(const char *buf)
{
	int n = 0;

	for (; *buf != '\0'; buf++)
		n += *buf == '\n';
	return n;
}

static void
test_request_deadline(struct parkpland *env, struct ctlsock *cs)
{
	static const char req[] = "{\"v\":1,\"cmd\":\"status\"}\n";
	static char buf[65536];
	double t0 = monotonic_s(), took = 0;
	json_t *r[4];
	bool eof = false;
	size_t i;
	int fd = connect_client(cs), n;

	/* a byte every 0.05 s: the deadline (0.3 s) is not restarted by each */
	seen.n = 0;
	for (i = 0; i + 1 < sizeof(req) && !eof; i++) {
		if (write(fd, req + i, 1) != 1)
			break;
		run_for(env->base, 0.05);
		n = replies(fd, r, 4, &eof);
		if (n > 0) {
			took = monotonic_s() - t0;
			CHECK_INT_EQ(n, 1);
			CHECK(strcmp(code(r[0]), "bad_request") == 0);
			CHECK_STR_CONTAINS(json_string_value(json_object_get(r[0], "error")),
			                   "daemon.request_timeout_s");
			free_replies(r, n);
			break;
		}
	}
	CHECK_MSG(i + 1 < sizeof(req), "a trickled request was served");
	CHECK_INT_EQ(seen.n, 0);
	(void)drain_for(env, fd, 0.2, buf, sizeof(buf), &eof);
	CHECK_MSG(eof, "the connection stayed open past the request's deadline");
	printf("# trickling client cut off after %.2f s (request_timeout_s 0.3)\n", took);
	CHECK(took > 0.25 && took < 2);
	CHECK_INT_EQ(ctlsock_clients(cs), 0);
	close(fd);

	/* a whole request in time is served, and the next one has a deadline of its own */
	fd = connect_client(cs);
	send_text(fd, "{\"v\":1,\"cmd\":");
	run_for(env->base, 0.2);
	send_text(fd, "\"status\"}\n{\"v\":1,");
	run_for(env->base, 0.2);
	n = replies(fd, r, 4, &eof);
	CHECK_INT_EQ(n, 1);
	CHECK(n == 1 && json_is_true(json_object_get(r[0], "ok")));
	free_replies(r, n);
	send_text(fd, "\"cmd\":\"status\"}\n");
	run_for(env->base, 0.05);
	n = replies(fd, r, 4, &eof);
	CHECK_INT_EQ(n, 1);
	CHECK(n == 1 && json_is_true(json_object_get(r[0], "ok")));
	free_replies(r, n);
	close(fd);
	run_for(env->base, 0.05);
	CHECK_INT_EQ(ctlsock_clients(cs), 0);
}

static void
test_output_bound(struct parkpland *env, struct ctlsock *cs)
{
	static char buf[1 << 20];
	char reqs[50 * 32];
	size_t len = 0;
	int fd = connect_client(cs), i, sndbuf = 4096, got;
	bool eof;

	/* the daemon's side keeps little in the kernel: what waits is in its own buffer */
	CHECK(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sndbuf, sizeof(sndbuf)) == 0);
	seen.n = 0;
	for (i = 0; i < 50; i++)
		len +=
		    (size_t)snprintf(reqs + len, sizeof(reqs) - len, "{\"v\":1,\"cmd\":\"big\"}\n");
	send_text(fd, reqs);
	run_for(env->base, 0.3);
	/* output_soft_bytes 8192, 3 000 bytes a reply: reading stopped after a few */
	printf("# 50 pipelined requests, none read: %d served before reading stopped\n", seen.n);
	CHECK(seen.n >= 1 && seen.n < 40);
	CHECK_INT_EQ(ctlsock_clients(cs), 1);
	/* reading the replies lets the rest be served, every one in turn */
	got = 0;
	for (i = 0; i < 200 && got < 50; i++) {
		(void)drain_for(env, fd, 0.05, buf, sizeof(buf), &eof);
		got += count_lines(buf);
	}
	CHECK_INT_EQ(got, 50);
	CHECK_INT_EQ(seen.n, 50);
	close(fd);
	run_for(env->base, 0.05);

	/* a reply that would put more than output_hard_bytes in wait: the client is dropped */
	fd = connect_client(cs);
	CHECK(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sndbuf, sizeof(sndbuf)) == 0);
	send_text(fd, "{\"v\":1,\"cmd\":\"big\"}\n{\"v\":1,\"cmd\":\"huge\"}\n"
	              "{\"v\":1,\"cmd\":\"huge\"}\n{\"v\":1,\"cmd\":\"huge\"}\n");
	run_for(env->base, 0.3);
	CHECK_INT_EQ(ctlsock_clients(cs), 0);
	len = drain_for(env, fd, 0.1, buf, sizeof(buf), &eof);
	CHECK_MSG(eof, "a client past the hard bound was not dropped");
	CHECK(len < 100000 + 1000); /* at most the one reply that fitted */
	close(fd);
}

static void
test_half_close(struct parkpland *env, struct ctlsock *cs)
{
	static char buf[65536];
	json_t *r;
	bool eof;
	int fd;

	/* a request, then shutdown(SHUT_WR): answered, then closed */
	fd = connect_client(cs);
	send_text(fd, "{\"v\":1,\"cmd\":\"status\"}\n{\"v\":1,\"cmd\":\"nosuch\"}\n");
	CHECK(shutdown(fd, SHUT_WR) == 0);
	(void)drain_for(env, fd, 0.3, buf, sizeof(buf), &eof);
	CHECK_INT_EQ(count_lines(buf), 2);
	CHECK(eof);
	close(fd);

	/* the last request without its newline counts as one */
	fd = connect_client(cs);
	send_text(fd, "{\"v\":1,\"cmd\":\"status\"}");
	CHECK(shutdown(fd, SHUT_WR) == 0);
	(void)drain_for(env, fd, 0.3, buf, sizeof(buf), &eof);
	CHECK_INT_EQ(count_lines(buf), 1);
	r = json_loads(buf, 0, NULL);
	CHECK(r != NULL && json_is_true(json_object_get(r, "ok")));
	json_decref(r);
	CHECK(eof);
	close(fd);

	/* answered later (a run to wait for): still delivered after the half-close */
	fd = connect_client(cs);
	seen.held = NULL;
	send_text(fd, "{\"v\":1,\"cmd\":\"hold\"}\n");
	CHECK(shutdown(fd, SHUT_WR) == 0);
	run_for(env->base, 0.1);
	CHECK(seen.held != NULL);
	if (seen.held != NULL) {
		req_reply_ok(seen.held, json_pack("{s:s}", "late", "yes"));
		req_unref(seen.held);
	}
	(void)drain_for(env, fd, 0.3, buf, sizeof(buf), &eof);
	CHECK_INT_EQ(count_lines(buf), 1);
	CHECK(strstr(buf, "\"late\"") != NULL);
	CHECK(eof);
	close(fd);
	run_for(env->base, 0.05);
	CHECK_INT_EQ(ctlsock_clients(cs), 0);
}

/* Every reply is JSON (so UTF-8) and an error always has its message. */
static void
check_error_reply(json_t *r, const char *want_code, const char *want_text)
{
	const char *e = json_string_value(json_object_get(r, "error"));

	CHECK(r != NULL);
	CHECK(json_is_false(json_object_get(r, "ok")));
	CHECK_MSG(strcmp(code(r), want_code) == 0, "code %s, expected %s", code(r), want_code);
	CHECK_MSG(e != NULL && e[0] != '\0', "an error reply without its message");
	if (e != NULL && want_text != NULL)
		CHECK_STR_CONTAINS(e, want_text);
}

static void
test_utf8_replies(struct parkpland *env, struct ctlsock *cs)
{
	char name[200];
	json_t *r[8];
	bool eof;
	int fd = connect_client(cs), n;
	const char *e;

	/* not UTF-8: in a string, in a key, a cut sequence, an overlong form, a surrogate */
	send_text(fd, "{\"v\":1,\"cmd\":\"st\xff\xfe\"}\n"
	              "{\"v\":1,\"c\xc3\":\"status\"}\n"
	              "{\"v\":1,\"cmd\":\"\xe5\xad\"}\n"
	              "{\"v\":1,\"cmd\":\"\xc0\xaf\"}\n"
	              "{\"v\":1,\"cmd\":\"\xed\xa0\x80\"}\n"
	              "\xff garbage \x9b\n");
	run_for(env->base, 0.1);
	n = replies(fd, r, 8, &eof);
	CHECK_INT_EQ(n, 6);
	for (int i = 0; i < n; i++)
		check_error_reply(r[i], "bad_request", "not valid UTF-8");
	free_replies(r, n);

	/* a version of the wrong type is named as such */
	send_text(fd, "{\"v\":\"1\",\"cmd\":\"status\"}\n{\"cmd\":\"status\"}\n"
	              "{\"v\":1.5,\"cmd\":\"status\"}\n{\"v\":1,\"cmd\":[\"status\"]}\n");
	run_for(env->base, 0.1);
	n = replies(fd, r, 8, &eof);
	CHECK_INT_EQ(n, 4);
	if (n == 4) {
		check_error_reply(r[0], "version", "\"v\" must be the integer 1, got a string");
		check_error_reply(r[1], "version", "\"v\" must be the integer 1, got nothing");
		check_error_reply(r[2], "version", "got a number with a fraction");
		check_error_reply(r[3], "bad_request", "\"cmd\" must be a string, got a list");
	}
	free_replies(r, n);

	/* a name cut at 64 bytes in the middle of a character: cut before it */
	snprintf(name, sizeof(name), "{\"v\":1,\"cmd\":\"name:%s\"}\n",
	         "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十");
	send_text(fd, name);
	run_for(env->base, 0.1);
	n = replies(fd, r, 8, &eof);
	CHECK_INT_EQ(n, 1);
	if (n == 1) {
		check_error_reply(r[0], "unknown_command", "unknown command 'name:一二");
		e = json_string_value(json_object_get(r[0], "error"));
		/* 5 bytes of "name:" and 19 whole characters of 3 bytes: 62 of the 64 */
		CHECK(e != NULL &&
		      strstr(e, "name:一二三四五六七八九十一二三四五六七八九'") != NULL);
	}
	free_replies(r, n);
	close(fd);
	run_for(env->base, 0.05);
}

int
main(void)
{
	struct parkpland env = {0};
	struct config conf;
	struct ctlsock *cs;
	char err[256];

	setvbuf(stdout, NULL, _IOFBF, 0);
	/* as parkpland: a reply to a peer that closed is EPIPE, not a signal */
	signal(SIGPIPE, SIG_IGN);
	log_set_level(LOG_LEVEL_WARNING);
	CHECK_INT_EQ(config_load(NULL, NULL, 0, &conf, err, sizeof(err)), 0);
	conf.max_request_bytes = 1024;
	conf.request_timeout_s = 0.3;
	conf.output_soft_bytes = 8192;
	conf.output_hard_bytes = 65536;
	env.base = event_base_new();
	env.conf = &conf;
	cs = ctlsock_new(&env, dispatch, NULL);
	CHECK(cs != NULL);
	if (cs == NULL)
		return check_done("test_daemon_ctlsock");
	test_framing(&env, cs);
	test_too_large(&env, cs);
	test_gone_while_pending(&env, cs);
	test_request_deadline(&env, cs);
	test_output_bound(&env, cs);
	test_half_close(&env, cs);
	test_utf8_replies(&env, cs);
	ctlsock_free(cs);
	run_for(env.base, 0.01);
	config_free(&conf);
	event_base_free(env.base);
	return check_done("test_daemon_ctlsock");
}
