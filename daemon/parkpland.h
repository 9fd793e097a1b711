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
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/time.h>
#include <sys/types.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <jansson.h>
#include <libpq-fe.h>

#include "protocol.h"
#include "utf8.h"

/* --- main.c: the daemon's parts, made and wired together ------------------ */

struct config;
struct db;
struct jobs;
struct run;
struct leader;
struct triggers;
struct ctlsock;
struct metrics;
struct http;

/*
 * The context every part is handed at its creation (as OpenSMTPD's env):
 * main.c makes it and the parts, and wires what each part reports (its
 * callbacks) to the parts that act on it.  A part keeps the env it was
 * given and calls no part that calls it back.
 */
struct parkpland {
	struct event_base *base;
	struct config *conf; /* the configuration in force, replaced as a whole by a good reload */
	struct db *db;
	struct jobs *jobs;
	struct run *run;
	struct leader *leader;
	struct triggers *triggers;
	struct ctlsock *ctl;
	struct metrics *metrics;
	struct http *http; /* NULL: http.listen is empty */
	/* Re-read the configuration; keeps the old one (and says why) when bad. */
	int (*reload)(struct parkpland *env, char *err, size_t errlen);
};

/* Seconds from a monotonic clock. */
static inline double
monotonic_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A delay in seconds as a timeval for a timer. */
static inline struct timeval
seconds_tv(double s)
{
	struct timeval tv;

	if (!(s > 0))
		s = 0;
	tv.tv_sec = (time_t)s;
	tv.tv_usec = (suseconds_t)((s - (double)tv.tv_sec) * 1e6);
	return tv;
}

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
/*
 * Tell systemd the current state (STATUS=...), logged at debug; the same
 * text again is not sent twice.
 */
void log_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
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
	int max_clients_per_uid; /* not for root, the daemon's user, admin_group */
	int reserved_clients;    /* of max_clients, kept for root, the daemon's user, admin_group */
	int max_request_bytes;
	double idle_timeout_s;    /* no request pending (or a reply not read) this long: closed */
	double request_timeout_s; /* a request, from its first byte to its newline */
	int output_soft_bytes;    /* replies not read yet: past it, no request is read */
	int output_hard_bytes;    /* past it, the client is dropped */
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
	/* [http] */
	char *http_listen;         /* "": no HTTP listener */
	bool http_allow_remote;    /* else loopback addresses and Unix sockets only */
	int http_max_connections;  /* served at once; past it 503, past twice it closed */
	int http_max_header_bytes; /* request line and headers */
	int http_max_uri_bytes;    /* 414 past it */
	double http_timeout_s;     /* a request, from its first byte to its answer's last */
	int http_max_renders;      /* report renders (worker children) at once */
};

