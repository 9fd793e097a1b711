/*
 * client.c - talking to parkpland over its control socket: the options of
 * the socket verbs, the call, and what their handlers share.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "ctl.h"

const struct ctl_option client_opt_socket = {.long_name = "socket", .kind = CTL_VALUE};
const struct ctl_option client_opt_json = {.long_name = "json", .kind = CTL_FLAG};
const struct ctl_option client_opt_timeout = {
    .long_name = "timeout", .kind = CTL_VALUE, .check = ctl_check_positive};
const struct ctl_option client_opt_wait = {.long_name = "wait", .kind = CTL_FLAG};
const struct ctl_option client_opt_limit = {
    .long_name = "limit", .kind = CTL_VALUE, .check = ctl_check_count};
const struct ctl_option client_opt_output = {.long_name = "output", .kind = CTL_VALUE};

const struct ctl_option *const client_options[] = {
    &client_opt_socket,
    &client_opt_json,
    &client_opt_timeout,
    &client_opt_wait,
    &client_opt_limit,
    &client_opt_output,
    NULL,
};

const char *
client_socket_path(const char *option_value)
{
	const char *p = option_value;

	if (p == NULL || *p == '\0')
		p = getenv("PARKPLAN_SOCKET");
	if (p == NULL || *p == '\0')
		p = PROTOCOL_DEFAULT_SOCKET;
	return p;
}

static double
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

json_t *
client_call(const char *path, const char *cmd, json_t *args, double timeout_s, const char *verb,
            int *exit_code)
{
	struct sockaddr_un sun;
	json_t *req, *reply;
	json_error_t jerr;
	char *text, *buf = NULL, *nl;
	size_t len = 0, cap = 0;
	double deadline = timeout_s > 0 ? mono_now() + timeout_s : 0;
	int fd, send_errno = 0;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		ctl_error(verb, "%s: socket path too long", path);
		*exit_code = EXIT_USAGE;
		return NULL;
	}
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		ctl_error(verb, "cannot reach parkpland at %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		*exit_code = EXIT_UNAVAILABLE;
		return NULL;
	}
	req = json_pack("{s:i, s:s, s:o}", "v", PROTOCOL_VERSION, "cmd", cmd, "args",
	                args != NULL ? json_incref(args) : json_object());
	text = req != NULL ? json_dumps(req, JSON_COMPACT) : NULL;
	json_decref(req);
	if (text == NULL) {
		close(fd);
		*exit_code = EXIT_INTERNAL;
		ctl_error(verb, "out of memory");
		return NULL;
	}
	/*
	 * When the daemon refused the connection (denied, busy) it has
	 * closed it already: the send fails, its reply is still there to read.
	 */
	if (write_all(fd, text, strlen(text)) != 0 || write_all(fd, "\n", 1) != 0)
		send_errno = errno;
	free(text);
	for (;;) {
		struct pollfd pfd = {fd, POLLIN, 0};
		int wait_ms = -1, r;
		ssize_t n;

		if (deadline > 0) {
			double left = deadline - mono_now();

			if (left <= 0) {
				ctl_error(verb, "no answer from parkpland within %.0f s",
				          timeout_s);
				goto fail_unavailable;
			}
			wait_ms = (int)(left * 1000) + 1;
		}
		r = poll(&pfd, 1, wait_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ctl_error(verb, "poll: %s", strerror(errno));
			goto fail_unavailable;
		}
		if (r == 0)
			continue;
		if (len + 65536 + 1 > cap) {
			size_t ncap = cap ? cap * 2 : 131072;
			char *nb;

			if (ncap > PROTOCOL_MAX_REPLY) {
				ctl_error(verb, "reply larger than %d bytes", PROTOCOL_MAX_REPLY);
				free(buf);
				close(fd);
				*exit_code = EXIT_INTERNAL;
				return NULL;
			}
			nb = realloc(buf, ncap);
			if (nb == NULL) {
				free(buf);
				close(fd);
				*exit_code = EXIT_INTERNAL;
				return NULL;
			}
			buf = nb;
			cap = ncap;
		}
		n = read(fd, buf + len, 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (send_errno != 0)
				ctl_error(verb, "cannot send to parkpland: %s",
				          strerror(send_errno));
			else
				ctl_error(verb,
				          "parkpland closed the connection without an answer");
			goto fail_unavailable;
		}
		len += (size_t)n;
		buf[len] = '\0';
		nl = memchr(buf, '\n', len);
		if (nl != NULL) {
			*nl = '\0';
			break;
		}
	}
	close(fd);
	reply = json_loads(buf, 0, &jerr);
	free(buf);
	if (reply == NULL || !json_is_object(reply) ||
	    !json_is_boolean(json_object_get(reply, "ok"))) {
		ctl_error(verb, "unreadable answer from parkpland: %s",
		          reply == NULL ? jerr.text : "not a reply object");
		json_decref(reply);
		*exit_code = EXIT_INTERNAL;
		return NULL;
	}
	return reply;
fail_unavailable:
	free(buf);
	close(fd);
	*exit_code = EXIT_UNAVAILABLE;
	return NULL;
}

int
client_reply_error(const char *verb, const json_t *reply)
{
	const char *code = json_string_value(json_object_get(reply, "code"));
	const char *msg = json_string_value(json_object_get(reply, "error"));

	ctl_error(verb, "%s", msg != NULL ? msg : "failed");
	return protocol_error_exit(code);
}

json_t *
client_data(const struct ctl_args *a, const char *cmd, json_t *args, int *exit_code)
{
	const union ctl_value *timeout = ctl_value(a, "timeout");
	const char *verb = a->verb->name;
	json_t *reply, *data;

	reply = client_call(client_socket_path(ctl_text(a, "socket")), cmd, args,
	                    timeout != NULL ? timeout->real : 0, verb, exit_code);
	json_decref(args);
	if (reply == NULL)
		return NULL;
	if (!json_is_true(json_object_get(reply, "ok"))) {
		*exit_code = client_reply_error(verb, reply);
		json_decref(reply);
		return NULL;
	}
	data = json_incref(json_object_get(reply, "data"));
	json_decref(reply);
	*exit_code = EXIT_OK;
	return data;
}

int
client_plan_id(const char *verb, const char *text, long long *out)
{
	char *end;
	long long v = strtoll(text, &end, 10);

	if (*text == '\0' || *end != '\0' || v <= 0) {
		ctl_error(verb, "'%s' is not a plan id", text);
		return -1;
	}
	*out = v;
	return 0;
}

json_t *
client_plan_args(json_t *args, long long plan)
{
	if (plan > 0)
		json_object_set_new(args, "plan", json_integer(plan));
	return args;
}
