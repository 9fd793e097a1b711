/*
 * http.c - parkpland's HTTP listener on libevent's evhttp (docs/http.md):
 * the listening socket, the connections and their bounds, and the ways to
 * answer a request.  What a request asks for is the route callback's
 * business (http_api.c); this file only serves.
 *
 * Read-only and bounded, since it checks nothing about its peers: GET and
 * HEAD only (others 405), no request body, the request line and headers
 * bounded (413 past them), the URI bounded (414), and every request --
 * from the connection's first byte, or the end of the previous answer,
 * to the last byte of its own answer -- done within http.timeout_s, else
 * its connection is closed.
 *
 * libevent 2.1 has no connection limit, so connections are counted here:
 * evhttp asks us for each accepted connection's bufferevent
 * (evhttp_set_bevcb); on the same pass of the loop, once evhttp has wired
 * it, the connection is taken up from that bufferevent's callback
 * argument (evhttp makes the connection that argument) and gets a close
 * callback.  Past http.max_connections a connection is refused: its
 * request gets 503, then it is closed; past twice the limit it is closed
 * at once.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/bufferevent.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "http.h"
#include "parkpland.h"

struct http_conn {
	struct http *h;
	struct bufferevent *bev;
	struct evhttp_connection *evcon; /* once taken up */
	struct event *deadline;          /* the request's time is up */
	struct http_request *active;     /* the request being answered (a reference) */
	bool refused;                    /* past http.max_connections */
	TAILQ_ENTRY(http_conn) link;
};

TAILQ_HEAD(http_conns, http_conn);

struct http {
	struct parkpland *env;
	struct evhttp *eh;
	http_route_fn route;
	void *route_arg;
	struct http_conns fresh; /* accepted, not taken up yet */
	struct http_conns conns;
	int n_served, n_refused;
	int renders;
	struct event *pickup;
	bool shutting_down;
	void (*drained)(void *arg);
	void *drained_arg;
	char unix_path[108]; /* the socket file we made, removed at the end */
	struct sockfile_id unix_id;
};

struct http_request {
	struct http *h;
	struct http_conn *conn;
	struct evhttp_request *er; /* NULL once the answer is out or the connection is gone */
	int refs;
	bool head;
	bool started;  /* a streamed answer's status line is out */
	bool answered; /* no more answer is taken */
	char *path, *query;
	void (*cancel)(void *arg);
	void *cancel_arg;
};

static void http_maybe_drained(struct http *h);

/* --- requests ------------------------------------------------------------- */

void
http_request_ref(struct http_request *hq)
{
	hq->refs++;
}

void
http_request_unref(struct http_request *hq)
{
	if (--hq->refs > 0)
		return;
	free(hq->path);
	free(hq->query);
	free(hq);
}

bool
http_request_gone(const struct http_request *hq)
{
	return hq->answered || hq->er == NULL;
}

bool
http_request_head(const struct http_request *hq)
{
	return hq->head;
}

const char *
http_request_path(const struct http_request *hq)
{
	return hq->path;
}

const char *
http_request_query(const struct http_request *hq)
{
	return hq->query;
}

struct parkpland *
http_request_env(const struct http_request *hq)
{
	return hq->h->env;
}

void
http_request_on_gone(struct http_request *hq, void (*cancel)(void *arg), void *arg)
{
	hq->cancel = cancel;
	hq->cancel_arg = arg;
}

/* The connection went (or its time is up) before the answer ended. */
static void
http_request_lost(struct http_request *hq)
{
	void (*cancel)(void *) = hq->cancel;

	hq->er = NULL;
	hq->answered = true;
	hq->cancel = NULL;
	if (cancel != NULL)
		cancel(hq->cancel_arg);
}

/* --- answers -------------------------------------------------------------- */

int
http_status_of(enum protocol_error code)
{
	switch (code) {
	case ERR_BAD_REQUEST:
	case ERR_VERSION:
		return 400;
	case ERR_DENIED:
		return 403;
	case ERR_UNKNOWN_COMMAND:
	case ERR_NOT_FOUND:
		return 404;
	case ERR_STANDBY:
		return 409;
	case ERR_TOO_LARGE:
		return 413;
	case ERR_BUSY:
	case ERR_UNAVAILABLE:
	case ERR_SHUTTING_DOWN:
		return 503;
	case ERR_RUN_FAILED:
	case ERR_BAD_CONFIG:
	case ERR_DATABASE:
	case ERR_INTERNAL:
	case PROTOCOL_ERROR_COUNT:
		break;
	}
	return 500;
}

