/*
 * db_conn.c - parkpland's PostgreSQL connection, driven by the loop.
 *
 * Asynchronous libpq throughout: PQconnectStartParams/PQconnectPoll to connect,
 * PQsendQueryParams and non-blocking COPY to talk, one-shot events on
 * PQsocket() (asked again at every wait, since a reconnect or a multi-host
 * DSN may change it).  At connect the schema version is checked against
 * this build and LISTEN parkplan_data is issued; a database of another
 * version is refused and retried slowly.  A lost connection fails the batch
 * that was running and is re-made with exponential backoff.  Once ready,
 * the first batch is the planner lock's question (leader.c, through the
 * state callback).
 *
 * Work is queued as batches (parkpland.h): a batch holds the connection
 * alone from its first statement to its last, so a transaction is never
 * shared.
 *
 * The DSN may hold a password, and libpq quotes pieces of a DSN it cannot
 * parse: every message of libpq's (errors, the server's notices, which go
 * to the log with their level) has the password taken out before it is
 * logged or shown, and the buffers that held it are wiped before they are
 * freed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_batch.h"
#include "parkpland.h"

#define DB_CONNECT_TIMEOUT_S 15.0
#define COPY_CHUNK 65536

enum db_phase { DB_DOWN, DB_CONNECTING, DB_SETUP, DB_READY };

TAILQ_HEAD(db_batch_queue, db_batch);

struct db {
	struct event_base *base;
	char *dsn;
	struct db_secret secret; /* the password, kept out of libpq's messages */
	char application_name[64];
	double backoff_min, backoff_max, backoff;
	db_notify_fn notify;
	db_state_fn state;
	void *arg;

	enum db_phase phase;
	PGconn *conn;
	struct event *io;     /* one-shot, re-assigned to PQsocket() at every wait */
	struct event *timer;  /* reconnect backoff, connect timeout */
	struct event *kick;   /* start the next batch outside any callback */
	struct event *resume; /* hand the held result to its callback again */
	PGresult *held;       /* a result its callback has not finished taking */
	char state_text[512];
	bool in_step;     /* a statement was sent and its results are awaited */
	bool copy_active; /* sending COPY data */
	bool copy_ended;
	struct db_batch *current;
	struct db_batch_queue queue;
	struct db_batch *setup;
};

static void db_io_cb(evutil_socket_t fd, short what, void *arg);
static void db_release_held(struct db *db);
static void db_work(struct db *db);
static void db_step_send(struct db *db);
static void db_lost(struct db *db, const char *why);

/* libpq's NOTICE, WARNING, ... of the server: into the log at their level, scrubbed. */
static void
db_notice_cb(void *arg, const PGresult *res)
{
	struct db *db = arg;
	const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
	const char *msg = PQresultErrorMessage(res);
	char clean[1024];

	db_secret_scrub(&db->secret, msg != NULL ? msg : "", clean, sizeof(clean));
	clean[strcspn(clean, "\n")] = '\0';
	if (sev == NULL)
		sev = "NOTICE";
	if (strcmp(sev, "WARNING") == 0)
		log_warnx("database: %s", clean);
	else if (strcmp(sev, "NOTICE") == 0)
		log_notice("database: %s", clean);
	else if (strcmp(sev, "INFO") == 0 || strcmp(sev, "LOG") == 0)
		log_info("database: %s", clean);
	else
		log_debug("database: %s", clean);
}

/* --- batches (built in db_batch.c) -------------------------------------- */

static void
batch_finish(struct db *db, struct db_batch *b)
{
	if (db->current == b)
		db->current = NULL;
	if (db->setup == b)
		db->setup = NULL;
	if (!b->forgotten && b->done != NULL)
		b->done(b->arg, b->failed ? -1 : 0, b->failed ? b->error : NULL);
	db_batch_free(b);
	if (db->phase == DB_READY && !TAILQ_EMPTY(&db->queue))
		event_active(db->kick, 0, 0);
}

