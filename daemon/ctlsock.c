/*
 * ctlsock.c - the control socket (docs/protocol.md): framing, replies and
 * connections.
 *
 * A Unix stream socket, created under a tight umask with the configured
 * mode and group, or handed over by systemd (socket activation).  Who may
 * connect and how many at once is ctlpeer.c's.  Requests are one JSON
 * object per line, at most daemon.max_request_bytes, one at a time per
 * connection.  Timers as the trusted servers keep them: a connection with
 * nothing pending is closed after daemon.idle_timeout_s; a request must be
 * whole within daemon.request_timeout_s of its first byte (later bytes do
 * not restart the clock); a reply not read at all for daemon.idle_timeout_s
 * closes the connection.  Replies not yet read by the client are bounded:
 * past daemon.output_soft_bytes no further request is read until they
 * drain, past daemon.output_hard_bytes the client is dropped.  A client
 * that closes its sending side (shutdown(SHUT_WR)) still gets the replies
 * to what it sent; an unterminated last line counts as a request.
 *
 * A request goes to the dispatch callback it was made with; a client is
 * reference-counted across asynchronous answers, and its memory is let go
 * on the loop's next pass after the last reference, never while a caller
 * may still hold it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>

#include "parkpland.h"
#include "sdnotify.h"

enum ctl_timer { CTL_TIMER_NONE, CTL_TIMER_IDLE, CTL_TIMER_REQUEST };
struct ctl_client {
	struct req req; /* first: what the commands see */
	struct ctlsock *cs;
	struct bufferevent *bev;
	uid_t uid;
	gid_t gid;
	pid_t pid;
	bool busy;       /* a request awaits its reply */
	bool processing; /* inside ctl_process() */
	bool closing;    /* close once the output is written */
	bool eof;        /* the client sends no more (half-closed, or gone) */
	bool held;       /* no request is read: replies past daemon.output_soft_bytes */
	bool gone;
	int refs;
	char who[64];
	struct event *timer; /* the idle timeout or the request's deadline */
	enum ctl_timer timer_kind;
	void *waiter; /* what a pending request waits on (opaque) */
	void (*waiter_cancel)(void *waiter);
	TAILQ_ENTRY(ctl_client) link; /* in clients, then in dead */
};

TAILQ_HEAD(ctl_clients, ctl_client);

struct ctlsock {
	struct parkpland *env;
	req_dispatch_fn dispatch;
	void *dispatch_arg;
	struct evconnlistener *listener;
	struct ctl_clients clients;
	int n_clients;
	struct ctl_clients dead; /* no reference left: freed on the loop's next pass */
	struct event *reap;
	struct ctlpeer_log *refusals;
	struct sockfile_id created_id; /* valid: the socket file is ours to remove */
	char path[108];
	void (*drained)(void *arg); /* after ctlsock_close_all(): the last client went */
	void *drained_arg;
};

static void ctl_process(struct ctl_client *c);
static void ctl_close(struct ctl_client *c);
static void ctl_reply_ok(struct ctl_client *c, json_t *data);
static void ctl_reply_error(struct ctl_client *c, enum protocol_error code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void ctl_client_ref(struct ctl_client *c);
static void ctl_client_unref(struct ctl_client *c);

/* --- the client as a struct req ------------------------------------------- */

static bool
ctl_client_privileged(const struct ctl_client *c)
{
	/* Checked per call: a reload may have changed the groups. */
	return ctlpeer_privileged(c->cs->env->conf, c->uid, c->gid);
}

static void
ctl_client_ref(struct ctl_client *c)
{
	c->refs++;
}

static void
ctl_reap(struct ctlsock *cs)
{
	struct ctl_client *c;

	while ((c = TAILQ_FIRST(&cs->dead)) != NULL) {
		TAILQ_REMOVE(&cs->dead, c, link);
		if (c->timer != NULL)
			event_free(c->timer);
		free(c);
	}
}

static void
ctl_reap_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	ctl_reap(arg);
}

static void
ctl_client_unref(struct ctl_client *c)
{
	static const struct timeval now = {0, 0};
	struct ctlsock *cs = c->cs;

	if (--c->refs > 0)
		return;
	/*
	 * Freed on the next pass of the loop (a zero timeout), not here:
	 * whoever dropped the last reference may still be in a function
	 * that holds c.  A closed client is off the list of clients.
	 */
	TAILQ_INSERT_TAIL(&cs->dead, c, link);
	evtimer_add(cs->reap, &now);
}

