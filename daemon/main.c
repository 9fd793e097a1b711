/*
 * main.c - parkpland's entry point: read the configuration, set up the
 * loop (signals as events, the systemd watchdog as a timer), open the
 * control socket, connect to PostgreSQL, run.
 *
 *	parkpland [-c FILE] [-o section.key=value]... [-t] [-V] [-h]
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "parkpland.h"
#include "sdnotify.h"

#define DEFAULT_CONFIG "/etc/parkplan/parkplan.conf"
#define SHUTDOWN_GRACE_S 5

struct event_base *base;
struct config *conf;
struct db *database;
struct jobs *jobs;

static const char *config_path;
static char **overrides;
static size_t n_overrides;
static struct event *shutdown_timer;
static bool shutting_down;
static char last_status[256];

double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
daemon_status(const char *fmt, ...)
{
	char text[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (strcmp(text, last_status) == 0)
		return;
	snprintf(last_status, sizeof(last_status), "%s", text);
	sd_notifyf(0, "STATUS=%s", text);
	log_debug("status: %s", text);
}

static void
apply_log_level(const struct config *c)
{
	enum log_level level = LOG_LEVEL_INFO;

	(void)log_level_parse(c->log_level, &level);
	log_set_level(level);
}

int
daemon_reload(char *err, size_t errlen)
{
	struct config *fresh = calloc(1, sizeof(*fresh));

	if (fresh == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	sd_notify(0, "RELOADING=1");
	if (config_load(config_path, overrides, n_overrides, fresh, err, errlen) != 0) {
		free(fresh);
		log_err("reload: keeping the old configuration: %s", err);
		sd_notify(0, "READY=1");
		return -1;
	}
	config_warn_restart(conf, fresh);
	config_free(conf);
	free(conf);
	conf = fresh;
	apply_log_level(conf);
	run_config_changed();
	log_notice("configuration reloaded%s%s", config_path ? " from " : "",
	           config_path ? config_path : "");
	sd_notify(0, "READY=1");
	return 0;
}

/* --- signals and timers --------------------------------------------------- */

static void
shutdown_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	event_base_loopbreak(base);
}

/* The last client is gone after the shutdown began: stop. */
static void
clients_gone(void)
{
	event_base_loopbreak(base);
}

