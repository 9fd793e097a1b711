/*
 * leader.c - one active planner among the parkpland daemons that share a
 * database.
 *
 * The active planner holds a session-level PostgreSQL advisory lock
 * (LEADER_LOCK_KEY) on its connection.  After every connect (schema
 * checked) the first batch on the connection asks pg_try_advisory_lock(),
 * asynchronously like any batch.  Taken: this parkpland is the active
 * planner and its owner is told (hooks.role: interrupted runs closed,
 * start-up run, waiting steps taken up).  Not taken: it is a standby; it
 * drops whatever run it had, refuses replans, never stores a plan, and
 * asks again every planner.leader_retry_s seconds.  The lock is
 * never given back: it goes with the session, that is when the active
 * parkpland stops, is killed, or loses its connection, and a standby
 * takes it at its next try.
 *
 * Every connection carries the application_name "parkpland HOST PID"
 * (unless the DSN or PGAPPNAME sets one), so that a standby names the
 * active planner from pg_locks and pg_stat_activity.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parkpland.h"

/*
 * The planner election's advisory lock: "pkplplan" in ASCII.  The migrator
 * uses "pkplmigr" (8100691965750372210).
 */
#define LEADER_LOCK_KEY "8100691965800898926"

struct leader {
	struct parkpland *env;
	struct leader_hooks hooks;
	enum leader_role role;
	struct db_batch *batch; /* the question in flight */
	struct event *retry;
	bool taken;            /* the answer of pg_try_advisory_lock() */
	char holder[160];      /* who holds the lock, as the database says */
	int64_t plan_in_force; /* as the standby last read it; -1: not read */
	char text[256];        /* the standby's refusal */
};

static void leader_ask(struct leader *l);

static void
leader_retry_arm(struct leader *l)
{
	struct timeval tv = seconds_tv(l->env->conf->leader_retry_s);

	evtimer_del(l->retry);
	evtimer_add(l->retry, &tv);
}

static void
leader_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct leader *l = arg;

	(void)fd;
	(void)what;
	if (l->role != LEADER_ACTIVE && db_ready(l->env->db) && l->batch == NULL)
		leader_ask(l);
}

/*
 * "parkpland HOST PID" (as leader_application_name() makes it) reads
 * "HOST, pid PID"; anything else is quoted as it is.
 */
static void
leader_describe(struct leader *l, const char *app, const char *backend_pid, const char *client)
{
	char host[64];
	int pid;
	char extra;

	if (app != NULL && sscanf(app, "parkpland %63s %d%c", host, &pid, &extra) == 2)
		snprintf(l->holder, sizeof(l->holder), "on %s, pid %d", host, pid);
	else if (app != NULL && app[0] != '\0')
		snprintf(l->holder, sizeof(l->holder),
		         "application_name '%.60s', database backend pid %s%s%.40s", app,
		         backend_pid, client[0] ? " from " : "", client);
	else
		snprintf(l->holder, sizeof(l->holder), "database backend pid %s%s%.40s",
		         backend_pid, client[0] ? " from " : "", client);
	/* a name cut at 60 bytes may end in half a character: status is JSON */
	utf8_clean(l->holder);
}

/* The lock is held elsewhere: by whom. */
static int
leader_holder_result(void *arg, const PGresult *res, char *err, size_t errlen)
{
	struct leader *l = arg;

	(void)err;
	(void)errlen;
	l->holder[0] = '\0';
	if (PQntuples(res) != 1)
		return 0;
	if (!PQgetisnull(res, 0, 1))
		leader_describe(l, PQgetisnull(res, 0, 0) ? NULL : PQgetvalue(res, 0, 0),
		                PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2));
	return 0;
}

/* ... and the plan in force meanwhile. */
static int
leader_plan_result(void *arg, const PGresult *res, char *err, size_t errlen)
{
	struct leader *l = arg;
	bool has_plan;

	(void)err;
	(void)errlen;
	l->plan_in_force = -1;
	if (PQntuples(res) == 1)
		store_plans_read(res, &l->plan_in_force, &has_plan);
	return 0;
}

static const char holder_sql[] =
    "SELECT h.application_name, h.pid::text, h.client"
    " FROM (SELECT 1) one LEFT JOIN ("
    "  SELECT a.application_name, l.pid,"
    "   coalesce(a.client_hostname, host(a.client_addr), '') AS client"
    "  FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid"
    "  WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
    "   AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    "   AND l.classid = ($1::bigint >> 32)::oid"
    "   AND l.objid = ($1::bigint & 4294967295)::oid"
    "  LIMIT 1) h ON true";