int
db_batch_run(struct db *db, struct db_batch *b, db_done_fn done, void *arg)
{
	if (db == NULL || db->phase != DB_READY) {
		db_batch_free(b);
		return -1;
	}
	b->done = done;
	b->arg = arg;
	TAILQ_INSERT_TAIL(&db->queue, b, link);
	event_active(db->kick, 0, 0);
	return 0;
}

void
db_batch_forget(struct db *db, struct db_batch *b)
{
	struct db_batch *q;

	if (b == NULL)
		return;
	TAILQ_FOREACH(q, &db->queue, link)
	{
		if (q == b) {
			TAILQ_REMOVE(&db->queue, b, link);
			db_batch_free(b);
			return;
		}
	}
	b->forgotten = true;
}

void
db_cancel(struct db *db)
{
	PGcancel *cancel;
	char err[256];

	if (db == NULL || db->conn == NULL || db->phase != DB_READY || !db->in_step)
		return;
	cancel = PQgetCancel(db->conn);
	if (cancel == NULL)
		return;
	if (!PQcancel(cancel, err, sizeof(err))) {
		char clean[256];

		db_secret_scrub(&db->secret, err, clean, sizeof(clean));
		log_warnx("database: cannot cancel the statement running: %s", clean);
	}
	PQfreeCancel(cancel);
}

/* --- waiting on the socket ------------------------------------------------ */

static void
db_wait(struct db *db)
{
	short what = EV_READ;
	int fd;

	event_del(db->io);
	if (db->conn == NULL)
		return;
	fd = PQsocket(db->conn);
	if (fd < 0) {
		db_lost(db, "the connection has no socket");
		return;
	}
	if (PQisnonblocking(db->conn) && PQflush(db->conn) == 1)
		what |= EV_WRITE;
	if (db->copy_active)
		what |= EV_WRITE;
	event_assign(db->io, db->base, fd, what, db_io_cb, db);
	event_add(db->io, NULL);
}

static void
db_schedule_reconnect(struct db *db, double delay)
{
	struct timeval tv;

	tv.tv_sec = (time_t)delay;
	tv.tv_usec = (suseconds_t)((delay - (double)tv.tv_sec) * 1e6);
	evtimer_del(db->timer);
	evtimer_add(db->timer, &tv);
}

static void
db_fail_all(struct db *db, const char *why)
{
	struct db_batch *b;

	while ((b = TAILQ_FIRST(&db->queue)) != NULL) {
		TAILQ_REMOVE(&db->queue, b, link);
		b->failed = true;
		snprintf(b->error, sizeof(b->error), "%s", why);
		batch_finish(db, b);
	}
}

static void
db_lost(struct db *db, const char *why_text)
{
	bool was_ready = db->phase == DB_READY;
	struct db_batch *b;
	char why[512];

	/* why_text may be PQerrorMessage(), gone with the connection; and may quote the DSN */
	db_secret_scrub(&db->secret, why_text, why, sizeof(why));

	event_del(db->io);
	db_release_held(db);
	if (db->conn != NULL)
		PQfinish(db->conn);
	db->conn = NULL;
	db->phase = DB_DOWN;
	db->in_step = false;
	db->copy_active = false;
	if (was_ready)
		log_err("database connection lost: %s", why);
	else
		log_warnx("database: %s", why);
	if (db->state_text[0] == '\0' || was_ready)
		snprintf(db->state_text, sizeof(db->state_text), "waiting for database");
	b = db->current != NULL ? db->current : db->setup;
	if (b != NULL && b == db->setup)
		b->forgotten = true; /* the setup is simply tried again */
	if (b != NULL) {
		b->failed = true;
		snprintf(b->error, sizeof(b->error), "database connection lost: %s", why);
		batch_finish(db, b);
	}
	db_fail_all(db, "database connection lost");
	if (was_ready && db->state != NULL)
		db->state(db->arg, false);
	log_info("database: reconnecting in %.1f s", db->backoff);
	db_schedule_reconnect(db, db->backoff);
	db->backoff *= 2;
	if (db->backoff > db->backoff_max)
		db->backoff = db->backoff_max;
}

