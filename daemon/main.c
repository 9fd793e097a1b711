/*
 * main.c - parkpland's entry point: read the configuration, make the
 * parts (struct parkpland) and wire what each reports to the parts that
 * act on it, set up the loop (signals as events, the systemd watchdog as a
 * timer), open the control socket, connect to PostgreSQL, run.
 *
 *	parkpland [-c FILE] [-o section.key=value]... [-t] [-V] [-h]
 *
 * Who tells whom:
 *	db_conn  --state-->  leader  --role-->  triggers, run
 *	db_conn  --NOTIFY--> triggers --request--> run
 *	ctlsock  --request--> cmd*.c --> run, leader, triggers, store, ...
 *	http     --route-->   http_api.c --request--> cmd*.c (the reading ones)
 *	run, ctlsock, http  --count--> metrics
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "parkpland.h"
#include "sdnotify.h"

#define DEFAULT_CONFIG "/etc/parkplan/parkplan.conf"
#define SHUTDOWN_GRACE_S 5

/* What main.c keeps besides the parts. */
static struct {
	const char *config_path;
	char **overrides;
	size_t n_overrides;
	struct event *shutdown_timer;
	struct event *signals[3];
	bool shutting_down;
	bool ctl_drained, http_drained; /* after the shutdown began */
	bool run_stopped;               /* the run in progress is marked as interrupted */
	bool standby;                   /* the leader's last word */
} daemon_state;

static void
apply_log_level(const struct config *c)
{
	enum log_level level = LOG_LEVEL_INFO;

	(void)log_level_parse(c->log_level, &level);
	log_set_level(level);
}

static int
daemon_reload(struct parkpland *env, char *err, size_t errlen)
{
	struct config *fresh = calloc(1, sizeof(*fresh));
	const char *path = daemon_state.config_path;

	if (fresh == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	sd_notify(0, "RELOADING=1");
	if (config_load(path, daemon_state.overrides, daemon_state.n_overrides, fresh, err,
	                errlen) != 0) {
		free(fresh);
		log_err("reload: keeping the old configuration: %s", err);
		sd_notify(0, "READY=1");
		return -1;
	}
	config_warn_restart(env->conf, fresh);
	config_free(env->conf);
	free(env->conf);
	env->conf = fresh;
	apply_log_level(env->conf);
	triggers_config_changed(env->triggers);
	http_config_changed(env->http);
	log_notice("configuration reloaded%s%s", path ? " from " : "", path ? path : "");
	sd_notify(0, "READY=1");
	return 0;
}

/* --- what the parts report ------------------------------------------------ */

static void
on_db_notify(void *arg, const char *channel, const char *payload)
{
	struct parkpland *env = arg;

	log_debug("NOTIFY %s (%s)", channel, payload != NULL ? payload : "");
	if (strcmp(channel, "parkplan_data") == 0)
		triggers_data_changed(env->triggers);
}

static void
on_db_state(void *arg, bool up)
{
	struct parkpland *env = arg;

	/* the planner lock first; the planner follows when it is ours */
	leader_db_state(env->leader, up);
}

static void
on_role(void *arg, enum leader_role role, const char *text)
{
	struct parkpland *env = arg;
	bool was_standby = daemon_state.standby;

	daemon_state.standby = role == LEADER_STANDBY;
	if (role == LEADER_STANDBY && !was_standby)
		triggers_standby(env->triggers);
	/* the start-up clean-up is queued before a run the planner takes up */
	if (role == LEADER_ACTIVE)
		triggers_active(env->triggers);
	run_role(env->run, role, text);
}

static void
on_standby_plan(void *arg, int64_t id)
{
	struct parkpland *env = arg;

	if (id != run_plan_in_force(env->run))
		run_set_plan_in_force(env->run, id);
}

static void
on_trigger(void *arg, enum run_trigger trigger)
{
	struct parkpland *env = arg;

	run_request(env->run, trigger, NULL, NULL);
}

static bool
on_trigger_idle(void *arg)
{
	struct parkpland *env = arg;

	return run_idle(env->run);
}

static int64_t
on_trigger_current(void *arg)
{
	struct parkpland *env = arg;

	return run_current(env->run);
}

static void
on_trigger_plan(void *arg, int64_t id)
{
	struct parkpland *env = arg;

	run_set_plan_in_force(env->run, id);
}

/* --- signals and timers --------------------------------------------------- */

static void
shutdown_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct parkpland *env = arg;

	(void)fd;
	(void)what;
	event_base_loopbreak(env->base);
}

/* After the shutdown began: stop the loop once all three are done. */
static void
stop_when_done(struct parkpland *env)
{
	if (daemon_state.ctl_drained && daemon_state.http_drained && daemon_state.run_stopped)
		event_base_loopbreak(env->base);
}

