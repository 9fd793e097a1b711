/*
 * log.c - parkpland's log: lines on stderr with a syslog priority prefix
 * ("<6>...") that the journal understands.  Messages name rows by id only,
 * never by a person's or an organisation's name.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parkpland.h"

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

static void
log_vwrite(enum log_level level, const char *suffix, const char *fmt, va_list ap)
{
	char line[2048];
	size_t i;

	if (level > log_max)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	/* One record per line: a newline inside a message would split it. */
	for (i = 0; line[i] != '\0'; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	if (suffix != NULL)
		fprintf(stderr, "<%d>%s: %s\n", (int)level, line, suffix);
	else
		fprintf(stderr, "<%d>%s\n", (int)level, line);
	fflush(stderr);
}

#define LOG_FN(fn, level)                                                                          \
	void fn(const char *fmt, ...)                                                              \
	{                                                                                          \
		va_list ap;                                                                        \
		va_start(ap, fmt);                                                                 \
		log_vwrite(level, NULL, fmt, ap);                                                  \
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
	log_vwrite(LOG_LEVEL_WARNING, strerror(saved), fmt, ap);
	va_end(ap);
	errno = saved;
}

void
fatal(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_ERR, strerror(saved), fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_ERR, NULL, fmt, ap);
	va_end(ap);
	exit(1);
}
