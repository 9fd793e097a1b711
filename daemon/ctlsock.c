/*
 * ctlsock.c - the control socket (docs/protocol.md).
 *
 * A Unix stream socket, created under a tight umask with the configured
 * mode and group, or handed over by systemd (socket activation).  Every
 * connection is checked with SO_PEERCRED: root, the daemon's own user and
 * members of daemon.socket_group may talk; approve and reload also need
 * daemon.admin_group.  Requests are one JSON object per line, at most
 * daemon.max_request_bytes, one at a time per connection; a connection
 * idle for daemon.idle_timeout_s (no request pending) is closed, and no
 * more than daemon.max_clients are served at once.
 *
 * A request goes to the dispatch callback it was made with; a client is
 * reference-counted across asynchronous answers, and its memory is let go
 * on the loop's next pass after the last reference, never while a caller
 * may still hold it.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
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
	bool gone;
	int refs;
	char who[64];
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
	bool created; /* the socket file is ours to remove */
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

/* --- who may talk --------------------------------------------------------- */

static bool
peer_in_group(uid_t uid, gid_t gid, const char *group)
{
	struct group *gr;
	struct passwd *pw;
	gid_t groups[256];
	int n = 256, i;

	if (group == NULL || *group == '\0')
		return false;
	gr = getgrnam(group);
	if (gr == NULL)
		return false;
	if (gid == gr->gr_gid)
		return true;
	pw = getpwuid(uid);
	if (pw == NULL)
		return false;
	if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) < 0)
		return false;
	for (i = 0; i < n; i++)
		if (groups[i] == gr->gr_gid)
			return true;
	return false;
}

static bool
peer_may_connect(const struct ctlsock *cs, uid_t uid, gid_t gid)
{
	return uid == 0 || uid == geteuid() || peer_in_group(uid, gid, cs->env->conf->socket_group);
}

static bool
ctl_client_privileged(const struct ctl_client *c)
{
	/* Checked per call: a reload may have changed the groups. */
	return c->uid == 0 || c->uid == geteuid() ||
	       peer_in_group(c->uid, c->gid, c->cs->env->conf->admin_group);
}

static const char *
ctl_client_who(const struct ctl_client *c)
{
	return c->who;
}

static bool
ctl_client_gone(const struct ctl_client *c)
{
	return c->gone;
}

static void
ctl_client_set_waiter(struct ctl_client *c, void *waiter, void (*cancel)(void *waiter))
{
	c->waiter = waiter;
	c->waiter_cancel = cancel;
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
	struct evbuffer *line;

	json_object_set_new(msg, "v", json_integer(PROTOCOL_VERSION));
	if (c->gone || c->bev == NULL) {
		json_decref(msg);
		return;
	}
	line = evbuffer_new();
	if (line == NULL ||
	    json_dump_callback(msg, ctl_dump, line,
	                       JSON_COMPACT | JSON_ENSURE_ASCII | JSON_SORT_KEYS) != 0 ||
	    evbuffer_add(line, "\n", 1) != 0) {
		static const char oom[] =
		    "{\"v\":1,\"ok\":false,\"code\":\"internal\",\"error\":\"out of memory\"}\n";

		bufferevent_write(c->bev, oom, sizeof(oom) - 1);
	} else {
		bufferevent_write_buffer(c->bev, line);
	}
	if (line != NULL)
		evbuffer_free(line);
	json_decref(msg);
}

static void
ctl_reply_done(struct ctl_client *c)
{
	c->busy = false;
	c->waiter = NULL;
	c->waiter_cancel = NULL;
	if (c->gone)
		return;
	if (!c->closing)
		bufferevent_enable(c->bev, EV_READ);
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

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	metrics_control_request(c->cs->env->metrics, c->req.cmd, protocol_error_text(code));
	json_object_set_new(msg, "ok", json_false());
	json_object_set_new(msg, "code", json_string(protocol_error_text(code)));
	json_object_set_new(msg, "error", json_string(text));
	ctl_send(c, msg);
	ctl_reply_done(c);
}

/* --- the request as the commands see it (struct req) ---------------------- */

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
	return ctl_client_gone(ctl_of(rq));
}

static bool
ctl_req_privileged(const struct req *rq)
{
	return ctl_client_privileged(ctl_of(rq));
}

static const char *
ctl_req_who(const struct req *rq)
{
	return ctl_client_who(ctl_of(rq));
}

static void
ctl_req_set_waiter(struct req *rq, void *waiter, void (*cancel)(void *waiter))
{
	ctl_client_set_waiter(ctl_of(rq), waiter, cancel);
}

static const struct req_ops ctl_req_ops = {
    ctl_req_reply_ok, ctl_req_reply_error, ctl_req_ref, ctl_req_unref,
    ctl_req_gone,     ctl_req_privileged,  ctl_req_who, ctl_req_set_waiter,
};

/* --- requests ------------------------------------------------------------- */