/* The last control client is gone after the shutdown began. */
static void
clients_gone(void *arg)
{
	daemon_state.ctl_drained = true;
	stop_when_done(arg);
}

/* The last HTTP request is answered after the shutdown began. */
static void
http_gone(void *arg)
{
	daemon_state.http_drained = true;
	stop_when_done(arg);
}

/* The run in progress is marked failed in its row (or there was none to mark). */
static void
on_run_stopped(void *arg)
{
	daemon_state.run_stopped = true;
	stop_when_done(arg);
}

static void
begin_shutdown(struct parkpland *env, const char *signame)
{
	struct timeval grace = {SHUTDOWN_GRACE_S, 0};

	if (daemon_state.shutting_down)
		return;
	daemon_state.shutting_down = true;
	log_notice("%s: shutting down", signame);
	sd_notify(0, "STOPPING=1");
	ctlsock_stop(env->ctl);
	triggers_shutdown(env->triggers);
	run_shutdown(env->run, on_run_stopped, env);
	/* let the last answers go out, then stop (at the latest after the grace) */
	daemon_state.shutdown_timer = evtimer_new(env->base, shutdown_timeout_cb, env);
	evtimer_add(daemon_state.shutdown_timer, &grace);
	daemon_state.http_drained = env->http == NULL;
	if (env->http != NULL)
		http_close_all(env->http, http_gone, env);
	ctlsock_close_all(env->ctl, "parkpland is shutting down", clients_gone, env);
}

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct parkpland *env = arg;
	char err[1024];

	(void)what;
	switch (sig) {
	case SIGTERM:
		begin_shutdown(env, "SIGTERM");
		break;
	case SIGINT:
		begin_shutdown(env, "SIGINT");
		break;
	case SIGHUP:
		log_notice("SIGHUP: reloading the configuration");
		(void)daemon_reload(env, err, sizeof(err));
		break;
	default:
		break;
	}
}

static void
watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	sd_notify(0, "WATCHDOG=1");
}

/* --- start ---------------------------------------------------------------- */

static void
usage(FILE *f)
{
	fprintf(f, "usage: parkpland [-c FILE] [-o section.key=value]... [-t] [-V] [-h]\n"
	           "\n"
	           "  -c, --config FILE   configuration file (default " DEFAULT_CONFIG "\n"
	           "                      when it exists)\n"
	           "  -o, --option S.K=V  override one setting, e.g.\n"
	           "                      -o daemon.socket=/run/parkplan/ctl.sock (the DSN is\n"
	           "                      never taken from the command line: use dsn or dsn_file\n"
	           "                      in the configuration, PARKPLAN_DSN, or a systemd\n"
	           "                      credential 'dsn')\n"
	           "  -t, --test          check the configuration and exit\n"
	           "  -V, --version       print the version and exit\n"
	           "  -h, --help          this help\n");
}

