/*
 * planwire.h - a plan across the pipe from a solve's child to its parent.
 *
 * The child is a fork of the parent (the same program, not an exec of
 * another), so the plan's rows can cross as the structs themselves: a
 * small JSON head for each part's status, numbers, method and reasons, then
 * the arrays of pairs, uncovered communities, assignments and coverage as
 * they lie in memory.  At city scale the JSON form took 100-170 ms to read
 * on the daemon's loop; this takes a copy.  The parent checks everything it
 * can (a mark, the struct sizes, every count against the bytes there) and
 * refuses anything else as malformed.
 */
#ifndef PARKPLAN_PLANWIRE_H
#define PARKPLAN_PLANWIRE_H

#include <stddef.h>

#include "plan.h"

/* The plan as one buffer (malloc'd, *len bytes); NULL when out of memory. */
char *planwire_encode(const struct plan *p, size_t *len);

/*
 * Read a buffer of planwire_encode() into *out (initialised here).  Returns
 * 0, or -1 with why in err and *out empty.
 */
int planwire_decode(const char *buf, size_t len, struct plan *out, char *err, size_t errlen);

#endif
