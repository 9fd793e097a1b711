/*
 * glpk_trap.c - GLPK's terminal and error hooks for a child that dies on
 * GLPK's error (see glpk_trap.h).
 */
#include "glpk_trap.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <glpk.h>

#define TRAP_MAX_MESSAGE 2048

/* Only one per process: the hooks reach it through GLPK's info pointer. */
static struct {
	bool verbose;
	glpk_trap_fn fn;
	void *arg;
	char text[TRAP_MAX_MESSAGE]; /* what GLPK printed since it entered its error state */
	size_t len;
} trap;

static void
trap_write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

/*
 * GLPK's terminal output.  When GLPK enters its error state it prints the
 * message through here before calling the error hook: keep that text.
 */
static int
trap_term_hook(void *info, const char *s)
{
	size_t len = strlen(s);

	(void)info;
	if (glp_at_error()) {
		size_t room = sizeof(trap.text) - 1 - trap.len;
		size_t take = len < room ? len : room;

		memcpy(trap.text + trap.len, s, take);
		trap.len += take;
		trap.text[trap.len] = '\0';
	}
	if (trap.verbose)
		trap_write_all(STDERR_FILENO, s, len);
	return 1;
}

/* GLPK cannot be used any more once it called this. */
static void
trap_error_hook(void *info)
{
	char msg[TRAP_MAX_MESSAGE];
	size_t i, n = 0;

	(void)info;
	/* "glp_add_rows: nrs = -1; ...\nError detected in file ... at line 254\n" */
	for (i = 0; i < trap.len && n < sizeof(msg) - 3; i++) {
		if (trap.text[i] == '\n') {
			if (i + 1 < trap.len) {
				msg[n++] = ';';
				msg[n++] = ' ';
			}
		} else {
			msg[n++] = trap.text[i];
		}
	}
	msg[n] = '\0';
	trap.fn(trap.arg, n > 0 ? msg : "unknown error");
	_exit(1); /* fn must not return */
}

void
glpk_trap_install(bool verbose, glpk_trap_fn fn, void *arg)
{
	trap.verbose = verbose;
	trap.fn = fn;
	trap.arg = arg;
	trap.len = 0;
	trap.text[0] = '\0';
	glp_term_hook(trap_term_hook, NULL);
	glp_error_hook(trap_error_hook, NULL);
}
