/*
 * config.c - parkpland's settings: an INI file (inih) plus command-line
 * overrides, described by one table of typed entries with their defaults.
 *
 * A reload parses into a new struct; the caller keeps the old one when the
 * new file is bad.  Entries marked restart take effect at the next start.
 * The DSN is never taken from the command line (it would show in ps), and
 * every string a setting held is wiped before it is freed (database.dsn
 * may hold a password).
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include <ini.h>

#include "parkpland.h"

enum conf_type { CONF_STRING, CONF_INT, CONF_DOUBLE, CONF_BOOL, CONF_MODE, CONF_DAILY, CONF_LEVEL };

#define CONF_RESTART 0x1    /* not reloadable */
#define CONF_NO_CMDLINE 0x2 /* never from the command line */

struct conf_entry {
	const char *section;
	const char *key;
	enum conf_type type;
	size_t offset;
	const char *def;
	double min, max;
	unsigned flags;
};

#define OFF(field) offsetof(struct config, field)

static const struct conf_entry conf_table[] = {
    {"daemon", "socket", CONF_STRING, OFF(socket_path), PROTOCOL_DEFAULT_SOCKET, 0, 0,
     CONF_RESTART},
    {"daemon", "socket_mode", CONF_MODE, OFF(socket_mode), "0660", 0, 0777, CONF_RESTART},
    {"daemon", "socket_group", CONF_STRING, OFF(socket_group), "", 0, 0, 0},
    {"daemon", "admin_group", CONF_STRING, OFF(admin_group), "", 0, 0, 0},
    {"daemon", "max_clients", CONF_INT, OFF(max_clients), "64", 1, 10000, 0},
    {"daemon", "max_clients_per_uid", CONF_INT, OFF(max_clients_per_uid), "16", 1, 10000, 0},
    {"daemon", "reserved_clients", CONF_INT, OFF(reserved_clients), "3", 0, 1000, 0},
    {"daemon", "max_request_bytes", CONF_INT, OFF(max_request_bytes), "65536", 256,
     16 * 1024 * 1024, 0},
    {"daemon", "idle_timeout_s", CONF_DOUBLE, OFF(idle_timeout_s), "60", 0.1, 86400, 0},
    {"daemon", "request_timeout_s", CONF_DOUBLE, OFF(request_timeout_s), "10", 0.1, 3600, 0},
    {"daemon", "output_soft_bytes", CONF_INT, OFF(output_soft_bytes), "1048576", 4096,
     1024 * 1024 * 1024, 0},
    {"daemon", "output_hard_bytes", CONF_INT, OFF(output_hard_bytes), "268435456", 4096,
     1024 * 1024 * 1024, 0},
    {"daemon", "log_level", CONF_LEVEL, OFF(log_level), "info", 0, 0, 0},
    {"database", "dsn", CONF_STRING, OFF(dsn), "", 0, 0, CONF_RESTART | CONF_NO_CMDLINE},
    {"database", "dsn_file", CONF_STRING, OFF(dsn_file), "", 0, 0, CONF_RESTART},
    {"database", "reconnect_min_s", CONF_DOUBLE, OFF(reconnect_min_s), "0.5", 0.01, 3600, 0},
    {"database", "reconnect_max_s", CONF_DOUBLE, OFF(reconnect_max_s), "30", 0.01, 86400, 0},
    {"planner", "notify_quiet_s", CONF_DOUBLE, OFF(notify_quiet_s), "5", 0, 86400, 0},
    {"planner", "notify_max_delay_s", CONF_DOUBLE, OFF(notify_max_delay_s), "300", 0, 864000, 0},
    {"planner", "schedule_interval_s", CONF_DOUBLE, OFF(schedule_interval_s), "0", 0, 86400 * 366.0,
     0},
    {"planner", "schedule_daily", CONF_DAILY, OFF(schedule_daily_min), "", 0, 0, 0},
    {"planner", "startup_run", CONF_BOOL, OFF(startup_run), "true", 0, 0, 0},
    {"planner", "auto_approve", CONF_BOOL, OFF(auto_approve), "false", 0, 0, 0},
    {"planner", "solver_memory_mib", CONF_INT, OFF(solver_memory_mib), "1024", 0, 1024 * 1024, 0},
    {"planner", "solver_wall_s", CONF_DOUBLE, OFF(solver_wall_s), "0", 0, 86400, 0},
    {"planner", "leader_retry_s", CONF_DOUBLE, OFF(leader_retry_s), "5", 0.1, 3600, 0},
    {"http", "listen", CONF_STRING, OFF(http_listen), "", 0, 0, CONF_RESTART},
    {"http", "allow_remote", CONF_BOOL, OFF(http_allow_remote), "false", 0, 0, CONF_RESTART},
    {"http", "max_connections", CONF_INT, OFF(http_max_connections), "32", 1, 10000, 0},
    {"http", "max_header_bytes", CONF_INT, OFF(http_max_header_bytes), "8192", 1024, 1048576, 0},
    {"http", "max_uri_bytes", CONF_INT, OFF(http_max_uri_bytes), "2048", 64, 65536, 0},
    {"http", "timeout_s", CONF_DOUBLE, OFF(http_timeout_s), "60", 0.5, 3600, 0},
    {"http", "max_renders", CONF_INT, OFF(http_max_renders), "2", 1, 64, 0},
};