void
http_add_header(struct http_request *hq, const char *name, const char *value)
{
	if (!http_request_gone(hq))
		evhttp_add_header(evhttp_request_get_output_headers(hq->er), name, value);
}

/* What every answer carries: nothing is cached, nothing is sniffed. */
static void
http_common_headers(struct http_request *hq, const char *type)
{
	struct evkeyvalq *out = evhttp_request_get_output_headers(hq->er);

	if (type != NULL)
		evhttp_add_header(out, "Content-Type", type);
	evhttp_add_header(out, "Cache-Control", "no-store");
	evhttp_add_header(out, "X-Content-Type-Options", "nosniff");
	if (hq->h->shutting_down || hq->conn == NULL || hq->conn->refused)
		evhttp_add_header(out, "Connection", "close");
}

void
http_reply(struct http_request *hq, int status, const char *type, struct evbuffer *body)
{
	if (http_request_gone(hq) || hq->started) {
		if (body != NULL)
			evbuffer_drain(body, evbuffer_get_length(body));
		return;
	}
	http_common_headers(hq, type);
	metrics_http_request(hq->h->env->metrics, status);
	hq->answered = true;
	/* the request stays the connection's until the answer is written */
	evhttp_send_reply(hq->er, status, NULL, body);
	if (body != NULL)
		evbuffer_drain(body, evbuffer_get_length(body));
}

/* json_dump_callback: into an evbuffer. */
static int
http_dump(const char *text, size_t size, void *data)
{
	return evbuffer_add(data, text, size);
}

void
http_reply_json(struct http_request *hq, int status, json_t *doc)
{
	struct evbuffer *body = evbuffer_new();

	if (body == NULL ||
	    json_dump_callback(doc, http_dump, body,
	                       JSON_COMPACT | JSON_ENSURE_ASCII | JSON_SORT_KEYS) != 0 ||
	    evbuffer_add(body, "\n", 1) != 0) {
		if (body != NULL)
			evbuffer_free(body);
		json_decref(doc);
		http_reply(hq, 500, "text/plain; charset=utf-8", NULL);
		return;
	}
	json_decref(doc);
	http_reply(hq, status, "application/json", body);
	evbuffer_free(body);
}

void
http_reply_problem(struct http_request *hq, int status, enum protocol_error code, const char *fmt,
                   ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	utf8_vformat(text, sizeof(text), fmt, ap);
	va_end(ap);
	/* the control socket's error object, word for word */
	http_reply_json(hq, status,
	                json_pack("{s:i, s:b, s:s, s:s}", "v", PROTOCOL_VERSION, "ok", 0, "code",
	                          protocol_error_text(code), "error", text));
}

void
http_stream_start(struct http_request *hq, int status, const char *type)
{
	if (http_request_gone(hq) || hq->started)
		return;
	http_common_headers(hq, type);
	metrics_http_request(hq->h->env->metrics, status);
	hq->started = true;
	evhttp_send_reply_start(hq->er, status, NULL);
}

void
http_stream_chunk(struct http_request *hq, struct evbuffer *data)
{
	if (!http_request_gone(hq) && hq->started)
		evhttp_send_reply_chunk(hq->er, data);
	/* a HEAD request's body, or one for a client gone, is dropped */
	evbuffer_drain(data, evbuffer_get_length(data));
}

void
http_stream_end(struct http_request *hq)
{
	if (http_request_gone(hq) || !hq->started)
		return;
	hq->answered = true;
	evhttp_send_reply_end(hq->er); /* may complete (and close) at once */
}

void
http_stream_abort(struct http_request *hq)
{
	struct http_conn *conn = hq->conn;

	if (http_request_gone(hq))
		return;
	hq->answered = true;
	hq->cancel = NULL;
	/* the client sees the answer cut (no last chunk), not a whole one */
	if (conn != NULL && conn->evcon != NULL)
		evhttp_connection_free(conn->evcon);
}

/* --- renders (worker children) at once ------------------------------------ */

bool
http_render_begin(struct http *h)
{
	if (h->renders >= h->env->conf->http_max_renders)
		return false;
	h->renders++;
	return true;
}

void
http_render_end(struct http *h)
{
	h->renders--;
}

int
http_renders(const struct http *h)
{
	return h->renders;
}

int
http_connections(const struct http *h)
{
	return h->n_served + h->n_refused;
}