static int
leader_lock_result(void *arg, const PGresult *res, char *err, size_t errlen)
{
	struct leader *l = arg;
	const char *v[1] = {LEADER_LOCK_KEY};

	l->taken = PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	/* statements of their own: the lock does not depend on them */
	if (!l->taken &&
	    (db_batch_query(l->batch, holder_sql, 1, v, leader_holder_result, l) != 0 ||
	     store_read_plan_in_force(l->batch, leader_plan_result, l) != 0)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static void
leader_become_active(struct leader *l)
{
	l->role = LEADER_ACTIVE;
	log_notice("planner lock taken: this parkpland is the active planner");
	l->hooks.role(l->hooks.arg, LEADER_ACTIVE, NULL);
}

static void
leader_become_standby(struct leader *l)
{
	bool was = l->role == LEADER_STANDBY;
	char text[sizeof(l->text)];

	l->role = LEADER_STANDBY;
	if (l->holder[0] != '\0')
		snprintf(text, sizeof(text),
		         "standby: another parkpland (%s) is the active planner", l->holder);
	else
		snprintf(text, sizeof(text), "standby: another parkpland is the active planner");
	if (!was || strcmp(text, l->text) != 0) {
		log_notice("%s; trying again every %.1f s", text, l->env->conf->leader_retry_s);
		snprintf(l->text, sizeof(l->text), "%s", text);
		l->hooks.role(l->hooks.arg, LEADER_STANDBY, l->text);
	}
	if (l->plan_in_force >= 0)
		l->hooks.plan_in_force(l->hooks.arg, l->plan_in_force);
	log_status("%s", l->text);
	leader_retry_arm(l);
}

static void
leader_answered(void *arg, int rc, const char *error)
{
	struct leader *l = arg;

	l->batch = NULL;
	if (!db_ready(l->env->db))
		return; /* the connection went: leader_db_state(false) follows */
	if (rc != 0) {
		log_warnx("planner lock: %s; trying again in %.1f s", error,
		          l->env->conf->leader_retry_s);
		leader_retry_arm(l);
		return;
	}
	if (l->taken)
		leader_become_active(l);
	else
		leader_become_standby(l);
}

static void
leader_ask(struct leader *l)
{
	struct db_batch *b = db_batch_new(false);
	const char *v[1] = {LEADER_LOCK_KEY};

	if (b == NULL || db_batch_query(b, "SELECT pg_try_advisory_lock($1::bigint)", 1, v,
	                                leader_lock_result, l) != 0) {
		db_batch_free(b);
		log_warnx("planner lock: out of memory; trying again in %.1f s",
		          l->env->conf->leader_retry_s);
		leader_retry_arm(l);
		return;
	}
	log_debug("planner lock: asking");
	l->taken = false;
	l->batch = b;
	if (db_batch_run(l->env->db, b, leader_answered, l) != 0) {
		l->batch = NULL;
		leader_retry_arm(l);
	}
}

void
leader_db_state(struct leader *l, bool up)
{
	evtimer_del(l->retry);
	if (up) {
		/* before anything else on the new session */
		l->role = LEADER_WAITING;
		if (l->batch == NULL)
			leader_ask(l);
		return;
	}
	if (l->role == LEADER_ACTIVE)
		log_warnx("planner lock lost with the connection: planning waits until it is "
		          "taken again");
	l->role = LEADER_WAITING;
	l->hooks.role(l->hooks.arg, LEADER_WAITING, NULL);
}

bool
leader_standby(const struct leader *l)
{
	return l->role == LEADER_STANDBY;
}

enum leader_role
leader_role(const struct leader *l)
{
	return l->role;
}

const char *
leader_standby_text(const struct leader *l)
{
	return l->text;
}

const char *
leader_role_name(const struct leader *l)
{
	switch (l->role) {
	case LEADER_ACTIVE:
		return "active";
	case LEADER_STANDBY:
		return "standby";
	case LEADER_WAITING:
		break;
	}
	return "waiting for database";
}

void
leader_status_json(const struct leader *l, json_t *o)
{
	json_object_set_new(o, "role", json_string(leader_role_name(l)));
	json_object_set_new(o, "active_planner",
	                    l->role == LEADER_STANDBY && l->holder[0] != '\0'
	                        ? json_string(l->holder)
	                        : json_null());
}

void
leader_application_name(char *buf, size_t len)
{
	char host[256];

	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "unknown");
	host[sizeof(host) - 1] = '\0';
	/* a space would make it two words; the server keeps 63 bytes */
	for (char *p = host; *p != '\0'; p++)
		if (*p == ' ')
			*p = '_';
	snprintf(buf, len, "parkpland %.40s %d", host, (int)getpid());
}

struct leader *
leader_new(struct parkpland *env, const struct leader_hooks *hooks)
{
	struct leader *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return NULL;
	l->env = env;
	l->hooks = *hooks;
	l->role = LEADER_WAITING;
	l->plan_in_force = -1;
	l->retry = evtimer_new(env->base, leader_retry_cb, l);
	if (l->retry == NULL) {
		free(l);
		return NULL;
	}
	return l;
}

void
leader_free(struct leader *l)
{
	if (l == NULL)
		return;
	/* a batch still queued goes with db_free() */
	if (l->retry != NULL)
		event_free(l->retry);
	free(l);
}