#define CONF_COUNT (sizeof(conf_table) / sizeof(conf_table[0]))

static const struct conf_entry *
conf_find(const char *section, const char *key)
{
	size_t i;

	for (i = 0; i < CONF_COUNT; i++)
		if (strcmp(conf_table[i].section, section) == 0 &&
		    strcmp(conf_table[i].key, key) == 0)
			return &conf_table[i];
	return NULL;
}

static int
conf_set(struct config *c, const struct conf_entry *e, const char *value, char *err, size_t errlen)
{
	char *p = (char *)c + e->offset, *end;
	long l;
	double d;
	unsigned h, m;
	char extra;
	enum log_level level;

	switch (e->type) {
	case CONF_LEVEL:
		if (log_level_parse(value, &level) != 0) {
			snprintf(err, errlen,
			         "%s.%s: '%s' is not error, warning, notice, info or debug",
			         e->section, e->key, value);
			return -1;
		}
		/* FALLTHROUGH */
	case CONF_STRING: {
		char *copy = strdup(value);

		if (copy == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		wipe_free(*(char **)p);
		*(char **)p = copy;
		return 0;
	}
	case CONF_INT:
	case CONF_MODE:
		errno = 0;
		l = strtol(value, &end, e->type == CONF_MODE ? 8 : 10);
		if (errno != 0 || end == value || *end != '\0' || l < e->min || l > e->max) {
			snprintf(err, errlen, "%s.%s: '%s' is not %s in [%g, %g]", e->section,
			         e->key, value,
			         e->type == CONF_MODE ? "an octal mode" : "an integer", e->min,
			         e->max);
			return -1;
		}
		*(int *)p = (int)l;
		return 0;
	case CONF_DOUBLE:
		errno = 0;
		d = strtod(value, &end);
		if (errno != 0 || end == value || *end != '\0' || !isfinite(d) || d < e->min ||
		    d > e->max) {
			snprintf(err, errlen, "%s.%s: '%s' is not a number in [%g, %g]", e->section,
			         e->key, value, e->min, e->max);
			return -1;
		}
		*(double *)p = d;
		return 0;
	case CONF_BOOL:
		if (strcmp(value, "true") == 0 || strcmp(value, "yes") == 0 ||
		    strcmp(value, "on") == 0 || strcmp(value, "1") == 0) {
			*(bool *)p = true;
		} else if (strcmp(value, "false") == 0 || strcmp(value, "no") == 0 ||
		           strcmp(value, "off") == 0 || strcmp(value, "0") == 0) {
			*(bool *)p = false;
		} else {
			snprintf(err, errlen, "%s.%s: '%s' is not true or false", e->section,
			         e->key, value);
			return -1;
		}
		return 0;
	case CONF_DAILY:
		if (*value == '\0') {
			*(int *)p = -1;
			return 0;
		}
		if (sscanf(value, "%2u:%2u%c", &h, &m, &extra) != 2 || h > 23 || m > 59) {
			snprintf(err, errlen, "%s.%s: '%s' is not a time of day HH:MM", e->section,
			         e->key, value);
			return -1;
		}
		*(int *)p = (int)(h * 60 + m);
		return 0;
	}
	return -1;
}

struct conf_parse {
	struct config *c;
	char *err;
	size_t errlen;
	int failed;
};

static int
conf_ini_handler(void *user, const char *section, const char *name, const char *value)
{
	struct conf_parse *cp = user;
	const struct conf_entry *e;
	char why[512];

	if (cp->failed)
		return 0;
	e = conf_find(section, name);
	if (e == NULL) {
		snprintf(cp->err, cp->errlen, "unknown setting [%s] %s", section, name);
		cp->failed = 1;
		return 0;
	}
	if (conf_set(cp->c, e, value, why, sizeof(why)) != 0) {
		snprintf(cp->err, cp->errlen, "%s", why);
		cp->failed = 1;
		return 0;
	}
	return 1;
}

static int
conf_check(const struct config *c, char *err, size_t errlen)
{
	if (c->socket_path[0] != '/' || strlen(c->socket_path) >= 108) {
		snprintf(err, errlen,
		         "daemon.socket: '%s' must be an absolute path shorter than 108 bytes",
		         c->socket_path);
		return -1;
	}
	if (c->output_soft_bytes > c->output_hard_bytes) {
		snprintf(err, errlen, "daemon.output_soft_bytes is above daemon.output_hard_bytes");
		return -1;
	}
	if (c->reconnect_min_s > c->reconnect_max_s) {
		snprintf(err, errlen, "database.reconnect_min_s is above database.reconnect_max_s");
		return -1;
	}
	if (c->dsn[0] != '\0' && c->dsn_file[0] != '\0') {
		snprintf(err, errlen, "database.dsn and database.dsn_file are both set: keep one");
		return -1;
	}
	if (c->http_listen[0] != '\0') {
		struct http_listen hl;
		char why[256];

		if (config_http_listen(c->http_listen, &hl, why, sizeof(why)) != 0) {
			snprintf(err, errlen, "http.listen: %s", why);
			return -1;
		}
		if (!hl.loopback && !c->http_allow_remote) {
			snprintf(err, errlen,
			         "http.listen: '%s' is not a loopback address: serve HTTP only "
			         "behind the reverse proxy (set http.allow_remote = true for that)",
			         c->http_listen);
			return -1;
		}
	}
	if (c->http_max_uri_bytes > c->http_max_header_bytes) {
		snprintf(err, errlen, "http.max_uri_bytes is above http.max_header_bytes");
		return -1;
	}
	if (c->schedule_interval_s > 0 && c->schedule_daily_min >= 0) {
		snprintf(err, errlen,
		         "planner.schedule_interval_s and planner.schedule_daily are both set: "
		         "keep one");
		return -1;
	}
	return 0;
}

int
config_load(const char *path, char *const *overrides, size_t n_overrides, struct config *out,
            char *err, size_t errlen)
{
	struct conf_parse cp = {out, err, errlen, 0};
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < CONF_COUNT; i++) {
		if (conf_set(out, &conf_table[i], conf_table[i].def, err, errlen) != 0)
			goto fail;
	}
	if (path != NULL) {
		rc = ini_parse(path, conf_ini_handler, &cp);
		if (rc < 0) {
			snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
			goto fail;
		}
		if (cp.failed) {
			char why[512];

			snprintf(why, sizeof(why), "%s", err);
			snprintf(err, errlen, "%s: line %d: %s", path, rc, why);
			goto fail;
		}
		if (rc > 0) {
			snprintf(err, errlen, "%s: line %d: not understood", path, rc);
			goto fail;
		}
	}
	for (i = 0; i < n_overrides; i++) {
		char section[64], *dot, *eq;
		const struct conf_entry *e;
		const char *o = overrides[i];

		dot = strchr(o, '.');
		eq = strchr(o, '=');
		if (dot == NULL || eq == NULL || dot > eq || (size_t)(dot - o) >= sizeof(section)) {
			snprintf(err, errlen, "-o %s: expected section.key=value", o);
			goto fail;
		}
		memcpy(section, o, (size_t)(dot - o));
		section[dot - o] = '\0';
		{
			char key[64];
			size_t klen = (size_t)(eq - dot - 1);

			if (klen >= sizeof(key)) {
				snprintf(err, errlen, "-o %s: unknown setting", o);
				goto fail;
			}
			memcpy(key, dot + 1, klen);
			key[klen] = '\0';
			e = conf_find(section, key);
		}
		if (e == NULL) {
			snprintf(err, errlen, "-o %s: unknown setting", o);
			goto fail;
		}
		if (e->flags & CONF_NO_CMDLINE) {
			snprintf(
			    err, errlen,
			    "%s.%s cannot be given on the command line (it would show in the "
			    "process list): use the configuration file, PARKPLAN_DSN or dsn_file",
			    e->section, e->key);
			goto fail;
		}
		if (conf_set(out, e, eq + 1, err, errlen) != 0)
			goto fail;
	}
	if (conf_check(out, err, errlen) != 0)
		goto fail;
	return 0;
fail:
	/* the message quotes the file: it goes to the log and to a reload's reply, as UTF-8 */
	if (err != NULL && errlen > 0)
		utf8_clean(err);
	config_free(out);
	return -1;
}