static struct ctl_client *
ctl_of(const struct req *rq)
{
	return (struct ctl_client *)rq;
}

static void
ctl_req_reply_ok(struct req *rq, json_t *data)
{
	ctl_reply_ok(ctl_of(rq), data);
}

static void
ctl_req_reply_error(struct req *rq, enum protocol_error code, const char *message)
{
	ctl_reply_error(ctl_of(rq), code, "%s", message);
}

static void
ctl_req_ref(struct req *rq)
{
	ctl_client_ref(ctl_of(rq));
}

static void
ctl_req_unref(struct req *rq)
{
	ctl_client_unref(ctl_of(rq));
}

static bool
ctl_req_gone(const struct req *rq)
{
	return ctl_of(rq)->gone;
}

static bool
ctl_req_privileged(const struct req *rq)
{
	return ctl_client_privileged(ctl_of(rq));
}

static const char *
ctl_req_who(const struct req *rq)
{
	return ctl_of(rq)->who;
}

static void
ctl_req_set_waiter(struct req *rq, void *waiter, void (*cancel)(void *waiter))
{
	struct ctl_client *c = ctl_of(rq);

	c->waiter = waiter;
	c->waiter_cancel = cancel;
}

static const struct req_ops ctl_req_ops = {
    ctl_req_reply_ok, ctl_req_reply_error, ctl_req_ref, ctl_req_unref,
    ctl_req_gone,     ctl_req_privileged,  ctl_req_who, ctl_req_set_waiter,
};

/* --- timers --------------------------------------------------------------- */

static void
ctl_timer_set(struct ctl_client *c, enum ctl_timer kind)
{
	const struct config *conf = c->cs->env->conf;
	struct timeval tv;

	if (c->timer_kind == kind)
		return; /* a deadline already running is not restarted */
	evtimer_del(c->timer);
	c->timer_kind = kind;
	if (kind == CTL_TIMER_NONE)
		return;
	tv = seconds_tv(kind == CTL_TIMER_IDLE ? conf->idle_timeout_s : conf->request_timeout_s);
	evtimer_add(c->timer, &tv);
}

static void
ctl_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ctl_client *c = arg;
	const struct config *conf = c->cs->env->conf;

	(void)fd;
	(void)what;
	if (c->gone)
		return;
	if (c->timer_kind == CTL_TIMER_IDLE) {
		log_debug("control: client %s idle, closing", c->who);
		ctl_close(c);
		return;
	}
	c->timer_kind = CTL_TIMER_NONE;
	ctlpeer_log(c->cs->refusals, CTLPEER_TIMED_OUT,
	            "%s (pid %d): request not whole within %g s (daemon.request_timeout_s), "
	            "closing",
	            c->who, (int)c->pid, conf->request_timeout_s);
	/* closing first: the reply does not turn reading on again */
	c->closing = true;
	c->busy = true;
	bufferevent_disable(c->bev, EV_READ);
	ctl_client_ref(c);
	ctl_reply_error(c, ERR_BAD_REQUEST,
	                "the request was not whole within %g s of its first byte "
	                "(daemon.request_timeout_s)",
	                conf->request_timeout_s);
	if (!c->gone && evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
		ctl_close(c);
	ctl_client_unref(c);
}

/* --- replies -------------------------------------------------------------- */

/* json_dump_callback: into an evbuffer. */
static int
ctl_dump(const char *text, size_t size, void *data)
{
	return evbuffer_add(data, text, size);
}

static void
ctl_send(struct ctl_client *c, json_t *msg)
{
	const struct config *conf = c->cs->env->conf;
	struct evbuffer *line, *out;
	size_t queued;

	json_object_set_new(msg, "v", json_integer(PROTOCOL_VERSION));
	if (c->gone || c->bev == NULL) {
		json_decref(msg);
		return;
	}
	out = bufferevent_get_output(c->bev);
	line = evbuffer_new();
	if (line == NULL ||
	    json_dump_callback(msg, ctl_dump, line,
	                       JSON_COMPACT | JSON_ENSURE_ASCII | JSON_SORT_KEYS) != 0 ||
	    evbuffer_add(line, "\n", 1) != 0) {
		static const char oom[] =
		    "{\"v\":1,\"ok\":false,\"code\":\"internal\",\"error\":\"out of memory\"}\n";

		bufferevent_write(c->bev, oom, sizeof(oom) - 1);
	} else if ((queued = evbuffer_get_length(out) + evbuffer_get_length(line)) >
	           (size_t)conf->output_hard_bytes) {
		/* the client does not read what it asked for: dropped (Redis's hard limit) */
		ctlpeer_log(c->cs->refusals, CTLPEER_DROPPED,
		            "%s (pid %d) dropped: %zu bytes of replies not read, past "
		            "daemon.output_hard_bytes %d",
		            c->who, (int)c->pid, queued, conf->output_hard_bytes);
		evbuffer_free(line);
		json_decref(msg);
		ctl_close(c);
		return;
	} else {
		bufferevent_write_buffer(c->bev, line);
	}
	if (line != NULL)
		evbuffer_free(line);
	json_decref(msg);
}

