/*
 * test_daemon_config.c - parkpland's configuration (daemon/config.c):
 * defaults, the INI file, command-line overrides, refusals that name the
 * line and the setting, where the DSN comes from, and http.listen: its
 * forms, and loopback only unless http.allow_remote.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sys/socket.h>

#include "check.h"
#include "parkpland.h"

static char dir[] = "/tmp/ppd-config.XXXXXX";

static const char *
write_file(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
	return path;
}

int
main(void)
{
	struct config c;
	char err[1024], *dsn;
	const char *path;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	unsetenv("PARKPLAN_DSN");
	unsetenv("CREDENTIALS_DIRECTORY");

	/* defaults */
	CHECK_INT_EQ(config_load(NULL, NULL, 0, &c, err, sizeof(err)), 0);
	CHECK(strcmp(c.socket_path, "/run/parkplan/parkpland.sock") == 0);
	CHECK_INT_EQ(c.socket_mode, 0660);
	CHECK_INT_EQ(c.max_clients, 64);
	CHECK_INT_EQ(c.max_request_bytes, 65536);
	CHECK_INT_EQ(c.schedule_daily_min, -1);
	CHECK(c.startup_run && !c.auto_approve);
	CHECK(c.notify_quiet_s == 5);
	CHECK(config_dsn(&c, err, sizeof(err)) == NULL);
	CHECK_STR_CONTAINS(err, "no database");
	config_free(&c);

	/* a file, then overrides on top */
	path =
	    write_file("a.conf", "; parkpland\n[daemon]\nsocket = /tmp/x.sock\nsocket_mode = 0600\n"
	                         "[planner]\nschedule_daily = 02:30\nauto_approve = yes\n"
	                         "[database]\ndsn = host=/tmp dbname=a\n");
	{
		char *o[] = {"planner.auto_approve=false", "daemon.max_clients=7"};

		CHECK_INT_EQ(config_load(path, o, 2, &c, err, sizeof(err)), 0);
	}
	CHECK(strcmp(c.socket_path, "/tmp/x.sock") == 0);
	CHECK_INT_EQ(c.socket_mode, 0600);
	CHECK_INT_EQ(c.schedule_daily_min, 150);
	CHECK(!c.auto_approve);
	CHECK_INT_EQ(c.max_clients, 7);
	dsn = config_dsn(&c, err, sizeof(err));
	CHECK(dsn != NULL && strcmp(dsn, "host=/tmp dbname=a") == 0);
	free(dsn);
	/* the config's dsn wins over the environment */
	setenv("PARKPLAN_DSN", "dbname=env", 1);
	dsn = config_dsn(&c, err, sizeof(err));
	CHECK(dsn != NULL && strcmp(dsn, "host=/tmp dbname=a") == 0);
	free(dsn);
	config_free(&c);

	/* refusals name the line and the setting */
	path = write_file("b.conf", "[daemon]\nmax_clients = 3\nmax_clients = lots\n");
	CHECK_INT_EQ(config_load(path, NULL, 0, &c, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, "line 3");
	CHECK_STR_CONTAINS(err, "daemon.max_clients");
	path = write_file("c.conf", "[planner]\nnot_a_setting = 1\n");
	CHECK_INT_EQ(config_load(path, NULL, 0, &c, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, "unknown setting [planner] not_a_setting");
	path = write_file("d.conf", "[planner]\nschedule_daily = 24:00\n");
	CHECK_INT_EQ(config_load(path, NULL, 0, &c, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, "time of day");
	path =
	    write_file("e.conf", "[planner]\nschedule_daily = 01:00\nschedule_interval_s = 60\n");
	CHECK_INT_EQ(config_load(path, NULL, 0, &c, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, "keep one");
	path = write_file("f.conf", "[daemon]\nsocket = relative.sock\n");
	CHECK_INT_EQ(config_load(path, NULL, 0, &c, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, "absolute path");
	CHECK_INT_EQ(config_load("/nonexistent/parkplan.conf", NULL, 0, &c, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, "cannot read");
	{
		char *o[] = {"database.dsn=host=/tmp password=secret"};

		CHECK_INT_EQ(config_load(NULL, o, 1, &c, err, sizeof(err)), -1);
		CHECK_STR_CONTAINS(err, "cannot be given on the command line");
	}
	{
		char *o[] = {"daemon.max_clients"};

		CHECK_INT_EQ(config_load(NULL, o, 1, &c, err, sizeof(err)), -1);
		CHECK_STR_CONTAINS(err, "expected section.key=value");
	}
	{
		char *o[] = {"daemon.socket_mode=0999"};

		CHECK_INT_EQ(config_load(NULL, o, 1, &c, err, sizeof(err)), -1);
		CHECK_STR_CONTAINS(err, "octal");
	}

	/* the DSN from a file: $CREDENTIALS_DIRECTORY/dsn, trailing newline dropped */
	write_file("dsn", "host=/run/pg dbname=park\n");
	path = write_file("g.conf", "[database]\ndsn_file = $CREDENTIALS_DIRECTORY/dsn\n");
	CHECK_INT_EQ(config_load(path, NULL, 0, &c, err, sizeof(err)), 0);
	CHECK(config_dsn(&c, err, sizeof(err)) == NULL);
	CHECK_STR_CONTAINS(err, "CREDENTIALS_DIRECTORY is not set");
	setenv("CREDENTIALS_DIRECTORY", dir, 1);
	dsn = config_dsn(&c, err, sizeof(err));
	CHECK(dsn != NULL && strcmp(dsn, "host=/run/pg dbname=park") == 0);
	free(dsn);
	config_free(&c);
	/* no dsn in the file: the environment, then the credential */
	CHECK_INT_EQ(config_load(NULL, NULL, 0, &c, err, sizeof(err)), 0);
	dsn = config_dsn(&c, err, sizeof(err));
	CHECK(dsn != NULL && strcmp(dsn, "dbname=env") == 0);
	free(dsn);
	unsetenv("PARKPLAN_DSN");
	dsn = config_dsn(&c, err, sizeof(err));
	CHECK(dsn != NULL && strcmp(dsn, "host=/run/pg dbname=park") == 0);
	free(dsn);
	config_free(&c);
	path = write_file("h.conf", "[database]\ndsn = a\ndsn_file = /x\n");
	CHECK_INT_EQ(config_load(path, NULL, 0, &c, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, "both set");

	/* http.listen: its forms; loopback (or a Unix socket) unless allow_remote */
	{
		static const struct {
			const char *text;
			int family, port;
			bool loopback;
		} good[] = {
		    {"127.0.0.1:8080", AF_INET, 8080, true},
		    {"127.8.9.10:1", AF_INET, 1, true},
		    {"[::1]:8080", AF_INET6, 8080, true},
		    {"[::ffff:127.0.0.1]:80", AF_INET6, 80, true},
		    {"unix:/run/parkplan/http.sock", AF_UNIX, 0, true},
		    {"0.0.0.0:8080", AF_INET, 8080, false},
		    {"192.168.1.5:65535", AF_INET, 65535, false},
		    {"[::]:8080", AF_INET6, 8080, false},
		    {"[fe80::1]:8080", AF_INET6, 8080, false},
		};
		static const char *const bad[] = {
		    "localhost:8080", "127.0.0.1", "127.0.0.1:0",  "127.0.0.1:65536",
		    "127.0.0.1:80x",  "::1:8080",  "[::1]8080",    "[127.0.0.1]:80",
		    "unix:relative",  ":8080",     "127.0.0.1:-1", "127.0.0.1:+80",
		};
		struct http_listen hl;
		size_t i;

		for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
			CHECK_INT_EQ(config_http_listen(good[i].text, &hl, err, sizeof(err)), 0);
			CHECK_INT_EQ(hl.family, good[i].family);
			CHECK_INT_EQ(hl.port, good[i].port);
			CHECK_INT_EQ(hl.loopback, good[i].loopback);
		}
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			if (config_http_listen(bad[i], &hl, err, sizeof(err)) == 0) {
				fprintf(stderr, "accepted: %s\n", bad[i]);
				CHECK(0);
			}
		CHECK_INT_EQ(config_load(NULL, NULL, 0, &c, err, sizeof(err)), 0);
		CHECK(c.http_listen[0] == '\0' && !c.http_allow_remote);
		CHECK_INT_EQ(c.http_max_connections, 32);
		config_free(&c);
		path = write_file("i.conf", "[http]\nlisten = 0.0.0.0:8080\n");
		CHECK_INT_EQ(config_load(path, NULL, 0, &c, err, sizeof(err)), -1);
		CHECK_STR_CONTAINS(err, "not a loopback address");
		path = write_file("j.conf", "[http]\nlisten = 0.0.0.0:8080\nallow_remote = true\n");
		CHECK_INT_EQ(config_load(path, NULL, 0, &c, err, sizeof(err)), 0);
		config_free(&c);
		path = write_file("k.conf", "[http]\nlisten = [::1]:8080\n");
		CHECK_INT_EQ(config_load(path, NULL, 0, &c, err, sizeof(err)), 0);
		config_free(&c);
		path = write_file("l.conf", "[http]\nlisten = localhost:8080\n");
		CHECK_INT_EQ(config_load(path, NULL, 0, &c, err, sizeof(err)), -1);
		CHECK_STR_CONTAINS(err, "numeric");
	}

	/* the daily schedule: the next occurrence, never now */
	{
		struct tm t = {0};

		t.tm_hour = 1;
		t.tm_min = 0;
		t.tm_sec = 0;
		CHECK(config_daily_delay(150, &t) == 90 * 60);
		t.tm_hour = 2;
		t.tm_min = 30;
		CHECK(config_daily_delay(150, &t) == 86400);
		t.tm_sec = 10;
		CHECK(config_daily_delay(150, &t) == 86400 - 10);
		t.tm_hour = 23;
		t.tm_min = 59;
		t.tm_sec = 0;
		CHECK(config_daily_delay(0, &t) == 60);
	}

	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", dir);
	}
	return check_done("test_daemon_config");
}
