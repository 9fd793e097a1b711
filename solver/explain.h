/*
 * explain.h - why the plan says what it says.
 *
 * For an enterprise, a community or an instructor: its assignment, the
 * score broken into the model's terms (need fit, proximity, keep bonus;
 * skill, commute, keep, stay), and the best alternatives that lost, each
 * with the reason (partner full, farther, fewer needs met, forbidden,
 * capacity of the zone already covered, ...).
 *
 * The result is a JSON object so that parkplanctl prints it as a table
 * (ctl/print_explain.c) or passes it through with --json, and the daemon
 * sends it over the socket unchanged.
 */
#ifndef PARKPLAN_EXPLAIN_H
#define PARKPLAN_EXPLAIN_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "plan.h"
#include "snapshot.h"

enum explain_kind { EXPLAIN_ENTERPRISE, EXPLAIN_COMMUNITY, EXPLAIN_INSTRUCTOR };

/* Returns -1 for unknown text ("enterprise", "community", "instructor"). */
int explain_kind_parse(const char *text, enum explain_kind *out);

/* Returns NULL with err set when the id is not in the snapshot. */
json_t *explain(const struct snapshot *s, const struct plan *p, enum explain_kind kind, int64_t id,
                size_t max_alternatives, char *err, size_t errlen);

/*
 * Numbers as the reasons of an explanation write them, for whoever shows
 * an explanation beside its reasons: an integer with blanks between groups
 * of three digits ("4 120"), a distance in whole metres ("2 410 m").
 * Each returns buf.
 */
const char *explain_format_int(char buf[32], int64_t v);
const char *explain_format_m(char buf[40], double d);

#endif