/* --- statements ----------------------------------------------------------- */

static void
db_step_send(struct db *db)
{
	struct db_batch *b = db->current;
	struct db_step *s;
	int ok;

	if (b->rolling_back) {
		ok = PQsendQuery(db->conn, "ROLLBACK");
	} else {
		s = &b->steps[b->cur];
		log_debug("database: %.60s", s->sql);
		ok = PQsendQueryParams(db->conn, s->sql, s->n, NULL, (const char *const *)s->values,
		                       NULL, NULL, 0);
	}
	if (!ok) {
		char why[512];

		snprintf(why, sizeof(why), "%s", PQerrorMessage(db->conn));
		db_lost(db, why);
		return;
	}
	db->in_step = true;
	db->copy_active = false;
	db->copy_ended = false;
	db_wait(db);
}

static void
db_start_batch(struct db *db, struct db_batch *b)
{
	db->current = b;
	b->cur = 0;
	if (b->n == 0) {
		batch_finish(db, b);
		return;
	}
	db_step_send(db);
}

static void
db_kick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct db *db = arg;
	struct db_batch *b;

	if (db->phase != DB_READY || db->current != NULL)
		return;
	b = TAILQ_FIRST(&db->queue);
	if (b == NULL)
		return;
	TAILQ_REMOVE(&db->queue, b, link);
	db_start_batch(db, b);
}

/* All results of the current statement are in. */
static void
db_step_done(struct db *db)
{
	struct db_batch *b = db->current;

	db->in_step = false;
	if (b->rolling_back) {
		batch_finish(db, b);
		return;
	}
	if (b->failed) {
		if (b->transaction) {
			b->rolling_back = true;
			db_step_send(db);
			return;
		}
		batch_finish(db, b);
		return;
	}
	b->cur++;
	if (b->cur >= b->n) {
		batch_finish(db, b);
		return;
	}
	db_step_send(db);
}

/* Push COPY data; returns -1 when the connection broke. */
static int
db_copy_push(struct db *db)
{
	struct db_step *s = &db->current->steps[db->current->cur];
	int r;

	while (s->data != NULL && evbuffer_get_length(s->data) > 0) {
		size_t chunk = evbuffer_get_length(s->data);

		if (chunk > COPY_CHUNK)
			chunk = COPY_CHUNK;
		r = PQputCopyData(db->conn, (const char *)evbuffer_pullup(s->data, (ssize_t)chunk),
		                  (int)chunk);
		if (r < 0)
			return -1;
		if (r == 0)
			return 0; /* would block: wait until writable */
		evbuffer_drain(s->data, chunk);
		/*
		 * In non-blocking mode libpq grows its output buffer instead of
		 * refusing data: flush each chunk and give the loop back while
		 * the socket is full, so a 50 MB snapshot does not stall it.
		 */
		r = PQflush(db->conn);
		if (r < 0)
			return -1;
		if (r == 1)
			return 0;
	}
	if (!db->copy_ended) {
		r = PQputCopyEnd(db->conn, NULL);
		if (r < 0)
			return -1;
		if (r == 0)
			return 0;
		db->copy_ended = true;
		db->copy_active = false;
	}
	return 0;
}

/*
 * Hand res to the step's callback.  Returns true when the callback asked
 * for it again later (DB_RESULT_MORE): res is then held, not to be cleared.
 */
