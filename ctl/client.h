/*
 * client.h - parkplanctl's side of parkpland's control socket
 * (docs/protocol.md): one JSON request per line, one JSON reply per line.
 */
#ifndef PARKPLAN_CLIENT_H
#define PARKPLAN_CLIENT_H

#include <jansson.h>

#include "../daemon/protocol.h"

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

#endif