void
config_free(struct config *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < CONF_COUNT; i++) {
		if (conf_table[i].type == CONF_STRING || conf_table[i].type == CONF_LEVEL) {
			char **p = (char **)((char *)c + conf_table[i].offset);

			wipe_free(*p);
			*p = NULL;
		}
	}
}

static char *
read_dsn_file(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char buf[4096], *dsn;
	size_t n;

	if (f == NULL) {
		snprintf(err, errlen, "dsn_file %s: %s", path, strerror(errno));
		return NULL;
	}
	/* unbuffered: no copy of the password left in stdio's buffer */
	setvbuf(f, NULL, _IONBF, 0);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	if (ferror(f) || (n == sizeof(buf) - 1 && !feof(f))) {
		snprintf(err, errlen, "dsn_file %s: unreadable or longer than %zu bytes", path,
		         sizeof(buf) - 1);
		fclose(f);
		explicit_bzero(buf, sizeof(buf));
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	if (n == 0) {
		snprintf(err, errlen, "dsn_file %s is empty", path);
		return NULL;
	}
	dsn = strdup(buf);
	explicit_bzero(buf, sizeof(buf));
	return dsn;
}

char *
config_dsn(const struct config *c, char *err, size_t errlen)
{
	const char *env, *creds;
	char path[4096];

	if (c->dsn_file[0] != '\0') {
		/* "$CREDENTIALS_DIRECTORY/dsn" as written in a unit's drop-in. */
		const char *var = "$CREDENTIALS_DIRECTORY";

		if (strncmp(c->dsn_file, var, strlen(var)) == 0) {
			creds = getenv("CREDENTIALS_DIRECTORY");
			if (creds == NULL) {
				snprintf(err, errlen,
				         "dsn_file %s: CREDENTIALS_DIRECTORY is not set",
				         c->dsn_file);
				return NULL;
			}
			snprintf(path, sizeof(path), "%s%s", creds, c->dsn_file + strlen(var));
			return read_dsn_file(path, err, errlen);
		}
		return read_dsn_file(c->dsn_file, err, errlen);
	}
	if (c->dsn[0] != '\0')
		return strdup(c->dsn);
	env = getenv("PARKPLAN_DSN");
	if (env != NULL && *env != '\0')
		return strdup(env);
	creds = getenv("CREDENTIALS_DIRECTORY");
	if (creds != NULL) {
		snprintf(path, sizeof(path), "%s/dsn", creds);
		return read_dsn_file(path, err, errlen);
	}
	snprintf(err, errlen,
	         "no database: set database.dsn or database.dsn_file in the "
	         "configuration, or PARKPLAN_DSN, or a systemd credential 'dsn'");
	return NULL;
}

double
config_daily_delay(int minute_of_day, const struct tm *now)
{
	double delay = 60.0 * (minute_of_day - (now->tm_hour * 60 + now->tm_min)) - now->tm_sec;

	if (delay <= 0)
		delay += 86400;
	return delay;
}

/* "[::1]:8080" -> "::1" and 8080; "127.0.0.1:8080" -> "127.0.0.1" and 8080. */
static int
listen_split(const char *text, char *host, size_t hostlen, int *port, char *err, size_t errlen)
{
	const char *colon, *end;
	char *stop;
	long p;
	size_t n;

	if (text[0] == '[') {
		end = strchr(text, ']');
		if (end == NULL || end[1] != ':') {
			snprintf(err, errlen, "'%s': expected [ADDRESS]:PORT", text);
			return -1;
		}
		n = (size_t)(end - text - 1);
		text++;
		colon = end + 1;
	} else {
		colon = strrchr(text, ':');
		if (colon == NULL) {
			snprintf(err, errlen, "'%s': expected ADDRESS:PORT or unix:/PATH", text);
			return -1;
		}
		n = (size_t)(colon - text);
	}
	if (n == 0 || n >= hostlen) {
		snprintf(err, errlen, "'%s': no address", text);
		return -1;
	}
	memcpy(host, text, n);
	host[n] = '\0';
	errno = 0;
	p = strtol(colon + 1, &stop, 10);
	if (colon[1] < '0' || colon[1] > '9' || *stop != '\0' || errno != 0 || p < 1 || p > 65535) {
		snprintf(err, errlen, "'%s': the port must be in [1, 65535]", colon + 1);
		return -1;
	}
	*port = (int)p;
	return 0;
}

int
config_http_listen(const char *text, struct http_listen *out, char *err, size_t errlen)
{
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	static const unsigned char v6_loopback[16] = {0, 0, 0, 0, 0, 0, 0, 0,
	                                              0, 0, 0, 0, 0, 0, 0, 1};
	char host[INET6_ADDRSTRLEN + 1];

	memset(out, 0, sizeof(*out));
	if (strncmp(text, "unix:", 5) == 0) {
		const char *path = text + 5;

		if (path[0] != '/' || strlen(path) >= sizeof(out->path)) {
			snprintf(err, errlen, "'%s': an absolute path shorter than %zu bytes", path,
			         sizeof(out->path));
			return -1;
		}
		out->family = AF_UNIX;
		snprintf(out->path, sizeof(out->path), "%s", path);
		out->loopback = true;
		return 0;
	}
	if (listen_split(text, host, sizeof(host), &out->port, err, errlen) != 0)
		return -1;
	if (text[0] == '[' && inet_pton(AF_INET6, host, out->addr) == 1) {
		out->family = AF_INET6;
		out->loopback = memcmp(out->addr, v6_loopback, 16) == 0 ||
		                (memcmp(out->addr, mapped, 12) == 0 && out->addr[12] == 127);
	} else if (text[0] != '[' && inet_pton(AF_INET, host, out->addr) == 1) {
		out->family = AF_INET;
		out->loopback = out->addr[0] == 127;
	} else {
		snprintf(err, errlen,
		         "'%s': not a numeric address (127.0.0.1:PORT, [::1]:PORT, "
		         "unix:/PATH)",
		         text);
		return -1;
	}
	return 0;
}

void
config_warn_restart(const struct config *old, const struct config *new_conf)
{
	size_t i;

	for (i = 0; i < CONF_COUNT; i++) {
		const struct conf_entry *e = &conf_table[i];
		const char *a = (const char *)old + e->offset;
		const char *b = (const char *)new_conf + e->offset;
		bool differs;

		if (!(e->flags & CONF_RESTART))
			continue;
		if (e->type == CONF_STRING)
			differs = strcmp(*(char *const *)a, *(char *const *)b) != 0;
		else if (e->type == CONF_BOOL)
			differs = *(const bool *)a != *(const bool *)b;
		else if (e->type == CONF_DOUBLE)
			differs = *(const double *)a != *(const double *)b;
		else
			differs = *(const int *)a != *(const int *)b;
		if (differs)
			log_warnx("reload: %s.%s changed: it takes effect at the next start",
			          e->section, e->key);
	}
}