bool
http_shutting_down(const struct http *h)
{
	return h->shutting_down;
}

/* --- connections ---------------------------------------------------------- */

static void
http_conn_arm(struct http_conn *conn)
{
	struct timeval tv = seconds_tv(conn->h->env->conf->http_timeout_s);

	evtimer_add(conn->deadline, &tv);
}

static void
http_conn_free(struct http_conn *conn)
{
	if (conn->deadline != NULL)
		event_free(conn->deadline);
	free(conn);
}

/* The connection's request (or its wait for one) took longer than http.timeout_s. */
static void
http_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http_conn *conn = arg;

	(void)fd;
	(void)what;
	if (conn->evcon == NULL)
		return;
	log_debug("http: a request passed http.timeout_s (%g s): connection closed",
	          conn->h->env->conf->http_timeout_s);
	evhttp_connection_free(conn->evcon); /* http_close_cb follows */
}

/* evhttp closes the connection (the peer went, a timeout, an answer with close). */
static void
http_close_cb(struct evhttp_connection *evcon, void *arg)
{
	struct http_conn *conn = arg;
	struct http *h = conn->h;
	struct http_request *hq = conn->active;

	(void)evcon;
	conn->active = NULL;
	conn->evcon = NULL;
	if (hq != NULL) {
		hq->conn = NULL;
		/*
		 * A request whose answer was not ended when the peer went (a
		 * read or write error) is detached from the connection and left
		 * to us; one still attached goes with the connection.
		 */
		if (hq->er != NULL && evhttp_request_get_connection(hq->er) == NULL)
			evhttp_request_free(hq->er);
		if (hq->er != NULL)
			http_request_lost(hq);
		http_request_unref(hq);
	}
	TAILQ_REMOVE(&h->conns, conn, link);
	if (conn->refused)
		h->n_refused--;
	else
		h->n_served--;
	http_conn_free(conn);
	http_maybe_drained(h);
}

/* The answer is written: the connection waits for its next request. */
static void
http_complete_cb(struct evhttp_request *er, void *arg)
{
	struct http_request *hq = arg;
	struct http_conn *conn = hq->conn;

	(void)er;
	hq->er = NULL;
	hq->answered = true;
	hq->cancel = NULL;
	if (conn != NULL && conn->active == hq) {
		conn->active = NULL;
		hq->conn = NULL;
		http_conn_arm(conn);
		http_request_unref(hq);
	}
	http_maybe_drained(conn != NULL ? conn->h : NULL);
}

/* evhttp_set_bevcb: a connection was accepted; its bufferevent is made here. */
static struct bufferevent *
http_bev_cb(struct event_base *base, void *arg)
{
	struct http *h = arg;
	struct http_conn *conn = calloc(1, sizeof(*conn));
	struct bufferevent *bev = bufferevent_socket_new(base, -1, 0);

	if (conn == NULL || bev == NULL) {
		/* untracked: its request is refused (http_handle) */
		free(conn);
		return bev;
	}
	conn->h = h;
	conn->bev = bev;
	conn->deadline = evtimer_new(base, http_deadline_cb, conn);
	if (conn->deadline == NULL) {
		free(conn);
		return bev;
	}
	/* held until the pick-up, in case evhttp lets go of it first */
	bufferevent_incref(bev);
	http_conn_arm(conn);
	TAILQ_INSERT_TAIL(&h->fresh, conn, link);
	event_active(h->pickup, EV_TIMEOUT, 0);
	return bev;
}

/* The same pass of the loop, after the accepts: take up the new connections. */
static void
http_pickup_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http *h = arg;
	const struct config *conf = h->env->conf;
	struct http_conn *conn;

	(void)fd;
	(void)what;
	while ((conn = TAILQ_FIRST(&h->fresh)) != NULL) {
		bufferevent_event_cb eventcb = NULL;
		void *cbarg = NULL;

		TAILQ_REMOVE(&h->fresh, conn, link);
		bufferevent_getcb(conn->bev, NULL, NULL, &eventcb, &cbarg);
		if (eventcb == NULL || cbarg == NULL ||
		    evhttp_connection_get_bufferevent(cbarg) != conn->bev) {
			/* evhttp let go of it already */
			bufferevent_decref(conn->bev);
			http_conn_free(conn);
			continue;
		}
		bufferevent_decref(conn->bev); /* evhttp's reference is the one left */
		conn->evcon = cbarg;
		evhttp_connection_set_closecb(conn->evcon, http_close_cb, conn);
		TAILQ_INSERT_TAIL(&h->conns, conn, link);
		if (h->n_served < conf->http_max_connections && !h->shutting_down) {
			h->n_served++;
			metrics_http_connection(h->env->metrics, false);
			continue;
		}
		conn->refused = true;
		h->n_refused++;
		metrics_http_connection(h->env->metrics, true);
		if (h->n_refused > conf->http_max_connections) {
			log_debug("http: %d connections refused at once: closing one more",
			          h->n_refused - 1);
			evhttp_connection_free(conn->evcon); /* http_close_cb follows */
		}
	}
}

