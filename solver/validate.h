/*
 * validate.h - bad input (docs/model.md §5).
 *
 * Every offending row is reported, not only the first: a problem names the
 * entity ("enterprise", "community", "rule", "settings", ...), the row's id
 * (0 when the row has none), the field and the reason.  A snapshot with any
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

/* Returns the number of problems found (0: the snapshot may be solved). */
size_t snapshot_validate(const struct snapshot *s, struct problems *out);

/* [{"entity":…, "id":…, "field":…, "reason":…}, …] */
json_t *problems_to_json(const struct problems *p);

#endif
