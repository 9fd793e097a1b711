/*
 * leader.c - one active planner among the parkpland daemons that share a
 * database.
 *
 * The active planner holds a session-level PostgreSQL advisory lock
 * (LEADER_LOCK_KEY) on its connection.  After every connect (schema
 * checked) the first batch on the connection asks pg_try_advisory_lock(),
 * asynchronously like any batch.  Taken: this parkpland is the active
 * planner and the planner proper starts (run_db_state: interrupted runs
 * closed, start-up run, waiting steps taken up).  Not taken: it is a
 * standby; it drops whatever run it had, refuses replans, never stores a
 * plan, and asks again every planner.leader_retry_s seconds.  The lock is
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

static struct {
	struct db *db;
	enum leader_role role;
	struct db_batch *batch; /* the question in flight */
	struct event *retry;
	bool taken;            /* the answer of pg_try_advisory_lock() */
	char holder[160];      /* who holds the lock, as the database says */
	int64_t plan_in_force; /* as the standby last read it; -1: not read */
	char text[256];        /* the standby's refusal */
	char application_name[64];
} leader;

static void leader_ask(void);

static void
leader_retry_arm(void)
{
	double delay = conf->leader_retry_s;
	struct timeval tv;

	tv.tv_sec = (time_t)delay;
	tv.tv_usec = (suseconds_t)((delay - (double)tv.tv_sec) * 1e6);
	evtimer_del(leader.retry);
	evtimer_add(leader.retry, &tv);
}

static void
leader_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	if (leader.role != LEADER_ACTIVE && db_ready(leader.db) && leader.batch == NULL)
		leader_ask();
}

/*
 * "parkpland HOST PID" (as leader_application_name() makes it) reads
 * "HOST, pid PID"; anything else is quoted as it is.
 */
static void
leader_describe(const char *app, const char *backend_pid, const char *client)
{
	char host[64];
	int pid;
	char extra;

	if (app != NULL && sscanf(app, "parkpland %63s %d%c", host, &pid, &extra) == 2)
		snprintf(leader.holder, sizeof(leader.holder), "on %s, pid %d", host, pid);
	else if (app != NULL && app[0] != '\0')
		snprintf(leader.holder, sizeof(leader.holder),
		         "application_name '%.60s', database backend pid %s%s%.40s", app,
		         backend_pid, client[0] ? " from " : "", client);
	else
		snprintf(leader.holder, sizeof(leader.holder), "database backend pid %s%s%.40s",
		         backend_pid, client[0] ? " from " : "", client);
}

/* The lock is held elsewhere: by whom, and the plan in force meanwhile. */
static int
leader_holder_result(void *arg, const PGresult *res, char *err, size_t errlen)
{
	(void)arg;
	(void)err;
	(void)errlen;
	leader.holder[0] = '\0';
	leader.plan_in_force = -1;
	if (PQntuples(res) != 1)
		return 0;
	leader.plan_in_force =
	    PQgetisnull(res, 0, 0) ? 0 : strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	if (!PQgetisnull(res, 0, 2))
		leader_describe(PQgetisnull(res, 0, 1) ? NULL : PQgetvalue(res, 0, 1),
		                PQgetvalue(res, 0, 2), PQgetvalue(res, 0, 3));
	return 0;
}