/* http.listen, parsed: "HOST:PORT", "[V6]:PORT" (numeric) or "unix:/PATH". */
struct http_listen {
	int family;             /* AF_INET, AF_INET6 or AF_UNIX */
	unsigned char addr[16]; /* AF_INET: 4 bytes, AF_INET6: 16 */
	int port;
	char path[108]; /* AF_UNIX */
	bool loopback;  /* 127.0.0.0/8, ::1, ::ffff:127.0.0.0/104, or a Unix socket */
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
/* Parse an http.listen value (not empty).  Returns 0, or -1 with the reason. */
int config_http_listen(const char *text, struct http_listen *out, char *err, size_t errlen);

/* --- db_secret.c: the DSN's password, kept out of messages -------------- */

/* Free a string that may have held a secret (a DSN, a password): wiped first. */
static inline void
wipe_free(char *p)
{
	if (p != NULL) {
		explicit_bzero(p, strlen(p));
		free(p);
	}
}

#define DB_SECRET_FORMS 8
struct db_secret {
	char *v[DB_SECRET_FORMS]; /* the password as written and as meant, longest first */
	int n;
};

/* Every form of dsn's password a message may quote (ds is initialised here). */
void db_secret_collect(struct db_secret *ds, const char *dsn);
/* msg with each form replaced by "[password]", into out (always terminated). */
void db_secret_scrub(const struct db_secret *ds, const char *msg, char *out, size_t outlen);
/* Wiped, then freed. */
void db_secret_free(struct db_secret *ds);

/* --- db_conn.c: the PostgreSQL connection ------------------------------- */

typedef void (*db_notify_fn)(void *arg, const char *channel, const char *payload);
/* up: the connection is ready (schema checked, LISTEN issued) or was lost. */
typedef void (*db_state_fn)(void *arg, bool up);

/*
 * application_name: the connection's fallback_application_name
 * (leader_application_name()).
 */
struct db *db_new(struct event_base *base, const char *dsn, const char *application_name,
                  double backoff_min_s, double backoff_max_s, db_notify_fn notify,
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
 * returning -1 from it stops the batch with err, returning DB_RESULT_MORE
 * asks to be called again with the same result on a later pass of the
 * loop (a big result taken a part at a time, the loop serving between).
 */
#define DB_RESULT_MORE 1
struct db_batch;
typedef int (*db_result_fn)(void *arg, const PGresult *res, char *err, size_t errlen);
typedef void (*db_done_fn)(void *arg, int rc, const char *error);

struct db_batch *db_batch_new(bool transaction);
void db_batch_free(struct db_batch *b);
/* values are copied; a NULL value is SQL NULL. */
int db_batch_query(struct db_batch *b, const char *sql, int n, const char *const *values,
                   db_result_fn fn, void *arg);
/* data (text format COPY) is taken over by the batch, also when it fails. */
int db_batch_copy(struct db_batch *b, const char *sql, struct evbuffer *data);
/* Queue the batch (taken over).  -1 when the database is not ready. */
int db_batch_run(struct db *db, struct db_batch *b, db_done_fn done, void *arg);
/* done() will not be called; the batch is dropped once the connection lets go. */
void db_batch_forget(struct db *db, struct db_batch *b);
/* Ask the server to cancel the statement running now, if any (blocks briefly). */
void db_cancel(struct db *db);

/* --- jobs.c: worker children on the loop ------------------------------- */

struct job;
struct worker;
struct worker_spec;

/* Watch SIGCHLD on loop: the children of the jobs are reaped as they exit. */
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
/*
 * NULL when the database is not ready.  done() is always called later.
 * With problems, bad settings and rules naming inactive rows are added to
 * it (the snapshot keeps the defaults, leaves the rules out); without, a
 * bad setting fails the load, every one named in the error.
 */
struct problems;
struct load *load_start(struct db *db, struct problems *problems, load_done_fn done, void *arg);
/* Drop a load (done() is not called). */
void load_free(struct load *l);

/* --- store.c: all of plan_run's SQL ------------------------------------- */

struct plan;
struct problems;

struct run_timing {
	double load_ms, solve_ms; /* -1: the phase did not run */
	double store_ms;          /* as parkpland saw it (the row's store_ms is the server's) */
};

/* The plan_run row for a run that is starting; the id comes to *run_id. */
struct db_batch *store_run_begin(const char *trigger, const char *requested_by, int64_t *run_id);
/*
 * The batch that stores a solved run (one transaction): plan rows by COPY,
 * the snapshot, the run row, approval when asked, NOTIFY parkplan_plan.
 * failed: the plan is not a plan (infeasible, solver error): only the
 * snapshot, the run row and the error are kept.  snapshot_row (may be
 * NULL): the plan_snapshot row already made as COPY text ("<run id>\t
 * <escaped JSON>\n", off the loop), taken over; NULL: s is serialised here.
 */
struct db_batch *store_run_result(int64_t run_id, const struct snapshot *s,
                                  struct evbuffer *snapshot_row, const struct plan *p,
                                  const struct run_timing *t, bool failed, json_t *error,
                                  bool approve);
/* A run that failed before solving: validation rows, load or solver error. */
struct db_batch *store_run_failure(int64_t run_id, const struct snapshot *s,
                                   struct evbuffer *snapshot_row, const struct problems *pr,
                                   const struct run_timing *t, json_t *error);
/*
 * The active planner's start-up: runs left 'running' by a planner that
 * stopped in the middle are closed (but run keep_id, this planner's own),
 * then one row (store_plans_read()) goes to fn.
 */
struct db_batch *store_startup(int64_t keep_id, db_result_fn fn, void *arg);
/* The run in progress when parkpland stops: failed, "interrupted: parkpland stopped". */
struct db_batch *store_run_interrupted(int64_t run_id);
/* Add the read of the plan in force (one row, store_plans_read()) to b. */
int store_read_plan_in_force(struct db_batch *b, db_result_fn fn, void *arg);
/* That row: the plan in force (0: none) and whether any run ever succeeded. */
void store_plans_read(const PGresult *res, int64_t *plan_in_force, bool *has_plan);
/* Approve plan $1 for $2: one row of JSON {id, approved_at, approved_by}, or none. */
extern const char store_approve_sql[];

/* --- prep.c: validation and the snapshot's row, in a child -------------- */

struct prep;
enum prep_state { PREP_RUNNING, PREP_DONE, PREP_FAILED };

struct prep_hooks {
	/* The child's problems are in *problems; from the loop, not from a read. */
	void (*checked)(void *arg);
	/* The child is gone (prep_state() says how). */
	void (*done)(void *arg);
	void *arg;
};

/*
 * Validate s into *problems and make its plan_snapshot COPY row for run_id,
 * in a child.  NULL when no child could be started (logged).
 */
struct prep *prep_start(struct parkpland *env, int64_t run_id, const struct snapshot *s,
                        struct problems *problems, const struct prep_hooks *hooks);
enum prep_state prep_state(const struct prep *p);
/* The child's problems arrived (*problems holds them). */
bool prep_checked(const struct prep *p);
/* The row, once PREP_DONE; the caller takes it (NULL after). */
struct evbuffer *prep_take_row(struct prep *p);
/* Stop the child; NULL is a no-op. */
void prep_free(struct prep *p);

/* --- run.c: the phases of a run of the planner --------------------------- */

enum run_trigger { TRIGGER_REPLAN, TRIGGER_DATA_CHANGE, TRIGGER_SCHEDULE, TRIGGER_STARTUP };
enum leader_role { LEADER_WAITING, LEADER_STANDBY, LEADER_ACTIVE };

struct run_waiter {
	/* run_id 0 when the run could not even start; error NULL on success. */
	void (*done)(void *arg, int64_t run_id, const char *error);
	void *arg;
	bool queued;
	TAILQ_ENTRY(run_waiter) link;
};

struct run *run_new(struct parkpland *env);
void run_free(struct run *r);
/* Ask for a run; coalesces with a pending one.  w (may be NULL) hears how it ended. */
void run_request(struct run *r, enum run_trigger trigger, const char *requested_by,
                 struct run_waiter *w);
void run_waiter_cancel(struct run *r, struct run_waiter *w);
/*
 * The planner's role (leader.c): active, the run goes on (a step waiting
 * for the database is taken up); waiting, it waits; standby (text: why),
 * the run and the requests are dropped, and later requests refused.
 */
void run_role(struct run *r, enum leader_role role, const char *text);
/*
 * SIGTERM: kill the solver, drop the load or the store (the statement in
 * flight is cancelled), answer the waiters, and mark the run in progress
 * failed ("interrupted: parkpland stopped") when the database is there.
 * done (may be NULL) is called once that is over, at once when there is
 * nothing to mark.
 */
void run_shutdown(struct run *r, void (*done)(void *arg), void *arg);
bool run_shutting_down(const struct run *r);
/* No run in progress and none pending. */
bool run_idle(const struct run *r);
/* The id of the run in progress, 0 if none. */
int64_t run_current(const struct run *r);
json_t *run_status_json(const struct run *r);
int64_t run_plan_in_force(const struct run *r);
void run_set_plan_in_force(struct run *r, int64_t id);
const char *run_trigger_name(enum run_trigger t);

/* --- triggers.c: when a run is asked for ------------------------------- */

struct trigger_hooks {
	/* Ask for a run (run_request). */
	void (*request)(void *arg, enum run_trigger trigger);
	/* No run in progress and none pending: the start-up run is asked only then. */
	bool (*idle)(void *arg);
	/* The id of the run in progress (0: none): the start-up clean-up spares it. */
	int64_t (*current_run)(void *arg);
	/* The plan in force, as the start-up check read it. */
	void (*plan_in_force)(void *arg, int64_t id);
	void *arg;
};

/*
 * A burst of data changes gives one run after planner.notify_quiet_s of
 * quiet (or planner.notify_max_delay_s after the first change); the
 * schedule; the start-up run when the database has no plan.
 */
struct triggers *triggers_new(struct parkpland *env, const struct trigger_hooks *hooks);
void triggers_free(struct triggers *t);
/* NOTIFY parkplan_data. */
void triggers_data_changed(struct triggers *t);
/* A reload: the schedule is armed again. */
void triggers_config_changed(struct triggers *t);
/* This parkpland is the active planner: the start-up clean-up and check. */
void triggers_active(struct triggers *t);
/* Another is: waiting changes are forgotten, the start-up check is done again later. */
void triggers_standby(struct triggers *t);
void triggers_shutdown(struct triggers *t);
/* Adds "data_change_waiting" to a status object. */
void triggers_status_json(const struct triggers *t, json_t *o);

/* --- leader.c: one active planner per database ------------------------- */

struct leader_hooks {
	/* The role changed, or the standby's text did (who is the active planner). */
	void (*role)(void *arg, enum leader_role role, const char *text);
	/* A standby read the plan in force. */
	void (*plan_in_force)(void *arg, int64_t id);
	void *arg;
};

struct leader *leader_new(struct parkpland *env, const struct leader_hooks *hooks);
void leader_free(struct leader *l);
/* The connection is ready (schema checked) or was lost. */
void leader_db_state(struct leader *l, bool up);
/* Another parkpland holds the planner lock. */
bool leader_standby(const struct leader *l);
enum leader_role leader_role(const struct leader *l);
/* "active", "standby", "waiting for database": the role as status tells it. */
const char *leader_role_name(const struct leader *l);
/* "standby: another parkpland (on HOST, pid PID) is the active planner" */
const char *leader_standby_text(const struct leader *l);
/* Adds "role" and "active_planner" to a status object. */
void leader_status_json(const struct leader *l, json_t *o);
/* "parkpland HOST PID": the connection's fallback_application_name. */
void leader_application_name(char *buf, size_t len);

/* --- metrics.c: what parkpland counts, for /metrics ---------------------- */

/* The state of other parts, passed in when the text is made. */
struct metrics_gauges {
	int64_t plan_in_force; /* 0: none */
	bool db_connected;
	enum leader_role role;
	int control_clients;
	int http_connections;
	int http_renders;
};

/* A leaf: the parts report with plain calls; every call takes NULL as a no-op. */
struct metrics *metrics_new(void);
void metrics_free(struct metrics *m);
/* A run ended (stored as succeeded or failed); phases with a negative time did not run. */
void metrics_run(struct metrics *m, const char *trigger, bool succeeded,
                 const struct run_timing *t);
/* A part ("pairing", "roster") of the last plan made. */
void metrics_plan(struct metrics *m, const char *part, double objective, double bound, double gap);
/* A control socket answer: the command served (NULL: none) and "ok" or the error code. */
void metrics_control_request(struct metrics *m, const char *command, const char *result);
/* An HTTP answer's status code. */
void metrics_http_request(struct metrics *m, int code);
/* An HTTP connection accepted; refused: past http.max_connections. */
void metrics_http_connection(struct metrics *m, bool refused);
/* The text exposition format, version 0.0.4. */
void metrics_render(const struct metrics *m, const struct metrics_gauges *g, struct evbuffer *out);

/* --- req.c: a request to a command, from either door ------------------- */

/*
 * The commands (cmd*.c) answer requests without knowing where they came
 * from: a control socket client (ctlsock.c) or an HTTP request
 * (http_api.c).  Each door embeds a struct req and implements its
 * operations; a handler answers once, now or later, through req_reply_*.
 */
struct req;
struct req_ops {
	/* The answer: data (taken; NULL is JSON null). */
	void (*reply_ok)(struct req *rq, json_t *data);
	/* The refusal: a code of protocol.h and a message for people. */
	void (*reply_error)(struct req *rq, enum protocol_error code, const char *message);
	void (*ref)(struct req *rq);
	void (*unref)(struct req *rq);
	/* The asker went away: answers are dropped. */
	bool (*gone)(const struct req *rq);
	/* May approve and reload (never over HTTP). */
	bool (*privileged)(const struct req *rq);
	/* "uid 1000", "http": who asked, for logs and plan_run.requested_by. */
	const char *(*who)(const struct req *rq);
	/* What the request waits on; cancel(waiter) when the asker goes first. */
	void (*set_waiter)(struct req *rq, void *waiter, void (*cancel)(void *waiter));
};
struct req {
	const struct req_ops *ops;
	/* The command being served: a word of cmd.c's table, "unknown", or NULL before. */
	const char *cmd;
};

/* A request, to be answered with req_reply_*, now or later. */
typedef void (*req_dispatch_fn)(void *arg, struct req *rq, const char *word, json_t *args);

void req_reply_ok(struct req *rq, json_t *data);
/* The one way to refuse: a code of protocol.h and a message. */
void req_reply_error(struct req *rq, enum protocol_error code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool req_privileged(const struct req *rq);
const char *req_who(const struct req *rq);
bool req_gone(const struct req *rq);
/*
 * Keep rq across an asynchronous handler; req_unref releases.  The door
 * holds a reference while it dispatches, so a handler may drop its own
 * before it answers.
 */
void req_ref(struct req *rq);
void req_unref(struct req *rq);
/* What the request waits on (a replan --wait); NULL clears it. */
void req_set_waiter(struct req *rq, void *waiter, void (*cancel)(void *waiter));

/* --- sockfile.c: the file of a listening Unix socket -------------------- */

struct sockfile_id {
	bool valid;
	dev_t dev;
	ino_t ino;
};

/* Remove path if it is still the socket identified. */
void sockfile_remove(const char *path, const struct sockfile_id *id);
/*
 * A listening socket at path (a stale socket there removed first), bound under umask
 * mask, then given group (NULL or "": not) and mode (-1: not changed).
 * Returns the socket, id set to remove it later; -1 with the reason.
 */
int sockfile_listen(const char *path, mode_t mask, const char *group, int mode,
                    struct sockfile_id *id, char *err, size_t errlen);

/* --- ctlpeer.c: who may talk on the control socket, how many ------------- */

enum ctlpeer_verdict {
	CTLPEER_ADMIT,
	CTLPEER_BUSY,      /* daemon.max_clients */
	CTLPEER_DENIED,    /* not root, the daemon's user or daemon.socket_group */
	CTLPEER_RESERVED,  /* the slots of daemon.reserved_clients */
	CTLPEER_PER_UID,   /* daemon.max_clients_per_uid */
	CTLPEER_DROPPED,   /* (logging only) past daemon.output_hard_bytes */
	CTLPEER_TIMED_OUT, /* (logging only) past daemon.request_timeout_s */
	CTLPEER_VERDICTS
};

/* Root, the daemon's user, daemon.admin_group: may approve and reload, use the reserved slots. */
bool ctlpeer_privileged(const struct config *conf, uid_t uid, gid_t gid);
/*
 * May a peer connect, with n_clients connected and n_same_uid of them
 * from its uid?  Not CTLPEER_ADMIT: why is the reply's message.
 */
enum ctlpeer_verdict ctlpeer_admit(const struct config *conf, uid_t uid, gid_t gid, int n_clients,
                                   int n_same_uid, char *why, size_t whylen);

/* Refusals in the log: the first at once, then one line per interval with counts. */
struct ctlpeer_log;
struct ctlpeer_log *ctlpeer_log_new(struct event_base *base);
void ctlpeer_log_free(struct ctlpeer_log *lg);
void ctlpeer_log(struct ctlpeer_log *lg, enum ctlpeer_verdict v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* --- ctlsock.c: the control socket -------------------------------------- */

struct ctl_client;

struct ctlsock *ctlsock_new(struct parkpland *env, req_dispatch_fn dispatch, void *arg);
/* Listen on the socket systemd passed, else on daemon.socket. */
int ctlsock_listen(struct ctlsock *cs, char *err, size_t errlen);
/* Serve a connected socket (taken over), as an accepted one. */
int ctlsock_adopt(struct ctlsock *cs, int fd);
/* Stop accepting (the listening socket is closed and removed). */
void ctlsock_stop(struct ctlsock *cs);
/*
 * Answer every client still waiting, and close all connections; drained()
 * is called once the last one is closed (at once when there is none).
 */
void ctlsock_close_all(struct ctlsock *cs, const char *why, void (*drained)(void *arg), void *arg);
/* Connections still open. */
int ctlsock_clients(const struct ctlsock *cs);
void ctlsock_free(struct ctlsock *cs);

/* --- cmd*.c: the commands of the control socket ------------------------- */

/*
 * Run one request (arg: the env); the handler answers now or later.  The
 * door's request says whether it may run the privileged commands.
 */
void cmd_dispatch(void *arg, struct req *rq, const char *word, json_t *args);

/* The handlers, one signature for all, grouped by file. */
typedef void (*cmd_fn)(struct parkpland *env, struct req *rq, json_t *args);
/* cmd_status.c */
void cmd_status(struct parkpland *env, struct req *rq, json_t *args);
void cmd_reload(struct parkpland *env, struct req *rq, json_t *args);
/* cmd_run.c */
void cmd_replan(struct parkpland *env, struct req *rq, json_t *args);
void cmd_approve(struct parkpland *env, struct req *rq, json_t *args);
/* cmd_plans.c */
void cmd_plans(struct parkpland *env, struct req *rq, json_t *args);
void cmd_show(struct parkpland *env, struct req *rq, json_t *args);
void cmd_diff(struct parkpland *env, struct req *rq, json_t *args);
/* cmd_explain.c */
void cmd_explain(struct parkpland *env, struct req *rq, json_t *args);
/* cmd_snapshot.c */
void cmd_snapshot(struct parkpland *env, struct req *rq, json_t *args);

/* cmd_query.c: one statement, one JSON answer */
struct cmd_query;
/* With the statement's JSON in q->data: answer (take q->data or leave it). */
typedef void (*cmd_then_fn)(struct cmd_query *q);
struct cmd_query {
	struct parkpland *env;
	struct req *rq;
	json_t *data;
	char not_found[256];
	cmd_then_fn then;
	char parse_error[256];
};
/*
 * Run sql, whose one value is the answer as JSON; none: not_found.  The
 * answer is sent (or then() called) when it comes.
 */
void cmd_query(struct parkpland *env, struct req *rq, const char *sql, int n,
               const char *const *values, const char *not_found, cmd_then_fn then);
/* An optional id argument: 0 when absent, -1 when malformed. */
int64_t cmd_arg_id(json_t *args, const char *key);
/* The plan a command names, else the plan in force, else the latest plan. */
#define CMD_PLAN_OR_DEFAULT(param)                                                                 \
	"coalesce(" param "::bigint, (SELECT id FROM plan_in_force), "                             \
	"(SELECT max(id) FROM plan_run WHERE status = 'succeeded'))"

#endif