static void
ctl_request(struct ctl_client *c, const char *line, size_t len)
{
	json_error_t jerr;
	json_t *req, *v, *cmd, *args;

	req = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	c->busy = true;
	c->req.cmd = NULL;
	if (req == NULL || !json_is_object(req)) {
		json_decref(req);
		ctl_reply_error(c, ERR_BAD_REQUEST, "not a JSON object: %s",
		                req == NULL ? jerr.text : "wrong type");
		return;
	}
	v = json_object_get(req, "v");
	cmd = json_object_get(req, "cmd");
	args = json_object_get(req, "args");
	if (!json_is_integer(v) || json_integer_value(v) != PROTOCOL_VERSION) {
		ctl_reply_error(c, ERR_VERSION,
		                "protocol version %lld is not supported (this parkpland speaks %d)",
		                json_is_integer(v) ? (long long)json_integer_value(v) : -1LL,
		                PROTOCOL_VERSION);
	} else if (!json_is_string(cmd)) {
		ctl_reply_error(c, ERR_BAD_REQUEST, "\"cmd\" must be a string");
	} else if (args != NULL && !json_is_object(args) && !json_is_null(args)) {
		ctl_reply_error(c, ERR_BAD_REQUEST, "\"args\" must be an object");
	} else {
		json_t *a = json_is_object(args) ? json_incref(args) : json_object();

		c->cs->dispatch(c->cs->dispatch_arg, &c->req, json_string_value(cmd), a);
		json_decref(a);
	}
	json_decref(req);
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
		line = evbuffer_readln(in, &len, EVBUFFER_EOL_LF);
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
		ctl_request(c, line, len);
		free(line);
		if (c->busy && !c->gone)
			bufferevent_disable(c->bev, EV_READ); /* one request at a time */
	}
	c->processing = false;
	if (c->closing && !c->gone && evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
		ctl_close(c);
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
	if (c->closing && !c->busy)
		ctl_close(c);
}

static void
ctl_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct ctl_client *c = arg;

	(void)bev;
	if (what & BEV_EVENT_TIMEOUT)
		log_debug("control: client %s idle, closing", c->who);
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
		(void)!write(fd, buf, (size_t)n);
	close(fd);
}

int
ctlsock_adopt(struct ctlsock *cs, int fd)
{
	const struct config *conf = cs->env->conf;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct ctl_client *c;
	struct timeval idle;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
		log_warn("control: SO_PEERCRED");
		close(fd);
		return -1;
	}
	if (cs->n_clients >= conf->max_clients) {
		log_warnx("control: client limit (%d) reached, refusing uid %u", conf->max_clients,
		          (unsigned)cred.uid);
		ctl_refuse(cs, fd, ERR_BUSY, "too many clients");
		return -1;
	}
	if (!peer_may_connect(cs, cred.uid, cred.gid)) {
		log_warnx("control: uid %u (pid %d) is not allowed (daemon.socket_group)",
		          (unsigned)cred.uid, (int)cred.pid);
		ctl_refuse(cs, fd, ERR_DENIED, "not allowed: not in the control group");
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
	c->bev = bufferevent_socket_new(cs->env->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL) {
		free(c);
		close(fd);
		return -1;
	}
	bufferevent_setcb(c->bev, ctl_read_cb, ctl_write_cb, ctl_event_cb, c);
	idle = seconds_tv(conf->idle_timeout_s);
	bufferevent_set_timeouts(c->bev, &idle, NULL);
	bufferevent_enable(c->bev, EV_READ);
	TAILQ_INSERT_TAIL(&cs->clients, c, link);
	cs->n_clients++;
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

static int
ctlsock_create(struct ctlsock *cs, char *err, size_t errlen)
{
	const struct config *conf = cs->env->conf;
	struct sockaddr_un sun;
	mode_t old;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(conf->socket_path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "%s: path too long", conf->socket_path);
		return -1;
	}
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", conf->socket_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	/* A socket left by a previous parkpland that did not stop cleanly. */
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		snprintf(err, errlen, "%s: another parkpland is listening", conf->socket_path);
		close(fd);
		return -1;
	}
	close(fd);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	(void)unlink(conf->socket_path);
	old = umask(0177);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		umask(old);
		snprintf(err, errlen, "%s: bind: %s", conf->socket_path, strerror(errno));
		close(fd);
		return -1;
	}
	umask(old);
	cs->created = true;
	snprintf(cs->path, sizeof(cs->path), "%s", conf->socket_path);
	if (conf->socket_group[0] != '\0') {
		struct group *gr = getgrnam(conf->socket_group);

		if (gr == NULL || chown(conf->socket_path, (uid_t)-1, gr->gr_gid) != 0) {
			snprintf(err, errlen, "%s: cannot give it to group %s: %s",
			         conf->socket_path, conf->socket_group,
			         gr == NULL ? "no such group" : strerror(errno));
			close(fd);
			return -1;
		}
	}
	if (chmod(conf->socket_path, (mode_t)conf->socket_mode) != 0) {
		snprintf(err, errlen, "%s: chmod: %s", conf->socket_path, strerror(errno));
		close(fd);
		return -1;
	}
	if (listen(fd, 64) != 0) {
		snprintf(err, errlen, "%s: listen: %s", conf->socket_path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
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
	if (cs->reap == NULL) {
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
		fd = ctlsock_create(cs, err, errlen);
		if (fd < 0)
			return -1;
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
	if (cs->created) {
		(void)unlink(cs->path);
		cs->created = false;
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
	free(cs);
}