static struct http_conn *
http_conn_find(struct http *h, struct evhttp_connection *evcon)
{
	struct http_conn *conn;

	TAILQ_FOREACH(conn, &h->conns, link)
	if (conn->evcon == evcon)
		return conn;
	return NULL;
}

/* --- a request arrives ---------------------------------------------------- */

static char *
http_strdup(const char *s)
{
	return strdup(s != NULL ? s : "");
}

/* evhttp_set_gencb: the request line and the headers are in. */
static void
http_handle(struct evhttp_request *er, void *arg)
{
	struct http *h = arg;
	const struct config *conf = h->env->conf;
	enum evhttp_cmd_type method = evhttp_request_get_command(er);
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(er);
	const char *raw = evhttp_request_get_uri(er);
	struct http_request *hq = calloc(1, sizeof(*hq));

	if (hq == NULL) {
		evhttp_send_error(er, 500, NULL);
		return;
	}
	hq->h = h;
	hq->er = er;
	hq->refs = 1;
	hq->head = method == EVHTTP_REQ_HEAD;
	/* evhttp reads no request on a connection before the last one's answer is out */
	hq->conn = http_conn_find(h, evhttp_request_get_connection(er));
	if (hq->conn != NULL && hq->conn->active != NULL)
		hq->conn = NULL; /* never: answered as untracked */
	if (hq->conn != NULL) {
		hq->conn->active = hq;
		http_request_ref(hq); /* the connection's, until the answer is written */
		evhttp_request_set_on_complete_cb(er, http_complete_cb, hq);
	}
	if (hq->conn == NULL || hq->conn->refused) {
		http_add_header(hq, "Retry-After", "5");
		http_reply_problem(hq, 503, ERR_BUSY,
		                   "too many connections (http.max_connections)");
	} else if (method != EVHTTP_REQ_GET && method != EVHTTP_REQ_HEAD) {
		http_add_header(hq, "Allow", "GET, HEAD");
		http_reply_problem(hq, 405, ERR_BAD_REQUEST,
		                   "only GET and HEAD: parkpland's HTTP is read-only");
	} else if (raw == NULL || strlen(raw) > (size_t)conf->http_max_uri_bytes) {
		http_reply_problem(hq, 414, ERR_TOO_LARGE, "URI longer than %d bytes",
		                   conf->http_max_uri_bytes);
	} else if (uri == NULL || evhttp_uri_get_path(uri) == NULL ||
	           evhttp_uri_get_path(uri)[0] != '/') {
		http_reply_problem(hq, 400, ERR_BAD_REQUEST, "not a path");
	} else if ((hq->path = http_strdup(evhttp_uri_get_path(uri))) == NULL ||
	           (hq->query = http_strdup(evhttp_uri_get_query(uri))) == NULL) {
		http_reply_problem(hq, 500, ERR_INTERNAL, "out of memory");
	} else {
		h->route(h->route_arg, hq);
	}
	http_request_unref(hq);
}

/* --- the listening socket ------------------------------------------------- */

static int
http_socket_unix(struct http *h, const struct http_listen *hl, char *err, size_t errlen)
{
	/* 0660: the daemon's user and group (nginx in that group) */
	int fd = sockfile_listen(hl->path, 0117, NULL, -1, &h->unix_id, err, errlen);

	if (fd >= 0)
		snprintf(h->unix_path, sizeof(h->unix_path), "%s", hl->path);
	return fd;
}

