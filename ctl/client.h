/*
 * client.h - parkplanctl's side of parkpland's control socket
 * (docs/protocol.md): one JSON request per line, one JSON reply per line;
 * and the options every verb of the socket reads.
 */
#ifndef PARKPLAN_CLIENT_H
#define PARKPLAN_CLIENT_H

#include <jansson.h>

#include "../daemon/protocol.h"
#include "ctl.h"

/*
 * The options of the socket verbs (CTL_DAEMON): each such verb reads all of
 * them, with their values, and refuses those it does not take.
 *   --socket PATH, --json, --timeout SECONDS, --wait, --limit N, --output FILE
 */
extern const struct ctl_option client_opt_socket, client_opt_json, client_opt_timeout,
    client_opt_wait, client_opt_limit, client_opt_output;
extern const struct ctl_option *const client_options[];

/* The socket: the option's value if given, else $PARKPLAN_SOCKET, else the default. */
const char *client_socket_path(const char *option_value);

/*
 * Send {"v":1,"cmd":cmd,"args":args} (args may be NULL; it is not taken)
 * and wait for the reply, at most timeout_s seconds (<= 0: no limit).
 * Returns the reply object (ok true or false), or NULL after printing why,
 * with *exit_code set (EXIT_UNAVAILABLE, EXIT_INTERNAL).
 */
json_t *client_call(const char *path, const char *cmd, json_t *args, double timeout_s,
                    const char *verb, int *exit_code);

/* Print the error of a reply with ok = false; returns the exit code for it. */
int client_reply_error(const char *verb, const json_t *reply);

/*
 * For a socket verb's handler: call cmd with args (taken), on --socket,
 * within --timeout, and return the data of a successful reply; NULL after
 * printing why, with *exit_code set.
 */
json_t *client_data(const struct ctl_args *a, const char *cmd, json_t *args, int *exit_code);

/* A plan id given as an argument; prints why and returns -1 when it is not one. */
int client_plan_id(const char *verb, const char *text, long long *out);

/* args with "plan": plan added, when a plan was named (plan > 0). */
json_t *client_plan_args(json_t *args, long long plan);

#endif
