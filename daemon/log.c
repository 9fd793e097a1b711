/*
 * log.c - parkpland's log.  When stderr is connected to the journal
 * (JOURNAL_STREAM names stderr's device and inode, systemd.exec(5)) and
 * parkpland has libsystemd, each message is a structured journal entry:
 * MESSAGE, PRIORITY, SYSLOG_IDENTIFIER, ERRNO for log_warn, and
 * PARKPLAN_RUN / PARKPLAN_PLAN with the ids of the run and the plan the
 * message is about (log_run).  Otherwise it is a line on stderr with a
 * syslog priority prefix ("<6>...") that the journal also understands.
 * Messages name rows by id only, never by a person's or an organisation's
 * name.  The state told to systemd (STATUS=) is a line of the log too.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "parkpland.h"
#include "sdnotify.h"

static enum log_level log_max = LOG_LEVEL_INFO;

int
log_level_parse(const char *text, enum log_level *out)
{
	static const struct {
		const char *name;
		enum log_level level;
	} names[] = {
	    {"error", LOG_LEVEL_ERR}, {"warning", LOG_LEVEL_WARNING}, {"notice", LOG_LEVEL_NOTICE},
	    {"info", LOG_LEVEL_INFO}, {"debug", LOG_LEVEL_DEBUG},
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(text, names[i].name) == 0) {
			*out = names[i].level;
			return 0;
		}
	}
	return -1;
}

void
log_set_level(enum log_level level)
{
	log_max = level;
}

/* -1: not checked yet; 0: stderr; 1: the journal. */
static int log_journal = -1;

/* Is stderr the journal's stream (JOURNAL_STREAM is "<device>:<inode>")? */
static bool
log_stderr_is_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (e == NULL || sscanf(e, "%llu:%llu", &dev, &ino) != 2)
		return false;
	if (fstat(STDERR_FILENO, &st) != 0)
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

/* One journal entry; -1 when it could not be sent (the caller uses stderr). */
static int
log_send_journal(enum log_level level, const char *line, int errnum, int64_t run_id,
                 int64_t plan_id)
{
	char prio[16], err[32], run_f[48], plan_f[48];
	char *msg;
	struct iovec iov[6];
	int n = 0, rc;

	if (asprintf(&msg, "MESSAGE=%s", line) < 0)
		return -1;
	snprintf(prio, sizeof(prio), "PRIORITY=%d", (int)level);
	iov[n++] = (struct iovec){msg, strlen(msg)};
	iov[n++] = (struct iovec){prio, strlen(prio)};
	iov[n++] =
	    (struct iovec){"SYSLOG_IDENTIFIER=parkpland", strlen("SYSLOG_IDENTIFIER=parkpland")};
	if (errnum > 0) {
		snprintf(err, sizeof(err), "ERRNO=%d", errnum);
		iov[n++] = (struct iovec){err, strlen(err)};
	}
	if (run_id > 0) {
		snprintf(run_f, sizeof(run_f), "PARKPLAN_RUN=%" PRId64, run_id);
		iov[n++] = (struct iovec){run_f, strlen(run_f)};
	}
	if (plan_id > 0) {
		snprintf(plan_f, sizeof(plan_f), "PARKPLAN_PLAN=%" PRId64, plan_id);
		iov[n++] = (struct iovec){plan_f, strlen(plan_f)};
	}
	rc = sd_journal_sendv(iov, n);
	free(msg);
	return rc < 0 ? -1 : 0;
}

static void log_vwrite(enum log_level level, int errnum, int64_t run_id, int64_t plan_id,
                       const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

static void
log_vwrite(enum log_level level, int errnum, int64_t run_id, int64_t plan_id, const char *fmt,
           va_list ap)
{
	char line[2048];
	size_t i, len;

	if (level > log_max)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	/* One record per line: a newline inside a message would split it. */
	for (i = 0; line[i] != '\0'; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	if (errnum > 0) {
		len = strlen(line);
		snprintf(line + len, sizeof(line) - len, ": %s", strerror(errnum));
	}
	if (log_journal < 0)
		log_journal = log_stderr_is_journal() ? 1 : 0;
	if (log_journal == 1) {
		if (log_send_journal(level, line, errnum, run_id, plan_id) == 0)
			return;
		/* no journal after all (no libsystemd, no socket): stderr from now on */
		log_journal = 0;
	}
	fprintf(stderr, "<%d>%s\n", (int)level, line);
	fflush(stderr);
}

void
log_run(enum log_level level, int64_t run_id, int64_t plan_id, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(level, 0, run_id, plan_id, fmt, ap);
	va_end(ap);
}

#define LOG_FN(fn, level)                                                                          \
	void fn(const char *fmt, ...)                                                              \
	{                                                                                          \
		va_list ap;                                                                        \
		va_start(ap, fmt);                                                                 \
		log_vwrite(level, 0, 0, 0, fmt, ap);                                               \
		va_end(ap);                                                                        \
	}

LOG_FN(log_err, LOG_LEVEL_ERR)
LOG_FN(log_warnx, LOG_LEVEL_WARNING)
LOG_FN(log_notice, LOG_LEVEL_NOTICE)
LOG_FN(log_info, LOG_LEVEL_INFO)
LOG_FN(log_debug, LOG_LEVEL_DEBUG)

void
log_warn(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_WARNING, saved, 0, 0, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_status(const char *fmt, ...)
{
	static char last[256];
	char text[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (strcmp(text, last) == 0)
		return;
	snprintf(last, sizeof(last), "%s", text);
	sd_notifyf(0, "STATUS=%s", text);
	log_debug("status: %s", text);
}

void
fatal(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_ERR, saved, 0, 0, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_ERR, 0, 0, 0, fmt, ap);
	va_end(ap);
	exit(1);
}