static int
http_socket_inet(const struct http_listen *hl, const char *text, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, one = 1;

	memset(&ss, 0, sizeof(ss));
	if (hl->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)hl->port);
		memcpy(&sin->sin_addr, hl->addr, 4);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)hl->port);
		memcpy(&sin6->sin6_addr, hl->addr, 16);
		len = sizeof(*sin6);
	}
	fd = socket(hl->family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (hl->family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) != 0) {
		snprintf(err, errlen, "%s: bind: %s", text, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* The bounds evhttp keeps itself; set again after a reload. */
static void
http_apply_config(struct http *h)
{
	const struct config *conf = h->env->conf;
	struct timeval tv = seconds_tv(conf->http_timeout_s);

	evhttp_set_max_headers_size(h->eh, conf->http_max_header_bytes);
	evhttp_set_max_body_size(h->eh, 0);
	evhttp_set_timeout_tv(h->eh, &tv);
}

struct http *
http_new(struct parkpland *env, http_route_fn route, void *arg, char *err, size_t errlen)
{
	struct http_listen hl;
	struct http *h;
	int fd;

	if (config_http_listen(env->conf->http_listen, &hl, err, errlen) != 0)
		return NULL;
	h = calloc(1, sizeof(*h));
	if (h == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	h->env = env;
	h->route = route;
	h->route_arg = arg;
	TAILQ_INIT(&h->fresh);
	TAILQ_INIT(&h->conns);
	h->eh = evhttp_new(env->base);
	h->pickup = event_new(env->base, -1, 0, http_pickup_cb, h);
	if (h->eh == NULL || h->pickup == NULL) {
		snprintf(err, errlen, "out of memory");
		http_free(h);
		return NULL;
	}
	/* every method reaches http_handle, which answers 405 to all but GET and HEAD */
	evhttp_set_allowed_methods(h->eh, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST |
	                                      EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	                                      EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE |
	                                      EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH);
	evhttp_set_default_content_type(h->eh, "application/json");
	evhttp_set_bevcb(h->eh, http_bev_cb, h);
	evhttp_set_gencb(h->eh, http_handle, h);
	http_apply_config(h);
	fd = hl.family == AF_UNIX ? http_socket_unix(h, &hl, err, errlen)
	                          : http_socket_inet(&hl, env->conf->http_listen, err, errlen);
	if (fd < 0) {
		http_free(h);
		return NULL;
	}
	if (listen(fd, 128) != 0 || evhttp_accept_socket_with_handle(h->eh, fd) == NULL) {
		snprintf(err, errlen, "%s: listen: %s", env->conf->http_listen, strerror(errno));
		close(fd);
		http_free(h);
		return NULL;
	}
	log_info("http: listening on %s%s", env->conf->http_listen,
	         hl.loopback ? "" : " (not loopback: http.allow_remote)");
	return h;
}

void
http_config_changed(struct http *h)
{
	if (h != NULL)
		http_apply_config(h);
}

/* After http_close_all(): no request left to answer. */
static void
http_maybe_drained(struct http *h)
{
	struct http_conn *conn;
	void (*drained)(void *);

	if (h == NULL || !h->shutting_down || h->drained == NULL)
		return;
	TAILQ_FOREACH(conn, &h->conns, link)
	if (conn->active != NULL)
		return;
	drained = h->drained;
	h->drained = NULL;
	drained(h->drained_arg);
}

void
http_close_all(struct http *h, void (*drained)(void *arg), void *arg)
{
	struct http_conn *conn, *next;

	h->shutting_down = true;
	h->drained = drained;
	h->drained_arg = arg;
	for (conn = TAILQ_FIRST(&h->conns); conn != NULL; conn = next) {
		struct http_request *hq = conn->active;

		next = TAILQ_NEXT(conn, link);
		if (hq == NULL || http_request_gone(hq))
			continue;
		if (hq->cancel != NULL) {
			void (*cancel)(void *) = hq->cancel;

			hq->cancel = NULL;
			cancel(hq->cancel_arg);
		}
		if (hq->started)
			http_stream_abort(hq);
		else
			http_reply_problem(hq, 503, ERR_SHUTTING_DOWN,
			                   "parkpland is shutting down");
	}
	http_maybe_drained(h);
}

void
http_free(struct http *h)
{
	struct http_conn *conn;

	if (h == NULL)
		return;
	h->drained = NULL;
	/* every connection closes (http_close_cb) */
	if (h->eh != NULL)
		evhttp_free(h->eh);
	while ((conn = TAILQ_FIRST(&h->fresh)) != NULL) {
		TAILQ_REMOVE(&h->fresh, conn, link);
		bufferevent_decref(conn->bev);
		http_conn_free(conn);
	}
	if (h->pickup != NULL)
		event_free(h->pickup);
	if (h->unix_path[0] != '\0')
		sockfile_remove(h->unix_path, &h->unix_id);
	free(h);
}
