/*
 * ctl.h - parkplanctl: the command-line client of parkpland's control
 * socket, plus the offline verbs that work on a database or a file.
 *
 * Each verb is a row of the table in main.c and a cmd_<verb>() in a file of
 * its own; every handler has the same signature and returns an exit code.
 */
#ifndef PARKPLAN_CTL_H
#define PARKPLAN_CTL_H

#include <libpq-fe.h>

/* Exit codes: protocol.h, shared with parkpland. */
#include "../daemon/protocol.h"

int cmd_migrate(int argc, char **argv);
int cmd_sample(int argc, char **argv);
int cmd_snapshot(int argc, char **argv);
int cmd_solve(int argc, char **argv);
int cmd_explain(int argc, char **argv);
/* cmd_daemon.c: verbs of parkpland's control socket (client.h). */
int cmd_status(int argc, char **argv);
int cmd_replan(int argc, char **argv);
int cmd_plans(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_approve(int argc, char **argv);
int cmd_reload(int argc, char **argv);
/* explain/snapshot over the socket: for cmd_explain/cmd_snapshot without --input/--dsn. */
int cmd_daemon_explain(int argc, char **argv);
int cmd_daemon_snapshot(int argc, char **argv);

/*
 * The DSN for offline verbs: --dsn's value if given, else $PARKPLAN_DSN.
 * Returns NULL (after printing why) when there is none.
 */
const char *ctl_dsn(const char *option_value);

/* Connect or print why not; NULL on failure. */
PGconn *ctl_connect(const char *dsn);

/* Print "parkplanctl: <verb>: <message>" to stderr. */
void ctl_error(const char *verb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
