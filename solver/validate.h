/*
 * validate.h - bad input (docs/model.md §5).
 *
 * Every offending row is reported, not only the first: a problem names the
 * entity ("enterprise", "community", "rule", "settings", ...), the row's id
 * (0 when the row has none: settings, whose key is the field, and rules of a
 * document), the field and the reason.  A snapshot with any
 * problem is not solved.
 */
#ifndef PARKPLAN_VALIDATE_H
#define PARKPLAN_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "snapshot.h"

struct problem {
	char *entity;
	int64_t id;
	char *field;
	char *reason;
};

struct problems {
	struct problem *v;
	size_t n, cap;
};

void problems_init(struct problems *p);
void problems_free(struct problems *p);
void problems_add(struct problems *p, const char *entity, int64_t id, const char *field,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* text, at most max bytes of it, cut between two characters, into buf: to quote in a reason. */
void problems_quote(char *buf, size_t len, const char *text, size_t max);
/* "pin_pair (enterprise 12, community 7)": a rule in planners' words. */
void rule_describe(const struct rule *r, char *buf, size_t len);

/* Returns the number of problems found (0: the snapshot may be solved). */
size_t snapshot_validate(const struct snapshot *s, struct problems *out);

/* [{"entity":…, "id":…, "field":…, "reason":…}, …] */
json_t *problems_to_json(const struct problems *p);

#endif