static void
begin_shutdown(const char *signame)
{
	struct timeval grace = {SHUTDOWN_GRACE_S, 0};

	if (shutting_down)
		return;
	shutting_down = true;
	log_notice("%s: shutting down", signame);
	sd_notify(0, "STOPPING=1");
	ctlsock_stop();
	run_shutdown();
	/* let the last answers go out, then stop (at the latest after the grace) */
	shutdown_timer = evtimer_new(base, shutdown_timeout_cb, NULL);
	evtimer_add(shutdown_timer, &grace);
	ctlsock_close_all("parkpland is shutting down", clients_gone);
}

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	char err[1024];

	(void)what;
	(void)arg;
	switch (sig) {
	case SIGTERM:
		begin_shutdown("SIGTERM");
		break;
	case SIGINT:
		begin_shutdown("SIGINT");
		break;
	case SIGHUP:
		log_notice("SIGHUP: reloading the configuration");
		(void)daemon_reload(err, sizeof(err));
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

static void
db_notify_cb(void *arg, const char *channel, const char *payload)
{
	(void)arg;
	log_debug("NOTIFY %s (%s)", channel, payload != NULL ? payload : "");
	if (strcmp(channel, "parkplan_data") == 0)
		run_data_changed();
}

static void
db_state_cb(void *arg, bool up)
{
	(void)arg;
	/* the planner lock first; run_db_state() follows when it is ours */
	leader_db_state(up);
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

int
main(int argc, char **argv)
{
	struct event *sig_term, *sig_int, *sig_hup, *watchdog = NULL;
	char err[1024], *dsn;
	uint64_t wd_usec = 0;
	bool test_only = false;
	int ch;

	static const struct option long_options[] = {
	    {"config", required_argument, NULL, 'c'}, {"option", required_argument, NULL, 'o'},
	    {"test", no_argument, NULL, 't'},         {"version", no_argument, NULL, 'V'},
	    {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
	};

	while ((ch = getopt_long(argc, argv, "c:o:tVh", long_options, NULL)) != -1) {
		switch (ch) {
		case 'c':
			config_path = optarg;
			break;
		case 'o': {
			char **v = realloc(overrides, (n_overrides + 1) * sizeof(*v));

			if (v == NULL)
				fatalx("out of memory");
			overrides = v;
			overrides[n_overrides++] = optarg;
			break;
		}
		case 't':
			test_only = true;
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
	if (config_path == NULL && access(DEFAULT_CONFIG, R_OK) == 0)
		config_path = DEFAULT_CONFIG;

	conf = calloc(1, sizeof(*conf));
	if (conf == NULL)
		fatalx("out of memory");
	if (config_load(config_path, overrides, n_overrides, conf, err, sizeof(err)) != 0)
		fatalx("configuration: %s", err);
	apply_log_level(conf);
	dsn = config_dsn(conf, err, sizeof(err));
	if (dsn == NULL)
		fatalx("configuration: %s", err);
	if (test_only) {
		printf("parkpland: configuration ok\n");
		free(dsn);
		config_free(conf);
		free(conf);
		free(overrides);
		return 0;
	}

	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	if (base == NULL)
		fatalx("cannot create the event loop");
	sig_term = evsignal_new(base, SIGTERM, signal_cb, NULL);
	sig_int = evsignal_new(base, SIGINT, signal_cb, NULL);
	sig_hup = evsignal_new(base, SIGHUP, signal_cb, NULL);
	if (sig_term == NULL || sig_int == NULL || sig_hup == NULL ||
	    evsignal_add(sig_term, NULL) != 0 || evsignal_add(sig_int, NULL) != 0 ||
	    evsignal_add(sig_hup, NULL) != 0)
		fatalx("cannot watch signals");

	/* SIGCHLD: the worker children are reaped as they exit */
	jobs = jobs_new(base);
	if (jobs == NULL)
		fatalx("cannot watch SIGCHLD");

	if (ctlsock_open(err, sizeof(err)) != 0)
		fatalx("control socket: %s", err);

	database = db_new(dsn, conf->reconnect_min_s, conf->reconnect_max_s, db_notify_cb,
	                  db_state_cb, NULL);
	memset(dsn, 0, strlen(dsn));
	free(dsn);
	if (database == NULL)
		fatalx("out of memory");
	run_init(database);
	leader_init(database);
	db_start(database);

	if (sd_watchdog_enabled(0, &wd_usec) > 0 && wd_usec > 0) {
		struct timeval tv;
		uint64_t half = wd_usec / 2;

		tv.tv_sec = (time_t)(half / 1000000);
		tv.tv_usec = (suseconds_t)(half % 1000000);
		watchdog = event_new(base, -1, EV_PERSIST, watchdog_cb, NULL);
		event_add(watchdog, &tv);
		log_info("systemd watchdog: every %.3f s", (double)half / 1e6);
	}

	log_notice("parkpland %s started (pid %d)", PARKPLAN_VERSION, (int)getpid());
	sd_notify(0, "READY=1");
	event_base_dispatch(base);

	db_free(database);
	database = NULL;
	leader_free();
	if (watchdog != NULL)
		event_free(watchdog);
	if (shutdown_timer != NULL)
		event_free(shutdown_timer);
	jobs_free(jobs);
	jobs = NULL;
	event_free(sig_term);
	event_free(sig_int);
	event_free(sig_hup);
	config_free(conf);
	free(conf);
	free(overrides);
	log_notice("parkpland stopped");
	event_base_free(base);
	return 0;
}
