/*
 * protocol.h - the control protocol of parkpland, shared by the daemon and
 * parkplanctl (docs/protocol.md): one JSON request per line, one JSON reply
 * per line, over a Unix stream socket.
 *
 * What both sides must agree on lives here and nowhere else: the version,
 * the default socket, the error codes of a reply and the exit status
 * parkplanctl gives for each.
 */
#ifndef PARKPLAN_PROTOCOL_H
#define PARKPLAN_PROTOCOL_H

#include <string.h>

#define PROTOCOL_VERSION 1
#define PROTOCOL_DEFAULT_SOCKET "/run/parkplan/parkpland.sock"

/* The largest reply parkplanctl reads (a city's snapshot is tens of MB). */
#define PROTOCOL_MAX_REPLY (256 * 1024 * 1024)

/* parkplanctl's exit status, documented in its --help and parkplanctl(1). */
#define EXIT_OK 0
#define EXIT_FAILURE_RUN 1 /* the operation ran and failed (infeasible, refused) */
#define EXIT_USAGE 2       /* bad arguments */
#define EXIT_INPUT 3       /* bad input data (validation, unreadable file) */
#define EXIT_UNAVAILABLE 4 /* database or daemon unreachable */
#define EXIT_INTERNAL 5    /* internal error */

/*
 * The "code" of a reply with "ok": false, and the exit status parkplanctl
 * gives for it.  X(name, text, exit status), in the order of
 * docs/protocol.md.
 */
#define PROTOCOL_ERRORS(X)                                                                         \
	X(ERR_BAD_REQUEST, "bad_request", EXIT_USAGE)                                              \
	X(ERR_UNKNOWN_COMMAND, "unknown_command", EXIT_USAGE)                                      \
	X(ERR_VERSION, "version", EXIT_USAGE)                                                      \
	X(ERR_TOO_LARGE, "too_large", EXIT_FAILURE_RUN)                                            \
	X(ERR_BUSY, "busy", EXIT_UNAVAILABLE)                                                      \
	X(ERR_DENIED, "denied", EXIT_FAILURE_RUN)                                                  \
	X(ERR_UNAVAILABLE, "unavailable", EXIT_UNAVAILABLE)                                        \
	X(ERR_NOT_FOUND, "not_found", EXIT_FAILURE_RUN)                                            \
	X(ERR_RUN_FAILED, "run_failed", EXIT_FAILURE_RUN)                                          \
	X(ERR_BAD_CONFIG, "bad_config", EXIT_FAILURE_RUN)                                          \
	X(ERR_DATABASE, "database", EXIT_INTERNAL)                                                 \
	X(ERR_INTERNAL, "internal", EXIT_INTERNAL)                                                 \
	X(ERR_SHUTTING_DOWN, "shutting_down", EXIT_UNAVAILABLE)                                    \
	X(ERR_STANDBY, "standby", EXIT_FAILURE_RUN)

#define PROTOCOL_ERROR_ENUM(name, text, exit_status) name,
enum protocol_error { PROTOCOL_ERRORS(PROTOCOL_ERROR_ENUM) PROTOCOL_ERROR_COUNT };
#undef PROTOCOL_ERROR_ENUM

/* The code's text in a reply ("not_found"). */
static inline const char *
protocol_error_text(enum protocol_error e)
{
#define PROTOCOL_ERROR_TEXT(name, text, exit_status) [name] = text,
	static const char *const texts[] = {PROTOCOL_ERRORS(PROTOCOL_ERROR_TEXT)};
#undef PROTOCOL_ERROR_TEXT

	return (unsigned)e < PROTOCOL_ERROR_COUNT ? texts[e] : "internal";
}

/*
 * parkplanctl's exit status for a reply's code: EXIT_INTERNAL without one,
 * EXIT_FAILURE_RUN for a code this version does not know.
 */
static inline int
protocol_error_exit(const char *code)
{
	if (code == NULL)
		return EXIT_INTERNAL;
#define PROTOCOL_ERROR_EXIT(name, text, exit_status)                                               \
	if (strcmp(code, text) == 0)                                                               \
		return exit_status;
	PROTOCOL_ERRORS(PROTOCOL_ERROR_EXIT)
#undef PROTOCOL_ERROR_EXIT
	return EXIT_FAILURE_RUN;
}

#endif