/* Replies not read yet, past daemon.output_soft_bytes: no request is read. */
static bool
ctl_output_full(const struct ctl_client *c)
{
	return evbuffer_get_length(bufferevent_get_output(c->bev)) >=
	       (size_t)c->cs->env->conf->output_soft_bytes;
}

static void
ctl_reply_done(struct ctl_client *c)
{
	c->busy = false;
	c->waiter = NULL;
	c->waiter_cancel = NULL;
	if (c->gone)
		return;
	if (!c->processing)
		ctl_process(c);
}

static void
ctl_reply_ok(struct ctl_client *c, json_t *data)
{
	json_t *msg = json_object();

	metrics_control_request(c->cs->env->metrics, c->req.cmd, "ok");
	json_object_set_new(msg, "ok", json_true());
	json_object_set_new(msg, "data", data != NULL ? data : json_null());
	ctl_send(c, msg);
	ctl_reply_done(c);
}

static void
ctl_reply_error(struct ctl_client *c, enum protocol_error code, const char *fmt, ...)
{
	json_t *msg = json_object();
	char text[1024];
	va_list ap;

	/* always UTF-8 (json_string() refuses anything else): never without its message */
	va_start(ap, fmt);
	utf8_vformat(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (text[0] == '\0')
		snprintf(text, sizeof(text), "%s", protocol_error_text(code));
	metrics_control_request(c->cs->env->metrics, c->req.cmd, protocol_error_text(code));
	json_object_set_new(msg, "ok", json_false());
	json_object_set_new(msg, "code", json_string(protocol_error_text(code)));
	json_object_set_new(msg, "error", json_string(text));
	ctl_send(c, msg);
	ctl_reply_done(c);
}

/* --- requests ------------------------------------------------------------- */

/* What a JSON value is, for a message: "a string", "nothing". */
static const char *
ctl_json_kind(const json_t *v)
{
	switch (v == NULL ? JSON_NULL + 100 : (int)json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "a list";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a number with a fraction";
	case JSON_TRUE:
	case JSON_FALSE:
		return "true or false";
	case JSON_NULL:
		return "null";
	default:
		return "nothing";
	}
}

static void
ctl_request(struct ctl_client *c, const char *line, size_t len)
{
	json_error_t jerr;
	json_t *req, *v, *cmd, *args;
	size_t bad;

	c->busy = true;
	c->req.cmd = NULL;
	req = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	/*
	 * jansson reads the whole line and refuses any byte that is not UTF-8,
	 * quoting it: such a request is answered by where its UTF-8 breaks
	 * (scanned only then), never echoed.
	 */
	if (req == NULL && !utf8_valid(line, len, &bad)) {
		ctl_reply_error(c, ERR_BAD_REQUEST,
		                "the request is not valid UTF-8 (byte %zu of %zu): JSON text "
		                "must be UTF-8",
		                bad + 1, len);
		return;
	}
	if (req == NULL || !json_is_object(req)) {
		ctl_reply_error(c, ERR_BAD_REQUEST, "not a JSON object: %s",
		                req == NULL ? jerr.text : ctl_json_kind(req));
		json_decref(req);
		return;
	}
	v = json_object_get(req, "v");
	cmd = json_object_get(req, "cmd");
	args = json_object_get(req, "args");
	if (!json_is_integer(v)) {
		ctl_reply_error(c, ERR_VERSION, "\"v\" must be the integer %d, got %s",
		                PROTOCOL_VERSION, ctl_json_kind(v));
	} else if (json_integer_value(v) != PROTOCOL_VERSION) {
		ctl_reply_error(c, ERR_VERSION,
		                "protocol version %lld is not supported (this parkpland speaks %d)",
		                (long long)json_integer_value(v), PROTOCOL_VERSION);
	} else if (!json_is_string(cmd)) {
		ctl_reply_error(c, ERR_BAD_REQUEST, "\"cmd\" must be a string, got %s",
		                ctl_json_kind(cmd));
	} else if (args != NULL && !json_is_object(args) && !json_is_null(args)) {
		ctl_reply_error(c, ERR_BAD_REQUEST, "\"args\" must be an object, got %s",
		                ctl_json_kind(args));
	} else {
		json_t *a = json_is_object(args) ? json_incref(args) : json_object();

		c->cs->dispatch(c->cs->dispatch_arg, &c->req, json_string_value(cmd), a);
		json_decref(a);
	}
	json_decref(req);
}

/* The next line of the input; at the end of the input, what is left is one. */
static char *
ctl_next_line(struct ctl_client *c, struct evbuffer *in, size_t *len)
{
	char *line = evbuffer_readln(in, len, EVBUFFER_EOL_LF);

	if (line != NULL || !c->eof || evbuffer_get_length(in) == 0)
		return line;
	*len = evbuffer_get_length(in);
	line = malloc(*len + 1);
	if (line == NULL)
		return NULL;
	evbuffer_remove(in, line, *len);
	line[*len] = '\0';
	return line;
}

/* After the requests that could be taken: reading, timers, the end. */
static void
ctl_settle(struct ctl_client *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);
	size_t out = evbuffer_get_length(bufferevent_get_output(c->bev));

	if (c->busy || c->closing) {
		/* served (never timed out) or on its way out */
		ctl_timer_set(c, CTL_TIMER_NONE);
		bufferevent_disable(c->bev, EV_READ);
		return;
	}
	if (c->held) {
		/* the idle timeout is the write timeout's while replies wait */
		ctl_timer_set(c, CTL_TIMER_NONE);
		bufferevent_disable(c->bev, EV_READ);
		return;
	}
	if (c->eof) {
		/* every request sent is answered: close once the replies are out */
		ctl_timer_set(c, CTL_TIMER_NONE);
		c->closing = true;
		if (out == 0)
			ctl_close(c);
		return;
	}
	bufferevent_enable(c->bev, EV_READ);
	ctl_timer_set(c, evbuffer_get_length(in) > 0 ? CTL_TIMER_REQUEST : CTL_TIMER_IDLE);
}