static bool
db_take_result(struct db *db, PGresult *res)
{
	struct db_batch *b = db->current;
	ExecStatusType st = PQresultStatus(res);

	if (b->rolling_back)
		return false;
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		struct db_step *s = &b->steps[b->cur];
		int rc;

		/* a forgotten batch's callbacks may point at freed memory */
		if (b->failed || b->forgotten || s->fn == NULL)
			return false;
		rc = s->fn(s->arg, res, b->error, sizeof(b->error));
		if (rc == DB_RESULT_MORE) {
			/*
			 * A timer, not event_active(): an event made active again
			 * from its own callback runs before the loop polls the
			 * sockets, and the clients would wait for the whole result.
			 */
			static const struct timeval now = {0, 0};

			db->held = res;
			evtimer_add(db->resume, &now);
			return true;
		}
		if (rc != 0)
			b->failed = true;
		return false;
	}
	if (!b->failed) {
		const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);

		b->failed = true;
		db_secret_scrub(&db->secret, msg != NULL ? msg : PQresStatus(st), b->error,
		                sizeof(b->error));
	}
	return false;
}

static void
db_release_held(struct db *db)
{
	if (db->held != NULL) {
		PQclear(db->held);
		db->held = NULL;
	}
	evtimer_del(db->resume);
}

/* The held result again, on a pass of its own; then the results that wait. */
static void
db_resume_cb(evutil_socket_t fd, short what, void *arg)
{
	struct db *db = arg;
	PGresult *res = db->held;

	(void)fd;
	(void)what;
	if (res == NULL || db->current == NULL)
		return;
	db->held = NULL;
	if (db_take_result(db, res))
		return;
	PQclear(res);
	if (db->conn != NULL)
		db_work(db);
}

static void
db_drain_notifies(struct db *db)
{
	PGnotify *n;

	while (db->conn != NULL && (n = PQnotifies(db->conn)) != NULL) {
		if (db->notify != NULL)
			db->notify(db->arg, n->relname, n->extra);
		PQfreemem(n);
	}
}

static void
db_work(struct db *db)
{
	PGresult *res;

	if (db->copy_active && db_copy_push(db) < 0) {
		db_lost(db, PQerrorMessage(db->conn));
		return;
	}
	if (PQflush(db->conn) < 0) {
		db_lost(db, PQerrorMessage(db->conn));
		return;
	}
	if (!PQconsumeInput(db->conn)) {
		db_lost(db, PQerrorMessage(db->conn));
		return;
	}
	while (db->in_step && db->conn != NULL && db->held == NULL && !db->copy_active &&
	       !PQisBusy(db->conn)) {
		res = PQgetResult(db->conn);
		if (res == NULL) {
			db_step_done(db);
			/* the next statement (if any) was sent and waits */
			break;
		}
		if (PQresultStatus(res) == PGRES_COPY_IN) {
			struct db_step *s = &db->current->steps[db->current->cur];

			PQclear(res);
			if (s->kind != STEP_COPY) {
				db_lost(db, "unexpected COPY from the server");
				return;
			}
			db->copy_active = true;
			db->copy_ended = false;
			if (db_copy_push(db) < 0) {
				db_lost(db, PQerrorMessage(db->conn));
				return;
			}
			continue;
		}
		if (!db_take_result(db, res))
			PQclear(res);
	}
	if (db->conn == NULL)
		return;
	db_drain_notifies(db);
	if (db->conn != NULL)
		db_wait(db);
}

/* --- connecting ----------------------------------------------------------- */

static void
db_setup_done(void *arg, int rc, const char *error)
{
	struct db *db = arg;

	if (rc != 0) {
		char clean[512];

		/* Loud: the operator must migrate (or point us elsewhere). */
		db_secret_scrub(&db->secret, error, clean, sizeof(clean));
		log_err("database refused: %s", clean);
		snprintf(db->state_text, sizeof(db->state_text), "%s", clean);
		event_del(db->io);
		PQfinish(db->conn);
		db->conn = NULL;
		db->phase = DB_DOWN;
		db->in_step = false;
		db->backoff = db->backoff_max;
		log_info("database: trying again in %.1f s", db->backoff);
		db_schedule_reconnect(db, db->backoff);
		return;
	}
	db->phase = DB_READY;
	db->backoff = db->backoff_min;
	evtimer_del(db->timer);
	snprintf(db->state_text, sizeof(db->state_text), "connected");
	log_notice("database connected (schema version %d), listening on parkplan_data",
	           db_schema_expected());
	if (db->state != NULL)
		db->state(db->arg, true);
	event_active(db->kick, 0, 0);
}