static const char holder_sql[] =
    "SELECT (SELECT id FROM plan_in_force), h.application_name, h.pid::text, h.client"
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
	struct db_batch *b = arg;
	const char *v[1] = {LEADER_LOCK_KEY};

	leader.taken = PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	/* a statement of its own: the lock does not depend on this one */
	if (!leader.taken && db_batch_query(b, holder_sql, 1, v, leader_holder_result, NULL) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static void
leader_become_active(void)
{
	leader.role = LEADER_ACTIVE;
	log_notice("planner lock taken: this parkpland is the active planner");
	run_db_state(true);
}

static void
leader_become_standby(void)
{
	bool was = leader.role == LEADER_STANDBY;
	char text[sizeof(leader.text)];

	leader.role = LEADER_STANDBY;
	if (leader.holder[0] != '\0')
		snprintf(text, sizeof(text),
		         "standby: another parkpland (%s) is the active planner", leader.holder);
	else
		snprintf(text, sizeof(text), "standby: another parkpland is the active planner");
	if (!was || strcmp(text, leader.text) != 0)
		log_notice("%s; trying again every %.1f s", text, conf->leader_retry_s);
	snprintf(leader.text, sizeof(leader.text), "%s", text);
	if (!was)
		run_standby(leader.text);
	if (leader.plan_in_force >= 0 && leader.plan_in_force != run_plan_in_force())
		run_set_plan_in_force(leader.plan_in_force);
	daemon_status("%s", leader.text);
	leader_retry_arm();
}

static void
leader_answered(void *arg, int rc, const char *error)
{
	(void)arg;
	leader.batch = NULL;
	if (!db_ready(leader.db))
		return; /* the connection went: leader_db_state(false) follows */
	if (rc != 0) {
		log_warnx("planner lock: %s; trying again in %.1f s", error, conf->leader_retry_s);
		leader_retry_arm();
		return;
	}
	if (leader.taken)
		leader_become_active();
	else
		leader_become_standby();
}

static void
leader_ask(void)
{
	struct db_batch *b = db_batch_new(false);
	const char *v[1] = {LEADER_LOCK_KEY};

	if (b == NULL || db_batch_query(b, "SELECT pg_try_advisory_lock($1::bigint)", 1, v,
	                                leader_lock_result, b) != 0) {
		db_batch_free(b);
		log_warnx("planner lock: out of memory; trying again in %.1f s",
		          conf->leader_retry_s);
		leader_retry_arm();
		return;
	}
	log_debug("planner lock: asking");
	leader.taken = false;
	leader.batch = b;
	if (db_batch_run(leader.db, b, leader_answered, NULL) != 0) {
		leader.batch = NULL;
		leader_retry_arm();
	}
}

void
leader_db_state(bool up)
{
	evtimer_del(leader.retry);
	if (up) {
		/* before anything else on the new session */
		leader.role = LEADER_WAITING;
		if (leader.batch == NULL)
			leader_ask();
		return;
	}
	if (leader.role == LEADER_ACTIVE)
		log_warnx("planner lock lost with the connection: planning waits until it is "
		          "taken again");
	leader.role = LEADER_WAITING;
	run_db_state(false);
}

bool
leader_active(void)
{
	return leader.role == LEADER_ACTIVE;
}

bool
leader_standby(void)
{
	return leader.role == LEADER_STANDBY;
}

const char *
leader_standby_text(void)
{
	return leader.text;
}

const char *
leader_role_name(void)
{
	switch (leader.role) {
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
leader_status_json(json_t *o)
{
	json_object_set_new(o, "role", json_string(leader_role_name()));
	json_object_set_new(o, "active_planner",
	                    leader.role == LEADER_STANDBY && leader.holder[0] != '\0'
	                        ? json_string(leader.holder)
	                        : json_null());
}

const char *
leader_application_name(void)
{
	char host[256];

	if (leader.application_name[0] == '\0') {
		if (gethostname(host, sizeof(host)) != 0)
			snprintf(host, sizeof(host), "unknown");
		host[sizeof(host) - 1] = '\0';
		/* a space would make it two words; the server keeps 63 bytes */
		for (char *p = host; *p != '\0'; p++)
			if (*p == ' ')
				*p = '_';
		snprintf(leader.application_name, sizeof(leader.application_name),
		         "parkpland %.40s %d", host, (int)getpid());
	}
	return leader.application_name;
}

void
leader_init(struct db *db)
{
	leader.db = db;
	leader.role = LEADER_WAITING;
	leader.plan_in_force = -1;
	leader.retry = evtimer_new(base, leader_retry_cb, NULL);
	if (leader.retry == NULL)
		fatalx("out of memory");
}

void
leader_free(void)
{
	/* a batch still queued went with db_free() */
	leader.batch = NULL;
	if (leader.retry != NULL)
		event_free(leader.retry);
	leader.retry = NULL;
}
