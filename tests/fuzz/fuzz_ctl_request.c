/*
 * fuzz_ctl_request.c - libFuzzer harness of the control socket's framing
 * and request checks (daemon/ctlsock.c, ctlpeer.c, utf8.c, req.c): the
 * input is what a client sends on one connection, then it closes its
 * sending side.  The connection is a real socketpair served by a real
 * event loop, as parkpland serves one; the dispatch answers as cmd.c
 * does for an unknown command (the word quoted, cut at 64 bytes between
 * characters) and echoes the word of any other.
 *
 * A finding: a crash, a sanitizer report, a leak, or a reply that breaks
 * docs/protocol.md: every reply one line of UTF-8 JSON, an object with
 * "v": 1 and "ok"; an error with a "code" and a non-empty "error"; and
 * the connection closed once every request is answered.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "parkpland.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct parkpland env;
static struct config conf;
static struct ctlsock *cs;

static void
dispatch(void *arg, struct req *rq, const char *word, json_t *args)
{
	(void)arg;
	(void)args;
	if (strcmp(word, "status") == 0 || strcmp(word, "plans") == 0 ||
	    strcmp(word, "show") == 0) {
		req_reply_ok(rq, json_pack("{s:s}", "word", word));
		return;
	}
	{
		char shown[65];

		snprintf(shown, sizeof(shown), "%s", word);
		utf8_cut(shown, 64);
		req_reply_error(rq, ERR_UNKNOWN_COMMAND, "unknown command '%s'", shown);
	}
}

static void
setup(void)
{
	char err[256];

	signal(SIGPIPE, SIG_IGN);
	log_set_level(LOG_LEVEL_ERR);
	if (config_load(NULL, NULL, 0, &conf, err, sizeof(err)) != 0) {
		fprintf(stderr, "config: %s\n", err);
		abort();
	}
	conf.max_request_bytes = 4096;
	conf.request_timeout_s = 60;
	conf.idle_timeout_s = 60;
	env.base = event_base_new();
	env.conf = &conf;
	cs = ctlsock_new(&env, dispatch, NULL);
	if (env.base == NULL || cs == NULL)
		abort();
}

static void
finding(const char *what, const char *line, size_t len)
{
	fprintf(stderr, "fuzz_ctl_request: %s: %.*s\n", what, (int)(len > 300 ? 300 : len), line);
	abort();
}

/* One reply line as docs/protocol.md has it. */
static void
check_reply(const char *line, size_t len)
{
	json_error_t jerr;
	json_t *r;
	const char *code, *msg;

	if (!utf8_valid(line, len, NULL))
		finding("a reply that is not UTF-8", line, len);
	r = json_loadb(line, len, 0, &jerr);
	if (!json_is_object(r))
		finding("a reply that is not a JSON object", line, len);
	if (json_integer_value(json_object_get(r, "v")) != 1 ||
	    !json_is_boolean(json_object_get(r, "ok")))
		finding("a reply without v 1 and ok", line, len);
	if (json_is_false(json_object_get(r, "ok"))) {
		code = json_string_value(json_object_get(r, "code"));
		msg = json_string_value(json_object_get(r, "error"));
		if (code == NULL || code[0] == '\0')
			finding("an error reply without its code", line, len);
		if (msg == NULL || msg[0] == '\0')
			finding("an error reply without its message", line, len);
	}
	json_decref(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[1 << 20];
	size_t have = 0, sent = 0, start;
	bool eof = false, shut = false;
	int sv[2], rounds;

	if (cs == NULL)
		setup();
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		abort();
	fcntl(sv[1], F_SETFL, fcntl(sv[1], F_GETFL) | O_NONBLOCK);
	if (ctlsock_adopt(cs, sv[0]) != 0)
		abort();
	/* the client's bytes, the half-close, and the replies until the daemon closes */
	for (rounds = 0; !eof && rounds < 20000; rounds++) {
		ssize_t n;

		if (sent < size) {
			n = write(sv[1], data + sent, size - sent);
			if (n > 0)
				sent += (size_t)n;
		}
		if (sent == size && !shut) {
			shutdown(sv[1], SHUT_WR);
			shut = true;
		}
		event_base_loop(env.base, EVLOOP_NONBLOCK);
		while ((n = read(sv[1], buf + have, sizeof(buf) - 1 - have)) > 0) {
			have += (size_t)n;
			if (have == sizeof(buf) - 1)
				have = 0; /* only whole lines are checked below: keep reading */
		}
		if (n == 0)
			eof = true;
		else if (errno == EAGAIN) {
			struct pollfd p = {.fd = sv[1], .events = POLLIN};

			(void)poll(&p, 1, rounds < 100 ? 0 : 1);
		}
		/* check the whole lines so far */
		start = 0;
		for (size_t i = 0; i < have; i++)
			if (buf[i] == '\n') {
				check_reply(buf + start, i - start);
				start = i + 1;
			}
		memmove(buf, buf + start, have - start);
		have -= start;
	}
	if (!eof)
		finding("the connection was never closed after the half-close", "", 0);
	if (have > 0)
		finding("a reply without its LF", buf, have);
	close(sv[1]);
	/* let the daemon's side finish with the connection */
	event_base_loop(env.base, EVLOOP_NONBLOCK);
	return 0;
}