static void
ctl_process(struct ctl_client *c)
{
	size_t max = (size_t)c->cs->env->conf->max_request_bytes;
	struct evbuffer *in;
	char *line;
	size_t len;

	if (c->gone || c->closing)
		return;
	in = bufferevent_get_input(c->bev);
	c->processing = true;
	ctl_client_ref(c);
	while (!c->busy && !c->gone && !c->closing) {
		c->held = ctl_output_full(c);
		if (c->held)
			break;
		line = ctl_next_line(c, in, &len);
		/* no whole line yet: what is buffered counts */
		if (line == NULL)
			len = evbuffer_get_length(in);
		if (len > max) {
			free(line);
			/* closing first: the reply does not turn reading on again */
			c->closing = true;
			c->busy = true;
			bufferevent_disable(c->bev, EV_READ);
			ctl_reply_error(c, ERR_TOO_LARGE, "request longer than %zu bytes", max);
			break;
		}
		if (line == NULL)
			break;
		if (len == 0) {
			free(line);
			continue;
		}
		/* a whole request: its deadline is met */
		ctl_timer_set(c, CTL_TIMER_NONE);
		ctl_request(c, line, len);
		free(line);
	}
	c->processing = false;
	if (!c->gone) {
		if (c->closing && evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
			ctl_close(c);
		else
			ctl_settle(c);
	}
	ctl_client_unref(c);
}

/* --- connections ---------------------------------------------------------- */

static void
ctl_close(struct ctl_client *c)
{
	struct ctlsock *cs = c->cs;

	if (c->gone)
		return;
	c->gone = true;
	if (c->waiter_cancel != NULL)
		c->waiter_cancel(c->waiter);
	c->waiter = NULL;
	c->waiter_cancel = NULL;
	evtimer_del(c->timer);
	bufferevent_free(c->bev);
	c->bev = NULL;
	TAILQ_REMOVE(&cs->clients, c, link);
	cs->n_clients--;
	ctl_client_unref(c);
	if (cs->n_clients == 0 && cs->drained != NULL)
		cs->drained(cs->drained_arg);
}

static void
ctl_read_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	ctl_process(arg);
}

