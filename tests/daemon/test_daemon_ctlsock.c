/*
 * test_daemon_ctlsock.c - the control socket's framing and limits
 * (daemon/ctlsock.c) on a real socketpair and a real event loop: a request
 * split across reads, two requests in one read, bad JSON, a wrong version,
 * a request over the size limit; and a client that disconnects while its
 * reply is pending, released on a later pass of the loop.
 */
#include <errno.h>
#include <fcntl.h>
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

/* The dispatch: "hold" waits, "nosuch" is unknown, anything else echoes. */
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

int
main(void)
{
	struct parkpland env = {0};
	struct config conf;
	struct ctlsock *cs;
	char err[256];

	setvbuf(stdout, NULL, _IOFBF, 0);
	log_set_level(LOG_LEVEL_WARNING);
	CHECK_INT_EQ(config_load(NULL, NULL, 0, &conf, err, sizeof(err)), 0);
	conf.max_request_bytes = 1024;
	env.base = event_base_new();
	env.conf = &conf;
	cs = ctlsock_new(&env, dispatch, NULL);
	CHECK(cs != NULL);
	if (cs == NULL)
		return check_done("test_daemon_ctlsock");
	test_framing(&env, cs);
	test_too_large(&env, cs);
	test_gone_while_pending(&env, cs);
	ctlsock_free(cs);
	run_for(env.base, 0.01);
	config_free(&conf);
	event_base_free(env.base);
	return check_done("test_daemon_ctlsock");
}
