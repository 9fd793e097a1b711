/*
 * sdnotify.h - systemd's notification, socket activation and journal
 * calls, or no-ops when parkpland is built without libsystemd, so that call
 * sites carry no #ifdef.
 */
#ifndef PARKPLAND_SDNOTIFY_H
#define PARKPLAND_SDNOTIFY_H

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
/* the call site would always be log.c: no CODE_FILE/CODE_LINE */
#define SD_JOURNAL_SUPPRESS_LOCATION 1
#include <systemd/sd-journal.h>
#else
/* Without libsystemd: no-ops with the same signatures (inline, no warnings). */
#include <stdint.h>
#include <stddef.h>
#define SD_LISTEN_FDS_START 3
static inline int
sd_notify(int unset_environment, const char *state)
{
	(void)unset_environment;
	(void)state;
	return 0;
}
static inline int
sd_notifyf(int unset_environment, const char *format, ...)
{
	(void)unset_environment;
	(void)format;
	return 0;
}
static inline int
sd_listen_fds(int unset_environment)
{
	(void)unset_environment;
	return 0;
}
static inline int
sd_is_socket_unix(int fd, int type, int listening, const char *path, size_t length)
{
	(void)fd;
	(void)type;
	(void)listening;
	(void)path;
	(void)length;
	return 0;
}
static inline int
sd_watchdog_enabled(int unset_environment, uint64_t *usec)
{
	(void)unset_environment;
	(void)usec;
	return 0;
}
/* No journal: the caller writes its "<N>" line to stderr instead. */
#include <errno.h>
#include <sys/uio.h>
static inline int
sd_journal_sendv(const struct iovec *iov, int n)
{
	(void)iov;
	(void)n;
	return -ENOSYS;
}
#endif

#endif