static int
setup_version(void *arg, const PGresult *res, char *err, size_t errlen)
{
	int version = PQntuples(res) == 1 ? atoi(PQgetvalue(res, 0, 0)) : -1;

	(void)arg;
	if (version != db_schema_expected()) {
		snprintf(err, errlen, "database schema version %d, this parkpland expects %d: %s",
		         version, db_schema_expected(),
		         version < db_schema_expected() ? "run parkplanctl migrate"
		                                        : "upgrade parkpland");
		return -1;
	}
	return 0;
}

static int
setup_has_table(void *arg, const PGresult *res, char *err, size_t errlen)
{
	struct db_batch *b = arg;

	if (PQntuples(res) != 1 || strcmp(PQgetvalue(res, 0, 0), "t") != 0) {
		snprintf(err, errlen,
		         "database schema version 0 (no parkplan schema), this parkpland expects "
		         "%d: run parkplanctl migrate",
		         db_schema_expected());
		return -1;
	}
	if (db_batch_query(b, "SELECT coalesce(max(version), 0) FROM schema_version", 0, NULL,
	                   setup_version, NULL) != 0 ||
	    db_batch_query(b, "LISTEN parkplan_data", 0, NULL, NULL, NULL) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static void
db_begin_setup(struct db *db)
{
	struct db_batch *b = db_batch_new(false);

	if (b == NULL || PQsetnonblocking(db->conn, 1) != 0 ||
	    db_batch_query(b, "SELECT to_regclass('schema_version') IS NOT NULL", 0, NULL,
	                   setup_has_table, b) != 0) {
		db_batch_free(b);
		db_lost(db, "cannot set up the connection");
		return;
	}
	db->phase = DB_SETUP;
	b->done = db_setup_done;
	b->arg = db;
	db->setup = b;
	db->current = b;
	b->cur = 0;
	db_step_send(db);
}

static void
db_connect_step(struct db *db, PostgresPollingStatusType st)
{
	int fd;

	switch (st) {
	case PGRES_POLLING_READING:
	case PGRES_POLLING_WRITING:
		fd = PQsocket(db->conn);
		if (fd < 0) {
			db_lost(db, "connecting: no socket");
			return;
		}
		event_del(db->io);
		event_assign(db->io, db->base, fd, st == PGRES_POLLING_READING ? EV_READ : EV_WRITE,
		             db_io_cb, db);
		event_add(db->io, NULL);
		return;
	case PGRES_POLLING_OK:
		db_begin_setup(db);
		return;
	default: {
		char why[512];

		snprintf(why, sizeof(why), "cannot connect: %s", PQerrorMessage(db->conn));
		db_lost(db, why);
		return;
	}
	}
}

static void
db_connect(struct db *db)
{
	/*
	 * The DSN goes to libpq whole (expanded as "dbname"): key=value or URI,
	 * multi-host lists and target_session_attrs are libpq's.  The
	 * application_name names this parkpland to a standby, unless the DSN
	 * or PGAPPNAME sets one.
	 */
	const char *const keys[] = {"dbname", "fallback_application_name", NULL};
	const char *const values[] = {db->dsn, db->application_name, NULL};

	db->conn = PQconnectStartParams(keys, values, 1);
	if (db->conn == NULL) {
		db_lost(db, "out of memory");
		return;
	}
	/* the server's notices into the log, not on stderr without a level */
	PQsetNoticeReceiver(db->conn, db_notice_cb, db);
	if (PQstatus(db->conn) == CONNECTION_BAD) {
		char why[512];

		snprintf(why, sizeof(why), "cannot connect: %s", PQerrorMessage(db->conn));
		db_lost(db, why);
		return;
	}
	db->phase = DB_CONNECTING;
	/* A connect that hangs is abandoned. */
	db_schedule_reconnect(db, DB_CONNECT_TIMEOUT_S);
	/* As libpq asks: wait for writability first. */
	db_connect_step(db, PGRES_POLLING_WRITING);
}

static void
db_io_cb(evutil_socket_t fd, short what, void *arg)
{
	struct db *db = arg;

	(void)fd;
	(void)what;
	if (db->phase == DB_CONNECTING) {
		db_connect_step(db, PQconnectPoll(db->conn));
		return;
	}
	if (db->conn != NULL)
		db_work(db);
}

static void
db_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct db *db = arg;

	(void)fd;
	(void)what;
	if (db->phase == DB_CONNECTING || db->phase == DB_SETUP) {
		db_lost(db, "connecting took too long");
		return;
	}
	if (db->phase == DB_DOWN)
		db_connect(db);
}

/* --- the connection ------------------------------------------------------- */

struct db *
db_new(struct event_base *base, const char *dsn, const char *application_name, double backoff_min_s,
       double backoff_max_s, db_notify_fn notify, db_state_fn state, void *arg)
{
	struct db *db = calloc(1, sizeof(*db));

	if (db == NULL)
		return NULL;
	db->base = base;
	snprintf(db->application_name, sizeof(db->application_name), "%s", application_name);
	db->dsn = strdup(dsn);
	db_secret_collect(&db->secret, dsn);
	db->backoff_min = db->backoff = backoff_min_s;
	db->backoff_max = backoff_max_s;
	db->notify = notify;
	db->state = state;
	db->arg = arg;
	db->io = event_new(base, -1, 0, db_io_cb, db);
	db->timer = evtimer_new(base, db_timer_cb, db);
	db->kick = event_new(base, -1, 0, db_kick_cb, db);
	db->resume = evtimer_new(base, db_resume_cb, db);
	TAILQ_INIT(&db->queue);
	snprintf(db->state_text, sizeof(db->state_text), "waiting for database");
	if (db->dsn == NULL || db->io == NULL || db->timer == NULL || db->kick == NULL ||
	    db->resume == NULL) {
		db_free(db);
		return NULL;
	}
	return db;
}

void
db_start(struct db *db)
{
	log_info("database: connecting");
	db_connect(db);
}

void
db_free(struct db *db)
{
	struct db_batch *b;

	if (db == NULL)
		return;
	if (db->io != NULL)
		event_free(db->io);
	if (db->timer != NULL)
		event_free(db->timer);
	if (db->kick != NULL)
		event_free(db->kick);
	if (db->held != NULL)
		PQclear(db->held);
	if (db->resume != NULL)
		event_free(db->resume);
	/* Closing the connection rolls back a transaction still open. */
	if (db->conn != NULL)
		PQfinish(db->conn);
	while ((b = TAILQ_FIRST(&db->queue)) != NULL) {
		TAILQ_REMOVE(&db->queue, b, link);
		db_batch_free(b);
	}
	if (db->current != NULL)
		db_batch_free(db->current);
	else if (db->setup != NULL)
		db_batch_free(db->setup);
	/* The DSN may hold a password. */
	if (db->dsn != NULL) {
		explicit_bzero(db->dsn, strlen(db->dsn));
		free(db->dsn);
	}
	db_secret_free(&db->secret);
	free(db);
}

bool
db_ready(const struct db *db)
{
	return db != NULL && db->phase == DB_READY;
}

const char *
db_state_text(const struct db *db)
{
	return db->state_text;
}