static void
ctl_write_cb(struct bufferevent *bev, void *arg)
{
	struct ctl_client *c = arg;

	(void)bev;
	if (c->gone)
		return;
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0 && c->closing && !c->busy) {
		ctl_close(c);
		return;
	}
	/* the replies drained below daemon.output_soft_bytes: the next request */
	if (c->held && !ctl_output_full(c)) {
		c->held = false;
		if (!c->busy)
			ctl_process(c);
	}
}

static void
ctl_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct ctl_client *c = arg;

	(void)bev;
	if ((what & BEV_EVENT_EOF) && (what & BEV_EVENT_READING)) {
		/* half-closed: the requests sent are still answered */
		c->eof = true;
		bufferevent_disable(c->bev, EV_READ);
		if (!c->busy)
			ctl_process(c);
		return;
	}
	if (what & BEV_EVENT_TIMEOUT)
		log_debug("control: client %s reads no reply, closing", c->who);
	ctl_close(c);
}

static void
ctl_refuse(struct ctlsock *cs, int fd, enum protocol_error code, const char *message)
{
	char buf[512];
	int n =
	    snprintf(buf, sizeof(buf), "{\"v\":%d,\"ok\":false,\"code\":\"%s\",\"error\":\"%s\"}\n",
	             PROTOCOL_VERSION, protocol_error_text(code), message);

	metrics_control_request(cs->env->metrics, NULL, protocol_error_text(code));
	if (n > 0)
		(void)!write(fd, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	close(fd);
}

static int
ctl_count_uid(const struct ctlsock *cs, uid_t uid)
{
	const struct ctl_client *c;
	int n = 0;

	TAILQ_FOREACH(c, &cs->clients, link)
	{
		if (c->uid == uid)
			n++;
	}
	return n;
}

int
ctlsock_adopt(struct ctlsock *cs, int fd)
{
	const struct config *conf = cs->env->conf;
	enum ctlpeer_verdict verdict;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct ctl_client *c;
	struct timeval idle;
	char why[256];

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
		log_warn("control: SO_PEERCRED");
		close(fd);
		return -1;
	}
	verdict = ctlpeer_admit(conf, cred.uid, cred.gid, cs->n_clients,
	                        ctl_count_uid(cs, cred.uid), why, sizeof(why));
	if (verdict != CTLPEER_ADMIT) {
		if (verdict == CTLPEER_DENIED)
			ctlpeer_log(cs->refusals, verdict,
			            "uid %u (pid %d) is not allowed (daemon.socket_group)",
			            (unsigned)cred.uid, (int)cred.pid);
		else
			ctlpeer_log(cs->refusals, verdict, "refusing uid %u (pid %d): %s",
			            (unsigned)cred.uid, (int)cred.pid, why);
		ctl_refuse(cs, fd, verdict == CTLPEER_DENIED ? ERR_DENIED : ERR_BUSY, why);
		return -1;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		close(fd);
		return -1;
	}
	c->req.ops = &ctl_req_ops;
	c->cs = cs;
	c->uid = cred.uid;
	c->gid = cred.gid;
	c->pid = cred.pid;
	c->refs = 1;
	snprintf(c->who, sizeof(c->who), "uid %u", (unsigned)cred.uid);
	evutil_make_socket_nonblocking(fd);
	c->timer = evtimer_new(cs->env->base, ctl_timer_cb, c);
	c->bev = bufferevent_socket_new(cs->env->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL || c->timer == NULL) {
		if (c->bev != NULL)
			bufferevent_free(c->bev);
		else
			close(fd);
		if (c->timer != NULL)
			event_free(c->timer);
		free(c);
		return -1;
	}
	bufferevent_setcb(c->bev, ctl_read_cb, ctl_write_cb, ctl_event_cb, c);
	/* a reply nobody reads: no progress for this long closes the connection */
	idle = seconds_tv(conf->idle_timeout_s);
	bufferevent_set_timeouts(c->bev, NULL, &idle);
	/* the write callback when the replies waiting drain to the soft bound */
	bufferevent_setwatermark(c->bev, EV_WRITE, (size_t)conf->output_soft_bytes, 0);
	TAILQ_INSERT_TAIL(&cs->clients, c, link);
	cs->n_clients++;
	bufferevent_enable(c->bev, EV_READ);
	ctl_timer_set(c, CTL_TIMER_IDLE);
	log_debug("control: %s connected (pid %d)", c->who, (int)c->pid);
	return 0;
}

