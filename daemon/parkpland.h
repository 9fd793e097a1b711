/*
 * parkpland.h - the planner daemon: one libevent loop that serves the
 * control socket, the PostgreSQL connection, the timers and the signals,
 * and keeps the plan current.
 *
 * One .c per concern; the prototypes they share are here, grouped by file.
 */
#ifndef PARKPLAND_H
#define PARKPLAND_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/types.h>
#include <time.h>

#include <event2/event.h>
#include <jansson.h>
#include <libpq-fe.h>

#include "protocol.h"

/* --- main.c ------------------------------------------------------------- */

extern struct event_base *base;
/* The configuration in force (replaced as a whole by a good reload). */
extern struct config *conf;
/* The PostgreSQL connection. */
extern struct db *database;
/* The worker children (jobs.c). */
extern struct jobs *jobs;
/* Re-read the configuration; keeps the old one (and says why) when bad. */
int daemon_reload(char *err, size_t errlen);
/* Seconds from a monotonic clock. */
double now_s(void);
/* Tell systemd the current state (STATUS=...). */
void daemon_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* --- log.c -------------------------------------------------------------- */

/*
 * Priorities as in syslog.  Structured journal entries when stderr is the
 * journal's stream (JOURNAL_STREAM), else lines prefixed "<N>" on stderr.
 */
enum log_level {
	LOG_LEVEL_ERR = 3,
	LOG_LEVEL_WARNING = 4,
	LOG_LEVEL_NOTICE = 5,
	LOG_LEVEL_INFO = 6,
	LOG_LEVEL_DEBUG = 7
};

int log_level_parse(const char *text, enum log_level *out);
void log_set_level(enum log_level level);
void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* log_warn appends strerror(errno); log_warnx does not. */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * A message about a run and/or a plan (ids, 0: none): in the journal they
 * are the fields PARKPLAN_RUN= and PARKPLAN_PLAN=; on stderr, as the others.
 */
