/*
 * ctlpeer.c - who may talk on the control socket, and how many at once
 * (docs/protocol.md, "Who may talk" and "Limits").
 *
 * A peer is known by SO_PEERCRED.  Root, the daemon's own user and members
 * of daemon.socket_group may connect; root, the daemon's user and members
 * of daemon.admin_group are privileged: they may approve and reload, they
 * are not held to daemon.max_clients_per_uid, and the last
 * daemon.reserved_clients of the daemon.max_clients slots are theirs
 * alone (as PostgreSQL's superuser_reserved_connections), so that a flood
 * from one user never locks the operator out.
 *
 * Refused connections are logged without flooding the log: the first
 * refusal of a quiet spell is logged as it happens, the others are counted
 * and told as one line per CTLPEER_LOG_INTERVAL_S.
 */
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parkpland.h"

/* Seconds between two lines about refused connections. */
#define CTLPEER_LOG_INTERVAL_S 10.0

/* --- groups --------------------------------------------------------------- */

static bool
ctlpeer_in_group(uid_t uid, gid_t gid, const char *group)
{
	struct group *gr;
	struct passwd *pw;
	gid_t groups[256];
	int n = 256, i;

	if (group == NULL || *group == '\0')
		return false;
	gr = getgrnam(group);
	if (gr == NULL)
		return false;
	if (gid == gr->gr_gid)
		return true;
	pw = getpwuid(uid);
	if (pw == NULL)
		return false;
	if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) < 0)
		return false;
	for (i = 0; i < n; i++)
		if (groups[i] == gr->gr_gid)
			return true;
	return false;
}

/* Root, the daemon's user, daemon.socket_group. */
static bool
ctlpeer_may_connect(const struct config *conf, uid_t uid, gid_t gid)
{
	return uid == 0 || uid == geteuid() || ctlpeer_in_group(uid, gid, conf->socket_group);
}

bool
ctlpeer_privileged(const struct config *conf, uid_t uid, gid_t gid)
{
	return uid == 0 || uid == geteuid() || ctlpeer_in_group(uid, gid, conf->admin_group);
}

/* --- admission ------------------------------------------------------------ */

/* The reserved slots actually kept: at least one slot stays open to all. */
static int
ctlpeer_reserved(const struct config *conf)
{
	int r = conf->reserved_clients;

	if (r > conf->max_clients - 1)
		r = conf->max_clients - 1;
	return r < 0 ? 0 : r;
}

enum ctlpeer_verdict
ctlpeer_admit(const struct config *conf, uid_t uid, gid_t gid, int n_clients, int n_same_uid,
              char *why, size_t whylen)
{
	bool privileged;
	int reserved;

	if (n_clients >= conf->max_clients) {
		snprintf(why, whylen, "too many clients (daemon.max_clients %d)",
		         conf->max_clients);
		return CTLPEER_BUSY;
	}
	if (!ctlpeer_may_connect(conf, uid, gid)) {
		snprintf(why, whylen, "not allowed: not in the control group");
		return CTLPEER_DENIED;
	}
	privileged = ctlpeer_privileged(conf, uid, gid);
	reserved = ctlpeer_reserved(conf);
	if (!privileged && n_clients >= conf->max_clients - reserved) {
		snprintf(why, whylen,
		         "too many clients: the last %d of daemon.max_clients %d are kept for root "
		         "and daemon.admin_group (daemon.reserved_clients)",
		         reserved, conf->max_clients);
		return CTLPEER_RESERVED;
	}
	if (!privileged && n_same_uid >= conf->max_clients_per_uid) {
		snprintf(why, whylen,
		         "too many connections from uid %u (daemon.max_clients_per_uid %d)",
		         (unsigned)uid, conf->max_clients_per_uid);
		return CTLPEER_PER_UID;
	}
	return CTLPEER_ADMIT;
}

/* --- refusals in the log -------------------------------------------------- */

struct ctlpeer_log {
	struct event *timer;
	bool window_open; /* a refusal was logged less than an interval ago */
	int counts[CTLPEER_VERDICTS];
};

static const char *const verdict_words[CTLPEER_VERDICTS] = {
    [CTLPEER_ADMIT] = "admitted",
    [CTLPEER_BUSY] = "over daemon.max_clients",
    [CTLPEER_DENIED] = "not allowed",
    [CTLPEER_RESERVED] = "in the reserved slots",
    [CTLPEER_PER_UID] = "over daemon.max_clients_per_uid",
    [CTLPEER_DROPPED] = "dropped past daemon.output_hard_bytes",
    [CTLPEER_TIMED_OUT] = "past daemon.request_timeout_s",
};

static void
ctlpeer_log_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ctlpeer_log *lg = arg;
	struct timeval tv = seconds_tv(CTLPEER_LOG_INTERVAL_S);
	char text[512];
	size_t used = 0;
	int total = 0, k;

	(void)fd;
	(void)what;
	text[0] = '\0';
	for (k = 0; k < CTLPEER_VERDICTS; k++) {
		if (lg->counts[k] == 0)
			continue;
		used += (size_t)snprintf(text + used, sizeof(text) - used, "%s%d %s",
		                         total ? ", " : "", lg->counts[k], verdict_words[k]);
		if (used >= sizeof(text))
			used = sizeof(text) - 1;
		total += lg->counts[k];
		lg->counts[k] = 0;
	}
	if (total == 0) {
		lg->window_open = false;
		return;
	}
	log_warnx("control: %d more connections refused or dropped in the last %.0f s (%s)", total,
	          CTLPEER_LOG_INTERVAL_S, text);
	/* still refusing: the next line after another interval at the soonest */
	evtimer_add(lg->timer, &tv);
}

struct ctlpeer_log *
ctlpeer_log_new(struct event_base *base)
{
	struct ctlpeer_log *lg = calloc(1, sizeof(*lg));

	if (lg == NULL)
		return NULL;
	lg->timer = evtimer_new(base, ctlpeer_log_cb, lg);
	if (lg->timer == NULL) {
		free(lg);
		return NULL;
	}
	return lg;
}

void
ctlpeer_log_free(struct ctlpeer_log *lg)
{
	if (lg == NULL)
		return;
	event_free(lg->timer);
	free(lg);
}

void
ctlpeer_log(struct ctlpeer_log *lg, enum ctlpeer_verdict v, const char *fmt, ...)
{
	struct timeval tv = seconds_tv(CTLPEER_LOG_INTERVAL_S);
	char text[512];
	va_list ap;

	if (lg == NULL || v <= CTLPEER_ADMIT || v >= CTLPEER_VERDICTS)
		return;
	if (lg->window_open) {
		lg->counts[v]++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	log_warnx("control: %s", text);
	lg->window_open = true;
	evtimer_add(lg->timer, &tv);
}