/* The command line; returns -1 to go on, else the exit status. */
static int
parse_args(int argc, char **argv, bool *test_only)
{
	static const struct option long_options[] = {
	    {"config", required_argument, NULL, 'c'}, {"option", required_argument, NULL, 'o'},
	    {"test", no_argument, NULL, 't'},         {"version", no_argument, NULL, 'V'},
	    {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "c:o:tVh", long_options, NULL)) != -1) {
		switch (ch) {
		case 'c':
			daemon_state.config_path = optarg;
			break;
		case 'o': {
			char **v = realloc(daemon_state.overrides,
			                   (daemon_state.n_overrides + 1) * sizeof(*v));

			if (v == NULL)
				fatalx("out of memory");
			daemon_state.overrides = v;
			daemon_state.overrides[daemon_state.n_overrides++] = optarg;
			break;
		}
		case 't':
			*test_only = true;
			break;
		case 'V':
			printf("parkpland %s\n", PARKPLAN_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	return -1;
}

/* The parts, each handed the env and the callbacks of what it reports. */
static void
make_parts(struct parkpland *env, const char *dsn)
{
	static const int signals[] = {SIGTERM, SIGINT, SIGHUP};
	struct leader_hooks lh = {on_role, on_standby_plan, env};
	struct trigger_hooks th = {on_trigger, on_trigger_idle, on_trigger_current, on_trigger_plan,
	                           env};
	char err[1024], app[64];
	size_t i;

	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
		struct event *ev = evsignal_new(env->base, signals[i], signal_cb, env);

		if (ev == NULL || evsignal_add(ev, NULL) != 0)
			fatalx("cannot watch signals");
		daemon_state.signals[i] = ev;
	}
	env->metrics = metrics_new();
	if (env->metrics == NULL)
		fatalx("out of memory");
	/* SIGCHLD: the worker children are reaped as they exit */
	env->jobs = jobs_new(env->base);
	if (env->jobs == NULL)
		fatalx("cannot watch SIGCHLD");
	env->ctl = ctlsock_new(env, cmd_dispatch, env);
	if (env->ctl == NULL)
		fatalx("out of memory");
	if (ctlsock_listen(env->ctl, err, sizeof(err)) != 0)
		fatalx("control socket: %s", err);
	/* HTTP: read-only, answered by the same commands (http_api.c) */
	if (env->conf->http_listen[0] != '\0') {
		env->http = http_new(env, http_route, env, err, sizeof(err));
		if (env->http == NULL)
			fatalx("http: %s", err);
	}
	leader_application_name(app, sizeof(app));
	env->db = db_new(env->base, dsn, app, env->conf->reconnect_min_s,
	                 env->conf->reconnect_max_s, on_db_notify, on_db_state, env);
	env->run = run_new(env);
	env->triggers = triggers_new(env, &th);
	env->leader = leader_new(env, &lh);
	if (env->db == NULL || env->run == NULL || env->triggers == NULL || env->leader == NULL)
		fatalx("out of memory");
}

static void
watchdog_start(struct parkpland *env, struct event **watchdog)
{
	uint64_t wd_usec = 0;
	struct timeval tv;
	uint64_t half;

	*watchdog = NULL;
	if (sd_watchdog_enabled(0, &wd_usec) <= 0 || wd_usec == 0)
		return;
	half = wd_usec / 2;
	tv.tv_sec = (time_t)(half / 1000000);
	tv.tv_usec = (suseconds_t)(half % 1000000);
	*watchdog = event_new(env->base, -1, EV_PERSIST, watchdog_cb, NULL);
	event_add(*watchdog, &tv);
	log_info("systemd watchdog: every %.3f s", (double)half / 1e6);
}

int
main(int argc, char **argv)
{
	struct parkpland env = {.reload = daemon_reload};
	struct event *watchdog;
	char err[1024], *dsn;
	bool test_only = false;
	int rc;

	rc = parse_args(argc, argv, &test_only);
	if (rc >= 0)
		return rc;
	/*
	 * Before the DSN is read: no core dump, no ptrace by the same user,
	 * /proc/PID/mem and environ root's alone (the password stays in).
	 */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		fatal("prctl(PR_SET_DUMPABLE)");
	if (daemon_state.config_path == NULL && access(DEFAULT_CONFIG, R_OK) == 0)
		daemon_state.config_path = DEFAULT_CONFIG;

	env.conf = calloc(1, sizeof(*env.conf));
	if (env.conf == NULL)
		fatalx("out of memory");
	if (config_load(daemon_state.config_path, daemon_state.overrides, daemon_state.n_overrides,
	                env.conf, err, sizeof(err)) != 0)
		fatalx("configuration: %s", err);
	apply_log_level(env.conf);
	dsn = config_dsn(env.conf, err, sizeof(err));
	if (dsn == NULL)
		fatalx("configuration: %s", err);
	if (test_only) {
		printf("parkpland: configuration ok\n");
		explicit_bzero(dsn, strlen(dsn));
		free(dsn);
		config_free(env.conf);
		free(env.conf);
		free(daemon_state.overrides);
		return 0;
	}

	signal(SIGPIPE, SIG_IGN);
	env.base = event_base_new();
	if (env.base == NULL)
		fatalx("cannot create the event loop");
	make_parts(&env, dsn);
	/* the connection keeps its own copy (wiped when it goes) */
	explicit_bzero(dsn, strlen(dsn));
	free(dsn);
	db_start(env.db);
	watchdog_start(&env, &watchdog);

	log_notice("parkpland %s started (pid %d)", PARKPLAN_VERSION, (int)getpid());
	sd_notify(0, "READY=1");
	event_base_dispatch(env.base);

	run_free(env.run);
	triggers_free(env.triggers);
	leader_free(env.leader);
	/* before the jobs: a render still running is cancelled with its request */
	http_free(env.http);
	ctlsock_free(env.ctl);
	jobs_free(env.jobs);
	metrics_free(env.metrics);
	/* the batches still queued go with the connection, unanswered */
	db_free(env.db);
	if (watchdog != NULL)
		event_free(watchdog);
	if (daemon_state.shutdown_timer != NULL)
		event_free(daemon_state.shutdown_timer);
	for (size_t i = 0; i < 3; i++)
		event_free(daemon_state.signals[i]);
	config_free(env.conf);
	free(env.conf);
	free(daemon_state.overrides);
	log_notice("parkpland stopped");
	event_base_free(env.base);
	return 0;
}