void log_run(enum log_level level, int64_t run_id, int64_t plan_id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Start-up only. */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* --- config.c ----------------------------------------------------------- */

struct config {
	/* [daemon] */
	char *socket_path;
	int socket_mode;
	char *socket_group; /* may connect (besides root and the daemon's user) */
	char *admin_group;  /* may approve and reload (besides root and the daemon's user) */
	int max_clients;
	int max_request_bytes;
	double idle_timeout_s;
	char *log_level;
	/* [database] */
	char *dsn;
	char *dsn_file;
	double reconnect_min_s;
	double reconnect_max_s;
	/* [planner] */
	double notify_quiet_s;      /* a burst of data changes gives one run after this quiet */
	double notify_max_delay_s;  /* ... or after this long at most (0: no limit) */
	double schedule_interval_s; /* 0: none */
	int schedule_daily_min;     /* minutes after local midnight; -1: none */
	bool startup_run;
	bool auto_approve;
	int solver_memory_mib;
	double solver_wall_s;  /* 0: derived from the snapshot's time_limit_s */
	double leader_retry_s; /* a standby asks for the planner lock this often */
};

/*
 * Read path (may be NULL: defaults only), then apply the command-line
 * overrides ("section.key=value").  Returns 0, or -1 with the reason.
 */
int config_load(const char *path, char *const *overrides, size_t n_overrides, struct config *out,
                char *err, size_t errlen);
void config_free(struct config *c);
/*
 * The DSN: dsn_file, else dsn, else $PARKPLAN_DSN, else
 * $CREDENTIALS_DIRECTORY/dsn.  Returns a new string or NULL with the reason.
 */
char *config_dsn(const struct config *c, char *err, size_t errlen);
/* Seconds from now (local time) to the next minute_of_day; in (0, 86400]. */
double config_daily_delay(int minute_of_day, const struct tm *now);
/* Log the settings that differ and cannot change without a restart. */
void config_warn_restart(const struct config *old, const struct config *new_conf);

/* --- db_conn.c: the PostgreSQL connection ------------------------------- */

struct db;

typedef void (*db_notify_fn)(void *arg, const char *channel, const char *payload);
/* up: the connection is ready (schema checked, LISTEN issued) or was lost. */
typedef void (*db_state_fn)(void *arg, bool up);

struct db *db_new(const char *dsn, double backoff_min_s, double backoff_max_s, db_notify_fn notify,
                  db_state_fn state, void *arg);
void db_start(struct db *db);
void db_free(struct db *db);
bool db_ready(const struct db *db);
/* "connected", "waiting for database", "schema version 0 (expected 1): run parkplanctl migrate" */
const char *db_state_text(const struct db *db);

/*
 * A batch: statements (with parameters) and COPY FROM STDIN steps run in
 * order on the connection, which it holds alone while it runs.  When one
 * fails, a batch marked as a transaction is rolled back, and done() gets
 * the reason.  A step may have a result callback (the PGresult is lent);
 * returning -1 from it stops the batch with err.
 */
struct db_batch;
typedef int (*db_result_fn)(void *arg, const PGresult *res, char *err, size_t errlen);
typedef void (*db_done_fn)(void *arg, int rc, const char *error);

struct db_batch *db_batch_new(bool transaction);
void db_batch_free(struct db_batch *b);
/* values are copied; a NULL value is SQL NULL. */
int db_batch_query(struct db_batch *b, const char *sql, int n, const char *const *values,
                   db_result_fn fn, void *arg);
/* data (text format COPY) is taken over by the batch. */
int db_batch_copy(struct db_batch *b, const char *sql, char *data, size_t len);
/* Queue the batch (taken over).  -1 when the database is not ready. */
int db_batch_run(struct db *db, struct db_batch *b, db_done_fn done, void *arg);
/* done() will not be called; the batch is dropped once the connection lets go. */
void db_batch_forget(struct db *db, struct db_batch *b);

/* --- jobs.c: worker children on the loop ------------------------------- */

struct jobs;
struct job;
struct worker;
struct worker_spec;

/* Watch SIGCHLD on base: the children of the jobs are reaped as they exit. */
struct jobs *jobs_new(struct event_base *loop);
/* Kill and reap every job left (their done() is not called). */
void jobs_free(struct jobs *js);
int jobs_count(const struct jobs *js);
/*
 * The child has exited and its output is read: take the result from w
 * (worker_end(), worker_error(), or solve_finish()).  w and the job are
 * freed after the call.
 */
typedef void (*job_done_fn)(void *arg, struct worker *w);
/* The deadline passed: the child is killed after this call (for a log). */
typedef void (*job_deadline_fn)(void *arg);
/*
 * Start a worker (worker_start()) and watch it: its frames go to
 * spec->frame as they arrive, its deadline is a timer.  NULL with err.
 */
struct job *job_start(struct jobs *js, const struct worker_spec *spec, job_done_fn done,
                      job_deadline_fn on_deadline, void *arg, char *err, size_t errlen);
pid_t job_pid(const struct job *j);
/* Kill (worker_kill(why)) and reap the child; done() is not called.  NULL is a no-op. */
void job_cancel(struct job *j, const char *why);

/* --- load.c: the snapshot, read asynchronously ------------------------- */

struct snapshot;
struct load;
/* On success s is handed over: copy the struct, it is not freed after. */
typedef void (*load_done_fn)(void *arg, struct snapshot *s, const char *error);
/* NULL when the database is not ready.  done() is always called later. */
struct load *load_start(struct db *db, load_done_fn done, void *arg);
/* Drop a load (done() is not called). */
void load_free(struct load *l);

/* --- run.c: a run of the planner ---------------------------------------- */

enum run_trigger { TRIGGER_REPLAN, TRIGGER_DATA_CHANGE, TRIGGER_SCHEDULE, TRIGGER_STARTUP };

struct run_waiter {
	/* run_id 0 when the run could not even start; error NULL on success. */
	void (*done)(void *arg, int64_t run_id, const char *error);
	void *arg;
	bool queued;
	TAILQ_ENTRY(run_waiter) link;
};

void run_init(struct db *db);
/* Ask for a run; coalesces with a pending one.  w (may be NULL) hears how it ended. */
void run_request(enum run_trigger trigger, const char *requested_by, struct run_waiter *w);
void run_waiter_cancel(struct run_waiter *w);
void run_data_changed(void);
void run_db_state(bool up);
void run_config_changed(void);
json_t *run_status_json(void);
int64_t run_plan_in_force(void);
void run_set_plan_in_force(int64_t id);
/* SIGTERM: kill the solver, drop the store, answer the waiters. */
void run_shutdown(void);
/* Another parkpland is the active planner: drop the run and the requests. */
void run_standby(const char *why);
bool run_shutting_down(void);
const char *run_trigger_name(enum run_trigger t);

/* --- leader.c: one active planner per database ------------------------- */

enum leader_role { LEADER_WAITING, LEADER_STANDBY, LEADER_ACTIVE };

void leader_init(struct db *db);
void leader_free(void);
/* The connection is ready (schema checked) or was lost; replaces run_db_state. */
void leader_db_state(bool up);
/* This parkpland holds the planner lock on its current connection. */
bool leader_active(void);
/* Another parkpland holds it. */
bool leader_standby(void);
/* "standby: another parkpland (on HOST, pid PID) is the active planner" */
const char *leader_standby_text(void);
/* "active", "standby", "waiting for database" */
const char *leader_role_name(void);
/* Adds "role" and "active_planner" to a status object. */
void leader_status_json(json_t *o);
/* "parkpland HOST PID": the connection's fallback_application_name. */
const char *leader_application_name(void);

/* --- store.c: writing a run's outcome ----------------------------------- */

struct plan;
struct problems;

struct run_timing {
	double load_ms, solve_ms;
	double store_start; /* now_s() when the store began */
};

/* The plan_run row for a run that is starting; the id comes to fn. */
struct db_batch *store_run_begin(enum run_trigger trigger, const char *requested_by,
                                 int64_t *run_id);
/*
 * The batch that stores a solved run (one transaction): plan rows by COPY,
 * the snapshot, the run row, approval when asked, NOTIFY parkplan_plan.
 * failed: the plan is not a plan (infeasible, solver error): only the
 * snapshot, the run row and the error are kept.
 */
struct copybuf;
/*
 * snapshot_row (may be NULL): the plan_snapshot row already made as COPY
 * text ("<run id>\t<escaped JSON>\n", off the loop); its data is taken
 * over (left empty).  NULL or empty: s is serialised here.
 */
struct db_batch *store_run_result(int64_t run_id, const struct snapshot *s,
                                  struct copybuf *snapshot_row, const struct plan *p,
                                  const struct run_timing *t, bool failed, json_t *error,
                                  bool approve);
/* A run that failed before solving: validation rows, load or solver error. */
struct db_batch *store_run_failure(int64_t run_id, const struct snapshot *s,
                                   struct copybuf *snapshot_row, const struct problems *pr,
                                   const struct run_timing *t, json_t *error);
/* Text COPY escaping into a growing buffer. */
struct copybuf {
	char *data;
	size_t len, cap;
};
void copybuf_printf(struct copybuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void copybuf_text(struct copybuf *b, const char *text);

/* --- ctlsock.c: the control socket -------------------------------------- */

struct ctl_client;

int ctlsock_open(char *err, size_t errlen);
/* Stop accepting (the listening socket is closed). */
void ctlsock_stop(void);
/*
 * Answer every client still waiting, and close all connections; drained()
 * is called once the last one is closed (at once when there is none).
 */
void ctlsock_close_all(const char *why, void (*drained)(void));
/* Connections still open. */
int ctlsock_clients(void);
void ctl_reply_ok(struct ctl_client *c, json_t *data);
void ctl_reply_error(struct ctl_client *c, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool ctl_client_privileged(const struct ctl_client *c);
/* "uid 1000": who asked, for plan_run.requested_by. */
const char *ctl_client_who(const struct ctl_client *c);
/* The client went away: pending replies are dropped. */
bool ctl_client_gone(const struct ctl_client *c);
/* Keep c alive across an asynchronous handler; ctl_client_unref releases. */
void ctl_client_ref(struct ctl_client *c);
void ctl_client_unref(struct ctl_client *c);
/* The waiter a replan --wait uses (one per client). */
struct run_waiter *ctl_client_waiter(struct ctl_client *c);

/* --- cmd.c: the commands of the control socket -------------------------- */

/* Run one request; the handler answers with ctl_reply_*, now or later. */
void cmd_dispatch(struct ctl_client *c, const char *word, json_t *args);

#endif