static void
ctl_accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int salen,
              void *arg)
{
	(void)l;
	(void)sa;
	(void)salen;
	(void)ctlsock_adopt(arg, fd);
}

/* --- the listening socket ------------------------------------------------- */

static int
ctlsock_from_systemd(void)
{
	int n = sd_listen_fds(1), fd;

	for (fd = SD_LISTEN_FDS_START; fd < SD_LISTEN_FDS_START + n; fd++) {
		if (sd_is_socket_unix(fd, SOCK_STREAM, 1, NULL, 0) > 0)
			return fd;
	}
	if (n > 0)
		log_warnx("control: systemd passed %d sockets, none a listening Unix stream socket",
		          n);
	return -1;
}

struct ctlsock *
ctlsock_new(struct parkpland *env, req_dispatch_fn dispatch, void *arg)
{
	struct ctlsock *cs = calloc(1, sizeof(*cs));

	if (cs == NULL)
		return NULL;
	cs->env = env;
	cs->dispatch = dispatch;
	cs->dispatch_arg = arg;
	TAILQ_INIT(&cs->clients);
	TAILQ_INIT(&cs->dead);
	cs->reap = evtimer_new(env->base, ctl_reap_cb, cs);
	cs->refusals = ctlpeer_log_new(env->base);
	if (cs->reap == NULL || cs->refusals == NULL) {
		if (cs->reap != NULL)
			event_free(cs->reap);
		ctlpeer_log_free(cs->refusals);
		free(cs);
		return NULL;
	}
	return cs;
}

int
ctlsock_listen(struct ctlsock *cs, char *err, size_t errlen)
{
	int fd;

	fd = ctlsock_from_systemd();
	if (fd >= 0) {
		log_info("control: socket passed by systemd");
		evutil_make_socket_nonblocking(fd);
	} else {
		const struct config *conf = cs->env->conf;

		/* created under umask 0177, then given the group and the mode */
		fd = sockfile_listen(conf->socket_path, 0177, conf->socket_group, conf->socket_mode,
		                     &cs->created_id, err, errlen);
		if (fd < 0)
			return -1;
		snprintf(cs->path, sizeof(cs->path), "%s", conf->socket_path);
		log_info("control: listening on %s", cs->env->conf->socket_path);
	}
	cs->listener = evconnlistener_new(cs->env->base, ctl_accept_cb, cs,
	                                  LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, -1, fd);
	if (cs->listener == NULL) {
		snprintf(err, errlen, "cannot listen on the control socket");
		close(fd);
		return -1;
	}
	return 0;
}

void
ctlsock_stop(struct ctlsock *cs)
{
	if (cs->listener != NULL) {
		evconnlistener_free(cs->listener);
		cs->listener = NULL;
	}
	if (cs->created_id.valid) {
		sockfile_remove(cs->path, &cs->created_id);
		cs->created_id.valid = false;
	}
}

int
ctlsock_clients(const struct ctlsock *cs)
{
	return cs->n_clients;
}

void
ctlsock_close_all(struct ctlsock *cs, const char *why, void (*drained)(void *arg), void *arg)
{
	struct ctl_client *c, *next;

	cs->drained = drained;
	cs->drained_arg = arg;
	if (cs->n_clients == 0) {
		if (drained != NULL)
			drained(arg);
		return;
	}
	for (c = TAILQ_FIRST(&cs->clients); c != NULL; c = next) {
		next = TAILQ_NEXT(c, link);
		/* closing first: no further request is read from the buffer */
		c->closing = true;
		ctl_timer_set(c, CTL_TIMER_NONE);
		if (c->busy)
			ctl_reply_error(c, ERR_SHUTTING_DOWN, "%s", why);
		if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
			ctl_close(c);
		else
			bufferevent_disable(c->bev, EV_READ);
	}
}

void
ctlsock_free(struct ctlsock *cs)
{
	struct ctl_client *c;

	if (cs == NULL)
		return;
	ctlsock_stop(cs);
	cs->drained = NULL;
	while ((c = TAILQ_FIRST(&cs->clients)) != NULL)
		ctl_close(c);
	/* a reference still held elsewhere is that holder's to drop: none at exit */
	ctl_reap(cs);
	event_free(cs->reap);
	ctlpeer_log_free(cs->refusals);
	free(cs);
}
